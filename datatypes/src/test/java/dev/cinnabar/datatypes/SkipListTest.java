package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SkipListTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String s(byte[] m) {
        return new String(m, StandardCharsets.ISO_8859_1);
    }

    private static List<String> members(SkipList zsl) {
        List<String> out = new ArrayList<>();
        for (int n = zsl.first(); n != SkipList.NIL; n = zsl.next(n)) {
            out.add(s(zsl.member(n)));
        }
        return out;
    }

    @Test
    void ordersByScoreThenMemberAsUnsignedBytes() {
        SkipList zsl = new SkipList();
        zsl.insert(2, b("a"));
        zsl.insert(1, b("z"));
        zsl.insert(1, b("\u00e9"));
        zsl.insert(1, b("b"));
        zsl.insert(1, b("bb"));
        zsl.insert(Double.NEGATIVE_INFINITY, b("low"));
        zsl.check();
        assertEquals(List.of("low", "b", "bb", "z", "\u00e9", "a"), members(zsl));
        assertEquals("a", s(zsl.member(zsl.last())));
        assertEquals("\u00e9", s(zsl.member(zsl.previous(zsl.last()))));
    }

    @Test
    void ranksAndElementsByRankFollowTheSpans() {
        SkipList zsl = new SkipList();
        // Fixed levels make tall nodes whose spans cross many short ones.
        int[] levels = {1, 4, 1, 1, 2, 1, 3, 1, 1, 1, 5, 1};
        for (int i = 0; i < levels.length; i++) {
            zsl.insert(i * 10, b("m" + i), levels[i]);
        }
        zsl.check();
        assertEquals(5, zsl.levels());
        for (int i = 0; i < levels.length; i++) {
            assertEquals(i + 1, zsl.rank(i * 10, b("m" + i)));
            assertEquals("m" + i, s(zsl.member(zsl.byRank(i + 1))));
        }
        assertEquals(0, zsl.rank(10, b("m2")));
        assertEquals(0, zsl.rank(5, b("m0")));
        assertEquals(SkipList.NIL, zsl.byRank(0));
        assertEquals(SkipList.NIL, zsl.byRank(levels.length + 1));
        // Deleting the tallest nodes keeps every span right and lowers the level.
        assertTrue(zsl.delete(100, b("m10")));
        zsl.check();
        assertEquals(4, zsl.levels());
        assertTrue(zsl.delete(10, b("m1")));
        zsl.check();
        assertEquals(3, zsl.levels());
        assertFalse(zsl.delete(10, b("m1")));
        assertFalse(zsl.delete(20, b("m3")));
        assertEquals(10, zsl.length());
        assertEquals(4, zsl.rank(40, b("m4")));
    }

    @Test
    void updatesTheScoreInPlaceWhenTheOrderHolds() {
        SkipList zsl = new SkipList();
        int a = zsl.insert(1, b("a"));
        int bNode = zsl.insert(2, b("b"));
        zsl.insert(3, b("c"));
        zsl.updateScore(bNode, 2.5);
        assertEquals(2.5, zsl.score(bNode));
        // Equal to a neighbour's score is not kept in place (Redis compares strictly).
        zsl.updateScore(bNode, 3);
        zsl.check();
        assertEquals(List.of("a", "b", "c"), members(zsl));
        zsl.updateScore(a, 10);
        zsl.check();
        assertEquals(List.of("b", "c", "a"), members(zsl));
        assertEquals(3, zsl.rank(10, b("a")));
        // A node that moves keeps its address: the dict's entry still points at it.
        assertEquals(10, zsl.score(a));
        assertEquals(3, zsl.rank(a));
        assertEquals("b", s(zsl.member(bNode)));
        assertEquals(1, zsl.rank(bNode));
    }

    @Test
    void scoreRangesWithExclusiveEndsAndInfinities() {
        SkipList zsl = new SkipList();
        for (int i = 1; i <= 20; i++) {
            zsl.insert(i, b(String.format("%02d", i)));
        }
        ScoreRange r = ScoreRange.parse(b("(5"), b("8"));
        assertEquals("06", s(zsl.member(zsl.firstInRange(r))));
        assertEquals("08", s(zsl.member(zsl.lastInRange(r))));
        r = ScoreRange.parse(b("-inf"), b("(1"));
        assertEquals(SkipList.NIL, zsl.firstInRange(r));
        assertEquals(SkipList.NIL, zsl.lastInRange(r));
        r = ScoreRange.parse(b("20"), b("+inf"));
        assertEquals("20", s(zsl.member(zsl.firstInRange(r))));
        r = ScoreRange.parse(b("(5"), b("(6"));
        assertEquals(SkipList.NIL, zsl.firstInRange(r));
        r = ScoreRange.parse(b("5"), b("(5"));
        assertTrue(r.isEmpty());
        assertEquals(SkipList.NIL, zsl.firstInRange(r));
        assertNull(ScoreRange.parse(b("nan"), b("1")));
        assertNull(ScoreRange.parse(b("1x"), b("1")));
        assertEquals(0, ScoreRange.parse(b(""), b(" 3")).min);
        assertEquals(3, ScoreRange.parse(b(""), b(" 3")).max);
        assertEquals(Double.POSITIVE_INFINITY, ScoreRange.parse(b("1e400"), b("1")).min);

        assertEquals(4, zsl.deleteRange(ScoreRange.parse(b("(2"), b("6")), node -> { }));
        zsl.check();
        assertEquals(16, zsl.length());
        assertEquals(3, zsl.rank(7, b("07")));
    }

    @Test
    void lexRangesWithAllFourKindsOfEnds() {
        SkipList zsl = new SkipList();
        for (String m : new String[] {"a", "b", "c", "d", "e", "f", "g"}) {
            zsl.insert(0, b(m));
        }
        LexRange r = LexRange.parse(b("[b"), b("(e"));
        assertEquals("b", s(zsl.member(zsl.firstInRange(r))));
        assertEquals("d", s(zsl.member(zsl.lastInRange(r))));
        r = LexRange.parse(b("-"), b("+"));
        assertEquals("a", s(zsl.member(zsl.firstInRange(r))));
        assertEquals("g", s(zsl.member(zsl.lastInRange(r))));
        r = LexRange.parse(b("(g"), b("+"));
        assertEquals(SkipList.NIL, zsl.firstInRange(r));
        r = LexRange.parse(b("+"), b("-"));
        assertTrue(r.isEmpty());
        assertTrue(LexRange.parse(b("-"), b("-")).isEmpty());
        assertTrue(LexRange.parse(b("[b"), b("(b")).isEmpty());
        assertNull(LexRange.parse(b("b"), b("+")));
        assertNull(LexRange.parse(b("[a"), b("++")));
        assertNull(LexRange.parse(b(""), b("+")));
        assertEquals(3, zsl.deleteRange(LexRange.parse(b("(a"), b("[d")), node -> { }));
        zsl.check();
        assertEquals(List.of("a", "e", "f", "g"), members(zsl));
    }

    @Test
    void deletesByRank() {
        SkipList zsl = new SkipList();
        for (int i = 0; i < 100; i++) {
            zsl.insert(i, b("m" + i));
        }
        List<String> gone = new ArrayList<>();
        assertEquals(10, zsl.deleteRangeByRank(11, 20, node -> gone.add(s(zsl.member(node)))));
        assertEquals("m10", gone.get(0));
        assertEquals("m19", gone.get(9));
        zsl.check();
        assertEquals(11, zsl.rank(20, b("m20")));
        assertEquals(90, zsl.deleteRangeByRank(1, 1000, node -> { }));
        zsl.check();
        assertEquals(0, zsl.length());
        assertEquals(SkipList.NIL, zsl.first());
        assertEquals(SkipList.NIL, zsl.last());
        assertEquals(1, zsl.levels());
    }

    @Test
    void nodesSpanManyPagesAndFreedNodesAreReused() {
        SkipList zsl = new SkipList();
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            zsl.insert(i % 1000, b("m" + i));
        }
        zsl.check();
        long grown = zsl.heapBytes();
        // Some 330k words: the nodes fill several pages of 64k words.
        assertTrue(grown > 6 * 65536 * 4, "heap " + grown);
        for (int i = 0; i < n; i += 2) {
            assertTrue(zsl.delete(i % 1000, b("m" + i)));
        }
        zsl.check();
        for (int i = 0; i < n; i += 2) {
            zsl.insert(i % 1000 + 0.5, b("m" + i));
        }
        zsl.check();
        // Every new node took a freed one of its level; few needed fresh words. Without reuse
        // the 50k new nodes would add some 40%; the levels are random, so the count of nodes of
        // a level that found none free varies, and one of them can grow a page by a quarter.
        assertTrue(zsl.heapBytes() < grown + grown / 10, zsl.heapBytes() + " against " + grown);
        assertEquals(n, zsl.length());
        for (int i = 0; i < n; i += 997) {
            double score = i % 2 == 0 ? i % 1000 + 0.5 : i % 1000;
            long rank = zsl.rank(score, b("m" + i));
            assertTrue(rank > 0);
            assertArrayEquals(b("m" + i), zsl.member(zsl.byRank(rank)));
        }
    }

    @Test
    void compactionMovesTheNodesOfAShrunkListWithTheirChainWords() {
        SkipList zsl = new SkipList();
        int n = 20_000;
        int[] nodes = new int[n];
        for (int i = 0; i < n; i++) {
            nodes[i] = zsl.insert(i % 500, b("m" + i));
            zsl.chain(nodes[i], i);
        }
        assertFalse(zsl.worthCompacting());
        for (int i = 0; i < n; i++) {
            if (i % 10 != 0) {
                zsl.deleteNode(nodes[i]);
                nodes[i] = SkipList.NIL;
            }
        }
        assertTrue(zsl.worthCompacting());
        long before = zsl.heapBytes();
        zsl.compact();
        // Every address changed; the chain word says which node is which.
        for (int x = zsl.first(); x != SkipList.NIL; x = zsl.next(x)) {
            nodes[(int) zsl.chain(x)] = x;
        }
        zsl.check();
        assertFalse(zsl.worthCompacting());
        assertTrue(zsl.heapBytes() < before / 4, zsl.heapBytes() + " against " + before);
        assertEquals(n / 10, zsl.length());
        for (int i = 0; i < n; i += 10) {
            assertArrayEquals(b("m" + i), zsl.member(nodes[i]));
            assertEquals(i % 500, zsl.score(nodes[i]));
            assertEquals(zsl.rank(i % 500, b("m" + i)), zsl.rank(nodes[i]));
        }
        // The compacted list goes on changing as before.
        zsl.updateScore(nodes[0], 1e9);
        assertEquals(nodes[0], zsl.last());
        zsl.deleteNode(nodes[10]);
        zsl.insert(-1, b("first"));
        zsl.check();
        assertEquals("first", s(zsl.member(zsl.first())));
    }

    @Test
    void randomLevelsFollowAQuarterProbability() {
        int[] counts = new int[SkipList.MAX_LEVEL + 1];
        int n = 400_000;
        for (int i = 0; i < n; i++) {
            int l = SkipList.randomLevel();
            assertTrue(l >= 1 && l <= SkipList.MAX_LEVEL);
            counts[l]++;
        }
        // P(level = 1) = 3/4, P(level = 2) = 3/16, P(level >= 3) = 1/16.
        assertEquals(0.75, counts[1] / (double) n, 0.01);
        assertEquals(0.1875, counts[2] / (double) n, 0.01);
    }

    @Test
    void randomOperationsAgainstASortedList() {
        Random rnd = new Random(7);
        SkipList zsl = new SkipList();
        List<Object[]> model = new ArrayList<>();
        Comparator<Object[]> order = (x, y) -> SkipList.compare((Double) x[0], (byte[]) x[1], (Double) y[0], (byte[]) y[1]);
        for (int step = 0; step < 20_000; step++) {
            int op = rnd.nextInt(10);
            if (op < 5 || model.isEmpty()) {
                byte[] m = b("k" + rnd.nextInt(2000));
                boolean present = model.stream().anyMatch(e -> java.util.Arrays.equals((byte[]) e[1], m));
                if (!present) {
                    double score = rnd.nextInt(50);
                    zsl.insert(score, m);
                    model.add(new Object[] {score, m});
                    model.sort(order);
                }
            } else if (op < 8) {
                int i = rnd.nextInt(model.size());
                Object[] e = model.remove(i);
                if (rnd.nextBoolean()) {
                    assertTrue(zsl.delete((Double) e[0], (byte[]) e[1]));
                } else {
                    zsl.deleteNode(zsl.byRank(i + 1));
                }
            } else {
                int i = rnd.nextInt(model.size());
                Object[] e = model.get(i);
                double to = rnd.nextInt(50) + (rnd.nextBoolean() ? 0.5 : 0);
                int node = zsl.byRank(zsl.rank((Double) e[0], (byte[]) e[1]));
                zsl.updateScore(node, to);
                e[0] = to;
                model.sort(order);
            }
            if (step % 500 == 0) {
                zsl.check();
            }
            if (!model.isEmpty()) {
                int i = rnd.nextInt(model.size());
                Object[] e = model.get(i);
                assertEquals(i + 1, zsl.rank((Double) e[0], (byte[]) e[1]));
                assertSame((byte[]) e[1], zsl.member(zsl.byRank(i + 1)));
                assertEquals(i + 1, zsl.rank(zsl.byRank(i + 1)));
            }
        }
        zsl.check();
        assertEquals(model.size(), zsl.length());
    }

    @Test
    void scoreUpdatesThatMoveNodesKeepOrderRanksAndSpans() {
        Random rnd = new Random(11);
        SkipList zsl = new SkipList();
        List<Object[]> model = new ArrayList<>();
        Comparator<Object[]> order = (x, y) -> SkipList.compare((Double) x[0], (byte[]) x[1], (Double) y[0], (byte[]) y[1]);
        for (int i = 0; i < 3000; i++) {
            byte[] m = b("m" + i);
            double score = rnd.nextInt(300);
            zsl.insert(score, m);
            model.add(new Object[] {score, m});
        }
        model.sort(order);
        for (int step = 0; step < 30_000; step++) {
            int i = rnd.nextInt(model.size());
            Object[] e = model.get(i);
            int node = zsl.byRank(i + 1);
            assertSame((byte[]) e[1], zsl.member(node));
            // Small moves and far ones, up and down, onto scores other members hold, and the same score.
            int kind = rnd.nextInt(4);
            double to = kind == 0 ? (Double) e[0] : kind == 1 ? (Double) e[0] + rnd.nextInt(3) - 1 : rnd.nextInt(300);
            zsl.updateScore(node, to);
            e[0] = to;
            model.sort(order);
            int j = rnd.nextInt(model.size());
            assertEquals(j + 1, zsl.rank((Double) model.get(j)[0], (byte[]) model.get(j)[1]));
            if (step % 1000 == 0) {
                zsl.check();
            }
        }
        zsl.check();
        for (int i = 0; i < model.size(); i++) {
            assertSame((byte[]) model.get(i)[1], zsl.member(zsl.byRank(i + 1)));
        }
    }

    /**
     * A list given room for its nodes up front (a load of a known size) is the same list, takes
     * them with little more growth, and holds about what growing one node at a time would.
     */
    @Test
    void roomReservedForALoadTakesItsNodes() {
        for (int n : new int[] {1, 200, 5000, 100_000}) {
            SkipList reserved = new SkipList();
            reserved.reserve(n);
            long before = reserved.heapBytes();
            SkipList grown = new SkipList();
            for (int i = 0; i < n; i++) {
                reserved.insert(i % 97, b("m" + i));
                grown.insert(i % 97, b("m" + i));
            }
            reserved.check();
            assertEquals(n, reserved.length());
            for (int i = 0; i < n; i += Math.max(1, n / 50)) {
                long rank = reserved.rank(i % 97, b("m" + i));
                assertEquals(grown.rank(i % 97, b("m" + i)), rank);
                assertArrayEquals(b("m" + i), reserved.member(reserved.byRank(rank)));
            }
            long after = reserved.heapBytes();
            // Random levels may need a little more than a class's expected share (past a page
            // of 64k words, nothing more is reserved).
            if (n <= 5000) {
                assertTrue(after < before + before / 4 + 1024, n + ": " + before + " reserved, " + after + " after");
            }
            assertTrue(after < grown.heapBytes() + grown.heapBytes() / 10 + 1024,
                    n + ": " + after + " against " + grown.heapBytes() + " grown");
        }
    }

    /** Every node in order as "score member", with its level. */
    private static List<String> nodes(SkipList zsl) {
        List<String> out = new ArrayList<>();
        for (int x = zsl.first(); x != SkipList.NIL; x = zsl.next(x)) {
            out.add(zsl.score(x) + " " + s(zsl.member(x)) + " " + zsl.level(x));
        }
        return out;
    }

    /**
     * A sharing copy of a list over many pages stays as the list was while the list goes on
     * changing (insertions, deletions, score updates that move nodes, a compaction), and the list
     * stays consistent.
     */
    @Test
    void aSharingCopyStaysAsTheListWasWhileTheListChanges() {
        Random rnd = new Random(5);
        for (int round = 0; round < 3; round++) {
            SkipList zsl = new SkipList();
            for (int i = 0; i < 60_000; i++) {
                zsl.insert(rnd.nextInt(100_000), b("m" + i));
            }
            SkipList copy = zsl.sharingCopy();
            List<String> before = nodes(zsl);
            for (int step = 0; step < 20_000; step++) {
                switch (rnd.nextInt(3)) {
                    case 0 -> zsl.insert(rnd.nextInt(100_000) + 0.5, b("new" + round + "-" + step));
                    case 1 -> zsl.deleteNode(zsl.byRank(1 + rnd.nextInt(zsl.length())));
                    default -> zsl.updateScore(zsl.byRank(1 + rnd.nextInt(zsl.length())), rnd.nextInt(100_000) + 0.25);
                }
            }
            if (round == 2) {
                for (int n = zsl.length() - 1000; n > 0; n--) {
                    zsl.deleteNode(zsl.first());
                }
                assertTrue(zsl.worthCompacting());
                zsl.compact();
                zsl.insert(1, b("after compaction"));
            }
            zsl.check();
            assertEquals(before, nodes(copy));
            copy.check();
        }
    }
}
