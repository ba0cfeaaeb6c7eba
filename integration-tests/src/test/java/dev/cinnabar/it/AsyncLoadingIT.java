package dev.cinnabar.it;

import static dev.cinnabar.it.support.Waits.field;
import static dev.cinnabar.it.support.Waits.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A replica's swapdb load (repl-diskless-load swapdb) of a Redis master, with a Redis replica
 * and then a Cinnabar one in the same steps, every reply compared. When the master's replication
 * id is the one the replica had (a full sync of the same history, once the backlog ran out), it
 * is Redis 7.0's async loading: the old data and functions are served meanwhile, but for the
 * commands flagged no_async_loading; a failed load leaves them, a whole one replaces them. With
 * another id the load answers -LOADING, and still loads aside. Redis's own tests of this are in
 * its tests/integration/replication.tcl ("Diskless load swapdb").
 */
class AsyncLoadingIT {
    private static final long SYNC_MILLIS = ReplicationIT.SYNC_MILLIS;
    private static final String LIBRARY = "#!lua name=test\nredis.register_function('test', function() return '%s' end)";

    /** What one replica answered, step by step; the lines name the steps. */
    private static final class Record {
        final List<String> lines = new ArrayList<>();

        void add(String step, String reply) {
            lines.add(step + " -> " + reply.replace("\r\n", "\\r\\n"));
        }
    }

    private static ServerProcess master() throws IOException {
        return ServerProcess.redis("--enable-debug-command", "yes", "--repl-diskless-sync", "yes",
                "--repl-diskless-sync-delay", "0", "--rdbcompression", "no");
    }

    private static ServerProcess replica(boolean cinnabar) throws IOException {
        String[] args = {"--repl-diskless-load", "swapdb", "--replica-read-only", "no", "--enable-debug-command", "yes"};
        return cinnabar ? ServerProcess.cinnabar(args) : ServerProcess.redis(args);
    }

    private static String persistence(RawConnection r, String name) throws IOException {
        return field(r.call("INFO", "persistence"), name);
    }

    /**
     * Redis's "Diskless load swapdb (async_loading)" steps, and what else a client may do
     * meanwhile: reads of a key past its time (nothing expires while loading), writes, a
     * blocked pop served, a busy script killed, refused commands inside MULTI.
     */
    private static List<String> asyncLoading(boolean cinnabar) throws Exception {
        Record out = new Record();
        try (ServerProcess master = master();
             RawConnection m = new RawConnection(master.port());
             ServerProcess replica = replica(cinnabar);
             RawConnection r = new RawConnection(replica.port());
             RawConnection popper = new RawConnection(replica.port());
             RawConnection scripted = new RawConnection(replica.port())) {
            r.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port()));
            ReplicationIT.awaitLinkUp(r);
            r.call("DEBUG", "POPULATE", "2000", "slave", "10");
            m.call("DEBUG", "POPULATE", "2000", "master", "100000");
            r.call("SET", "mykey", "myvalue");
            r.call("FUNCTION", "LOAD", String.format(LIBRARY, "hello1"));
            m.call("FUNCTION", "LOAD", String.format(LIBRARY, "hello2"));
            // 10 ms a key: the load of 2,000 keys takes 20 s, cut short below.
            m.call("CONFIG", "SET", "rdb-key-save-delay", "10000");
            r.call("SET", "short", "lived", "PX", "1500");
            long shortSet = System.nanoTime();
            // The next sync is a full one of the same history: the backlog no longer holds the offset.
            m.send("MULTI");
            m.send("CLIENT", "KILL", "TYPE", "replica");
            m.send("CONFIG", "SET", "repl-backlog-size", "16384");
            for (int i = 0; i < 10; i++) {
                m.send("SET", "k" + i, "A".repeat(16384));
            }
            m.send("EXEC");
            for (int i = 0; i < 14; i++) {
                m.readReply();
            }
            until("async loading", SYNC_MILLIS, () -> "1".equals(persistence(r, "async_loading")));
            out.add("loading", persistence(r, "loading"));
            out.add("GET mykey", r.call("GET", "mykey"));
            out.add("FCALL test", r.call("FCALL", "test", "0"));
            out.add("DBSIZE", r.call("DBSIZE"));
            out.add("SET during", r.call("SET", "during", "written"));
            out.add("GET during", r.call("GET", "during"));
            // A TTL set now is remembered as a writable replica's keys' are: the key goes once the load is over.
            out.add("SET with a TTL during", r.call("SET", "timed", "v", "PX", "300"));
            popper.send("BLPOP", "queue", "0");
            until("the pop blocked", SYNC_MILLIS, () -> "1".equals(field(r.call("INFO", "clients"), "blocked_clients")));
            out.add("LPUSH", r.call("LPUSH", "queue", "item"));
            out.add("BLPOP", popper.readReply());
            long left = 1600 - (System.nanoTime() - shortSet) / 1_000_000;
            if (left > 0) {
                Thread.sleep(left);
            }
            out.add("GET short, past its time", r.call("GET", "short"));
            out.add("CONFIG SET appendonly", r.call("CONFIG", "SET", "appendonly", "no"));
            out.add("REPLICAOF NO ONE", r.call("REPLICAOF", "NO", "ONE"));
            out.add("MULTI", r.call("MULTI"));
            out.add("queued REPLICAOF", r.call("REPLICAOF", "NO", "ONE"));
            out.add("EXEC", r.call("EXEC"));
            r.call("CONFIG", "SET", "busy-reply-threshold", "10");
            scripted.send("EVAL", "while true do end", "0");
            until("the script busy", SYNC_MILLIS, () -> r.call("PING").startsWith("-BUSY"));
            out.add("PING, script busy", r.call("PING"));
            out.add("SCRIPT KILL", r.call("SCRIPT", "KILL"));
            out.add("EVAL", scripted.readReply().replaceAll("script: [0-9a-f]+", "script: SHA"));
            out.add("PING", r.call("PING"));
            out.add("async_loading", persistence(r, "async_loading"));

