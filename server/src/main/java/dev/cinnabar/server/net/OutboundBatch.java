package dev.cinnabar.server.net;

import dev.cinnabar.server.client.Client;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.Arrays;

/**
 * The replies for the clients of one I/O thread from one engine batch: written, then flushed
 * once per channel, on that I/O thread.
 *
 * <p>The engine takes batches from {@link NettyTransport}'s pool and uses a batch again once its
 * I/O thread has run it ({@link #isDone}): a new batch per flush was about 65 bytes of garbage
 * a request at {@code -P 1}.
 */
final class OutboundBatch implements Runnable {
    private Client[] clients = new Client[8];
    private ByteBuf[] buffers = new ByteBuf[8];
    private boolean[] close = new boolean[8];
    private int size;
    /** Written by the I/O thread when it has sent everything and dropped its references. */
    private volatile boolean done = true;

    /** True when the batch is free to be filled again; on the engine thread. */
    boolean isDone() {
        return done;
    }

    /** The engine starts filling this batch. */
    void take() {
        done = false;
    }

    void add(Client c, ByteBuf buf, boolean closeAfter) {
        if (size == clients.length) {
            clients = Arrays.copyOf(clients, size * 2);
            buffers = Arrays.copyOf(buffers, size * 2);
            close = Arrays.copyOf(close, size * 2);
        }
        clients[size] = c;
        buffers[size] = buf;
        close[size] = closeAfter;
        size++;
    }

    boolean isEmpty() {
        return size == 0;
    }

    @Override
    public void run() {
        try {
            send();
        } finally {
            java.util.Arrays.fill(clients, 0, size, null);
            java.util.Arrays.fill(buffers, 0, size, null);
            size = 0;
            done = true;
        }
    }

    private void send() {
        for (int i = 0; i < size; i++) {
            Client c = clients[i];
            Channel ch = c.channel;
            ByteBuf buf = buffers[i];
            // Netty's outbound buffer counts these bytes from the write on.
            int n = buf == null ? 0 : buf.readableBytes();
            if (close[i]) {
                // Closing only once this write is done also waits for the writes before it (an
                // early flush of a long pipeline still queued for a slow reader): a plain close
                // would drop them.
                ch.writeAndFlush(buf != null ? buf : Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            } else {
                ch.writeAndFlush(buf, ch.voidPromise());
            }
            if (n != 0) {
                c.output.inTransit.addAndGet(-n);
            }
        }
    }
}
