package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

class ClientPauseTest {
    private final EngineHarness h = new EngineHarness();
    private final Client b = h.newClient();

    /** What the engine does on its cron tick and after each task. */
    private void tick() {
        h.engine.runCron();
        h.engine.runReleasedClients();
    }

    @Test
    void writePauseHoldsWritesAndLetsReadsThrough() {
        assertEquals("+OK\r\n", h.call("CLIENT", "PAUSE", "1000", "WRITE"));
        assertEquals("$-1\r\n", h.call(b, "GET", "k"));
        assertEquals("", h.call(b, "SET", "k", "v"));
        // Pipelined behind the held command: waits too, even a read.
        assertEquals("", h.call(b, "GET", "k"));
        assertEquals(1, h.server.clients().blockedCount());
        String list = h.call("CLIENT", "LIST", "ID", Long.toString(b.id));
        assertTrue(list.contains(" flags=b "), list);
        assertTrue(list.contains(" cmd=set "), list);
        h.clock.advance(500);
        tick();
        assertEquals("", h.drain(b));
        h.clock.advance(501);
        tick();
        assertEquals("+OK\r\n$1\r\nv\r\n", h.drain(b));
        assertEquals(0, h.server.clients().blockedCount());
    }

    @Test
    void allPauseHoldsEverythingIncludingUnpause() {
        assertEquals("+OK\r\n", h.call("CLIENT", "PAUSE", "1000"));
        assertEquals("", h.call(b, "PING"));
        assertEquals("", h.call(b, "CLIENT", "UNPAUSE"));
        assertEquals("", h.call("PING"));
        h.clock.advance(1001);
        tick();
        assertEquals("+PONG\r\n+OK\r\n", h.drain(b));
        assertEquals("+PONG\r\n", h.drain(h.client));
    }

    @Test
    void unpauseReleasesInOrder() {
        Client c = h.newClient();
        h.call("CLIENT", "PAUSE", "100000", "WRITE");
        h.call(b, "SET", "k", "first");
        h.call(c, "SET", "k", "second");
        assertEquals("+OK\r\n", h.call("CLIENT", "UNPAUSE"));
        h.engine.runReleasedClients();
        assertEquals("+OK\r\n", h.drain(b));
        assertEquals("+OK\r\n", h.drain(c));
        assertEquals("$6\r\nsecond\r\n", h.call("GET", "k"));
    }

    @Test
    void pausesCombineToTheLaterEndAndStricterType() {
        h.call("CLIENT", "PAUSE", "5000", "WRITE");
        h.call("CLIENT", "PAUSE", "1000", "ALL");
        assertEquals("", h.call(b, "PING"));
        h.clock.advance(1500);
        tick();
        assertEquals("", h.drain(b));
        h.clock.advance(4000);
        tick();
        assertEquals("+PONG\r\n", h.drain(b));
    }

    @Test
    void zeroTimeoutPausesNothing() {
        assertEquals("+OK\r\n", h.call("CLIENT", "PAUSE", "0"));
        assertEquals("+PONG\r\n", h.call(b, "PING"));
    }

    @Test
    void expiryWaitsForThePause() {
        h.call("SET", "k", "v", "PX", "100");
        h.call("CLIENT", "PAUSE", "10000", "WRITE");
        h.clock.advance(200);
        // Readers see the key gone, but it stays in memory while the dataset is frozen.
        assertEquals("$-1\r\n", h.call("GET", "k"));
        assertEquals(1, h.server.keyspace().db(0).size());
        assertEquals(":1\r\n", h.call("DBSIZE"));
        h.call("CLIENT", "UNPAUSE");
        assertEquals("$-1\r\n", h.call("GET", "k"));
        assertEquals(0, h.server.keyspace().db(0).size());
    }

    @Test
    void errors() {
        assertEquals("-ERR wrong number of arguments for 'client|pause' command\r\n", h.call("CLIENT", "PAUSE"));
        assertEquals("-ERR timeout is not an integer or out of range\r\n", h.call("CLIENT", "PAUSE", "abc"));
        assertEquals("-ERR timeout is negative\r\n", h.call("CLIENT", "PAUSE", "-1"));
        assertEquals("-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n", h.call("CLIENT", "PAUSE", "abc", "foo"));
        assertEquals("-ERR unknown subcommand or wrong number of arguments for 'Pause'. Try CLIENT HELP.\r\n",
                h.call("client", "Pause", "1", "write", "x"));
        assertEquals("-ERR wrong number of arguments for 'client|unpause' command\r\n", h.call("CLIENT", "UNPAUSE", "x"));
        assertEquals("+OK\r\n", h.call("CLIENT", "UNPAUSE"));
    }
}
