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
 * The slot arrays come in pages of {@value #PAGE} slots. The first page starts at 2 slots (slot
 * 0 and one member) and grows by half, and is held directly until a second page is needed, so
 * that a set of a few members (every non-integer set in Redis 7.0 is a hashtable) pays for no
 * directory; later pages are whole. Flat arrays would be humongous objects past 64k slots: G1
 * gives such an object whole regions, and the tail of the last one is lost, a third again on
 * the arrays of a 1M-field hash.
 */
public final class MemberSlots implements MemberIndex.Nodes {
    private static final int PAGE_SHIFT = 14;
    static final int PAGE = 1 << PAGE_SHIFT;
    private static final int PAGE_MASK = PAGE - 1;
    private static final int FIRST_LENGTH = 2;
    /**
     * Below this many slots a set is not compacted: a random slot then holds a member at least
     * once in 32 draws however sparse the set.
     */
    private static final int COMPACT_MIN_SLOTS = 32;
    /** This object: header, six references, three ints, a long. */
    private static final int OBJECT = 56;

    /** The first page, which is also page 0 of the directories once there are. */
    private byte[][] members0 = new byte[FIRST_LENGTH][];
    private long[] chains0 = new long[FIRST_LENGTH];
    /** The first page of values, or null for a set. */
    private byte[][] values0;
    /** The pages by number, null while the first page is the only one. */
    private byte[][][] members;
    private long[][] chains;
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
            values0 = new byte[FIRST_LENGTH][];
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
        byte[][][] pages = members;
        return pages == null ? members0[slot] : pages[slot >>> PAGE_SHIFT][slot & PAGE_MASK];
    }

    private void setMember(int slot, byte[] member) {
        byte[][][] pages = members;
        if (pages == null) {
            members0[slot] = member;
        } else {
            pages[slot >>> PAGE_SHIFT][slot & PAGE_MASK] = member;
        }
    }

    /** True for a hash's slots, which hold a value beside each member. */
    public boolean hasValues() {
        return values0 != null;
    }

    /** The member's value (a hash's slots only). */
    public byte[] value(int slot) {
        byte[][][] pages = values;
        return pages == null ? values0[slot] : pages[slot >>> PAGE_SHIFT][slot & PAGE_MASK];
    }

    public void value(int slot, byte[] value) {
        byte[][][] pages = values;
        if (pages == null) {
            values0[slot] = value;
        } else {
            pages[slot >>> PAGE_SHIFT][slot & PAGE_MASK] = value;
        }
    }

    @Override
    public long chain(int slot) {
        long[][] pages = chains;
        return pages == null ? chains0[slot] : pages[slot >>> PAGE_SHIFT][slot & PAGE_MASK];
    }

    @Override
    public void chain(int slot, long word) {
        long[][] pages = chains;
        if (pages == null) {
            chains0[slot] = word;
        } else {
            pages[slot >>> PAGE_SHIFT][slot & PAGE_MASK] = word;
        }
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
        setMember(slot, member);
        count++;
        return slot;
    }

    /** Makes {@code slot} addressable: a longer first page, or a new whole page. */
    private void makeRoom(int slot) {
        int page = slot >>> PAGE_SHIFT;
        if (page == 0) {
            if (slot == members0.length) {
                int length = Math.min(PAGE, slot + (slot >> 1));
                members0 = Arrays.copyOf(members0, length);
                chains0 = Arrays.copyOf(chains0, length);
                if (values0 != null) {
                    values0 = Arrays.copyOf(values0, length);
                }
                measure();
            }
            return;
        }
        if (members == null) {
            members = new byte[][][] {members0};
            chains = new long[][] {chains0};
            if (values0 != null) {
                values = new byte[][][] {values0};
            }
        }
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
        }
    }

    /** Frees a slot whose member has left the index. */
    public void release(int slot) {
        setMember(slot, null);
        if (values0 != null) {
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
        MemberSlots fresh = new MemberSlots(values0 != null);
        for (int slot = 1; slot < top; slot++) {
            byte[] m = member(slot);
            if (m != null) {
                int to = fresh.allocate(m);
                fresh.chain(to, chain(slot));
                if (values0 != null) {
                    fresh.value(to, value(slot));
                }
            }
        }
        members0 = fresh.members0;
        chains0 = fresh.chains0;
        values0 = fresh.values0;
        members = fresh.members;
        chains = fresh.chains;
        values = fresh.values;
        top = fresh.top;
        free = NONE;
        arrayBytes = fresh.arrayBytes;
    }

    /** Re-measures the slot arrays after a page was added or grown. */
    private void measure() {
        int arrays = values0 == null ? 2 : 3;
        long first = JvmSizes.referenceArray(members0.length) * (arrays - 1) + JvmSizes.longArray(chains0.length);
        if (members == null) {
            arrayBytes = first;
            return;
        }
        int pages = members.length;
        long whole = JvmSizes.referenceArray(PAGE) * (arrays - 1) + JvmSizes.longArray(PAGE);
        arrayBytes = first + whole * (pages - 1) + JvmSizes.referenceArray(pages) * arrays;
    }

    /** The heap this holds besides the members' and values' arrays: itself and its slot arrays. */
    public long heapBytes() {
        return OBJECT + arrayBytes;
    }
}
