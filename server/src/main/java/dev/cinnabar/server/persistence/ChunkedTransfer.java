package dev.cinnabar.server.persistence;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A file sent through a connection whose TLS handler must see the bytes to encrypt them, which
 * sendfile cannot give it: read a piece at a time as the connection drains. Netty's chunked
 * writer holds whatever is written after the file (the replication stream that follows a dump)
 * until the file is out, as the socket's queue does for a sendfile. Its own class so that the
 * chunked writer loads only when TLS is in use.
 */
final class ChunkedTransfer {
    private static final String HANDLER_NAME = "chunked";
    private static final int CHUNK = 64 * 1024;

    private ChunkedTransfer() {
    }

    /** Writes {@code size} bytes of {@code file} after what {@code ch} has been given so far, then closes it. */
    static ChannelFuture send(Channel ch, String tlsHandler, FileChannel file, long size) throws IOException {
        ChannelPipeline p = ch.pipeline();
        if (p.get(HANDLER_NAME) == null) {
            p.addAfter(tlsHandler, HANDLER_NAME, new ChunkedWriteHandler());
        }
        return ch.writeAndFlush(new ChunkedNioFile(file, 0, size, CHUNK));
    }
}
