package dev.cinnabar.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/**
 * Client addresses as Redis prints them in CLIENT LIST: inet_ntop's text, in brackets for IPv6
 * (redis-server 7.0.15 shows {@code addr=[::1]:39672}), then the port.
 */
class ClientAddressTest {
    @Test
    void ipv6IsWrittenInItsShortFormInBrackets() throws UnknownHostException {
        assertEquals("[::1]:6379", ClientChannelHandler.address(new InetSocketAddress(InetAddress.getByName("::1"), 6379)));
        assertEquals("[2001:db8::7]:40000",
                ClientChannelHandler.address(new InetSocketAddress(InetAddress.getByName("2001:db8:0:0:0:0:0:7"), 40000)));
        assertEquals("[fe80::1]:5", ClientChannelHandler.address(new InetSocketAddress(InetAddress.getByName("fe80::1%1"), 5)));
    }

    @Test
    void ipv4AndUnixSocketsAsBefore() throws UnknownHostException {
        assertEquals("127.0.0.1:50000", ClientChannelHandler.address(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 50000)));
        assertEquals("/tmp/c.sock:0", ClientChannelHandler.address(new DomainSocketAddress("/tmp/c.sock")));
    }
}
