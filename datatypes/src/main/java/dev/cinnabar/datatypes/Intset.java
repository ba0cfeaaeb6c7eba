package dev.cinnabar.datatypes;

import java.util.random.RandomGenerator;

/**
 * A sorted set of distinct 64-bit integers in one byte array, in Redis's intset layout, so that
 * the RDB writer can save it as it is (RDB type 11) and DEBUG OBJECT's serializedlength is the
 * blob's:
 * <pre>
 *   u32 encoding   2, 4 or 8: the bytes of each element, little-endian
 *   u32 length     the number of elements, little-endian
 *   contents       the elements in increasing order, each in {@code encoding} signed bytes, little-endian
 * </pre>
 * The encoding is the smallest width that holds every element ever added: adding a wider value
 * rewrites every element at the wider width (the new value then goes first if negative, last
 * otherwise, since it is outside the old range); removing never narrows it back.
 *
 * <p>The array is exactly the blob's size; a change that alters the size returns a new array, as
 * Redis reallocates, and the caller keeps the result. Lookups are binary searches.
 */
public final class Intset {
    public static final int HEADER = 8;
    public static final int INT16 = 2;
    public static final int INT32 = 4;
    public static final int INT64 = 8;

    private Intset() {
    }

    /** An empty intset, 16-bit. */
    public static byte[] empty() {
        byte[] is = new byte[HEADER];
        putU32(is, 0, INT16);
        return is;
    }

    /** The width of each element: 2, 4 or 8. */
    public static int encoding(byte[] is) {
        return getU32(is, 0);
    }

    public static int size(byte[] is) {
        return getU32(is, 4);
    }

    /** The blob's length in bytes, which is the array's. */
    public static int blobLength(byte[] is) {
        return HEADER + size(is) * encoding(is);
    }

    /** The smallest width that holds {@code v}. */
    public static int encodingOf(long v) {
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            return INT64;
        }
        if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
            return INT32;
        }
        return INT16;
    }

    /** The element at {@code pos} (0-based, in increasing order). */
    public static long get(byte[] is, int pos) {
        return read(is, encoding(is), pos);
    }

    public static long min(byte[] is) {
        return get(is, 0);
    }

    public static long max(byte[] is) {
        return get(is, size(is) - 1);
    }

    public static boolean contains(byte[] is, long v) {
        return encodingOf(v) <= encoding(is) && search(is, v) >= 0;
    }

    /**
     * The position of {@code v}, or {@code -(insertion point) - 1} when absent, as
     * {@link java.util.Arrays#binarySearch} answers. {@code v} must fit the current encoding.
     */
    static int search(byte[] is, long v) {
        int n = size(is);
        if (n == 0) {
            return -1;
        }
        int enc = encoding(is);
        // Appends and prepends are common (increasing ids): check both ends before bisecting.
        if (v > read(is, enc, n - 1)) {
            return -n - 1;
        }
        if (v < read(is, enc, 0)) {
            return -1;
        }
        int lo = 0;
        int hi = n - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long x = read(is, enc, mid);
            if (x < v) {
                lo = mid + 1;
            } else if (x > v) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }

    /**
     * Adds {@code v}: returns the intset to keep (the same array when {@code v} was present,
     * a new one otherwise). The caller tells which by comparing the sizes or the arrays.
     */
    public static byte[] add(byte[] is, long v) {
        int enc = encoding(is);
        int need = encodingOf(v);
        int n = size(is);
        if (need > enc) {
            return upgradeAndAdd(is, enc, need, n, v);
        }
        int pos = search(is, v);
        if (pos >= 0) {
            return is;
        }
        pos = -pos - 1;
        byte[] out = new byte[HEADER + (n + 1) * enc];
        System.arraycopy(is, 0, out, 0, HEADER + pos * enc);
        System.arraycopy(is, HEADER + pos * enc, out, HEADER + (pos + 1) * enc, (n - pos) * enc);
        write(out, enc, pos, v);
        putU32(out, 4, n + 1);
        return out;
    }

    /** Rewrites every element at width {@code need} and puts {@code v} at whichever end it belongs. */
    private static byte[] upgradeAndAdd(byte[] is, int enc, int need, int n, long v) {
        byte[] out = new byte[HEADER + (n + 1) * need];
        putU32(out, 0, need);
        putU32(out, 4, n + 1);
        int shift = v < 0 ? 1 : 0;
        for (int i = 0; i < n; i++) {
            write(out, need, i + shift, read(is, enc, i));
        }
        write(out, need, v < 0 ? 0 : n, v);
        return out;
    }

    /** Removes {@code v}: returns the intset to keep, the same array when {@code v} was absent. */
    public static byte[] remove(byte[] is, long v) {
        int enc = encoding(is);
        if (encodingOf(v) > enc) {
            return is;
        }
        int pos = search(is, v);
        if (pos < 0) {
            return is;
        }
        int n = size(is);
        byte[] out = new byte[HEADER + (n - 1) * enc];
        System.arraycopy(is, 0, out, 0, HEADER + pos * enc);
        System.arraycopy(is, HEADER + (pos + 1) * enc, out, HEADER + pos * enc, (n - pos - 1) * enc);
        putU32(out, 4, n - 1);
        return out;
    }

    /** A uniformly chosen element of a non-empty intset. */
    public static long random(byte[] is, RandomGenerator random) {
        return get(is, random.nextInt(size(is)));
    }

    // ---------------------------------------------------------------- bytes

    private static long read(byte[] is, int enc, int pos) {
        int p = HEADER + pos * enc;
        switch (enc) {
            case INT16:
                return (short) ((is[p] & 0xff) | (is[p + 1] << 8));
            case INT32:
                return getU32(is, p);
            default:
                return (getU32(is, p) & 0xffffffffL) | ((long) getU32(is, p + 4) << 32);
        }
    }

    private static void write(byte[] is, int enc, int pos, long v) {
        int p = HEADER + pos * enc;
        for (int i = 0; i < enc; i++) {
            is[p + i] = (byte) (v >>> (8 * i));
        }
    }

    private static int getU32(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
    }

    private static void putU32(byte[] b, int p, int v) {
        b[p] = (byte) v;
        b[p + 1] = (byte) (v >>> 8);
        b[p + 2] = (byte) (v >>> 16);
        b[p + 3] = (byte) (v >>> 24);
    }
}
