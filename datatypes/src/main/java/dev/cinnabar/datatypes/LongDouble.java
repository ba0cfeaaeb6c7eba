package dev.cinnabar.datatypes;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * C's {@code long double} on x86-64 Linux (x87 80-bit extended: a 64-bit significand, 15-bit
 * exponent, subnormals), emulated exactly, for INCRBYFLOAT and HINCRBYFLOAT. Redis parses both
 * operands with {@code strtold}, adds them in this format and prints the sum with
 * {@code "%.17Lf"} minus trailing zeros, so a Java {@code double} gives different digits
 * ({@code 10.5 + 0.1} is {@code 10.6} here, {@code 10.599999999999999645} in double).
 *
 * <p>A value is {@code ±mantissa * 2^exponent} with the mantissa an unsigned 64-bit integer, or
 * a signed zero, or an infinity. Instances are immutable.
 */
public final class LongDouble {
    /** Redis's MAX_LONG_DOUBLE_CHARS: longer input is refused before parsing. */
    public static final int MAX_CHARS = 5 * 1024;

    private static final int FINITE = 0;
    private static final int ZERO = 1;
    private static final int INFINITE = 2;
    private static final int NAN = 3;

    public static final LongDouble POSITIVE_ZERO = new LongDouble(false, 0, 0, ZERO);

    private static final BigInteger TEN_POW_17 = BigInteger.TEN.pow(17);
    private static final BigInteger UNSIGNED_MASK = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private final boolean negative;
    private final long mantissa;
    private final int exponent;
    private final int kind;

    private LongDouble(boolean negative, long mantissa, int exponent, int kind) {
        this.negative = negative;
        this.mantissa = mantissa;
        this.exponent = exponent;
        this.kind = kind;
    }

    /** Exact, as every 64-bit integer fits the 64-bit significand. */
    public static LongDouble of(long v) {
        if (v == 0) {
            return POSITIVE_ZERO;
        }
        // For Long.MIN_VALUE the negation is itself, which read unsigned is 2^63: still exact.
        return new LongDouble(v < 0, v < 0 ? -v : v, 0, FINITE);
    }

    /**
     * Parses text as Redis's string2ld does: the whole text must be one number in strtold's
     * syntax (decimal, hex, {@code inf}), no leading space, shorter than {@link #MAX_CHARS};
     * NaN, and finite numbers that overflow to infinity or underflow to zero, are refused.
     * Returns null when the text is refused.
     */
    public static LongDouble parse(byte[] b, int off, int len) {
        if (len == 0 || len >= MAX_CHARS) {
            return null;
        }
        FloatText t = FloatText.parse(b, off, len);
        if (t == null) {
            return null;
        }
        if (t.infinite) {
            return new LongDouble(t.negative, 0, 0, INFINITE);
        }
        if (t.isZero()) {
            return new LongDouble(t.negative, 0, 0, ZERO);
        }
        BinaryRounding.Rounded r = BinaryRounding.EXTENDED.round(t);
        if (r.status() != BinaryRounding.Status.FINITE) {
            return null;
        }
        return new LongDouble(t.negative, r.mantissa(), r.exponent(), FINITE);
    }

    public static LongDouble parse(byte[] b) {
        return parse(b, 0, b.length);
    }

    public boolean isFinite() {
        return kind == FINITE || kind == ZERO;
    }

    public boolean isNaN() {
        return kind == NAN;
    }

    public boolean isInfinite() {
        return kind == INFINITE;
    }

    /** The sum rounded to nearest, ties to even, as the x87 unit adds in extended precision. */
    public LongDouble add(LongDouble o) {
        if (kind == NAN || o.kind == NAN) {
            return new LongDouble(false, 0, 0, NAN);
        }
        if (kind == INFINITE || o.kind == INFINITE) {
            if (kind == INFINITE && o.kind == INFINITE && negative != o.negative) {
                return new LongDouble(false, 0, 0, NAN);
            }
            return kind == INFINITE ? this : o;
        }
        if (kind == ZERO) {
            // -0 + -0 is -0; +0 + -0 is +0; zero plus x is x.
            return o.kind == ZERO ? (negative && o.negative ? this : POSITIVE_ZERO) : o;
        }
        if (o.kind == ZERO) {
            return this;
        }
        int low = Math.min(exponent, o.exponent);
        BigInteger a = unsigned(mantissa).shiftLeft(exponent - low);
        BigInteger b = unsigned(o.mantissa).shiftLeft(o.exponent - low);
        if (negative) {
            a = a.negate();
        }
        if (o.negative) {
            b = b.negate();
        }
        BigInteger sum = a.add(b);
        if (sum.signum() == 0) {
            return POSITIVE_ZERO;
        }
        BinaryRounding.Rounded r = BinaryRounding.EXTENDED.round(sum.abs(), BigInteger.ONE, low);
        switch (r.status()) {
            case OVERFLOW:
                return new LongDouble(sum.signum() < 0, 0, 0, INFINITE);
            case ZERO:
                // Cannot happen for a sum of two representable numbers, which is a multiple of the step.
                return new LongDouble(sum.signum() < 0, 0, 0, ZERO);
            default:
                return new LongDouble(sum.signum() < 0, r.mantissa(), r.exponent(), FINITE);
        }
    }

