package dev.cinnabar.server.memory;

import dev.cinnabar.datatypes.KeyTable;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.AccessClock;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.stats.ServerStats;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * {@code maxmemory}: keys are evicted by {@code maxmemory-policy} until {@code used_memory} is
 * back under the limit, as Redis's evict.c does it.
 *
 * <p>Redis does not find the least recently (or frequently) used key, which would need a list
 * over all keys: it samples {@code maxmemory-samples} keys of each database and keeps the best
 * candidates seen so far in a small pool sorted by idleness, so that samples accumulate across
 * evictions and the choice gets close to true LRU at a fraction of the cost. Keys carry their
 * access data in 24 bits of their entry ({@link AccessClock}): the LRU clock, or under an LFU
 * policy a logarithmic counter with its last decrement time. {@code volatile-ttl} ranks by the
 * nearest expiry, and the random policies take a random key, one database after another.
 *
 * <p>An eviction run stops after a time that grows with {@code maxmemory-eviction-tenacity}
 * even if the memory is not yet down; then it is {@link Result#RUNNING} and the engine calls
 * {@link #perform} again soon, so lowering {@code maxmemory} by a lot frees memory in slices
 * rather than in one stall. The caller decides whether evicting is safe now (not while loading,
 * a script holds the engine, or clients are paused).
 */
public final class Eviction {
    public enum Result {
        /** Under the limit (or no limit). */
        OK,
        /** Over the limit after the time allowed: more runs follow. */
        RUNNING,
        /** Over the limit with nothing left to evict, or under {@code noeviction}. */
        FAIL
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }

    /** Candidates kept between runs, Redis's EVPOOL_SIZE. */
    static final int POOL_SIZE = 16;
    /** Keys evicted between looks at the clock. */
    private static final int KEYS_PER_CLOCK_CHECK = 16;

    private final Keyspace keyspace;
    private final ServerConfig config;
    private final ServerStats stats;
    private final MemoryAccounting memory;
    private final SplittableRandom random = new SplittableRandom();

    /*
     * The pool, in ascending idleness: the best candidate is the last one present. Redis keeps a
     * copy of each candidate's key and looks it up again before evicting it, as the key may have
     * gone meanwhile. A slot here keeps the key's id and hash instead (the hash comes with the
     * sample, from the index): copying the key meant reading its record, a cache miss per sampled
     * candidate, which was a sixth of the engine's time in a cache at its limit. Ids are reused
     * once a command ends, so before evicting a candidate its id must still be live and hold a
     * key of the same hash; a reused id that passes (another key of the same 32-bit hash, in
     * the same database, sampled before) only evicts another old key in its place.
     */
    /** Each slot's key id; NONE for an empty slot. */
    private final int[] poolIds = filled(POOL_SIZE, KeyTable.NONE);
    private final int[] poolHashes = new int[POOL_SIZE];
    private final long[] poolIdle = new long[POOL_SIZE];
    private final int[] poolDb = new int[POOL_SIZE];
    private int[] samples = new int[5];
    private int[] sampleHashes = new int[5];
    private int[] sampleMetas = new int[5];
    /** The database the random policies try first next time. */
    private int nextDb;
    private boolean running;
    /** Since when the memory has been over the limit without a run bringing it back, or 0. */
    private long exceededSinceNanos;
    private long exceededTotalNanos;

    public Eviction(Keyspace keyspace, ServerConfig config, ServerStats stats, MemoryAccounting memory) {
        this.keyspace = keyspace;
        this.config = config;
        this.stats = stats;
        this.memory = memory;
        // Under maxmemory a key table keeps its index rather than double it past the limit.
        keyspace.expandCheck(more -> config.maxMemory == 0 || memory.used() + more <= config.maxMemory);
    }

    /** The JVM's maximum heap ({@code -Xmx}). */
    private final long maxHeap = Runtime.getRuntime().maxMemory();

    /**
     * True when writes may have to be refused or keys evicted before a command: {@code maxmemory}
     * is set, or without it {@code used_memory} has reached the heap guard's limit. Cheap enough
     * for every command.
     */
    public boolean active() {
        if (config.maxMemory != 0) {
            return true;
        }
        if (config.heapReserve == 0) {
            return false;
        }
        // used_memory sums every database's tables: far from the limit it is looked at every
        // few commands, near it (past seven eighths) before each one.
        if (++guardCalls % GUARD_PERIOD == 0 || nearHeapLimit) {
            long used = memory.used();
            long limit = heapLimit();
            overHeapLimit = used > limit;
            nearHeapLimit = used > limit - limit / 8;
        }
        return overHeapLimit;
    }

    /** Commands between two looks at used_memory for the heap guard. */
    private static final int GUARD_PERIOD = 16;
    private int guardCalls;
    private boolean overHeapLimit;
    private boolean nearHeapLimit;

    /**
     * With {@code maxmemory 0}: what used_memory may reach before writes are refused, the heap
     * less {@code heap-reserve} percent of it. The estimate counts what the data holds, while
     * the collector needs room for garbage and requests need room for their arguments.
     */
    public long heapLimit() {
        return maxHeap / 100 * (100 - config.heapReserve);
    }

    /**
     * Whether the memory was over the limit with nothing left to evict when the running
     * top-level command started (Redis's pre_command_oom_state): a script may then not start
     * writing, however much its own commands free.
     */
    private boolean outOfMemoryAtCommandStart;

    public boolean outOfMemoryAtCommandStart() {
        return outOfMemoryAtCommandStart;
    }

    public void outOfMemoryAtCommandStart(boolean oom) {
        outOfMemoryAtCommandStart = oom;
    }

    /** True while a run stopped by its time limit waits to be continued. */
    public boolean running() {
        return running;
    }

    /**
     * Evicts keys until {@code used_memory} is under {@code maxmemory}, nothing is left to evict,
     * or the run's time is up (Redis's performEvictions).
     */
    public Result perform() {
        Result result = evict();
        long now = System.nanoTime();
        if (result == Result.OK) {
            if (exceededSinceNanos != 0) {
                exceededTotalNanos += now - exceededSinceNanos;
                exceededSinceNanos = 0;
            }
        } else if (exceededSinceNanos == 0) {
            exceededSinceNanos = now;
        }
        return result;
    }

    private Result evict() {
        running = false;
        if (config.maxMemory == 0) {
            // The heap guard evicts nothing: without maxmemory the user asked for no eviction.
            return config.heapReserve != 0 && memory.used() > heapLimit() ? Result.FAIL : Result.OK;
        }
        long used = memory.used();
        if (used <= config.maxMemory) {
            return Result.OK;
        }
        String policy = config.maxMemoryPolicy;
        if (policy.equals("noeviction")) {
            return Result.FAIL;
        }
        long toFree = used - config.maxMemory;
        long freed = 0;
        long limitNanos = timeLimitMicros() * 1000;
        long start = System.nanoTime();
        boolean allKeys = policy.startsWith("allkeys");
        boolean randomPolicy = policy.endsWith("random");
        int evicted = 0;
        while (freed < toFree) {
            Db db = null;
            int id = KeyTable.NONE;
            if (randomPolicy) {
                for (int i = 0; i < keyspace.count() && id == KeyTable.NONE; i++) {
                    int j = nextDb = (nextDb + 1) % keyspace.count();
                    KeyTable keys = keyspace.db(j).keys();
                    id = allKeys ? keys.randomId(random)
                            : keys.expiresSize() == 0 ? KeyTable.NONE : keys.expiringId(random.nextInt(keys.expiresSize()));
                    db = keyspace.db(j);
                }
            } else {
                int at = bestFromPool(allKeys, policy);
                if (at >= 0) {
                    db = keyspace.db(poolDb[at]);
                    id = poolIds[at];
                    poolIds[at] = KeyTable.NONE;
                }
            }
            if (id == KeyTable.NONE) {
                return Result.FAIL;
            }
            long before = memory.used();
            db.evict(id);
            freed += before - memory.used();
            stats.evictedKeys++;
            evicted++;
            if (evicted % KEYS_PER_CLOCK_CHECK == 0 && System.nanoTime() - start > limitNanos) {
                running = true;
                return Result.RUNNING;
            }
        }
        return Result.OK;
    }

    /**
     * Fills the pool from every database's samples until it yields a key that still exists;
     * returns its slot, or -1 when there are no keys to sample.
     */
    private int bestFromPool(boolean allKeys, String policy) {
        while (true) {
            long total = 0;
            for (int i = 0; i < keyspace.count(); i++) {
                KeyTable keys = keyspace.db(i).keys();
                int size = allKeys ? keys.size() : keys.expiresSize();
                if (size != 0) {
                    populate(i, keys, allKeys, policy);
                    total += size;
                }
            }
            if (total == 0) {
                return -1;
            }
            for (int k = POOL_SIZE - 1; k >= 0; k--) {
                int id = poolIds[k];
                if (id == KeyTable.NONE) {
                    continue;
                }
                KeyTable keys = keyspace.db(poolDb[k]).keys();
                if (keys.holds(id, poolHashes[k]) && (allKeys || keys.hasExpire(id))) {
                    return k;
                }
                // Deleted since it was sampled: a ghost; try the next best.
                poolIds[k] = KeyTable.NONE;
            }
        }
    }

    /** Redis's evictionPoolPopulate: each sampled key goes in by idleness if it beats the worst. */
    private void populate(int dbIndex, KeyTable keys, boolean allKeys, String policy) {
        int want = config.maxMemorySamples;
        if (samples.length != want) {
            samples = new int[want];
            sampleHashes = new int[want];
            sampleMetas = new int[want];
        }
        int[] out = samples;
        int count = allKeys ? keys.sample(random, out, sampleHashes) : sampleExpiring(keys, out);
        AccessClock clock = keyspace.access();
        boolean ttl = policy.equals("volatile-ttl");
        boolean lfu = policy.endsWith("lfu");
        int lruClock = clock.lruClock();
        int[] metas = sampleMetas;
        // The samples' meta words first, in a loop of nothing else: each is a cache miss of its
        // own (the ids are random), and read together they are waited for at once, not in turn
        // between the comparisons of the pool below.
        for (int j = 0; j < count; j++) {
            metas[j] = keys.meta(out[j]);
        }
        for (int j = 0; j < count; j++) {
            int id = out[j];
            long idle;
            if (ttl) {
                // Sooner expiry ranks higher.
                idle = Long.MAX_VALUE - keys.expireAt(id);
            } else {
                int meta = metas[j];
                idle = lfu ? 255 - clock.frequency(meta) : clock.idleMillis(meta, lruClock);
            }
            insert(dbIndex, id, sampleHashes[j], idle);
        }
    }

    /** Up to {@code out.length} keys with a TTL, consecutive in the table's list from a random one. */
    private int sampleExpiring(KeyTable keys, int[] out) {
        int n = keys.expiresSize();
        int count = Math.min(out.length, n);
        int start = random.nextInt(n);
        for (int j = 0; j < count; j++) {
            out[j] = keys.expiringId((start + j) % n);
            sampleHashes[j] = keys.hashOfId(out[j]);
        }
        return count;
    }

    private void insert(int dbIndex, int id, int hash, long idle) {
        int k = 0;
        while (k < POOL_SIZE && poolIds[k] != KeyTable.NONE && poolIdle[k] < idle) {
            k++;
        }
        if (k == 0 && poolIds[POOL_SIZE - 1] != KeyTable.NONE) {
            return; // worse than the worst, and no room
        }
        if (k < POOL_SIZE && poolIds[k] == KeyTable.NONE) {
            // an empty slot: nothing to move
        } else if (poolIds[POOL_SIZE - 1] == KeyTable.NONE) {
            // room on the right: shift right from k
            shift(k, k + 1, POOL_SIZE - k - 1);
        } else {
            // full: drop the least idle, shifting left up to k-1
            k--;
            shift(1, 0, k);
        }
        poolIds[k] = id;
        poolHashes[k] = hash;
        poolIdle[k] = idle;
        poolDb[k] = dbIndex;
    }

    private void shift(int from, int to, int n) {
        System.arraycopy(poolIds, from, poolIds, to, n);
        System.arraycopy(poolHashes, from, poolHashes, to, n);
        System.arraycopy(poolIdle, from, poolIdle, to, n);
        System.arraycopy(poolDb, from, poolDb, to, n);
    }

    /**
     * How long one run may take, from {@code maxmemory-eviction-tenacity}: 50 µs per step up to
     * 10, then 15% more per step (about two minutes at 99), and no limit at 100.
     */
    long timeLimitMicros() {
        int t = config.maxMemoryEvictionTenacity;
        if (t <= 10) {
            return 50L * t;
        }
        if (t < 100) {
            return (long) (500.0 * Math.pow(1.15, t - 10.0));
        }
        return Long.MAX_VALUE / 1000;
    }

    /** INFO {@code total_eviction_exceeded_time}, in milliseconds. */
    public long exceededTotalMillis() {
        return (exceededTotalNanos + (exceededSinceNanos == 0 ? 0 : System.nanoTime() - exceededSinceNanos)) / 1_000_000;
    }

    /** INFO {@code current_eviction_exceeded_time}, in milliseconds. */
    public long exceededCurrentMillis() {
        return exceededSinceNanos == 0 ? 0 : (System.nanoTime() - exceededSinceNanos) / 1_000_000;
    }
}
