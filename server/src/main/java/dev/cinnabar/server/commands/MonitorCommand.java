package dev.cinnabar.server.commands;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.exec.CommandHandlers;

/**
 * MONITOR: the connection receives a line for every command the server runs from then on (see
 * {@link dev.cinnabar.server.client.Monitors} for the line and the dispatcher for which
 * commands). Like a replica in Redis, a monitor may still send commands that do not touch the
 * keyspace (PING, CLIENT, SELECT, RESET, QUIT, ...); RESET ends the monitoring.
 */
public final class MonitorCommand {
    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("monitor", this, 0);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> MonitorCommand.monitor(c);
                default -> throw new IllegalArgumentException("MonitorCommand has no handler " + handler);
            }
        }
    }

    // MONITOR
    static void monitor(Client c) {
        if (c.denyBlocking) {
            // Inside EXEC (or a script) the client expects one reply per command.
            c.reply.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
            return;
        }
        // Already monitoring: Redis ignores the command without a reply.
        if (c.monitor) {
            return;
        }
        c.monitor = true;
        c.server.clients().monitors().add(c);
        c.reply.ok();
    }
}
