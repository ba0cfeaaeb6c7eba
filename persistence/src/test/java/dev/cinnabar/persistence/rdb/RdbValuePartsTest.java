package dev.cinnabar.persistence.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cinnabar.datatypes.value.HashValue;
import dev.cinnabar.datatypes.value.ListValue;
import dev.cinnabar.datatypes.value.SetValue;
import dev.cinnabar.datatypes.value.StreamValue;
import dev.cinnabar.datatypes.value.ZSetValue;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RdbValuePartsTest {
    private static final int N = RdbValueParts.MIN_ELEMENTS + 777;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static SetValue set(int n) {
        SetValue s = SetValue.newHashtable();
        for (int i = 0; i < n; i++) {
            byte[] m = b("member:" + i);
            s.add(m, 0, m.length, 512);
        }
        return s;
    }

    private static HashValue hash(int n) {
        HashValue h = new HashValue();
        for (int i = 0; i < n; i++) {
            h.set(b("field:" + i), b("value of field " + i + " repeated repeated repeated"), 128, 64);
        }
        return h;
    }

    private static ZSetValue zset(int n) {
        ZSetValue z = ZSetValue.newSkiplist();
        Random r = new Random(3);
        for (int i = 0; i < n; i++) {
            z.add(r.nextInt(500) / 7.0, b("z" + i), 0, 128, 64, null);
        }
        return z;
    }

    /** A list of {@code n} elements, its nodes compressed past the first and last when {@code depth} is 1. */
    private static ListValue list(int n, int depth) {
        ListValue l = new ListValue(-2, depth);
        for (int i = 0; i < n; i++) {
            byte[] e = b("element number " + i + " of the list, long enough to compress");
            l.pushTail(e, 0, e.length);
        }
        return l;
    }

    private static StreamValue stream(int n) {
        StreamValue st = new StreamValue();
        for (int i = 0; i < n; i++) {
            st.append(1000 + i / 3, i % 3, new byte[][] {b("sensor"), b("s" + i % 7), b("reading"), b("" + i)}, 0, 2,
                    4096, 100);
        }
        return st;
    }

    /** The value written in parts of {@code step} elements, against the whole of RdbValues. */
    private static void sameAsWhole(Object value, int step, boolean compression) {
        RdbOutput whole = new RdbOutput(compression);
        RdbValues.write(whole, value);
        RdbOutput parts = new RdbOutput(compression);
        RdbValueParts p = RdbValueParts.start(parts, value);
        assertNotNull(p);
        while (!p.write(parts, step)) {
            // next part
        }
        assertArrayEquals(whole.toByteArray(), parts.toByteArray());
    }

    @Test
    void partsAreTheWholeValueByteForByte() {
        for (Object v : new Object[] {set(N), hash(N), zset(N), list(N, 0), list(N, 1), stream(N)}) {
            for (int step : new int[] {1, 1000, 1024, N, Integer.MAX_VALUE}) {
                sameAsWhole(v, step, false);
                sameAsWhole(v, step, true);
            }
        }
    }

    @Test
    void smallValuesAndOtherEncodingsAreWrittenWhole() {
        RdbOutput out = new RdbOutput(false);
        assertNull(RdbValueParts.start(out, set(RdbValueParts.MIN_ELEMENTS)));
        SetValue ints = SetValue.newIntset();
        for (int i = 0; i < 100; i++) {
            ints.addInteger(i, 512);
        }
        assertNull(RdbValueParts.start(out, ints));
        assertNull(RdbValueParts.start(out, b("a string")));
        assertArrayEquals(new byte[0], out.toByteArray());
    }

    /** A value that changes between parts is refused, never written with a wrong length. */
    @Test
    void aValueChangedBetweenPartsFails() {
        SetValue s = set(N);
        RdbOutput out = new RdbOutput(false);
        RdbValueParts p = RdbValueParts.start(out, s);
        p.write(out, 100);
        for (int i = 0; i < 50; i++) {
            byte[] m = b("more:" + i);
            s.add(m, 0, m.length, 512);
        }
        assertThrows(IllegalStateException.class, () -> {
            while (!p.write(out, 1000)) {
                // until it notices
            }
        });
    }
}
