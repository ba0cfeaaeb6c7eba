package dev.cinnabar.server.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.testing.EngineHarness;
import dev.cinnabar.server.testing.TestQueues;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The machinery of clients blocked on keys, through the test-only QPUSH / QBPOP / QBMOVE
 * (see {@link TestQueues}): FIFO service, serving after the command, chains, timeouts with the
 * manual clock, CLIENT UNBLOCK, disconnects, and what CLIENT LIST, INFO and the statistics show.
 */
class BlockedClientsTest {
    private final EngineHarness h = new EngineHarness(new ServerConfig(), TestQueues.handlers());
    private final Client a = h.newClient();
    private final Client b = h.newClient();
    private final Client c = h.newClient();

    /** What the loop does before it sleeps: timeouts, then the input of the clients let go. */
    private void beforeSleep() {
        h.engine.handleBlockedClients();
    }

    private String info(String field) {
        for (String line : h.call("INFO", "everything").split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        return null;
    }

    @Test
    void firstBlockedIsFirstServed() {
        assertEquals("", h.call(a, "QBPOP", "k", "0"));
        assertEquals("", h.call(b, "QBPOP", "k", "0"));
        assertEquals("", h.call(c, "QBPOP", "k", "0"));
        assertEquals(3, h.server.clients().blockedCount());
        assertEquals(":2\r\n", h.call("QPUSH", "k", "x", "y"));
        assertEquals("*2\r\n$1\r\nk\r\n$1\r\nx\r\n", h.drain(a));
        assertEquals("*2\r\n$1\r\nk\r\n$1\r\ny\r\n", h.drain(b));
        assertEquals("", h.drain(c));
        assertEquals(1, h.server.clients().blockedCount());
        assertEquals(":0\r\n", h.call("EXISTS", "k"));
        h.call("QPUSH", "k", "z");
        assertEquals("*2\r\n$1\r\nk\r\n$1\r\nz\r\n", h.drain(c));
        assertEquals(0, h.server.clients().blockedCount());
    }

    @Test
    void servedAfterTheCommandThatMadeTheKeyReadyAndItsReply() {
        h.call(a, "QBPOP", "k1", "k2", "0");
        // The pusher's own reply is written before the waiter is served; the waiter gets the
        // key that became ready, not the first it named.
        assertEquals(":1\r\n", h.call("QPUSH", "k2", "v"));
        assertEquals("*2\r\n$2\r\nk2\r\n$1\r\nv\r\n", h.drain(a));
        assertEquals(":0\r\n", h.call("EXISTS", "k2"));
    }

    @Test
    void aKeyOfAnotherTypeKeepsTheClientWaiting() {
        assertEquals("", h.call(a, "QBPOP", "k", "0"));
        // Created, so signalled, but not something the waiter can take.
        assertEquals("+OK\r\n", h.call("SET", "k", "string"));
        assertEquals("", h.drain(a));
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                h.call("QPUSH", "k", "v"));
        assertEquals("", h.drain(a));
        h.call("DEL", "k");
        h.call("QPUSH", "k", "v");
        assertEquals("*2\r\n$1\r\nk\r\n$1\r\nv\r\n", h.drain(a));
    }

    @Test
    void serveChainsThroughMoves() {
        h.call(a, "QBMOVE", "src", "dst", "0");
        h.call(b, "QBPOP", "dst", "0");
        h.call("QPUSH", "src", "x");
        assertEquals("$1\r\nx\r\n", h.drain(a));
        assertEquals("*2\r\n$3\r\ndst\r\n$1\r\nx\r\n", h.drain(b));
        assertEquals(":0\r\n", h.call("EXISTS", "src"));
        assertEquals(":0\r\n", h.call("EXISTS", "dst"));
    }

    @Test
    void keysMovedInAreReady() {
        h.call(a, "QBPOP", "k", "0");
        h.call(b, "QBPOP", "m", "0");
        h.call(c, "QBPOP", "s", "0");
        h.call("QPUSH", "other", "1");
        h.call("RENAME", "other", "k");
        assertEquals("*2\r\n$1\r\nk\r\n$1\r\n1\r\n", h.drain(a));
        h.call("SELECT", "1");
        h.call("QPUSH", "m", "2");
        h.call("MOVE", "m", "0");
        assertEquals("*2\r\n$1\r\nm\r\n$1\r\n2\r\n", h.drain(b));
        h.call("QPUSH", "s", "3");
        assertEquals("", h.drain(c));
        h.call("SWAPDB", "0", "1");
        assertEquals("*2\r\n$1\r\ns\r\n$1\r\n3\r\n", h.drain(c));
        h.call("SELECT", "0");
        assertEquals(":0\r\n", h.call("EXISTS", "s"));
    }

