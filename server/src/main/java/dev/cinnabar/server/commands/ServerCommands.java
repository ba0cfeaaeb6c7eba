package dev.cinnabar.server.commands;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.command.CommandTable;
import dev.cinnabar.server.db.Keyspace;

/** Server commands: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, INFO. */
public final class ServerCommands implements CommandFamily {
    @Override
    public void register(CommandTable t) {
        t.bind("dbsize", ServerCommands::dbsize);
        t.bind("flushdb", ServerCommands::flushdb);
        t.bind("flushall", ServerCommands::flushall);
    }

    // DBSIZE
    static void dbsize(Client c) {
        c.reply.integer(c.db().size());
    }

    // FLUSHDB [ASYNC | SYNC]
    static void flushdb(Client c) {
        checkFlushOption(c);
        Keyspace ks = c.engine.keyspace();
        ks.dirty += c.db().size();
        c.db().flush();
        c.reply.ok();
    }

    // FLUSHALL [ASYNC | SYNC]
    static void flushall(Client c) {
        checkFlushOption(c);
        Keyspace ks = c.engine.keyspace();
        for (int i = 0; i < ks.count(); i++) {
            ks.dirty += ks.db(i).size();
            ks.db(i).flush();
        }
        // Redis counts FLUSHALL as a change even on an empty server, so a save point can fire.
        ks.dirty++;
        c.reply.ok();
    }

    /**
     * ASYNC frees the old tables in the background in Redis; here the old tables are simply
     * dropped for the garbage collector, which is the same thing, so both options behave alike.
     */
    private static void checkFlushOption(Client c) {
        if (c.argv.count() > 2 || (c.argv.count() == 2 && !c.argv.is(1, "async") && !c.argv.is(1, "sync"))) {
            throw new CommandError(Errors.SYNTAX);
        }
    }
}
