package dev.cinnabar.server.persistence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.persistence.rdb.RdbOutput;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DisklessTransferTest {
    private static final String MARK = "0123456789abcdef0123456789abcdef01234567";

    /** Everything written to {@code ch} so far. */
    private static byte[] received(EmbeddedChannel ch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            out.writeBytes(bytes);
            b.release();
        }
        return out.toByteArray();
    }

    /**
     * A channel that keeps a copy of what is written, as a socket's transport copies a heap
     * buffer before the write completes: the transfer reuses its arrays once they are written.
     */
    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ByteBuf b = (ByteBuf) msg;
                ByteBuf copy = b.copy();
                b.release();
                ctx.write(copy, promise);
            }
        });
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void everyReplicaGetsThePayloadBetweenTheMarks() throws Exception {
        EmbeddedChannel a = channel();
        EmbeddedChannel b = channel();
        DisklessTransfer t = new DisklessTransfer(List.of(a, b), MARK, false, () -> false);
        // Several chunks' worth, so that the window of writes in flight turns over.
        byte[] body = random(DisklessTransfer.CHUNK * (DisklessTransfer.WINDOW + 3) + 123);
        RdbOutput out = t.out();
        out.writeBytes(body);
        t.finish(true);

        byte[] header = ("$EOF:" + MARK + "\r\n").getBytes(StandardCharsets.US_ASCII);
        for (EmbeddedChannel ch : List.of(a, b)) {
            byte[] got = received(ch);
            assertArrayEquals(header, Arrays.copyOf(got, header.length));
            byte[] mark = Arrays.copyOfRange(got, got.length - MARK.length(), got.length);
            assertArrayEquals(MARK.getBytes(StandardCharsets.US_ASCII), mark);
            byte[] rdb = Arrays.copyOfRange(got, header.length, got.length - MARK.length());
            // The body, then the EOF opcode and the 8-byte checksum RdbFileWriter.end adds.
            assertEquals(body.length + 9, rdb.length);
            assertArrayEquals(body, Arrays.copyOf(rdb, body.length));
            assertEquals((byte) 0xFF, rdb[body.length]);
        }
        assertEquals(2L * (header.length + body.length + 9 + MARK.length()), t.sent());
    }

    @Test
    void aReplicaThatGoesIsDroppedAndTheOthersGoOn() throws Exception {
        EmbeddedChannel a = channel();
        EmbeddedChannel gone = channel();
        gone.close();
        DisklessTransfer t = new DisklessTransfer(List.of(a, gone), MARK, false, () -> false);
        byte[] body = random(DisklessTransfer.CHUNK * (DisklessTransfer.WINDOW + 2));
        t.out().writeBytes(body);
        t.finish(false);
        byte[] got = received(a);
        assertEquals(7 + MARK.length() + body.length + 9 + MARK.length(), got.length);
    }

    @Test
    void theTransferFailsWhenNoReplicaIsLeft() {
        EmbeddedChannel a = channel();
        a.close();
        DisklessTransfer t = new DisklessTransfer(List.of(a), MARK, false, () -> false);
        byte[] body = random(DisklessTransfer.CHUNK * (DisklessTransfer.WINDOW + 2));
        // The first writes fail quietly; the next one finds nobody to send to.
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> {
            t.out().writeBytes(body);
            t.out().flush();
        });
        assertEquals("Diskless rdb transfer, last replica dropped, killing fork child.", t.failure(e));
        assertTrue(e.getCause() instanceof DisklessTransfer.NoReplicaLeft);
    }
}
