package dev.cinnabar.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Node counts of Redis's radix tree: a whole count worked out from how rax inserts (checked by
 * hand below), and the count added prefix by prefix checked against it (ClientTrackingIT
 * compares the result with Redis).
 */
class PrefixTreeSizeTest {

    private static int nodes(String... prefixes) {
        TreeSet<byte[]> set = new TreeSet<>(Arrays::compareUnsigned);
        for (String p : prefixes) {
            set.add(p.getBytes(StandardCharsets.ISO_8859_1));
        }
        return nodes(set);
    }

    @Test
    void countsTheHeadRunsPartingsAndEnds() {
        assertEquals(0, nodes(List.of()));
        assertEquals(1, nodes(""), "the head is the key");
        assertEquals(2, nodes("abc"), "a compressed head, the end");
        assertEquals(4, nodes("abc", "abd"), "head 'ab', the parting, two ends");
        assertEquals(5, nodes("abcxyz", "abd"), "a run after a parting is a node of its own");
        assertEquals(5, nodes("x1", "x2", "y"), "the head parts at once");
        assertEquals(5, nodes("a", "b", "c", "d"));
        // The empty prefix (BCAST without one) beside others: the head is where it ends.
        assertEquals(2, nodes("", "abc"));
        assertEquals(4, nodes("", "ab", "ac"));
        assertEquals(3, nodes("", "a", "b"));
    }

    @Test
    void addingOneAtATimeCountsWhatTheWholeCountFinds() {
        // Random prefix-free sets built in random order, the empty prefix and 0xFF bytes included,
        // as CLIENT TRACKING builds them: each step's count is the whole count of the set so far.
        java.util.Random random = new java.util.Random(3);
        for (int round = 0; round < 400; round++) {
            TreeSet<byte[]> set = new TreeSet<>(Arrays::compareUnsigned);
            int count = 0;
            int alphabet = 1 + random.nextInt(4);
            for (int step = 0; step < 40; step++) {
                byte[] k = new byte[random.nextInt(7)];
                for (int i = 0; i < k.length; i++) {
                    int b = random.nextInt(alphabet);
                    k[i] = (byte) (b == alphabet - 1 && round % 2 == 0 ? 0xFF : b);
                }
                boolean overlaps = false;
                for (byte[] have : set) {
                    boolean empty = k.length == 0 || have.length == 0;
                    if (!empty && (startsWith(have, k) || startsWith(k, have))) {
                        overlaps = true;
                    }
                }
                if (overlaps || set.contains(k)) {
                    continue;
                }
                count += PrefixTreeSize.added(set, k);
                set.add(k);
                assertEquals(nodes(set), count, "after adding " + Arrays.toString(k) + " to " + show(set));
            }
        }
    }

    private static boolean startsWith(byte[] a, byte[] prefix) {
        return a.length >= prefix.length && Arrays.equals(a, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static String show(TreeSet<byte[]> set) {
        StringBuilder sb = new StringBuilder();
        for (byte[] k : set) {
            sb.append(Arrays.toString(k));
        }
        return sb.toString();
    }

    /**
     * The whole count for {@code sorted}, in unsigned byte order (0 for none: Redis has no tree
     * then): the head, then at each position where the keys part one node per next byte, a run
     * of bytes no key parts or ends in held by one node, and a node where each key ends.
     */
    private static int nodes(Collection<byte[]> sorted) {
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
        int at = Arrays.mismatch(a, b);
        return at < 0 ? Math.min(a.length, b.length) : at;
    }
}
