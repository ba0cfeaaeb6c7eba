package dev.cinnabar.datatypes;

/**
 * Integer text as Redis reads and writes it. Parsing is strict like Redis's string2ll: an
 * optional '-', no '+', no leading zeros, no spaces, within 64 bits. So "01", "+1", " 1" and
 * "-0" are not integers, which decides both errors and whether a string is stored as {@code int}.
 */
public final class Numbers {
    /** Returned by the parse methods when the text is not a canonical 64-bit integer. */
    public static final long NOT_A_NUMBER = Long.MIN_VALUE + 1;

    private static final byte[] NOT_A_NUMBER_TEXT = toBytes(NOT_A_NUMBER);

    private Numbers() {
    }

    /** True when {@code b[off, off+len)} is a canonical 64-bit integer. */
    public static boolean isLong(byte[] b, int off, int len) {
        return parseLongOrSentinel(b, off, len) != NOT_A_NUMBER || isNotANumberText(b, off, len);
    }

    /**
     * Parses a canonical integer, or returns {@link #NOT_A_NUMBER}. That sentinel is itself a
     * valid 64-bit value, so callers that must accept it check {@link #isLong} first.
     */
    public static long parseLongOrSentinel(byte[] b, int off, int len) {
        if (len == 0 || len > 20) {
            return NOT_A_NUMBER;
        }
        int p = off;
        int end = off + len;
        if (len == 1 && b[p] == '0') {
            return 0;
        }
        boolean negative = false;
        if (b[p] == '-') {
            negative = true;
            p++;
            if (p == end) {
                return NOT_A_NUMBER;
            }
        }
        if (b[p] < '1' || b[p] > '9') {
            return NOT_A_NUMBER;
        }
        // Accumulate as a negative number so that Long.MIN_VALUE fits.
        long v = 0;
        for (; p < end; p++) {
            int d = b[p] - '0';
            if (d < 0 || d > 9) {
                return NOT_A_NUMBER;
            }
            if (v < (Long.MIN_VALUE + d) / 10) {
                return NOT_A_NUMBER;
            }
            v = v * 10 - d;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                return NOT_A_NUMBER;
            }
            return -v;
        }
        return v;
    }

    /** True when the text is exactly the sentinel's own value, which is a valid integer. */
    public static boolean isNotANumberText(byte[] b, int off, int len) {
        byte[] t = NOT_A_NUMBER_TEXT;
        return len == t.length && java.util.Arrays.equals(b, off, off + len, t, 0, t.length);
    }

    /** Parses a canonical integer or throws NumberFormatException. */
    public static long parseLong(byte[] b, int off, int len) {
        long v = parseLongOrSentinel(b, off, len);
        if (v == NOT_A_NUMBER && !isNotANumberText(b, off, len)) {
            throw new NumberFormatException();
        }
        return v;
    }

    public static long parseLong(byte[] b) {
        return parseLong(b, 0, b.length);
    }

    /**
     * C's atoi, which Redis uses for a few lenient arguments (key counts of some commands,
     * DEBUG's switches): leading white space, a sign, digits up to the first other byte, 0 when
     * there are none; out of range it saturates as strtol does, and is then cut to 32 bits, so
     * "4294967296" reads as 0 and "99999999999999999999" as -1.
     */
    public static int atoi(byte[] a, int off, int len) {
        int p = off;
        int end = off + len;
        while (p < end && (a[p] == ' ' || (a[p] >= '\t' && a[p] <= '\r'))) {
            p++;
        }
        boolean negative = false;
        if (p < end && (a[p] == '+' || a[p] == '-')) {
            negative = a[p] == '-';
            p++;
        }
        long v = 0;
        boolean saturated = false;
        for (; p < end && a[p] >= '0' && a[p] <= '9'; p++) {
            int d = a[p] - '0';
            if (v > (Long.MAX_VALUE - d) / 10) {
                saturated = true;
                break;
            }
            v = v * 10 + d;
        }
        long r;
        if (saturated) {
            r = negative ? Long.MIN_VALUE : Long.MAX_VALUE;
        } else {
            r = negative ? -v : v;
        }
        return (int) r;
    }

    /** Number of characters in the decimal form of {@code v}. */
    public static int digits(long v) {
        if (v == Long.MIN_VALUE) {
            return 20;
        }
        int n = 1;
        if (v < 0) {
            n++;
            v = -v;
        }
        while (v >= 10) {
            v /= 10;
            n++;
        }
        return n;
    }

    /** The decimal form of {@code v} as ASCII bytes. */
    public static byte[] toBytes(long v) {
        int n = digits(v);
        byte[] out = new byte[n];
        if (v == Long.MIN_VALUE) {
            return "-9223372036854775808".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        int p = n;
        boolean negative = v < 0;
        if (negative) {
            v = -v;
        }
        do {
            out[--p] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        if (negative) {
            out[0] = '-';
        }
        return out;
    }
}
