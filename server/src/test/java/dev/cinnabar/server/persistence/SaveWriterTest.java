package dev.cinnabar.server.persistence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.persistence.rdb.RdbOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class SaveWriterTest {
    /** A file that takes its time, so that the queue fills and the saving thread compresses too. */
    private static final class SlowSink extends ByteArrayOutputStream {
        int writes;

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes++;
            LockSupport.parkNanos(2_000_000);
            super.write(b, off, len);
        }
    }

    private static List<RdbOutput.Chunk> chunks(int count) {
        Random r = new Random(5);
        RdbOutput deferring = RdbOutput.deferringCompression(true);
        List<RdbOutput.Chunk> out = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            for (int i = 0; i < 200; i++) {
                byte[] s = new byte[21 + r.nextInt(400)];
                for (int k = 0; k < s.length; k++) {
                    s[k] = (byte) (r.nextInt(3) == 0 ? r.nextInt(256) : 'a' + k % 7);
                }
                deferring.writeString(s);
                deferring.writeLength(i);
            }
            out.add(deferring.takeChunk());
        }
        return out;
    }

    @Test
    void chunksComeOutInOrderWhicheverThreadCompressedThem() {
        List<RdbOutput.Chunk> chunks = chunks(40);
        RdbOutput expected = new RdbOutput(true);
        for (RdbOutput.Chunk c : chunks) {
            expected.writeChunk(c);
        }
        SlowSink sink = new SlowSink();
        RdbOutput file = new RdbOutput(sink, true);
        SaveWriter writer = new SaveWriter(file, true);
        for (RdbOutput.Chunk c : chunks) {
            writer.put(c);
        }
        writer.finish();
        file.flush();
        assertArrayEquals(expected.toByteArray(), sink.toByteArray());
        assertEquals(expected.crc(), file.crc());
        assertTrue(sink.writes > 1);
        assertTrue(writer.compressedBySaver > 0, "the saving thread compressed no chunk");
    }

    @Test
    void aWriteErrorReachesTheSavingThread() {
        OutputStream failing = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        RdbOutput file = new RdbOutput(failing, true);
        SaveWriter writer = new SaveWriter(file, true);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> {
            for (RdbOutput.Chunk c : chunks(40)) {
                writer.put(c);
            }
            writer.finish();
        });
        assertEquals("No space left on device", e.getCause().getMessage());
    }
}
