package dev.cinnabar.server.commands;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.acl.AclCheck;
import dev.cinnabar.server.client.AclDenials;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.CommandCaller;
import dev.cinnabar.server.client.Transaction;
import dev.cinnabar.server.client.WatchedKeys;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.exec.CommandHandlers;

/**
 * MULTI, EXEC, DISCARD, WATCH, UNWATCH. The dispatcher queues what a client sends between MULTI
 * and EXEC (and flags the transaction when it refuses a command); the state is the client's
 * ({@link Transaction}) and the watched keys are in {@link WatchedKeys}.
 */
public final class TransactionCommands {
    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("multi", this, 0);
            t.bind("exec", this, 1);
            t.bind("discard", this, 2);
            t.bind("watch", this, 3);
            t.bind("unwatch", this, 4);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> TransactionCommands.multi(c);
                case 1 -> TransactionCommands.exec(c);
                case 2 -> TransactionCommands.discard(c);
                case 3 -> TransactionCommands.watch(c);
                case 4 -> TransactionCommands.unwatch(c);
                default -> throw new IllegalArgumentException("TransactionCommands has no handler " + handler);
            }
        }
    }

    // MULTI
    static void multi(Client c) {
        if (c.transaction() != null) {
            throw new CommandError("ERR MULTI calls can not be nested");
        }
        c.beginTransaction();
        c.reply.ok();
    }

    // DISCARD
    static void discard(Client c) {
        if (c.transaction() == null) {
            throw new CommandError("ERR DISCARD without MULTI");
        }
        c.discardTransaction();
        c.reply.ok();
    }

    // EXEC
    static void exec(Client c) {
        Transaction t = c.transaction();
        if (t == null) {
            throw new CommandError("ERR EXEC without MULTI");
        }
        WatchedKeys watched = c.server.clients().watched();
        if (watched.watchedKeyExpired(c)) {
            c.dirtyCas = true;
        }
        if (t.aborted()) {
            c.discardTransaction();
            throw new CommandError("EXECABORT Transaction discarded because of previous errors.");
        }
        if (c.dirtyCas) {
            c.discardTransaction();
            c.reply.nullArray();
            return;
        }
        boolean denied = c.denyBlocking;
        c.denyBlocking = true; // blocking commands answer at once, as if timed out
        watched.unwatchAll(c);
        Argv argv = c.argv;
        CommandSpec exec = c.command;
        CommandCaller caller = c.server.caller();
        c.reply.array(t.size());
        try {
            for (int i = 0; i < t.size(); i++) {
                c.argv = t.argv(i);
                if (!deniedSinceQueued(c, t.command(i))) {
                    caller.call(c, t.command(i));
                }
            }
        } finally {
            c.denyBlocking = denied;
            c.argv = argv;
            c.command = exec;
            c.discardTransaction();
            // EXEC is never propagated itself: what its commands propagated is wrapped in
            // MULTI/EXEC when the unit ends, and the changes were counted by each of them.
            c.clearEffects();
            c.preventPropagation();
            c.changes(0);
        }
    }

    /**
     * The ACL check again at EXEC, in case the user's permissions changed after the command was
     * queued: a refused command answers -NOPERM in its place and the others still run, as in Redis.
     */
    private static boolean deniedSinceQueued(Client c, CommandSpec cmd) {
        AclCheck check = c.server.acl().check;
        int reason = check.check(c.user, cmd, c.argv, 0);
        if (reason == AclCheck.OK) {
            return false;
        }
        AclDenials.log(c, reason, check.position(), "multi", cmd, c.argv, 0);
        c.reply.error(AclCheck.refusalAtExec(reason));
        return true;
    }

    // WATCH key [key ...]
    static void watch(Client c) {
        if (c.transaction() != null) {
            throw new CommandError("ERR WATCH inside MULTI is not allowed");
        }
        // Already dirty: the next EXEC fails whatever is watched.
        if (!c.dirtyCas) {
            WatchedKeys watched = c.server.clients().watched();
            for (int i = 1; i < c.argv.count(); i++) {
                watched.watch(c, c.argv.copy(i));
            }
        }
        c.reply.ok();
    }

    // UNWATCH
    static void unwatch(Client c) {
        c.server.clients().watched().unwatchAll(c);
        c.dirtyCas = false;
        c.reply.ok();
    }
}
