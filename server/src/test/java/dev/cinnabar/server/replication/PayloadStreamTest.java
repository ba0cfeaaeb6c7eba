package dev.cinnabar.server.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PayloadStreamTest {
    private static ByteBuf bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i);
        }
        return Unpooled.wrappedBuffer(b);
    }

    @Test
    void readsWhatWasOfferedInOrderThenTheEnd() throws IOException {
        PayloadStream s = new PayloadStream(() -> { }, 1000);
        ByteBuf a = bytes(10, 0);
        assertFalse(s.offer(a, 2, 5));
        s.offer(bytes(3, 100), 0, 3);
        s.end();
        byte[] got = s.readAllBytes();
        assertArrayEquals(new byte[] {2, 3, 4, 5, 6, 100, 101, 102}, got);
        assertEquals(-1, s.read());
    }

    @Test
    void theConnectionPausesPastHighAndResumesBelowLow() throws IOException {
        AtomicInteger resumed = new AtomicInteger();
        PayloadStream s = new PayloadStream(resumed::incrementAndGet, 1000);
        int chunk = 1 << 20;
        boolean paused = false;
        int offered = 0;
        while (!paused) {
            paused = s.offer(bytes(chunk, offered), 0, chunk);
            offered++;
        }
        assertEquals(5, offered, "paused once more than 4 MB wait");
        byte[] buf = new byte[chunk];
        // Resumed once below 1 MB, not before.
        for (int i = 0; i < 4; i++) {
            assertEquals(chunk, s.read(buf, 0, chunk));
            assertEquals(0, resumed.get(), "1 MB or more still waits");
        }
        assertEquals(chunk, s.read(buf, 0, chunk));
        assertEquals(1, resumed.get());
        assertFalse(s.offer(bytes(chunk, 9), 0, chunk), "reading goes on");
        assertEquals(chunk, s.read(buf, 0, chunk));
        assertEquals(1, resumed.get(), "once per pause");
    }

    @Test
    void aFailureOrASilentMasterEndsTheRead() {
        PayloadStream failed = new PayloadStream(() -> { }, 1000);
        failed.fail(new IOException("Connection lost"));
        assertEquals("Connection lost", assertThrows(IOException.class, failed::read).getMessage());

        PayloadStream silent = new PayloadStream(() -> { }, 50);
        long start = System.nanoTime();
        IOException e = assertThrows(IOException.class, silent::read);
        assertTrue(e.getMessage().startsWith("Timeout"), e.getMessage());
        assertTrue(System.nanoTime() - start >= 45_000_000L);
    }
}
