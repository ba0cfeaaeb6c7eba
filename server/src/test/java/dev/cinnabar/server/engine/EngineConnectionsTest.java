package dev.cinnabar.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ProtectedMode;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.testing.EngineHarness;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the engine does with a new connection: maxclients, protected mode, and how each is counted. */
class EngineConnectionsTest {
    /** A channel that reports a chosen peer address, as a TCP connection from it would. */
    private static final class FromAddress extends EmbeddedChannel {
        private final SocketAddress remote;

        FromAddress(String ip) {
            this.remote = new InetSocketAddress(ip, 50000);
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return remote;
        }
    }

    private static Client connect(EngineHarness h, String ip) {
        Client c = new Client(h.engine.nextClientId(), h.server, new FromAddress(ip), ip + ":50000", "127.0.0.1:6379");
        h.engine.connected(c);
        return c;
    }

    @Test
    void pastMaxclientsTheConnectionIsRefusedAndCountedAsRejectedOnly() {
        ServerConfig config = new ServerConfig();
        config.maxClients = 2;
        EngineHarness h = new EngineHarness(config);
        long received = h.server.stats().connectionsReceived;
        Client second = connect(h, "127.0.0.1");
        assertFalse(second.has(Client.CLOSE_AFTER_REPLY));
        Client third = connect(h, "127.0.0.1");
        assertEquals("-ERR max number of clients reached\r\n", h.drain(third));
        assertTrue(third.has(Client.CLOSE_AFTER_REPLY));
        assertEquals(2, h.server.clients().size());
        assertEquals(received + 1, h.server.stats().connectionsReceived);
        assertEquals(1, h.server.stats().rejectedConnections);
    }

    @Test
    void anExternalClientIsDeniedWhileTheDefaultUserHasNoPassword() {
        EngineHarness h = new EngineHarness();
        long received = h.server.stats().connectionsReceived;
        Client outsider = connect(h, "192.0.2.7");
        assertEquals(new String(ProtectedMode.DENIED, StandardCharsets.US_ASCII), h.drain(outsider));
        assertTrue(outsider.has(Client.CLOSE_AFTER_REPLY));
        assertEquals(1, h.server.stats().rejectedConnections);
        assertEquals(received, h.server.stats().connectionsReceived);
        // Its input is never run.
        assertEquals("", h.send(outsider, "SET taken 1\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("$-1\r\n", h.call("GET", "taken"));

        Client local = connect(h, "127.0.0.1");
        assertFalse(local.has(Client.CLOSE_AFTER_REPLY));
        assertEquals("", h.drain(local));
    }

    @Test
    void theChecksFollowConfigSet() {
        EngineHarness h = new EngineHarness();
        assertEquals("+OK\r\n", h.call("CONFIG", "SET", "protected-mode", "no"));
        assertFalse(connect(h, "192.0.2.7").has(Client.CLOSE_AFTER_REPLY));
        assertEquals("+OK\r\n", h.call("CONFIG", "SET", "protected-mode", "yes"));
        assertTrue(connect(h, "192.0.2.7").has(Client.CLOSE_AFTER_REPLY));
        assertEquals("+OK\r\n", h.call("CONFIG", "SET", "requirepass", "pw"));
        assertFalse(connect(h, "192.0.2.7").has(Client.CLOSE_AFTER_REPLY));
    }
}