    /**
     * This times {@code factor} (positive), rounded to nearest as the x87 unit multiplies: Redis's
     * blocking timeouts are {@code ceill(seconds * 1000.0)} in long double.
     */
    public LongDouble multiply(long factor) {
        if (kind != FINITE) {
            return this;
        }
        BigInteger product = unsigned(mantissa).multiply(BigInteger.valueOf(factor));
        BinaryRounding.Rounded r = BinaryRounding.EXTENDED.round(product, BigInteger.ONE, exponent);
        switch (r.status()) {
            case OVERFLOW:
                return new LongDouble(negative, 0, 0, INFINITE);
            case ZERO:
                return new LongDouble(negative, 0, 0, ZERO);
            default:
                return new LongDouble(negative, r.mantissa(), r.exponent(), FINITE);
        }
    }

    /** The smallest integer not below this, C's {@code ceill}; null when not finite. */
    public BigInteger ceil() {
        if (kind == ZERO) {
            return BigInteger.ZERO;
        }
        if (kind != FINITE) {
            return null;
        }
        BigInteger m = unsigned(mantissa);
        if (exponent >= 0) {
            BigInteger v = m.shiftLeft(exponent);
            return negative ? v.negate() : v;
        }
        BigInteger whole = m.shiftRight(-exponent);
        if (negative) {
            return whole.negate();
        }
        boolean fraction = whole.shiftLeft(-exponent).compareTo(m) != 0;
        return fraction ? whole.add(BigInteger.ONE) : whole;
    }

    /**
     * Redis's "human" form: {@code "%.17Lf"} (exact digits, rounded half to even at the 17th
     * decimal), then trailing zeros and a bare point removed, and {@code -0} written {@code 0}.
     * Infinities print as {@code inf}/{@code -inf}.
     */
    public byte[] toHumanBytes() {
        return toHumanString().getBytes(StandardCharsets.US_ASCII);
    }

    public String toHumanString() {
        switch (kind) {
            case ZERO:
                return "0";
            case INFINITE:
                return negative ? "-inf" : "inf";
            case NAN:
                return negative ? "-nan" : "nan";
            default:
                break;
        }
        BigInteger m = unsigned(mantissa);
        String sign = negative ? "-" : "";
        if (exponent >= 0) {
            return sign + m.shiftLeft(exponent).toString();
        }
        BigInteger scaled = m.multiply(TEN_POW_17);
        int shift = -exponent;
        BigInteger q = scaled.shiftRight(shift);
        BigInteger rem = scaled.subtract(q.shiftLeft(shift));
        int half = rem.shiftLeft(1).compareTo(BigInteger.ONE.shiftLeft(shift));
        if (half > 0 || (half == 0 && q.testBit(0))) {
            q = q.add(BigInteger.ONE);
        }
        if (q.signum() == 0) {
            return "0";
        }
        BigInteger[] parts = q.divideAndRemainder(TEN_POW_17);
        String fraction = parts[1].toString();
        int end = fraction.length();
        while (end > 0 && fraction.charAt(end - 1) == '0') {
            end--;
        }
        StringBuilder sb = new StringBuilder(sign).append(parts[0]);
        if (end > 0) {
            sb.append('.');
            for (int i = fraction.length(); i < 17; i++) {
                sb.append('0');
            }
            sb.append(fraction, 0, end);
        }
        return sb.toString();
    }

    private static BigInteger unsigned(long v) {
        BigInteger b = BigInteger.valueOf(v);
        return v < 0 ? b.and(UNSIGNED_MASK) : b;
    }

    @Override
    public String toString() {
        return toHumanString();
    }
}
