package dev.cinnabar.server.net;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.engine.Engine;
import dev.cinnabar.server.engine.EngineTask;
import dev.cinnabar.server.log.ServerLog;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.Arrays;

/**
 * Everything one I/O thread received during one turn of its event loop: connects, reads and
 * disconnects, in order. The first event of a turn schedules {@link #submit} at the end of the
 * turn, so the engine gets one hand-off per turn however many clients were readable.
 */
final class InboundBatch implements EngineTask {
    private static final Object CONNECTED = new Object();
    private static final Object DISCONNECTED = new Object();
    private static final Object INPUT_ENDED = new Object();

    private static final FastThreadLocal<InboundBatch> CURRENT = new FastThreadLocal<>();

    private final Engine engine;
    private Client[] clients = new Client[16];
    private Object[] events = new Object[16];
    /** For reads, the connection to tell how much the engine consumed; null for other events. */
    private ClientChannelHandler[] readers = new ClientChannelHandler[16];
    private int size;
    /**
     * The next event to handle. A long task started by one of the events continues the batch
     * from inside itself (the other clients' events in it must get their busy replies), so the
     * position is kept here and each event is handled once, whoever gets to it.
     */
    private int next;

    private InboundBatch(Engine engine) {
        this.engine = engine;
    }

    static void connected(Engine engine, io.netty.channel.EventLoop loop, Client c) {
        current(engine, loop).add(c, CONNECTED, null);
    }

    static void read(Engine engine, io.netty.channel.EventLoop loop, ClientChannelHandler reader, Client c, ByteBuf data) {
        current(engine, loop).add(c, data, reader);
    }

    static void inputEnded(Engine engine, io.netty.channel.EventLoop loop, Client c) {
        current(engine, loop).add(c, INPUT_ENDED, null);
    }

    static void disconnected(Engine engine, io.netty.channel.EventLoop loop, Client c) {
        current(engine, loop).add(c, DISCONNECTED, null);
    }

    private static InboundBatch current(Engine engine, io.netty.channel.EventLoop loop) {
        InboundBatch b = CURRENT.get();
        if (b == null) {
            b = new InboundBatch(engine);
            CURRENT.set(b);
            loop.execute(InboundBatch::submitCurrent);
        }
        return b;
    }

    /** Runs at the end of the loop turn: hand the batch to the engine and start a fresh one. */
    private static void submitCurrent() {
        InboundBatch b = CURRENT.get();
        CURRENT.remove();
        if (b != null && b.size > 0) {
            b.engine.runBatch(b);
        }
    }

    private void add(Client c, Object event, ClientChannelHandler reader) {
        if (size == clients.length) {
            clients = Arrays.copyOf(clients, size * 2);
            events = Arrays.copyOf(events, size * 2);
            readers = Arrays.copyOf(readers, size * 2);
        }
        clients[size] = c;
        events[size] = event;
        readers[size] = reader;
        size++;
    }

    @Override
    public boolean isInput() {
        return true;
    }

    @Override
    public void run(Engine e) {
        while (next < size) {
            int i = next++;
            Client c = clients[i];
            Object ev = events[i];
            try {
                if (ev == CONNECTED) {
                    e.connected(c);
                } else if (ev == DISCONNECTED) {
                    e.disconnected(c);
                } else if (ev == INPUT_ENDED) {
                    e.inputEnded(c);
                } else {
                    ByteBuf data = (ByteBuf) ev;
                    int n = data.readableBytes();
                    try {
                        e.input(c, data);
                    } finally {
                        readers[i].consumed(n);
                    }
                }
            } catch (RuntimeException failure) {
                // A bug met while serving one client must not lose the other clients' input in
                // this batch; that client is dropped rather than left waiting for a reply.
                ServerLog.warning("Closing client " + c + " after an internal error: " + failure);
                failure.printStackTrace();
                e.kill(c);
            }
        }
    }
}
