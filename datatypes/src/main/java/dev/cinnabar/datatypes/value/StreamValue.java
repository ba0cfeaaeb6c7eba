package dev.cinnabar.datatypes.value;

import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.stream.StreamConsumer;
import dev.cinnabar.datatypes.stream.StreamCursor;
import dev.cinnabar.datatypes.stream.StreamFields;
import dev.cinnabar.datatypes.stream.StreamGroup;
import dev.cinnabar.datatypes.stream.StreamId;
import dev.cinnabar.datatypes.stream.StreamIndex;
import dev.cinnabar.datatypes.stream.StreamNack;
import dev.cinnabar.datatypes.stream.StreamNode;
import java.util.Arrays;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A stream as Redis 7.0 keeps it: nodes in Redis's stream-node listpack layout ({@link StreamNode}),
 * ordered by master ID in a {@link StreamIndex}; the length, last ID, first ID, greatest deleted
 * ID and the count of entries ever added; and the consumer groups, ordered by name.
 *
 * <p>A stream is never deleted for being empty: XDEL of every entry leaves the key.
 * The heap figure is kept as the stream changes, so {@link #heapSize()} is O(1).
 */
public final class StreamValue implements TypedValue {
    /** Redis's STREAM_LISTPACK_MAX_SIZE. */
    public static final long LISTPACK_MAX_SIZE = 1L << 30;
    /** Header, two references, the heap array reference, eight longs. */
    static final int OBJECT = 88;
    static final int TREE_MAP = 56;
    static final int HEAP_ARRAY = 24;

    final StreamIndex index;
    public long length;
    public long lastMs;
    public long lastSeq;
    public long firstMs;
    public long firstSeq;
    public long maxDelMs;
    public long maxDelSeq;
    public long entriesAdded;
    private TreeMap<byte[], StreamGroup> groups;
    /** Bytes of the nodes, then (second slot) of the groups, their consumers and PELs. */
    private final long[] groupHeap = new long[1];
    private long nodesHeap;

    public StreamValue() {
        index = new StreamIndex();
    }

    private StreamValue(StreamIndex index) {
        this.index = index;
    }

    @Override
    public ValueType type() {
        return StreamType.TYPE;
    }

    public StreamIndex index() {
        return index;
    }

    public long heapSize() {
        return OBJECT + HEAP_ARRAY + index.heapSize() + nodesHeap + groupHeap[0] + (groups == null ? 0 : TREE_MAP);
    }

    /** The figure {@link #heapSize()} keeps, recounted from scratch (tests). */
    public long recountHeap() {
        long n = 0;
        for (int i = 0; i < index.size(); i++) {
            n += index.get(i).heapSize();
        }
        long g = 0;
        if (groups != null) {
            for (StreamGroup group : groups.values()) {
                g += StreamGroup.size(group);
            }
        }
        return OBJECT + HEAP_ARRAY + index.heapSize() + n + g + (groups == null ? 0 : TREE_MAP);
    }

    // ------------------------------------------------------------------ entries

    /**
     * Appends an entry with ID (ms, seq), above the last ID, with {@code n} field/value pairs
     * from {@code fv[from]}: into the tail node unless it is full by {@code nodeMaxBytes} (0: no
     * limit but Redis's 1 GB) or {@code nodeMaxEntries} (0: none). Redis's streamAppendItem.
     */
    public void append(long ms, long seq, byte[][] fv, int from, int n, long nodeMaxBytes, long nodeMaxEntries) {
        append(ms, seq, StreamFields.of(fv), from, n, nodeMaxBytes, nodeMaxEntries);
    }

    /** {@link #append(long, long, byte[][], int, int, long, long)} from argument slices. */
    public void append(long ms, long seq, StreamFields fv, int from, int n, long nodeMaxBytes, long nodeMaxEntries) {
        long total = 0;
        for (int i = 0; i < 2 * n; i++) {
            total += fv.length(from + i);
        }
        StreamNode lp = index.size() == 0 ? null : owned(index.size() - 1);
        int closedBytes = 0;
        if (lp != null) {
            long maxBytes = nodeMaxBytes;
            if (maxBytes == 0 || maxBytes > LISTPACK_MAX_SIZE) {
                maxBytes = LISTPACK_MAX_SIZE;
            }
            boolean full = lp.totalBytes() + total >= maxBytes;
            if (!full && nodeMaxEntries != 0) {
                full = lp.live() + lp.deleted() >= nodeMaxEntries;
            }
            if (full) {
                long before = lp.heapSize();
                lp.trimToSize();
                nodesHeap += lp.heapSize() - before;
                closedBytes = lp.totalBytes();
                lp = null;
            }
        }
        long indexBefore = index.heapSize();
        if (lp == null) {
            lp = StreamNode.create(ms, seq, fv, from, n, 0);
            // The node before filled up: this one will most likely fill as far, so it gets that
            // room now (and its last entry's) instead of growing to it entry by entry; up to
            // 64 KB, past which nodes are rare and grow by half (StreamNode.appendEntry).
            if (closedBytes > lp.totalBytes() && closedBytes <= 64 * 1024) {
                long entryRoom = Math.min(4096, StreamNode.entryRoom(fv, from, n));
                lp.reserve((int) (closedBytes - lp.totalBytes() + entryRoom));
            }
            index.add(lp);
            nodesHeap += lp.heapSize();
        } else {
            long before = lp.heapSize();
            lp.appendEntry(ms, seq, fv, from, n);
            nodesHeap += lp.heapSize() - before;
        }
        length++;
        entriesAdded++;
        lastMs = ms;
        lastSeq = seq;
        if (length == 1) {
            firstMs = ms;
            firstSeq = seq;
        }
    }

    /**
     * Adds a node read from an RDB file or payload after the others (its master ID must be above
     * theirs); the metadata fields are the caller's to set.
     */
    public void appendLoadedNode(StreamNode node) {
        index.add(node);
        nodesHeap += node.heapSize();
    }

    /** A cursor over this stream's entries in [start, end]. */
    public StreamCursor range(StreamCursor c, long sMs, long sSeq, long eMs, long eSeq, boolean rev) {
        return c.start(index, sMs, sSeq, eMs, eSeq, rev);
    }

    /** Marks the entry the cursor is on deleted (Redis's streamIteratorRemoveEntry, without the re-seek). */
    public void removeAt(StreamCursor c) {
        if (c.node().shared) {
            owned(index.indexOf(c.node()));
            c.continueIn(index);
        }
        StreamNode lp = c.node();
        long before = lp.heapSize();
        c.markDeleted();
        long live = lp.live();
        if (live == 1) {
            index.remove(index.indexOf(lp));
            nodesHeap -= before;
        } else {
            lp.setCounts( live - 1, lp.deleted() + 1);
            nodesHeap += lp.heapSize() - before;
        }
        length--;
    }

    /** Deletes the entry (ms, seq) if it is there and live; Redis's streamDeleteItem. */
    public boolean delete(long ms, long seq) {
        StreamCursor c = new StreamCursor().start(index, ms, seq, ms, seq, false);
        if (c.next()) {
            removeAt(c);
            return true;
        }
        return false;
    }

    /** The first or last entry's ID, tombstones included or not; MAX/MIN (first/last) when none. */
    public StreamId edgeId(boolean first, boolean skipTombstones) {
        StreamCursor c = new StreamCursor().start(index, !first);
        c.skipTombstones = skipTombstones;
        if (c.next()) {
            return new StreamId(c.ms, c.seq);
        }
        return first ? StreamId.MAX : StreamId.MIN;
    }

    /** The last live entry's ID (Redis's streamLastValidID); 0-0 when empty. */
    public StreamId lastValidId() {
        StreamCursor c = new StreamCursor().start(index, true);
        return c.next() ? new StreamId(c.ms, c.seq) : StreamId.MIN;
    }

    public static final int TRIM_MAXLEN = 1;
    public static final int TRIM_MINID = 2;

    /**
     * Redis's streamTrim: removes entries from the head, whole nodes while they go entirely,
     * then (unless {@code approx}) marks entries deleted in the first node left. {@code limit}
     * (0: none) caps the entries removed. Returns how many went.
     */
    public long trim(int strategy, long maxlen, long minMs, long minSeq, boolean approx, long limit) {
        long deleted = 0;
        while (index.size() > 0) {
            if (strategy == TRIM_MAXLEN && length <= maxlen) {
                break;
            }
            StreamNode lp = index.get(0);
            long entries = lp.live();
            if (limit != 0 && deleted + entries > limit) {
                break;
            }
            boolean removeNode;
            if (strategy == TRIM_MAXLEN) {
                removeNode = length - entries >= maxlen;
            } else {
                StreamId last = lp.lastId();
                removeNode = last.compareTo(minMs, minSeq) < 0;
            }
            if (removeNode) {
                nodesHeap -= lp.heapSize();
                index.remove(0);
                length -= entries;
                deleted += entries;
                continue;
            }
            if (approx) {
                break;
            }
            lp = owned(0);
            long before = lp.heapSize();
            long fromLp = trimWithin(lp, strategy, maxlen, minMs, minSeq);
            deleted += fromLp;
            lp.setCounts( entries - fromLp, lp.deleted() + fromLp);
            nodesHeap += lp.heapSize() - before;
            break;
        }
        if (length == 0) {
            firstMs = 0;
            firstSeq = 0;
        } else if (deleted != 0) {
            StreamId f = edgeId(true, true);
            firstMs = f.ms;
            firstSeq = f.seq;
        }
        return deleted;
    }

    /**
     * The number of nodes of the rax Redis would hold the node keys in (XINFO STREAM's
     * radix-tree-nodes): the keys are the 16-byte big-endian master IDs; a rax has a node per
     * branching point, one per run of single-child bytes, and one per key end.
     */
    public long raxNodes() {
        StreamValue s = this;
        int n = s.index().size();
        byte[][] keys = new byte[n][];
        for (int i = 0; i < n; i++) {
            keys[i] = raxKey(s.index().get(i).masterMs, s.index().get(i).masterSeq);
        }
        if (n == 0) {
            return 1;
        }
        return raxCount(keys, 0, n, 0);
    }

    private static long raxCount(byte[][] keys, int lo, int hi, int depth) {
        if (depth == 16) {
            return 1;
        }
        int d = depth;
        while (d < 16 && keys[lo][d] == keys[hi - 1][d]) {
            d++;
        }
        if (d > depth) {
            return 1 + raxCount(keys, lo, hi, d);
        }
        long total = 1;
        int i = lo;
        while (i < hi) {
            int k = i + 1;
            while (k < hi && keys[k][depth] == keys[i][depth]) {
                k++;
            }
            total += raxCount(keys, i, k, depth + 1);
            i = k;
        }
        return total;
    }

    private static byte[] raxKey(long ms, long seq) {
        byte[] k = new byte[16];
        for (int i = 0; i < 8; i++) {
            k[i] = (byte) (ms >>> (56 - 8 * i));
            k[8 + i] = (byte) (seq >>> (56 - 8 * i));
        }
        return k;
    }

    // ------------------------------------------------------------------ lag

    /** Redis's streamRangeHasTombstones; a null bound is open. */
    public boolean rangeHasTombstones(StreamId start, StreamId end) {
        if (length == 0 || (maxDelMs == 0 && maxDelSeq == 0)) {
            return false;
        }
        if (StreamId.compare(firstMs, firstSeq, maxDelMs, maxDelSeq) > 0) {
            return false;
        }
        StreamId s = start == null ? StreamId.MIN : start;
        StreamId e = end == null ? StreamId.MAX : end;
        return s.compareTo(maxDelMs, maxDelSeq) <= 0 && StreamId.compare(maxDelMs, maxDelSeq, e.ms, e.seq) <= 0;
    }

    /** Redis's streamEstimateDistanceFromFirstEverEntry; {@link StreamGroup#INVALID_ENTRIES_READ} when unknown. */
    public long estimateDistance(long ms, long seq) {
        if (entriesAdded == 0) {
            return 0;
        }
        if (length == 0 && StreamId.compare(ms, seq, lastMs, lastSeq) < 1) {
            return entriesAdded;
        }
        int cmpLast = StreamId.compare(ms, seq, lastMs, lastSeq);
        if (cmpLast == 0) {
            return entriesAdded;
        } else if (cmpLast > 0) {
            return StreamGroup.INVALID_ENTRIES_READ;
        }
        int cmpFirst = StreamId.compare(ms, seq, firstMs, firstSeq);
        int cmpXdelFirst = StreamId.compare(maxDelMs, maxDelSeq, firstMs, firstSeq);
        if ((maxDelMs == 0 && maxDelSeq == 0) || cmpXdelFirst < 0) {
            if (cmpFirst < 0) {
                return entriesAdded - length;
            } else if (cmpFirst == 0) {
                return entriesAdded - length + 1;
            }
        }
        return StreamGroup.INVALID_ENTRIES_READ;
    }

    /** The group's lag, or null when it cannot be told (Redis's streamReplyWithCGLag). */
    public Long lag(StreamGroup g) {
        if (entriesAdded == 0) {
            return 0L;
        }
        if (g.entriesRead != StreamGroup.INVALID_ENTRIES_READ
                && !rangeHasTombstones(new StreamId(g.lastMs, g.lastSeq), null)) {
            return entriesAdded - g.entriesRead;
        }
        long read = estimateDistance(g.lastMs, g.lastSeq);
        if (read != StreamGroup.INVALID_ENTRIES_READ) {
            return entriesAdded - read;
        }
        return null;
    }

    // ------------------------------------------------------------------ groups

    public StreamGroup group(byte[] name) {
        return groups == null ? null : groups.get(name);
    }

    public int groupCount() {
        return groups == null ? 0 : groups.size();
    }

    /** The groups by name; read only. */
    public NavigableMap<byte[], StreamGroup> groups() {
        if (groups == null) {
            return java.util.Collections.emptyNavigableMap();
        }
        return java.util.Collections.unmodifiableNavigableMap(groups);
    }

    /** Creates a group; null when one of that name exists. */
    public StreamGroup createGroup(byte[] name, long ms, long seq, long entriesRead) {
        if (groups == null) {
            groups = new TreeMap<>(Arrays::compareUnsigned);
        }
        if (groups.containsKey(name)) {
            return null;
        }
        StreamGroup g = StreamGroup.create(name, ms, seq, entriesRead, groupHeap);
        groups.put(name, g);
        return g;
    }

    public boolean destroyGroup(byte[] name) {
        StreamGroup g = groups == null ? null : groups.remove(name);
        if (g == null) {
            return false;
        }
        groupHeap[0] -= StreamGroup.size(g);
        return true;
    }

    // ------------------------------------------------------------------ copies

    /** A deep copy: nodes, metadata, groups, consumers and pending entries (Redis's streamDup). */
    public StreamValue duplicate() {
        return copyOver(index.copy());
    }

    /**
     * {@link #duplicate} that shares the nodes instead of copying them: this stream copies a
     * node before it changes it ({@link #owned}), so the copy stays as this stream is now. For a
     * snapshot that must write the stream as it was while it keeps changing: a copy of the
     * index and the groups, where a deep copy of two million entries took 13-60 ms.
     */
    public StreamValue sharingCopy() {
        return copyOver(index.sharingCopy());
    }

    private StreamValue copyOver(StreamIndex nodes) {
        StreamValue d = new StreamValue(nodes);
        d.length = length;
        d.lastMs = lastMs;
        d.lastSeq = lastSeq;
        d.firstMs = firstMs;
        d.firstSeq = firstSeq;
        d.maxDelMs = maxDelMs;
        d.maxDelSeq = maxDelSeq;
        d.entriesAdded = entriesAdded;
        for (int i = 0; i < d.index.size(); i++) {
            d.nodesHeap += d.index.get(i).heapSize();
        }
        if (groups != null) {
            for (StreamGroup g : groups.values()) {
                StreamGroup c = d.createGroup(g.name.clone(), g.lastMs, g.lastSeq, g.entriesRead);
                for (StreamConsumer con : g.consumers().values()) {
                    StreamConsumer cc = c.createConsumer(con.name.clone(), con.seenTime);
                    for (StreamNack n : con.pel().values()) {
                        StreamNack nn = c.addPending(n.id, cc, n.deliveryTime);
                        nn.deliveryCount = n.deliveryCount;
                    }
                }
            }
        }
        return d;
    }

    /** The node at position {@code i}, to change: a copy of it in its place first when it is shared. */
    private StreamNode owned(int i) {
        StreamNode n = index.get(i);
        if (!n.shared) {
            return n;
        }
        StreamNode own = n.copy();
        index.set(i, own);
        nodesHeap += own.heapSize() - n.heapSize();
        return own;
    }

    /** Redis's RDB_TYPE_STREAM_LISTPACKS_2 payload, measured. */
    public long serializedLength(boolean compression) {
        long total = ulen(index.size());
        for (int i = 0; i < index.size(); i++) {
            StreamNode lp = index.get(i);
            total += 1 + 16;
            total += RdbLengths.ofBytes(lp.array(), 0, lp.totalBytes(), compression);
        }
        total += ulen(length) + ulen(lastMs) + ulen(lastSeq) + ulen(firstMs) + ulen(firstSeq)
                + ulen(maxDelMs) + ulen(maxDelSeq) + ulen(entriesAdded);
        total += ulen(groupCount());
        if (groups != null) {
            for (StreamGroup g : groups.values()) {
                total += RdbLengths.ofBytes(g.name, 0, g.name.length, compression);
                total += ulen(g.lastMs) + ulen(g.lastSeq) + ulen(g.entriesRead);
                total += ulen(g.pel().size());
                for (StreamNack n : g.pel().values()) {
                    total += 16 + 8 + ulen(n.deliveryCount);
                }
                total += ulen(g.consumers().size());
                for (StreamConsumer c : g.consumers().values()) {
                    total += RdbLengths.ofBytes(c.name, 0, c.name.length, compression) + 8;
                    total += ulen(c.pending()) + 16L * c.pending();
                }
            }
        }
        return total;
    }

    private static long ulen(long n) {
        return n < 0 ? 9 : RdbLengths.length(n);
    }

    /** Every entry, oldest first, for DEBUG DIGEST: its ID as {@code ms.seq}, then fields and values. */
    public void digest(ValueDigest digest) {
        StreamCursor c = new StreamCursor().start(index, false);
        Listpack.Entry f = new Listpack.Entry();
        Listpack.Entry v = new Listpack.Entry();
        while (c.next()) {
            digest.mix((Long.toUnsignedString(c.ms) + "." + Long.toUnsignedString(c.seq))
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            for (int i = 0; i < c.fields; i++) {
                c.field(f, v);
                mix(digest, f);
                mix(digest, v);
            }
        }
    }

    private static void mix(ValueDigest d, Listpack.Entry e) {
        if (e.isInteger) {
            d.mix(dev.cinnabar.datatypes.Numbers.toBytes(e.value));
        } else {
            d.mix(e.bytes, e.offset, e.length);
        }
    }

    /** Marks deleted the entries of the head node that must go, as streamTrim does within a node. */
    private long trimWithin(StreamNode lp, int strategy, long maxlen, long minMs, long minSeq) {
        long deletedFromLp = 0;
        int p = lp.first();
        p = lp.next(p);
        p = lp.next(p);
        int masterFields = (int) lp.integerAt(p);
        p = lp.next(p);
        for (int j = 0; j < masterFields; j++) {
            p = lp.next(p);
        }
        p = lp.next(p);
        while (p >= 0) {
            int flagsPos = p;
            long flags = lp.integerAt(p);
            p = lp.next(p);
            long msDelta = lp.integerAt(p);
            p = lp.next(p);
            long seqDelta = lp.integerAt(p);
            p = lp.next(p);
            boolean stop;
            if (strategy == TRIM_MAXLEN) {
                stop = length <= maxlen;
            } else {
                stop = StreamId.compare(lp.masterMs + msDelta, lp.masterSeq + seqDelta, minMs, minSeq) >= 0;
            }
            if (stop) {
                break;
            }
            long toSkip;
            if ((flags & StreamNode.FLAG_SAMEFIELDS) != 0) {
                toSkip = masterFields;
            } else {
                toSkip = lp.integerAt(p) * 2;
                p = lp.next(p);
            }
            while (toSkip-- > 0) {
                p = lp.next(p);
            }
            p = lp.next(p);
            if ((flags & StreamNode.FLAG_DELETED) == 0) {
                // the flag stays a one-byte integer: offsets after it do not move
                lp.replace(flagsPos, flags | StreamNode.FLAG_DELETED);
                deletedFromLp++;
                length--;
            }
        }
        return deletedFromLp;
    }
}
