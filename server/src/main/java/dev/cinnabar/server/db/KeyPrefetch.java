package dev.cinnabar.server.db;

import dev.cinnabar.datatypes.KeyTable;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.RequestDecoder;
import java.util.Arrays;

/**
 * Warms the keyspace for a pipelined batch before its commands run: the first key of each
 * waiting request is hashed and its slot, per-id words and record are read together, so that
 * their cache misses overlap instead of coming one command at a time ({@link KeyTable#prefetch}).
 * Only a hint: it reads the second argument of every request, key or not, in the client's
 * current database, and a SELECT in the batch or a command whose first argument is no key just
 * warms nothing useful. Left alone: a single request (its lookup follows at once anyway), a
 * request naming the same key as the one before it (a hot list pushed to sixteen times), and a
 * database of fewer than {@link #MIN_KEYS} keys, whose table stays in the processor's caches.
 * The keys of a command that names several are warmed the same way as it starts
 * ({@link #warmKeys}). One per engine (the dispatcher's); engine thread only.
 */
public final class KeyPrefetch implements RequestDecoder.ArgumentSink {
    /** At most this many requests of a batch are warmed ahead (redis-benchmark's -P 16 fits). */
    static final int BATCH = 32;
    /**
     * Below this many keys a database's index and records (about 50 bytes a key) fit in a core's
     * own cache, and warming them costs more than the misses it saves: a batch of sixteen LPUSHes
     * to one list spent 9% more of the engine's time when every batch was scanned.
     */
    static final int MIN_KEYS = 16 * 1024;

    private final int[] hashes = new int[BATCH];
    private final long[] scratch = new long[BATCH];
    private KeyTable table;
    private int count;
    private int lastOffset;
    private int lastLength;
    /** What the reads folded to: kept so that the compiler keeps the reads. */
    private long folded;

    /** Warms {@code db} for the requests waiting in {@code decoder}; consumes nothing. */
    public void warm(Db db, RequestDecoder decoder) {
        KeyTable t = db.keys();
        if (t.size() < MIN_KEYS) {
            return;
        }
        table = t;
        count = 0;
        lastLength = -1;
        decoder.peekSecondArguments(BATCH, this);
        if (count > 1) {
            folded += t.prefetch(hashes, scratch, count);
        }
        table = null;
    }

    /**
     * Warms the keys of one command that names several ({@code MGET}, {@code DEL}, {@code MSET}):
     * arguments {@code first} to {@code last} (negative: from the end) every {@code step}, as the
     * command table gives them. A command with one key, or keys found by parsing (numkeys), is
     * left alone.
     */
    public void warmKeys(Db db, Argv argv, int first, int last, int step) {
        KeyTable t = db.keys();
        if (t.size() < MIN_KEYS || first <= 0 || step <= 0) {
            return;
        }
        int end = last < 0 ? argv.count() + last : Math.min(last, argv.count() - 1);
        if (end - first < step) {
            return;
        }
        int n = 0;
        for (int i = first; i <= end; i += step) {
            hashes[n++] = t.hashOf(argv.array(i), argv.offset(i), argv.length(i));
            if (n == BATCH) {
                folded += t.prefetch(hashes, scratch, n);
                n = 0;
            }
        }
        if (n > 1) {
            folded += t.prefetch(hashes, scratch, n);
        }
    }

    @Override
    public void argument(byte[] bytes, int offset, int length) {
        if (length == lastLength && Arrays.equals(bytes, offset, offset + length, bytes, lastOffset, lastOffset + length)) {
            return;
        }
        lastOffset = offset;
        lastLength = length;
        hashes[count++] = table.hashOf(bytes, offset, length);
    }

    /** For tests: what the reads so far folded to. */
    long folded() {
        return folded;
    }
}
