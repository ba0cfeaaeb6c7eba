package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

/** DEBUG ERROR and DEBUG STRINGMATCH-TEST, with redis-server 7.0.15's replies. */
class DebugErrorTest {
    private final EngineHarness h = DebugCommandsTest.harness("yes");

    @Test
    void theMessageIsTheWholeErrorLine() {
        assertEquals("-foo\r\n", h.call("DEBUG", "ERROR", "foo"));
        assertEquals("-MOVED 3999 127.0.0.1:6381\r\n", h.call("DEBUG", "error", "MOVED 3999 127.0.0.1:6381"));
        assertEquals("-\r\n", h.call("DEBUG", "ERROR", ""));
        assertEquals("--x\r\n", h.call("DEBUG", "ERROR", "-x"), "a leading dash is the message's own");
        assertEquals("-a  b c  \r\n", h.call("DEBUG", "ERROR", "a\r\nb\nc\r\n"), "line breaks become spaces, none dropped");
        assertEquals("-caf\u00c3\u00a9\r\n", h.call("DEBUG", "ERROR", "caf\u00e9"), "bytes go back as sent");
    }

    @Test
    void itIsNoErrorForTheStatistics() {
        h.call("DEBUG", "ERROR", "ERR injected");
        h.call("DEBUG", "ERROR", "WRONGTYPE injected");
        assertEquals("$14\r\n# Errorstats\r\n\r\n", h.call("INFO", "errorstats"));
        String stats = h.call("INFO", "stats");
        assertTrue(stats.contains("total_error_replies:0\r\n"), stats);
        String commandStats = h.call("INFO", "commandstats");
        assertTrue(commandStats.contains("cmdstat_debug:calls=2,") && commandStats.contains(",failed_calls=0\r\n"),
                commandStats);
    }

    @Test
    void arity() {
        String arity = "-ERR unknown subcommand or wrong number of arguments for 'ERROR'. Try DEBUG HELP.\r\n";
        assertEquals(arity, h.call("DEBUG", "ERROR"));
        assertEquals(arity, h.call("DEBUG", "ERROR", "a", "b"));
    }

    @Test
    void stringmatchTestSurvivesTheFuzzer() {
        assertEquals("-ERR unknown subcommand or wrong number of arguments for 'STRINGMATCH-TEST'. Try DEBUG HELP.\r\n",
                h.call("DEBUG", "STRINGMATCH-TEST", "x"));
        assertEquals("-ERR unknown subcommand or wrong number of arguments for 'STRINGMATCH-LEN'. Try DEBUG HELP.\r\n",
                h.call("DEBUG", "STRINGMATCH-LEN"), "7.0.15 has no STRINGMATCH-LEN");
        // A smaller run here, with a fixed seed; the subcommand itself runs Redis's ten million.
        int matches = DebugStringmatch.fuzz(200_000, new java.util.SplittableRandom(7));
        assertTrue(matches > 0, "some random patterns match");
        assertEquals("+Apparently Redis did not crash: test passed\r\n", h.call("DEBUG", "stringmatch-test"));
    }
}
