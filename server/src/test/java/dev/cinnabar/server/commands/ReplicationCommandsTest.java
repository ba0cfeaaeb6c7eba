package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

/** ROLE and WAIT on a master no replica has connected to; REPLICAOF without a transport. */
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
    void replicaofMakesAReadOnlyReplicaUntilNoOne() {
        assertEquals("+OK\r\n", h.call("REPLICAOF", "NO", "ONE"));
        assertEquals("+OK\r\n", h.call("SLAVEOF", "no", "one"));
        assertEquals("-ERR Invalid master port\r\n", h.call("REPLICAOF", "127.0.0.1", "65536"));
        h.call("SET", "k", "v");
        // No transport here: the replica stays in state connect, as a Redis whose master is unreachable.
        assertEquals("+OK\r\n", h.call("REPLICAOF", "127.0.0.1", "6380"));
        assertEquals("+OK Already connected to specified master\r\n", h.call("REPLICAOF", "127.0.0.1", "6380"));
        assertEquals("*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:6380\r\n$7\r\nconnect\r\n:-1\r\n", h.call("ROLE"));
        assertEquals("-READONLY You can't write against a read only replica.\r\n", h.call("SET", "k", "w"));
        assertEquals("$1\r\nv\r\n", h.call("GET", "k"), "the data stays until the master's comes");
        assertEquals("-ERR FAILOVER is not valid when server is a replica.\r\n", h.call("FAILOVER"));
        assertEquals("-NOMASTERLINK Can't SYNC while not connected with my master\r\n", h.call("PSYNC", "?", "-1"));
        assertEquals("+OK\r\n", h.call("REPLICAOF", "NO", "ONE"));
        assertEquals("+OK\r\n", h.call("SET", "k", "w"));
        assertEquals("*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n", h.call("ROLE"));
    }

    @Test
    void aReplicaThatServesNoStaleDataRefusesWhileItsLinkIsDown() {
        h.call("CONFIG", "SET", "replica-serve-stale-data", "no");
        h.call("REPLICAOF", "127.0.0.1", "6380");
        assertEquals("-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.\r\n",
                h.call("GET", "k"));
        assertEquals("-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.\r\n",
                h.call("PING"), "PING is not flagged stale: refused too, as redis-server 7.0.15 does");
        assertTrue(h.call("INFO", "replication").contains("master_link_status:down"), "INFO is stale");
        h.call("REPLICAOF", "NO", "ONE");
        assertEquals("$-1\r\n", h.call("GET", "k"));
        // A transaction queued before the link went down is refused at EXEC, as Redis refuses it.
        assertEquals("+OK\r\n", h.call(a, "MULTI"));
        assertEquals("+QUEUED\r\n", h.call(a, "GET", "k"));
        h.call("REPLICAOF", "127.0.0.1", "6380");
        assertEquals("-EXECABORT Transaction discarded because of: MASTERDOWN Link with MASTER is down and "
                + "replica-serve-stale-data is set to 'no'.\r\n", h.call(a, "EXEC"));
        h.call("REPLICAOF", "NO", "ONE");
    }
}
