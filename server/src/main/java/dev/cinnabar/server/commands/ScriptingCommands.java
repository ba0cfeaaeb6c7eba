package dev.cinnabar.server.commands;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.exec.CommandHandlers;
import dev.cinnabar.server.scripting.Scripting;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT: the commands of Redis's script cache. The
 * engine (environment, cache, the run and its conversions) is in {@code scripting}.
 */
public final class ScriptingCommands {
    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("eval", this, 0);
            t.bind("evalsha", this, 1);
            t.bind("eval_ro", this, 2);
            t.bind("evalsha_ro", this, 3);
            t.bind("script|load", this, 4);
            t.bind("script|exists", this, 5);
            t.bind("script|flush", this, 6);
            t.bind("script|kill", this, 7);
            t.bind("script|help", this, 8);
            t.bind("script|debug", this, 9);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> ScriptingCommands.eval(c, false, false);
                case 1 -> ScriptingCommands.eval(c, true, false);
                case 2 -> ScriptingCommands.eval(c, false, true);
                case 3 -> ScriptingCommands.eval(c, true, true);
                case 4 -> ScriptingCommands.load(c);
                case 5 -> ScriptingCommands.exists(c);
                case 6 -> ScriptingCommands.flush(c);
                case 7 -> ScriptingCommands.kill(c);
                case 8 -> ScriptingCommands.help(c);
                case 9 -> ScriptingCommands.debug(c);
                default -> throw new IllegalArgumentException("ScriptingCommands has no handler " + handler);
            }
        }
    }

    // SCRIPT DEBUG YES|SYNC|NO
    static void debug(Client c) {
        ByteBuf pending = c.reply.buffer();
        if (pending != null && pending.isReadable()) {
            // The session talks on the connection itself: earlier replies would be in the way.
            throw new CommandError("ERR SCRIPT DEBUG must be called outside a pipeline");
        }
        if (c.argv.is(2, "no")) {
            c.clear(Client.LUA_DEBUG | Client.LUA_DEBUG_SYNC);
        } else if (c.argv.is(2, "yes")) {
            c.set(Client.LUA_DEBUG);
            c.clear(Client.LUA_DEBUG_SYNC);
        } else if (c.argv.is(2, "sync")) {
            c.set(Client.LUA_DEBUG | Client.LUA_DEBUG_SYNC);
        } else {
            throw new CommandError("ERR Use SCRIPT DEBUG YES/SYNC/NO");
        }
        c.reply.ok();
    }

    // EVAL script numkeys [key [key ...]] [arg [arg ...]]
    // EVALSHA sha1 numkeys [key [key ...]] [arg [arg ...]]
    // EVAL_RO / EVALSHA_RO: the same, for scripts that only read
    static void eval(Client c, boolean evalsha, boolean ro) {
        // EVAL is skip_monitor: MONITOR sees it here, before the commands it runs, and as Redis
        // feeds it, first: a call that fails (NOSCRIPT, a bad script or key count) is shown too.
        c.server.clients().monitors().feed(c);
        if (c.has(Client.LUA_DEBUG)) {
            if (evalsha) {
                throw new CommandError(c.argv.length(1) != 40 ? "NOSCRIPT No matching script. Please use EVAL."
                        : "ERR Please use EVAL instead of EVALSHA for debugging");
            }
            if (!c.has(Client.LUA_DEBUG_SYNC)) {
                // Redis forks a child that debugs a copy of the data while the server goes on.
                // Cinnabar does not fork: rather than run the script on the real data where the
                // user expects it rolled back, it is not run.
                throw new CommandError("ERR SCRIPT DEBUG YES (a forked session whose changes are rolled back) is not "
                        + "served: use SCRIPT DEBUG SYNC (redis-cli --ldb-sync-mode), which keeps the script's "
                        + "changes and holds the server while it lasts");
            }
            Scripting.of(c.server).debug(c, () -> evalNow(c, false, ro));
            return;
        }
        evalNow(c, evalsha, ro);
    }

    private static void evalNow(Client c, boolean evalsha, boolean ro) {
        long numkeys = Args.longArg(c, 2);
        if (numkeys > c.argv.count() - 3) {
            throw new CommandError("ERR Number of keys can't be greater than number of args");
        }
        if (numkeys < 0) {
            throw new CommandError("ERR Number of keys can't be negative");
        }
        Scripting engine = Scripting.of(c.server);
        Scripting.Script script;
        if (evalsha) {
            script = engine.lookup(c.argv, 1);
            if (script == null) {
                throw new CommandError("NOSCRIPT No matching script. Please use EVAL.");
            }
        } else {
            try {
                script = engine.create(c.argv.copy(1));
            } catch (Scripting.CreateError e) {
                throw new CommandError(e.getMessage());
            }
        }
        Argv argv = c.argv;
        try {
            engine.run(c, script, argv, 3, (int) numkeys, ro);
        } finally {
            c.argv = argv;
            // What the script's commands did is already counted and propagated, each by itself,
            // inside this command's unit (wrapped in MULTI/EXEC when there are several).
            c.preventPropagation();
            c.changes(0);
        }
    }

    // SCRIPT LOAD script
    static void load(Client c) {
        try {
            Scripting.Script s = Scripting.of(c.server).create(c.argv.copy(2));
            c.reply.bulk(s.sha().getBytes(StandardCharsets.US_ASCII));
        } catch (Scripting.CreateError e) {
            throw new CommandError(e.getMessage());
        }
    }

    // SCRIPT EXISTS sha1 [sha1 ...]
    static void exists(Client c) {
        Scripting engine = Scripting.existing(c.server);
        c.reply.array(c.argv.count() - 2);
        for (int i = 2; i < c.argv.count(); i++) {
            c.reply.integer(engine != null && engine.lookup(c.argv, i) != null ? 1 : 0);
        }
    }

    // SCRIPT FLUSH [ASYNC | SYNC]
    static void flush(Client c) {
        if (c.argv.count() > 3 || (c.argv.count() == 3 && !c.argv.is(2, "sync") && !c.argv.is(2, "async"))) {
            throw new CommandError("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
        }
        Scripting.of(c.server).reset();
        c.reply.ok();
    }

    // SCRIPT KILL
    static void kill(Client c) {
        String error = Scripting.of(c.server).kill(true);
        if (error != null) {
            throw new CommandError(error);
        }
        c.reply.ok();
    }

    // SCRIPT HELP
    static void help(Client c) {
        Help.reply(c, new String[] {
            "DEBUG (YES|SYNC|NO)",
            "    Set the debug mode for subsequent scripts executed.",
            "EXISTS <sha1> [<sha1> ...]",
            "    Return information about the existence of the scripts in the script cache.",
            "FLUSH [ASYNC|SYNC]",
            "    Flush the Lua scripts cache. Very dangerous on replicas.",
            "    When called without the optional mode argument, the behavior is determined by the",
            "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
            "    * ASYNC: Asynchronously flush the scripts cache.",
            "    * SYNC: Synchronously flush the scripts cache.",
            "KILL",
            "    Kill the currently executing Lua script.",
            "LOAD <script>",
            "    Load a script into the scripts cache without executing it.",
        });
    }
}