            // The master drops the link: the load fails and the old data stays.
            m.call("CONFIG", "SET", "repl-diskless-sync-delay", "5");
            m.call("CLIENT", "KILL", "TYPE", "replica");
            until("the load abandoned", SYNC_MILLIS, () -> "0".equals(persistence(r, "async_loading")));
            // A few cron runs: "short", written here with a TTL, goes as a writable replica's keys go.
            Thread.sleep(300);
            out.add("GET short after the failure", r.call("GET", "short"));
            out.add("EXISTS timed after the failure", r.call("EXISTS", "timed"));
            out.add("GET mykey after the failure", r.call("GET", "mykey"));
            out.add("FCALL after the failure", r.call("FCALL", "test", "0"));
            out.add("DBSIZE after the failure", r.call("DBSIZE"));

            m.call("CONFIG", "SET", "rdb-key-save-delay", "0");
            m.call("CONFIG", "SET", "repl-diskless-sync-delay", "0");
            ReplicationIT.awaitLinkUp(r);
            out.add("GET mykey after the swap", r.call("GET", "mykey"));
            out.add("GET during after the swap", r.call("GET", "during"));
            out.add("FCALL after the swap", r.call("FCALL", "test", "0"));
            out.add("DBSIZE after the swap", r.call("DBSIZE"));
            out.add("digest", String.valueOf(r.call("DEBUG", "DIGEST").equals(m.call("DEBUG", "DIGEST"))));
        }
        return out.lines;
    }

    @Test
    void asyncLoadingServesTheOldDataAsRedisDoes() throws Exception {
        assertAsRedis(asyncLoading(false), asyncLoading(true),
                "GET mykey -> $7\\r\\nmyvalue\\r\\n",
                "FCALL test -> $6\\r\\nhello1\\r\\n",
                "REPLICAOF NO ONE -> -LOADING Redis is loading the dataset in memory\\r\\n",
                "FCALL after the swap -> $6\\r\\nhello2\\r\\n",
                "digest -> true");
    }

    /**
     * The replies match Redis's step by step, and hold {@code facts}: what the comparison stands
     * on, should both servers change together.
     */
    private static void assertAsRedis(List<String> redis, List<String> cinnabar, String... facts) {
        assertEquals(String.join("\n", redis), String.join("\n", cinnabar));
        for (String fact : facts) {
            assertTrue(cinnabar.contains(fact), fact + " in " + cinnabar);
        }
    }

    /**
     * A full sync of another history (the replica's first): swapdb loads aside, answering
     * -LOADING, and the master's library replaces the replica's of the same name, which is no
     * clash: the libraries load aside too.
     */
    private static List<String> swapdbLoading(boolean cinnabar) throws Exception {
        Record out = new Record();
        try (ServerProcess master = master();
             RawConnection m = new RawConnection(master.port());
             ServerProcess replica = replica(cinnabar);
             RawConnection r = new RawConnection(replica.port())) {
            m.call("DEBUG", "POPULATE", "1000", "master", "100000");
            m.call("FUNCTION", "LOAD", String.format(LIBRARY, "hello2"));
            r.call("SET", "mykey", "myvalue");
            r.call("FUNCTION", "LOAD", String.format(LIBRARY, "hello1"));
            m.call("CONFIG", "SET", "rdb-key-save-delay", "10000");
            r.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port()));
            until("loading", SYNC_MILLIS, () -> "1".equals(persistence(r, "loading")));
            out.add("async_loading", persistence(r, "async_loading"));
            out.add("GET mykey", r.call("GET", "mykey"));
            m.call("CONFIG", "SET", "rdb-key-save-delay", "0");
            m.call("CONFIG", "SET", "repl-diskless-sync-delay", "5");
            m.call("CLIENT", "KILL", "TYPE", "replica");
            until("the load abandoned", SYNC_MILLIS, () -> "0".equals(persistence(r, "loading")));
            out.add("GET mykey after the failure", r.call("GET", "mykey"));
            out.add("FCALL after the failure", r.call("FCALL", "test", "0"));
            m.call("CONFIG", "SET", "repl-diskless-sync-delay", "0");
            ReplicationIT.awaitLinkUp(r);
            out.add("GET mykey after the swap", r.call("GET", "mykey"));
            out.add("FCALL after the swap", r.call("FCALL", "test", "0"));
            out.add("DBSIZE after the swap", r.call("DBSIZE"));
        }
        return out.lines;
    }

    @Test
    void aSwapdbLoadOfAnotherHistoryAnswersLoadingAsRedisDoes() throws Exception {
        assertAsRedis(swapdbLoading(false), swapdbLoading(true),
                "GET mykey -> -LOADING Redis is loading the dataset in memory\\r\\n",
                "FCALL after the failure -> $6\\r\\nhello1\\r\\n",
                "FCALL after the swap -> $6\\r\\nhello2\\r\\n");
    }
}
