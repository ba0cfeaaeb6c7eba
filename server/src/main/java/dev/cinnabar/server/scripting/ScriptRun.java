package dev.cinnabar.server.scripting;

import dev.cinnabar.server.client.BusyState;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.LongTask;
import dev.cinnabar.server.log.ServerLog;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import org.luaj.vm2.LuaError;

/**
 * One script being run (Redis's scriptRunCtx): who asked, whether it may write and has written,
 * and, once it has run past {@code busy-reply-threshold}, the long task that lets other clients
 * in (to be told -BUSY, to send SCRIPT KILL or SHUTDOWN NOSAVE).
 */
final class ScriptRun {
    private final Scripting engine;
    final Client caller;
    /** A function's name, or the {@link Scripting.Script} whose SHA1 names it. */
    private final Object name;
    /** EVAL (SCRIPT KILL stops it), or a function (FUNCTION KILL). */
    final boolean eval;
    final boolean readOnly;
    final long threshold;
    private final long startNanos;
    /** A write command was called: SCRIPT KILL answers -UNKILLABLE from now on. */
    boolean writeDirty;
    /** Declared {@code allow-oom}: its commands may grow the dataset even when memory is out. */
    boolean allowOom;
    /** Cluster mode: its commands may touch keys of several slots (no shebang, or allow-cross-slot-keys). */
    boolean allowCrossSlot;
    /** redis.set_repl: where the script's commands propagate (REPL_ALL by default). */
    int replFlags = RedisApi.REPL_AOF | RedisApi.REPL_REPLICA;
    private LongTask task;
    /** The task is the Lua debugger's, which ends it: the run serves clients through it from the start. */
    private boolean adopted;
    private boolean killed;

    ScriptRun(Scripting engine, Client caller, Object name, boolean eval, boolean readOnly, long thresholdMillis) {
        this.engine = engine;
        this.caller = caller;
        this.name = name;
        this.eval = eval;
        this.readOnly = readOnly;
        this.threshold = thresholdMillis;
        this.startNanos = System.nanoTime();
    }

    String name() {
        return nameOf(name);
    }

    static String nameOf(Object name) {
        return name instanceof Scripting.Script s ? s.sha() : (String) name;
    }

    /** Milliseconds since the run started (FUNCTION STATS). */
    long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Past the threshold (the server is answering -BUSY). */
    boolean timedOut() {
        return task != null;
    }

    /** Called by the hook every few thousand instructions. */
    void interrupt() {
        if (killed) {
            throw new ScriptKilled();
        }
        if (threshold <= 0 && !adopted) {
            // busy-reply-threshold 0: never busy (Redis installs no hook then), but still bounded.
            MemoryGuard.check();
            return;
        }
        if (task == null) {
            long elapsedMillis = (System.nanoTime() - startNanos) / 1_000_000;
            if (elapsedMillis < threshold) {
                MemoryGuard.check();
                return;
            }
            ServerLog.warning("Slow script detected: still in execution after " + elapsedMillis
                    + " milliseconds. You can try killing the script using the " + (eval ? "SCRIPT KILL" : "FUNCTION KILL")
                    + " command. Script name is: " + name() + ".");
            task = engine.server.control().beginLongTask(caller, eval ? BusyState.SCRIPT : BusyState.FUNCTION);
        }
        task.poll();
        if (task.killRequested() || task.stopRequested()) {
            if (task.killRequested()) {
                ServerLog.warning("Lua script killed by user with SCRIPT KILL.");
            }
            killed = true;
            engine.hook().checkEveryInstruction();
            throw new ScriptKilled();
        }
        MemoryGuard.check();
    }

    /** Runs inside {@code debugSession}'s long task (SCRIPT KILL may end it at once). */
    void adopt(LongTask debugSession) {
        task = debugSession;
        adopted = true;
    }

    void end() {
        if (task != null && !adopted) {
            task.close();
            task = null;
        }
    }

    /**
     * A script that allocates without bound fails before the heap runs out: after a
     * collection, the old generation holding over 90% of what it may grow to means the live
     * data no longer fits. An OutOfMemoryError on the engine thread is caught as well.
     */
    static final class MemoryGuard {
        private static final MemoryPoolMXBean OLD = findOldPool();

        private static MemoryPoolMXBean findOldPool() {
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                if (p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported()
                        && (p.getName().contains("Old") || p.getName().contains("Tenured"))) {
                    return p;
                }
            }
            return null;
        }

        private static boolean high() {
            MemoryUsage u = OLD.getCollectionUsage();
            long max = OLD.getUsage().getMax();
            if (max <= 0) {
                max = Runtime.getRuntime().maxMemory();
            }
            return u != null && u.getUsed() > max / 10 * 9;
        }

        static void check() {
            if (OLD == null) {
                return;
            }
            if (high()) {
                // The figure may be stale, from before the garbage of an earlier script went.
                System.gc();
                if (high()) {
                    throw new LuaError("not enough memory");
                }
            }
        }
    }
}
