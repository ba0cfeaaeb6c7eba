package dev.cinnabar.server.scripting;

import java.util.IdentityHashMap;
import java.util.Map;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * A table scripts cannot change, as Redis 7.0 makes the globals, the libraries and their
 * metatables read-only: any assignment fails with Redis's error. LuaJ has no read-only tables,
 * so the library tables are copied into these once, when the environment is built.
 */
final class ProtectedTable extends LuaTable {
    static final String READONLY = "Attempt to modify a readonly table";
    private boolean readonly;

    void protect() {
        readonly = true;
    }

    /** Sets a field even though the table is read-only (KEYS and ARGV before each run). */
    void force(LuaValue key, LuaValue value) {
        super.rawset(key, value);
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        if (readonly) {
            throw new LuaError(READONLY);
        }
        super.rawset(key, value);
    }

    @Override
    public void rawset(int key, LuaValue value) {
        if (readonly) {
            throw new LuaError(READONLY);
        }
        super.rawset(key, value);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        if (readonly) {
            // Raised by setmetatable itself in Redis: no position in the message.
            throw new RaisedValue(LuaValue.valueOf(READONLY));
        }
        return super.setmetatable(metatable);
    }

    /**
     * A read-only copy of {@code source}, with every table reachable from it (and their
     * metatables) copied the same way; {@code self} names the keys that refer back to the copy
     * itself (the globals' {@code _G}).
     */
    static ProtectedTable copyOf(LuaTable source, Map<LuaValue, ProtectedTable> done) {
        ProtectedTable copy = done.get(source);
        if (copy != null) {
            return copy;
        }
        copy = new ProtectedTable();
        done.put(source, copy);
        // In the source's layout: pairs visits a library in Redis's order only if the copy does too.
        copy.copyLayoutOf(source, v -> v.istable() ? copyOf((LuaTable) v, done) : v);
        LuaValue mt = source.getmetatable();
        if (mt != null && mt.istable()) {
            copy.setmetatable(copyOf((LuaTable) mt, done));
        }
        copy.protect();
        return copy;
    }

    /** The read-only copies of the strings' metatable and string library, made once. */
    private static Map<LuaValue, ProtectedTable> strings;

    /**
     * LuaJ keeps the strings' metatable (whose {@code __index} is the string library) in a static:
     * it is replaced, once, by a read-only copy, which every environment's {@code string} shares.
     */
    static synchronized void protectStrings(org.luaj.vm2.Globals g) {
        if (strings != null) {
            return;
        }
        Map<LuaValue, ProtectedTable> memo = new IdentityHashMap<>();
        LuaValue mt = org.luaj.vm2.LuaString.s_metatable;
        if (mt != null && mt.istable()) {
            org.luaj.vm2.LuaString.s_metatable = copyOf((LuaTable) mt, memo);
        }
        strings = memo;
    }

    /** A memo for {@link #copyOf} that already holds the shared string tables. */
    static synchronized Map<LuaValue, ProtectedTable> newMemo() {
        Map<LuaValue, ProtectedTable> memo = new IdentityHashMap<>();
        if (strings != null) {
            memo.putAll(strings);
        }
        return memo;
    }
}
