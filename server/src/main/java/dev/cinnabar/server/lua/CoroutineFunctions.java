package dev.cinnabar.server.lua;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaThread;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code coroutine} library as Lua 5.1's lbaselib has it, on LuaJ's threads (see LuaThread):
 * its argument checks ("Lua function expected", "coroutine expected"), running() nil in the main
 * thread, a yield outside a coroutine or inside a library function's call of Lua (pcall,
 * table.sort, gsub) refused as Lua refuses one across a C call, and wrap's
 * errors passed on with the caller's position when they are strings and as they are otherwise.
 */
final class CoroutineFunctions extends LibFunction51 {
    private static final String[] NAMES = {"create", "resume", "running", "status", "wrap", "yield"};
    private static final int CREATE = 0, RESUME = 1, RUNNING = 2, STATUS = 3, WRAP = 4, YIELD = 5;

    private final Globals globals;

    private CoroutineFunctions(Globals globals, String name, int op) {
        super(name, op);
        this.globals = globals;
    }

    static LuaTable create(Globals globals) {
        LuaTable t = new LuaTable();
        register(t, NAMES, (name, op) -> new CoroutineFunctions(globals, name, op));
        return t;
    }

    @Override
    public Varargs invoke(Varargs a) {
        switch (op) {
            case CREATE:
                return new LuaThread(globals, luaFunction(a));
            case RESUME:
                return coroutine(a).resume(a.subargs(2));
            case RUNNING: {
                LuaThread r = globals.running;
                return r == null || r.isMainThread() ? NIL : r;
            }
            case STATUS:
                return valueOf(coroutine(a).getStatus());
            case WRAP:
                return new Wrapped(new LuaThread(globals, luaFunction(a)));
            case YIELD: {
                LuaThread r = globals.running;
                if (r == null || r.isMainThread() || !LuaThread.yieldable()) {
                    // Lua 5.1 says this of the main thread too; level 0: no position, as luaG_runerror in C
                    throw new LuaError("attempt to yield across metamethod/C-call boundary", 0);
                }
                return r.state.lua_yield(a);
            }
            default:
                return NONE;
        }
    }

    private LuaValue luaFunction(Varargs a) {
        LuaValue f = a.arg1();
        if (!(f instanceof LuaClosure)) {
            throw LuaErrors.arg(1, name, "Lua function expected");
        }
        return f;
    }

    private LuaThread coroutine(Varargs a) {
        if (!(a.arg1() instanceof LuaThread t)) {
            throw LuaErrors.arg(1, name, "coroutine expected");
        }
        return t;
    }

    /** What coroutine.wrap returns: resumes, and raises the coroutine's error in the caller. */
    private static final class Wrapped extends VarArgFunction {
        private final LuaThread thread;

        Wrapped(LuaThread thread) {
            this.thread = thread;
        }

        @Override
        public Varargs invoke(Varargs args) {
            Varargs r = thread.resume(args);
            if (r.arg1().toboolean()) {
                return r.subargs(2);
            }
            LuaValue e = r.arg(2);
            // luaL_where(L, 1) and a concatenation for strings (and numbers); any other value as it is
            throw e.isstring() ? new LuaError(e.tojstring(), 1) : new LuaError(e);
        }
    }
}
