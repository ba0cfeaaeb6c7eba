package dev.cinnabar.server.memory;

import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.Keyspace;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One consistent set of memory figures, taken when INFO memory or MEMORY STATS asks, split the
 * way Redis splits its own: overhead (startup, clients, the tables of every database with keys)
 * and dataset (keys and values), and the ratios between what we count, what the JVM holds and
 * what the process occupies. The JVM heap plays the allocator: allocated is the heap in use
 * (garbage included), active the heap committed, resident the process's resident set.
 */
public final class MemoryFigures {
    /** The tables of one database that has keys. */
    public static final class DbOverhead {
        public final int id;
        public final long main;
        public final long expires;

        DbOverhead(int id, long main, long expires) {
            this.id = id;
            this.main = main;
            this.expires = expires;
        }
    }

    public final long used;
    public final long peak;
    public final long startup;
    public final long clientsNormal;
    public final List<DbOverhead> dbs;
    public final long overheadTotal;
    public final long totalKeys;
    public final long bytesPerKey;
    public final long dataset;
    /** Percentages as C floats, since Redis computes and prints them in single precision. */
    public final float datasetPercent;
    public final float peakPercent;
    public final long rss;
    public final long allocatorAllocated;
    public final long allocatorActive;
    public final long allocatorResident;
    public final float allocatorFragmentation;
    public final long allocatorFragmentationBytes;
    public final float allocatorRss;
    public final long allocatorRssBytes;
    public final float rssOverhead;
    public final long rssOverheadBytes;
    public final float fragmentation;
    public final long fragmentationBytes;

    public MemoryFigures(MemoryAccounting memory, Keyspace keyspace) {
        memory.refreshClients();
        used = memory.updatePeak();
        peak = memory.peak();
        startup = memory.startup();
        clientsNormal = memory.clients();
        long overhead = startup + clientsNormal;
        long keys = 0;
        List<DbOverhead> list = new ArrayList<>();
        for (int i = 0; i < keyspace.count(); i++) {
            Db db = keyspace.db(i);
            if (db.size() == 0) {
                continue;
            }
            keys += db.size();
            DbOverhead o = new DbOverhead(i, db.keyTableOverhead(), db.expiresOverhead());
            overhead += o.main + o.expires;
            list.add(o);
        }
        dbs = Collections.unmodifiableList(list);
        overheadTotal = overhead;
        totalKeys = keys;
        dataset = used - overhead;
        peakPercent = (float) used * 100 / peak;
        long net = used > startup ? used - startup : 1;
        datasetPercent = (float) dataset * 100 / net;
        bytesPerKey = keys == 0 ? 0 : net / keys;

        rss = memory.rss();
        allocatorAllocated = memory.heapUsed();
        allocatorActive = memory.heapCommitted();
        // How much of its heap is in RAM the JVM cannot tell; the process's resident set is the answer.
        allocatorResident = rss;
        allocatorFragmentation = (float) allocatorActive / allocatorAllocated;
        allocatorFragmentationBytes = allocatorActive - allocatorAllocated;
        allocatorRss = (float) allocatorResident / allocatorActive;
        allocatorRssBytes = allocatorResident - allocatorActive;
        rssOverhead = (float) rss / allocatorResident;
        rssOverheadBytes = rss - allocatorResident;
        fragmentation = (float) rss / used;
        fragmentationBytes = rss - used;
    }
}
