package dev.cinnabar.server.persistence;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.log.ServerLog;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.DefaultFileRegion;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * SYNC and PSYNC for a client that asked for the RDB alone (REPLCONF rdb-only 1), as
 * {@code redis-cli --rdb} does to take a backup: a BGSAVE (or the next one, when one is already
 * running), then the file as Redis's disk-based transfer sends it, {@code $<length>\r\n} and the
 * bytes ({@code +FULLRESYNC <replid> <offset>} first for PSYNC), then the connection is closed.
 * With rdb-filter-only functions ({@code redis-cli --functions-rdb}) the RDB holds the functions
 * alone and is made at once, without a save.
 * The file goes out from the kernel's page cache (sendfile) at the pace the client reads, and
 * from the file as it was when the save ended, even if a later save replaces it.
 */
public final class RdbTransfer {
    /** How often a client waiting for a save that cannot start yet (an AOF rewrite runs) tries again. */
    private static final long RETRY_NANOS = 100_000_000L;

    private RdbTransfer() {
    }

    /** Starts the transfer; nothing more is answered to the client until the payload. */
    public static void start(Client c, boolean psync, String replicationId) {
        // Redis writes nothing else to a replica: what it sends meanwhile gets no reply.
        c.replyOff = true;
        ServerLog.notice("Replica " + c.remoteAddress + " asks for synchronization");
        ServerLog.notice("Full resync requested by replica " + c.remoteAddress);
        if (c.functionsOnly) {
            byte[] rdb = Persistence.of(c.server).functionsOnly();
            c.channel.write(Unpooled.wrappedBuffer(header(preamble(psync, replicationId), rdb.length)));
            c.channel.writeAndFlush(Unpooled.wrappedBuffer(rdb)).addListener(ChannelFutureListener.CLOSE);
            ServerLog.notice("Synchronization with replica " + c.remoteAddress + " succeeded");
            return;
        }
        begin(c, psync, replicationId);
    }

    /** What PSYNC is answered before the payload (SYNC gets nothing). */
    private static String preamble(boolean psync, String replicationId) {
        return psync ? "+FULLRESYNC " + replicationId + " 0\r\n" : "";
    }

    /** {@code preamble} and the payload's bulk header, {@code $<size>\r\n}. */
    private static byte[] header(String preamble, long size) {
        return (preamble + "$" + size + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static void begin(Client c, boolean psync, String replicationId) {
        if (c.isClosed()) {
            return;
        }
        Persistence p = Persistence.of(c.server);
        if (p.bgsaveInProgress()) {
            // Redis cannot attach a client to a save it did not start for replicas: the next one.
            p.whenBackgroundDone(outcome -> begin(c, psync, replicationId));
            return;
        }
        if (p.otherChild.getAsBoolean()) {
            p.later(() -> begin(c, psync, replicationId), RETRY_NANOS);
            return;
        }
        ServerLog.notice("Starting BGSAVE for SYNC with target: disk");
        p.startBackground();
        p.whenBackgroundDone(error -> send(c, p.dumpPath(), psync, replicationId, error));
    }

    private static void send(Client c, Path dump, boolean psync, String replicationId, String error) {
        if (c.isClosed()) {
            return;
        }
        if (error != null) {
            ServerLog.warning("SYNC failed. BGSAVE child returned an error");
            c.server.control().kill(c);
            return;
        }
        ChannelFuture sent = sendFile(c, dump, preamble(psync, replicationId));
        if (sent != null) {
            sent.addListener(ChannelFutureListener.CLOSE);
            ServerLog.notice("Synchronization with replica " + c.remoteAddress + " succeeded");
        }
    }

    /**
     * Sends the RDB at {@code dump} as a disk-based sync does: {@code preamble}, {@code $<length>\r\n}
     * and the file, as it is now even if a save replaces it meanwhile. Returns the transfer's
     * future, or null when the file could not be opened (logged as Redis logs it; the client is
     * closed).
     */
    public static ChannelFuture sendFile(Client c, Path dump, String preamble) {
        FileChannel file;
        long size;
        try {
            file = FileChannel.open(dump, StandardOpenOption.READ);
            size = file.size();
        } catch (IOException e) {
            ServerLog.warning("SYNC failed. Can't open/stat DB after BGSAVE: " + e.getMessage());
            c.server.control().kill(c);
            return null;
        }
        c.channel.write(Unpooled.wrappedBuffer(header(preamble, size)));
        c.server.stats().netReplOutputBytes += size;
        return c.channel.writeAndFlush(new DefaultFileRegion(file, 0, size));
    }
}
