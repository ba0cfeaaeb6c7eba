package dev.cinnabar.datatypes;

import java.util.function.IntConsumer;
import java.util.random.RandomGenerator;

/**
 * The hashtable encoding of a set, or of a hash with values: {@link MemberSlots} found through a
 * {@link MemberIndex}, with Redis's dict rules for growth, shrinking and SCAN, and no object per
 * member: the members' and values' bytes sit in the slots' pages. Callers hold slot numbers only
 * within one call (a removal may compact the slots), and views of members and values only until
 * the next write.
 *
 * <p>The heap figure ({@link #heapBytes}) is O(1) and moves only with writes, as the keyspace's
 * heap counter needs (see {@link MemberIndex#heapBytes}).
 */
public final class MemberTable implements HashTableStats {
    /** Returned for an absent member. */
    public static final int NONE = MemberIndex.Nodes.NONE;
    /** This object: header, two references. */
    private static final int OBJECT = 24;

    private final MemberSlots slots;
    private final MemberIndex index;

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

    /** Points {@code out} at the member at a slot, in the table's own bytes: valid until the next write. */
    public Listpack.Entry member(int slot, Listpack.Entry out) {
        return slots.member(slot, out);
    }

    /** Points {@code out} at the value at a slot (a hash's), as {@link #member} does. */
    public Listpack.Entry value(int slot, Listpack.Entry out) {
        return slots.value(slot, out);
    }

    /** The member at a slot as a new array. */
    public byte[] memberCopy(int slot) {
        return slots.memberCopy(slot);
    }

    /**
     * Adds a copy of {@code member} (a set's table) unless present. Returns the new member's
     * slot, or minus the slot of the member already there.
     */
    public int add(byte[] member, int off, int len) {
        int hash = index.hashOf(member, off, len);
        int slot = index.find(member, off, len, hash);
        if (slot != NONE) {
            return -slot;
        }
        slot = slots.allocate(member, off, len);
        index.add(slot, hash);
        return slot;
    }

    /**
     * Sets a field of a hash's table to a copy of {@code value}, adding the field when absent.
     * Returns the new field's slot, or minus the slot of the field that was there.
     */
    public int put(byte[] field, int foff, int flen, byte[] value, int voff, int vlen) {
        int hash = index.hashOf(field, foff, flen);
        int slot = index.find(field, foff, flen, hash);
        if (slot != NONE) {
            slots.value(slot, value, voff, vlen);
            return -slot;
        }
        slot = slots.allocate(field, foff, flen, value, voff, vlen);
        index.add(slot, hash);
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
        release(slot);
        return true;
    }

    /** Removes the member at {@code slot}, found by a walk or a random draw: no lookup. */
    public void removeSlot(int slot) {
        index.remove(slot);
        release(slot);
    }

    private void release(int slot) {
        slots.release(slot);
        index.shrinkIfSparse();
        if (slots.worthCompacting()) {
            slots.compact();
            index.rebuild();
        }
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
        } while (!slots.isLive(slot));
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

    /** The heap this table holds: itself, its slots with the members' and values' bytes, and its index. */
    public long heapBytes() {
        return OBJECT + slots.heapBytes() + index.heapBytes();
    }

    /**
     * The heap figure counted from scratch instead of kept: what {@link #heapBytes} must equal
     * after any write (for tests).
     */
    public long recountHeapBytes() {
        return OBJECT + slots.recountHeapBytes() + index.heapBytes();
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
