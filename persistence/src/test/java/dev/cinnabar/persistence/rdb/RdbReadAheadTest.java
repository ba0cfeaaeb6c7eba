package dev.cinnabar.persistence.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RdbReadAheadTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A stream that reads in blocks only; the single-byte read goes through them. */
    private abstract static class BlockStream extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }
    }

    /** A dump of {@code keys} string keys over two databases, with progress every 4 KB. */
    private static byte[] many(int keys) {
        RdbOutput out = new RdbOutput(true);
        RdbFileWriter.header(out, new RdbFileWriter.Aux());
        for (int db = 0; db < 2; db++) {
            RdbFileWriter.selectDb(out, db, keys / 2, 0);
            for (int i = 0; i < keys / 2; i++) {
                RdbFileWriter.keyValue(out, b("k" + db + ":" + i), 0, ("k" + db + ":" + i).length(),
                        b("value-" + i + "x".repeat(i % 50)), i % 7 == 0 ? 1700000000000L + i : RdbFileWriter.NONE,
                        RdbFileWriter.NONE, -1);
            }
        }
        RdbFileWriter.end(out, true);
        return out.toByteArray();
    }

    private static List<String> direct(byte[] file) throws RdbFileException {
        RdbFileTest.Recorder r = new RdbFileTest.Recorder();
        new RdbFileReader(new RdbInput(new ByteArrayInputStream(file)), RdbLoadSettings.DEFAULTS, r, true, 4096).read();
        return r.events;
    }

    private static List<String> ahead(byte[] file, RdbFileTest.Recorder r) throws RdbFileException {
        boolean disabled = RdbReadAhead.read(new RdbInput(new ByteArrayInputStream(file)), RdbLoadSettings.DEFAULTS, r,
                true, 4096, () -> { });
        r.events.add("checksum disabled " + disabled);
        return r.events;
    }

    @Test
    void theHandlerSeesWhatADirectReadReports() throws Exception {
        for (byte[] file : List.of(RdbFileTest.sample(true), RdbFileTest.sample(false), many(20_000))) {
            List<String> expected = new ArrayList<>(direct(file));
            expected.add("checksum disabled " + (file[file.length - 1] == 0 && file[file.length - 2] == 0));
            assertEquals(expected, ahead(file, new RdbFileTest.Recorder()));
        }
    }

    @Test
    void anErrorComesAfterTheKeysBeforeIt() {
        byte[] good = many(2_000);
        for (int cut : new int[] {20, good.length / 3, good.length - 5}) {
            byte[] shortFile = Arrays.copyOf(good, cut);
            RdbFileTest.Recorder direct = new RdbFileTest.Recorder();
            RdbFileException d = assertThrows(RdbFileException.class, () -> new RdbFileReader(
                    new RdbInput(new ByteArrayInputStream(shortFile)), RdbLoadSettings.DEFAULTS, direct, true, 4096).read());
            RdbFileTest.Recorder r = new RdbFileTest.Recorder();
            RdbFileException a = assertThrows(RdbFileException.class, () -> ahead(shortFile, r));
            assertEquals(d.kind(), a.kind());
            assertEquals(d.getMessage(), a.getMessage());
            assertEquals(direct.events, r.events, "cut at " + cut);
        }
    }

    /** The consumer gives up (SHUTDOWN while loading): the reader thread ends and the exception goes through. */
    @Test
    void aConsumerThatStopsStopsTheReader() {
        byte[] file = many(50_000);
        RuntimeException stop = new IllegalStateException("stop");
        AtomicInteger seen = new AtomicInteger();
        RdbFileTest.Recorder r = new RdbFileTest.Recorder() {
            @Override
            public void key(byte[] key, Object value, long expireAt, long idle, int freq) {
                if (seen.incrementAndGet() == 1000) {
                    throw stop;
                }
            }
        };
        int before = readerThreads();
        RuntimeException e = assertThrows(RuntimeException.class, () -> ahead(file, r));
        assertSame(stop, e);
        assertEquals(before, readerThreads(), "the reader thread has ended");
    }

    /**
     * The stream stalls (a replica's diskless load whose bytes only the consumer's thread would
     * bring in) and the consumer stops while it waits: the reader is woken, not left to wait for
     * the stream's timeout before the consumer can go on.
     */
    @Test
    void aConsumerThatStopsWhileTheStreamStallsIsNotHeldByTheReader() {
        byte[] file = many(2_000);
        InputStream stalling = new BlockStream() {
            private int pos;

            @Override
            public synchronized int read(byte[] b, int off, int len) throws IOException {
                if (pos >= file.length / 2) {
                    try {
                        wait(60_000); // as PayloadStream waits for repl-timeout
                    } catch (InterruptedException e) {
                        throw new IOException("interrupted");
                    }
                    throw new IOException("timed out");
                }
                int n = Math.min(len, file.length / 2 - pos);
                System.arraycopy(file, pos, b, off, n);
                pos += n;
                return n;
            }
        };
        RuntimeException stop = new IllegalStateException("stop");
        AtomicInteger waits = new AtomicInteger();
        long start = System.nanoTime();
        RuntimeException e = assertThrows(RuntimeException.class, () -> RdbReadAhead.read(new RdbInput(stalling),
                RdbLoadSettings.DEFAULTS, new RdbFileTest.Recorder(), true, 1 << 20, () -> {
                    if (waits.incrementAndGet() == 20) {
                        throw stop;
                    }
                }));
        assertSame(stop, e);
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "the stop waited for the stream");
    }

    /**
     * The stream stalls after a few keys (a master that sends slowly): the keys read before the
     * stall reach the consumer while it lasts, not 256 keys later.
     */
    @Test
    void keysReadBeforeAStallReachTheConsumerDuringIt() throws Exception {
        byte[] file = many(2_000);
        int stallAt = file.length / 10;
        Object released = new Object();
        boolean[] open = {false};
        InputStream stalling = new BlockStream() {
            private int pos;

            @Override
            public int available() {
                synchronized (released) {
                    return open[0] ? file.length - pos : Math.max(0, stallAt - pos);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                synchronized (released) {
                    while (!open[0] && pos >= stallAt) {
                        try {
                            released.wait();
                        } catch (InterruptedException e) {
                            throw new IOException("interrupted");
                        }
                    }
                    int limit = open[0] ? file.length : stallAt;
                    if (pos >= file.length) {
                        return -1;
                    }
                    int n = Math.min(len, limit - pos);
                    System.arraycopy(file, pos, b, off, n);
                    pos += n;
                    return n;
                }
            }
        };
        RdbFileTest.Recorder r = new RdbFileTest.Recorder();
        int[] keysDuringStall = {-1};
        long deadline = System.nanoTime() + 5_000_000_000L;
        RdbReadAhead.read(new RdbInput(stalling), RdbLoadSettings.DEFAULTS, r, true, 1 << 30, () -> {
            synchronized (released) {
                long keys = r.events.stream().filter(e -> e.startsWith("key ")).count();
                if (!open[0] && (keys > 0 || System.nanoTime() > deadline)) {
                    keysDuringStall[0] = (int) keys;
                    open[0] = true;
                    released.notifyAll();
                }
            }
        });
        assertTrue(keysDuringStall[0] > 0, "no key reached the consumer while the stream stalled");
        assertEquals(direct(file), r.events);
    }

    /**
     * A slow consumer holds a bounded amount: the reader waits instead of decoding the whole
     * file ahead. Counted in bytes the reader has taken from the stream.
     */
    @Test
    void theReaderRunsOnlyABoundedWayAhead() throws Exception {
        byte[] file = many(200_000);
        AtomicInteger consumedBytes = new AtomicInteger();
        CountingStream in = new CountingStream(new ByteArrayInputStream(file));
        List<Integer> leads = new ArrayList<>();
        RdbFileTest.Recorder r = new RdbFileTest.Recorder() {
            int keys;

            @Override
            public void key(byte[] key, Object value, long expireAt, long idle, int freq) {
                if (++keys % 1000 == 0) {
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    leads.add(in.read - consumedBytes.get());
                }
            }

            @Override
            public void progress(long bytesRead) {
                consumedBytes.set((int) bytesRead);
            }
        };
        AtomicInteger waits = new AtomicInteger();
        RdbReadAhead.read(new RdbInput(in), RdbLoadSettings.DEFAULTS, r, true, 4096, waits::incrementAndGet);
        // 16 batches of 256 events, each at most one key of a few dozen bytes, plus a buffer.
        assertFalse(leads.isEmpty());
        for (int lead : leads) {
            assertTrue(lead < 2 * RdbReadAhead.BATCHES * RdbReadAhead.BATCH * 100 + (1 << 16), "lead " + lead);
        }
    }

    private static int readerThreads() {
        for (int i = 0; i < 100; i++) {
            boolean alive = Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().equals("cinnabar-rdb-reader"));
            if (!alive) {
                return 0;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return 1;
    }

    private static final class CountingStream extends InputStream {
        private final InputStream in;
        volatile int read;

        CountingStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int c = in.read();
            if (c >= 0) {
                read++;
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                read += n;
            }
            return n;
        }
    }
}
