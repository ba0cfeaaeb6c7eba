package dev.cinnabar.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Node counts of Redis's radix tree, worked out by hand from how rax inserts (ClientTrackingIT compares with Redis). */
class PrefixTreeSizeTest {

    private static int nodes(String... prefixes) {
        TreeSet<byte[]> set = new TreeSet<>(Arrays::compareUnsigned);
        for (String p : prefixes) {
            set.add(p.getBytes(StandardCharsets.ISO_8859_1));
        }
        return PrefixTreeSize.nodes(set);
    }

    @Test
    void countsTheHeadRunsPartingsAndEnds() {
        assertEquals(0, PrefixTreeSize.nodes(List.of()));
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
                assertEquals(PrefixTreeSize.nodes(set), count, "after adding " + Arrays.toString(k) + " to " + show(set));
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
}
