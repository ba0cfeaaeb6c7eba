package dev.cinnabar.datatypes.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** An ID's text, as XADD replies with it: both halves unsigned 64-bit decimals. */
class StreamIdTest {
    private static String text(long ms, long seq) {
        return new String(StreamId.toBytes(ms, seq), StandardCharsets.US_ASCII);
    }

    @Test
    void idsPrintAsUnsignedDecimals() {
        assertEquals("0-0", text(0, 0));
        assertEquals("0-1", text(0, 1));
        assertEquals("1700000000000-0", text(1_700_000_000_000L, 0));
        assertEquals("9-10", text(9, 10));
        assertEquals("9223372036854775807-9223372036854775807", text(Long.MAX_VALUE, Long.MAX_VALUE));
        assertEquals("18446744073709551615-18446744073709551615", text(-1, -1));
        assertEquals("5-9223372036854775808", text(5, Long.MIN_VALUE));
        Random r = new Random(3);
        for (int i = 0; i < 10_000; i++) {
            long ms = r.nextLong() >>> r.nextInt(64);
            long seq = r.nextInt(4) == 0 ? r.nextLong() : r.nextInt(1000);
            assertEquals(Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq), text(ms, seq));
        }
    }
}
