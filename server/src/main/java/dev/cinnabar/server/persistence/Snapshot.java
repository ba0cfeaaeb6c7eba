package dev.cinnabar.server.persistence;

import dev.cinnabar.datatypes.KeyTable;
import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.persistence.rdb.RdbFileWriter;
import dev.cinnabar.persistence.rdb.RdbOutput;
import dev.cinnabar.persistence.rdb.RdbValueParts;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.EntrySizes;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.db.KeyspaceObserver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.ListIterator;
import java.util.List;

/**
 * A point-in-time image of the keyspace, in RDB form or as commands ({@link Format}), produced on the engine thread in slices
 * while the server keeps serving (DESIGN.md, "Forkless snapshots").
 *
 * <p>The databases are walked one at a time with {@link Dict#scan}. Its cursor counts in
 * reversed binary, so "the scan has passed this key" is a property of the key's hash alone,
 * whatever resizes happen in between: a key whose bit-reversed hash is below the reversed cursor
 * has been visited ({@link #frontier}). A scan step may visit a bucket again after the table
 * shrank; entries below the frontier are then skipped, so each key is written once.
 *
 * <p>Before a write touches a key the walk has not passed (the {@link KeyspaceObserver} hook),
 * the key's value as it still is gets encoded: into the output at once when it belongs to the
 * database being walked, or into that database's pending buffer for later. The key goes into
 * {@link #handled} so that the walk skips it, and so do keys created after the start (absent
 * from the image). FLUSHDB, FLUSHALL and SWAPDB save every key of the database not yet written.
 * Those early copies are the extra memory the snapshot costs ({@link #extraBytes()}).
 *
 * <p>A big collection is written a part at a time ({@link RdbValueParts}; in the AOF's command
 * form {@link AofValueParts}), a few slices for a value of a million elements instead of one
 * stop of 100-400 ms. The walk
 * queues the big keys of a batch ({@link #bigKeys}) and writes them, one after the other, before
 * it walks on. A value's record must be whole in the file, so meanwhile early copies of other
 * keys wait in {@link #afterParts}. Before a write to a big key, whether the walk is writing
 * it, has queued it or has not reached it, the snapshot takes a copy of the value that shares
 * its arrays ({@link RdbValueParts#detach}, {@link RdbValueParts#frozen}: the value copies a page
 * or node before it changes it; a whole copy took 5-30 ms for a million elements, encoding it
 * 100-400) and writes the copy in parts in its turn: in the database
 * being walked at once, in another when the walk gets there ({@link #laterBigKeys}). A flush
 * does the same for every big key of the database it empties.
 */
final class Snapshot implements KeyspaceObserver {
    /** Where encoded bytes go: the file itself (SAVE) or chunks for a writer thread (BGSAVE). */
    interface Output {
        /** The output to encode into now. */
        RdbOutput out();

        /** A slice is over: hand what was encoded on, with the number of keys in it. */
        void handOff(int keys);
    }

    /**
     * How the image is encoded: the RDB format (BGSAVE, SAVE, an AOF base with the RDB preamble)
     * or commands (an AOF base without it). The byte sink is an {@link RdbOutput} either way.
     */
    interface Format {
        /** What comes before the first database: the RDB header and functions, or their commands. */
        void header(RdbOutput out);

        /** A database with keys at the start begins ({@code size} and {@code expires} at the start). */
        void selectDb(RdbOutput out, int db, long size, long expires);

        /** One key as it is now; {@code idle} and {@code freq} are {@link RdbFileWriter#NONE} and -1 when unused. */
        void key(RdbOutput out, byte[] key, int off, int len, Object value, long expireAt, long idle, int freq);

        /** {@link #key} of a string whose bytes are read where they lie (inline in the key's record). */
        void keyString(RdbOutput out, byte[] key, int off, int len, byte[] value, int valueOff, int valueLen,
                long expireAt, long idle, int freq);

        /** True when {@link #key} writes the LRU idle time or LFU frequency the policy keeps. */
        boolean recordsAccess();

        /** The parts {@code value} is written in ({@link RdbValueParts#of}), or null to write it whole. */
        Parts parts(Object value);

