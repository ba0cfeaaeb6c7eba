package dev.cinnabar.server.net;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.engine.Engine;
import dev.cinnabar.server.engine.ReplyFlusher;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.replication.MasterLink;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * TCP and Unix-socket listeners on Netty, with native epoll where the platform has it. Owns the
 * I/O threads; hands input to the engine in per-turn batches ({@link InboundBatch}) and takes
 * replies back in per-batch hand-offs ({@link OutboundBatch}).
 */
public final class NettyTransport implements ReplyFlusher {
    private final Engine engine;
    private final ServerConfig config;
    private final boolean epoll = Epoll.isAvailable();
    private EventLoopGroup group;
    /** Where the listeners run: the I/O threads, or a loop of their own beside the engine's. */
    private EventLoopGroup acceptGroup;
    /** The RESP listeners: TCP on {@code port} and the Unix socket. */
    private final List<Channel> listeners = new ArrayList<>();
    /** The TLS listeners ({@code tls-port}), on the same addresses as the RESP ones. */
    private final List<Channel> tlsListeners = new ArrayList<>();
    /** The memcached listeners ({@code memcached-port}), on the same addresses as the RESP ones. */
    private final List<Channel> memcachedListeners = new ArrayList<>();
    /** The TLS set-up, once {@code tls-port}, {@code tls-replication} or {@code tls-cluster} asked for it. */
    private volatile TlsContexts tls;
    /** Set once the server has started taking connections (see acceptConnections). */
    private volatile boolean accepting;
    private Path unixSocketPath;

    public NettyTransport(Engine engine, ServerConfig config) {
        this.engine = engine;
        this.config = config;
    }

    /** The multiplexing API name INFO reports. */
    public String multiplexingApi() {
        return epoll ? "epoll" : "nio";
    }

    /**
     * Opens the listeners. Throws with Redis's wording when a mandatory address cannot be bound;
     * addresses written with a leading '-' are optional, as in redis.conf.
     */
    public void start() throws IOException {
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        if (engineOnEventLoop()) {
            // The engine's loop is what keeps the process alive, as the engine thread does
            // otherwise. Listeners get a loop of their own, so that the engine can open and
            // close them (CONFIG SET port) and wait for the outcome.
            group = EngineEventLoop.group(new DefaultThreadFactory("cinnabar-engine", false), io);
            acceptGroup = SurvivingIoEventLoop.group(1, new DefaultThreadFactory("cinnabar-accept", true), io);
        } else {
            group = SurvivingIoEventLoop.group(config.ioThreads - 1, new DefaultThreadFactory("cinnabar-io", true), io);
            acceptGroup = group;
        }
        if ((config.tlsPort != 0 || config.tlsReplication || config.tlsCluster) && !configureTls()) {
            ServerLog.warning("Failed to configure TLS. Check logs for more info.");
            throw new IOException("Failed to configure TLS");
        }
        MasterLink.of(engine.server()).connector(new MasterConnector());
        // MIGRATE speaks TLS to its targets in a TLS cluster, as Redis's migrateGetSocket does.
        engine.server().migrateSockets().tlsEngines(() -> config.tlsCluster && tls != null ? tls.clientEngine() : null);
        // The Unix socket first: whoever sees the TCP port open (a test harness, a health
        // check) may then use the socket at once.
        if (!config.unixSocket.isEmpty()) {
            bindUnix();
        }
        // The memcached and TLS listeners before the plain RESP one, for the same reason.
        for (Front front : new Front[] {Front.MEMCACHED, Front.TLS, Front.RESP}) {
            if (portOf(front) != 0) {
                for (String address : bindAddresses()) {
                    bindTcp(address, front);
                }
            }
        }
    }

    /** What a TCP listener serves. */
    private enum Front {
        RESP("TCP"), TLS("TLS"), MEMCACHED("TCP");

        /** How Redis's "Failed listening on port" line names the listener. */
        final String kind;

        Front(String kind) {
            this.kind = kind;
        }
    }

    private int portOf(Front front) {
        return switch (front) {
            case RESP -> config.port;
            case TLS -> config.tlsPort;
            case MEMCACHED -> config.memcachedPort;
        };
    }

    private List<Channel> listenersOf(Front front) {
        return switch (front) {
            case RESP -> listeners;
            case TLS -> tlsListeners;
            case MEMCACHED -> memcachedListeners;
        };
    }

