package dev.cinnabar.server.lua;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.StringLib;

/**
 * Lua 5.1's string library on byte strings. Everything is ours (patterns in {@link LuaPatterns})
 * but dump, which is LuaJ's (it writes LuaJ bytecode, which loadstring refuses as Redis's Lua does
 * for its own), its argument errors reworded as Lua 5.1 writes them.
 */
final class StringFunctions extends LibFunction51 {
    private static final String[] NAMES = {"byte", "char", "format", "len", "lower", "rep", "reverse", "sub",
        "upper"};
    private static final int BYTE = 0, CHAR = 1, FORMAT = 2, LEN = 3, LOWER = 4, REP = 5, REVERSE = 6, SUB = 7,
        UPPER = 8;
    private static final String[] WRAPPED = {"dump"};

    /** The longest string a script may build with string.rep (Redis's proto-max-bulk-len default). */
    static final long MAX_STRING = 512L * 1024 * 1024;

    private StringFunctions(String name, int op) {
        super(name, op);
    }

    static LuaTable create() {
        LuaTable env = new LuaTable();
        LuaTable pkg = new LuaTable();
        pkg.rawset("loaded", new LuaTable());
        env.rawset("package", pkg);
        LuaTable luaj = (LuaTable) new StringLib().call(EMPTYSTRING, env);
        LuaTable t = new LuaTable();
        register(t, NAMES, StringFunctions::new);
        for (String w : WRAPPED) {
            t.rawset(w, new Reworded(w, luaj.get(w)));
        }
        LuaValue dump = luaj.get("dump");
        t.rawset("dump", new org.luaj.vm2.lib.VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                LuaValue f = a.arg1();
                if (!f.isfunction()) {
                    throw LuaErrors.type(1, "dump", "function", a);
                }
                if (!(f instanceof org.luaj.vm2.LuaClosure)) {
                    throw new LuaError("unable to dump given function");
                }
                return dump.call(f);
            }
        });
        register(t, LuaPatterns.NAMES, LuaPatterns::new);
        return t;
    }

    /** A LuaJ library function whose "bad argument" errors get Lua 5.1's wording and the function's name. */
    static final class Reworded extends org.luaj.vm2.lib.VarArgFunction {
        private final LuaValue f;

        Reworded(String name, LuaValue f) {
            this.name = name;
            this.f = f;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Varargs invoke(Varargs a) {
            try {
                return f.invoke(a);
            } catch (LuaError e) {
                throw reword(e, name, a);
            }
        }

        // the fixed-arity calls the VM makes go straight through, without packing a Varargs

        @Override
        public LuaValue call() {
            try {
                return f.call();
            } catch (LuaError e) {
                throw reword(e, name, NONE);
            }
        }

        @Override
        public LuaValue call(LuaValue a) {
            try {
                return f.call(a);
            } catch (LuaError e) {
                throw reword(e, name, a);
            }
        }

        @Override
        public LuaValue call(LuaValue a, LuaValue b) {
            try {
                return f.call(a, b);
            } catch (LuaError e) {
                throw reword(e, name, varargsOf(a, b));
            }
        }
    }

    static LuaError reword(LuaError e, String fname, Varargs args) {
        if (e.hasPosition()) {
            return e;
        }
        LuaValue obj = e.getMessageObject();
        if (obj == null || obj.type() != TSTRING) {
            return e;
        }
        String m = obj.tojstring();
        if (m.equals("invalid key to 'next'")) {
            return LuaErrors.noPosition(m);
        }
        int n;
        String msg;
        if (m.startsWith("bad argument #")) {
            int colon = m.indexOf(": ");
            if (colon < 0) {
                return e;
            }
            n = Integer.parseInt(m.substring(14, colon));
            msg = m.substring(colon + 2);
        } else if (m.startsWith("bad argument: ")) {
            n = 1;
            msg = m.substring(14);
        } else {
            return e;
        }
        if (msg.equals("value")) {
            msg = "value expected";
        }
        if (n > args.narg() && msg.endsWith(" expected, got nil")) {
            msg = msg.substring(0, msg.length() - 3) + "no value";
        }
        return LuaErrors.arg(n, fname, msg);
    }

    @Override
    public Varargs invoke(Varargs a) {
        switch (op) {
            case BYTE: {
                LuaString s = LuaErrors.checkString(a, 1, name);
                int l = s.m_length;
                long posi = posrelat(LuaErrors.optInteger(a, 2, name, 1), l);
                long pose = posrelat(LuaErrors.optInteger(a, 3, name, posi), l);
                if (posi <= 0) {
                    posi = 1;
                }
                if (pose > l) {
                    pose = l;
                }
                if (posi > pose) {
                    return NONE;
                }
                int n = (int) (pose - posi + 1);
                if (n == 1) {
                    return valueOf(s.luaByte((int) posi - 1));
                }
                LuaValue[] v = new LuaValue[n];
                for (int i = 0; i < n; i++) {
                    v[i] = valueOf(s.luaByte((int) posi - 1 + i));
                }
                return varargsOf(v);
            }
            case CHAR: {
                int n = a.narg();
                byte[] b = new byte[n];
                for (int i = 1; i <= n; i++) {
                    int c = LuaErrors.checkInt(a, i, name);
                    if ((c & 0xff) != c) {
                        throw LuaErrors.arg(i, name, "invalid value");
                    }
                    b[i - 1] = (byte) c;
                }
                return LuaString.valueUsing(b);
            }
            case FORMAT:
                return CFormat.format(a, name);
            case LEN:
                return valueOf(LuaErrors.checkString(a, 1, name).m_length);
            case LOWER:
            case UPPER: {
                LuaString s = LuaErrors.checkString(a, 1, name);
                byte[] b = new byte[s.m_length];
                for (int i = 0; i < b.length; i++) {
                    int c = s.m_bytes[s.m_offset + i];
                    if (op == LOWER ? (c >= 'A' && c <= 'Z') : (c >= 'a' && c <= 'z')) {
                        c ^= 0x20;
                    }
                    b[i] = (byte) c;
                }
                return LuaString.valueUsing(b);
            }
            case REP: {
                LuaString s = LuaErrors.checkString(a, 1, name);
                int n = LuaErrors.checkInt(a, 2, name); // luaL_checkint: 2^32 + 2 stands for 2
                if (n <= 0 || s.m_length == 0) {
                    return EMPTYSTRING;
                }
                long total = (long) s.m_length * n;
                if (n > MAX_STRING || total > MAX_STRING) {
                    throw new LuaError("not enough memory");
                }
                byte[] b = new byte[(int) total];
                if (s.m_length == 1) {
                    java.util.Arrays.fill(b, s.m_bytes[s.m_offset]);
                } else {
                    for (int i = 0; i < total; i += s.m_length) {
                        System.arraycopy(s.m_bytes, s.m_offset, b, i, s.m_length);
                    }
                }
                return LuaString.valueUsing(b);
            }
            case REVERSE: {
                LuaString s = LuaErrors.checkString(a, 1, name);
                int n = s.m_length;
                byte[] b = new byte[n];
                for (int i = 0; i < n; i++) {
                    b[i] = s.m_bytes[s.m_offset + n - 1 - i];
                }
                return LuaString.valueUsing(b);
            }
            case SUB: {
                LuaString s = LuaErrors.checkString(a, 1, name);
                int l = s.m_length;
                long start = posrelat(LuaErrors.checkInteger(a, 2, name), l);
                long end = posrelat(LuaErrors.optInteger(a, 3, name, -1), l);
                if (start < 1) {
                    start = 1;
                }
                if (end > l) {
                    end = l;
                }
                if (start > end) {
                    return EMPTYSTRING;
                }
                return s.substring((int) start - 1, (int) end);
            }
            default:
                return NONE;
        }
    }

    static long posrelat(long pos, int len) {
        if (pos >= 0) {
            return pos;
        }
        if (-pos > len) {
            return 0;
        }
        return len + pos + 1;
    }
}
