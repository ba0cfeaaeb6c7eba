package dev.cinnabar.datatypes;

import dev.cinnabar.datatypes.value.JvmSizes;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.IntConsumer;
import java.util.random.RandomGenerator;

/**
 * A hash table of byte-string keys built for the keyspace's memory: no Java object per key. The
 * key bytes (and a small string value, when the caller puts one inline) live in large slab
 * pages; the index is an open-addressing {@code long[]}; the value and a 32-bit meta word live in
 * paged arrays by key id (a page of ids whose keys all hold inline strings shares one values
 * page). A key of 16 bytes with a 64-byte inline value costs about 113 bytes, against 150 for
 * {@link Dict} (an entry, a key array and a value array) and about 170 in Redis (measured at a
 * million keys; the index is 45-90% full, so the figure moves by ±5 bytes).
 *
 * <h2>Ids</h2>
 * Each key gets an {@code int} id when it is added, kept until it is removed. Callers hold ids,
 * not entries: an id stays valid across inserts, resizes and slab compaction. A removed key's id
 * still reads what the key held until {@link #recycle}, which the keyspace calls between
 * commands; only then is it freed for another key. Expiry times are kept apart, as Redis keeps its
 * expires dict: a dense list of the ids that have one, with their times, for active expiry and
 * volatile eviction to walk and sample, and a small open-addressing index from id to place.
 *
 * <h2>The index: Robin Hood linear probing, incremental resizing, Redis's SCAN</h2>
 * A slot holds the key's 32-bit hash and its id, so a probe compares hashes without touching the
 * slab. Inserts keep each cluster of occupied slots in order of home slot ({@code hash & mask}):
 * a key passes the slots of keys that are further from their homes and takes the place of the
 * first one nearer its home ({@link #place}). Deletion shifts the rest of the cluster back
 * instead of leaving tombstones. So every key sits in the run that starts at its home slot, and
 * the keys of one home sit together: a lookup stops at the first key nearer its home than the
 * sought one would be, and the index can fill to {@link #MAX_FILL_PERCENT}. SCAN works on home
 * buckets as {@link Dict} works on chains: visiting a bucket means walking from the home slot
 * and taking the keys whose home it is, and the reversed-binary cursor keeps Redis's guarantee
 * across resizes (see {@link Dict}).
 *
 * <p>A resize, as in {@link Dict}, allocates the new index and moves one home bucket at a time
 * (two per insert, a time-boxed batch in the cron). The old index is never written while it
 * drains: a key whose old home is below {@link #rehashIndex} has moved, and its old slot is left
 * in place as a stale copy that probes pass over. Lookups for a key whose old home has not been
 * reached try the old index and then the new one, where inserts go.
 *
 * <h2>The slab</h2>
 * A record is {@code [id:4][key length][value length][key][value]}, lengths as varints, padded to
 * 8 bytes, appended to the current page. A record's address ({@code ref}) packs the page number and
 * the offset in 8-byte units into an {@code int}. Removing a key, or moving its value out of line,
 * leaves a dead record; a page whose live bytes drop below three quarters is compacted, a slice
 * at a time between commands: its live records are copied to the current page (the id in each
 * record says whose it is) and the page is dropped. Rewriting an inline value of the same
 * padded size happens in place, so a workload that SETs values of one size makes no slab
 * garbage at all.
 *
 * <h2>Cluster slots</h2>
 * On a cluster-enabled server a table also keeps its ids by hash slot ({@link #indexSlots},
 * {@link SlotKeyIndex}), from its own {@link #add} and {@link #remove}: about 8 bytes a key, and
 * nothing at all on other servers.
 *
 * <p>Not thread-safe: the engine thread owns every table.
 */
public final class KeyTable {
    /** Returned by lookups for an absent key. */
    public static final int NONE = -1;

    /** Set in a ref while its key is removed but its id not yet recycled. */
    private static final int REMOVED = 0x80000000;

    /** {@link #value(int)} of a key whose value is inline in the slab. */
    public static final Object INLINE = new InlineMarker();

    /**
     * The values page shared by every page of ids whose keys all hold inline strings: read only,
     * never written. A page gets an array of its own when one of its ids gets an object value,
     * so a keyspace of short strings spends no 4 bytes a key on a reference that would read
     * {@link #INLINE} anyway (3.5 MB of the heap for ~865k keys).
     */
    private static final Object[] INLINE_PAGE = inlinePage();

    private static Object[] inlinePage() {
        Object[] page = new Object[ID_PAGE];
        Arrays.fill(page, INLINE);
        return page;
    }

    private static final class InlineMarker {
        @Override
        public String toString() {
            return "INLINE";
        }
    }

    private static final int ID_PAGE_BITS = 10;
    private static final int ID_PAGE = 1 << ID_PAGE_BITS;
    private static final int ID_MASK = ID_PAGE - 1;
    private static final int FIRST_ID_PAGE = 16;

    /**
     * A full page is as big as one of G1's heap regions, less the array's header, so that it is a
     * humongous object: G1 puts it straight into a region of its own, outside the young
     * generation, and never copies it. Pages of 256 KB, as the slab had before, were born young;
     * every young collection of a load copied the new ones to a survivor region and again to the
     * old generation, a cache at its limit spent most of its pauses on that, and G1 grew the heap
     * to keep them short (RSS 1.6 times maxmemory over the idle server's at -P 16; see
     * bench/RESULTS.md, 2026-12-04). G1 sizes regions from the maximum heap, a 2048th of it
     * rounded up to a power of two, between 1 and 32 MB; {@link #pageShift} does the same sum. If
     * -XX:G1HeapRegionSize says otherwise, or another collector runs, nothing is wasted: a power
     * of two fills whole regions of any smaller size, and is an ordinary array in bigger ones
     * (humongous means more than half a region).
     */
    static final int PAGE_SHIFT = pageShift(Runtime.getRuntime().maxMemory());
    /**
     * Offsets are stored in 8-byte units in the low {@link #OFFSET_BITS} bits of a ref, the page
     * number in the rest: 16 GB of keys per table, whatever the page size.
     */
    private static final int OFFSET_BITS = PAGE_SHIFT - 3;
    /** The length of a full page. A record bigger than a quarter of it gets a page of its own. */
    static final int PAGE_MAX = (1 << PAGE_SHIFT) - JvmSizes.ARRAY_HEADER;
    private static final int FIRST_PAGE = 512;
    /**
     * Growing pages double up to a quarter of a full page and then jump to a full one: a page of
     * half a region would be humongous and take a whole region.
     */
    private static final int LARGEST_PARTIAL_PAGE = 1 << (PAGE_SHIFT - 2);
    private static final int LARGE_RECORD = PAGE_MAX / 4;
    private static final int MAX_PAGES = 1 << (31 - OFFSET_BITS); // refs stay positive

    static final int INITIAL_SIZE = 4;
    private static final int MAX_SIZE = 1 << 30;
    /** Below this fill percentage an index is worth shrinking. */
    static final int MIN_FILL_PERCENT = 10;
    /**
     * Past this fill percentage an index doubles. Robin Hood order keeps lookups short this
     * full (a miss stops where a key nearer its home sits), where plain linear probing had to
     * stop at 80%: a miss there walked to the end of the cluster, 13 slots on average at 80%
     * and 50 at 90%. What stays long at 90% is the walk of an insert to the cluster's end, 50
     * slots (6 cache lines, read in order) just before the index doubles, 10 on average over a
     * doubling. The index costs 9-18 bytes a key instead of 10-20, and ~865k keys fit 2^20 slots
     * instead of 2^21 (8 MB less).
     */
    static final int MAX_FILL_PERCENT = 90;
    /**
     * How full an index may get while it may not double: during a snapshot, or when the
     * memory limit vetoes the doubling ({@link ExpandCheck}). Inserts walk 80 slots on average
     * at 92%; an open-addressing table cannot overflow into chains as {@link Dict} does.
     */
    static final int HELD_FILL_PERCENT = 92;
    /**
     * An index array at least this long (1 MB) is made on {@link #indexMaker}'s thread when the
     * table has one. Java zeroes an array as it makes it, and a fresh array of the heap faults
     * its pages in as it is zeroed: about a millisecond a megabyte here, so the doubling of an
     * index of two million keys (a 32 MB array) stopped the engine for 27-35 ms and the next one
     * would take twice that. Redis's calloc leaves those pages to fault in as the rehash reaches
     * them.
     */
    static final int OFF_THREAD_INDEX_LENGTH = 1 << 17;
    /**
     * The fill at which the next index is asked of {@link #indexMaker}, a little before it is
     * needed at {@link #MAX_FILL_PERCENT}: between the two, 6% of the slots, ~125k inserts for
     * an index of two million keys.
     */
    static final int EARLY_FILL_PERCENT = 84;

