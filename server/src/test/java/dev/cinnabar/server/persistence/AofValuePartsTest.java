package dev.cinnabar.server.persistence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cinnabar.datatypes.value.HashValue;
import dev.cinnabar.datatypes.value.SetValue;
import dev.cinnabar.datatypes.value.ZSetValue;
import dev.cinnabar.persistence.rdb.RdbOutput;
import dev.cinnabar.persistence.rdb.RdbValueParts;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AofValuePartsTest {
    private static final int N = RdbValueParts.MIN_ELEMENTS + 333;
    private static final byte[] KEY = b("the key");

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Object[] values() {
        SetValue s = SetValue.newHashtable();
        HashValue h = new HashValue();
        ZSetValue z = ZSetValue.newSkiplist();
        Random r = new Random(4);
        for (int i = 0; i < N; i++) {
            byte[] m = b(i % 3 == 0 ? String.valueOf(i) : "m" + i);
            s.add(m, 0, m.length, 512);
            h.set(b("f" + i), b(i % 5 == 0 ? String.valueOf(i) : "value " + i), 128, 64);
            z.add(r.nextInt(300) / 3.0, b("z" + i), 0, 128, 64, null);
        }
        return new Object[] {s, h, z};
    }

    private static byte[] whole(Object v, long expire) {
        AofOutput out = new AofOutput(1024);
        AofValueCommands.key(out, KEY, v, expire);
        return Arrays.copyOf(out.array(), out.size());
    }

    private static byte[] inParts(AofValueParts p, long expire, long step) {
        RdbOutput out = new RdbOutput(false);
        p.begin(KEY, 0, KEY.length, expire);
        while (!p.write(out, step)) {
            // the next commands
        }
        return out.toByteArray();
    }

    /** The commands of a value written in parts are those written at once, byte for byte. */
    @Test
    void partsAreTheWholeCommandsByteForByte() {
        for (Object v : values()) {
            for (long expire : new long[] {-1, 1_900_000_000_000L}) {
                for (long step : new long[] {1, 700, 4096, Long.MAX_VALUE}) {
                    assertArrayEquals(whole(v, expire), inParts(AofValueParts.of(v), expire, step));
                }
                assertArrayEquals(whole(v, expire), inParts(AofValueParts.frozen(v), expire, 4096));
            }
        }
    }

    @Test
    void smallValuesAndFieldTtlsGoWhole() {
        SetValue s = SetValue.newHashtable();
        s.add(b("a"), 0, 1, 512);
        assertNull(AofValueParts.of(s));
        assertNull(AofValueParts.of(b("string")));
    }
}
