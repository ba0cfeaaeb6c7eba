package dev.cinnabar.server.net;

import java.util.Map;
import java.util.Properties;

/**
 * Netty's settings that must be in place before its classes load, chosen for a server that runs
 * one engine thread and is judged on its resident memory. Each is a system property, so a user
 * who sets one with {@code -D} keeps theirs.
 *
 * <p>Measured on an idle server and after a small load (bench/RESULTS.md, "The JVM's floor"):
 * Netty 4.2's default allocator is the adaptive one, and the engine's reply buffers come from the
 * pooled one, so two allocators each kept chunks of direct memory. One pooled allocator, one
 * arena (in the default shape one thread allocates) and 1 MB chunks instead of 4 MB left 6-14 MB
 * less native memory resident in single runs, idle and after a small load.
 */
public final class NettyDefaults {
    private static final Map<String, String> DEFAULTS = Map.of(
            // Flight Recorder events: merely checking loads about a hundred JFR classes on the
            // first connection, a fifth of a second before the first reply.
            "io.netty.jfr.enabled", "false",
            // The leak detector records a stack trace for one buffer in 128: a few percent of a
            // pipelined SET benchmark. Buffers have one owner each (see Engine.output); the
            // integration tests turn sampling back on and fail on a report.
            "io.netty.leakDetection.level", "disabled",
            // Every write into a buffer otherwise first reads its reference count to refuse a
            // released one: about 6% of pipelined SET/GET/INCR. The tests keep the check on.
            "io.netty.buffer.checkAccessible", "false",
            // Reads and replies from the one pooled allocator the engine already uses for replies.
            "io.netty.allocator.type", "pooled",
            // An arena per core is for many threads allocating at once; here it is the engine's
            // loop (and with io-threads, a few I/O threads, which the per-thread caches serve).
            "io.netty.allocator.numDirectArenas", "1",
            "io.netty.allocator.numHeapArenas", "1",
            // 8 KB pages << 7: chunks of 1 MB. A buffer larger than that is allocated on its own.
            "io.netty.allocator.maxOrder", "7");

    private NettyDefaults() {
    }

    /** Sets every default the properties do not already have. Call before any Netty class loads. */
    public static void apply(Properties properties) {
        for (Map.Entry<String, String> d : DEFAULTS.entrySet()) {
            if (properties.getProperty(d.getKey()) == null) {
                properties.setProperty(d.getKey(), d.getValue());
            }
        }
    }

    static Map<String, String> defaults() {
        return DEFAULTS;
    }
}
