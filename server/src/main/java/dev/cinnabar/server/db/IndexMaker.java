package dev.cinnabar.server.db;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The thread that makes the arrays of the keyspace's big new indexes (see
 * {@link dev.cinnabar.datatypes.KeyTable#indexMaker}), so that the engine does not stop while a
 * 32 MB array is zeroed. One thread for every table of every server in the JVM: doublings are
 * rare, and a table that finds its array not made yet keeps filling for a while. The thread is
 * started when first needed and ends after a quiet minute.
 */
final class IndexMaker {
    static final Executor EXECUTOR = executor();

    private IndexMaker() {
    }

    private static Executor executor() {
        return new ThreadPoolExecutor(0, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "cinnabar-index");
            t.setDaemon(true);
            return t;
        });
    }
}
