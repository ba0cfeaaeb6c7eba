package dev.cinnabar.datatypes;

import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A chained hash table from byte-string keys to values, with Redis's incremental rehashing and
 * its SCAN guarantee. It backs the large hashes, sets and sorted sets; the keyspace has a table
 * of its own with no object per key ({@link KeyTable}).
 *
 * <h2>Why incremental rehashing</h2>
 * Growing a table of millions of keys in one go would stall the single engine thread for tens
 * of milliseconds, and every client with it. So a resize allocates the new table and then moves
 * one bucket per lookup, insert or delete (plus a time-boxed batch in the cron) until the old
 * table is empty. Meanwhile lookups try both tables, inserts go only to the new one, and a step
 * gives up after visiting ten empty buckets per bucket it was asked to move, so no single call
 * pays for a long run of empty slots.
 *
 * <h2>Why the SCAN cursor counts backwards in binary</h2>
 * A cursor is a bucket index whose bits are incremented from the most significant end. When the
 * table doubles, bucket {@code i} splits into {@code i} and {@code i + size}, which in reversed
 * binary are visited one right after the other; when it halves, they merge. Either way the
 * buckets already visited stay behind the cursor, so a key present for the whole scan is returned
 * at least once, at the price of some keys being returned twice. While rehashing, a scan step
 * visits the cursor's bucket in the small table and all its expansions in the large one.
 *
 * <h2>Entries</h2>
 * One {@link Entry} per key, holding the key, the value and the cached hash. With compressed
 * pointers an entry is 32 bytes: no boxing, no {@code HashMap.Node} plus wrapper.
 *
 * <p>Not thread-safe: the engine thread owns every Dict.
 */
public final class Dict<V> implements HashTableStats {
    /** A key/value pair in the table. The key array is owned by the entry and never modified. */
    public static final class Entry<V> {
        final byte[] key;
        final int hash;
        V value;
        Entry<V> next;

        Entry(byte[] key, int hash, V value, Entry<V> next) {
            this.key = key;
            this.hash = hash;
            this.value = value;
            this.next = next;
        }

        public byte[] key() {
            return key;
        }

        public V value() {
            return value;
        }

        public void value(V v) {
            this.value = v;
        }
    }

    static final int INITIAL_SIZE = DictSizing.INITIAL;
    /** Entries {@link #fairRandomEntry} samples before picking one: Redis's GETFAIR_NUM_ENTRIES. */
    static final int FAIR_SAMPLE = 15;

    private Entry<V>[] table0 = null;
    private Entry<V>[] table1 = null;
    private int used0;
    private int used1;
    /** The next bucket of table0 to move, or -1 when not rehashing. */
    private int rehashIndex = -1;
    /** While positive no rehash step runs: a scan or iteration is walking the tables. */
    private int rehashPaused;
    /** False while a snapshot would rather not see memory doubled by a resize. */
    private boolean resizeAllowed = true;
    private final long seed;

    public Dict() {
        this(Hashing.SEED);
    }

    /** A dict with its own hash seed; tests use a fixed one for repeatable layouts. */
    public Dict(long seed) {
        this.seed = seed;
    }

    public int size() {
        return used0 + used1;
    }

    public boolean isEmpty() {
        return used0 + used1 == 0;
    }

    /** Buckets in the main table plus the one being filled; for INFO and memory estimates. */
    public int buckets() {
        return (table0 == null ? 0 : table0.length) + (table1 == null ? 0 : table1.length);
    }

    /** Buckets of the main table (0) or of the table being filled while rehashing (1); 0 when absent. */
    @Override
    public int tableLength(int which) {
        Entry<V>[] t = which == 0 ? table0 : table1;
        return t == null ? 0 : t.length;
    }

    /** Entries in the main table (0) or in the table being filled (1): DEBUG HTSTATS. */
    @Override
    public int used(int which) {
        return which == 0 ? used0 : used1;
    }

    /** How many entries chain from {@code bucket} of table {@code which}: DEBUG HTSTATS. */
    @Override
    public int chainLength(int which, int bucket) {
        int n = 0;
        for (Entry<V> e = (which == 0 ? table0 : table1)[bucket]; e != null; e = e.next) {
            n++;
        }
        return n;
    }

    @Override
    public boolean isRehashing() {
        return rehashIndex != -1;
    }

    /** The next bucket a rehash step moves; for tests. */
    int rehashIndex() {
        return rehashIndex;
    }

    public void resizeAllowed(boolean allowed) {
        this.resizeAllowed = allowed;
    }

    public int hashOf(byte[] key, int off, int len) {
        return Hashing.hash(key, off, len, seed);
    }

