package dev.cinnabar.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

class TrackingTest {
    private final EngineHarness h = new EngineHarness();
    private final Tracking tracking = h.server.clients().tracking();

    private Client resp3Tracker() {
        Client c = h.newClient();
        h.call(c, "HELLO", "3");
        assertEquals("+OK\r\n", h.call(c, "CLIENT", "TRACKING", "on"));
        return c;
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void aKeyReadTwiceByOneClientIsOneItem() {
        Client a = resp3Tracker();
        Client b = resp3Tracker();
        h.call(a, "GET", "k");
        h.call(a, "MGET", "k", "k");
        h.call(b, "GET", "k");
        assertEquals(1, tracking.keys());
        assertEquals(2, tracking.items());
        h.call(h.client, "SET", "k", "v");
        assertEquals(0, tracking.keys());
        assertEquals(0, tracking.items());
        assertEquals(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n", h.drain(a));
        assertEquals(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n", h.drain(b));
    }

    private static String invalidate(String key) {
        return ">2\r\n$10\r\ninvalidate\r\n*1\r\n$" + key.length() + "\r\n" + key + "\r\n";
    }

    @Test
    void keysAreInvalidatedInTheOrderRedisSignalsThem() {
        Client a = resp3Tracker();
        // RENAME: the source, then the destination, whether or not it is overwritten.
        h.call(h.client, "SET", "from", "1");
        h.call(h.client, "SET", "to", "2");
        h.call(a, "MGET", "from", "to");
        h.call(h.client, "RENAME", "from", "to");
        assertEquals(invalidate("from") + invalidate("to"), h.drain(a));
        // LMOVE: the destination's push, then the source's pop.
        h.call(h.client, "RPUSH", "src", "a", "b");
        h.call(a, "MGET", "src", "dst");
        h.call(h.client, "LMOVE", "src", "dst", "LEFT", "LEFT");
        assertEquals(invalidate("dst") + invalidate("src"), h.drain(a));
    }

    @Test
    void rowsOfAClientThatLeftGoWhenTheKeyChanges() {
        Client a = resp3Tracker();
        h.call(a, "GET", "k");
        h.engine.disconnected(a);
        assertEquals(0, tracking.clients());
        assertEquals(1, tracking.items());
        h.call(h.client, "SET", "k", "v");
        assertEquals(0, tracking.items());
        assertEquals(0, tracking.keys());
    }

    @Test
    void overTheLimitRandomRowsAreInvalidatedUntilItFits() {
        Client a = resp3Tracker();
        h.call(a, "MGET", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10");
        assertEquals(10, tracking.keys());
        h.config.trackingTableMaxKeys = 4;
        String out = h.call(a, "PING");
        // Six rows went, each with its message, before the command's own reply.
        assertEquals(6, count(out, "invalidate"));
        assertTrue(out.endsWith("+PONG\r\n"), out);
        assertEquals(4, tracking.keys());
        assertEquals(4, tracking.items());
        h.config.trackingTableMaxKeys = 0;
        h.call(a, "MGET", "x1", "x2", "x3");
        assertEquals(7, tracking.keys());
    }

    @Test
    void aKeyUnderTwoPrefixesReachesEachPrefixsClients() {
        Client a = h.newClient();
        Client b = h.newClient();
        h.call(a, "HELLO", "3");
        h.call(b, "HELLO", "3");
        h.call(a, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "us");
        h.call(b, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:");
        assertEquals(2, tracking.prefixCount());
        h.call(h.client, "MSET", "user:2", "x", "us", "y", "user:1", "z");
        tracking.broadcast();
        assertEquals(">2\r\n$10\r\ninvalidate\r\n*3\r\n$2\r\nus\r\n$6\r\nuser:1\r\n$6\r\nuser:2\r\n", h.drain(a));
        assertEquals(">2\r\n$10\r\ninvalidate\r\n*2\r\n$6\r\nuser:1\r\n$6\r\nuser:2\r\n", h.drain(b));
        // Nothing changed since: nothing is sent again.
        tracking.broadcast();
        assertEquals("", h.drain(a));
        h.call(a, "CLIENT", "TRACKING", "off");
        assertEquals(1, tracking.prefixCount());
        h.call(b, "RESET");
        assertEquals(0, tracking.prefixCount());
        assertEquals(0, tracking.clients());
    }
}
