package dev.cinnabar.datatypes.hll;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.RawString;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Redis's HLL bytes: fixtures taken from redis-server 7.0.15, the sparse encoding checked
 * against a plain register array through random updates (crossing promotion to dense), the
 * estimator's error, corrupt values, and PFSELFTEST's own checks.
 */
class HyperLogLogTest {
    private static final long SPARSE_MAX = 3000;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void add(RawString h, String... elements) {
        for (String e : elements) {
            byte[] x = b(e);
            HyperLogLog.add(h, x, 0, x.length, SPARSE_MAX);
        }
    }

    private static byte[] bytes(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) v[i];
        }
        return out;
    }

    @Test
    void anEmptyHllIsEighteenBytesOfSparseZeros() {
        RawString h = HyperLogLog.create();
        assertArrayEquals(bytes('H', 'Y', 'L', 'L', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0xff), h.toBytes());
        assertEquals(0, HyperLogLog.count(h.array(), h.length()));
        assertEquals("Z:16384", HyperLogLog.decode(h.array(), h.length()));
    }

    @Test
    void threeElementsGiveRedisBytes() {
        // redis-cli: PFADD fx a b c; GET fx
        RawString h = HyperLogLog.create();
        add(h, "a", "b", "c");
        byte[] expected = bytes('H', 'Y', 'L', 'L', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80,
                '`', 0xf3, 0x80, 'P', 0xb1, 0x84, 'K', 0xfb, 0x80, 'B', 'Z');
        assertArrayEquals(expected, h.toBytes());
        assertEquals("Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603", HyperLogLog.decode(h.array(), h.length()));
        assertFalse(HyperLogLog.cacheValid(h.array()));
        assertEquals(3, HyperLogLog.count(h.array(), h.length()));
        HyperLogLog.setCachedCardinality(h.array(), 3);
        assertTrue(HyperLogLog.cacheValid(h.array()));
        assertEquals(3, HyperLogLog.cachedCardinality(h.array()));
    }

    @Test
    void estimatesMatchRedisForKnownSets() {
        // redis-cli: PFADD cN el1 .. elN; PFCOUNT cN
        long[][] known = {{1000, 1005}, {20000, 20022}, {300000, 298901}};
        for (long[] k : known) {
            RawString h = HyperLogLog.create();
            for (int i = 1; i <= k[0]; i++) {
                add(h, "el" + i);
            }
            assertEquals(k[1], HyperLogLog.count(h.array(), h.length()), "cardinality " + k[0]);
        }
    }

    /** The registers a sparse or dense value holds, one per int. */
    private static int[] registers(RawString h) {
        byte[] max = new byte[HyperLogLog.REGISTERS];
        assertTrue(HyperLogLog.merge(max, h.array(), h.length()));
        int[] out = new int[HyperLogLog.REGISTERS];
        for (int i = 0; i < out.length; i++) {
            out[i] = max[i];
        }
        return out;
    }

    @Test
    void sparseUpdatesAgreeWithAPlainRegisterArray() {
        Random r = new Random(1);
        for (int round = 0; round < 40; round++) {
            long sparseMax = round % 4 == 0 ? 60 : round % 4 == 1 ? 300 : 3000;
            RawString h = HyperLogLog.create();
            int[] model = new int[HyperLogLog.REGISTERS];
            int ops = 1 + r.nextInt(1500);
            boolean wasDense = false;
            for (int i = 0; i < ops; i++) {
                // Clustered indexes exercise the merging of runs; some values past 32 force promotion.
                int index = r.nextInt(4) == 0 ? r.nextInt(HyperLogLog.REGISTERS) : (round * 37 + r.nextInt(64)) % HyperLogLog.REGISTERS;
                int count = r.nextInt(50) == 0 ? 33 + r.nextInt(18) : 1 + r.nextInt(r.nextBoolean() ? 3 : 32);
                int changed = HyperLogLog.set(h, index, count, sparseMax);
                int expect = count > model[index] ? 1 : 0;
                assertEquals(expect, changed, "round " + round + " op " + i);
                model[index] = Math.max(model[index], count);
                int enc = HyperLogLog.encoding(h.array());
                if (wasDense) {
                    assertEquals(HyperLogLog.DENSE, enc, "never back to sparse");
                }
                wasDense = enc == HyperLogLog.DENSE;
                if (enc == HyperLogLog.SPARSE) {
                    assertTrue(h.length() <= Math.max(sparseMax, 18), "sparse form within hll-sparse-max-bytes");
                } else {
                    assertEquals(HyperLogLog.DENSE_SIZE, h.length());
                }
            }
            assertArrayEquals(model, registers(h), "round " + round);
            // The same registers in dense form give the same estimate.
            RawString dense = new RawString(h.toBytes());
            assertTrue(HyperLogLog.sparseToDense(dense));
            assertArrayEquals(model, registers(dense));
            assertEquals(HyperLogLog.count(dense.array(), dense.length()), HyperLogLog.count(h.array(), h.length()));
            byte[] raw = new byte[HyperLogLog.REGISTERS];
            for (int i = 0; i < raw.length; i++) {
                raw[i] = (byte) model[i];
            }
            assertEquals(HyperLogLog.countRaw(raw), HyperLogLog.count(h.array(), h.length()));
        }
    }

    @Test
    void sparseRunsAreMergedAsRedisMergesThem() {
        RawString h = HyperLogLog.create();
        HyperLogLog.set(h, 10, 3, SPARSE_MAX);
        HyperLogLog.set(h, 11, 3, SPARSE_MAX);
        HyperLogLog.set(h, 12, 3, SPARSE_MAX);
        assertEquals("z:10 v:3,3 Z:16371", HyperLogLog.decode(h.array(), h.length()));
        HyperLogLog.set(h, 11, 5, SPARSE_MAX);
        assertEquals("z:10 v:3,1 v:5,1 v:3,1 Z:16371", HyperLogLog.decode(h.array(), h.length()));
        HyperLogLog.set(h, 100, 40, SPARSE_MAX);
        assertEquals(HyperLogLog.DENSE, HyperLogLog.encoding(h.array()));
        assertEquals(40, HyperLogLog.denseGet(h.array(), HyperLogLog.HEADER, 100));
        assertEquals(5, HyperLogLog.denseGet(h.array(), HyperLogLog.HEADER, 11));
    }

    @Test
    void estimatesStayWithinTheStandardError() {
        // Redis's error is 1.04/sqrt(16384) = 0.81%: the root mean square relative error over
        // many independent sets stays near it, and no single estimate is off by 5 times it.
        Random r = new Random(7);
        double sigma = 1.04 / Math.sqrt(HyperLogLog.REGISTERS);
        int[] cards = {500, 2000, 10_000, 50_000, 200_000};
        byte[] ele = new byte[8];
        for (int card : cards) {
            double sumSq = 0;
            int trials = card >= 50_000 ? 8 : 30;
            for (int t = 0; t < trials; t++) {
                RawString h = HyperLogLog.create();
                long seed = r.nextLong();
                for (int i = 0; i < card; i++) {
                    long e = seed + i * 0x9E3779B97F4A7C15L;
                    for (int k = 0; k < 8; k++) {
                        ele[k] = (byte) (e >>> (8 * k));
                    }
                    HyperLogLog.add(h, ele, 0, 8, SPARSE_MAX);
                }
                long est = HyperLogLog.count(h.array(), h.length());
                double rel = (est - card) / (double) card;
                assertTrue(Math.abs(rel) < 5 * sigma, "card " + card + " estimate " + est);
                sumSq += rel * rel;
            }
            double rms = Math.sqrt(sumSq / trials);
            assertTrue(rms < 1.6 * sigma, "card " + card + " rms error " + rms);
        }
    }

    @Test
    void corruptValuesAreReportedNotThrown() {
        Random r = new Random(3);
        for (int i = 0; i < 3000; i++) {
            RawString h = HyperLogLog.create();
            add(h, "a", "b", "c", "d");
            byte[] body = new byte[r.nextInt(12)];
            r.nextBytes(body);
            byte[] v = Arrays.copyOf(h.toBytes(), HyperLogLog.HEADER + body.length);
            System.arraycopy(body, 0, v, HyperLogLog.HEADER, body.length);
            RawString c = new RawString(v);
            long n = HyperLogLog.count(c.array(), c.length());
            boolean valid = n >= 0;
            assertEquals(valid, HyperLogLog.merge(new byte[HyperLogLog.REGISTERS], c.array(), c.length()));
            for (int k = 0; k < 5; k++) {
                byte[] x = {(byte) r.nextInt(), (byte) k};
                int res = HyperLogLog.add(c, x, 0, 2, r.nextBoolean() ? 20 : SPARSE_MAX);
                assertTrue(res >= -1 && res <= 1);
            }
            HyperLogLog.decode(c.array(), c.length());
            RawString d = new RawString(v.clone());
            assertEquals(valid, HyperLogLog.sparseToDense(d));
        }
    }

    @Test
    void headerChecks() {
        byte[] ok = HyperLogLog.create().toBytes();
        assertTrue(HyperLogLog.isValid(ok, ok.length));
        assertFalse(HyperLogLog.isValid(ok, 15));
        byte[] bad = ok.clone();
        bad[0] = 'h';
        assertFalse(HyperLogLog.isValid(bad, bad.length));
        bad = ok.clone();
        bad[4] = 2;
        assertFalse(HyperLogLog.isValid(bad, bad.length));
        bad = ok.clone();
        bad[4] = 0;
        assertFalse(HyperLogLog.isValid(bad, bad.length), "dense must be 12304 bytes");
        RawString d = new RawString(ok.clone());
        assertTrue(HyperLogLog.sparseToDense(d));
        assertEquals(12304, d.length());
        assertTrue(HyperLogLog.isValid(d.array(), d.length()));
    }

    @Test
    void murmurHashOfKnownInputs() {
        // The register and run length Redis gives these elements (PFADD then PFDEBUG DECODE): a at 8436 with 1, b at 12711 with 2, c at 15780 with 1.
        int a = HyperLogLog.patLen(b("a"), 0, 1);
        int bb = HyperLogLog.patLen(b("b"), 0, 1);
        int c = HyperLogLog.patLen(b("c"), 0, 1);
        int[][] got = {{a >>> 6, a & 63}, {bb >>> 6, bb & 63}, {c >>> 6, c & 63}};
        Arrays.sort(got, (x, y) -> Integer.compare(x[0], y[0]));
        assertArrayEquals(new int[] {8436, 1}, got[0]);
        assertArrayEquals(new int[] {12711, 2}, got[1]);
        assertArrayEquals(new int[] {15780, 1}, got[2]);
        // Lengths past one word and every tail length hash without reading past the slice.
        byte[] big = new byte[40];
        for (int len = 0; len <= 24; len++) {
            assertEquals(MurmurHash64A.hash(Arrays.copyOfRange(big, 3, 3 + len), 0, len, HyperLogLog.SEED),
                    MurmurHash64A.hash(big, 3, len, HyperLogLog.SEED));
        }
    }

    @Test
    void selfTestPasses() {
        assertNull(HyperLogLog.selfTest(new Random(11), SPARSE_MAX));
    }
}
