package dev.cinnabar.datatypes;

import dev.cinnabar.datatypes.value.JvmSizes;
import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.random.RandomGenerator;

/**
 * The hashtable encoding of a set, or of a hash with values: {@link MemberSlots} found through a
 * {@link MemberIndex}, with Redis's dict rules for growth, shrinking and SCAN, and no object per
 * member. Callers hold slot numbers only within one call: a removal may compact the slots.
 *
 * <p>The heap figure ({@link #heapBytes}) is O(1) and moves only with writes, as the keyspace's
 * heap counter needs (see {@link MemberIndex#heapBytes}).
 */
public final class MemberTable implements HashTableStats {
    /** Returned for an absent member. */
    public static final int NONE = MemberIndex.Nodes.NONE;
    /** This object: header, two references, a long. */
    private static final int OBJECT = 32;

    private final MemberSlots slots;
    private final MemberIndex index;
    /** The members' and values' arrays. */
    private long arrayBytes;

    /** A set's table ({@code withValues} false) or a hash's. */
    public MemberTable(boolean withValues) {
        slots = new MemberSlots(withValues);
        index = new MemberIndex(slots);
    }

    public int size() {
        return slots.count();
    }

    /** The slot of {@code member}, or {@link #NONE}. */
    public int find(byte[] member, int off, int len) {
        return index.find(member, off, len);
    }

    /** The member at a slot: the table's own array, never to be modified. */
    public byte[] member(int slot) {
        return slots.member(slot);
    }

    /** The value at a slot (a hash's): the table's own array. */
    public byte[] value(int slot) {
        return slots.value(slot);
    }

    /** Gives the member at {@code slot} a value; the table keeps the array. */
    public void value(int slot, byte[] value) {
        byte[] old = slots.value(slot);
        arrayBytes += JvmSizes.byteArray(value.length) - (old == null ? 0 : JvmSizes.byteArray(old.length));
        slots.value(slot, value);
    }

    /**
     * Adds a copy of {@code member} unless present. Returns the new member's slot, or minus the
     * slot of the member already there.
     */
    public int add(byte[] member, int off, int len) {
        int hash = index.hashOf(member, off, len);
        int slot = index.find(member, off, len, hash);
        if (slot != NONE) {
            return -slot;
        }
        slot = slots.allocate(Arrays.copyOfRange(member, off, off + len));
        index.add(slot, hash);
        arrayBytes += JvmSizes.byteArray(len);
        return slot;
    }

    /**
     * Removes a member; true when it was there. The index shrinks by Redis's rule, and slots down
     * to a quarter in use are compacted now rather than at the next addition: a set drained by
     * SPOP must stay dense for {@link #randomSlot}.
     */
    public boolean remove(byte[] member, int off, int len) {
        int slot = index.remove(member, off, len);
        if (slot == NONE) {
            return false;
        }
        byte[] value = slots.hasValues() ? slots.value(slot) : null;
        arrayBytes -= JvmSizes.byteArray(len) + (value == null ? 0 : JvmSizes.byteArray(value.length));
        slots.release(slot);
        index.shrinkIfSparse();
        if (slots.worthCompacting()) {
            slots.compact();
            index.rebuild();
        }
        return true;
    }

    /** Room for {@code members} in the index at once (Redis's dictExpand), as a load of a known size wants. */
    public void expand(long members) {
        index.expand(members);
    }

    /**
     * A random member's slot, uniformly (Redis samples its dict's buckets, which only approaches
     * uniform): at least a quarter of the slots of a table past a few dozen hold a member, so a
     * few draws find one. The table must not be empty.
     */
    public int randomSlot(RandomGenerator random) {
        int limit = slots.limit();
        int slot;
        do {
            slot = 1 + random.nextInt(limit - 1);
        } while (slots.member(slot) == null);
        return slot;
    }

    /** Visits every member's slot, in slot order. The table must not change meanwhile. */
    public void forEach(IntConsumer slotVisitor) {
        slots.forEachNode(slotVisitor);
    }

    /**
     * One step of a SCAN-like walk: visits the slots of the members in the index's buckets at
     * {@code cursor} and returns the next cursor (0 when done), with Redis's guarantee.
     */
    public long scan(long cursor, IntConsumer slotVisitor) {
        return index.scan(cursor, slotVisitor);
    }

    /** The heap this table holds: itself, its slots and index, the members' and values' arrays. */
    public long heapBytes() {
        return OBJECT + slots.heapBytes() + index.heapBytes() + arrayBytes;
    }

    /**
     * The heap figure counted from scratch instead of kept: what {@link #heapBytes} must equal
     * after any write (for tests).
     */
    public long recountHeapBytes() {
        long[] arrays = {0};
        slots.forEachNode(slot -> {
            arrays[0] += JvmSizes.byteArray(slots.member(slot).length);
            if (slots.hasValues()) {
                arrays[0] += JvmSizes.byteArray(slots.value(slot).length);
            }
        });
        return OBJECT + slots.heapBytes() + index.heapBytes() + arrays[0];
    }

    @Override
    public boolean isRehashing() {
        return index.isRehashing();
    }

    @Override
    public int tableLength(int which) {
        return index.tableLength(which);
    }

    @Override
    public int used(int which) {
        return index.used(which);
    }

    @Override
    public int chainLength(int which, int bucket) {
        return index.chainLength(which, bucket);
    }
}
