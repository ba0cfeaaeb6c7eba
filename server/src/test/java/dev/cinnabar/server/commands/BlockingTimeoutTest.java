package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cinnabar.server.command.CommandError;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Blocking timeouts read as redis-server 7.0.15 reads them (each case checked against it). */
class BlockingTimeoutTest {
    private static long ms(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return BlockingTimeout.millis(b, 0, b.length);
    }

    private static String error(String s) {
        return assertThrows(CommandError.class, () -> ms(s)).getMessage();
    }

    @Test
    void secondsRoundedUpToMilliseconds() {
        assertEquals(0, ms("0"));
        assertEquals(1500, ms("1.5"));
        assertEquals(10, ms("0.01"));
        assertEquals(1, ms("1e-10"));
        assertEquals(500, ms(".5"));
        assertEquals(5000, ms("5."));
        assertEquals(5000, ms("+5"));
        assertEquals(16000, ms("0x10"));
        // Negative but rounding up to zero: forever, as Redis blocks on them.
        assertEquals(0, ms("-0.0001"));
        assertEquals(0, ms("-0.001"));
        // Redis blocks on this one too (its deadline overflows: never due).
        assertEquals(Long.MAX_VALUE, ms("9223372036854775.807"));
    }

    @Test
    void errors() {
        assertEquals(BlockingTimeout.NOT_FLOAT, error("abc"));
        assertEquals(BlockingTimeout.NOT_FLOAT, error("nan"));
        assertEquals(BlockingTimeout.NOT_FLOAT, error(""));
        assertEquals(BlockingTimeout.NOT_FLOAT, error(" 1"));
        assertEquals(BlockingTimeout.NOT_FLOAT, error("1 "));
        assertEquals(BlockingTimeout.NOT_FLOAT, error("1e5000"));
        assertEquals(BlockingTimeout.NEGATIVE, error("-1"));
        assertEquals(BlockingTimeout.NEGATIVE, error("-0.002"));
        assertEquals(BlockingTimeout.NEGATIVE, error("inf"));
        assertEquals(BlockingTimeout.NEGATIVE, error("-inf"));
        assertEquals(BlockingTimeout.NEGATIVE, error("1e16"));
        assertEquals(BlockingTimeout.NEGATIVE, error("9.3e15"));
        assertEquals(BlockingTimeout.NEGATIVE, error("1e300"));
        assertEquals(BlockingTimeout.NEGATIVE, error("-1e300"));
    }
}
