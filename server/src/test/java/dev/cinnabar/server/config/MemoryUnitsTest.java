package dev.cinnabar.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class MemoryUnitsTest {
    @Test
    void unitsInAnyCase() {
        assertEquals(100L, MemoryUnits.parse("100"));
        assertEquals(10L, MemoryUnits.parse("10b"));
        assertEquals(1000L, MemoryUnits.parse("1k"));
        assertEquals(1024L, MemoryUnits.parse("1kb"));
        assertEquals(1024L, MemoryUnits.parse("1KB"));
        assertEquals(2_000_000L, MemoryUnits.parse("2M"));
        assertEquals(2L << 20, MemoryUnits.parse("2mB"));
        assertEquals(3_000_000_000L, MemoryUnits.parse("3g"));
        assertEquals(3L << 30, MemoryUnits.parse("3Gb"));
    }

    @Test
    void redisQuirks() {
        assertEquals(0L, MemoryUnits.parse(""));
        assertEquals(0L, MemoryUnits.parse("kb"));
        assertEquals(-1L, MemoryUnits.parse("99999999999999999999999"), "saturates at 2^64-1");
        assertEquals(-1024L, MemoryUnits.parse("18446744073709551615kb"), "wraps around 2^64");
    }

    @Test
    void rejects() {
        assertNull(MemoryUnits.parse("-1"));
        assertNull(MemoryUnits.parse("+1"));
        assertNull(MemoryUnits.parse(" 1"));
        assertNull(MemoryUnits.parse("1.5mb"));
        assertNull(MemoryUnits.parse("1tb"));
        assertNull(MemoryUnits.parse("0x10"));
        assertNull(MemoryUnits.parse("1mb2"));
    }

    @Test
    void formatsWithTheLargestExactUnit() {
        assertEquals("0", MemoryUnits.format(0));
        assertEquals("1000", MemoryUnits.format(1000));
        assertEquals("1kb", MemoryUnits.format(1024));
        assertEquals("64mb", MemoryUnits.format(64L << 20));
        assertEquals("1gb", MemoryUnits.format(1L << 30));
        assertEquals("1025kb", MemoryUnits.format(1025L * 1024));
        assertEquals("-1", MemoryUnits.format(-1));
    }
}