        /** {@link #parts} of a copy of {@code value} as it is now ({@link RdbValueParts#frozen}). */
        Parts frozenParts(Object value);

        /** {@link #key} of a value written in {@code parts}: the key and the value's header, the parts to follow. */
        void keyInParts(RdbOutput out, byte[] key, int off, int len, Parts parts, long expireAt, long idle, int freq);
    }

    /** A big value written some kilobytes at a time, in a format's own form: see {@link RdbValueParts}. */
    interface Parts {
        /** Writes about {@code bytes} more; true once the value is complete. */
        boolean write(RdbOutput out, long bytes);

        /** Goes on from a copy of the value as it is now, where it was. */
        void detach();
    }

    /** {@link RdbValueParts} as the snapshot's {@link Parts}. */
    private record RdbParts(RdbValueParts rdb) implements Parts {
        static RdbParts of(RdbValueParts p) {
            return p == null ? null : new RdbParts(p);
        }

        @Override
        public boolean write(RdbOutput out, long bytes) {
            return rdb.write(out, bytes);
        }

        @Override
        public void detach() {
            rdb.detach();
        }
    }

    /** The RDB format with {@code aux} fields and the function libraries before the keys. */
    static Format rdb(RdbFileWriter.Aux aux, List<byte[]> libraries) {
        return new Format() {
            @Override
            public void header(RdbOutput out) {
                RdbFileWriter.header(out, aux);
                for (byte[] code : libraries) {
                    RdbFileWriter.function(out, code);
                }
            }

            @Override
            public void selectDb(RdbOutput out, int db, long size, long expires) {
                RdbFileWriter.selectDb(out, db, size, expires);
            }

            @Override
            public void key(RdbOutput out, byte[] key, int off, int len, Object value, long expireAt, long idle,
                    int freq) {
                RdbFileWriter.keyValue(out, key, off, len, value, expireAt, idle, freq);
            }

            @Override
            public void keyString(RdbOutput out, byte[] key, int off, int len, byte[] value, int valueOff,
                    int valueLen, long expireAt, long idle, int freq) {
                RdbFileWriter.keyString(out, key, off, len, value, valueOff, valueLen, expireAt, idle, freq);
            }

            @Override
            public boolean recordsAccess() {
                return true;
            }

            @Override
            public Parts parts(Object value) {
                return RdbParts.of(RdbValueParts.of(value));
            }

            @Override
            public Parts frozenParts(Object value) {
                return RdbParts.of(RdbValueParts.frozen(value));
            }

            @Override
            public void keyInParts(RdbOutput out, byte[] key, int off, int len, Parts parts, long expireAt,
                    long idle, int freq) {
                RdbFileWriter.keyValueInParts(out, key, off, len, ((RdbParts) parts).rdb(), expireAt, idle, freq);
            }
        };
    }

    private final Keyspace keyspace;
    private final Output output;
    private final Format format;
    private final boolean compression;
    private final boolean lru;
    private final boolean lfu;
    private final long[] startSize;
    private final long[] startExpires;
    private final boolean[] walkDone;
    @SuppressWarnings("unchecked")
    private final Dict<Boolean>[] handled;
    private final RdbOutput[] pending;
    private final long totalKeys;
    private int db = -1;
    private long cursor;
    /** Bit-reversed hashes below this (unsigned, up to 2^32) were visited in {@link #db}. */
    private long frontier;
    private boolean finished;
    private long keysWritten;
    private int keysInSlice;
    private long extraBytes;
    /** Bytes of a big value written between two looks at the slice's budgets: about a thousand set members. */
    static final long PART_BYTES = 32 * 1024;
    /**
     * A big key whose value goes in parts: a live key of {@link #db} by id, its value read when
     * its turn comes, or a copy made before a write ({@code id} NONE) with its key, expiry and
     * access word as they were.
     */
    private static final class BigKey {
        final int id;
        final Parts parts;
        final byte[] key;
        final long expire;
        final int meta;
        final long bytes;

        BigKey(int id, Parts parts, byte[] key, long expire, int meta, long bytes) {
            this.id = id;
            this.parts = parts;
            this.key = key;
            this.expire = expire;
            this.meta = meta;
            this.bytes = bytes;
        }
    }

