package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MemberIndexTest {
    private static final long SEED = 42;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A skiplist and its index, changed together as a sorted set changes them. */
    private static final class Indexed {
        final SkipList list = new SkipList();
        /** Hashed with a fixed seed, for layouts that repeat from run to run and match a Dict's. */
        final MemberIndex index = new MemberIndex(list) {
            @Override
            public int hashOf(byte[] member, int off, int len) {
                return Hashing.hash(member, off, len, SEED);
            }
        };

        int add(String member, double score) {
            byte[] m = b(member);
            int hash = index.hashOf(m, 0, m.length);
            assertEquals(SkipList.NIL, index.find(m, 0, m.length, hash));
            int node = list.insert(score, m);
            index.add(node, hash);
            return node;
        }

        int find(String member) {
            byte[] m = b(member);
            return index.find(m, 0, m.length);
        }

        boolean remove(String member) {
            byte[] m = b(member);
            int node = index.remove(m, 0, m.length);
            if (node == SkipList.NIL) {
                return false;
            }
            list.deleteNode(node);
            index.shrinkIfSparse();
            return true;
        }

        Set<String> scanAll() {
            Set<String> seen = new HashSet<>();
            long cursor = 0;
            do {
                cursor = index.scan(cursor, n -> seen.add(s(list.member(n))));
            } while (cursor != 0);
            return seen;
        }
    }

    @Test
    void findAddRemoveAgreeWithAHashMapThroughGrowthAndShrinking() {
        Indexed z = new Indexed();
        Map<String, Double> model = new HashMap<>();
        Random r = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            // The key range widens and narrows, so the tables grow and shrink several times.
            int range = 1 + (int) (5000 * Math.abs(Math.sin(i / 20_000.0)));
            String member = "m" + r.nextInt(range);
            switch (r.nextInt(3)) {
                case 0:
                    if (!model.containsKey(member)) {
                        double score = r.nextInt(100);
                        z.add(member, score);
                        model.put(member, score);
                    }
                    break;
                case 1:
                    assertEquals(model.remove(member) != null, z.remove(member));
                    break;
                default:
                    int node = z.find(member);
                    Double score = model.get(member);
                    assertEquals(score == null, node == SkipList.NIL);
                    if (score != null) {
                        assertArrayEquals(b(member), z.list.member(node));
                        assertEquals(score, z.list.score(node));
                    }
                    break;
            }
            assertEquals(model.size(), z.index.size());
        }
        assertEquals(model.keySet(), z.scanAll());
    }

    /**
     * The index follows a {@link Dict}'s rules step for step (growth, shrinking, one bucket moved
     * per addition and removal), so DEBUG HTSTATS-KEY describes a collection as Redis's dict would
     * after the same changes. Lookups are left out: the index's move no bucket (see heapBytes).
     */
    @Test
    void tablesHaveTheShapeADictWithTheSameSeedHas() {
        Indexed z = new Indexed();
        Dict<Void> d = new Dict<>(SEED);
        Set<String> present = new HashSet<>();
        Random r = new Random(3);
        for (int i = 0; i < 30_000; i++) {
            String member = "member:" + r.nextInt(i < 15_000 ? 4000 : 300);
            byte[] m = b(member);
            if (r.nextInt(3) > 0 && i < 15_000 || r.nextInt(5) == 0) {
                if (present.add(member)) {
                    d.put(m, null);
                    z.add(member, 1);
                }
            } else if (present.remove(member)) {
                d.remove(m);
                d.shrinkIfSparse();
                assertTrue(z.remove(member));
            }
            assertSameShape(d, z.index);
        }
    }

    @Test
    void lookupsMoveNoBucketSoTheHeapFigureFollowsChangesOnly() {
        Indexed z = new Indexed();
        for (int i = 0; i < 1025; i++) {
            z.add("m" + i, i);
        }
        assertTrue(z.index.isRehashing());
        long figure = z.index.heapBytes();
        for (int i = 0; i < 5000; i++) {
            z.find("m" + i);
            z.index.remove(b("absent" + i), 0, b("absent" + i).length);
        }
        assertTrue(z.index.isRehashing());
        assertEquals(figure, z.index.heapBytes());
        for (int i = 0; z.index.isRehashing(); i++) {
            z.add("more" + i, i);
        }
        assertEquals(2048, z.index.tableLength(0));
        assertTrue(z.index.heapBytes() < figure, "the old table went with the last bucket an addition moved");
    }

    private static void assertSameShape(Dict<?> d, MemberIndex index) {
        assertEquals(d.isRehashing(), index.isRehashing());
        for (int which = 0; which <= (d.isRehashing() ? 1 : 0); which++) {
            assertEquals(d.tableLength(which), index.tableLength(which));
            assertEquals(d.used(which), index.used(which));
            for (int bucket = 0; bucket < d.tableLength(which); bucket++) {
                assertEquals(d.chainLength(which, bucket), index.chainLength(which, bucket));
            }
        }
    }

    @Test
    void membersWithEqualHashesAreToldApartByTheirBytes() {
        Indexed z = new Indexed();
        // A bucket of 4 holds many members; each lookup must still land on its own.
        for (int i = 0; i < 4; i++) {
            z.add("x" + i, i);
        }
        assertEquals(4, z.index.tableLength(0));
        for (int i = 0; i < 4; i++) {
            assertEquals(i, z.list.score(z.find("x" + i)));
        }
        assertEquals(SkipList.NIL, z.find("x4"));
        assertEquals(SkipList.NIL, z.find("x"));
    }

    @Test
    void removingANodeByAddressNeedsNoMember() {
        Indexed z = new Indexed();
        for (int i = 0; i < 1000; i++) {
            z.add("m" + i, i);
        }
        // ZPOPMIN's way: the first node, out of the index by its address, then out of the list.
        for (int i = 0; i < 600; i++) {
            int first = z.list.first();
            assertEquals("m" + i, s(z.list.member(first)));
            z.index.remove(first);
            z.list.deleteNode(first);
            z.index.shrinkIfSparse();
        }
        assertEquals(400, z.index.size());
        assertEquals(SkipList.NIL, z.find("m599"));
        assertEquals(600, z.list.score(z.find("m600")));
        int gone = z.add("gone", -1);
        z.index.remove(gone);
        assertThrows(IllegalStateException.class, () -> z.index.remove(gone));
    }

    @Test
    void scanReturnsEveryMemberPresentThroughoutWhileMembersComeAndGo() {
        Indexed z = new Indexed();
        for (int i = 0; i < 2000; i++) {
            z.add("stay" + i, i);
        }
        Set<String> seen = new HashSet<>();
        Random r = new Random(11);
        List<String> transient_ = new ArrayList<>();
        long cursor = 0;
        int step = 0;
        do {
            cursor = z.index.scan(cursor, n -> seen.add(s(z.list.member(n))));
            // Between calls the table grows (and rehashes) then shrinks again.
            if (step++ < 40) {
                for (int k = 0; k < 300; k++) {
                    String m = "tmp" + step + ":" + k;
                    z.add(m, r.nextInt(50));
                    transient_.add(m);
                }
            } else {
                while (!transient_.isEmpty()) {
                    z.remove(transient_.remove(transient_.size() - 1));
                }
            }
        } while (cursor != 0);
        for (int i = 0; i < 2000; i++) {
            assertTrue(seen.contains("stay" + i), "stay" + i);
        }
    }

    @Test
    void rebuildAfterCompactionFindsEveryMemberAtItsNewNode() {
        Indexed z = new Indexed();
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            z.add("m" + i, i % 300);
        }
        for (int i = 0; i < n; i++) {
            if (i % 8 != 0) {
                assertTrue(z.remove("m" + i));
            }
        }
        assertTrue(z.list.worthCompacting());
        // Mid-rehash, so that the rebuild also has to end a resize.
        z.index.expand(40_000);
        assertTrue(z.index.isRehashing());
        int target = z.index.tableLength(1);
        z.list.compact();
        z.index.rebuild();
        assertFalse(z.index.isRehashing());
        assertEquals(target, z.index.tableLength(0));
        assertEquals(n / 8, z.index.size());
        for (int i = 0; i < n; i++) {
            int node = z.find("m" + i);
            assertEquals(i % 8 == 0, node != SkipList.NIL, "m" + i);
            if (node != SkipList.NIL) {
                assertArrayEquals(b("m" + i), z.list.member(node));
                assertEquals(i % 300, z.list.score(node));
            }
        }
        z.add("new", 5);
        assertTrue(z.remove("m0"));
        assertEquals(n / 8, z.index.size());
    }

    @Test
    void expandSizesAnEmptyIndexAtOnceAndHeapFollowsTheTables() {
        Indexed z = new Indexed();
        long empty = z.index.heapBytes();
        z.index.expand(1000);
        assertEquals(1024, z.index.tableLength(0));
        assertFalse(z.index.isRehashing());
        assertEquals(empty + 16 + 4 * 1024, z.index.heapBytes());
        for (int i = 0; i < 1024; i++) {
            z.add("m" + i, i);
        }
        assertFalse(z.index.isRehashing(), "no resize until the table is full");
        z.add("one more", 0);
        assertTrue(z.index.isRehashing());
        assertEquals(2048, z.index.tableLength(1));
    }
}
