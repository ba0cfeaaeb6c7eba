package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.testing.EngineHarness;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * MIGRATE's argument errors, NOKEY, and its exchange with a scripted target on a local socket:
 * the exact request (AUTH, SELECT only when the cached connection needs it, RESTORE with the TTL
 * and REPLACE), the target's errors passed through, the retry on a connection the target closed,
 * the timeout, the cache, and the DEL it propagates. Exchanges with real servers are in
 * {@code MigrateIT}.
 */
class MigrateCommandTest {
    static final String SYNTAX = "-ERR syntax error\r\n";
    static final String NOT_INTEGER = "-ERR value is not an integer or out of range\r\n";

    private final EngineHarness h = new EngineHarness();
    private final List<Target> targets = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        h.server.migrateSockets().closeAll();
        for (Target t : targets) {
            t.close();
        }
    }

    @Test
    void argumentErrorsComeBeforeAnyLookupOrConnection() {
        h.call("SET", "k", "v");
        assertEquals(SYNTAX, h.call("MIGRATE", "h", "1", "k", "0", "1000", "foo"));
        assertEquals(SYNTAX, h.call("MIGRATE", "h", "1", "k", "0", "1000", "auth"));
        assertEquals(SYNTAX, h.call("MIGRATE", "h", "1", "k", "0", "1000", "auth2", "u"));
        assertEquals(SYNTAX, h.call("MIGRATE", "h", "1", "k", "0", "1000", "COPY", "REPLACE", "bad"));
        // Options are read before the numbers.
        assertEquals(SYNTAX, h.call("MIGRATE", "h", "1", "k", "x", "y", "foo"));
        assertEquals("-ERR When using MIGRATE KEYS option, the key argument must be set to the empty string\r\n",
                h.call("MIGRATE", "h", "1", "k", "0", "1000", "KEYS", "k"));
        assertEquals(NOT_INTEGER, h.call("MIGRATE", "h", "1", "k", "0", "x"));
        assertEquals(NOT_INTEGER, h.call("MIGRATE", "h", "1", "k", "x", "1000"));
        assertEquals(NOT_INTEGER, h.call("MIGRATE", "h", "1", "k", "0", "1.5"));
        assertEquals(NOT_INTEGER, h.call("MIGRATE", "h", "1", "k", "99999999999999999999", "1"));
        assertEquals("-ERR wrong number of arguments for 'migrate' command\r\n",
                h.call("MIGRATE", "h", "1", "k", "0"));
        assertEquals(0, h.server.migrateSockets().size());
    }

    @Test
    void nothingToMoveIsNokey() {
        assertEquals("+NOKEY\r\n", h.call("MIGRATE", "h", "1", "k", "0", "1000"));
        assertEquals("+NOKEY\r\n", h.call("MIGRATE", "h", "1", "", "0", "1000", "KEYS", "a", "b"));
        assertEquals("+NOKEY\r\n", h.call("MIGRATE", "h", "1", "", "0", "1000", "KEYS"));
        // AUTH's value is taken as the password, so KEYS after it still works.
        assertEquals("+NOKEY\r\n", h.call("MIGRATE", "h", "1", "", "0", "1000", "AUTH", "keys", "KEYS", "a"));
        assertTrue(h.call("INFO", "stats").contains("keyspace_misses:4\r\n"));
    }

    @Test
    void passwordsAreRedacted() {
        h.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
        h.call("SLOWLOG", "RESET");
        h.call("MIGRATE", "h", "1", "k", "0", "1000", "AUTH2", "user", "pw", "AUTH", "pw2");
        String log = h.call("SLOWLOG", "GET", "1");
        assertTrue(log.contains("$5\r\nAUTH2\r\n$10\r\n(redacted)\r\n$10\r\n(redacted)\r\n$4\r\nAUTH\r\n$10\r\n(redacted)\r\n"), log);
    }

    @Test
    void aHostThatDoesNotResolveCannotBeConnected() {
        h.call("SET", "k", "v");
        assertEquals("-IOERR error or timeout connecting to the client\r\n", h.call("MIGRATE", "", "1", "k", "0", "1000"));
        assertEquals("-IOERR error or timeout connecting to the client\r\n", h.call("MIGRATE", "127.0.0.1", "-1", "k", "0", "1000"));
        assertEquals(0, h.server.migrateSockets().size());
        assertTrue(h.call("INFO", "errorstats").contains("errorstat_IOERR:count=2\r\n"));
        assertEquals("$1\r\nv\r\n", h.call("GET", "k"));
    }

    @Test
    void aRefusedConnectionFailsAtTheWriteAfterOneRetry() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        h.call("SET", "k", "v");
        assertEquals("-IOERR error or timeout writing to target instance\r\n",
                h.call("MIGRATE", "127.0.0.1", "" + port, "k", "0", "1000"));
        assertEquals(0, h.server.migrateSockets().size());
        assertEquals("$1\r\nv\r\n", h.call("GET", "k"));
    }

    @Test
    void sendsSelectAndRestoreThenDeletesAndPropagatesDel() throws IOException {
        Target t = target(cmd -> "+OK\r\n");
        List<String> propagated = record();
        h.call("SET", "a", "1");
        h.call("SET", "b", "xy");
        assertEquals("+OK\r\n", h.call("MIGRATE", "127.0.0.1", t.port(), "", "3", "0", "KEYS", "a", "missing", "b"));
        assertEquals(List.of("SELECT 3", "RESTORE a 0 " + hex(DumpOf.string("1")), "RESTORE b 0 " + hex(DumpOf.string("xy"))),
                t.commands());
        assertEquals(":0\r\n", h.call("EXISTS", "a", "b"));
        assertEquals(List.of("DEL a b"), propagated);
        assertEquals(1, h.server.migrateSockets().size());

        // The same target and database: no SELECT; REPLACE goes to each RESTORE; the TTL left is sent.
        h.call("SET", "c", "z", "PX", "5000");
        h.clock.advance(1200);
        assertEquals("+OK\r\n", h.call("MIGRATE", "127.0.0.1", t.port(), "c", "3", "1000", "COPY", "REPLACE"));
        assertEquals("RESTORE c 3800 " + hex(DumpOf.string("z")) + " REPLACE", t.commands().get(3));
        assertEquals(4, t.commands().size());
        assertEquals(1, t.connections());
        assertEquals(":1\r\n", h.call("EXISTS", "c"));
        assertEquals(1, propagated.size(), "COPY deletes nothing and propagates nothing");

        // Another database selects again.
        assertEquals("+OK\r\n", h.call("MIGRATE", "127.0.0.1", t.port(), "c", "4", "1000", "COPY"));
        assertEquals("SELECT 4", t.commands().get(4));
        assertTrue(h.call("INFO", "stats").contains("migrate_cached_sockets:1\r\n"));
    }

    @Test
    void authAndAuth2ComeFirst() throws IOException {
        Target t = target(cmd -> "+OK\r\n");
        h.call("SET", "a", "1");
        assertEquals("+OK\r\n", h.call("MIGRATE", "127.0.0.1", t.port(), "a", "0", "1000", "COPY", "AUTH", "secret"));
        assertEquals("+OK\r\n", h.call("MIGRATE", "127.0.0.1", t.port(), "a", "0", "1000", "COPY", "AUTH2", "u", "p"));
        assertEquals(List.of("AUTH secret", "SELECT 0", "RESTORE a 0 " + hex(DumpOf.string("1")),
                "AUTH u p", "RESTORE a 0 " + hex(DumpOf.string("1"))), t.commands());
    }

    @Test
    void theTargetsFirstErrorIsPassedOnAndItsKeysStay() throws IOException {
        Target t = target(cmd -> cmd.get(0).equals("RESTORE") && cmd.get(1).equals("b")
                ? "-BUSYKEY Target key name already exists.\r\n" : "+OK\r\n");
        List<String> propagated = record();
        h.call("SET", "a", "1");
        h.call("SET", "b", "2");
        h.call("SET", "c", "3");
        assertEquals("-ERR Target instance replied with error: BUSYKEY Target key name already exists.\r\n",
                h.call("MIGRATE", "127.0.0.1", t.port(), "", "0", "1000", "KEYS", "a", "b", "c"));
        assertEquals(":1\r\n", h.call("EXISTS", "a", "b", "c"));
        assertEquals(List.of("DEL a c"), propagated);
        // After an error the database is no longer assumed selected.
        h.call("SET", "d", "4");
        assertEquals("+OK\r\n", h.call("MIGRATE", "127.0.0.1", t.port(), "d", "0", "1000", "COPY"));
        List<String> seen = t.commands();
        assertEquals("SELECT 0", seen.get(seen.size() - 2));
        assertTrue(h.call("INFO", "errorstats").contains("errorstat_ERR:count=1\r\n"));
    }

    @Test
    void aFailedSelectFailsEveryKeyAndLeavesNoDatabaseSelected() throws IOException {
        Target t = target(cmd -> cmd.get(0).equals("SELECT") && !cmd.get(1).equals("0")
                ? "-ERR DB index is out of range\r\n" : "+OK\r\n");
        h.call("SET", "a", "1");
        assertEquals("-ERR Target instance replied with error: ERR DB index is out of range\r\n",
                h.call("MIGRATE", "127.0.0.1", t.port(), "a", "99", "1000"));
        // Redis's quirk: database -1 then matches the "unknown" mark, and no SELECT is sent.
        assertEquals("+OK\r\n", h.call("MIGRATE", "127.0.0.1", t.port(), "a", "-1", "1000"));
        assertEquals(List.of("SELECT 99", "RESTORE a 0 " + hex(DumpOf.string("1")), "RESTORE a 0 " + hex(DumpOf.string("1"))),
                t.commands());
        assertEquals(":0\r\n", h.call("EXISTS", "a"));
    }

    @Test
    void aCachedConnectionTheTargetClosedIsReplacedOnce() throws IOException {
        Target t = target(cmd -> "+OK\r\n");
        h.call("SET", "a", "1");
        assertEquals("+OK\r\n", h.call("MIGRATE", "127.0.0.1", t.port(), "a", "0", "1000", "COPY"));
        t.dropConnections();
        assertEquals("+OK\r\n", h.call("MIGRATE", "127.0.0.1", t.port(), "a", "0", "1000", "COPY"));
        assertEquals(2, t.connections());
        // The new connection selects again.
        assertEquals("SELECT 0", t.commands().get(t.commands().size() - 2));
    }

    @Test
    void aSilentTargetTimesOutWithoutRetryingAndTheConnectionCloses() throws IOException {
        Target t = target(cmd -> null);
        h.call("SET", "a", "1");
        long start = System.nanoTime();
        assertEquals("-IOERR error or timeout reading to target instance\r\n",
                h.call("MIGRATE", "127.0.0.1", t.port(), "a", "0", "200"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 190 && millis < 2000, "took " + millis + " ms");
        assertEquals(1, t.connections());
        assertEquals(0, h.server.migrateSockets().size());
        assertEquals(":1\r\n", h.call("EXISTS", "a"));
    }

    @Test
    void keysTheTargetTookBeforeAFailureAreStillDeleted() throws IOException {
        int[] restores = {0};
        Target t = target(cmd -> {
            if (cmd.get(0).equals("RESTORE") && ++restores[0] == 2) {
                return "CLOSE";
            }
            return "+OK\r\n";
        });
        List<String> propagated = record();
        h.call("SET", "a", "1");
        h.call("SET", "b", "2");
        assertEquals("-IOERR error or timeout reading to target instance\r\n",
                h.call("MIGRATE", "127.0.0.1", t.port(), "", "0", "1000", "KEYS", "a", "b"));
        assertEquals(":0\r\n", h.call("EXISTS", "a"));
        assertEquals(":1\r\n", h.call("EXISTS", "b"));
        assertEquals(List.of("DEL a"), propagated);
        assertEquals(1, t.connections(), "no retry once the target answered a key");
        assertEquals(0, h.server.migrateSockets().size());
    }

    @Test
    void idleConnectionsCloseAfterTenSeconds() throws IOException {
        Target t = target(cmd -> "+OK\r\n");
        h.call("SET", "a", "1");
        h.call("MIGRATE", "127.0.0.1", t.port(), "a", "0", "1000", "COPY");
        long now = h.clock.millis() / 1000;
        h.server.migrateSockets().closeIdle(now + 10);
        assertEquals(1, h.server.migrateSockets().size());
        h.server.migrateSockets().closeIdle(now + 11);
        assertEquals(0, h.server.migrateSockets().size());
    }

    @Test
    void aTimeoutOfZeroOrLessMeansOneSecond() throws IOException {
        Target t = target(cmd -> null);
        h.call("SET", "a", "1");
        long start = System.nanoTime();
        assertEquals("-IOERR error or timeout reading to target instance\r\n",
                h.call("MIGRATE", "127.0.0.1", t.port(), "a", "0", "-5"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 990 && millis < 3000, "took " + millis + " ms");
    }

    @Test
    void aDeletedKeyFiresDel() throws IOException {
        Target t = target(cmd -> "+OK\r\n");
        h.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
        h.call("SET", "a", "1");
        var sub = h.newClient();
        h.call(sub, "PSUBSCRIBE", "__key*__:*");
        h.drain(sub);
        assertEquals("+OK\r\n", h.call("MIGRATE", "127.0.0.1", t.port(), "a", "0", "1000"));
        String events = h.drain(sub);
        assertTrue(events.contains("__keyspace@0__:a\r\n$3\r\ndel\r\n"), events);
        assertTrue(events.contains("__keyevent@0__:del\r\n$1\r\na\r\n"), events);
    }

    // ------------------------------------------------------------------ helpers

    private List<String> record() {
        List<String> out = new ArrayList<>();
        h.server.propagation().addSink((db, cmd) -> {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cmd.count(); i++) {
                sb.append(i == 0 ? "" : " ").append(cmd.latin1(i));
            }
            if (!cmd.latin1(0).equals("SET")) {
                out.add(sb.toString());
            }
        });
        return out;
    }

    private Target target(Function<List<String>, String> answer) throws IOException {
        Target t = new Target(answer);
        targets.add(t);
        return t;
    }

    /** Payload bytes as the Target renders binary arguments. */
    private static String hex(byte[] b) {
        return Target.render(b);
    }

    /** Payloads of string values, checked against Redis's own DUMP in MigrateIT. */
    private static final class DumpOf {
        static byte[] string(String v) {
            Object value = dev.cinnabar.datatypes.value.StringType.fromBytes(v.getBytes(StandardCharsets.ISO_8859_1));
            return dev.cinnabar.persistence.rdb.DumpPayload.create(value, true);
        }
    }

    /**
     * A target on a local port: reads RESP commands, records them, and answers each with what
     * {@code answer} returns (null: never answers; "CLOSE": closes the connection).
     */
    private static final class Target implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<String> commands = Collections.synchronizedList(new ArrayList<>());
        private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
        private final Function<List<String>, String> answer;

        Target(Function<List<String>, String> answer) throws IOException {
            this.answer = answer;
            Thread t = new Thread(this::accept, "migrate-target");
            t.setDaemon(true);
            t.start();
        }

        String port() {
            return "" + server.getLocalPort();
        }

        List<String> commands() {
            synchronized (commands) {
                return new ArrayList<>(commands);
            }
        }

        int connections() {
            return sockets.size();
        }

        void dropConnections() throws IOException {
            synchronized (sockets) {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }

        private void accept() {
            try {
                while (true) {
                    Socket s = server.accept();
                    sockets.add(s);
                    Thread t = new Thread(() -> serve(s), "migrate-target-conn");
                    t.setDaemon(true);
                    t.start();
                }
            } catch (IOException e) {
                // closed
            }
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                while (true) {
                    List<String> cmd = readCommand(in);
                    if (cmd == null) {
                        return;
                    }
                    commands.add(String.join(" ", cmd));
                    String reply = answer.apply(cmd);
                    if ("CLOSE".equals(reply)) {
                        return;
                    }
                    if (reply != null) {
                        out.write(reply.getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // the connection went
            }
        }

        private static List<String> readCommand(InputStream in) throws IOException {
            String head = line(in);
            if (head == null) {
                return null;
            }
            int n = Integer.parseInt(head.substring(1));
            List<String> args = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int len = Integer.parseInt(line(in).substring(1));
                byte[] b = in.readNBytes(len);
                in.readNBytes(2);
                args.add(render(b));
            }
            return args;
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    return null;
                }
                if (c != '\r') {
                    b.write(c);
                }
            }
            return b.toString(StandardCharsets.ISO_8859_1);
        }

        /** Printable ASCII as it is, anything else as \xHH. */
        static String render(byte[] b) {
            StringBuilder sb = new StringBuilder();
            for (byte x : b) {
                int v = x & 0xFF;
                if (v >= 0x20 && v < 0x7f && v != '\\') {
                    sb.append((char) v);
                } else {
                    sb.append(String.format("\\x%02x", v));
                }
            }
            return sb.toString();
        }

        @Override
        public void close() throws IOException {
            server.close();
            dropConnections();
        }
    }
}
