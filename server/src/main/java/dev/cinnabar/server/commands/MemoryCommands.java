package dev.cinnabar.server.commands;

import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.Doubles;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.EntrySizes;
import dev.cinnabar.server.exec.CommandHandlers;
import dev.cinnabar.server.memory.JvmMemoryReport;
import dev.cinnabar.server.memory.MemoryDoctor;
import dev.cinnabar.server.memory.MemoryFigures;
import dev.cinnabar.server.persistence.AppendOnlyFile;
import java.nio.charset.StandardCharsets;

/** MEMORY USAGE, STATS, DOCTOR, MALLOC-STATS, PURGE and HELP. */
public final class MemoryCommands {
    /** Redis's help lines: a reply that tools and tests compare, so kept as Redis prints it. */
    private static final String[] HELP = {
        "DOCTOR",
        "    Return memory problems reports.",
        "MALLOC-STATS",
        "    Return internal statistics report from the memory allocator.",
        "PURGE",
        "    Attempt to purge dirty pages for reclamation by the allocator.",
        "STATS",
        "    Return information about the memory usage of the server.",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
    };
    /** Elements of a collection MEMORY USAGE looks at when SAMPLES is not given. */
    static final long DEFAULT_SAMPLES = 5;

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("memory|usage", this, 0);
            t.bind("memory|stats", this, 1);
            t.bind("memory|doctor", this, 2);
            t.bind("memory|malloc-stats", this, 3);
            t.bind("memory|purge", this, 4);
            t.bind("memory|help", this, 5);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> MemoryCommands.usage(c);
                case 1 -> MemoryCommands.stats(c);
                case 2 -> MemoryCommands.doctor(c);
                case 3 -> MemoryCommands.mallocStats(c);
                case 4 -> MemoryCommands.purge(c);
                case 5 -> MemoryCommands.help(c);
                default -> throw new IllegalArgumentException("MemoryCommands has no handler " + handler);
            }
        }
    }

    // MEMORY USAGE key [SAMPLES count]
    static void usage(Client c) {
        Argv a = c.argv;
        long samples = DEFAULT_SAMPLES;
        for (int i = 3; i < a.count(); i++) {
            if (a.is(i, "samples") && i + 1 < a.count()) {
                samples = Args.longArg(c, i + 1);
                if (samples < 0) {
                    throw new CommandError(Errors.SYNTAX);
                }
                if (samples == 0) {
                    samples = Long.MAX_VALUE;
                }
                i++;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        // As in Redis, the table is read directly: no lazy expiry, no hit or miss, no access time.
        Db db = c.db();
        KeyEntry e = db.find(a.array(2), a.offset(2), a.length(2));
        if (e == null) {
            c.reply.nullBulk();
            return;
        }
        c.reply.integer(keyUsage(db, e, samples));
    }

    /**
     * What a key costs: its entry with the key bytes, its value and its expiry time if it has one.
     * {@code samples} bounds how many elements of a collection are looked at; strings have none.
     */
    static long keyUsage(Db db, KeyEntry e, long samples) {
        long entry = e.isInline()
                ? EntrySizes.keyEntry(e.keyLength(), db.keys().inlineLength(e.id()))
                : EntrySizes.keyEntry(e.keyLength()) + EntrySizes.value(e.readValue());
        return entry + (db.keys().hasExpire(e.id()) ? EntrySizes.EXPIRE_ENTRY : 0);
    }

    // MEMORY STATS
    static void stats(Client c) {
        MemoryFigures f = new MemoryFigures(c.server.memory(), c.server.keyspace());
        ReplyWriter w = c.reply;
        w.map(27 + f.dbs.size());
        entry(w, "peak.allocated", f.peak);
        entry(w, "total.allocated", f.used);
        entry(w, "startup.allocated", f.startup);
        entry(w, "replication.backlog", 0);
        entry(w, "clients.slaves", 0);
        entry(w, "clients.normal", f.clientsNormal);
        entry(w, "cluster.links", 0);
        entry(w, "aof.buffer", AppendOnlyFile.memAofBuffer(c.server));
        entry(w, "lua.caches", 0);
        entry(w, "functions.caches", 0);
        for (MemoryFigures.DbOverhead db : f.dbs) {
            w.bulk("db." + db.id);
            w.map(3);
            entry(w, "overhead.hashtable.main", db.main);
            entry(w, "overhead.hashtable.expires", db.expires);
            // Only cluster mode keeps a slot-to-keys index.
            entry(w, "overhead.hashtable.slot-to-keys", c.server.keyspace().db(db.id).slotIndexOverhead());
        }
        entry(w, "overhead.total", f.overheadTotal);
        entry(w, "keys.count", f.totalKeys);
        entry(w, "keys.bytes-per-key", f.bytesPerKey);
        entry(w, "dataset.bytes", f.dataset);
        entry(w, "dataset.percentage", f.datasetPercent);
        entry(w, "peak.percentage", f.peakPercent);
        entry(w, "allocator.allocated", f.allocatorAllocated);
        entry(w, "allocator.active", f.allocatorActive);
        entry(w, "allocator.resident", f.allocatorResident);
        entry(w, "allocator-fragmentation.ratio", f.allocatorFragmentation);
        entry(w, "allocator-fragmentation.bytes", f.allocatorFragmentationBytes);
        entry(w, "allocator-rss.ratio", f.allocatorRss);
        entry(w, "allocator-rss.bytes", f.allocatorRssBytes);
        entry(w, "rss-overhead.ratio", f.rssOverhead);
        entry(w, "rss-overhead.bytes", f.rssOverheadBytes);
        entry(w, "fragmentation", f.fragmentation);
        entry(w, "fragmentation.bytes", f.fragmentationBytes);
    }

    private static void entry(ReplyWriter w, String name, long value) {
        w.bulk(name);
        w.integer(value);
    }

    /** Redis computes these ratios as C floats and prints the float's exact value with %.17g. */
    private static void entry(ReplyWriter w, String name, float value) {
        w.bulk(name);
        w.doubleText(Doubles.format17g(value));
    }

    // MEMORY DOCTOR
    static void doctor(Client c) {
        MemoryFigures f = new MemoryFigures(c.server.memory(), c.server.keyspace());
        String text = MemoryDoctor.report(f, c.server.clients().size(), c.server.config().maxMemory,
                Runtime.getRuntime().maxMemory());
        c.reply.verbatim("txt", text.getBytes(StandardCharsets.UTF_8));
    }

    // MEMORY MALLOC-STATS
    static void mallocStats(Client c) {
        c.reply.verbatim("txt", JvmMemoryReport.text().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * MEMORY PURGE. Redis asks jemalloc to return dirty pages to the system; the JVM returns heap
     * only after a collection, so this runs a full one, on the engine thread, like Redis's purge
     * runs on its main thread.
     */
    static void purge(Client c) {
        System.gc();
        c.reply.ok();
    }

    // MEMORY HELP
    static void help(Client c) {
        Help.reply(c, HELP);
    }
}
