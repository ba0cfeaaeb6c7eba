package dev.cinnabar.datatypes;

import java.math.BigInteger;

/**
 * The syntax of a floating point number as C's {@code strtod}/{@code strtold} read it, with the
 * extra rule Redis adds: the number must fill the whole argument. So this accepts an optional
 * sign followed by a decimal number ({@code 1}, {@code .5}, {@code 5.}, {@code 1e-3}), a hex
 * number ({@code 0x1.8p3}, {@code 0X10}) or {@code inf}/{@code infinity} in any case, and rejects
 * leading or trailing spaces, a lone {@code .}, an exponent without digits, and every form of
 * {@code nan} (Redis refuses NaN after parsing, which comes to the same).
 *
 * <p>The value is kept exact: {@link #significand()} times ten (decimal) or two (hex) to the
 * power {@link #scale()}. Rounding it to a binary format is {@link BinaryRounding}'s job.
 */
final class FloatText {
    /** Exponents are clamped here; any number this far out is an overflow or underflow anyway. */
    private static final long EXPONENT_CAP = 1_000_000_000L;

    final boolean negative;
    final boolean infinite;
    final boolean hex;
    private final byte[] text;
    /** Where the significand's digits are, the point included if there is one. */
    private final int digitsStart;
    private final int digitsEnd;
    private final int fractionDigits;
    private final long exponent;
    /** Digits in the significand once leading zeros are dropped; 0 means the value is zero. */
    final int significantDigits;

    private FloatText(boolean negative, boolean infinite, boolean hex, byte[] text, int digitsStart,
            int digitsEnd, int fractionDigits, long exponent, int significantDigits) {
        this.negative = negative;
        this.infinite = infinite;
        this.hex = hex;
        this.text = text;
        this.digitsStart = digitsStart;
        this.digitsEnd = digitsEnd;
        this.fractionDigits = fractionDigits;
        this.exponent = exponent;
        this.significantDigits = significantDigits;
    }

    boolean isZero() {
        return !infinite && significantDigits == 0;
    }

    /** The power of ten (decimal) or two (hex) that multiplies {@link #significand()}. */
    long scale() {
        return exponent - (hex ? 4L * fractionDigits : fractionDigits);
    }

    /** The digits as one integer, the point ignored. */
    BigInteger significand() {
        StringBuilder sb = new StringBuilder(digitsEnd - digitsStart);
        for (int p = digitsStart; p < digitsEnd; p++) {
            if (text[p] != '.') {
                sb.append((char) text[p]);
            }
        }
        return new BigInteger(sb.toString(), hex ? 16 : 10);
    }

    /**
     * Reads {@code b[off, off+len)}; null when it is not exactly one number. NaN in any spelling
     * is refused here.
     */
    static FloatText parse(byte[] b, int off, int len) {
        if (len <= 0) {
            return null;
        }
        int p = off;
        int end = off + len;
        boolean negative = false;
        if (b[p] == '-' || b[p] == '+') {
            negative = b[p] == '-';
            p++;
        }
        if (p == end) {
            return null;
        }
        int c = b[p] | 0x20;
        if (c == 'i') {
            return isInfinityWord(b, p, end)
                    ? new FloatText(negative, true, false, b, p, p, 0, 0, 1) : null;
        }
        boolean hex = p + 1 < end && b[p] == '0' && (b[p + 1] | 0x20) == 'x';
        if (hex) {
            p += 2;
        }
        int digitsStart = p;
        int digits = 0;
        int significant = 0;
        int fraction = 0;
        boolean point = false;
        for (; p < end; p++) {
            int ch = b[p];
            if (ch == '.' && !point) {
                point = true;
                continue;
            }
            int d = digitValue(ch, hex);
            if (d < 0) {
                break;
            }
            digits++;
            if (point) {
                fraction++;
            }
            if (d != 0 || significant > 0) {
                significant++;
            }
        }
        if (digits == 0) {
            // "0x" alone reads as "0" followed by junk; "." and "" are not numbers at all.
            return null;
        }
        int digitsEnd = p;
        long exponent = 0;
        if (p < end) {
            int e = b[p] | 0x20;
            if (e != (hex ? 'p' : 'e')) {
                return null;
            }
            p++;
            boolean expNegative = false;
            if (p < end && (b[p] == '-' || b[p] == '+')) {
                expNegative = b[p] == '-';
                p++;
            }
            if (p == end) {
                return null;
            }
            for (; p < end; p++) {
                int d = b[p] - '0';
                if (d < 0 || d > 9) {
                    return null;
                }
                if (exponent < EXPONENT_CAP) {
                    exponent = exponent * 10 + d;
                }
            }
            if (expNegative) {
                exponent = -exponent;
            }
        }
        return new FloatText(negative, false, hex, b, digitsStart, digitsEnd, fraction, exponent, significant);
    }

    private static int digitValue(int ch, boolean hex) {
        if (ch >= '0' && ch <= '9') {
            return ch - '0';
        }
        if (hex) {
            int l = ch | 0x20;
            if (l >= 'a' && l <= 'f') {
                return l - 'a' + 10;
            }
        }
        return -1;
    }

    private static boolean isInfinityWord(byte[] b, int p, int end) {
        int n = end - p;
        return (n == 3 && matches(b, p, "inf")) || (n == 8 && matches(b, p, "infinity"));
    }

    private static boolean matches(byte[] b, int p, String lower) {
        for (int i = 0; i < lower.length(); i++) {
            if ((b[p + i] | 0x20) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
