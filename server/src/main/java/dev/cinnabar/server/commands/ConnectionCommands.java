package dev.cinnabar.server.commands;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.command.CommandTable;

/** Connection commands: PING, ECHO, SELECT, QUIT, AUTH, HELLO, RESET, CLIENT. */
public final class ConnectionCommands implements CommandFamily {
    @Override
    public void register(CommandTable t) {
        t.bind("ping", ConnectionCommands::ping);
        t.bind("echo", ConnectionCommands::echo);
        t.bind("select", ConnectionCommands::select);
    }

    // PING [message]
    static void ping(Client c) {
        if (c.argv.count() > 2) {
            c.reply.error("ERR wrong number of arguments for 'ping' command");
        } else if (c.argv.count() == 2) {
            c.reply.bulk(c.argv, 1);
        } else {
            c.reply.simple("PONG");
        }
    }

    // SELECT index
    static void select(Client c) {
        int index = Args.intArg(c, 1);
        if (index < 0 || index >= c.engine.keyspace().count()) {
            throw new CommandError(Errors.DB_INDEX);
        }
        c.select(c.engine.keyspace().db(index));
        c.reply.ok();
    }

    // ECHO message
    static void echo(Client c) {
        c.reply.bulk(c.argv, 1);
    }
}
