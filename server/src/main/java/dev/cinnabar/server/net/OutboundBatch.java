package dev.cinnabar.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.Arrays;

/**
 * The replies for the clients of one I/O thread from one engine batch: written, then flushed
 * once per channel, on that I/O thread.
 */
final class OutboundBatch implements Runnable {
    private Channel[] channels = new Channel[8];
    private ByteBuf[] buffers = new ByteBuf[8];
    private boolean[] close = new boolean[8];
    private int size;

    void add(Channel ch, ByteBuf buf, boolean closeAfter) {
        if (size == channels.length) {
            channels = Arrays.copyOf(channels, size * 2);
            buffers = Arrays.copyOf(buffers, size * 2);
            close = Arrays.copyOf(close, size * 2);
        }
        channels[size] = ch;
        buffers[size] = buf;
        close[size] = closeAfter;
        size++;
    }

    boolean isEmpty() {
        return size == 0;
    }

    @Override
    public void run() {
        for (int i = 0; i < size; i++) {
            Channel ch = channels[i];
            ByteBuf buf = buffers[i];
            if (close[i]) {
                if (buf != null) {
                    ch.writeAndFlush(buf).addListener(ChannelFutureListener.CLOSE);
                } else {
                    ch.close();
                }
            } else {
                ch.writeAndFlush(buf, ch.voidPromise());
            }
        }
    }
}
