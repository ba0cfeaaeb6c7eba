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
            h.set(b("field:" + i), fieldValue(i, false), 128, 64);
        }
        return h;
    }

    /** A field's value, one in ten longer than a slot page keeps inline; the same length either case. */
    private static byte[] fieldValue(int i, boolean upper) {
        String v = "value of field " + i + " repeated repeated repeated" + (i % 10 == 0 ? "x".repeat(150) : "");
        return b(upper ? v.toUpperCase() : v);
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
    private static void sameAsWhole(Object value, int step, boolean compression, boolean frozen) {
        RdbOutput whole = new RdbOutput(compression);
        RdbValues.write(whole, value);
        RdbOutput parts = new RdbOutput(compression);
        RdbValueParts p = frozen ? RdbValueParts.frozen(value) : RdbValueParts.of(value);
        assertNotNull(p);
        p.start(parts);
        while (!p.write(parts, step)) {
            // next part
        }
        assertArrayEquals(whole.toByteArray(), parts.toByteArray());
    }

    @Test
    void partsAreTheWholeValueByteForByte() {
        for (Object v : new Object[] {set(N), hash(N), zset(N), list(N, 0), list(N, 1), stream(N)}) {
            for (int step : new int[] {1, 1000, 1024, N, Integer.MAX_VALUE}) {
                sameAsWhole(v, step, false, false);
                sameAsWhole(v, step, true, false);
                sameAsWhole(v, step, false, true);
            }
        }
    }

    @Test
    void smallValuesAndOtherEncodingsAreWrittenWhole() {
        assertNull(RdbValueParts.of(set(RdbValueParts.MIN_ELEMENTS)));
        SetValue ints = SetValue.newIntset();
        for (int i = 0; i < 100; i++) {
            ints.addInteger(i, 512);
        }
        assertNull(RdbValueParts.of(ints));
        assertNull(RdbValueParts.of(b("a string")));
        assertNull(RdbValueParts.frozen(b("a string")));
    }

    /** A frozen value is written as it was, whatever happens to the original meanwhile. */
    @Test
    void aFrozenValueIsTheValueAsItWas() {
        for (Object v : new Object[] {set(N), hash(N), zset(N), list(N, 1), stream(N)}) {
            RdbOutput whole = new RdbOutput(false);
            RdbValues.write(whole, v);
            RdbValueParts p = RdbValueParts.frozen(v);
            RdbOutput out = new RdbOutput(false);
            p.start(out);
            p.write(out, 5000);
            change(v);
            while (!p.write(out, 5000)) {
                // the rest, from the copy
            }
            assertArrayEquals(whole.toByteArray(), out.toByteArray(), v.getClass().getSimpleName());
        }
    }

    /** Parts detached halfway go on from a copy, where they were, whatever happens to the value. */
    @Test
    void detachedPartsGoOnFromACopyWhereTheyWere() {
        for (Object v : new Object[] {set(N), hash(N), zset(N), list(N, 1), list(N, 0), stream(N)}) {
            RdbOutput whole = new RdbOutput(false);
            RdbValues.write(whole, v);
            RdbValueParts p = RdbValueParts.of(v);
            RdbOutput out = new RdbOutput(false);
            p.start(out);
            p.write(out, 20_000);
            p.detach();
            change(v);
            while (!p.write(out, 5000)) {
                // the rest, from the copy
            }
            assertArrayEquals(whole.toByteArray(), out.toByteArray(), v.getClass().getSimpleName());
        }
    }

    /** Adds to the value, removes from it and rewrites what it holds in place. */
    private static void change(Object v) {
        if (v instanceof SetValue s) {
            for (int i = 0; i < 3000; i++) {
                byte[] m = b("member:" + i);
                s.remove(m, 0, m.length);
                byte[] n = b("other:" + i);
                s.add(n, 0, n.length, 512);
            }
        } else if (v instanceof HashValue h) {
            for (int i = 0; i < 3000; i++) {
                // Same length: rewritten in place.
                h.set(b("field:" + i), fieldValue(i, true), 128, 64);
            }
        } else if (v instanceof ZSetValue z) {
            for (int i = 0; i < 3000; i++) {
                z.add(-i, b("z" + i), 0, 128, 64, null);
                z.remove(b("z" + (i + 3000)));
            }
        } else if (v instanceof ListValue l) {
            for (int i = 0; i < 3000; i++) {
                l.pop(true);
                byte[] e = b("new " + i);
                l.pushTail(e, 0, e.length);
            }
        } else if (v instanceof StreamValue st) {
            for (int i = 0; i < 3000; i++) {
                st.append(st.lastMs + 1, 0, new byte[][] {b("x"), b("y")}, 0, 1, 4096, 100);
            }
        }
    }

    /** A value that changes between parts is refused, never written with a wrong length. */
    @Test
    void aValueChangedBetweenPartsFails() {
        SetValue s = set(N);
        RdbOutput out = new RdbOutput(false);
        RdbValueParts p = RdbValueParts.of(s);
        p.start(out);
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
