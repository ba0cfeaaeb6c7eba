package dev.cinnabar.server.client;

import java.util.ArrayDeque;
import java.util.Collection;

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

    /** The node count for {@code sorted}, in unsigned byte order; 0 for none (Redis has no tree then). */
    static int nodes(Collection<byte[]> sorted) {
        byte[][] keys = sorted.toArray(new byte[0][]);
        if (keys.length == 0) {
            return 0;
        }
        int nodes = 0;
        // Each entry: the keys [lo, hi) below one node, which sits at depth d.
        ArrayDeque<int[]> todo = new ArrayDeque<>();
        todo.push(new int[] {0, keys.length, 0});
        while (!todo.isEmpty()) {
            int[] t = todo.pop();
            int lo = t[0];
            int hi = t[1];
            int d = t[2];
            nodes++;
            if (keys[lo].length == d) {
                lo++; // the key that ends here (the shortest sorts first)
                if (lo == hi) {
                    continue;
                }
            }
            int common = commonPrefix(keys[lo], keys[hi - 1]);
            if (common > d) {
                todo.push(new int[] {lo, hi, common}); // a compressed run down to the next node
                continue;
            }
            // A branch: one child per next byte.
            int from = lo;
            while (from < hi) {
                byte b = keys[from][d];
                int to = from + 1;
                while (to < hi && keys[to][d] == b) {
                    to++;
                }
                todo.push(new int[] {from, to, d + 1});
                from = to;
            }
        }
        return nodes;
    }

    private static int commonPrefix(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) {
            i++;
        }
        return i;
    }
}
