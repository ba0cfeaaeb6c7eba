package dev.cinnabar.server.lua;

import java.io.IOException;
import java.io.InputStream;

import org.luaj.vm2.Globals;
import org.luaj.vm2.Lua;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.compiler.LuaC;

/**
 * LuaJ's compiler, with tail calls turned into ordinary calls. LuaJ runs a tail call after the
 * calling function's frame is gone, so an error raised by the callee (`return cjson.decode(x)`,
 * `return tonumber(x, 99)`) carried no "user_script:N:" position, where Lua 5.1 reports the
 * caller's line. The compiler already follows each TAILCALL with a RETURN of all values, so a
 * CALL with open results in its place returns the same values. The price: tail recursion uses
 * Java stack (a runaway one fails with a stack overflow instead of looping).
 */
final class Lua51Compiler implements Globals.Compiler {
    static final Lua51Compiler INSTANCE = new Lua51Compiler();

    @Override
    public Prototype compile(InputStream stream, String chunkname) throws IOException {
        Prototype p = LuaC.instance.compile(stream, chunkname);
        untail(p);
        return p;
    }

    private static void untail(Prototype p) {
        int[] code = p.code;
        for (int i = 0; i < code.length; i++) {
            if ((code[i] & 0x3f) == Lua.OP_TAILCALL) {
                code[i] = (code[i] & ~0x3f) | Lua.OP_CALL;
            }
        }
        if (p.p != null) {
            for (Prototype child : p.p) {
                untail(child);
            }
        }
    }
}
