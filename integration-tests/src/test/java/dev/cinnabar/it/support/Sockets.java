package dev.cinnabar.it.support;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.Collections;

/** Connections from chosen source addresses, and the machine's own non-loopback address. */
public final class Sockets {
    private Sockets() {
    }

    /**
     * An IPv4 address of this machine outside the loopback network (eth0's, typically), or null.
     * A connection to it from this machine comes from that address, so a server sees an
     * external client without a second machine.
     */
    public static String externalIpv4() throws SocketException {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return a.getHostAddress();
                }
            }
        }
        return null;
    }

    /**
     * A TCP connection to {@code host:port} whose source address is {@code source}. Linux routes
     * all of 127/8 to the loopback device, so "127.0.0.2" works on any machine.
     */
    public static Socket connect(String source, String host, int port, int timeoutMillis) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(source, 0));
        s.connect(new InetSocketAddress(host, port), timeoutMillis);
        s.setSoTimeout(timeoutMillis);
        s.setTcpNoDelay(true);
        return s;
    }

    /** One field of INFO (e.g. "rejected_connections"), read on a fresh loopback connection; null if absent. */
    public static String infoField(int port, String section, String field) throws IOException {
        return infoFields(port, section, field);
    }

    /**
     * Fields of one INFO reply, read on a fresh loopback connection (which itself counts as a
     * connection received), joined by spaces; an absent field shows as "null".
     */
    public static String infoFields(int port, String section, String... fields) throws IOException {
        try (RawConnection c = new RawConnection(port)) {
            String reply = c.call("INFO", section);
            StringBuilder out = new StringBuilder();
            for (String field : fields) {
                String value = null;
                for (String line : reply.split("\r\n")) {
                    if (line.startsWith(field + ":")) {
                        value = line.substring(field.length() + 1);
                    }
                }
                out.append(out.length() == 0 ? "" : " ").append(value);
            }
            return out.toString();
        }
    }
}
