package dev.cinnabar.datatypes;

import dev.cinnabar.datatypes.value.JvmSizes;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * The members of a hashtable-encoded set, or the fields of a hashtable-encoded hash with their
 * values, numbered for a {@link MemberIndex}: slot {@code n} holds a member's array, the index's
 * chain word for it and, for a hash, the value's array, in arrays indexed by slot. A set member
 * costs its array, a reference and a word (12 bytes besides the array and its bucket), a hash
 * field 16, where a {@link Dict} entry was a 32-byte object.
 *
 * <p>Slot 0 is never used (it is the index's "none"). A removed member's slot goes on a free
 * list, linked through its chain word, and the next member takes it, so the arrays only grow
 * until the set is down to a quarter of the slots it has had ({@link #worthCompacting}): its
 * owner then compacts it, which renumbers every member, and rebuilds the index.
 *
 * <h2>Pages</h2>
 * The slot arrays come in pages of {@value #PAGE} slots. The first page starts at 4 slots and
 * grows by half, so that a set of a few members (every non-integer set in Redis 7.0 is a
 * hashtable) stays about as small as it was with a {@link Dict}; later pages are whole. Flat
 * arrays would be humongous objects past 64k slots: G1 gives such an object whole regions,
 * and the tail of the last one is lost, a third again on the arrays of a 1M-field hash.
 */
public final class MemberSlots implements MemberIndex.Nodes {
    private static final int PAGE_SHIFT = 14;
    static final int PAGE = 1 << PAGE_SHIFT;
    private static final int PAGE_MASK = PAGE - 1;
    private static final int FIRST_LENGTH = 4;
    /**
     * Below this many slots a set is not compacted: a random slot then holds a member at least
     * once in 32 draws however sparse the set.
     */
    private static final int COMPACT_MIN_SLOTS = 32;
    /** This object: header, three references, three ints, a long. */
    private static final int OBJECT = 40;

    private byte[][][] members = {new byte[FIRST_LENGTH][]};
    private long[][] chains = {new long[FIRST_LENGTH]};
    /** The values by slot, or null for a set. */
    private byte[][][] values;
    /** Slots below this have been handed out (live, or on the free list). */
    private int top = 1;
    private int free = NONE;
    private int count;
    /** The slot arrays' heap, pages and directories. */
    private long arrayBytes;

    /** Slots for members only (a set's). */
    public MemberSlots() {
        this(false);
    }

    /** Slots for members with a value each (a hash's fields), when {@code withValues}. */
    public MemberSlots(boolean withValues) {
        if (withValues) {
            values = new byte[][][] {new byte[FIRST_LENGTH][]};
        }
        measure();
    }

    /** Members held. */
    public int count() {
        return count;
    }

    /** One more than the highest slot handed out: slots run from 1 to {@code limit() - 1}. */
    public int limit() {
        return top;
    }

    @Override
    public byte[] member(int slot) {
        return members[slot >>> PAGE_SHIFT][slot & PAGE_MASK];
    }

    /** True for a hash's slots, which hold a value beside each member. */
    public boolean hasValues() {
        return values != null;
    }

    /** The member's value (a hash's slots only). */
    public byte[] value(int slot) {
        return values[slot >>> PAGE_SHIFT][slot & PAGE_MASK];
    }

    public void value(int slot, byte[] value) {
        values[slot >>> PAGE_SHIFT][slot & PAGE_MASK] = value;
    }

    @Override
    public long chain(int slot) {
        return chains[slot >>> PAGE_SHIFT][slot & PAGE_MASK];
    }

    @Override
    public void chain(int slot, long word) {
        chains[slot >>> PAGE_SHIFT][slot & PAGE_MASK] = word;
    }

    /** Visits every slot that holds a member, in slot order. */
    @Override
    public void forEachNode(IntConsumer action) {
        for (int slot = 1; slot < top; slot++) {
            if (member(slot) != null) {
                action.accept(slot);
            }
        }
    }

    /** A slot for {@code member} (kept, not copied): a free one, else a new one. */
    public int allocate(byte[] member) {
        int slot = free;
        if (slot != NONE) {
            free = (int) chain(slot);
        } else {
            slot = top++;
            makeRoom(slot);
        }
        members[slot >>> PAGE_SHIFT][slot & PAGE_MASK] = member;
        count++;
        return slot;
    }

    /** Makes {@code slot} addressable: a new whole page, or a longer first page. */
    private void makeRoom(int slot) {
        int page = slot >>> PAGE_SHIFT;
        if (page == members.length) {
            members = Arrays.copyOf(members, page + 1);
            members[page] = new byte[PAGE][];
            chains = Arrays.copyOf(chains, page + 1);
            chains[page] = new long[PAGE];
            if (values != null) {
                values = Arrays.copyOf(values, page + 1);
                values[page] = new byte[PAGE][];
            }
            measure();
        } else if ((slot & PAGE_MASK) == members[page].length) {
            int length = Math.min(PAGE, slot + (slot >> 1));
            members[page] = Arrays.copyOf(members[page], length);
            chains[page] = Arrays.copyOf(chains[page], length);
            if (values != null) {
                values[page] = Arrays.copyOf(values[page], length);
            }
            measure();
        }
    }

    /** Frees a slot whose member has left the index. */
    public void release(int slot) {
        members[slot >>> PAGE_SHIFT][slot & PAGE_MASK] = null;
        if (values != null) {
            value(slot, null);
        }
        chain(slot, free);
        free = slot;
        count--;
    }

    /**
     * True when fewer than a quarter of the slots handed out hold a member: a set trimmed from 1M
     * members to 1k would otherwise keep 16 MB of slots for members that may never come, and a
     * random slot would rarely hold one.
     */
    public boolean worthCompacting() {
        return top >= COMPACT_MIN_SLOTS && count < top / 4;
    }

    /**
     * Moves every member, with its chain word and value, to the lowest slots in slot order, into
     * pages just large enough; every number changes, so the index must be rebuilt after.
     */
    public void compact() {
        MemberSlots fresh = new MemberSlots(values != null);
        for (int slot = 1; slot < top; slot++) {
            byte[] m = member(slot);
            if (m != null) {
                int to = fresh.allocate(m);
                fresh.chain(to, chain(slot));
                if (values != null) {
                    fresh.value(to, value(slot));
                }
            }
        }
        members = fresh.members;
        chains = fresh.chains;
        values = fresh.values;
        top = fresh.top;
        free = NONE;
        arrayBytes = fresh.arrayBytes;
    }

    /** Re-measures the slot arrays after a page was added or grown. */
    private void measure() {
        int pages = members.length;
        long first = JvmSizes.referenceArray(members[0].length) + JvmSizes.longArray(chains[0].length);
        long whole = JvmSizes.referenceArray(PAGE) + JvmSizes.longArray(PAGE);
        long directories = JvmSizes.referenceArray(pages) * 2;
        if (values != null) {
            first += JvmSizes.referenceArray(values[0].length);
            whole += JvmSizes.referenceArray(PAGE);
            directories += JvmSizes.referenceArray(pages);
        }
        arrayBytes = first + whole * (pages - 1) + directories;
    }

    /** The heap this holds besides the members' and values' arrays: itself and its slot arrays. */
    public long heapBytes() {
        return OBJECT + arrayBytes;
    }
}
