package dev.cinnabar.server.client;

import dev.cinnabar.server.config.ServerConfig;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Redis 7.0's protected mode: while {@code protected-mode} is on and the default user needs no
 * password, a TCP client whose address is not exactly 127.0.0.1 or ::1 is sent the DENIED error
 * as soon as it connects, and dropped. The {@code bind} setting does not matter (it did before
 * Redis 6.2), Unix-socket clients are always let in, and so is nobody else from the loopback
 * network: 127.0.0.2 is refused, as Redis compares the address text.
 */
public final class ProtectedMode {
    /**
     * Redis 7.0.15's reply, byte for byte, typo included: clients and scripts match on it. It is
     * a protocol reply, so it names Redis as the real server does.
     */
    public static final byte[] DENIED = ("-DENIED Redis is running in protected mode because protected mode is enabled "
            + "and no password is set for the default user. In this mode connections are only accepted from the "
            + "loopback interface. If you want to connect from external computers to Redis you may adopt one of the "
            + "following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' "
            + "from the loopback interface by connecting to Redis from the same host the server is running, however "
            + "MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this "
            + "change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis "
            + "configuration file, and setting the protected mode option to 'no', and then restarting the server. "
            + "3) If you started the server manually just for testing, restart it with the '--protected-mode no' "
            + "option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of "
            + "the above things in order for the server to start accepting connections from the outside.\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private ProtectedMode() {
    }

    /** True when a client connecting from {@code remote} must be turned away. */
    public static boolean denies(ServerConfig config, boolean defaultUserNoPass, SocketAddress remote) {
        // As Redis: the default user's nopass flag decides, whether or not the user is on.
        if (!config.protectedMode || !defaultUserNoPass) {
            return false;
        }
        // Unix sockets (and connection-less clients) are local by nature.
        if (!(remote instanceof InetSocketAddress)) {
            return false;
        }
        return !isLoopbackText(((InetSocketAddress) remote).getAddress());
    }

    /**
     * The addresses Redis spells "127.0.0.1" or "::1". An IPv4 client of a dual-stack socket
     * arrives as an IPv4-mapped address, which Java already gives back as an IPv4 address,
     * so it is judged as Redis, which listens on separate IPv4 and IPv6 sockets, judges it.
     */
    static boolean isLoopbackText(InetAddress a) {
        if (a instanceof Inet4Address) {
            byte[] b = a.getAddress();
            return b[0] == 127 && b[1] == 0 && b[2] == 0 && b[3] == 1;
        }
        if (a instanceof Inet6Address) {
            byte[] b = a.getAddress();
            for (int i = 0; i < 15; i++) {
                if (b[i] != 0) {
                    return false;
                }
            }
            return b[15] == 1;
        }
        return false;
    }
}
