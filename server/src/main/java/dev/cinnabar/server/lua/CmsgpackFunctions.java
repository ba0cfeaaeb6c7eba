package dev.cinnabar.server.lua;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The {@code cmsgpack} library (lua-cmsgpack 0.4.0) as Redis ships it, byte for byte: integers in
 * the smallest width, floats as float 32 when exact, strings as fixstr/str8/str16/str32, tables as
 * arrays when their keys are 1..n, nesting cut at 16 levels (deeper tables become nil). Maps are
 * written in the order the table's next() gives.
 */
final class CmsgpackFunctions extends LibFunction51 {
    private static final String[] NAMES = {"pack", "unpack", "unpack_one", "unpack_limit"};
    private static final int PACK = 0, UNPACK = 1, UNPACK_ONE = 2, UNPACK_LIMIT = 3;
    private static final int MAX_NESTING = 16;

    private CmsgpackFunctions(String name, int op) {
        super(name, op);
    }

    static LuaTable create() {
        LuaTable t = new LuaTable();
        register(t, NAMES, CmsgpackFunctions::new);
        t.rawset("_NAME", valueOf("cmsgpack"));
        t.rawset("_VERSION", valueOf("lua-cmsgpack 0.4.0"));
        t.rawset("_COPYRIGHT", valueOf("Copyright (C) 2012, Salvatore Sanfilippo"));
        t.rawset("_DESCRIPTION", valueOf("MessagePack C implementation for Lua"));
        return t;
    }

    @Override
    public Varargs invoke(Varargs a) {
        switch (op) {
            case PACK:
                return pack(a);
            case UNPACK:
                return unpack(a, 0, 0);
            case UNPACK_ONE: {
                long offset = LuaErrors.optInteger(a, 2, name, 0);
                return unpack(a, 1, offset);
            }
            case UNPACK_LIMIT: {
                long limit = LuaErrors.checkInteger(a, 2, name);
                long offset = LuaErrors.optInteger(a, 3, name, 0);
                return unpack(a, limit, offset);
            }
            default:
                return NONE;
        }
    }

    // ------------------------------------------------------------------ packing

    private Varargs pack(Varargs a) {
        int n = a.narg();
        if (n == 0) {
            throw LuaErrors.arg(0, name, "MessagePack pack needs input.");
        }
        CjsonFunctions.ByteBuf buf = new CjsonFunctions.ByteBuf();
        for (int i = 1; i <= n; i++) {
            encode(buf, a.arg(i), 0);
        }
        return buf.toLua();
    }

    private static void encode(CjsonFunctions.ByteBuf buf, LuaValue v, int level) {
        int t = v.type();
        if (t == TTABLE && level == MAX_NESTING) {
            t = TNIL;
        }
        switch (t) {
            case TSTRING: {
                LuaString s = v.checkstring();
                int len = s.m_length;
                if (len < 32) {
                    buf.put(0xa0 | len);
                } else if (len <= 0xff) {
                    buf.put(0xd9);
                    buf.put(len);
                } else if (len <= 0xffff) {
                    buf.put(0xda);
                    buf.put(len >> 8);
                    buf.put(len);
                } else {
                    buf.put(0xdb);
                    buf.put(len >>> 24);
                    buf.put(len >> 16);
                    buf.put(len >> 8);
                    buf.put(len);
                }
                buf.put(s.m_bytes, s.m_offset, len);
                break;
            }
            case TBOOLEAN:
                buf.put(v.toboolean() ? 0xc3 : 0xc2);
                break;
            case TNUMBER: {
                double d = v.todouble();
                if (!Double.isInfinite(d) && d >= -9.223372036854775808E18 && d < 9.223372036854775807E18
                        && (long) d == d) {
                    encodeInt(buf, (long) d);
                } else {
                    float f = (float) d;
                    if (d == (double) f) {
                        buf.put(0xca);
                        int bits = Float.floatToRawIntBits(f);
                        buf.put(bits >>> 24);
                        buf.put(bits >> 16);
                        buf.put(bits >> 8);
                        buf.put(bits);
                    } else {
                        buf.put(0xcb);
                        long bits = Double.doubleToRawLongBits(d);
                        for (int s = 56; s >= 0; s -= 8) {
                            buf.put((int) (bits >>> s));
                        }
                    }
                }
                break;
            }
            case TTABLE:
                encodeTable(buf, (LuaTable) v, level);
                break;
            default:
                buf.put(0xc0);
        }
    }

    private static void encodeInt(CjsonFunctions.ByteBuf buf, long n) {
        if (n >= 0) {
            if (n <= 127) {
                buf.put((int) n);
            } else if (n <= 0xff) {
                buf.put(0xcc);
                buf.put((int) n);
            } else if (n <= 0xffff) {
                buf.put(0xcd);
                buf.put((int) (n >> 8));
                buf.put((int) n);
            } else if (n <= 0xffffffffL) {
                buf.put(0xce);
                putBE(buf, n, 4);
            } else {
                buf.put(0xcf);
                putBE(buf, n, 8);
            }
        } else {
            if (n >= -32) {
                buf.put((int) n);
            } else if (n >= -128) {
                buf.put(0xd0);
                buf.put((int) n);
            } else if (n >= -32768) {
                buf.put(0xd1);
                putBE(buf, n, 2);
            } else if (n >= -2147483648L) {
                buf.put(0xd2);
                putBE(buf, n, 4);
            } else {
                buf.put(0xd3);
                putBE(buf, n, 8);
            }
        }
    }

