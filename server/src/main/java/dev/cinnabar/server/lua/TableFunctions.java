package dev.cinnabar.server.lua;

import org.luaj.vm2.Buffer;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaThread;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/** Lua 5.1's table library: concat, foreach, foreachi, getn, insert, maxn, remove, setn, sort. */
final class TableFunctions extends LibFunction51 {
    private static final String[] NAMES = {"concat", "foreach", "foreachi", "getn", "insert", "maxn", "remove",
        "setn", "sort"};
    private static final int CONCAT = 0, FOREACH = 1, FOREACHI = 2, GETN = 3, INSERT = 4, MAXN = 5, REMOVE = 6,
        SETN = 7, SORT = 8;

    private TableFunctions(String name, int op) {
        super(name, op);
    }

    static LuaTable create() {
        LuaTable t = new LuaTable();
        register(t, NAMES, TableFunctions::new);
        return t;
    }

    @Override
    public Varargs invoke(Varargs a) {
        switch (op) {
            case CONCAT:
                return concat(a);
            case FOREACH: {
                LuaTable t = LuaErrors.checkTable(a, 1, name);
                LuaValue f = checkFunction(a, 2);
                LuaValue k = NIL;
                while (true) {
                    Varargs kv = t.next(k);
                    k = kv.arg1();
                    if (k.isnil()) {
                        return NIL;
                    }
                    LuaValue r = LuaThread.callFromLibrary(f, k, kv.arg(2));
                    if (!r.isnil()) {
                        return r;
                    }
                }
            }
            case FOREACHI: {
                LuaTable t = LuaErrors.checkTable(a, 1, name);
                LuaValue f = checkFunction(a, 2);
                int n = t.rawlen();
                for (int i = 1; i <= n; i++) {
                    LuaValue r = LuaThread.callFromLibrary(f, valueOf(i), t.rawget(i));
                    if (!r.isnil()) {
                        return r;
                    }
                }
                return NIL;
            }
            case GETN:
                return valueOf(LuaErrors.checkTable(a, 1, name).rawlen());
            case INSERT:
                return insert(a);
            case MAXN: {
                LuaTable t = LuaErrors.checkTable(a, 1, name);
                double max = 0;
                LuaValue k = NIL;
                while (true) {
                    k = t.next(k).arg1();
                    if (k.isnil()) {
                        break;
                    }
                    if (k.type() == TNUMBER && k.todouble() > max) {
                        max = k.todouble();
                    }
                }
                return valueOf(max);
            }
            case REMOVE:
                return remove(a);
            case SETN:
                LuaErrors.checkTable(a, 1, name);
                throw new LuaError("'setn' is obsolete");
            case SORT:
                return sort(a);
            default:
                return NONE;
        }
    }

    private LuaValue checkFunction(Varargs a, int n) {
        LuaValue f = a.arg(n);
        if (!f.isfunction()) {
            throw LuaErrors.type(n, name, "function", a);
        }
        return f;
    }

    private Varargs concat(Varargs a) {
        // Lua 5.1's order: the separator is checked before the table; positions are C ints
        // (luaL_optint), so 2^32 + 1 stands for 1.
        LuaString sep = LuaErrors.optString(a, 2, name, EMPTYSTRING);
        LuaTable t = LuaErrors.checkTable(a, 1, name);
        int i = LuaErrors.optInt(a, 3, name, 1);
        int last = a.arg(4).isnil() ? t.rawlen() : LuaErrors.checkInt(a, 4, name);
        if (i > last) {
            return EMPTYSTRING;
        }
        Buffer b = new Buffer();
        for (; i <= last; i++) {
            LuaValue v = t.rawget(i);
            int type = v.type();
            if (type != TSTRING && type != TNUMBER) {
                throw new LuaError("invalid value (" + v.typename() + ") at index " + i + " in table for 'concat'");
            }
            b.append(v.strvalue());
            if (i != last) {
                b.append(sep);
            }
        }
        return b.tostring();
    }

