package dev.cinnabar.server.commands;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.Version;
import dev.cinnabar.server.client.Auth;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.exec.CommandHandlers;
import java.nio.charset.StandardCharsets;

/** Connection commands: PING, ECHO, SELECT, QUIT, AUTH, HELLO, RESET. CLIENT is in {@link ClientCommands}. */
public final class ConnectionCommands {
    private static final byte[] PONG = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG_WORD = "pong".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESET = "+RESET\r\n".getBytes(StandardCharsets.US_ASCII);

    static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
    private static final String AUTH_WITHOUT_PASSWORD = "ERR AUTH <password> called without any password "
            + "configured for the default user. Are you sure your configuration is correct?";
    private static final String HELLO_NOAUTH = "NOAUTH HELLO must be called with the client already "
            + "authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate "
            + "the client and select the RESP protocol version at the same time";

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("ping", this, 0);
            t.bind("echo", this, 1);
            t.bind("select", this, 2);
            t.bind("quit", this, 3);
            t.bind("auth", this, 4);
            t.bind("hello", this, 5);
            t.bind("reset", this, 6);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> ConnectionCommands.ping(c);
                case 1 -> ConnectionCommands.echo(c);
                case 2 -> ConnectionCommands.select(c);
                case 3 -> ConnectionCommands.quit(c);
                case 4 -> ConnectionCommands.auth(c);
                case 5 -> ConnectionCommands.hello(c);
                case 6 -> ConnectionCommands.reset(c);
                default -> throw new IllegalArgumentException("ConnectionCommands has no handler " + handler);
            }
        }
    }

    // PING [message]
    static void ping(Client c) {
        // The arity (-1) lets any count through; Redis refuses more than one message itself.
        if (c.argv.count() > 2) {
            throw new CommandError(Errors.arity("ping"));
        }
        if (c.pubsub && c.protocol() == 2) {
            // The RESP2 subscribed context answers as a message frame would look.
            c.reply.array(2);
            c.reply.bulk(PONG_WORD);
            if (c.argv.count() == 2) {
                c.reply.bulk(c.argv, 1);
            } else {
                c.reply.emptyBulk();
            }
        } else if (c.argv.count() == 2) {
            c.reply.bulk(c.argv, 1);
        } else {
            c.reply.raw(PONG);
        }
    }

    // ECHO message
    static void echo(Client c) {
        c.reply.bulk(c.argv, 1);
    }

    // SELECT index
    static void select(Client c) {
        int index = Args.intArg(c, 1);
        if (index != 0 && c.server.config().clusterEnabled) {
            throw new CommandError("ERR SELECT is not allowed in cluster mode");
        }
        if (index < 0 || index >= c.server.keyspace().count()) {
            throw new CommandError(Errors.DB_INDEX);
        }
        c.select(c.server.keyspace().db(index));
        c.reply.ok();
    }

    // QUIT
    static void quit(Client c) {
        // Extra arguments are accepted and ignored, as in Redis 7.0.
        c.reply.ok();
        c.closeAfterReply();
    }

    // AUTH [username] password
    static void auth(Client c) {
        int argc = c.argv.count();
        if (argc > 3) {
            throw new CommandError(Errors.SYNTAX);
        }
        // The slow log and MONITOR show passwords as "(redacted)", as Redis does.
        c.redactArgument(1);
        if (argc == 3) {
            c.redactArgument(2);
        }
        boolean ok;
        if (argc == 2) {
            // The one-argument form means the default user, and is refused outright when that
            // user needs no password: the client's configuration is probably wrong.
            if (Auth.defaultUserHasNoPassword(c)) {
                throw new CommandError(AUTH_WITHOUT_PASSWORD);
            }
            ok = Auth.authenticateDefault(c, c.argv, 1);
        } else {
            ok = Auth.authenticate(c, c.argv, 1, 2);
        }
        if (!ok) {
            logFailedAuth(c, argc == 3 ? c.argv.latin1(1) : dev.cinnabar.server.acl.Acl.DEFAULT);
            throw new CommandError(WRONGPASS);
        }
        c.reply.ok();
    }

    /** A failed AUTH or HELLO AUTH goes in ACL LOG, as Redis's ACLAuthenticateUser puts it there. */
    private static void logFailedAuth(Client c, String username) {
        StringBuilder info = new StringBuilder(320);
        ClientCommands.appendLine(info, c, c);
        c.server.stats().aclLog.add("auth", c.has(Client.MULTI) ? "multi" : "toplevel", c.argv.latin1(0), username,
                c.server.clock().millis(), info.toString(), c.server.config().acllogMaxLen);
    }

    // HELLO [protover [AUTH username password] [SETNAME clientname]]
    static void hello(Client c) {
        int argc = c.argv.count();
        long version = 0;
        int next = 1;
        if (argc >= 2) {
            version = Args.longArg(c, next++, "ERR Protocol version is not an integer or out of range");
            if (version < 2 || version > 3) {
                throw new CommandError("NOPROTO unsupported protocol version");
            }
        }
        // Options take effect as they are read, as in Redis: a later bad option leaves an earlier
        // AUTH or SETNAME done.
        for (int j = next; j < argc; j++) {
            int more = argc - 1 - j;
            if (c.argv.is(j, "auth") && more >= 2) {
                c.redactArgument(j + 1);
                c.redactArgument(j + 2);
                if (!Auth.authenticate(c, c.argv, j + 1, j + 2)) {
                    logFailedAuth(c, c.argv.latin1(j + 1));
                    throw new CommandError(WRONGPASS);
                }
                j += 2;
            } else if (c.argv.is(j, "setname") && more >= 1) {
                ClientCommands.setName(c, j + 1);
                j++;
            } else {
                throw new CommandError("ERR Syntax error in HELLO option '" + c.argv.cString(j) + "'");
            }
        }
        if (!c.authenticated) {
            throw new CommandError(HELLO_NOAUTH);
        }
        if (version != 0) {
            c.reply.protocol((int) version);
        }
        // Written after the switch: HELLO 3 already answers in RESP3.
        c.reply.map(7);
        c.reply.bulk("server");
        c.reply.bulk("redis");
        c.reply.bulk("version");
        c.reply.bulk(Version.REDIS);
        c.reply.bulk("proto");
        c.reply.integer(c.protocol());
        c.reply.bulk("id");
        c.reply.integer(c.id);
        c.reply.bulk("mode");
        c.reply.bulk(c.server.config().clusterEnabled ? "cluster" : "standalone");
        c.reply.bulk("role");
        c.reply.bulk(c.server.config().masterHost.isEmpty() ? "master" : "replica");
        c.reply.bulk("modules");
        c.reply.emptyArray();
    }

    // RESET
    static void reset(Client c) {
        c.clearConnectionState();
        c.reply.raw(RESET);
    }
}