    private static void putBE(CjsonFunctions.ByteBuf buf, long n, int bytes) {
        for (int s = (bytes - 1) * 8; s >= 0; s -= 8) {
            buf.put((int) (n >>> s));
        }
    }

    private static void encodeTable(CjsonFunctions.ByteBuf buf, LuaTable t, int level) {
        // table_is_an_array: every key a positive integer (as a C int), and the largest equal to the count
        int count = 0;
        int max = 0;
        boolean array = true;
        LuaValue k = NIL;
        while (true) {
            k = t.next(k).arg1();
            if (k.isnil()) {
                break;
            }
            if (array) {
                double d;
                if (k.type() != TNUMBER || (d = k.todouble()) <= 0 || d >= 2147483648.0 || (int) d != d) {
                    array = false;
                } else {
                    max = Math.max(max, (int) d);
                    count++;
                }
            }
            if (!array) {
                break;
            }
        }
        if (array && max == count) {
            int len = t.rawlen();
            header(buf, len, 0x90, 0xdc, 0xdd);
            for (int j = 1; j <= len; j++) {
                encode(buf, t.get(j), level + 1);
            }
            return;
        }
        int len = 0;
        k = NIL;
        while (true) {
            k = t.next(k).arg1();
            if (k.isnil()) {
                break;
            }
            len++;
        }
        header(buf, len, 0x80, 0xde, 0xdf);
        k = NIL;
        while (true) {
            Varargs kv = t.next(k);
            k = kv.arg1();
            if (k.isnil()) {
                break;
            }
            encode(buf, k, level + 1);
            encode(buf, kv.arg(2), level + 1);
        }
    }

    private static void header(CjsonFunctions.ByteBuf buf, long n, int fix, int b16, int b32) {
        if (n <= 15) {
            buf.put(fix | (int) n);
        } else if (n <= 65535) {
            buf.put(b16);
            putBE(buf, n, 2);
        } else {
            buf.put(b32);
            putBE(buf, n, 4);
        }
    }

    // ------------------------------------------------------------------ unpacking

    private static final int ERR_NONE = 0, ERR_EOF = 1, ERR_BADFMT = 2;

    private static final class Cursor {
        final byte[] b;
        int p;
        long left;
        int err;

        Cursor(byte[] b, int p, long left) {
            this.b = b;
            this.p = p;
            this.left = left;
        }

        int u(int i) {
            return b[p + i] & 0xff;
        }

        boolean need(long n) {
            if (left < n) {
                err = ERR_EOF;
                return false;
            }
            return true;
        }

        void consume(long n) {
            p += (int) n;
            left -= n;
        }
    }

    private Varargs unpack(Varargs a, long limit, long offset) {
        LuaString s = LuaErrors.checkString(a, 1, name);
        long len = s.m_length;
        boolean all = limit == 0 && offset == 0;
        if (offset < 0 || limit < 0) {
            throw new LuaError("Invalid request to unpack with offset of " + (int) offset + " and limit of "
                + (int) len + ".");
        } else if (offset > len) {
            throw new LuaError("Start offset " + (int) offset + " greater than input length " + (int) len + ".");
        }
        if (all) {
            limit = Integer.MAX_VALUE;
        }
        Cursor c = new Cursor(s.m_bytes, s.m_offset + (int) offset, len - offset);
        java.util.ArrayList<LuaValue> out = new java.util.ArrayList<>();
        for (int cnt = 0; c.left > 0 && cnt < limit; cnt++) {
            LuaValue v = decode(c);
            if (c.err == ERR_EOF) {
                throw new LuaError("Missing bytes in input.");
            } else if (c.err == ERR_BADFMT) {
                throw new LuaError("Bad data format in input.");
            }
            out.add(v);
        }
        if (!all) {
            long newOffset = len - c.left;
            out.add(0, valueOf(c.left == 0 ? -1 : (double) newOffset));
        }
        if (out.size() == 1) {
            return out.get(0);
        }
        return varargsOf(out.toArray(new LuaValue[0]));
    }

