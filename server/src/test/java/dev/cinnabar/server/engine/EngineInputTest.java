package dev.cinnabar.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.testing.EngineHarness;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The engine's input path: decoding, dispatching in order, protocol errors and input limits. */
class EngineInputTest {
    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void commandsBeforeAProtocolErrorRunAndTheClientIsClosedAfterTheReply() {
        EngineHarness h = new EngineHarness();
        String reply = h.send("SET a 1\r\n*1\r\n$4\r\nPING\r\n*x\r\nSET b 2\r\n");
        assertEquals("+OK\r\n+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n", reply);
        assertTrue(h.client.has(Client.CLOSE_AFTER_REPLY));
        assertEquals("$-1\r\n", h.call(h.newClient(), "GET", "b"));
    }

    @Test
    void inputAfterTheErrorIsIgnored() {
        EngineHarness h = new EngineHarness();
        assertEquals("-ERR Protocol error: invalid bulk length\r\n", h.send("*1\r\n$-5\r\n"));
        h.engine.input(h.client, Unpooled.wrappedBuffer(latin1("SET late 1\r\n")));
        assertEquals("", h.drain(h.client));
        assertEquals("$-1\r\n", h.call(h.newClient(), "GET", "late"));
    }

    @Test
    void emptyRequestsAreSkipped() {
        EngineHarness h = new EngineHarness();
        assertEquals("+PONG\r\n", h.send("*0\r\n*-1\r\n\r\n   \r\nPING\r\n"));
        assertFalse(h.client.has(Client.CLOSE_AFTER_REPLY));
    }

    @Test
    void unauthenticatedClientsHaveRedisLimits() {
        ServerConfig config = new ServerConfig();
        config.requirePass = "secret";
        EngineHarness h = new EngineHarness(config);
        assertEquals("-ERR Protocol error: unauthenticated multibulk length\r\n", h.send("*11\r\n"));
        Client other = h.newClient();
        assertEquals("-ERR Protocol error: unauthenticated bulk length\r\n",
                h.send(other, latin1("*1\r\n$16385\r\n")));
    }

    @Test
    void aClientPastTheQueryBufferLimitIsDroppedWithoutAReply() {
        ServerConfig config = new ServerConfig();
        config.clientQueryBufferLimit = 1024 * 1024;
        EngineHarness h = new EngineHarness(config);
        assertEquals("+PONG\r\n", h.send("PING\r\n"));
        byte[] start = latin1("*2\r\n$4\r\nECHO\r\n$3000000\r\n");
        h.client.decoder.feed(start, 0, start.length);
        h.engine.processInput(h.client);
        assertFalse(h.client.isClosed(), "the announced length alone does not count");
        byte[] part = new byte[1024 * 1024 + 1];
        h.client.decoder.feed(part, 0, part.length);
        h.engine.processInput(h.client);
        assertTrue(h.client.isClosed());
        assertEquals("", h.drain(h.client));
    }

    @Test
    void anHttpRequestDropsTheConnectionWithoutAnyReply() {
        for (String attack : new String[] {"POST / HTTP/1.1\r\n", "Host: localhost\r\n", "*1\r\n$4\r\npOsT\r\n"}) {
            EngineHarness h = new EngineHarness();
            assertEquals("", h.send("SET before 1\r\nPING\r\n" + attack + "SET after 1\r\n"));
            assertTrue(h.client.isClosed(), attack);
            Client other = h.newClient();
            assertEquals("$1\r\n1\r\n", h.call(other, "GET", "before"), "commands before it ran");
            assertEquals("$-1\r\n", h.call(other, "GET", "after"));
        }
    }

    @Test
    void theEndOfInputClosesOnceEverythingIsAnswered() {
        EngineHarness h = new EngineHarness();
        assertEquals("+PONG\r\n", h.send("PING\r\n"));
        h.engine.inputEnded(h.client);
        assertTrue(h.client.has(Client.CLOSE_AFTER_REPLY));
        assertFalse(h.client.isClosed(), "closed only when the replies have been handed over");
    }

    @Test
    void aDeepPipelineIsAnsweredInOrder() {
        EngineHarness h = new EngineHarness();
        StringBuilder in = new StringBuilder();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            String v = i + "x".repeat(100);
            in.append("ECHO ").append(v).append("\r\n");
            out.append('$').append(v.length()).append("\r\n").append(v).append("\r\n");
        }
        assertEquals(out.toString(), h.send(in.toString()));
    }
}
