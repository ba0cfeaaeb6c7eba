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
    /** Bytes from this replica's master and to this master's replicas: Redis counts them apart. */
    public long netReplInputBytes;
    public long netReplOutputBytes;
    /** Every error reply; counted by {@link #errors} as the reply is written, never by hand. */
    public long errorReplies;
    /**
     * Error replies a script passed on from a command it called, already counted there (not in
     * {@link #errorReplies}); each fails the script's command. Never reset.
     */
    public long errorsPassedOn;
    /** {@link #errorReplies} and {@link #errorsPassedOn} as the last {@link #takeErrors} left them. */
    private long errorsTaken;
    private long passedOnTaken;
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

    /** Errors a replica answered its master (INFO's unexpected_error_replies). */
    public long unexpectedErrorReplies;
    /** Replicas synchronized in full, continued from the backlog, refused a continuation (INFO's sync_*). */
    public long syncFull;
    public long syncPartialOk;
    public long syncPartialErr;

    /** Error replies by error code (INFO errorstats). */
    public final ErrorStats errors = new ErrorStats(this);
    /** The {@code instantaneous_*} rates, sampled by the cron. */
    public final InstantaneousMetrics instantaneous = new InstantaneousMetrics();
    /** Not cleared by CONFIG RESETSTAT, as in Redis: SLOWLOG RESET and LATENCY RESET do that. */
    public final SlowLog slowLog = new SlowLog();
    public final AclLog aclLog = new AclLog();
    public final LatencyMonitor latency = new LatencyMonitor();
    /** The memcached front end's counters ({@code stats}, INFO's {@code # Memcached}). */
    public final MemcachedStats memcached = new MemcachedStats();

    /**
     * Whether errors were replied since the last call, which takes them (Redis's
     * incrCommandStatsOnError and its prev_err_count): a command fails for the errors replied
     * while it ran and not yet taken by a command it ran itself (EXEC's, a script's, or a
     * script's call that was refused), so that no error fails two commands.
     */
    public boolean takeErrors() {
        boolean any = errorReplies > errorsTaken;
        errorsTaken = errorReplies;
        return any;
    }

    /** How many errors were passed on since the last call, which takes them. */
    public int takeErrorsPassedOn() {
        int n = (int) (errorsPassedOn - passedOnTaken);
        passedOnTaken = errorsPassedOn;
        return n;
    }

    /** CONFIG RESETSTAT: the counters and error statistics (per-command ones are reset by the caller). */
    /**
     * Background saves and rewrites started: the forks Redis would have made (INFO's total_forks,
     * which tools and Redis's tests watch to see one start), and how long the last one held the
     * engine while it started (latest_fork_usec). Cinnabar's snapshots fork nothing.
     */
    public long totalForks;
    public long latestForkMicros;

    /** A background save or rewrite started {@code nanos} after it was asked for. */
    public void forked(long nanos) {
        totalForks++;
        latestForkMicros = nanos / 1000;
    }

    public void reset() {
        totalForks = 0;
        unexpectedErrorReplies = 0;
        syncFull = 0;
        syncPartialOk = 0;
        syncPartialErr = 0;
        latestForkMicros = 0;
        connectionsReceived = 0;
        rejectedConnections = 0;
        dumpPayloadSanitizations = 0;
        commandsProcessed = 0;
        netInputBytes = 0;
        netOutputBytes = 0;
        netReplInputBytes = 0;
        netReplOutputBytes = 0;
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
