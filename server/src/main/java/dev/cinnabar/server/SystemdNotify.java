package dev.cinnabar.server;

import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.log.ServerLog;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * {@code supervised systemd}: tells systemd how the start goes over the datagram socket named by
 * {@code NOTIFY_SOCKET}, as Redis does, so a unit with {@code Type=notify} (Debian's is one) sees
 * the server ready and stopping. The JDK has no Unix datagram sockets; Netty's native transport
 * does.
 */
final class SystemdNotify {
    private final String socket;

    private SystemdNotify(String socket) {
        this.socket = socket;
    }

    /** The notifier the configuration asks for, with Redis's log lines, or null. */
    static SystemdNotify forConfig(ServerConfig config) {
        String mode = config.supervised;
        String socket = System.getenv("NOTIFY_SOCKET");
        if (mode.equals("upstart")) {
            ServerLog.warning("WARNING: supervised upstart is not supported by Cinnabar; running unsupervised.");
            return null;
        }
        if (mode.equals("no") || (mode.equals("auto") && socket == null)) {
            return null;
        }
        if (socket == null) {
            ServerLog.warning("systemd supervision requested or auto-detected, but NOTIFY_SOCKET not found!");
            return null;
        }
        ServerLog.notice("supervised by systemd. Please make sure you set appropriate values for TimeoutStartSec and "
                + "TimeoutStopSec in your service unit.");
        SystemdNotify n = new SystemdNotify(socket);
        n.send("STATUS=Cinnabar is loading...\n");
        return n;
    }

    void ready(ServerConfig config) {
        send(config.masterHost.isEmpty() ? "STATUS=Ready to accept connections\n"
                : "STATUS=Ready to accept connections in read-only mode. Waiting for MASTER <-> REPLICA sync\n");
        send("READY=1\n");
    }

    void stopping() {
        send("STOPPING=1\n");
    }

    /** Sends one datagram; a failure is logged and otherwise ignored, as sd_notify's is. */
    void send(String message) {
        if (!Epoll.isAvailable()) {
            ServerLog.warning("Can't notify systemd: no native Unix socket support here");
            return;
        }
        // An abstract socket name starts with '@' in the environment and with a NUL byte in the kernel.
        String path = socket.startsWith("@") ? "\0" + socket.substring(1) : socket;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Channel ch = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(new DomainSocketAddress(path)).sync().channel();
            ch.writeAndFlush(Unpooled.copiedBuffer(message, StandardCharsets.US_ASCII)).sync();
            ch.close().sync();
        } catch (Exception e) {
            ServerLog.warning("Can't send notification to systemd: " + e);
        } finally {
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS);
        }
    }
}
