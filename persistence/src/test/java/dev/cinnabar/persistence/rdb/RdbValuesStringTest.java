package dev.cinnabar.persistence.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.cinnabar.datatypes.RawString;
import dev.cinnabar.datatypes.value.StringType;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RdbValuesStringTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String hex(Object v, boolean compression) {
        RdbOutput out = new RdbOutput(compression);
        RdbValues.write(out, v);
        return HexFormat.of().formatHex(out.toByteArray());
    }

    private static Object roundTrip(Object v, boolean compression) throws RdbFormatException {
        RdbOutput out = new RdbOutput(compression);
        RdbValues.write(out, v);
        RdbInput in = new RdbInput(out.toByteArray());
        Object back = RdbValues.read(in, in.readType(), RdbLoadSettings.DEFAULTS);
        assertEquals(true, in.atEnd());
        return back;
    }

    @Test
    void stringsAreWrittenAsRedisDumpsThem() {
        // The value part of redis-server 7.0.15's DUMP of each (before version and CRC).
        assertEquals("00c07b", hex(StringType.fromLong(123), true));
        assertEquals("00c07b", hex(bytes("123"), true));
        assertEquals("000568656c6c6f", hex(bytes("hello"), true));
        assertEquals("000b3132333435363738393031", hex(12345678901L, true));
        assertEquals("00c3093f016161e03200016161", hex(bytes("a".repeat(63)), true));
        assertEquals("003f" + "61".repeat(63), hex(bytes("a".repeat(63)), false));
        assertEquals("000568656c6c6f", hex(new RawString(bytes("hello"), 64), true));
    }

    @Test
    void stringsComeBackInTheEncodingRedisGivesThem() throws RdbFormatException {
        assertEquals(123L, roundTrip(bytes("123"), true));
        assertEquals(12345678901L, roundTrip(12345678901L, true));
        assertInstanceOf(byte[].class, roundTrip(bytes("0123"), true));
        assertInstanceOf(byte[].class, roundTrip(new RawString(bytes("x".repeat(100))), true));
        assertArrayEquals(bytes("x".repeat(100)), (byte[]) roundTrip(new RawString(bytes("x".repeat(100))), true));
        assertArrayEquals(new byte[0], (byte[]) roundTrip(new byte[0], true));
    }

    @Test
    void randomStringsRoundTrip() throws RdbFormatException {
        Random r = new Random(16);
        for (int i = 0; i < 2000; i++) {
            byte[] b = new byte[r.nextInt(i % 10 == 0 ? 5000 : 40)];
            if (r.nextBoolean()) {
                r.nextBytes(b);
            } else {
                for (int j = 0; j < b.length; j++) {
                    b[j] = (byte) ('0' + r.nextInt(r.nextBoolean() ? 10 : 2));
                }
            }
            Object v = StringType.fromBytes(b);
            Object back = roundTrip(v, r.nextBoolean());
            assertArrayEquals(b, StringType.bytes(back));
            assertEquals(v.getClass(), back.getClass());
        }
    }
}
