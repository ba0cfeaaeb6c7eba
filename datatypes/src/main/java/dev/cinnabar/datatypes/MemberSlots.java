package dev.cinnabar.datatypes;

import dev.cinnabar.datatypes.value.JvmSizes;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * The members of a hashtable-encoded set, numbered for a {@link MemberIndex}: slot {@code n}
 * holds a member's array and the index's chain word for it, in two arrays indexed by slot. A set
 * member costs its array, a reference and a word (12 bytes besides the array and its bucket),
 * where a {@link Dict} entry was a 32-byte object.
 *
 * <p>Slot 0 is never used (it is the index's "none"). A removed member's slot goes on a free
 * list, linked through its chain word, and the next member takes it, so the arrays only grow
 * until the set is down to a quarter of the slots it has had ({@link #worthCompacting}): its
 * owner then compacts it, which renumbers every member, and rebuilds the index.
 *
 * <p>The arrays are flat and grow by half: a set of a few members (every non-integer set in
 * Redis 7.0 is a hashtable) stays about as small as it was with a {@link Dict}.
 */
public final class MemberSlots implements MemberIndex.Nodes {
    private static final int FIRST_LENGTH = 4;
    /**
     * Below this many slots a set is not compacted: a random slot then holds a member at least
     * once in 32 draws however sparse the set.
     */
    private static final int COMPACT_MIN_SLOTS = 32;
    /** This object: header, two references, two ints. */
    private static final int OBJECT = 32;

    private byte[][] members = new byte[FIRST_LENGTH][];
    private long[] chains = new long[FIRST_LENGTH];
    /** Slots below this have been handed out (live, or on the free list). */
    private int top = 1;
    private int free = NONE;
    private int count;

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
        return members[slot];
    }

    @Override
    public long chain(int slot) {
        return chains[slot];
    }

    @Override
    public void chain(int slot, long word) {
        chains[slot] = word;
    }

    /** Visits every slot that holds a member, in slot order. */
    @Override
    public void forEachNode(IntConsumer action) {
        for (int slot = 1; slot < top; slot++) {
            if (members[slot] != null) {
                action.accept(slot);
            }
        }
    }

    /** A slot for {@code member} (kept, not copied): a free one, else a new one. */
    public int allocate(byte[] member) {
        int slot = free;
        if (slot != NONE) {
            free = (int) chains[slot];
        } else {
            slot = top++;
            if (slot == members.length) {
                int length = slot + (slot >> 1);
                members = Arrays.copyOf(members, length);
                chains = Arrays.copyOf(chains, length);
            }
        }
        members[slot] = member;
        count++;
        return slot;
    }

    /** Frees a slot whose member has left the index. */
    public void release(int slot) {
        members[slot] = null;
        chains[slot] = free;
        free = slot;
        count--;
    }

    /**
     * True when fewer than a quarter of the slots handed out hold a member: a set trimmed from 1M
     * members to 1k would otherwise keep 12 MB of slots for members that may never come, and a
     * random slot would rarely hold one.
     */
    public boolean worthCompacting() {
        return top >= COMPACT_MIN_SLOTS && count < top / 4;
    }

    /**
     * Moves every member, with its chain word, to the lowest slots in slot order, into arrays
     * just large enough; every number changes, so the index must be rebuilt after.
     */
    public void compact() {
        int length = Math.max(FIRST_LENGTH, count + 1 + (count >> 1));
        byte[][] m = new byte[length][];
        long[] c = new long[length];
        int to = 1;
        for (int slot = 1; slot < top; slot++) {
            if (members[slot] != null) {
                m[to] = members[slot];
                c[to] = chains[slot];
                to++;
            }
        }
        members = m;
        chains = c;
        top = to;
        free = NONE;
    }

    /** The heap this holds besides the members' arrays: itself and its two arrays. */
    public long heapBytes() {
        return OBJECT + JvmSizes.referenceArray(members.length) + JvmSizes.longArray(chains.length);
    }
}
