package dev.cinnabar.server.lua;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;

/**
 * The Lua environment Redis 7.0 gives scripts, built on LuaJ: the libraries Redis opens and
 * nothing that reaches the JVM, the file system or the network. This package knows nothing of
 * the server; the scripting layer adds the {@code redis} table on top.
 *
 * <p>Globals, as {@code redis-cli eval} lists them on Redis 7.0.15 (less KEYS, ARGV, redis and
 * __redis__err__handler, which the scripting layer adds): _G, _VERSION ("Lua 5.1"), assert,
 * collectgarbage, error, gcinfo, getmetatable, ipairs, load, loadstring, next, pairs, pcall, rawequal,
 * rawget, rawset, select, setmetatable, tonumber, tostring, type, unpack, xpcall, and the tables
 * bit, cjson, cmsgpack, coroutine, math, string, struct, table. No print, dofile, loadfile, require,
 * module, getfenv, setfenv, newproxy, os, io, debug, package.
 */
public final class LuaSandbox {
    private LuaSandbox() {
    }

    /** One string library for every Lua state: strings share one metatable in LuaJ (a static). */
    private static final LuaTable STRING;

    static {
        STRING = inLuaOrder(StringFunctions.create(), 15, "byte", "char", "dump", "find", "format", "gfind", "gmatch",
                "gsub", "len", "lower", "match", "rep", "reverse", "sub", "upper");
        LuaTable mt = new LuaTable();
        mt.rawset(LuaValue.INDEX, STRING);
        LuaString.s_metatable = mt;
    }

    /** A fresh global table with Redis's libraries loaded, math.random on its own generator. */
    public static Globals newGlobals() {
        return newGlobals(new LuaRandom());
    }

    /**
     * A fresh global table with Redis's libraries loaded; math.random and math.randomseed use
     * {@code random}, which Redis keeps process-wide (share it between a server's Lua states).
     */
    public static Globals newGlobals(LuaRandom random) {
        Globals g = new Globals();
        // LuaJ's libraries register themselves in package.loaded; there is no package library here
        LuaTable pkg = new LuaTable();
        pkg.rawset("loaded", new LuaTable());
        g.rawset("package", pkg);
        g.load(new BaseLib());
        LuaC.install(g);
        g.compiler = Lua51Compiler.INSTANCE;
        // LuaJ's base library has more than Lua 5.1's, and 5.2 versions of some
        for (String name : new String[] {"print", "dofile", "loadfile", "rawlen", "load"}) {
            g.rawset(name, LuaValue.NIL);
        }
        for (String name : new String[] {"getmetatable", "ipairs", "next", "pairs", "rawequal",
            "rawget", "tostring", "type", "xpcall"}) {
            g.rawset(name, new StringFunctions.Reworded(name, g.rawget(name)));
        }
        BaseFunctions.install(g);
        g.rawset("_VERSION", LuaValue.valueOf("Lua 5.1"));

        g.rawset("coroutine", inLuaOrder(CoroutineFunctions.create(g), 6, "create", "resume", "running", "status",
                "wrap", "yield"));
        g.rawset("package", LuaValue.NIL);
        g.rawset("table", inLuaOrder(TableFunctions.create(), 9, "concat", "foreach", "foreachi", "getn", "maxn",
                "insert", "remove", "setn", "sort"));
        g.rawset("string", STRING);
        g.rawset("math", inLuaOrder(MathFunctions.create(random), 28, "abs", "acos", "asin", "atan2", "atan", "ceil",
                "cosh", "cos", "deg", "exp", "floor", "fmod", "frexp", "ldexp", "log10", "log", "max", "min", "modf",
                "pow", "rad", "random", "randomseed", "sinh", "sin", "sqrt", "tanh", "tan", "pi", "huge", "mod"));
        g.rawset("cjson", CjsonFunctions.create());
        g.rawset("struct", StructFunctions.create());
        g.rawset("cmsgpack", CmsgpackFunctions.create());
        g.rawset("bit", BitFunctions.create());
        // LuaJ's Globals fields that could reach files or the console
        g.finder = null;
        g.STDIN = null;
        g.STDOUT = null;
        g.STDERR = null;
        return g;
    }

    /**
     * {@code built}'s entries in a table laid out as Lua 5.1's luaL_register leaves a library:
     * made with room for {@code presize} entries, then filled in the order of the library's C
     * array (and what luaopen adds after), so that pairs visits it in Redis's order.
     */
    static LuaTable inLuaOrder(LuaTable built, int presize, String... keys) {
        LuaTable t = new LuaTable(0, presize);
        for (String k : keys) {
            LuaValue v = built.rawget(k);
            if (v.isnil()) {
                throw new IllegalStateException("no " + k + " in the library");
            }
            t.rawset(k, v);
        }
        if (t.keyCount() != built.keyCount()) {
            throw new IllegalStateException("the library has keys its order does not name");
        }
        return t;
    }

    /**
     * What Redis 7.0's Lua state does to its globals table, in order: a name assigns the value
     * {@code g} has for it, a name after "-" assigns nil. Every global a library sets takes a
     * node, also one Redis's allow list refuses (dofile, loadfile, print, and in Debian's build
     * getfenv, setfenv and newproxy): Lua's settable makes the key before it calls the table's
     * __newindex, which then declines to set it. Then the libraries, the {@code redis} table,
     * and the debug library goes once the error handler took it.
     */
    private static final String[] GLOBALS = {"_G", "assert", "collectgarbage", "-dofile", "error", "gcinfo",
        "-getfenv", "getmetatable", "-loadfile", "load", "loadstring", "next", "pcall", "-print", "rawequal", "rawget",
        "rawset", "select", "-setfenv", "setmetatable", "tonumber", "tostring", "type", "unpack", "xpcall", "_VERSION",
        "ipairs", "pairs", "-newproxy", "coroutine", "table", "string", "math", "debug", "cjson", "struct", "cmsgpack",
        "bit", "redis", "-debug"};

    /**
     * Lays {@code g} out as Redis's globals table is once its Lua state is set up; {@code extra}
     * are the names the scripting layer adds after that, in order (EVAL's error handler).
     */
    public static void layOutGlobals(Globals g, String... extra) {
        LuaTable t = new LuaTable(0, 2);
        for (String step : GLOBALS) {
            if (step.startsWith("-")) {
                t.rawset(step.substring(1), LuaValue.NIL);
            } else {
                t.rawset(step, step.equals("debug") ? LuaValue.TRUE : g.rawget(step));
            }
        }
        for (String name : extra) {
            t.rawset(name, g.rawget(name));
        }
        if (t.keyCount() != g.keyCount()) {
            throw new IllegalStateException("the globals have names their order does not name");
        }
        g.copyLayoutOf(t, v -> v);
    }
}
