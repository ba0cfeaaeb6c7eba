package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SlotKeyIndexTest {
    @Test
    void anEmptyIndexHoldsNothing() {
        SlotKeyIndex x = new SlotKeyIndex();
        assertEquals(0, x.heapBytes());
        assertEquals(0, x.count(0));
        assertEquals(0, x.count(HashSlot.SLOTS - 1));
        assertThrows(IndexOutOfBoundsException.class, () -> x.idAt(5, 0));
    }

    @Test
    void randomAddsAndRemovesAgreeWithAModel() {
        RandomGenerator r = new Random(11);
        SlotKeyIndex x = new SlotKeyIndex();
        Map<Integer, Integer> slotOf = new HashMap<>();
        List<Integer> freeIds = new ArrayList<>();
        int nextId = 0;
        // Few slots, so that lists grow, shrink and empty; ids reused as a table reuses them.
        int[] slots = {0, 1, 77, 8000, HashSlot.SLOTS - 1};
        for (int step = 0; step < 200_000; step++) {
            boolean add = slotOf.isEmpty() || r.nextInt(100) < (step % 40_000 < 20_000 ? 60 : 40);
            if (add) {
                int id = freeIds.isEmpty() ? nextId++ : freeIds.remove(freeIds.size() - 1);
                int slot = slots[r.nextInt(slots.length)];
                x.add(id, slot);
                slotOf.put(id, slot);
            } else {
                List<Integer> ids = new ArrayList<>(slotOf.keySet());
                int id = ids.get(r.nextInt(ids.size()));
                x.remove(id, slotOf.remove(id));
                freeIds.add(id);
            }
            if (step % 5_000 == 0) {
                check(x, slotOf, slots);
            }
        }
        check(x, slotOf, slots);
        for (int id : new ArrayList<>(slotOf.keySet())) {
            x.remove(id, slotOf.remove(id));
        }
        check(x, slotOf, slots);
        assertTrue(x.heapBytes() > 0, "the arrays stay until clear()");
        x.clear();
        assertEquals(0, x.heapBytes());
        assertEquals(0, x.size());
    }

    @Test
    void removingUnderAnotherSlotFailsLoudly() {
        SlotKeyIndex x = new SlotKeyIndex();
        x.add(3, 100);
        x.add(4, 100);
        assertThrows(IllegalStateException.class, () -> x.remove(3, 101));
        assertThrows(IllegalStateException.class, () -> x.remove(5000, 100));
        x.remove(3, 100);
        assertEquals(1, x.count(100));
        assertEquals(4, x.idAt(100, 0));
    }

    @Test
    void costsAboutEightBytesAKey() {
        SlotKeyIndex x = new SlotKeyIndex();
        int n = 1 << 20;
        for (int id = 0; id < n; id++) {
            x.add(id, id & (HashSlot.SLOTS - 1));
        }
        long perKey = (x.heapBytes() - 16 * HashSlot.SLOTS) / n;
        assertTrue(perKey <= 9, "bytes a key: " + perKey);
    }

    private static void check(SlotKeyIndex x, Map<Integer, Integer> slotOf, int[] slots) {
        assertEquals(slotOf.size(), x.size());
        for (int slot : slots) {
            Set<Integer> want = new HashSet<>();
            slotOf.forEach((id, s) -> {
                if (s == slot) {
                    want.add(id);
                }
            });
            Set<Integer> got = new HashSet<>();
            for (int i = 0; i < x.count(slot); i++) {
                got.add(x.idAt(slot, i));
            }
            assertEquals(want.size(), x.count(slot));
            assertEquals(want, got);
        }
        assertEquals(0, x.count(2));
    }
}
