package org.luaj.vm2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.lua.LuaSandbox;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The threads under coroutines: what a coroutine hands to its resumer runs on the thread that is
 * no coroutine's (the engine's, in the server), however deep the coroutines nest; what that work
 * throws comes back where it was asked for; and a run's suspended coroutines give their threads
 * back when the run ends.
 */
class LuaThreadTest {
    private static Varargs eval(Globals g, String script) {
        return g.load(new ByteArrayInputStream(script.getBytes(StandardCharsets.ISO_8859_1)), "@user_script", "t", g)
                .invoke(LuaValue.NONE);
    }

    /** A global {@code engine()} that runs on the resumer side and returns how many times it ran. */
    private static List<Thread> installEngineCall(Globals g) {
        List<Thread> ranOn = new ArrayList<>();
        g.rawset("engine", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaThread.runOnResumer(() -> {
                    ranOn.add(Thread.currentThread());
                    if (args.arg1().toboolean()) {
                        throw new LuaError("refused by the engine");
                    }
                });
                return LuaValue.valueOf(ranOn.size());
            }
        });
        return ranOn;
    }

    @Test
    void workFromNestedCoroutinesRunsOnTheOutermostThread() {
        Globals g = LuaSandbox.newGlobals();
        List<Thread> ranOn = installEngineCall(g);
        Varargs r = eval(g, "local inner = coroutine.wrap(function() coroutine.yield(engine()) return engine() end)\n"
                + "local outer = coroutine.wrap(function() local a = inner() local b = engine() return a + b + inner() end)\n"
                + "return outer(), engine()");
        assertEquals(1 + 2 + 3, r.arg1().toint());
        assertEquals(4, r.arg(2).toint());
        assertEquals(4, ranOn.size());
        for (Thread t : ranOn) {
            assertSame(Thread.currentThread(), t);
        }
    }

    @Test
    void whatTheWorkThrowsIsRaisedInTheCoroutine() {
        Globals g = LuaSandbox.newGlobals();
        installEngineCall(g);
        Varargs r = eval(g, "local co = coroutine.create(function() local ok, e = pcall(engine, true) "
                + "coroutine.yield(e) error('after') end)\n"
                + "local ok1, e1 = coroutine.resume(co) local ok2, e2 = coroutine.resume(co) return e1, ok2, e2");
        assertEquals("refused by the engine", r.arg1().tojstring());
        assertEquals(LuaValue.FALSE, r.arg(2));
        assertEquals("user_script:1: after", r.arg(3).tojstring());
    }

    @Test
    void aRunsSuspendedCoroutinesEndWithIt() throws Exception {
        Globals g = LuaSandbox.newGlobals();
        int before = LuaThread.startedCount();
        long run = LuaThread.beginRun();
        eval(g, "for i = 1, 50 do local co = coroutine.create(function() coroutine.yield() end) coroutine.resume(co) end");
        assertTrue(LuaThread.startedCount() >= before + 50, "started: " + LuaThread.startedCount());
        LuaThread.endRun(run);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (LuaThread.startedCount() > before && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(before, LuaThread.startedCount());
    }
}