    @Test
    void flushAndSwapLookAtTheKeysWaitedOnWithoutReadingThem() {
        h.call(a, "QBPOP", "k", "0");
        long hits = h.server.keyspace().hits;
        long misses = h.server.keyspace().misses;
        h.call("FLUSHALL");
        h.call("SWAPDB", "0", "1");
        assertEquals(hits, h.server.keyspace().hits);
        assertEquals(misses, h.server.keyspace().misses);
        assertEquals(1, h.server.clients().blockedCount());
    }

    @Test
    void inputSentWhileBlockedRunsOnceServed() {
        h.call(a, "QBPOP", "k", "0");
        assertEquals("", h.call(a, "PING"));
        assertEquals("", h.call(a, "QBPOP", "k", "0"));
        h.call("QPUSH", "k", "1");
        assertEquals("*2\r\n$1\r\nk\r\n$1\r\n1\r\n", h.drain(a));
        beforeSleep();
        // PING ran, then the second QBPOP blocked again.
        assertEquals("+PONG\r\n", h.drain(a));
        assertEquals(1, h.server.clients().blockedCount());
        h.call("QPUSH", "k", "2");
        assertEquals("*2\r\n$1\r\nk\r\n$1\r\n2\r\n", h.drain(a));
    }

    @Test
    void timeoutsFireAfterTheirDeadline() {
        h.call(a, "QBPOP", "k", "100");
        h.call(b, "HELLO", "3");
        h.drain(b);
        h.call(b, "QBPOP", "k", "50");
        h.call(c, "QBMOVE", "k", "d", "0");
        assertEquals("2", info("clients_in_timeout_table"));
        h.clock.advance(50);
        beforeSleep();
        assertEquals("", h.drain(b)); // due only once the deadline is passed, as in Redis
        h.clock.advance(1);
        beforeSleep();
        assertEquals("_\r\n", h.drain(b));
        assertEquals("", h.drain(a));
        h.clock.advance(50);
        h.engine.runCron();
        assertEquals("*-1\r\n", h.drain(a));
        assertEquals("0", info("clients_in_timeout_table"));
        assertEquals("1", info("blocked_clients"));
        h.clock.advance(1_000_000);
        beforeSleep();
        assertEquals("", h.drain(c));
    }

    @Test
    void idleTimeoutSparesBlockedClients() {
        h.call("CONFIG", "SET", "timeout", "1");
        h.call(a, "QBPOP", "k", "0");
        h.clock.advance(5000);
        h.engine.runCron();
        assertFalse(a.isClosed());
        assertTrue(b.isClosed());
    }

    @Test
    void clientListAndInfoShowBlockedClients() {
        h.call(a, "QBPOP", "k", "0");
        String list = h.call("CLIENT", "LIST", "ID", Long.toString(a.id));
        assertTrue(list.contains(" flags=b "), list);
        assertTrue(list.contains(" cmd=qbpop "), list);
        assertEquals("1", info("blocked_clients"));
        assertEquals("0", info("clients_in_timeout_table"));
    }

    @Test
    void clientUnblock() {
        h.call(a, "QBPOP", "k", "0");
        h.call(b, "QBMOVE", "k", "d", "0");
        String id = Long.toString(a.id);
        assertEquals(":1\r\n", h.call("CLIENT", "UNBLOCK", id));
        assertEquals("*-1\r\n", h.drain(a));
        assertEquals(":0\r\n", h.call("CLIENT", "UNBLOCK", id));
        assertEquals(":1\r\n", h.call("CLIENT", "UNBLOCK", Long.toString(b.id), "error"));
        assertEquals("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n", h.drain(b));
        assertEquals(":0\r\n", h.call("CLIENT", "UNBLOCK", "12345", "TIMEOUT"));
        assertEquals("-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n",
                h.call("CLIENT", "UNBLOCK", id, "nope"));
        assertEquals("-ERR value is not an integer or out of range\r\n", h.call("CLIENT", "UNBLOCK", "x"));
        assertEquals("-ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP.\r\n",
                h.call("CLIENT", "UNBLOCK", id, "timeout", "x"));
        assertEquals("-ERR wrong number of arguments for 'client|unblock' command\r\n", h.call("CLIENT", "UNBLOCK"));
        // A client held by CLIENT PAUSE is not blocked on keys.
        h.call("CLIENT", "PAUSE", "10000", "WRITE");
        h.call(c, "SET", "x", "1");
        assertEquals(":0\r\n", h.call("CLIENT", "UNBLOCK", Long.toString(c.id)));
        h.call("CLIENT", "UNPAUSE");
    }

