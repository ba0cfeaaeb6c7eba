package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExpiryTimesTest {
    /** Ids spread over many pages of places and a list of several pages, against a map. */
    @Test
    void followsAModelAcrossPagesOfIdsAndOfTheList() {
        ExpiryTimes e = new ExpiryTimes();
        Random r = new Random(7);
        Map<Integer, Long> model = new HashMap<>();
        for (int op = 0; op < 400_000; op++) {
            // Ids from the small first page and from far pages; the list passes 4096 entries.
            int id = r.nextInt(4) == 0 ? r.nextInt(40) : r.nextInt(30_000);
            int what = r.nextInt(op < 200_000 ? 4 : 2);
            if (what == 0 || what >= 2) {
                long when = r.nextLong();
                e.set(id, when);
                model.put(id, when);
            } else {
                assertEquals(model.remove(id) != null, e.remove(id));
            }
            if (op % 997 == 0) {
                int probe = r.nextInt(30_000);
                assertEquals(model.containsKey(probe), e.has(probe));
                assertEquals(model.getOrDefault(probe, 0L), e.time(probe));
            }
        }
        assertEquals(model.size(), e.size());
        Set<Integer> listed = new HashSet<>();
        for (int i = 0; i < e.size(); i++) {
            assertTrue(listed.add(e.idAt(i)), "listed once");
        }
        assertEquals(model.keySet(), listed);
        for (Map.Entry<Integer, Long> m : model.entrySet()) {
            assertEquals((long) m.getValue(), e.time(m.getKey()));
        }
    }

    /** Times given and taken away again leave no pages behind: the figure goes back to nothing. */
    @Test
    void pagesGoWhenTheirTimesGo() {
        ExpiryTimes e = new ExpiryTimes();
        assertEquals(0, e.bytes());
        for (int id = 0; id < 100_000; id++) {
            e.set(id, id);
        }
        long full = e.bytes();
        // A list entry (12 bytes) and a place (4) per id, and a little for the pages' headers.
        assertTrue(full >= 100_000 * 16L && full < 100_000 * 17L, "bytes for 100k times: " + full);
        for (int id = 0; id < 99_990; id++) {
            assertTrue(e.remove(id));
        }
        assertEquals(10, e.size());
        // At most the list's first page and one spare (4,096 entries each), and one page of places.
        assertTrue(e.bytes() < 2 * 4096 * 12 + 8 * 1024, "ten times left hold " + e.bytes() + " bytes");
        for (int id = 99_990; id < 100_000; id++) {
            assertEquals(id, e.time(id));
            assertTrue(e.remove(id));
        }
        assertEquals(0, e.bytes());
        assertFalse(e.has(5));
        assertEquals(0, e.time(99_999));
    }

    /** Setting a time again replaces it in place: no second entry in the list. */
    @Test
    void aNewTimeReplacesTheOld() {
        ExpiryTimes e = new ExpiryTimes();
        e.set(3, 100);
        e.set(3, 200);
        assertEquals(1, e.size());
        assertEquals(200, e.time(3));
        assertEquals(3, e.idAt(0));
        e.clear();
        assertEquals(0, e.size());
        assertFalse(e.has(3));
    }
}