    /**
     * (Re)builds the TLS contexts from the tls-* settings; false, with Redis's log lines, when
     * they are refused, leaving the contexts there were in place (Redis's tlsConfigure).
     */
    public boolean configureTls() {
        TlsContexts made = TlsContexts.configureOrNull(config);
        if (made == null) {
            return false;
        }
        tls = made;
        return true;
    }

    /** Whether TLS has been configured since the start (Redis's isTlsConfigured). */
    public boolean tlsConfigured() {
        return tls != null;
    }

    private List<String> bindAddresses() {
        List<String> out = new ArrayList<>();
        boolean anyV4 = false;
        boolean anyV6 = false;
        // "bind" with no address (bind "") means no TCP listener at all, as in Redis: the Unix
        // socket, if any, is the only way in.
        String[] bind = config.bind;
        for (String a : bind) {
            String bare = a.startsWith("-") ? a.substring(1) : a;
            anyV4 |= bare.equals("*");
            anyV6 |= bare.equals("::*");
        }
        for (String a : bind) {
            String bare = a.startsWith("-") ? a.substring(1) : a;
            // Linux's IPv6 wildcard also accepts IPv4, so "* ::*" is one dual-stack socket;
            // keep "*" mandatory if it was, by trying it after the IPv6 one failed.
            if (anyV4 && anyV6 && bare.equals("*")) {
                continue;
            }
            out.add(a);
        }
        if (anyV4 && anyV6) {
            out.add("*@fallback");
        }
        return out;
    }

    /** The fronts whose "::" listener took IPv4 as well, so that "*" is not bound again. */
    private final Set<Front> dualStackBound = EnumSet.noneOf(Front.class);

