package dev.cinnabar.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** dynamic-hz: the cron's frequency follows the number of clients, as Redis's serverCron. */
class DynamicHzTest {
    @Test
    void doublesWhileAClockTickWouldServeMoreThan200Clients() {
        assertEquals(10, ServerContext.dynamicHz(10, true, 0));
        // Clients per tick in whole numbers, as Redis divides: 2,009 clients at 10 Hz is 200 a tick.
        assertEquals(10, ServerContext.dynamicHz(10, true, 2009));
        assertEquals(20, ServerContext.dynamicHz(10, true, 2010));
        assertEquals(20, ServerContext.dynamicHz(10, true, 4019));
        assertEquals(40, ServerContext.dynamicHz(10, true, 4020));
        assertEquals(4, ServerContext.dynamicHz(1, true, 450));
        assertEquals(500, ServerContext.dynamicHz(10, true, 1_000_000), "CONFIG_MAX_HZ");
        assertEquals(10, ServerContext.dynamicHz(10, false, 1_000_000), "dynamic-hz no");
    }
}
