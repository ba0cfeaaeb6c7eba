package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.testing.EngineHarness;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MULTI, EXEC, DISCARD, WATCH, UNWATCH: queueing, aborts, watched keys, replies in RESP2 and RESP3. */
class TransactionCommandsTest {
    static final String OK = "+OK\r\n";
    static final String QUEUED = "+QUEUED\r\n";

    private final EngineHarness h = new EngineHarness();

    private List<String> record() {
        List<String> out = new ArrayList<>();
        h.server.propagation().addSink((db, cmd) -> {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cmd.count(); i++) {
                sb.append(i == 0 ? "" : " ").append(cmd.latin1(i));
            }
            out.add(sb.toString());
        });
        return out;
    }

    @Test
    void queuesAndRunsInOrder() {
        assertEquals(OK, h.call("MULTI"));
        assertEquals(QUEUED, h.call("SET", "k", "1"));
        assertEquals(QUEUED, h.call("INCR", "k"));
        assertEquals(QUEUED, h.call("GET", "k"));
        assertEquals(QUEUED, h.call("GET", "missing"));
        assertEquals("*4\r\n+OK\r\n:2\r\n$1\r\n2\r\n$-1\r\n", h.call("EXEC"));
        assertEquals("$1\r\n2\r\n", h.call("GET", "k"));
    }

    @Test
    void aClientsNextTransactionsQueueAndPropagateTheirOwnArguments() {
        List<String> propagated = record();
        String big = "v".repeat(3000); // past the first array the queued arguments are copied into
        assertEquals(OK, h.call("MULTI"));
        assertEquals(QUEUED, h.call("SET", "long-key-name", big));
        assertEquals(QUEUED, h.call("RPUSH", "list", "a", "b", "c"));
        assertEquals(QUEUED, h.call("SET", "other", "x"));
        assertEquals("*3\r\n+OK\r\n:3\r\n+OK\r\n", h.call("EXEC"));
        assertEquals(List.of("MULTI", "SET long-key-name " + big, "RPUSH list a b c", "SET other x", "EXEC"),
                propagated);
        propagated.clear();
        // Shorter commands, fewer arguments, over what the last transaction queued.
        assertEquals(OK, h.call("MULTI"));
        assertEquals(QUEUED, h.call("INCR", "n"));
        assertEquals(QUEUED, h.call("SET", "k", "1"));
        assertEquals("*2\r\n:1\r\n+OK\r\n", h.call("EXEC"));
        assertEquals(List.of("MULTI", "INCR n", "SET k 1", "EXEC"), propagated);
        // A discarded one leaves nothing behind for the next.
        assertEquals(OK, h.call("MULTI"));
        assertEquals(QUEUED, h.call("SET", "gone", "1"));
        assertEquals(OK, h.call("DISCARD"));
        assertEquals(OK, h.call("MULTI"));
        assertEquals(QUEUED, h.call("GET", "k"));
        assertEquals("*1\r\n$1\r\n1\r\n", h.call("EXEC"));
        assertEquals("$" + big.length() + "\r\n" + big + "\r\n", h.call("GET", "long-key-name"));
        assertEquals(":0\r\n", h.call("EXISTS", "gone"));
    }

    @Test
    void emptyTransactionAndErrorsOutsideMulti() {
        assertEquals("-ERR EXEC without MULTI\r\n", h.call("EXEC"));
        assertEquals("-ERR DISCARD without MULTI\r\n", h.call("DISCARD"));
        assertEquals(OK, h.call("MULTI"));
        assertEquals("-ERR MULTI calls can not be nested\r\n", h.call("MULTI"));
        assertEquals("*0\r\n", h.call("EXEC"));
    }

    @Test
    void runTimeErrorsDoNotAbortTheRest() {
        h.call("SET", "s", "abc");
        h.call("MULTI");
        assertEquals(QUEUED, h.call("INCR", "s"));
        assertEquals(QUEUED, h.call("LPUSH", "s", "x"));
        assertEquals(QUEUED, h.call("SET", "t", "1"));
        assertEquals("*3\r\n-ERR value is not an integer or out of range\r\n"
                + "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n+OK\r\n", h.call("EXEC"));
        assertEquals("$1\r\n1\r\n", h.call("GET", "t"));
    }

    @Test
    void queueTimeErrorsAbortExec() {
        h.call("MULTI");
        assertEquals("-ERR unknown command 'NOSUCH', with args beginning with: 'a' \r\n", h.call("NOSUCH", "a"));
        assertEquals(QUEUED, h.call("SET", "k", "v"));
        assertEquals("-EXECABORT Transaction discarded because of previous errors.\r\n", h.call("EXEC"));
        assertEquals("$-1\r\n", h.call("GET", "k"));

        h.call("MULTI");
        assertEquals("-ERR wrong number of arguments for 'get' command\r\n", h.call("GET"));
        assertEquals("-EXECABORT Transaction discarded because of previous errors.\r\n", h.call("EXEC"));
        // The transaction is over either way.
        assertEquals("-ERR EXEC without MULTI\r\n", h.call("EXEC"));
    }

    @Test
    void execWithArgumentsAbortsTheTransaction() {
        h.call("MULTI");
        h.call("SET", "k", "v");
        assertEquals("-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n",
                h.call("EXEC", "x"));
        assertEquals("-ERR EXEC without MULTI\r\n", h.call("EXEC"));
    }

    @Test
    void watchInsideMultiIsRefusedButTheTransactionGoesOn() {
        h.call("MULTI");
        assertEquals("-ERR WATCH inside MULTI is not allowed\r\n", h.call("WATCH", "k"));
        assertEquals(QUEUED, h.call("UNWATCH"));
        assertEquals("*1\r\n+OK\r\n", h.call("EXEC"));
    }

    @Test
    void discardDropsTheQueue() {
        h.call("MULTI");
        h.call("SET", "k", "v");
        assertEquals(OK, h.call("DISCARD"));
        assertEquals("$-1\r\n", h.call("GET", "k"));
    }

    @Test
    void watchedKeyChangedByAnotherClientFailsExec() {
        Client other = h.newClient();
        assertEquals(OK, h.call("WATCH", "k", "missing"));
        assertEquals(OK, h.call(other, "SET", "k", "x"));
        h.call("MULTI");
        h.call("SET", "r", "1");
        assertEquals("*-1\r\n", h.call("EXEC"));
        assertEquals("$-1\r\n", h.call("GET", "r"));
        // Unwatched after EXEC: the next transaction runs.
        h.call("MULTI");
        h.call("SET", "r", "1");
        assertEquals("*1\r\n+OK\r\n", h.call("EXEC"));
        assertEquals(0, h.server.clients().watched().watchedKeys(h.server.keyspace().db(0)));
    }

    @Test
    void watchedKeyChangedByTheSameClientFailsExecInResp3WithNull() {
        h.call("HELLO", "3");
        h.call("WATCH", "k");
        h.call("SET", "k", "1");
        h.call("MULTI");
        h.call("GET", "k");
        assertEquals("_\r\n", h.call("EXEC"));
    }

    @Test
    void unwatchForgetsTheChange() {
        Client other = h.newClient();
        h.call("WATCH", "k");
        h.call(other, "SET", "k", "x");
        assertEquals(OK, h.call("UNWATCH"));
        h.call("MULTI");
        h.call("GET", "k");
        assertEquals("*1\r\n$1\r\nx\r\n", h.call("EXEC"));
    }

    @Test
    void aChangeToAnUnwatchedKeyOrAnotherDatabaseDoesNotCount() {
        Client other = h.newClient();
        h.call("WATCH", "k");
        h.call(other, "SET", "j", "x");
        h.call(other, "SELECT", "1");
        h.call(other, "SET", "k", "x");
        h.call("MULTI");
        h.call("PING");
        assertEquals("*1\r\n+PONG\r\n", h.call("EXEC"));
    }

    @Test
    void flushOnlyCountsWhenTheWatchedKeyExisted() {
        Client other = h.newClient();
        h.call("SET", "other", "1");
        h.call("WATCH", "k");
        h.call(other, "FLUSHALL");
        h.call("MULTI");
        h.call("PING");
        assertEquals("*1\r\n+PONG\r\n", h.call("EXEC"));

        h.call("SET", "k", "1");
        h.call("WATCH", "k");
        h.call(other, "FLUSHDB");
        h.call("MULTI");
        h.call("PING");
        assertEquals("*-1\r\n", h.call("EXEC"));
    }

    @Test
    void swapdbTouchesWatchedKeysPresentOnEitherSide() {
        Client other = h.newClient();
        h.call(other, "SELECT", "1");
        h.call(other, "SET", "k", "in-1");
        h.call("WATCH", "k");
        h.call(other, "SWAPDB", "0", "1");
        h.call("MULTI");
        h.call("GET", "k");
        assertEquals("*-1\r\n", h.call("EXEC"));

        h.call("WATCH", "absent");
        h.call(other, "SWAPDB", "0", "1");
        h.call("MULTI");
        h.call("PING");
        assertEquals("*1\r\n+PONG\r\n", h.call("EXEC"));
    }

    @Test
    void aWatchedKeyThatExpiresBeforeExecFailsIt() {
        h.call("SET", "k", "v", "PX", "100");
        h.call("WATCH", "k");
        h.clock.advance(200);
        h.call("MULTI");
        h.call("PING");
        assertEquals("*-1\r\n", h.call("EXEC"));
    }

    @Test
    void aKeyAlreadyExpiredWhenWatchedDoesNotFailExec() {
        h.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
        h.call("SET", "k", "v", "PX", "100");
        h.clock.advance(200);
        h.call("WATCH", "k");
        // Its lazy deletion is no change either.
        assertEquals("$-1\r\n", h.call("GET", "k"));
        h.call("MULTI");
        h.call("PING");
        assertEquals("*1\r\n+PONG\r\n", h.call("EXEC"));
    }

    @Test
    void repliesKeepTheirResp3Types() {
        h.call("HELLO", "3");
        h.call("HSET", "h", "f", "v");
        h.call("ZADD", "z", "1.5", "m");
        h.call("MULTI");
        h.call("HGETALL", "h");
        h.call("ZSCORE", "z", "m");
        h.call("GET", "missing");
        h.call("SMEMBERS", "nothing");
        assertEquals("*4\r\n%1\r\n$1\r\nf\r\n$1\r\nv\r\n,1.5\r\n_\r\n~0\r\n", h.call("EXEC"));
    }

    @Test
    void blockingCommandsInsideMultiDoNotBlock() {
        h.call("MULTI");
        h.call("BLPOP", "empty", "0");
        h.call("BRPOPLPUSH", "empty", "dst", "0");
        assertEquals("*2\r\n*-1\r\n$-1\r\n", h.call("EXEC"));
        h.call("HELLO", "3");
        h.call("MULTI");
        h.call("BLPOP", "empty", "0");
        assertEquals("*1\r\n_\r\n", h.call("EXEC"));
    }

    @Test
    void keysMadeReadyInsideExecAreServedAfterIt() {
        Client waiter = h.newClient();
        assertEquals("", h.call(waiter, "BLPOP", "l", "0"));
        h.call("MULTI");
        h.call("RPUSH", "l", "a", "b");
        h.call("LLEN", "l");
        // The waiter is served after the whole EXEC: LLEN still sees both elements.
        assertEquals("*2\r\n:2\r\n:2\r\n", h.call("EXEC"));
        assertEquals("*2\r\n$1\r\nl\r\n$1\r\na\r\n", h.drain(waiter));
    }

    @Test
    void propagatesAsOneUnitAndReadOnlyAsNothing() {
        List<String> out = record();
        h.call("MULTI");
        h.call("GET", "a");
        h.call("PING");
        h.call("EXEC");
        assertEquals(List.of(), out);

        h.call("MULTI");
        h.call("SET", "a", "1");
        h.call("GET", "a");
        h.call("INCR", "a");
        h.call("EXEC");
        assertEquals(List.of("MULTI", "SET a 1", "INCR a", "EXEC"), out);
        out.clear();

        // One write alone needs no wrapping.
        h.call("MULTI");
        h.call("INCR", "a");
        h.call("EXEC");
        assertEquals(List.of("INCR a"), out);
    }

    @Test
    void clientListShowsTheQueueAndTheFlags() {
        assertTrue(h.call("CLIENT", "INFO").contains(" flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 "));
        h.call("MULTI");
        h.call("SET", "k", "v");
        h.call("GET", "k");
        h.call("CLIENT", "INFO");
        String info = h.call("EXEC");
        // The running EXEC is the client's command, and the queue holds CLIENT INFO too.
        assertTrue(info.contains(" flags=x db=0 sub=0 psub=0 ssub=0 multi=3 "), info);
        assertTrue(info.contains(" cmd=exec "), info);
        // Redis's sum of argument lengths plus a pointer per argument: SET k v, GET k, CLIENT INFO.
        assertTrue(info.contains(" multi-mem=75 "), info);
        // A client whose watched key changed shows flag d until its EXEC.
        h.call("WATCH", "k");
        h.call("SET", "k", "2");
        assertTrue(h.call("CLIENT", "INFO").contains(" flags=d "));
    }

    @Test
    void resetAndDisconnectLeaveNothingBehind() {
        Client other = h.newClient();
        h.call(other, "WATCH", "a", "b");
        h.call(other, "MULTI");
        h.call(other, "SET", "a", "1");
        h.call(other, "RESET");
        assertEquals(0, h.server.clients().watched().watchedKeys(h.server.keyspace().db(0)));
        assertEquals("-ERR EXEC without MULTI\r\n", h.call(other, "EXEC"));

        h.call(other, "WATCH", "a");
        h.server.clients().remove(other);
        assertEquals(0, h.server.clients().watched().watchedKeys(h.server.keyspace().db(0)));
        assertEquals(OK, h.call("SET", "a", "2"));
    }

    @Test
    void commandStatsCountTheQueuedCommandsAndExec() {
        h.call("CONFIG", "RESETSTAT");
        h.call("SET", "s", "abc");
        h.call("MULTI");
        h.call("INCR", "s");
        h.call("GET", "s");
        h.call("EXEC");
        String stats = h.call("INFO", "commandstats");
        assertTrue(stats.contains("cmdstat_incr:calls=1,usec="), stats);
        assertTrue(stats.contains("rejected_calls=0,failed_calls=1"), stats);
        assertTrue(stats.contains("cmdstat_exec:calls=1,"), stats);
        String exec = stats.substring(stats.indexOf("cmdstat_exec:"));
        assertTrue(exec.startsWith("cmdstat_exec:calls=1,") && exec.substring(0, exec.indexOf("\r\n")).endsWith("failed_calls=0"), exec);
    }

    @Test
    void monitorIsRefusedInsideExec() {
        h.call("MULTI");
        h.call("MONITOR");
        h.call("PING");
        assertEquals("*2\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n+PONG\r\n", h.call("EXEC"));
        assertEquals("+PONG\r\n", h.call("PING"));
    }

    @Test
    void aKeyWatchedWhileExpiredAndThenWrittenFailsExec() {
        h.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
        h.call("SET", "k", "v", "PX", "100");
        h.clock.advance(200);
        h.call("WATCH", "k");
        // SET deletes the expired key (no change for this watcher) and then writes it (a change).
        h.call("SET", "k", "new");
        h.call("MULTI");
        h.call("GET", "k");
        assertEquals("*-1\r\n", h.call("EXEC"));
    }
}
