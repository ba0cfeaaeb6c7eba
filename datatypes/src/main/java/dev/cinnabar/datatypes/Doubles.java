package dev.cinnabar.datatypes;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * Doubles as Redis 7.0 reads and prints them.
 *
 * <p>Reading follows Redis's string2d: the whole argument must be one number in strtod's syntax
 * (so {@code 1e5}, {@code .5}, {@code +1}, {@code 0x1p3} and {@code inf} are numbers, while
 * {@code " 1"}, {@code "1 "}, {@code nan} and {@code 1e400} are not). Printing is C's
 * {@code "%.17g"}, which is what Redis 7.0 replies for scores and other doubles:
 * {@code 0.1} is {@code 0.10000000000000001}, {@code 1e20} is {@code 1e+20}.
 */
public final class Doubles {
    private static final MathContext SEVENTEEN = new MathContext(17, RoundingMode.HALF_EVEN);
    private static final byte[] INF = ascii("inf");
    private static final byte[] NEGATIVE_INF = ascii("-inf");
    private static final byte[] NAN = ascii("nan");
    private static final byte[] NEGATIVE_ZERO = ascii("-0");
    /** Below this every integral double prints as a plain integer under %.17g. */
    private static final double PLAIN_INTEGER_LIMIT = 1e17;

    private Doubles() {
    }

