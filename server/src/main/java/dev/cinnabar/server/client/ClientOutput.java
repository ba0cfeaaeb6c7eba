package dev.cinnabar.server.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one client has been answered and not yet sent, for CLIENT LIST, the output buffer limits
 * and back-pressure; and Redis's reply-buffer sizing, which CLIENT LIST reports as {@code rbs}
 * and {@code rbp}.
 *
 * <p>Replies live in three places on their way out: the engine's buffer of the current batch,
 * in transit to the I/O thread, and Netty's outbound buffer while the socket does not take them.
 * Redis has them all in its own reply list, which is what its limits measure.
 */
public final class ClientOutput {
    /** Redis's fixed reply buffer starts at this size (PROTO_REPLY_CHUNK_BYTES)... */
    static final int REPLY_CHUNK = 16 * 1024;
    /** ...and its cron shrinks it down to no less than this (PROTO_REPLY_MIN_BYTES). */
    static final int REPLY_MIN = 1024;
    /** Bytes the engine handed to the transport that are not in the channel's buffer yet. */
    public final AtomicLong inTransit = new AtomicLong();
    /** Unix seconds since when the soft limit has been exceeded without a break; 0 when it is not. */
    public long softLimitSince;

    /** The engine's buffer for a batch starts at this size when the last batch was small. */
    static final int FIRST_BUFFER = 256;

    private int bufferSize = REPLY_CHUNK;
    private int bufferPeak = REPLY_CHUNK;
    /** The size of the last batch of replies, up to {@link #REPLY_CHUNK}: the next buffer's size. */
    private int lastBatch;
    private long peakResetMillis;

    ClientOutput(long createdMillis) {
        // Redis stamps the first reset in seconds and compares it with milliseconds, so the
        // first cron resets the peak at once; kept, since it decides what CLIENT LIST shows.
        this.peakResetMillis = createdMillis / 1000;
    }

    /**
     * What one node of Redis's reply list counts in {@code omem} and against the output limits:
     * a node holds at least PROTO_REPLY_CHUNK_BYTES, allocated with its 16-byte header through
     * jemalloc, whose size class for 16,400 bytes is 20,480, and Redis counts the usable size
     * less the header. Replies that overflow the fixed buffer fill such nodes one after another.
     */
    static final int REPLY_NODE_BYTES = 20_480 - 16;

    /** The unsent bytes of {@code pending} beyond the fixed buffer, where Redis's reply list holds them. */
    public long beyondBuffer(long pending) {
        return pending - Math.min(pending, bufferSize);
    }

    /** Nodes of Redis's reply list that would hold {@code beyondBuffer} bytes ({@code oll}). */
    public static long replyListNodes(long beyondBuffer) {
        return (beyondBuffer + REPLY_NODE_BYTES - 1) / REPLY_NODE_BYTES;
    }

    /**
     * What Redis's reply list would count for {@code beyondBuffer} bytes ({@code omem}, the
     * figure the output limits and {@code maxmemory-clients} measure): whole nodes. A single
     * reply larger than a node gets a node of its own size in Redis, rounded to jemalloc's next
     * size class (up to a quarter more); counting it in whole nodes here is within that.
     */
    public static long replyListBytes(long beyondBuffer) {
        return replyListNodes(beyondBuffer) * REPLY_NODE_BYTES;
    }

    /** Bytes queued on the connection: in transit plus what Netty holds unwritten. */
    public long transportPending(Channel channel) {
        long n = inTransit.get();
        if (channel != null) {
            ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
            if (out != null) {
                n += out.totalPendingWriteBytes();
            }
        }
        return n;
    }

    /** A batch of {@code bytes} of replies left for the connection; the fixed buffer took what fit. */
    public void wrote(long bytes) {
        lastBatch = (int) Math.min(bytes, REPLY_CHUNK);
        int inBuffer = (int) Math.min(bytes, bufferSize);
        if (inBuffer > bufferPeak) {
            bufferPeak = inBuffer;
        }
    }

    /**
     * The capacity to give the engine's next buffer of replies: the last batch's size rounded up
     * to a power of two, between {@link #FIRST_BUFFER} and {@link #REPLY_CHUNK}. The buffer
     * goes to the socket at each flush and a new one is taken for the next batch; one that
     * starts small and doubles as replies come copies them two or three times a batch under
     * pipelining or pub/sub fan-out, while the next batch is usually the size of the last.
     */
    public int nextBufferCapacity() {
        int n = lastBatch;
        return n <= FIRST_BUFFER ? FIRST_BUFFER : Math.min(REPLY_CHUNK, Integer.highestOneBit(n - 1) << 1);
    }

    /**
     * Redis's cron step for the reply buffer: shrink it to the recent peak when the peak used
     * less than half, grow it back (up to the chunk size) when a reply filled it, and start a
     * new peak window every {@link ReplyBufferSettings#peakResetMillis}. With resizing off
     * (DEBUG REPLYBUFFER RESIZING 0) nothing changes, the peak included.
     */
    public void cron(long nowMillis, ReplyBufferSettings settings) {
        if (!settings.resizing) {
            return;
        }
        if (bufferSize / 2 >= REPLY_MIN && bufferPeak < bufferSize / 2) {
            bufferSize = Math.max(REPLY_MIN, bufferPeak + 1);
        } else if (bufferSize * 2 < REPLY_CHUNK * 2 && bufferPeak == bufferSize) {
            bufferSize = Math.min(REPLY_CHUNK, bufferSize * 2);
        }
        if (settings.peakResetMillis >= 0 && nowMillis - peakResetMillis >= settings.peakResetMillis) {
            // Replies are sent by the time the cron runs, so the buffer holds nothing now.
            bufferPeak = 0;
            peakResetMillis = nowMillis;
        }
    }

    /** CLIENT LIST's {@code rbs}: the size of the fixed reply buffer. */
    public int bufferSize() {
        return bufferSize;
    }

    /** CLIENT LIST's {@code rbp}: the most of it used in the current window. */
    public int bufferPeak() {
        return bufferPeak;
    }
}
