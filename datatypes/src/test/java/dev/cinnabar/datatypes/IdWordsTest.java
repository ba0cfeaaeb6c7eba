package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cinnabar.datatypes.value.JvmSizes;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IdWordsTest {
    @Test
    void unsetWordsReadZeroAndReadingMakesNoPage() {
        IdWords w = new IdWords(2);
        assertEquals(0, w.get(0, 0));
        assertEquals(0, w.get(1_000_000, 1));
        assertEquals(0, w.heapBytes());
        w.clear(5_000);
        assertEquals(0, w.heapBytes());
        assertEquals(0, w.used());
    }

    @Test
    void idsAcrossPagesKeepTheirOwnWords() {
        IdWords w = new IdWords(2);
        int[] ids = {0, 1, 1023, 1024, 1025, 4095, 70_000};
        for (int id : ids) {
            w.set(id, 0, id + 1L);
            w.set(id, 1, -id - 1L);
        }
        for (int id : ids) {
            assertEquals(id + 1L, w.get(id, 0));
            assertEquals(-id - 1L, w.get(id, 1));
        }
        assertEquals(0, w.get(2, 0));
        assertEquals(0, w.get(1026, 1));
        assertEquals(ids.length, w.used());
    }

    @Test
    void anIdIsUsedWhileItsFirstWordIsNotZero() {
        IdWords w = new IdWords(3);
        w.set(7, 1, 42); // a later word alone does not count
        assertEquals(0, w.used());
        w.set(7, 0, 9);
        w.set(7, 0, 10);
        assertEquals(1, w.used());
        w.set(7, 0, 0);
        assertEquals(0, w.used());
        w.set(7, 0, 1);
        w.clear(7);
        assertEquals(0, w.used());
        w.clear(7);
        assertEquals(0, w.used());
    }

    @Test
    void aClearedIdReadsNothingWhenReused() {
        IdWords w = new IdWords(2);
        w.set(3, 0, 99);
        w.set(3, 1, 0xabcdef);
        w.set(4, 0, 5);
        w.clear(3);
        assertEquals(0, w.get(3, 0));
        assertEquals(0, w.get(3, 1));
        assertEquals(5, w.get(4, 0), "the neighbour keeps its words");
        w.set(3, 0, 100);
        assertEquals(0, w.get(3, 1));
    }

    @Test
    void clearAllGivesEveryPageBack() {
        IdWords w = new IdWords(2);
        w.set(10, 0, 1);
        w.set(5_000, 0, 1);
        w.clearAll();
        assertEquals(0, w.used());
        assertEquals(0, w.heapBytes());
        assertEquals(0, w.get(10, 0));
        assertEquals(0, w.get(5_000, 0));
        w.set(5_000, 1, 3);
        assertEquals(3, w.get(5_000, 1));
    }

    @Test
    void heapCountsTheWordsInUseAndThePages() {
        IdWords w = new IdWords(2);
        w.set(0, 0, 1);
        long onePage = w.heapBytes();
        assertEquals(16 + JvmSizes.ARRAY_HEADER + JvmSizes.referenceArray(4), onePage);
        w.set(1, 0, 1);
        assertEquals(onePage + 16, w.heapBytes());
        w.clear(1);
        assertEquals(onePage, w.heapBytes(), "dropping an id's words gives them back");
        w.set(2047, 0, 1); // the second page
        assertEquals(onePage + 16 + JvmSizes.ARRAY_HEADER, w.heapBytes());
    }

    @Test
    void aRandomWalkMatchesAMap() {
        Random r = new Random(18);
        IdWords w = new IdWords(2);
        Map<Integer, long[]> model = new HashMap<>();
        for (int i = 0; i < 50_000; i++) {
            int id = r.nextInt(6_000);
            switch (r.nextInt(4)) {
                case 0 -> {
                    w.clear(id);
                    model.remove(id);
                }
                default -> {
                    int word = r.nextInt(2);
                    long v = r.nextInt(3) == 0 ? 0 : r.nextLong();
                    w.set(id, word, v);
                    model.computeIfAbsent(id, x -> new long[2])[word] = v;
                }
            }
        }
        int used = 0;
        for (int id = 0; id < 6_000; id++) {
            long[] m = model.getOrDefault(id, new long[2]);
            assertEquals(m[0], w.get(id, 0), "id " + id);
            assertEquals(m[1], w.get(id, 1), "id " + id);
            used += m[0] != 0 ? 1 : 0;
        }
        assertEquals(used, w.used());
    }

    @Test
    void aWidthBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new IdWords(0));
    }
}