    @Test
    void disconnectedAndKilledClientsLeaveNothingBehind() {
        h.call(a, "QBPOP", "k", "100");
        h.call(b, "QBPOP", "k", "0");
        h.call(c, "QBPOP", "k", "0");
        h.engine.disconnected(a);
        assertEquals(":1\r\n", h.call("CLIENT", "KILL", "ID", Long.toString(b.id)));
        assertEquals("1", info("blocked_clients"));
        assertEquals("0", info("clients_in_timeout_table"));
        h.call("QPUSH", "k", "v");
        assertEquals("*2\r\n$1\r\nk\r\n$1\r\nv\r\n", h.drain(c));
        assertEquals("0", info("blocked_clients"));
        h.engine.disconnected(c);
        h.call("QPUSH", "k", "w");
        assertEquals(":1\r\n", h.call("EXISTS", "k"));
    }

    @Test
    void resetWaitsForTheBlockedCommand() {
        h.call(a, "SELECT", "3");
        h.call(a, "QBPOP", "k", "0");
        assertEquals("", h.call(a, "RESET"));
        h.call("SELECT", "3");
        h.call("QPUSH", "k", "v");
        assertEquals("*2\r\n$1\r\nk\r\n$1\r\nv\r\n", h.drain(a));
        beforeSleep();
        assertEquals("+RESET\r\n", h.drain(a));
        assertEquals(0, a.db().id);
    }

    @Test
    void aClientThatMayNotBlockAnswersAsTimedOut() {
        a.denyBlocking = true;
        assertEquals("*-1\r\n", h.call(a, "QBPOP", "k", "0"));
        assertEquals("$-1\r\n", h.call(a, "QBMOVE", "k", "d", "0"));
        assertEquals(0, h.server.clients().blockedCount());
    }

    @Test
    void duplicateKeysAreWaitedOnOnce() {
        h.call(a, "QBPOP", "k", "k", "0");
        h.call(b, "QBPOP", "k", "0");
        h.call("QPUSH", "k", "1", "2");
        assertEquals("*2\r\n$1\r\nk\r\n$1\r\n1\r\n", h.drain(a));
        assertEquals("*2\r\n$1\r\nk\r\n$1\r\n2\r\n", h.drain(b));
    }

    @Test
    void commandStatsCountTheCallOnceAsRedisDoes() {
        h.call("CONFIG", "RESETSTAT");
        h.call(a, "QBPOP", "k", "0");
        assertTrue(h.call("INFO", "commandstats").contains("cmdstat_qbpop:calls=1,"));
        assertFalse(h.call("INFO", "latencystats").contains("qbpop"));
        h.call("QPUSH", "k", "1");
        assertTrue(h.call("INFO", "commandstats").contains("cmdstat_qbpop:calls=1,"));
        assertTrue(h.call("INFO", "latencystats").contains("latency_percentiles_usec_qbpop:"));
        // Timed out: nothing more is counted.
        h.call("CONFIG", "RESETSTAT");
        h.call(a, "QBPOP", "k", "10");
        h.clock.advance(11);
        beforeSleep();
        assertTrue(h.call("INFO", "commandstats").contains("cmdstat_qbpop:calls=1,"));
        assertFalse(h.call("INFO", "latencystats").contains("qbpop"));
        // CLIENT UNBLOCK counts the blocked command as failed, either way, and itself as failed
        // when it sent the error.
        h.call("CONFIG", "RESETSTAT");
        h.call(a, "QBPOP", "k", "0");
        h.call("CLIENT", "UNBLOCK", Long.toString(a.id), "ERROR");
        h.call(a, "QBPOP", "k", "0");
        h.call("CLIENT", "UNBLOCK", Long.toString(a.id), "TIMEOUT");
        String stats = h.call("INFO", "commandstats");
        assertTrue(stats.contains("cmdstat_qbpop:calls=2,"), stats);
        assertTrue(stats.contains("rejected_calls=0,failed_calls=2\r\n"), stats);
        assertTrue(stats.contains("cmdstat_client|unblock:calls=2,"), stats);
        assertTrue(h.call("INFO", "errorstats").contains("errorstat_UNBLOCKED:count=1"));
    }

    @Test
    void servedPopIsPropagatedAloneAndCountsNoChange() {
        List<String> seen = new ArrayList<>();
        h.server.keyspace().propagation().addSink((db, cmd) -> seen.add(render(cmd)));
        h.call(a, "QBPOP", "k", "0");
        long dirty = h.server.keyspace().dirty;
        h.call("QPUSH", "k", "v");
        assertEquals(dirty + 1, h.server.keyspace().dirty);
        // The test command propagates nothing itself when served; the push went out as it came.
        assertEquals(List.of("QPUSH k v"), seen);
    }

    private static String render(Argv a) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < a.count(); i++) {
            sb.append(i == 0 ? "" : " ").append(a.string(i));
        }
        return sb.toString();
    }
}
