package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import dev.cinnabar.it.support.Waits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * AOF directories move between Cinnabar and redis-server 7.0.15 both ways: each starts from a
 * directory the other wrote (a base with or without the RDB preamble, incr files, several incrs
 * after a rewrite that never finished, timestamp annotations) with the same DEBUG DIGEST as the
 * server that wrote it, and redis-check-aof accepts every directory Cinnabar writes.
 */
class AofInteropIT {
    private static final String DIR = "appendonlydir";
    private static final String MANIFEST = "appendonly.aof.manifest";

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------ Cinnabar writes, Redis reads

    @ParameterizedTest(name = "aof-use-rdb-preamble {0}")
    @ValueSource(strings = {"yes", "no"})
    void redisStartsFromWhatCinnabarWrote(String preamble) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("cinnabar"));
        String digest;
        try (ServerProcess ours = cinnabar(dir, "--aof-use-rdb-preamble", preamble);
                RawConnection c = new RawConnection(ours.port())) {
            load(c, new Random(1), true);
            rewrite(c);
            load(c, new Random(2), false);
            digest = digest(c);
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "aof-timestamp-enabled", "yes"));
            c.call("SET", "after-ts", "1");
            digest = digest(c);
        }
        String manifest = Files.readString(dir.resolve(DIR).resolve(MANIFEST));
        assertTrue(manifest.contains(preamble.equals("yes") ? ".base.rdb seq 2 type b" : ".base.aof seq 2 type b"),
                manifest);
        assertTrue(Files.readString(dir.resolve(DIR).resolve("appendonly.aof.2.incr.aof"),
                StandardCharsets.ISO_8859_1).contains("#TS:"));
        checkAof(dir);
        assertReadersAgree(dir, digest, "Cinnabar's directory");
    }

    @Test
    void severalIncrsFromAnUnfinishedRewrite() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("cinnabar"));
        String digest;
        try (ServerProcess ours = cinnabar(dir, "--aof-use-rdb-preamble", "no", "--appendfsync", "always");
                RawConnection c = new RawConnection(ours.port())) {
            load(c, new Random(3), true);
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "rdb-key-save-delay", "1000000"));
            assertEquals("+Background append only file rewriting started\r\n", c.call("BGREWRITEAOF"));
            load(c, new Random(4), false);
            digest = digest(c);
            ours.process().destroyForcibly();
            assertTrue(ours.process().waitFor(10, TimeUnit.SECONDS));
        }
        String manifest = Files.readString(dir.resolve(DIR).resolve(MANIFEST));
        assertEquals("file appendonly.aof.1.base.aof seq 1 type b\n"
                + "file appendonly.aof.1.incr.aof seq 1 type i\n"
                + "file appendonly.aof.2.incr.aof seq 2 type i\n", manifest);
        checkAof(dir);
        assertReadersAgree(dir, digest, "Cinnabar's directory of two incrs");
    }

    @Test
    void turnedOnAtRuntime() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("cinnabar"));
        String digest;
        try (ServerProcess ours = ServerProcess.cinnabar("--dir", dir.toString(), "--save", "",
                "--enable-debug-command", "yes"); RawConnection c = new RawConnection(ours.port())) {
            ServerLifecycleIT.logWhenReady(ours);
            load(c, new Random(10), true);
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "appendonly", "yes"));
            awaitRewrite(c);
            load(c, new Random(11), false);
            digest = digest(c);
        }
        checkAof(dir);
        assertReadersAgree(dir, digest, "the directory of CONFIG SET appendonly yes");
    }

    @Test
    void emptyDirectoriesBothWays() throws Exception {
        Path ours = Files.createDirectories(tmp.resolve("cinnabar"));
        try (ServerProcess c = cinnabar(ours); RawConnection conn = new RawConnection(c.port())) {
            assertEquals(":0\r\n", conn.call("DBSIZE"));
        }
        checkAof(ours);
        assertEquals("+" + "0".repeat(40) + "\r\n", redisDigestOf(ours));
        Path theirs = Files.createDirectories(tmp.resolve("redis"));
        try (ServerProcess r = redis(theirs, "--aof-use-rdb-preamble", "no"); RawConnection conn = new RawConnection(r.port())) {
            assertEquals(":0\r\n", conn.call("DBSIZE"));
        }
        try (ServerProcess c = cinnabar(theirs); RawConnection conn = new RawConnection(c.port())) {
            awaitLoaded(conn);
            assertEquals(":0\r\n", conn.call("DBSIZE"));
            awaitLog(c, "DB loaded from append only file");
        }
        checkAof(theirs);
    }

    /**
     * Cinnabar's plain base (aof-use-rdb-preamble no) holds, for each key of a deterministic
     * order in Redis, the same bytes as Redis's base for the same commands.
     */
    @Test
    void plainBaseSameBytesAsRedis() throws Exception {
        Path theirs = Files.createDirectories(tmp.resolve("redis"));
        Path ours = Files.createDirectories(tmp.resolve("cinnabar"));
        try (ServerProcess r = redis(theirs, "--aof-use-rdb-preamble", "no");
                RawConnection conn = new RawConnection(r.port())) {
            setup(conn);
            rewrite(conn);
        }
        try (ServerProcess c = cinnabar(ours, "--aof-use-rdb-preamble", "no");
                RawConnection conn = new RawConnection(c.port())) {
            setup(conn);
            rewrite(conn);
        }
        String redisBase = Files.readString(theirs.resolve(DIR).resolve("appendonly.aof.2.base.aof"),
                StandardCharsets.ISO_8859_1);
        String ourBase = Files.readString(ours.resolve(DIR).resolve("appendonly.aof.2.base.aof"),
                StandardCharsets.ISO_8859_1);
        java.util.Map<String, String> want = chunks(redisBase);
        java.util.Map<String, String> got = chunks(ourBase);
        assertEquals(want.keySet(), got.keySet());
        for (String k : want.keySet()) {
            assertEquals(want.get(k), got.get(k), k);
        }
        checkAof(ours);
    }

    // ------------------------------------------------------------------ Redis writes, Cinnabar reads

    @ParameterizedTest(name = "aof-use-rdb-preamble {0}")
    @ValueSource(strings = {"yes", "no"})
    void cinnabarStartsFromWhatRedisWrote(String preamble) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("redis"));
        String digest;
        try (ServerProcess redis = redis(dir, "--aof-use-rdb-preamble", preamble, "--aof-timestamp-enabled", "yes");
                RawConnection r = new RawConnection(redis.port())) {
            load(r, new Random(5), true);
            rewrite(r);
            load(r, new Random(6), false);
            digest = digest(r);
        }
        String manifest = Files.readString(dir.resolve(DIR).resolve(MANIFEST));
        assertTrue(manifest.contains(preamble.equals("yes") ? ".base.rdb seq 2 type b" : ".base.aof seq 2 type b"),
                manifest);
        assertReadersAgree(dir, digest, "Redis's directory");
        // And back: Cinnabar appends to Redis's directory, Redis reads the result.
        String digest2;
        try (ServerProcess ours = cinnabar(dir); RawConnection c = new RawConnection(ours.port())) {
            assertEquals(digest, digest(c), "Cinnabar started from Redis's directory");
            load(c, new Random(7), false);
            digest2 = digest(c);
        }
        checkAof(dir);
        assertReadersAgree(dir, digest2, "Redis's directory after Cinnabar appended");
    }

    @Test
    void cinnabarStartsFromRedisSeveralIncrs() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("redis"));
        String digest;
        try (ServerProcess redis = redis(dir, "--aof-use-rdb-preamble", "yes", "--appendfsync", "always");
                RawConnection r = new RawConnection(redis.port())) {
            load(r, new Random(8), true);
            assertEquals("+OK\r\n", r.call("CONFIG", "SET", "rdb-key-save-delay", "1000000"));
            assertEquals("+Background append only file rewriting started\r\n", r.call("BGREWRITEAOF"));
            load(r, new Random(9), false);
            digest = digest(r);
            List<ProcessHandle> children = redis.process().children().toList();
            redis.process().destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
            assertTrue(redis.process().waitFor(10, TimeUnit.SECONDS));
        }
        String manifest = Files.readString(dir.resolve(DIR).resolve(MANIFEST));
        assertEquals("file appendonly.aof.1.base.rdb seq 1 type b\n"
                + "file appendonly.aof.1.incr.aof seq 1 type i\n"
                + "file appendonly.aof.2.incr.aof seq 2 type i\n", manifest);
        assertReadersAgree(dir, digest, "Redis's directory of two incrs");
        try (ServerProcess ours = cinnabar(dir); RawConnection c = new RawConnection(ours.port())) {
            assertEquals(digest, digest(c), "Cinnabar started from Redis's directory of two incrs");
            // A rewrite there makes one base again, which Redis reads.
            rewrite(c);
            digest = digest(c);
        }
        checkAof(dir);
        assertReadersAgree(dir, digest, "Cinnabar's rewrite of Redis's directory");
    }

    /**
     * A pre-7.0 single appendonly.aof (an RDB preamble then commands, as Redis 6 wrote it) in
     * the working directory: both servers move it into the directory as the base, write the same
     * manifest, and hold the same data.
     */
    @Test
    void legacySingleFileUpgradedAlike() throws Exception {
        Path source = Files.createDirectories(tmp.resolve("source"));
        String digest;
        try (ServerProcess redis = redis(source, "--aof-use-rdb-preamble", "yes");
                RawConnection r = new RawConnection(redis.port())) {
            load(r, new Random(12), true);
            rewrite(r);
            load(r, new Random(13), false);
            digest = digest(r);
        }
        // The base (RDB preamble) and the incr, concatenated: the single file of Redis 6.
        byte[] base = Files.readAllBytes(source.resolve(DIR).resolve("appendonly.aof.2.base.rdb"));
        byte[] incr = Files.readAllBytes(source.resolve(DIR).resolve("appendonly.aof.2.incr.aof"));
        byte[] legacy = new byte[base.length + incr.length];
        System.arraycopy(base, 0, legacy, 0, base.length);
        System.arraycopy(incr, 0, legacy, base.length, incr.length);
        String[] manifests = new String[2];
        String[] states = new String[2];
        for (int i = 0; i < 2; i++) {
            Path dir = Files.createDirectories(tmp.resolve(i == 0 ? "redis" : "cinnabar"));
            Files.write(dir.resolve("appendonly.aof"), legacy);
            try (ServerProcess p = i == 0 ? redis(dir) : cinnabar(dir); RawConnection c = new RawConnection(p.port())) {
                awaitLoaded(c);
                states[i] = state(c);
                awaitLog(p, "Successfully migrated an old-style AOF file (appendonly.aof) into the AOF directory (appendonlydir).");
            }
            assertFalse(Files.exists(dir.resolve("appendonly.aof")));
            manifests[i] = Files.readString(dir.resolve(DIR).resolve(MANIFEST));
            if (i == 1) {
                checkAof(dir);
            }
        }
        assertEquals("file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n", manifests[0]);
        assertEquals(manifests[0], manifests[1]);
        assertEquals(digest, states[0].substring(0, digest.length()));
        assertEquals(states[0], states[1]);
    }

    /**
     * Hash field TTLs (our Redis 7.4 extension, which Redis 7.0 cannot read) survive a rewrite
     * into a plain base (HMSET and HPEXPIREAT per field, as Redis 7.4 writes them) and a restart.
     */
    @ParameterizedTest(name = "aof-use-rdb-preamble {0}")
    @ValueSource(strings = {"yes", "no"})
    void hashFieldTtlsSurviveARewrite(String preamble) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("cinnabar"));
        long at = System.currentTimeMillis() + 3_600_000;
        String[] fields = {"HPEXPIRETIME", "small", "FIELDS", "3", "a", "b", "c"};
        String[] bigFields = {"HPEXPIRETIME", "big", "FIELDS", "3", "f1", "f100", "f7"};
        String small;
        String big;
        String digest;
        try (ServerProcess ours = cinnabar(dir, "--aof-use-rdb-preamble", preamble);
                RawConnection c = new RawConnection(ours.port())) {
            call(c, "HSET", "small", "a", "1", "b", "2", "c", "3");
            call(c, "HPEXPIREAT", "small", Long.toString(at), "FIELDS", "2", "c", "a");
            List<String> hset = new ArrayList<>(List.of("HSET", "big"));
            for (int i = 0; i < 300; i++) {
                hset.add("f" + i);
                hset.add("v" + i);
            }
            call(c, hset.toArray(new String[0]));
            call(c, "HPEXPIREAT", "big", Long.toString(at + 1), "FIELDS", "2", "f1", "f100");
            rewrite(c);
            small = c.call(fields);
            big = c.call(bigFields);
            digest = digest(c);
        }
        if (preamble.equals("no")) {
            String base = Files.readString(dir.resolve(DIR).resolve("appendonly.aof.2.base.aof"),
                    StandardCharsets.ISO_8859_1);
            assertTrue(base.contains("*6\r\n$10\r\nHPEXPIREAT\r\n$5\r\nsmall\r\n$13\r\n" + at
                    + "\r\n$6\r\nFIELDS\r\n$1\r\n1\r\n$1\r\nc\r\n"), base);
            // Its format is an AOF's (with the preamble, the RDB types of field TTLs are 7.4's, unknown to 7.0).
            checkAof(dir);
        }
        try (ServerProcess ours = cinnabar(dir); RawConnection c = new RawConnection(ours.port())) {
            assertEquals(digest, digest(c));
            assertEquals(small, c.call(fields));
            assertEquals(big, c.call(bigFields));
            assertEquals("*3\r\n:" + at + "\r\n:-1\r\n:" + at + "\r\n", small);
        }
    }

    // ------------------------------------------------------------------ the data

    /**
     * Writes through {@code c}: on the first round the keys of the recorded base setup (every
     * type, a library, a second database) and big collections past the listpack and intset
     * thresholds; then random writes of every type, in several databases, some in MULTI/EXEC or
     * a script, some with (far) expiry times.
     */
    static void load(RawConnection c, Random r, boolean first) throws IOException {
        if (first) {
            for (List<String> cmd : setupCommands()) {
                String reply = c.call(cmd.toArray(new String[0]));
                assertFalse(reply.startsWith("-"), cmd + " " + reply);
            }
            List<String> list = new ArrayList<>(List.of("RPUSH", "b:list"));
            List<String> set = new ArrayList<>(List.of("SADD", "b:set"));
            List<String> ints = new ArrayList<>(List.of("SADD", "b:ints"));
            List<String> zset = new ArrayList<>(List.of("ZADD", "b:zset"));
            List<String> hash = new ArrayList<>(List.of("HSET", "b:hash"));
            for (int i = 0; i < 700; i++) {
                list.add(element(r));
                set.add("m" + r.nextInt(100000));
                ints.add(Integer.toString(r.nextInt()));
                zset.add(Double.toString(r.nextGaussian() * 1000));
                zset.add("z" + i);
                hash.add("f" + i);
                hash.add(element(r));
            }
            for (List<String> cmd : List.of(list, set, ints, zset, hash)) {
                call(c, cmd.toArray(new String[0]));
            }
            call(c, "XGROUP", "CREATE", "b:stream", "g", "$", "MKSTREAM");
            for (int i = 0; i < 300; i++) {
                call(c, "XADD", "b:stream", "*", "n", Integer.toString(i), "v", element(r));
            }
            call(c, "XREADGROUP", "GROUP", "g", "reader", "COUNT", "10", "STREAMS", "b:stream", ">");
            // A pending entry whose stream entry is gone: a rewrite's XCLAIM for it drops it on load.
            call(c, "XDEL", "stream", "3-0");
            call(c, "FUNCTION", "LOAD", "#!lua name=lib2\nredis.register_function{function_name='f2', "
                    + "callback=function(keys, args) return 'two' end, flags={'no-writes'}}");
        }
        for (int i = 0; i < 400; i++) {
            String k = "r:" + r.nextInt(60);
            switch (r.nextInt(16)) {
                case 0 -> call(c, "SET", k + ":s", element(r));
                case 1 -> call(c, "INCRBY", k + ":n", Integer.toString(r.nextInt(1000) - 500));
                case 2 -> call(c, "RPUSH", k + ":l", element(r), element(r));
                case 3 -> call(c, "LPOP", k + ":l");
                case 4 -> call(c, "SADD", k + ":set", element(r), Integer.toString(r.nextInt(50)));
                case 5 -> call(c, "SREM", k + ":set", Integer.toString(r.nextInt(50)));
                case 6 -> call(c, "ZADD", k + ":z", Integer.toString(r.nextInt(100)), element(r));
                case 7 -> call(c, "ZINCRBY", k + ":z", "1.5", Integer.toString(r.nextInt(20)));
                case 8 -> call(c, "HSET", k + ":h", "f" + r.nextInt(20), element(r));
                case 9 -> call(c, "HDEL", k + ":h", "f" + r.nextInt(20));
                case 10 -> call(c, "XADD", k + ":x", "MAXLEN", "5", "*", "f", element(r));
                case 11 -> call(c, "SET", k + ":ex", "v", "EX", Integer.toString(100000 + r.nextInt(1000)));
                case 12 -> call(c, "SELECT", Integer.toString(r.nextInt(4)));
                case 13 -> {
                    call(c, "MULTI");
                    c.call("LPUSH", k + ":l", "in-multi");
                    c.call("HINCRBY", k + ":h", "count", "1");
                    call(c, "EXEC");
                }
                case 14 -> call(c, "EVAL", "redis.call('SET', KEYS[1], ARGV[1]); return redis.call('APPEND', KEYS[1], 'x')",
                        "1", k + ":lua", element(r));
                default -> call(c, "DEL", k + ":s", k + ":n");
            }
        }
        call(c, "SELECT", "0");
    }

    private static void setup(RawConnection c) throws IOException {
        for (List<String> cmd : setupCommands()) {
            String reply = c.call(cmd.toArray(new String[0]));
            assertFalse(reply.startsWith("-"), cmd + " " + reply);
        }
    }

    /** AOF text as runs of commands on one key, by "db/key" (libraries as "functions"). */
    static java.util.Map<String, String> chunks(String aof) {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        int db = -1;
        int p = 0;
        String current = null;
        StringBuilder run = new StringBuilder();
        while (p < aof.length()) {
            int start = p;
            List<String> args = new ArrayList<>();
            int eol = aof.indexOf("\r\n", p);
            int n = Integer.parseInt(aof.substring(p + 1, eol));
            p = eol + 2;
            for (int i = 0; i < n; i++) {
                eol = aof.indexOf("\r\n", p);
                int len = Integer.parseInt(aof.substring(p + 1, eol));
                args.add(aof.substring(eol + 2, eol + 2 + len));
                p = eol + 2 + len + 2;
            }
            String name = args.get(0).toUpperCase(java.util.Locale.ROOT);
            if (name.equals("SELECT")) {
                db = Integer.parseInt(args.get(1));
                continue;
            }
            String where = name.equals("FUNCTION") ? "functions"
                    : db + "/" + (name.equals("XGROUP") ? args.get(2) : args.get(1));
            if (!where.equals(current)) {
                if (current != null) {
                    assertEquals(null, out.put(current, run.toString()), current + " in two runs");
                }
                current = where;
                run.setLength(0);
            }
            run.append(aof, start, p);
        }
        if (current != null) {
            assertEquals(null, out.put(current, run.toString()), current + " in two runs");
        }
        return out;
    }

    private static String element(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> Long.toString(r.nextLong());
            case 1 -> Integer.toString(r.nextInt(1000));
            case 2 -> "e".repeat(r.nextInt(70));
            default -> "v" + r.nextInt(100000);
        };
    }

    private static void call(RawConnection c, String... args) throws IOException {
        String reply = c.call(args);
        assertFalse(reply.startsWith("-"), String.join(" ", args) + ": " + reply);
    }

    /** The commands of server's {@code aof/base-setup.txt} (the format is described there). */
    static List<List<String>> setupCommands() throws IOException {
        List<List<String>> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("../server/src/test/resources/aof/base-setup.txt"))) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<String> args = new ArrayList<>();
            for (String t : line.split(" ", -1)) {
                args.add(unescape(t));
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
            char ch = t.charAt(i);
            if (ch == '\\' && i + 1 < t.length()) {
                char n = t.charAt(++i);
                sb.append(n == 's' ? ' ' : n == 'n' ? '\n' : n);
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ servers and files

    private static ServerProcess cinnabar(Path dir, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("--dir", dir.toString(), "--appendonly", "yes", "--save", "",
                "--enable-debug-command", "yes"));
        args.addAll(List.of(more));
        ServerProcess p = ServerProcess.cinnabar(args.toArray(new String[0]));
        ServerLifecycleIT.logWhenReady(p);
        return p;
    }

    private static ServerProcess redis(Path dir, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("--dir", dir.toString(), "--appendonly", "yes",
                "--enable-debug-command", "yes"));
        args.addAll(List.of(more));
        return ServerProcess.redis(args.toArray(new String[0]));
    }

    /** DEBUG DIGEST, once the server has loaded (DEBUG is served while loading). */
    private static String digest(RawConnection c) throws IOException {
        awaitLoaded(c);
        String d = c.call("DEBUG", "DIGEST");
        assertTrue(d.matches("\\+[0-9a-f]{40}\r\n"), d);
        assertFalse(d.equals("+" + "0".repeat(40) + "\r\n"), "an empty dataset");
        return d;
    }

    /**
     * The digest, then what DEBUG DIGEST leaves out of a stream: its groups (XINFO GROUPS) and
     * pending entries (XPENDING's summary), for the streams with groups in db 0.
     */
    private static String state(RawConnection c) throws IOException {
        StringBuilder sb = new StringBuilder(digest(c));
        c.call("SELECT", "0");
        // Functions are outside the digest too.
        sb.append(c.call("FCALL", "f1", "0")).append(c.call("FCALL_RO", "f2", "0"));
        for (String key : List.of("stream", "b:stream")) {
            sb.append(c.call("XINFO", "GROUPS", key));
            for (String group : List.of("g", "g1", "g2", "a-first")) {
                sb.append(c.call("XPENDING", key, group));
            }
        }
        return sb.toString();
    }

    private static void awaitLog(ServerProcess p, String line) {
        for (int i = 0; i < 250 && !p.log().contains(line); i++) {
            sleep(20);
        }
        assertTrue(p.log().contains(line), p.log());
    }

    private static void awaitLoaded(RawConnection c) throws IOException {
        for (int i = 0; i < 1500; i++) {
            if (Waits.field(c.call("INFO", "persistence"), "loading").equals("0")) {
                return;
            }
            sleep(20);
        }
        throw new AssertionError("still loading");
    }

    /** BGREWRITEAOF, then waits for it to end well. */
    private static void rewrite(RawConnection c) throws IOException {
        assertEquals("+Background append only file rewriting started\r\n", c.call("BGREWRITEAOF"));
        awaitRewrite(c);
    }

    private static void awaitRewrite(RawConnection c) throws IOException {
        for (int i = 0; i < 1000; i++) {
            String info = c.call("INFO", "persistence");
            if (Waits.field(info, "aof_rewrite_in_progress").equals("0")
                    && Waits.field(info, "aof_rewrite_scheduled").equals("0")) {
                assertEquals("ok", Waits.field(info, "aof_last_bgrewrite_status"));
                return;
            }
            sleep(20);
        }
        throw new AssertionError("the rewrite did not end");
    }

    /**
     * Redis and Cinnabar each start from a copy of {@code dir}: Redis's digest is the writer's,
     * and both hold the same (digest, stream groups and pending entries).
     */
    private static void assertReadersAgree(Path dir, String writerDigest, String what) throws Exception {
        String redis = readState(dir, true);
        String ours = readState(dir, false);
        assertEquals(writerDigest, redis.substring(0, writerDigest.length()), "Redis started from " + what);
        assertEquals(redis, ours, "Redis and Cinnabar started from " + what);
    }

    private static String readState(Path dir, boolean redis) throws Exception {
        Path copy = Files.createTempDirectory(dir.getParent(), redis ? "redis-reads" : "cinnabar-reads");
        copyTree(dir.resolve(DIR), copy.resolve(DIR));
        try (ServerProcess p = redis ? redis(copy) : cinnabar(copy); RawConnection c = new RawConnection(p.port())) {
            awaitLoaded(c);
            String s = state(c);
            assertTrue(s.contains(":1\r\n$3\r\ntwo\r\n"), "both libraries loaded: " + s);
            awaitLog(p, "DB loaded from append only file");
            return s;
        }
    }

    /** redis-server on a copy of {@code dir}: its DEBUG DIGEST. */
    private static String redisDigestOf(Path dir) throws Exception {
        Path copy = Files.createTempDirectory(dir.getParent(), "redis-reads");
        copyTree(dir.resolve(DIR), copy.resolve(DIR));
        try (ServerProcess redis = redis(copy); RawConnection r = new RawConnection(redis.port())) {
            awaitLoaded(r);
            awaitLog(redis, "DB loaded from append only file");
            return r.call("DEBUG", "DIGEST");
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    /** redis-check-aof on the manifest: exit 0 and every file valid. */
    private static void checkAof(Path dir) throws Exception {
        Process p = new ProcessBuilder(ServerProcess.redisServerBinary().replace("redis-server", "redis-check-aof"),
                dir.resolve(DIR).resolve(MANIFEST).toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("All AOF files and manifest are valid"), out);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
