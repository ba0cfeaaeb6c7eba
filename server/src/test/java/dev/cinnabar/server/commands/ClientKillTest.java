package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

class ClientKillTest {
    private final EngineHarness h = new EngineHarness();

    private Client clientAt(String addr, String laddr) {
        Client c = new Client(h.engine.nextClientId(), h.server, null, addr, laddr);
        h.engine.connected(c);
        return c;
    }

    @Test
    void oldFormByAddress() {
        Client a = clientAt("10.0.0.1:1000", "127.0.0.1:6379");
        assertEquals("-ERR No such client\r\n", h.call("CLIENT", "KILL", "10.0.0.1:9"));
        assertEquals("+OK\r\n", h.call("CLIENT", "KILL", "10.0.0.1:1000"));
        assertTrue(a.isClosed());
        assertEquals(1, h.server.clients().size());
    }

    @Test
    void oldFormMayKillTheCallerAfterReplying() {
        assertEquals("+OK\r\n", h.call("CLIENT", "KILL", "127.0.0.1:40000"));
        assertTrue(h.client.has(Client.CLOSE_AFTER_REPLY));
    }

    @Test
    void filtersMustAllMatch() {
        Client a = clientAt("10.0.0.1:1000", "127.0.0.1:6379");
        Client b = clientAt("10.0.0.2:1000", "127.0.0.1:7000");
        assertEquals(":0\r\n", h.call("CLIENT", "KILL", "ADDR", "10.0.0.1:1000", "LADDR", "127.0.0.1:7000"));
        assertEquals(":0\r\n", h.call("CLIENT", "KILL", "ID", Long.toString(a.id), "ADDR", "10.0.0.2:1000"));
        assertEquals(":1\r\n", h.call("CLIENT", "KILL", "laddr", "127.0.0.1:7000"));
        assertTrue(b.isClosed());
        assertFalse(a.isClosed());
        assertEquals(":1\r\n", h.call("CLIENT", "KILL", "id", Long.toString(a.id), "type", "normal", "user", "default"));
        assertTrue(a.isClosed());
    }

    @Test
    void skipMeSparesTheCallerUnlessNo() {
        Client a = h.newClient();
        assertEquals(":1\r\n", h.call("CLIENT", "KILL", "TYPE", "normal"));
        assertTrue(a.isClosed());
        assertFalse(h.client.has(Client.CLOSE_AFTER_REPLY));
        assertEquals(":0\r\n", h.call("CLIENT", "KILL", "SKIPME", "yes"));
        assertEquals(":1\r\n", h.call("CLIENT", "KILL", "SKIPME", "no"));
        assertTrue(h.client.has(Client.CLOSE_AFTER_REPLY));
    }

    @Test
    void maxAgeKillsOnlyOlderClients() {
        Client old = h.newClient();
        h.clock.advance(10_000);
        Client young = h.newClient();
        assertEquals(":1\r\n", h.call("CLIENT", "KILL", "MAXAGE", "5"));
        assertTrue(old.isClosed());
        assertFalse(young.isClosed());
        assertEquals("-ERR maxage is not an integer or out of range\r\n", h.call("CLIENT", "KILL", "MAXAGE", "x"));
    }

    @Test
    void errors() {
        assertEquals("-ERR wrong number of arguments for 'client|kill' command\r\n", h.call("CLIENT", "KILL"));
        assertEquals("-ERR syntax error\r\n", h.call("CLIENT", "KILL", "a", "b", "c"));
        assertEquals("-ERR syntax error\r\n", h.call("CLIENT", "KILL", "id", "1", "type"));
        for (String bad : new String[] {"0", "-1", "abc", "1.5"}) {
            assertEquals("-ERR client-id should be greater than 0\r\n", h.call("CLIENT", "KILL", "ID", bad), bad);
        }
        assertEquals("-ERR Unknown client type 'foo'\r\n", h.call("CLIENT", "KILL", "TYPE", "foo"));
        assertEquals("-ERR No such user 'nobody'\r\n", h.call("CLIENT", "KILL", "USER", "nobody"));
        assertEquals("-ERR syntax error\r\n", h.call("CLIENT", "KILL", "SKIPME", "maybe"));
        // Three arguments are the old form, whatever the word.
        assertEquals("-ERR No such client\r\n", h.call("CLIENT", "KILL", "skipme"));
        assertEquals(":0\r\n", h.call("CLIENT", "KILL", "ID", "9999"));
    }
}
