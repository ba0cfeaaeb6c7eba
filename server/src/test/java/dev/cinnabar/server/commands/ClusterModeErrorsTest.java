package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

/**
 * What Redis 7.0.15 refuses with {@code cluster-enabled yes}, with its texts. MOVE and COPY name
 * keys, which cluster mode first sends to the slot's node: ClusterKeyspaceIT checks theirs, on
 * servers whose slots are assigned.
 */
class ClusterModeErrorsTest {
    private final EngineHarness h;

    ClusterModeErrorsTest() {
        ServerConfig config = new ServerConfig();
        config.clusterEnabled = true;
        h = new EngineHarness(config);
    }

    @Test
    void onlyDatabaseZeroCanBeSelected() {
        assertEquals("+OK\r\n", h.call("SELECT", "0"));
        assertEquals("-ERR SELECT is not allowed in cluster mode\r\n", h.call("SELECT", "1"));
        assertEquals("-ERR SELECT is not allowed in cluster mode\r\n", h.call("SELECT", "-1"), "before the range");
        assertEquals("-ERR SELECT is not allowed in cluster mode\r\n", h.call("SELECT", "99"));
        assertEquals("-ERR value is not an integer or out of range\r\n", h.call("SELECT", "x"), "after the number");
        assertEquals("+OK\r\n", h.call("MULTI"));
        assertEquals("+QUEUED\r\n", h.call("SELECT", "1"));
        assertEquals("*1\r\n-ERR SELECT is not allowed in cluster mode\r\n", h.call("EXEC"));
    }

    @Test
    void swapdbIsRefusedBeforeItsArgumentsAreRead() {
        assertEquals("-ERR SWAPDB is not allowed in cluster mode\r\n", h.call("SWAPDB", "0", "1"));
        assertEquals("-ERR SWAPDB is not allowed in cluster mode\r\n", h.call("SWAPDB", "0", "0"));
        assertEquals("-ERR SWAPDB is not allowed in cluster mode\r\n", h.call("SWAPDB", "x", "y"));
    }

    @Test
    void replicationIsTheClustersToSetUp() {
        assertEquals("-ERR REPLICAOF not allowed in cluster mode.\r\n", h.call("REPLICAOF", "127.0.0.1", "1"));
        assertEquals("-ERR REPLICAOF not allowed in cluster mode.\r\n", h.call("REPLICAOF", "NO", "ONE"));
        assertEquals("-ERR REPLICAOF not allowed in cluster mode.\r\n", h.call("SLAVEOF", "NO", "ONE"));
        assertEquals("-ERR FAILOVER not allowed in cluster mode. Use CLUSTER FAILOVER command instead.\r\n",
                h.call("FAILOVER"));
        assertEquals("-ERR FAILOVER not allowed in cluster mode. Use CLUSTER FAILOVER command instead.\r\n",
                h.call("FAILOVER", "ABORT"));
    }

    @Test
    void aScriptFlaggedNoClusterDoesNotRun() {
        assertEquals("-ERR Can not run script on cluster, 'no-cluster' flag is set.\r\n",
                h.call("EVAL", "#!lua flags=no-cluster\nreturn 1", "0"));
        assertEquals(":1\r\n", h.call("EVAL", "#!lua\nreturn 1", "0"));
        assertEquals(":1\r\n", h.call("EVAL", "return 1", "0"), "no shebang: no flags looked at");
        h.call("FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function{function_name='f', callback=function() return 1 end, flags={'no-cluster'}}");
        assertEquals("-ERR Can not run script on cluster, 'no-cluster' flag is set.\r\n", h.call("FCALL", "f", "0"));
    }

    @Test
    void withoutClusterModeNothingIsRefused() {
        EngineHarness plain = new EngineHarness();
        assertEquals("+OK\r\n", plain.call("SELECT", "1"));
        assertEquals("+OK\r\n", plain.call("SWAPDB", "0", "1"));
        assertEquals(":1\r\n", plain.call("EVAL", "#!lua flags=no-cluster\nreturn 1", "0"));
        assertEquals("+OK\r\n", plain.call("SET", "k", "v"));
        assertEquals(":1\r\n", plain.call("COPY", "k", "k2", "DB", "2"));
        assertEquals(":1\r\n", plain.call("MOVE", "k", "3"));
    }
}
