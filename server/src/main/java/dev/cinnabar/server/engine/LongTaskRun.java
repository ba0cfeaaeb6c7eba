package dev.cinnabar.server.engine;

import dev.cinnabar.server.client.BusyState;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.LongTask;
import dev.cinnabar.server.db.Clock;

/**
 * One {@link LongTask}: while it runs the server is busy. Each poll, at most every
 * {@link #POLL_INTERVAL_NANOS}, serves the sockets and the queued input (the dispatcher answers
 * the busy reply) and sends the replies, all but the owner's.
 */
final class LongTaskRun implements LongTask {
    /** How often a long task lets other clients in: a client waits at most about this long for -BUSY. */
    static final long POLL_INTERVAL_NANOS = 2_000_000;

    private final BusyState busy;
    private final Client owner;
    private final EngineLoop loop;
    private final ClientOutputs outputs;
    private final Clock clock;
    private long lastPollNanos;
    private boolean closed;
    /** Runs inside another long task, whose busy state it leaves as it is. */
    private final boolean nested;
    /** The async loading this task runs inside, put away until it ends; null otherwise. */
    private final BusyState.Suspended outer;

    LongTaskRun(BusyState busy, Client owner, String rejection, EngineLoop loop, ClientOutputs outputs, Clock clock) {
        this.busy = busy;
        this.owner = owner;
        this.loop = loop;
        this.outputs = outputs;
        this.clock = clock;
        // A long task started inside another (a slow script in an AOF being loaded) serves the
        // sockets as that one does: clients keep getting its reply (-LOADING), as in Redis.
        // Inside async loading, which answers no one, it holds the engine as it would alone.
        this.outer = busy.asyncLoading() ? busy.suspend() : null;
        this.nested = busy.active();
        if (!nested) {
            busy.begin(owner, rejection);
            if (owner != null) {
                owner.set(Client.RUNNING_LONG_TASK);
            }
        }
        this.lastPollNanos = clock.nanos();
    }

    @Override
    public void poll() {
        long now = clock.nanos();
        if (now - lastPollNanos < POLL_INTERVAL_NANOS || closed) {
            return;
        }
        loop.serveWhileBusy();
        outputs.flush();
        lastPollNanos = clock.nanos();
    }

    @Override
    public boolean killRequested() {
        return busy.killRequested();
    }

    @Override
    public boolean stopRequested() {
        return busy.stopRequested() || loop.signalPending();
    }

    @Override
    public void sendToOwner() {
        if (owner != null && !closed) {
            outputs.sendNow(owner);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (nested) {
            return;
        }
        busy.end();
        if (owner != null) {
            owner.clear(Client.RUNNING_LONG_TASK);
        }
        if (outer != null) {
            busy.resume(outer);
        }
    }
}
