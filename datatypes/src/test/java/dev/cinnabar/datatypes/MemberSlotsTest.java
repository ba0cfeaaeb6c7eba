package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemberSlotsTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void slotsStartAtOneAndFreedOnesAreTakenFirst() {
        MemberSlots slots = new MemberSlots();
        int a = slots.allocate(b("a"));
        int c = slots.allocate(b("c"));
        assertEquals(1, a);
        assertEquals(2, c);
        slots.release(a);
        assertNull(slots.member(a));
        assertEquals(1, slots.count());
        assertEquals(a, slots.allocate(b("again")));
        assertEquals(3, slots.allocate(b("d")));
        assertEquals(4, slots.limit());
        List<String> seen = new ArrayList<>();
        slots.forEachNode(x -> seen.add(new String(slots.member(x), StandardCharsets.UTF_8)));
        assertEquals(List.of("again", "c", "d"), seen);
    }

    @Test
    void compactionRenumbersInSlotOrderAndCarriesTheChainWords() {
        MemberSlots slots = new MemberSlots();
        for (int i = 0; i < 1000; i++) {
            int x = slots.allocate(b("m" + i));
            slots.chain(x, 1000L + i);
        }
        for (int x = 1; x <= 1000; x++) {
            if (x % 5 != 0) {
                slots.release(x);
            }
        }
        assertTrue(slots.worthCompacting());
        long before = slots.heapBytes();
        slots.compact();
        assertFalse(slots.worthCompacting());
        assertEquals(200, slots.count());
        assertEquals(201, slots.limit());
        for (int x = 1; x <= 200; x++) {
            int i = 5 * x - 1;
            assertArrayEquals(b("m" + i), slots.member(x));
            assertEquals(1000L + i, slots.chain(x));
        }
        assertTrue(slots.heapBytes() < before / 3, slots.heapBytes() + " against " + before);
        assertEquals(201, slots.allocate(b("next")));
    }

    /** Past the first page the slots come in whole pages, none of them a humongous object. */
    @Test
    void largeTablesUseWholePagesAndMeasureThem() {
        MemberSlots slots = new MemberSlots(true);
        int n = 3 * MemberSlots.PAGE + 5;
        for (int i = 0; i < n; i++) {
            int x = slots.allocate(b("m" + i));
            slots.value(x, b("v" + i));
            slots.chain(x, i);
        }
        for (int x = 1; x <= n; x++) {
            assertArrayEquals(b("m" + (x - 1)), slots.member(x));
            assertArrayEquals(b("v" + (x - 1)), slots.value(x));
            assertEquals(x - 1, slots.chain(x));
        }
        long pairs = dev.cinnabar.datatypes.value.JvmSizes.referenceArray(2L * MemberSlots.PAGE);
        long words = dev.cinnabar.datatypes.value.JvmSizes.longArray(MemberSlots.PAGE);
        assertTrue(words < 512 * 1024 && pairs < 512 * 1024, "a page is never humongous, whatever G1's region size");
        // Four pages of references (a field and its value per slot) and of chain words, two
        // directories of four, and the object.
        long expected = 4 * (pairs + words) + 2 * dev.cinnabar.datatypes.value.JvmSizes.referenceArray(4);
        assertTrue(slots.heapBytes() >= expected && slots.heapBytes() < expected + 64,
                slots.heapBytes() + " against " + expected);
    }

    @Test
    void aFewSlotsAreNotCompacted() {
        MemberSlots slots = new MemberSlots();
        for (int i = 0; i < 20; i++) {
            slots.allocate(b("m" + i));
        }
        for (int x = 2; x <= 20; x++) {
            slots.release(x);
        }
        assertFalse(slots.worthCompacting(), "under 32 slots a random draw still finds a member soon");
    }
}
