package dev.cinnabar.datatypes.value;

import static org.junit.jupiter.api.Assertions.*;

import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.MemberTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HashValueTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String s(Listpack.Entry e) {
        return e.toString();
    }

    private static Map<String, String> contents(HashValue h) {
        Map<String, String> m = new LinkedHashMap<>();
        h.forEach((f, v) -> assertNull(m.put(s(f), s(v)), "a field twice"));
        return m;
    }

    /** What the heap figure should be, counted from scratch. */
    private static long recount(HashValue h) {
        if (h.isListpack()) {
            return HashType.HASH_OBJECT + HashType.LISTPACK_OBJECT + JvmSizes.byteArray(h.listpack().capacity());
        }
        return HashType.HASH_OBJECT + ((MemberTable) h.hashTable()).recountHeapBytes();
    }

    private static String randomText(Random r) {
        switch (r.nextInt(6)) {
            case 0: return Long.toString(r.nextLong());
            case 1: return Integer.toString(r.nextInt(200) - 100);
            case 2: return "x".repeat(r.nextInt(80));
            case 3: return "0" + r.nextInt(10);
            default: return "f" + r.nextInt(40);
        }
    }

    /** Random sets and deletes against a HashMap, with thresholds that make hashes convert. */
    @Test
    void behavesLikeAMapAcrossTheConversion() {
        Random r = new Random(7);
        int conversions = 0;
        for (int round = 0; round < 60; round++) {
            long maxEntries = r.nextInt(40);
            long maxValue = r.nextBoolean() ? 64 : r.nextInt(20);
            HashValue h = new HashValue();
            Map<String, String> model = new HashMap<>();
            boolean wasDict = false;
            for (int op = 0; op < 300; op++) {
                String f = randomText(r);
                if (r.nextInt(3) > 0) {
                    String v = randomText(r);
                    boolean shouldConvert = h.isListpack() && (f.length() > maxValue || v.length() > maxValue
                            || (!model.containsKey(f) && model.size() + 1 > maxEntries));
                    boolean updated = h.set(b(f), b(v), maxEntries, maxValue);
                    assertEquals(model.containsKey(f), updated);
                    model.put(f, v);
                    if (shouldConvert) {
                        assertFalse(h.isListpack(), "converted once over a threshold");
                    }
                } else {
                    assertEquals(model.remove(f) != null, h.delete(b(f), 0, f.length()));
                }
                if (wasDict) {
                    assertFalse(h.isListpack(), "never back to a listpack");
                }
                if (!h.isListpack() && !wasDict) {
                    conversions++;
                }
                wasDict = !h.isListpack();
                assertEquals(model.size(), h.size());
                assertEquals(recount(h), HashType.TYPE.heapSize(h));
                String probe = randomText(r);
                assertEquals(model.get(probe), h.get(b(probe)) == null ? null : new String(h.get(b(probe)), StandardCharsets.ISO_8859_1));
                assertEquals(model.containsKey(probe), h.contains(b(probe), 0, probe.length()));
            }
            assertEquals(model, contents(h));
            HashValue copy = (HashValue) HashType.TYPE.duplicate(h);
            assertEquals(model, contents(copy));
            assertEquals(HashType.TYPE.encoding(h), HashType.TYPE.encoding(copy));
            copy.set(b("only-in-copy"), b("1"), maxEntries, maxValue);
            assertNull(h.get(b("only-in-copy")));
        }
        assertTrue(conversions > 10, "the run crossed the conversion often: " + conversions);
    }

    @Test
    void aValueOfTheSameLengthOverwritesTheOldOneWithoutTouchingCopiesOrTheArgument() {
        HashValue h = new HashValue();
        for (int i = 0; i < 200; i++) {
            h.set(b("field" + i), b("v" + (i % 10)), 128, 64);
        }
        assertFalse(h.isListpack());
        HashValue copy = (HashValue) HashType.TYPE.duplicate(h);
        long heap = HashType.TYPE.heapSize(h);
        byte[] argument = b("xxABxx");
        assertTrue(h.set(b("field7"), 0, 6, argument, 2, 2, 128, 64));
        argument[2] = 'Z';
        assertArrayEquals(b("AB"), h.get(b("field7")));
        assertArrayEquals(b("v7"), copy.get(b("field7")));
        assertEquals(heap, HashType.TYPE.heapSize(h));
        assertTrue(h.set(b("field7"), b("longer"), 128, 64));
        assertArrayEquals(b("longer"), h.get(b("field7")));
        assertEquals(recount(h), HashType.TYPE.heapSize(h));
    }

    @Test
    void listpackKeepsInsertionOrderAndIntegersAsRedisDoes() {
        HashValue h = new HashValue();
        h.set(b("a"), b("1"), 512, 64);
        h.set(b("b"), b("007"), 512, 64);
        h.set(b("a"), b("-9223372036854775808"), 512, 64);
        assertEquals(List.of("a", "b"), new ArrayList<>(contents(h).keySet()));
        assertEquals("-9223372036854775808", contents(h).get("a"));
        assertEquals("listpack", HashType.TYPE.encoding(h));
        assertEquals(16, HashType.TYPE.rdbType(h));
        Listpack.Entry e = new Listpack.Entry();
        assertTrue(h.get(b("a"), 0, 1, e));
        assertTrue(e.isInteger);
        assertTrue(h.get(b("b"), 0, 1, e));
        assertFalse(e.isInteger);
        h.convertToDict();
        assertEquals("hashtable", HashType.TYPE.encoding(h));
        assertEquals(4, HashType.TYPE.rdbType(h));
        assertEquals(Map.of("a", "-9223372036854775808", "b", "007"), contents(h));
    }

    @Test
    void conversionOnLongArguments() {
        HashValue h = new HashValue();
        h.set(b("a"), b("1"), 512, 64);
        h.convertIfLonger(64, 200, 64);
        assertTrue(h.isListpack());
        h.convertIfLonger(65, 200, 64);
        assertFalse(h.isListpack());
    }

    @Test
    void aListpackOverALoweredEntryLimitConvertsAtItsNextSetEvenAnUpdate() {
        HashValue h = new HashValue();
        for (String f : new String[] {"a", "b", "c"}) {
            assertFalse(h.set(b(f), b("1"), 512, 64));
        }
        assertTrue(h.isListpack());
        assertTrue(h.set(b("a"), b("5"), 2, 64), "an update, not a new field");
        assertFalse(h.isListpack());
        assertEquals(Map.of("a", "5", "b", "1", "c", "1"), contents(h));
    }

    @Test
    void digestIsTheSameInBothEncodingsAndAnyOrder() {
        HashValue a = new HashValue();
        HashValue b = new HashValue();
        for (int i = 0; i < 20; i++) {
            a.set(b("f" + i), b(Integer.toString(i * 1000)), 512, 64);
            b.set(b("f" + (19 - i)), b(Integer.toString((19 - i) * 1000)), 512, 64);
        }
        b.convertToDict();
        ValueDigest da = new ValueDigest();
        ValueDigest db = new ValueDigest();
        HashType.TYPE.digest(a, da);
        HashType.TYPE.digest(b, db);
        assertEquals(da.hex(), db.hex());
        assertNotEquals(new ValueDigest().hex(), da.hex());
    }

    @Test
    void randomPairsComeFromTheHash() {
        SplittableRandom random = new SplittableRandom(3);
        for (boolean dict : new boolean[] {false, true}) {
            HashValue h = new HashValue();
            for (int i = 0; i < 10; i++) {
                h.set(b("f" + i), b("v" + i), 512, 64);
            }
            if (dict) {
                h.convertToDict();
            }
            Set<String> seen = new HashSet<>();
            Listpack.Entry f = new Listpack.Entry();
            Listpack.Entry v = new Listpack.Entry();
            for (int i = 0; i < 500; i++) {
                h.randomPair(random, f, v);
                assertEquals("v" + s(f).substring(1), s(v));
                seen.add(s(f));
            }
            assertEquals(10, seen.size());
        }
    }
}
