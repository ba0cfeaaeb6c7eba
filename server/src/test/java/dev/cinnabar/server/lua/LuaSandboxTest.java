package dev.cinnabar.server.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

class LuaSandboxTest {

    static Varargs eval(Globals g, String script) {
        return g.load(new ByteArrayInputStream(script.getBytes(StandardCharsets.ISO_8859_1)), "@user_script", "t", g)
            .invoke();
    }

    @Test
    void globalsAreExactlyRedisOnes() {
        Globals g = LuaSandbox.newGlobals();
        TreeSet<String> names = new TreeSet<>();
        LuaValue k = LuaValue.NIL;
        while (true) {
            k = g.next(k).arg1();
            if (k.isnil()) {
                break;
            }
            names.add(k.tojstring());
        }
        // redis-cli eval "for k in pairs(_G) ..." on 7.0.15, less KEYS, ARGV, redis, __redis__err__handler
        assertEquals(new TreeSet<>(java.util.List.of("_G", "_VERSION", "assert", "bit", "cjson", "cmsgpack",
            "collectgarbage", "coroutine", "error", "gcinfo", "getmetatable", "ipairs", "load", "loadstring", "math",
            "next", "pairs", "pcall", "rawequal", "rawget", "rawset", "select", "setmetatable", "string", "struct",
            "table", "tonumber", "tostring", "type", "unpack", "xpcall")), names);
    }

    @Test
    void noWayToJavaFilesOrBytecode() {
        Globals g = LuaSandbox.newGlobals();
        assertEquals(LuaValue.NIL, g.get("luajava"));
        assertEquals(LuaValue.NIL, g.get("io"));
        assertEquals(LuaValue.NIL, g.get("os"));
        assertEquals(LuaValue.NIL, g.get("require"));
        assertEquals(LuaValue.NIL, g.get("debug"));
        // string.dump makes LuaJ bytecode; loadstring and load read text only
        Varargs r = eval(g, "return loadstring(string.dump(function() return 1 end))");
        assertTrue(r.arg1().isnil());
        assertTrue(r.arg(2).tojstring().startsWith("[string \""), r.arg(2).tojstring());
        byte[] dumped = eval(g, "return string.dump(function() return 1 end)").arg1().checkstring().m_bytes;
        assertThrows(LuaError.class,
            () -> g.load(new ByteArrayInputStream(dumped), "@user_script", "t", g).call());
    }

    @Test
    void stringsShareTheStringLibraryAsTheirIndex() {
        Globals a = LuaSandbox.newGlobals();
        Globals b = LuaSandbox.newGlobals();
        assertEquals(LuaValue.TRUE, eval(a, "return getmetatable('').__index == string").arg1());
        assertEquals(LuaValue.TRUE, eval(b, "return getmetatable('').__index == string").arg1());
        assertEquals("ABC", eval(b, "return ('abc'):upper()").arg1().tojstring());
    }

    @Test
    void randomIsRedisLrand48FromTheProcessStartAndNotReseededPerScript() {
        // a fresh redis-server 7.0.15 answers EVAL "return {math.random(1000), math.random(1000)}" 0
        // with 397, 841 and then, in the next EVAL, 354, 447
        LuaRandom shared = new LuaRandom();
        Globals eval = LuaSandbox.newGlobals(shared);
        Globals functions = LuaSandbox.newGlobals(shared);
        Varargs first = eval(eval, "return math.random(1000), math.random(1000)");
        assertEquals(397, first.arg(1).toint());
        assertEquals(841, first.arg(2).toint());
        Varargs second = eval(functions, "return math.random(1000), math.random(1000)");
        assertEquals(354, second.arg(1).toint());
        assertEquals(447, second.arg(2).toint());
        shared.reset();
        assertEquals(397, eval(eval, "return math.random(1000)").arg1().toint());
    }

    @Test
    void randomCanBeRefusedOutsideAScriptInvocation() {
        LuaRandom r = new LuaRandom();
        Globals g = LuaSandbox.newGlobals(r);
        r.allow(false);
        LuaError e = assertThrows(LuaError.class, () -> eval(g, "return math.random()"));
        assertEquals("user_script:1: math.random can only be called inside a script invocation", e.getMessage());
        e = assertThrows(LuaError.class, () -> eval(g, "math.randomseed(1)"));
        assertEquals("user_script:1: math.randomseed can only be called inside a script invocation", e.getMessage());
        r.allow(true);
        assertEquals(397, eval(g, "return math.random(1000)").arg1().toint());
    }

    @Test
    void cjsonSettingsBelongToTheirModuleTable() {
        Globals g = LuaSandbox.newGlobals();
        eval(g, "cjson.encode_max_depth(2)");
        assertEquals(2, eval(g, "return cjson.encode_max_depth()").arg1().toint());
        assertEquals(1000, eval(g, "return cjson.new().encode_max_depth()").arg1().toint());
        assertEquals(1000, eval(LuaSandbox.newGlobals(), "return cjson.encode_max_depth()").arg1().toint());
    }

    @Test
    void tailCallErrorsCarryThePosition() {
        Globals g = LuaSandbox.newGlobals();
        LuaError e = assertThrows(LuaError.class, () -> eval(g, "\n\nreturn cjson.decode('[')"));
        assertEquals("user_script:3: Expected value but found T_END at character 2", e.getMessage());
        e = assertThrows(LuaError.class, () -> eval(g, "error('plain', 0)"));
        assertEquals("plain", e.getMessage());
        e = assertThrows(LuaError.class, () -> eval(g, "local t = nil\nlocal x = t.y"));
        assertEquals("user_script:2: attempt to index local 't' (a nil value)", e.getMessage());
    }

    @Test
    void deepTailRecursionStillRuns() {
        Globals g = LuaSandbox.newGlobals();
        assertEquals(500, eval(g, "local function f(n) if n == 0 then return 500 end return f(n - 1) end return f(500)")
            .arg1().toint());
    }

    @Test
    void coroutinesWork() {
        Globals g = LuaSandbox.newGlobals();
        assertEquals("1,2,3", eval(g, "local r = {} for v in coroutine.wrap(function() for i = 1, 3 do "
            + "coroutine.yield(i) end end) do r[#r + 1] = v end return table.concat(r, ',')").arg1().tojstring());
    }
}
