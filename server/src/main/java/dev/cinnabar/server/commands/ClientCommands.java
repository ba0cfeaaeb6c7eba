package dev.cinnabar.server.commands;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.client.BlockedClients;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ClientListFormat;
import dev.cinnabar.server.client.ClientPause;
import dev.cinnabar.server.client.ReplicaLink;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.exec.CommandHandlers;
import dev.cinnabar.server.exec.Dispatcher;
import java.nio.charset.StandardCharsets;

/**
 * CLIENT subcommands: ID, GETNAME, SETNAME, SETINFO, INFO, LIST, KILL, PAUSE, UNPAUSE, REPLY,
 * NO-EVICT, NO-TOUCH, UNBLOCK, HELP. The client-side caching ones are in
 * {@link ClientTrackingCommands}.
 */
public final class ClientCommands {
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

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("client|id", this, 0);
            t.bind("client|getname", this, 1);
            t.bind("client|setname", this, 2);
            t.bind("client|setinfo", this, 3);
            t.bind("client|help", this, 4);
            t.bind("client|info", this, 5);
            t.bind("client|list", this, 6);
            t.bind("client|kill", this, 7);
            t.bind("client|pause", this, 8);
            t.bind("client|unpause", this, 9);
            t.bind("client|unblock", this, 10);
            t.bind("client|reply", this, 11);
            t.bind("client|no-evict", this, 12);
            t.bind("client|no-touch", this, 13);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> ClientCommands.id(c);
                case 1 -> ClientCommands.getname(c);
                case 2 -> ClientCommands.setname(c);
                case 3 -> ClientCommands.setinfo(c);
                case 4 -> ClientCommands.help(c);
                case 5 -> ClientCommands.info(c);
                case 6 -> ClientCommands.list(c);
                case 7 -> ClientCommands.kill(c);
                case 8 -> ClientCommands.pause(c);
                case 9 -> ClientCommands.unpause(c);
                case 10 -> ClientCommands.unblock(c);
                case 11 -> ClientCommands.reply(c);
                case 12 -> ClientCommands.noEvict(c);
                case 13 -> ClientCommands.noTouch(c);
                default -> throw new IllegalArgumentException("ClientCommands has no handler " + handler);
            }
        }
    }

    // CLIENT INFO
    static void info(Client c) {
        StringBuilder sb = new StringBuilder(320);
        appendInfo(sb, c, c);
        c.reply.verbatim("txt", sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /*
     * CLIENT LIST [TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]
     *
     * Redis takes one filter or the other, not both: TYPE only as the whole of the arguments,
     * ID with any number of ids (each line once per time it is named, unknown ids skipped).
     */
    static void list(Client c) {
        int argc = c.argv.count();
        StringBuilder sb = new StringBuilder(320 * Math.max(1, c.server.clients().size()));
        if (argc == 4 && c.argv.is(2, "type")) {
            int type = clientType(c, 3);
            for (Client other : c.server.clients().all()) {
                if (typeOf(other) == type) {
                    appendInfo(sb, other, c);
                }
            }
        } else if (argc > 3 && c.argv.is(2, "id")) {
            for (int i = 3; i < argc; i++) {
                long id = Args.longArg(c, i, "ERR Invalid client ID");
                Client other = c.server.clients().get(id);
                if (other != null) {
                    appendInfo(sb, other, c);
                }
            }
        } else if (argc != 2) {
            throw new CommandError(Errors.SYNTAX);
        } else {
            for (Client other : c.server.clients().all()) {
                appendInfo(sb, other, c);
            }
        }
        c.reply.verbatim("txt", sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void appendInfo(StringBuilder sb, Client who, Client caller) {
        appendLine(sb, who, caller);
        sb.append('\n');
    }

    /** {@code who}'s CLIENT INFO line without its newline, as {@code caller} sees it (ACL LOG keeps one). */
    static void appendLine(StringBuilder sb, Client who, Client caller) {
        ClientListFormat.append(sb, who, caller.server.clock().millis(), ClientListFormat.pendingOutput(who), who == caller);
    }

    private static final int TYPE_NORMAL = 0;
    private static final int TYPE_REPLICA = 1;
    private static final int TYPE_PUBSUB = 2;
    private static final int TYPE_MASTER = 3;

    /** Redis's client types for the TYPE filters: a monitor is a normal client. */
    static int typeOf(Client c) {
        if (ReplicaLink.isReplica(c)) {
            return TYPE_REPLICA;
        }
        if (c.master) {
            return TYPE_MASTER;
        }
        return c.pubsub && !c.monitor ? TYPE_PUBSUB : TYPE_NORMAL;
    }

    private static int clientType(Client c, int i) {
        if (c.argv.is(i, "normal")) {
            return TYPE_NORMAL;
        }
        if (c.argv.is(i, "slave") || c.argv.is(i, "replica")) {
            return TYPE_REPLICA;
        }
        if (c.argv.is(i, "pubsub")) {
            return TYPE_PUBSUB;
        }
        if (c.argv.is(i, "master")) {
            return TYPE_MASTER;
        }
        throw new CommandError("ERR Unknown client type '" + c.argv.cString(i) + "'");
    }

    /*
     * CLIENT KILL ip:port
     * CLIENT KILL [ID id] [TYPE type] [ADDR ip:port] [LADDR ip:port] [USER name] [SKIPME yes|no]
     *             [MAXAGE seconds] ...
     *
     * The old form answers OK or "No such client" and may close the caller itself; the filter
     * form answers how many it closed and spares the caller unless SKIPME no. Every filter
     * given must match. The caller, if killed, gets its reply before its connection closes.
     * MAXAGE comes from Redis 7.4: only clients connected for more than that many seconds.
     */
    static void kill(Client c) {
        int argc = c.argv.count();
        String addr = null;
        String laddr = null;
        dev.cinnabar.server.acl.AclUser user = null;
        int type = -1;
        long id = 0;
        long maxAge = 0;
        boolean skipMe = true;
        if (argc == 3) {
            addr = c.argv.cString(2);
            skipMe = false;
        } else {
            for (int i = 2; i < argc; i += 2) {
                boolean more = i + 1 < argc;
                if (c.argv.is(i, "id") && more) {
                    id = Args.longArg(c, i + 1, 1, Long.MAX_VALUE, "ERR client-id should be greater than 0");
                } else if (c.argv.is(i, "type") && more) {
                    type = clientType(c, i + 1);
                } else if (c.argv.is(i, "addr") && more) {
                    addr = c.argv.cString(i + 1);
                } else if (c.argv.is(i, "laddr") && more) {
                    laddr = c.argv.cString(i + 1);
                } else if (c.argv.is(i, "user") && more) {
                    user = c.server.acl().user(c.argv.latin1(i + 1));
                    if (user == null) {
                        throw new CommandError("ERR No such user '" + c.argv.cString(i + 1) + "'");
                    }
                } else if (c.argv.is(i, "skipme") && more) {
                    if (c.argv.is(i + 1, "yes")) {
                        skipMe = true;
                    } else if (c.argv.is(i + 1, "no")) {
                        skipMe = false;
                    } else {
                        throw new CommandError(Errors.SYNTAX);
                    }
                } else if (c.argv.is(i, "maxage") && more) {
                    maxAge = Args.longArg(c, i + 1, "ERR maxage is not an integer or out of range");
                } else {
                    throw new CommandError(Errors.SYNTAX);
                }
            }
        }
        long nowSeconds = c.server.clock().millis() / 1000;
        int killed = 0;
        boolean closeSelf = false;
        for (Client other : c.server.clients().all().toArray(new Client[0])) {
            if (addr != null && !addr.equals(other.remoteAddress)
                    || laddr != null && !laddr.equals(other.localAddress)
                    || type != -1 && typeOf(other) != type
                    || id != 0 && other.id != id
                    || user != null && user != other.user
                    || maxAge != 0 && nowSeconds - other.createdMillis / 1000 <= maxAge
                    || other == c && skipMe) {
                continue;
            }
            if (other == c) {
                closeSelf = true;
            } else {
                c.server.control().kill(other);
            }
            killed++;
        }
        if (argc == 3) {
            if (killed == 0) {
                throw new CommandError("ERR No such client");
            }
            c.reply.ok();
        } else {
            c.reply.integer(killed);
        }
        if (closeSelf) {
            c.closeAfterReply();
        }
    }

    /*
     * CLIENT UNBLOCK client-id [TIMEOUT|ERROR]
     *
     * Ends the wait of a client blocked on keys: with its command's timeout reply (the default)
     * or with an UNBLOCKED error; 1 if it was blocked, else 0. A client held by CLIENT PAUSE is
     * not blocked on keys (Redis 7.0.15 crashes on one: "Unknown btype"). As Redis does, the
     * blocked command is counted as failed either way, this command too when it sent the error,
     * and the slow log gets the blocked command with no arguments.
     */
    static void unblock(Client c) {
        int argc = c.argv.count();
        if (argc > 4) {
            throw new CommandError(Errors.subcommandSyntax(c.argv));
        }
        boolean error = false;
        if (argc == 4) {
            if (c.argv.is(3, "error")) {
                error = true;
            } else if (!c.argv.is(3, "timeout")) {
                throw new CommandError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            }
        }
        long id = Args.longArg(c, 2);
        Client target = c.server.clients().get(id);
        BlockedClients.Blocking b = target == null ? null : BlockedClients.of(target);
        if (b == null) {
            c.reply.integer(0);
            return;
        }
        ReplyWriter out = c.server.control().output(target);
        if (error) {
            out.error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
        } else {
            b.waiter().timedOut(out);
        }
        c.server.clients().blocked().unblock(target);
        Dispatcher.statsOnUnblock(c.server, target, b, 0, true, new Argv());
        c.reply.integer(1);
    }

    /*
     * CLIENT PAUSE timeout [WRITE|ALL]
     *
     * The mode is checked before the timeout, and more than one mode argument is Redis's
     * subcommand syntax error. A timeout of 0 pauses nothing.
     */
    static void pause(Client c) {
        int argc = c.argv.count();
        if (argc > 4) {
            throw new CommandError(Errors.subcommandSyntax(c.argv));
        }
        int type = ClientPause.ALL;
        if (argc == 4) {
            if (c.argv.is(3, "write")) {
                type = ClientPause.WRITE;
            } else if (!c.argv.is(3, "all")) {
                throw new CommandError("ERR CLIENT PAUSE mode must be WRITE or ALL");
            }
        }
        long timeout = Args.longArg(c, 2, "ERR timeout is not an integer or out of range");
        if (timeout < 0) {
            throw new CommandError("ERR timeout is negative");
        }
        long now = c.server.clock().millis();
        // Redis adds the current time only to a positive timeout; 0 stays an end in the past.
        long end = timeout > 0 ? timeout + now : 0;
        c.server.clients().pause().pause(end, type, now);
        c.reply.ok();
    }

    // CLIENT UNPAUSE
    static void unpause(Client c) {
        c.server.clients().pause().unpause();
        c.reply.ok();
    }

    // CLIENT REPLY ON|OFF|SKIP
    static void reply(Client c) {
        if (c.argv.is(2, "on")) {
            c.replyOff = false;
            c.replySkip = false;
            c.reply.ok();
        } else if (c.argv.is(2, "off")) {
            c.replyOff = true;
        } else if (c.argv.is(2, "skip")) {
            if (!c.replyOff) {
                c.replySkipNext = true;
            }
        } else {
            throw new CommandError(Errors.SYNTAX);
        }
    }

    // CLIENT NO-EVICT ON|OFF
    static void noEvict(Client c) {
        c.noEvict = onOff(c, 2);
        c.reply.ok();
    }

    /*
     * CLIENT NO-TOUCH ON|OFF
     *
     * Redis 7.2: while on, the client's commands do not make the keys they read look recently
     * (or frequently) used, except TOUCH, which is asked to.
     */
    static void noTouch(Client c) {
        c.noTouch = onOff(c, 2);
        c.reply.ok();
    }

    private static boolean onOff(Client c, int i) {
        if (c.argv.is(i, "on")) {
            return true;
        }
        if (c.argv.is(i, "off")) {
            return false;
        }
        throw new CommandError(Errors.SYNTAX);
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
            throw new CommandError("ERR Unrecognized option '" + c.argv.cString(2) + "'");
        }
        if (!printable(c.argv, 3)) {
            throw new CommandError("ERR " + c.argv.cString(2)
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
        Help.reply(c, HELP);
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
