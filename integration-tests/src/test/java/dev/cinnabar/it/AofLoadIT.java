package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading the AOF against real Redis 7.0.15: directories Redis wrote (RDB preamble or plain
 * base, several incremental files, history, timestamps, the pre-7.0 single file) load into
 * Cinnabar with the same DEBUG DIGEST, and damaged copies (truncated, corrupt, missing files,
 * broken manifests, MULTI without EXEC) are treated as Redis treats them: the same exit code, the
 * same log lines while loading, the same truncation of the file.
 */
class AofLoadIT {
    @TempDir
    Path tmp;

    /** What a server made of a directory: its exit code (0 when it served), its log and digest. */
    record Run(int exit, String log, String digest, List<String> loadingLines) {
    }

    private static List<String> serverCommand(boolean redis, Path socket, Path dir, String... extra) {
        List<String> cmd = new ArrayList<>();
        if (redis) {
            cmd.add(ServerProcess.redisServerBinary());
        } else {
            cmd.addAll(List.of(ServerProcess.javaBinary(), "-jar", ServerProcess.jar()));
        }
        // A Unix socket only: other tests on the machine restart servers on TCP ports, and their
        // clients must not reach these.
        cmd.addAll(List.of("--port", "0", "--unixsocket", socket.toString(), "--dir", dir.toString(), "--save",
                "", "--appendonly", "yes", "--enable-debug-command", "yes"));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    /** Starts a server on {@code dir}: either it exits (refusing), or it loads, digests and shuts down. */
    private Run run(boolean redis, Path dir, String... extra) throws Exception {
        Path socket = Files.createTempDirectory(tmp, "s").resolve("sock");
        Path log = Files.createTempFile(tmp, redis ? "redis" : "cinnabar", ".log");
        Process p = new ProcessBuilder(serverCommand(redis, socket, dir, extra)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).directory(dir.toFile()).start();
        String digest = null;
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                if (!p.isAlive()) {
                    break;
                }
                // Cinnabar may serve a client in the moment between opening its listeners and
                // starting to load: wait for the line that says loading is over.
                if (!Files.exists(socket) || !Files.readString(log, StandardCharsets.UTF_8)
                        .toLowerCase(java.util.Locale.ROOT).contains("ready to accept connections")) {
                    Thread.sleep(20);
                    continue;
                }
                try (RawConnection c = new RawConnection(socket)) {
                    String pong;
                    while ((pong = c.call("PING")).startsWith("-LOADING")) {
                        Thread.sleep(10);
                    }
                    if (!pong.equals("+PONG\r\n")) {
                        break;
                    }
                    digest = c.call("DEBUG", "DIGEST");
                    c.send("SHUTDOWN", "NOSAVE");
                    c.closedByServer();
                    break;
                } catch (IOException notYet) {
                    if (!p.isAlive()) {
                        break;
                    }
                    Thread.sleep(20);
                }
            }
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        return new Run(p.exitValue(), text, p.exitValue() == 0 ? digest : null, loadingLines(text));
    }

    private static final Pattern PREFIX = Pattern.compile("^\\d+:[A-Z] \\d+ \\w+ \\d+ [\\d:.]+ [.\\-*#] ");
    private static final Pattern NOISE = Pattern.compile("Memory overcommit|RDB age|RDB memory usage|Loading RDB produced"
            + "|Opening AOF incr file|Creating AOF|Removing the history file|ready to exit|User requested shutdown"
            + "|Calling fsync|Saving the final|DB saved on disk|Removing the pid file|monotonic clock|Running mode");

    /** The log lines from "Server initialized" to the end, without prefixes, timings and unrelated lines. */
    static List<String> loadingLines(String log) {
        List<String> out = new ArrayList<>();
        boolean on = false;
        for (String raw : log.split("\n", -1)) {
            if (raw.contains("Server initialized")) {
                on = true;
                continue;
            }
            boolean ready = raw.toLowerCase(java.util.Locale.ROOT).contains("ready to accept connections");
            if (!on || ready) {
                if (ready) {
                    on = false;
                }
                continue;
            }
            String l = PREFIX.matcher(raw).replaceFirst("");
            if (l.isEmpty() && !PREFIX.matcher(raw).find()) {
                // the continuation of a multi-line message
                if (raw.isEmpty()) {
                    continue;
                }
            }
            if (NOISE.matcher(l).find()) {
                continue;
            }
            out.add(l.replaceAll("\\d+\\.\\d+ seconds", "N seconds"));
        }
        return out;
    }

