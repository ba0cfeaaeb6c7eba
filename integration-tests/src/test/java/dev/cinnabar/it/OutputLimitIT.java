package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import dev.cinnabar.it.support.Waits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A client that asks for much and reads nothing: with {@code client-output-buffer-limit} set it
 * is disconnected as Redis disconnects it; without, the server holds its commands instead of
 * buffering every reply, so memory stays bounded and other clients are served meanwhile.
 */
class OutputLimitIT {
    private static byte[] value(int size) {
        byte[] v = new byte[size];
        Arrays.fill(v, (byte) 'x');
        return v;
    }

    private static byte[] repeated(String command, int times) {
        byte[] one = command.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[one.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(one, 0, all, i * one.length, one.length);
        }
        return all;
    }

    /** Reads until the server closes the connection; returns how many bytes came, or -1 on timeout. */
    private static long readToEof(Socket s, int timeoutMillis) throws IOException {
        s.setSoTimeout(timeoutMillis);
        InputStream in = s.getInputStream();
        byte[] buf = new byte[1 << 16];
        long total = 0;
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
            }
            return total;
        } catch (SocketTimeoutException stillOpen) {
            return -1;
        } catch (java.net.SocketException reset) {
            return total;
        }
    }

    private static long rssKb(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    @Test
    void hardLimitClosesAtOnceLikeRedis() throws Exception {
        for (boolean ours : new boolean[] {false, true}) {
            String[] args = {"--client-output-buffer-limit", "normal 1mb 0 0"};
            try (ServerProcess s = ours ? ServerProcess.cinnabar(args) : ServerProcess.redis(args);
                    RawConnection other = new RawConnection(s.port())) {
                other.send("SET".getBytes(), "big".getBytes(), value(2 << 20));
                assertEquals("+OK\r\n", other.readReply());
                try (Socket greedy = new Socket("127.0.0.1", s.port())) {
                    greedy.getOutputStream().write("GET big\r\n".getBytes(StandardCharsets.US_ASCII));
                    // Nothing of the reply is sent: the client is dropped before its turn to write.
                    assertEquals(0, readToEof(greedy, 10_000), ours ? "cinnabar" : "redis");
                }
                // A reply under the limit is still fine, and other clients never noticed.
                assertEquals("$3\r\nxxx\r\n", other.call("GETRANGE", "big", "0", "2"));
                waitForLog(s, "for overcoming of output buffer limits.");
            }
        }
    }

    @Test
    void aReplyThatCrossesTheHardLimitStopsThereLikeRedis() throws Exception {
        for (boolean ours : new boolean[] {false, true}) {
            String[] args = {"--client-output-buffer-limit", "normal 1mb 0 0", "--enable-debug-command", "yes"};
            String who = ours ? "cinnabar" : "redis";
            try (ServerProcess s = ours ? ServerProcess.cinnabar(args) : ServerProcess.redis(args);
                    RawConnection other = new RawConnection(s.port())) {
                // KEYS * answers about 6 MB here.
                assertEquals("+OK\r\n", other.call("DEBUG", "POPULATE", "200000", "a-key-name-long-enough"));
                try (Socket greedy = new Socket("127.0.0.1", s.port())) {
                    greedy.getOutputStream().write("KEYS *\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertEquals(0, readToEof(greedy, 10_000), who);
                }
                waitForLog(s, "scheduled to be closed ASAP for overcoming of output buffer limits.");
                java.util.regex.Matcher m = java.util.regex.Pattern.compile(" omem=(\\d+) ").matcher(s.log());
                assertTrue(m.find(), s.log());
                // The reply stopped growing where it crossed the limit, not at its end.
                long omem = Long.parseLong(m.group(1));
                assertTrue(omem >= 1 << 20 && omem < 2 << 20, who + " omem=" + omem);
                assertEquals("+PONG\r\n", other.call("PING"));
            }
        }
    }

    /**
     * Redis's obuf-limits test "KEYS stopped mid-run": a reply of about 105 KB against a limit of
     * 100000 bytes. Beyond the 16 KB buffer that is 89 KB of data, under the limit, but Redis
     * counts its reply list in whole nodes of 20,464 bytes, and five of them pass it.
     */
    @Test
    void theLimitCountsRepliesInRedisReplyListNodes() throws Exception {
        String name = "long-key-name-prefix-of-100-chars" + "-".repeat(67);
        for (boolean ours : new boolean[] {false, true}) {
            String who = ours ? "cinnabar" : "redis";
            String[] args = {"--client-output-buffer-limit", "normal 100000 0 0", "--enable-debug-command", "yes"};
            try (ServerProcess s = ours ? ServerProcess.cinnabar(args) : ServerProcess.redis(args);
                    RawConnection other = new RawConnection(s.port())) {
                assertEquals("+OK\r\n", other.call("DEBUG", "POPULATE", "1000", name));
                try (Socket greedy = new Socket("127.0.0.1", s.port())) {
                    greedy.getOutputStream().write("KEYS *\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertEquals(0, readToEof(greedy, 10_000), who);
                }
                waitForLog(s, "scheduled to be closed ASAP for overcoming of output buffer limits.");
                // Half as many keys answer about 55 KB: under the limit in both counts.
                assertEquals(":500\r\n", other.call("EVAL", "for i=0,499 do redis.call('del', KEYS[1]..':'..i) end "
                        + "return redis.call('dbsize')", "1", name));
                try (Socket reader = new Socket("127.0.0.1", s.port())) {
                    reader.getOutputStream().write("KEYS *\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertTrue(readToEof(reader, 10_000) > 50_000, who);
                }
            }
        }
    }

    @Test
    void softLimitClosesAfterItsSeconds() throws Exception {
        for (boolean ours : new boolean[] {false, true}) {
            String[] args = {"--client-output-buffer-limit", "normal 0 256kb 1"};
            try (ServerProcess s = ours ? ServerProcess.cinnabar(args) : ServerProcess.redis(args);
                    RawConnection other = new RawConnection(s.port())) {
                other.send("SET".getBytes(), "v".getBytes(), value(100_000));
                assertEquals("+OK\r\n", other.readReply());
                try (Socket slow = new Socket("127.0.0.1", s.port())) {
                    slow.setReceiveBufferSize(64 * 1024);
                    slow.getOutputStream().write(repeated("GET v\r\n", 200));
                    Thread.sleep(3500);
                    long got = readToEof(slow, 10_000);
                    String who = ours ? "cinnabar" : "redis";
                    assertTrue(got >= 0, who + " kept the slow client");
                    assertTrue(got < 200L * 100_000, who + " sent everything: " + got);
                }
                assertEquals("+PONG\r\n", other.call("PING"));
                waitForLog(s, "for overcoming of output buffer limits.");
            }
        }
    }

    @Test
    void slowReaderWithoutLimitKeepsMemoryBounded() throws Exception {
        int size = 1 << 20;
        int gets = 600;
        try (ServerProcess s = ServerProcess.cinnabar(); RawConnection other = new RawConnection(s.port())) {
            other.send("SET".getBytes(), "big".getBytes(), value(size));
            assertEquals("+OK\r\n", other.readReply());
            other.call("GET", "big");
            long before = rssKb(s.pid());
            try (Socket slow = new Socket("127.0.0.1", s.port())) {
                slow.setReceiveBufferSize(64 * 1024);
                slow.getOutputStream().write(repeated("GET big\r\n", gets));
                Thread.sleep(3000);
                long grown = rssKb(s.pid()) - before;
                // 600 MB of replies were asked for; only a few MB may wait in the server.
                assertTrue(grown < 256 * 1024, "RSS grew by " + grown + " kB");
                // Other clients are served meanwhile.
                assertEquals("+PONG\r\n", other.call("PING"));
                String list = other.call("CLIENT", "LIST");
                String line = list.lines().filter(l -> !l.contains("cmd=client|list")).filter(l -> l.contains("cmd=get"))
                        .findFirst().orElseThrow(() -> new AssertionError(list));
                assertTrue(line.matches(".* omem=[1-9][0-9]* .*"), line);
                assertTrue(line.matches(".* events=r?w .*"), line);
                // Nothing is lost: every reply arrives once the client reads.
                byte[] header = ("$" + size + "\r\n").getBytes(StandardCharsets.US_ASCII);
                long expected = (long) gets * (header.length + size + 2);
                slow.setSoTimeout(30_000);
                InputStream in = slow.getInputStream();
                byte[] buf = new byte[1 << 16];
                long total = 0;
                ByteArrayOutputStream first = new ByteArrayOutputStream();
                while (total < expected) {
                    int n = in.read(buf);
                    assertTrue(n > 0, "closed after " + total + " of " + expected + " bytes");
                    if (first.size() < header.length) {
                        first.write(buf, 0, Math.min(n, header.length - first.size()));
                    }
                    total += n;
                }
                assertEquals(expected, total);
                assertEquals(new String(header, StandardCharsets.US_ASCII), first.toString(StandardCharsets.US_ASCII));
            }
        }
    }

    private static void waitForLog(ServerProcess s, String text) throws Exception {
        Waits.poll(15_000, () -> s.log().contains(text));
        assertTrue(s.log().contains(text), s.log());
    }
}
