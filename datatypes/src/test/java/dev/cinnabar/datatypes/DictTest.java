package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
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

class DictTest {
    private static byte[] k(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void putGetRemoveAgreeWithAHashMap() {
        Dict<Integer> d = new Dict<>(42);
        Map<String, Integer> model = new HashMap<>();
        Random r = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            String key = "k" + r.nextInt(5000);
            switch (r.nextInt(3)) {
                case 0:
                    assertEquals(model.put(key, i), d.put(k(key), i));
                    break;
                case 1:
                    Dict.Entry<Integer> e = d.remove(k(key));
                    Integer old = model.remove(key);
                    assertEquals(old, e == null ? null : e.value());
                    break;
                default:
                    assertEquals(model.get(key), d.get(k(key)));
                    break;
            }
            assertEquals(model.size(), d.size());
        }
    }

    @Test
    void tableLengthsShowBothTablesWhileRehashing() {
        Dict<Integer> d = new Dict<>(1);
        assertEquals(0, d.tableLength(0));
        assertEquals(0, d.tableLength(1));
        for (int i = 0; i < 4; i++) {
            d.put(k("k" + i), i);
        }
        assertEquals(4, d.tableLength(0));
        d.put(k("k4"), 4);
        assertTrue(d.isRehashing());
        assertEquals(4, d.tableLength(0));
        assertEquals(8, d.tableLength(1));
        assertEquals(12, d.buckets());
        while (d.rehash(1)) {
            // finish the move
        }
        assertEquals(8, d.tableLength(0));
        assertEquals(0, d.tableLength(1));
    }

    @Test
    void growingTriggersIncrementalRehashThatEndsWithOneTable() {
        Dict<Integer> d = new Dict<>(1);
        for (int i = 0; i < 4; i++) {
            d.put(k("a" + i), i);
        }
        assertFalse(d.isRehashing());
        d.put(k("a4"), 4);
        assertTrue(d.isRehashing(), "the fifth key into four buckets starts a resize");
        // Every key stays reachable while entries sit in either table.
        for (int i = 0; i <= 4; i++) {
            assertEquals(i, d.get(k("a" + i)));
        }
        while (d.rehash(1)) {
            // one bucket at a time, as lookups would drive it
        }
        assertFalse(d.isRehashing());
        assertEquals(8, d.buckets());
        for (int i = 0; i <= 4; i++) {
            assertEquals(i, d.get(k("a" + i)));
        }
    }

    @Test
    void rehashStepIsBoundedByEmptyBucketVisits() {
        Dict<Integer> d = new Dict<>(3);
        for (int i = 0; i < 1024; i++) {
            d.put(k("x" + i), i);
        }
        while (d.rehash(100)) {
            // settle into one table
        }
        assertEquals(1024, d.buckets());
        // Leave keys only in buckets 100 and up, so a step from bucket 0 finds nothing to move.
        int kept = 0;
        for (int i = 0; i < 1024; i++) {
            byte[] key = k("x" + i);
            if ((d.hashOf(key, 0, key.length) & 1023) < 100) {
                d.remove(key);
            } else if (kept < 40) {
                kept++;
            } else {
                d.remove(key);
            }
        }
        assertTrue(d.shrinkIfSparse());
        assertTrue(d.rehash(1), "one step gives up after ten empty buckets");
        assertEquals(10, d.rehashIndex());
        assertTrue(d.rehash(5));
        assertEquals(60, d.rehashIndex());
        while (d.rehash(1)) {
            // finish
        }
        assertEquals(kept, d.size());
        assertEquals(64, d.buckets());
    }

    @Test
    void findOrCreateCopiesTheKeyAndReturnsTheSameEntryNextTime() {
        Dict<String> d = new Dict<>();
        byte[] buf = k("__key__");
        Dict.Entry<String> e = d.findOrCreate(buf, 2, 3);
        assertNull(e.value());
        e.value("v");
        buf[2] = 'X';
        assertEquals("key", s(e.key()));
        assertSame(e, d.findOrCreate(k("key"), 0, 3));
        assertEquals(1, d.size());
    }

    @Test
    void fullScanWithoutChangesReturnsEveryKey() {
        Dict<Integer> d = new Dict<>(9);
        for (int i = 0; i < 1000; i++) {
            d.put(k("k" + i), i);
        }
        Set<String> seen = new HashSet<>();
        long cursor = 0;
        do {
            cursor = d.scan(cursor, e -> seen.add(s(e.key())));
        } while (cursor != 0);
        assertEquals(1000, seen.size());
    }

