package dev.cinnabar.datatypes.hll;

import dev.cinnabar.datatypes.RawString;
import java.util.Random;

/**
 * Redis's HyperLogLog, on the string value's own bytes, so that a value moves between Redis and
 * Cinnabar unchanged (GET from one, SET into the other).
 *
 * <p>Layout: a 16-byte header ({@code "HYLL"}, the encoding byte, 3 unused bytes, the cached
 * cardinality as 8 little-endian bytes whose top bit set means "stale"), then the registers:
 * <ul>
 *   <li>dense: 16384 registers of 6 bits, packed from the least significant bit of each byte
 *       (12288 bytes, 12304 in all);</li>
 *   <li>sparse: run-length opcodes, {@code 00xxxxxx} a run of 1..64 zero registers,
 *       {@code 01xxxxxx yyyyyyyy} a run of 1..16384 zero registers, {@code 1vvvvvxx} a run of
 *       1..4 registers holding 1..32.</li>
 * </ul>
 * A value is promoted from sparse to dense when a register needs more than 32 or the sparse form
 * would grow past {@code hll-sparse-max-bytes}, never back. Writes work on a {@link RawString} in
 * place; reads take the bytes and their length.
 */
public final class HyperLogLog {
    public static final int HEADER = 16;
    public static final int P = 14;
    public static final int Q = 64 - P;
    public static final int REGISTERS = 1 << P;
    public static final int BITS = 6;
    public static final int REGISTER_MAX = (1 << BITS) - 1;
    public static final int DENSE_SIZE = HEADER + (REGISTERS * BITS + 7) / 8;
    public static final int DENSE = 0;
    public static final int SPARSE = 1;
    /** The seed Redis hashes elements with. */
    public static final int SEED = 0xadc83b19;

    private static final int XZERO_BIT = 0x40;
    private static final int VAL_BIT = 0x80;
    private static final int VAL_MAX_VALUE = 32;
    private static final int VAL_MAX_LEN = 4;
    private static final int ZERO_MAX_LEN = 64;
    private static final int XZERO_MAX_LEN = 16384;
    private static final double ALPHA_INF = 0.721347520444481703680;

    private HyperLogLog() {
    }

    // ------------------------------------------------------------------ header

    /** A new, empty HLL in the sparse encoding, at its exact size (18 bytes). */
    public static RawString create() {
        int xzeros = (REGISTERS + XZERO_MAX_LEN - 1) / XZERO_MAX_LEN;
        byte[] b = new byte[HEADER + xzeros * 2];
        b[0] = 'H';
        b[1] = 'Y';
        b[2] = 'L';
        b[3] = 'L';
        b[4] = SPARSE;
        int p = HEADER;
        int left = REGISTERS;
        while (left > 0) {
            int run = Math.min(left, XZERO_MAX_LEN);
            setXZero(b, p, run);
            p += 2;
            left -= run;
        }
        return new RawString(b);
    }

    /** True when the bytes carry a valid header: the magic, a known encoding, the dense size. */
    public static boolean isValid(byte[] b, int len) {
        if (len < HEADER || b[0] != 'H' || b[1] != 'Y' || b[2] != 'L' || b[3] != 'L') {
            return false;
        }
        int enc = b[4] & 0xff;
        if (enc > SPARSE) {
            return false;
        }
        return enc != DENSE || len == DENSE_SIZE;
    }

    public static int encoding(byte[] b) {
        return b[4] & 0xff;
    }

    public static boolean cacheValid(byte[] b) {
        return (b[15] & 0x80) == 0;
    }

    public static void invalidateCache(byte[] b) {
        b[15] |= (byte) 0x80;
    }