    private static LuaValue decode(Cursor c) {
        if (!c.need(1)) {
            return NIL;
        }
        int t = c.u(0);
        switch (t) {
            case 0xcc:
                if (!c.need(2)) {
                    return NIL;
                }
                try {
                    return valueOf(c.u(1));
                } finally {
                    c.consume(2);
                }
            case 0xd0:
                if (!c.need(2)) {
                    return NIL;
                }
                try {
                    return valueOf((byte) c.u(1));
                } finally {
                    c.consume(2);
                }
            case 0xcd:
                if (!c.need(3)) {
                    return NIL;
                }
                try {
                    return valueOf((c.u(1) << 8) | c.u(2));
                } finally {
                    c.consume(3);
                }
            case 0xd1:
                if (!c.need(3)) {
                    return NIL;
                }
                try {
                    return valueOf((short) ((c.u(1) << 8) | c.u(2)));
                } finally {
                    c.consume(3);
                }
            case 0xce:
                if (!c.need(5)) {
                    return NIL;
                }
                try {
                    return valueOf((double) (be(c, 4) & 0xffffffffL));
                } finally {
                    c.consume(5);
                }
            case 0xd2:
                if (!c.need(5)) {
                    return NIL;
                }
                try {
                    return valueOf((int) be(c, 4));
                } finally {
                    c.consume(5);
                }
            case 0xcf:
                if (!c.need(9)) {
                    return NIL;
                }
                try {
                    // Redis's lua_cmsgpack pushes it as a signed 64-bit integer: past 2^63 it is negative
                    return valueOf((double) be(c, 8));
                } finally {
                    c.consume(9);
                }
            case 0xd3:
                if (!c.need(9)) {
                    return NIL;
                }
                try {
                    return valueOf((double) be(c, 8));
                } finally {
                    c.consume(9);
                }
            case 0xc0:
                c.consume(1);
                return NIL;
            case 0xc3:
                c.consume(1);
                return TRUE;
            case 0xc2:
                c.consume(1);
                return FALSE;
            case 0xca:
                if (!c.need(5)) {
                    return NIL;
                }
                try {
                    return valueOf((double) Float.intBitsToFloat((int) be(c, 4)));
                } finally {
                    c.consume(5);
                }
            case 0xcb:
                if (!c.need(9)) {
                    return NIL;
                }
                try {
                    return valueOf(Double.longBitsToDouble(be(c, 8)));
                } finally {
                    c.consume(9);
                }
            case 0xd9: {
                if (!c.need(2)) {
                    return NIL;
                }
                int l = c.u(1);
                return str(c, 2, l);
            }
            case 0xda: {
                if (!c.need(3)) {
                    return NIL;
                }
                int l = (c.u(1) << 8) | c.u(2);
                return str(c, 3, l);
            }
            case 0xdb: {
                if (!c.need(5)) {
                    return NIL;
                }
                long l = be(c, 4) & 0xffffffffL;
                c.consume(5);
                return str(c, 0, l);
            }
            case 0xdc: {
                if (!c.need(3)) {
                    return NIL;
                }
                int l = (c.u(1) << 8) | c.u(2);
                c.consume(3);
                return array(c, l);
            }
            case 0xdd: {
                if (!c.need(5)) {
                    return NIL;
                }
                long l = be(c, 4) & 0xffffffffL;
                c.consume(5);
                return array(c, l);
            }
            case 0xde: {
                if (!c.need(3)) {
                    return NIL;
                }
                int l = (c.u(1) << 8) | c.u(2);
                c.consume(3);
                return map(c, l);
            }
            case 0xdf: {
                if (!c.need(5)) {
                    return NIL;
                }
                long l = be(c, 4) & 0xffffffffL;
                c.consume(5);
                return map(c, l);
            }
            default:
                if ((t & 0x80) == 0) {
                    c.consume(1);
                    return valueOf(t);
                } else if ((t & 0xe0) == 0xe0) {
                    c.consume(1);
                    return valueOf((byte) t);
                } else if ((t & 0xe0) == 0xa0) {
                    return str(c, 1, t & 0x1f);
                } else if ((t & 0xf0) == 0x90) {
                    c.consume(1);
                    return array(c, t & 0xf);
                } else if ((t & 0xf0) == 0x80) {
                    c.consume(1);
                    return map(c, t & 0xf);
                }
                c.err = ERR_BADFMT;
                return NIL;
        }
    }

    private static long be(Cursor c, int n) {
        long v = 0;
        for (int i = 1; i <= n; i++) {
            v = (v << 8) | c.u(i);
        }
        return v;
    }

    private static LuaValue str(Cursor c, int hdr, long l) {
        if (!c.need(hdr + l)) {
            return NIL;
        }
        LuaValue v = LuaString.valueOf(java.util.Arrays.copyOfRange(c.b, c.p + hdr, c.p + hdr + (int) l));
        c.consume(hdr + l);
        return v;
    }

    private static LuaValue array(Cursor c, long len) {
        LuaTable t = new LuaTable(); // filled from empty as lua-cmsgpack's is: a nil element takes a node
        int index = 1;
        while (len-- > 0) {
            LuaValue v = decode(c);
            if (c.err != ERR_NONE) {
                return t;
            }
            t.set(index++, v);
        }
        return t;
    }

    private static LuaValue map(Cursor c, long len) {
        LuaTable t = new LuaTable();
        while (len-- > 0) {
            LuaValue k = decode(c);
            if (c.err != ERR_NONE) {
                return t;
            }
            LuaValue v = decode(c);
            if (c.err != ERR_NONE) {
                return t;
            }
            if (k.isnil()) {
                // raised inside C (lua_settable) in Redis: no script position in front
                throw LuaErrors.noPosition("table index is nil");
            }
            t.set(k, v);
        }
        return t;
    }
}
