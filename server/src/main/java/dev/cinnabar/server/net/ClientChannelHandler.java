package dev.cinnabar.server.net;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.engine.Engine;
import dev.cinnabar.server.memcached.MemcachedSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The I/O side of one connection: hands what it reads to the engine untouched (decoding happens
 * on the engine thread, into the client's own buffer) and stops reading while either side falls
 * behind, so no client can make the server buffer without bound:
 * <ul>
 *   <li>the connection cannot take its replies as fast as they come (Netty's writability, from
 *       the write-buffer watermarks), or</li>
 *   <li>more than {@link #INPUT_HIGH} bytes read from it wait for the engine. Reading resumes
 *       once the engine is down to {@link #INPUT_LOW}.</li>
 * </ul>
 * Redis gets both for free by reading only when it is ready to parse; here the I/O thread runs
 * ahead of the engine, so it has to be told.
 *
 * <p>Everything one read event gets from the socket goes to the engine as one piece, as Redis
 * parses what one read(2) returned: the decoder's 64 KB limits replay Redis's read sizes over
 * that piece (see {@code RequestDecoder}), which only works if Netty's smaller reads are joined.
 */
final class ClientChannelHandler extends ChannelInboundHandlerAdapter {
    static final long INPUT_HIGH = 1024 * 1024;
    static final long INPUT_LOW = 256 * 1024;

    private final Engine engine;
    /** The connection came in through the memcached listener. */
    private final boolean memcached;
    /** The connection came in through the TLS listener. */
    private final boolean tls;
    private Client client;
    private ChannelHandlerContext ctx;
    /** Bytes read and handed to the engine that it has not consumed yet; the engine lowers it. */
    private final AtomicLong unconsumed = new AtomicLong();
    /** Set on the I/O thread when it stopped reading for {@link #unconsumed}; read by the engine. */
    private volatile boolean pausedForInput;
    /** What this read event got so far; handed on at read-complete. */
    private ByteBuf received;
    /** The client shut its sending side; on the I/O thread. */
    private boolean inputShutdown;

    ClientChannelHandler(Engine engine) {
        this(engine, false, false);
    }

    ClientChannelHandler(Engine engine, boolean memcached, boolean tls) {
        this.engine = engine;
        this.memcached = memcached;
        this.tls = tls;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = new Client(engine.nextClientId(), engine.server(), ctx.channel(),
                address(ctx.channel().remoteAddress()), address(ctx.channel().localAddress()));
        // CLIENT LIST shows the descriptor; only the native transport has one to show.
        if (ctx.channel() instanceof UnixChannel) {
            client.fd = ((UnixChannel) ctx.channel()).fd().intValue();
        }
        client.unixSocket = ctx.channel().remoteAddress() instanceof DomainSocketAddress
                || ctx.channel().localAddress() instanceof DomainSocketAddress;
        client.tls = tls;
        if (memcached) {
            client.memcached = new MemcachedSession(client);
        }
        InboundBatch.connected(engine, ctx.channel().eventLoop(), client);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf data = (ByteBuf) msg;
        if (unconsumed.addAndGet(data.readableBytes()) > INPUT_HIGH && !pausedForInput) {
            pausedForInput = true;
            updateAutoRead();
        }
        if (received == null) {
            received = data;
        } else {
            if (!(received instanceof CompositeByteBuf)) {
                received = ctx.alloc().compositeBuffer(16).addComponent(true, received);
            }
            ((CompositeByteBuf) received).addComponent(true, data);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        handOver();
        ctx.fireChannelReadComplete();
    }

    private void handOver() {
        if (received != null) {
            InboundBatch.read(engine, ctx.channel().eventLoop(), this, client, received);
            received = null;
        }
    }

    /** The engine consumed {@code n} bytes of this connection's input; on the engine thread. */
    void consumed(int n) {
        long left = unconsumed.addAndGet(-n);
        if (pausedForInput && left <= INPUT_LOW) {
            ctx.channel().eventLoop().execute(this::resumeAfterInput);
        }
    }

    private void resumeAfterInput() {
        if (pausedForInput && unconsumed.get() <= INPUT_LOW) {
            pausedForInput = false;
            updateAutoRead();
        }
    }

    /** Reads only while both the replies and the input keep up; on the I/O thread. */
    private void updateAutoRead() {
        if (inputShutdown) {
            // Nothing is left to read, and epoll no longer watches the descriptor for input:
            // changing the interest would fail and take the connection down with its replies.
            return;
        }
        Channel ch = ctx.channel();
        ch.config().setAutoRead(ch.isWritable() && !pausedForInput);
    }

    /**
     * The client shut down its sending side (a {@code printf ... | nc -N} user): everything it
     * sent is still answered, as Redis answers what it read before the end of the stream, and
     * then the connection closes.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputShutdown = true;
            handOver();
            if (client != null) {
                InboundBatch.inputEnded(engine, ctx.channel().eventLoop(), client);
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handOver();
        if (client != null) {
            InboundBatch.disconnected(engine, ctx.channel().eventLoop(), client);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // A client that does not read its replies stops being read from.
        updateAutoRead();
        if (client != null && ctx.channel().isWritable()) {
            // If the engine stopped running its commands until the replies drained, they have.
            Client c = client;
            engine.submit(e -> e.resumeIfDrained(c));
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Connection resets and the like: the close that follows tells the engine.
        ctx.close();
    }

    static String address(SocketAddress a) {
        if (a instanceof InetSocketAddress) {
            InetSocketAddress i = (InetSocketAddress) a;
            // inet_ntop's form, as Redis prints it: "::1", not Java's "0:0:0:0:0:0:0:1".
            String host = i.getAddress() != null ? NetUtil.toAddressString(i.getAddress()) : i.getHostString();
            int pct = host.indexOf('%');
            if (pct >= 0) {
                host = host.substring(0, pct);
            }
            // IPv6 addresses in brackets, as Redis formats a peer.
            return host.indexOf(':') >= 0 ? "[" + host + "]:" + i.getPort() : host + ":" + i.getPort();
        }
        if (a instanceof DomainSocketAddress) {
            return ((DomainSocketAddress) a).path() + ":0";
        }
        return a == null ? "" : a.toString();
    }
}
