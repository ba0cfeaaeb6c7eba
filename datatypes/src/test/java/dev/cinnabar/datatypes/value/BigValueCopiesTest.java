package dev.cinnabar.datatypes.value;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * COPY of a hashtable set or hash and of a skiplist sorted set copies their arrays instead of
 * adding every member again: the copy and the original then live apart, whatever either does,
 * lookups included (the index was copied, not rebuilt).
 */
class BigValueCopiesTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void aCopiedSetLivesApart() {
        SetValue a = SetValue.newHashtable();
        Map<String, Boolean> ma = new HashMap<>();
        for (int i = 0; i < 5000; i++) {
            a.add(b("m" + i), 0, b("m" + i).length, 512);
            ma.put("m" + i, true);
        }
        SetValue c = (SetValue) SetType.TYPE.duplicate(a);
        Map<String, Boolean> mc = new HashMap<>(ma);
        Random r = new Random(1);
        for (int op = 0; op < 20_000; op++) {
            boolean onCopy = r.nextBoolean();
            SetValue s = onCopy ? c : a;
            Map<String, Boolean> m = onCopy ? mc : ma;
            byte[] k = b("m" + r.nextInt(8000));
            if (r.nextBoolean()) {
                assertEquals(m.put(s(k), true) == null, s.add(k, 0, k.length, 512));
            } else {
                assertEquals(m.remove(s(k)) != null, s.remove(k, 0, k.length));
            }
        }
        for (SetValue s : new SetValue[] {a, c}) {
            Map<String, Boolean> m = s == a ? ma : mc;
            assertEquals(m.size(), s.size());
            for (int i = 0; i < 8000; i++) {
                byte[] k = b("m" + i);
                assertEquals(m.containsKey(s(k)), s.contains(k, 0, k.length), s(k));
            }
        }
    }

    @Test
    void aCopiedHashLivesApartEvenForValuesRewrittenInPlace() {
        HashValue a = new HashValue();
        for (int i = 0; i < 5000; i++) {
            a.set(b("f" + i), b(value(i, 'a')), 128, 64);
        }
        HashValue c = (HashValue) HashType.TYPE.duplicate(a);
        for (int i = 0; i < 5000; i++) {
            // The same lengths, long ones included: rewritten where they are.
            a.set(b("f" + i), b(value(i, 'b')), 128, 64);
        }
        c.set(b("only in the copy"), b("1"), 128, 64);
        for (int i = 0; i < 5000; i++) {
            assertArrayEquals(b(value(i, 'b')), a.get(b("f" + i)));
            assertArrayEquals(b(value(i, 'a')), c.get(b("f" + i)));
        }
        assertEquals(5000, a.size());
        assertEquals(5001, c.size());
    }

    private static String value(int i, char c) {
        return String.valueOf(c).repeat(i % 7 == 0 ? 200 : 10) + i;
    }

    @Test
    void aCopiedSortedSetLivesApart() {
        ZSetValue a = ZSetValue.newSkiplist();
        TreeMap<String, Double> ma = new TreeMap<>();
        Random r = new Random(2);
        for (int i = 0; i < 5000; i++) {
            double score = r.nextInt(100);
            a.add(score, b("z" + i), 0, 128, 64, null);
            ma.put("z" + i, score);
        }
        ZSetValue c = (ZSetValue) ZSetType.TYPE.duplicate(a);
        TreeMap<String, Double> mc = new TreeMap<>(ma);
        for (int op = 0; op < 20_000; op++) {
            boolean onCopy = r.nextBoolean();
            ZSetValue z = onCopy ? c : a;
            TreeMap<String, Double> m = onCopy ? mc : ma;
            String k = "z" + r.nextInt(8000);
            if (r.nextInt(3) > 0) {
                double score = r.nextInt(100);
                z.add(score, b(k), 0, 128, 64, null);
                m.put(k, score);
            } else {
                assertEquals(m.remove(k) != null, z.remove(b(k)));
            }
        }
        for (ZSetValue z : new ZSetValue[] {a, c}) {
            TreeMap<String, Double> m = z == a ? ma : mc;
            assertEquals(m.size(), z.size());
            Map<String, Double> seen = new TreeMap<>();
            z.forEach((member, score) -> seen.put(s(member.toBytes()), score));
            assertEquals(m, seen);
            for (int i = 0; i < 8000; i++) {
                String k = "z" + i;
                assertEquals(m.containsKey(k), !Double.isNaN(z.score(b(k))), k);
            }
        }
    }
}
