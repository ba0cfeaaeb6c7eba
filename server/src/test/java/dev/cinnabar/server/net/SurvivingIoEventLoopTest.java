package dev.cinnabar.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ThreadAwareExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The heap running out inside a turn of the transport ends a plain Netty loop's thread (and,
 * for the engine's loop, the process); the transport's loops go on serving.
 */
class SurvivingIoEventLoopTest {

    @Test
    void aLoopWhoseTurnRanOutOfHeapKeepsRunningTasks() throws Exception {
        OutOfHeapTurns io = new OutOfHeapTurns(3);
        MultiThreadIoEventLoopGroup group = SurvivingIoEventLoop.group(1, new DefaultThreadFactory("test-io", true), io);
        try {
            // A task submitted to an idle loop wakes it, and it runs a turn before the task:
            // the first three turns fail, the tasks still run, and so do the ones after.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int task = 0;
            while (io.failuresLeft.get() > 0 && System.nanoTime() < deadline) {
                int n = task++;
                assertEquals(n, group.next().submit(() -> n).get(5, TimeUnit.SECONDS));
                Thread.sleep(10);
            }
            assertEquals(0, io.failuresLeft.get(), "every failing turn ran");
            for (int i = 0; i < 10; i++) {
                int n = i;
                assertEquals(n, group.next().submit(() -> n).get(5, TimeUnit.SECONDS));
            }
            assertTrue(!group.isShuttingDown() && !group.isTerminated());
        } finally {
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
        }
    }

    @Test
    void nettysOwnLoopEndsOnTheSameFailure() throws Exception {
        // What the transport's loops guard against: without them this loop's thread is gone.
        OutOfHeapTurns io = new OutOfHeapTurns(1);
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("test-io", true), io);
        try {
            group.next().execute(() -> { });
            assertTrue(group.awaitTermination(5, TimeUnit.SECONDS), "the loop ended");
        } finally {
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
        }
    }

    /** NIO's handler, but its first {@code n} turns throw OutOfMemoryError as a full heap does. */
    private static final class OutOfHeapTurns implements IoHandlerFactory {
        final AtomicInteger failuresLeft;
        private final IoHandlerFactory nio = NioIoHandler.newFactory();

        OutOfHeapTurns(int n) {
            failuresLeft = new AtomicInteger(n);
        }

        @Override
        public IoHandler newHandler(ThreadAwareExecutor executor) {
            IoHandler real = nio.newHandler(executor);
            return new IoHandler() {
                @Override
                public void initialize() {
                    real.initialize();
                }

                @Override
                public int run(IoHandlerContext context) {
                    int n = real.run(context);
                    if (failuresLeft.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                        throw new OutOfMemoryError("Java heap space");
                    }
                    return n;
                }

                @Override
                public void prepareToDestroy() {
                    real.prepareToDestroy();
                }

                @Override
                public void destroy() {
                    real.destroy();
                }

                @Override
                public IoRegistration register(IoHandle handle) throws Exception {
                    return real.register(handle);
                }

                @Override
                public void wakeup() {
                    real.wakeup();
                }

                @Override
                public boolean isCompatible(Class<? extends IoHandle> handleType) {
                    return real.isCompatible(handleType);
                }
            };
        }
    }
}
