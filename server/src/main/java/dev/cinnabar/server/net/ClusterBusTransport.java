package dev.cinnabar.server.net;

import dev.cinnabar.protocol.cluster.BusCodec;
import dev.cinnabar.protocol.cluster.BusMessage;
import dev.cinnabar.server.cluster.BusLink;
import dev.cinnabar.server.cluster.Cluster;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.log.ServerLog;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The cluster bus's sockets: a listener on the bus port (on the RESP listeners' addresses) and
 * the connections this node opens to the others. Frames are cut and decoded on the I/O threads;
 * what they mean is the engine's business, so every event goes there through {@code toEngine}.
 */
final class ClusterBusTransport implements Cluster.Transport {
    private final ServerConfig config;
    private final EventLoopGroup acceptGroup;
    private final EventLoopGroup group;
    private final Class<? extends ServerChannel> serverChannel;
    private final Class<? extends Channel> clientChannel;
    private final List<String> addresses;
    private final List<Channel> listeners = new ArrayList<>();
    private final Supplier<Cluster> cluster;
    private final Consumer<Runnable> toEngine;
    /** The TLS set-up while {@code tls-cluster} is on, else null: read at each connection, as Redis does. */
    private final Supplier<TlsContexts> tls;

    ClusterBusTransport(ServerConfig config, EventLoopGroup acceptGroup, EventLoopGroup group,
            Class<? extends ServerChannel> serverChannel, Class<? extends Channel> clientChannel, List<String> addresses,
            Supplier<Cluster> cluster, Consumer<Runnable> toEngine, Supplier<TlsContexts> tls) {
        this.tls = tls;
        this.config = config;
        this.acceptGroup = acceptGroup;
        this.group = group;
        this.serverChannel = serverChannel;
        this.clientChannel = clientChannel;
        this.addresses = addresses;
        this.cluster = cluster;
        this.toEngine = toEngine;
    }

    @Override
    public void listen(int port) throws IOException {
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptGroup, group)
                .channel(serverChannel)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        BusLink link = BusLink.accepted(ch, System.currentTimeMillis());
                        TlsContexts t = tls.get();
                        if (t != null) {
                            t.acceptBus(ch);
                        }
                        ch.pipeline().addLast(new Frames(link, true));
                    }
                });
        boolean any = false;
        for (String spec : addresses) {
            boolean optional = spec.startsWith("-");
            String address = optional ? spec.substring(1) : spec;
            if (address.equals("*@fallback")) {
                if (any) {
                    continue;
                }
                address = "*";
            }
            String host = address.equals("*") ? "0.0.0.0" : address.equals("::*") ? "::" : address;
            try {
                listeners.add(b.bind(new InetSocketAddress(host, port)).sync().channel());
                any = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            } catch (Exception e) {
                if (optional || host.equals("::")) {
                    continue;
                }
                close();
                throw new IOException("Failed listening on port " + port + " (cluster)", e);
            }
        }
        if (!any) {
            throw new IOException("Failed listening on port " + port + " (cluster)");
        }
    }

    @Override
    public ChannelFuture connect(String ip, int port, BusLink link) {
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(clientChannel)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1000, Math.min(config.clusterNodeTimeout, 60_000)))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        TlsContexts t = tls.get();
                        if (t != null) {
                            t.connect(ch);
                        }
                        ch.pipeline().addLast(new Frames(link, false));
                    }
                });
        ChannelFuture f = b.connect(new InetSocketAddress(ip, port), NettyTransport.sourceAddress(config));
        f.addListener(done -> {
            if (!done.isSuccess()) {
                Throwable cause = done.cause();
                String why = cause == null ? "unknown error" : cause.getMessage();
                toEngine.accept(() -> cluster.get().closed(link, why));
            }
        });
        return f;
    }

    @Override
    public void close() {
        for (Channel ch : listeners) {
            ch.close().awaitUninterruptibly(1000);
        }
        listeners.clear();
    }

    /** Cuts the byte stream into bus messages (Redis's clusterReadHandler) and passes them on. */
    private final class Frames extends ChannelInboundHandlerAdapter {
        private final BusLink link;
        private final boolean inbound;

        Frames(BusLink link, boolean inbound) {
            this.link = link;
            this.inbound = inbound;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            super.channelActive(ctx);
            link.channel(ctx.channel());
            Cluster c = cluster.get();
            if (inbound) {
                toEngine.accept(() -> c.accepted(link));
            } else {
                toEngine.accept(() -> c.connected(link));
            }
        }

        /** Bytes of a message not yet whole. */
        private ByteBuf pending;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf data = (ByteBuf) msg;
            if (pending == null) {
                pending = ctx.alloc().buffer(Math.max(BusCodec.HEADER_LEN, data.readableBytes()));
            }
            pending.writeBytes(data);
            data.release();
            ByteBuf in = pending;
            while (true) {
                int length = BusCodec.frameLength(in);
                if (length == BusCodec.NEED_MORE || (length > 0 && in.readableBytes() < length)) {
                    break;
                }
                if (length == BusCodec.BAD_STREAM) {
                    in.skipBytes(in.readableBytes());
                    Cluster c = cluster.get();
                    toEngine.accept(() -> c.badStream(link));
                    ctx.close();
                    break;
                }
                BusMessage m = BusCodec.decode(in.slice(in.readerIndex(), length));
                in.skipBytes(length);
                if (m == null) {
                    ServerLog.verbose("Received an invalid cluster bus packet of length " + length);
                    continue;
                }
                Cluster c = cluster.get();
                toEngine.accept(() -> c.received(link, m));
            }
            if (!in.isReadable()) {
                in.release();
                pending = null;
            } else {
                in.discardReadBytes();
            }
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (pending != null) {
                pending.release();
                pending = null;
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            super.channelInactive(ctx);
            Cluster c = cluster.get();
            toEngine.accept(() -> c.closed(link, null));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