    /** The big key being written in parts, or null. */
    private BigKey inParts;
    /** Big keys of {@link #db} not written yet: their turn comes before the walk goes on. */
    private final List<BigKey> bigKeys = new ArrayList<>();
    /** Copies of big keys of databases the walk has not reached, by database. */
    private final List<BigKey>[] laterBigKeys;
    /** Early copies of keys of {@link #db} made while a value is written in parts: they follow it. */
    private RdbOutput afterParts;

    Snapshot(Keyspace keyspace, Output output, boolean compression, String maxMemoryPolicy, RdbFileWriter.Aux aux,
            List<byte[]> libraries) {
        this(keyspace, output, compression, maxMemoryPolicy, rdb(aux, libraries));
    }

    @SuppressWarnings("unchecked")
    Snapshot(Keyspace keyspace, Output output, boolean compression, String maxMemoryPolicy, Format format) {
        this.keyspace = keyspace;
        this.output = output;
        this.format = format;
        this.compression = compression;
        this.lru = format.recordsAccess() && maxMemoryPolicy.endsWith("-lru");
        this.lfu = format.recordsAccess() && maxMemoryPolicy.endsWith("-lfu");
        int n = keyspace.count();
        startSize = new long[n];
        startExpires = new long[n];
        walkDone = new boolean[n];
        handled = new Dict[n];
        pending = new RdbOutput[n];
        laterBigKeys = new List[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            startSize[i] = keyspace.db(i).size();
            startExpires[i] = keyspace.db(i).expiresSize();
            total += startSize[i];
        }
        totalKeys = total;
        format.header(output.out());
    }

    long totalKeys() {
        return totalKeys;
    }

    long keysWritten() {
        return keysWritten;
    }

    /** Heap bytes held by early copies and the set of keys handled early. */
    long extraBytes() {
        return extraBytes;
    }

    boolean finished() {
        return finished;
    }

    /**
     * Walks on for about {@code keyBudget} keys or {@code byteBudget} bytes of output, then hands
     * the slice off. Returns true once every database has been written (EOF is the caller's).
     */
    boolean slice(int keyBudget, long byteBudget) {
        return slice(keyBudget, byteBudget, Long.MAX_VALUE);
    }

    /**
     * {@link #slice(int, long)} that also ends once {@code nanos} have passed, looked at every
     * few keys: the first slices of a save run before the compiler has seen the walk, many
     * times slower than the later ones.
     */
    boolean slice(int keyBudget, long byteBudget, long nanos) {
        if (finished) {
            return true;
        }
        keysInSlice = 0;
        RdbOutput out = output.out();
        long startBytes = out.size();
        long start = nanos == Long.MAX_VALUE ? 0 : System.nanoTime();
        while (keysInSlice < keyBudget && out.size() - startBytes < byteBudget
                && (nanos == Long.MAX_VALUE || batched > 0 || System.nanoTime() - start < nanos)) {
            if (inParts != null) {
                if (inParts.parts.write(out, PART_BYTES)) {
                    endParts(out);
                }
                continue;
            }
            if (!bigKeys.isEmpty()) {
                startBig(keyspace.db(db), out);
                continue;
            }
            if (db < 0 || frontier > 0xFFFFFFFFL) {
                if (!nextDb()) {
                    finished = true;
                    break;
                }
                continue;
            }
            Db d = keyspace.db(db);
            if (--prefetchedSteps <= 0) {
                prefetched += d.keys().prefetchScan(cursor, PREFETCH_STEPS);
                prefetchedSteps = PREFETCH_STEPS;
            }
            visitFrom = frontier;
            long next = d.keys().scanHashed(cursor, visitor);
            cursor = next;
            frontier = next == 0 ? 1L << 32 : reversed((int) next);
            if (d.keys().size() == 0) {
                frontier = 1L << 32;
            }
            if (batched >= BATCH || frontier > 0xFFFFFFFFL) {
                writeBatch(d);
            }
            out = output.out();
        }
        if (batched > 0) {
            writeBatch(keyspace.db(db));
        }
        output.handOff(keysInSlice);
        if (nanos != Long.MAX_VALUE) {
            lastSliceNanos = System.nanoTime() - start;
        }
        return finished;
    }

