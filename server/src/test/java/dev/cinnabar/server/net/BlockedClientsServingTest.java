package dev.cinnabar.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.Clock;
import dev.cinnabar.server.engine.Engine;
import dev.cinnabar.server.testing.LineConnection;
import dev.cinnabar.server.testing.TestQueues;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Clients blocked on keys through real sockets, in both threading shapes, with the test-only
 * QPUSH / QBPOP (see {@link TestQueues}): served by another connection's push, pipelined input
 * waiting behind the blocked command, a timeout firing on its own, CLIENT UNBLOCK, and a client
 * that hangs up while blocked.
 */
class BlockedClientsServingTest {
    private Engine engine;
    private NettyTransport transport;

    private int start(int ioThreads) throws IOException {
        ServerConfig config = new ServerConfig();
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            config.port = free.getLocalPort();
        }
        config.bind = new String[] {"127.0.0.1"};
        config.ioThreads = ioThreads;
        engine = new Engine(config, Clock.SYSTEM, TestQueues.handlers());
        transport = new NettyTransport(engine, config);
        transport.start();
        transport.startEngine();
        transport.acceptConnections();
        return transport.boundPort();
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.stop(2000);
        }
        if (transport != null) {
            transport.stop();
        }
    }


    private String info(LineConnection c, String field) throws IOException {
        c.send("INFO clients\r\n");
        int len = Integer.parseInt(c.line().substring(1));
        String found = null;
        int read = 0;
        while (read < len) {
            String l = c.line();
            read += l.length() + 2;
            if (l.startsWith(field + ":")) {
                found = l.substring(field.length() + 1);
            }
        }
        c.line();
        return found;
    }

    private void awaitBlocked(LineConnection c, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!Integer.toString(n).equals(info(c, "blocked_clients")) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(Integer.toString(n), info(c, "blocked_clients"));
    }

    @ParameterizedTest(name = "io-threads {0}")
    @ValueSource(ints = {1, 2})
    void servedInOrderByAnotherConnectionsPush(int ioThreads) throws Exception {
        int port = start(ioThreads);
        try (LineConnection a = new LineConnection(port); LineConnection b = new LineConnection(port); LineConnection p = new LineConnection(port)) {
            a.send("QBPOP k 0\r\nPING\r\n");
            awaitBlocked(p, 1);
            b.send("QBPOP k 0\r\n");
            awaitBlocked(p, 2);
            assertTrue(a.silentFor(100), "PING waits behind the blocked command");
            assertEquals(":2", p.call("QPUSH k first second"));
            assertEquals("*2", a.line());
            assertEquals("$1", a.line());
            assertEquals("k", a.line());
            assertEquals("$5", a.line());
            assertEquals("first", a.line());
            assertEquals("+PONG", a.line());
            assertEquals("*2", b.line());
            b.line();
            b.line();
            b.line();
            assertEquals("second", b.line());
            assertEquals("0", info(p, "blocked_clients"));
        }
    }

    @ParameterizedTest(name = "io-threads {0}")
    @ValueSource(ints = {1, 2})
    void timeoutFiresWithoutOtherTraffic(int ioThreads) throws Exception {
        int port = start(ioThreads);
        try (LineConnection a = new LineConnection(port)) {
            long start = System.nanoTime();
            assertEquals("*-1", a.call("QBPOP k 150"));
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // Due after 150 ms, seen at the next loop turn: at most a cron period (100 ms) later.
            assertTrue(took >= 150 && took < 1000, "took " + took + " ms");
            assertEquals("+PONG", a.call("PING"));
        }
    }

    @ParameterizedTest(name = "io-threads {0}")
    @ValueSource(ints = {1, 2})
    void clientUnblockAndHangingUp(int ioThreads) throws Exception {
        int port = start(ioThreads);
        try (LineConnection a = new LineConnection(port); LineConnection p = new LineConnection(port)) {
            String id = a.call("CLIENT ID").substring(1);
            a.send("QBPOP k 0\r\n");
            awaitBlocked(p, 1);
            assertEquals(":1", p.call("CLIENT UNBLOCK " + id + " ERROR"));
            assertEquals("-UNBLOCKED client unblocked via CLIENT UNBLOCK", a.line());
            LineConnection gone = new LineConnection(port);
            gone.send("QBPOP k 0\r\n");
            awaitBlocked(p, 1);
            gone.close();
            awaitBlocked(p, 0);
            assertEquals(":1", p.call("QPUSH k v"));
            assertEquals(":1", p.call("EXISTS k"));
        }
    }
}
