package dev.cinnabar.server.engine;

/** Counters reported by INFO; written by the engine thread only. */
public final class ServerStats {
    public long connectionsReceived;
    public long rejectedConnections;
    public long commandsProcessed;
    public long netInputBytes;
    public long netOutputBytes;
    public long errorReplies;
    /** Fraction of sampled keys found expired, smoothed; steers the fast expiry cycle. */
    public double expiredStalePercent;
    public long expireCycleTimeCapReached;
    public long expireCycleMicros;
    public long startMillis;

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
    }
}
