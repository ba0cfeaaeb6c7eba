package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import dev.cinnabar.it.support.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The keyspace's side of cluster mode against redis-server 7.0.15, both started with
 * {@code --cluster-enabled yes}, each with a nodes.conf of its own, and given every slot: what
 * only database 0 allows (SELECT, MOVE, SWAPDB, COPY to another database), and the other
 * commands Redis refuses in cluster mode (REPLICAOF, FAILOVER, scripts flagged no-cluster), with
 * their errors byte for byte and in Redis's order of checks.
 */
class ClusterKeyspaceIT {
    private static Path dir;
    private static ServerProcess redis;
    private static ServerProcess cinnabar;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("cluster-keyspace");
        Files.createDirectories(dir.resolve("redis"));
        Files.createDirectories(dir.resolve("cinnabar"));
        // Bus ports of their own, as ClusterIT's: port + 10000 may be taken (a client socket's
        // ephemeral port), and the node then stops at start.
        redis = ServerProcess.redis("--cluster-enabled", "yes", "--cluster-config-file",
                dir.resolve("redis/nodes.conf").toString(), "--cluster-port", Integer.toString(ServerProcess.freePort()));
        cinnabar = ServerProcess.cinnabar("--save", "", "--cluster-enabled", "yes", "--cluster-config-file",
                dir.resolve("cinnabar/nodes.conf").toString(), "--cluster-port", Integer.toString(ServerProcess.freePort()));
        takeEverySlot(redis);
        takeEverySlot(cinnabar);
    }

    /**
     * A lone master with every slot, so that commands on keys reach their handlers: the cluster
     * is up once the node's state says so (Redis waits a moment after its start).
     */
    private static void takeEverySlot(ServerProcess s) throws Exception {
        try (RawConnection c = new RawConnection(s.port())) {
            String added = c.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
            if (!added.startsWith("+OK")) {
                return; // a server without cluster commands: nothing redirects there either
            }
            Waits.until("cluster_state:ok on " + s.port(), 15_000,
                    () -> "ok".equals(Waits.field(c.call("CLUSTER", "INFO"), "cluster_state")));
        }
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.close();
        }
        if (cinnabar != null) {
            cinnabar.close();
        }
    }

    private interface Exchange {
        void run(RawConnection c, List<String> out) throws Exception;
    }

    /**
     * Runs {@code e} on a fresh connection to each server, compares what they answered and
     * returns Redis's transcript, for the test to check that its commands reached the
     * handlers (a slot not served would have refused them all alike).
     */
    private static String compare(Exchange e) throws Exception {
        String expected = String.join("\n", transcript(redis, e)).replace("\r", "\\r");
        String actual = String.join("\n", transcript(cinnabar, e)).replace("\r", "\\r");
        assertEquals(expected, actual);
        return expected;
    }

    private static List<String> transcript(ServerProcess s, Exchange e) throws Exception {
        List<String> out = new ArrayList<>();
        try (RawConnection c = new RawConnection(s.port())) {
            c.call("FLUSHALL");
            e.run(c, out);
        }
        return out;
    }

    private static void call(RawConnection c, List<String> out, String... command) throws Exception {
        out.add(String.join(" ", command) + " -> " + c.call(command));
    }

    @Test
    void onlyDatabaseZeroCanBeSelected() throws Exception {
        compare((c, out) -> {
            call(c, out, "SELECT", "0");
            call(c, out, "SELECT", "1");
            call(c, out, "SELECT", "-1");
            call(c, out, "SELECT", "16");
            call(c, out, "SELECT", "x");
            call(c, out, "SELECT", "00");
            call(c, out, "MULTI");
            call(c, out, "SELECT", "1");
            call(c, out, "SELECT", "0");
            call(c, out, "EXEC");
        });
    }

    @Test
    void moveIsRefusedWhateverItsArguments() throws Exception {
        String redisSaid = compare((c, out) -> {
            call(c, out, "SET", "k", "v");
            call(c, out, "MOVE", "k", "1");
            call(c, out, "MOVE", "k", "0");
            call(c, out, "MOVE", "k", "99");
            call(c, out, "MOVE", "k", "x");
            call(c, out, "MOVE", "nokey", "1");
            call(c, out, "GET", "k");
        });
        assertTrue(redisSaid.contains("MOVE k 1 -> -ERR MOVE is not allowed in cluster mode\\r"), redisSaid);
    }

    @Test
    void swapdbIsRefusedWhateverItsArguments() throws Exception {
        compare((c, out) -> {
            call(c, out, "SWAPDB", "0", "1");
            call(c, out, "SWAPDB", "0", "0");
            call(c, out, "SWAPDB", "x", "y");
            call(c, out, "SWAPDB", "0", "99");
        });
    }

    @Test
    void copyStaysInDatabaseZero() throws Exception {
        String redisSaid = compare((c, out) -> {
            call(c, out, "SET", "k", "v");
            call(c, out, "COPY", "k", "{k}2");
            call(c, out, "COPY", "k", "{k}2", "DB", "0");
            call(c, out, "COPY", "k", "{k}2", "DB", "0", "REPLACE");
            call(c, out, "COPY", "k", "{k}3", "DB", "1");
            call(c, out, "COPY", "k", "{k}3", "REPLACE", "DB", "1");
            call(c, out, "COPY", "nokey", "{nokey}2", "DB", "1");
            call(c, out, "COPY", "nokey", "nokey", "DB", "1");
            call(c, out, "COPY", "k", "{k}3", "DB", "x");
            call(c, out, "COPY", "k", "{k}3", "DB", "99");
            call(c, out, "COPY", "k", "{k}3", "DB", "-1");
            call(c, out, "COPY", "k", "k", "DB", "0");
            call(c, out, "COPY", "k", "k");
            call(c, out, "COPY", "k", "{k}3", "foo");
            call(c, out, "COPY", "k", "{k}3", "DB", "1", "foo");
            call(c, out, "COPY", "k", "{k}3", "DB");
            call(c, out, "EXISTS", "{k}2", "{k}3");
        });
        assertTrue(redisSaid.contains(
                "COPY k {k}3 DB 1 -> -ERR Copying to another database is not allowed in cluster mode\\r"), redisSaid);
    }

    @Test
    void replicationAndFailoverAreTheClustersToSetUp() throws Exception {
        compare((c, out) -> {
            call(c, out, "REPLICAOF", "127.0.0.1", "1");
            call(c, out, "REPLICAOF", "NO", "ONE");
            call(c, out, "SLAVEOF", "NO", "ONE");
            call(c, out, "FAILOVER");
            call(c, out, "FAILOVER", "ABORT");
            call(c, out, "FAILOVER", "TO", "127.0.0.1", "1");
        });
    }

    @Test
    void scriptsFlaggedNoClusterDoNotRun() throws Exception {
        compare((c, out) -> {
            call(c, out, "EVAL", "#!lua flags=no-cluster\nreturn 1", "0");
            call(c, out, "EVAL", "#!lua flags=no-cluster,no-writes\nreturn 1", "0");
            call(c, out, "EVAL_RO", "#!lua flags=no-cluster\nreturn 1", "0");
            call(c, out, "EVAL", "#!lua\nreturn 1", "0");
            call(c, out, "EVAL", "return 1", "0");
            call(c, out, "FUNCTION", "LOAD", "REPLACE", "#!lua name=clusterlib\n"
                    + "redis.register_function{function_name='nocluster', callback=function() return 1 end, flags={'no-cluster'}}\n"
                    + "redis.register_function{function_name='anywhere', callback=function() return 2 end, flags={'no-writes'}}");
            call(c, out, "FCALL", "nocluster", "0");
            call(c, out, "FCALL_RO", "nocluster", "0");
            call(c, out, "FCALL", "anywhere", "0");
            call(c, out, "FUNCTION", "DELETE", "clusterlib");
        });
    }
}
