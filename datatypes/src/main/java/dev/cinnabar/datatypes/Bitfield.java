package dev.cinnabar.datatypes;

/**
 * BITFIELD's integer fields: reading and writing {@code bits}-wide integers (1..64) at any bit
 * offset of a byte array, most significant bit first, and Redis's overflow rules for SET and
 * INCRBY (WRAP, SAT, FAIL).
 */
public final class Bitfield {
    public static final int WRAP = 0;
    public static final int SAT = 1;
    public static final int FAIL = 2;

    private Bitfield() {
    }

    /** The unsigned field at {@code offset}; bytes at or past {@code len} read as zero. */
    public static long getUnsigned(byte[] p, int len, long offset, int bits) {
        long value = 0;
        for (int j = 0; j < bits; j++, offset++) {
            long byteIndex = offset >>> 3;
            int bitval = byteIndex < len ? (p[(int) byteIndex] >> (7 - (int) (offset & 7))) & 1 : 0;
            value = (value << 1) | bitval;
        }
        return value;
    }

    /** The signed (two's complement) field at {@code offset}; bytes past {@code len} read as zero. */
    public static long getSigned(byte[] p, int len, long offset, int bits) {
        long value = getUnsigned(p, len, offset, bits);
        if (bits < 64 && (value & (1L << (bits - 1))) != 0) {
            value |= -1L << bits;
        }
        return value;
    }

    /** Writes the low {@code bits} bits of {@code value} at {@code offset}; the array must hold them. */
    public static void set(byte[] p, long offset, int bits, long value) {
        for (int j = 0; j < bits; j++, offset++) {
            int bitval = (int) (value >>> (bits - 1 - j)) & 1;
            int byteIndex = (int) (offset >>> 3);
            int bit = 7 - (int) (offset & 7);
            p[byteIndex] = (byte) ((p[byteIndex] & ~(1 << bit)) | (bitval << bit));
        }
    }

    /**
     * Outcome of an overflow check: {@link #overflow} is 0 when {@code value + incr} fits, 1 or -1
     * when it went past the top or the bottom, and {@link #limit} the value to store instead under
     * WRAP and SAT.
     */
    public static final class Check {
        public int overflow;
        public long limit;
    }

    /** Redis's check for an unsigned field of {@code bits} (1..63): {@code value} is read as unsigned. */
    public static void checkUnsigned(long value, long incr, int bits, int owtype, Check out) {
        long max = bits == 64 ? -1L : (1L << bits) - 1;
        long maxincr = max - value;
        long minincr = -value;
        out.limit = 0;
        if (Long.compareUnsigned(value, max) > 0 || (incr > 0 && incr > maxincr)) {
            out.overflow = 1;
            if (owtype == WRAP) {
                out.limit = wrapUnsigned(value, incr, bits);
            } else if (owtype == SAT) {
                out.limit = max;
            }
        } else if (incr < 0 && incr < minincr) {
            out.overflow = -1;
            if (owtype == WRAP) {
                out.limit = wrapUnsigned(value, incr, bits);
            } else if (owtype == SAT) {
                out.limit = 0;
            }
        } else {
            out.overflow = 0;
        }
    }

    private static long wrapUnsigned(long value, long incr, int bits) {
        long mask = bits == 64 ? 0 : -1L << bits;
        return (value + incr) & ~mask;
    }

    /** Redis's check for a signed field of {@code bits} (1..64). */
    public static void checkSigned(long value, long incr, int bits, int owtype, Check out) {
        long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
        long min = -max - 1;
        long maxincr = max - value;
        long minincr = min - value;
        out.limit = 0;
        if (value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr)) {
            out.overflow = 1;
            if (owtype == WRAP) {
                out.limit = wrapSigned(value, incr, bits);
            } else if (owtype == SAT) {
                out.limit = max;
            }
        } else if (value < min || (bits != 64 && incr < minincr) || (value < 0 && incr < 0 && incr < minincr)) {
            out.overflow = -1;
            if (owtype == WRAP) {
                out.limit = wrapSigned(value, incr, bits);
            } else if (owtype == SAT) {
                out.limit = min;
            }
        } else {
            out.overflow = 0;
        }
    }

    private static long wrapSigned(long value, long incr, int bits) {
        long c = value + incr;
        if (bits < 64) {
            long msb = 1L << (bits - 1);
            long mask = -1L << bits;
            c = (c & msb) != 0 ? c | mask : c & ~mask;
        }
        return c;
    }
}
