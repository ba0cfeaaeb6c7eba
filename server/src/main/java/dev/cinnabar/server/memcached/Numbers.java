package dev.cinnabar.server.memcached;

/**
 * Numbers read as memcached reads them (its safe_strto* over C's strtoull/strtoll, base 10,
 * on LP64): leading blanks skipped, an optional sign, digits, and then only a blank or the end
 * of the token; overflow fails. {@link #ok} tells whether the last parse succeeded (the value
 * is 0 when not). One instance per connection; no allocation.
 */
public final class Numbers {
    public boolean ok;

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == 0x0b || b == '\f' || b == '\r';
    }

    /** safe_strtoull: the result is an unsigned 64-bit pattern. */
    public long strtoull(byte[] b, int off, int len) {
        return unsigned(b, off, len, true);
    }

    /** safe_strtoul: strtoul reads 64 bits on LP64, and memcached keeps the low 32 of them. */
    public long strtoul32(byte[] b, int off, int len) {
        long v = unsigned(b, off, len, true);
        return v & 0xffffffffL;
    }

    private long unsigned(byte[] b, int off, int len, boolean checkMinus) {
        ok = false;
        int end = off + len;
        int p = off;
        while (p < end && isSpace(b[p])) {
            p++;
        }
        boolean negative = false;
        if (p < end && (b[p] == '+' || b[p] == '-')) {
            negative = b[p] == '-';
            p++;
        }
        int digitsFrom = p;
        long v = 0;
        boolean overflow = false;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            int d = b[p] - '0';
            // v * 10 + d > 2^64 - 1 ?
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0
                    || (v == Long.divideUnsigned(-1L, 10) && d > (int) Long.remainderUnsigned(-1L, 10))) {
                overflow = true;
            }
            v = v * 10 + d;
            p++;
        }
        if (p == digitsFrom || overflow) {
            return 0;
        }
        if (negative) {
            v = -v;
        }
        if (p < end && !isSpace(b[p]) && b[p] != 0) {
            return 0;
        }
        if (v < 0 && checkMinus) {
            for (int i = off; i < end; i++) {
                if (b[i] == '-') {
                    return 0;
                }
            }
        }
        ok = true;
        return v;
    }

    /** safe_strtoll. */
    public long strtoll(byte[] b, int off, int len) {
        ok = false;
        int end = off + len;
        int p = off;
        while (p < end && isSpace(b[p])) {
            p++;
        }
        boolean negative = false;
        if (p < end && (b[p] == '+' || b[p] == '-')) {
            negative = b[p] == '-';
            p++;
        }
        int digitsFrom = p;
        long v = 0;
        boolean overflow = false;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            int d = b[p] - '0';
            if (v < (Long.MIN_VALUE + d) / 10 || (v * 10 < Long.MIN_VALUE + d)) {
                overflow = true;
            } else {
                v = v * 10 - d; // accumulate negatively: reaches Long.MIN_VALUE
            }
            p++;
        }
        if (p == digitsFrom || overflow) {
            return 0;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                return 0; // ERANGE
            }
            v = -v;
        }
        if (p < end && !isSpace(b[p]) && b[p] != 0) {
            return 0;
        }
        ok = true;
        return v;
    }

    /** safe_strtol: strtol reads 64 bits on LP64, and memcached keeps the low 32 of them. */
    public int strtol32(byte[] b, int off, int len) {
        return (int) strtoll(b, off, len);
    }
}
