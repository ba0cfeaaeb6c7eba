package dev.cinnabar.datatypes.stream;

import dev.cinnabar.datatypes.value.JvmSizes;
import java.util.Arrays;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A consumer group (Redis's streamCG): the last ID delivered, the logical read counter, the
 * pending entries (PEL) ordered by ID, and the consumers ordered by name bytes as Redis's rax
 * orders them. Every change goes through here, so that the stream's heap figure follows.
 */
public final class StreamGroup {
    /** Redis's SCG_INVALID_ENTRIES_READ. */
    public static final long INVALID_ENTRIES_READ = -1;

    /** Header, four references, three longs. */
    static final int OBJECT = 56;
    /** A TreeMap object. */
    static final int TREE_MAP = 56;
    /** A TreeMap entry: header, key, value, left, right, parent, colour. */
    static final int TREE_ENTRY = 40;
    /** A StreamId: header, padding, two longs. */
    static final int ID = 32;
    /** What one pending entry costs: its ID, its NACK, an entry in the group's PEL and one in the consumer's. */
    static final int PENDING = ID + StreamNack.OBJECT + 2 * TREE_ENTRY;

    public final byte[] name;
    public long lastMs;
    public long lastSeq;
    public long entriesRead;
    final TreeMap<StreamId, StreamNack> pel = new TreeMap<>();
    final TreeMap<byte[], StreamConsumer> consumers = new TreeMap<>(Arrays::compareUnsigned);
    private final long[] heap;

    StreamGroup(byte[] name, long lastMs, long lastSeq, long entriesRead, long[] heap) {
        this.name = name;
        this.lastMs = lastMs;
        this.lastSeq = lastSeq;
        this.entriesRead = entriesRead;
        this.heap = heap;
    }

    /** A new group, its size added to {@code heap[0]}. */
    public static StreamGroup create(byte[] name, long lastMs, long lastSeq, long entriesRead, long[] heap) {
        heap[0] += baseSize(name);
        return new StreamGroup(name, lastMs, lastSeq, entriesRead, heap);
    }

    /** What the group holds on the heap, recounted. */
    public static long size(StreamGroup g) {
        long n = baseSize(g.name) + (long) g.pel.size() * PENDING;
        for (StreamConsumer c : g.consumers.values()) {
            n += consumerSize(c.name);
        }
        return n;
    }

    static long baseSize(byte[] name) {
        return OBJECT + JvmSizes.byteArray(name.length) + 2 * TREE_MAP + TREE_ENTRY;
    }

    static long consumerSize(byte[] name) {
        return StreamConsumer.OBJECT + JvmSizes.byteArray(name.length) + TREE_MAP + TREE_ENTRY;
    }

    public NavigableMap<StreamId, StreamNack> pel() {
        return java.util.Collections.unmodifiableNavigableMap(pel);
    }

    public NavigableMap<byte[], StreamConsumer> consumers() {
        return java.util.Collections.unmodifiableNavigableMap(consumers);
    }

    public StreamConsumer consumer(byte[] name) {
        return consumers.get(name);
    }

    /** Creates the consumer; null when it exists. */
    public StreamConsumer createConsumer(byte[] name, long now) {
        if (consumers.containsKey(name)) {
            return null;
        }
        StreamConsumer c = new StreamConsumer(name, now);
        consumers.put(name, c);
        heap[0] += consumerSize(name);
        return c;
    }

    /** The consumer, created when absent. */
    public StreamConsumer lookupOrCreate(byte[] name, long now) {
        StreamConsumer c = consumers.get(name);
        return c != null ? c : createConsumer(name, now);
    }

    /** Deletes the consumer and its pending entries; returns how many it had. */
    public long deleteConsumer(StreamConsumer c) {
        long n = c.pel.size();
        for (StreamId id : c.pel.keySet()) {
            pel.remove(id);
        }
        heap[0] -= n * PENDING;
        c.pel.clear();
        consumers.remove(c.name);
        heap[0] -= consumerSize(c.name);
        return n;
    }

    public StreamNack nack(StreamId id) {
        return pel.get(id);
    }

    /**
     * Records a delivery of {@code id} to {@code consumer}: a new pending entry, or the existing
     * one moved to it with its count reset to 1 (Redis's streamReplyWithRange).
     */
    public StreamNack deliver(StreamId id, StreamConsumer consumer, long now) {
        StreamNack n = pel.get(id);
        if (n == null) {
            n = new StreamNack(id, consumer, now);
            pel.put(id, n);
            consumer.pel.put(id, n);
            heap[0] += PENDING;
            return n;
        }
        n.consumer.pel.remove(id);
        n.consumer = consumer;
        n.deliveryTime = now;
        n.deliveryCount = 1;
        consumer.pel.put(id, n);
        return n;
    }

    /** Adds a pending entry (XCLAIM FORCE) owned by {@code consumer}. */
    public StreamNack addPending(StreamId id, StreamConsumer consumer, long now) {
        StreamNack n = new StreamNack(id, consumer, now);
        pel.put(id, n);
        consumer.pel.put(id, n);
        heap[0] += PENDING;
        return n;
    }

    /** Moves a pending entry to another consumer. */
    public void transfer(StreamNack n, StreamConsumer to) {
        if (n.consumer != to) {
            n.consumer.pel.remove(n.id);
            n.consumer = to;
            to.pel.put(n.id, n);
        }
    }

    /** Acknowledges: the entry leaves both PELs. */
    public void remove(StreamNack n) {
        pel.remove(n.id);
        n.consumer.pel.remove(n.id);
        heap[0] -= PENDING;
    }
}
