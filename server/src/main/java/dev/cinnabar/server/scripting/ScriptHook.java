package dev.cinnabar.server.scripting;

import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaThread;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

/**
 * The instruction hook, Redis's count hook: LuaJ's interpreter calls {@link #onInstruction} for
 * every instruction once a debug library is installed, and this one only counts down, looking
 * at the running script every {@link #CHECK_EVERY} instructions (time past
 * {@code busy-reply-threshold}, SCRIPT KILL, SHUTDOWN NOSAVE, memory), or at the time a library's
 * code has left while FUNCTION LOAD runs it. The call-stack tracking
 * of LuaJ's own debug library is left out: it is what makes that library slow.
 */
final class ScriptHook extends DebugLib {
    static final int CHECK_EVERY = 10_000;
    private int countdown = CHECK_EVERY;
    /** The run being watched; null between scripts. */
    ScriptRun run;
    /** The Lua debugger's session, told of every call, return and instruction; usually null. */
    LuaDebugger debugger;
    /**
     * The function last entered and the instruction last run: where a stack overflow happened
     * (a Java StackOverflowError has no Lua position of its own).
     */
    private LuaClosure current;
    private int pc;

    /** While FUNCTION LOAD runs a library's code: when it must be done by (System.nanoTime()), else 0. */
    private long loadDeadline;

    @Override
    public void onInstruction(int pc, Varargs v, int top) {
        this.pc = pc;
        if (debugger != null) {
            debugger.onInstruction(pc);
        }
        if (--countdown <= 0) {
            countdown = CHECK_EVERY;
            ScriptRun r = run;
            if (r != null) {
                // The busy check may serve clients: on the engine's thread, also from a coroutine.
                LuaThread.runOnResumer(r::interrupt);
            } else if (loadDeadline != 0 && System.nanoTime() - loadDeadline > 0) {
                // as Redis: from then on every step fails again, so that nothing can catch it for good
                countdown = 0;
                throw new RaisedValue(LuaReplies.errorTable("FUNCTION LOAD timeout", false));
            }
        }
    }

    /** Bounds the library code FUNCTION LOAD runs to {@code millis} (Redis's load hook); 0 lifts it. */
    void loadDeadline(long millis) {
        loadDeadline = millis <= 0 ? 0 : System.nanoTime() + millis * 1_000_000L;
        if (millis <= 0) {
            countdown = CHECK_EVERY;
        }
    }

    /** After SCRIPT KILL: every instruction raises again, so that pcall cannot swallow it. */
    void checkEveryInstruction() {
        countdown = 0;
    }

    void reset() {
        countdown = CHECK_EVERY;
        current = null;
    }

    @Override
    public void onCall(LuaFunction f) {
    }

    @Override
    public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
        current = c;
        if (debugger != null) {
            debugger.onCall(c, stack);
        }
    }

    /** "user_script:N" for where the stack ran out, or null when unknown. */
    String overflowPosition() {
        LuaClosure c = current;
        if (c == null || c.p.lineinfo == null || pc < 0 || pc >= c.p.lineinfo.length || c.p.source == null) {
            return null;
        }
        String source = c.p.source.tojstring();
        return (source.startsWith("@") ? source.substring(1) : source) + ":" + c.p.lineinfo[pc];
    }

    @Override
    public void onReturn() {
        if (debugger != null) {
            debugger.onReturn();
        }
    }

    /** No traceback is appended to error messages: Redis's replies carry none. */
    @Override
    public String traceback(int level) {
        return "";
    }
}
