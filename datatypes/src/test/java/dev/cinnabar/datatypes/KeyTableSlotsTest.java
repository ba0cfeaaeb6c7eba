package dev.cinnabar.datatypes;

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

/** The slot index a {@link KeyTable} keeps in cluster mode, against the keys it holds. */
class KeyTableSlotsTest {
    private static byte[] k(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aTableWithoutTheIndexHoldsNothingForIt() {
        KeyTable t = new KeyTable(1);
        for (int i = 0; i < 5000; i++) {
            t.add(k("key:" + i));
        }
        assertFalse(t.slotsIndexed());
        assertEquals(0, t.slotIndexBytes());
        assertEquals(0, t.countInSlot(HashSlot.of(k("key:1"))));
        assertThrows(IllegalStateException.class, () -> t.idInSlot(0, 0));
        KeyTable u = new KeyTable(1);
        u.indexSlots();
        assertEquals(0, u.slotIndexBytes(), "no arrays until the first key");
        assertEquals(0, u.heapBytes());
    }

    @Test
    void indexingATableThatHasKeysTakesThemIn() {
        KeyTable t = new KeyTable(2);
        Map<String, Integer> model = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            model.put("{t" + (i % 7) + "}:" + i, t.add(k("{t" + (i % 7) + "}:" + i)));
        }
        for (int i = 0; i < 3000; i += 3) {
            byte[] kb = k("{t" + (i % 7) + "}:" + i);
            t.remove(kb, 0, kb.length);
            model.remove("{t" + (i % 7) + "}:" + i);
        }
        long before = t.heapBytes();
        t.indexSlots(); // removed keys still wait for recycle(): they must not come in
        assertTrue(t.heapBytes() > before);
        assertEquals(t.slotIndexBytes(), t.heapBytes() - before);
        check(t, model);
        assertEquals(model.size() / 7, t.countInSlot(HashSlot.of(k("t0"))), 1);
    }

    @Test
    void randomAddsRemovesRecyclesAndClearsAgreeWithAModel() {
        for (long seed = 0; seed < 4; seed++) {
            Random r = new Random(seed);
            KeyTable t = new KeyTable(seed);
            t.indexSlots();
            Map<String, Integer> model = new HashMap<>();
            // A few tags crowd some slots; the other keys spread over all of them.
            int keySpace = 2000 + r.nextInt(20_000);
            for (int op = 0; op < 120_000; op++) {
                String key = r.nextInt(4) == 0 ? "{tag" + r.nextInt(5) + "}" + r.nextInt(keySpace) : "key:" + r.nextInt(keySpace);
                byte[] kb = k(key);
                Integer id = model.get(key);
                int action = r.nextInt(20);
                if (id == null && action < 10) {
                    int e = r.nextBoolean() ? t.add(kb) : t.addInline(kb, 0, kb.length, t.hashOf(kb, 0, kb.length), kb, 0, kb.length);
                    model.put(key, e);
                } else if (id != null && action < 17) {
                    assertEquals((int) id, t.remove(kb, 0, kb.length));
                    model.remove(key);
                    if (r.nextInt(3) == 0) {
                        t.recycle(); // the id may now go to the next key added
                    }
                } else if (action == 17) {
                    t.recycle();
                    t.compactStep(r.nextInt(3) * 16 * 1024);
                } else if (action == 18) {
                    t.shrinkIfSparse();
                    t.rehash(r.nextInt(50));
                } else if (r.nextInt(2000) == 0) {
                    t.clear();
                    model.clear();
                    assertEquals(0, t.countInSlot(HashSlot.of(kb)));
                }
                if (op % 10_000 == 0) {
                    check(t, model);
                }
            }
            check(t, model);
        }
    }

    /** Every slot's count and ids are those of the live keys that hash to it. */
    private static void check(KeyTable t, Map<String, Integer> model) {
        Map<Integer, Set<Integer>> want = new HashMap<>();
        for (Map.Entry<String, Integer> e : model.entrySet()) {
            want.computeIfAbsent(HashSlot.of(k(e.getKey())), s -> new HashSet<>()).add(e.getValue());
        }
        long total = 0;
        for (int slot = 0; slot < HashSlot.SLOTS; slot++) {
            Set<Integer> ids = want.getOrDefault(slot, Set.of());
            int n = t.countInSlot(slot);
            assertEquals(ids.size(), n, "slot " + slot);
            List<Integer> got = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int id = t.idInSlot(slot, i);
                assertTrue(t.isLive(id));
                assertEquals(slot, HashSlot.of(t.copyKey(id)));
                got.add(id);
            }
            assertEquals(ids, new HashSet<>(got));
            total += n;
        }
        assertEquals(t.size(), total);
    }
}
