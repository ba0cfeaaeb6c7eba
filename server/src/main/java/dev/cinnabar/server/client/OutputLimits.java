package dev.cinnabar.server.client;

import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.Clock;

/**
 * {@code client-output-buffer-limit} and the back-pressure built on it.
 *
 * <p>The limits are Redis's: a client whose unsent replies reach the hard limit is closed at
 * once; one that stays at or above the soft limit for more than the soft seconds is closed
 * too. As in Redis, what is measured excludes the fixed reply buffer ({@link #measured}).
 *
 * <p>Back-pressure is ours: Redis runs a client's pipelined commands however far behind its
 * reader is, and with the default unlimited normal class buffers without bound. Here a client
 * whose unsent replies pass {@link #holdAt} waits until they drain before its next command
 * runs. The threshold is never below the configured limits, so a client that Redis would
 * disconnect still reaches its limit and is disconnected.
 */
public final class OutputLimits {
    /** Back-pressure starts here when no larger limit is configured. */
    public static final long HOLD_BASE = 4L * 1024 * 1024;

    private OutputLimits() {
    }

    /** The limit class: replicas, pub/sub clients and everything else (masters and monitors too). */
    public static int limitClass(Client c) {
        if (c.monitor) {
            return ServerConfig.OBUF_NORMAL;
        }
        if (ReplicaLink.isReplica(c)) {
            return ServerConfig.OBUF_REPLICA;
        }
        return c.pubsub ? ServerConfig.OBUF_PUBSUB : ServerConfig.OBUF_NORMAL;
    }

    /**
     * What Redis compares with the limits: the unsent bytes beyond its fixed reply buffer, in
     * the whole nodes of its reply list. {@code pending} is every unsent byte.
     */
    public static long measured(Client c, long pending) {
        return ClientOutput.replyListBytes(c.output.beyondBuffer(Math.max(0, pending)));
    }

    /**
     * {@link #exceeded(ServerConfig, Client, long, long)} with the time read from {@code clock}
     * only when the soft limit is reached, the one case that needs it: most checks find nothing
     * past the fixed buffer, and reading the clock for each was a cost of every client flush.
     */
    public static boolean exceeded(ServerConfig config, Client c, long measured, Clock clock) {
        if (measured == 0) {
            return false;
        }
        long soft = config.clientOutputBufferLimits[limitClass(c)][1];
        boolean softReached = soft != 0 && Long.compareUnsigned(measured, soft) >= 0;
        return exceeded(config, c, measured, softReached ? clock.millis() / 1000 : 0);
    }

    /**
     * Redis's checkClientOutputBufferLimits for {@code measured} unsent bytes at {@code nowSeconds}:
     * true when the client must be closed. Keeps the soft-limit timer; a client with nothing
     * beyond the fixed buffer is not looked at at all (its timer keeps running, as in Redis).
     */
    public static boolean exceeded(ServerConfig config, Client c, long measured, long nowSeconds) {
        if (measured == 0) {
            return false;
        }
        long[] limit = config.clientOutputBufferLimits[limitClass(c)];
        long hard = limit[0];
        long soft = limit[1];
        boolean hardReached = hard != 0 && Long.compareUnsigned(measured, hard) >= 0;
        boolean softReached = soft != 0 && Long.compareUnsigned(measured, soft) >= 0;
        if (softReached) {
            if (c.output.softLimitSince == 0) {
                c.output.softLimitSince = nowSeconds;
                softReached = false;
            } else if (nowSeconds - c.output.softLimitSince <= limit[2]) {
                softReached = false;
            }
        } else {
            c.output.softLimitSince = 0;
        }
        return hardReached || softReached;
    }

    /** Unsent bytes at which the client's next command waits for its replies to drain. */
    public static long holdAt(ServerConfig config, Client c) {
        long[] limit = config.clientOutputBufferLimits[limitClass(c)];
        long at = HOLD_BASE;
        // Limits are unsigned in Redis; one this close to the top means "no back-pressure".
        if (limit[0] < 0 || limit[1] < 0 || limit[0] > Long.MAX_VALUE / 2 || limit[1] > Long.MAX_VALUE / 2) {
            return Long.MAX_VALUE;
        }
        // Past a limit plus the fixed buffer, so that the limit is reached before the hold.
        at = Math.max(at, limit[0] + ClientOutput.REPLY_CHUNK + 1);
        at = Math.max(at, limit[1] + ClientOutput.REPLY_CHUNK + 1);
        return at;
    }
}
