package dev.cinnabar.server.commands;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.exec.CommandHandlers;
import dev.cinnabar.server.info.InfoSections;
import dev.cinnabar.server.persistence.Persistence;

/** Server commands: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, INFO. */
public final class ServerCommands {
    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("dbsize", this, 0);
            t.bind("flushdb", this, 1);
            t.bind("flushall", this, 2);
            t.bind("swapdb", this, 3);
            t.bind("time", this, 4);
            t.bind("info", this, 5);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> ServerCommands.dbsize(c);
                case 1 -> ServerCommands.flushdb(c);
                case 2 -> ServerCommands.flushall(c);
                case 3 -> ServerCommands.swapdb(c);
                case 4 -> ServerCommands.time(c);
                case 5 -> ServerCommands.info(c);
                default -> throw new IllegalArgumentException("ServerCommands has no handler " + handler);
            }
        }
    }

    // DBSIZE
    static void dbsize(Client c) {
        c.reply.integer(c.db().size());
    }

    // FLUSHDB [ASYNC | SYNC]
    static void flushdb(Client c) {
        boolean lazily = flushLazily(c);
        c.changes(c.db().size());
        c.db().flush(lazily);
        c.server.clients().tracking().invalidateAll();
        // Propagated even when there was nothing to flush, as Redis does.
        c.forcePropagation();
        c.reply.ok();
    }

    // FLUSHALL [ASYNC | SYNC]
    static void flushall(Client c) {
        boolean lazily = flushLazily(c);
        Keyspace ks = c.server.keyspace();
        long keys = 0;
        for (int i = 0; i < ks.count(); i++) {
            keys += ks.db(i).size();
            ks.db(i).flush(lazily);
        }
        c.server.clients().tracking().invalidateAll();
        c.changes(keys);
        // Redis's flushAllDataAndResetRDB: a BGSAVE in progress is stopped, and with save points
        // the empty dataset is saved at once (which leaves no change to count).
        Persistence p = Persistence.of(c.server);
        p.cancelBackground();
        if (c.server.config().save.length > 0) {
            p.save();
            c.changes(0);
        }
        c.forcePropagation();
        c.reply.ok();
    }

    // SWAPDB index1 index2
    static void swapdb(Client c) {
        if (c.server.config().clusterEnabled) {
            throw new CommandError("ERR SWAPDB is not allowed in cluster mode");
        }
        int a = (int) Args.longArg(c, 1, Integer.MIN_VALUE, Integer.MAX_VALUE, "ERR invalid first DB index");
        int b = (int) Args.longArg(c, 2, Integer.MIN_VALUE, Integer.MAX_VALUE, "ERR invalid second DB index");
        Keyspace ks = c.server.keyspace();
        if (a < 0 || a >= ks.count() || b < 0 || b >= ks.count()) {
            throw new CommandError(Errors.DB_INDEX);
        }
        // Swapping a database with itself changes nothing, so WATCH on it is not disturbed; it
        // still counts as a write, as in Redis.
        if (a != b) {
            ks.swap(a, b);
        }
        c.changes(1);
        c.forcePropagation();
        c.reply.ok();
    }

    // TIME
    static void time(Client c) {
        long micros = c.server.clock().micros();
        c.reply.array(2);
        c.reply.bulk(micros / 1_000_000L);
        c.reply.bulk(micros % 1_000_000L);
    }

    // INFO [section [section ...]]
    static void info(Client c) {
        // A verbatim text reply in RESP3, a bulk string in RESP2, as Redis sends it.
        c.reply.verbatim("txt", InfoSections.render(c.server, c.argv, 1));
    }

    /**
     * ASYNC frees the old tables in the background in Redis; here the old tables are simply
     * dropped for the garbage collector, which is the same thing, so both options behave alike.
     */
    /** FLUSHALL's and FLUSHDB's option: ASYNC, SYNC, or lazyfree-lazy-user-flush's choice. */
    private static boolean flushLazily(Client c) {
        if (c.argv.count() > 2 || (c.argv.count() == 2 && !c.argv.is(1, "async") && !c.argv.is(1, "sync"))) {
            throw new CommandError(Errors.SYNTAX);
        }
        return c.argv.count() == 2 ? c.argv.is(1, "async") : c.server.keyspace().lazyFree().lazyUserFlush();
    }
}