    // ---------------------------------------------------------------- lookup

    public Entry<V> find(byte[] key) {
        return find(key, 0, key.length);
    }

    public Entry<V> find(byte[] key, int off, int len) {
        if (used0 + used1 == 0) {
            return null;
        }
        if (rehashIndex != -1) {
            rehashStep();
        }
        return findHashed(key, off, len, hashOf(key, off, len));
    }

    private Entry<V> findHashed(byte[] key, int off, int len, int h) {
        Entry<V> e = table0[h & (table0.length - 1)];
        for (; e != null; e = e.next) {
            if (e.hash == h && keyEquals(e.key, key, off, len)) {
                return e;
            }
        }
        if (rehashIndex != -1) {
            for (e = table1[h & (table1.length - 1)]; e != null; e = e.next) {
                if (e.hash == h && keyEquals(e.key, key, off, len)) {
                    return e;
                }
            }
        }
        return null;
    }

    public V get(byte[] key) {
        Entry<V> e = find(key, 0, key.length);
        return e == null ? null : e.value;
    }

    public V get(byte[] key, int off, int len) {
        Entry<V> e = find(key, off, len);
        return e == null ? null : e.value;
    }

    public boolean containsKey(byte[] key) {
        return find(key, 0, key.length) != null;
    }

    // ---------------------------------------------------------------- insert

    /**
     * Returns the entry for the key, creating it with a null value and a copy of the key bytes
     * when absent. One hash computation serves both the lookup and the insert; callers tell a
     * new entry by its null value.
     */
    public Entry<V> findOrCreate(byte[] key, int off, int len) {
        if (rehashIndex != -1) {
            rehashStep();
        }
        int h = hashOf(key, off, len);
        if (used0 + used1 > 0) {
            Entry<V> e = findHashed(key, off, len, h);
            if (e != null) {
                return e;
            }
        }
        return insert(Arrays.copyOfRange(key, off, off + len), h, null);
    }

    /** Inserts or replaces; the dict keeps {@code key} without copying. Returns the previous value. */
    public V put(byte[] key, V value) {
        if (rehashIndex != -1) {
            rehashStep();
        }
        int h = hashOf(key, 0, key.length);
        if (used0 + used1 > 0) {
            Entry<V> e = findHashed(key, 0, key.length, h);
            if (e != null) {
                V old = e.value;
                e.value = value;
                return old;
            }
        }
        insert(key, h, value);
        return null;
    }

    private Entry<V> insert(byte[] ownedKey, int h, V value) {
        expandIfNeeded();
        Entry<V>[] t = rehashIndex != -1 ? table1 : table0;
        int idx = h & (t.length - 1);
        Entry<V> e = new Entry<>(ownedKey, h, value, t[idx]);
        t[idx] = e;
        if (t == table1) {
            used1++;
        } else {
            used0++;
        }
        return e;
    }

    // ---------------------------------------------------------------- delete

    public Entry<V> remove(byte[] key) {
        return remove(key, 0, key.length);
    }

    /** Unlinks the key's entry and returns it, or null when absent. */
    public Entry<V> remove(byte[] key, int off, int len) {
        if (used0 + used1 == 0) {
            return null;
        }
        if (rehashIndex != -1) {
            rehashStep();
        }
        int h = hashOf(key, off, len);
        for (int t = 0; t <= 1; t++) {
            Entry<V>[] tab = t == 0 ? table0 : table1;
            int idx = h & (tab.length - 1);
            Entry<V> prev = null;
            for (Entry<V> e = tab[idx]; e != null; prev = e, e = e.next) {
                if (e.hash == h && keyEquals(e.key, key, off, len)) {
                    if (prev == null) {
                        tab[idx] = e.next;
                    } else {
                        prev.next = e.next;
                    }
                    e.next = null;
                    if (t == 0) {
                        used0--;
                    } else {
                        used1--;
                    }
                    return e;
                }
            }
            if (rehashIndex == -1) {
                break;
            }
        }
        return null;
    }

    /** Drops every entry and both tables. */
    public void clear() {
        table0 = null;
        table1 = null;
        used0 = used1 = 0;
        rehashIndex = -1;
    }

    // ---------------------------------------------------------------- resizing

    private void expandIfNeeded() {
        if (rehashIndex != -1) {
            return;
        }
        if (table0 == null) {
            table0 = newTable(INITIAL_SIZE);
            return;
        }
        int grown = DictSizing.grownLength(used0, table0.length, resizeAllowed);
        if (grown != 0) {
            startResize(grown);
        }
    }

