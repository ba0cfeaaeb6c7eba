package dev.cinnabar.datatypes.value;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.MemberTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SetValueTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static SetValue of(long max, String... members) {
        SetValue s = SetValue.forMember(b(members[0]), 0, b(members[0]).length);
        for (String m : members) {
            s.add(b(m), 0, b(m).length, max);
        }
        return s;
    }

    private static String digest(SetValue s) {
        ValueDigest d = new ValueDigest();
        d.mixInt(SetType.TYPE.objectType());
        SetType.TYPE.digest(s, d);
        return d.hex();
    }

    // Digests and lengths are DEBUG DIGEST-VALUE and DEBUG OBJECT on redis-server 7.0.15.
    @Test
    void intsetDigestAndSerializedLengthMatchRedis() {
        SetValue s = of(512, "1", "2", "-5");
        assertEquals("intset", SetType.TYPE.encoding(s));
        assertEquals(11, SetType.TYPE.rdbType(s));
        assertEquals("29971aac18b3b38d1cef70d99a616ea0db83065f", digest(s));
        assertEquals(15, SetType.TYPE.serializedLength(s, true));
    }

    @Test
    void hashtableDigestAndSerializedLengthMatchRedis() {
        SetValue s = of(512, "a", "1", "-2");
        assertEquals("hashtable", SetType.TYPE.encoding(s));
        assertEquals(2, SetType.TYPE.rdbType(s));
        assertEquals("3ca5dbc216b9ccbc82d2bb2390b21a4616ccaac0", digest(s));
        assertEquals(7, SetType.TYPE.serializedLength(s, true));
    }

    /** DEBUG OBJECT's serializedlength on redis-server 7.0.15, rdbcompression yes and no. */
    @Test
    void serializedLengthsMatchRedis() {
        SetValue bigi = SetValue.newIntset();
        for (int i = 1; i <= 500; i++) {
            bigi.addInteger(i, 512);
        }
        SetValue hbig = SetValue.newIntset();
        for (int i = 1; i <= 600; i++) {
            hbig.addInteger(i, 512);
        }
        SetValue hl = of(512, "x".repeat(50), "123", "-70000", "abc");
        SetValue wide = of(512, "1", "9223372036854775807");
        assertEquals("hashtable", SetType.TYPE.encoding(hbig));
        long[][] expected = {{1010, 1010}, {1675, 1675}, {24, 63}, {25, 25}};
        SetValue[] sets = {bigi, hbig, hl, wide};
        for (int i = 0; i < sets.length; i++) {
            assertEquals(expected[i][0], SetType.TYPE.serializedLength(sets[i], true), "compressed " + i);
            assertEquals(expected[i][1], SetType.TYPE.serializedLength(sets[i], false), "plain " + i);
        }
    }

    @Test
    void digestDoesNotDependOnTheEncoding() {
        SetValue small = of(512, "1", "70000");
        SetValue big = of(1, "1", "70000");
        assertEquals("hashtable", SetType.TYPE.encoding(big));
        assertEquals(digest(small), digest(big));
    }

    @Test
    void nonCanonicalIntegersMakeAHashtable() {
        for (String m : new String[] {"01", "+1", " 1", "-0", "1.0", "99999999999999999999"}) {
            SetValue s = of(512, "1");
            s.add(b(m), 0, b(m).length, 512);
            assertEquals("hashtable", SetType.TYPE.encoding(s), m);
            assertTrue(s.contains(b("1"), 0, 1));
        }
    }

    @Test
    void thresholdIsCountedAfterTheAdd() {
        SetValue s = of(3, "1", "2", "3");
        assertTrue(s.isIntset());
        s.add(b("2"), 0, 1, 3);
        assertTrue(s.isIntset());
        s.add(b("4"), 0, 1, 3);
        assertFalse(s.isIntset());
        SetValue zero = SetValue.forMember(b("5"), 0, 1);
        zero.add(b("5"), 0, 1, 0);
        assertFalse(zero.isIntset());
    }

    @Test
    void duplicateIsDeepAndKeepsTheEncoding() {
        for (SetValue s : new SetValue[] {of(512, "1", "2"), of(512, "x", "1")}) {
            SetValue copy = (SetValue) SetType.TYPE.duplicate(s);
            assertNotSame(s, copy);
            assertEquals(SetType.TYPE.encoding(s), SetType.TYPE.encoding(copy));
            copy.add(b("3"), 0, 1, 512);
            assertFalse(s.contains(b("3"), 0, 1));
            // The copy is sized for its members at once, the original grew a member at a time.
            assertTrue(SetType.TYPE.heapSize(SetType.TYPE.duplicate(s)) <= SetType.TYPE.heapSize(s));
        }
    }

    /** Random adds, removes and lookups against a HashSet, crossing intset to hashtable. */
    @Test
    void behavesLikeAHashSet() {
        Random r = new Random(11);
        for (int round = 0; round < 100; round++) {
            long max = 1 + r.nextInt(40);
            Set<String> model = new HashSet<>();
            SetValue s = SetValue.newIntset();
            boolean everText = false;
            for (int op = 0; op < 400; op++) {
                String m = member(r, round % 4 == 0);
                byte[] mb = b(m);
                if (r.nextInt(3) == 0) {
                    assertEquals(model.remove(m), s.remove(mb, 0, mb.length), m);
                } else {
                    assertEquals(model.add(m), s.add(mb, 0, mb.length, max), m);
                    everText |= !m.matches("-?[1-9][0-9]*|0");
                }
                assertEquals(model.size(), s.size());
                if (s.isIntset()) {
                    assertFalse(everText);
                    assertTrue(model.size() <= max);
                }
                String probe = member(r, true);
                assertEquals(model.contains(probe), s.contains(b(probe), 0, b(probe).length));
            }
            List<String> members = new ArrayList<>();
            s.forEach(x -> members.add(new String(SetValue.bytesOf(x), StandardCharsets.ISO_8859_1)));
            assertEquals(model, new HashSet<>(members));
            assertEquals(model.size(), members.size());
            if (!model.isEmpty()) {
                String random = new String(SetValue.bytesOf(s.randomMember(r)), StandardCharsets.ISO_8859_1);
                assertTrue(model.contains(random));
            }
        }
    }

    /**
     * A large hashtable set grown, drained at random (as SPOP drains one) and grown again: the
     * members stay a HashSet's, every random pick is a member, the heap figure is the sum of its
     * parts, and a drained set gives its slots back.
     */
    @Test
    void largeHashtableGrowsDrainsAndKeepsItsHeapFigure() {
        Random r = new Random(5);
        SetValue s = SetValue.newHashtable();
        Set<String> model = new HashSet<>();
        for (int i = 0; i < 50_000; i++) {
            String m = "member:" + r.nextInt(40_000);
            assertEquals(model.add(m), s.add(b(m), 0, b(m).length, 512));
        }
        long full = s.heapSize();
        while (model.size() > 100) {
            byte[] m = (byte[]) s.randomMember(r);
            assertTrue(model.remove(new String(m, StandardCharsets.ISO_8859_1)));
            assertTrue(s.removeMember(m));
            assertEquals(model.size(), s.size());
        }
        // The index shrinks by Redis's rule (under a tenth full), so a small set keeps some room.
        assertHeapIsItsParts(s, 8192);
        assertTrue(s.heapSize() < full / 50, s.heapSize() + " against " + full);
        for (String m : model) {
            assertTrue(s.contains(b(m), 0, b(m).length), m);
        }
        for (int i = 0; i < 5000; i++) {
            String m = "again:" + i;
            model.add(m);
            s.add(b(m), 0, b(m).length, 512);
        }
        List<String> members = new ArrayList<>();
        s.forEach(x -> members.add(new String(SetValue.bytesOf(x), StandardCharsets.ISO_8859_1)));
        assertEquals(model, new HashSet<>(members));
        assertEquals(model.size(), members.size());
        assertHeapIsItsParts(s, 512);
    }

    private static void assertHeapIsItsParts(SetValue s, long slack) {
        long[] members = {0};
        s.forEach(m -> members[0] += JvmSizes.byteArray(((byte[]) m).length));
        // The slots' arrays are not visible from here; what is left once the members and the
        // object are taken away is theirs and the index's: under the 32 bytes a dict entry alone took.
        assertEquals(SetValue.OBJECT + ((MemberTable) s.hashTable()).recountHeapBytes(), s.heapSize());
        long rest = s.heapSize() - SetValue.OBJECT - members[0];
        assertTrue(rest > 0 && rest <= 32L * s.size() + slack, rest + " for " + s.size() + " members");
    }

    /** Picks by slot are uniform: each of 300 members comes up about as often as the others. */
    @Test
    void randomMembersOfAHashtableAreUniform() {
        SetValue s = SetValue.newHashtable();
        for (int i = 0; i < 300; i++) {
            s.add(b("m" + i), 0, b("m" + i).length, 512);
        }
        // Holes from removals must not skew the draw either.
        for (int i = 0; i < 300; i += 3) {
            s.remove(b("m" + i), 0, b("m" + i).length);
        }
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        Random r = new Random(9);
        int draws = 200_000;
        for (int i = 0; i < draws; i++) {
            counts.merge(new String((byte[]) s.randomMember(r), StandardCharsets.ISO_8859_1), 1, Integer::sum);
        }
        assertEquals(200, counts.size());
        double expected = draws / 200.0;
        for (int c : counts.values()) {
            assertTrue(Math.abs(c - expected) < expected * 0.25, c + " against " + expected);
        }
    }

    /** SSCAN's walk returns every member present throughout, while others come and go. */
    @Test
    void scanReturnsEveryMemberPresentThroughout() {
        SetValue s = SetValue.newHashtable();
        for (int i = 0; i < 3000; i++) {
            s.add(b("stay" + i), 0, b("stay" + i).length, 512);
        }
        Set<String> seen = new HashSet<>();
        long cursor = 0;
        int step = 0;
        do {
            cursor = s.scan(cursor, m -> seen.add(new String(m, StandardCharsets.ISO_8859_1)));
            step++;
            for (int k = 0; k < 200; k++) {
                String m = "tmp" + (step % 7) + ":" + k;
                if (step % 2 == 0) {
                    s.add(b(m), 0, b(m).length, 512);
                } else {
                    s.remove(b(m), 0, b(m).length);
                }
            }
        } while (cursor != 0);
        for (int i = 0; i < 3000; i++) {
            assertTrue(seen.contains("stay" + i), "stay" + i);
        }
    }

    private static String member(Random r, boolean text) {
        if (text && r.nextInt(5) == 0) {
            return "m" + r.nextInt(30);
        }
        return Long.toString(r.nextInt(60) - 20);
    }
}
