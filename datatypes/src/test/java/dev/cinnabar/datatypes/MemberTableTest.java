package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MemberTableTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void addTellsNewFromPresentAndCopiesTheMember() {
        MemberTable t = new MemberTable(true);
        byte[] arg = b("xfieldx");
        int slot = t.add(arg, 1, 5);
        assertTrue(slot > 0);
        t.value(slot, b("v1"));
        arg[1] = 'F';
        assertEquals(-slot, t.add(b("field"), 0, 5), "present: minus its slot");
        assertArrayEquals(b("field"), t.member(slot));
        assertArrayEquals(b("v1"), t.value(t.find(b("field"), 0, 5)));
        assertEquals(MemberTable.NONE, t.find(b("Field"), 0, 5));
    }

    /**
     * Random additions, value changes and removals against a HashMap, through growth, shrinking
     * and compaction: the contents agree, and the kept heap figure equals a recount after every
     * write.
     */
    @Test
    void agreesWithAHashMapAndKeepsItsHeapFigure() {
        MemberTable t = new MemberTable(true);
        Map<String, String> model = new HashMap<>();
        Random r = new Random(3);
        for (int i = 0; i < 100_000; i++) {
            int range = 1 + (int) (3000 * Math.abs(Math.sin(i / 15_000.0)));
            String f = "f" + r.nextInt(range);
            if (r.nextInt(3) == 0) {
                assertEquals(model.remove(f) != null, t.remove(b(f), 0, b(f).length));
            } else {
                String v = "v".repeat(r.nextInt(30));
                int slot = t.add(b(f), 0, b(f).length);
                assertEquals(model.put(f, v) == null, slot > 0, f);
                t.value(Math.abs(slot), b(v));
            }
            assertEquals(model.size(), t.size());
            if (i % 97 == 0) {
                assertEquals(t.recountHeapBytes(), t.heapBytes());
            }
        }
        Map<String, String> seen = new HashMap<>();
        t.forEach(slot -> seen.put(new String(t.member(slot), StandardCharsets.UTF_8),
                new String(t.value(slot), StandardCharsets.UTF_8)));
        assertEquals(model, seen);
        assertEquals(t.recountHeapBytes(), t.heapBytes());
    }

    @Test
    void lookupsLeaveAResizeAndTheFigureAlone() {
        MemberTable t = new MemberTable(false);
        for (int i = 0; i < 1025; i++) {
            t.add(b("m" + i), 0, b("m" + i).length);
        }
        assertTrue(t.isRehashing());
        long figure = t.heapBytes();
        for (int i = 0; i < 5000; i++) {
            t.find(b("m" + i), 0, b("m" + i).length);
        }
        assertTrue(t.isRehashing(), "lookups move no bucket");
        assertEquals(figure, t.heapBytes());
        assertEquals(t.recountHeapBytes(), t.heapBytes());
        for (int i = 0; t.isRehashing(); i++) {
            t.add(b("more" + i), 0, b("more" + i).length);
        }
        assertEquals(t.recountHeapBytes(), t.heapBytes());
    }
}
