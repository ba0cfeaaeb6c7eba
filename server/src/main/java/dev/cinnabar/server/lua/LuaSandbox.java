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
        STRING = StringFunctions.create();
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

        g.rawset("coroutine", CoroutineFunctions.create(g));
        g.rawset("package", LuaValue.NIL);
        g.rawset("table", TableFunctions.create());
        g.rawset("string", STRING);
        g.rawset("math", MathFunctions.create(random));
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
}
