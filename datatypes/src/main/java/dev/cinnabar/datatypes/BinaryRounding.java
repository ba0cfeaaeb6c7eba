package dev.cinnabar.datatypes;

import java.math.BigInteger;

/**
 * Rounds an exact value to the nearest number of a binary floating point format, ties to even,
 * as IEEE arithmetic and glibc's {@code strtod}/{@code strtold} do. A format is a significand of
 * {@code precision} bits, a largest exponent, and a smallest step (the value of the last bit of a
 * subnormal number).
 */
final class BinaryRounding {
    /** x87 80-bit extended precision, C's {@code long double} on x86-64 Linux. */
    static final BinaryRounding EXTENDED = new BinaryRounding(64, -16445, 16383);
    /** IEEE binary64, C's and Java's {@code double}. */
    static final BinaryRounding DOUBLE = new BinaryRounding(53, -1074, 1023);

    private static final double LOG10_2 = Math.log10(2);

    /** The outcome: a finite value {@code mantissa * 2^exponent}, or one of the two range failures. */
    record Rounded(long mantissa, int exponent, Status status) {
    }

    enum Status { FINITE, ZERO, OVERFLOW }

    private static final Rounded OVERFLOWED = new Rounded(0, 0, Status.OVERFLOW);
    private static final Rounded UNDERFLOWED = new Rounded(0, 0, Status.ZERO);

    final int precision;
    /** The exponent of the last significand bit of the smallest subnormal number. */
    final int minStep;
    /** The largest exponent of the leading bit. */
    final int maxExponent;

    private BinaryRounding(int precision, int minStep, int maxExponent) {
        this.precision = precision;
        this.minStep = minStep;
        this.maxExponent = maxExponent;
    }

    /**
     * The nearest value to the magnitude of a parsed number that is neither zero nor infinite.
     * A result of {@link Status#ZERO} means the number was too small and underflowed.
     */
    Rounded round(FloatText t) {
        BigInteger s = t.significand();
        long scale = t.scale();
        if (t.hex) {
            long top = s.bitLength() - 1 + scale;
            if (top > maxExponent + 1L) {
                return OVERFLOWED;
            }
            if (top < minStep - 2L) {
                return UNDERFLOWED;
            }
            return round(s, BigInteger.ONE, scale);
        }
        // Decide far-out exponents from the digit count, before building huge powers of ten.
        long magnitude = scale + t.significantDigits; // 10^(magnitude-1) <= value < 10^magnitude
        if (magnitude - 1 > (long) Math.ceil((maxExponent + 1) * LOG10_2) + 1) {
            return OVERFLOWED;
        }
        if (magnitude < (long) Math.floor(minStep * LOG10_2) - 2) {
            return UNDERFLOWED;
        }
        if (scale >= 0) {
            return round(s.multiply(BigInteger.TEN.pow((int) scale)), BigInteger.ONE, 0);
        }
        return round(s, BigInteger.TEN.pow((int) -scale), 0);
    }

    /** The nearest value to {@code num / den * 2^exp2}; {@code num} and {@code den} are positive. */
    Rounded round(BigInteger num, BigInteger den, long exp2) {
        int diff = num.bitLength() - den.bitLength();
        // floor(log2(num/den)) is diff or diff-1.
        boolean atLeast = diff >= 0 ? num.compareTo(den.shiftLeft(diff)) >= 0
                : num.shiftLeft(-diff).compareTo(den) >= 0;
        long top = exp2 + (atLeast ? diff : diff - 1L);
        if (top > maxExponent) {
            return OVERFLOWED;
        }
        if (top < minStep - 1L) {
            // Below half the smallest step: rounds to zero.
            return UNDERFLOWED;
        }
        long step = Math.max(top - (precision - 1), minStep);
        long shift = exp2 - step;
        BigInteger n = num;
        BigInteger d = den;
        if (shift >= 0) {
            n = n.shiftLeft((int) shift);
        } else {
            d = d.shiftLeft((int) -shift);
        }
        BigInteger[] qr = n.divideAndRemainder(d);
        BigInteger q = qr[0];
        int half = qr[1].shiftLeft(1).compareTo(d);
        if (half > 0 || (half == 0 && q.testBit(0))) {
            q = q.add(BigInteger.ONE);
            if (q.bitLength() > precision) {
                q = q.shiftRight(1);
                step++;
            }
        }
        if (q.signum() == 0) {
            return UNDERFLOWED;
        }
        if (step + q.bitLength() - 1 > maxExponent) {
            return OVERFLOWED;
        }
        return new Rounded(q.longValue(), (int) step, Status.FINITE);
    }
}
