package dev.cinnabar.server.testing;

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
}