    public static long cachedCardinality(byte[] b) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[8 + i] & 0xff);
        }
        return v;
    }

    public static void setCachedCardinality(byte[] b, long card) {
        for (int i = 0; i < 8; i++) {
            b[8 + i] = (byte) (card >>> (8 * i));
        }
    }

    // ------------------------------------------------------------------ hashing

    /**
     * The element's register index and run length (the position of the first 1 bit in the hash
     * past the index bits, from 1 to Q+1), packed as {@code index << 6 | count}.
     */
    public static int patLen(byte[] ele, int off, int len) {
        long hash = MurmurHash64A.hash(ele, off, len, SEED);
        int index = (int) (hash & (REGISTERS - 1));
        hash >>>= P;
        hash |= 1L << Q;
        int count = Long.numberOfTrailingZeros(hash) + 1;
        return index << 6 | count;
    }

    // ------------------------------------------------------------------ dense registers

    /** Register {@code regnum} of the dense registers starting at {@code base}. */
    public static int denseGet(byte[] b, int base, int regnum) {
        int bit = regnum * BITS;
        int i = base + (bit >>> 3);
        int fb = bit & 7;
        int b0 = b[i] & 0xff;
        int b1 = i + 1 < b.length ? b[i + 1] & 0xff : 0;
        return ((b0 >>> fb) | (b1 << (8 - fb))) & REGISTER_MAX;
    }

    public static void denseSet(byte[] b, int base, int regnum, int val) {
        int bit = regnum * BITS;
        int i = base + (bit >>> 3);
        int fb = bit & 7;
        int fb8 = 8 - fb;
        b[i] = (byte) ((b[i] & ~(REGISTER_MAX << fb)) | (val << fb));
        if (i + 1 < b.length) {
            b[i + 1] = (byte) ((b[i + 1] & ~(REGISTER_MAX >>> fb8)) | (val >>> fb8));
        }
    }

    /** Raises register {@code index} to {@code count} if lower; 1 when it changed. */
    public static int denseUpdate(byte[] b, int base, int index, int count) {
        if (count > denseGet(b, base, index)) {
            denseSet(b, base, index, count);
            return 1;
        }
        return 0;
    }

    // ------------------------------------------------------------------ adding

    /**
     * Adds an element: 1 when a register changed, 0 when not, -1 when the value is corrupt. A
     * sparse value may be promoted to dense on the way.
     */
    public static int add(RawString s, byte[] ele, int off, int len, long sparseMaxBytes) {
        int pl = patLen(ele, off, len);
        int index = pl >>> 6;
        int count = pl & 63;
        byte[] b = s.array();
        switch (encoding(b)) {
            case DENSE:
                return denseUpdate(b, HEADER, index, count);
            case SPARSE:
                return sparseSet(s, index, count, sparseMaxBytes);
            default:
                return -1;
        }
    }

    /** Raises register {@code index} to {@code count} in a value of either encoding; as {@link #add}. */
    public static int set(RawString s, int index, int count, long sparseMaxBytes) {
        byte[] b = s.array();
        if (encoding(b) == DENSE) {
            return denseUpdate(b, HEADER, index, count);
        }
        return sparseSet(s, index, count, sparseMaxBytes);
    }

    private static boolean isZero(int op) {
        return (op & 0xc0) == 0;
    }

    private static boolean isXZero(int op) {
        return (op & 0xc0) == XZERO_BIT;
    }

    private static boolean isVal(int op) {
        return (op & VAL_BIT) != 0;
    }

    private static int zeroLen(int op) {
        return (op & 0x3f) + 1;
    }

    /**
     * An XZERO opcode's run. Its second byte is read even past the value's end, as Redis reads
     * it from the string's terminator (or whatever a corrupt value's update left there).
     */
    private static int xzeroLen(byte[] b, int p, int end) {
        int second = p + 1 < b.length ? b[p + 1] & 0xff : 0;
        return (((b[p] & 0x3f) << 8) | second) + 1;
    }

    private static int valValue(int op) {
        return ((op >>> 2) & 0x1f) + 1;
    }

    private static int valLen(int op) {
        return (op & 0x3) + 1;
    }

    private static void setVal(byte[] b, int p, int val, int len) {
        b[p] = (byte) (((val - 1) << 2 | (len - 1)) | VAL_BIT);
    }

    private static long valOp(int val, int len) {
        return (((val - 1) << 2 | (len - 1)) | VAL_BIT) & 0xffL;
    }

    /** The two bytes of an XZERO opcode, first byte lowest. */
    private static long xzeroOp(int len) {
        int l = len - 1;
        return ((l >>> 8) | XZERO_BIT) | (long) (l & 0xff) << 8;
    }

    private static void setXZero(byte[] b, int p, int len) {
        int l = len - 1;
        b[p] = (byte) ((l >>> 8) | XZERO_BIT);
        b[p + 1] = (byte) (l & 0xff);
    }

    /** Redis's hllSparseSet, on the value in place. */
    static int sparseSet(RawString s, int index, int count, long sparseMaxBytes) {
        if (count > VAL_MAX_VALUE) {
            return promote(s, index, count);
        }
        s.reserve(3);
        byte[] b = s.array();
        int end = s.length();
        int p = HEADER;
        int first = 0;
        int prev = -1;
        int span = 0;
        while (p < end) {
            int op = b[p] & 0xff;
            int oplen = 1;
            if (isZero(op)) {
                span = zeroLen(op);
            } else if (isVal(op)) {
                span = valLen(op);
            } else {
                span = xzeroLen(b, p, end);
                oplen = 2;
            }
            if (index <= first + span - 1) {
                break;
            }
            prev = p;
            p += oplen;
            first += span;
        }
        if (span == 0 || p >= end) {
            return -1;
        }
        int op = b[p] & 0xff;
        int next = isXZero(op) ? p + 2 : p + 1;
        if (next >= end) {
            next = -1;
        }
        boolean isZero = false;
        boolean isXZero = false;
        boolean isVal = false;
        int runlen;
        if (isZero(op)) {
            isZero = true;
            runlen = zeroLen(op);
        } else if (isXZero(op)) {
            isXZero = true;
            runlen = xzeroLen(b, p, end);
        } else {
            isVal = true;
            runlen = valLen(op);
        }
        boolean simple = false;
        if (isVal) {
            int oldcount = valValue(op);
            if (oldcount >= count) {
                return 0;
            }
            if (runlen == 1) {
                setVal(b, p, count, 1);
                simple = true;
            }
        }
        if (!simple && isZero && runlen == 1) {
            setVal(b, p, count, 1);
            simple = true;
        }
        if (!simple) {
            // The replacement sequence, up to 5 bytes, packed in a long (first byte lowest).
            long seq = 0;
            int n = 0;
            int last = first + span - 1;
            if (isZero || isXZero) {
                if (index != first) {
                    int len = index - first;
                    if (len > ZERO_MAX_LEN) {
                        seq |= xzeroOp(len) << (8 * n);
                        n += 2;
                    } else {
                        seq |= (long) (len - 1) << (8 * n++);
                    }
                }
                seq |= valOp(count, 1) << (8 * n++);
                if (index != last) {
                    int len = last - index;
                    if (len > ZERO_MAX_LEN) {
                        seq |= xzeroOp(len) << (8 * n);
                        n += 2;
                    } else {
                        seq |= (long) (len - 1) << (8 * n++);
                    }
                }
            } else {
                int curval = valValue(op);
                if (index != first) {
                    seq |= valOp(curval, index - first) << (8 * n++);
                }
                seq |= valOp(count, 1) << (8 * n++);
                if (index != last) {
                    seq |= valOp(curval, last - index) << (8 * n++);
                }
            }
            int oldlen = isXZero ? 2 : 1;
            int delta = n - oldlen;
            if (delta > 0 && (long) end + delta > sparseMaxBytes) {
                return promote(s, index, count);
            }
            if (p + n > b.length || end + delta > b.length) {
                // Only a corrupt value (an opcode cut short at the end) gets here.
                s.reserve(Math.max(p + n, end + delta) - end);
                b = s.array();
            }
            if (delta != 0 && next != -1) {
                System.arraycopy(b, next, b, next + delta, end - next);
            }
            end += delta;
            s.setLength(end);
            terminate(b, end);
            // Written after the terminator, as Redis does: a corrupt value's sequence may pass it.
            for (int k = 0; k < n; k++) {
                b[p + k] = (byte) (seq >>> (8 * k));
            }
        }
        // Merge runs of equal values next to the change, looking at a few opcodes from prev.
        p = prev >= 0 ? prev : HEADER;
        int scanlen = 5;
        while (p < end && scanlen-- != 0) {
            int o = b[p] & 0xff;
            if (isXZero(o)) {
                p += 2;
                continue;
            } else if (isZero(o)) {
                p++;
                continue;
            }
            if (p + 1 < end && isVal(b[p + 1] & 0xff)) {
                int v1 = valValue(o);
                int v2 = valValue(b[p + 1] & 0xff);
                if (v1 == v2) {
                    int len = valLen(o) + valLen(b[p + 1] & 0xff);
                    if (len <= VAL_MAX_LEN) {
                        setVal(b, p + 1, v1, len);
                        System.arraycopy(b, p + 1, b, p, end < b.length ? end - p : end - p - 1);
                        end--;
                        s.setLength(end);
                        terminate(b, end);
                        continue;
                    }
                }
            }
            p++;
        }
        invalidateCache(b);
        return 1;
    }

    /** The byte just past the value reads as Redis's string terminator, 0, when the array has it. */
    private static void terminate(byte[] b, int end) {
        if (end < b.length) {
            b[end] = 0;
        }
    }

    private static int promote(RawString s, int index, int count) {
        if (!sparseToDense(s)) {
            return -1;
        }
        denseSet(s.array(), HEADER, index, count);
        return 1;
    }

    /**
     * Converts a sparse value to dense in place (a new array of the exact dense size); true when
     * done or already dense, false when the sparse form is corrupt (the value is left as it was).
     */
    public static boolean sparseToDense(RawString s) {
        byte[] b = s.array();
        if (encoding(b) == DENSE) {
            return true;
        }
        byte[] dense = new byte[DENSE_SIZE];
        System.arraycopy(b, 0, dense, 0, HEADER);
        dense[4] = DENSE;
        int idx = 0;
        int p = HEADER;
        int end = s.length();
        while (p < end) {
            int op = b[p] & 0xff;
            int runlen = isZero(op) ? zeroLen(op) : isXZero(op) ? xzeroLen(b, p, end) : valLen(op);
            if (runlen + idx > REGISTERS) {
                // A run past the last register: corrupt (the check the CVE-2025-32023 fix added
                // for every opcode, which the redis-server 7.0.15 we follow carries).
                return false;
            }
            if (isVal(op)) {
                int regval = valValue(op);
                while (runlen-- > 0) {
                    denseSet(dense, HEADER, idx, regval);
                    idx++;
                }
                p++;
            } else {
                idx += runlen;
                p += isXZero(op) ? 2 : 1;
            }
        }
        if (idx != REGISTERS) {
            return false;
        }
        s.replace(dense);
        return true;
    }

    // ------------------------------------------------------------------ merging and counting

    /**
     * Raises {@code max[i]} (16384 registers, one per byte) to the registers of the HLL in
     * {@code b[0, len)}, whose header is valid; false when its sparse form is corrupt.
     */
    public static boolean merge(byte[] max, byte[] b, int len) {
        if (encoding(b) == DENSE) {
            for (int i = 0; i < REGISTERS; i++) {
                int v = denseGet(b, HEADER, i);
                if (v > max[i]) {
                    max[i] = (byte) v;
                }
            }
            return true;
        }
        int i = 0;
        int p = HEADER;
        while (p < len) {
            int op = b[p] & 0xff;
            int runlen = isZero(op) ? zeroLen(op) : isXZero(op) ? xzeroLen(b, p, len) : valLen(op);
            if (runlen + i > REGISTERS) {
                return false;
            }
            if (isVal(op)) {
                int regval = valValue(op);
                while (runlen-- > 0) {
                    if (regval > max[i]) {
                        max[i] = (byte) regval;
                    }
                    i++;
                }
                p++;
            } else {
                i += runlen;
                p += isXZero(op) ? 2 : 1;
            }
        }
        return i == REGISTERS;
    }

    /** The estimate for the HLL in {@code b[0, len)}, or -1 when its sparse form is corrupt. */
    public static long count(byte[] b, int len) {
        int[] histo = new int[64];
        if (encoding(b) == DENSE) {
            for (int j = 0; j < REGISTERS; j++) {
                histo[denseGet(b, HEADER, j)]++;
            }
        } else {
            int idx = 0;
            int p = HEADER;
            while (p < len) {
                int op = b[p] & 0xff;
                if (isZero(op)) {
                    int run = zeroLen(op);
                    idx += run;
                    histo[0] += run;
                    p++;
                } else if (isXZero(op)) {
                    int run = xzeroLen(b, p, len);
                    idx += run;
                    histo[0] += run;
                    p += 2;
                } else {
                    int run = valLen(op);
                    idx += run;
                    histo[valValue(op)] += run;
                    p++;
                }
            }
            if (idx != REGISTERS) {
                return -1;
            }
        }
        return estimate(histo);
    }

    /** The estimate for 16384 registers held one per byte (the union PFCOUNT builds). */
    public static long countRaw(byte[] registers) {
        int[] histo = new int[64];
        for (int j = 0; j < REGISTERS; j++) {
            histo[registers[j]]++;
        }
        return estimate(histo);
    }

    /** Ertl's improved estimator over the register histogram, as Redis computes it. */
    static long estimate(int[] histo) {
        double m = REGISTERS;
        double z = m * tau((m - histo[Q + 1]) / m);
        for (int j = Q; j >= 1; --j) {
            z += histo[j];
            z *= 0.5;
        }
        z += m * sigma(histo[0] / m);
        return Math.round(ALPHA_INF * m * m / z);
    }

    static double sigma(double x) {
        if (x == 1.) {
            return Double.POSITIVE_INFINITY;
        }
        double zPrime;
        double y = 1;
        double z = x;
        do {
            x *= x;
            zPrime = z;
            z += x * y;
            y += y;
        } while (zPrime != z);
        return z;
    }

    static double tau(double x) {
        if (x == 0. || x == 1.) {
            return 0.;
        }
        double zPrime;
        double y = 1.0;
        double z = 1 - x;
        do {
            x = Math.sqrt(x);
            zPrime = z;
            y *= 0.5;
            double d = 1 - x;
            z -= d * d * y;
        } while (zPrime != z);
        return z / 3;
    }

    // ------------------------------------------------------------------ debugging

    /** PFDEBUG DECODE's text for a sparse value: {@code z:run}, {@code Z:run}, {@code v:value,run}. */
    public static String decode(byte[] b, int len) {
        StringBuilder sb = new StringBuilder();
        int p = HEADER;
        while (p < len) {
            int op = b[p] & 0xff;
            if (sb.length() > 0) {
                sb.append(' ');
            }
            if (isZero(op)) {
                sb.append("z:").append(zeroLen(op));
                p++;
            } else if (isXZero(op)) {
                sb.append("Z:").append(xzeroLen(b, p, len));
                p += 2;
            } else {
                sb.append("v:").append(valValue(op)).append(',').append(valLen(op));
                p++;
            }
        }
        return sb.toString();
    }

    /**
     * PFSELFTEST: register access and the estimate's error against a dense and a sparse HLL fed
     * the same 10 million elements. Null when it passes, else the failure's text.
     */
    public static String selfTest(Random random, long sparseMaxBytes) {
        byte[] dense = new byte[DENSE_SIZE];
        byte[] expect = new byte[REGISTERS];
        for (int cycle = 0; cycle < 1000; cycle++) {
            for (int i = 0; i < REGISTERS; i++) {
                int r = random.nextInt() & REGISTER_MAX;
                expect[i] = (byte) r;
                denseSet(dense, HEADER, i, r);
            }
            for (int i = 0; i < REGISTERS; i++) {
                int v = denseGet(dense, HEADER, i);
                if (v != expect[i]) {
                    return "TESTFAILED Register " + i + " should be " + expect[i] + " but is " + v;
                }
            }
        }
        java.util.Arrays.fill(dense, HEADER, DENSE_SIZE, (byte) 0);
        RawString o = create();
        double relerr = 1.04 / Math.sqrt(REGISTERS);
        long checkpoint = 1;
        long seed = (random.nextInt() & 0x7fffffffL) | (long) random.nextInt() << 32;
        byte[] ele = new byte[8];
        for (long j = 1; j <= 10_000_000L; j++) {
            long e = j ^ seed;
            for (int k = 0; k < 8; k++) {
                ele[k] = (byte) (e >>> (8 * k));
            }
            int pl = patLen(ele, 0, 8);
            denseUpdate(dense, HEADER, pl >>> 6, pl & 63);
            set(o, pl >>> 6, pl & 63, sparseMaxBytes);
            if (j == checkpoint) {
                if (j < sparseMaxBytes / 2 && encoding(o.array()) != SPARSE) {
                    return "TESTFAILED sparse encoding not used";
                }
                long denseCount = count(dense, DENSE_SIZE);
                if (denseCount != count(o.array(), o.length())) {
                    return "TESTFAILED dense/sparse disagree";
                }
                long abserr = Math.abs(checkpoint - denseCount);
                long maxerr = (long) Math.ceil(relerr * 6 * checkpoint);
                if (j == 10) {
                    maxerr = 1;
                }
                if (abserr > maxerr) {
                    return "TESTFAILED Too big error. card:" + checkpoint + " abserr:" + abserr;
                }
                checkpoint *= 10;
            }
        }
        return null;
    }
}
