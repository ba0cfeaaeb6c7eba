package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

/**
 * DEBUG REPLYBUFFER and its effect on CLIENT LIST's rbs/rbp, as the cron sizes the buffers of
 * every client. The sequences were checked against redis-server 7.0.15 (DebugIT does it live).
 */
class DebugReplyBufferTest {
    private final EngineHarness h = DebugCommandsTest.harness("yes");
    /** The client whose buffer is watched; the harness's own client sends the DEBUG commands. */
    private final Client other = h.newClient();

    /** Runs the clients cron {@code times} times, 100 ms apart. */
    private void cron(int times) {
        for (int i = 0; i < times; i++) {
            h.clock.advance(100);
            h.engine.runCron();
        }
    }

    private String sizes() {
        return "rbs=" + other.output.bufferSize() + " rbp=" + other.output.bufferPeak();
    }

    @Test
    void byDefaultAnIdleBufferShrinks() {
        cron(3);
        assertEquals("rbs=1024 rbp=0", sizes());
    }

    @Test
    void neverKeepsThePeakSoNothingShrinks() {
        assertEquals("+OK\r\n", h.call("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "NEVER"));
        cron(100);
        assertEquals("rbs=16384 rbp=16384", sizes());
        assertEquals("+OK\r\n", h.call("DEBUG", "replybuffer", "peak-reset-time", "reset"));
        cron(3);
        assertEquals("rbs=1024 rbp=0", sizes());
    }

    @Test
    void aNegativeTimeIsNever() {
        assertEquals("+OK\r\n", h.call("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "-7"));
        cron(60);
        assertEquals("rbs=16384 rbp=16384", sizes());
    }

    @Test
    void theWindowDecidesWhenAGrownBufferShrinksAgain() {
        assertEquals("+OK\r\n", h.call("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "10000"));
        cron(3);
        assertEquals("rbs=1024 rbp=0", sizes());
        other.output.wrote(5000);
        cron(2);
        assertEquals("rbs=2048 rbp=1024", sizes(), "a full buffer grows");
        cron(60);
        assertEquals("rbs=2048 rbp=1024", sizes(), "the peak lasts the 10 s window");
        cron(50);
        assertEquals("rbs=1024 rbp=0", sizes());
    }

    @Test
    void resizingOffFreezesEverything() {
        assertEquals("+OK\r\n", h.call("DEBUG", "REPLYBUFFER", "RESIZING", "0"));
        cron(100);
        assertEquals("rbs=16384 rbp=16384", sizes(), "no shrink and no peak reset");
        // atoi: 4294967296 is 0 as an int, so it still means off.
        assertEquals("+OK\r\n", h.call("DEBUG", "REPLYBUFFER", "RESIZING", "4294967296"));
        cron(3);
        assertEquals("rbs=16384 rbp=16384", sizes());
        assertEquals("+OK\r\n", h.call("DEBUG", "REPLYBUFFER", "RESIZING", "2"));
        cron(3);
        assertEquals("rbs=1024 rbp=0", sizes());
        assertEquals("+OK\r\n", h.call("DEBUG", "REPLYBUFFER", "RESIZING", "abc"));
        assertEquals(false, h.server.clients().replyBuffers().resizing, "atoi of no digits is 0");
    }

    @Test
    void errors() {
        String unknown = "-ERR unknown subcommand or wrong number of arguments for 'REPLYBUFFER'. Try DEBUG HELP.\r\n";
        assertEquals(unknown, h.call("DEBUG", "REPLYBUFFER"));
        assertEquals(unknown, h.call("DEBUG", "REPLYBUFFER", "resizing"));
        assertEquals(unknown, h.call("DEBUG", "REPLYBUFFER", "resizing", "1", "2"));
        assertEquals(unknown, h.call("DEBUG", "REPLYBUFFER", "foo", "1"));
        for (String bad : new String[] {"abc", "1.5", "9223372036854775808", "", "never1"}) {
            assertEquals("-ERR value is not an integer or out of range\r\n",
                    h.call("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", bad), bad);
        }
        assertEquals(5000, h.server.clients().replyBuffers().peakResetMillis, "a bad value changes nothing");
    }
}
