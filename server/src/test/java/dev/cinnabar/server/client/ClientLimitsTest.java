package dev.cinnabar.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

/** maxclients, timeout and the output-buffer limit arithmetic, on the engine with a manual clock. */
class ClientLimitsTest {
    private final EngineHarness h = new EngineHarness();

    @Test
    void maxclientsRefusesAndCountsOnlyTheRefusal() {
        h.config.maxClients = 2;
        long received = h.server.stats().connectionsReceived;
        h.newClient();
        Client refused = h.newClient();
        assertEquals("-ERR max number of clients reached\r\n", h.drain(refused));
        assertTrue(refused.has(Client.CLOSE_AFTER_REPLY));
        assertEquals(2, h.server.clients().size());
        assertEquals(1, h.server.stats().rejectedConnections);
        assertEquals(received + 1, h.server.stats().connectionsReceived);
    }

    @Test
    void timeoutClosesIdleClientsButNotMonitorsOrHeldOnes() {
        h.config.timeoutSeconds = 2;
        Client idle = h.newClient();
        Client monitor = h.newClient();
        Client held = h.newClient();
        h.call(monitor, "MONITOR");
        h.call("CLIENT", "PAUSE", "100000", "WRITE");
        h.call(held, "SET", "k", "v");
        h.clock.advance(2_000);
        h.engine.runCron();
        assertFalse(idle.isClosed(), "2 s is not more than 2 s");
        h.clock.advance(1_000);
        h.engine.runCron();
        assertTrue(idle.isClosed());
        assertTrue(h.client.isClosed());
        assertFalse(monitor.isClosed());
        assertFalse(held.isClosed());
    }

    @Test
    void softLimitMustHoldLongerThanItsSeconds() {
        ServerConfig config = h.config;
        config.clientOutputBufferLimits[ServerConfig.OBUF_NORMAL] = new long[] {0, 1000, 2};
        Client c = h.client;
        assertFalse(OutputLimits.exceeded(config, c, 1000, 100), "the first sighting starts the clock");
        assertFalse(OutputLimits.exceeded(config, c, 5000, 102));
        assertTrue(OutputLimits.exceeded(config, c, 5000, 103));
        assertFalse(OutputLimits.exceeded(config, c, 999, 104), "dropping below resets it");
        assertFalse(OutputLimits.exceeded(config, c, 1000, 105));
        assertFalse(OutputLimits.exceeded(config, c, 0, 200), "nothing beyond the fixed buffer: not looked at");
        assertTrue(OutputLimits.exceeded(config, c, 1000, 201), "and the clock kept running meanwhile");
    }

    @Test
    void hardLimitAndWhatIsMeasured() {
        ServerConfig config = h.config;
        config.clientOutputBufferLimits[ServerConfig.OBUF_NORMAL] = new long[] {1 << 20, 0, 0};
        Client c = h.client;
        assertEquals(0, OutputLimits.measured(c, 16 * 1024));
        // Beyond the fixed buffer, in Redis's reply-list nodes of 20,464 bytes each (KEYS of
        // 1000 keys of 100 bytes reached a limit of 100000 with five of them in Redis 7.0).
        assertEquals(20_464, OutputLimits.measured(c, 16 * 1024 + 100));
        assertEquals(20_464, OutputLimits.measured(c, 16 * 1024 + 20_464));
        assertEquals(2 * 20_464, OutputLimits.measured(c, 16 * 1024 + 20_465));
        assertEquals(5 * 20_464, OutputLimits.measured(c, 105_000));
        assertFalse(OutputLimits.exceeded(config, c, (1 << 20) - 1, 0));
        assertTrue(OutputLimits.exceeded(config, c, 1 << 20, 0));
        // Back-pressure never starts before the limit can be reached.
        assertTrue(OutputLimits.holdAt(config, c) > (1 << 20) + 16 * 1024);
        config.clientOutputBufferLimits[ServerConfig.OBUF_NORMAL] = new long[] {64L << 20, 0, 0};
        assertTrue(OutputLimits.holdAt(config, c) > (64L << 20) + 16 * 1024);
        config.clientOutputBufferLimits[ServerConfig.OBUF_NORMAL] = new long[] {0, 0, 0};
        assertEquals(OutputLimits.HOLD_BASE, OutputLimits.holdAt(config, c));
    }
}
