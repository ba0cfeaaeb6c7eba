package dev.cinnabar.server.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ClientRegistry;
import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

class MemoryAccountingTest {
    private final EngineHarness h = new EngineHarness();
    private final MemoryAccounting m = h.server.memory();

    @Test
    void usedIsStartupPlusKeysPlusClients() {
        long startup = m.startup();
        assertTrue(startup > 200_000, "the shared integers alone are about 280 KB: " + startup);
        m.refreshClients();
        assertEquals(startup + ClientRegistry.memoryOf(h.client), m.used());
        h.call("SET", "key", "x".repeat(100));
        // The key's record with the value inline 112 (id 4, lengths 2, key 3, value 100, padded)
        // + its value, record and meta slots 12 + the table's first arrays: a 4-slot index 48,
        // the headers of the first id page's three arrays 48, the arrays of pages 168.
        assertEquals(388, h.server.keyspace().db(0).memory());
        m.refreshClients();
        assertEquals(startup + 388 + ClientRegistry.memoryOf(h.client), m.used());
    }

    @Test
    void clientsCountTheirBuffers() {
        Client c = h.newClient();
        long idle = ClientRegistry.memoryOf(c);
        assertEquals(ClientRegistry.CLIENT_FIXED, idle, "no buffer yet");
        String big = "x".repeat(100_000);
        h.call(c, "SET", "k", big);
        h.call(c, "GET", "k");
        assertTrue(ClientRegistry.memoryOf(c) > idle + 100_000, "query and reply buffers of 100 KB each: " + ClientRegistry.memoryOf(c));
    }

    @Test
    void thePeakFollowsTheCronAndStays() {
        long before = m.peak();
        h.call("SET", "k", "x".repeat(1_000_000));
        m.cron(h.clock.nanos() + MemoryAccounting.SAMPLE_PERIOD_NANOS);
        long peak = m.peak();
        assertTrue(peak >= before + 1_000_000, peak + " after " + before);
        h.call("DEL", "k");
        m.cron(h.clock.nanos() + 2 * MemoryAccounting.SAMPLE_PERIOD_NANOS);
        assertEquals(peak, m.peak());
        assertTrue(m.used() < peak - 900_000);
    }

    @Test
    void processFiguresAreSampled() {
        assertTrue(m.rss() > 0);
        assertTrue(m.heapUsed() > 0);
        assertTrue(m.heapCommitted() >= m.heapUsed());
        assertTrue(m.totalSystemMemory() > m.rss());
    }
}
