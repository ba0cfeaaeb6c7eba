package dev.cinnabar.datatypes.value;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.RawString;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StringTypeTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String encodingOf(String text) {
        return StringType.TYPE.encoding(StringType.fromBytes(b(text)));
    }

    @Test
    void canonicalIntegersUpToTwentyCharactersAreInt() {
        for (String s : new String[] {"0", "1", "-1", "123", "9223372036854775807", "-9223372036854775808",
                "-9223372036854775807", "10000"}) {
            assertEquals("int", encodingOf(s), s);
        }
    }

    @Test
    void everythingElseIsEmbstrOrRawByLength() {
        for (String s : new String[] {"", "01", "+1", " 1", "1 ", "-0", "1.0", "12345678901234567890",
                "9223372036854775808", "-9223372036854775809", "abc", "0x10", "a".repeat(44)}) {
            assertEquals("embstr", encodingOf(s), s);
        }
        assertEquals("raw", encodingOf("a".repeat(45)));
        assertEquals("raw", encodingOf("1".repeat(45)));
        assertEquals("raw", StringType.TYPE.encoding(new RawString(b("ab"))));
    }

    @Test
    void theSentinelValueIsAnIntegerLikeAnyOther() {
        Object v = StringType.fromBytes(b("-9223372036854775807"));
        assertEquals(-9223372036854775807L, v);
        assertTrue(StringType.isInteger(v));
    }

    @Test
    void smallIntegersAreShared() {
        assertSame(StringType.fromBytes(b("9999")), StringType.fromLong(9999));
        assertTrue(StringType.isShared(StringType.fromLong(0)));
        assertFalse(StringType.isShared(StringType.fromLong(10000)));
        assertFalse(StringType.isShared(StringType.fromLong(-1)));
    }

    @Test
    void lengthAndBytesOfEachRepresentation() {
        assertEquals(20, StringType.length(Long.MIN_VALUE));
        assertEquals(3, StringType.length(-12L));
        RawString r = new RawString(b("abc"), 16);
        assertEquals(3, StringType.length(r));
        assertArrayEquals(b("abc"), StringType.bytes(r));
        assertArrayEquals(b("-12"), StringType.bytes(-12L));
    }

    @Test
    void integerAndFloatReadings() {
        assertTrue(StringType.isInteger(b("42")));
        assertEquals(42, StringType.toLong(new RawString(b("42"), 10)));
        assertFalse(StringType.isInteger(b("42 ")));
        assertFalse(StringType.isInteger(new RawString(b("4a"), 10)));
        assertEquals("1.5", StringType.toLongDouble(b("1.5")).toHumanString());
        assertEquals("-7", StringType.toLongDouble(-7L).toHumanString());
        assertNull(StringType.toLongDouble(b("nan")));
    }

    @Test
    void toRawWrapsOrConvertsButNeverShares() {
        byte[] stored = b("abc");
        RawString r = StringType.toRaw(stored);
        assertEquals(3, r.length());
        RawString same = StringType.toRaw(r);
        assertSame(r, same);
        RawString fromInt = StringType.toRaw(StringType.fromLong(12));
        fromInt.append(b("3"), 0, 1);
        assertArrayEquals(b("123"), fromInt.toBytes());
        assertEquals(12L, StringType.fromLong(12));
    }
}
