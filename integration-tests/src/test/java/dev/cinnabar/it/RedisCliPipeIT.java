package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.RedisCli;
import dev.cinnabar.it.support.ServerPair;
import dev.cinnabar.it.support.ServerProcess;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * redis-cli used non-interactively against the built JAR: mass insertion with --pipe, commands
 * from arguments and from standard input, RESP3, SCAN iteration and the Unix socket. Where the
 * output depends on nothing but the server, it is compared with redis-cli against redis-server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisCliPipeIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair();


    private static String port(ServerProcess s) {
        return Integer.toString(s.port());
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private void flushBoth() throws IOException {
        for (ServerProcess s : new ServerProcess[] {SERVERS.redis(), SERVERS.cinnabar()}) {
            try (RawConnection c = new RawConnection(s.port())) {
                assertEquals("+OK\r\n", c.call("FLUSHALL"));
            }
        }
    }

    /** The same redis-cli invocation against both servers; their outputs must match. */
    private RedisCli same(byte[] stdin, String... args) throws Exception {
        RedisCli expected = RedisCli.run(stdin, 60, withPort(SERVERS.redis(), args));
        RedisCli actual = RedisCli.run(stdin, 60, withPort(SERVERS.cinnabar(), args));
        assertEquals(expected.toString(), actual.toString(), String.join(" ", args));
        return actual;
    }

    private static String[] withPort(ServerProcess s, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "-p";
        all[1] = port(s);
        System.arraycopy(args, 0, all, 2, args.length);
        return all;
    }

    // ------------------------------------------------------------------ --pipe

    @Test
    void pipeInsertsAMillionKeys() throws Exception {
        Path file = Files.createTempFile("mass-insert", ".resp");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
                for (int i = 0; i < 1_000_000; i++) {
                    byte[] k = latin1("key:" + i);
                    byte[] v = latin1("value:" + i);
                    out.write(latin1("*3\r\n$3\r\nSET\r\n$" + k.length + "\r\n"));
                    out.write(k);
                    out.write(latin1("\r\n$" + v.length + "\r\n"));
                    out.write(v);
                    out.write('\r');
                    out.write('\n');
                }
            }
            try (RawConnection c = new RawConnection(SERVERS.cinnabar().port())) {
                assertEquals("+OK\r\n", c.call("FLUSHALL"));
            }
            RedisCli cli = RedisCli.runWithInputFile(file.toFile(), 300, "-p", port(SERVERS.cinnabar()), "--pipe");
            assertTrue(cli.out.contains("errors: 0, replies: 1000000"), cli.toString());
            assertEquals(0, cli.exitCode, cli.toString());
            try (RawConnection c = new RawConnection(SERVERS.cinnabar().port())) {
                assertEquals(":1000000\r\n", c.call("DBSIZE"));
                assertEquals("$12\r\nvalue:999999\r\n", c.call("GET", "key:999999"));
                assertEquals("$7\r\nvalue:0\r\n", c.call("GET", "key:0"));
            }
        } finally {
            Files.deleteIfExists(file);
            try (RawConnection c = new RawConnection(SERVERS.cinnabar().port())) {
                c.call("FLUSHALL");
            }
        }
    }

    @Test
    void pipeCountsErrorsAsRedisDoes() throws Exception {
        flushBoth();
        byte[] stream = latin1("*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n"
                + "*1\r\n$6\r\nNOSUCH\r\n"
                + "*1\r\n$3\r\nGET\r\n"
                + "PING\r\n"
                + "*2\r\n$3\r\nGET\r\n$1\r\na\r\n");
        RedisCli cli = same(stream, "--pipe");
        assertTrue(cli.out.contains("errors: 2, replies: 5"), cli.toString());
    }

    // ------------------------------------------------------------------ plain use

    @Test
    void aCommandFromTheArguments() throws Exception {
        RedisCli cli = RedisCli.run(null, 30, "-p", port(SERVERS.cinnabar()), "PING");
        assertEquals("PONG\n", cli.out);
        assertEquals(0, cli.exitCode);
        same(null, "ECHO", "hello world");
        same(null, "-r", "3", "PING");
        same(null, "NOSUCH", "arg");
        same(null, "GET");
    }

    @Test
    void commandsOnStandardInput() throws Exception {
        flushBoth();
        String script = "SET a 1\nGET a\nECHO \"x y\"\nECHO 'single quoted'\nNOSUCH\nGET nokey\n"
                + "SET \"\" empty\nGET \"\"\nECHO \"\\x41\\n\\x00z\"\nSELECT 3\nDBSIZE\nSELECT 99\n";
        RedisCli cli = same(latin1(script));
        assertTrue(cli.out.startsWith("OK\n1\nx y\n"), cli.toString());
    }

    @Test
    void rawOutputAndBinaryValuesFromStandardInput() throws Exception {
        flushBoth();
        byte[] binary = {'a', '\r', '\n', 'b', 0, 'c', (byte) 0xff};
        same(binary, "-x", "SET", "bin");
        RedisCli raw = same(null, "--raw", "GET", "bin");
        assertEquals("a\r\nb\u0000c\u00ff\n", raw.out);
        same(null, "--no-raw", "GET", "bin");
        same(null, "GET", "bin");
    }

    @Test
    void resp3() throws Exception {
        flushBoth();
        RedisCli ping = same(null, "-3", "PING");
        assertEquals("PONG\n", ping.out);
        same(null, "-3", "SET", "k", "v");
        same(null, "-3", "GET", "k");
        same(null, "-3", "GET", "nokey");
        same(null, "-3", "DBSIZE");
        same(null, "-3", "ECHO", "resp3");
        same(latin1("GET k\nGET nokey\nNOSUCH\n"), "-3");
    }

    // ------------------------------------------------------------------ SCAN (another family)

    @Test
    void scanWithAPattern() throws Exception {
        try (RawConnection c = new RawConnection(SERVERS.cinnabar().port())) {
            assertEquals("+OK\r\n", c.call("FLUSHALL"));
            for (int i = 0; i < 300; i++) {
                assertEquals("+OK\r\n", c.call("SET", "user:" + i, "u"));
            }
            for (int i = 0; i < 100; i++) {
                assertEquals("+OK\r\n", c.call("SET", "other:" + i, "o"));
            }
        }
        RedisCli cli = RedisCli.run(null, 60, "-p", port(SERVERS.cinnabar()), "--scan", "--pattern", "user:*");
        assertEquals(0, cli.exitCode, cli.toString());
        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < 300; i++) {
            expected.add("user:" + i);
        }
        Set<String> got = new TreeSet<>(Arrays.asList(cli.out.split("\n")));
        got.remove("");
        assertEquals(expected, got);

        RedisCli all = RedisCli.run(null, 60, "-p", port(SERVERS.cinnabar()), "--scan");
        assertEquals(400, new HashSet<>(Arrays.asList(all.out.trim().split("\n"))).size(), all.toString());
    }

    // ------------------------------------------------------------------ Unix socket (config parser)

    @Test
    void unixSocket() throws Exception {
        Path dir = Files.createTempDirectory("cinnabar-unix");
        File socket = dir.resolve("cinnabar.sock").toFile();
        try (ServerProcess s = ServerProcess.cinnabar("--unixsocket", socket.getPath(), "--unixsocketperm", "700")) {
            RedisCli ping = RedisCli.run(null, 30, "-s", socket.getPath(), "PING");
            assertEquals("PONG\n", ping.out, ping.toString());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.toPath())));
            assertEquals("OK\n", RedisCli.run(null, 30, "-s", socket.getPath(), "SET", "over", "unix").out);
            assertEquals("unix\n", RedisCli.run(null, 30, "-s", socket.getPath(), "GET", "over").out);
            RedisCli stdin = RedisCli.run(latin1("ECHO a\nECHO b\n"), 30, "-s", socket.getPath());
            assertEquals("a\nb\n", stdin.out);
            try (RawConnection c = new RawConnection(s.port())) {
                assertEquals("$4\r\nunix\r\n", c.call("GET", "over"), "TCP and the socket serve the same data");
            }
        } finally {
            Files.deleteIfExists(socket.toPath());
            Files.deleteIfExists(dir);
        }
    }
}
