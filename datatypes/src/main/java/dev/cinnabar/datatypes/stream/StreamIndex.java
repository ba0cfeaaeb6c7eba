package dev.cinnabar.datatypes.stream;

import dev.cinnabar.datatypes.value.JvmSizes;
import java.util.Arrays;

/**
 * A stream's nodes in the order of their master IDs: a sorted array with a moving head, so that
 * appending at the tail (XADD) and dropping from the head (trimming) are O(1) amortized, and a
 * node is found by binary search. Redis keeps the same in a rax keyed by the 128-bit big-endian
 * master ID, which orders exactly alike.
 */
public final class StreamIndex {
    /** Object header, the array reference, head and tail. */
    public static final int OBJECT = 24;

    private StreamNode[] nodes = new StreamNode[2];
    private int head;
    private int tail;

    public int size() {
        return tail - head;
    }

    public StreamNode get(int i) {
        return nodes[head + i];
    }

    public StreamNode last() {
        return tail == head ? null : nodes[tail - 1];
    }

    /** Puts {@code n} at position {@code i} in place of a node with the same master ID (its copy). */
    public void set(int i, StreamNode n) {
        nodes[head + i] = n;
    }

    /** Adds a node whose master ID is above every other's. */
    public void add(StreamNode n) {
        if (tail == nodes.length) {
            int live = tail - head;
            if (head > 0 && live <= nodes.length / 2) {
                System.arraycopy(nodes, head, nodes, 0, live);
                Arrays.fill(nodes, live, tail, null);
            } else {
                StreamNode[] bigger = new StreamNode[Math.max(2, nodes.length * 2)];
                System.arraycopy(nodes, head, bigger, 0, live);
                nodes = bigger;
            }
            head = 0;
            tail = live;
        }
        nodes[tail++] = n;
    }

    /** Removes the node at position {@code i}. */
    public void remove(int i) {
        int at = head + i;
        if (i == 0) {
            nodes[head++] = null;
        } else {
            System.arraycopy(nodes, at + 1, nodes, at, tail - at - 1);
            nodes[--tail] = null;
        }
        if (head == tail) {
            head = tail = 0;
        }
    }

    /** The position of the node with the greatest master ID at most (ms, seq), or -1. */
    public int floor(long ms, long seq) {
        int lo = head;
        int hi = tail - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            StreamNode n = nodes[mid];
            if (StreamId.compare(n.masterMs, n.masterSeq, ms, seq) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? -1 : found - head;
    }

    /** The position of the node whose master ID is exactly (ms, seq), or -1. */
    public int indexOf(StreamNode node) {
        int i = floor(node.masterMs, node.masterSeq);
        return i >= 0 && get(i) == node ? i : -1;
    }

    /** What the index holds on the heap, without its nodes. */
    public long heapSize() {
        return OBJECT + JvmSizes.referenceArray(nodes.length);
    }

    /** A copy of the index and of every node. */
    public StreamIndex copy() {
        StreamIndex c = new StreamIndex();
        c.nodes = new StreamNode[Math.max(2, size())];
        for (int i = 0; i < size(); i++) {
            c.nodes[i] = get(i).copy();
        }
        c.tail = size();
        return c;
    }

    /** A copy of the index holding the same nodes, each marked {@link StreamNode#shared}. */
    public StreamIndex sharingCopy() {
        StreamIndex c = new StreamIndex();
        c.nodes = new StreamNode[Math.max(2, size())];
        for (int i = 0; i < size(); i++) {
            StreamNode n = get(i);
            n.shared = true;
            c.nodes[i] = n;
        }
        c.tail = size();
        return c;
    }
}
