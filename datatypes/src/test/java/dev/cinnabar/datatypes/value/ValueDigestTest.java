package dev.cinnabar.datatypes.value;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.cinnabar.datatypes.RawString;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ValueDigestTest {
    private static final String ZEROS = "0".repeat(40);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A string value's part of DEBUG DIGEST-VALUE: its type number, then its bytes. */
    private static String ofString(Object value) {
        ValueDigest d = new ValueDigest();
        d.mixInt(StringType.TYPE.objectType());
        StringType.TYPE.digest(value, d);
        return d.hex();
    }

    @Test
    void aFreshDigestIsZeros() {
        assertEquals(ZEROS, new ValueDigest().hex());
        ValueDigest d = new ValueDigest();
        d.mix(b("x"));
        d.reset();
        assertEquals(ZEROS, d.hex());
    }

    @Test
    void stringValuesDigestAsRedisDoes() {
        // DEBUG DIGEST-VALUE of these values on redis-server 7.0.15.
        assertEquals("36b23a1456b2dce2c3ed252c456761301dba8060", ofString(b("hello")));
        assertEquals("8b3447c33a834b810e3e181b6fd6a2ee1020921c", ofString(b("")));
        assertEquals("0bd0ba55ab9ee2bf15c3c5086e54e4cc642b2cc4", ofString(b("x".repeat(50))));
        assertEquals("e1cf90774e995ae03de66e8109dc5cb9d9c2dc83", ofString(12345L));
    }

    @Test
    void theEncodingDoesNotMatter() {
        String text = ofString(b("12345"));
        assertEquals(text, ofString(12345L));
        RawString raw = new RawString(b("123"));
        raw.append(b("45"), 0, 2);
        assertEquals(text, ofString(raw));
    }

    /** A fresh digest with {@code parts} added in order, each by mix or by xor. */
    private static String added(boolean mix, String... parts) {
        ValueDigest d = new ValueDigest();
        for (String p : parts) {
            if (mix) {
                d.mix(b(p));
            } else {
                d.xor(b(p));
            }
        }
        return d.hex();
    }

    @Test
    void xorIgnoresOrderMixDoesNot() {
        assertEquals(added(false, "a", "b"), added(false, "b", "a"));
        assertNotEquals(added(true, "a", "b"), added(true, "b", "a"));
        // Boundaries count: "fo" + "obar" is not "foo" + "bar".
        assertNotEquals(added(true, "foo", "bar"), added(true, "fo", "obar"));
    }

    @Test
    void xorTwiceCancels() {
        ValueDigest d = new ValueDigest();
        ValueDigest element = new ValueDigest();
        element.mix(b("e"));
        d.xor(element);
        d.xor(element);
        assertEquals(ZEROS, d.hex());
    }

    @Test
    void mixIntIsBigEndian() {
        ValueDigest viaInt = new ValueDigest();
        viaInt.mixInt(0x01020304);
        ValueDigest viaBytes = new ValueDigest();
        viaBytes.mix(new byte[] {1, 2, 3, 4});
        assertEquals(viaBytes.hex(), viaInt.hex());
    }
}
