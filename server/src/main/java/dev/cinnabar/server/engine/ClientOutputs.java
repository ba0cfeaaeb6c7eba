package dev.cinnabar.server.engine;

import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ClientListFormat;
import dev.cinnabar.server.client.OutputLimits;
import dev.cinnabar.server.client.ReplicaLink;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.persistence.AppendOnlyFile;
import dev.cinnabar.server.replication.Replication;
import dev.cinnabar.server.stats.ServerStats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The way out: every client's replies go into its output buffer, and the clients that got any
 * are flushed once per batch through the transport ({@link ReplyFlusher}). Here too are the
 * output-buffer limits, checked as the replies grow and at each flush, and the one place a
 * client ends: {@link #free}.
 */
final class ClientOutputs {
    /** Replies a client may pile up between commands before they are sent without waiting for the batch end. */
    private static final int EARLY_FLUSH_BYTES = 1024 * 1024;

    private final ServerContext server;
    private final ServerConfig config;
    private final ServerStats stats;
    private final ArrayList<Client> flushList = new ArrayList<>();
    private final List<Client> earlyFlush = Arrays.asList(new Client[1]);
    private final ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
    private ReplyFlusher flusher;

    ClientOutputs(ServerContext server) {
        this.server = server;
        this.config = server.config();
        this.stats = server.stats();
    }

    void flusher(ReplyFlusher flusher) {
        this.flusher = flusher;
    }

    /**
     * The reply writer of {@code c}, with an output buffer ready and the client queued for the
     * end-of-batch flush. Any code that replies to a client other than the one whose command is
     * running (MONITOR, pub/sub, unblocking) goes through here.
     */
    ReplyWriter output(Client c) {
        if (c.reply.buffer() == null) {
            c.reply.buffer(allocator.ioBuffer(c.output.nextBufferCapacity()));
        }
        if (!c.pendingFlush) {
            c.pendingFlush = true;
            flushList.add(c);
        }
        return c.reply;
    }

    /**
     * Watches {@code c}'s replies as they grow, when its class has output limits: a reply that
     * takes the client past its hard limit stops being built there (KEYS over a big keyspace),
     * and the client is closed once the command is over, as Redis closes it "ASAP".
     */
    void watchLimits(Client c) {
        if (c.channel != null) {
            c.reply.limit(bytes -> limitCheckpoint(c, bytes));
        }
    }

    /** The next buffer size at which to look at {@code c}'s limits again, or -1 to stop its replies. */
    private long limitCheckpoint(Client c, long buffered) {
        long[] limit = config.clientOutputBufferLimits[OutputLimits.limitClass(c)];
        if (limit[0] == 0 && limit[1] == 0) {
            return buffered + EARLY_FLUSH_BYTES; // none now; CONFIG SET may add one
        }
        long pending = buffered + c.output.transportPending(c.channel);
        if (OutputLimits.exceeded(config, c, OutputLimits.measured(c, pending), server.clock())) {
            logOverLimit(c, pending, true);
            c.set(Client.CLOSE_ASAP);
            return -1;
        }
        // Looked at again every 64 KB: the hard limit is never overshot by more than that.
        return buffered + 64 * 1024;
    }

    /**
     * {@code client-output-buffer-limit}: closes the client, dropping its unsent replies, when
     * they passed a limit; with Redis's log line. {@code async} picks Redis's wording for a
     * check made as replies are added (the client is closed "ASAP") rather than by the cron.
     */
    boolean closeIfOverOutputLimit(Client c, boolean async) {
        if (c.channel == null || c.isClosed()) {
            return false;
        }
        if (c.has(Client.CLOSE_ASAP)) {
            free(c, true);
            return true;
        }
        long[] limit = config.clientOutputBufferLimits[OutputLimits.limitClass(c)];
        if (limit[0] == 0 && limit[1] == 0) {
            return false;
        }
        long pending = ClientListFormat.pendingOutput(c);
        long measured = OutputLimits.measured(c, pending);
        if (!OutputLimits.exceeded(config, c, measured, server.clock())) {
            return false;
        }
        logOverLimit(c, pending, async);
        free(c, true);
        return true;
    }

    private void logOverLimit(Client c, long pending, boolean async) {
        StringBuilder info = new StringBuilder();
        ClientListFormat.append(info, c, server.clock().millis(), pending, false);
        ServerLog.warning("Client " + info + (async ? " scheduled to be closed ASAP" : " closed")
                + " for overcoming of output buffer limits.");
    }

    /**
     * Hands a client's replies to the transport before the batch ends once they pass
     * {@link #EARLY_FLUSH_BYTES}: a deep pipeline then streams out while it runs instead of
     * piling up into one giant buffer. Returns how many bytes it handed over.
     */
    long flushEarlyIfLarge(Client c) {
        ByteBuf out = c.reply.buffer();
        if (out != null && out.readableBytes() >= EARLY_FLUSH_BYTES && flusher != null && c.channel != null
                && !c.isClosed() && appendOnlyWritten(c)) {
            long n = out.readableBytes();
            counted(c, n);
            earlyFlush.set(0, c);
            flusher.flush(earlyFlush);
            output(c); // a fresh buffer for the commands still to run
            return n;
        }
        return 0;
    }

    private void counted(Client c, long bytes) {
        if (ReplicaLink.isReplica(c)) {
            stats.netReplOutputBytes += bytes;
        } else {
            stats.netOutputBytes += bytes;
        }
        stats.writesProcessed++;
        c.output.wrote(bytes);
    }

    /**
     * Sends what the clients were answered since the last flush. The client running a long task
     * keeps its half-written reply until the task is over; clients asked to close after their
     * reply are freed once it is handed over.
     */
    void flush() {
        // The AOF first: under appendfsync always no reply leaves before its write is on disk.
        AppendOnlyFile aof = AppendOnlyFile.of(server);
        aof.flush(false);
        Replication.of(server).feed(); // into the replicas' output buffers, sent with this batch
        if (flushList.isEmpty()) {
            return;
        }
        long now = server.clock().millis();
        Client held = null;
        boolean holding = false;
        if (aof.takeFailedWithNewData()) {
            for (int i = 0; i < flushList.size(); i++) {
                aof.hold(flushList.get(i));
            }
        }
        if (aof.holding()) {
            holding = true;
        }
        List<Client> aofHeld = holding ? new ArrayList<>() : null;
        int n = 0;
        for (int i = 0; i < flushList.size(); i++) {
            Client c = flushList.get(i);
            if (c.has(Client.RUNNING_LONG_TASK)) {
                held = c;
                continue;
            }
            if (holding && aof.holds(c)) {
                aofHeld.add(c); // its replies wait for the AOF (appendfsync always, a write failed)
                continue;
            }
            flushList.set(n++, c);
            c.pendingFlush = false;
            if (closeIfOverOutputLimit(c, true)) {
                continue;
            }
            ByteBuf out = c.reply.buffer();
            if (out != null && out.isReadable()) {
                counted(c, out.readableBytes());
                // Redis counts a write as an interaction too (a MONITOR client is never idle).
                c.lastInteractionMillis = now;
            }
        }
        flushList.subList(n, flushList.size()).clear();
        if (flusher != null) {
            flusher.flush(flushList);
        }
        for (int i = 0; i < flushList.size(); i++) { // indexed: no iterator per flush
            Client c = flushList.get(i);
            if (c.has(Client.CLOSE_AFTER_REPLY) && flusher != null) {
                // The transport closes the connection once the last reply is written.
                free(c, false);
            }
        }
        flushList.clear();
        if (held != null) {
            flushList.add(held);
        }
        if (aofHeld != null) {
            flushList.addAll(aofHeld);
        }
    }

    /**
     * Hands {@code c}'s output to the transport now, even while its own command runs (see
     * {@link dev.cinnabar.server.client.LongTask#sendToOwner}).
     */
    void sendNow(Client c) {
        ByteBuf out = c.reply.buffer();
        if (flusher == null || c.isClosing() || out == null || !out.isReadable()) {
            return;
        }
        counted(c, out.readableBytes());
        c.lastInteractionMillis = server.clock().millis();
        flusher.flush(List.of(c));
        // The transport took the buffer: the command goes on writing into a new one.
        output(c);
    }

    /** Before replies leave early: the AOF is written first, and a client held by it waits. */
    private boolean appendOnlyWritten(Client c) {
        AppendOnlyFile aof = AppendOnlyFile.of(server);
        aof.flush(false);
        if (aof.takeFailedWithNewData()) {
            for (int i = 0; i < flushList.size(); i++) {
                aof.hold(flushList.get(i));
            }
            aof.hold(c);
        }
        return !aof.holds(c);
    }

    /**
     * The one place a client ends, Redis's freeClient: it leaves the registry (and with it the
     * monitors, the pause and whatever else keeps clients) and its buffers are given back, with
     * any reply not yet handed to the transport. {@code closeConnection}: close the connection
     * now; not when it is gone already, or when the transport closes it after the last reply.
     */
    void free(Client c, boolean closeConnection) {
        if (c.isClosed()) {
            return;
        }
        server.clients().remove(c);
        server.memory().clientGone();
        if (closeConnection && flusher != null) {
            flusher.close(c);
        }
    }
}