    /**
     * Parses {@code b[off, off+len)} strictly; returns {@link Double#NaN} when Redis would
     * answer "value is not a valid float" (NaN itself is never a valid input, so it can serve as
     * the failure value).
     */
    public static double parse(byte[] b, int off, int len) {
        double quick = shortInteger(b, off, off + len);
        if (quick == quick) {
            return quick;
        }
        int plain = plainDecimal(b, off, off + len);
        if (plain != NOT_PLAIN) {
            double v = JavaDoubleParser.parseDouble(b, off, len);
            // A non-zero number that underflowed to zero or overflowed is strtod's ERANGE.
            return (v == 0 && plain == NON_ZERO) || Double.isInfinite(v) ? Double.NaN : v;
        }
        FloatText t = FloatText.parse(b, off, len);
        if (t == null) {
            return Double.NaN;
        }
        if (t.infinite) {
            return t.negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (t.isZero()) {
            return t.negative ? -0.0 : 0.0;
        }
        double v;
        if (t.hex) {
            BinaryRounding.Rounded r = BinaryRounding.DOUBLE.round(t);
            if (r.status() != BinaryRounding.Status.FINITE) {
                return Double.NaN;
            }
            // The mantissa has at most 53 bits and the exponent is in range: scalb is exact.
            v = Math.scalb((double) r.mantissa(), r.exponent());
            return t.negative ? -v : v;
        }
        // The syntax is checked, and Java's decimal conversion rounds correctly, like glibc's.
        v = Double.parseDouble(new String(b, off, len, StandardCharsets.ISO_8859_1));
        if (v == 0 || Double.isInfinite(v)) {
            // A non-zero number that underflowed to zero or overflowed: strtod's ERANGE.
            return Double.NaN;
        }
        return v;
    }

    /**
     * C's {@code strtod} as Redis's score ranges use it (zslParseRange): leading white space is
     * skipped, the text ends at the first NUL byte, an empty text is 0, an overflow is an
     * infinity and an underflow 0; anything left over after the number, or NaN, is a failure,
     * answered as {@link Double#NaN}.
     */
    public static double parseStrtod(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        if (end == off) {
            return 0;
        }
        int p = off;
        while (p < end && (b[p] == ' ' || (b[p] >= '\t' && b[p] <= '\r'))) {
            p++;
        }
        double quick = shortInteger(b, p, end);
        if (quick == quick) {
            return quick;
        }
        if (plainDecimal(b, p, end) != NOT_PLAIN) {
            // Overflow and underflow give an infinity and zero, as strtod does.
            return JavaDoubleParser.parseDouble(b, p, end - p);
        }
        FloatText t = FloatText.parse(b, p, end - p);
        if (t == null) {
            return Double.NaN;
        }
        if (t.infinite) {
            return t.negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (t.isZero()) {
            return t.negative ? -0.0 : 0.0;
        }
        if (t.hex) {
            BinaryRounding.Rounded r = BinaryRounding.DOUBLE.round(t);
            if (r.status() == BinaryRounding.Status.OVERFLOW) {
                return t.negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            if (r.status() == BinaryRounding.Status.ZERO) {
                return t.negative ? -0.0 : 0.0;
            }
            double v = Math.scalb((double) r.mantissa(), r.exponent());
            return t.negative ? -v : v;
        }
        return Double.parseDouble(new String(b, p, end - p, StandardCharsets.ISO_8859_1));
    }

    private static final int NOT_PLAIN = 0;
    private static final int ALL_ZERO = 1;
    private static final int NON_ZERO = 2;

    /**
     * Whether {@code b[p, end)} is a plain decimal, {@code [sign] digits [. digits] [e [sign]
     * digits]} with a digit in the mantissa, which strtod and Java read alike (so the
     * allocation-free parser can take it; hex, inf and anything else go the general way), and
     * whether one of its mantissa digits is not zero.
     */
    private static int plainDecimal(byte[] b, int p, int end) {
        int i = p;
        if (i < end && (b[i] == '+' || b[i] == '-')) {
            i++;
        }
        int digits = 0;
        int nonZero = 0;
        for (; i < end && b[i] >= '0' && b[i] <= '9'; i++, digits++) {
            nonZero |= b[i] - '0';
        }
        if (i < end && b[i] == '.') {
            for (i++; i < end && b[i] >= '0' && b[i] <= '9'; i++, digits++) {
                nonZero |= b[i] - '0';
            }
        }
        if (digits == 0) {
            return NOT_PLAIN;
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < end && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            int start = i;
            while (i < end && b[i] >= '0' && b[i] <= '9') {
                i++;
            }
            if (i == start) {
                return NOT_PLAIN;
            }
        }
        return i != end ? NOT_PLAIN : nonZero != 0 ? NON_ZERO : ALL_ZERO;
    }

    /**
     * The common case without the general parser: an optionally signed decimal integer of at
     * most 15 characters (exact as a double), as strtod reads it; NaN when the text is not one.
     */
    private static double shortInteger(byte[] b, int p, int end) {
        if (end - p > 15 || end <= p) {
            return Double.NaN;
        }
        boolean negative = b[p] == '-';
        if (negative || b[p] == '+') {
            p++;
        }
        if (p == end) {
            return Double.NaN;
        }
        long v = 0;
        for (int i = p; i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return Double.NaN;
            }
            v = v * 10 + d;
        }
        return negative ? (v == 0 ? -0.0 : -v) : v;
    }

    public static double parse(byte[] b) {
        return parse(b, 0, b.length);
    }

    /** True when {@code b[off, off+len)} is a number Redis accepts as a double. */
    public static boolean isDouble(byte[] b, int off, int len) {
        return !Double.isNaN(parse(b, off, len));
    }

    /**
     * C's {@code "%.17g"} of {@code v}, with {@code inf}, {@code -inf} and {@code nan} as glibc
     * prints them. Integral values below 1e17 take a fast path without BigDecimal. The result
     * may be a shared array: write it out, never modify it.
     */
    public static byte[] format17g(double v) {
        if (Double.isNaN(v)) {
            return NAN;
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? INF : NEGATIVE_INF;
        }
        if (v == 0) {
            return Double.doubleToRawLongBits(v) == 0 ? Numbers.toBytes(0) : NEGATIVE_ZERO;
        }
        if (v == Math.rint(v) && Math.abs(v) < PLAIN_INTEGER_LIMIT) {
            return Numbers.toBytes((long) v);
        }
        byte[] fast = format17gFast(v);
        return fast != null ? fast : ascii(format17gSlow(v));
    }

    private static final long[] POW10 = new long[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    private static final long SEVENTEEN_DIGITS = 100_000_000_000_000_000L;
    private static final long SIXTEEN_DIGITS = 10_000_000_000_000_000L;

    /**
     * {@link #format17g} of a non-integral double from about 0.01 up to 1e17, the range of
     * nearly every score, in exact integer arithmetic: {@code v = m * 2^e}, and the 17 digits are
     * {@code m * 10^k / 2^-e} for the {@code k} that puts the first digit at 10^16, rounded half
     * to even on the exact remainder as glibc rounds. {@code m * 10^k} takes at most 116 bits,
     * so two longs hold it. Returns null outside that range (the BigDecimal path takes it).
     */
    static byte[] format17gFast(double v) {
        long bits = Double.doubleToRawLongBits(v);
        int biased = (int) (bits >>> 52) & 0x7ff;
        if (biased == 0 || biased == 0x7ff) {
            return null; // subnormal, infinite or NaN
        }
        long m = (bits & 0xfffffffffffffL) | 0x10000000000000L;
        int shift = 1075 - biased; // v = m / 2^shift
        if (shift <= 0) {
            return null; // an integer of 2^53 or more
        }
        int x = (int) Math.floor(Math.log10(Math.abs(v))); // the leading digit's place, or one off
        for (int tries = 0; tries < 3; tries++) {
            int k = 16 - x;
            if (k < 0 || k >= POW10.length) {
                return null;
            }
            long p = POW10[k];
            long hi = Math.multiplyHigh(m, p);
            long lo = m * p;
            long q;
            int cmp; // the remainder against half of 2^shift
            if (shift < 64) {
                if ((hi >>> shift) != 0) {
                    x++; // more than 64 bits of digits: the estimate was low
                    continue;
                }
                q = (hi << (64 - shift)) | (lo >>> shift);
                long rem = lo & ((1L << shift) - 1);
                cmp = Long.compareUnsigned(rem, 1L << (shift - 1));
            } else if (shift == 64) {
                q = hi;
                cmp = Long.compareUnsigned(lo, 1L << 63);
            } else if (shift < 128) {
                q = hi >>> (shift - 64);
                long remHi = hi & ((1L << (shift - 64)) - 1);
                long halfHi = 1L << (shift - 65);
                cmp = remHi != halfHi ? Long.compareUnsigned(remHi, halfHi) : lo != 0 ? 1 : 0;
            } else {
                return null;
            }
            if (q >= SEVENTEEN_DIGITS || q < 0) {
                x++;
                continue;
            }
            if (q < SIXTEEN_DIGITS) {
                x--;
                continue;
            }
            if (cmp > 0 || (cmp == 0 && (q & 1) != 0)) {
                q++;
                if (q == SEVENTEEN_DIGITS) {
                    q = SIXTEEN_DIGITS;
                    x++;
                }
            }
            return layout17g(v < 0, q, x);
        }
        return null;
    }

    /**
     * %g's text for the 17 digits of {@code q} with the leading one at 10^x, trailing zeros cut:
     * plain notation, which %g uses for -4 <= x < 17 (the fast path's x is -2 to 16).
     */
    private static byte[] layout17g(boolean negative, long q, int x) {
        int n = 17;
        while (q % 10 == 0) {
            q /= 10;
            n--;
        }
        int sign = negative ? 1 : 0;
        // The digits of q, then where they go: after "0.000" for x < 0; for x >= 0 the first x + 1
        // are the integer part, padded with zeros when there are fewer.
        int length = x >= 0 ? sign + Math.max(x + 1, n) + (n > x + 1 ? 1 : 0) : sign + 1 - x + n;
        byte[] out = new byte[length];
        if (negative) {
            out[0] = '-';
        }
        int w = length - 1;
        if (x >= 0) {
            for (int i = n; i < x + 1; i++) {
                out[w--] = '0';
            }
        }
        for (int i = n - 1; i >= 0; i--) {
            out[w--] = (byte) ('0' + q % 10);
            q /= 10;
            if (i == x + 1 && x >= 0) {
                out[w--] = '.';
            }
        }
        if (x < 0) {
            for (int i = 0; i < -x - 1; i++) {
                out[w--] = '0';
            }
            out[w--] = '.';
            out[w] = '0';
        }
        return out;
    }

    public static String format17gString(double v) {
        return new String(format17g(v), StandardCharsets.US_ASCII);
    }

    static String format17gSlow(double v) {
        BigDecimal d = new BigDecimal(v).round(SEVENTEEN).stripTrailingZeros();
        // The decimal exponent of the leading digit, after rounding as %g decides its style.
        int x = d.precision() - d.scale() - 1;
        if (x >= -4 && x < 17) {
            return d.toPlainString();
        }
        String digits = d.unscaledValue().abs().toString();
        StringBuilder sb = new StringBuilder(24);
        if (d.signum() < 0) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('e').append(x < 0 ? '-' : '+');
        int ax = Math.abs(x);
        if (ax < 10) {
            sb.append('0');
        }
        return sb.append(ax).toString();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * C's {@code %.Nf}: the exact binary value rounded half to even, which is what glibc prints
     * (Java's own formatting rounds the decimal expansion half up and differs on ties); a
     * negative value that rounds to zero keeps its sign, as in C.
     */
    public static String fixed(double v, int decimals) {
        if (Double.isNaN(v)) {
            return v < 0 ? "-nan" : "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        String s = new java.math.BigDecimal(v).setScale(decimals, java.math.RoundingMode.HALF_EVEN).toPlainString();
        if ((v < 0 || (v == 0 && 1 / v < 0)) && !s.startsWith("-")) {
            s = "-" + s;
        }
        return s;
    }
}
