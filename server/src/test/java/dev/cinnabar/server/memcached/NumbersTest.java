package dev.cinnabar.server.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** memcached's safe_strto* over glibc's strtoull/strtoll on LP64. */
class NumbersTest {
    private final Numbers n = new Numbers();

    private long u64(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return n.strtoull(b, 0, b.length);
    }

    private long u32(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return n.strtoul32(b, 0, b.length);
    }

    private int i32(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return n.strtol32(b, 0, b.length);
    }

    private long i64(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return n.strtoll(b, 0, b.length);
    }

    @Test
    void unsigned64() {
        assertEquals(0, u64("0"));
        assertTrue(n.ok);
        assertEquals(-1L, u64("18446744073709551615"));
        assertTrue(n.ok);
        u64("18446744073709551616");
        assertFalse(n.ok);
        assertEquals(5, u64("+5"));
        assertTrue(n.ok);
        assertEquals(12, u64("\t12 "));
        assertTrue(n.ok);
        // strtoull negates -5 to 2^64-5, negative as signed, and there is a '-': refused (read as 0)
        assertEquals(0, u64("-5"));
        assertFalse(n.ok);
        assertEquals(1, u64("-18446744073709551615"));
        assertTrue(n.ok); // wraps to 1, positive as signed: accepted, as memcached does
        u64("");
        assertFalse(n.ok);
        u64("12a");
        assertFalse(n.ok);
        u64("0x10");
        assertFalse(n.ok);
        assertEquals(7, u64("7\0junk"));
        assertTrue(n.ok);
    }

    @Test
    void truncatedTo32Bits() {
        assertEquals(1, u32("4294967297"));
        assertTrue(n.ok);
        assertEquals(-2147483648, i32("2147483648"));
        assertTrue(n.ok);
        assertEquals(-1, i32("-1"));
        assertTrue(n.ok);
        i32("9223372036854775808");
        assertFalse(n.ok);
    }

    @Test
    void signed64() {
        assertEquals(Long.MIN_VALUE, i64("-9223372036854775808"));
        assertTrue(n.ok);
        assertEquals(Long.MAX_VALUE, i64("9223372036854775807"));
        assertTrue(n.ok);
        i64("9223372036854775808");
        assertFalse(n.ok);
        i64("-");
        assertFalse(n.ok);
    }
}
