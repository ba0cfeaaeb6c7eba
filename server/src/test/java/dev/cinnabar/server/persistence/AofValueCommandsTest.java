package dev.cinnabar.server.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.scripting.Functions;
import dev.cinnabar.server.scripting.LoadedFunctions;
import dev.cinnabar.server.testing.EngineHarness;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every type and encoding written as commands, then replayed into a fresh server: the same
 * DEBUG DIGEST. Where Redis's order is deterministic (strings, lists, intsets, listpacks,
 * streams) the bytes are checked against what Redis 7.0.15 writes for the same data.
 */
class AofValueCommandsTest {

    // ------------------------------------------------------------------ bytes as Redis writes them

    @Test
    void stringsAsSet() {
        assertEquals("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n", one("k", "hello".getBytes(), -1));
        assertEquals("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\n-12\r\n", one("k", -12L, -1));
        assertEquals("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nk\r\n$13\r\n1700000000123\r\n",
                one("k", "v".getBytes(), 1700000000123L));
    }

    /** A string read where it lies (inline in the keyspace's table) is written as the same commands as a value. */
    @Test
    void aStringInPlaceIsWrittenAsTheSameCommands() {
        byte[] page = "..key..hello..".getBytes(StandardCharsets.US_ASCII);
        for (long expireAt : new long[] {-1, 1700000000123L}) {
            AofOutput inPlace = new AofOutput(64);
            AofValueCommands.keyString(inPlace, page, 2, 3, page, 7, 5, expireAt);
            assertEquals(one("key", "hello".getBytes(StandardCharsets.US_ASCII), expireAt),
                    new String(inPlace.toByteArray(), StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void listsInBatchesOf64() {
        EngineHarness h = harness();
        List<String> args = new ArrayList<>(List.of("RPUSH", "l"));
        for (int i = 0; i < 130; i++) {
            args.add(i % 2 == 0 ? Integer.toString(i) : "e" + i);
        }
        h.call(args.toArray(new String[0]));
        String text = dump(h);
        StringBuilder want = new StringBuilder("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n");
        for (int from = 0; from < 130; from += 64) {
            int n = Math.min(64, 130 - from);
            want.append("*").append(n + 2).append("\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n");
            for (int i = from; i < from + n; i++) {
                String e = i % 2 == 0 ? Integer.toString(i) : "e" + i;
                want.append("$").append(e.length()).append("\r\n").append(e).append("\r\n");
            }
        }
        assertEquals(want.toString(), text);
        assertReplays(h);
    }

    @Test
    void zsetScoresAs17g() {
        EngineHarness h = harness();
        h.call("ZADD", "z", "1.5", "a", "-inf", "b", "0.1", "c", "3", "7");
        assertEquals("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
                + "*10\r\n$4\r\nZADD\r\n$1\r\nz\r\n$4\r\n-inf\r\n$1\r\nb\r\n$19\r\n0.10000000000000001\r\n$1\r\nc\r\n"
                + "$3\r\n1.5\r\n$1\r\na\r\n$1\r\n3\r\n$1\r\n7\r\n", dump(h));
        assertReplays(h);
    }

    @Test
    void emptyStreamAsXaddMaxlen0() {
        EngineHarness h = harness();
        h.call("XADD", "s", "5-5", "f", "v");
        h.call("XDEL", "s", "5-5");
        assertEquals("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
                + "*7\r\n$4\r\nXADD\r\n$1\r\ns\r\n$6\r\nMAXLEN\r\n$1\r\n0\r\n$3\r\n0-1\r\n$1\r\nx\r\n$1\r\ny\r\n"
                + "*7\r\n$6\r\nXSETID\r\n$1\r\ns\r\n$3\r\n5-5\r\n$12\r\nENTRIESADDED\r\n$1\r\n1\r\n"
                + "$12\r\nMAXDELETEDID\r\n$3\r\n5-5\r\n", dump(h));
        assertReplays(h);
    }

    /**
     * The keys of {@code aof/base-setup.txt} (every one of a deterministic order in Redis) give
     * the bytes Redis 7.0.15 wrote for them in its plain base ({@code tools/record-aof-base.py}),
     * key by key (Redis's key order is its dict's).
     */
    @Test
    void sameBytesAsRedisPlainBase() throws Exception {
        EngineHarness h = harness();
        // XCLAIM's TIME is capped at the present: be where the recording was (after its times).
        h.clock.advance(1_800_000_000_000L - h.clock.millis());
        for (List<byte[]> cmd : setupCommands()) {
            String reply = h.send(resp(cmd));
            assertFalse(reply.startsWith("-"), new String(cmd.get(0)) + " " + reply);
        }
        byte[] redis = resource("aof/base-redis.resp");
        Map<String, String> theirs = chunks(redis);
        Map<String, String> ours = chunks(dump(h).getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(20, theirs.size(), theirs.keySet().toString());
        assertEquals(theirs.keySet(), ours.keySet());
        for (String k : theirs.keySet()) {
            assertEquals(theirs.get(k), ours.get(k), k);
        }
        EngineHarness replayed = assertReplays(h);
        EngineHarness fromRedis = harness();
        fromRedis.clock.advance(h.clock.millis() - fromRedis.clock.millis());
        fromRedis.send(new String(redis, StandardCharsets.ISO_8859_1));
        fromRedis.call("SELECT", "0");
        assertEquals(replayed.call("DEBUG", "DIGEST"), fromRedis.call("DEBUG", "DIGEST"));
    }

    static List<List<byte[]>> setupCommands() throws IOException {
        List<List<byte[]>> out = new ArrayList<>();
        String text = new String(resource("aof/base-setup.txt"), StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<byte[]> args = new ArrayList<>();
            for (String t : line.split(" ", -1)) {
                args.add(unescape(t).getBytes(StandardCharsets.UTF_8));
            }
            out.add(args);
        }
        return out;
    }

    private static String unescape(String t) {
        if (t.equals("\\e")) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '\\' && i + 1 < t.length()) {
                char n = t.charAt(++i);
                sb.append(n == 's' ? ' ' : n == 'n' ? '\n' : n);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String resp(List<byte[]> args) {
        StringBuilder sb = new StringBuilder("*" + args.size() + "\r\n");
        for (byte[] a : args) {
            sb.append('$').append(a.length).append("\r\n").append(new String(a, StandardCharsets.ISO_8859_1)).append("\r\n");
        }
        return sb.toString();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = AofValueCommandsTest.class.getClassLoader().getResourceAsStream(name)) {
            assertNotNull(in, name);
            return in.readAllBytes();
        }
    }

    /**
     * AOF text split into runs of commands on one key, by "db/key" (the libraries as
     * "functions"); each run is the text of its commands.
     */
    static Map<String, String> chunks(byte[] aof) {
        Map<String, String> out = new TreeMap<>();
        int db = -1;
        int p = 0;
        String current = null;
        StringBuilder run = new StringBuilder();
        while (p < aof.length) {
            int start = p;
            List<String> args = new ArrayList<>();
            p = readCommand(aof, p, args);
            String text = new String(aof, start, p - start, StandardCharsets.ISO_8859_1);
            String name = args.get(0).toUpperCase();
            String where;
            if (name.equals("SELECT")) {
                db = Integer.parseInt(args.get(1));
                continue;
            } else if (name.equals("FUNCTION")) {
                where = "functions";
            } else {
                where = db + "/" + (name.equals("XGROUP") ? args.get(2) : args.get(1));
            }
            if (!where.equals(current)) {
                if (current != null) {
                    assertNull(out.put(current, run.toString()), current + " in two runs");
                }
                current = where;
                run.setLength(0);
            }
            run.append(text);
        }
        if (current != null) {
            assertNull(out.put(current, run.toString()), current + " in two runs");
        }
        return out;
    }

    private static int readCommand(byte[] b, int p, List<String> args) {
        assertEquals('*', b[p]);
        int eol = lineEnd(b, p);
        int n = Integer.parseInt(new String(b, p + 1, eol - p - 1, StandardCharsets.US_ASCII));
        p = eol + 2;
        for (int i = 0; i < n; i++) {
            assertEquals('$', b[p]);
            eol = lineEnd(b, p);
            int len = Integer.parseInt(new String(b, p + 1, eol - p - 1, StandardCharsets.US_ASCII));
            p = eol + 2;
            args.add(new String(b, p, len, StandardCharsets.ISO_8859_1));
            p += len + 2;
        }
        return p;
    }

    private static int lineEnd(byte[] b, int p) {
        while (b[p] != '\r') {
            p++;
        }
        return p;
    }

    // ------------------------------------------------------------------ replay: equal digests

    @Test
    void everyTypeAndEncodingReplays() {
        EngineHarness h = harness();
        long now = h.clock.millis();
        h.call("SET", "str", "hello");
        h.call("SET", "int", "12345");
        h.call("SET", "big", "x".repeat(100));
        h.call("SET", "empty", "");
        h.call("SET", "ttl", "v", "PX", "100000");
        h.call("RPUSH", "list", "a", "1", "-5", "b");
        h.call("SADD", "intset", "1", "2", "-3");
        h.call("SADD", "set", "a", "b", "1");
        h.call("ZADD", "zlp", "1", "a", "2.5", "b");
        h.call("HSET", "hlp", "f", "v", "1", "2");
        h.call("EXPIRE", "hlp", "1000");
        h.call("XADD", "stream", "1-1", "a", "1", "b", "2");
        h.call("XADD", "stream", "2-0", "a", "3", "b", "4");
        h.call("XADD", "stream", "3-0", "other", "x");
        h.call("XDEL", "stream", "2-0");
        h.call("XGROUP", "CREATE", "stream", "g1", "0");
        h.call("XGROUP", "CREATE", "stream", "g2", "$", "ENTRIESREAD", "2");
        h.call("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "1", "STREAMS", "stream", ">");
        h.call("XGROUP", "CREATECONSUMER", "stream", "g1", "bob");
        h.call("XADD", "empty-stream", "1-1", "f", "v");
        h.call("XDEL", "empty-stream", "1-1");
        h.call("SELECT", "3");
        h.call("SET", "in-db-3", "x");
        h.call("SELECT", "0");
        h.call("FUNCTION", "LOAD", "#!lua name=mylib\nredis.register_function('f1', function() return 1 end)");
        // Bigger than the listpack thresholds: hashtable, skiplist, listpack nodes.
        Random r = new Random(17);
        List<String> list = new ArrayList<>(List.of("RPUSH", "biglist"));
        List<String> set = new ArrayList<>(List.of("SADD", "bigset"));
        List<String> intset = new ArrayList<>(List.of("SADD", "bigintset"));
        List<String> zset = new ArrayList<>(List.of("ZADD", "bigzset"));
        List<String> hash = new ArrayList<>(List.of("HSET", "bighash"));
        for (int i = 0; i < 1000; i++) {
            list.add(r.nextBoolean() ? Long.toString(r.nextLong()) : "item" + r.nextInt());
            set.add("m" + r.nextInt(5000));
            intset.add(Integer.toString(r.nextInt()));
            zset.add(Double.toString(r.nextGaussian() * 1e6));
            zset.add("z" + i);
            hash.add("f" + i);
            hash.add(r.nextBoolean() ? Integer.toString(r.nextInt()) : "v".repeat(r.nextInt(80)));
        }
        for (List<String> cmd : List.of(list, set, intset, zset, hash)) {
            h.call(cmd.toArray(new String[0]));
        }
        h.call("RPUSH", "plain", "p".repeat(5000), "small");
        h.call("PEXPIREAT", "biglist", Long.toString(now + 99999));
        assertEquals("$9\r\nhashtable\r\n", h.call("OBJECT", "ENCODING", "bigset"));
        assertEquals("$9\r\nhashtable\r\n", h.call("OBJECT", "ENCODING", "bighash"));
        assertEquals("$8\r\nskiplist\r\n", h.call("OBJECT", "ENCODING", "bigzset"));
        assertEquals("$9\r\nhashtable\r\n", h.call("OBJECT", "ENCODING", "bigintset"));
        EngineHarness replayed = assertReplays(h);
        assertEquals(h.call("XINFO", "STREAM", "stream", "FULL"), replayed.call("XINFO", "STREAM", "stream", "FULL"));
        assertEquals(h.call("XINFO", "STREAM", "empty-stream"), replayed.call("XINFO", "STREAM", "empty-stream"));
        assertEquals(h.call("PEXPIRETIME", "ttl"), replayed.call("PEXPIRETIME", "ttl"));
        assertEquals(h.call("FUNCTION", "LIST", "WITHCODE"), replayed.call("FUNCTION", "LIST", "WITHCODE"));
    }

    @Test
    void compressedAndPlainListNodesRawStringsAndOddScores() {
        EngineHarness h = harness();
        try {
            h.call("CONFIG", "SET", "list-compress-depth", "1");
            h.call("CONFIG", "SET", "list-max-listpack-size", "4");
            List<String> cmd = new ArrayList<>(List.of("RPUSH", "compressed"));
            for (int i = 0; i < 200; i++) {
                cmd.add("element-" + "z".repeat(40) + i);
            }
            h.call(cmd.toArray(new String[0]));
            assertEquals("+OK\r\n", h.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100"));
            h.call("RPUSH", "plain", "a", "p".repeat(300), "b", "q".repeat(101));
            h.call("APPEND", "raw", "abc");
            h.call("APPEND", "raw", "def");
            h.call("SETRANGE", "raw", "10", "x");
            h.call("INCRBYFLOAT", "float", "1.25");
            h.call("ZADD", "odd", "-0", "negzero", "0", "zero", "1e-300", "small", "-1.7976931348623157e308", "min",
                    "123456789.123456789", "long");
            EngineHarness replayed = assertReplays(h);
            assertEquals(h.call("ZRANGE", "odd", "0", "-1", "WITHSCORES"), replayed.call("ZRANGE", "odd", "0", "-1", "WITHSCORES"));
            assertEquals(h.call("GET", "raw"), replayed.call("GET", "raw"));
        } finally {
            h.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1073741824");
        }
    }

    /**
     * Redis writes an XCLAIM for every pending entry, also one whose stream entry was deleted;
     * replayed, XCLAIM drops such an entry (Redis 7.0.15 does the same on loading its AOF).
     */
    @Test
    void pendingEntryOfADeletedEntryIsWrittenAndDroppedOnReplay() {
        EngineHarness h = harness();
        h.call("XADD", "s", "1-1", "f", "v");
        h.call("XADD", "s", "2-1", "f", "v");
        h.call("XGROUP", "CREATE", "s", "g", "0");
        h.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">");
        h.call("XDEL", "s", "1-1");
        assertEquals("*4\r\n:2\r\n$3\r\n1-1\r\n$3\r\n2-1\r\n*1\r\n*2\r\n$1\r\nc\r\n$1\r\n2\r\n",
                h.call("XPENDING", "s", "g"));
        String text = dump(h);
        assertTrue(text.contains("$6\r\nXCLAIM\r\n$1\r\ns\r\n$1\r\ng\r\n$1\r\nc\r\n$1\r\n0\r\n$3\r\n1-1\r\n"), text);
        EngineHarness replayed = assertReplays(h);
        assertEquals("*4\r\n:1\r\n$3\r\n2-1\r\n$3\r\n2-1\r\n*1\r\n*2\r\n$1\r\nc\r\n$1\r\n1\r\n",
                replayed.call("XPENDING", "s", "g"));
    }

    @Test
    void hashFieldTtlsAsRedis74() {
        EngineHarness h = harness();
        long at = h.clock.millis() + 50000;
        h.call("HSET", "h", "a", "1", "b", "2", "c", "3");
        h.call("HPEXPIREAT", "h", Long.toString(at), "FIELDS", "1", "b");
        assertEquals("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
                + "*4\r\n$5\r\nHMSET\r\n$1\r\nh\r\n$1\r\nb\r\n$1\r\n2\r\n"
                + "*6\r\n$10\r\nHPEXPIREAT\r\n$1\r\nh\r\n$13\r\n" + at + "\r\n$6\r\nFIELDS\r\n$1\r\n1\r\n$1\r\nb\r\n"
                + "*4\r\n$5\r\nHMSET\r\n$1\r\nh\r\n$1\r\na\r\n$1\r\n1\r\n"
                + "*4\r\n$5\r\nHMSET\r\n$1\r\nh\r\n$1\r\nc\r\n$1\r\n3\r\n", dump(h));
        EngineHarness replayed = assertReplays(h);
        assertEquals(h.call("HPEXPIRETIME", "h", "FIELDS", "3", "a", "b", "c"),
                replayed.call("HPEXPIRETIME", "h", "FIELDS", "3", "a", "b", "c"));
        // The same in hashtable form.
        for (int i = 0; i < 200; i++) {
            h.call("HSET", "h", "x" + i, "y" + i);
        }
        h.call("HPEXPIREAT", "h", Long.toString(at + 7), "FIELDS", "2", "x5", "x9");
        replayed = assertReplays(h);
        assertEquals(h.call("HPEXPIRETIME", "h", "FIELDS", "4", "a", "b", "x5", "x9"),
                replayed.call("HPEXPIRETIME", "h", "FIELDS", "4", "a", "b", "x5", "x9"));
    }

    @Test
    void randomDatasetsReplay() {
        Random r = new Random(4);
        int streams = 0;
        for (int round = 0; round < 20; round++) {
            EngineHarness h = harness();
            int keys = 1 + r.nextInt(30);
            for (int k = 0; k < keys; k++) {
                String key = "k" + k;
                int n = 1 + r.nextInt(r.nextBoolean() ? 10 : 300);
                List<String> cmd = new ArrayList<>();
                switch (r.nextInt(6)) {
                    case 0 -> cmd.addAll(List.of("SET", key, randomElement(r)));
                    case 1 -> cmd.addAll(List.of("RPUSH", key));
                    case 2 -> cmd.addAll(List.of("SADD", key));
                    case 3 -> cmd.addAll(List.of("ZADD", key));
                    case 4 -> cmd.addAll(List.of("HSET", key));
                    default -> cmd.addAll(List.of("XADD", key, "*"));
                }
                if (cmd.size() == 2) {
                    for (int i = 0; i < n; i++) {
                        if (cmd.get(0).equals("ZADD")) {
                            cmd.add(Integer.toString(r.nextInt(100)));
                        }
                        cmd.add(randomElement(r));
                        if (cmd.get(0).equals("HSET")) {
                            cmd.add(randomElement(r));
                        }
                    }
                } else if (cmd.get(0).equals("XADD")) {
                    for (int i = 0; i < Math.min(n, 20); i++) {
                        cmd.add(randomElement(r));
                        cmd.add(randomElement(r));
                    }
                }
                h.call("SELECT", Integer.toString(r.nextInt(3)));
                String reply = h.call(cmd.toArray(new String[0]));
                assertFalse(reply.startsWith("-"), reply);
                if (cmd.get(0).equals("XADD")) {
                    for (int i = 1 + r.nextInt(n); i > 0; i--) {
                        h.call("XADD", key, "*", "n", Integer.toString(i));
                    }
                    groups(h, r, key);
                }
                if (r.nextInt(4) == 0) {
                    h.call("PEXPIRE", key, Integer.toString(1000 + r.nextInt(100000)));
                }
            }
            EngineHarness replayed = assertReplays(h);
            for (int db = 0; db < 3; db++) {
                h.call("SELECT", Integer.toString(db));
                replayed.call("SELECT", Integer.toString(db));
                for (int k = 0; k < keys; k++) {
                    if (h.call("TYPE", "k" + k).equals("+stream\r\n")) {
                        assertEquals(h.call("XINFO", "STREAM", "k" + k, "FULL"),
                                replayed.call("XINFO", "STREAM", "k" + k, "FULL"));
                        streams++;
                    }
                }
            }
        }
        assertTrue(streams > 10, "streams compared: " + streams);
    }

    /**
     * Random consumer groups, deliveries, claims and group IDs on stream {@code key} (no entry
     * is deleted once delivered: see {@link #pendingEntryOfADeletedEntryIsWrittenAndDroppedOnReplay}).
     */
    private static void groups(EngineHarness h, Random r, String key) {
        for (int g = r.nextInt(3); g > 0; g--) {
            String group = "g" + r.nextInt(5);
            h.call("XGROUP", "CREATE", key, group, r.nextBoolean() ? "0" : "$");
            for (int i = r.nextInt(6); i > 0; i--) {
                String consumer = "c" + r.nextInt(4);
                switch (r.nextInt(5)) {
                    case 0, 1 -> h.call("XREADGROUP", "GROUP", group, consumer, "COUNT",
                            Integer.toString(1 + r.nextInt(5)), "STREAMS", key, ">");
                    case 2 -> h.call("XGROUP", "CREATECONSUMER", key, group, consumer);
                    case 3 -> h.call("XAUTOCLAIM", key, group, consumer, "0", "0", "COUNT", "2");
                    default -> h.call("XGROUP", "SETID", key, group, r.nextBoolean() ? "0" : "$");
                }
            }
        }
        String full = h.call("XINFO", "STREAM", key, "FULL");
        assertFalse(full.startsWith("-"), full);
    }

    private static String randomElement(Random r) {
        switch (r.nextInt(4)) {
            case 0:
                return Long.toString(r.nextLong());
            case 1:
                return Integer.toString(r.nextInt(1000));
            case 2:
                return "s".repeat(r.nextInt(100));
            default:
                byte[] b = new byte[r.nextInt(20)];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) ('a' + r.nextInt(26));
                }
                return new String(b, StandardCharsets.US_ASCII);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static String one(String key, Object value, long expireAt) {
        AofOutput out = new AofOutput(64);
        AofValueCommands.key(out, key.getBytes(StandardCharsets.UTF_8), value, expireAt);
        return new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    static String dump(EngineHarness h) {
        AofOutput out = new AofOutput(1024);
        AofValueCommands.dataset(out, h.server.keyspace(), libraries(h));
        return new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    /** A server that allows DEBUG. */
    static EngineHarness harness() {
        ServerConfig config = new ServerConfig();
        config.enableDebugCommand = "yes";
        return new EngineHarness(config);
    }

    static List<byte[]> libraries(EngineHarness h) {
        List<byte[]> codes = new ArrayList<>();
        Functions f = LoadedFunctions.of(h.server);
        if (f != null) {
            for (Functions.Library li : f.libraries()) {
                codes.add(li.code);
            }
        }
        return codes;
    }

    /** Replays the dump of {@code h} into a fresh server at the same time; returns it. */
    static EngineHarness assertReplays(EngineHarness h) {
        String digest = h.call("DEBUG", "DIGEST");
        assertTrue(digest.matches("\\+[0-9a-f]{40}\r\n"), digest);
        assertNotEquals("+" + "0".repeat(40) + "\r\n", digest);
        EngineHarness fresh = harness();
        fresh.clock.advance(h.clock.millis() - fresh.clock.millis());
        String replies = fresh.send(dump(h));
        for (String line : replies.split("\r\n")) {
            assertFalse(line.startsWith("-"), line);
        }
        assertTrue(replies.length() > 0);
        fresh.call("SELECT", "0");
        assertEquals(digest, fresh.call("DEBUG", "DIGEST"));
        return fresh;
    }
}
