package dev.cinnabar.server.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.RawString;
import dev.cinnabar.protocol.Argv;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StringValuesTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String encodingOf(String text) {
        return StringValues.encoding(StringValues.fromBytes(b(text)));
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
        assertEquals("raw", StringValues.encoding(new RawString(b("ab"))));
    }

    @Test
    void theSentinelValueIsAnIntegerLikeAnyOther() {
        Object v = StringValues.fromBytes(b("-9223372036854775807"));
        assertEquals(-9223372036854775807L, v);
        assertTrue(StringValues.isInteger(v));
    }

    @Test
    void fromArgCopiesOnlyWhatItKeepsAsBytes() {
        Argv a = Argv.of("SET", "k", "4242", "text");
        assertEquals(4242L, StringValues.fromArg(a, 2));
        Object t = StringValues.fromArg(a, 3);
        assertArrayEquals(b("text"), (byte[]) t);
        assertFalse(t == a.array(3));
    }

    @Test
    void smallIntegersAreShared() {
        assertSame(StringValues.fromBytes(b("9999")), StringValues.fromLong(9999));
        assertTrue(StringValues.isShared(StringValues.fromLong(0)));
        assertFalse(StringValues.isShared(StringValues.fromLong(10000)));
        assertFalse(StringValues.isShared(StringValues.fromLong(-1)));
    }

    @Test
    void lengthAndBytesOfEachRepresentation() {
        assertEquals(20, StringValues.length(Long.MIN_VALUE));
        assertEquals(3, StringValues.length(-12L));
        RawString r = new RawString(b("abc"), 16);
        assertEquals(3, StringValues.length(r));
        assertArrayEquals(b("abc"), StringValues.bytes(r));
        assertArrayEquals(b("-12"), StringValues.bytes(-12L));
    }

    @Test
    void integerAndFloatReadings() {
        assertTrue(StringValues.isInteger(b("42")));
        assertEquals(42, StringValues.toLong(new RawString(b("42"), 10)));
        assertFalse(StringValues.isInteger(b("42 ")));
        assertFalse(StringValues.isInteger(new RawString(b("4a"), 10)));
        assertEquals("1.5", StringValues.toLongDouble(b("1.5")).toHumanString());
        assertEquals("-7", StringValues.toLongDouble(-7L).toHumanString());
        assertNull(StringValues.toLongDouble(b("nan")));
    }

    @Test
    void toRawWrapsOrConvertsButNeverShares() {
        byte[] stored = b("abc");
        RawString r = StringValues.toRaw(stored);
        assertEquals(3, r.length());
        RawString same = StringValues.toRaw(r);
        assertSame(r, same);
        RawString fromInt = StringValues.toRaw(StringValues.fromLong(12));
        fromInt.append(b("3"), 0, 1);
        assertArrayEquals(b("123"), fromInt.toBytes());
        assertEquals(12L, StringValues.fromLong(12));
    }
}
