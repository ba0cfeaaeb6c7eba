package dev.cinnabar.server.commands;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandTable;

/** Connection commands: PING, ECHO, SELECT, QUIT, AUTH, HELLO, RESET, CLIENT. */
public final class ConnectionCommands implements CommandFamily {
    @Override
    public void register(CommandTable t) {
        t.bind("ping", ConnectionCommands::ping);
        t.bind("echo", ConnectionCommands::echo);
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

    // ECHO message
    static void echo(Client c) {
        c.reply.bulk(c.argv, 1);
    }
}
