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
 * disconnects, in order. The first event of a turn schedules {@link #submitCurrent} at the end
 * of the turn, so the engine gets one hand-off per turn however many clients were readable.
 *
 * <p>A batch is used again once the engine has run it: a new one per turn was most of the
 * garbage a server made at {@code -P 1} (about 125 bytes a request, with 50 clients), and
 * garbage is what grows the heap (bench/RESULTS.md). The engine marks a batch done when it has
 * run it; until then (on the hand-off shape, or while a long task polls the sockets from inside
 * a batch) the I/O thread starts another.
 */
final class InboundBatch implements EngineTask {
    private static final Object CONNECTED = new Object();
    private static final Object DISCONNECTED = new Object();
    private static final Object INPUT_ENDED = new Object();

    /** Per I/O thread: the batch of this turn, and those it may use again. */
    private static final FastThreadLocal<Slot> SLOT = new FastThreadLocal<Slot>() {
        @Override
        protected Slot initialValue() {
            return new Slot();
        }
    };
    private static final Runnable SUBMIT = InboundBatch::submitCurrent;
    /**
     * Batches an I/O thread keeps for use again. On the engine's own loop one is enough: the
     * batch has run by the end of the turn. An I/O thread handing batches to a separate engine
     * thread starts the next turn while the engine may still be running the last one.
     */
    private static final int KEPT = 4;

    private static final class Slot {
        InboundBatch open;
        final InboundBatch[] kept = new InboundBatch[KEPT];

        /** A batch the engine is done with, or a new one, kept if there is room. */
        InboundBatch take(Engine engine) {
            int free = -1;
            for (int i = 0; i < KEPT; i++) {
                InboundBatch b = kept[i];
                if (b == null) {
                    if (free < 0) {
                        free = i;
                    }
                } else if (b.done && b.engine == engine) {
                    b.done = false;
                    return b;
                } else if (b.done && free < 0) {
                    free = i; // another engine's (tests run several servers in one JVM)
                }
            }
            InboundBatch b = new InboundBatch(engine);
            if (free >= 0) {
                kept[free] = b;
            }
            return b;
        }
    }

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
    /** The engine is running the batch; a run from inside it only continues it. */
    private boolean running;
    /** Set by the engine thread once it has run the batch and dropped its references. */
    private volatile boolean done;

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
        Slot slot = SLOT.get();
        InboundBatch b = slot.open;
        if (b == null) {
            b = slot.take(engine);
            slot.open = b;
            loop.execute(SUBMIT);
        }
        return b;
    }

    /** Runs at the end of the loop turn: hand the batch to the engine and start a fresh one. */
    private static void submitCurrent() {
        Slot slot = SLOT.get();
        InboundBatch b = slot.open;
        slot.open = null;
        if (b != null) {
            if (b.size > 0) {
                b.engine.runBatch(b);
            } else {
                b.done = true;
            }
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
        if (running) {
            // A long task started by one of this batch's events: the others are served now.
            runEvents(e);
            return;
        }
        running = true;
        try {
            runEvents(e);
        } finally {
            Arrays.fill(clients, 0, size, null);
            Arrays.fill(events, 0, size, null);
            Arrays.fill(readers, 0, size, null);
            size = 0;
            next = 0;
            running = false;
            done = true;
        }
    }

    private void runEvents(Engine e) {
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
