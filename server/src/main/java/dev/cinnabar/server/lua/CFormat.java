package dev.cinnabar.server.lua;

import org.luaj.vm2.Buffer;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Lua 5.1's string.format over glibc's sprintf: flags "-+ #0", width and precision of at most two
 * digits, %c %d %i %o %u %x %X %e %E %f %g %G %q %s. Like C Lua, each item's text ends at its
 * first zero byte (so %c of 0 adds nothing and %s stops at an embedded zero unless the string has
 * 100 bytes or more and no precision).
 */
final class CFormat {
    private CFormat() {
    }

    private static final String FLAGS = "-+ #0";

    static LuaValue format(Varargs a, String fname) {
        LuaString fmt = LuaErrors.checkString(a, 1, fname);
        byte[] f = fmt.m_bytes;
        int i = fmt.m_offset;
        int end = i + fmt.m_length;
        int top = a.narg();
        int arg = 1;
        Buffer out = new Buffer(fmt.m_length + 16);
        StringBuilder item = null;
        while (i < end) {
            byte c = f[i++];
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i < end && f[i] == '%') {
                out.append((byte) '%');
                i++;
                continue;
            }
            if (++arg > top) {
                throw LuaErrors.arg(arg, fname, "no value");
            }
            // scanformat
            int p = i;
            while (p < end && FLAGS.indexOf(f[p]) >= 0) {
                p++;
            }
            if (p - i >= FLAGS.length() + 1) {
                throw new LuaError("invalid format (repeated flags)");
            }
            boolean left = false, plus = false, space = false, alt = false, zero = false;
            for (int k = i; k < p; k++) {
                switch (f[k]) {
                    case '-': left = true; break;
                    case '+': plus = true; break;
                    case ' ': space = true; break;
                    case '#': alt = true; break;
                    default: zero = true; break;
                }
            }
            int width = 0;
            int digits = 0;
            while (p < end && isDigit(f[p]) && digits < 2) {
                width = width * 10 + (f[p++] - '0');
                digits++;
            }
            int prec = -1;
            if (p < end && f[p] == '.') {
                p++;
                prec = 0;
                digits = 0;
                while (p < end && isDigit(f[p]) && digits < 2) {
                    prec = prec * 10 + (f[p++] - '0');
                    digits++;
                }
            }
            if (p < end && isDigit(f[p])) {
                throw new LuaError("invalid format (width or precision too long)");
            }
            int conv = p < end ? f[p] & 0xff : 0;
            i = p + 1;
            if (item == null) {
                item = new StringBuilder(32);
            } else {
                item.setLength(0);
            }
            switch (conv) {
                case 'c': {
                    // C's (int) cast: past an int's range it is INT_MIN, whose low byte is zero
                    int ch = LuaNumbers.cInt(LuaErrors.checkNumber(a, arg, fname)) & 0xff;
                    // the item ends at the zero byte
                    if (ch == 0) {
                        if (width > 1 && !left) {
                            pad(out, width - 1, ' ');
                        }
                        continue;
                    }
                    int w = Math.max(width - 1, 0);
                    if (!left) {
                        pad(out, w, ' ');
                    }
                    out.append((byte) ch);
                    if (left) {
                        pad(out, w, ' ');
                    }
                    continue;
                }
                case 'd':
                case 'i': {
                    long v = LuaNumbers.cLong(LuaErrors.checkNumber(a, arg, fname));
                    if (prec >= 0) {
                        zero = false; // C ignores the 0 flag when a precision is given
                    }
                    integer(item, v < 0, v < 0 ? negToUnsigned(v) : Long.toString(v), plus, space, prec);
                    break;
                }
                case 'o':
                case 'u':
                case 'x':
                case 'X': {
                    long v = toUnsigned(LuaErrors.checkNumber(a, arg, fname));
                    String digitsStr;
                    if (conv == 'o') {
                        digitsStr = Long.toOctalString(v);
                    } else if (conv == 'u') {
                        digitsStr = Long.toUnsignedString(v);
                    } else {
                        digitsStr = Long.toHexString(v);
                        if (conv == 'X') {
                            digitsStr = digitsStr.toUpperCase();
                        }
                    }
                    if (prec >= 0) {
                        zero = false;
                        if (prec == 0 && v == 0) {
                            digitsStr = "";
                        }
                    }
                    StringBuilder d = new StringBuilder();
                    for (int k = digitsStr.length(); k < prec; k++) {
                        d.append('0');
                    }
                    d.append(digitsStr);
                    if (alt) {
                        if (conv == 'o' && (d.length() == 0 || d.charAt(0) != '0')) {
                            d.insert(0, '0');
                        } else if ((conv == 'x' || conv == 'X') && v != 0) {
                            item.append(conv == 'x' ? "0x" : "0X");
                        }
                    }
                    item.append(d);
                    break;
                }
                case 'e':
                case 'E':
                case 'f':
                case 'g':
                case 'G': {
                    double v = LuaErrors.checkNumber(a, arg, fname);
                    boolean finite = !Double.isNaN(v) && !Double.isInfinite(v);
                    if (!finite) {
                        zero = false;
                    }
                    int pr = prec < 0 ? 6 : prec;
                    if (Double.doubleToRawLongBits(v) >= 0 && !(v != v)) {
                        if (plus) {
                            item.append('+');
                        } else if (space) {
                            item.append(' ');
                        }
                    } else if (v != v) {
                        if (Double.doubleToRawLongBits(v) >= 0) {
                            if (plus) {
                                item.append('+');
                            } else if (space) {
                                item.append(' ');
                            }
                        }
                    }
                    boolean upper = conv == 'E' || conv == 'G';
                    if (conv == 'f') {
                        LuaNumbers.formatF(item, v, pr, alt);
                    } else if (conv == 'e' || conv == 'E') {
                        LuaNumbers.formatE(item, v, pr, alt, upper);
                    } else {
                        LuaNumbers.formatG(item, v, pr, alt, upper);
                    }
                    break;
                }
                case 'q': {
                    LuaString s = LuaErrors.checkString(a, arg, fname);
                    addQuoted(out, s);
                    continue;
                }
                case 's': {
                    LuaString s = LuaErrors.checkString(a, arg, fname);
                    if (prec < 0 && s.m_length >= 100) {
                        out.append(s);
                        continue;
                    }
                    int len = s.m_length;
                    for (int k = 0; k < len; k++) {
                        if (s.m_bytes[s.m_offset + k] == 0) {
                            len = k;
                            break;
                        }
                    }
                    if (prec >= 0 && prec < len) {
                        len = prec;
                    }
                    int w = Math.max(width - len, 0);
                    if (!left) {
                        pad(out, w, ' ');
                    }
                    out.append(s.substring(0, len));
                    if (left) {
                        pad(out, w, ' ');
                    }
                    continue;
                }
                default:
                    throw new LuaError("invalid option '%" + (char) conv + "' to 'format'");
            }
            // numeric item: width with zero or space padding
            int len = item.length();
            if (len < width) {
                int w = width - len;
                if (left) {
                    appendAscii(out, item);
                    pad(out, w, ' ');
                } else if (zero) {
                    int signLen = 0;
                    if (len > 0 && (item.charAt(0) == '-' || item.charAt(0) == '+' || item.charAt(0) == ' ')) {
                        signLen = 1;
                    }
                    if (len > signLen + 1 && item.charAt(signLen) == '0'
                            && (item.charAt(signLen + 1) == 'x' || item.charAt(signLen + 1) == 'X')) {
                        signLen += 2;
                    }
                    appendAscii(out, item.subSequence(0, signLen));
                    pad(out, w, '0');
                    appendAscii(out, item.subSequence(signLen, len));
                } else {
                    pad(out, w, ' ');
                    appendAscii(out, item);
                }
            } else {
                appendAscii(out, item);
            }
        }
        return out.tostring();
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static void integer(StringBuilder item, boolean neg, String digits, boolean plus, boolean space,
                                int prec) {
        if (neg) {
            item.append('-');
        } else if (plus) {
            item.append('+');
        } else if (space) {
            item.append(' ');
        }
        if (prec == 0 && digits.equals("0")) {
            return;
        }
        for (int k = digits.length(); k < prec; k++) {
            item.append('0');
        }
        item.append(digits);
    }

