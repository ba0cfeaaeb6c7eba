package dev.cinnabar.server.client;

import dev.cinnabar.server.config.ServerConfig;

/**
 * {@code maxmemory-clients}, Redis 7.0's client eviction: once the clients together use that
 * much memory (CLIENT LIST's {@code tot-mem}, summed), the biggest are disconnected until they
 * fit, except those that said CLIENT NO-EVICT ON.
 *
 * <p>Redis keeps each client's figure up to date as its buffers change and sorts clients into
 * buckets by size. Here the figure of a client is taken again after it sent input (before and
 * after its commands run, so a huge request is refused before it runs, as in Redis) and in the
 * cron; the running sum makes the check O(1), and only an eviction looks for the biggest client.
 */
public final class ClientEviction {
    /** Redis's floor on the limit: below it the clients' own fixed memory would trigger evictions. */
    static final long MINIMUM = 128 * 1024;

    private long total;

    /** Redis's getClientEvictionLimit: bytes, or a percentage of maxmemory (stored negative); 0 is off. */
    public static long limit(ServerConfig config) {
        long setting = config.maxMemoryClients;
        long limit;
        if (setting < 0) {
            if (config.maxMemory == 0) {
                return 0; // a share of no limit is no limit
            }
            limit = (long) ((double) config.maxMemory * -setting / 100);
        } else {
            limit = setting;
        }
        return limit == 0 ? 0 : Math.max(limit, MINIMUM);
    }

    /** Takes {@code c}'s figure again; {@code pending} and {@code running} as for CLIENT LIST. */
    public void update(Client c, long pending, boolean running) {
        long now = ClientListFormat.totalMemory(c, pending, running);
        total += now - c.evictionMemory;
        c.evictionMemory = now;
    }

    void forget(Client c) {
        total -= c.evictionMemory;
        c.evictionMemory = 0;
    }

    public long total() {
        return total;
    }

    /** The biggest client that may be evicted, or null. */
    public static Client biggestEvictable(Iterable<Client> clients) {
        Client biggest = null;
        for (Client c : clients) {
            if (!c.noEvict && (biggest == null || c.evictionMemory > biggest.evictionMemory)) {
                biggest = c;
            }
        }
        return biggest;
    }
}