    private Varargs insert(Varargs a) {
        LuaTable t = LuaErrors.checkTable(a, 1, name);
        int e = t.rawlen() + 1;
        int pos;
        switch (a.narg()) {
            case 2:
                pos = e;
                break;
            case 3: {
                pos = LuaErrors.checkInt(a, 2, name);
                if (pos > e) {
                    e = pos;
                }
                for (int i = e; i > pos; i--) {
                    t.rawset(i, t.rawget(i - 1));
                }
                break;
            }
            default:
                throw new LuaError("wrong number of arguments to 'insert'");
        }
        t.rawset(pos, a.arg(a.narg()));
        return NONE;
    }

    private Varargs remove(Varargs a) {
        LuaTable t = LuaErrors.checkTable(a, 1, name);
        int e = t.rawlen();
        int pos = LuaErrors.optInt(a, 2, name, e);
        if (!(1 <= pos && pos <= e)) {
            return NONE;
        }
        LuaValue removed = t.rawget(pos);
        for (; pos < e; pos++) {
            t.rawset(pos, t.rawget(pos + 1));
        }
        t.rawset(e, NIL);
        return removed;
    }

    // ---- sort: Lua 5.1's quicksort, step for step, so that unstable orders and errors match

    private Varargs sort(Varargs a) {
        LuaTable t = LuaErrors.checkTable(a, 1, name);
        int n = t.rawlen();
        LuaValue f = a.arg(2);
        if (!f.isnil() && !f.isfunction()) {
            throw LuaErrors.type(2, name, "function", a);
        }
        auxsort(t, f.isnil() ? null : f, 1, n);
        return NONE;
    }

    private static boolean less(LuaValue f, LuaValue x, LuaValue y) {
        if (f != null) {
            return LuaThread.callFromLibrary(f, x, y).toboolean();
        }
        int tx = x.type();
        int ty = y.type();
        if (tx == TNUMBER && ty == TNUMBER) {
            return x.todouble() < y.todouble();
        }
        if (tx == TSTRING && ty == TSTRING) {
            return x.strvalue().strcmp(y.strvalue()) < 0;
        }
        if (tx == ty) {
            LuaValue h = x.metatag(LT);
            if (h.isnil()) {
                h = y.metatag(LT);
            }
            if (!h.isnil()) {
                return LuaThread.callFromLibrary(h, x, y).toboolean();
            }
        }
        String t1 = x.typename();
        String t2 = y.typename();
        throw LuaErrors.noPosition(t1.equals(t2) ? "attempt to compare two " + t1 + " values"
            : "attempt to compare " + t1 + " with " + t2);
    }

    private static void auxsort(LuaTable t, LuaValue f, int l, int u) {
        while (l < u) {
            LuaValue al = t.rawget(l);
            LuaValue au = t.rawget(u);
            if (less(f, au, al)) {
                t.rawset(l, au);
                t.rawset(u, al);
            }
            if (u - l == 1) {
                break;
            }
            int i = (l + u) >>> 1;
            LuaValue ai = t.rawget(i);
            al = t.rawget(l);
            if (less(f, ai, al)) {
                t.rawset(i, al);
                t.rawset(l, ai);
            } else {
                au = t.rawget(u);
                if (less(f, au, ai)) {
                    t.rawset(i, au);
                    t.rawset(u, ai);
                }
            }
            if (u - l == 2) {
                break;
            }
            LuaValue p = t.rawget(i);
            LuaValue au1 = t.rawget(u - 1);
            t.rawset(i, au1);
            t.rawset(u - 1, p);
            i = l;
            int j = u - 1;
            while (true) {
                while (less(f, t.rawget(++i), p)) {
                    if (i > u) {
                        throw new LuaError("invalid order function for sorting");
                    }
                }
                while (less(f, p, t.rawget(--j))) {
                    if (j < l) {
                        throw new LuaError("invalid order function for sorting");
                    }
                }
                if (j < i) {
                    break;
                }
                LuaValue ti = t.rawget(i);
                LuaValue tj = t.rawget(j);
                t.rawset(i, tj);
                t.rawset(j, ti);
            }
            LuaValue x = t.rawget(u - 1);
            LuaValue y = t.rawget(i);
            t.rawset(u - 1, y);
            t.rawset(i, x);
            if (i - l < u - i) {
                j = l;
                i = i - 1;
                l = i + 2;
            } else {
                j = i + 1;
                i = u;
                u = j - 2;
            }
            auxsort(t, f, j, i);
        }
    }
}
