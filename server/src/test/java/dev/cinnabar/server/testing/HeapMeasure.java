package dev.cinnabar.server.testing;

import dev.cinnabar.server.db.Keyspace;
import java.lang.management.ManagementFactory;

/** The heap in use after full collections, for tests that check heap figures against the real heap. */
public final class HeapMeasure {
    private HeapMeasure() {
    }

    /** The least heap in use over a few full collections: what is live, without floating garbage. */
    public static long usedAfterGc() throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
            best = Math.min(best, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    /**
     * The slab space of the keyspace's tables that {@code used_memory} leaves out as
     * fragmentation: dead records, and the part of each table's current page not written yet (a
     * page is a G1 region, several MB). Heap tests add it to the estimate, so that they still
     * catch an object size off by a header.
     */
    public static long slabSlack(Keyspace ks) {
        long slack = 0;
        for (int i = 0; i < ks.count(); i++) {
            slack += ks.db(i).keys().slabBytes() - ks.db(i).keys().recordBytes();
        }
        return slack;
    }
}
