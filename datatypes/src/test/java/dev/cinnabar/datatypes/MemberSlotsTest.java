package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.value.JvmSizes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemberSlotsTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(Listpack.Entry e) {
        return new String(e.bytes, e.offset, e.length, StandardCharsets.UTF_8);
    }

    private static int add(MemberSlots slots, String member) {
        byte[] m = b(member);
        return slots.allocate(m, 0, m.length);
    }

    private static int add(MemberSlots slots, String member, String value) {
        byte[] m = b(member);
        byte[] v = b(value);
        return slots.allocate(m, 0, m.length, v, 0, v.length);
    }

    private static String member(MemberSlots slots, int slot) {
        return s(slots.member(slot, new Listpack.Entry()));
    }

    private static String value(MemberSlots slots, int slot) {
        return s(slots.value(slot, new Listpack.Entry()));
    }

    /** The members held, counted: the slots keep no count (their owner's index does). */
    private static int count(MemberSlots slots) {
        int[] n = {0};
        slots.forEachNode(x -> n[0]++);
        return n[0];
    }

    private static void setValue(MemberSlots slots, int slot, String value) {
        byte[] v = b(value);
        slots.value(slot, v, 0, v.length);
    }

    @Test
    void slotsStartAtOneAndFreedOnesAreTakenFirst() {
        MemberSlots slots = new MemberSlots();
        int a = add(slots, "a");
        int c = add(slots, "c");
        assertEquals(1, a);
        assertEquals(2, c);
        slots.release(a);
        assertFalse(slots.isLive(a));
        assertEquals(1, count(slots));
        assertEquals(a, add(slots, "again"));
        assertEquals(3, add(slots, "d"));
        assertEquals(4, slots.limit());
        List<String> seen = new ArrayList<>();
        slots.forEachNode(x -> seen.add(member(slots, x)));
        assertEquals(List.of("again", "c", "d"), seen);
        assertEquals(slots.recountHeapBytes(), slots.heapBytes());
    }

    @Test
    void membersAreCopiedAndComparedInPlace() {
        MemberSlots slots = new MemberSlots();
        byte[] arg = b("xmemberx");
        int x = slots.allocate(arg, 1, 6);
        arg[1] = 'M';
        assertEquals("member", member(slots, x));
        assertTrue(slots.memberEquals(x, b("a member"), 2, 6));
        assertFalse(slots.memberEquals(x, b("membe"), 0, 5));
        assertFalse(slots.memberEquals(x, b("members"), 0, 7));
        assertFalse(slots.memberEquals(x, b("Member"), 0, 6));
        assertEquals("member", new String(slots.memberCopy(x), StandardCharsets.UTF_8));
    }

    /** Members and values past the inline limit keep arrays of their own, and move between the two forms. */
    @Test
    void longMembersAndValuesLiveOutOfLine() {
        MemberSlots slots = new MemberSlots(true);
        String inline = "i".repeat(MemberSlots.INLINE_MAX);
        String longer = "L".repeat(MemberSlots.INLINE_MAX + 1);
        String huge = "h".repeat(5000);
        int a = add(slots, longer, "v");
        int c = add(slots, inline, huge);
        int d = add(slots, "", "");
        assertEquals(longer, member(slots, a));
        assertEquals("v", value(slots, a));
        assertEquals(inline, member(slots, c));
        assertEquals(huge, value(slots, c));
        assertEquals("", member(slots, d));
        assertTrue(slots.memberEquals(a, b(longer), 0, longer.length()));
        assertFalse(slots.memberEquals(a, b(inline), 0, inline.length()));
        assertEquals(slots.recountHeapBytes(), slots.heapBytes());
        String[] values = {huge, "short", longer, longer.toLowerCase(), "", inline, huge + "x", "s"};
        for (String v : values) {
            setValue(slots, a, v);
            setValue(slots, c, v);
            assertEquals(v, value(slots, a));
            assertEquals(v, value(slots, c));
            assertEquals(longer, member(slots, a));
            assertEquals(inline, member(slots, c));
            assertEquals("", value(slots, d));
            assertEquals(slots.recountHeapBytes(), slots.heapBytes(), "after setting a value of " + v.length());
        }
        slots.release(a);
        assertEquals(slots.recountHeapBytes(), slots.heapBytes());
        assertEquals(a, add(slots, "back", longer));
        assertEquals(longer, value(slots, a));
        assertEquals(slots.recountHeapBytes(), slots.heapBytes());
    }

    @Test
    void compactionRenumbersInSlotOrderAndCarriesTheChainWords() {
        MemberSlots slots = new MemberSlots(true);
        for (int i = 0; i < 1000; i++) {
            int x = add(slots, "m" + i, i % 100 == 4 ? "v".repeat(300) : "v" + i);
            slots.chain(x, 1000L + i);
        }
        for (int x = 1; x <= 1000; x++) {
            if (x % 5 != 0) {
                slots.release(x);
            }
        }
        assertTrue(slots.worthCompacting(count(slots)));
        long before = slots.heapBytes();
        slots.compact();
        assertFalse(slots.worthCompacting(count(slots)));
        assertEquals(200, count(slots));
        assertEquals(201, slots.limit());
        for (int x = 1; x <= 200; x++) {
            int i = 5 * x - 1;
            assertEquals("m" + i, member(slots, x));
            assertEquals(i % 100 == 4 ? "v".repeat(300) : "v" + i, value(slots, x));
            assertEquals(1000L + i, slots.chain(x));
        }
        MemberSlots fresh = new MemberSlots(true);
        for (int x = 1; x <= 200; x++) {
            int i = 5 * x - 1;
            add(fresh, "m" + i, i % 100 == 4 ? "v".repeat(300) : "v" + i);
        }
        assertEquals(fresh.heapBytes(), slots.heapBytes(), "as small as the same members added afresh");
        assertTrue(slots.heapBytes() < before / 2, slots.heapBytes() + " against " + before);
        assertEquals(slots.recountHeapBytes(), slots.heapBytes());
        assertEquals(201, add(slots, "next", "v"));
    }

    /**
     * Past the first page the slots come in whole pages, none of them a humongous object, and a
     * page's bytes are trimmed when the next page starts: a 19-byte member costs its 20 bytes in
     * the page, a position and a chain word.
     */
    @Test
    void largeTablesUseWholeTrimmedPages() {
        MemberSlots slots = new MemberSlots();
        int n = 3 * MemberSlots.PAGE + 5;
        for (int i = 0; i < n; i++) {
            int x = add(slots, String.format("member:%012d", i));
            slots.chain(x, i);
        }
        for (int x = 1; x <= n; x++) {
            assertEquals(String.format("member:%012d", x - 1), member(slots, x));
            assertEquals(x - 1, slots.chain(x));
        }
        long words = JvmSizes.longArray(MemberSlots.PAGE);
        long positions = JvmSizes.intArray(MemberSlots.PAGE);
        long records = JvmSizes.byteArray(20L * MemberSlots.PAGE);
        assertTrue(words + positions + records < 512 * 1024, "a page is never humongous, whatever G1's region size");
        // Three full pages, a fourth with 5 slots' records and room to grow, the directory, and
        // the slots object, which is the first page itself: the later pages are objects of 40.
        long full = 3 * (words + positions + records) + 2 * 40;
        long last = words + positions + 40;
        long expected = full + last + JvmSizes.referenceArray(4) + 64;
        assertTrue(slots.heapBytes() >= expected && slots.heapBytes() < expected + 64 * 20,
                slots.heapBytes() + " against " + expected);
        assertEquals(slots.recountHeapBytes(), slots.heapBytes());
    }

    /** Values rewritten at other lengths leave dead records, which are reclaimed as the page grows. */
    @Test
    void rewrittenValuesDoNotGrowAPageForever() {
        MemberSlots slots = new MemberSlots(true);
        for (int i = 0; i < 100; i++) {
            add(slots, "field" + i, "0");
        }
        long settled = slots.heapBytes();
        for (int round = 0; round < 1000; round++) {
            for (int x = 1; x <= 100; x++) {
                setValue(slots, x, Integer.toString(round * 7919 % (1 + round)));
            }
            assertTrue(slots.heapBytes() < settled + 100 * 8 * 2, round + ": " + slots.heapBytes() + " against " + settled);
        }
        for (int x = 1; x <= 100; x++) {
            assertEquals("field" + (x - 1), member(slots, x));
            assertEquals(Integer.toString(999 * 7919 % 1000), value(slots, x));
        }
        assertEquals(slots.recountHeapBytes(), slots.heapBytes());
    }

    /** Removals that leave most of a page dead give the bytes back without waiting for an addition. */
    @Test
    void removalsGiveBackAPagesBytes() {
        MemberSlots slots = new MemberSlots();
        for (int i = 0; i < MemberSlots.PAGE * 2; i++) {
            add(slots, "a fairly long member, number " + i);
        }
        long full = slots.heapBytes();
        for (int x = 1; x < MemberSlots.PAGE * 2; x += 4) {
            slots.release(x);
            slots.release(x + 1);
            slots.release(x + 2);
        }
        assertTrue(slots.heapBytes() < full * 2 / 3, slots.heapBytes() + " against " + full);
        assertEquals(slots.recountHeapBytes(), slots.heapBytes());
        for (int x = 4; x < MemberSlots.PAGE * 2; x += 4) {
            assertEquals("a fairly long member, number " + (x - 1), member(slots, x));
        }
    }

    /**
     * A first page that grows a member at a time replaces its slot arrays and its bytes together,
     * at the 2nd, 4th, 6th and 9th members only: each replaced array is garbage, old garbage
     * when the set grows commands apart.
     */
    @Test
    void theFirstPageGrowsItsArraysTogether() {
        MemberSlots slots = new MemberSlots();
        List<Integer> grewAt = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            long[] chains = slots.chains;
            int[] where = slots.where;
            byte[] bytes = slots.bytes;
            add(slots, String.format("tag:%012d", i));
            boolean grew = slots.chains != chains;
            assertEquals(grew, slots.where != where, "member " + i);
            if (i > 1) {
                assertEquals(grew, slots.bytes != bytes, "member " + i);
            }
            if (grew) {
                grewAt.add(i);
            }
            assertEquals(slots.recountHeapBytes(), slots.heapBytes());
        }
        assertEquals(List.of(2, 4, 6, 9), grewAt);
        for (int x = 1; x <= 12; x++) {
            assertEquals(String.format("tag:%012d", x), member(slots, x));
        }
    }

    @Test
    void aFewSlotsAreNotCompacted() {
        MemberSlots slots = new MemberSlots();
        for (int i = 0; i < 20; i++) {
            add(slots, "m" + i);
        }
        for (int x = 2; x <= 20; x++) {
            slots.release(x);
        }
        assertFalse(slots.worthCompacting(count(slots)), "under 32 slots a random draw still finds a member soon");
    }
}