    /** How long the last slice given a time budget took, hand-off included. */
    long lastSliceNanos() {
        return lastSliceNanos;
    }

    /** Moves to the next database with keys at the start; false when there is none. */
    private boolean nextDb() {
        while (++db < keyspace.count()) {
            cursor = 0;
            frontier = 0;
            RdbOutput p = pending[db];
            pending[db] = null;
            if (startSize[db] == 0) {
                frontier = 1L << 32;
                continue;
            }
            RdbOutput out = output.out();
            format.selectDb(out, db, startSize[db], startExpires[db]);
            if (p != null) {
                byte[] b = p.toByteArray();
                out.writeBytes(b);
                extraBytes -= b.length;
            }
            if (laterBigKeys[db] != null) {
                bigKeys.addAll(laterBigKeys[db]);
                laterBigKeys[db] = null;
            }
            if (walkDone[db]) {
                frontier = 1L << 32;
                if (bigKeys.isEmpty()) {
                    continue;
                }
            }
            return true;
        }
        db = keyspace.count();
        return false;
    }

    private long lastSliceNanos;
    /** The frontier of the scan step under way, for {@link #visitor}. */
    private long visitFrom;
    /**
     * Keys the walk's last steps came to, written together ({@link #writeBatch}): each step
     * visits one bucket, a key or two, and writing a key reads its record, a cache miss in a big
     * keyspace. Read one after another those misses were most of the walk's time (a BGSAVE of
     * 865k keys held the engine 1.2 s); the ids of a few steps are looked at together first, so
     * that their misses overlap.
     */
    private static final int BATCH = 32;
    private int[] batchIds = new int[BATCH * 2];
    private int[] batchScratch = new int[BATCH * 2];
    private int batched;
    /** What the prefetches read, kept so that the reads are not optimized away. */
    long prefetched;
    /** Scan steps whose index slots are read ahead at once ({@link KeyTable#prefetchScan}), and how many are left. */
    private static final int PREFETCH_STEPS = 32;
    private int prefetchedSteps;
    /**
     * Made once: a lambda capturing each step's frontier was an object per step, about 70 MB of
     * garbage in a BGSAVE of 1.07M keys (two million steps), which touched that much fresh heap
     * while the save ran.
     */
    private final KeyTable.HashedVisitor visitor = (id, hash) -> {
        if (reversed(hash) < visitFrom) {
            return; // visited before the table shrank
        }
        if (batched == batchIds.length) {
            batchIds = Arrays.copyOf(batchIds, batched * 2); // a long run of keys in one bucket
            batchScratch = new int[batchIds.length];
        }
        batchIds[batched++] = id;
    };

    /** Writes the keys of {@link #batchIds} that no write has handled early. */
    private void writeBatch(Db d) {
        KeyTable keys = d.keys();
        int n = batched;
        batched = 0;
        int[] ids = batchIds;
        prefetched += keys.prefetchIds(ids, batchScratch, n);
        Dict<Boolean> h = handled[d.id];
        RdbOutput out = output.out();
        for (int i = 0; i < n; i++) {
            int id = ids[i];
            if (h != null && h.size() > 0 && h.find(keys.keyArray(id), keys.keyOffset(id), keys.keyLength(id)) != null) {
                continue;
            }
            Parts parts = keys.isInline(id) ? null : format.parts(keys.value(id));
            if (parts != null) {
                bigKeys.add(new BigKey(id, parts, null, 0, 0, 0));
                continue;
            }
            writeLive(out, d, id);
            keysInSlice++;
        }
    }

    /** Starts writing the first queued big key in parts. */
    private void startBig(Db d, RdbOutput out) {
        BigKey b = bigKeys.remove(0);
        if (b.id == KeyTable.NONE) {
            format.keyInParts(out, b.key, 0, b.key.length, b.parts, b.expire, idle(b.meta), freq(b.meta));
        } else {
            KeyTable keys = d.keys();
            int meta = keys.meta(b.id);
            format.keyInParts(out, keys.keyArray(b.id), keys.keyOffset(b.id), keys.keyLength(b.id), b.parts,
                    d.expireAtId(b.id), idle(meta), freq(meta));
        }
        inParts = b;
        keysWritten++;
        keysInSlice++;
    }

