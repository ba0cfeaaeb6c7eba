package dev.cinnabar.server.engine;

import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.log.ServerLog;

/**
 * The lines Redis's cron writes every five seconds: the size of each non-empty database at
 * verbose, and the number of clients and the memory in use at debug. Operators raise the log
 * level to see them, and they show that the server is alive.
 */
final class CronLog {
    static final long PERIOD_MILLIS = 5000;

    private long nextMillis = Long.MIN_VALUE;

    void run(ServerContext server, long nowMillis) {
        if (nowMillis < nextMillis || !ServerLog.enabled(ServerLog.Level.VERBOSE)) {
            return;
        }
        nextMillis = nowMillis + PERIOD_MILLIS;
        Keyspace ks = server.keyspace();
        for (int i = 0; i < ks.count(); i++) {
            Db db = ks.db(i);
            if (db.size() > 0 || db.expiresSize() > 0) {
                ServerLog.verbose("DB " + i + ": " + db.size() + " keys (" + db.expiresSize() + " volatile) in "
                        + (db.keys().tableLength(0) + db.keys().tableLength(1)) + " slots HT.");
            }
        }
        if (ServerLog.enabled(ServerLog.Level.DEBUG)) {
            Runtime rt = Runtime.getRuntime();
            ServerLog.debug(server.clients().size() + " clients connected (0 replicas), "
                    + (rt.totalMemory() - rt.freeMemory()) + " bytes in use");
        }
    }
}
