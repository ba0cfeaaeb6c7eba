package dev.cinnabar.server.commands;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.exec.CommandHandlers;
import dev.cinnabar.server.persistence.AofRewrite;

/** BGREWRITEAOF; the work is {@link AofRewrite}'s. */
public final class AofCommands {
    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("bgrewriteaof", this, 0);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> AofCommands.bgrewriteaof(c);
                default -> throw new IllegalArgumentException("AofCommands has no handler " + handler);
            }
        }
    }

    // BGREWRITEAOF
    static void bgrewriteaof(Client c) {
        // Inside EXEC the snapshot would start half-way through the transaction: Redis schedules it.
        boolean inExec = c.server.keyspace().commandDepth() > 1;
        String r = AofRewrite.of(c.server).bgrewriteaofCommand(inExec);
        if (r.startsWith("ERR")) {
            throw new CommandError(r);
        }
        c.reply.simple(r);
    }
}
