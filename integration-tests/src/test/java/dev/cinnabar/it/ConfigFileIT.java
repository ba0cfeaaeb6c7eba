package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.Replies;
import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built JAR with config files and command lines, next to redis-server given the same ones:
 * what loads, what fails and how, and what CONFIG REWRITE leaves in the file.
 */
class ConfigFileIT {
    @TempDir
    Path tmp;

    /** A process run to its end: exit status and both output streams. */
    record Exit(int status, String stdout, String stderr) {
    }

    static Exit run(List<String> command, Path dir, String stdin) throws IOException, InterruptedException {
        Path out = Files.createTempFile("out", ".txt");
        Path err = Files.createTempFile("err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.ISO_8859_1));
        }
        p.getOutputStream().close();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not exit: " + Files.readString(out));
        }
        return new Exit(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                Files.readString(err, StandardCharsets.ISO_8859_1));
    }

    static List<String> cinnabar(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ServerProcess.javaBinary(), "-jar", ServerProcess.jar()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static List<String> redis(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ServerProcess.redisServerBinary()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static Map<String, String> configGet(int port, String... patterns) throws IOException {
        try (RawConnection c = new RawConnection(port)) {
            List<String> args = new ArrayList<>(List.of("CONFIG", "GET"));
            args.addAll(List.of(patterns));
            List<String> e = Replies.elements(c.call(args.toArray(new String[0])));
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i + 1 < e.size(); i += 2) {
                m.put(bulk(e.get(i)), bulk(e.get(i + 1)));
            }
            return m;
        }
    }

    private static String bulk(String raw) {
        return raw.substring(raw.indexOf("\r\n") + 2, raw.length() - 2);
    }

    @Test
    void badDirectiveFailsLikeRedis() throws Exception {
        Path conf = tmp.resolve("bad.conf");
        Files.writeString(conf, "port 7000\nfoo bar\n");
        Exit c = run(cinnabar(conf.toString()), tmp, null);
        Exit r = run(redis(conf.toString()), tmp, null);
        assertEquals(1, c.status());
        assertEquals("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n"
                + ">>> 'foo bar'\nBad directive or wrong number of arguments\n", c.stderr());
        assertEquals(r.stderr(), c.stderr());
        assertEquals("", c.stdout());
    }

    @Test
    void badCommandLineValuesFailLikeRedis() throws Exception {
        Path conf = tmp.resolve("ok.conf");
        Files.writeString(conf, "hz 5\n");
        List<List<String>> cases = List.of(
                List.of("--port", "abc"),
                List.of("--port", "70000"),
                List.of("--port"),
                List.of(conf.toString(), "--maxmemory", "1x"),
                List.of(conf.toString(), "--save", "--port", "x"),
                List.of(conf.toString(), "--save", "{}"),
                List.of(conf.toString(), "--save", "", ""),
                List.of(conf.toString(), "--save", "3 3", "4", "4"),
                List.of("--bind", "127.0.0.1", "--logfile", tmp.resolve("no/such/dir.log").toString()),
                List.of("--nosuchdirective", "1"),
                List.of("--requirepass", "a\"b\n", "--loglevel", "loud"));
        for (List<String> args : cases) {
            Exit c = run(cinnabar(args.toArray(new String[0])), tmp, null);
            Exit r = run(redis(args.toArray(new String[0])), tmp, null);
            assertEquals(1, c.status(), args.toString());
            assertEquals(r.stderr(), c.stderr(), args.toString());
        }
    }

    @Test
    void unreadableConfigFileIsLogged() throws Exception {
        Exit c = run(cinnabar("/nonexistent/cinnabar.conf"), tmp, null);
        assertEquals(1, c.status());
        assertTrue(c.stdout().contains("# Fatal error, can't open config file '/nonexistent/cinnabar.conf': "
                + "No such file or directory"), c.stdout());
    }

    @Test
    void helpAndVersion() throws Exception {
        for (String flag : List.of("--help", "-h")) {
            Exit c = run(cinnabar(flag), tmp, null);
            assertEquals(0, c.status());
            assertTrue(c.stdout().startsWith("Usage: java -jar cinnabar-server.jar [configfile | -] [--directive value ...]"),
                    c.stdout());
            assertTrue(c.stdout().contains("--version"));
        }
        for (String flag : List.of("--version", "-v")) {
            Exit c = run(cinnabar(flag), tmp, null);
            assertEquals(0, c.status());
            assertTrue(c.stdout().matches("Cinnabar server v=\\S+ redis_version=7\\.0\\.15 bits=64 java=\\S+\n"), c.stdout());
        }
    }

    @Test
    void fileThenOptionsLikeRedis() throws Exception {
        Path conf = tmp.resolve("c.conf");
        Files.createDirectories(tmp.resolve("conf.d"));
        Files.writeString(tmp.resolve("conf.d/10-memory.conf"), "maxmemory 10mb\nmaxmemory-policy allkeys-lru\n");
        Files.writeString(tmp.resolve("conf.d/20-more.conf"), "maxmemory 20mb\n");
        Files.writeString(conf, "hz 20\nsave 900 1\n  # a comment\ninclude " + tmp.resolve("conf.d/*.conf")
                + "\ninclude " + tmp.resolve("empty.d/*.conf") + "\nslave-read-only no\ntimeout 5\n");
        String[] patterns = {"hz", "save", "maxmemory", "maxmemory-policy", "replica-read-only", "timeout", "maxclients"};
        int redisPort = ServerProcess.freePort();
        try (ServerProcess c = ServerProcess.cinnabar(conf.toString(), "--maxclients", "100", "--save", "60", "5",
                "--timeout", "7");
                ServerProcess r = ServerProcess.start("redis", redis(conf.toString(), "--port", Integer.toString(redisPort),
                        "--maxclients", "100", "--save", "60", "5", "--timeout", "7"), redisPort)) {
            Map<String, String> expected = configGet(r.port(), patterns);
            assertEquals("60 5", expected.get("save"), "after an include, save lines replace each other");
            assertEquals(expected, configGet(c.port(), patterns));
            assertTrue(c.log().contains("Configuration loaded"), c.log());
        }
    }

    @Test
    void configFromStandardInput() throws Exception {
        int port = ServerProcess.freePort();
        ProcessBuilder pb = new ProcessBuilder(cinnabar("-", "--port", Integer.toString(port)))
                .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(tmp.resolve("log").toFile());
        Process p = pb.start();
        p.getOutputStream().write("hz 42\nmaxclients 77\n".getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        try {
            awaitPort(p, port);
            assertEquals(Map.of("hz", "42", "maxclients", "77"), Map.copyOf(configGet(port, "hz", "maxclients")));
            assertTrue(Files.readString(tmp.resolve("log")).contains("# Reading config from stdin"));
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static void awaitPort(Process p, int port) throws Exception {
        for (int i = 0; i < 1000; i++) {
            if (!p.isAlive()) {
                throw new AssertionError("exited with " + p.exitValue());
            }
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new AssertionError("never listened on " + port);
    }

    @Test
    void debiansStockConfigRunsWithOverrides() throws Exception {
        Path conf = tmp.resolve("redis.conf");
        Files.copy(Path.of("/etc/redis/redis.conf"), conf);
        Path pid = tmp.resolve("p");
        try (ServerProcess s = ServerProcess.cinnabar(conf.toString(), "--logfile", "", "--dir", tmp.toString(),
                "--pidfile", pid.toString(), "--daemonize", "no")) {
            Map<String, String> m = configGet(s.port(), "bind", "daemonize", "dir", "pidfile", "logfile", "loglevel",
                    "protected-mode", "databases", "client-output-buffer-limit");
            assertEquals("127.0.0.1 -::1", m.get("bind"));
            assertEquals("no", m.get("daemonize"));
            assertEquals(tmp.toRealPath().toString(), m.get("dir"));
            assertEquals(pid.toString(), m.get("pidfile"));
            assertEquals("", m.get("logfile"));
            assertEquals("normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
                    m.get("client-output-buffer-limit"));
            assertEquals(s.pid() + "\n", Files.readString(pid));
            assertFalse(s.log().contains("not in effect"), s.log());
        }
    }

    @Test
    void daemonizeYesWarnsAndStaysInTheForeground() throws Exception {
        try (ServerProcess s = ServerProcess.cinnabar("--daemonize", "yes");
                RawConnection c = new RawConnection(s.port())) {
            assertEquals("+PONG\r\n", c.call("PING"));
            assertTrue(s.process().isAlive());
            assertTrue(s.log().contains("daemonize yes is not supported"), s.log());
        }
    }

    @Test
    void unsupportedSettingsAreNamedOnceAtStart() throws Exception {
        // The AOF's and the replication's directives are in effect: not named; sockets get no
        // firewall mark (socket-mark-id).
        try (ServerProcess s = ServerProcess.cinnabar("--appendonly", "yes", "--appendfsync", "always",
                "--replica-serve-stale-data", "no", "--repl-diskless-load", "swapdb", "--hz", "20",
                "--jemalloc-bg-thread", "no", "--socket-mark-id", "7000")) {
            List<String> warnings = s.log().lines().filter(l -> l.contains("not in effect")).toList();
            assertEquals(1, warnings.size(), s.log());
            assertTrue(warnings.get(0).endsWith("# WARNING: these directives are accepted but not in effect in Cinnabar "
                    + "yet: socket-mark-id"), warnings.get(0));
        }
    }

    @Test
    void timeoutClosesIdleClients() throws Exception {
        try (ServerProcess s = ServerProcess.cinnabar("--timeout", "1");
                RawConnection idle = new RawConnection(s.port())) {
            assertEquals("+PONG\r\n", idle.call("PING"));
            idle.timeout(10_000);
            assertTrue(idle.closedByServer());
        }
    }

    @Test
    void rewriteLeavesTheSameFileAsRedis() throws Exception {
        String original = "# my settings\nport 6379\nsave \"\"\n  save 100 10  \nslave-read-only yes\n"
                + "hash-max-ziplist-entries 100\nrename-command FLUSHDB \"\"\nhz 10\nmaxmemory 5mb\n\n\n"
                + "client-output-buffer-limit pubsub 32mb 8mb 60\nbind 127.0.0.1\n";
        String[] set = {"CONFIG", "SET", "hz", "20", "maxmemory", "10mb", "timeout", "5", "notify-keyspace-events", "Ex",
            "client-output-buffer-limit", "normal 1mb 0 0", "hash-max-listpack-entries", "512", "maxmemory-clients", "5%",
            "slave-priority", "5", "save", "60 1", "replica-announce-ip", "a b"};
        List<String> files = new ArrayList<>();
        for (String server : List.of("redis", "cinnabar")) {
            Path dir = Files.createDirectories(tmp.resolve(server));
            Path conf = dir.resolve("r.conf");
            Files.writeString(conf, original + "dir " + dir + "\n");
            int port = ServerProcess.freePort();
            List<String> cmd = server.equals("redis") ? redis(conf.toString(), "--port", Integer.toString(port))
                    : cinnabar(conf.toString(), "--port", Integer.toString(port));
            try (ServerProcess s = ServerProcess.start(server, cmd, port); RawConnection c = new RawConnection(port)) {
                assertEquals("+OK\r\n", c.call(set));
                assertEquals("+OK\r\n", c.call("CONFIG", "REWRITE"));
            }
            files.add(Files.readString(conf).replace(dir.toString(), "DIR").replace("port " + port, "port PORT"));
        }
        String[] redis = files.get(0).split("# Generated by CONFIG REWRITE\n", 2);
        String[] ours = files.get(1).split("# Generated by CONFIG REWRITE\n", 2);
        assertEquals(redis[0], ours[0]);
        // Redis appends new lines in the order of its hash table: compare them as a set.
        assertEquals(new HashSet<>(Arrays.asList(redis[1].split("\n"))), new HashSet<>(Arrays.asList(ours[1].split("\n"))));
    }

    @Test
    void renameCommandLikeRedis() throws Exception {
        Path conf = tmp.resolve("rename.conf");
        Files.writeString(conf, "rename-command CONFIG cfg\nrename-command flushall \"\"\n");
        int redisPort = ServerProcess.freePort();
        try (ServerProcess c = ServerProcess.cinnabar(conf.toString());
                ServerProcess r = ServerProcess.start("redis", redis(conf.toString(), "--port", Integer.toString(redisPort)),
                        redisPort);
                RawConnection rc = new RawConnection(r.port()); RawConnection cc = new RawConnection(c.port())) {
            List<String[]> commands = List.of(new String[] {"CONFIG", "GET", "hz"}, new String[] {"cfg", "GET", "hz"},
                    new String[] {"CFG", "SET", "hz", "x"}, new String[] {"cfg"}, new String[] {"FLUSHALL"},
                    new String[] {"cfg", "nosuch"});
            for (String[] cmd : commands) {
                assertEquals(rc.call(cmd), cc.call(cmd), String.join(" ", cmd));
            }
        }
    }
}
