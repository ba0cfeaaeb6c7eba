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
 * The RDB as a replica or {@code redis-cli --rdb} gets it outside the diskless transfer: the
 * dump a BGSAVE wrote, sent as Redis's disk-based sync sends it ({@link #sendFile}), and the RDB
 * of the functions alone that {@code redis-cli --functions-rdb} asks for (REPLCONF rdb-only 1 and
 * rdb-filter-only functions), made at once without a save ({@link #functionsOnly}). The full sync
 * itself, which {@code redis-cli --rdb} goes through as any replica, is the replication package's.
 */
public final class RdbTransfer {
    private RdbTransfer() {
    }

    /**
     * SYNC or PSYNC from a client that asked for the functions alone: {@code +FULLRESYNC} (for
     * PSYNC), {@code $<length>\r\n} and an RDB of the libraries, then the connection is closed.
     */
    public static void functionsOnly(Client c, boolean psync, String replicationId) {
        // Redis writes nothing else to a replica: what it sends meanwhile gets no reply.
        c.replyOff = true;
        ServerLog.notice("Replica " + c.remoteAddress + " asks for synchronization");
        ServerLog.notice("Full resync requested by replica " + c.remoteAddress);
        byte[] rdb = Persistence.of(c.server).functionsOnly();
        String preamble = psync ? "+FULLRESYNC " + replicationId + " 0\r\n" : "";
        c.channel.write(Unpooled.wrappedBuffer(header(preamble, rdb.length)));
        c.channel.writeAndFlush(Unpooled.wrappedBuffer(rdb)).addListener(ChannelFutureListener.CLOSE);
        ServerLog.notice("Synchronization with replica " + c.remoteAddress + " succeeded");
    }

    /** {@code preamble} and the payload's bulk header, {@code $<size>\r\n}. */
    private static byte[] header(String preamble, long size) {
        return (preamble + "$" + size + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Sends the RDB at {@code dump} as a disk-based sync does: {@code preamble}, {@code $<length>\r\n}
     * and the file, as it is now even if a save replaces it meanwhile (the file goes out from the
     * kernel's page cache, sendfile, at the pace the client reads). Returns the transfer's future,
     * or null when the file could not be opened (logged as Redis logs it; the client is closed).
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
        if (c.channel.pipeline().get(TLS_HANDLER) != null) {
            try {
                return ChunkedTransfer.send(c.channel, TLS_HANDLER, file, size);
            } catch (IOException e) {
                closeQuietly(file);
                return c.channel.newFailedFuture(e);
            }
        }
        return c.channel.writeAndFlush(new DefaultFileRegion(file, 0, size));
    }

    /**
     * The pipeline name of a connection's TLS handler. Defined here, below the transport that
     * adds the handler (net.TlsContexts), so that a transfer can look for it.
     */
    public static final String TLS_HANDLER = "tls";

    private static void closeQuietly(FileChannel file) {
        try {
            file.close();
        } catch (IOException ignored) {
            // read-only: nothing is lost
        }
    }
}
