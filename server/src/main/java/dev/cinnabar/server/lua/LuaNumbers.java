package dev.cinnabar.server.lua;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;

/**
 * Numbers as C Lua 5.1 on Linux/glibc reads and writes them: {@code %.14g} for tostring and
 * concatenation (LUAI_NUMFFORMAT), the {@code %e/%f/%g} conversions of string.format with exact
 * (round-half-even on the binary value) rounding, "inf", "-inf", "nan" and "-nan" by the sign bit,
 * and strtod-style parsing (decimal, hex, inf, nan, surrounding white space) for tonumber.
 */
public final class LuaNumbers {
    private LuaNumbers() {
    }

    private static final long SIGN = 0x8000000000000000L;

    /** {@code %.14g} as glibc prints it: what tostring(), {@code ..} and lua_tolstring give in Lua 5.1. */
    public static String format(double v) {
        long l = (long) v;
        if (l == v && l > -1_000_000_000_000_00L && l < 1_000_000_000_000_00L) {
            if (l == 0 && Double.doubleToRawLongBits(v) != 0) {
                return "-0";
            }
            return Long.toString(l);
        }
        StringBuilder sb = new StringBuilder(24);
        formatG(sb, v, 14, false, false);
        return sb.toString();
    }

    /** {@code %.14g} into a LuaString. */
    public static LuaString formatLua(double v) {
        return LuaString.valueOf(format(v));
    }

    /** Appends {@code %.<prec>g} (upper for %G, alt for the '#' flag). */
    public static void formatG(StringBuilder sb, double v, int prec, boolean alt, boolean upper) {
        if (special(sb, v, upper)) {
            return;
        }
        if (prec == 0) {
            prec = 1;
        }
        boolean neg = Double.doubleToRawLongBits(v) < 0;
        if (neg) {
            sb.append('-');
            v = -v;
        }
        if (v == 0) {
            sb.append('0');
            if (alt) { // '#': the point always, and the zeros after it
                sb.append('.');
                for (int i = 1; i < prec; i++) {
                    sb.append('0');
                }
            }
            return;
        }
        // digits[0..n) and exponent x of the first digit, rounded to prec significant digits
        char[] digits = new char[Math.max(prec, 20)];
        int[] exp = new int[1];
        int n = digits(v, prec, digits, exp);
        int x = exp[0];
        if (x < -4 || x >= prec) {
            // exponential: d.ddd e+xx
            int keep = alt ? prec : trimmed(digits, n);
            sb.append(digits[0]);
            if (keep > 1 || alt) {
                sb.append('.');
                for (int i = 1; i < keep; i++) {
                    sb.append(i < n ? digits[i] : '0');
                }
            }
            exponent(sb, x, upper);
        } else {
            // fixed with prec - 1 - x decimals
            int keep = alt ? prec : trimmed(digits, n);
            if (x < 0) {
                sb.append('0');
                sb.append('.');
                for (int i = -1; i > x; i--) {
                    sb.append('0');
                }
                for (int i = 0; i < keep; i++) {
                    sb.append(i < n ? digits[i] : '0');
                }
            } else {
                for (int i = 0; i <= x; i++) {
                    sb.append(i < n ? digits[i] : '0');
                }
                if (keep > x + 1 || alt) {
                    sb.append('.');
                    for (int i = x + 1; i < keep; i++) {
                        sb.append(i < n ? digits[i] : '0');
                    }
                }
            }
        }
    }

    /** Appends {@code %.<prec>e}. */
    public static void formatE(StringBuilder sb, double v, int prec, boolean alt, boolean upper) {
        if (special(sb, v, upper)) {
            return;
        }
        if (Double.doubleToRawLongBits(v) < 0) {
            sb.append('-');
            v = -v;
        }
        if (v == 0) {
            sb.append('0');
            if (prec > 0 || alt) {
                sb.append('.');
            }
            for (int i = 0; i < prec; i++) {
                sb.append('0');
            }
            exponent(sb, 0, upper);
            return;
        }
        char[] digits = new char[prec + 1 + 20];
        int[] exp = new int[1];
        int n = digits(v, prec + 1, digits, exp);
        sb.append(digits[0]);
        if (prec > 0 || alt) {
            sb.append('.');
        }
        for (int i = 1; i <= prec; i++) {
            sb.append(i < n ? digits[i] : '0');
        }
        exponent(sb, exp[0], upper);
    }

    /** Appends {@code %.<prec>f}. */
    public static void formatF(StringBuilder sb, double v, int prec, boolean alt) {
        if (special(sb, v, false)) {
            return;
        }
        if (Double.doubleToRawLongBits(v) < 0) {
            sb.append('-');
            v = -v;
        }
        BigDecimal bd = new BigDecimal(v).setScale(prec, RoundingMode.HALF_EVEN);
        String s = bd.toPlainString();
        sb.append(s);
        if (alt && prec == 0) {
            sb.append('.');
        }
    }

