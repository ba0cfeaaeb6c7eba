package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

/** CLUSTER and the cluster connection commands on a server without cluster support. */
class ClusterCommandsTest {
    private static final String DISABLED = "-ERR This instance has cluster support disabled\r\n";
    private final EngineHarness h = new EngineHarness();

    @Test
    void everySubcommandIsDisabledOnceItsArityIsRight() {
        assertEquals(DISABLED, h.call("CLUSTER", "INFO"));
        assertEquals(DISABLED, h.call("CLUSTER", "HELP"));
        assertEquals(DISABLED, h.call("cluster", "keyslot", "k"));
        assertEquals(DISABLED, h.call("CLUSTER", "SETSLOT", "1", "STABLE"));
        assertEquals("-ERR wrong number of arguments for 'cluster|keyslot' command\r\n", h.call("CLUSTER", "KEYSLOT"));
        assertEquals("-ERR unknown subcommand 'NOSUCH'. Try CLUSTER HELP.\r\n", h.call("CLUSTER", "NOSUCH"));
    }

    @Test
    void readonlyReadwriteAndAsking() {
        assertEquals(DISABLED, h.call("READONLY"));
        assertEquals(DISABLED, h.call("READWRITE"));
        assertEquals(DISABLED, h.call("ASKING"));
        assertEquals("-ERR wrong number of arguments for 'readonly' command\r\n", h.call("READONLY", "x"));
    }
}
