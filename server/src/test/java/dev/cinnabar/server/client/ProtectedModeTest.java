package dev.cinnabar.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.config.ServerConfig;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Which clients protected mode turns away, as redis-server 7.0.15 decides it. */
class ProtectedModeTest {
    private static InetSocketAddress from(String ip) throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(ip), 40000);
    }

    @Test
    void onlyExactlyTheTwoLoopbackAddressesAreLetIn() throws UnknownHostException {
        ServerConfig c = new ServerConfig();
        assertFalse(ProtectedMode.denies(c, true, from("127.0.0.1")));
        assertFalse(ProtectedMode.denies(c, true, from("::1")));
        // An IPv4 client of a dual-stack listener.
        assertFalse(ProtectedMode.denies(c, true, new InetSocketAddress(InetAddress.getByAddress(
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 127, 0, 0, 1}), 40000)));
        // Redis compares the text, so the rest of 127/8 is "external".
        assertTrue(ProtectedMode.denies(c, true, from("127.0.0.2")));
        assertTrue(ProtectedMode.denies(c, true, from("192.0.2.2")));
        assertTrue(ProtectedMode.denies(c, true, from("::2")));
        assertTrue(ProtectedMode.denies(c, true, from("fe80::1")));
    }

    @Test
    void unixSocketClientsAreAlwaysLetIn() {
        assertFalse(ProtectedMode.denies(new ServerConfig(), true, new DomainSocketAddress("/tmp/cinnabar.sock")));
        assertFalse(ProtectedMode.denies(new ServerConfig(), true, null));
    }

    @Test
    void aPasswordOrProtectedModeOffLetsEveryoneIn() throws UnknownHostException {
        // A default user with a password (requirepass or ACL SETUSER) is not nopass.
        assertFalse(ProtectedMode.denies(new ServerConfig(), false, from("192.0.2.2")));
        ServerConfig off = new ServerConfig();
        off.protectedMode = false;
        assertFalse(ProtectedMode.denies(off, true, from("192.0.2.2")));
    }

    @Test
    void theReplyIsRedisErrorLineOf1067Bytes() {
        String s = new String(ProtectedMode.DENIED, StandardCharsets.US_ASCII);
        assertEquals(1067, ProtectedMode.DENIED.length);
        assertTrue(s.startsWith("-DENIED Redis is running in protected mode because protected mode is enabled"), s);
        assertTrue(s.endsWith("to start accepting connections from the outside.\r\n"), s);
        assertEquals(s.indexOf('\r'), s.length() - 2, "one line");
    }
}
