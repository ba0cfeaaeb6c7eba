package dev.cinnabar.it;

import static dev.cinnabar.it.support.RawExchange.resp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.RawExchange;
import dev.cinnabar.it.support.ServerPair;
import dev.cinnabar.it.support.ServerProcess;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The wire protocol over real sockets, against the built JAR and, where the bytes can be
 * compared, against a real redis-server given exactly the same input.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProtocolIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair();

    private static final int CLOSE_WAIT_MILLIS = 15_000;


    private static String show(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }

    // ------------------------------------------------------------------ protocol errors

    /** Input that ends in a protocol error, by name. */
    private static Map<String, String> protocolErrors() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("multibulk count not a number", "*x\r\n");
        m.put("multibulk count past INT_MAX", "*2147483648\r\n");
        m.put("multibulk count -0", "*-0\r\n");
        m.put("multibulk count with a plus", "*+1\r\n");
        m.put("bulk length not a number", "*1\r\n$x\r\n");
        m.put("negative bulk length", "*1\r\n$-1\r\n");
        m.put("bulk length past proto-max-bulk-len", "*1\r\n$536870913\r\n");
        m.put("garbage where a bulk header belongs", "*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n");
        m.put("CR where a bulk header belongs", "*1\r\n\r\n");
        m.put("high byte where a bulk header belongs", "*1\r\n\u00ff\r\n");
        m.put("unterminated double quote", "ECHO \"abc\r\n");
        m.put("text after a closing quote", "ECHO 'a'b\r\n");
        m.put("the test suite's unbalanced quotes", "set \"\"\"test-key\"\"\" test-value\r\nping\r\n");
        m.put("inline line past 64 KB", "a".repeat(65_537));
        // Redis may take a line of up to about 80 KB, depending on how its reads fall; from
        // 160 KB on no read schedule can see the line end before the buffer passes 64 KB.
        m.put("inline line of 200 KB", "ECHO " + "a".repeat(200_000) + "\r\n");
        m.put("multibulk count line past 64 KB", "*" + "1".repeat(65_537));
        m.put("bulk header line past 64 KB", "*1\r\n$" + "1".repeat(65_537));
        m.put("bulk header without CR", "*1\r\n" + "X".repeat(70_000));
        m.put("NUL hiding an inline line end", "PING\u0000\r\n" + "x".repeat(70_000));
        m.put("NUL hiding a multibulk header end", "*1\u0000\r\n" + "x".repeat(70_000));
        return m;
    }

    @TestFactory
    Stream<DynamicTest> aProtocolErrorIsAnsweredAsRedisDoesAndClosesTheConnection() {
        List<DynamicTest> tests = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, String> e : protocolErrors().entrySet()) {
            String key = "before:" + n++;
            // Commands before the bad bytes, in the same write, must run and be answered first.
            String input = "SET " + key + " 1\r\n" + resp("PING") + e.getValue();
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> {
                RawExchange expected = RawExchange.send(SERVERS.redis().port(), input, CLOSE_WAIT_MILLIS);
                RawExchange actual = RawExchange.send(SERVERS.cinnabar().port(), input, CLOSE_WAIT_MILLIS);
                assertTrue(expected.closed, "redis closes: " + expected);
                assertEquals(expected.toString(), actual.toString());
                assertTrue(actual.reply.startsWith("+OK\r\n+PONG\r\n-ERR Protocol error: "), actual.toString());
                try (RawConnection c = new RawConnection(SERVERS.cinnabar().port())) {
                    assertEquals("$1\r\n1\r\n", c.call("GET", key), "the command before the error ran");
                }
            }));
        }
        return tests.stream();
    }

    @Test
    void anHttpRequestIsDroppedSilentlyAsRedisDoes() throws IOException {
        for (String in : new String[] {"POST / HTTP/1.1\r\nHost: localhost\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", "PING\r\nHost: x\r\nPING\r\n", resp("post")}) {
            RawExchange expected = RawExchange.send(SERVERS.redis().port(), in, CLOSE_WAIT_MILLIS);
            RawExchange actual = RawExchange.send(SERVERS.cinnabar().port(), in, CLOSE_WAIT_MILLIS);
            assertEquals(expected.toString(), actual.toString(), show(in));
            assertTrue(actual.closed);
        }
        assertTrue(SERVERS.cinnabar().log().contains("Possible SECURITY ATTACK detected"), SERVERS.cinnabar().log());
    }

    @Test
    void nothingAfterAProtocolErrorRuns() throws IOException {
        RawExchange r = RawExchange.send(SERVERS.cinnabar().port(), "SET after:a 1\r\n*x\r\nSET after:b 2\r\n", CLOSE_WAIT_MILLIS);
        assertEquals("+OK\r\n-ERR Protocol error: invalid multibulk length\r\n", r.reply);
        assertTrue(r.closed);
        try (RawConnection c = new RawConnection(SERVERS.cinnabar().port())) {
            assertEquals("$-1\r\n", c.call("GET", "after:b"));
        }
    }

    @Test
    void aProtocolErrorArrivingLaterStillAnswersEverythingBeforeIt() throws Exception {
        try (Socket s = new Socket("127.0.0.1", SERVERS.cinnabar().port())) {
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n*1\r\n$4\r\nPI".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Thread.sleep(200);
            out.write("NG\r\n*1\r\n$-3\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            RawExchange r = RawExchange.readUntilClose(s, CLOSE_WAIT_MILLIS);
            assertEquals("+PONG\r\n+PONG\r\n-ERR Protocol error: invalid bulk length\r\n", r.reply);
            assertTrue(r.closed);
        }
    }

    @Test
    void aClientThatStopsSendingStillGetsItsReplies() throws Exception {
        for (String in : new String[] {"PING\r\n", "SET halfclosed 1\r\nGET halfclosed\r\n",
            resp("PING").repeat(1000), "*2\r\n$4\r\nECHO\r\n$5\r\nhal"}) {
            assertEquals(halfClose(SERVERS.redis().port(), in), halfClose(SERVERS.cinnabar().port(), in), show(in.substring(0, Math.min(40, in.length()))));
        }
    }

    /** Sends {@code in}, shuts down the sending side as {@code nc -N} does, and reads to the end. */
    private static String halfClose(int port, String in) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(in.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            s.shutdownOutput();
            return RawExchange.readUntilClose(s, CLOSE_WAIT_MILLIS).toString();
        }
    }

    // ------------------------------------------------------------------ valid oddities

    @Test
    void inlineCommandsWithQuotingMatchRedis() throws IOException {
        String[] lines = {
            "ECHO \"a b\"\r\n",
            "ECHO 'a b'\r\n",
            "ECHO \"\\x41\\x4g\\n\\r\\t\\b\\a\\\\\\\"\\z\"\r\n",
            "ECHO 'a\\'b\\n'\r\n",
            "ECHO a\"b c\"\r\n",
            "ECHO key:'a b'\r\n",
            "ECHO \"\"\r\n",
            "ECHO ''\r\n",
            "ECHO \"a\" b\r\n",
            "ECHO a\u000bb\r\n",
            "\u000bPING\r\n",
            "ECHO \"a\"\u000bb\r\n",
            "ECHO \"\\x00\"\r\n",
            "ECHO \u00e4\u00b8\u00ad\r\n",
            "ECHO \"\\xE4\\xb8\\xAD\"\r\n",
            "SET \"\" \"empty key\"\r\n",
            "GET ''\r\n",
            "   ECHO    x   \r\n",
            "ECHO x\r\r\n",
            "ECHO x\n",
            "ping\r\n",
            "PiNg \"hello world\"\r\n",
            "ECHO\ta\tb\r\n",
            "ECHO \"\\x4\"\r\n",
            "ECHO \"it's\"\r\n",
            "ECHO '\\x41 \"x\"'\r\n",
            "NOSUCH 'a b' \"c\\nd\"\r\n",
        };
        try (RawConnection r = new RawConnection(SERVERS.redis().port()); RawConnection c = new RawConnection(SERVERS.cinnabar().port())) {
            for (String line : lines) {
                r.sendRaw(line);
                c.sendRaw(line);
                assertEquals(show(r.readReply()), show(c.readReply()), show(line));
            }
        }
    }

    @Test
    void emptyRequestsAreSkipped() throws IOException {
        String input = "*0\r\n*-1\r\n*-9223372036854775808\r\n\r\n \t \r\n\n\u000b\r\nPING\r\n";
        RawExchange[] both = RawExchange.sendBoth(SERVERS.redis().port(), SERVERS.cinnabar().port(), input, 1000);
        RawExchange expected = both[0];
        RawExchange actual = both[1];
        assertEquals("+PONG\r\n", expected.reply);
        assertEquals(expected.toString(), actual.toString());
    }

    @Test
    void headerQuirksMatchRedis() throws IOException {
        // The byte after a header's CR and the two after a payload are skipped unchecked; a line
        // longer than 64 KB that arrives complete in one read is still accepted.
        String input = "*1\rX$4\rYPINGxxPING\r\n" + resp("ECHO", "a").replace("a\r\n", "aZZ")
                + "ECHO " + "a".repeat(70_000) + "\r\n" + "PING\n";
        RawExchange[] both = RawExchange.sendBoth(SERVERS.redis().port(), SERVERS.cinnabar().port(), input, 1500);
        RawExchange expected = both[0];
        RawExchange actual = both[1];
        assertTrue(expected.reply.endsWith("+PONG\r\n"), expected.toString());
        assertEquals(expected.toString(), actual.toString());
    }

    @Test
    void byteAtATimeOverARealSocketMatchesRedis() throws Exception {
        String input = resp("SET", "bytewise", "v\r\nalue") + "GET bytewise\r\n" + "*0\r\n" + "\r\n"
                + resp("ECHO", "x".repeat(2000)) + "ECHO \"quoted \\x41\" 'single'\n" + resp("PING", "a b")
                + "*1\r\n$4\r\nPING\r\n";
        try (Socket r = new Socket("127.0.0.1", SERVERS.redis().port());
                Socket c = new Socket("127.0.0.1", SERVERS.cinnabar().port())) {
            for (Socket s : List.of(r, c)) {
                s.setTcpNoDelay(true);
                OutputStream out = s.getOutputStream();
                for (byte b : input.getBytes(StandardCharsets.ISO_8859_1)) {
                    out.write(b);
                    out.flush();
                }
            }
            RawExchange[] both = RawExchange.readBoth(r, c, 1500);
            assertEquals(both[0].toString(), both[1].toString());
        }
    }

    // ------------------------------------------------------------------ pipelining

    /** Writes {@code request} from another thread while the caller reads, as a pipelining client does. */
    private static Future<?> writeInBackground(ExecutorService pool, OutputStream out, byte[] request, AtomicLong progress) {
        return pool.submit(() -> {
            for (int off = 0; off < request.length; off += 65536) {
                int n = Math.min(65536, request.length - off);
                out.write(request, off, n);
                progress.addAndGet(n);
            }
            out.flush();
            return null;
        });
    }

    private static void readExactly(InputStream in, byte[] expected, String what) throws IOException {
        byte[] got = in.readNBytes(expected.length);
        assertEquals(expected.length, got.length, what + ": the connection ended early");
        for (int i = 0; i < expected.length; i++) {
            if (got[i] != expected[i]) {
                int from = Math.max(0, i - 40);
                throw new AssertionError(what + ": first difference at byte " + i + ": expected "
                        + show(new String(expected, from, Math.min(80, expected.length - from), StandardCharsets.ISO_8859_1))
                        + " got " + show(new String(got, from, Math.min(80, got.length - from), StandardCharsets.ISO_8859_1)));
            }
        }
    }

    @Test
    void aHundredThousandPingsInOneWrite() throws Exception {
        byte[] request = "PING\r\n".repeat(100_000).getBytes(StandardCharsets.ISO_8859_1);
        byte[] expected = "+PONG\r\n".repeat(100_000).getBytes(StandardCharsets.ISO_8859_1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Socket s = new Socket("127.0.0.1", SERVERS.cinnabar().port())) {
            s.setSoTimeout(60_000);
            Future<?> w = writeInBackground(pool, s.getOutputStream(), request, new AtomicLong());
            readExactly(new BufferedInputStream(s.getInputStream()), expected, "100k PINGs");
            w.get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aHundredThousandEchoesComeBackInOrder() throws Exception {
        StringBuilder req = new StringBuilder();
        StringBuilder exp = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            String v = Integer.toString(i);
            req.append(resp("ECHO", v));
            exp.append('$').append(v.length()).append("\r\n").append(v).append("\r\n");
        }
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Socket s = new Socket("127.0.0.1", SERVERS.cinnabar().port())) {
            s.setSoTimeout(60_000);
            Future<?> w = writeInBackground(pool, s.getOutputStream(), req.toString().getBytes(StandardCharsets.ISO_8859_1), new AtomicLong());
            readExactly(new BufferedInputStream(s.getInputStream()), exp.toString().getBytes(StandardCharsets.ISO_8859_1), "100k ECHOs");
            w.get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aHundredThousandSetsInOneWrite() throws Exception {
        StringBuilder req = new StringBuilder(resp("SELECT", "9")).append(resp("FLUSHDB"));
        for (int i = 0; i < 100_000; i++) {
            req.append(resp("SET", "pipe:" + i, "value:" + i));
        }
        req.append(resp("DBSIZE")).append(resp("GET", "pipe:99999")).append(resp("GET", "pipe:0"));
        String expected = "+OK\r\n+OK\r\n" + "+OK\r\n".repeat(100_000) + ":100000\r\n$11\r\nvalue:99999\r\n$7\r\nvalue:0\r\n";
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Socket s = new Socket("127.0.0.1", SERVERS.cinnabar().port())) {
            s.setSoTimeout(60_000);
            Future<?> w = writeInBackground(pool, s.getOutputStream(), req.toString().getBytes(StandardCharsets.ISO_8859_1), new AtomicLong());
            readExactly(new BufferedInputStream(s.getInputStream()), expected.getBytes(StandardCharsets.ISO_8859_1), "100k SETs");
            w.get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ big values

    @Test
    void aHundredMegabyteBulkRoundTrip() throws Exception {
        int size = 100 * 1024 * 1024;
        byte[] value = new byte[size];
        for (int i = 0; i < size; i++) {
            value[i] = (byte) (i * 31 + (i >>> 13));
        }
        try (Socket s = new Socket("127.0.0.1", SERVERS.cinnabar().port())) {
            s.setSoTimeout(120_000);
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 20);
            out.write(("*3\r\n$3\r\nSET\r\n$7\r\nbigbulk\r\n$" + size + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(value);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.write(resp("GET", "bigbulk").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            readExactly(in, ("+OK\r\n$" + size + "\r\n").getBytes(StandardCharsets.ISO_8859_1), "SET and the GET header");
            readExactly(in, value, "the 100 MB value");
            readExactly(in, "\r\n".getBytes(StandardCharsets.ISO_8859_1), "the value's CRLF");
        }
        try (RawConnection c = new RawConnection(SERVERS.cinnabar().port())) {
            assertEquals("+PONG\r\n", c.call("PING"));
            assertEquals("+OK\r\n", c.call("SET", "bigbulk", "small again"));
        }
    }

    @Test
    void bulksAroundTheBigArgumentSizeRoundTrip() throws IOException {
        try (RawConnection c = new RawConnection(SERVERS.cinnabar().port())) {
            for (int size : new int[] {0, 1, 16383, 16384, 16385, 32767, 32768, 32769, 65535, 65536, 65537, 1 << 20}) {
                String v = "v".repeat(size);
                assertEquals("+OK\r\n", c.call("SET", "around", v), "SET " + size);
                String got = c.call("GET", "around");
                assertEquals("$" + size + "\r\n" + v + "\r\n", got, "GET " + size);
            }
        }
    }

    // ------------------------------------------------------------------ many clients

    @Test
    void manyConcurrentConnections() throws Exception {
        int clients = 200;
        int perClient = 25;
        List<RawConnection> conns = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (int i = 0; i < clients; i++) {
                RawConnection c = new RawConnection(SERVERS.cinnabar().port());
                c.timeout(60_000);
                conns.add(c);
            }
            assertEquals("+OK\r\n", conns.get(0).call("SELECT", "5"));
            assertEquals("+OK\r\n", conns.get(0).call("FLUSHDB"));
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int id = i;
                RawConnection c = conns.get(i);
                done.add(pool.submit(() -> {
                    assertEquals("+OK\r\n", c.call("SELECT", "5"));
                    for (int j = 0; j < perClient; j++) {
                        String k = "conn:" + id + ":" + j;
                        assertEquals("+OK\r\n", c.call("SET", k, k));
                        assertEquals("$" + k.length() + "\r\n" + k + "\r\n", c.call("GET", k));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
            assertEquals(":" + clients * perClient + "\r\n", conns.get(0).call("DBSIZE"));
            for (RawConnection c : conns) {
                assertEquals("+PONG\r\n", c.call("PING"), "every connection is still open");
            }
        } finally {
            pool.shutdownNow();
            for (RawConnection c : conns) {
                c.close();
            }
        }
    }

    // ------------------------------------------------------------------ back-pressure

    @Test
    void aClientThatDoesNotReadIsStoppedAndStillGetsEveryReplyInOrder() throws Exception {
        String pad = "p".repeat(1000);
        int count = 30_000;
        StringBuilder req = new StringBuilder();
        StringBuilder exp = new StringBuilder();
        for (int i = 0; i < count; i++) {
            String v = i + pad;
            req.append(resp("ECHO", v));
            exp.append('$').append(v.length()).append("\r\n").append(v).append("\r\n");
        }
        byte[] request = req.toString().getBytes(StandardCharsets.ISO_8859_1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Socket s = new Socket("127.0.0.1", SERVERS.cinnabar().port()); RawConnection other = new RawConnection(SERVERS.cinnabar().port())) {
            s.setSoTimeout(60_000);
            AtomicLong written = new AtomicLong();
            Future<?> w = writeInBackground(pool, s.getOutputStream(), request, written);
            // Not reading: once the replies back up, the server must stop reading this client,
            // so its writes stall well before all 30 MB are sent.
            long last = -1;
            for (int i = 0; i < 50 && written.get() != last; i++) {
                last = written.get();
                Thread.sleep(200);
            }
            assertTrue(written.get() < request.length,
                    "the server kept reading a client that reads nothing: " + written.get() + " of " + request.length);
            assertEquals("+PONG\r\n", other.call("PING"), "other clients are still served");
            readExactly(new BufferedInputStream(s.getInputStream()), exp.toString().getBytes(StandardCharsets.ISO_8859_1),
                    "replies after the pause");
            w.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClientThatFloodsAndVanishesLeavesTheServerHealthy() throws Exception {
        // A fresh server, so its memory reflects only this test.
        try (ServerProcess server = ServerProcess.cinnabar()) {
            try (RawConnection c = new RawConnection(server.port())) {
                assertEquals("+OK\r\n", c.call("SET", "v", "x".repeat(1024)));
            }
            byte[] chunk = "GET v\r\n".repeat(10_000).getBytes(StandardCharsets.ISO_8859_1);
            AtomicLong written = new AtomicLong();
            ExecutorService pool = Executors.newSingleThreadExecutor();
            Socket s = new Socket("127.0.0.1", server.port());
            try {
                Future<?> w = pool.submit(() -> {
                    OutputStream out = s.getOutputStream();
                    // 200 MB of GETs would be 30 GB of replies if the server read them all.
                    for (int i = 0; i < 3000; i++) {
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                    return null;
                });
                long last = -1;
                for (int i = 0; i < 50 && written.get() != last; i++) {
                    last = written.get();
                    Thread.sleep(300);
                }
                assertTrue(!w.isDone(), "the writer should be stalled by back-pressure, wrote " + written.get());
                long rss = rssKilobytes(server.pid());
                assertTrue(rss < 2_000_000, "server RSS " + rss + " kB while a client floods it without reading");
            } finally {
                // Vanish with everything unread: a reset, not a clean close.
                s.setSoLinger(true, 0);
                s.close();
                pool.shutdownNow();
            }
            try (RawConnection c = new RawConnection(server.port())) {
                assertEquals("+PONG\r\n", c.call("PING"));
                assertEquals("$1024\r\n" + "x".repeat(1024) + "\r\n", c.call("GET", "v"));
            }
            assertTrue(!server.log().contains("Exception"), server.log());
        }
    }

    private static long rssKilobytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    @Test
    void aClientThatDisconnectsMidPipelineDoesNotDisturbOthers() throws Exception {
        try (RawConnection other = new RawConnection(SERVERS.cinnabar().port())) {
            for (int round = 0; round < 20; round++) {
                try (Socket s = new Socket("127.0.0.1", SERVERS.cinnabar().port())) {
                    StringBuilder req = new StringBuilder();
                    for (int i = 0; i < 2000; i++) {
                        req.append(resp("SET", "vanish:" + i, "x".repeat(100)));
                    }
                    // Half a command at the end, then gone.
                    req.append("*3\r\n$3\r\nSET\r\n$6\r\nvanish\r\n$1000\r\nabc");
                    s.getOutputStream().write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                    if (round % 2 == 0) {
                        s.setSoLinger(true, 0);
                    }
                }
                assertEquals("+PONG\r\n", other.call("PING"));
            }
            assertEquals("$-1\r\n", other.call("GET", "vanish"), "the half command never ran");
        }
    }

    // ------------------------------------------------------------------ authentication limits

    @Test
    void unauthenticatedClientsGetRedisLimits() throws Exception {
        try (ServerProcess r = ServerProcess.redis("--requirepass", "pw"); ServerProcess c = ServerProcess.cinnabar("--requirepass", "pw")) {
            String[] inputs = {
                "*11\r\n",
                "*1\r\n$16385\r\n",
                "*10\r\n" + "$1\r\na\r\n".repeat(10),
                "*1\r\n$16384\r\n" + "x".repeat(16384) + "\r\n",
                "PING\r\n" + "*1\r\n$100000000\r\n",
            };
            for (String in : inputs) {
                RawExchange[] both = RawExchange.sendBoth(r.port(), c.port(), in, 1500);
                RawExchange expected = both[0];
                RawExchange actual = both[1];
                assertEquals(expected.toString(), actual.toString(), show(in.length() > 60 ? in.substring(0, 60) : in));
            }
        }
    }

    @Test
    void authenticatingLiftsTheLimitsForTheRestOfThePipeline() throws Exception {
        try (ServerProcess r = ServerProcess.redis("--requirepass", "pw"); ServerProcess c = ServerProcess.cinnabar("--requirepass", "pw")) {
            String[] many = new String[12];
            many[0] = "ECHO";
            for (int i = 1; i < many.length; i++) {
                many[i] = "a";
            }
            String in = resp("AUTH", "pw") + resp(many) + resp("ECHO", "y".repeat(20_000));
            RawExchange[] both = RawExchange.sendBoth(r.port(), c.port(), in, 1500);
            RawExchange expected = both[0];
            RawExchange actual = both[1];
            assertEquals(expected.toString(), actual.toString());
        }
    }

    /** Keeps the helper honest: it must see the bytes a protocol error leaves behind. */
    @Test
    void rawExchangeSeesTheReplyBeforeAReset() throws IOException {
        RawExchange r = RawExchange.send(SERVERS.redis().port(), "PING\r\n" + "ECHO " + "a".repeat(200_000) + "\r\n", CLOSE_WAIT_MILLIS);
        assertEquals("+PONG\r\n-ERR Protocol error: too big inline request\r\n", r.reply);
        assertTrue(r.closed);
    }
}
