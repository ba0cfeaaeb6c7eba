package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class IntsetTest {
    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    private static byte[] of(long... values) {
        byte[] is = Intset.empty();
        for (long v : values) {
            is = Intset.add(is, v);
        }
        return is;
    }

    // The expected blobs are what DUMP of the same SADDs shows on redis-server 7.0.15.
    @Test
    void sixteenBitBlobIsRedisLayout() {
        assertArrayEquals(bytes(2, 0, 0, 0, 3, 0, 0, 0, 0xfb, 0xff, 1, 0, 2, 0), of(1, 2, -5));
    }

    @Test
    void upgradeTo32BitAppendsThePositiveValue() {
        assertArrayEquals(bytes(4, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0x70, 0x11, 1, 0), of(1, 70000));
    }

    @Test
    void upgradeTo64BitPrependsTheNegativeValueAndRemovingNeverNarrows() {
        byte[] is = of(1, 70000, -3000000000L);
        assertArrayEquals(bytes(8, 0, 0, 0, 3, 0, 0, 0,
                0x00, 0xa2, 0x2f, 0x4d, 0xff, 0xff, 0xff, 0xff,
                1, 0, 0, 0, 0, 0, 0, 0,
                0x70, 0x11, 1, 0, 0, 0, 0, 0), is);
        is = Intset.remove(is, 70000);
        is = Intset.remove(is, -3000000000L);
        assertArrayEquals(bytes(8, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0), is);
    }

    @Test
    void presentAndAbsentValuesKeepTheSameArray() {
        byte[] is = of(5, 7);
        assertSame(is, Intset.add(is, 5));
        assertSame(is, Intset.remove(is, 6));
        assertSame(is, Intset.remove(is, Long.MAX_VALUE));
        assertFalse(Intset.contains(is, Long.MIN_VALUE));
        assertTrue(Intset.contains(is, 7));
    }

    @Test
    void extremesRoundTrip() {
        byte[] is = of(Long.MAX_VALUE, Long.MIN_VALUE, 0, Integer.MIN_VALUE, Short.MAX_VALUE);
        assertEquals(Intset.INT64, Intset.encoding(is));
        assertEquals(Long.MIN_VALUE, Intset.min(is));
        assertEquals(Long.MAX_VALUE, Intset.max(is));
        assertEquals(Integer.MIN_VALUE, Intset.get(is, 1));
        assertEquals(is.length, Intset.blobLength(is));
    }

    /** Random adds and removes against a TreeSet, over all three widths. */
    @Test
    void behavesLikeASortedSet() {
        Random r = new Random(7);
        for (int round = 0; round < 200; round++) {
            TreeSet<Long> model = new TreeSet<>();
            byte[] is = Intset.empty();
            int expectedEncoding = Intset.INT16;
            for (int op = 0; op < 300; op++) {
                long v = randomValue(r, round % 3);
                if (r.nextInt(3) == 0) {
                    byte[] after = Intset.remove(is, v);
                    assertEquals(model.remove(v), after != is);
                    is = after;
                } else {
                    byte[] after = Intset.add(is, v);
                    assertEquals(model.add(v), after != is);
                    is = after;
                    expectedEncoding = Math.max(expectedEncoding, Intset.encodingOf(v));
                }
                assertEquals(expectedEncoding, Intset.encoding(is));
                assertEquals(model.size(), Intset.size(is));
                assertEquals(Intset.HEADER + model.size() * expectedEncoding, is.length);
                long probe = randomValue(r, 2);
                assertEquals(model.contains(probe), Intset.contains(is, probe));
            }
            List<Long> got = new ArrayList<>();
            for (int i = 0; i < Intset.size(is); i++) {
                got.add(Intset.get(is, i));
            }
            assertEquals(new ArrayList<>(model), got);
        }
    }

    private static long randomValue(Random r, int widest) {
        switch (r.nextInt(widest + 1)) {
            case 0:
                return r.nextInt(200) - 100;
            case 1:
                return r.nextInt();
            default:
                return r.nextBoolean() ? r.nextLong() : r.nextInt(200) - 100;
        }
    }
}
