package dev.cinnabar.persistence.rdb;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads an RDB stream on a thread of its own and replays what it found, in order, to a handler
 * on the calling thread. Decoding (lengths, LZF, listpack checks, building collections, the
 * CRC) is most of the cost of loading a dump; the caller's share is putting each key in the
 * keyspace. On two cores the two halves overlap, so loading takes about the longer of them
 * instead of their sum.
 *
 * <p>The handler sees exactly the calls {@link RdbFileReader} would have made, and an error of
 * the file surfaces after the keys before it, as it would reading directly. The reader runs at
 * most {@link #BATCHES} batches ahead, so a slow consumer (a test's {@code key-load-delay}) holds
 * a bounded amount of decoded data. While the consumer waits for the reader it calls
 * {@code whileWaiting} every few milliseconds, so that a loading server keeps answering its
 * clients.
 *
 * <p>Values built by the reader are handed over through a queue, which orders their construction
 * before their use; the reader touches nothing but the stream and the settings.
 */
public final class RdbReadAhead {
    /** Events per batch; a progress report ends a batch early so that progress is seen promptly. */
    static final int BATCH = 256;
    /** Batches the reader may run ahead of the consumer. */
    static final int BATCHES = 16;
    private static final long WAIT_MILLIS = 5;

    private static final byte AUX = 1;
    private static final byte SELECT_DB = 2;
    private static final byte RESIZE_DB = 3;
    private static final byte FUNCTION = 4;
    private static final byte KEY = 5;
    private static final byte EMPTY_KEY = 6;
    private static final byte PROGRESS = 7;
    /** The end of the stream: {@code numbers[i]} is 1 when the file's checksum was disabled. */
    private static final byte END = 8;
    /** The reader failed: {@code values[i]} is the throwable. */
    private static final byte FAILED = 9;

    /** A run of the reader's calls, as parallel arrays. */
    private static final class Batch {
        final byte[] kinds = new byte[BATCH];
        final byte[][] keys = new byte[BATCH][];
        final Object[] values = new Object[BATCH];
        final long[] numbers = new long[BATCH];
        final long[] seconds = new long[BATCH];
        final int[] freqs = new int[BATCH];
        int size;

        boolean full() {
            return size == BATCH;
        }

        void clear() {
            for (int i = 0; i < size; i++) {
                keys[i] = null;
                values[i] = null;
            }
            size = 0;
        }
    }

    /** Thrown on the reader thread once the consumer has given up. */
    private static final class Cancelled extends RuntimeException {
        Cancelled() {
            super(null, null, false, false);
        }
    }

    private final BlockingQueue<Batch> full = new ArrayBlockingQueue<>(BATCHES);
    private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(BATCHES + 2);
    private volatile boolean cancelled;
    private boolean checksumDisabledInFile;

    private RdbReadAhead() {
        for (int i = 0; i < BATCHES + 2; i++) {
            free.add(new Batch());
        }
    }

    /**
     * Reads the whole stream (up to and including its EOF opcode and checksum) into
     * {@code handler}. Returns whether the file was saved without a checksum. When this returns
     * or throws, the reader thread has ended and the stream is positioned where a direct read
     * would have left it.
     */
    public static boolean read(RdbInput in, RdbLoadSettings settings, RdbFileReader.Handler handler,
            boolean verifyChecksum, long progressInterval, Runnable whileWaiting) throws RdbFileException {
        RdbReadAhead pipe = new RdbReadAhead();
        Thread reader = new Thread(() -> pipe.produce(in, settings, verifyChecksum, progressInterval),
                "cinnabar-rdb-reader");
        reader.setDaemon(true);
        reader.start();
        boolean done = false;
        try {
            pipe.consume(handler, whileWaiting);
            done = true;
        } finally {
            if (!done) {
                pipe.cancelled = true;
                pipe.full.clear();
                // The reader may be waiting for bytes that only the caller's thread would
                // bring (a replica's diskless load, whose connection the engine's loop reads):
                // it must not wait for them, nor for its read timeout, before the join returns.
                reader.interrupt();
            }
            joinUninterruptibly(reader);
        }
        return pipe.checksumDisabledInFile;
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ the reader's side

    private void produce(RdbInput in, RdbLoadSettings settings, boolean verifyChecksum, long progressInterval) {
        Producer p = new Producer();
        // Before the reader waits on its source (a replica's diskless load that the master
        // feeds slowly), the batch it has so far goes to the consumer instead of waiting for
        // 255 more keys: the keys, and the header's log lines, arrive when they are read.
        in.beforeWaiting(p::flush);
        try {
            RdbFileReader reader = new RdbFileReader(in, settings, p, verifyChecksum, progressInterval);
            reader.read();
            p.add(END, null, null, reader.checksumDisabledInFile() ? 1 : 0, 0, 0);
            p.flush();
        } catch (Cancelled e) {
            // The consumer stopped; nothing more to hand over.
        } catch (Throwable t) {
            try {
                p.add(FAILED, null, t, 0, 0, 0);
                p.flush();
            } catch (Cancelled e) {
                // as above
            }
        } finally {
            in.beforeWaiting(null);
        }
    }

    private final class Producer implements RdbFileReader.Handler {
        private Batch batch;

        void add(byte kind, byte[] key, Object value, long number, long seconds, int freq) {
            if (batch == null) {
                batch = take(free);
            }
            int i = batch.size++;
            batch.kinds[i] = kind;
            batch.keys[i] = key;
            batch.values[i] = value;
            batch.numbers[i] = number;
            batch.seconds[i] = seconds;
            batch.freqs[i] = freq;
            if (batch.full() || kind == PROGRESS) {
                flush();
            }
        }

        void flush() {
            if (batch != null) {
                put(batch);
                batch = null;
            }
        }

        @Override
        public void aux(byte[] key, byte[] value) {
            add(AUX, key, value, 0, 0, 0);
        }

        @Override
        public void selectDb(long db) {
            add(SELECT_DB, null, null, db, 0, 0);
        }

        @Override
        public void resizeDb(long size, long expiresSize) {
            add(RESIZE_DB, null, null, size, expiresSize, 0);
        }

        @Override
        public void function(byte[] code) {
            add(FUNCTION, code, null, 0, 0, 0);
        }

        @Override
        public void key(byte[] key, Object value, long expireAt, long idleSeconds, int lfuFreq) {
            add(KEY, key, value, expireAt, idleSeconds, lfuFreq);
        }

        @Override
        public void emptyKey(byte[] key) {
            add(EMPTY_KEY, key, null, 0, 0, 0);
        }

        @Override
        public void progress(long bytesRead) {
            add(PROGRESS, null, null, bytesRead, 0, 0);
        }
    }

    private Batch take(BlockingQueue<Batch> q) {
        try {
            while (true) {
                Batch b = q.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
                if (b != null) {
                    return b;
                }
                if (cancelled) {
                    throw new Cancelled();
                }
            }
        } catch (InterruptedException e) {
            throw new Cancelled();
        }
    }

    private void put(Batch b) {
        try {
            while (!full.offer(b, WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                if (cancelled) {
                    throw new Cancelled();
                }
            }
        } catch (InterruptedException e) {
            throw new Cancelled();
        }
    }

    // ------------------------------------------------------------------ the consumer's side

    private void consume(RdbFileReader.Handler h, Runnable whileWaiting) throws RdbFileException {
        while (true) {
            Batch b = nextBatch(whileWaiting);
            try {
                for (int i = 0; i < b.size; i++) {
                    switch (b.kinds[i]) {
                        case AUX:
                            h.aux(b.keys[i], (byte[]) b.values[i]);
                            break;
                        case SELECT_DB:
                            h.selectDb(b.numbers[i]);
                            break;
                        case RESIZE_DB:
                            h.resizeDb(b.numbers[i], b.seconds[i]);
                            break;
                        case FUNCTION:
                            h.function(b.keys[i]);
                            break;
                        case KEY:
                            h.key(b.keys[i], b.values[i], b.numbers[i], b.seconds[i], b.freqs[i]);
                            break;
                        case EMPTY_KEY:
                            h.emptyKey(b.keys[i]);
                            break;
                        case PROGRESS:
                            h.progress(b.numbers[i]);
                            break;
                        case END:
                            checksumDisabledInFile = b.numbers[i] != 0;
                            return;
                        case FAILED:
                            throw rethrow((Throwable) b.values[i]);
                        default:
                            throw new IllegalStateException("unknown event " + b.kinds[i]);
                    }
                }
            } finally {
                b.clear();
                free.offer(b);
            }
        }
    }

    private Batch nextBatch(Runnable whileWaiting) {
        try {
            while (true) {
                Batch b = full.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
                if (b != null) {
                    return b;
                }
                whileWaiting.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading", e);
        }
    }

    private static RdbFileException rethrow(Throwable t) throws RdbFileException {
        if (t instanceof RdbFileException) {
            throw (RdbFileException) t;
        }
        if (t instanceof RuntimeException) {
            throw (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        throw new IllegalStateException(t);
    }
}
