package dev.cinnabar.datatypes;

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
        return ascii(format17gSlow(v));
    }

    public static String format17gString(double v) {
        return new String(format17g(v), StandardCharsets.US_ASCII);
    }

    private static String format17gSlow(double v) {
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