    /** Binds one address of the port {@code front} listens on. */
    private void bindTcp(String spec, Front front) throws IOException {
        int port = portOf(front);
        boolean optional = spec.startsWith("-");
        String address = optional ? spec.substring(1) : spec;
        if (address.equals("*@fallback")) {
            if (dualStackBound.contains(front)) {
                return;
            }
            address = "*";
        }
        String host = address.equals("*") ? "0.0.0.0" : address.equals("::*") ? "::" : address;
        InetSocketAddress at = new InetSocketAddress(host, port);
        if (host.isEmpty() || at.isUnresolved()) {
            // Java takes "" for the loopback address; Redis's getaddrinfo finds no such name.
            ServerLog.warning("Warning: Could not create server TCP listening socket " + address + ":"
                    + port + ": Name or service not known");
            throw new IOException("Failed listening on port " + port + " (" + front.kind + "), aborting.");
        }
        ServerBootstrap b = listener(tcpServerChannel(), true, front)
                .option(ChannelOption.SO_BACKLOG, config.tcpBacklog)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true);
        try {
            listen(b.bind(at).sync().channel(), listenersOf(front));
            if (host.equals("::")) {
                dualStackBound.add(front);
            }
        } catch (Exception e) {
            if (host.equals("::")) {
                // No IPv6 here: the IPv4 fallback that follows serves "*".
                ServerLog.verbose("Could not bind " + address + ": " + e.getMessage());
                return;
            }
            String why = reason(e);
            ServerLog.warning("Warning: Could not create server TCP listening socket " + address + ":"
                    + port + ": " + why);
            // Redis skips an optional address that is not there (EADDRNOTAVAIL), and any address
            // of a family the machine lacks; anything else, such as a port in use, is fatal.
            if ((optional && why.endsWith("Cannot assign requested address"))
                    || why.endsWith("Address family not supported by protocol") || why.endsWith("Protocol not supported")) {
                return;
            }
            throw new IOException("Failed listening on port " + port + " (" + front.kind + "), aborting.", e);
        }
    }

    /**
     * A listener's setup, TCP or Unix socket alike: the two loops, the output watermarks that
     * drive back-pressure, half-closed connections kept for their replies, and a
     * {@link ClientChannelHandler} for each connection; TCP keepalive on TCP connections.
     */
    private ServerBootstrap listener(Class<? extends ServerChannel> channel, boolean tcp, Front front) {
        return new ServerBootstrap()
                .group(acceptGroup, group)
                .channel(channel)
                // Bound but not accepting until the engine is ready (see acceptConnections).
                .option(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                // The end of a client's input is not the end of its replies (see ClientChannelHandler).
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tcp) {
                            keepAlive(ch);
                        }
                        if (front == Front.TLS) {
                            tls.accept(ch, config.tlsAuthClients);
                        }
                        ch.pipeline().addLast(new ClientChannelHandler(engine, front == Front.MEMCACHED, front == Front.TLS));
                    }
                });
    }

    /**
     * A replica's connection to its master: opened on the clients' loops, and once synchronized
     * handed to a {@link ClientChannelHandler} like any client's, with what had arrived after
     * the handshake as its first input.
     */
    private final class MasterConnector implements MasterLink.Connector {
        @Override
        public ChannelFuture connect(String host, int port, ChannelHandler handler) {
            Bootstrap b = new Bootstrap()
                    .group(group)
                    .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.max(1, config.replTimeout) * 1000)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            keepAlive(ch);
                            if (config.tlsReplication) {
                                tls.connect(ch);
                            }
                            ch.pipeline().addLast(handler);
                        }
                    });
            return b.connect(new InetSocketAddress(host, port), sourceAddress(config));
        }

        @Override
        public void adopt(Channel ch, ChannelHandler handshake, Supplier<ByteBuf> leftover) {
            ch.eventLoop().execute(() -> {
                ByteBuf left = leftover.get();
                if (!ch.isActive()) {
                    left.release();
                    return;
                }
                ClientChannelHandler h = new ClientChannelHandler(engine);
                ch.pipeline().replace(handshake, "client", h);
                ChannelHandlerContext ctx = ch.pipeline().context(h);
                h.channelActive(ctx);
                if (left.isReadable()) {
                    h.channelRead(ctx, left);
                    h.channelReadComplete(ctx);
                } else {
                    left.release();
                }
                ch.config().setAutoRead(true);
            });
        }
    }

    /**
     * The cluster bus's sockets on this transport's loops and addresses; {@code toEngine} takes
     * what the bus hears to the engine thread.
     */
    public dev.cinnabar.server.cluster.Cluster.Transport clusterBus(
            Supplier<dev.cinnabar.server.cluster.Cluster> cluster, java.util.function.Consumer<Runnable> toEngine) {
        return new ClusterBusTransport(config, acceptGroup, group, tcpServerChannel(),
                epoll ? EpollSocketChannel.class : NioSocketChannel.class, bindAddresses(), cluster, toEngine,
                () -> config.tlsCluster ? tls : null);
    }

    /**
     * {@code bind-source-addr}: the local address of the connections the server opens (to its
     * master, to other nodes of its cluster); null for the kernel's choice.
     */
    static InetSocketAddress sourceAddress(ServerConfig config) {
        return config.bindSourceAddr.isEmpty() ? null : new InetSocketAddress(config.bindSourceAddr, 0);
    }

    /** {@code tcp-keepalive}: probes after that many idle seconds, as Redis sets them. */
    private void keepAlive(Channel ch) {
        if (config.tcpKeepAlive > 0) {
            ch.config().setOption(ChannelOption.SO_KEEPALIVE, true);
            if (epoll) {
                ch.config().setOption(EpollChannelOption.TCP_KEEPIDLE, config.tcpKeepAlive);
                ch.config().setOption(EpollChannelOption.TCP_KEEPINTVL, Math.max(1, config.tcpKeepAlive / 3));
                ch.config().setOption(EpollChannelOption.TCP_KEEPCNT, 3);
            }
        }
    }

    private void bindUnix() throws IOException {
        if (!epoll) {
            ServerLog.warning("unixsocket is not supported on this platform without native epoll; not listening on "
                    + config.unixSocket);
            return;
        }
        Path path = config.resolvePath(config.unixSocket);
        Files.deleteIfExists(path);
        ServerBootstrap b = listener(EpollServerDomainSocketChannel.class, false, Front.RESP);
        try {
            listen(b.bind(new DomainSocketAddress(path.toFile())).sync().channel(), listeners);
            unixSocketPath = path;
            if (config.unixSocketPerm != 0) {
                Files.setPosixFilePermissions(path, permissions(config.unixSocketPerm));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (Exception e) {
            ServerLog.warning("Failed opening Unix socket: " + reason(e));
            throw new IOException("Failed opening Unix socket " + config.unixSocket, e);
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        return set;
    }

    /**
     * CONFIG SET port or bind: closes the TCP listeners, then listens again with the current
     * settings, as Redis does. On failure nothing new is left open and the caller restores the
     * old settings and calls this again.
     */
    public void rebindTcp() throws IOException {
        rebind(Front.RESP);
    }

    /** CONFIG SET tls-port (and bind): the same for the TLS listeners; none when the port is 0. */
    public void rebindTls() throws IOException {
        rebind(Front.TLS);
    }

    /** CONFIG SET memcached-port (and bind): the same for the memcached listeners. */
    public void rebindMemcached() throws IOException {
        rebind(Front.MEMCACHED);
    }

    private synchronized void rebind(Front front) throws IOException {
        List<Channel> list = listenersOf(front);
        List<Channel> old = new ArrayList<>();
        for (Channel ch : list) {
            if (ch.localAddress() instanceof InetSocketAddress) {
                old.add(ch);
            }
        }
        for (Channel ch : old) {
            ch.close().awaitUninterruptibly(1000);
            list.remove(ch);
        }
        dualStackBound.remove(front);
        if (portOf(front) == 0) {
            return;
        }
        int before = list.size();
        try {
            for (String address : bindAddresses()) {
                bindTcp(address, front);
            }
        } catch (IOException e) {
            while (list.size() > before) {
                list.remove(list.size() - 1).close().awaitUninterruptibly(1000);
            }
            throw e;
        }
    }

    /** The memcached listener's port (differs from the configured one only for port 0 tests); 0 when none. */
    public int memcachedBoundPort() {
        return boundPort(Front.MEMCACHED);
    }

    /** The TLS listener's port; 0 when none. */
    public int tlsBoundPort() {
        return boundPort(Front.TLS);
    }

    private int boundPort(Front front) {
        for (Channel ch : listenersOf(front)) {
            if (ch.localAddress() instanceof InetSocketAddress) {
                return ((InetSocketAddress) ch.localAddress()).getPort();
            }
        }
        return 0;
    }

    private Class<? extends ServerChannel> tcpServerChannel() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        if (m != null && m.contains("Address already in use")) {
            return "bind: Address already in use";
        }
        // Netty's native transport says "bind(..) failed with error(-99): <strerror>".
        int at = m == null ? -1 : m.indexOf("failed with error(");
        if (at >= 0 && m.indexOf("): ", at) > 0) {
            return "bind: " + m.substring(m.indexOf("): ", at) + 3);
        }
        return m == null ? e.toString() : m;
    }

    /** The TCP port actually bound (differs from the configured one only for port 0 tests). */
    public int boundPort() {
        return boundPort(Front.RESP);
    }

    /**
     * Starts the engine: on the one event loop when {@link #engineOnEventLoop()}, else on its own
     * thread, fed by this transport's I/O threads.
     */
    /**
     * The listeners start taking connections. Until then they are bound, so clients connect,
     * but wait in the backlog: the server calls this from its first engine task, the loading of
     * the dataset, so that no client is served before the load has begun (Redis loads before
     * its event loop runs; clients get -LOADING meanwhile, never an empty dataset).
     */
    public void acceptConnections() {
        accepting = true;
        for (Front front : Front.values()) {
            for (Channel ch : listenersOf(front)) {
                ch.config().setAutoRead(true);
            }
        }
    }

    /** A listener bound: it accepts at once once the server has started (CONFIG SET port, bind). */
    private void listen(Channel ch, List<Channel> list) {
        list.add(ch);
        if (accepting) {
            ch.config().setAutoRead(true);
        }
    }

    public void startEngine() {
        if (engineOnEventLoop()) {
            EngineEventLoop loop = (EngineEventLoop) group.next();
            engine.startOn(this, loop, loop::pollIoAndTasksNow);
        } else {
            engine.start(this);
        }
    }

    /**
     * True when the engine runs on the event loop. {@code io-threads} counts the threads doing
     * I/O the way Redis counts them, the main thread included: 1, the default, is the engine
     * alone, reading and writing its own sockets as Redis's main thread does, which is the
     * faster shape on a small machine (see bench/RESULTS.md). N above 1 gives N-1 I/O threads
     * handing input to a separate engine thread.
     */
    public boolean engineOnEventLoop() {
        return config.ioThreads <= 1;
    }

    public void stop() {
        // When the engine runs on the event loop, this may be called from that loop (SHUTDOWN),
        // which must not wait for itself: it closes what it can and lets the process exit.
        boolean onLoop = group != null && engineOnEventLoop() && group.next().inEventLoop();
        for (Front front : Front.values()) {
            for (Channel ch : listenersOf(front)) {
                ch.close().awaitUninterruptibly(1000);
            }
            listenersOf(front).clear();
        }
        if (acceptGroup != null && acceptGroup != group) {
            acceptGroup.shutdownGracefully(0, 500, java.util.concurrent.TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
        }
        if (group != null) {
            io.netty.util.concurrent.Future<?> done =
                    group.shutdownGracefully(0, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (!onLoop) {
                done.awaitUninterruptibly(2000);
            }
        }
        if (unixSocketPath != null) {
            try {
                Files.deleteIfExists(unixSocketPath);
            } catch (IOException ignored) {
                // nothing left to do at exit
            }
        }
    }

    // ------------------------------------------------------------------ ReplyFlusher

    /** Batches the engine fills and the I/O threads send; engine thread only (see {@link OutboundBatch}). */
    private final ArrayList<OutboundBatch> outboundPool = new ArrayList<>();
    /** The loops of one flush beyond the first, and their batches; engine thread only, cleared after each flush. */
    private final ArrayList<EventLoop> flushLoops = new ArrayList<>();
    private final ArrayList<OutboundBatch> flushBatches = new ArrayList<>();

    /** A batch no I/O thread is sending, from the pool or new. */
    private OutboundBatch outboundBatch() {
        for (int i = 0; i < outboundPool.size(); i++) {
            OutboundBatch b = outboundPool.get(i);
            if (b.isDone()) {
                b.take();
                return b;
            }
        }
        OutboundBatch b = new OutboundBatch();
        b.take();
        if (outboundPool.size() < 64) {
            outboundPool.add(b);
        }
        return b;
    }

    @Override
    public void flush(List<Client> clients) {
        EventLoop loop0 = null;
        OutboundBatch batch0 = null;
        // Indexed: the engine's lists are array-backed, and an iterator per flush is garbage.
        for (int n = 0, count = clients.size(); n < count; n++) {
            Client c = clients.get(n);
            if (c.channel == null) {
                continue;
            }
            if (c.isClosed()) {
                // Something replied to a client after it went away (a publish, an unblock):
                // nobody will send those bytes, so give the buffer back now.
                ByteBuf orphan = c.takeOutput();
                if (orphan != null) {
                    orphan.release();
                }
                continue;
            }
            boolean close = c.has(Client.CLOSE_AFTER_REPLY);
            ByteBuf out = c.takeOutput();
            if (out != null && !out.isReadable()) {
                if (!close) {
                    c.reply.buffer(out); // keep the empty buffer for the next batch
                    continue;
                }
                out.release();
                out = null;
            } else if (out == null && !close) {
                continue;
            }
            EventLoop loop = c.channel.eventLoop();
            OutboundBatch b;
            if (loop0 == null || loop0 == loop) {
                loop0 = loop;
                if (batch0 == null) {
                    batch0 = outboundBatch();
                }
                b = batch0;
            } else {
                int i = flushLoops.indexOf(loop);
                if (i < 0) {
                    flushLoops.add(loop);
                    flushBatches.add(outboundBatch());
                    i = flushLoops.size() - 1;
                }
                b = flushBatches.get(i);
            }
            if (out != null) {
                c.output.inTransit.addAndGet(out.readableBytes());
            }
            b.add(c, out, close);
        }
        if (batch0 != null) {
            if (loop0.inEventLoop()) {
                batch0.run(); // the engine runs on this loop: write now, no hand-off
            } else {
                loop0.execute(batch0);
            }
        }
        if (!flushLoops.isEmpty()) {
            for (int i = 0; i < flushLoops.size(); i++) {
                flushLoops.get(i).execute(flushBatches.get(i));
            }
            flushLoops.clear();
            flushBatches.clear();
        }
    }

    @Override
    public void close(Client c) {
        if (c.channel != null) {
            c.channel.close();
        }
    }
}
