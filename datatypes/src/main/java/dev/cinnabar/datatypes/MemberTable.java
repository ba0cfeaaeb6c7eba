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
 * <p>The table is its slots (it extends {@link MemberSlots}, which is its own first page), so a
 * small set or hash is this object, its index and their arrays: every object more would cost
 * a header and a reference on each of the many small sets applications keep (Redis 7.0 has no
 * compact encoding for a set of strings).
 *
 * <p>The heap figure ({@link #heapBytes}) is O(1) and moves only with writes, as the keyspace's
 * heap counter needs (see {@link MemberIndex#heapBytes}).
 */
public final class MemberTable extends MemberSlots implements HashTableStats {
    /** Returned for an absent member. */
    public static final int NONE = MemberIndex.Nodes.NONE;
    /** This object: header, the slots' fields (see {@link MemberSlots}), the index's reference. */
    private static final int OBJECT = 64;

    private final MemberIndex index;

    /** A set's table ({@code withValues} false) or a hash's. */
    public MemberTable(boolean withValues) {
        super(withValues);
        index = new MemberIndex(this);
    }

    private MemberTable(MemberTable from, boolean sharePages) {
        super(from, sharePages);
        index = sharePages ? MemberIndex.countOnly(this, from.index) : new MemberIndex(this, from.index);
    }

    /**
     * A copy made of copies of this table's arrays, without hashing a member again: for COPY,
     * and for a snapshot that must keep a big value as it is while a write changes it (about
     * 10 ms for a million members, against 50-100 for adding them one by one).
     */
    public MemberTable copy() {
        return new MemberTable(this, false);
    }

    /**
     * A copy to walk by slot ({@link #nextLive}, {@link #member}, {@link #value}, {@link #size}),
     * never to look up in or change: it shares this table's slot pages after the first (all but
     * 2,048 members) instead of copying them, this table copying a page before it first writes to
     * it, and has no index buckets. For a snapshot that writes a big value as it was while writes
     * change it: a copy of a million members took 6-30 ms, most of it fresh memory faulted in.
     */
    public MemberTable sharingCopy() {
        return new MemberTable(this, true);
    }

    /** Members held: the index counts them, so the slots need not. */
    public int size() {
        return index.size();
    }

    /** The slot of {@code member}, or {@link #NONE}. */
    public int find(byte[] member, int off, int len) {
        return index.find(member, off, len);
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
        slot = allocate(member, off, len);
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
            value(slot, value, voff, vlen);
            return -slot;
        }
        slot = allocate(field, foff, flen, value, voff, vlen);
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
        freeSlot(slot);
        return true;
    }

    /** Removes the member at {@code slot}, found by a walk or a random draw: no lookup. */
    public void removeSlot(int slot) {
        index.remove(slot);
        freeSlot(slot);
    }

    /** Frees the slot of a member the index has dropped, then shrinks and compacts as due. */
    private void freeSlot(int slot) {
        release(slot);
        index.shrinkIfSparse();
        if (worthCompacting(index.size())) {
            compact();
            index.rebuild();
        }
    }

    /** Room for {@code members} in the index at once (Redis's dictExpand), as a load of a known size wants. */
    public void expand(long members) {
        index.expand(members);
        reserveSlots(members);
    }

    /**
     * A random member's slot, uniformly (Redis samples its dict's buckets, which only approaches
     * uniform): at least a quarter of the slots of a table past a few dozen hold a member, so a
     * few draws find one. The table must not be empty.
     */
    public int randomSlot(RandomGenerator random) {
        int limit = limit();
        int slot;
        do {
            slot = 1 + random.nextInt(limit - 1);
        } while (!isLive(slot));
        return slot;
    }

    /** Visits every member's slot, in slot order. The table must not change meanwhile. */
    public void forEach(IntConsumer slotVisitor) {
        forEachNode(slotVisitor);
    }

    /**
     * The first slot at or after {@code slot} (from 1) that holds a member, or {@link #NONE} past
     * the last: {@link #forEach}'s order, as a walk that can stop and go on later as long as the
     * table does not change in between (a snapshot writing a big set a part at a time).
     */
    public int nextLive(int slot) {
        for (int top = limit(); slot < top; slot++) {
            if (isLive(slot)) {
                return slot;
            }
        }
        return NONE;
    }

    /**
     * One step of a SCAN-like walk: visits the slots of the members in the index's buckets at
     * {@code cursor} and returns the next cursor (0 when done), with Redis's guarantee.
     */
    public long scan(long cursor, IntConsumer slotVisitor) {
        return index.scan(cursor, slotVisitor);
    }

    /** The heap this table holds: itself, its slots with the members' and values' bytes, and its index. */
    @Override
    public long heapBytes() {
        return OBJECT + slotArrayBytes() + index.heapBytes();
    }

    /**
     * The heap figure counted from scratch instead of kept: what {@link #heapBytes} must equal
     * after any write (for tests).
     */
    @Override
    public long recountHeapBytes() {
        return OBJECT + recountSlotArrayBytes() + index.heapBytes();
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
