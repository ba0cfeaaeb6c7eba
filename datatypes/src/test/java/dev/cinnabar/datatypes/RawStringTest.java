package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RawStringTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void appendGrowsWithSpareRoom() {
        RawString r = new RawString(b("ab"));
        r.append(b("xcdx"), 1, 2);
        assertArrayEquals(b("abcd"), r.toBytes());
        assertEquals(4, r.length());
        assertTrue(r.capacity() >= 8, "room for further appends: " + r.capacity());
        int cap = r.capacity();
        r.append(b("e"), 0, 1);
        assertEquals(cap, r.capacity());
    }

    @Test
    void setRangeZeroFillsTheGapEvenOverOldBytes() {
        RawString r = new RawString(b("abcdef"), 32);
        r.setRange(0, b("XY"), 0, 2);
        assertArrayEquals(b("XYcdef"), r.toBytes());
        // Shrinking is impossible, but spare capacity may hold bytes from a longer past.
        RawString s = new RawString(b("0123456789"), 64);
        s.setRange(12, b("z"), 0, 1);
        assertArrayEquals(b("0123456789\0\0z"), s.toBytes());
    }

    @Test
    void extendToZeroFills() {
        RawString r = new RawString(b("ab"));
        r.extendTo(5);
        assertArrayEquals(b("ab\0\0\0"), r.toBytes());
        r.extendTo(3);
        assertEquals(5, r.length());
    }

    @Test
    void reserveSetLengthAndReplace() {
        RawString r = new RawString(b("abc"));
        assertEquals(3, r.capacity());
        r.reserve(3);
        assertEquals(12, r.capacity(), "grown as APPEND grows: twice what is needed");
        assertEquals(3, r.length());
        r.array()[3] = 'd';
        r.setLength(4);
        assertArrayEquals(b("abcd"), r.toBytes());
        r.setLength(2);
        assertArrayEquals(b("ab"), r.toBytes());
        byte[] other = b("xyz");
        r.replace(other);
        assertEquals(3, r.length());
        assertEquals(3, r.capacity());
        assertTrue(r.array() == other);
        try {
            r.setLength(4);
            throw new AssertionError("a length past the capacity was accepted");
        } catch (IllegalArgumentException expected) {
            // refused
        }
    }
}
