package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The crashes DEBUG simulates, and SIGABRT from outside, end Cinnabar as they end Redis: no
 * reply, the exit status of the signal Redis dies of, and Redis's bug report in the log.
 */
class CrashReportIT {
    private static final List<String> EVERY_REPORT = List.of("=== REDIS BUG REPORT START: Cut & paste starting from here ===",
            "------ STACK TRACE ------", "------ INFO OUTPUT ------", "------ CLIENT LIST OUTPUT ------",
            "=== REDIS BUG REPORT END. Make sure to include from START to END. ===");

    @ParameterizedTest
    @CsvSource({
        "SEGFAULT, crashed by signal: 11",
        "PANIC, Guru Meditation: DEBUG PANIC called at Unix time ",
        "ASSERT, === ASSERTION FAILED ===",
        "OOM, Guru Meditation: Redis aborting for OUT OF MEMORY. Allocating 9223372036854775807 bytes! #",
    })
    void debugCrashesEndTheServerAsRedis(String subcommand, String line) throws Exception {
        int redisStatus = crash(ServerProcess.redis("--enable-debug-command", "yes"), subcommand, line);
        int ourStatus = crash(ServerProcess.cinnabar("--enable-debug-command", "yes"), subcommand, line);
        assertEquals(redisStatus, ourStatus, "exit status");
    }

    @ParameterizedTest
    @CsvSource({"SEGFAULT, 139", "PANIC, 134"})
    void withoutCrashLogsOnlyAPanicSaysWhy(String subcommand, int status) throws Exception {
        for (ServerProcess s : List.of(ServerProcess.redis("--enable-debug-command", "yes", "--crash-log-enabled", "no"),
                ServerProcess.cinnabar("--enable-debug-command", "yes", "--crash-log-enabled", "no"))) {
            try (s; RawConnection c = new RawConnection(s.port())) {
                try {
                    c.call("DEBUG", subcommand);
                } catch (IOException closed) {
                    // expected: no reply
                }
                assertTrue(s.process().waitFor(30, TimeUnit.SECONDS), s.log());
                assertEquals(status, s.process().exitValue(), s.log());
                String log = s.log();
                assertFalse(log.contains("STACK TRACE") || log.contains("INFO OUTPUT"), log);
                assertEquals(subcommand.equals("PANIC"), log.contains("Guru Meditation: DEBUG PANIC"), log);
                assertEquals(subcommand.equals("PANIC"), log.contains("=== REDIS BUG REPORT END."), log);
            }
        }
    }

    @Test
    void sigabrtWritesTheReportAndEnds() throws Exception {
        for (ServerProcess s : List.of(ServerProcess.redis(), ServerProcess.cinnabar())) {
            try (s) {
                new ProcessBuilder("kill", "-ABRT", Long.toString(s.pid())).start().waitFor();
                assertTrue(s.process().waitFor(30, TimeUnit.SECONDS), s.log());
                assertEquals(134, s.process().exitValue(), s.log());
                assertReport(s, "crashed by signal: 6");
            }
        }
    }

    /** Runs DEBUG {@code subcommand} on a server with a key; returns its exit status. */
    private static int crash(ServerProcess s, String subcommand, String line) throws Exception {
        try (s; RawConnection c = new RawConnection(s.port())) {
            assertEquals("+OK\r\n", c.call("SET", "k", "v"));
            String reply;
            try {
                reply = c.call("DEBUG", subcommand);
            } catch (IOException closed) {
                reply = "(closed)";
            }
            assertEquals("(closed)", reply, s.log());
            assertTrue(s.process().waitFor(30, TimeUnit.SECONDS), s.log());
            assertReport(s, line);
            assertTrue(s.log().contains("argv[1]: '\"" + subcommand + "\"'"), s.log());
            return s.process().exitValue();
        }
    }

    private static void assertReport(ServerProcess s, String line) {
        String log = s.log();
        assertTrue(log.contains(line), log);
        int at = 0;
        for (String part : EVERY_REPORT) {
            int found = log.indexOf(part, at);
            assertTrue(found >= 0, "missing or out of order: " + part + "\n" + log);
            at = found + part.length();
        }
    }
}
