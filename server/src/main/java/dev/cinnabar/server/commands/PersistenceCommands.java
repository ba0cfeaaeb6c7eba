package dev.cinnabar.server.commands;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.exec.CommandHandlers;
import dev.cinnabar.server.persistence.Persistence;

/** SAVE, BGSAVE and LASTSAVE; the work is {@link Persistence}'s. */
public final class PersistenceCommands {
    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("save", this, 0);
            t.bind("bgsave", this, 1);
            t.bind("lastsave", this, 2);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> PersistenceCommands.save(c);
                case 1 -> PersistenceCommands.bgsave(c);
                case 2 -> PersistenceCommands.lastsave(c);
                default -> throw new IllegalArgumentException("PersistenceCommands has no handler " + handler);
            }
        }
    }

    // SAVE
    static void save(Client c) {
        String err = Persistence.of(c.server).saveCommand();
        if (err != null) {
            throw new CommandError(err);
        }
        c.reply.ok();
    }

    // BGSAVE [SCHEDULE]
    static void bgsave(Client c) {
        boolean schedule = false;
        if (c.argv.count() > 1) {
            if (c.argv.count() == 2 && c.argv.is(1, "schedule")) {
                schedule = true;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        // Inside EXEC the snapshot would start half-way through the transaction: Redis schedules it.
        boolean inExec = c.server.keyspace().commandDepth() > 1;
        String r = Persistence.of(c.server).bgsaveCommand(schedule, inExec);
        if (r.startsWith("ERR")) {
            throw new CommandError(r);
        }
        c.reply.simple(r);
    }

    // LASTSAVE
    static void lastsave(Client c) {
        c.reply.integer(Persistence.of(c.server).lastSaveSeconds);
    }
}