    // ------------------------------------------------------------------ per-id arrays

    private Object[][] values = new Object[0][];
    /**
     * Pages of {@link #values} that are {@link #INLINE_PAGE}: every key of their ids holds an
     * inline string, as all keys of a cache of short strings do.
     */
    private int inlineValuePages;
    /** Live ids whose values page is an array of its own (the per-id words of {@link #heapBytes}). */
    private long ownValueSlots;
    private int[][] refs = new int[0][];
    private int[][] metas = new int[0][];
    /** Ids below this have been handed out (live, or waiting in {@link #freeIds}). */
    private int idLimit;
    private int[] freeIds = new int[0];
    private int freeCount;
    /** Ids of removed keys waiting for {@link #recycle}. */
    private int[] pendingIds = new int[0];
    private int pendingCount;
    private int size;

    // ------------------------------------------------------------------ expiry times

    /** The keys with a TTL and their times; a key without one costs nothing there. */
    private final ExpiryTimes expiries = new ExpiryTimes();
    /** Bytes of the records of keys in the table (live ones): what the slab holds for them. */
    private long recordBytes;

    // ------------------------------------------------------------------ cluster slots

    /**
     * The ids by cluster hash slot, on a cluster-enabled server only ({@link #indexSlots}); null
     * otherwise, which costs nothing. Kept here rather than by the callers because every key
     * enters through {@link #add} and leaves through {@link #remove} or {@link #clear}, whoever
     * calls them: the index cannot miss a path, and leaves with the table when a database
     * is flushed, swapped or loaded anew.
     */
    private SlotKeyIndex slotIndex;

    // ------------------------------------------------------------------ the slab

    /** Page 0 is never used, so that no ref is 0 (0 marks a free id). */
    private byte[][] pages = new byte[1][];
    /** Bytes of live records per page. */
    private int[] pageLive = new int[1];
    /** Bytes of records written per page (its records end there). */
    private int[] pageEnd = new int[1];
    private int tailPage;
    private int[] freePages = new int[0];
    private int freePageCount;
    /** Pages waiting for compaction, each at most once (see {@link #queued}). */
    private int[] sparsePages = new int[0];
    private int sparseCount;
    private boolean[] queued = new boolean[1];
    private long slabBytes;
    /**
     * Full-size page arrays that compaction emptied, kept for the next pages. A cache at its
     * maxmemory turns its slab over as fast as it evicts: without these, every compacted page is
     * garbage outside the young generation (G1 frees a dead humongous array at the next young
     * collection, but a cache at its limit allocates so little that those are rare), and the
     * collector grows the heap to keep up with it. Only compaction and {@link #recycle} (between
     * commands) put arrays here, so no handler still reads one.
     *
     * <p>Compaction frees pages in bursts (keys written together age together, so their pages
     * thin out together) while the tail takes them back one at a time, so the pool holds up to
     * a quarter of the slab's pages ({@link #sparesAllowed}). With four pages of 256 KB, a cache
     * loaded past its 100 MB limit allocated 550-630 pages for 400 live ones; with an eighth, none
     * beyond those. Pages of a whole G1 region (4 MB at that heap) are 16 times fewer, and an
     * eighth of 25 pages, three, did not absorb a burst: the rest became garbage that the rare
     * young collections of a cache at its limit left in the heap, and the same load ended at
     * 229-233 MB of RSS; with a quarter, 212-219 (bench/RESULTS.md, 2026-12-06). Spare arrays
     * are not in {@link #slabBytes} or {@link #heapBytes}: like pages a malloc keeps after a
     * free, they are fragmentation.
     */
    private byte[][] sparePages = new byte[MIN_SPARE_PAGES][];
    private int spareCount;
    private static final int MIN_SPARE_PAGES = 2;
    /** The page being compacted, or 0; its records before {@link #compactAt} have moved. */
    private int compacting;
    private int compactAt;
    /** Bytes of records {@link #recycle} looks at for compaction, at most. */
    public static final int COMPACT_SLICE = 64 * 1024;
    /** Full-size page arrays made new rather than taken from the spares (for tests). */
    private long fullPagesAllocated;

    // ------------------------------------------------------------------ the index

    private long[] table0;
    private long[] table1;
    /** Live keys in table0 (stale copies of moved keys are not counted) and in table1. */
    private int used0;
    private int used1;
    private int rehashIndex = -1;
    private int rehashPaused;
    private boolean resizeAllowed = true;
    private ExpandCheck expandCheck;
    private Executor indexMaker;
    /** The next index's array, being made on {@link #indexMaker}, or null. */
    private CompletableFuture<long[]> nextIndex;
    private final long seed;

    /**
     * Asked before the index doubles in the ordinary way: false when the new index's bytes would
     * take the memory past a limit (Redis's dictExpandAllowed under maxmemory). The index then
     * fills up to {@link #HELD_FILL_PERCENT} instead, so that a cache at its limit does not grow
     * its index, count it, and evict a sixth of its keys at once to pay for it.
     */
    @FunctionalInterface
    public interface ExpandCheck {
        boolean allows(long moreBytes);
    }

    /**
     * Raised by a table that has ids or slab pages waiting for {@link #recycle}, so that whoever
     * owns many tables (the keyspace, sixteen databases) calls it after a command only when one
     * of them has work: calling all sixteen after every command took 3-4% of the engine's time
     * under pipelined GETs.
     */
    public static final class RecycleDue {
        private boolean raised;

        /** True when some table raised it since the last call; lowers it. */
        public boolean take() {
            boolean r = raised;
            raised = false;
            return r;
        }
    }

    private final RecycleDue recycleDue;

    public KeyTable() {
        this(Hashing.SEED, new RecycleDue());
    }

    /** A table with its own hash seed; tests use a fixed one for repeatable layouts. */
    public KeyTable(long seed) {
        this(seed, new RecycleDue());
    }

    /** A table that raises {@code recycleDue}, shared with its owner's other tables. */
    public KeyTable(RecycleDue recycleDue) {
        this(Hashing.SEED, recycleDue);
    }