    private static boolean special(StringBuilder sb, double v, boolean upper) {
        if (v != v) {
            if (Double.doubleToRawLongBits(v) < 0) {
                sb.append('-');
            }
            sb.append(upper ? "NAN" : "nan");
            return true;
        }
        if (Double.isInfinite(v)) {
            if (v < 0) {
                sb.append('-');
            }
            sb.append(upper ? "INF" : "inf");
            return true;
        }
        return false;
    }

    private static void exponent(StringBuilder sb, int x, boolean upper) {
        sb.append(upper ? 'E' : 'e');
        if (x < 0) {
            sb.append('-');
            x = -x;
        } else {
            sb.append('+');
        }
        if (x < 10) {
            sb.append('0');
        }
        sb.append(x);
    }

    private static int trimmed(char[] digits, int n) {
        while (n > 1 && digits[n - 1] == '0') {
            n--;
        }
        return n;
    }

    /**
     * The first {@code prec} significant decimal digits of positive finite v, rounded half-even on
     * its exact binary value as glibc does; returns how many were written (trailing ones may be
     * omitted, meaning zeros), the exponent of the first digit in exp[0].
     */
    private static int digits(double v, int prec, char[] out, int[] exp) {
        // Fast path: Java's shortest representation of a normal double, when it has no more digits
        // than asked for, is what rounding the exact value to prec digits gives (for prec <= 15
        // half an ulp is far below half a unit of the last digit).
        if (prec >= 14 && prec <= 15 && v >= Double.MIN_NORMAL) {
            String s = Double.toString(v);
            int n = 0;
            int dexp = 0;
            int point = -1;
            int i = 0;
            int len = s.length();
            boolean leading = true;
            int sciExp = 0;
            int firstPos = 0;
            int pos = 0;
            for (; i < len; i++) {
                char c = s.charAt(i);
                if (c == '.') {
                    point = pos;
                    continue;
                }
                if (c == 'E') {
                    sciExp = Integer.parseInt(s, i + 1, len, 10);
                    break;
                }
                if (leading && c == '0') {
                    pos++;
                    continue;
                }
                if (leading) {
                    leading = false;
                    firstPos = pos;
                }
                if (n >= out.length) {
                    n = -1;
                    break;
                }
                out[n++] = c;
                pos++;
            }
            if (n > 0) {
                if (point < 0) {
                    point = pos;
                }
                int trimmedN = trimmed(out, n);
                if (trimmedN <= prec) {
                    dexp = point - firstPos - 1 + sciExp;
                    exp[0] = dexp;
                    return trimmedN;
                }
            }
        }
        BigDecimal bd = new BigDecimal(v).round(new MathContext(prec, RoundingMode.HALF_EVEN));
        String u = bd.unscaledValue().toString();
        int n = Math.min(u.length(), out.length);
        u.getChars(0, n, out, 0);
        exp[0] = u.length() - bd.scale() - 1;
        return trimmed(out, n);
    }

    // ---------------------------------------------------------------- parsing

    /** Result of {@link #strtod}: the index just past the number (== start when none was read). */
    public static final class Parsed {
        public double value;
        public int end;
    }

    private static boolean isSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static int hex(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        c |= 0x20;
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }

