package dev.cinnabar.server.scripting;

import java.util.HashMap;
import java.util.Map;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;

/**
 * The names of the scripts' environment (globals, and the fields of the library tables such as
 * {@code redis.call}) as the very strings the tables hold them under. A compiled script's string
 * constants that equal one are replaced by it, so that looking the name up finds its key by
 * identity instead of comparing bytes, and the script holds no copy of its own.
 */
final class SharedNames {
    private final Map<LuaString, LuaString> names = new HashMap<>();

    /** The names in {@code env}, and {@code more} (globals set before each run). */
    SharedNames(LuaTable env, LuaString... more) {
        collect(env, true);
        for (LuaString s : more) {
            names.put(s, s);
        }
    }

    private void collect(LuaTable t, boolean descend) {
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs next = t.next(k);
            k = next.arg1();
            if (k.isnil()) {
                return;
            }
            if (k instanceof LuaString s) {
                names.putIfAbsent(s, s);
            }
            if (descend && next.arg(2) instanceof LuaTable inner && inner != t) {
                collect(inner, false);
            }
        }
    }

    /** Replaces the constants of {@code p} and its nested functions that equal a name. */
    void share(Prototype p) {
        LuaValue[] k = p.k;
        for (int i = 0; i < k.length; i++) {
            if (k[i] instanceof LuaString s) {
                LuaString shared = names.get(s);
                if (shared != null) {
                    k[i] = shared;
                }
            }
        }
        if (p.p != null) {
            for (Prototype child : p.p) {
                share(child);
            }
        }
    }
}
