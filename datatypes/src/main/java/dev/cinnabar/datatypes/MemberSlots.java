package dev.cinnabar.datatypes;

import dev.cinnabar.datatypes.value.JvmSizes;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * The members of a hashtable-encoded set, or the fields of a hashtable-encoded hash with their
 * values, numbered for a {@link MemberIndex}: slot {@code n} holds a member's array, the index's
 * chain word for it and, for a hash, the value's array. A set member costs its array, a reference
 * and a word (12 bytes besides the array and its bucket), a hash field 16, where a {@link Dict}
 * entry was a 32-byte object.
 *
 * <p>The chain words are in {@code long} arrays, the references in arrays of their own where a
 * hash's field and value sit side by side: an update of a field's value (HSET, HINCRBY) reads
 * both from one cache line.
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
    /** This object: header, four references, four ints, a long. */
    private static final int OBJECT = 56;

    /** References per slot: the member, and for a hash its value after it. */
    private final int stride;
    /** The first page, which is also page 0 of the directories once there are. */
    private byte[][] refs0;
    private long[] chains0 = new long[FIRST_LENGTH];
    /** The pages by number, null while the first page is the only one. */
    private byte[][][] refs;
    private long[][] chains;
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
        stride = withValues ? 2 : 1;
        refs0 = new byte[FIRST_LENGTH * stride][];
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

    private byte[] ref(int slot, int which) {
        byte[][][] pages = refs;
        return pages == null ? refs0[slot * stride + which]
                : pages[slot >>> PAGE_SHIFT][(slot & PAGE_MASK) * stride + which];
    }

    private void ref(int slot, int which, byte[] array) {
        byte[][][] pages = refs;
        if (pages == null) {
            refs0[slot * stride + which] = array;
        } else {
            pages[slot >>> PAGE_SHIFT][(slot & PAGE_MASK) * stride + which] = array;
        }
    }

    @Override
    public byte[] member(int slot) {
        return ref(slot, 0);
    }

    /** True for a hash's slots, which hold a value beside each member. */
    public boolean hasValues() {
        return stride == 2;
    }

    /** The member's value (a hash's slots only). */
    public byte[] value(int slot) {
        return ref(slot, 1);
    }

    public void value(int slot, byte[] value) {
        ref(slot, 1, value);
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
        ref(slot, 0, member);
        count++;
        return slot;
    }

    /** Makes {@code slot} addressable: a longer first page, or a new whole page. */
    private void makeRoom(int slot) {
        int page = slot >>> PAGE_SHIFT;
        if (page == 0) {
            if (slot == chains0.length) {
                int length = Math.min(PAGE, slot + (slot >> 1));
                refs0 = Arrays.copyOf(refs0, length * stride);
                chains0 = Arrays.copyOf(chains0, length);
                measure();
            }
            return;
        }
        if (refs == null) {
            refs = new byte[][][] {refs0};
            chains = new long[][] {chains0};
        }
        if (page == refs.length) {
            refs = Arrays.copyOf(refs, page + 1);
            refs[page] = new byte[PAGE * stride][];
            chains = Arrays.copyOf(chains, page + 1);
            chains[page] = new long[PAGE];
            measure();
        }
    }

    /** Frees a slot whose member has left the index. */
    public void release(int slot) {
        ref(slot, 0, null);
        if (stride == 2) {
            ref(slot, 1, null);
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
        MemberSlots fresh = new MemberSlots(stride == 2);
        for (int slot = 1; slot < top; slot++) {
            byte[] m = member(slot);
            if (m != null) {
                int to = fresh.allocate(m);
                fresh.chain(to, chain(slot));
                if (stride == 2) {
                    fresh.value(to, value(slot));
                }
            }
        }
        refs0 = fresh.refs0;
        chains0 = fresh.chains0;
        refs = fresh.refs;
        chains = fresh.chains;
        top = fresh.top;
        free = NONE;
        arrayBytes = fresh.arrayBytes;
    }

    /** Re-measures the slot arrays after a page was added or grown. */
    private void measure() {
        long first = JvmSizes.referenceArray(refs0.length) + JvmSizes.longArray(chains0.length);
        if (refs == null) {
            arrayBytes = first;
            return;
        }
        int pages = refs.length;
        long whole = JvmSizes.referenceArray((long) PAGE * stride) + JvmSizes.longArray(PAGE);
        arrayBytes = first + whole * (pages - 1) + 2 * JvmSizes.referenceArray(pages);
    }

    /** The heap this holds besides the members' and values' arrays: itself and its slot arrays. */
    public long heapBytes() {
        return OBJECT + arrayBytes;
    }
}
