package dev.cinnabar.server.client;

import java.util.Collection;

/**
 * The heap all clients' half-read requests hold together, and the bound on it.
 *
 * <p>Redis keeps a request in its query buffer until the request is whole; so does the
 * decoder. One client per connection is bounded by {@code client-query-buffer-limit}, but many
 * clients each sending a big MSET at once can together hold more than a JVM's heap, and the
 * heap running out while a request is read can fail anywhere, the engine thread included. So
 * the heap guard ({@code heap-reserve}) also bounds the sum: past half of the reserved heap,
 * (more while the data leaves room), the client holding the most is closed, as Redis's client eviction closes the biggest client
 * over {@code maxmemory-clients}. Waiting instead (not reading) could leave every client
 * holding half a request forever.
 */
public final class QueryBuffers {
    private long total;

    /** Records what {@code c}'s input holds now; call after feeding or trimming its decoder. */
    public void update(Client c) {
        long held = c.decoder.heldBytes();
        total += held - c.queryBufferHeld;
        c.queryBufferHeld = held;
    }

    /** The client is gone. */
    void forget(Client c) {
        total -= c.queryBufferHeld;
        c.queryBufferHeld = 0;
    }

    public long total() {
        return total;
    }

    /**
     * The bound for a heap of {@code maxHeap} bytes with {@code heapReserve} percent reserved,
     * when the data holds {@code used} bytes; 0 is none. Half of the reserve at least; more while
     * the data leaves the heap mostly empty (half of the room below the guard's limit), so that
     * one big request still fits a small heap.
     */
    public static long bound(long maxHeap, int heapReserve, long used) {
        if (heapReserve == 0) {
            return 0;
        }
        long dataLimit = maxHeap / 100 * (100 - heapReserve);
        return Math.max(maxHeap / 200 * heapReserve, (dataLimit - used) / 2);
    }

    /** The client whose input holds the most, or null when none holds anything. */
    public static Client largest(Collection<Client> clients) {
        Client largest = null;
        for (Client c : clients) {
            if (c.queryBufferHeld > 0 && (largest == null || c.queryBufferHeld > largest.queryBufferHeld)) {
                largest = c;
            }
        }
        return largest;
    }
}
