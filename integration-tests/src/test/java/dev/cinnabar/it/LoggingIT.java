package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.RawExchange;
import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The server's log: Redis's line format and level marks, {@code loglevel} honoured and changed
 * live, client errors at Redis's levels, the log file, the syslog directives, and the start-up
 * warnings about {@code maxmemory}. Where Redis logs the same event, its line is the reference.
 */
class LoggingIT {
    /** {@code <pid>:<role> <date> <mark> <message>}, as Redis writes every line. */
    private static final String PREFIX = "[0-9]+:M [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3} ";

    private static Matcher line(String log, char mark, String messageRegex) {
        return Pattern.compile("^" + PREFIX + Pattern.quote(Character.toString(mark)) + " " + messageRegex + "$",
                Pattern.MULTILINE).matcher(log);
    }

    private static void awaitLog(Supplier<String> log, char mark, String messageRegex) throws InterruptedException {
        // The cron logs some lines every 5 s, and a busy machine may run it late: room for two rounds.
        long deadline = System.currentTimeMillis() + 15_000;
        while (!line(log.get(), mark, messageRegex).find()) {
            assertTrue(System.currentTimeMillis() < deadline, "no line '" + mark + " " + messageRegex + "' in:\n" + log.get());
            Thread.sleep(50);
        }
    }

    private static void call(int port, String expected, String... command) throws IOException {
        try (RawConnection c = new RawConnection(port)) {
            assertEquals(expected, c.call(command), String.join(" ", command));
        }
    }

    @Test
    void aProtocolErrorIsLoggedAtVerboseAndNotAtNotice() throws Exception {
        try (ServerProcess r = ServerProcess.redis(); ServerProcess c = ServerProcess.cinnabar()) {
            for (ServerProcess s : List.of(r, c)) {
                RawExchange.send(s.port(), "*1\r\n$x\r\n", 2000);
                call(s.port(), "+OK\r\n", "CONFIG", "SET", "loglevel", "verbose");
                RawExchange.send(s.port(), "*1\r\n$-7\r\n", 2000);
                awaitLog(s::log, '-', "Protocol error \\(invalid bulk length\\) from client: id=[0-9]+ addr=127\\.0\\.0\\.1:[0-9]+ "
                        + "laddr=127\\.0\\.0\\.1:[0-9]+.*\\. Query buffer during protocol error: '\\$-7\\.\\.'");
                assertFalse(s.log().contains("'$x..'"), "logged at notice:\n" + s.log());
                assertTrue(line(s.log(), '-', "Accepted 127\\.0\\.0\\.1:[0-9]+").find(), s.log());
                assertTrue(line(s.log(), '-', "Client closed connection id=[0-9]+ addr=127\\.0\\.0\\.1:[0-9]+ .*").find(), s.log());
            }
        }
    }

    @Test
    void eachLevelShowsItsOwnLinesAndThoseAbove() throws Exception {
        try (ServerProcess s = ServerProcess.cinnabar("--loglevel", "warning")) {
            // The port may answer a moment before the start-up lines are written.
            awaitLog(s::log, '#', "Server initialized");
            Thread.sleep(300);
            assertFalse(s.log().contains("Ready to accept connections"), "a notice line at warning:\n" + s.log());
            call(s.port(), "+OK\r\n", "SET", "k", "v");
            call(s.port(), "+OK\r\n", "CONFIG", "SET", "loglevel", "debug");
            // The cron's lines: the databases at verbose, the clients at debug, every five seconds.
            awaitLog(s::log, '-', "DB 0: 1 keys \\(0 volatile\\) in 4 slots HT\\.");
            awaitLog(s::log, '.', "[0-9]+ clients connected \\(0 replicas\\), [0-9]+ bytes in use");
            call(s.port(), "+OK\r\n", "CONFIG", "SET", "loglevel", "notice");
            int before = s.log().length();
            call(s.port(), "+PONG\r\n", "PING");
            Thread.sleep(6000);
            String after = s.log().substring(before);
            assertFalse(after.contains(" - ") || after.contains(" . "), "verbose or debug lines at notice:\n" + after);
        }
    }

    @Test
    void loglevelTakesRedisWordsOnly() throws Exception {
        try (ServerProcess r = ServerProcess.redis(); ServerProcess c = ServerProcess.cinnabar()) {
            for (String[] cmd : new String[][] {{"CONFIG", "SET", "loglevel", "loud"}, {"CONFIG", "SET", "loglevel", "VERBOSE"},
                {"CONFIG", "GET", "loglevel"}, {"CONFIG", "SET", "loglevel", "nothing"}, {"CONFIG", "GET", "loglevel"}}) {
                try (RawConnection rc = new RawConnection(r.port()); RawConnection cc = new RawConnection(c.port())) {
                    assertEquals(rc.call(cmd), cc.call(cmd), String.join(" ", cmd));
                }
            }
        }
    }

