package dev.cinnabar.server.scripting;

import dev.cinnabar.datatypes.Doubles;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandFlags;
import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.db.Propagation;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.lua.LuaErrors;
import dev.cinnabar.server.lua.LuaSandbox;
import dev.cinnabar.server.lua.LuaOperandNames;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaThread;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code redis} table Redis 7.0 gives scripts and its replacement of {@code pcall}, with
 * Redis's argument checks and error texts.
 */
final class RedisApi {
    static final String VERSION = "7.0.15";
    static final int VERSION_NUM = 0x0007000f;
    static final int REPL_AOF = 1;
    static final int REPL_REPLICA = 2;

    private RedisApi() {
    }

    /**
     * Puts the {@code redis} table in {@code g}; {@code eval}: EVAL's, with what Redis adds for it
     * alone (replicate_commands and the debugger's breakpoint and debug), which functions lack.
     */
    static void install(Scripting engine, Globals g, boolean eval) {
        LuaTable redis = new LuaTable();
        redis.rawset("call", new CallFunction(engine, true));
        redis.rawset("pcall", new CallFunction(engine, false));
        redis.rawset("log", fn(RedisApi::log));
        redis.rawset("LOG_DEBUG", LuaValue.valueOf(0));
        redis.rawset("LOG_VERBOSE", LuaValue.valueOf(1));
        redis.rawset("LOG_NOTICE", LuaValue.valueOf(2));
        redis.rawset("LOG_WARNING", LuaValue.valueOf(3));
        redis.rawset("REDIS_VERSION_NUM", LuaValue.valueOf(VERSION_NUM));
        redis.rawset("REDIS_VERSION", LuaValue.valueOf(VERSION));
        redis.rawset("setresp", fn(args -> {
            ScriptRun run = running(engine, "redis.setresp can only be called inside a script invocation");
            if (args.narg() != 1) {
                throw raise("redis.setresp() requires one argument.");
            }
            int resp = (int) LuaReplies.truncate(args.arg1().optdouble(0));
            if (resp != 2 && resp != 3) {
                throw raise("RESP version must be 2 or 3.");
            }
            engine.client.reply.protocol(resp);
            return LuaValue.NONE;
        }));
        redis.rawset("sha1hex", fn(args -> {
            if (args.narg() != 1) {
                throw raise("wrong number of arguments");
            }
            LuaValue v = args.arg1();
            byte[] b = v.isstring() ? LuaReplies.bytes(v.checkstring()) : new byte[0];
            return LuaValue.valueOf(Scripting.sha1hex(b, 0, b.length));
        }));
        redis.rawset("error_reply", fn(args -> {
            if (args.narg() != 1 || args.arg1().type() != LuaValue.TSTRING) {
                return LuaReplies.errorTable("wrong number or type of arguments", false);
            }
            String err = latin1(args.arg1());
            return LuaReplies.errorTable(err.startsWith("-") ? err : "-" + err, false);
        }));
        redis.rawset("status_reply", fn(args -> {
            if (args.narg() != 1 || args.arg1().type() != LuaValue.TSTRING) {
                return LuaReplies.errorTable("wrong number or type of arguments", false);
            }
            LuaTable t = new LuaTable();
            t.rawset(LuaReplies.OK, args.arg1());
            return t;
        }));
        redis.rawset("set_repl", fn(args -> {
            ScriptRun run = running(engine, "redis.set_repl can only be called inside a script invocation");
            if (args.narg() != 1) {
                throw raise("redis.set_repl() requires two arguments.");
            }
            int flags = (int) LuaReplies.truncate(args.arg1().optdouble(0));
            if ((flags & ~(REPL_AOF | REPL_REPLICA)) != 0) {
                throw raise("Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
            }
            run.replFlags = flags;
            return LuaValue.NONE;
        }));
        redis.rawset("REPL_NONE", LuaValue.valueOf(0));
        redis.rawset("REPL_AOF", LuaValue.valueOf(REPL_AOF));
        redis.rawset("REPL_SLAVE", LuaValue.valueOf(REPL_REPLICA));
        redis.rawset("REPL_REPLICA", LuaValue.valueOf(REPL_REPLICA));
        redis.rawset("REPL_ALL", LuaValue.valueOf(REPL_AOF | REPL_REPLICA));
        if (eval) {
            installEvalOnly(engine, redis);
        }
        redis.rawset("acl_check_cmd", fn(args -> {
            running(engine, "redis.acl_check_cmd can only be called inside a script invocation");
            Argv line = Argv.of(toArgv(args, true));
            CommandSpec cmd = engine.server.commands().lookup(line, 0);
            if (cmd != null && cmd.isContainer() && line.count() >= 2) {
                cmd = cmd.subcommand(line, 1);
            }
            if (cmd == null) {
                throw raise("Invalid command passed to redis.acl_check_cmd()");
            }
            // The script client runs with its caller's user.
            dev.cinnabar.server.acl.AclUser user = engine.client.user;
            return LuaValue.valueOf(engine.server.acl().check.check(user, cmd, line, 0)
                    == dev.cinnabar.server.acl.AclCheck.OK);
        }));
        g.set("redis", redis);
        g.set("pcall", fn(RedisApi::pcall));
        g.set("xpcall", fn(RedisApi::xpcall));
        g.set("error", fn(RedisApi::error));
        if (eval) {
            // A global in Redis 7.0, which its EVAL passes to lua_pcall. Errors here are made
            // tables where they are raised; a script that calls it gets the table it would.
            g.set(ERROR_HANDLER, fn(args -> {
                LuaValue err = args.arg1();
                if (err.istable()) {
                    return err;
                }
                LuaTable t = new LuaTable();
                t.rawset(LuaReplies.ERR, LuaValue.valueOf("ERR " + err.tojstring()));
                return t;
            }));
            LuaSandbox.layOutGlobals(g, ERROR_HANDLER);
        } else {
            LuaSandbox.layOutGlobals(g);
        }
    }

    static final String ERROR_HANDLER = "__redis__err__handler";

    private static void installEvalOnly(Scripting engine, LuaTable redis) {
        // Effects replication is the only kind since 7.0: this says yes and does nothing.
        redis.rawset("replicate_commands", fn(args -> LuaValue.TRUE));
        // The Lua debugger's (SCRIPT DEBUG SYNC); outside a session they do nothing.
        redis.rawset("breakpoint", fn(args -> {
            LuaDebugger d = engine.debugger;
            if (d == null) {
                return LuaValue.FALSE;
            }
            d.breakpoint();
            return LuaValue.TRUE;
        }));
        redis.rawset("debug", fn(args -> {
            LuaDebugger d = engine.debugger;
            if (d != null) {
                d.debug(args);
            }
            return LuaValue.NONE;
        }));
    }

    interface Body {
        Varargs invoke(Varargs args);
    }

    static VarArgFunction fn(Body body) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return body.invoke(args);
            }
        };
    }

    /** Redis's luaPushError + lua_error: an error table with code ERR. */
    /**
     * Why a script's first write is refused, as Redis's scriptVerifyWriteCommandAllow checks:
     * a read-only replica (unless its master runs the script), a failed BGSAVE or AOF write, or
     * too few good replicas; null when writes are taken. After its first write a script is never
     * stopped this way, which would break its atomicity.
     */
    /** Redis's scriptVerifyWriteCommandAllow: what keeps the script's first write from running, or null. */
    private static String writeRefusal(Scripting engine, Client caller) {
        boolean replica = !engine.server.config().masterHost.isEmpty();
        boolean obeyed = caller != null && caller.mustObey();
        if (replica && engine.server.config().replicaReadOnly && !obeyed) {
            return "-" + dev.cinnabar.server.exec.Dispatcher.READONLY_REPLICA;
        }
        if (!obeyed && engine.server.diskError.getAsBoolean()) {
            return "-" + dev.cinnabar.server.exec.Dispatcher.MISCONF;
        }
        String aofError = obeyed ? null : engine.server.aofDiskError.get();
        if (aofError != null) {
            return "-" + aofError;
        }
        if (!replica && !engine.server.config().enoughGoodReplicas(engine.server.goodReplicas)) {
            return "-" + dev.cinnabar.server.exec.Dispatcher.NOREPLICAS;
        }
        return null;
    }

    /**
     * The ACL check of a script's command against its caller's user (Redis's scriptVerifyACL):
     * null when allowed, else the error, after an ACL LOG entry in context "lua".
     */
    private static String aclDenial(Client sc, CommandSpec cmd, Argv a) {
        dev.cinnabar.server.acl.AclCheck check = sc.server.acl().check;
        int reason = check.check(sc.user, cmd, a, 0);
        if (reason == dev.cinnabar.server.acl.AclCheck.OK) {
            return null;
        }
        dev.cinnabar.server.client.AclDenials.log(sc, reason, check.position(), "lua", cmd, a, 0);
        return "The user executing the script " + dev.cinnabar.server.acl.AclCheck.scriptMessage(reason);
    }

    static RaisedValue raise(String message) {
        return new RaisedValue(LuaReplies.errorTable(message, false));
    }

    private static ScriptRun running(Scripting engine, String otherwise) {
        ScriptRun run = engine.running;
        if (run == null) {
            throw raise(otherwise);
        }
        return run;
    }

    static String latin1(LuaValue v) {
        return v.checkstring().tojstring();
    }

    /** Redis's pcall: as Lua's, but an error table carrying {@code err} gives that string. */
    private static Varargs pcall(Varargs args) {
        if (args.narg() == 0) {
            return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf("bad argument #1 to 'pcall' (value expected)"));
        }
        LuaValue f = args.arg1();
        try {
            return LuaValue.varargsOf(LuaValue.TRUE, LuaThread.invokeFromLibrary(f, args.subargs(2)));
        } catch (ScriptKilled k) {
            throw k;
        } catch (LuaError | StackOverflowError | OutOfMemoryError e) {
            LuaValue v = caught(e, f);
            if (v.istable()) {
                LuaValue err = v.get(LuaReplies.ERR);
                if (!err.isstring()) {
                    // Redis's pcall reads the field as lua_getfield does (__index too) and leaves it on
                    // the stack when it is no string: a third value.
                    return LuaValue.varargsOf(LuaValue.FALSE, v, err);
                }
                v = err;
            }
            return LuaValue.varargsOf(LuaValue.FALSE, v);
        }
    }

    /** The value a failure of {@code f} called by pcall or xpcall gives, its function named '?' as Lua's do. */
    private static LuaValue caught(Throwable e, LuaValue f) {
        if (e instanceof LuaError le) {
            LuaOperandNames.nameCalledFromLibrary(le, f);
        }
        return Scripting.errorValue(e);
    }

    /**
     * Lua 5.1's xpcall(f, handler): f is called without arguments; if it fails, the result is
     * false and what the handler returns for the error value (LuaJ's own xpcall kept the error
     * and dropped the handler's answer). A failing handler gives "error in error handling", as
     * LUA_ERRERR does.
     */
    private static Varargs xpcall(Varargs args) {
        if (args.narg() < 2) {
            throw LuaErrors.arg(2, "xpcall", "value expected");
        }
        LuaValue f = args.arg1();
        LuaValue handler = args.arg(2);
        try {
            return LuaValue.varargsOf(LuaValue.TRUE, LuaThread.invokeFromLibrary(f, LuaValue.NONE));
        } catch (ScriptKilled k) {
            throw k;
        } catch (LuaError | StackOverflowError | OutOfMemoryError e) {
            LuaValue v = caught(e, f);
            try {
                return LuaValue.varargsOf(LuaValue.FALSE, handler.call(v));
            } catch (ScriptKilled k) {
                throw k;
            } catch (LuaError | StackOverflowError handlerFailed) {
                return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf("error in error handling"));
            }
        }
    }

    /**
     * Lua's error, keeping where it was raised even when the message has no position (level 0,
     * a table, nil): Redis's reply names the line all the same.
     */
    private static Varargs error(Varargs args) {
        LuaValue msg = args.arg1();
        int level = LuaErrors.optInt(args, 2, "error", 1);
        if (level > 0 && (msg.type() == LuaValue.TSTRING || msg.type() == LuaValue.TNUMBER)) {
            throw new LuaError(msg.tojstring(), level);
        }
        throw new RaisedValue(msg);
    }

    private static Varargs log(Varargs args) {
        int argc = args.narg();
        if (argc < 2) {
            throw raise("redis.log() requires two arguments or more.");
        }
        if (!args.arg1().isnumber()) {
            throw raise("First argument must be a number (log level).");
        }
        int level = (int) LuaReplies.truncate(args.arg1().todouble());
        if (level < 0 || level > 3) {
            throw raise("Invalid debug level.");
        }
        ServerLog.Level l = ServerLog.Level.values()[level];
        if (!ServerLog.enabled(l)) {
            return LuaValue.NONE;
        }
        StringBuilder sb = new StringBuilder();
        boolean first = true;
        for (int j = 2; j <= argc; j++) {
            LuaValue v = args.arg(j);
            if (v.isstring()) {
                if (!first) {
                    sb.append(' ');
                }
                // The log file is UTF-8 text: a script's UTF-8 bytes are written back as they are.
                LuaString b = v.strvalue();
                sb.append(new String(b.m_bytes, b.m_offset, b.m_length, StandardCharsets.UTF_8));
                first = false;
            }
        }
        ServerLog.raw(l, sb.toString());
        return LuaValue.NONE;
    }

    /** The arguments of redis.call as Redis builds them: strings as they are, numbers as %.17g. */
    static byte[][] toArgv(Varargs args, boolean raise) {
        int n = args.narg();
        if (n == 0) {
            throw raise("Please specify at least one argument for this redis lib call");
        }
        byte[][] argv = new byte[n][];
        for (int i = 0; i < n; i++) {
            LuaValue v = args.arg(i + 1);
            if (v.type() == LuaValue.TNUMBER) {
                argv[i] = Doubles.format17g(v.todouble());
            } else if (v.type() == LuaValue.TSTRING) {
                argv[i] = LuaReplies.bytes((LuaString) v);
            } else {
                throw raise("Lua redis lib command arguments must be strings or integers");
            }
        }
        return argv;
    }

    /**
     * {@link #toArgv}'s arguments added to {@code a} without copying the strings; the error to
     * raise when one is neither a string nor a number, else null.
     */
    static RaisedValue addArguments(Argv a, Varargs args) {
        int n = args.narg();
        if (n == 0) {
            return raise("Please specify at least one argument for this redis lib call");
        }
        for (int i = 1; i <= n; i++) {
            LuaValue v = args.arg(i);
            if (v.type() == LuaValue.TNUMBER) {
                a.add(Doubles.format17g(v.todouble()));
            } else if (v.type() == LuaValue.TSTRING) {
                LuaString s = (LuaString) v;
                a.add(s.m_bytes, s.m_offset, s.m_length);
            } else {
                return raise("Lua redis lib command arguments must be strings or integers");
            }
        }
        return null;
    }

    /** redis.call and redis.pcall (Redis's luaRedisGenericCommand and scriptCall). */
    static final class CallFunction extends VarArgFunction {
        private final Scripting engine;
        private final boolean raise;
        /**
         * The command's arguments, reused while nothing propagates: slices of the Lua strings
         * (which never change) or numbers' texts. Commands copy what they keep, as they do with
         * a request's slices of the query buffer.
         */
        private final Argv callArgv = new Argv();

        CallFunction(Scripting engine, boolean raise) {
            this.engine = engine;
            this.raise = raise;
        }

        @Override
        public Varargs invoke(Varargs args) {
            if (LuaThread.runsCoroutine()) {
                // Commands run on the engine's thread: a coroutine's thread hands the call to it.
                Varargs[] out = new Varargs[1];
                LuaThread.runOnResumer(() -> out[0] = call(args));
                return out[0];
            }
            return call(args);
        }

        private Varargs call(Varargs args) {
            ScriptRun run = engine.running;
            if (run == null) {
                throw raise("redis.call/pcall can only be called inside a script invocation");
            }
            // Propagation keeps a command's argv until the script's unit ends.
            Argv a = engine.server.propagation().active() ? new Argv(args.narg()) : callArgv;
            a.clear();
            RaisedValue bad = addArguments(a, args);
            if (bad != null) {
                a.clear();
                if (raise) {
                    throw bad;
                }
                return bad.value;
            }
            Client sc = engine.client;
            LuaDebugger debugger = engine.debugger;
            if (debugger != null && debugger.stepping()) {
                debugger.logCommand(a);
            }
            CommandSpec cmd = engine.server.commands().lookup(a, 0);
            if (cmd != null && cmd.isContainer() && a.count() >= 2) {
                cmd = cmd.subcommand(a, 1);
            }
            String err = null;
            if (cmd == null) {
                err = "Unknown Redis command called from script";
            } else if (!cmd.arityAccepts(a.count())) {
                err = "Wrong number of args calling Redis command from script";
            } else if (cmd.has(CommandFlags.NOSCRIPT)
                    && (!engine.server.disableDenyScripts || DenyScriptsOverride.stillDenied(cmd))) {
                err = "This Redis command is not allowed from script";
            } else if ((err = aclDenial(sc, cmd, a)) != null) {
                // the caller's user may not run it: err says why
            } else if (run.readOnly && cmd.has(CommandFlags.WRITE | CommandFlags.MAY_REPLICATE)) {
                err = "Write commands are not allowed from read-only scripts.";
            } else if (cmd.has(CommandFlags.WRITE) && !run.writeDirty && (err = writeRefusal(engine, run.caller)) != null) {
                // the server refuses writes now: err says why
            } else if (!run.allowOom && !run.writeDirty && cmd.has(CommandFlags.DENYOOM)
                    && engine.server.eviction().outOfMemoryAtCommandStart()) {
                // Only before its first write: a script stopped halfway would break atomicity.
                err = "-OOM command not allowed when used memory > 'maxmemory'.";
            } else if (engine.server.router != null
                    && (err = engine.server.router.scriptDenial(run.caller, sc, cmd, a, cmd.flags, run.allowCrossSlot)) != null) {
                // cluster mode: a key this node does not serve, or of another slot than the script's
            } else if (!cmd.has(CommandFlags.STALE) && engine.server.servesNoStaleData()) {
                // Redis's scriptVerifyAllowStale
                err = "Can not execute the command on a stale replica";
            }
            if (err != null) {
                // Counted as the script connection's error, and the command's rejection, as in
                // Redis; taken by the rejection, so the script's command does not fail for it.
                sc.reply.error(err.startsWith("-") ? err.substring(1) : "ERR " + err);
                engine.takeClientOutput();
                engine.server.stats().takeErrors();
                if (cmd != null) {
                    cmd.rejectedCalls++;
                }
                LuaTable t = LuaReplies.errorTable(err, true);
                if (raise) {
                    throw new RaisedValue(t);
                }
                return t;
            }
            if (cmd.has(CommandFlags.WRITE)) {
                run.writeDirty = true;
            }
            sc.argv = a;
            sc.allowPropagationTo(((run.replFlags & REPL_AOF) != 0 ? Propagation.TO_AOF : 0)
                    | ((run.replFlags & REPL_REPLICA) != 0 ? Propagation.TO_REPLICAS : 0));
            try {
                engine.server.caller().call(sc, cmd);
            } finally {
                sc.allowPropagationTo(Propagation.TO_ALL);
            }
            sc.argv = null;
            if (a == callArgv) {
                a.clear();
            }
            byte[] shown = debugger != null && debugger.stepping() ? engine.peekClientReply() : null;
            LuaValue v = engine.takeClientReply();
            if (shown != null) {
                debugger.logReply(shown);
            }
            if (v == null) {
                return LuaValue.NIL;
            }
            if (raise && engine.clientReplyWasError()) {
                throw new RaisedValue(v);
            }
            return v;
        }
    }
}
