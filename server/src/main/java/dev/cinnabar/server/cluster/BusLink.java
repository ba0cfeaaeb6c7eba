package dev.cinnabar.server.cluster;

import dev.cinnabar.protocol.cluster.BusCodec;
import dev.cinnabar.protocol.cluster.BusMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * One TCP connection of the cluster bus (Redis's clusterLink). Every node keeps two per peer:
 * the one it opened, which carries its PINGs and whose PONGs tell the peer is alive, and the one
 * the peer opened, on which it answers the peer's PINGs. An inbound link learns its node from
 * the first message that names a known sender.
 */
public final class BusLink {
    final boolean inbound;
    final long createdMillis;
    ClusterNode node;
    /** Set by the transport once connected (outbound) or accepted (inbound). */
    private volatile Channel channel;
    private boolean closed;

    BusLink(ClusterNode node, boolean inbound, long nowMillis) {
        this.node = node;
        this.inbound = inbound;
        this.createdMillis = nowMillis;
    }

    /** An inbound connection, as the transport accepted it. */
    public static BusLink accepted(Channel channel, long nowMillis) {
        BusLink link = new BusLink(null, true, nowMillis);
        link.channel = channel;
        return link;
    }

    public void channel(Channel channel) {
        this.channel = channel;
    }

    public Channel channel() {
        return channel;
    }

    boolean closed() {
        return closed;
    }

    void send(BusMessage m) {
        Channel ch = channel;
        if (ch == null || closed) {
            return;
        }
        ByteBuf buf = ch.alloc().buffer(BusCodec.HEADER_LEN + 512);
        BusCodec.encode(m, buf);
        ch.writeAndFlush(buf, ch.voidPromise());
    }

    void close() {
        closed = true;
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }

    /** Bytes waiting to be written, for CLUSTER LINKS and cluster-link-sendbuf-limit. */
    long pendingBytes() {
        Channel ch = channel;
        if (ch == null) {
            return 0;
        }
        long n = ch.unsafe().outboundBuffer() == null ? 0 : ch.unsafe().outboundBuffer().totalPendingWriteBytes();
        return Math.max(0, n);
    }

    /** The peer's address as Redis prints it (connPeerToString). */
    String peerIp() {
        Channel ch = channel;
        return ch == null ? null : ipOf(ch.remoteAddress());
    }

    /** This end's address (connSockName): how the peer reaches this node. */
    String localIp() {
        Channel ch = channel;
        return ch == null ? null : ipOf(ch.localAddress());
    }

    static String ipOf(SocketAddress a) {
        if (!(a instanceof InetSocketAddress)) {
            return null;
        }
        InetAddress addr = ((InetSocketAddress) a).getAddress();
        if (addr == null) {
            return null;
        }
        if (addr instanceof Inet6Address) {
            byte[] b = addr.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            mapped &= b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            if (mapped) {
                return (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
            }
            return compressV6(addr.getHostAddress());
        }
        return addr.getHostAddress();
    }

    /**
     * An IP address as inet_pton and inet_ntop would print it, or null when {@code ip} is not a
     * literal IPv4 or IPv6 address (CLUSTER MEET takes addresses, never names to resolve).
     */
    static String normalizeIp(String ip) {
        if (ip == null || ip.isEmpty()) {
            return null;
        }
        if (ip.indexOf(':') < 0) {
            String[] parts = ip.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            StringBuilder b = new StringBuilder();
            for (String p : parts) {
                if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                    return null;
                }
                int v = Integer.parseInt(p);
                if (v > 255 || (p.length() > 1 && p.charAt(0) == '0')) {
                    return null;
                }
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(v);
            }
            return b.toString();
        }
        if (!ip.chars().allMatch(ch -> ch == ':' || ch == '.' || Character.digit(ch, 16) >= 0)) {
            return null;
        }
        try {
            return ipOf(new InetSocketAddress(InetAddress.getByName(ip), 0));
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    /** inet_ntop's form of an IPv6 address: the longest run of zero groups as "::", no scope. */
    static String compressV6(String full) {
        int pct = full.indexOf('%');
        if (pct >= 0) {
            full = full.substring(0, pct);
        }
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < groups.length; ) {
            if (groups[i].equals("0")) {
                int j = i;
                while (j < groups.length && groups[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < groups.length; i++) {
            if (i == bestStart) {
                b.append(i == 0 ? "::" : ":");
                i += bestLen - 1;
                continue;
            }
            b.append(groups[i]);
            if (i < groups.length - 1) {
                b.append(':');
            }
        }
        return b.toString();
    }
}
