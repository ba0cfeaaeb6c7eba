package dev.cinnabar.server.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * Every library function, called with random arguments, returns or raises a LuaError: no Java
 * exception (index out of bounds, number format, null pointer) escapes from our libraries.
 */
class LuaLibraryFuzzTest {

    @Test
    void libraryFunctionsOnlyRaiseLuaErrors() {
        Globals g = LuaSandbox.newGlobals();
        LuaValue pool = LuaSandboxTest.eval(g, String.join("\n",
            "local t = {nil, false, true, 0, 1, -1, 2, 3, 7, 16, 31, 32, 33, 255, 256, 65536, 2^31, 2^32, 2^53, 2^63,",
            "  -2^31, 1e300, -1e300, 0/0, 1/0, -1/0, 0.5, -0.5, 1e9, 1/3,",
            "  '', 'a', 'abc', '%', '%d', '%5.2f', '%q', '%s%s', '%c', '%x', '%-', '%.', '%%', '(', ')', '[', '[^', '%b',",
            "  '%f', '%f[', '%1', '(()', 'a-', '.*', '^$', '[%a-]', '%z', '\\0', '\\0\\0\\255', '\\128abc',",
            "  '[1,2', '{\"a\":[1,{}]}', 'nul', '\"\\\\u', '\\147\\1', '\\220\\255\\255', '\\223\\255\\255\\255\\255',",
            "  '>i4', '<I8', '!', '!3', 'c0', 'c', 's', 'x', 'i33', 'b B h H', '=', 'd f',",
            "  {}, {1, 2, 3}, {a = 1}, {1, nil, 3}, {{}}, setmetatable({}, {__index = function() return 1 end}),",
            "  function() return 1 end, print or tostring}",
            "local n = 0 for k in pairs(t) do if k > n then n = k end end t.n = n return t")).arg1();
        LuaTable values = (LuaTable) pool;
        int n = values.get("n").toint();
        List<String> names = new ArrayList<>();
        List<LuaValue> fns = new ArrayList<>();
        for (String lib : new String[] {"string", "table", "math", "bit", "struct", "cjson", "cmsgpack"}) {
            LuaTable t = (LuaTable) g.get(lib);
            LuaValue k = LuaValue.NIL;
            while (!(k = t.next(k).arg1()).isnil()) {
                LuaValue f = t.get(k);
                if (f.isfunction() && !k.tojstring().equals("new")) {
                    names.add(lib + "." + k.tojstring());
                    fns.add(f);
                }
            }
        }
        for (String base : new String[] {"tonumber", "tostring", "unpack", "select", "loadstring", "setmetatable",
            "getmetatable", "rawget", "rawset", "next", "ipairs", "pairs", "type", "assert", "rawequal"}) {
            names.add(base);
            fns.add(g.get(base));
        }
        SplittableRandom r = new SplittableRandom(5);
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < 100_000 && problems.size() < 20; i++) {
            int f = r.nextInt(fns.size());
            int argc = r.nextInt(0, 5);
            LuaValue[] args = new LuaValue[argc];
            for (int a = 0; a < argc; a++) {
                args[a] = values.get(r.nextInt(1, n + 1));
            }
            if (names.get(f).equals("table.insert") && argc == 3 && Math.abs(args[1].todouble()) > 1e6) {
                continue; // shifting two billion slots takes as long here as in Lua 5.1
            }
            try {
                fns.get(f).invoke(LuaValue.varargsOf(args));
            } catch (LuaError e) {
                if (e.getMessage() != null && e.getMessage().contains("java.")) {
                    problems.add(names.get(f) + ": " + e.getMessage());
                }
            } catch (RuntimeException e) {
                StringBuilder sb = new StringBuilder(names.get(f)).append('(');
                for (LuaValue v : args) {
                    sb.append(v.typename()).append(':').append(v.isstring() ? v.tojstring() : "").append(", ");
                }
                problems.add(sb.append(") -> ").append(e).toString());
            }
        }
        assertEquals("", String.join("\n", problems));
    }
}
