package dev.cinnabar.server.persistence;

import dev.cinnabar.persistence.rdb.RdbOutput;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The hand-over between a background save's two threads (BGSAVE, BGREWRITEAOF): the engine
 * encodes {@link Snapshot} slices into chunks, a writer thread compresses and writes them. The
 * engine stops producing while more than {@link #HIGH} bytes wait and the writer resumes it below
 * {@link #LOW}, so a slow disk bounds the memory a save holds instead of letting it grow.
 */
final class ChunkQueue implements Snapshot.Output {
    /** Encoded bytes queued for the writer before the engine stops producing. */
    static final long HIGH = 8L << 20;
    static final long LOW = 2L << 20;

    private record Slice(RdbOutput.Chunk chunk, int keys) {
    }

    private static final Slice END = new Slice(new RdbOutput.Chunk(new byte[0], new int[0]), 0);

    private final LinkedBlockingQueue<Slice> queue = new LinkedBlockingQueue<>();
    /**
     * Written chunks, whose arrays the next ones take over (see RdbOutput.takeChunk): as many as
     * were in flight at once, which {@link #HIGH} bounds (a slice is at most 512 keys or about
     * 256 KB, so a save of small keys has a couple of hundred in flight). With room for only
     * eight, most chunks of such a save got new arrays, grown from 256 bytes by doubling, and
     * dropped them once written: garbage of about the size of the whole dump, which touched as
     * much fresh heap while the save ran.
     */
    private final ArrayBlockingQueue<RdbOutput.Chunk> free = new ArrayBlockingQueue<>(4096);
    /** The buffer size of the last chunk handed off, for a new one when no written chunk is free. */
    private int lastCapacity = 256;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicBoolean waiting = new AtomicBoolean();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final int keyDelay;
    private final Runnable resume;
    private RdbOutput chunk;

    /**
     * {@code keyDelay}: rdb-key-save-delay, which the writer sleeps per key (tests); {@code resume}:
     * called on the writer thread when the engine is to produce again.
     */
    ChunkQueue(boolean compression, int keyDelay, Runnable resume) {
        // The engine leaves compression to the writer thread: see RdbOutput.deferringCompression.
        this.chunk = RdbOutput.deferringCompression(compression);
        this.keyDelay = keyDelay;
        this.resume = resume;
    }

    @Override
    public RdbOutput out() {
        return chunk;
    }

    @Override
    public void handOff(int keys) {
        if (chunk.size() == 0 && keys == 0) {
            return;
        }
        RdbOutput.Chunk spare = free.poll();
        RdbOutput.Chunk c = spare != null ? chunk.takeChunk(spare.bytes(), spare.deferred())
                : chunk.takeChunk(new byte[lastCapacity], null);
        lastCapacity = c.bytes().length;
        queued.addAndGet(c.size());
        queue.add(new Slice(c, keys));
    }

    /** Engine side, after a slice: true when it is to stop until {@code resume} runs. */
    boolean full() {
        if (queued.get() > HIGH) {
            waiting.set(true);
            // The writer may have drained in between: it resumes the engine if it saw the flag.
            return queued.get() > LOW || !waiting.compareAndSet(true, false);
        }
        return false;
    }

    /** The snapshot is complete: what is left in the chunk goes, then the end. */
    void finish() {
        handOff(0);
        queue.add(END);
    }

    /** The end comes now, whatever is left (a failed snapshot: the writer reports it). */
    void end() {
        queue.add(END);
    }

    void cancel() {
        cancelled.set(true);
        queue.add(END);
    }

    boolean cancelled() {
        return cancelled.get();
    }

    /**
     * Writer side: writes every chunk into {@code out} until the end. Returns false when the
     * save was cancelled meanwhile (nothing more is to be written then).
     */
    boolean drainInto(RdbOutput out) throws InterruptedException {
        while (true) {
            Slice s = queue.poll(1, TimeUnit.SECONDS);
            if (cancelled.get()) {
                return false;
            }
            if (s == null) {
                continue;
            }
            if (s == END) {
                return true;
            }
            out.writeChunk(s.chunk);
            free.offer(s.chunk);
            long left = queued.addAndGet(-s.chunk.size());
            if (keyDelay != 0 && s.keys > 0) {
                LockSupport.parkNanos(keyDelay > 0 ? (long) keyDelay * 1000 * s.keys : (long) -keyDelay * s.keys);
            }
            if (left < LOW && waiting.compareAndSet(true, false)) {
                resume.run();
            }
        }
    }
}
