package dev.cinnabar.server.net;

import dev.cinnabar.server.log.ServerLog;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * A Netty event loop that outlives the heap running out while it serves sockets. Netty's epoll
 * and NIO handlers rethrow an {@link Error} from a turn, which ends the loop's thread: every
 * connection on it would hang, and when the loop is the engine's, the process would exit (it is
 * the thread that keeps it alive). An OutOfMemoryError there comes from the transport itself
 * (a read buffer, a log line about another failure), since the channel handlers catch their
 * own; the turn is abandoned, its garbage is collectable, and the next turn serves the sockets
 * again, as the engine goes on after a task that ran out of heap.
 */
class SurvivingIoEventLoop extends SingleThreadIoEventLoop {
    private static final String HEAP_EXHAUSTED =
            "The Java heap ran out while serving the sockets; that turn of the event loop was abandoned. "
                    + "Consider a larger -Xmx or heap-reserve.";

    SurvivingIoEventLoop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory io) {
        super(parent, executor, io);
    }

    @Override
    protected int runIo() {
        try {
            return super.runIo();
        } catch (OutOfMemoryError e) {
            try {
                ServerLog.warning(HEAP_EXHAUSTED);
            } catch (OutOfMemoryError stillFull) {
                // Not even the log line fits: the loop going on matters more.
            }
            return 0;
        }
    }

    /** A group of {@code threads} such loops. */
    static MultiThreadIoEventLoopGroup group(int threads, ThreadFactory factory, IoHandlerFactory io) {
        return new MultiThreadIoEventLoopGroup(threads, factory, io) {
            @Override
            protected IoEventLoop newChild(Executor executor, IoHandlerFactory handlers, Object... args) {
                return new SurvivingIoEventLoop(this, executor, handlers);
            }
        };
    }
}
