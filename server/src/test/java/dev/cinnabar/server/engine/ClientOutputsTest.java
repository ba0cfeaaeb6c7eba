package dev.cinnabar.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.testing.EngineHarness;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The way out: output limits as the replies grow, and the after-command step. */
class ClientOutputsTest {
    @Test
    void aReplyCrossingTheHardLimitStopsBeingBuiltThere() {
        ServerConfig config = new ServerConfig();
        config.clientOutputBufferLimits[ServerConfig.OBUF_NORMAL] = new long[] {256 * 1024, 0, 0};
        config.enableDebugCommand = "yes";
        EngineHarness h = new EngineHarness(config);
        // About 2.4 MB of KEYS reply, ten times the limit.
        assertEquals("+OK\r\n", h.call("DEBUG", "POPULATE", "100000", "a-rather-long-key-name-for-the-reply"));
        Client reader = h.connect(new EmbeddedChannel());
        h.call(reader, "KEYS", "*");
        assertTrue(reader.reply.discarding(), "the writer stopped at the limit, in the middle of the reply");
        assertTrue(reader.isClosed(), "closed once the command ended");
        assertEquals(1, h.server.commands().get("keys").calls, "the command itself ran to its end");
        assertEquals("+PONG\r\n", h.call("PING"), "others go on");
    }

    @Test
    void withinTheLimitsTheReplyIsWhole() {
        ServerConfig config = new ServerConfig();
        config.clientOutputBufferLimits[ServerConfig.OBUF_NORMAL] = new long[] {64L * 1024 * 1024, 0, 0};
        config.enableDebugCommand = "yes";
        EngineHarness h = new EngineHarness(config);
        h.call("DEBUG", "POPULATE", "20000");
        Client reader = h.connect(new EmbeddedChannel());
        String reply = h.call(reader, "KEYS", "*");
        assertFalse(reader.isClosed());
        assertTrue(reply.startsWith("*20000\r\n"), reply.substring(0, 20));
    }

    @Test
    void theAfterCommandStepRunsOnceAfterEachCommandAClientSends() {
        EngineHarness h = new EngineHarness();
        List<String> after = new ArrayList<>();
        h.engine.dispatcher().afterCommand(c -> after.add(c.lastCommand.fullName + " " + c.server.keyspace().dirty));
        h.send("SET a 1\r\nGET a\r\nNOSUCH\r\nCONFIG GET port\r\n");
        assertEquals(List.of("set 1", "get 1", "config|get 1"), after,
                "after the command's changes are counted; not for rejected commands");
    }
}
