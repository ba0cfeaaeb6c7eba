package dev.cinnabar.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A long task on the engine's loop can still serve other sockets through
 * {@link EngineEventLoop#pollIoNow}: the mechanism busy scripts will answer -BUSY with.
 */
class EngineEventLoopTest {
    private static final boolean EPOLL = Epoll.isAvailable();

    private MultiThreadIoEventLoopGroup group;
    private EngineEventLoop loop;
    private Channel server;
    private final CountDownLatch connected = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        IoHandlerFactory io = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channel = EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        group = EngineEventLoop.group(new DefaultThreadFactory("test-engine", true), io);
        loop = (EngineEventLoop) group.next();
        server = new ServerBootstrap().group(group).channel(channel)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new PongHandler());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    @AfterEach
    void stop() {
        server.close().awaitUninterruptibly(1000);
        group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
    }

    /** Answers each read with +PONG at once, as the engine answers -BUSY. */
    private final class PongHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            connected.countDown();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release();
            ctx.writeAndFlush(Unpooled.copiedBuffer("+PONG\r\n", StandardCharsets.US_ASCII));
        }
    }

    /** Keeps the loop busy until {@code done} or 5 s, polling the sockets when {@code poll}. */
    private Future<Boolean> busyTask(CountDownLatch running, CountDownLatch done, boolean poll) {
        return loop.submit(() -> {
            running.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline) {
                if (poll) {
                    loop.pollIoNow();
                }
                if (done.await(1, TimeUnit.MILLISECONDS)) {
                    return true; // the client was served while this task was still running
                }
            }
            return false;
        });
    }

    private String exchange(Socket client, int timeoutMillis) throws Exception {
        client.setSoTimeout(timeoutMillis);
        client.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = client.getInputStream();
        byte[] reply = new byte[7];
        int n = 0;
        try {
            while (n < reply.length) {
                int r = in.read(reply, n, reply.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
        } catch (SocketTimeoutException e) {
            return "(nothing)";
        }
        return new String(reply, 0, n, StandardCharsets.US_ASCII);
    }

    @Test
    void aPollingTaskServesOtherSocketsWhileItRuns() throws Exception {
        try (Socket client = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
            assertTrue(connected.await(5, TimeUnit.SECONDS));
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch served = new CountDownLatch(1);
            Future<Boolean> task = busyTask(running, served, true);
            assertTrue(running.await(5, TimeUnit.SECONDS));
            assertEquals("+PONG\r\n", exchange(client, 5000));
            served.countDown();
            assertTrue(task.get(10, TimeUnit.SECONDS), "the reply came while the task was still running");
        }
    }

    @Test
    void withoutPollingTheSameTaskLeavesThemWaiting() throws Exception {
        try (Socket client = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
            assertTrue(connected.await(5, TimeUnit.SECONDS));
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch served = new CountDownLatch(1);
            Future<Boolean> task = busyTask(running, served, false);
            assertTrue(running.await(5, TimeUnit.SECONDS));
            assertEquals("(nothing)", exchange(client, 300));
            served.countDown();
            assertTrue(task.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void pollingFromAnotherThreadIsRefused() {
        assertFalse(loop.inEventLoop());
        assertThrows(IllegalStateException.class, loop::pollIoNow);
    }
}