    /**
     * Redis's dictExpand: room for {@code size} entries in one go, as loading a dump does with
     * its RESIZEDB hint, so that the keys that follow need no rehashing. An empty dict gets its
     * table at once; a smaller one starts a resize; a dict already that big is left alone.
     */
    public void expand(long size) {
        if (rehashIndex != -1 || size <= used0 || size > DictSizing.MAX) {
            return;
        }
        if (table0 == null) {
            table0 = newTable(DictSizing.lengthFor(size));
            return;
        }
        startResize(DictSizing.lengthFor(size));
    }

    /**
     * Shrinks a table that has become mostly empty, as Redis's cron does for the keyspace and as
     * collection types do after deletions. Returns true when a resize started.
     */
    public boolean shrinkIfSparse() {
        if (table0 == null || rehashIndex != -1 || !resizeAllowed) {
            return false;
        }
        int shrunk = DictSizing.shrunkLength(used0, table0.length);
        return shrunk != 0 && startResize(shrunk);
    }

    private boolean startResize(int size) {
        if (size == table0.length) {
            return false;
        }
        table1 = newTable(size);
        used1 = 0;
        rehashIndex = 0;
        return true;
    }

    /**
     * Moves up to {@code n} buckets from the old table to the new one, visiting at most
     * {@code 10 * n} empty buckets. Returns true while there is more to move.
     */
    public boolean rehash(int n) {
        if (rehashIndex == -1) {
            return false;
        }
        int emptyVisits = n * 10;
        Entry<V>[] from = table0;
        Entry<V>[] to = table1;
        int mask = to.length - 1;
        while (n-- > 0 && used0 != 0) {
            while (from[rehashIndex] == null) {
                rehashIndex++;
                if (--emptyVisits == 0) {
                    return true;
                }
            }
            Entry<V> e = from[rehashIndex];
            while (e != null) {
                Entry<V> next = e.next;
                int idx = e.hash & mask;
                e.next = to[idx];
                to[idx] = e;
                used0--;
                used1++;
                e = next;
            }
            from[rehashIndex] = null;
            rehashIndex++;
        }
        if (used0 == 0) {
            table0 = table1;
            used0 = used1;
            table1 = null;
            used1 = 0;
            rehashIndex = -1;
            return false;
        }
        return true;
    }

    /** Rehashes in batches of 100 buckets until done or {@code millis} have passed (Redis's cron step). */
    public int rehashFor(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        int moved = 0;
        while (rehash(100)) {
            moved += 100;
            if (System.nanoTime() > deadline) {
                break;
            }
        }
        return moved;
    }

    private void rehashStep() {
        if (rehashPaused == 0) {
            rehash(1);
        }
    }

    // ---------------------------------------------------------------- scan

    /**
     * Visits the buckets at {@code cursor} and returns the next cursor, 0 when the scan is done.
     * Every key present from the first call to the last is visited at least once. The visitor
     * must not modify the dict; collect keys and act on them after the call.
     */
    public long scan(long cursor, Consumer<Entry<V>> visitor) {
        if (used0 + used1 == 0) {
            return 0;
        }
        rehashPaused++;
        try {
            return ScanCursor.step(cursor, table0.length, rehashIndex == -1 ? 0 : table1.length,
                    (t, bucket) -> visitChain((t == 0 ? table0 : table1)[bucket], visitor));
        } finally {
            rehashPaused--;
        }
    }

    private static <V> void visitChain(Entry<V> e, Consumer<Entry<V>> visitor) {
        while (e != null) {
            Entry<V> next = e.next;
            visitor.accept(e);
            e = next;
        }
    }

    // ---------------------------------------------------------------- iteration and sampling

    /**
     * An iterator that pauses rehashing while open and tolerates removal of the entry it just
     * returned (through {@link #remove}), as lazy expiry during KEYS needs. Close it when done.
     */
    public final class Cursor implements AutoCloseable {
        private int table;
        private int index = -1;
        private Entry<V> next;
        private boolean closed;

        Cursor() {
            rehashPaused++;
            nextBucket();
        }

        /** Points {@code next} at the head of the next non-empty bucket, or null at the end. */
        private void nextBucket() {
            next = null;
            while (true) {
                Entry<V>[] t = table == 0 ? table0 : table1;
                if (t == null) {
                    return;
                }
                index++;
                if (index >= t.length) {
                    if (table == 0 && rehashIndex != -1) {
                        table = 1;
                        index = -1;
                        continue;
                    }
                    return;
                }
                if (t[index] != null) {
                    next = t[index];
                    return;
                }
            }
        }

        public boolean hasNext() {
            return next != null;
        }

