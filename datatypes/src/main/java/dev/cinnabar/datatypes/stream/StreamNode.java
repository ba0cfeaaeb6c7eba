package dev.cinnabar.datatypes.stream;

import dev.cinnabar.datatypes.Listpack;

/**
 * One node of a stream: a listpack in Redis's stream-node layout, keyed in the index by its
 * master ID (the ID of the first entry ever added to it).
 *
 * <p>The master entry: live count, deleted count, the number of master fields, the master
 * fields, a 0 terminator. Then each entry: flags ({@link #FLAG_DELETED}, {@link #FLAG_SAMEFIELDS}),
 * the ms and seq differences from the master ID, the number of fields and field/value pairs (or,
 * with SAMEFIELDS, only the values, in the master fields' order), and the lp-count: how many
 * pieces the entry has before it, so that the node can be walked from its tail.
 */
public final class StreamNode extends Listpack {
    public static final int FLAG_NONE = 0;
    public static final int FLAG_DELETED = 1;
    public static final int FLAG_SAMEFIELDS = 2;

    /** Object header, the array reference, the two longs, the flag (and padding). */
    public static final int OBJECT = 40;

    public final long masterMs;
    public final long masterSeq;
    /**
     * Whether another stream may hold this node too (a snapshot's copy, {@link
     * dev.cinnabar.datatypes.value.StreamValue#sharingCopy}): a stream copies it before changing
     * it. Never cleared: a node once shared is copied at its next change even if the other
     * holder has let it go, once.
     */
    public boolean shared;

    StreamNode(long masterMs, long masterSeq, int capacity) {
        super(capacity);
        this.masterMs = masterMs;
        this.masterSeq = masterSeq;
    }

    private StreamNode(long masterMs, long masterSeq, byte[] bytes) {
        super(0);
        this.masterMs = masterMs;
        this.masterSeq = masterSeq;
        this.buf = bytes;
    }

    /** Wraps bytes in stream-node layout (from an RDB file); not copied, not validated. */
    public static StreamNode wrap(long masterMs, long masterSeq, byte[] bytes) {
        return new StreamNode(masterMs, masterSeq, bytes);
    }

    /** A copy without headroom. */
    public StreamNode copy() {
        return new StreamNode(masterMs, masterSeq, toByteArray());
    }

    /**
     * A new node whose master entry has the fields of {@code fv} (field, value, field, value ...
     * from {@code from}, {@code n} pairs), holding that entry as its first.
     */
    public static StreamNode create(long ms, long seq, StreamFields fv, int from, int n, int capacity) {
        StreamNode node = new StreamNode(ms, seq, capacity);
        node.append(1);
        node.append(0);
        node.append(n);
        for (int i = 0; i < n; i++) {
            int k = from + 2 * i;
            node.append(fv.array(k), fv.offset(k), fv.length(k));
        }
        node.append(0);
        node.appendEntry(ms, seq, fv, from, n, true);
        return node;
    }

    /** Entries not deleted. */
    public long live() {
        return integerAt(first());
    }

    /** Entries flagged deleted and still in the node. */
    public long deleted() {
        return integerAt(next(first()));
    }

    /** Number of master fields. */
    public int masterFieldCount() {
        return (int) integerAt(next(next(first())));
    }

    /** Whether the fields of {@code fv} are the master fields, in order. */
    boolean sameFields(StreamFields fv, int from, int n) {
        int p = next(next(first()));
        if (integerAt(p) != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            p = next(p);
            int k = from + 2 * i;
            if (!equalsAt(p, fv.array(k), fv.offset(k), fv.length(k))) {
                return false;
            }
        }
        return true;
    }

    /** Appends an entry to a node that has room: counts it, and compresses its fields when they are the master's. */
    public void appendEntry(long ms, long seq, StreamFields fv, int from, int n) {
        growFor(fv, from, n);
        replace(first(), live() + 1);
        appendEntry(ms, seq, fv, from, n, sameFields(fv, from, n));
    }

    /** At most what one element adds besides its bytes: its encoding's header and back-length. */
    private static final int ELEMENT_OVERHEAD = 10;

    /** At most what appending the entry of {@code n} fields and values at {@code from} adds to a node. */
    public static long entryRoom(StreamFields fv, int from, int n) {
        long need = 5L * ELEMENT_OVERHEAD;
        for (int i = 0; i < 2 * n; i++) {
            need += fv.length(from + i) + ELEMENT_OVERHEAD;
        }
        return need;
    }

    /**
     * Room for the entry about to be appended and half as much again as the node holds: a node
     * fills an entry at a time up to stream-node-max-bytes, and growing its array to each
     * element's size (to the next 8 bytes below 512, an eighth more above) copied the node over
     * and over, 700-800 bytes of copies per XADD of three short fields. The stream trims a node
     * when it starts the next one, so the room outlives only the last node.
     */
    private void growFor(StreamFields fv, int from, int n) {
        long need = entryRoom(fv, from, n);
        int total = totalBytes();
        if (total + need > capacity()) {
            reserve((int) Math.min(Integer.MAX_VALUE - 8L - total, need + total / 2));
        }
    }

    private void appendEntry(long ms, long seq, StreamFields fv, int from, int n, boolean same) {
        append(same ? FLAG_SAMEFIELDS : FLAG_NONE);
        append(ms - masterMs);
        append(seq - masterSeq);
        if (!same) {
            append(n);
        }
        for (int i = 0; i < n; i++) {
            int k = from + 2 * i;
            if (!same) {
                append(fv.array(k), fv.offset(k), fv.length(k));
            }
            append(fv.array(k + 1), fv.offset(k + 1), fv.length(k + 1));
        }
        long lpCount = n + 3;
        if (!same) {
            lpCount += n + 1;
        }
        append(lpCount);
    }

    /** Sets the live and deleted counts. */
    public void setCounts(long live, long deleted) {
        int p = first();
        replace(p, live);
        p = next(p);
        replace(p, deleted);
    }

    /** The ID of the last entry of the node (deleted or not): Redis's lpGetEdgeStreamID for the tail. */
    public StreamId lastId() {
        int p = last();
        long lpCount = integerAt(p);
        for (long i = 0; i < lpCount; i++) {
            p = prev(p);
        }
        p = next(p);
        long ms = masterMs + integerAt(p);
        p = next(p);
        long seq = masterSeq + integerAt(p);
        return new StreamId(ms, seq);
    }

    /** What the node holds on the heap. */
    public long heapSize() {
        return OBJECT + dev.cinnabar.datatypes.value.JvmSizes.byteArray(capacity());
    }
}
