package dev.cinnabar.server.commands;

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
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/** COMMAND and its subcommands: COUNT, DOCS, INFO, LIST, GETKEYS, GETKEYSANDFLAGS, HELP. */
public final class CommandCommands implements CommandFamily {
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

    @Override
    public void register(CommandTable t) {
        t.bind("command", CommandCommands::command);
        t.bind("command|count", CommandCommands::count);
        t.bind("command|info", CommandCommands::info);
        t.bind("command|docs", CommandCommands::docs);
        t.bind("command|list", CommandCommands::list);
        t.bind("command|getkeys", CommandCommands::getkeys);
        t.bind("command|getkeysandflags", CommandCommands::getkeysandflags);
        t.bind("command|help", CommandCommands::help);
    }

    // COMMAND
    static void command(Client c) {
        infoAll(c);
    }

    // COMMAND COUNT
    static void count(Client c) {
        c.reply.integer(c.engine.commands().topLevel().size());
    }

    // COMMAND INFO [command-name ...]
    static void info(Client c) {
        Argv a = c.argv;
        if (a.count() == 2) {
            infoAll(c);
            return;
        }
        CommandTable table = c.engine.commands();
        c.reply.array(a.count() - 2);
        for (int i = 2; i < a.count(); i++) {
            CommandReplies.info(c.reply, table.get(a.latin1(i)));
        }
    }

    private static void infoAll(Client c) {
        Collection<CommandSpec> all = c.engine.commands().topLevel();
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
            Collection<CommandSpec> all = c.engine.commands().topLevel();
            w.map(all.size());
            for (CommandSpec cmd : all) {
                w.bulk(cmd.fullName);
                CommandReplies.docs(w, cmd);
            }
            return;
        }
        // Unknown names are left out, so the size is known only at the end.
        CommandTable table = c.engine.commands();
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
                filter = cmd -> NameGlob.matches(pattern, cmd.fullNameBytes());
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
            i += 2;
        }
        ReplyWriter w = c.reply;
        int mark = w.beginDeferred();
        int n = 0;
        for (CommandSpec cmd : c.engine.commands().topLevel()) {
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
        int n = CommandKeys.forGetKeys(c.engine.commands(), c.argv, 2, keys);
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

    /**
     * Redis's glob matching (stringmatchlen), case-insensitive, for COMMAND LIST FILTERBY
     * PATTERN. A stand-in until the shared matcher in datatypes is merged.
     */
    static final class NameGlob {
        private NameGlob() {
        }

        static boolean matches(byte[] pattern, byte[] string) {
            return match(pattern, 0, pattern.length, string, 0, string.length, new boolean[1], 0);
        }

        private static boolean match(byte[] pat, int p, int pend, byte[] str, int s, int send,
                                     boolean[] skipLonger, int nesting) {
            if (nesting > 1000) {
                return false;
            }
            while (p < pend && s < send) {
                switch (pat[p]) {
                    case '*':
                        while (p + 1 < pend && pat[p + 1] == '*') {
                            p++;
                        }
                        if (p + 1 == pend) {
                            return true;
                        }
                        while (s < send) {
                            if (match(pat, p + 1, pend, str, s, send, skipLonger, nesting + 1)) {
                                return true;
                            }
                            if (skipLonger[0]) {
                                return false;
                            }
                            s++;
                        }
                        // The rest of the pattern matches nowhere in the rest of the string, so an
                        // earlier star trying longer stretches cannot help either.
                        skipLonger[0] = true;
                        return false;
                    case '?':
                        s++;
                        break;
                    case '[': {
                        p++;
                        boolean not = p < pend && pat[p] == '^';
                        if (not) {
                            p++;
                        }
                        boolean match = false;
                        while (true) {
                            if (p < pend && pat[p] == '\\' && pend - p >= 2) {
                                p++;
                                if (pat[p] == str[s]) {
                                    match = true;
                                }
                            } else if (p < pend && pat[p] == ']') {
                                break;
                            } else if (p >= pend) {
                                p--;
                                break;
                            } else if (pend - p >= 3 && pat[p + 1] == '-') {
                                int start = lower(pat[p]);
                                int end = lower(pat[p + 2]);
                                if (pat[p] > pat[p + 2]) {
                                    int t = start;
                                    start = end;
                                    end = t;
                                }
                                int ch = lower(str[s]);
                                p += 2;
                                if (ch >= start && ch <= end) {
                                    match = true;
                                }
                            } else if (lower(pat[p]) == lower(str[s])) {
                                match = true;
                            }
                            p++;
                        }
                        if (not == match) {
                            return false;
                        }
                        s++;
                        break;
                    }
                    case '\\':
                        if (pend - p >= 2) {
                            p++;
                        }
                        if (lower(pat[p]) != lower(str[s])) {
                            return false;
                        }
                        s++;
                        break;
                    default:
                        if (lower(pat[p]) != lower(str[s])) {
                            return false;
                        }
                        s++;
                        break;
                }
                p++;
                if (s == send) {
                    while (p < pend && pat[p] == '*') {
                        p++;
                    }
                    break;
                }
            }
            return p == pend && s == send;
        }

        private static int lower(byte b) {
            return b >= 'A' && b <= 'Z' ? b + 32 : b;
        }
    }
}