        public Entry<V> next() {
            Entry<V> e = next;
            if (e == null) {
                throw new NoSuchElementException();
            }
            // Step past e before handing it out, so that removing e does not cut the walk short.
            if (e.next != null) {
                next = e.next;
            } else {
                nextBucket();
            }
            return e;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                rehashPaused--;
            }
        }
    }

    public Cursor cursor() {
        return new Cursor();
    }

    public void forEach(Consumer<Entry<V>> action) {
        try (Cursor c = cursor()) {
            while (c.hasNext()) {
                action.accept(c.next());
            }
        }
    }

    /** A random entry; buckets are uniform, so entries in long chains are slightly less likely. */
    public Entry<V> randomEntry(RandomGenerator random) {
        if (used0 + used1 == 0) {
            return null;
        }
        if (rehashIndex != -1) {
            rehashStep();
        }
        Entry<V> head;
        if (rehashIndex != -1) {
            int s0 = table0.length;
            int span = s0 + table1.length - rehashIndex;
            do {
                // Buckets of table0 below rehashIndex are known to be empty.
                int h = rehashIndex + random.nextInt(span);
                head = h >= s0 ? table1[h - s0] : table0[h];
            } while (head == null);
        } else {
            int mask = table0.length - 1;
            do {
                head = table0[random.nextInt() & mask];
            } while (head == null);
        }
        int chain = 0;
        for (Entry<V> e = head; e != null; e = e.next) {
            chain++;
        }
        Entry<V> e = head;
        for (int k = random.nextInt(chain); k > 0; k--) {
            e = e.next;
        }
        return e;
    }

    /**
     * A random entry with a fairer distribution than {@link #randomEntry}: sample a run of
     * entries and pick one of them, as Redis does for RANDOMKEY.
     */
    public Entry<V> fairRandomEntry(RandomGenerator random) {
        @SuppressWarnings("unchecked")
        Entry<V>[] sample = new Entry[FAIR_SAMPLE];
        int n = sample(random, sample);
        if (n == 0) {
            return randomEntry(random);
        }
        return sample[random.nextInt(n)];
    }

    /**
     * Fills {@code out} with up to {@code out.length} entries taken from consecutive buckets
     * starting at a random one; entries may repeat only across calls. Returns how many were taken.
     * Eviction and fair random selection build on this.
     */
    public int sample(RandomGenerator random, Entry<V>[] out) {
        int count = Math.min(out.length, size());
        if (count == 0) {
            return 0;
        }
        for (int j = 0; j < count && rehashIndex != -1; j++) {
            rehashStep();
        }
        int tables = rehashIndex != -1 ? 2 : 1;
        int maxMask = table0.length - 1;
        if (tables == 2 && table1.length - 1 > maxMask) {
            maxMask = table1.length - 1;
        }
        int i = random.nextInt() & maxMask;
        int emptyRun = 0;
        int stored = 0;
        int maxSteps = count * 10;
        while (stored < count && maxSteps-- > 0) {
            for (int j = 0; j < tables; j++) {
                Entry<V>[] t = j == 0 ? table0 : table1;
                if (tables == 2 && j == 0 && i < rehashIndex) {
                    // Already moved to table1; when table1 is smaller than i, jump ahead instead.
                    if (i >= table1.length) {
                        i = rehashIndex;
                    } else {
                        continue;
                    }
                }
                if (i >= t.length) {
                    continue;
                }
                Entry<V> e = t[i];
                if (e == null) {
                    emptyRun++;
                    if (emptyRun >= 5 && emptyRun > count) {
                        i = random.nextInt() & maxMask;
                        emptyRun = 0;
                    }
                } else {
                    emptyRun = 0;
                    // The rest of a chain that overflows replaces taken entries at random
                    // (reservoir sampling), so that a long chain's tail is not left out.
                    int seen = stored;
                    while (e != null) {
                        if (seen < count) {
                            out[seen] = e;
                        } else {
                            int k = random.nextInt(seen + 1);
                            if (k < count) {
                                out[k] = e;
                            }
                        }
                        seen++;
                        e = e.next;
                    }
                    stored = Math.min(seen, count);
                    if (stored == count) {
                        return stored;
                    }
                }
            }
            i = (i + 1) & maxMask;
        }
        return stored;
    }

    // ---------------------------------------------------------------- helpers

    static boolean keyEquals(byte[] stored, byte[] key, int off, int len) {
        return stored.length == len && Arrays.equals(stored, 0, len, key, off, off + len);
    }

    @SuppressWarnings("unchecked")
    private static <V> Entry<V>[] newTable(int size) {
        return (Entry<V>[]) new Entry[size];
    }

}
