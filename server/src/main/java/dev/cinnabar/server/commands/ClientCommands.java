package dev.cinnabar.server.commands;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.command.CommandTable;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** CLIENT subcommands: ID, GETNAME, SETNAME, SETINFO, HELP (and later LIST, KILL, PAUSE, ...). */
public final class ClientCommands implements CommandFamily {
    private static final String BAD_NAME = "ERR Client names cannot contain spaces, newlines or special characters.";

    /**
     * CLIENT HELP's lines, as Redis 7.0.15 prints them (the reply is part of the protocol that
     * tools compare, so it is kept byte for byte, including subcommands added later).
     */
    private static final String[] HELP = {
        "CACHING (YES|NO)",
        "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
        "GETREDIR",
        "    Return the client ID we are redirecting to when tracking is enabled.",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
        "         [OPTIN] [OPTOUT] [NOLOOP]",
        "    Control server assisted client side caching.",
        "TRACKINGINFO",
        "    Report tracking status for the current connection.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
    };

    @Override
    public void register(CommandTable t) {
        t.bind("client|id", ClientCommands::id);
        t.bind("client|getname", ClientCommands::getname);
        t.bind("client|setname", ClientCommands::setname);
        t.bind("client|setinfo", ClientCommands::setinfo);
        t.bind("client|help", ClientCommands::help);
    }

    // CLIENT ID
    static void id(Client c) {
        c.reply.integer(c.id);
    }

    // CLIENT GETNAME
    static void getname(Client c) {
        if (c.name == null) {
            c.reply.nullBulk();
        } else {
            c.reply.bulk(c.name);
        }
    }

    // CLIENT SETNAME connection-name
    static void setname(Client c) {
        setName(c, 2);
        c.reply.ok();
    }

    /**
     * Names the connection after argument {@code i}, or removes the name when it is empty; shared
     * with HELLO SETNAME. Names are printable ASCII without spaces so that CLIENT LIST stays
     * splittable on spaces.
     */
    static void setName(Client c, int i) {
        if (c.argv.length(i) == 0) {
            c.name = null;
            return;
        }
        if (!printable(c.argv, i)) {
            throw new CommandError(BAD_NAME);
        }
        c.name = c.argv.string(i);
    }

    /*
     * CLIENT SETINFO <LIB-NAME libname | LIB-VER libver>
     *
     * Redis 7.2 added this and Jedis and Lettuce send it on every connection (ignoring an
     * error). Its behaviour follows Redis 7.2: the attribute name is checked first, then the
     * value with the same rule as client names; an empty value clears the attribute.
     */
    static void setinfo(Client c) {
        boolean libName;
        if (c.argv.is(2, "lib-name")) {
            libName = true;
        } else if (c.argv.is(2, "lib-ver")) {
            libName = false;
        } else {
            throw new CommandError("ERR Unrecognized option '" + ConnectionCommands.cString(c.argv, 2) + "'");
        }
        if (!printable(c.argv, 3)) {
            throw new CommandError("ERR " + ConnectionCommands.cString(c.argv, 2)
                    + " cannot contain spaces, newlines or special characters.");
        }
        String value = c.argv.length(3) == 0 ? null : c.argv.string(3);
        if (libName) {
            c.libName = value;
        } else {
            c.libVersion = value;
        }
        c.reply.ok();
    }

    // CLIENT HELP
    static void help(Client c) {
        reply(c, HELP);
    }

    /** Redis's help layout: a usage line, the subcommand lines, then HELP itself, as status replies. */
    private static void reply(Client c, String[] lines) {
        String command = new String(c.argv.copy(0), StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT);
        c.reply.array(lines.length + 3);
        c.reply.simple(command + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String line : lines) {
            c.reply.simple(line);
        }
        c.reply.simple("HELP");
        c.reply.simple("    Prints this help.");
    }

    /** True when every byte of argument {@code i} is printable ASCII other than space. */
    private static boolean printable(Argv a, int i) {
        byte[] b = a.array(i);
        for (int k = a.offset(i), end = k + a.length(i); k < end; k++) {
            if (b[k] < '!' || b[k] > '~') {
                return false;
            }
        }
        return true;
    }
}
