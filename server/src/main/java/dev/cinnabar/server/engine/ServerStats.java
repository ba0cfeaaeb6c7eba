package dev.cinnabar.server.engine;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandFlags;
import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.stats.ErrorStats;
import dev.cinnabar.server.stats.InstantaneousMetrics;
import dev.cinnabar.server.stats.LatencyHistogram;
import dev.cinnabar.server.stats.LatencyMonitor;
import dev.cinnabar.server.stats.SlowLog;

/**
 * Counters reported by INFO, with the slow log and the latency monitor; written by the engine
 * thread only. Per-command counters live on each {@link CommandSpec}.
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

    /** Error replies by error code (INFO errorstats). */
    public final ErrorStats errors = new ErrorStats(this);
    /** The {@code instantaneous_*} rates, sampled by the cron. */
    public final InstantaneousMetrics instantaneous = new InstantaneousMetrics();
    /** Not cleared by CONFIG RESETSTAT, as in Redis: SLOWLOG RESET and LATENCY RESET do that. */
    public final SlowLog slowLog = new SlowLog();
    public final LatencyMonitor latency = new LatencyMonitor();

    /**
     * What every executed command adds once it has run: its counters, its latency histogram, the
     * slow log and the latency monitor. Rejected commands never get here.
     */
    public void afterCall(Client c, CommandSpec cmd, long micros, boolean failed) {
        cmd.calls++;
        cmd.microseconds += micros;
        if (failed) {
            cmd.failedCalls++;
        }
        commandsProcessed++;
        ServerConfig config = c.engine.config();
        if (config.latencyTracking) {
            LatencyHistogram h = cmd.latencyHistogram;
            if (h == null) {
                h = new LatencyHistogram();
                cmd.latencyHistogram = h;
            }
            h.recordMicros(micros);
        }
        long threshold = config.slowlogLogSlowerThan;
        if (threshold >= 0 && micros >= threshold && !cmd.has(CommandFlags.SKIP_SLOWLOG)) {
            slowLog.maybeLog(threshold, config.slowlogMaxLen, micros, c.engine.clock().millis() / 1000,
                    c.argv, c.redactedArguments(), c.remoteAddress, c.name);
        }
        if (config.latencyMonitorThreshold > 0) {
            latency.maybeAdd(config.latencyMonitorThreshold, cmd.has(CommandFlags.FAST) ? "fast-command" : "command",
                    micros / 1000, c.engine.clock().millis() / 1000);
        }
    }

    /** CONFIG RESETSTAT: the counters and error statistics (per-command ones are reset by the caller). */
    public void reset() {
        connectionsReceived = 0;
        rejectedConnections = 0;
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
    }

    /** Resets the statistics each command keeps: calls, time, failures and the latency histogram. */
    public static void resetCommandStats(Iterable<CommandSpec> commands) {
        for (CommandSpec spec : commands) {
            spec.calls = 0;
            spec.microseconds = 0;
            spec.failedCalls = 0;
            spec.rejectedCalls = 0;
            spec.latencyHistogram = null;
        }
    }
}
