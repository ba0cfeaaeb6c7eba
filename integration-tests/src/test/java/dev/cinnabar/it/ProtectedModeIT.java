package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.RawExchange;
import dev.cinnabar.it.support.ServerProcess;
import dev.cinnabar.it.support.Sockets;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Protected mode side by side with redis-server 7.0.15. Two kinds of "external" client are
 * made on this one machine: one whose source address is 127.0.0.2 (Redis lets in only the exact
 * texts 127.0.0.1 and ::1, and Linux routes all of 127/8 locally), and one connecting to the
 * machine's own non-loopback address, which is then also its source address.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProtectedModeIT {
    private static final int QUIET_MILLIS = 1500;
    private static final String DENIED_START = "-DENIED Redis is running in protected mode because protected mode is "
            + "enabled and no password is set for the default user.";

    private String external;
    private ServerProcess redis;
    private ServerProcess cinnabar;

    @BeforeAll
    void start() throws IOException {
        external = Sockets.externalIpv4();
        assertNotNull(external, "this test needs a non-loopback IPv4 interface (see ip -4 addr)");
        // Bound to an explicit address: Redis 7.0 applies protected mode whatever bind says.
        redis = ServerProcess.redis("--bind", external, "127.0.0.1");
        cinnabar = ServerProcess.cinnabar("--bind", external, "127.0.0.1");
    }

    @AfterAll
    void stop() {
        if (redis != null) {
            redis.close();
        }
        if (cinnabar != null) {
            cinnabar.close();
        }
    }

    private static RawExchange exchange(String source, String host, int port, String send) throws IOException {
        try (Socket s = connect(source, host, port, send)) {
            return RawExchange.readUntilClose(s, QUIET_MILLIS);
        }
    }

    private static Socket connect(String source, String host, int port, String send) throws IOException {
        Socket s = Sockets.connect(source, host, port, QUIET_MILLIS);
        if (!send.isEmpty()) {
            s.getOutputStream().write(send.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
        }
        return s;
    }

    /** Both servers seen from the same kind of client: the exact reply and whether they hang up. */
    private void sameFor(String source, String host, String send) throws IOException {
        RawExchange expected;
        RawExchange actual;
        try (Socket r = connect(source, host, redis.port(), send); Socket c = connect(source, host, cinnabar.port(), send)) {
            RawExchange[] both = RawExchange.readBoth(r, c, QUIET_MILLIS);
            expected = both[0];
            actual = both[1];
        }
        assertEquals(expected.reply, actual.reply, source + " -> " + host);
        assertEquals(expected.closed, actual.closed, source + " -> " + host + ": " + actual);
    }

    @Test
    void anExternalClientGetsRedisDeniedTextAndIsDisconnected() throws IOException {
        for (String send : new String[] {"", "PING\r\n", "*1\r\n$4\r\nPING\r\n", "AUTH x\r\n"}) {
            sameFor(external, external, send);
            sameFor("127.0.0.2", "127.0.0.1", send);
        }
        RawExchange r = exchange(external, external, cinnabar.port(), "PING\r\n");
        assertTrue(r.reply.startsWith(DENIED_START), r.toString());
        assertEquals(1067, r.reply.length());
        assertTrue(r.closed, r.toString());
        // The source address decides, not the address connected to.
        r = exchange(external, "127.0.0.1", cinnabar.port(), "PING\r\n");
        assertTrue(r.reply.startsWith(DENIED_START), r.toString());
    }

    @Test
    void aLoopbackClientIsServed() throws IOException {
        sameFor("127.0.0.1", "127.0.0.1", "PING\r\n");
        sameFor("127.0.0.1", external, "ECHO hi\r\n");
        assertEquals("+PONG\r\n", exchange("127.0.0.1", "127.0.0.1", cinnabar.port(), "PING\r\n").reply);
    }

    @Test
    void turningProtectedModeOffLetsExternalClientsInAndOnAgainKeepsThemOut() throws IOException {
        for (ServerProcess s : List.of(redis, cinnabar)) {
            try (RawConnection admin = new RawConnection(s.port())) {
                assertEquals("+OK\r\n", admin.call("CONFIG", "SET", "protected-mode", "no"));
                try {
                    RawExchange in = exchange("127.0.0.2", "127.0.0.1", s.port(), "PING\r\n");
                    assertEquals("+PONG\r\n", in.reply, s.port() + ": " + in);
                    assertFalse(in.closed);
                } finally {
                    assertEquals("+OK\r\n", admin.call("CONFIG", "SET", "protected-mode", "yes"));
                }
                assertTrue(exchange("127.0.0.2", "127.0.0.1", s.port(), "PING\r\n").reply.startsWith(DENIED_START));
            }
        }
    }

    @Test
    void withAPasswordExternalClientsConnectAndMustAuthenticate() throws IOException {
        for (ServerProcess s : List.of(redis, cinnabar)) {
            try (RawConnection admin = new RawConnection(s.port())) {
                assertEquals("+OK\r\n", admin.call("CONFIG", "SET", "requirepass", "pw"));
            }
        }
        try {
            sameFor(external, external, "PING\r\nAUTH pw\r\nPING\r\n");
            assertEquals("-NOAUTH Authentication required.\r\n+OK\r\n+PONG\r\n",
                    exchange(external, external, cinnabar.port(), "PING\r\nAUTH pw\r\nPING\r\n").reply);
        } finally {
            for (ServerProcess s : List.of(redis, cinnabar)) {
                try (RawConnection admin = new RawConnection(s.port())) {
                    assertEquals("+OK\r\n", admin.call("AUTH", "pw"));
                    assertEquals("+OK\r\n", admin.call("CONFIG", "SET", "requirepass", ""));
                }
            }
        }
    }

    @Test
    void turnedAwayClientsCountAsRejectedNotAsReceived() throws IOException {
        List<String> seen = new ArrayList<>();
        for (ServerProcess s : List.of(redis, cinnabar)) {
            try (RawConnection admin = new RawConnection(s.port())) {
                assertEquals("+OK\r\n", admin.call("CONFIG", "RESETSTAT"));
            }
            for (int i = 0; i < 3; i++) {
                exchange("127.0.0.2", "127.0.0.1", s.port(), "PING\r\n");
            }
            seen.add(Sockets.infoFields(s.port(), "stats", "rejected_connections", "total_connections_received"));
        }
        // Received: only the connection asking.
        assertEquals("3 1", seen.get(0), "redis");
        assertEquals(seen.get(0), seen.get(1), "cinnabar as redis");
    }

    @Test
    void unixSocketClientsAreNeverTurnedAway() throws Exception {
        Path dir = Files.createTempDirectory("pm-unix");
        Path redisSock = dir.resolve("redis.sock");
        Path cinnabarSock = dir.resolve("cinnabar.sock");
        try (ServerProcess r = ServerProcess.redis("--unixsocket", redisSock.toString());
             ServerProcess c = ServerProcess.cinnabar("--unixsocket", cinnabarSock.toString())) {
            assertEquals("+PONG\r\n", unixPing(redisSock));
            assertEquals("+PONG\r\n", unixPing(cinnabarSock));
        }
    }

    private static String unixPing(Path socket) throws IOException {
        // The TCP port answers first; the Unix socket may come a moment later.
        for (int i = 0; i < 100 && !Files.exists(socket); i++) {
            sleep(50);
        }
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ch.write(ByteBuffer.wrap("PING\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer in = ByteBuffer.allocate(64);
            while (in.position() < 7 && ch.read(in) > 0) {
                // until the whole reply is in
            }
            return new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void withTheDefaultBindTheDualStackListenerJudgesIpv4ClientsAsRedisDoes() throws IOException {
        // Cinnabar serves "* -::*" from one IPv6 socket that also takes IPv4: its IPv4 clients
        // arrive as mapped addresses and must be told apart as Redis's separate sockets do.
        try (ServerProcess r = ServerProcess.redis("--bind", "*", "-::*");
             ServerProcess c = ServerProcess.cinnabar()) {
            for (String[] from : new String[][] {{"127.0.0.1", "127.0.0.1"}, {external, external}, {"127.0.0.2", "127.0.0.1"}}) {
                RawExchange expected = exchange(from[0], from[1], r.port(), "PING\r\n");
                RawExchange actual = exchange(from[0], from[1], c.port(), "PING\r\n");
                assertEquals(expected.reply, actual.reply, from[0]);
            }
            try (SocketChannel v6 = SocketChannel.open(new java.net.InetSocketAddress("::1", c.port()))) {
                v6.write(ByteBuffer.wrap("PING\r\n".getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer in = ByteBuffer.allocate(64);
                while (in.position() < 7 && v6.read(in) > 0) {
                    // until the whole reply is in
                }
                assertEquals("+PONG\r\n", new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII));
            } catch (SocketException noIpv6) {
                // A machine without IPv6 loopback has no ::1 client to check.
            }
        }
    }

    @Test
    void theRefusalIsNotLoggedAboveVerbose() {
        assertFalse(cinnabar.log().contains("DENIED"), cinnabar.log());
        assertFalse(cinnabar.log().contains("Exception"), cinnabar.log());
    }
}
