package dev.cinnabar.server.memory;

import dev.cinnabar.datatypes.value.JvmSizes;
import dev.cinnabar.datatypes.value.StringType;
import dev.cinnabar.server.db.Keyspace;
import java.util.function.LongSupplier;

/**
 * The server's {@code used_memory}: an estimate of the heap that keys, values and clients hold,
 * plus the fixed structures every server has. The keyspace keeps its share up to date on every
 * write ({@link dev.cinnabar.server.db.Db#memory()}); client buffers come and go on the I/O side,
 * so they are summed from the cron, as Redis's client cron does. The cron also samples what the
 * process and the JVM report (RSS, heap) and keeps the peak.
 *
 * <p>Engine thread only.
 */
public final class MemoryAccounting {
    /** How often the process figures are sampled, as Redis's cron samples RSS. */
    static final long SAMPLE_PERIOD_NANOS = 100_000_000L;
    /** A Db object with its two empty dicts. */
    private static final long DATABASE_FIXED = 56 + 2 * 48;

    private final Keyspace keyspace;
    /** The heap the connected clients hold now; summed by the client registry. */
    private final LongSupplier clients;
    private final long fixed;
    private final long startup;
    private long totalSystem = -1;
    private long peak;
    private long clientBytes;
    /** A client ended since {@link #clientBytes} was summed. */
    private boolean clientGone;
    /**
     * Heap held beside the keyspace by tables keyed like it (the memcached items' flags and CAS
     * uniques), kept up to date by their owner; part of used_memory, so maxmemory counts it.
     */
    public long besideKeyspace;
    private long rss;
    private long heapUsed;
    private long heapCommitted;
    private long lastSampleNanos;
    private boolean sampled;

    public MemoryAccounting(Keyspace keyspace, LongSupplier clients) {
        this.keyspace = keyspace;
        this.clients = clients;
        // The shared integers (0..127 are the JDK's own cache and exist anyway) and the databases.
        long sharedIntegers = (StringType.SHARED_INTEGERS - 128) * (long) JvmSizes.LONG
                + JvmSizes.referenceArray(StringType.SHARED_INTEGERS);
        this.fixed = sharedIntegers + keyspace.count() * DATABASE_FIXED;
        this.startup = used();
        this.peak = startup;
        // The process figures wait for the first cron or question: reading them loads the JVM's
        // management classes, which would lengthen the start.
    }

    /**
     * used_memory: fixed structures, the keyspace, and client buffers as of the last cron, or
     * of now when a client ended since.
     */
    public long used() {
        if (clientGone) {
            refreshClients();
        }
        return fixed + keyspace.memory() + clientBytes + besideKeyspace;
    }

    /** used_memory_startup: what the server held before any key or client. */
    public long startup() {
        return startup;
    }

    /** used_memory_peak, raised to the current figure first, as INFO does. */
    public long peak() {
        updatePeak();
        return peak;
    }

    public long updatePeak() {
        long used = used();
        if (used > peak) {
            peak = used;
        }
        return used;
    }

    /** Heap held by normal clients: per-connection objects, query and reply buffers. */
    public long clients() {
        return clientBytes;
    }

    public long totalSystemMemory() {
        if (totalSystem < 0) {
            totalSystem = ProcessMemory.totalSystemMemory();
        }
        return totalSystem;
    }

    /** Sampled figures: RSS, and the JVM heap standing in for an allocator. */
    public long rss() {
        ensureSampled();
        return rss;
    }

    public long heapUsed() {
        ensureSampled();
        return heapUsed;
    }

    public long heapCommitted() {
        ensureSampled();
        return heapCommitted;
    }

    private void ensureSampled() {
        if (!sampled) {
            // Out of the cron's schedule: the cron still takes its next sample when due.
            sampleProcess(lastSampleNanos);
        }
    }

    /** The cron's part: client buffers and process figures every 100 ms, and the peak. */
    public void cron(long nanos) {
        if (!sampled || nanos - lastSampleNanos >= SAMPLE_PERIOD_NANOS) {
            refreshClients();
            sampleProcess(nanos);
        }
        updatePeak();
    }

    /** Sums the clients' memory now; INFO and MEMORY STATS call it so that they are current. */
    public void refreshClients() {
        clientBytes = clients.getAsLong();
        clientGone = false;
    }

    /**
     * A client ended: what its buffers held is given back at once in Redis's used_memory, so
     * the next reading sums the clients again rather than wait for the cron. Clients that
     * stopped reading their replies can hold megabytes each, and a maxmemory check in between
     * would evict keys for memory no longer held.
     */
    public void clientGone() {
        clientGone = true;
    }

    private void sampleProcess(long nanos) {
        rss = ProcessMemory.rss();
        heapUsed = ProcessMemory.heapUsed();
        heapCommitted = ProcessMemory.heapCommitted();
        lastSampleNanos = nanos;
        sampled = true;
    }
}
