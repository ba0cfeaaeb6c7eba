package dev.cinnabar.server.commands;

import dev.cinnabar.datatypes.Glob;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.exec.CommandHandlers;
import dev.cinnabar.server.scripting.Functions;
import dev.cinnabar.server.scripting.Scripting;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * FUNCTION (LOAD, DELETE, FLUSH, LIST, DUMP, RESTORE, STATS, KILL, HELP), FCALL and FCALL_RO:
 * Redis 7.0's function libraries.
 */
public final class FunctionCommands {
    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("fcall", this, 0);
            t.bind("fcall_ro", this, 1);
            t.bind("function|load", this, 2);
            t.bind("function|delete", this, 3);
            t.bind("function|flush", this, 4);
            t.bind("function|list", this, 5);
            t.bind("function|stats", this, 6);
            t.bind("function|kill", this, 7);
            t.bind("function|help", this, 8);
            t.bind("function|dump", this, 9);
            t.bind("function|restore", this, 10);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> FunctionCommands.fcall(c, false);
                case 1 -> FunctionCommands.fcall(c, true);
                case 2 -> FunctionCommands.load(c);
                case 3 -> FunctionCommands.delete(c);
                case 4 -> FunctionCommands.flush(c);
                case 5 -> FunctionCommands.list(c);
                case 6 -> FunctionCommands.stats(c);
                case 7 -> FunctionCommands.kill(c);
                case 8 -> FunctionCommands.help(c);
                case 9 -> FunctionCommands.dump(c);
                case 10 -> FunctionCommands.restore(c);
                default -> throw new IllegalArgumentException("FunctionCommands has no handler " + handler);
            }
        }
    }

    // FCALL function numkeys [key [key ...]] [arg [arg ...]]
    // FCALL_RO: the same, for functions flagged no-writes
    static void fcall(Client c, boolean ro) {
        // FCALL is skip_monitor: MONITOR sees it here, before the commands it runs.
        c.server.clients().monitors().feed(c);
        Functions functions = Scripting.of(c.server).functions();
        Functions.Function f = functions.function(c.argv.latin1(1));
        if (f == null) {
            throw new CommandError("ERR Function not found");
        }
        long numkeys = Args.longArg(c, 2, "ERR Bad number of keys provided");
        if (numkeys > c.argv.count() - 3) {
            throw new CommandError("ERR Number of keys can't be greater than number of args");
        }
        if (numkeys < 0) {
            throw new CommandError("ERR Number of keys can't be negative");
        }
        Argv argv = c.argv;
        try {
            functions.call(c, f, argv, (int) numkeys, ro);
        } finally {
            c.argv = argv;
            c.preventPropagation();
            c.changes(0);
        }
    }

    // FUNCTION LOAD [REPLACE] function-code
    static void load(Client c) {
        boolean replace = false;
        int i = 2;
        while (i < c.argv.count() - 1) {
            if (c.argv.is(i, "replace")) {
                replace = true;
                i++;
                continue;
            }
            throw new CommandError("ERR Unknown option given: " + c.argv.cString(i));
        }
        if (i != c.argv.count() - 1) {
            throw new CommandError("ERR Function code is missing");
        }
        try {
            String name = Scripting.of(c.server).functions().load(c.argv.copy(i), replace);
            c.reply.bulk(name.getBytes(StandardCharsets.ISO_8859_1));
            // Replicas and the AOF load it too; it counts as one change, as in Redis.
            c.forcePropagation();
            c.changes(1);
        } catch (Functions.LoadError e) {
            throw new CommandError(e.getMessage());
        }
    }

    // FUNCTION DELETE library-name
    static void delete(Client c) {
        if (!Scripting.of(c.server).functions().deleteLibrary(c.argv.latin1(2))) {
            throw new CommandError("ERR Library not found");
        }
        c.forcePropagation();
        c.changes(1);
        c.reply.ok();
    }

    // FUNCTION FLUSH [ASYNC | SYNC]
    static void flush(Client c) {
        if (c.argv.count() > 3) {
            throw new CommandError(Errors.subcommandSyntax(c.argv));
        }
        if (c.argv.count() == 3 && !c.argv.is(2, "sync") && !c.argv.is(2, "async")) {
            throw new CommandError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
        }
        Scripting.of(c.server).functions().reset();
        c.forcePropagation();
        c.changes(1);
        c.reply.ok();
    }

    // FUNCTION LIST [LIBRARYNAME library-name-pattern] [WITHCODE]
    static void list(Client c) {
        boolean withCode = false;
        byte[] pattern = null;
        for (int i = 2; i < c.argv.count(); i++) {
            if (!withCode && c.argv.is(i, "withcode")) {
                withCode = true;
                continue;
            }
            if (pattern == null && c.argv.is(i, "libraryname")) {
                if (i >= c.argv.count() - 1) {
                    throw new CommandError("ERR library name argument was not given");
                }
                pattern = c.argv.copy(++i);
                continue;
            }
            throw new CommandError("ERR Unknown argument " + c.argv.cString(i));
        }
        int mark = c.reply.beginDeferred();
        int n = 0;
        Scripting engine = Scripting.existing(c.server);
        for (Functions.Library li : engine == null ? List.<Functions.Library>of() : engine.functions().libraries()) {
            byte[] name = li.name.getBytes(StandardCharsets.ISO_8859_1);
            if (pattern != null && !Glob.matchesIgnoreCase(pattern, name)) {
                continue;
            }
            n++;
            c.reply.map(withCode ? 4 : 3);
            c.reply.bulk("library_name");
            c.reply.bulk(name);
            c.reply.bulk("engine");
            c.reply.bulk("LUA");
            c.reply.bulk("functions");
            c.reply.array(li.functions().size());
            for (Functions.Function f : li.functions()) {
                c.reply.map(3);
                c.reply.bulk("name");
                c.reply.bulk(f.name().getBytes(StandardCharsets.ISO_8859_1));
                c.reply.bulk("description");
                if (f.description() == null) {
                    c.reply.nullBulk();
                } else {
                    c.reply.bulk(f.description().getBytes(StandardCharsets.ISO_8859_1));
                }
                c.reply.bulk("flags");
                List<String> flags = Functions.flagNames(f.flags());
                c.reply.set(flags.size());
                for (String flag : flags) {
                    c.reply.simple(flag);
                }
            }
            if (withCode) {
                c.reply.bulk("library_code");
                c.reply.bulk(li.code);
            }
        }
        c.reply.endArray(mark, n);
    }

    // FUNCTION DUMP
    static void dump(Client c) {
        c.reply.bulk(Scripting.of(c.server).functions().dump(c.server.config().rdbCompression));
    }

    // FUNCTION RESTORE serialized-value [FLUSH | APPEND | REPLACE]
    static void restore(Client c) {
        if (c.argv.count() > 4) {
            throw new CommandError(Errors.subcommandSyntax(c.argv));
        }
        Functions.Policy policy = Functions.Policy.APPEND;
        if (c.argv.count() == 4) {
            if (c.argv.is(3, "append")) {
                policy = Functions.Policy.APPEND;
            } else if (c.argv.is(3, "replace")) {
                policy = Functions.Policy.REPLACE;
            } else if (c.argv.is(3, "flush")) {
                policy = Functions.Policy.FLUSH;
            } else {
                throw new CommandError("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
            }
        }
        String error = Scripting.of(c.server).functions().restore(c.argv.copy(2), policy, !c.server.skipChecksumValidation);
        if (error != null) {
            throw new CommandError(error);
        }
        c.forcePropagation();
        c.changes(1);
        c.reply.ok();
    }

    // FUNCTION STATS
    static void stats(Client c) {
        Scripting engine = Scripting.of(c.server);
        if (engine.runningEval()) {
            throw new CommandError(dev.cinnabar.server.client.BusyState.SCRIPT);
        }
        c.reply.map(2);
        c.reply.bulk("running_script");
        if (engine.runningName() == null) {
            c.reply.nullBulk();
        } else {
            c.reply.map(3);
            c.reply.bulk("name");
            c.reply.bulk(engine.runningName());
            c.reply.bulk("command");
            Argv argv = engine.runningCaller().argv;
            c.reply.array(argv.count());
            for (int i = 0; i < argv.count(); i++) {
                c.reply.bulk(argv, i);
            }
            c.reply.bulk("duration_ms");
            c.reply.integer(engine.runningMillis());
        }
        Functions functions = engine.functions();
        c.reply.bulk("engines");
        c.reply.map(1);
        c.reply.bulk("LUA");
        c.reply.map(2);
        c.reply.bulk("libraries_count");
        c.reply.integer(functions.libraries().size());
        c.reply.bulk("functions_count");
        c.reply.integer(functions.functionCount());
    }

    // FUNCTION KILL
    static void kill(Client c) {
        String error = Scripting.of(c.server).kill(false);
        if (error != null) {
            throw new CommandError(error);
        }
        c.reply.ok();
    }

    // FUNCTION HELP
    static void help(Client c) {
        Help.reply(c, new String[] {
            "LOAD [REPLACE] <FUNCTION CODE>",
            "    Create a new library with the given library name and code.",
            "DELETE <LIBRARY NAME>",
            "    Delete the given library.",
            "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
            "    Return general information on all the libraries:",
            "    * Library name",
            "    * The engine used to run the Library",
            "    * Library description",
            "    * Functions list",
            "    * Library code (if WITHCODE is given)",
            "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
            "STATS",
            "    Return information about the current function running:",
            "    * Function name",
            "    * Command used to run the function",
            "    * Duration in MS that the function is running",
            "    If no function is running, return nil",
            "    In addition, returns a list of available engines.",
            "KILL",
            "    Kill the current running function.",
            "FLUSH [ASYNC|SYNC]",
            "    Delete all the libraries.",
            "    When called without the optional mode argument, the behavior is determined by the",
            "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
            "    * ASYNC: Asynchronously flush the libraries.",
            "    * SYNC: Synchronously flush the libraries.",
            "DUMP",
            "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
            "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
            "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
            "    control how to handle existing libraries (default APPEND):",
            "    * FLUSH: delete all existing libraries.",
            "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
            "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
            "      libraries with the new libraries (notice that even on this option there is a chance of failure",
            "      in case of functions name collision with another library).",
        });
    }
}
