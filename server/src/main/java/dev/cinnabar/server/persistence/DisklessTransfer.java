package dev.cinnabar.server.persistence;

import dev.cinnabar.persistence.rdb.RdbFileWriter;
import dev.cinnabar.persistence.rdb.RdbOutput;
import dev.cinnabar.server.log.ServerLog;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Where a diskless full sync's RDB goes (Redis's rdbSaveToSlavesSockets): straight to the
 * replicas' connections, written by the save's writer thread, framed as Redis frames a payload
 * of unknown length: {@code $EOF:<mark>\r\n}, the RDB, the same 40-character mark.
 *
 * <p>Every replica gets every byte, so the slowest one sets the pace: at most {@link #WINDOW}
 * chunks are on their way to any connection, and the writer waits for the oldest before it
 * sends another, which in turn holds back the snapshot (its queue fills and the engine stops
 * encoding). A replica that goes away is dropped from the transfer and the others go on; when the
 * last one is gone the save fails, as Redis kills its child then. How long a replica has kept the
 * writer waiting is what the cron's full-sync timeout looks at ({@link #stalledSinceMillis}).
 */
final class DisklessTransfer implements SaveTarget {
    /**
     * Bytes per write to the connections, and how many such writes may be on their way before
     * the writer waits for the oldest: 2 MB in flight, shared by the replicas (they are sent the
     * same arrays). With 4 writes of 64 KB a sync of 632k keys took 2.2 s where this takes
     * 1.8-2.3 s; more in flight did no better (bench/RESULTS.md, 2026-12-07).
     */
    static final int CHUNK = 256 * 1024;
    static final int WINDOW = 8;
    /** How often a wait looks whether the save was cancelled meanwhile. */
    private static final long POLL_MILLIS = 100;

    private record InFlight(byte[] bytes, ChannelFuture[] sent) {
    }

    /** Thrown into the save when no replica is left to send to. */
    static final class NoReplicaLeft extends IOException {
        NoReplicaLeft() {
            super("Diskless rdb transfer, last replica dropped, killing fork child.", null);
        }
    }

    private final Channel[] channels;
    /** Per connection: when the writer began waiting for it, 0 while it keeps up (engine reads it). */
    private final long[] stalledSince;
    private final boolean[] dropped;
    private final byte[] mark;
    private final BooleanSupplier cancelled;
    private final RdbOutput out;
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
    private byte[] buf = new byte[CHUNK];
    private int n;
    private long sent;

    DisklessTransfer(List<Channel> channels, String mark, boolean compression, BooleanSupplier cancelled) {
        this.channels = channels.toArray(new Channel[0]);
        this.stalledSince = new long[this.channels.length];
        this.dropped = new boolean[this.channels.length];
        this.mark = mark.getBytes(StandardCharsets.US_ASCII);
        this.cancelled = cancelled;
        byte[] header = ("$EOF:" + mark + "\r\n").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(header, 0, buf, 0, header.length);
        n = header.length;
        this.out = new RdbOutput(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                DisklessTransfer.this.write(b, off, len);
            }
        }, compression);
    }

    @Override
    public RdbOutput out() {
        return out;
    }

    @Override
    public void finish(boolean checksum) throws SnapshotFile.SaveError {
        try {
            RdbFileWriter.end(out, checksum);
            end();
        } catch (IOException | UncheckedIOException e) {
            throw new SnapshotFile.SaveError(failure(e));
        }
    }

    @Override
    public void abandon() {
        // Nothing to delete: what was sent is the replicas' to drop when their connection goes.
    }

    @Override
    public String failure(Exception e) {
        Throwable why = e instanceof UncheckedIOException u ? u.getCause() : e;
        return why instanceof NoReplicaLeft ? why.getMessage() : "Diskless rdb transfer error: " + why.getMessage();
    }

    private void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (n == buf.length) {
                send();
            }
            int k = Math.min(len, buf.length - n);
            System.arraycopy(b, off, buf, n, k);
            n += k;
            off += k;
            len -= k;
        }
    }

    /** The RDB is written: the closing mark, then waits until every replica has read everything. */
    private void end() throws IOException {
        write(mark, 0, mark.length);
        send();
        while (!inFlight.isEmpty()) {
            awaitOldest();
        }
        int up = 0;
        for (boolean d : dropped) {
            up += d ? 0 : 1;
        }
        ServerLog.warning("Diskless rdb transfer, done reading from pipe, " + up + " replicas still up.");
        if (up == 0) {
            throw new NoReplicaLeft();
        }
    }

    /** Bytes handed to the connections so far (INFO's total_net_repl_output_bytes counts them per replica). */
    long sent() {
        return sent;
    }

    /**
     * Since when (epoch milliseconds) the transfer has waited for {@code channel}'s connection to
     * take more, or 0 when it has not (Redis's repl_last_partial_write).
     */
    long stalledSinceMillis(Channel channel) {
        for (int i = 0; i < channels.length; i++) {
            if (channels[i] == channel) {
                synchronized (stalledSince) {
                    return stalledSince[i];
                }
            }
        }
        return 0;
    }

    private void send() throws IOException {
        if (n == 0) {
            return;
        }
        if (inFlight.size() >= WINDOW) {
            awaitOldest();
        }
        ChannelFuture[] futures = new ChannelFuture[channels.length];
        int up = 0;
        for (int i = 0; i < channels.length; i++) {
            if (!dropped[i]) {
                futures[i] = channels[i].writeAndFlush(Unpooled.wrappedBuffer(buf, 0, n));
                up++;
            }
        }
        if (up == 0) {
            throw new NoReplicaLeft();
        }
        sent += (long) n * up;
        inFlight.add(new InFlight(buf, futures));
        buf = spare.isEmpty() ? new byte[CHUNK] : spare.poll();
        n = 0;
    }

    /** Waits until every connection has taken the oldest chunk in flight (or is gone), then recycles it. */
    private void awaitOldest() throws IOException {
        InFlight oldest = inFlight.poll();
        ChannelFuture[] futures = oldest.sent();
        for (int i = 0; i < futures.length; i++) {
            ChannelFuture f = futures[i];
            if (f == null) {
                continue;
            }
            if (!f.isDone()) {
                synchronized (stalledSince) {
                    stalledSince[i] = System.currentTimeMillis();
                }
                while (!f.awaitUninterruptibly(POLL_MILLIS)) {
                    if (cancelled.getAsBoolean()) {
                        throw new IOException("cancelled");
                    }
                }
                synchronized (stalledSince) {
                    stalledSince[i] = 0;
                }
            }
            if (!f.isSuccess() && !dropped[i]) {
                dropped[i] = true;
                Throwable why = f.cause();
                ServerLog.warning("Diskless rdb transfer, write error sending DB to replica: "
                        + (why == null || why.getMessage() == null ? "Connection closed" : why.getMessage()));
            }
        }
        spare.add(oldest.bytes());
    }
}