    private static String negToUnsigned(long v) {
        // digits of |v| for a negative long, Long.MIN_VALUE included
        return Long.toUnsignedString(-v);
    }

    /**
     * C's (unsigned long) cast of a double as gcc on x86-64 does it: a NaN compares as below
     * 2^63 there (comisd sets the carry flag for unordered operands), so it casts as signed.
     */
    private static long toUnsigned(double d) {
        if (!(d >= 9.223372036854775807E18)) {
            return LuaNumbers.cLong(d);
        }
        return LuaNumbers.cLong(d - 9.223372036854775808E18) ^ Long.MIN_VALUE;
    }

    private static void pad(Buffer out, int n, char c) {
        for (int k = 0; k < n; k++) {
            out.append((byte) c);
        }
    }

    private static void appendAscii(Buffer out, CharSequence s) {
        for (int k = 0; k < s.length(); k++) {
            out.append((byte) s.charAt(k));
        }
    }

    private static void addQuoted(Buffer out, LuaString s) {
        out.append((byte) '"');
        for (int k = 0; k < s.m_length; k++) {
            byte c = s.m_bytes[s.m_offset + k];
            switch (c) {
                case '"':
                case '\\':
                case '\n':
                    out.append((byte) '\\');
                    out.append(c);
                    break;
                case '\r':
                    out.append((byte) '\\');
                    out.append((byte) 'r');
                    break;
                case 0:
                    out.append((byte) '\\');
                    out.append((byte) '0');
                    out.append((byte) '0');
                    out.append((byte) '0');
                    break;
                default:
                    out.append(c);
            }
        }
        out.append((byte) '"');
    }
}
