package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

/** ROLE and WAIT on a master no replica has connected to. */
class ReplicationCommandsTest {
    private final EngineHarness h = new EngineHarness();
    private final Client a = h.newClient();

    @Test
    void roleIsAMasterAtOffsetZeroWithoutReplicas() {
        assertEquals("*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n", h.call("ROLE"));
    }

    @Test
    void waitForNoReplicasAnswersAtOnce() {
        assertEquals(":0\r\n", h.call("WAIT", "0", "0"));
        assertEquals(":0\r\n", h.call("WAIT", "-5", "100"));
        assertEquals("-ERR timeout is negative\r\n", h.call("WAIT", "0", "-1"));
        assertEquals("-ERR timeout is not an integer or out of range\r\n", h.call("WAIT", "1", "0.5"));
        assertEquals("-ERR value is not an integer or out of range\r\n", h.call("WAIT", "one", "0"));
    }

    @Test
    void waitForReplicasBlocksUntilItsTimeout() {
        assertEquals("", h.call(a, "WAIT", "1", "50"));
        assertEquals(1, h.server.clients().blocked().count());
        h.clock.advance(49);
        h.engine.handleBlockedClients();
        assertEquals("", h.drain(a));
        h.clock.advance(2);
        h.engine.handleBlockedClients();
        assertEquals(":0\r\n", h.drain(a));
        assertEquals(0, h.server.clients().blocked().count());
    }

    @Test
    void waitWithoutTimeoutBlocksForGoodButNotInMulti() {
        assertEquals("", h.call(a, "WAIT", "2", "0"));
        h.clock.advance(1_000_000);
        h.engine.handleBlockedClients();
        assertEquals("", h.drain(a));
        Client b = h.newClient();
        h.call(b, "MULTI");
        h.call(b, "WAIT", "2", "0");
        assertEquals("*1\r\n:0\r\n", h.call(b, "EXEC"));
    }

    @Test
    void replicaofNoOneKeepsTheMasterAndAnythingElseIsRefused() {
        assertEquals("+OK\r\n", h.call("REPLICAOF", "NO", "ONE"));
        assertEquals("+OK\r\n", h.call("SLAVEOF", "no", "one"));
        assertEquals("-ERR Invalid master port\r\n", h.call("REPLICAOF", "127.0.0.1", "65536"));
        assertEquals("-ERR Cinnabar cannot replicate yet: it stays a master\r\n", h.call("REPLICAOF", "127.0.0.1", "6380"));
        assertEquals("*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n", h.call("ROLE"));
    }
}