    /** The value in parts is complete: the early copies made meanwhile follow it. */
    private void endParts(RdbOutput out) {
        extraBytes -= inParts.bytes;
        inParts = null;
        if (afterParts != null) {
            byte[] b = afterParts.toByteArray();
            afterParts = null;
            out.writeBytes(b);
            extraBytes -= b.length;
        }
    }

    /**
     * Before a write to key {@code id} of {@link #db}, or a flush of it ({@code id} NONE): the
     * value being written in parts, when it is that key's (any, for a flush), goes on from a
     * copy of the value ({@link RdbValueParts#detach}), and so will a queued big key of that id
     * (every live one, for a flush). True when the key was one of them.
     */
    private boolean copyBigBeforeWrite(Db d, int id) {
        boolean found = false;
        if (inParts != null && inParts.id != KeyTable.NONE && (id == KeyTable.NONE || id == inParts.id)) {
            inParts = detached(d, inParts, null, 0, 0);
            found = true;
        }
        for (ListIterator<BigKey> i = bigKeys.listIterator(); i.hasNext(); ) {
            BigKey b = i.next();
            if (b.id != KeyTable.NONE && (id == KeyTable.NONE || b.id == id)) {
                KeyTable keys = d.keys();
                i.set(detached(d, b, keys.copyKey(b.id), d.expireAtId(b.id), keys.meta(b.id)));
                found = true;
            }
        }
        return found;
    }

    /** {@code b}'s parts on a copy of its value as it is now, with the key, expiry and access word given. */
    private BigKey detached(Db d, BigKey b, byte[] key, long expire, int meta) {
        b.parts.detach();
        long bytes = EntrySizes.value(d.keys().value(b.id));
        extraBytes += bytes;
        return new BigKey(KeyTable.NONE, b.parts, key, expire, meta, bytes);
    }

    /** Queues a copy of a big key's value made before a write or a flush, in its database's turn. */
    private void queueFrozen(int dbId, Parts frozen, byte[] key, Object value, long expire, int meta) {
        long bytes = EntrySizes.value(value);
        extraBytes += bytes;
        BigKey b = new BigKey(KeyTable.NONE, frozen, key, expire, meta, bytes);
        if (dbId == db) {
            bigKeys.add(b);
        } else {
            if (laterBigKeys[dbId] == null) {
                laterBigKeys[dbId] = new ArrayList<>();
            }
            laterBigKeys[dbId].add(b);
        }
    }

    /** Where an early copy of a key of {@link #db} goes: after the value being written in parts, if one is. */
    private RdbOutput earlyCopies() {
        return inParts != null ? afterParts() : output.out();
    }

    private RdbOutput afterParts() {
        if (afterParts == null) {
            afterParts = new RdbOutput(compression);
        }
        return afterParts;
    }

    /**
     * A key that has not changed since the snapshot began, read from the table: its expiry by id,
     * and an inline string from the key's record, without the copy a value object would take.
     */
    private void writeLive(RdbOutput out, Db d, int id) {
        KeyTable keys = d.keys();
        byte[] key = keys.keyArray(id);
        int off = keys.keyOffset(id);
        int len = keys.keyLength(id);
        long expire = d.expireAtId(id);
        int meta = keys.meta(id);
        long idle = idle(meta);
        int freq = freq(meta);
        if (keys.isInline(id)) {
            format.keyString(out, key, off, len, keys.inlineArray(id), keys.inlineOffset(id), keys.inlineLength(id),
                    expire, idle, freq);
        } else {
            format.key(out, key, off, len, keys.value(id), expire, idle, freq);
        }
        keysWritten++;
    }

    private long idle(int meta) {
        return lru ? keyspace.access().idleMillis(meta) / 1000 : RdbFileWriter.NONE;
    }

    private int freq(int meta) {
        return lfu ? keyspace.access().frequency(meta) : -1;
    }

    /** A key as the hook saw it before a write: its value, access word and expiry as they were. */
    private void write(RdbOutput out, byte[] key, int off, int len, Object value, int meta, long expire) {
        format.key(out, key, off, len, value, expire, idle(meta), freq(meta));
        keysWritten++;
    }

