package dev.cinnabar.datatypes.value;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.LexRange;
import dev.cinnabar.datatypes.ScoreRange;
import dev.cinnabar.datatypes.SkipList;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ZSetValueTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String s(byte[] m) {
        return new String(m, StandardCharsets.ISO_8859_1);
    }

    /** member score member score ... as the visitor sees them. */
    private static List<String> pairs(ZSetValue z) {
        List<String> out = new ArrayList<>();
        z.forEach((m, score) -> {
            out.add(s(m.toBytes()));
            out.add(dev.cinnabar.datatypes.Doubles.format17gString(score));
        });
        return out;
    }

    private static int add(ZSetValue z, double score, String m, int flags) {
        return z.add(score, b(m), flags, 128, 64, null);
    }

    @Test
    void listpackBytesAreRedisOwn() {
        // ZADD z 1 a 2.5 b -0 c 1e20 d 5e18 e -inf f 123 456, then DUMP on redis-server 7.0.15.
        ZSetValue z = ZSetValue.newListpack();
        add(z, 1, "a", 0);
        add(z, 2.5, "b", 0);
        add(z, -0.0, "c", 0);
        add(z, 1e20, "d", 0);
        add(z, 5e18, "e", 0);
        add(z, Double.NEGATIVE_INFINITY, "f", 0);
        add(z, 123, "456", 0);
        byte[] expected = {0x3b, 0, 0, 0, 0x0e, 0, (byte) 0x81, 'f', 2, (byte) 0x84, '-', 'i', 'n', 'f', 5,
            (byte) 0x81, 'c', 2, 0, 1, (byte) 0x81, 'a', 2, 1, 1, (byte) 0x81, 'b', 2, (byte) 0x83, '2', '.', '5', 4,
            (byte) 0xc1, (byte) 0xc8, 2, 0x7b, 1, (byte) 0x81, 'e', 2, (byte) 0x85, '5', 'e', '+', '1', '8', 6,
            (byte) 0x81, 'd', 2, (byte) 0x85, '1', 'e', '+', '2', '0', 6, (byte) 0xff};
        assertArrayEquals(expected, z.listpack().toByteArray());
        assertEquals(List.of("f", "-inf", "c", "0", "a", "1", "b", "2.5", "456", "123", "e", "5e+18", "d", "1e+20"), pairs(z));
        assertEquals(1 + 59, ZSetType.TYPE.serializedLength(z, false));
    }

    @Test
    void addFlagsFollowRedis() {
        ZSetValue z = ZSetValue.newListpack();
        double[] out = new double[1];
        assertEquals(ZSetValue.ADDED, z.add(1, b("a"), 0, 128, 64, out));
        assertEquals(ZSetValue.NOP, add(z, 5, "a", ZSetValue.NX));
        assertEquals(ZSetValue.NOP, add(z, 5, "b", ZSetValue.XX));
        assertEquals(ZSetValue.NOP, add(z, 0, "a", ZSetValue.GT));
        assertEquals(ZSetValue.NOP, add(z, 1, "a", ZSetValue.GT));
        assertEquals(ZSetValue.UPDATED, add(z, 2, "a", ZSetValue.GT | ZSetValue.XX));
        assertEquals(0, add(z, 2, "a", 0));
        assertEquals(ZSetValue.UPDATED, z.add(1.5, b("a"), ZSetValue.INCR, 128, 64, out));
        assertEquals(3.5, out[0]);
        assertEquals(ZSetValue.ADDED, add(z, 7, "new", ZSetValue.GT));
        assertEquals(ZSetValue.NAN, add(z, Double.NaN, "a", 0));
        add(z, Double.POSITIVE_INFINITY, "i", 0);
        assertEquals(ZSetValue.NAN, add(z, Double.NEGATIVE_INFINITY, "i", ZSetValue.INCR));
        assertEquals(Double.POSITIVE_INFINITY, z.score(b("i")));
        assertTrue(Double.isNaN(z.score(b("none"))));
    }

    @Test
    void theChangeHookRunsBeforeEveryChangeAndNeverForNone() {
        for (long maxEntries : new long[] {128, 0}) {
            ZSetValue z = maxEntries == 0 ? ZSetValue.newSkiplist() : ZSetValue.newListpack();
            int[] calls = {0};
            int[] sizeSeen = {-1};
            Runnable hook = () -> {
                calls[0]++;
                sizeSeen[0] = z.size();
            };
            z.add(1, b("a"), 0, 1, 0, maxEntries, 64, null, hook);
            assertEquals(1, calls[0]);
            assertEquals(0, sizeSeen[0]);
            z.add(1, b("a"), 0, 1, 0, maxEntries, 64, null, hook);
            z.add(5, b("a"), 0, 1, ZSetValue.NX, maxEntries, 64, null, hook);
            z.add(5, b("b"), 0, 1, ZSetValue.XX, maxEntries, 64, null, hook);
            z.add(0, b("a"), 0, 1, ZSetValue.GT, maxEntries, 64, null, hook);
            z.add(0, b("a"), 0, 1, ZSetValue.INCR, maxEntries, 64, null, hook);
            assertEquals(1, calls[0]);
            z.add(2, b("a"), 0, 1, ZSetValue.GT, maxEntries, 64, null, hook);
            assertEquals(2, calls[0]);
            z.add(2, b("b"), 0, 1, 0, maxEntries, 64, null, hook);
            assertEquals(3, calls[0]);
            assertEquals(1, sizeSeen[0]);
        }
    }

    @Test
    void convertsWhenTooManyOrTooLong() {
        ZSetValue z = ZSetValue.newListpack();
        for (int i = 0; i < 4; i++) {
            z.add(i, b("m" + i), 0, 4, 10, null);
        }
        assertTrue(z.isListpack());
        // An update of an existing member never converts.
        z.add(9, b("m0"), 0, 4, 10, null);
        assertTrue(z.isListpack());
        z.add(5, b("m5"), 0, 4, 10, null);
        assertFalse(z.isListpack());
        assertEquals(List.of("m1", "1", "m2", "2", "m3", "3", "m5", "5", "m0", "9"), pairs(z));

        ZSetValue y = ZSetValue.newListpack();
        y.add(1, b("short"), 0, 128, 10, null);
        y.add(1, b("exactly-10"), 0, 128, 10, null);
        assertTrue(y.isListpack());
        y.add(1, b("eleven-long"), 0, 128, 10, null);
        assertFalse(y.isListpack());

        assertFalse(ZSetValue.forFirstMember(3, 0, 64).isListpack());
        assertFalse(ZSetValue.forFirstMember(65, 128, 64).isListpack());
        assertTrue(ZSetValue.forFirstMember(64, 128, 64).isListpack());
        assertTrue(ZSetValue.forLength(128, 128).isListpack());
        assertFalse(ZSetValue.forLength(129, 128).isListpack());

        z.convertToListpackIfNeeded(2, 10, 128, 64);
        assertTrue(z.isListpack());
        assertEquals(List.of("m1", "1", "m2", "2", "m3", "3", "m5", "5", "m0", "9"), pairs(z));
    }

    @Test
    void digestDoesNotDependOnTheEncoding() {
        ZSetValue a = ZSetValue.newListpack();
        ZSetValue c = ZSetValue.newSkiplist();
        for (int i = 0; i < 10; i++) {
            a.add(i * 0.1, b("m" + i), 0, 128, 64, null);
            c.add(i * 0.1, b("m" + i), 0, 128, 64, null);
        }
        ValueDigest da = new ValueDigest();
        ZSetType.TYPE.digest(a, da);
        ValueDigest dc = new ValueDigest();
        ZSetType.TYPE.digest(c, dc);
        assertEquals(da.hex(), dc.hex());
        ZSetValue copy = (ZSetValue) ZSetType.TYPE.duplicate(c);
        assertNotSame(c, copy);
        assertEquals(pairs(c), pairs(copy));
        copy.remove(b("m1"));
        assertEquals(10, c.size());
    }

    /** The reference: member to score, ordered on demand. */
    private static List<Map.Entry<String, Double>> sorted(Map<String, Double> model) {
        List<Map.Entry<String, Double>> l = new ArrayList<>(model.entrySet());
        l.sort(Comparator.<Map.Entry<String, Double>, Double>comparing(Map.Entry::getValue)
                .thenComparing((x, y) -> Arrays.compareUnsigned(b(x.getKey()), b(y.getKey()))));
        return l;
    }

    private static List<String> flat(List<Map.Entry<String, Double>> l) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Double> e : l) {
            out.add(e.getKey());
            out.add(dev.cinnabar.datatypes.Doubles.format17gString(e.getValue()));
        }
        return out;
    }

    private static List<String> visitScore(ZSetValue z, ScoreRange r, boolean rev, long off, long lim) {
        List<String> out = new ArrayList<>();
        z.rangeByScore(r, rev, off, lim, (m, sc) -> {
            out.add(s(m.toBytes()));
            out.add(dev.cinnabar.datatypes.Doubles.format17gString(sc));
        });
        return out;
    }

    private static List<String> visitLex(ZSetValue z, LexRange r, boolean rev, long off, long lim) {
        List<String> out = new ArrayList<>();
        z.rangeByLex(r, rev, off, lim, (m, sc) -> {
            out.add(s(m.toBytes()));
            out.add(dev.cinnabar.datatypes.Doubles.format17gString(sc));
        });
        return out;
    }

    private static List<String> visitRank(ZSetValue z, long start, long end, boolean rev) {
        List<String> out = new ArrayList<>();
        z.rangeByRank(start, end, rev, (m, sc) -> {
            out.add(s(m.toBytes()));
            out.add(dev.cinnabar.datatypes.Doubles.format17gString(sc));
        });
        return out;
    }

    private static List<String> expectRange(List<Map.Entry<String, Double>> all, java.util.function.Predicate<Map.Entry<String, Double>> in,
            boolean rev, long off, long lim) {
        List<Map.Entry<String, Double>> l = new ArrayList<>();
        for (Map.Entry<String, Double> e : all) {
            if (in.test(e)) {
                l.add(e);
            }
        }
        if (rev) {
            java.util.Collections.reverse(l);
        }
        int from = (int) Math.min(off, l.size());
        int to = lim < 0 ? l.size() : (int) Math.min(l.size(), from + lim);
        return flat(l.subList(from, to));
    }

    /** Random operations against a HashMap model, across the listpack to skiplist conversion. */
    @Test
    void randomOperationsAgainstAModel() {
        for (long seed = 1; seed <= 6; seed++) {
            Random rnd = new Random(seed);
            int maxEntries = 1 + rnd.nextInt(40);
            ZSetValue z = ZSetValue.newListpack();
            Map<String, Double> model = new HashMap<>();
            boolean sawSkiplist = false;
            for (int step = 0; step < 4000; step++) {
                String m = rnd.nextInt(8) == 0 ? "" + rnd.nextInt(100) : (rnd.nextBoolean() ? "m" : "\u00e9") + rnd.nextInt(60);
                double score = rnd.nextInt(6) == 0 ? rnd.nextInt(5) : (rnd.nextInt(20) - 10) / 4.0;
                if (rnd.nextInt(50) == 0) {
                    score = rnd.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                }
                int op = rnd.nextInt(12);
                if (op < 5) {
                    int flags = new int[] {0, ZSetValue.NX, ZSetValue.XX, ZSetValue.GT, ZSetValue.LT, ZSetValue.INCR}[rnd.nextInt(6)];
                    Double cur = model.get(m);
                    double[] out = {Double.NaN};
                    int res = z.add(score, b(m), flags, maxEntries, 64, out);
                    double target = flags == ZSetValue.INCR && cur != null ? cur + score : score;
                    if (Double.isNaN(target)) {
                        assertEquals(ZSetValue.NAN, res);
                    } else if (cur == null) {
                        if (flags == ZSetValue.XX) {
                            assertEquals(ZSetValue.NOP, res);
                        } else {
                            assertEquals(ZSetValue.ADDED, res);
                            model.put(m, target);
                        }
                    } else if (flags == ZSetValue.NX || (flags == ZSetValue.GT && target <= cur)
                            || (flags == ZSetValue.LT && target >= cur)) {
                        assertEquals(ZSetValue.NOP, res);
                    } else {
                        assertEquals(target != cur ? ZSetValue.UPDATED : 0, res);
                        assertEquals(target, out[0]);
                        model.put(m, target);
                    }
                } else if (op == 5) {
                    assertEquals(model.remove(m) != null, z.remove(b(m)));
                } else if (op == 6 && !model.isEmpty()) {
                    int n = model.size();
                    long start = rnd.nextInt(n);
                    long end = Math.min(n - 1, start + rnd.nextInt(4));
                    List<Map.Entry<String, Double>> all = sorted(model);
                    for (int i = (int) start; i <= end; i++) {
                        model.remove(all.get(i).getKey());
                    }
                    assertEquals(end - start + 1, z.removeRangeByRank(start, end));
                } else if (op == 7) {
                    double lo = (rnd.nextInt(20) - 10) / 4.0;
                    ScoreRange r = new ScoreRange(lo, rnd.nextBoolean(), lo + rnd.nextInt(3) / 4.0, rnd.nextBoolean());
                    long expected = model.values().stream().filter(r::contains).count();
                    model.values().removeIf(r::contains);
                    assertEquals(expected, z.removeRangeByScore(r));
                } else if (op == 8) {
                    boolean max = rnd.nextBoolean();
                    int count = rnd.nextInt(3);
                    List<Map.Entry<String, Double>> all = sorted(model);
                    if (max) {
                        java.util.Collections.reverse(all);
                    }
                    List<String> popped = new ArrayList<>();
                    z.pop(max, count, (mm, sc) -> popped.add(s(mm.toBytes())));
                    List<String> expected = new ArrayList<>();
                    for (int i = 0; i < Math.min(count, all.size()); i++) {
                        expected.add(all.get(i).getKey());
                        model.remove(all.get(i).getKey());
                    }
                    assertEquals(expected, popped);
                } else {
                    // Reads.
                    List<Map.Entry<String, Double>> all = sorted(model);
                    assertEquals(flat(all), pairs(z));
                    Double cur = model.get(m);
                    assertEquals(cur == null ? Double.NaN : cur, z.score(b(m)));
                    long rank = -1;
                    for (int i = 0; i < all.size(); i++) {
                        if (all.get(i).getKey().equals(m)) {
                            rank = i;
                        }
                    }
                    assertEquals(rank, z.rank(b(m), 0, b(m).length, false));
                    assertEquals(rank < 0 ? -1 : all.size() - 1 - rank, z.rank(b(m), 0, b(m).length, true));
                    double lo = (rnd.nextInt(24) - 12) / 4.0;
                    ScoreRange r = new ScoreRange(rnd.nextInt(10) == 0 ? Double.NEGATIVE_INFINITY : lo, rnd.nextBoolean(),
                            rnd.nextInt(10) == 0 ? Double.POSITIVE_INFINITY : lo + rnd.nextInt(8) / 4.0, rnd.nextBoolean());
                    boolean rev = rnd.nextBoolean();
                    long off = rnd.nextInt(3);
                    long lim = rnd.nextInt(5) - 1;
                    assertEquals(expectRange(all, e -> r.contains(e.getValue()), rev, off, lim), visitScore(z, r, rev, off, lim));
                    assertEquals(all.stream().filter(e -> r.contains(e.getValue())).count(), z.countByScore(r));
                    if (!all.isEmpty()) {
                        int n = all.size();
                        int start = rnd.nextInt(n);
                        int end = start + rnd.nextInt(n - start);
                        List<Map.Entry<String, Double>> sub = new ArrayList<>(all);
                        if (rev) {
                            java.util.Collections.reverse(sub);
                        }
                        assertEquals(flat(sub.subList(start, end + 1)), visitRank(z, start, end, rev));
                    }
                }
                sawSkiplist |= !z.isListpack();
                assertEquals(model.size(), z.size());
                if (z.isListpack()) {
                    assertTrue(z.size() <= maxEntries);
                }
            }
            assertTrue(sawSkiplist, "seed " + seed + " never converted");
        }
    }

    /**
     * Sets that grow past a few thousand members and are trimmed to a fraction, again and again,
     * so that the skiplist moves into smaller pages several times between other changes.
     */
    @Test
    void randomGrowthAndTrimmingAcrossCompactions() {
        Random rnd = new Random(11);
        ZSetValue z = ZSetValue.newSkiplist();
        Map<String, Double> model = new HashMap<>();
        for (int cycle = 0; cycle < 6; cycle++) {
            int grow = 5_000 + rnd.nextInt(15_000);
            for (int i = 0; i < grow; i++) {
                String m = "m" + rnd.nextInt(40_000);
                double score = rnd.nextInt(2_000) / 2.0;
                z.add(score, b(m), 0, 128, 64, null);
                model.put(m, score);
            }
            // Trim to a tenth, a quarter or a fifth, by one of the three ways a set shrinks.
            List<Map.Entry<String, Double>> all = sorted(model);
            int keep = all.size() / (4 + rnd.nextInt(7));
            switch (cycle % 3) {
                case 0 -> {
                    assertEquals(all.size() - keep, z.removeRangeByRank(0, all.size() - keep - 1));
                    all.subList(0, all.size() - keep).forEach(e -> model.remove(e.getKey()));
                }
                case 1 -> {
                    z.pop(true, all.size() - keep, (m, score) -> assertEquals(model.remove(s(m.toBytes())), score));
                }
                default -> {
                    for (Map.Entry<String, Double> e : all) {
                        if (model.size() > keep && rnd.nextBoolean()) {
                            assertTrue(z.remove(b(e.getKey())));
                            model.remove(e.getKey());
                        }
                    }
                }
            }
            assertEquals(model.size(), z.size());
            List<Map.Entry<String, Double>> left = sorted(model);
            assertEquals(flat(left), pairs(z));
            for (int i = 0; i < 200; i++) {
                Map.Entry<String, Double> e = left.get(rnd.nextInt(left.size()));
                assertEquals(e.getValue(), z.score(b(e.getKey())));
                assertEquals(left.indexOf(e), z.rank(b(e.getKey()), 0, e.getKey().length(), false));
            }
            // Updates after the move reach the right nodes through the dict.
            for (int i = 0; i < 500; i++) {
                Map.Entry<String, Double> e = left.get(rnd.nextInt(left.size()));
                double to = rnd.nextInt(2_000) / 2.0 + 0.25;
                z.add(to, b(e.getKey()), 0, 128, 64, null);
                model.put(e.getKey(), to);
            }
            assertEquals(flat(sorted(model)), pairs(z));
        }
    }

    /** Lex ranges on a set whose members all share one score, in both encodings. */
    @Test
    void lexRangesAgainstAModel() {
        Random rnd = new Random(3);
        String[] ends = {"-", "+", "[a", "(a", "[b3", "(b3", "[c", "(\u00e9", "[\u00e95", "[", "("};
        for (int maxEntries : new int[] {128, 5}) {
            ZSetValue z = ZSetValue.newListpack();
            Map<String, Double> model = new HashMap<>();
            for (int i = 0; i < 30; i++) {
                String m = (char) ('a' + rnd.nextInt(3)) + "" + rnd.nextInt(10);
                if (i % 7 == 0) {
                    m = "\u00e9" + i;
                }
                if (i % 11 == 0) {
                    m = "" + i;
                }
                z.add(0, b(m), 0, maxEntries, 64, null);
                model.put(m, 0.0);
            }
            assertEquals(maxEntries == 128, z.isListpack());
            List<Map.Entry<String, Double>> all = sorted(model);
            for (String lo : ends) {
                for (String hi : ends) {
                    LexRange r = LexRange.parse(b(lo), b(hi));
                    for (long off = 0; off < 3; off++) {
                        for (long lim = -1; lim < 3; lim++) {
                            boolean rev = (off + lim) % 2 == 0;
                            assertEquals(expectRange(all, e -> r.contains(b(e.getKey()), 0, b(e.getKey()).length), rev, off, lim),
                                    visitLex(z, r, rev, off, lim), lo + " " + hi);
                        }
                    }
                    assertEquals(all.stream().filter(e -> r.contains(b(e.getKey()), 0, b(e.getKey()).length)).count(), z.countByLex(r));
                }
            }
            LexRange r = LexRange.parse(b("[b"), b("(c"));
            long expected = all.stream().filter(e -> r.contains(b(e.getKey()), 0, b(e.getKey()).length)).count();
            assertEquals(expected, z.removeRangeByLex(r));
            assertEquals(model.size() - expected, z.size());
            assertEquals(0, z.countByLex(r));
        }
    }

    @Test
    void aSetTrimmedToAQuarterGivesItsSkiplistPagesBack() {
        ZSetValue z = ZSetValue.newSkiplist();
        for (int i = 0; i < 40_000; i++) {
            z.add(i, b("member:" + i), 0, 128, 64, null);
        }
        long full = z.heapSize();
        // Trimmed the ways a leaderboard or a queue is: by rank, by score, one by one, by pops.
        z.removeRangeByRank(0, 19_999);
        z.removeRangeByScore(new ScoreRange(20_000, false, 29_999, false));
        for (int i = 30_000; i < 35_000; i++) {
            assertTrue(z.remove(b("member:" + i)));
        }
        z.pop(false, 4_000, (m, score) -> { });
        assertEquals(1_000, z.size());
        // At the next addition the pages are sized for the members left.
        long trimmed = z.heapSize();
        z.add(1e9, b("last"), 0, 128, 64, null);
        assertTrue(z.heapSize() < trimmed / 2 && z.heapSize() < full / 10, z.heapSize() + " against " + trimmed + " and " + full);
        for (int i = 39_000; i < 40_000; i++) {
            assertEquals(i, z.score(b("member:" + i)));
            assertEquals(i - 39_000, z.rank(b("member:" + i), 0, ("member:" + i).length(), false));
        }
        assertEquals(1_000, z.rank(b("last"), 0, 4, false));
        z.add(1, b("member:39500"), ZSetValue.INCR, 128, 64, null);
        assertEquals(39_501, z.score(b("member:39500")));
        assertTrue(z.remove(b("member:39999")));
        assertEquals(1_000, z.size());
    }

    @Test
    void heapFigureIsKeptAsTheSetChanges() {
        ZSetValue z = ZSetValue.newSkiplist();
        for (int i = 0; i < 500; i++) {
            z.add(i % 7, b("member:" + i), 0, 128, 64, null);
        }
        for (int i = 0; i < 500; i += 3) {
            z.add(i, b("member:" + i), ZSetValue.INCR, 128, 64, null);
        }
        for (int i = 0; i < 500; i += 5) {
            z.remove(b("member:" + i));
        }
        z.removeRangeByRank(0, 10);
        z.removeRangeByScore(new ScoreRange(3, false, 4, false));
        // Recount from the parts: the list's own figure, the index's and the members'.
        long recount = ZSetValue.OBJECT + ZSetValue.SKIP_FORM + z.skipList().heapBytes() + z.index().heapBytes();
        SkipList zsl = z.skipList();
        for (int n = zsl.first(); n != SkipList.NIL; n = zsl.next(n)) {
            recount += JvmSizes.byteArray(zsl.member(n).length);
        }
        assertEquals(recount, z.heapSize());
    }
}
