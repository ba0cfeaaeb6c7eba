package dev.cinnabar.server.net;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * The event loop the engine runs on when {@code io-threads} is 1. Beyond Netty's loop it can
 * serve the sockets from inside a long task on the loop, without blocking: Redis's
 * processEventsWhileBlocked. A script past {@code busy-reply-threshold}, or a long load, polls
 * through {@link #pollIoAndTasksNow}, so other clients are read and answered -BUSY or -LOADING
 * instead of waiting in silence. What the poll reads reaches the channel handlers as any read
 * does, and the batch it produces runs in the same poll. Like every loop of the transport it
 * survives the heap running out in a turn ({@link SurvivingIoEventLoop}).
 */
final class EngineEventLoop extends SurvivingIoEventLoop {
    /** Tells the I/O handler to take what is ready and return: no wait, no timer to arm. */
    private static final IoHandlerContext NO_WAIT = new IoHandlerContext() {
        @Override
        public boolean canBlock() {
            return false;
        }

        @Override
        public long delayNanos(long currentTimeNanos) {
            return 0;
        }

        @Override
        public long deadlineNanos() {
            return -1;
        }
    };

    private EngineEventLoop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory io) {
        super(parent, executor, io);
    }

    /**
     * Reads and writes whatever sockets are ready now and returns how many it served; only from
     * a task running on this loop.
     */
    int pollIoNow() {
        if (!inEventLoop()) {
            throw new IllegalStateException("pollIoNow outside the engine's event loop");
        }
        return ioHandler().run(NO_WAIT);
    }

    /**
     * {@link #pollIoNow}, then everything queued on the loop: the batches the reads produced,
     * connections the listeners handed over, tasks other threads submitted. The engine decides
     * what of that runs while a long task holds it.
     */
    void pollIoAndTasksNow() {
        pollIoNow();
        runAllTasks();
    }

    /** A group of one such loop, on a non-daemon thread: it is what keeps the server running. */
    static MultiThreadIoEventLoopGroup group(ThreadFactory threads, IoHandlerFactory io) {
        return new MultiThreadIoEventLoopGroup(1, threads, io) {
            @Override
            protected IoEventLoop newChild(Executor executor, IoHandlerFactory factory, Object... args) {
                return new EngineEventLoop(this, executor, factory);
            }
        };
    }
}