    /**
     * The SCAN guarantee as a property: across random growth, shrinking and rehash states, every
     * key present from the first call to the last is returned at least once.
     */
    @Test
    void scanReturnsEveryKeyPresentThroughoutWhileKeysComeAndGo() {
        for (long seed = 0; seed < 60; seed++) {
            Random r = new Random(seed);
            Dict<Integer> d = new Dict<>(seed);
            int initial = 1 + r.nextInt(3000);
            List<String> stable = new ArrayList<>();
            for (int i = 0; i < initial; i++) {
                String key = "s" + i;
                d.put(k(key), i);
                if (r.nextInt(3) != 0) {
                    stable.add(key); // never deleted during the scan
                }
            }
            Set<String> volatileKeys = new HashSet<>();
            for (int i = 0; i < initial; i++) {
                volatileKeys.add("s" + i);
            }
            volatileKeys.removeAll(stable);
            List<String> volatileList = new ArrayList<>(volatileKeys);

            Set<String> seen = new HashSet<>();
            long cursor = 0;
            int added = 0;
            do {
                cursor = d.scan(cursor, e -> seen.add(s(e.key())));
                int action = r.nextInt(10);
                if (action < 3 && added < 4 * initial) {
                    // a burst of inserts, which grows the table mid-scan (bounded, or the scan never ends)
                    int n = r.nextInt(500);
                    for (int i = 0; i < n; i++) {
                        d.put(k("n" + seed + "_" + added++), 0);
                    }
                } else if (action < 6 && !volatileList.isEmpty()) {
                    // a burst of deletes, which may let the table shrink mid-scan
                    int n = r.nextInt(volatileList.size() + 1);
                    for (int i = 0; i < n && !volatileList.isEmpty(); i++) {
                        d.remove(k(volatileList.remove(volatileList.size() - 1)));
                    }
                    d.shrinkIfSparse();
                } else if (action < 8) {
                    d.rehash(r.nextInt(20));
                }
            } while (cursor != 0);
            for (String key : stable) {
                assertTrue(seen.contains(key), "seed " + seed + " missed " + key);
            }
        }
    }

    @Test
    void cursorSurvivesRemovalOfTheReturnedEntry() {
        Dict<Integer> d = new Dict<>(5);
        for (int i = 0; i < 500; i++) {
            d.put(k("c" + i), i);
        }
        int visited = 0;
        try (Dict<Integer>.Cursor c = d.cursor()) {
            while (c.hasNext()) {
                Dict.Entry<Integer> e = c.next();
                visited++;
                if (e.value() % 2 == 0) {
                    assertNotNull(d.remove(e.key()));
                }
            }
        }
        assertEquals(500, visited);
        assertEquals(250, d.size());
    }

    @Test
    void randomEntriesComeFromTheDictAndCoverIt() {
        Dict<Integer> d = new Dict<>(11);
        for (int i = 0; i < 50; i++) {
            d.put(k("r" + i), i);
        }
        d.put(k("r50"), 50);
        Random r = new Random(3);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 5000; i++) {
            Dict.Entry<Integer> e = d.fairRandomEntry(r);
            assertNotNull(d.get(e.key()));
            seen.add(e.value());
        }
        assertEquals(51, seen.size());
        assertNull(new Dict<Integer>().randomEntry(r));
    }

    @Test
    void sampleReturnsDistinctEntriesUpToTheSize() {
        Dict<Integer> d = new Dict<>(12);
        for (int i = 0; i < 7; i++) {
            d.put(k("q" + i), i);
        }
        @SuppressWarnings("unchecked")
        Dict.Entry<Integer>[] out = new Dict.Entry[20];
        int n = d.sample(new Random(1), out);
        assertTrue(n > 0 && n <= 7);
        Set<Integer> distinct = new HashSet<>();
        for (int i = 0; i < n; i++) {
            distinct.add(out[i].value());
        }
        assertEquals(n, distinct.size());
    }

    /** A chain longer than the sample still has its tail picked now and then, as Redis's reservoir does. */
    @Test
    void sampleReachesTheTailOfLongChains() {
        Dict<Integer> d = new Dict<>(1);
        d.resizeAllowed(false);
        for (int i = 0; i < 20; i++) {
            d.put(("k" + i).getBytes(StandardCharsets.US_ASCII), i);
        }
        assertEquals(4, d.buckets());
        Random r = new Random(3);
        Set<Integer> seen = new HashSet<>();
        @SuppressWarnings("unchecked")
        Dict.Entry<Integer>[] out = new Dict.Entry[3];
        for (int round = 0; round < 3000; round++) {
            int n = d.sample(r, out);
            assertEquals(3, n);
            Set<Integer> distinct = new HashSet<>();
            for (int i = 0; i < n; i++) {
                distinct.add(out[i].value());
                seen.add(out[i].value());
            }
            assertEquals(3, distinct.size());
        }
        assertEquals(20, seen.size());
    }

    @Test
    void expandMakesRoomAtOnceAsLoadingADumpNeeds() {
        Dict<Integer> d = new Dict<>();
        d.expand(1000);
        assertEquals(1024, d.tableLength(0));
        for (int i = 0; i < 1000; i++) {
            d.put(("k" + i).getBytes(StandardCharsets.US_ASCII), i);
        }
        assertFalse(d.isRehashing(), "no resize for the hinted size");
        d.expand(10);
        assertEquals(1024, d.tableLength(0), "a smaller hint changes nothing");
        d.expand(5000);
        assertTrue(d.isRehashing());
        for (int i = 0; i < 1000; i++) {
            assertEquals(i,
                    d.get(("k" + i).getBytes(StandardCharsets.US_ASCII)));
        }
        d.expand(1L << 40); // past the largest table: ignored
        assertEquals(1000, d.size());
    }
}
