package dev.cinnabar.server.scripting;

import java.util.Map;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The read-only global table scripts run in ({@link ProtectedTable}'s rules). It must be a
 * {@link Globals}: LuaJ calls the instruction hook only for functions whose environment is one.
 */
final class ProtectedGlobals extends Globals {
    private boolean readonly;

    void protect() {
        readonly = true;
    }

    void force(LuaValue key, LuaValue value) {
        super.rawset(key, value);
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        if (readonly) {
            throw new LuaError(ProtectedTable.READONLY);
        }
        super.rawset(key, value);
    }

    @Override
    public void rawset(int key, LuaValue value) {
        if (readonly) {
            throw new LuaError(ProtectedTable.READONLY);
        }
        super.rawset(key, value);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        if (readonly) {
            throw new RaisedValue(LuaValue.valueOf(ProtectedTable.READONLY));
        }
        return super.setmetatable(metatable);
    }

    /**
     * loadstring compiles into LuaJ's globals; chunks it makes here get {@code chunkEnv} (the
     * scripts' globals) as their environment instead, as Redis runs them under the same protection.
     */
    void bindLoadstring(LuaValue chunkEnv) {
        LuaValue original = rawget("loadstring");
        if (!original.isfunction()) {
            return;
        }
        force(LuaValue.valueOf("loadstring"), new org.luaj.vm2.lib.VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                Varargs r = original.invoke(args);
                if (r.arg1() instanceof org.luaj.vm2.LuaClosure c && c.upValues.length > 0) {
                    c.upValues[0] = new org.luaj.vm2.UpValue(new LuaValue[] {chunkEnv}, 0);
                }
                return r;
            }
        });
    }

    /** A read-only copy of {@code source} (see {@link ProtectedTable#copyOf}). */
    static ProtectedGlobals copyOf(Globals source) {
        Map<LuaValue, ProtectedTable> done = ProtectedTable.newMemo();
        ProtectedGlobals copy = new ProtectedGlobals();
        copy.compiler = source.compiler;
        copy.loader = source.loader;
        copy.undumper = source.undumper;
        copy.baselib = source.baselib;
        copy.copyLayoutOf(source, v -> v == source ? copy : v.istable() ? ProtectedTable.copyOf((LuaTable) v, done) : v);
        LuaValue mt = source.getmetatable();
        if (mt != null && mt.istable()) {
            copy.setmetatable(ProtectedTable.copyOf((LuaTable) mt, done));
        }
        copy.protect();
        return copy;
    }
}
