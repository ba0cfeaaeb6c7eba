package dev.cinnabar.server.persistence;

import dev.cinnabar.persistence.rdb.RdbOutput;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * SAVE's second thread: it compresses the strings the engine left raw and writes the file while
 * the engine encodes the next slice. A few chunks are in flight at most. Compression is most of
 * a save's work (three quarters of this thread's), and the engine encodes a dataset several times
 * faster than one thread compresses it; so when the engine is ahead, instead of waiting it
 * compresses chunks still in the queue itself ({@link RdbOutput#resolve}), and this thread only
 * writes those out, in order. On two cores a SAVE then takes about half the time compression
 * takes on one, instead of all of it.
 */
final class SaveWriter {
    /** A chunk in the queue, prepared (compressed) by whichever thread claims it first. */
    private static final class Job {
        final RdbOutput.Chunk chunk;
        final AtomicBoolean claimed = new AtomicBoolean();
        final CountDownLatch done = new CountDownLatch(1);
        /** Set by the engine when it claimed the job; read once {@link #done} is counted down. */
        RdbOutput.Chunk resolved;
        RuntimeException error;

        Job(RdbOutput.Chunk chunk) {
            this.chunk = chunk;
        }
    }

    private static final Job END = new Job(null);
    /** How long the engine waits for room when there is nothing it can compress itself. */
    private static final long WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final ArrayBlockingQueue<Job> queue = new ArrayBlockingQueue<>(4);
    private final boolean compression;
    private final Thread thread;
    private volatile RuntimeException failure;
    /** Chunks the saving thread compressed itself (read by tests). */
    int compressedBySaver;

    SaveWriter(RdbOutput file, boolean compression) {
        this.compression = compression;
        thread = new Thread(() -> {
            try {
                for (Job j = queue.take(); j != END; j = queue.take()) {
                    if (j.claimed.compareAndSet(false, true)) {
                        file.writeChunk(j.chunk);
                    } else {
                        j.done.await();
                        if (j.error != null) {
                            throw j.error;
                        }
                        file.writeChunk(j.resolved);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failure = e;
                queue.clear();
            }
        }, "cinnabar-save");
        thread.setDaemon(true);
        thread.start();
    }

    /** Hands a chunk to the writer; while the queue is full, compresses queued chunks. */
    void put(RdbOutput.Chunk c) {
        if (c.size() == 0) {
            return;
        }
        checkFailed();
        offer(new Job(c));
    }

    /** Queues {@code job}; while the queue is full, compresses a queued chunk or waits a little. */
    private void offer(Job job) {
        try {
            while (!queue.offer(job)) {
                if (!helpOne()) {
                    if (queue.offer(job, WAIT_NANOS, TimeUnit.NANOSECONDS)) {
                        return;
                    }
                    checkFailed();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /**
     * Claims and compresses the last chunk in the queue nobody has claimed, the one the writer
     * will come to last, so that both threads compress instead of one waiting for the other;
     * false when there is none.
     */
    private boolean helpOne() {
        while (true) {
            Job last = null;
            for (Job j : queue) { // weakly consistent: safe beside the writer's takes
                if (j != END && !j.claimed.get()) {
                    last = j;
                }
            }
            if (last == null) {
                return false;
            }
            if (last.claimed.compareAndSet(false, true)) {
                try {
                    last.resolved = RdbOutput.resolve(last.chunk, compression);
                } catch (RuntimeException e) {
                    last.error = e;
                } finally {
                    last.done.countDown();
                }
                compressedBySaver++;
                return true;
            }
        }
    }

    void checkFailed() {
        if (failure != null) {
            throw failure;
        }
    }

    /** Waits until every chunk is written, compressing what it can meanwhile; rethrows what the writer met. */
    void finish() {
        offer(END);
        while (helpOne()) {
            // the writer is busy with the head of the queue: prepare the rest
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        checkFailed();
    }

    /** Abandons the save: the thread ends without writing more. */
    void stop() {
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
