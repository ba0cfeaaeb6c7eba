package dev.cinnabar.server.lua;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * The Lua environment Redis 7.0 gives scripts, built on LuaJ: the libraries Redis opens and
 * nothing that reaches the JVM, the file system or the network. This package knows nothing of
 * the server; the scripting layer adds the {@code redis} table on top.
 */
public final class LuaSandbox {
    private LuaSandbox() {
    }

    /** A fresh global table with Redis's libraries loaded and compilation from source enabled. */
    public static Globals newGlobals() {
        Globals g = new Globals();
        g.load(new BaseLib());
        g.load(new TableLib());
        g.load(new StringLib());
        g.load(new JseMathLib());
        LoadState.install(g);
        LuaC.install(g);
        // Redis removes file access from the base library.
        g.set("dofile", org.luaj.vm2.LuaValue.NIL);
        g.set("loadfile", org.luaj.vm2.LuaValue.NIL);
        return g;
    }
}
