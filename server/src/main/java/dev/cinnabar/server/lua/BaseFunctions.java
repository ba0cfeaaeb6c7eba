package dev.cinnabar.server.lua;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaThread;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;

/**
 * The base functions where Lua 5.1 differs from LuaJ's 5.2 ones: tonumber, load (functions only),
 * loadstring (text only, as Redis's Lua refuses bytecode), unpack, select, gcinfo, collectgarbage,
 * rawset (a nil key is the table's error, not an argument error); and 5.1 argument errors for the
 * LuaJ functions kept.
 */
final class BaseFunctions extends LibFunction51 {
    private static final String[] NAMES = {"tonumber", "load", "loadstring", "unpack", "select", "gcinfo",
        "collectgarbage", "setmetatable", "rawset", "assert"};
    private static final int TONUMBER = 0, LOAD = 1, LOADSTRING = 2, UNPACK = 3, SELECT = 4, GCINFO = 5,
        COLLECTGARBAGE = 6, SETMETATABLE = 7, RAWSET = 8, ASSERT = 9;

    private static final LuaString ASSERTION_FAILED = LuaString.valueOf("assertion failed!");

    private final Globals globals;

    private BaseFunctions(String name, int op, Globals globals) {
        super(name, op);
        this.globals = globals;
    }

    static void install(Globals g) {
        register(g, NAMES, (n, op) -> new BaseFunctions(n, op, g));
    }

    @Override
    public Varargs invoke(Varargs a) {
        switch (op) {
            case TONUMBER:
                return tonumber(a);
            case LOAD:
                return load(a);
            case LOADSTRING: {
                LuaString s = LuaErrors.checkString(a, 1, name);
                LuaString chunkname = LuaErrors.optString(a, 2, name, s);
                return compile(s.m_bytes, s.m_offset, s.m_length, chunkname.tojstring());
            }
            case UNPACK:
                return unpack(a);
            case ASSERT: {
                // luaB_assert: the message is luaL_optstring's (#2, "string expected, got table")
                if (a.narg() == 0) {
                    throw LuaErrors.arg(1, name, "value expected");
                }
                if (a.arg1().toboolean()) {
                    return a;
                }
                // luaL_error(L, "%s", msg): the message ends at its first zero byte
                LuaString msg = LuaErrors.optString(a, 2, name, ASSERTION_FAILED);
                int nul = msg.indexOf((byte) 0, 0);
                throw new LuaError((nul < 0 ? msg : msg.substring(0, nul)).tojstring());
            }
            case SELECT:
                return select(a);
            case GCINFO:
                return valueOf((int) (usedKb()));
            case COLLECTGARBAGE:
                return collectgarbage(a);
            case SETMETATABLE: {
                LuaTable t = LuaErrors.checkTable(a, 1, name);
                LuaValue mt = a.arg(2);
                if (!mt.isnil() && !mt.istable()) {
                    throw LuaErrors.arg(2, name, "nil or table expected");
                }
                LuaValue old = t.getmetatable();
                if (old != null && !old.rawget(METATABLE).isnil()) {
                    throw new LuaError("cannot change a protected metatable");
                }
                t.setmetatable(mt.isnil() ? null : mt);
                return t;
            }
            case RAWSET: {
                LuaTable t = LuaErrors.checkTable(a, 1, name);
                LuaErrors.checkAny(a, 2, name);
                LuaErrors.checkAny(a, 3, name);
                t.rawset(a.arg(2), a.arg(3));
                return t;
            }
            default:
                return NONE;
        }
    }

