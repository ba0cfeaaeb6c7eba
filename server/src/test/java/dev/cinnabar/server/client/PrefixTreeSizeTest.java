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
}
