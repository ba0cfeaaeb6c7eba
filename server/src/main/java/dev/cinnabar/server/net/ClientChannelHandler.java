package dev.cinnabar.server.net;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.engine.Engine;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The I/O side of one connection: hands what it reads to the engine untouched (decoding happens
 * on the engine thread, into the client's own buffer) and stops reading while the connection
 * cannot keep up with its replies, so a slow reader cannot make the server buffer without bound.
 */
final class ClientChannelHandler extends ChannelInboundHandlerAdapter {
    private final Engine engine;
    private Client client;

    ClientChannelHandler(Engine engine) {
        this.engine = engine;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = new Client(engine.nextClientId(), engine, ctx.channel(),
                address(ctx.channel().remoteAddress()), address(ctx.channel().localAddress()));
        InboundBatch.connected(engine, ctx.channel().eventLoop(), client);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        InboundBatch.read(engine, ctx.channel().eventLoop(), client, (ByteBuf) msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (client != null) {
            InboundBatch.disconnected(engine, ctx.channel().eventLoop(), client);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // Back-pressure: a client that does not read its replies stops being read from.
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
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
            String host = i.getAddress() != null ? i.getAddress().getHostAddress() : i.getHostString();
            int pct = host.indexOf('%');
            if (pct >= 0) {
                host = host.substring(0, pct);
            }
            return host + ":" + i.getPort();
        }
        if (a instanceof DomainSocketAddress) {
            return ((DomainSocketAddress) a).path() + ":0";
        }
        return a == null ? "" : a.toString();
    }
}
