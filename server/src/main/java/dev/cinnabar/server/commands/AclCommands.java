package dev.cinnabar.server.commands;

import dev.cinnabar.datatypes.Doubles;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.AclCategories;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.acl.Acl;
import dev.cinnabar.server.acl.AclCheck;
import dev.cinnabar.server.acl.AclFiles;
import dev.cinnabar.server.acl.AclUser;
import dev.cinnabar.server.client.AclClients;
import dev.cinnabar.server.exec.CommandHandlers;
import dev.cinnabar.server.stats.AclLog;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * ACL: the users ({@link Acl}), their rules in Redis 7.0's syntax and descriptions, ACL LOG,
 * DRYRUN's checks, and the ACL file (LOAD and SAVE). A user deleted, or reloaded from the file,
 * takes its connections with it; a user that loses channels loses the subscribers that listen to
 * them ({@link AclClients}).
 */
public final class AclCommands {
    private static final String[] HELP = {
        "CAT [<category>]",
        "    List all commands that belong to <category>, or all command categories",
        "    when no category is specified.",
        "DELUSER <username> [<username> ...]",
        "    Delete a list of users.",
        "DRYRUN <username> <command> [<arg> ...]",
        "    Returns whether the user can execute the given command without executing the command.",
        "GETUSER <username>",
        "    Get the user's details.",
        "GENPASS [<bits>]",
        "    Generate a secure 256-bit user password. The optional `bits` argument can",
        "    be used to specify a different size.",
        "LIST",
        "    Show users details in config file format.",
        "LOAD",
        "    Reload users from the ACL file.",
        "LOG [<count> | RESET]",
        "    Show the ACL log entries.",
        "SAVE",
        "    Save the current config to the ACL file.",
        "SETUSER <username> <attribute> [<attribute> ...]",
        "    Create or modify a user with the specified attributes.",
        "USERS",
        "    List all the registered usernames.",
        "WHOAMI",
        "    Return the current connection username.",
    };
    private static final String NO_ACL_FILE = "ERR This Redis instance is not configured to use an ACL file. You may "
            + "want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have "
            + "a Redis configuration file set) in order to store users in the Redis configuration.";
    private static final String GENPASS_RANGE = "ERR ACL GENPASS argument must be the number of bits for the output "
            + "password, a positive number up to 4096";
    private static final int DEFAULT_LOG_ENTRIES = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private AclCommands() {
    }

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("acl|cat", this, 0);
            t.bind("acl|deluser", this, 1);
            t.bind("acl|dryrun", this, 2);
            t.bind("acl|genpass", this, 3);
            t.bind("acl|getuser", this, 4);
            t.bind("acl|help", this, 5);
            t.bind("acl|list", this, 6);
            t.bind("acl|load", this, 7);
            t.bind("acl|log", this, 8);
            t.bind("acl|save", this, 12);
            t.bind("acl|setuser", this, 9);
            t.bind("acl|users", this, 10);
            t.bind("acl|whoami", this, 11);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> AclCommands.cat(c);
                case 1 -> AclCommands.deluser(c);
                case 2 -> AclCommands.dryrun(c);
                case 3 -> AclCommands.genpass(c);
                case 4 -> AclCommands.getuser(c);
                case 5 -> Help.reply(c, HELP);
                case 6 -> AclCommands.list(c);
                case 7 -> AclCommands.load(c);
                case 8 -> AclCommands.log(c);
                case 9 -> AclCommands.setuser(c);
                case 10 -> AclCommands.users(c);
                case 11 -> c.reply.bulk(c.user.name.getBytes(StandardCharsets.ISO_8859_1));
                case 12 -> AclCommands.save(c);
                default -> throw new IllegalArgumentException("AclCommands has no handler " + handler);
            }
        }
    }

    // ACL CAT [category]
    static void cat(Client c) {
        ReplyWriter w = c.reply;
        if (c.argv.count() == 2) {
            List<String> names = AclCategories.all();
            w.array(names.size());
            for (String n : names) {
                w.bulk(n.getBytes(StandardCharsets.US_ASCII));
            }
            return;
        }
        if (c.argv.count() > 3) {
            throw new CommandError(Errors.subcommandSyntax(c.argv));
        }
        long category = AclCategories.find(c.argv.latin1(2));
        if (category == 0) {
            throw new CommandError("ERR Unknown category '" + c.argv.cString(2, 128) + "'");
        }
        int mark = w.beginDeferred();
        int n = 0;
        for (CommandSpec cmd : c.server.commands().topLevel()) {
            n += listed(w, cmd, category);
            for (CommandSpec sub : cmd.subcommands()) {
                n += listed(w, sub, category);
            }
        }
        w.endArray(mark, n);
    }

    private static int listed(ReplyWriter w, CommandSpec cmd, long category) {
        if ((cmd.aclCategories & category) == 0) {
            return 0;
        }
        w.bulk(cmd.fullNameBytes());
        return 1;
    }

    // ACL DELUSER username [username ...]
    static void deluser(Client c) {
        for (int i = 2; i < c.argv.count(); i++) {
            if (c.argv.latin1(i).equals(Acl.DEFAULT)) {
                throw new CommandError("ERR The 'default' user cannot be removed");
            }
        }
        int deleted = 0;
        for (int i = 2; i < c.argv.count(); i++) {
            AclUser gone = c.server.acl().delete(c.argv.latin1(i));
            if (gone != null) {
                AclClients.disconnect(c, gone);
                deleted++;
            }
        }
        c.reply.integer(deleted);
    }

    // ACL DRYRUN username command [arg [arg ...]]
    static void dryrun(Client c) {
        Argv a = c.argv;
        AclUser u = c.server.acl().user(a.latin1(2));
        if (u == null) {
            throw new CommandError("ERR User '" + a.cString(2) + "' not found");
        }
        // The dispatcher's lookup: a name as typed, never a full name such as config|get.
        CommandSpec cmd = c.server.commands().lookup(a, 3);
        if (cmd != null && cmd.isContainer() && a.count() > 4) {
            cmd = cmd.subcommand(a, 4);
        }
        if (cmd == null) {
            throw new CommandError("ERR Command '" + a.cString(3) + "' not found");
        }
        if (!cmd.arityAccepts(a.count() - 3)) {
            throw new CommandError("ERR wrong number of arguments for '" + cmd.fullName + "' command");
        }
        AclCheck check = c.server.acl().check;
        int reason = check.check(u, cmd, a, 3);
        switch (reason) {
            case AclCheck.OK -> c.reply.ok();
            case AclCheck.DENIED_COMMAND ->
                    bulk(c.reply, "This user has no permissions to run the '" + cmd.fullName + "' command");
            case AclCheck.DENIED_KEY ->
                    bulk(c.reply, "This user has no permissions to access the '" + a.latin1(3 + check.position()) + "' key");
            default -> bulk(c.reply, "This user has no permissions to access the '" + a.latin1(3 + check.position())
                    + "' channel");
        }
    }

    // ACL GENPASS [bits]
    static void genpass(Client c) {
        long bits = 256;
        if (c.argv.count() == 3) {
            bits = Args.longArg(c, 2);
            if (bits <= 0 || bits > 4096) {
                throw new CommandError(GENPASS_RANGE);
            }
        } else if (c.argv.count() > 3) {
            throw new CommandError(Errors.subcommandSyntax(c.argv));
        }
        int chars = (int) ((bits + 3) / 4);
        byte[] random = new byte[(chars + 1) / 2];
        RANDOM.nextBytes(random);
        String hex = HexFormat.of().formatHex(random).substring(0, chars);
        c.reply.bulk(hex.getBytes(StandardCharsets.US_ASCII));
    }

    // ACL GETUSER username
    static void getuser(Client c) {
        AclUser u = c.server.acl().user(c.argv.latin1(2));
        if (u == null) {
            c.reply.nullBulk();
            return;
        }
        ReplyWriter w = c.reply;
        w.map(6);
        bulk(w, "flags");
        List<String> flags = u.flags();
        w.set(flags.size());
        for (String f : flags) {
            bulk(w, f);
        }
        bulk(w, "passwords");
        List<String> passwords = u.passwords();
        w.array(passwords.size());
        for (String p : passwords) {
            bulk(w, p);
        }
        selector(w, u.describeSelector(0));
        bulk(w, "selectors");
        w.array(u.extraSelectors());
        for (int i = 1; i <= u.extraSelectors(); i++) {
            w.map(3);
            selector(w, u.describeSelector(i));
        }
    }

    private static void selector(ReplyWriter w, String[] commandsKeysChannels) {
        bulk(w, "commands");
        bulk(w, commandsKeysChannels[0]);
        bulk(w, "keys");
        bulk(w, commandsKeysChannels[1]);
        bulk(w, "channels");
        bulk(w, commandsKeysChannels[2]);
    }

    // ACL LIST
    static void list(Client c) {
        java.util.Collection<AclUser> users = c.server.acl().users();
        c.reply.array(users.size());
        for (AclUser u : users) {
            bulk(c.reply, "user " + u.name + " " + u.describe());
        }
    }

    // ACL LOG [count | RESET]
    static void log(Client c) {
        AclLog log = c.server.stats().aclLog;
        long count = DEFAULT_LOG_ENTRIES;
        if (c.argv.count() == 3) {
            if (c.argv.is(2, "reset")) {
                log.reset();
                c.reply.ok();
                return;
            }
            count = Math.max(0, Args.longArg(c, 2));
        } else if (c.argv.count() > 3) {
            throw new CommandError(Errors.subcommandSyntax(c.argv));
        }
        List<AclLog.Entry> entries = log.newest((int) Math.min(count, Integer.MAX_VALUE));
        long now = c.server.clock().millis();
        ReplyWriter w = c.reply;
        w.array(entries.size());
        for (AclLog.Entry e : entries) {
            w.map(7);
            bulk(w, "count");
            w.integer(e.count);
            bulk(w, "reason");
            bulk(w, e.reason);
            bulk(w, "context");
            bulk(w, e.context);
            bulk(w, "object");
            bulk(w, e.object);
            bulk(w, "username");
            bulk(w, e.username);
            bulk(w, "age-seconds");
            w.doubleText(Doubles.format17g((now - e.createdMillis) / 1000.0));
            bulk(w, "client-info");
            bulk(w, e.clientInfo);
        }
    }

    // ACL SETUSER username [rule [rule ...]]
    static void setuser(Client c) {
        for (int i = 2; i < c.argv.count(); i++) {
            c.redactArgument(i);
        }
        String name = c.argv.latin1(2);
        if (Acl.hasSpaces(name)) {
            throw new CommandError("ERR Usernames can't contain spaces or null characters");
        }
        List<String> rules = new java.util.ArrayList<>();
        for (int i = 3; i < c.argv.count(); i++) {
            rules.add(c.argv.latin1(i));
        }
        Acl.Staged staged;
        try {
            staged = c.server.acl().stage(name, rules);
        } catch (Acl.AclError e) {
            throw new CommandError("ERR " + e.getMessage());
        }
        if (staged.existing != null) {
            AclClients.disconnectRevokedSubscribers(c, staged.existing, staged.staged);
        }
        c.server.acl().take(staged);
        c.reply.ok();
    }

    // ACL USERS
    static void users(Client c) {
        java.util.Collection<AclUser> users = c.server.acl().users();
        c.reply.array(users.size());
        for (AclUser u : users) {
            bulk(c.reply, u.name);
        }
    }

    // ACL LOAD
    static void load(Client c) {
        String file = c.server.config().aclFile;
        if (file.isEmpty()) {
            throw new CommandError(NO_ACL_FILE);
        }
        List<AclUser> removed = new java.util.ArrayList<>();
        String errors = c.server.acl().loadFile(c.server.config().resolvePath(file).toString(), removed);
        if (errors != null) {
            throw new CommandError("ERR " + errors);
        }
        for (AclUser gone : removed) {
            AclClients.disconnect(c, gone);
        }
        c.reply.ok();
    }

    // ACL SAVE
    static void save(Client c) {
        String file = c.server.config().aclFile;
        if (file.isEmpty()) {
            throw new CommandError(NO_ACL_FILE);
        }
        if (!AclFiles.save(c.server.acl(), c.server.config().resolvePath(file).toString())) {
            throw new CommandError("ERR There was an error trying to save the ACLs. Please check the server logs for "
                    + "more information");
        }
        c.reply.ok();
    }

    private static void bulk(ReplyWriter w, String s) {
        w.bulk(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
