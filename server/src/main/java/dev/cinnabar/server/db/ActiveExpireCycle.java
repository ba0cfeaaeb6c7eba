package dev.cinnabar.server.db;

import dev.cinnabar.datatypes.KeyTable;
import dev.cinnabar.server.db.Clock;
import dev.cinnabar.server.stats.ServerStats;

/**
 * Redis's adaptive active expiry. Lazy expiry alone would keep keys that nobody reads again in
 * memory forever, so the engine also walks the expires tables and deletes what has passed.
 *
 * <p>The slow cycle runs from the cron, {@code hz} times a second, and may use up to 25% of a
 * cron period (more with {@code active-expire-effort}). It keeps sampling a database while more
 * than 10% of the sampled keys turned out to be expired, because then many more probably are.
 * Every 16 sampling rounds (counted across databases) it checks the clock and stops at the
 * budget; the next cycle then visits every database, not just the usual 16.
 *
 * <p>The fast cycle runs before the engine goes idle, at most 1 ms at a time and not more often
 * than every 2 ms. Redis gates it on the previous cycle having hit its time budget or on the
 * stale-key estimate exceeding the acceptable percentage; that estimate is kept as a fraction
 * (0..1) but compared with a percentage, so in practice only the time-budget condition ever
 * starts a fast cycle. This is reproduced as is, since it decides how eagerly keys disappear.
 */
public final class ActiveExpireCycle {
    private static final int DBS_PER_CALL = 16;
    /** Redis 7.4's HFE_DB_BASE_ACTIVE_EXPIRE_FIELDS_PER_SEC: hash fields expired per database and second. */
    private static final int FIELDS_PER_SECOND = 10000;

    private final Keyspace keyspace;
    private final ServerStats stats;
    private final Clock clock;
    private int currentDb;
    /** DEBUG SET-ACTIVE-EXPIRE: off leaves expired keys to lazy expiry alone. */
    private boolean enabled = true;
    private boolean timeLimitExit;
    private long lastFastCycleMicros;
    /** Made once: a method reference to {@code this} would be a new object on every scan step. */

    public ActiveExpireCycle(Keyspace keyspace, ServerStats stats) {
        this.keyspace = keyspace;
        this.stats = stats;
        this.clock = keyspace.clock();
    }

    /** Turns both cycles off or on again (DEBUG SET-ACTIVE-EXPIRE). */
    public void enabled(boolean on) {
        this.enabled = on;
    }

    public boolean enabled() {
        return enabled;
    }

    /** The cron's cycle. */
    public void slow(int hz, int effort) {
        run(false, hz, effort);
    }

    /** The before-idle cycle. */
    public void fast(int hz, int effort) {
        run(true, hz, effort);
    }

    private void run(boolean fast, int hz, int effortSetting) {
        if (enabled && !fast && !keyspace.expiryEnabled()) {
            // A replica: only the keys its own clients gave a TTL (the master sends DELs for the rest).
            keyspace.expireReplicaKeys(clock::nanos);
            return;
        }
        if (!enabled || !keyspace.expiryEnabled() || keyspace.expiryPaused()) {
            return;
        }
        int effort = effortSetting - 1;
        int keysPerLoop = 20 + 20 / 4 * effort;
        long fastDurationMicros = 1000 + 1000 / 4 * effort;
        int slowTimePercent = 25 + 2 * effort;
        int acceptableStale = 10 - effort;

        long start = clock.nanos() / 1000;
        if (fast) {
            if (!timeLimitExit && stats.expiredStalePercent < acceptableStale) {
                return;
            }
            if (start < lastFastCycleMicros + fastDurationMicros * 2) {
                return;
            }
            lastFastCycleMicros = start;
        }
        int dbCount = keyspace.count();
        int dbsPerCall = DBS_PER_CALL;
        if (dbsPerCall > dbCount || timeLimitExit) {
            dbsPerCall = dbCount;
        }
        long timeLimit = fast ? fastDurationMicros : Math.max(1, (long) slowTimePercent * 1_000_000 / hz / 100);
        timeLimitExit = false;

        long totalSampled = 0;
        long totalExpired = 0;
        // Counted across databases, so the clock is checked even when each one needs few rounds.
        int iteration = 0;
        for (int j = 0; j < dbsPerCall && !timeLimitExit; j++) {
            // Advanced before the work, so that running out of time here resumes at the next one.
            Db db = keyspace.db(Math.floorMod(currentDb, dbCount));
            currentDb++;
            // Hash fields first, as Redis 7.4 does: a bounded number per database and call.
            db.activeExpireFields(clock.millis(), Math.max(1, FIELDS_PER_SECOND / hz));
            long sampled;
            long expired;
            do {
                iteration++;
                KeyTable keys = db.keys();
                int num = keys.expiresSize();
                if (num == 0) {
                    db.avgTtl = 0;
                    break;
                }
                long now = clock.millis();
                num = Math.min(num, keysPerLoop);
                sampled = 0;
                expired = 0;
                long ttlSum = 0;
                long ttlSamples = 0;
                // The keys with a TTL are a dense list: the cursor walks it round and round. Deleting
                // a key moves the last one into its place, which the cursor then looks at.
                while (sampled < num && keys.expiresSize() > 0) {
                    int at = (int) Long.remainderUnsigned(db.expireCursor, keys.expiresSize());
                    int id = keys.expiringId(at);
                    long when = keys.expireAt(id);
                    long ttl = when - now;
                    db.expireCursor = at + 1;
                    if (now > when) {
                        db.deleteExpired(keys.copyKey(id));
                        db.expireCursor = at;
                        expired++;
                    } else if (ttl > 0) {
                        ttlSum += ttl;
                        ttlSamples++;
                    }
                    sampled++;
                }
                totalExpired += expired;
                totalSampled += sampled;
                if (ttlSamples > 0) {
                    // A running average weighting the new sample 2%, seeded with the first one.
                    long avg = ttlSum / ttlSamples;
                    if (db.avgTtl == 0) {
                        db.avgTtl = avg;
                    }
                    db.avgTtl = (db.avgTtl / 50) * 49 + avg / 50;
                }
                if ((iteration & 0xf) == 0) {
                    long elapsed = clock.nanos() / 1000 - start;
                    if (elapsed > timeLimit) {
                        timeLimitExit = true;
                        stats.expireCycleTimeCapReached++;
                        break;
                    }
                }
            } while (sampled == 0 || expired * 100 / sampled > acceptableStale);
        }
        stats.expireCycleMicros += clock.nanos() / 1000 - start;
        double current = totalSampled == 0 ? 0 : (double) totalExpired / totalSampled;
        stats.expiredStalePercent = current * 0.05 + stats.expiredStalePercent * 0.95;
    }
}
