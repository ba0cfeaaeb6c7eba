package dev.cinnabar.server.stats;

/**
 * Counters reported by INFO, with the slow log and the latency monitor; written by the engine
 * thread only. Per-command counters live on each command's metadata.
 */
public final class ServerStats {
    public long connectionsReceived;
    public long rejectedConnections;
    public long commandsProcessed;
    public long netInputBytes;
    public long netOutputBytes;
    /** Every error reply; counted by {@link #errors} as the reply is written, never by hand. */
    public long errorReplies;
    /** Fraction of sampled keys found expired, smoothed; steers the fast expiry cycle. */
    public double expiredStalePercent;
    public long expireCycleTimeCapReached;
    public long expireCycleMicros;
    /** Keys and clients dropped to stay under maxmemory. */
    public long evictedKeys;
    public long evictedClients;
    /** Chunks of input taken from sockets, and replies handed to them (Redis counts its read and write calls). */
    public long readsProcessed;
    public long writesProcessed;
    public long startMillis;
    /** Blobs (listpacks, intsets, quicklist and stream nodes) checked entry by entry by RESTORE or a load. */
    public long dumpPayloadSanitizations;

    /** Error replies by error code (INFO errorstats). */
    public final ErrorStats errors = new ErrorStats(this);
    /** The {@code instantaneous_*} rates, sampled by the cron. */
    public final InstantaneousMetrics instantaneous = new InstantaneousMetrics();
    /** Not cleared by CONFIG RESETSTAT, as in Redis: SLOWLOG RESET and LATENCY RESET do that. */
    public final SlowLog slowLog = new SlowLog();
    public final LatencyMonitor latency = new LatencyMonitor();
    /** The memcached front end's counters ({@code stats}, INFO's {@code # Memcached}). */
    public final MemcachedStats memcached = new MemcachedStats();

    /** CONFIG RESETSTAT: the counters and error statistics (per-command ones are reset by the caller). */
    public void reset() {
        connectionsReceived = 0;
        rejectedConnections = 0;
        dumpPayloadSanitizations = 0;
        commandsProcessed = 0;
        netInputBytes = 0;
        netOutputBytes = 0;
        errorReplies = 0;
        expiredStalePercent = 0;
        expireCycleTimeCapReached = 0;
        expireCycleMicros = 0;
        evictedKeys = 0;
        evictedClients = 0;
        readsProcessed = 0;
        writesProcessed = 0;
        errors.reset();
        instantaneous.reset();
        memcached.reset();
    }
}
