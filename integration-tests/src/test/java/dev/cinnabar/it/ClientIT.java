package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.RedisCli;
import dev.cinnabar.it.support.ServerPair;
import dev.cinnabar.it.support.ServerProcess;
import dev.cinnabar.it.support.Waits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CLIENT family over real sockets, side by side with redis-server 7.0 where the two can be
 * compared: CLIENT LIST's fields, KILL's filters, PAUSE holding and resuming, REPLY OFF/SKIP,
 * and the connection limits (maxclients, timeout, tcp-keepalive).
 */
class ClientIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair();

    /** The body of a verbatim/bulk reply: the CLIENT LIST text. */
    private static String body(String reply) {
        assertTrue(reply.startsWith("$"), reply);
        return reply.substring(reply.indexOf("\r\n") + 2, reply.length() - 2);
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : line.split(" ")) {
            int eq = kv.indexOf('=');
            m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return m;
    }

    private static Map<String, String> info(RawConnection c) throws IOException {
        return fields(body(c.call("CLIENT", "INFO")).strip());
    }

    @Test
    void listHasRedisFieldsInRedisOrder() throws IOException {
        for (String resp : List.of("2", "3")) {
            List<String> seen = new ArrayList<>();
            for (ServerProcess s : List.of(SERVERS.redis(), SERVERS.cinnabar())) {
                try (RawConnection a = new RawConnection(s.port()); RawConnection b = new RawConnection(s.port())) {
                    b.call("CLIENT", "SETNAME", "second");
                    b.call("SELECT", "4");
                    a.call("HELLO", resp);
                    String reply = a.call("CLIENT", "LIST");
                    String text = resp.equals("3") ? reply.substring(reply.indexOf("txt:") + 4, reply.length() - 2)
                            : body(reply);
                    List<String> lines = text.lines().toList();
                    Map<String, String> mine = fields(lines.stream().filter(l -> l.contains(" resp=" + resp)).findFirst().orElseThrow());
                    Map<String, String> other = fields(lines.stream().filter(l -> l.contains(" name=second ")).findFirst().orElseThrow());
                    // Everything that does not depend on ids, ports, timing or allocation sizes.
                    seen.add(String.join(" ", mine.keySet()) + " | flags=" + mine.get("flags") + " cmd=" + mine.get("cmd")
                            + " qbuf=" + mine.get("qbuf") + " argv-mem=" + mine.get("argv-mem") + " user=" + mine.get("user")
                            + " multi=" + mine.get("multi") + " redir=" + mine.get("redir") + " | " + String.join(" ", other.keySet())
                            + " db=" + other.get("db") + " cmd=" + other.get("cmd") + " flags=" + other.get("flags")
                            + " qbuf=" + other.get("qbuf") + " argv-mem=" + other.get("argv-mem") + " obl=" + other.get("obl")
                            + " omem=" + other.get("omem") + " events=" + other.get("events"));
                    assertTrue(text.endsWith("\n"), text);
                }
            }
            assertEquals(seen.get(0), seen.get(1), "RESP" + resp);
        }
    }

    @Test
    void redisCliPrintsTheList() throws Exception {
        try (RawConnection named = new RawConnection(SERVERS.cinnabar().port())) {
            named.call("CLIENT", "SETNAME", "from-test");
            RedisCli cli = RedisCli.run(new byte[0], 20, "-p", Integer.toString(SERVERS.cinnabar().port()), "CLIENT", "LIST");
            assertEquals(0, cli.exitCode, cli.toString());
            List<String> lines = cli.out.lines().toList();
            assertTrue(lines.stream().anyMatch(l -> l.contains(" name=from-test ")), cli.out);
            assertTrue(lines.stream().anyMatch(l -> l.contains(" cmd=client|list ")), cli.out);
            for (String l : lines) {
                assertTrue(l.startsWith("id="), l);
                assertTrue(l.endsWith(" resp=2"), l);
            }
        }
    }

    @Test
    void killByIdAddrAndLaddr() throws IOException {
        int port = SERVERS.cinnabar().port();
        try (RawConnection killer = new RawConnection(port); RawConnection a = new RawConnection(port);
                RawConnection b = new RawConnection(port)) {
            Map<String, String> ia = info(a);
            Map<String, String> ib = info(b);
            assertEquals(":0\r\n", killer.call("CLIENT", "KILL", "ID", ia.get("id"), "ADDR", ib.get("addr")));
            assertEquals(":1\r\n", killer.call("CLIENT", "KILL", "ID", ia.get("id")));
            assertTrue(a.closedByServer());
            assertEquals("+OK\r\n", killer.call("CLIENT", "KILL", ib.get("addr")));
            assertTrue(b.closedByServer());
            assertEquals("-ERR No such client\r\n", killer.call("CLIENT", "KILL", ib.get("addr")));
            assertEquals("+PONG\r\n", killer.call("PING"));
        }
        try (RawConnection killer = new RawConnection(port); RawConnection a = new RawConnection(port)) {
            Map<String, String> ia = info(a);
            // Every client of this listener but the caller.
            String killed = killer.call("CLIENT", "KILL", "LADDR", ia.get("laddr"), "TYPE", "normal");
            assertTrue(killed.matches(":[1-9][0-9]*\r\n"), killed);
            assertTrue(a.closedByServer());
            assertEquals("+PONG\r\n", killer.call("PING"));
        }
    }

    @Test
    void killingYourselfRepliesFirst() throws IOException {
        for (ServerProcess s : List.of(SERVERS.redis(), SERVERS.cinnabar())) {
            try (RawConnection c = new RawConnection(s.port())) {
                assertEquals(":1\r\n", c.call("CLIENT", "KILL", "ID", info(c).get("id"), "SKIPME", "no"), s.toString());
                assertTrue(c.closedByServer());
            }
            try (RawConnection c = new RawConnection(s.port())) {
                assertEquals("+OK\r\n", c.call("CLIENT", "KILL", info(c).get("addr")));
                assertTrue(c.closedByServer());
            }
        }
    }

    /** Sends raw bytes and collects everything that comes back until the line goes quiet. */
    private static String exchange(int port, byte[] request, int quietMillis) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return readUntilQuiet(s, quietMillis);
        }
    }

    private static String readUntilQuiet(Socket s, int quietMillis) throws IOException {
        s.setSoTimeout(quietMillis);
        InputStream in = s.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
            out.write("<EOF>".getBytes(StandardCharsets.US_ASCII));
        } catch (SocketTimeoutException quiet) {
            // nothing more for now
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** The next {@code n} bytes, waiting up to {@code timeoutMillis} for each read. */
    private static String readBytes(Socket s, int n, int timeoutMillis) throws IOException {
        s.setSoTimeout(timeoutMillis);
        return new String(s.getInputStream().readNBytes(n), StandardCharsets.ISO_8859_1);
    }

    private static byte[] resp(String... commands) {
        StringBuilder sb = new StringBuilder();
        for (String command : commands) {
            String[] args = command.split(" ", -1);
            if (command.isEmpty()) {
                sb.append("\r\n");
                continue;
            }
            sb.append('*').append(args.length).append("\r\n");
            for (String a : args) {
                sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
            }
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void replyOffAndSkipAnswerLikeRedis() throws IOException {
        String[][] sequences = {
            {"CLIENT REPLY OFF", "PING", "GET", "NOSUCH", "CLIENT REPLY SKIP", "CLIENT REPLY ON", "PING after"},
            {"CLIENT REPLY SKIP", "PING a", "PING b"},
            {"CLIENT REPLY SKIP", "CLIENT REPLY SKIP", "PING a", "PING b"},
            {"CLIENT REPLY SKIP", "", "PING a", "PING b"},
            {"CLIENT REPLY SKIP", "NOSUCH", "PING b"},
            {"CLIENT REPLY OFF", "RESET", "PING b"},
            {"CLIENT REPLY SKIP", "RESET", "PING b"},
            {"CLIENT REPLY OFF", "CLIENT REPLY SKIP", "PING", "CLIENT REPLY ON"},
            {"CLIENT REPLY SKIP", "CLIENT REPLY OFF", "PING", "CLIENT REPLY ON", "SET k v", "CLIENT REPLY SKIP", "GET k",
                "GET k"},
        };
        for (String[] seq : sequences) {
            String expected = exchange(SERVERS.redis().port(), resp(seq), 300);
            String actual = exchange(SERVERS.cinnabar().port(), resp(seq), 300);
            assertEquals(expected, actual, String.join(" / ", seq));
        }
    }

    @Test
    void pauseHoldsWritesUntilItEnds() throws Exception {
        for (ServerProcess s : List.of(SERVERS.redis(), SERVERS.cinnabar())) {
            try (RawConnection admin = new RawConnection(s.port()); Socket writer = new Socket("127.0.0.1", s.port());
                    RawConnection reader = new RawConnection(s.port())) {
                admin.call("DEL", "paused");
                long start = System.nanoTime();
                // Three seconds: the checks below must all come before it ends, on a stalled machine too.
                assertEquals("+OK\r\n", admin.call("CLIENT", "PAUSE", "3000", "WRITE"));
                // A read goes through; a write and what follows it wait.
                assertEquals("$-1\r\n", reader.call("GET", "paused"));
                writer.getOutputStream().write(resp("SET paused yes", "GET paused"));
                assertEquals("", readUntilQuiet(writer, 500), s.toString());
                assertEquals("$-1\r\n", reader.call("GET", "paused"));
                String expected = "+OK\r\n$3\r\nyes\r\n";
                assertEquals(expected, readBytes(writer, expected.length(), 10_000), s.toString());
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(waited >= 2900, s + " answered after " + waited + " ms");
            }
        }
    }

    @Test
    void heldClientsShowFlagBAndUnpauseReleasesThemInOrder() throws Exception {
        for (ServerProcess s : List.of(SERVERS.redis(), SERVERS.cinnabar())) {
            try (RawConnection admin = new RawConnection(s.port()); RawConnection w1 = new RawConnection(s.port());
                    RawConnection w2 = new RawConnection(s.port())) {
                String id1 = info(w1).get("id");
                assertEquals("+OK\r\n", admin.call("CLIENT", "PAUSE", "100000", "WRITE"));
                // Held in this order: the second is sent once the server holds the first.
                w1.send("SET", "order", "first");
                Waits.awaitBlocked(admin, 1);
                w2.send("SET", "order", "second");
                Waits.awaitBlocked(admin, 2);
                Map<String, String> held = fields(body(admin.call("CLIENT", "LIST", "ID", id1)).strip());
                assertEquals("b", held.get("flags"), s.toString());
                assertEquals("set", held.get("cmd"), s.toString());
                assertTrue(admin.call("INFO", "clients").contains("blocked_clients:2\r\n"), s.toString());
                assertEquals("+OK\r\n", admin.call("CLIENT", "UNPAUSE"));
                assertEquals("+OK\r\n", w1.readReply());
                assertEquals("+OK\r\n", w2.readReply());
                assertEquals("$6\r\nsecond\r\n", admin.call("GET", "order"));
            }
        }
    }

    @Test
    void pauseAllHoldsEvenUnpause() throws Exception {
        for (ServerProcess s : List.of(SERVERS.redis(), SERVERS.cinnabar())) {
            try (RawConnection admin = new RawConnection(s.port()); Socket other = new Socket("127.0.0.1", s.port())) {
                assertEquals("+OK\r\n", admin.call("CLIENT", "PAUSE", "800"));
                other.getOutputStream().write(resp("CLIENT UNPAUSE", "PING"));
                assertEquals("", readUntilQuiet(other, 300), s.toString());
                assertEquals("+OK\r\n+PONG\r\n", readUntilQuiet(other, 2000), s.toString());
            }
        }
    }

    @Test
    void maxclientsRefusesWithRedisErrorAndCloses() throws Exception {
        for (boolean ours : new boolean[] {false, true}) {
            try (ServerProcess s = ours ? ServerProcess.cinnabar("--maxclients", "2") : ServerProcess.redis("--maxclients", "2")) {
                try (RawConnection a = awaitSlot(s); RawConnection b = new RawConnection(s.port())) {
                    assertEquals("+PONG\r\n", b.call("PING"), s.toString());
                    try (RawConnection refused = new RawConnection(s.port())) {
                        assertEquals("-ERR max number of clients reached\r\n", refused.readReply(), s.toString());
                        assertTrue(refused.closedByServer());
                    }
                    assertEquals("+PONG\r\n", a.call("PING"));
                }
            }
        }
    }

    /** A first connection, returned once the server lists it alone (the start-up probe gone). */
    private static RawConnection awaitSlot(ServerProcess s) throws Exception {
        RawConnection c = new RawConnection(s.port());
        for (int tries = 0; tries < 100; tries++) {
            if (body(c.call("CLIENT", "LIST")).lines().count() == 1) {
                return c;
            }
            Thread.sleep(50);
        }
        c.close();
        throw new AssertionError(s + " kept the start-up probe's connection");
    }

    @Test
    void timeoutSparesMonitors() throws Exception {
        try (ServerProcess s = ServerProcess.cinnabar("--timeout", "1");
                RawConnection idle = new RawConnection(s.port()); RawConnection monitor = new RawConnection(s.port())) {
            assertEquals("+PONG\r\n", idle.call("PING"));
            assertEquals("+OK\r\n", monitor.call("MONITOR"));
            idle.timeout(10_000);
            assertTrue(idle.closedByServer());
            Thread.sleep(1000);
            try (RawConnection other = new RawConnection(s.port())) {
                other.call("PING");
            }
            String line = monitor.readReply();
            assertTrue(line.endsWith("\"PING\"\r\n"), line);
        }
    }

    @Test
    void tcpKeepaliveIsSetOnAcceptedSockets() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(new java.io.File("/usr/bin/ss").canExecute()
                || new java.io.File("/bin/ss").canExecute(), "ss (iproute2) is not installed");
        try (ServerProcess s = ServerProcess.cinnabar("--tcp-keepalive", "120"); RawConnection c = new RawConnection(s.port())) {
            assertEquals("+PONG\r\n", c.call("PING"));
            String timers = socketTimers(s.port());
            assertTrue(timers.contains("keepalive,1min59sec") || timers.contains("keepalive,2min"), timers);
        }
        try (ServerProcess s = ServerProcess.cinnabar("--tcp-keepalive", "0"); RawConnection c = new RawConnection(s.port())) {
            assertEquals("+PONG\r\n", c.call("PING"));
            assertFalse(socketTimers(s.port()).contains("keepalive"), socketTimers(s.port()));
        }
    }

    /** The server side of established connections on {@code port}, with their timers. */
    private static String socketTimers(int port) throws Exception {
        Process p = new ProcessBuilder("ss", "-tno", "state", "established", "( sport = :" + port + " )")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }
}