    private static double usedKb() {
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) / 1024.0;
    }

    private Varargs tonumber(Varargs a) {
        int base = LuaErrors.optInt(a, 2, name, 10);
        if (base == 10) {
            LuaErrors.checkAny(a, 1, name);
            LuaValue v = a.arg1();
            if (v.type() == TNUMBER) {
                return v;
            }
            if (v.type() == TSTRING) {
                return LuaNumbers.str2number(v.checkstring());
            }
            return NIL;
        }
        LuaString s = LuaErrors.checkString(a, 1, name);
        if (base < 2 || base > 36) {
            throw LuaErrors.arg(2, name, "base out of range");
        }
        return strtoul(s, base);
    }

    /** C strtoul with surrounding white space, as Lua 5.1's tonumber with a base uses it. */
    private static LuaValue strtoul(LuaString s, int base) {
        byte[] b = s.m_bytes;
        int i = s.m_offset;
        int end = i + s.m_length;
        for (int k = i; k < end; k++) {
            if (b[k] == 0) {
                end = k;
                break;
            }
        }
        while (i < end && isSpace(b[i])) {
            i++;
        }
        boolean neg = false;
        if (i < end && (b[i] == '+' || b[i] == '-')) {
            neg = b[i] == '-';
            i++;
        }
        if (base == 16 && i + 1 < end && b[i] == '0' && (b[i + 1] | 0x20) == 'x' && i + 2 < end
                && digit(b[i + 2]) < 16) {
            i += 2;
        }
        int start = i;
        long acc = 0;
        boolean overflow = false;
        while (i < end) {
            int d = digit(b[i]);
            if (d >= base) {
                break;
            }
            long next = acc * base + d;
            if (Long.compareUnsigned(acc, Long.divideUnsigned(-1L, base)) > 0
                    || Long.compareUnsigned(next, acc * base) < 0) {
                overflow = true;
            }
            acc = next;
            i++;
        }
        if (i == start) {
            return NIL;
        }
        while (i < end && isSpace(b[i])) {
            i++;
        }
        if (i != end) {
            return NIL;
        }
        if (overflow) {
            acc = -1L;
        } else if (neg) {
            acc = -acc;
        }
        double d = acc >= 0 ? (double) acc : (double) (acc >>> 1) * 2.0 + (acc & 1);
        return valueOf(d);
    }

    private static int digit(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        c |= 0x20;
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 10;
        }
        return 99;
    }

    private static boolean isSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private Varargs load(Varargs a) {
        LuaValue f = a.arg1();
        if (!f.isfunction()) {
            throw LuaErrors.type(1, name, "function", a);
        }
        String chunkname = LuaErrors.optString(a, 2, name, LuaString.valueOf("=(load)")).tojstring();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            LuaValue piece = LuaThread.invokeFromLibrary(f, NONE).arg1();
            if (piece.isnil()) {
                break;
            }
            if (!piece.isstring()) {
                return varargsOf(NIL, valueOf("reader function must return a string"));
            }
            LuaString p = piece.strvalue();
            if (p.m_length == 0) {
                break;
            }
            out.write(p.m_bytes, p.m_offset, p.m_length);
        }
        byte[] src = out.toByteArray();
        return compile(src, 0, src.length, chunkname);
    }

    /** Compiles source text (never bytecode) into a function of these globals, or nil and the message. */
    private Varargs compile(byte[] b, int off, int len, String chunkname) {
        try {
            InputStream in = new ByteArrayInputStream(b, off, len);
            Prototype p = Lua51Compiler.INSTANCE.compile(in, chunkname);
            return new LuaClosure(p, globals);
        } catch (LuaError e) {
            // LuaJ names a source string its own way; Lua 5.1 cuts it at the first line
            String m = e.getMessage();
            String luaj = org.luaj.vm2.Lua.chunkid(chunkname);
            if (m != null && m.startsWith(luaj + ":")) {
                m = LuaErrors.chunkid(chunkname, 80) + m.substring(luaj.length());
            }
            return varargsOf(NIL, valueOf(m));
        } catch (IOException e) {
            return varargsOf(NIL, valueOf(String.valueOf(e.getMessage())));
        }
    }

    private Varargs unpack(Varargs a) {
        LuaTable t = LuaErrors.checkTable(a, 1, name);
        // C ints, as luaB_unpack has them (luaL_optint): 2^31 is INT_MIN, and e - i + 1 may
        // overflow to a count of zero or less, which is "too many results" there too.
        int i = LuaErrors.optInt(a, 2, name, 1);
        int e = a.arg(3).isnil() ? t.length() : LuaErrors.checkInt(a, 3, name);
        if (i > e) {
            return NONE;
        }
        int n = e - i + 1;
        if (n <= 0 || n >= 8000) {
            // LUAI_MAXCSTACK bounds how many results a C function may push
            throw new LuaError("too many results to unpack");
        }
        int count = n;
        if (count == 1) {
            return t.rawget(i);
        }
        LuaValue[] v = new LuaValue[count];
        for (int k = 0; k < count; k++) {
            v[k] = t.rawget(i + k);
        }
        return varargsOf(v);
    }

    private Varargs select(Varargs a) {
        int top = a.narg();
        LuaValue first = a.arg1();
        if (first.type() == TSTRING && first.strvalue().m_length > 0 && first.strvalue().luaByte(0) == '#') {
            return valueOf(top - 1);
        }
        long i = LuaErrors.checkInt(a, 1, name);
        if (i < 0) {
            i = top + i;
        } else if (i > top) {
            i = top;
        }
        if (i < 1) {
            throw LuaErrors.arg(1, name, "index out of range");
        }
        return a.subargs((int) i + 1);
    }

    private Varargs collectgarbage(Varargs a) {
        String opt = LuaErrors.optString(a, 1, name, LuaString.valueOf("collect")).tojstring();
        switch (opt) {
            case "stop":
            case "restart":
            case "collect":
                // never a full JVM collection on behalf of a script
                return valueOf(0);
            case "count":
                return valueOf(usedKb());
            case "step":
                return FALSE;
            case "setpause":
            case "setstepmul":
                LuaErrors.optInt(a, 2, name, 0);
                return valueOf(200);
            default:
                throw LuaErrors.arg(1, name, "invalid option '" + opt + "'");
        }
    }
}
