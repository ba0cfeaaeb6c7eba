package dev.cinnabar.server.persistence;

import dev.cinnabar.server.stats.ServerStats;

/**
 * How long the engine rests after a slice of a background walk of the keyspace (a BGSAVE, a
 * replica's diskless sync, an AOF rewrite) before the next one: twice the slice while clients
 * are being served, nothing when none is.
 */
final class SlicePacing {
    private final ServerStats stats;
    /** Commands run when the last slice ended; -1 before the first. */
    private long commandsAtLastSlice = -1;

    SlicePacing(ServerStats stats) {
        this.stats = stats;
    }

    /**
     * Twice the slice that took {@code took} nanoseconds, so that a walk takes at most about a
     * third of the engine's time. Redis's fork child does that work on another core and leaves
     * the main thread alone; here the walk runs on the engine's thread, and on a small machine a
     * walk flat out also took the core the clients' own processes needed. On two cores, during a
     * BGSAVE of 1.06M keys under GET at -P 1 (bench/persistence.py): flat out, p99 2.0 ms and
     * p99.9 5.0 ms; pausing as long as each slice, about the same; twice as long, 1.5-1.6 and
     * 3.5-4.4 ms, the save taking 3.1 s against Redis's 2.6 s (Redis's p99 0.6 ms, p99.9
     * 1.5-2.2 ms).
     */
    static long slicePause(long took) {
        return 2 * took;
    }

    /**
     * {@link #slicePause}, unless no command ran since the previous slice: with no client to
     * leave the engine to, the next slice comes as soon as the sockets are served, and the walk
     * of an idle server takes the time its encoding takes, as Redis's fork child does (a full
     * sync of 632k keys: 0.92-1.25 s where it took 1.76-2.29, bench/RESULTS.md). One command
     * since, and the pauses are back.
     */
    long pauseAfter(long took) {
        long commands = stats.commandsProcessed;
        boolean idle = commands == commandsAtLastSlice;
        commandsAtLastSlice = commands;
        return idle ? 0 : slicePause(took);
    }
}