    /** Starts real Redis on a fresh directory with {@code args}, runs {@code cmds}, shuts it down. */
    private Path redisWrites(String name, List<String[]> cmds, String... args) throws Exception {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        List<String> all = new ArrayList<>(List.of("--dir", dir.toString(), "--appendonly", "yes",
                "--enable-debug-command", "yes"));
        all.addAll(List.of(args));
        try (ServerProcess redis = ServerProcess.redis(all.toArray(new String[0]));
                RawConnection r = new RawConnection(redis.port())) {
            for (String[] cmd : cmds) {
                if (cmd[0].equals("@wait-rewrite")) {
                    awaitRewrite(r);
                    continue;
                }
                String reply = r.call(cmd);
                assertFalse(reply.startsWith("-"), String.join(" ", cmd) + " -> " + reply);
            }
            r.send("SHUTDOWN");
            r.closedByServer();
        }
        return dir;
    }

    private static void awaitRewrite(RawConnection r) throws Exception {
        for (int i = 0; i < 1000; i++) {
            String info = r.call("INFO", "persistence");
            if (info.contains("aof_rewrite_in_progress:0") && info.contains("aof_rewrite_scheduled:0")) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("rewrite did not end");
    }

    /** Every type, expiry, a transaction, a script's effects, a library, several databases. */
    private static List<String[]> everything(String tag) {
        List<String[]> cmds = new ArrayList<>();
        cmds.add(new String[] {"SET", tag + "s1", "hello"});
        cmds.add(new String[] {"SET", tag + "s2", "12345"});
        cmds.add(new String[] {"SET", tag + "s3", "x".repeat(300)});
        cmds.add(new String[] {"SET", tag + "ttl", "v", "EX", "100000"});
        cmds.add(new String[] {"INCRBYFLOAT", tag + "f", "1.5"});
        cmds.add(new String[] {"RPUSH", tag + "l1", "a", "b", "c", "1", "2", "3"});
        for (int i = 0; i < 150; i++) {
            cmds.add(new String[] {"RPUSH", tag + "l2", "elem-" + i + "-" + "0".repeat(50)});
        }
        cmds.add(new String[] {"LPOP", tag + "l2"});
        cmds.add(new String[] {"SADD", tag + "st1", "1", "2", "3", "4", "5"});
        cmds.add(new String[] {"SADD", tag + "st2", "a", "b", "c", "d"});
        for (int i = 0; i < 300; i++) {
            cmds.add(new String[] {"SADD", tag + "st3", Integer.toString(i)});
        }
        cmds.add(new String[] {"SPOP", tag + "st2"});
        cmds.add(new String[] {"HSET", tag + "h1", "f1", "v1", "f2", "v2", "f3", "3"});
        for (int i = 0; i < 300; i++) {
            cmds.add(new String[] {"HSET", tag + "h2", "f" + i, "v" + i});
        }
        cmds.add(new String[] {"HINCRBYFLOAT", tag + "h1", "f3", "0.25"});
        cmds.add(new String[] {"ZADD", tag + "z1", "1", "a", "2", "b", "3.5", "c"});
        for (int i = 0; i < 200; i++) {
            cmds.add(new String[] {"ZADD", tag + "z2", Integer.toString(i), "m" + i});
        }
        cmds.add(new String[] {"ZINCRBY", tag + "z1", "0.1", "a"});
        cmds.add(new String[] {"XADD", tag + "x1", "1-1", "a", "1", "b", "2"});
        cmds.add(new String[] {"XADD", tag + "x1", "*", "a", "3"});
        cmds.add(new String[] {"XGROUP", "CREATE", tag + "x1", "g1", "0"});
        cmds.add(new String[] {"XREADGROUP", "GROUP", "g1", "c1", "COUNT", "1", "STREAMS", tag + "x1", ">"});
        cmds.add(new String[] {"PFADD", tag + "hll", "a", "b", "c", "d"});
        cmds.add(new String[] {"SETBIT", tag + "bits", "1000", "1"});
        cmds.add(new String[] {"MULTI"});
        cmds.add(new String[] {"INCR", tag + "counter"});
        cmds.add(new String[] {"LPUSH", tag + "l1", "m"});
        cmds.add(new String[] {"EXEC"});
        cmds.add(new String[] {"EVAL", "redis.call('set', KEYS[1], 'lua'); redis.call('expire', KEYS[1], 5000)", "1",
                tag + "lua"});
        cmds.add(new String[] {"SELECT", "5"});
        cmds.add(new String[] {"SET", tag + "other", "db5"});
        cmds.add(new String[] {"HSET", tag + "h5", "a", "b"});
        cmds.add(new String[] {"SELECT", "0"});
        cmds.add(new String[] {"DEL", tag + "s2"});
        cmds.add(new String[] {"PEXPIRE", tag + "s1", "90000000"});
        return cmds;
    }

    private static List<String[]> concat(List<String[]>... lists) {
        List<String[]> all = new ArrayList<>();
        for (List<String[]> l : lists) {
            all.addAll(l);
        }
        return all;
    }

    private static List<String[]> of(String[]... cmds) {
        return new ArrayList<>(Arrays.asList(cmds));
    }

    private Path copy(Path from, String name) throws IOException {
        Path to = tmp.resolve(name);
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else if (!p.getFileName().toString().endsWith(".log")) {
                    Files.copy(p, t);
                }
            }
        }
        return to;
    }

    /** Both servers on copies of {@code dir}: the same outcome, lines and digest; returns Cinnabar's run. */
    private Run sameAsRedis(Path dir, String... extra) throws Exception {
        Path rdir = copy(dir, dir.getFileName() + "-r" + System.nanoTime());
        Path cdir = copy(dir, dir.getFileName() + "-c" + System.nanoTime());
        Run redis = run(true, rdir, extra);
        Run ours = run(false, cdir, extra);
        assertEquals(redis.exit(), ours.exit(), "exit code; Redis:\n" + redis.log() + "\nCinnabar:\n" + ours.log());
        assertEquals(redis.loadingLines(), ours.loadingLines(), "log while loading; Redis:\n" + redis.log()
                + "\nCinnabar:\n" + ours.log());
        assertEquals(redis.digest(), ours.digest(), "DEBUG DIGEST");
        if (redis.exit() == 0) {
            assertTrue(ours.digest() != null && ours.digest().startsWith("+"), ours.log());
        }
        // the same files, cut the same way (the servers may have added an incr file after loading)
        Path rd = rdir.resolve("appendonlydir");
        Path cd = cdir.resolve("appendonlydir");
        if (Files.isDirectory(dir.resolve("appendonlydir"))) {
            try (Stream<Path> s = Files.list(dir.resolve("appendonlydir"))) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    Path name = p.getFileName();
                    if (Files.exists(rd.resolve(name)) && !name.toString().endsWith(".manifest")) {
                        assertEquals(Files.size(rd.resolve(name)), Files.size(cd.resolve(name)), "size of " + name);
                    }
                }
            }
        }
        return ours;
    }

    private static Path incr(Path dir, int n) {
        return dir.resolve("appendonlydir").resolve("appendonly.aof." + n + ".incr.aof");
    }

    // ------------------------------------------------------------------ directories Redis wrote

    @Test
    void preambleBaseAndIncr() throws Exception {
        Path dir = redisWrites("pre", concat(everything("a:"), of(new String[] {"BGREWRITEAOF"},
                new String[] {"@wait-rewrite"}), everything("b:"),
                of(new String[] {"FUNCTION", "LOAD", "#!lua name=lib1\nredis.register_function('f1', function() return 1 end)"})),
                "--aof-timestamp-enabled", "yes");
        assertTrue(Files.exists(dir.resolve("appendonlydir/appendonly.aof.2.base.rdb")));
        Run ours = sameAsRedis(dir);
        assertTrue(ours.log().contains("DB loaded from append only file"), ours.log());
    }

    @Test
    void plainBaseAndIncr() throws Exception {
        Path dir = redisWrites("plain", concat(everything("a:"),
                of(new String[] {"FUNCTION", "LOAD", "#!lua name=lib1\nredis.register_function('f1', function() return 1 end)"},
                        new String[] {"BGREWRITEAOF"}, new String[] {"@wait-rewrite"}), everything("b:")),
                "--aof-use-rdb-preamble", "no");
        assertTrue(Files.exists(dir.resolve("appendonlydir/appendonly.aof.2.base.aof")));
        sameAsRedis(dir);
    }

    @Test
    void severalIncrsAndHistory() throws Exception {
        // A finished rewrite with auto-gc off leaves history; rewrites killed by SHUTDOWN leave
        // their new incr files in the manifest.
        Path dir = redisWrites("several", concat(everything("a:"), of(new String[] {"BGREWRITEAOF"},
                new String[] {"@wait-rewrite"}), everything("b:"), of(new String[] {"CONFIG", "SET", "rdb-key-save-delay",
                        "1000000"}, new String[] {"BGREWRITEAOF"}), everything("c:")), "--aof-disable-auto-gc", "yes");
        String[] more = {"--dir", dir.toString(), "--appendonly", "yes", "--aof-disable-auto-gc", "yes",
            "--rdb-key-save-delay", "1000000"};
        try (ServerProcess redis = ServerProcess.redis(more); RawConnection r = new RawConnection(redis.port())) {
            while (r.call("PING").startsWith("-LOADING")) {
                Thread.sleep(10);
            }
            assertEquals("+Background append only file rewriting started\r\n", r.call("BGREWRITEAOF"));
            for (String[] cmd : everything("d:")) {
                r.call(cmd);
            }
            r.send("SHUTDOWN");
            r.closedByServer();
        }
        String manifest = Files.readString(dir.resolve("appendonlydir/appendonly.aof.manifest"));
        assertTrue(manifest.contains("type h") && manifest.split("type i").length >= 4, manifest);
        sameAsRedis(dir, "--aof-disable-auto-gc", "yes");
    }

    @Test
    void legacySingleFiles() throws Exception {
        Path dir = redisWrites("legacy-src", everything("a:"), "--aof-use-rdb-preamble", "no");
        // A pre-7.0 appendonly.aof of commands
        Path plain = tmp.resolve("legacy-plain");
        Files.createDirectories(plain);
        Files.copy(incr(dir, 1), plain.resolve("appendonly.aof"));
        Run ours = sameAsRedis(plain);
        assertTrue(ours.log().contains("Successfully migrated an old-style AOF file (appendonly.aof) into the AOF directory"
                + " (appendonlydir)."), ours.log());
        // One with an RDB preamble: the snapshot, then commands
        Path pre = redisWrites("legacy-src2", concat(everything("a:"), of(new String[] {"BGREWRITEAOF"},
                new String[] {"@wait-rewrite"}), everything("b:")));
        Path preamble = tmp.resolve("legacy-preamble");
        Files.createDirectories(preamble);
        byte[] rdb = Files.readAllBytes(pre.resolve("appendonlydir/appendonly.aof.2.base.rdb"));
        byte[] cmds = Files.readAllBytes(incr(pre, 2));
        byte[] both = Arrays.copyOf(rdb, rdb.length + cmds.length);
        System.arraycopy(cmds, 0, both, rdb.length, cmds.length);
        Files.write(preamble.resolve("appendonly.aof"), both);
        ours = sameAsRedis(preamble);
        assertTrue(ours.log().contains("Reading RDB preamble from AOF file..."), ours.log());
        // and its tail cut inside the first command
        Files.write(preamble.resolve("appendonly.aof"), Arrays.copyOf(both, rdb.length + 10));
        Run r = run(false, copy(preamble, "legacy-cut"));
        assertEquals(0, r.exit(), r.log());
    }

    // ------------------------------------------------------------------ damaged directories

    private Path simple(String name) throws Exception {
        return redisWrites(name, concat(everything("a:"), of(new String[] {"BGREWRITEAOF"}, new String[] {"@wait-rewrite"}),
                everything("b:")), "--aof-use-rdb-preamble", "no");
    }

    private static List<String[]> withoutStreams(List<String[]> cmds) {
        List<String[]> out = new ArrayList<>();
        for (String[] c : cmds) {
            if (!c[0].startsWith("X")) {
                out.add(c);
            }
        }
        return out;
    }

    private static void cut(Path file, long by) throws IOException {
        byte[] b = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(b, (int) (b.length - by)));
    }

    @Test
    void truncatedLastIncr() throws Exception {
        Path dir = simple("trunc");
        cut(incr(dir, 2), 7);
        Run ours = sameAsRedis(dir);
        assertTrue(ours.log().contains("loaded anyway because aof-load-truncated is enabled"), ours.log());
        sameAsRedis(dir, "--aof-load-truncated", "no");
    }

    @Test
    void multiWithoutExecAtTheEnd() throws Exception {
        Path dir = simple("multi");
        Files.write(incr(dir, 2), "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nq\r\n$1\r\n1\r\n"
                .getBytes(StandardCharsets.US_ASCII), java.nio.file.StandardOpenOption.APPEND);
        Run ours = sameAsRedis(dir);
        assertTrue(ours.log().contains("Revert incomplete MULTI/EXEC transaction"), ours.log());
    }

    /**
     * A tail cut inside a transaction goes back to before its MULTI, so that the writes after
     * the restart do not follow a MULTI without EXEC (Redis 7.0.15 cuts after the last whole
     * command inside it, and loses those writes at the next start).
     */
    @Test
    void aTailCutInsideATransactionGoesBackToItsMulti() throws Exception {
        Path dir = simple("multi-cut");
        long before = Files.size(incr(dir, 2));
        Files.write(incr(dir, 2), "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nq\r\n$1\r\n1\r\n*2\r\n$4\r\nIN"
                .getBytes(StandardCharsets.US_ASCII), java.nio.file.StandardOpenOption.APPEND);
        Run ours = run(false, dir);
        assertEquals(0, ours.exit(), ours.log());
        assertTrue(ours.log().contains("!!! Truncating the AOF appendonly.aof.2.incr.aof at offset " + before + " !!!"),
                ours.log());
        assertEquals(before, Files.size(incr(dir, 2)));
        AofCrashIT.checkAof(dir);
    }

    @Test
    void corruptMiddle() throws Exception {
        Path dir = simple("corrupt");
        byte[] b = Files.readAllBytes(incr(dir, 2));
        int at = b.length / 2;
        while (b[at] != '*' || b[at - 1] != '\n') {
            at++;
        }
        b[at] = '!';
        Files.write(incr(dir, 2), b);
        Run ours = sameAsRedis(dir);
        assertEquals(1, ours.exit());
        assertTrue(ours.log().contains("Bad file format reading the append only file appendonly.aof.2.incr.aof"), ours.log());
    }

    @Test
    void truncatedFileThatIsNotTheLast() throws Exception {
        Path dir = simple("notlast");
        cut(dir.resolve("appendonlydir/appendonly.aof.2.base.aof"), 5);
        Run ours = sameAsRedis(dir);
        assertEquals(1, ours.exit());
    }

    @Test
    void unknownCommand() throws Exception {
        Path dir = simple("unknown");
        Files.write(incr(dir, 2), "*1\r\n$7\r\nNOSUCHC\r\n".getBytes(StandardCharsets.US_ASCII),
                java.nio.file.StandardOpenOption.APPEND);
        assertEquals(1, sameAsRedis(dir).exit());
    }

    @Test
    void missingFileNamedInTheManifest() throws Exception {
        Path dir = simple("missing");
        Files.delete(dir.resolve("appendonlydir/appendonly.aof.2.base.aof"));
        assertEquals(1, sameAsRedis(dir).exit());
    }

    @Test
    void brokenManifests() throws Exception {
        Path dir = simple("manifest");
        Path m = dir.resolve("appendonlydir/appendonly.aof.manifest");
        String good = Files.readString(m);
        for (String bad : new String[] {"", "file x seq 1 type z\n", good + "file x seq 0 type i\n",
                good + "\n", "file a/b seq 1 type b\n", good + "file appendonly.aof.1.incr.aof seq 1 type i\n",
                "x".repeat(2000) + "\n", good.replace("type b", "type b\nfile y seq 9 type b")}) {
            Files.writeString(m, bad);
            Run ours = sameAsRedis(dir);
            assertEquals(1, ours.exit(), bad);
        }
    }

    @Test
    void emptyFiles() throws Exception {
        Path dir = simple("empty");
        Files.write(incr(dir, 2), new byte[0]);
        sameAsRedis(dir);
        Files.write(dir.resolve("appendonlydir/appendonly.aof.2.base.aof"), new byte[0]);
        sameAsRedis(dir);
    }

    @Test
    void truncatedRdbBase() throws Exception {
        // Without streams: where a cut lands depends on Redis's randomly seeded key order, and
        // Redis names each short read inside a stream with a message of its own, which the
        // reader here does not copy (it logs Redis's generic "Unexpected EOF" line there).
        Path dir = redisWrites("rdbcut", concat(withoutStreams(everything("a:")), of(new String[] {"BGREWRITEAOF"},
                new String[] {"@wait-rewrite"}), withoutStreams(everything("b:"))));
        Path base = dir.resolve("appendonlydir/appendonly.aof.2.base.rdb");
        cut(base, 100);
        assertEquals(1, sameAsRedis(dir).exit());
        // a corrupt checksum
        Path dir2 = redisWrites("rdbcrc", concat(everything("a:"), of(new String[] {"BGREWRITEAOF"},
                new String[] {"@wait-rewrite"})));
        Path base2 = dir2.resolve("appendonlydir/appendonly.aof.2.base.rdb");
        byte[] b = Files.readAllBytes(base2);
        b[b.length - 2] ^= 1;
        Files.write(base2, b);
        assertEquals(1, sameAsRedis(dir2).exit());
        // a version this server cannot read
        b[b.length - 2] ^= 1;
        b[5] = '0';
        b[6] = '0';
        b[7] = '9';
        b[8] = '9';
        Files.write(base2, b);
        Run ours = sameAsRedis(dir2);
        assertTrue(ours.log().contains("Can't handle RDB format version 99"), ours.log());
    }

    private static String resp(String... args) {
        StringBuilder sb = new StringBuilder("*" + args.length + "\r\n");
        for (String a : args) {
            sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString();
    }

    @Test
    void nothingExpiresWhileLoading() throws Exception {
        // A key whose time passed is still there for the commands after it, as in Redis
        Path dir = tmp.resolve("expiry");
        Files.createDirectories(dir.resolve("appendonlydir"));
        Files.writeString(dir.resolve("appendonlydir/appendonly.aof.manifest"), "file appendonly.aof.1.incr.aof seq 1 type i\n");
        Files.writeString(incr(dir, 1), resp("SELECT", "0") + "#TS:1700000000\r\n" + resp("SET", "k", "v", "PXAT", "1000")
                + resp("APPEND", "k", "x") + resp("PERSIST", "k")
                + resp("MULTI") + resp("INCR", "n") + resp("EXEC") + resp("SELECT", "3") + resp("RPUSH", "l", "a"));
        Run ours = sameAsRedis(dir);
        assertFalse(ours.digest().equals("+0000000000000000000000000000000000000000\r\n"), ours.log());
    }

    @Test
    void aTimeAlreadyPastSetsTheTtlWhileLoading() throws Exception {
        // Redis's checkAlreadyExpired: while loading, EXPIRE, PEXPIREAT, GETEX and RESTORE with
        // a past time set it rather than delete, so the writes after them find the key (the
        // PERSISTs keep the outcome clear of the expiry cycle that follows the load).
        Path dir = tmp.resolve("past");
        Files.createDirectories(dir.resolve("appendonlydir"));
        Files.writeString(dir.resolve("appendonlydir/appendonly.aof.manifest"), "file appendonly.aof.1.incr.aof seq 1 type i\n");
        Files.writeString(incr(dir, 1), resp("SELECT", "0")
                + resp("RPUSH", "list", "foo") + resp("PEXPIREAT", "list", "1000") + resp("RPUSH", "list", "bar")
                + resp("PERSIST", "list")
                + resp("SET", "s", "v") + resp("EXPIRE", "s", "-1") + resp("APPEND", "s", "w") + resp("PERSIST", "s")
                + resp("SET", "g", "v") + resp("GETEX", "g", "PXAT", "1000") + resp("APPEND", "g", "w")
                + resp("PERSIST", "g")
                + resp("SADD", "h", "a") + resp("EXPIREAT", "h", "1") + resp("SADD", "h", "b") + resp("PERSIST", "h"));
        Run ours = sameAsRedis(dir);
        assertFalse(ours.digest().equals("+0000000000000000000000000000000000000000\r\n"), ours.log());
    }

    // ------------------------------------------------------------------ DEBUG LOADAOF and -LOADING

    @Test
    void debugLoadAofWithoutAnAofEndsTheServerAsRedisDoes() throws Exception {
        for (boolean redis : new boolean[] {true, false}) {
            Path dir = Files.createDirectories(tmp.resolve("noaof-" + redis));
            String[] args = {"--dir", dir.toString(), "--enable-debug-command", "yes", "--save", ""};
            try (ServerProcess s = redis ? ServerProcess.redis(args) : ServerProcess.cinnabar(args);
                    RawConnection c = new RawConnection(s.port())) {
                assertEquals("+OK\r\n", c.call("SET", "a", "1"));
                c.send("DEBUG", "LOADAOF");
                assertTrue(c.closedByServer());
                assertTrue(s.process().waitFor(20, TimeUnit.SECONDS));
                assertEquals(1, s.process().exitValue(), s.log());
                assertFalse(s.log().contains("Can't"), s.log());
            }
        }
    }

    @Test
    void debugLoadAofAndLoadingReplies() throws Exception {
        Path dir = simple("debug");
        String digest = run(true, copy(dir, "debug-r")).digest();
        Path cdir = copy(dir, "debug-c");
        try (ServerProcess ours = ServerProcess.cinnabar("--dir", cdir.toString(), "--appendonly", "yes",
                "--enable-debug-command", "yes", "--save", "", "--key-load-delay", "300");
                RawConnection c = new RawConnection(ours.port())) {
            assertEquals("-LOADING Redis is loading the dataset in memory\r\n", c.call("GET", "a:s1"));
            assertTrue(c.call("INFO", "persistence").contains("loading:1\r\n"));
            while (c.call("PING").startsWith("-LOADING")) {
                Thread.sleep(10);
            }
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "key-load-delay", "0"));
            assertEquals("+OK\r\n", c.call("DEBUG", "LOADAOF"));
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
            assertTrue(ours.log().contains("Append Only File loaded by DEBUG LOADAOF"), ours.log());
            // What was written since is in the AOF and comes back; replaying appends nothing.
            assertEquals("+OK\r\n", c.call("SET", "after", "1"));
            assertEquals(":1\r\n", c.call("DEL", "a:s1"));
            String changed = c.call("DEBUG", "DIGEST");
            // An everysec fsync still running postpones the write of the DEL past its reply (as in
            // Redis), so the size is taken after a LOADAOF, which flushes before it loads.
            assertEquals("+OK\r\n", c.call("DEBUG", "LOADAOF"));
            assertEquals(changed, c.call("DEBUG", "DIGEST"));
            String written = Files.readString(incr(cdir, 2), StandardCharsets.ISO_8859_1);
            assertTrue(written.endsWith("*2\r\n$3\r\nDEL\r\n$4\r\na:s1\r\n"), written);
            long size = written.length();
            assertEquals("+OK\r\n", c.call("DEBUG", "LOADAOF"));
            assertEquals(changed, c.call("DEBUG", "DIGEST"));
            assertEquals(size, Files.size(incr(cdir, 2)));
            assertTrue(c.call("INFO", "persistence").contains("rdb_changes_since_last_save:0\r\n"));
            digest = changed;
        }
        // and a restart agrees
        assertEquals(digest, run(false, cdir).digest());
    }

    @Test
    void aSlowScriptInTheAofRunsToItsEndWhileClientsGetLoading() throws Exception {
        // Redis's tests/integration/aof.tcl, "EVAL timeout with slow verbatim Lua script from
        // AOF": past busy-reply-threshold the script serves the sockets, inside the load, so
        // clients get -LOADING (not -BUSY), and it runs to its end.
        Path dir = tmp.resolve("slow-script");
        Files.createDirectories(dir.resolve("appendonlydir"));
        Files.writeString(dir.resolve("appendonlydir/appendonly.aof.manifest"), "file appendonly.aof.1.incr.aof seq 1 type i\n");
        Files.writeString(incr(dir, 1), resp("SELECT", "9") + resp("EVAL", "redis.call('set', KEYS[1], 'y') "
                + "for i = 1, 1500000 do redis.call('ping') end redis.call('set', 'done', 'yes')", "1", "x"));
        try (ServerProcess ours = ServerProcess.cinnabar("--dir", dir.toString(), "--appendonly", "yes",
                "--enable-debug-command", "yes", "--save", "", "--lua-time-limit", "1", "--aof-use-rdb-preamble", "no");
                RawConnection c = new RawConnection(ours.port()); RawConnection loader = new RawConnection(ours.port())) {
            ours.awaitReady(60_000);
            assertEquals("*2\r\n$1\r\ny\r\n$3\r\nyes\r\n", c.call("EVAL",
                    "redis.call('select', 9) return redis.call('mget', 'x', 'done')", "0"), "loaded at start");
            loader.send("DEBUG", "LOADAOF");
            String reply = c.call("PING");
            for (int i = 0; i < 500 && reply.equals("+PONG\r\n"); i++) {
                Thread.sleep(2);
                reply = c.call("PING");
            }
            assertEquals("-LOADING Redis is loading the dataset in memory\r\n", reply);
            loader.timeout(60_000);
            assertEquals("+OK\r\n", loader.readReply());
            assertEquals("*2\r\n$1\r\ny\r\n$3\r\nyes\r\n", c.call("EVAL",
                    "redis.call('select', 9) return redis.call('mget', 'x', 'done')", "0"), "loaded by DEBUG LOADAOF");
            assertTrue(ours.log().contains("Slow script detected"), ours.log());
        }
    }

    /**
     * Redis's tests/integration/aof.tcl, "EVAL can process writes from AOF in read-only
     * replicas": the AOF is obeyed as a master's stream is, so a read-only replica (whose master
     * is not even there) replays the writes of the scripts in it.
     */
    @Test
    void aReadOnlyReplicaReplaysTheScriptsOfItsAof() throws Exception {
        Path dir = tmp.resolve("replica-scripts");
        Files.createDirectories(dir.resolve("appendonlydir"));
        Files.writeString(dir.resolve("appendonlydir/appendonly.aof.manifest"), "file appendonly.aof.1.incr.aof seq 1 type i\n");
        Files.writeString(incr(dir, 1), resp("SELECT", "9") + resp("EVAL", "redis.call('set', KEYS[1], '100')", "1", "foo")
                + resp("EVAL", "redis.call('incr', KEYS[1])", "1", "foo")
                + resp("EVAL", "#!lua\nredis.call('incr', KEYS[1])", "1", "foo"));
        try (ServerProcess ours = ServerProcess.cinnabar("--dir", dir.toString(), "--appendonly", "yes", "--save", "",
                "--replica-read-only", "yes", "--replicaof", "127.0.0.1", "0");
                RawConnection c = new RawConnection(ours.port())) {
            ours.awaitReady(60_000);
            assertEquals("+OK\r\n", c.call("SELECT", "9"));
            assertEquals("$3\r\n102\r\n", c.call("GET", "foo"));
            assertTrue(c.call("EVAL", "redis.call('incr', KEYS[1])", "1", "foo").startsWith("-READONLY"),
                    "a client of the replica is still refused");
        }
    }

    /**
     * An approximate trim goes into the AOF as Redis writes it, an exact one with the caller's
     * LIMIT still there (XADD s MAXLEN = 71 LIMIT 30 ...); replayed, it trims exactly and with no
     * limit, whatever the node size is by then (Redis's tests/unit/type/stream.tcl).
     */
    @Test
    void approximateTrimsReplayAsTheyCameOut() throws Exception {
        for (boolean redis : new boolean[] {true, false}) {
            Path dir = Files.createDirectories(tmp.resolve("trim-" + redis));
            String[] args = {"--dir", dir.toString(), "--appendonly", "yes", "--stream-node-max-entries", "10",
                "--enable-debug-command", "yes", "--save", ""};
            try (ServerProcess s = redis ? ServerProcess.redis(args) : ServerProcess.cinnabar(args);
                    RawConnection c = new RawConnection(s.port())) {
                for (int j = 1; j <= 100; j++) {
                    c.call("XADD", "maxlen", "*", "f", "v");
                    c.call("XADD", "minid", String.valueOf(j), "f", "v");
                }
                c.call("XADD", "maxlen", "MAXLEN", "~", "55", "LIMIT", "30", "*", "f", "v");
                c.call("XADD", "minid", "MINID", "~", "55", "LIMIT", "30", "*", "f", "v");
                c.call("XTRIM", "maxlen", "MAXLEN", "~", "20", "LIMIT", "20");
                String before = c.call("XLEN", "maxlen") + c.call("XLEN", "minid");
                assertEquals(":51\r\n:71\r\n", before, (redis ? "redis" : "cinnabar"));
                assertEquals("+OK\r\n", c.call("CONFIG", "SET", "stream-node-max-entries", "1"));
                assertEquals("+OK\r\n", c.call("DEBUG", "LOADAOF"));
                assertEquals(before, c.call("XLEN", "maxlen") + c.call("XLEN", "minid"), s.log());
            }
        }
    }
}
