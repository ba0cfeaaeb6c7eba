package dev.cinnabar.server.lua;

import org.luaj.vm2.Buffer;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The {@code struct} library (Roberto Ierusalimschy's struct 0.2) as Redis builds it on x86-64 Linux:
 * native order little endian, long and size_t 8 bytes, int 4, maximum alignment 8, integers up to
 * 32 bytes, the format ending at a zero byte.
 */
final class StructFunctions extends LibFunction51 {
    private static final String[] NAMES = {"pack", "unpack", "size"};
    private static final int PACK = 0, UNPACK = 1, SIZE = 2;
    private static final int MAXINTSIZE = 32;
    private static final int MAXALIGN = 8;

    private StructFunctions(String name, int op) {
        super(name, op);
    }

    static LuaTable create() {
        LuaTable t = new LuaTable();
        register(t, NAMES, StructFunctions::new);
        return t;
    }

    /** Format cursor and header state. */
    private static final class Fmt {
        final byte[] b;
        int pos;
        final int end;
        boolean little = true;
        int align = 1;

        Fmt(LuaString s) {
            b = s.m_bytes;
            pos = s.m_offset;
            int e = s.m_offset + s.m_length;
            for (int i = s.m_offset; i < e; i++) {
                if (b[i] == 0) {
                    e = i;
                    break;
                }
            }
            end = e;
        }

        boolean more() {
            return pos < end;
        }

        int next() {
            return b[pos++] & 0xff;
        }

        boolean digit() {
            return pos < end && b[pos] >= '0' && b[pos] <= '9';
        }
    }

    private static int getnum(Fmt f, int df) {
        if (!f.digit()) {
            return df;
        }
        int a = 0;
        do {
            int d = f.b[f.pos] - '0';
            if (a > Integer.MAX_VALUE / 10 || a * 10 > Integer.MAX_VALUE - d) {
                throw new LuaError("integral size overflow");
            }
            a = a * 10 + d;
            f.pos++;
        } while (f.digit());
        return a;
    }

    private static long optsize(int opt, Fmt f) {
        switch (opt) {
            case 'B':
            case 'b':
                return 1;
            case 'H':
            case 'h':
                return 2;
            case 'L':
            case 'l':
            case 'T':
                return 8;
            case 'f':
                return 4;
            case 'd':
                return 8;
            case 'x':
                return 1;
            case 'c':
                return getnum(f, 1);
            case 'i':
            case 'I': {
                int sz = getnum(f, 4);
                if (sz > MAXINTSIZE) {
                    throw new LuaError("integral size " + sz + " is larger than limit of " + MAXINTSIZE);
                }
                return sz;
            }
            default:
                return 0;
        }
    }

    private static long gettoalign(long len, Fmt f, int opt, long size) {
        if (size == 0 || opt == 'c') {
            return 0;
        }
        if (size > f.align) {
            size = f.align;
        }
        return (size - (len & (size - 1))) & (size - 1);
    }

    private void controloptions(int opt, Fmt f) {
        switch (opt) {
            case ' ':
                return;
            case '>':
                f.little = false;
                return;
            case '<':
                f.little = true;
                return;
            case '!': {
                int a = getnum(f, MAXALIGN);
                if (!(a > 0 && (a & (a - 1)) == 0)) {
                    throw new LuaError("alignment " + a + " is not a power of 2");
                }
                f.align = a;
                return;
            }
            default:
                throw LuaErrors.arg(1, name, "invalid format option '" + (char) opt + "'");
        }
    }

    @Override
    public Varargs invoke(Varargs a) {
        switch (op) {
            case PACK:
                return pack(a);
            case UNPACK:
                return unpack(a);
            case SIZE:
                return size(a);
            default:
                return NONE;
        }
    }

    private Varargs pack(Varargs a) {
        Fmt f = new Fmt(LuaErrors.checkString(a, 1, name));
        int arg = 2;
        long total = 0;
        Buffer out = new Buffer(16);
        while (f.more()) {
            int opt = f.next();
            long size = optsize(opt, f);
            long toalign = gettoalign(total, f, opt, size);
            total += toalign;
            while (toalign-- > 0) {
                out.append((byte) 0);
            }
            switch (opt) {
                case 'b':
                case 'B':
                case 'h':
                case 'H':
                case 'l':
                case 'L':
                case 'T':
                case 'i':
                case 'I': {
                    double n = number(a, arg++);
                    long value = n < 0 ? LuaNumbers.cLong(n) : toUnsigned(n);
                    byte[] buf = new byte[(int) size];
                    if (f.little) {
                        for (int i = 0; i < size; i++) {
                            buf[i] = (byte) value;
                            value >>>= 8;
                        }
                    } else {
                        for (int i = (int) size - 1; i >= 0; i--) {
                            buf[i] = (byte) value;
                            value >>>= 8;
                        }
                    }
                    out.append(LuaString.valueUsing(buf));
                    break;
                }
                case 'x':
                    out.append((byte) 0);
                    break;
                case 'f': {
                    int bits = Float.floatToRawIntBits((float) number(a, arg++));
                    putBytes(out, bits & 0xffffffffL, 4, f.little);
                    break;
                }
                case 'd': {
                    long bits = Double.doubleToRawLongBits(number(a, arg++));
                    putBytes(out, bits, 8, f.little);
                    break;
                }
                case 'c':
                case 's': {
                    LuaString s = string(a, arg++);
                    long l = s.m_length;
                    if (size == 0) {
                        size = l;
                    }
                    if (l < size) {
                        throw LuaErrors.arg(arg, name, "string too short");
                    }
                    out.append(s.substring(0, (int) size));
                    if (opt == 's') {
                        out.append((byte) 0);
                        size++;
                    }
                    break;
                }
                default:
                    controloptions(opt, f);
            }
            total += size;
        }
        return out.tostring();
    }

    // pack's buffer sits on the Lua stack in C, so a missing argument reads as nil there
    private double number(Varargs a, int n) {
        if (n > a.narg()) {
            throw LuaErrors.arg(n, name, "number expected, got nil");
        }
        return LuaErrors.checkNumber(a, n, name);
    }

    private LuaString string(Varargs a, int n) {
        if (n > a.narg()) {
            throw LuaErrors.arg(n, name, "string expected, got nil");
        }
        return LuaErrors.checkString(a, n, name);
    }

    private static long toUnsigned(double d) {
        if (d < 9.223372036854775807E18) {
            return LuaNumbers.cLong(d);
        }
        return LuaNumbers.cLong(d - 9.223372036854775808E18) ^ Long.MIN_VALUE;
    }

    private static void putBytes(Buffer out, long v, int n, boolean little) {
        byte[] buf = new byte[n];
        for (int i = 0; i < n; i++) {
            buf[little ? i : n - 1 - i] = (byte) v;
            v >>>= 8;
        }
        out.append(LuaString.valueUsing(buf));
    }

    private Varargs unpack(Varargs a) {
        Fmt f = new Fmt(LuaErrors.checkString(a, 1, name));
        LuaString data = LuaErrors.checkString(a, 2, name);
        long ld = data.m_length;
        long pos = LuaErrors.optInteger(a, 3, name, 1);
        if (pos <= 0) {
            throw LuaErrors.arg(3, name, "offset must be 1 or greater");
        }
        pos--;
        java.util.ArrayList<LuaValue> res = new java.util.ArrayList<>();
        byte[] d = data.m_bytes;
        int base = data.m_offset;
        while (f.more()) {
            int opt = f.next();
            long size = optsize(opt, f);
            pos += gettoalign(pos, f, opt, size);
            if (!(size <= ld && pos <= ld - size)) {
                throw LuaErrors.arg(2, name, "data string too short");
            }
            switch (opt) {
                case 'b':
                case 'B':
                case 'h':
                case 'H':
                case 'l':
                case 'L':
                case 'T':
                case 'i':
                case 'I': {
                    boolean signed = Character.isLowerCase(opt);
                    long l = 0;
                    int p = base + (int) pos;
                    if (!f.little) {
                        for (int i = 0; i < size; i++) {
                            l = (l << 8) | (d[p + i] & 0xff);
                        }
                    } else {
                        for (int i = (int) size - 1; i >= 0; i--) {
                            l = (l << 8) | (d[p + i] & 0xff);
                        }
                    }
                    double v;
                    if (!signed) {
                        v = l >= 0 ? (double) l : (double) (l >>> 1) * 2.0 + (l & 1);
                    } else {
                        long mask = -1L << (int) ((size * 8 - 1) & 63);
                        if ((l & mask) != 0) {
                            l |= mask;
                        }
                        v = (double) l;
                    }
                    res.add(valueOf(v));
                    break;
                }
                case 'x':
                    break;
                case 'f': {
                    int p = base + (int) pos;
                    long bits = getBytes(d, p, 4, f.little);
                    res.add(valueOf((double) Float.intBitsToFloat((int) bits)));
                    break;
                }
                case 'd': {
                    int p = base + (int) pos;
                    res.add(valueOf(Double.longBitsToDouble(getBytes(d, p, 8, f.little))));
                    break;
                }
                case 'c': {
                    if (size == 0) {
                        if (res.isEmpty() || res.get(res.size() - 1).type() != TNUMBER
                                && !(res.get(res.size() - 1).type() == TSTRING
                                    && !LuaNumbers.str2number(res.get(res.size() - 1).checkstring()).isnil())) {
                            throw new LuaError("format 'c0' needs a previous size");
                        }
                        LuaValue prev = res.remove(res.size() - 1);
                        size = (long) (prev.type() == TNUMBER ? prev.todouble()
                            : LuaNumbers.str2number(prev.checkstring()).todouble());
                        if (!(size <= ld && pos <= ld - size)) {
                            throw LuaErrors.arg(2, name, "data string too short");
                        }
                    }
                    res.add(data.substring((int) pos, (int) (pos + size)));
                    break;
                }
                case 's': {
                    int e = -1;
                    for (long i = pos; i < ld; i++) {
                        if (d[base + (int) i] == 0) {
                            e = (int) i;
                            break;
                        }
                    }
                    if (e < 0) {
                        throw new LuaError("unfinished string in data");
                    }
                    size = e - pos + 1;
                    res.add(data.substring((int) pos, e));
                    break;
                }
                default:
                    controloptions(opt, f);
            }
            pos += size;
        }
        res.add(valueOf(pos + 1));
        return varargsOf(res.toArray(new LuaValue[0]));
    }

    private static long getBytes(byte[] d, int p, int n, boolean little) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            int b = d[p + (little ? n - 1 - i : i)] & 0xff;
            v = (v << 8) | b;
        }
        return v;
    }

    private Varargs size(Varargs a) {
        Fmt f = new Fmt(LuaErrors.checkString(a, 1, name));
        long pos = 0;
        while (f.more()) {
            int opt = f.next();
            long size = optsize(opt, f);
            pos += gettoalign(pos, f, opt, size);
            if (opt == 's') {
                throw LuaErrors.arg(1, name, "option 's' has no fixed size");
            } else if (opt == 'c' && size == 0) {
                throw LuaErrors.arg(1, name, "option 'c0' has no fixed size");
            }
            // C's isalnum in the C locale: ASCII only ('\334' is no letter there, and fails)
            if (!((opt >= 'a' && opt <= 'z') || (opt >= 'A' && opt <= 'Z') || (opt >= '0' && opt <= '9'))) {
                controloptions(opt, f);
            }
            pos += size;
        }
        return valueOf(pos);
    }
}