    private static boolean matchesIgnoreCase(byte[] b, int i, int end, String word) {
        if (end - i < word.length()) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if ((b[i + k] | 0x20) != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * glibc strtod on b[start, end) (which, as a C string, also stops at a zero byte): leading white
     * space, sign, decimal or hex (with binary exponent) digits, "inf", "infinity", "nan", "nan(...)".
     */
    public static void strtod(byte[] b, int start, int end, Parsed out) {
        int i = start;
        while (i < end && isSpace(b[i])) {
            i++;
        }
        boolean neg = false;
        if (i < end && (b[i] == '+' || b[i] == '-')) {
            neg = b[i] == '-';
            i++;
        }
        out.end = start;
        out.value = 0;
        if (i >= end) {
            return;
        }
        if (matchesIgnoreCase(b, i, end, "inf")) {
            i += 3;
            if (matchesIgnoreCase(b, i, end, "inity")) {
                i += 5;
            }
            out.value = neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            out.end = i;
            return;
        }
        if (matchesIgnoreCase(b, i, end, "nan")) {
            i += 3;
            if (i < end && b[i] == '(') {
                int j = i + 1;
                while (j < end && (Character.isLetterOrDigit(b[j]) || b[j] == '_')) {
                    j++;
                }
                if (j < end && b[j] == ')') {
                    i = j + 1;
                }
            }
            out.value = neg ? -Double.NaN : Double.NaN;
            if (neg) {
                out.value = Double.longBitsToDouble(0xfff8000000000000L);
            }
            out.end = i;
            return;
        }
        if (b[i] == '0' && i + 1 < end && (b[i + 1] | 0x20) == 'x' && i + 2 < end
                && (hex(b[i + 2]) >= 0 || (b[i + 2] == '.' && i + 3 < end && hex(b[i + 3]) >= 0))) {
            int j = i + 2;
            // mantissa as a BigDecimal-free double: accumulate up to 15 hex digits exactly, count the rest
            long mant = 0;
            int digits = 0;
            int binExp = 0;
            boolean sticky = false;
            boolean seenPoint = false;
            for (; j < end; j++) {
                int c = b[j];
                if (c == '.' && !seenPoint) {
                    seenPoint = true;
                    continue;
                }
                int h = hex(c);
                if (h < 0) {
                    break;
                }
                if (digits < 15) {
                    if (mant != 0 || h != 0) {
                        mant = (mant << 4) | h;
                        if (mant != 0) {
                            digits++;
                        }
                    }
                    if (seenPoint) {
                        binExp -= 4;
                    }
                } else {
                    if (h != 0) {
                        sticky = true;
                    }
                    if (!seenPoint) {
                        binExp += 4;
                    }
                }
            }
            if (j < end && (b[j] | 0x20) == 'p') {
                int k = j + 1;
                boolean eneg = false;
                if (k < end && (b[k] == '+' || b[k] == '-')) {
                    eneg = b[k] == '-';
                    k++;
                }
                if (k < end && b[k] >= '0' && b[k] <= '9') {
                    int e = 0;
                    while (k < end && b[k] >= '0' && b[k] <= '9') {
                        if (e < 100000) {
                            e = e * 10 + (b[k] - '0');
                        }
                        k++;
                    }
                    binExp += eneg ? -e : e;
                    j = k;
                }
            }
            if (sticky) {
                mant |= 1;
            }
            double v = Math.scalb((double) mant, binExp);
            out.value = neg ? -v : v;
            out.end = j;
            return;
        }
        int j = i;
        int digitsSeen = 0;
        while (j < end && b[j] >= '0' && b[j] <= '9') {
            j++;
            digitsSeen++;
        }
        if (j < end && b[j] == '.') {
            j++;
            while (j < end && b[j] >= '0' && b[j] <= '9') {
                j++;
                digitsSeen++;
            }
        }
        if (digitsSeen == 0) {
            return;
        }
        if (j < end && (b[j] | 0x20) == 'e') {
            int k = j + 1;
            if (k < end && (b[k] == '+' || b[k] == '-')) {
                k++;
            }
            if (k < end && b[k] >= '0' && b[k] <= '9') {
                while (k < end && b[k] >= '0' && b[k] <= '9') {
                    k++;
                }
                j = k;
            }
        }
        double v = Double.parseDouble(new String(b, 0, i, j - i));
        out.value = neg ? -v : v;
        out.end = j;
    }

    /**
     * Lua 5.1's string to number conversion (tonumber without base, arithmetic on strings):
     * the whole string must be one number with optional surrounding white space. Returns
     * {@link LuaValue#NIL} when it is not.
     */
    public static LuaValue str2number(LuaString s) {
        byte[] b = s.m_bytes;
        int off = s.m_offset;
        int end = off + s.m_length;
        // as a C string it stops at the first zero byte
        for (int i = off; i < end; i++) {
            if (b[i] == 0) {
                end = i;
                break;
            }
        }
        Parsed p = new Parsed();
        strtod(b, off, end, p);
        if (p.end == off) {
            return LuaValue.NIL;
        }
        int i = p.end;
        while (i < end && isSpace(b[i])) {
            i++;
        }
        if (i != end) {
            return LuaValue.NIL;
        }
        return LuaValue.valueOf(p.value);
    }

    /** C's (long) cast of a double as x86-64 does it: out of range and NaN give Long.MIN_VALUE. */
    public static long cLong(double d) {
        if (d != d || d >= 9.223372036854775807E18 || d < -9.223372036854775808E18) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }

    /** C's (int) cast as x86 does it: out of range and NaN give Integer.MIN_VALUE. */
    public static int cInt(double d) {
        if (d != d || d >= 2147483648.0 || d <= -2147483649.0) {
            return Integer.MIN_VALUE;
        }
        return (int) d;
    }

    static boolean isNegativeZero(double d) {
        return Double.doubleToRawLongBits(d) == SIGN;
    }
}
