package dev.cinnabar.server.commands;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.BlockedClients;
import dev.cinnabar.server.client.BusyState;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ServerControl;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.config.ShutdownFlags;
import dev.cinnabar.server.exec.CommandHandlers;

/** SHUTDOWN; the sequence itself is {@link Shutdown}'s, shared with the signals. */
public final class ShutdownCommand {
    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("shutdown", this, 0);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> ShutdownCommand.shutdown(c);
                default -> throw new IllegalArgumentException("ShutdownCommand has no handler " + handler);
            }
        }
    }

    // SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
    static void shutdown(Client c) {
        Argv a = c.argv;
        int flags = 0;
        boolean abort = false;
        // Repeating an option is accepted, as in Redis; only the combinations below are not.
        for (int i = 1; i < a.count(); i++) {
            if (a.is(i, "nosave")) {
                flags |= ShutdownFlags.NOSAVE;
            } else if (a.is(i, "save")) {
                flags |= ShutdownFlags.SAVE;
            } else if (a.is(i, "now")) {
                flags |= ShutdownFlags.NOW;
            } else if (a.is(i, "force")) {
                flags |= ShutdownFlags.FORCE;
            } else if (a.is(i, "abort")) {
                abort = true;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        if ((abort && flags != 0)
                || ((flags & ShutdownFlags.NOSAVE) != 0 && (flags & ShutdownFlags.SAVE) != 0)) {
            throw new CommandError(Errors.SYNTAX);
        }
        ServerControl control = c.server.control();
        if (abort) {
            if (!control.abortShutdown()) {
                throw new CommandError("ERR No shutdown in progress.");
            }
            c.reply.ok();
            return;
        }
        BusyState busy = c.server.busy();
        if (busy.loading()) {
            // While a dump loads Redis shuts down without saving whatever the options say.
            busy.requestStop((flags & ~ShutdownFlags.SAVE) | ShutdownFlags.NOSAVE);
            return;
        }
        if (busy.active()) {
            // While a script holds the server only NOSAVE may stop it: the task ends, then the
            // shutdown runs, and the connection closes without a reply.
            if ((flags & ShutdownFlags.NOSAVE) == 0) {
                throw new CommandError(busy.rejection());
            }
            busy.requestStop(flags);
            return;
        }
        // On success the process ends and the connection closes without a reply.
        if (!control.shutdown(flags)) {
            if (control.shutdownInProgress()) {
                // Waiting for the replicas: the client waits too, until the exit or a failure.
                c.server.clients().blocked().block(c, c.db(), new byte[0][], 0, BlockedClients.SHUTDOWN);
                return;
            }
            throw new CommandError("ERR Errors trying to SHUTDOWN. Check logs.");
        }
    }
}
