package dev.cinnabar.server.commands;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.exec.CommandHandlers;
import dev.cinnabar.server.log.ServerLog;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * MODULE LIST, LOAD, LOADEX, UNLOAD, HELP, as Redis 7.0 answers them when a module does not load.
 * Redis modules are native libraries written against Redis's C API, which a JVM server cannot
 * host: nothing is ever loaded, LIST is always empty, a load fails with Redis's reply and the
 * reason in the log, and there is never a module to unload. Clients and tools that ask which
 * modules are present (redis-py and ioredis do, to pick features) get the true answer instead of
 * an unknown command. LOAD, LOADEX and UNLOAD are {@code protected}: with the default
 * {@code enable-module-command no} the dispatcher refuses them first, as Redis does.
 */
public final class ModuleCommands {
    /** MODULE HELP's lines as Redis 7.0.15 prints them. */
    private static final String[] HELP = {
        "LIST",
        "    Return a list of loaded modules.",
        "LOAD <path> [<arg> ...]",
        "    Load a module library from <path>, passing to it any optional arguments.",
        "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
        "    Load a module library from <path>, while passing it module configurations and optional arguments.",
        "UNLOAD <name>",
        "    Unload a module.",
    };
    private static final String LOAD_FAILED = "ERR Error loading the extension. Please check the server logs.";

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("module|list", this, 0);
            t.bind("module|load", this, 1);
            t.bind("module|loadex", this, 2);
            t.bind("module|unload", this, 3);
            t.bind("module|help", this, 4);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> ModuleCommands.list(c);
                case 1 -> ModuleCommands.load(c);
                case 2 -> ModuleCommands.loadex(c);
                case 3 -> ModuleCommands.unload(c);
                case 4 -> ModuleCommands.help(c);
                default -> throw new IllegalArgumentException("ModuleCommands has no handler " + handler);
            }
        }
    }

    // MODULE LIST
    static void list(Client c) {
        c.reply.array(0);
    }

    // MODULE LOAD path [arg [arg ...]]
    static void load(Client c) {
        throw new CommandError(failedToLoad(c.argv.cString(2)));
    }

    // MODULE LOADEX path [CONFIG name value [CONFIG name value ...]] [ARGS arg [arg ...]]
    static void loadex(Client c) {
        // Redis checks the arguments before it opens the library; either way the reply is the same.
        for (int i = 3; i < c.argv.count(); i++) {
            if (c.argv.is(i, "config")) {
                if (i + 2 >= c.argv.count()) {
                    ServerLog.notice("CONFIG specified without name value pair");
                    throw new CommandError(LOAD_FAILED);
                }
                i += 2;
            } else if (c.argv.is(i, "args")) {
                break;
            } else {
                ServerLog.notice("Syntax Error from arguments to loadex around " + c.argv.cString(i) + ".");
                throw new CommandError(LOAD_FAILED);
            }
        }
        throw new CommandError(failedToLoad(c.argv.cString(2)));
    }

    /** Logs why the library at {@code path} was not loaded, as Redis logs a failed load. */
    private static String failedToLoad(String path) {
        Path file = Path.of(path.indexOf('\0') >= 0 ? path.substring(0, path.indexOf('\0')) : path);
        if (Files.exists(file) && !Files.isExecutable(file)) {
            ServerLog.warning("Module " + path + " failed to load: It does not have execute permissions.");
        } else {
            ServerLog.warning("Module " + path + " failed to load: Cinnabar cannot load Redis modules");
        }
        return LOAD_FAILED;
    }

    // MODULE UNLOAD name
    static void unload(Client c) {
        throw new CommandError("ERR Error unloading module: no such module with that name");
    }

    static void help(Client c) {
        Help.reply(c, HELP);
    }
}