    @Test
    void theQueryBufferLimitIsLoggedAsAWarningWithTheFirstBytes() throws Exception {
        try (ServerProcess r = ServerProcess.redis("--loglevel", "warning");
             ServerProcess c = ServerProcess.cinnabar("--loglevel", "warning")) {
            for (ServerProcess s : List.of(r, c)) {
                call(s.port(), "+OK\r\n", "CONFIG", "SET", "client-query-buffer-limit", "1mb");
                StringBuilder in = new StringBuilder("*2\r\n$4\r\nECHO\r\n$2000000\r\n\"quoted\"\r\n\t\u0001");
                in.append("z".repeat(1_200_000));
                RawExchange sent = RawExchange.send(s.port(), in.toString(), 10_000);
                assertEquals("", sent.reply);
                awaitLog(s::log, '#', "Closing client that reached max query buffer length: id=[0-9]+ addr=127\\.0\\.0\\.1:[0-9]+ "
                        + ".* \\(qbuf initial bytes: \"\\\\\"quoted\\\\\"\\\\r\\\\n\\\\t\\\\x01z{52}\"\\)");
            }
        }
    }

    @Test
    void theLogFileGetsEveryLineAndALogRotatedByRenamingIsStartedAfresh() throws Exception {
        Path dir = Files.createTempDirectory("cinnabar-log");
        Path file = dir.resolve("server.log");
        try (ServerProcess s = ServerProcess.cinnabar("--logfile", file.toString(), "--loglevel", "verbose")) {
            awaitLog(() -> read(file), '*', "Ready to accept connections");
            assertFalse(s.log().contains("Ready to accept connections"), "also on standard output:\n" + s.log());
            Path rotated = dir.resolve("server.log.1");
            Files.move(file, rotated);
            int clientPort;
            try (java.net.Socket probe = new java.net.Socket("127.0.0.1", s.port())) {
                clientPort = probe.getLocalPort();
                awaitLog(() -> read(file), '-', "Accepted 127\\.0\\.0\\.1:" + clientPort);
            }
            assertFalse(read(rotated).contains("Accepted 127.0.0.1:" + clientPort), "written to the old file");
            try (RawConnection c = new RawConnection(s.port())) {
                assertEquals("-ERR CONFIG SET failed (possibly related to argument 'logfile') - can't set immutable config\r\n",
                        c.call("CONFIG", "SET", "logfile", dir.resolve("other.log").toString()));
            }
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void syslogDirectivesAreAccepted() throws Exception {
        String[] args = {"--syslog-enabled", "yes", "--syslog-ident", "cinnabar-test", "--syslog-facility", "local3"};
        try (ServerProcess r = ServerProcess.redis(args); ServerProcess c = ServerProcess.cinnabar(args)) {
            for (String name : new String[] {"syslog-enabled", "syslog-ident", "syslog-facility"}) {
                try (RawConnection rc = new RawConnection(r.port()); RawConnection cc = new RawConnection(c.port())) {
                    assertEquals(rc.call("CONFIG", "GET", name), cc.call("CONFIG", "GET", name), name);
                    assertEquals(rc.call("CONFIG", "SET", name, "no"), cc.call("CONFIG", "SET", name, "no"), name);
                }
            }
        }
    }

    // ------------------------------------------------------------------ maxmemory against the heap

    /** Cinnabar with JVM options of its own (a known heap limit) and server arguments. */
    private static ServerProcess cinnabarWithJvm(List<String> jvm, String... args) throws IOException {
        int port = ServerProcess.freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(ServerProcess.javaBinary());
        cmd.addAll(jvm);
        cmd.add("-jar");
        cmd.add(ServerProcess.jar());
        cmd.add("--port");
        cmd.add(Integer.toString(port));
        cmd.addAll(List.of(args));
        return ServerProcess.start("cinnabar", cmd, port);
    }

    @Test
    void maxmemoryAboveOrCloseToTheHeapLimitIsWarnedAbout() throws Exception {
        try (ServerProcess s = cinnabarWithJvm(List.of("-Xmx256m"), "--maxmemory", "1gb")) {
            awaitLog(s::log, '#', "WARNING: maxmemory is 1073741824 bytes but the Java heap can grow to only [0-9]+ bytes "
                    + "\\(-Xmx\\)\\. .*-Xmx of about 1366m or more, or lower maxmemory\\.");
        }
        try (ServerProcess s = cinnabarWithJvm(List.of("-Xmx256m"), "--maxmemory", "230mb")) {
            awaitLog(s::log, '#', "WARNING: maxmemory is 241172480 bytes, close to the Java heap limit of [0-9]+ bytes \\(-Xmx\\)\\..*");
        }
        try (ServerProcess s = cinnabarWithJvm(List.of("-Xmx256m"), "--maxmemory", "100mb")) {
            call(s.port(), "+PONG\r\n", "PING");
            assertFalse(s.log().contains("Java heap"), s.log());
        }
    }

    @Test
    void maxmemoryUnderOneMegabyteGetsRedisWarning() throws Exception {
        try (ServerProcess r = ServerProcess.redis("--maxmemory", "1000"); ServerProcess c = ServerProcess.cinnabar("--maxmemory", "1000")) {
            String text = "WARNING: You specified a maxmemory value that is less than 1MB \\(current value is 1000 bytes\\)\\. "
                    + "Are you sure this is what you really want\\?";
            awaitLog(r::log, '#', text);
            awaitLog(c::log, '#', text);
        }
    }
}
