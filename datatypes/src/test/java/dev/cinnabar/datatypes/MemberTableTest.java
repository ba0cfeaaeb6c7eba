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

    private static String s(Listpack.Entry e) {
        return new String(e.bytes, e.offset, e.length, StandardCharsets.UTF_8);
    }

    private static int put(MemberTable t, String field, String value) {
        byte[] f = b(field);
        byte[] v = b(value);
        return t.put(f, 0, f.length, v, 0, v.length);
    }

    @Test
    void addTellsNewFromPresentAndCopiesTheMember() {
        MemberTable t = new MemberTable(false);
        byte[] arg = b("xmemberx");
        int slot = t.add(arg, 1, 6);
        assertTrue(slot > 0);
        arg[1] = 'M';
        assertEquals(-slot, t.add(b("member"), 0, 6), "present: minus its slot");
        assertEquals("member", s(t.member(slot, new Listpack.Entry())));
        assertArrayEquals(b("member"), t.memberCopy(slot));
        assertEquals(MemberTable.NONE, t.find(b("Member"), 0, 6));
    }

    @Test
    void putTellsNewFromPresentAndCopiesFieldAndValue() {
        MemberTable t = new MemberTable(true);
        byte[] arg = b("xfieldx=v1");
        int slot = t.put(arg, 1, 5, arg, 8, 2);
        assertTrue(slot > 0);
        arg[1] = 'F';
        arg[8] = 'w';
        assertEquals(-slot, put(t, "field", "v2"), "present: minus its slot");
        assertEquals("field", s(t.member(slot, new Listpack.Entry())));
        assertEquals("v2", s(t.value(t.find(b("field"), 0, 5), new Listpack.Entry())));
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
            if (f.hashCode() % 16 == 0) {
                f = f + "x".repeat(MemberSlots.INLINE_MAX);
            }
            if (r.nextInt(3) == 0) {
                assertEquals(model.remove(f) != null, t.remove(b(f), 0, b(f).length));
            } else {
                // Lengths on both sides of the inline limit, for fields (some) and values.
                String v = "v".repeat(r.nextInt(r.nextInt(8) == 0 ? 300 : 30));
                int slot = put(t, f, v);
                assertEquals(model.put(f, v) == null, slot > 0, f);
            }
            assertEquals(model.size(), t.size());
            if (i % 97 == 0) {
                assertEquals(t.recountHeapBytes(), t.heapBytes());
            }
        }
        Map<String, String> seen = new HashMap<>();
        Listpack.Entry fe = new Listpack.Entry();
        Listpack.Entry ve = new Listpack.Entry();
        t.forEach(slot -> seen.put(s(t.member(slot, fe)), s(t.value(slot, ve))));
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

    private static Map<String, String> contents(MemberTable t) {
        Map<String, String> seen = new HashMap<>();
        Listpack.Entry fe = new Listpack.Entry();
        Listpack.Entry ve = new Listpack.Entry();
        for (int slot = t.nextLive(1); slot != MemberTable.NONE; slot = t.nextLive(slot + 1)) {
            seen.put(s(t.member(slot, fe)), s(t.value(slot, ve)));
        }
        return seen;
    }

    /**
     * A sharing copy keeps the table as it was while the table goes on changing every way it can
     * (values rewritten in place and moved, long values in place, additions through a doubling
     * of the index, removals down to a compaction), and the table still agrees with its model.
     */
    @Test
    void aSharingCopyStaysAsTheTableWasWhileTheTableChanges() {
        Random r = new Random(11);
        for (int round = 0; round < 6; round++) {
            MemberTable t = new MemberTable(true);
            Map<String, String> model = new HashMap<>();
            for (int i = 0; i < 9000; i++) {
                String v = i % 50 == 0 ? "L".repeat(200) : "v" + i;
                put(t, "f" + i, v);
                model.put("f" + i, v);
            }
            MemberTable copy = t.sharingCopy();
            Map<String, String> before = new HashMap<>(model);
            for (int op = 0; op < 20_000; op++) {
                String f = "f" + r.nextInt(round % 2 == 0 ? 9000 : 40_000);
                switch (r.nextInt(round < 3 ? 4 : 2)) {
                    case 0, 1 -> {
                        String v = switch (r.nextInt(3)) {
                            case 0 -> model.getOrDefault(f, "v0").length() == 200 ? "M".repeat(200) : "w" + f.substring(1);
                            case 1 -> "longer value " + op;
                            default -> "N".repeat(150 + r.nextInt(2));
                        };
                        put(t, f, v);
                        model.put(f, v);
                    }
                    default -> {
                        assertEquals(model.remove(f) != null, t.remove(b(f), 0, b(f).length));
                    }
                }
                if (op % 1000 == 0) {
                    assertEquals(before, contents(copy));
                }
            }
            assertEquals(model, contents(t));
            assertEquals(model.size(), t.size());
            assertEquals(t.recountHeapBytes(), t.heapBytes());
            assertEquals(before, contents(copy));
            assertEquals(before.size(), copy.size());
        }
    }
}
