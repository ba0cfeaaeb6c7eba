package dev.cinnabar.it;

import static dev.cinnabar.it.support.RawExchange.resp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.RawExchange;
import dev.cinnabar.it.support.ServerPair;
import dev.cinnabar.it.support.ServerProcess;
import dev.cinnabar.it.support.Sockets;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every limit Redis puts on a client, against the built JAR and, where a client sees the same
 * thing, side by side with redis-server 7.0.15 given the same settings: the reply bytes, whether
 * the connection closes, what gets logged and counted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitsIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair("--loglevel", "verbose");

    private static final int QUIET_MILLIS = 1500;
    private static final int CLOSE_WAIT_MILLIS = 10_000;

    private List<ServerProcess> both() {
        return List.of(SERVERS.redis(), SERVERS.cinnabar());
    }

    private void configSet(String name, String value) throws IOException {
        for (ServerProcess s : both()) {
            try (RawConnection c = new RawConnection(s.port())) {
                assertEquals("+OK\r\n", c.call("CONFIG", "SET", name, value), name + " " + value + " on " + s.port());
            }
        }
    }

    /** The same replies from both servers, on one connection each. */
    private void sameReplies(String[]... commands) throws IOException {
        try (RawConnection r = new RawConnection(SERVERS.redis().port());
             RawConnection c = new RawConnection(SERVERS.cinnabar().port())) {
            for (String[] command : commands) {
                assertEquals(r.call(command), c.call(command), String.join(" ", command));
            }
        }
    }

    /** Both servers given the same bytes in one write on a fresh connection: same reply, same close. */
    private RawExchange sameExchange(String input, int quietMillis) throws IOException {
        RawExchange[] both = RawExchange.sendBoth(SERVERS.redis().port(), SERVERS.cinnabar().port(), input, quietMillis);
        RawExchange expected = both[0];
        RawExchange actual = both[1];
        String what = input.length() > 60 ? input.substring(0, 60) + "..." : input;
        assertEquals(expected.toString(), actual.toString(), what.replace("\r\n", "\\r\\n"));
        return actual;
    }

    private static String[] cmd(String... args) {
        return args;
    }

    // ------------------------------------------------------------------ configuration

    @Test
    void everyLimitTakesRedisValuesAndRefusesTheRest() throws IOException {
        String[][] settings = {
            {"proto-max-bulk-len", "1048575", "-1", "2mb", "512mb"},
            {"client-query-buffer-limit", "1000", "1.5mb", "2gb", "1gb"},
            {"maxclients", "0", "-5", "4294967296", "10000"},
            {"timeout", "-1", "2147483648", "5", "0"},
            {"tcp-keepalive", "-1", "x", "60", "300"},
            {"protected-mode", "maybe", "", "no", "yes"},
        };
        for (String[] s : settings) {
            for (int i = 1; i < s.length; i++) {
                sameReplies(cmd("CONFIG", "SET", s[0], s[i]), cmd("CONFIG", "GET", s[0]));
            }
        }
    }

    // ------------------------------------------------------------------ proto-max-bulk-len

    @Test
    void protoMaxBulkLenBoundsEveryBulkAndFollowsConfigSet() throws IOException {
        sameReplies(cmd("CONFIG", "SET", "proto-max-bulk-len", "1000"), cmd("CONFIG", "SET", "proto-max-bulk-len", "-1"),
                cmd("CONFIG", "GET", "proto-max-bulk-len"));
        RawExchange r = sameExchange("PING\r\n*2\r\n$4\r\nECHO\r\n$536870913\r\n", CLOSE_WAIT_MILLIS);
        assertEquals("+PONG\r\n-ERR Protocol error: invalid bulk length\r\n", r.reply);
        assertTrue(r.closed);
        configSet("proto-max-bulk-len", "1mb");
        try {
            sameReplies(cmd("CONFIG", "GET", "proto-max-bulk-len"));
            String exact = resp("SET", "bulk:limit", "x".repeat(1024 * 1024)) + resp("STRLEN", "bulk:limit");
            assertEquals("+OK\r\n:1048576\r\n", sameExchange(exact, QUIET_MILLIS).reply, "a bulk of exactly the limit");
            r = sameExchange("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048577\r\n", CLOSE_WAIT_MILLIS);
            assertEquals("-ERR Protocol error: invalid bulk length\r\n", r.reply);
            assertTrue(r.closed);
            // Commands that grow a string check the same limit.
            sameReplies(cmd("APPEND", "bulk:limit", "y"), cmd("SETRANGE", "bulk:limit", "1048576", "y"),
                    cmd("SETRANGE", "bulk:limit", "1048575", "y"), cmd("STRLEN", "bulk:limit"), cmd("DEL", "bulk:limit"));
        } finally {
            configSet("proto-max-bulk-len", "512mb");
        }
    }

    // ------------------------------------------------------------------ multibulk count

    @Test
    void theMultibulkCountMayReachIntMaxAndNoFurther() throws IOException {
        RawExchange r = sameExchange("PING\r\n*2147483648\r\n", CLOSE_WAIT_MILLIS);
        assertEquals("+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n", r.reply);
        assertTrue(r.closed);
        r = sameExchange("*99999999999999999999\r\n", CLOSE_WAIT_MILLIS);
        assertTrue(r.closed, r.toString());
        // INT_MAX itself is a valid header: the server waits for the arguments, holding nothing for them.
        r = sameExchange("*2147483647\r\n$4\r\nPING\r\n", QUIET_MILLIS);
        assertEquals("", r.reply);
        assertFalse(r.closed);
        try (RawConnection c = new RawConnection(SERVERS.cinnabar().port())) {
            assertEquals("+PONG\r\n", c.call("PING"));
        }
    }

    @Test
    void aHugeAnnouncedCountCostsNothingUntilItsArgumentsCome() throws Exception {
        try (ServerProcess server = ServerProcess.cinnabar()) {
            long before = rssKilobytes(server.pid());
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 50; i++) {
                    Socket s = new Socket("127.0.0.1", server.port());
                    s.getOutputStream().write("*2147483647\r\n$1\r\n".getBytes(StandardCharsets.US_ASCII));
                    open.add(s);
                }
                try (RawConnection c = new RawConnection(server.port())) {
                    assertEquals("+PONG\r\n", c.call("PING"));
                }
                long after = rssKilobytes(server.pid());
                assertTrue(after - before < 200_000, "RSS grew from " + before + " kB to " + after + " kB");
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }

    // ------------------------------------------------------------------ inline lines

    @Test
    void anInlineLineOver64KbIsRefused() throws IOException {
        RawExchange r = sameExchange("PING\r\nSET k " + "v".repeat(200_000) + "\r\n", CLOSE_WAIT_MILLIS);
        assertEquals("+PONG\r\n-ERR Protocol error: too big inline request\r\n", r.reply);
        assertTrue(r.closed);
        // Arriving slowly makes no difference.
        for (ServerProcess s : both()) {
            try (Socket sock = new Socket("127.0.0.1", s.port())) {
                OutputStream out = sock.getOutputStream();
                byte[] chunk = "a".repeat(8192).getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < 9; i++) {
                    out.write(chunk);
                    out.flush();
                    sleep(20);
                }
                RawExchange slow = RawExchange.readUntilClose(sock, CLOSE_WAIT_MILLIS);
                assertEquals("-ERR Protocol error: too big inline request\r\n", slow.reply, "port " + s.port());
                assertTrue(slow.closed);
            }
        }
        // Just under the limit is an ordinary command.
        String line = "ECHO " + "v".repeat(60_000) + "\r\n";
        assertEquals("$60000\r\n", sameExchange(line, QUIET_MILLIS).reply.substring(0, 8));
    }

    // ------------------------------------------------------------------ unauthenticated clients

    @Test
    void unauthenticatedClientsHaveTighterLimitsUntilTheyAuthenticate() throws IOException {
        configSet("requirepass", "pw");
        try {
            assertEquals("-ERR Protocol error: unauthenticated multibulk length\r\n", sameExchange("*11\r\n", CLOSE_WAIT_MILLIS).reply);
            assertEquals("-ERR Protocol error: unauthenticated bulk length\r\n",
                    sameExchange("*1\r\n$16385\r\n", CLOSE_WAIT_MILLIS).reply);
            // At the limits: answered, with NOAUTH.
            String[] ten = new String[10];
            java.util.Arrays.fill(ten, "a");
            ten[0] = "DEL";
            assertEquals("-NOAUTH Authentication required.\r\n-NOAUTH Authentication required.\r\n",
                    sameExchange(resp(ten) + resp("ECHO", "x".repeat(16384)), QUIET_MILLIS).reply);
            // Authenticated, the same connection may send more.
            String[] eleven = new String[11];
            eleven[0] = "ECHO";
            java.util.Arrays.fill(eleven, 1, 11, "b");
            RawExchange r = sameExchange(resp("AUTH", "pw") + resp(eleven) + resp("ECHO", "z".repeat(20_000)), QUIET_MILLIS);
            assertTrue(r.reply.startsWith("+OK\r\n-ERR wrong number of arguments for 'echo' command\r\n$20000\r\n"), r.toString());
        } finally {
            for (ServerProcess s : both()) {
                try (RawConnection c = new RawConnection(s.port())) {
                    assertEquals("+OK\r\n", c.call("AUTH", "pw"));
                    assertEquals("+OK\r\n", c.call("CONFIG", "SET", "requirepass", ""));
                }
            }
        }
    }

    // ------------------------------------------------------------------ client-query-buffer-limit

    @Test
    void aClientPastTheQueryBufferLimitIsDroppedWithoutAReplyAndLogged() throws Exception {
        sameReplies(cmd("CONFIG", "SET", "client-query-buffer-limit", "1000"), cmd("CONFIG", "GET", "client-query-buffer-limit"));
        configSet("client-query-buffer-limit", "1mb");
        try {
            for (ServerProcess s : both()) {
                String clientsBefore = Sockets.infoField(s.port(), "clients", "connected_clients");
                try (Socket sock = new Socket("127.0.0.1", s.port())) {
                    sock.setSoTimeout(CLOSE_WAIT_MILLIS);
                    OutputStream out = sock.getOutputStream();
                    out.write(("PING\r\n" + "*3\r\n$3\r\nSET\r\n$4\r\nqbuf\r\n$3000000\r\n").getBytes(StandardCharsets.US_ASCII));
                    byte[] chunk = new byte[16 * 1024];
                    java.util.Arrays.fill(chunk, (byte) 'q');
                    long sent = 0;
                    try {
                        while (sent < 3_000_000) {
                            out.write(chunk);
                            sent += chunk.length;
                        }
                    } catch (IOException reset) {
                        // The server hung up mid-upload.
                    }
                    RawExchange r = RawExchange.readUntilClose(sock, CLOSE_WAIT_MILLIS);
                    assertEquals("+PONG\r\n", r.reply, "port " + s.port() + ": only the reply before, nothing after");
                    assertTrue(r.closed, "port " + s.port());
                }
                try (RawConnection c = new RawConnection(s.port())) {
                    assertEquals(":0\r\n", c.call("EXISTS", "qbuf"), "the command never ran");
                }
                awaitField(s.port(), "clients", "connected_clients", clientsBefore);
            }
            String log = SERVERS.cinnabar().log();
            Matcher m = Pattern.compile("[0-9]+:M [^\n]* # Closing client that reached max query buffer length: id=[0-9]+ "
                    + "addr=127\\.0\\.0\\.1:[0-9]+ laddr=[^\n]* \\(qbuf initial bytes: \"q{64}\"\\)\n").matcher(log);
            assertTrue(m.find(), log);
            assertTrue(SERVERS.redis().log().contains("(qbuf initial bytes: \"" + "q".repeat(64) + "\")"), "redis logs the same");
        } finally {
            configSet("client-query-buffer-limit", "1gb");
        }
    }

    // ------------------------------------------------------------------ maxclients

    @Test
    void pastMaxclientsNewConnectionsGetRedisErrorAndAreClosed() throws IOException {
        for (ServerProcess s : both()) {
            List<RawConnection> held = new ArrayList<>();
            try (RawConnection admin = new RawConnection(s.port())) {
                int connected = connectedClients(admin);
                assertEquals("+OK\r\n", admin.call("CONFIG", "SET", "maxclients", Integer.toString(connected + 2)));
                try {
                    for (int i = 0; i < 2; i++) {
                        RawConnection c = new RawConnection(s.port());
                        held.add(c);
                        assertEquals("+PONG\r\n", c.call("PING"));
                    }
                    for (int i = 0; i < 3; i++) {
                        RawExchange r = RawExchange.send(s.port(), "PING\r\n", CLOSE_WAIT_MILLIS);
                        assertEquals("-ERR max number of clients reached\r\n", r.reply, "port " + s.port());
                        assertTrue(r.closed);
                    }
                    // A place freed is a place taken.
                    held.remove(0).close();
                    awaitPing(s.port());
                    assertEquals("+PONG\r\n", admin.call("PING"), "clients already in stay served");
                } finally {
                    assertEquals("+OK\r\n", admin.call("CONFIG", "SET", "maxclients", "10000"));
                }
            } finally {
                for (RawConnection c : held) {
                    c.close();
                }
            }
        }
    }

    /** connected_clients as the given connection sees it (itself included). */
    private static int connectedClients(RawConnection c) throws IOException {
        Matcher m = Pattern.compile("connected_clients:(\\d+)").matcher(c.call("INFO", "clients"));
        assertTrue(m.find());
        return Integer.parseInt(m.group(1));
    }

    /** Connects until a PING is answered: a closed connection frees its place a moment later. */
    private static void awaitPing(int port) throws IOException {
        long deadline = System.currentTimeMillis() + 5000;
        while (true) {
            RawExchange r = RawExchange.send(port, "PING\r\n", 300);
            if (r.reply.equals("+PONG\r\n")) {
                return;
            }
            assertTrue(System.currentTimeMillis() < deadline, "still refused: " + r);
            sleep(50);
        }
    }

    @Test
    void refusedConnectionsAreCountedAsRejectedNotReceived() throws IOException {
        List<String> seen = new ArrayList<>();
        for (ServerProcess s : both()) {
            try (RawConnection admin = new RawConnection(s.port())) {
                assertEquals("+OK\r\n", admin.call("CONFIG", "RESETSTAT"));
                assertEquals("+OK\r\n", admin.call("CONFIG", "SET", "maxclients", "1"));
                try {
                    for (int i = 0; i < 4; i++) {
                        assertTrue(RawExchange.send(s.port(), "PING\r\n", CLOSE_WAIT_MILLIS).closed);
                    }
                } finally {
                    assertEquals("+OK\r\n", admin.call("CONFIG", "SET", "maxclients", "10000"));
                }
            }
            seen.add(Sockets.infoFields(s.port(), "stats", "rejected_connections", "total_connections_received"));
        }
        assertEquals("4 1", seen.get(0), "redis");
        assertEquals(seen.get(0), seen.get(1), "cinnabar as redis");
    }

    // ------------------------------------------------------------------ timeout

    @Test
    void anIdleClientIsClosedAfterTimeoutAndABusyOneIsNot() throws Exception {
        configSet("timeout", "1");
        try {
            List<Socket> idle = new ArrayList<>();
            List<RawConnection> busy = new ArrayList<>();
            try {
                for (ServerProcess s : both()) {
                    Socket quiet = new Socket("127.0.0.1", s.port());
                    idle.add(quiet);
                    // A half-sent command is not activity once it stops coming.
                    Socket half = new Socket("127.0.0.1", s.port());
                    half.getOutputStream().write("*2\r\n$4\r\nECHO\r\n$5\r\nab".getBytes(StandardCharsets.US_ASCII));
                    idle.add(half);
                    RawConnection active = new RawConnection(s.port());
                    busy.add(active);
                }
                long start = System.nanoTime();
                while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(3500)) {
                    for (RawConnection c : busy) {
                        assertEquals("+PONG\r\n", c.call("PING"));
                    }
                    sleep(250);
                }
                for (Socket s : idle) {
                    RawExchange r = RawExchange.readUntilClose(s, 3000);
                    assertEquals("", r.reply);
                    assertTrue(r.closed, "idle connection to " + s.getPort() + " still open");
                }
                for (RawConnection c : busy) {
                    assertEquals("+PONG\r\n", c.call("PING"));
                }
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
                for (RawConnection c : busy) {
                    c.close();
                }
            }
        } finally {
            configSet("timeout", "0");
        }
        assertTrue(SERVERS.cinnabar().log().contains(" - Closing idle client\n"), SERVERS.cinnabar().log());
        assertTrue(SERVERS.redis().log().contains(" - Closing idle client\n"));
    }

    // ------------------------------------------------------------------ tcp-keepalive

    @Test
    void tcpKeepaliveIsSetOnEachNewConnectionAsConfigured() throws Exception {
        for (String seconds : new String[] {"300", "60", "0"}) {
            configSet("tcp-keepalive", seconds);
            for (ServerProcess s : both()) {
                try (Socket client = new Socket("127.0.0.1", s.port())) {
                    // A round trip first: the server sets the option once it has taken the connection.
                    client.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                    byte[] pong = new byte[7];
                    assertEquals(7, client.getInputStream().readNBytes(pong, 0, 7));
                    Integer timer = keepaliveTimerSeconds(s.port(), client.getLocalPort());
                    if (seconds.equals("0")) {
                        assertEquals(null, timer, "no keepalive on port " + s.port());
                    } else {
                        assertNotNull(timer, "keepalive on port " + s.port());
                        int want = Integer.parseInt(seconds);
                        assertTrue(timer <= want && timer >= want - 5, "timer " + timer + " s for tcp-keepalive " + want);
                    }
                }
            }
        }
        configSet("tcp-keepalive", "300");
    }

    /**
     * The kernel's keepalive timer on the server's side of a connection, as {@code ss -o} shows
     * it ("timer:(keepalive,4min59sec,0)"); null when the socket has none.
     */
    private static Integer keepaliveTimerSeconds(int serverPort, int clientPort) throws Exception {
        Process p = new ProcessBuilder("ss", "-tnoa").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        Pattern line = Pattern.compile("^ESTAB\\s+\\d+\\s+\\d+\\s+\\S+:" + serverPort + "\\s+\\S+:" + clientPort + "\\b(.*)$",
                Pattern.MULTILINE);
        Matcher m = line.matcher(out);
        assertTrue(m.find(), "no server-side socket for port " + clientPort + " in:\n" + out);
        Matcher t = Pattern.compile("timer:\\(keepalive,(?:(\\d+)min)?(?:(\\d+)(?:\\.\\d+)?sec)?(?:(\\d+)ms)?").matcher(m.group(1));
        if (!t.find()) {
            return null;
        }
        int min = t.group(1) == null ? 0 : Integer.parseInt(t.group(1));
        int sec = t.group(2) == null ? 0 : Integer.parseInt(t.group(2));
        // What is left, rounded down by ss. The kernel arms the timer on a clock tick, so a
        // fresh connection can show a few milliseconds more than the setting: never a second.
        return min * 60 + sec;
    }

    // ------------------------------------------------------------------ a slow reader

    /**
     * A client that pipelines a thousand GETs of a 1 MB value and reads nothing asks for 1 GB of
     * replies. The server must not hold them all: its resident memory stays within a few hundred
     * MB of where it started, and once the client reads, every reply arrives, in order. Needs
     * back-pressure from output buffers to command execution, not only to reading.
     */
    @Test
    void aSlowReaderOfLargeRepliesDoesNotMakeTheServerBufferThemAll() throws Exception {
        int value = 1024 * 1024;
        int gets = 1000;
        try (ServerProcess server = ServerProcess.cinnabar()) {
            try (RawConnection c = new RawConnection(server.port())) {
                assertEquals("+OK\r\n", c.call("SET", "big", "b".repeat(value)));
                assertEquals("$" + value + "\r\n", c.call("GET", "big").substring(0, 10));
            }
            long before = rssKilobytes(server.pid());
            try (Socket s = new Socket()) {
                s.setReceiveBufferSize(64 * 1024);
                s.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
                s.setSoTimeout(60_000);
                s.getOutputStream().write("GET big\r\n".repeat(gets).getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                long peak = before;
                for (int i = 0; i < 20; i++) {
                    sleep(200);
                    peak = Math.max(peak, rssKilobytes(server.pid()));
                }
                try (RawConnection other = new RawConnection(server.port())) {
                    assertEquals("+PONG\r\n", other.call("PING"), "other clients are served meanwhile");
                }
                assertTrue(peak - before < 400_000, "server RSS went from " + before + " kB to " + peak
                        + " kB while " + gets + " MB of replies waited for a client that does not read");
                InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 20);
                byte[] header = ("$" + value + "\r\n").getBytes(StandardCharsets.US_ASCII);
                byte[] body = new byte[value + 2];
                for (int i = 0; i < gets; i++) {
                    byte[] h = in.readNBytes(header.length);
                    assertEquals(new String(header, StandardCharsets.US_ASCII), new String(h, StandardCharsets.US_ASCII), "reply " + i);
                    assertEquals(body.length, in.readNBytes(body, 0, body.length), "reply " + i);
                    assertEquals('b', body[0]);
                    assertEquals('b', body[value - 1]);
                    assertEquals('\r', body[value]);
                }
            }
            try (RawConnection c = new RawConnection(server.port())) {
                assertEquals("+PONG\r\n", c.call("PING"));
            }
            assertFalse(server.log().contains("Exception"), server.log());
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void awaitField(int port, String section, String field, String expected) throws IOException {
        long deadline = System.currentTimeMillis() + 5000;
        String got;
        while (!(got = Sockets.infoField(port, section, field)).equals(expected)) {
            assertTrue(System.currentTimeMillis() < deadline, field + " is " + got + ", expected " + expected);
            sleep(50);
        }
    }

    static long rssKilobytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
