package dev.cinnabar.server.client;

import java.util.Arrays;
import java.util.NavigableSet;

/**
 * How many nodes Redis's radix tree (rax) would have for a client's BCAST prefixes: Redis counts
 * 32 bytes a node of it in the client's memory ({@code tot-mem}, {@code maxmemory-clients}). The
 * prefixes only grow until tracking is turned off, so the tree is the one insertion builds in
 * any order: the head, then at each position where the keys part (a branch) one node per next
 * byte, a run of bytes no key parts or ends in held by one compressed node, and a node where
 * each key ends. CLIENT TRACKING refuses overlapping prefixes given together, but BCAST without
 * one adds the empty prefix beside those a client has: a key may end where others go on.
 */
final class PrefixTreeSize {
    /** Redis's per-node figure: sizeof(raxNode) * sizeof(raxNode*), 4 * 8. */
    static final int BYTES_PER_NODE = 32;

    private PrefixTreeSize() {
    }

    /**
     * The nodes {@code k} adds to the tree of {@code keys} (unsigned byte order, without
     * {@code k}), so that a client adding prefixes one command at a time costs a few lookups
     * each rather than a count of all it has. Where {@code k} parts from the keys it shares
     * most with (position p), p becomes a branch if it was not one: p itself becomes a node
     * unless it already was (the root, or a child of a branch), and so does the one existing
     * child it had; then the new child, and the key's end, are nodes.
     */
    static int added(NavigableSet<byte[]> keys, byte[] k) {
        if (keys.isEmpty()) {
            return k.length == 0 ? 1 : 2;
        }
        if (k.length == 0) {
            return 0; // the root is a node already
        }
        byte[] before = keys.lower(k);
        byte[] after = keys.higher(k);
        int l = Math.max(before == null ? 0 : commonPrefix(before, k), after == null ? 0 : commonPrefix(after, k));
        byte[] p = Arrays.copyOf(k, l);
        byte[][] extending = extending(keys, p);
        if (extending == null) {
            return 1; // only the empty key was there: the root holds a run down to k's end
        }
        int nodes = 1; // k's end
        boolean newChildIsTheEnd = k.length == l + 1;
        if (extending[0][l] != extending[1][l]) {
            return nodes + (newChildIsTheEnd ? 0 : 1); // p was a branch: one more child
        }
        if (l > 0 && !isBranch(keys, Arrays.copyOf(k, l - 1))) {
            nodes++; // p, inside a run until now
        }
        byte[] child = Arrays.copyOf(extending[0], l + 1);
        if (!keys.contains(child) && !isBranch(keys, child)) {
            nodes++; // the child p had, inside a run until now
        }
        return nodes + (newChildIsTheEnd ? 0 : 1);
    }

    /** Whether the keys that go on past {@code q} go on with more than one byte. */
    private static boolean isBranch(NavigableSet<byte[]> keys, byte[] q) {
        byte[][] e = extending(keys, q);
        return e != null && e[0][q.length] != e[1][q.length];
    }

    /** The first and last keys that go on past {@code q} (q itself excluded), or null for none. */
    private static byte[][] extending(NavigableSet<byte[]> keys, byte[] q) {
        byte[] first = keys.higher(q);
        if (first == null || !startsWith(first, q)) {
            return null;
        }
        byte[] end = successor(q);
        byte[] last = end == null ? keys.last() : keys.lower(end);
        return new byte[][] {first, last};
    }

    /** The least byte string greater than every string starting with {@code q}; null when none is. */
    private static byte[] successor(byte[] q) {
        for (int i = q.length - 1; i >= 0; i--) {
            if (q[i] != (byte) 0xFF) {
                byte[] s = Arrays.copyOf(q, i + 1);
                s[i]++;
                return s;
            }
        }
        return null;
    }

    private static boolean startsWith(byte[] a, byte[] prefix) {
        return a.length >= prefix.length && Arrays.equals(a, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static int commonPrefix(byte[] a, byte[] b) {
        int at = Arrays.mismatch(a, b);
        return at < 0 ? a.length : at;
    }
}
