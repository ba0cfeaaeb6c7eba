package dev.cinnabar.server.client;

import dev.cinnabar.protocol.ReplyWriter;

/**
 * What commands may ask of the running server beyond its data: the engine implements it. It
 * keeps the command families free of the engine's classes.
 */
public interface ServerControl {
    /** Closes another client's connection now, dropping its unsent replies (CLIENT KILL). */
    void kill(Client c);

    /**
     * Redis's shutdown sequence with {@code ShutdownFlags}; false when it failed and the server
     * keeps running. On success the process ends, so without a test harness this does not return.
     */
    boolean shutdown(int flags);

    /** True while a shutdown waits for replicas; SHUTDOWN ABORT cancels one. */
    boolean shutdownInProgress();

    /** SHUTDOWN ABORT: cancels the shutdown that waits; false when none does. */
    boolean abortShutdown();

    /** DEBUG PAUSE-CRON: stops and restarts the cron (expiry, client timeouts, statistics). */
    void pauseCron(boolean paused);

    /** Starts a {@link LongTask} for the running command of {@code owner}; see there. */
    LongTask beginLongTask(Client owner, String rejection);

    /**
     * The reply writer of a client other than the one whose command runs (MONITOR, pub/sub,
     * unblocking): its buffer ready and the client queued for the next flush.
     */
    ReplyWriter output(Client c);

    /** Whether {@code maxmemory-clients} is on, so that {@link #pushed} has something to do. */
    boolean measuresPushes();

    /**
     * A message went to {@code c} outside its own command (a published message, an invalidation):
     * its memory is taken again for {@code maxmemory-clients}, as Redis's
     * updateClientMemUsageAndBucket after each, so that the eviction after the command sees it.
     * Only while {@link #measuresPushes}, which a sender asks once for all its receivers.
     */
    void pushed(Client c);
}
