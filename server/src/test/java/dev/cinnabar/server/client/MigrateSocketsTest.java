package dev.cinnabar.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The port as Redis reads it (C's atoi, then 16 bits), and the cache's keys, reuse and expiry. */
class MigrateSocketsTest {
    private static int atoi(String s) {
        return MigrateSockets.atoi(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void portsAreReadAsAtoiReadsThem() {
        assertEquals(7401, atoi("7401"));
        assertEquals(7401, atoi(" 7401"));
        assertEquals(7401, atoi("\t+7401x"));
        assertEquals(0, atoi("abc"));
        assertEquals(0, atoi(""));
        assertEquals(-1, atoi("-1"));
        assertEquals(72937, atoi("72937")); // connects to 72937 & 0xFFFF = 7401, as Redis does
        assertEquals(-1, atoi("4294967295")); // strtol's long, then an int
        assertEquals(-1, atoi("99999999999999999999")); // clamped to LONG_MAX, then an int
    }

    @Test
    void connectionsAreCachedByTheirSpellingAndExpire() throws IOException {
        MigrateSockets sockets = new MigrateSockets();
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String port = Integer.toString(target.getLocalPort());
            MigrateSockets.Link a = sockets.get(b("127.0.0.1"), b(port), 1000, 100);
            assertNotNull(a);
            assertSame(a, sockets.get(b("127.0.0.1"), b(port), 1000, 105));
            assertNotNull(sockets.get(b("127.0.0.1"), b(" " + port), 1000, 100));
            assertEquals(2, sockets.size());
            sockets.closeIdle(111);
            assertEquals(1, sockets.size(), "the one last used at 100 went; the one used at 105 stays");
            assertSame(a, sockets.cached("127.0.0.1:" + port));
            sockets.close(b("127.0.0.1"), b(port));
            assertEquals(0, sockets.size());
            assertNull(sockets.get(b(""), b(port), 1000, 100));
            assertNull(sockets.get(b("127.0.0.1"), b("-5"), 1000, 100));
            assertEquals(0, sockets.size());
        } finally {
            sockets.closeAll();
        }
    }

    @Test
    void atMostSixtyFourConnectionsAreKept() throws IOException {
        MigrateSockets sockets = new MigrateSockets();
        try (ServerSocket target = new ServerSocket(0, 200, InetAddress.getLoopbackAddress())) {
            String port = Integer.toString(target.getLocalPort());
            for (int i = 0; i < 70; i++) {
                assertNotNull(sockets.get(b("127.0.0.1"), b(" ".repeat(i) + port), 1000, 100));
                assertEquals(Math.min(i + 1, MigrateSockets.MAX_ITEMS), sockets.size());
            }
            // The newest is always kept: a random older one made room for it.
            assertNotNull(sockets.cached("127.0.0.1:" + " ".repeat(69) + port));
        } finally {
            sockets.closeAll();
        }
    }
}
