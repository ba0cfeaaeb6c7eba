package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

/** CLIENT NO-TOUCH as Redis 7.2 has it: the client's reads leave the keys' access data alone. */
class ClientNoTouchTest {
    private final EngineHarness h = new EngineHarness();

    @Test
    void readsDoNotResetTheIdleTime() {
        h.call("SET", "k", "v");
        h.clock.advance(5000);
        assertEquals("+OK\r\n", h.call("CLIENT", "NO-TOUCH", "on"));
        assertEquals("$1\r\nv\r\n", h.call("GET", "k"));
        assertEquals(":5\r\n", h.call("OBJECT", "IDLETIME", "k"));
        // Another client's read still counts.
        Client other = h.newClient();
        h.call(other, "GET", "k");
        assertEquals(":0\r\n", h.call("OBJECT", "IDLETIME", "k"));
    }

    @Test
    void touchStillTouches() {
        h.call("SET", "k", "v");
        h.clock.advance(5000);
        h.call("CLIENT", "NO-TOUCH", "on");
        assertEquals(":1\r\n", h.call("TOUCH", "k"));
        assertEquals(":0\r\n", h.call("OBJECT", "IDLETIME", "k"));
    }

    @Test
    void offRestoresTouching() {
        h.call("SET", "k", "v");
        h.clock.advance(5000);
        h.call("CLIENT", "NO-TOUCH", "on");
        h.call("CLIENT", "NO-TOUCH", "off");
        h.call("GET", "k");
        assertEquals(":0\r\n", h.call("OBJECT", "IDLETIME", "k"));
    }

    @Test
    void lfuCounterIsLeftAloneToo() {
        h.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
        h.call("SET", "k", "v");
        String before = h.call("OBJECT", "FREQ", "k");
        h.call("CLIENT", "NO-TOUCH", "on");
        for (int i = 0; i < 200; i++) {
            h.call("GET", "k");
        }
        assertEquals(before, h.call("OBJECT", "FREQ", "k"));
        h.call("CLIENT", "NO-TOUCH", "off");
        for (int i = 0; i < 200; i++) {
            h.call("GET", "k");
        }
        assertNotEquals(before, h.call("OBJECT", "FREQ", "k"));
    }
}