    private KeyTable(long seed, RecycleDue recycleDue) {
        this.seed = seed;
        this.recycleDue = recycleDue;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int hashOf(byte[] key, int off, int len) {
        return Hashing.hash(key, off, len, seed);
    }

    // ================================================================== lookups

    public int find(byte[] key) {
        return find(key, 0, key.length);
    }

    public int find(byte[] key, int off, int len) {
        return find(key, off, len, hashOf(key, off, len));
    }

    /** The id of the key, or {@link #NONE}; {@code hash} is its {@link #hashOf}. */
    public int find(byte[] key, int off, int len, int hash) {
        if (size == 0) {
            return NONE;
        }
        if (rehashIndex != -1) {
            rehashStep();
        }
        return findHashed(key, off, len, hash);
    }

    private int findHashed(byte[] key, int off, int len, int hash) {
        if (rehashIndex == -1) {
            return probe(table0, key, off, len, hash);
        }
        if ((hash & (table0.length - 1)) >= rehashIndex) {
            int id = probe(table0, key, off, len, hash);
            if (id != NONE) {
                return id;
            }
        }
        return probe(table1, key, off, len, hash);
    }

    private int probe(long[] t, byte[] key, int off, int len, int hash) {
        int mask = t.length - 1;
        for (int i = hash & mask, d = 0; ; i = (i + 1) & mask, d++) {
            long slot = t[i];
            if (slot == 0 || distance(slot, i, mask) < d) {
                return NONE; // a key of this hash would sit before any key placed nearer its home
            }
            if ((int) (slot >>> 32) == hash) {
                int id = (int) slot - 1;
                if (keyEquals(id, key, off, len)) {
                    return id;
                }
            }
        }
    }

    /**
     * The index a key of hash {@code h} is looked up in first: the old one while a resize has not
     * reached its home bucket yet, else the current one ({@link #findHashed}'s order).
     */
    private long[] indexHolding(int h) {
        return rehashIndex == -1 || (h & (table0.length - 1)) >= rehashIndex ? table0 : table1;
    }

    /** Slots {@link #prefetch} looks at from a key's home: a line of the index and a little more. */
    private static final int PREFETCH_PROBES = 12;

    /**
     * Reads, for each of the first {@code n} hashes, what a lookup of that key will read first:
     * its slot (the home slot or one of the next few), the key's per-id words, the start of its
     * record and the value object's header. Nothing changes. A lookup
     * follows a chain of dependent reads (slot, then the id's ref, then the record), each a cache
     * miss once the table outgrows the caches, so looking keys up one at a time waits for every
     * miss in turn. Done here stage by stage for a batch of keys, the misses of one stage are
     * independent of each other and the processor overlaps them; the lookups that follow find the
     * lines cached. The return value folds in what was read: the caller keeps it somewhere, so
     * that the compiler cannot drop the reads. {@code scratch} holds at least {@code n} longs.
     */
    public long prefetch(int[] hashes, long[] scratch, int n) {
        if (size == 0) {
            return 0;
        }
        for (int i = 0; i < n; i++) {
            int h = hashes[i];
            long[] t = indexHolding(h);
            scratch[i] = t[h & (t.length - 1)];
        }
        long folded = 0;
        for (int i = 0; i < n; i++) {
            long slot = scratch[i];
            int h = hashes[i];
            if (slot != 0 && (int) (slot >>> 32) != h) {
                // Another key holds the home slot: this one sits further along the run, most
                // often within the same cache line or the next, which the first read brought in.
                long[] t = indexHolding(h);
                int mask = t.length - 1;
                int at = h & mask;
                for (int step = 1; step < PREFETCH_PROBES && slot != 0 && (int) (slot >>> 32) != h; step++) {
                    slot = t[(at + step) & mask];
                }
            }
            int ref = 0;
            int id = (int) slot - 1;
            // A slot of the old index may be a stale copy whose id has been freed since: it
            // still names pages that exist, and a wrong guess costs only a wasted read.
            if (slot != 0 && (int) (slot >>> 32) == h && id < idLimit) {
                ref = refs[id >>> ID_PAGE_BITS][id & ID_MASK];
                folded += readIdWords(id);
            }
            scratch[i] = ref;
        }
        for (int i = 0; i < n; i++) {
            folded += readRecord((int) scratch[i], false);
        }
        return folded;
    }

    /**
     * Reads what a command reads of id {@code id} after its ref: its access word and its value
     * object's header (the class word; a collection's command goes there next). For the
     * prefetches: returns what was read, folded.
     */
    private long readIdWords(int id) {
        long folded = metas[id >>> ID_PAGE_BITS][id & ID_MASK];
        Object v = values[id >>> ID_PAGE_BITS][id & ID_MASK];
        if (v != null && v.getClass() == Long.class) {
            folded++;
        }
        return folded;
    }

    /**
     * Reads the start of the record at {@code ref} (a guess that may name a freed record: only
     * pages that exist are read), and with {@code twoLines} the cache line after it too, where
     * a small value inline follows its key. For the prefetches: returns what was read.
     */
    private long readRecord(int ref, boolean twoLines) {
        byte[] page = ref > 0 && (ref >>> OFFSET_BITS) < pages.length ? pages[ref >>> OFFSET_BITS] : null;
        int at = offset(ref);
        if (page == null || at + 4 >= page.length) {
            return 0;
        }
        long folded = page[at + 4];
        if (twoLines && at + 68 < page.length) {
            folded += page[at + 68];
        }
        return folded;
    }

    // ================================================================== per-id access

    public Object value(int id) {
        return values[id >>> ID_PAGE_BITS][id & ID_MASK];
    }

    /**
     * Gives the key an object value. A value that was inline is dropped from the slab (its
     * record is rewritten with the key alone).
     */
    public void value(int id, Object v) {
        Object[] page = values[id >>> ID_PAGE_BITS];
        if (page == INLINE_PAGE) {
            if (v == INLINE) {
                return;
            }
            page = ownValuesPage(id >>> ID_PAGE_BITS);
        }
        if (page[id & ID_MASK] == INLINE) {
            int ref = ref(id);
            byte[] key = copyKey(id);
            writeRecord(id, key, 0, key.length, null, 0, 0);
            kill(ref);
        }
        page[id & ID_MASK] = v;
    }

    public int meta(int id) {
        return metas[id >>> ID_PAGE_BITS][id & ID_MASK];
    }

    public void meta(int id, int m) {
        metas[id >>> ID_PAGE_BITS][id & ID_MASK] = m;
    }

    /** True while {@code id} names a key of this table (not removed). */
    public boolean isLive(int id) {
        return id >= 0 && id < idLimit && rawRef(id) > 0;
    }

    /**
     * True when the index holds {@code id} as a key of hash {@code hash}: the id is live and still
     * names the key whose hash was read with it (from {@link #sample}). A removed key leaves the
     * index at once, and an id given to another key comes back with that key's hash. Reads the
     * index only, where {@link #isLive} and {@link #hashOfId} read the id's ref and its record:
     * one cache miss instead of two, and no hashing.
     */
    public boolean holds(int id, int hash) {
        long slot = ((long) hash << 32) | ((id + 1) & 0xFFFFFFFFL);
        if (rehashIndex == -1) {
            return holdsSlot(table0, hash, slot);
        }
        // As findHashed: a key whose old home has not been moved yet may be in either index.
        return ((hash & (table0.length - 1)) >= rehashIndex && holdsSlot(table0, hash, slot))
                || holdsSlot(table1, hash, slot);
    }

    private static boolean holdsSlot(long[] t, int hash, long wanted) {
        if (t == null) {
            return false;
        }
        int mask = t.length - 1;
        for (int i = hash & mask, d = 0; ; i = (i + 1) & mask, d++) {
            long slot = t[i];
            if (slot == wanted) {
                return true;
            }
            if (slot == 0 || distance(slot, i, mask) < d) {
                return false;
            }
        }
    }

    /** The array holding the key's bytes (a slab page: read only, and only until the next write). */
    public byte[] keyArray(int id) {
        return pages[ref(id) >>> OFFSET_BITS];
    }

    public int keyOffset(int id) {
        int ref = ref(id);
        return keyStart(pages[ref >>> OFFSET_BITS], offset(ref));
    }

    public int keyLength(int id) {
        int ref = ref(id);
        return Varint.read(pages[ref >>> OFFSET_BITS], offset(ref) + 4);
    }

    public byte[] copyKey(int id) {
        int ref = ref(id);
        byte[] p = pages[ref >>> OFFSET_BITS];
        int at = offset(ref);
        int start = keyStart(p, at);
        return Arrays.copyOfRange(p, start, start + Varint.read(p, at + 4));
    }

    public boolean keyEquals(int id, byte[] key, int off, int len) {
        int ref = ref(id);
        byte[] p = pages[ref >>> OFFSET_BITS];
        int at = offset(ref);
        if (Varint.read(p, at + 4) != len) {
            return false;
        }
        int start = keyStart(p, at);
        return Arrays.equals(p, start, start + len, key, off, off + len);
    }

    // ------------------------------------------------------------------ inline values

    public boolean isInline(int id) {
        return value(id) == INLINE;
    }

    /** The array holding an inline value (read only, and only until the next write). */
    public byte[] inlineArray(int id) {
        return pages[ref(id) >>> OFFSET_BITS];
    }

    public int inlineOffset(int id) {
        int ref = ref(id);
        byte[] p = pages[ref >>> OFFSET_BITS];
        int at = offset(ref);
        return keyStart(p, at) + Varint.read(p, at + 4);
    }

    public int inlineLength(int id) {
        int ref = ref(id);
        byte[] p = pages[ref >>> OFFSET_BITS];
        int at = offset(ref);
        return inlineLengthAt(p, at, Varint.read(p, at + 4));
    }

    /** {@link #value(int)}, with an inline value as a copy of its bytes. */
    public Object valueOrCopy(int id) {
        Object v = value(id);
        return v == INLINE ? copyInline(id) : v;
    }

    public byte[] copyInline(int id) {
        int off = inlineOffset(id);
        return Arrays.copyOfRange(inlineArray(id), off, off + inlineLength(id));
    }

    /**
     * Makes {@code value[off, off+len)} the key's value, stored beside the key. Overwrites the
     * old inline value in place when the record keeps its size; otherwise writes a new record.
     */
    public void inline(int id, byte[] value, int off, int len) {
        int ref = ref(id);
        byte[] p = pages[ref >>> OFFSET_BITS];
        int at = offset(ref);
        int kl = Varint.read(p, at + 4);
        int oldVl = inlineLengthAt(p, at, kl);
        int vlAt = at + 4 + Varint.size(kl);
        if (span(kl, len) == span(kl, oldVl) && Varint.size(len) == Varint.size(oldVl)) {
            Varint.write(p, vlAt, len);
            System.arraycopy(value, off, p, keyStart(p, at) + kl, len);
        } else {
            int start = keyStart(p, at);
            // The key is copied out first: the new record may land in the page being compacted.
            byte[] key = Arrays.copyOfRange(p, start, start + kl);
            writeRecord(id, key, 0, kl, value, off, len);
            kill(ref);
        }
        setInline(id);
    }

    private void setInline(int id) {
        Object[] page = values[id >>> ID_PAGE_BITS];
        if (page != INLINE_PAGE) {
            page[id & ID_MASK] = INLINE;
        }
    }

    /**
     * Gives page {@code p} of the ids a values array of its own, in place of {@link #INLINE_PAGE}:
     * its keys, live or removed and waiting for {@link #recycle}, hold inline strings.
     */
    private Object[] ownValuesPage(int p) {
        Object[] page = new Object[ID_PAGE];
        int[] r = refs[p];
        for (int i = 0; i < r.length; i++) {
            if (r[i] != 0) {
                page[i] = INLINE;
                if (r[i] > 0) {
                    ownValueSlots++;
                }
            }
        }
        values[p] = page;
        inlineValuePages--;
        return page;
    }

    // ================================================================== expiry times

    /** True when the key has an expiry time. */
    public boolean hasExpire(int id) {
        return expiries.has(id);
    }

    /** The key's expiry time; meaningful only when {@link #hasExpire}. */
    public long expireAt(int id) {
        return expiries.time(id);
    }

    /** Gives the key an expiry time, or a new one. */
    public void expireAt(int id, long when) {
        expiries.set(id, when);
    }

    /** Takes the key's expiry time away; true when it had one. */
    public boolean removeExpire(int id) {
        return expiries.remove(id);
    }

    /** Keys with an expiry time (Redis's expires dict size). */
    public int expiresSize() {
        return expiries.size();
    }

    /**
     * The id of the {@code i}-th key with an expiry time, {@code 0 <= i < expiresSize()}. Removing
     * an expiry moves the last one into its place, so a walk by index may see a key twice or miss
     * one that moved meanwhile, which sampling and active expiry can afford.
     */
    public int expiringId(int i) {
        return expiries.idAt(i);
    }

    // ================================================================== insert and remove

    /**
     * Adds a key the caller has just looked up and not found; returns its id. Its value is null
     * and its meta 0 until the caller sets them. {@code hash} is the key's {@link #hashOf}.
     */
    public int add(byte[] key, int off, int len, int hash) {
        return add(key, off, len, hash, null, 0, 0);
    }

    /** {@link #add(byte[], int, int, int)} with {@code value[voff, voff+vlen)} as its inline value. */
    public int addInline(byte[] key, int off, int len, int hash, byte[] value, int voff, int vlen) {
        int id = add(key, off, len, hash, value, voff, vlen);
        setInline(id);
        return id;
    }

    private int add(byte[] key, int off, int len, int hash, byte[] value, int voff, int vlen) {
        if (rehashIndex != -1) {
            rehashStep();
            rehashStep();
        }
        if (rehashIndex != -1 && (long) size + 1 > fillLimit(table1.length, MAX_FILL_PERCENT)) {
            // The index being filled could not take every key: a shrink that inserts
            // outgrew (a growing index has room for all of them). Start over at the right size.
            rebuild(lengthFor(((long) size + 1) * 2));
        }
        expandIfNeeded();
        int id = allocateId();
        writeRecord(id, key, off, len, value, voff, vlen);
        long[] t = rehashIndex != -1 ? table1 : table0;
        place(t, hash, id);
        if (t == table1) {
            used1++;
        } else {
            used0++;
        }
        size++;
        if (slotIndex != null) {
            slotIndex.add(id, HashSlot.of(key, off, len));
        }
        // A page of its own already holds null for this id (a fresh array, or recycle's); a shared
        // page needs slots of its own when an object value is coming (this id is counted with
        // the rest, and its slot, filled like theirs, made null).
        if (values[id >>> ID_PAGE_BITS] != INLINE_PAGE) {
            ownValueSlots++;
        } else if (value == null) {
            ownValuesPage(id >>> ID_PAGE_BITS)[id & ID_MASK] = null;
        }
        return id;
    }

    /**
     * One index of {@code length} slots with every key, at once: for the rare resize whose
     * target turned out too small. It costs a walk of both indexes.
     */
    private void rebuild(int length) {
        long[] t = new long[length];
        int mask0 = table0.length - 1;
        for (long slot : table0) {
            if (slot != 0 && (rehashIndex == -1 || ((int) (slot >>> 32) & mask0) >= rehashIndex)) {
                place(t, (int) (slot >>> 32), (int) slot - 1);
            }
        }
        if (table1 != null) {
            for (long slot : table1) {
                if (slot != 0) {
                    place(t, (int) (slot >>> 32), (int) slot - 1);
                }
            }
        }
        table0 = t;
        used0 = size;
        table1 = null;
        used1 = 0;
        rehashIndex = -1;
    }

    public int add(byte[] key) {
        return add(key, 0, key.length, hashOf(key, 0, key.length));
    }

    /** Removes the key; its id is free for reuse once this returns. Returns the id or {@link #NONE}. */
    public int remove(byte[] key, int off, int len) {
        return remove(key, off, len, hashOf(key, off, len));
    }

    public int remove(byte[] key, int off, int len, int hash) {
        if (size == 0) {
            return NONE;
        }
        if (rehashIndex != -1) {
            rehashStep();
        }
        int id = NONE;
        if (rehashIndex == -1 || (hash & (table0.length - 1)) >= rehashIndex) {
            id = unlink(table0, key, off, len, hash);
            if (id != NONE) {
                used0--;
            }
        }
        if (id == NONE && rehashIndex != -1) {
            id = unlink(table1, key, off, len, hash);
            if (id != NONE) {
                used1--;
            }
        }
        if (id == NONE) {
            return NONE;
        }
        removeExpire(id);
        int ref = ref(id);
        recordBytes -= spanAt(pages[ref >>> OFFSET_BITS], offset(ref));
        setRef(id, ref | REMOVED);
        if (pendingCount == pendingIds.length) {
            pendingIds = Arrays.copyOf(pendingIds, Math.max(16, pendingCount * 2));
        }
        pendingIds[pendingCount++] = id;
        recycleDue.raised = true;
        size--;
        // Out of the slot index at once: the id may go to another key at the next recycle().
        if (slotIndex != null) {
            slotIndex.remove(id, HashSlot.of(key, off, len));
        }
        if (values[id >>> ID_PAGE_BITS] != INLINE_PAGE) {
            ownValueSlots--;
        }
        return id;
    }

    /**
     * Frees what {@link #remove} left: the records, values and ids of the keys removed since the
     * last call. Until then a removed key's id still reads its key, value and meta (a command
     * that deleted a key may still look at what it held) and is not handed to another key, so
     * callers holding ids across a removal never see another key's data. The keyspace calls this
     * between commands.
     */
    public void recycle() {
        for (int i = 0; i < pendingCount; i++) {
            int id = pendingIds[i];
            release(ref(id), true);
            setRef(id, 0);
            Object[] vp = values[id >>> ID_PAGE_BITS];
            if (vp != INLINE_PAGE) {
                vp[id & ID_MASK] = null;
            }
            metas[id >>> ID_PAGE_BITS][id & ID_MASK] = 0;
            freeId(id);
        }
        pendingCount = 0;
        compactStep(COMPACT_SLICE);
    }

    /** Finds the key's slot, clears it and shifts the rest of its run back; returns the id or NONE. */
    private int unlink(long[] t, byte[] key, int off, int len, int hash) {
        int mask = t.length - 1;
        int i = hash & mask;
        for (int d = 0; ; i = (i + 1) & mask, d++) {
            long slot = t[i];
            if (slot == 0 || distance(slot, i, mask) < d) {
                return NONE;
            }
            if ((int) (slot >>> 32) == hash && keyEquals((int) slot - 1, key, off, len)) {
                break;
            }
        }
        int id = (int) t[i] - 1;
        // Backward-shift deletion: every later key of the cluster that is away from its home
        // moves one slot nearer, which keeps the Robin Hood order; a key at its home, or an
        // empty slot, ends the shift.
        int hole = i;
        for (int j = (hole + 1) & mask; ; j = (j + 1) & mask) {
            long slot = t[j];
            if (slot == 0 || distance(slot, j, mask) == 0) {
                break;
            }
            t[hole] = slot;
            hole = j;
        }
        t[hole] = 0;
        return id;
    }

    /**
     * Robin Hood insertion: walking from the key's home, the key takes the first slot whose
     * holder is nearer its own home than the key is, and that holder walks on in its place.
     * Within a cluster the keys stay in order of home slot, so a lookup stops at the first key
     * nearer its home than the one sought would be, and each home bucket's keys sit together.
     */
    private static void place(long[] t, int hash, int id) {
        int mask = t.length - 1;
        long carried = ((long) hash << 32) | ((id + 1) & 0xffffffffL);
        for (int i = hash & mask, d = 0; ; i = (i + 1) & mask, d++) {
            long slot = t[i];
            if (slot == 0) {
                t[i] = carried;
                return;
            }
            int held = distance(slot, i, mask);
            if (held < d) {
                t[i] = carried;
                carried = slot;
                d = held;
            }
        }
    }

    /** How far slot {@code i} is past the home of the key it holds ({@code slot} is not empty). */
    private static int distance(long slot, int i, int mask) {
        return (i - (int) (slot >>> 32)) & mask;
    }

    /** Drops every key, the index and the slab. */
    public void clear() {
        values = new Object[0][];
        inlineValuePages = 0;
        ownValueSlots = 0;
        refs = new int[0][];
        metas = new int[0][];
        idLimit = 0;
        freeIds = new int[0];
        freeCount = 0;
        pendingIds = new int[0];
        pendingCount = 0;
        expiries.clear();
        recordBytes = 0;
        size = 0;
        pages = new byte[1][];
        pageLive = new int[1];
        pageEnd = new int[1];
        tailPage = 0;
        freePages = new int[0];
        freePageCount = 0;
        sparsePages = new int[0];
        sparseCount = 0;
        queued = new boolean[1];
        compacting = 0;
        compactAt = 0;
        slabBytes = 0;
        sparePages = new byte[MIN_SPARE_PAGES][];
        spareCount = 0;
        table0 = null;
        table1 = null;
        used0 = used1 = 0;
        rehashIndex = -1;
        nextIndex = null;
        if (slotIndex != null) {
            slotIndex.clear();
        }
    }

    // ================================================================== cluster slots

    /**
     * Keeps the keys' ids by cluster hash slot from now on (Redis's slot-to-keys map of a
     * cluster-enabled server), the keys already here included. Its arrays are made with the
     * first key.
     */
    public void indexSlots() {
        if (slotIndex != null) {
            return;
        }
        slotIndex = new SlotKeyIndex();
        for (int id = nextId(0); id != NONE; id = nextId(id + 1)) {
            slotIndex.add(id, HashSlot.of(keyArray(id), keyOffset(id), keyLength(id)));
        }
    }

    public boolean slotsIndexed() {
        return slotIndex != null;
    }

    /** Keys of {@code slot} ({@link HashSlot}); 0 when slots are not indexed. */
    public int countInSlot(int slot) {
        return slotIndex == null ? 0 : slotIndex.count(slot);
    }

    /**
     * The id of the {@code i}th key of {@code slot}, {@code 0 <= i < countInSlot(slot)}. Removing
     * a key of the slot moves its last key into the removed one's place; other slots' orders
     * stay as they are.
     */
    public int idInSlot(int slot, int i) {
        if (slotIndex == null) {
            throw new IllegalStateException("slots are not indexed");
        }
        return slotIndex.idAt(slot, i);
    }

    /** The part of {@link #heapBytes} that the slot index holds. */
    public long slotIndexBytes() {
        return slotIndex == null ? 0 : slotIndex.heapBytes();
    }

    // ================================================================== resizing

    private static int fillLimit(int length, int percent) {
        return (int) ((long) length * percent / 100);
    }

    private void expandIfNeeded() {
        if (rehashIndex != -1) {
            return;
        }
        if (table0 == null) {
            table0 = new long[INITIAL_SIZE];
            return;
        }
        int length = table0.length;
        if (length >= MAX_SIZE) {
            return;
        }
        int next = used0 + 1;
        if (next <= fillLimit(length, EARLY_FILL_PERCENT)) {
            return; // nearly every insert: nothing to ask for yet
        }
        long moreBytes = JvmSizes.longArray(length * 2L);
        if (nextIndex == null && indexMaker != null && resizeAllowed && length * 2 >= OFF_THREAD_INDEX_LENGTH
                && (expandCheck == null || expandCheck.allows(moreBytes))) {
            nextIndex = CompletableFuture.supplyAsync(() -> new long[length * 2], indexMaker);
        }
        if (next <= fillLimit(length, resizeAllowed ? MAX_FILL_PERCENT : HELD_FILL_PERCENT)) {
            return;
        }
        boolean mayHold = next <= fillLimit(length, HELD_FILL_PERCENT);
        if (resizeAllowed && expandCheck != null && mayHold && !expandCheck.allows(moreBytes)) {
            nextIndex = null;
            return;
        }
        if (nextIndex != null && mayHold && !nextIndex.isDone()) {
            return; // the array is still being zeroed: a few more keys fit meanwhile
        }
        startResize(takeNextIndex(length * 2));
    }

    /** The array the next index is made of: the one {@link #indexMaker} made, or a new one. */
    private long[] takeNextIndex(int length) {
        CompletableFuture<long[]> made = nextIndex;
        nextIndex = null;
        if (made != null) {
            try {
                long[] t = made.join();
                if (t.length == length) {
                    return t;
                }
            } catch (CompletionException e) {
                // Made here instead: an OutOfMemoryError then comes where it always did.
            }
        }
        return new long[length];
    }

    /**
     * Where arrays of a big new index are made (see {@link #OFF_THREAD_INDEX_LENGTH}); null, the
     * default, makes them on the caller's thread. The array is asked for when the index is
     * {@link #EARLY_FILL_PERCENT} full, and the index fills up to {@link #HELD_FILL_PERCENT}
     * while it is not ready, past which the table waits for it.
     */
    public void indexMaker(Executor maker) {
        this.indexMaker = maker;
    }

    /** True while a new index's array is being made on {@link #indexMaker} (for tests). */
    boolean indexBeingMade() {
        return nextIndex != null;
    }

    /** See {@link ExpandCheck}; null allows every expansion. */
    public void expandCheck(ExpandCheck check) {
        this.expandCheck = check;
    }

    /** The index length that holds {@code keys} at most {@link #MAX_FILL_PERCENT} full. */
    private static int lengthFor(long keys) {
        long want = keys * 100 / MAX_FILL_PERCENT + 1;
        if (want >= MAX_SIZE) {
            return MAX_SIZE;
        }
        int n = INITIAL_SIZE;
        while (n < want) {
            n <<= 1;
        }
        return n;
    }

    /** Room for {@code keys} keys in one go (a dump's RESIZEDB hint), as {@link Dict#expand}. */
    public void expand(long keys) {
        if (rehashIndex != -1 || keys <= size || keys > MAX_SIZE / 2) {
            return;
        }
        int n = lengthFor(keys);
        if (table0 == null) {
            table0 = new long[n];
            return;
        }
        if (n > table0.length) {
            startResize(n);
        }
    }

    /** Shrinks an index that has become mostly empty; true when a resize started. */
    public boolean shrinkIfSparse() {
        if (table0 == null || rehashIndex != -1 || !resizeAllowed) {
            return false;
        }
        if (table0.length > INITIAL_SIZE && (long) used0 * 100 / table0.length < MIN_FILL_PERCENT) {
            return startResize(lengthFor(Math.max(used0 * 2L, INITIAL_SIZE / 2)));
        }
        return false;
    }

    private boolean startResize(int length) {
        if (length == table0.length) {
            return false;
        }
        startResize(new long[length]);
        return true;
    }

    private void startResize(long[] t) {
        table1 = t;
        used1 = 0;
        rehashIndex = 0;
    }

    public void resizeAllowed(boolean allowed) {
        this.resizeAllowed = allowed;
    }

    public boolean isRehashing() {
        return rehashIndex != -1;
    }

    /** Slots of the main index (0) or of the one being filled (1); 0 when absent. */
    public int tableLength(int which) {
        long[] t = which == 0 ? table0 : table1;
        return t == null ? 0 : t.length;
    }

    /**
     * How many live keys have each home bucket of the main index (0) or of the one being filled
     * (1): what a chained table's chain lengths would be, for DEBUG HTSTATS.
     */
    public int[] keysPerBucket(int which) {
        long[] t = which == 0 ? table0 : table1;
        if (t == null) {
            return new int[0];
        }
        int mask = t.length - 1;
        int[] counts = new int[t.length];
        for (long slot : t) {
            if (slot != 0) {
                int home = (int) (slot >>> 32) & mask;
                if (t != table0 || rehashIndex == -1 || home >= rehashIndex) {
                    counts[home]++;
                }
            }
        }
        return counts;
    }

    /** Live keys in the main index (0) or in the one being filled (1). */
    public int used(int which) {
        return which == 0 ? used0 : used1;
    }

    /**
     * Moves up to {@code n} home buckets of the old index to the new one, or fewer once
     * {@code 10 * n} slots have been walked (a bucket is always moved whole). Returns true while
     * there is more to move.
     */
    public boolean rehash(int n) {
        if (rehashIndex == -1) {
            return false;
        }
        long[] from = table0;
        long[] to = table1;
        int mask = from.length - 1;
        int visits = n * 10;
        while (n-- > 0 && visits > 0 && used0 > 0 && rehashIndex < from.length) {
            int b = rehashIndex++;
            for (int i = b, d = 0; from[i] != 0; i = (i + 1) & mask, d++) {
                long slot = from[i];
                int held = distance(slot, i, mask);
                if (held < d) {
                    break; // the keys of later homes start here
                }
                if (held == d) {
                    place(to, (int) (slot >>> 32), (int) slot - 1);
                    used0--;
                    used1++;
                }
                visits--;
            }
            visits--;
        }
        if (used0 == 0 || rehashIndex >= from.length) {
            table0 = table1;
            used0 = used1;
            table1 = null;
            used1 = 0;
            rehashIndex = -1;
            return false;
        }
        return true;
    }

    /** Rehashes in batches of 100 buckets until done or {@code millis} have passed (the cron's step). */
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

    // ================================================================== scan, iteration, sampling

    /**
     * Visits the keys of the home bucket(s) at {@code cursor} and returns the next cursor, 0 when
     * the scan is done: every key present from the first call to the last is visited at least
     * once. The visitor must not change the table.
     */
    public long scan(long cursor, IntConsumer visitor) {
        plainVisitor = visitor;
        try {
            return scanHashed(cursor, toPlainVisitor);
        } finally {
            plainVisitor = null;
        }
    }

    /** Told each key a {@link #scanHashed} step visits, with its hash as the index holds it. */
    @FunctionalInterface
    public interface HashedVisitor {
        void visit(int id, int hash);
    }

    /**
     * {@link #scan}, telling the visitor each key's hash too, read from the index slot the step
     * reads anyway: a caller that needs it need not read the key's record for it (a snapshot
     * placing each key against its frontier).
     */
    public long scanHashed(long cursor, HashedVisitor visitor) {
        if (size == 0) {
            return 0;
        }
        rehashPaused++;
        scanVisitor = visitor;
        try {
            // While resizing, table0 is the one being drained.
            return ScanCursor.step(cursor, table0.length, rehashIndex == -1 ? 0 : table1.length, scanBuckets);
        } finally {
            scanVisitor = null;
            rehashPaused--;
        }
    }

    /**
     * Reads the home slots of the next {@code steps} scan steps from {@code cursor}, so that
     * the steps find them cached. The cursor counts in reversed binary, so each step's bucket is
     * far from the last one's: every step of a scan over an index bigger than the caches begins
     * with a miss, and these reads, independent of each other, overlap. Nothing is read during
     * a resize. Returns what was read folded together, for the caller to keep.
     */
    public long prefetchScan(long cursor, int steps) {
        if (size == 0 || rehashIndex != -1) {
            return 0;
        }
        long[] t = table0;
        long mask = t.length - 1;
        long folded = 0;
        long v = cursor;
        for (int i = 0; i < steps; i++) {
            folded += t[(int) (v & mask)];
            v = ScanCursor.next(v, mask);
            if (v == 0) {
                break;
            }
        }
        return folded;
    }

    /** The visitor of the {@link #scanHashed} step under way, for {@link #scanBuckets}. */
    private HashedVisitor scanVisitor;
    /** {@link #scan}'s visitor, and the adapter made once that tells it the ids only. */
    private IntConsumer plainVisitor;
    private final HashedVisitor toPlainVisitor = (id, hash) -> plainVisitor.accept(id);
    /**
     * {@link #scan}'s bucket visitor, made once: a lambda capturing each call's visitor was an
     * object per step, and a background save steps once per home bucket: two million steps for
     * the 1.07M keys of bench/persistence.py's BGSAVE.
     */
    private final ScanCursor.Buckets scanBuckets =
            (t, bucket) -> visitBucket(t == 0 ? table0 : table1, bucket, t == 0 && rehashIndex != -1, scanVisitor);

    private void visitBucket(long[] t, int bucket, boolean draining, HashedVisitor visitor) {
        if (draining && bucket < rehashIndex) {
            return; // moved: its keys are in the other index now
        }
        int mask = t.length - 1;
        for (int i = bucket, d = 0; t[i] != 0; i = (i + 1) & mask, d++) {
            int held = distance(t[i], i, mask);
            if (held < d) {
                return;
            }
            if (held == d) {
                visitor.visit((int) t[i] - 1, (int) (t[i] >>> 32));
            }
        }
    }

    /**
     * The first live id at or after {@code from}, or {@link #NONE}: iteration in id order, which
     * tolerates any change between calls (a key added meanwhile may or may not be seen).
     */
    public int nextId(int from) {
        for (int id = Math.max(from, 0); id < idLimit; id++) {
            if (rawRef(id) > 0) {
                return id;
            }
        }
        return NONE;
    }

    /** A random key's id, or {@link #NONE} when empty: every key is equally likely. */
    public int randomId(RandomGenerator random) {
        if (size == 0) {
            return NONE;
        }
        if (rehashIndex != -1) {
            rehashStep();
        }
        // Sampling ids would be uniform, but freed ids may outnumber live ones after many
        // deletions; index slots are at least 10% live (shrinkIfSparse keeps them so).
        while (true) {
            long[] t = table0;
            if (rehashIndex != -1 && random.nextInt(table0.length + table1.length) >= table0.length) {
                t = table1;
            }
            int i = random.nextInt(t.length);
            long slot = t[i];
            if (slot != 0 && (t != table0 || rehashIndex == -1
                    || ((int) (slot >>> 32) & (table0.length - 1)) >= rehashIndex)) {
                return (int) slot - 1;
            }
        }
    }

    /**
     * Fills {@code out} with up to {@code out.length} distinct ids of keys found in consecutive
     * slots from a random one, as eviction's sampling does. Returns how many were taken.
     *
     * <p>While the index is resized, the old one's moved part holds only stale copies, which can
     * be nearly all of it: a walk from a random slot there could cross a million slots to find
     * five keys (and did, stalling eviction for a minute). So each index is picked in proportion
     * to the keys it still holds, and the old one is walked only from its part not yet moved.
     */
    public int sample(RandomGenerator random, int[] out) {
        return sample(random, out, null);
    }

    /**
     * {@link #sample}, with each id's hash (as {@link #hashOf} gives it) in {@code hashes}, read
     * from the index: no record is touched.
     */
    public int sample(RandomGenerator random, int[] out, int[] hashes) {
        int count = Math.min(out.length, size);
        if (count == 0) {
            return 0;
        }
        for (int j = 0; j < count && rehashIndex != -1; j++) {
            rehashStep();
        }
        if (rehashIndex == -1) {
            return sampleFrom(table0, 0, random, out, hashes, 0, count);
        }
        boolean fromNew = used0 == 0 || random.nextInt(used0 + used1) >= used0;
        int stored = fromNew ? sampleFrom(table1, -1, random, out, hashes, 0, count)
                : sampleFrom(table0, rehashIndex, random, out, hashes, 0, count);
        if (stored < count) {
            stored = fromNew ? sampleFrom(table0, rehashIndex, random, out, hashes, stored, count)
                    : sampleFrom(table1, -1, random, out, hashes, stored, count);
        }
        return stored;
    }

    /**
     * Takes live ids from index {@code t} into {@code out[stored..count)} walking from a random
     * slot; {@code drainedBelow} is the rehash index when {@code t} is the old index being
     * drained (its slots from there on, and the runs that wrap past its end, hold what has not
     * moved), else -1.
     */
    private static int sampleFrom(long[] t, int drainedBelow, RandomGenerator random, int[] out, int[] hashes,
            int stored, int count) {
        int mask = t.length - 1;
        int start;
        int span;
        if (drainedBelow < 0) {
            start = random.nextInt(t.length);
            span = t.length;
        } else {
            int left = t.length - drainedBelow;
            start = drainedBelow + random.nextInt(left);
            // What is left, and the short runs that wrap from its end into the start.
            span = Math.min(t.length, left + 64);
        }
        for (int k = 0; k < span && stored < count; k++) {
            long slot = t[(start + k) & mask];
            if (slot != 0 && (drainedBelow < 0 || ((int) (slot >>> 32) & mask) >= drainedBelow)) {
                if (hashes != null) {
                    hashes[stored] = (int) (slot >>> 32);
                }
                out[stored++] = (int) slot - 1;
            }
        }
        return stored;
    }

    // ================================================================== memory

    /**
     * The heap this table holds for its keys: their records (not the slab pages: the dead
     * records a page still holds are fragmentation, as free space inside a malloc arena is in
     * Redis, and {@link #slabBytes} reports it), the index and the per-id arrays.
     */
    public long heapBytes() {
        if (values.length == 0) {
            return 0; // never held a key: what an empty table has is the server's start-up cost
        }
        long b = recordBytes + JvmSizes.referenceArray(pages.length) + 3 * intArray(pages.length);
        b += longArray(table0) + longArray(table1);
        int idPages = values.length;
        // Slots of ids in use only: a free slot is room for the next key, as a freed dictEntry is
        // room in Redis's allocator, so deleting keys brings the figure down as it does in Redis.
        b += size * 8L + ownValueSlots * 4L + (idPages * 3L - inlineValuePages) * JvmSizes.ARRAY_HEADER
                + 3 * JvmSizes.referenceArray(idPages);
        // The free lists and the list of removed keys are bookkeeping of a few bytes per change,
        // left out so that deleting what was added gives the figure back exactly.
        return b + expiryBytes() + slotIndexBytes();
    }

    /** The part of {@link #heapBytes} that holds expiry times. */
    public long expiryBytes() {
        return expiries.bytes();
    }

    /** The hash of the key with id {@code id}, as {@link #hashOf} gives it. */
    public int hashOfId(int id) {
        int ref = ref(id);
        byte[] p = pages[ref >>> OFFSET_BITS];
        int at = offset(ref);
        return hashOf(p, keyStart(p, at), Varint.read(p, at + 4));
    }

    private static long intArray(int n) {
        return JvmSizes.intArray(n);
    }

    private static long longArray(long[] t) {
        return t == null ? 0 : JvmSizes.longArray(t.length);
    }

    /** Bytes of the keys' records in the slab: their key bytes, inline values and headers. */
    public long recordBytes() {
        return recordBytes;
    }

    /** Bytes of slab pages, live records and dead ones. */
    /**
     * {@link #prefetch} for keys known by id (a snapshot's next few): reads each id's words, then
     * each record's first two cache lines (a key and a small value inline), stage by stage so that
     * the misses of a stage overlap. Returns what was read folded together, for the caller to
     * keep. {@code scratch} holds at least {@code n} ints.
     */
    public long prefetchIds(int[] ids, int[] scratch, int n) {
        long folded = 0;
        for (int i = 0; i < n; i++) {
            int id = ids[i];
            scratch[i] = ref(id);
            folded += readIdWords(id);
        }
        for (int i = 0; i < n; i++) {
            folded += readRecord(scratch[i], true);
        }
        return folded;
    }

    public long slabBytes() {
        return slabBytes;
    }

    // ================================================================== ids

    /** The id's record, whether the key is live or removed and waiting for {@link #recycle}. */
    private int ref(int id) {
        return refs[id >>> ID_PAGE_BITS][id & ID_MASK] & ~REMOVED;
    }

    private int rawRef(int id) {
        return refs[id >>> ID_PAGE_BITS][id & ID_MASK];
    }

    private void setRef(int id, int ref) {
        refs[id >>> ID_PAGE_BITS][id & ID_MASK] = ref;
    }

    private int allocateId() {
        if (freeCount > 0) {
            return freeIds[--freeCount];
        }
        int id = idLimit++;
        int page = id >>> ID_PAGE_BITS;
        if (page == values.length) {
            values = Arrays.copyOf(values, page + 1);
            refs = Arrays.copyOf(refs, page + 1);
            metas = Arrays.copyOf(metas, page + 1);
            // The first page starts small and doubles, so that a table of a few keys (most of the
            // sixteen databases) holds a few hundred bytes, not three 1024-slot arrays.
            int length = page == 0 ? FIRST_ID_PAGE : ID_PAGE;
            // The first page stays an array of its own: it grows, and small tables hold any kind of value.
            if (page == 0) {
                values[page] = new Object[length];
            } else {
                values[page] = INLINE_PAGE;
                inlineValuePages++;
            }
            refs[page] = new int[length];
            metas[page] = new int[length];
        } else if (page == 0 && id == refs[0].length) {
            int length = id * 2;
            values[0] = Arrays.copyOf(values[0], length);
            refs[0] = Arrays.copyOf(refs[0], length);
            metas[0] = Arrays.copyOf(metas[0], length);
        }
        return id;
    }

    private void freeId(int id) {
        if (freeCount == freeIds.length) {
            freeIds = Arrays.copyOf(freeIds, Math.max(16, freeCount * 2));
        }
        freeIds[freeCount++] = id;
    }

    // ================================================================== slab records

    private static int offset(int ref) {
        return (ref & ((1 << OFFSET_BITS) - 1)) << 3;
    }

    private static int keyStart(byte[] p, int at) {
        int kl = Varint.read(p, at + 4);
        int vlAt = at + 4 + Varint.size(kl);
        return vlAt + Varint.size(Varint.read(p, vlAt));
    }

    private static int inlineLengthAt(byte[] p, int at, int keyLength) {
        return Varint.read(p, at + 4 + Varint.size(keyLength));
    }

    /** The bytes of a record with a key and an inline value of these lengths, padded. */
    public static int span(int keyLength, int valueLength) {
        int n = 4 + Varint.size(keyLength) + Varint.size(valueLength) + keyLength + valueLength;
        return (n + 7) & ~7;
    }

    private static int spanAt(byte[] p, int at) {
        int kl = Varint.read(p, at + 4);
        return span(kl, inlineLengthAt(p, at, kl));
    }

    /** Writes id's record and points the id at it. */
    private void writeRecord(int id, byte[] key, int koff, int klen, byte[] value, int voff, int vlen) {
        int span = span(klen, vlen);
        int page;
        int at;
        if (span > LARGE_RECORD) {
            page = newPage(span);
            at = 0;
        } else {
            if (tailPage == 0 || pageEnd[tailPage] + span > pages[tailPage].length) {
                int last = tailPage == 0 ? 0 : pages[tailPage].length;
                int retired = tailPage;
                int length = Math.max(FIRST_PAGE, Math.max(last * 2, span));
                tailPage = newPage(length > LARGEST_PARTIAL_PAGE ? PAGE_MAX : length);
                if (retired != 0) {
                    // Deaths in the tail were only counted: judge the page now that it is full.
                    judge(retired, false);
                }
            }
            page = tailPage;
            at = pageEnd[page];
        }
        byte[] p = pages[page];
        p[at] = (byte) id;
        p[at + 1] = (byte) (id >>> 8);
        p[at + 2] = (byte) (id >>> 16);
        p[at + 3] = (byte) (id >>> 24);
        int w = Varint.write(p, at + 4, klen);
        w = Varint.write(p, w, vlen);
        System.arraycopy(key, koff, p, w, klen);
        if (vlen > 0) {
            System.arraycopy(value, voff, p, w + klen, vlen);
        }
        pageEnd[page] = at + span;
        pageLive[page] += span;
        recordBytes += span;
        setRef(id, (page << OFFSET_BITS) | (at >>> 3));
    }

    private int newPage(int length) {
        int page;
        if (freePageCount > 0) {
            page = freePages[--freePageCount];
        } else {
            page = pages.length;
            if (page >= MAX_PAGES) {
                throw new OutOfMemoryError("key table slab full");
            }
            pages = Arrays.copyOf(pages, page + 1);
            pageLive = Arrays.copyOf(pageLive, page + 1);
            pageEnd = Arrays.copyOf(pageEnd, page + 1);
            queued = Arrays.copyOf(queued, page + 1);
        }
        if (length == PAGE_MAX && spareCount > 0) {
            pages[page] = sparePages[--spareCount];
            sparePages[spareCount] = null;
        } else {
            pages[page] = new byte[length];
            if (length == PAGE_MAX) {
                fullPagesAllocated++;
            }
        }
        pageLive[page] = 0;
        pageEnd[page] = 0;
        slabBytes += JvmSizes.byteArray(length);
        return page;
    }

    /**
     * The record at {@code ref} is dead (during a command): count it, and free or queue its page
     * when sparse.
     */
    private void kill(int ref) {
        int page = ref >>> OFFSET_BITS;
        recordBytes -= spanAt(pages[page], offset(ref));
        release(ref, false);
    }

    /**
     * {@link #kill} of a record whose key {@link #remove} already took out of {@link #recordBytes}.
     * {@code betweenCommands}: no handler can still be reading the page, so an emptied one may
     * serve again as a spare.
     */
    private void release(int ref, boolean betweenCommands) {
        int page = ref >>> OFFSET_BITS;
        byte[] p = pages[page];
        pageLive[page] -= spanAt(p, offset(ref));
        if (page != tailPage) {
            judge(page, betweenCommands);
        }
    }

    private void judge(int page, boolean betweenCommands) {
        byte[] p = pages[page];
        if (pageLive[page] == 0) {
            dropPage(page, betweenCommands);
        } else if (pageLive[page] < p.length - p.length / 4 && !queued[page]) {
            queued[page] = true;
            if (sparseCount == sparsePages.length) {
                sparsePages = Arrays.copyOf(sparsePages, Math.max(8, sparseCount * 2));
            }
            sparsePages[sparseCount++] = page;
            recycleDue.raised = true;
        }
    }

    /**
     * Frees {@code page}; {@code reusable}: its array may serve a later page (see
     * {@link #sparePages}), because no handler can hold it (compaction and {@link #recycle} run
     * between commands).
     */
    private void dropPage(int page, boolean reusable) {
        if (reusable && pages[page].length == PAGE_MAX && spareCount < sparesAllowed()) {
            if (spareCount == sparePages.length) {
                sparePages = Arrays.copyOf(sparePages, spareCount * 2);
            }
            sparePages[spareCount++] = pages[page];
        }
        slabBytes -= JvmSizes.byteArray(pages[page].length);
        if (page == compacting) {
            // Its last live records died before compaction reached them.
            compacting = 0;
            queued[page] = false;
        }
        pages[page] = null;
        pageLive[page] = 0;
        pageEnd[page] = 0;
        if (freePageCount == freePages.length) {
            freePages = Arrays.copyOf(freePages, Math.max(8, freePageCount * 2));
        }
        freePages[freePageCount++] = page;
        // A slab that shrinks for good gives its spares back too.
        while (spareCount > sparesAllowed()) {
            sparePages[--spareCount] = null;
        }
    }

    /** See {@link #sparePages}. */
    private int sparesAllowed() {
        return Math.max(MIN_SPARE_PAGES, pageCount() / 4);
    }

    /** Full-size page arrays kept for reuse (see {@link #sparePages}). */
    int sparePageCount() {
        return spareCount;
    }

    /** True while a page is half moved (for tests). */
    boolean compactionInProgress() {
        return compacting != 0;
    }

    long fullPagesAllocated() {
        return fullPagesAllocated;
    }

    /** Slab pages holding records (live or dead), not counting spares. */
    int pageCount() {
        return pages.length - 1 - freePageCount;
    }

    /**
     * Moves live records of sparse pages to the current page, looking at about {@code bytes} of
     * records (live and dead), and drops each page once it has been gone through. A sparse page
     * holds less than three quarters of its size in live records, so compaction copies at most
     * three bytes for each one it frees; a full page is several megabytes, which is why it goes
     * in slices, and a page stays where it is, half moved, between them. Returns true while
     * sparse pages remain.
     */
    public boolean compactStep(int bytes) {
        while (bytes > 0) {
            if (compacting == 0) {
                if (sparseCount == 0) {
                    return false;
                }
                int page = sparsePages[--sparseCount];
                if (pages[page] == null || page == tailPage) {
                    queued[page] = false;
                    continue;
                }
                // queued stays set until the page is dropped, so that deaths in it do not queue it again.
                compacting = page;
                compactAt = 0;
            }
            int page = compacting;
            byte[] p = pages[page];
            int end = pageEnd[page];
            int at = compactAt;
            for (; at < end && bytes > 0; ) {
                int span = spanAt(p, at);
                int id = (p[at] & 0xff) | (p[at + 1] & 0xff) << 8 | (p[at + 2] & 0xff) << 16 | (p[at + 3] & 0xff) << 24;
                int ref = (page << OFFSET_BITS) | (at >>> 3);
                int raw = id < idLimit ? rawRef(id) : 0;
                if ((raw & ~REMOVED) == ref && raw != 0) {
                    // Removed keys waiting for recycle() move too: they are still readable.
                    int kl = Varint.read(p, at + 4);
                    int vl = inlineLengthAt(p, at, kl);
                    int ks = keyStart(p, at);
                    writeRecord(id, p, ks, kl, p, ks + kl, vl);
                    recordBytes -= span; // moved, not added
                    // So that the page goes as soon as the records left in it die.
                    pageLive[page] -= span;
                    if (raw < 0) {
                        setRef(id, ref(id) | REMOVED);
                    }
                }
                at += span;
                bytes -= span;
            }
            compactAt = at;
            if (at >= end) {
                compacting = 0;
                queued[page] = false;
                dropPage(page, true);
            }
        }
        boolean more = compacting != 0 || sparseCount > 0;
        if (more) {
            // The next slices come with the next commands' recycle().
            recycleDue.raised = true;
        }
        return more;
    }

    /**
     * log2 of the size G1 gives its heap regions for a maximum heap of {@code maxHeap} bytes:
     * a 2048th of it rounded up to a power of two, at least 1 MB and at most 32 MB.
     */
    static int pageShift(long maxHeap) {
        long region = Math.max(maxHeap / 2048, 1 << 20);
        int shift = 64 - Long.numberOfLeadingZeros(region - 1);
        return Math.min(25, Math.max(20, shift));
    }

    /** Little-endian base-128 lengths. */
    static final class Varint {
        private Varint() {
        }

        static int size(int v) {
            return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
        }

        static int read(byte[] p, int at) {
            int b = p[at];
            if (b >= 0) {
                return b;
            }
            int v = b & 0x7f;
            for (int shift = 7; ; shift += 7) {
                b = p[++at];
                v |= (b & 0x7f) << shift;
                if (b >= 0) {
                    return v;
                }
            }
        }

        /** Writes {@code v} at {@code at}; returns the position after it. */
        static int write(byte[] p, int at, int v) {
            while ((v & ~0x7f) != 0) {
                p[at++] = (byte) ((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            p[at++] = (byte) v;
            return at;
        }
    }
}
