package dev.cinnabar.server.commands;

import dev.cinnabar.datatypes.Glob;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.AclCategories;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.command.CommandKeys;
import dev.cinnabar.server.command.CommandReplies;
import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.command.CommandTable;
import dev.cinnabar.server.command.KeyFlags;
import dev.cinnabar.server.command.KeyResult;
import dev.cinnabar.server.exec.CommandHandlers;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/** COMMAND and its subcommands: COUNT, DOCS, INFO, LIST, GETKEYS, GETKEYSANDFLAGS, HELP. */
public final class CommandCommands {
    /** Redis's help text, line for line: clients and tests read it. */
    private static final String[] HELP = {
        "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "GETKEYS <full-command>",
        "    Return the keys from a full Redis command.",
        "GETKEYSANDFLAGS <full-command>",
        "    Return the keys and the access flags from a full Redis command.",
        "HELP",
        "    Prints this help.",
    };

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("command", this, 0);
            t.bind("command|count", this, 1);
            t.bind("command|info", this, 2);
            t.bind("command|docs", this, 3);
            t.bind("command|list", this, 4);
            t.bind("command|getkeys", this, 5);
            t.bind("command|getkeysandflags", this, 6);
            t.bind("command|help", this, 7);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> CommandCommands.command(c);
                case 1 -> CommandCommands.count(c);
                case 2 -> CommandCommands.info(c);
                case 3 -> CommandCommands.docs(c);
                case 4 -> CommandCommands.list(c);
                case 5 -> CommandCommands.getkeys(c);
                case 6 -> CommandCommands.getkeysandflags(c);
                case 7 -> CommandCommands.help(c);
                default -> throw new IllegalArgumentException("CommandCommands has no handler " + handler);
            }
        }
    }

    // COMMAND
    static void command(Client c) {
        infoAll(c);
    }

    // COMMAND COUNT
    static void count(Client c) {
        c.reply.integer(c.server.commands().topLevel().size());
    }

    // COMMAND INFO [command-name ...]
    static void info(Client c) {
        Argv a = c.argv;
        if (a.count() == 2) {
            infoAll(c);
            return;
        }
        CommandTable table = c.server.commands();
        c.reply.array(a.count() - 2);
        for (int i = 2; i < a.count(); i++) {
            CommandReplies.info(c.reply, table.get(a.latin1(i)));
        }
    }

    private static void infoAll(Client c) {
        Collection<CommandSpec> all = c.server.commands().topLevel();
        c.reply.array(all.size());
        for (CommandSpec cmd : all) {
            CommandReplies.info(c.reply, cmd);
        }
    }

    // COMMAND DOCS [command-name ...]
    static void docs(Client c) {
        Argv a = c.argv;
        ReplyWriter w = c.reply;
        if (a.count() == 2) {
            Collection<CommandSpec> all = c.server.commands().topLevel();
            w.map(all.size());
            for (CommandSpec cmd : all) {
                w.bulk(cmd.fullName);
                CommandReplies.docs(w, cmd);
            }
            return;
        }
        // Unknown names are left out, so the size is known only at the end.
        CommandTable table = c.server.commands();
        int mark = w.beginDeferred();
        int n = 0;
        for (int i = 2; i < a.count(); i++) {
            CommandSpec cmd = table.get(a.latin1(i));
            if (cmd != null) {
                w.bulk(cmd.fullName);
                CommandReplies.docs(w, cmd);
                n++;
            }
        }
        w.endMap(mark, n);
    }

    // COMMAND LIST [FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]
    static void list(Client c) {
        Argv a = c.argv;
        Filter filter = null;
        for (int i = 2; i < a.count(); i++) {
            int more = a.count() - 1 - i;
            if (!a.is(i, "filterby") || more != 2) {
                throw new CommandError(Errors.SYNTAX);
            }
            if (a.is(i + 1, "module")) {
                // No modules can be loaded, so no command belongs to one.
                filter = cmd -> false;
            } else if (a.is(i + 1, "aclcat")) {
                long category = AclCategories.find(a.latin1(i + 2));
                filter = cmd -> (cmd.aclCategories & category) != 0;
            } else if (a.is(i + 1, "pattern")) {
                byte[] pattern = a.copy(i + 2);
                filter = cmd -> Glob.matchesIgnoreCase(pattern, cmd.fullNameBytes());
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
            i += 2;
        }
        ReplyWriter w = c.reply;
        int mark = w.beginDeferred();
        int n = 0;
        for (CommandSpec cmd : c.server.commands().topLevel()) {
            n += listed(w, cmd, filter);
            for (CommandSpec sub : cmd.subcommands()) {
                n += listed(w, sub, filter);
            }
        }
        w.endArray(mark, n);
    }

    private interface Filter {
        boolean accepts(CommandSpec cmd);
    }

    private static int listed(ReplyWriter w, CommandSpec cmd, Filter filter) {
        if (filter != null && !filter.accepts(cmd)) {
            return 0;
        }
        w.bulk(cmd.fullNameBytes());
        return 1;
    }

    // COMMAND GETKEYS command [arg ...]
    static void getkeys(Client c) {
        keys(c, false);
    }

    // COMMAND GETKEYSANDFLAGS command [arg ...]
    static void getkeysandflags(Client c) {
        keys(c, true);
    }

    private static void keys(Client c, boolean withFlags) {
        KeyResult keys = new KeyResult();
        int n = CommandKeys.forGetKeys(c.server.commands(), c.argv, 2, keys);
        ReplyWriter w = c.reply;
        w.array(n);
        for (int i = 0; i < n; i++) {
            if (withFlags) {
                w.array(2);
                w.bulk(c.argv, 2 + keys.position(i));
                KeyFlags.write(w, keys.flags(i));
            } else {
                w.bulk(c.argv, 2 + keys.position(i));
            }
        }
    }

    // COMMAND HELP
    static void help(Client c) {
        c.reply.array(HELP.length);
        for (String line : HELP) {
            c.reply.simple(line);
        }
    }
}