    private static long reversed(int hash) {
        return Integer.toUnsignedLong(Integer.reverse(hash));
    }

    // ------------------------------------------------------------------ the write hook

    /** Why the snapshot failed (a value it could not encode), or null; it then stops hooking writes. */
    RuntimeException failure() {
        return failure;
    }

    private RuntimeException failure;

    @Override
    public void beforeWrite(Db d, byte[] key, int off, int len, Object value) {
        if (failure != null) {
            return;
        }
        try {
            hook(d, key, off, len, value);
        } catch (RuntimeException e) {
            // Never fail the client's write for the snapshot's sake: the snapshot fails instead.
            failure = e;
        }
    }

    private void hook(Db d, byte[] key, int off, int len, Object value) {
        int id = d.id;
        if (finished || id < db || walkDone[id] || startSize[id] == 0) {
            return;
        }
        if (id == db && (inParts != null || !bigKeys.isEmpty())) {
            int k = d.keys().find(key, off, len);
            if (k != KeyTable.NONE && copyBigBeforeWrite(d, k)) {
                return;
            }
        }
        if (id == db && reversed(d.keys().hashOf(key, off, len)) < frontier) {
            return;
        }
        Dict<Boolean> h = handled[id];
        if (h == null) {
            h = handled[id] = new Dict<>();
        }
        if (h.size() > 0 && h.find(key, off, len) != null) {
            return;
        }
        byte[] copy = Arrays.copyOfRange(key, off, off + len);
        h.put(copy, Boolean.TRUE);
        extraBytes += 48 + len;
        if (value == null) {
            return; // absent at the start (a deletion would have come here first)
        }
        value = d.valueBeforeWrite(key, off, len, value);
        KeyEntry e = d.find(key, off, len);
        int meta = e == null ? 0 : e.meta();
        long expire = e == null ? -1 : d.expireAtId(e.id());
        Parts frozen = format.frozenParts(value);
        if (frozen != null) {
            queueFrozen(id, frozen, copy, value, expire, meta);
            return;
        }
        if (id == db) {
            RdbOutput early = earlyCopies();
            long before = early.size();
            write(early, key, off, len, value, meta, expire);
            if (early != output.out()) {
                extraBytes += early.size() - before;
            }
            return;
        }
        RdbOutput p = pending[id];
        if (p == null) {
            p = pending[id] = new RdbOutput(compression);
        }
        long before = p.size();
        write(p, key, off, len, value, meta, expire);
        extraBytes += p.size() - before;
    }

    @Override
    public void beforeFlush(Db d, Db replacedWith) {
        if (failure != null) {
            return;
        }
        try {
            flushHook(d);
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private void flushHook(Db d) {
        int id = d.id;
        if (finished || id < db || walkDone[id] || startSize[id] == 0) {
            return;
        }
        Dict<Boolean> h = handled[id];
        long from = id == db ? frontier : 0;
        RdbOutput target;
        if (id == db) {
            copyBigBeforeWrite(d, KeyTable.NONE);
            target = earlyCopies();
        } else {
            if (pending[id] == null) {
                pending[id] = new RdbOutput(compression);
            }
            target = pending[id];
        }
        long before = target.size();
        RdbOutput t = target;
        KeyTable keys = d.keys();
        for (int k = keys.nextId(0); k != KeyTable.NONE; k = keys.nextId(k + 1)) {
            byte[] key = keys.keyArray(k);
            int off = keys.keyOffset(k);
            int len = keys.keyLength(k);
            if (reversed(keys.hashOfId(k)) < from || (h != null && h.size() > 0 && h.find(key, off, len) != null)) {
                continue;
            }
            Parts frozen = keys.isInline(k) ? null : format.frozenParts(keys.value(k));
            if (frozen != null) {
                queueFrozen(id, frozen, keys.copyKey(k), keys.value(k), d.expireAtId(k), keys.meta(k));
                continue;
            }
            writeLive(t, d, k);
        }
        if (target != output.out()) {
            extraBytes += target.size() - before;
        }
        walkDone[id] = true;
        handled[id] = null;
        if (id == db) {
            frontier = 1L << 32;
        }
    }
}
