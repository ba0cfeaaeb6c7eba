package dev.cinnabar.server.db;

import java.util.SplittableRandom;

/**
 * The access data each key carries in its entry's 24-bit meta, as Redis keeps it in the value's
 * {@code lru} field. Under an LRU (or no) eviction policy it is the time of the last access in
 * seconds, modulo 2^24; under an LFU policy it is the last decrement time in minutes (16 bits)
 * above a logarithmic access counter (8 bits). OBJECT IDLETIME and OBJECT FREQ read it, and
 * eviction will sample it.
 *
 * <p>Which of the two is kept follows {@code maxmemory-policy}: whoever changes the policy calls
 * {@link #lfu(boolean)}. As in Redis, keys written under the other policy read oddly until they
 * are next accessed.
 */
public final class AccessClock {
    /** The counter a new value starts with, so that it is not evicted before it had a chance. */
    public static final int LFU_INIT_VAL = 5;
    static final int LRU_CLOCK_MAX = (1 << 24) - 1;
    private static final int LRU_RESOLUTION_MS = 1000;

    private final Keyspace keyspace;
    // The engine thread is the only user, so an unsynchronized generator is right.
    private final SplittableRandom random = new SplittableRandom();
    private boolean lfu;
    private boolean ownIntegers;
    private int lfuLogFactor = 10;
    private int lfuDecayMinutes = 1;

    AccessClock(Keyspace keyspace) {
        this.keyspace = keyspace;
    }

    public boolean lfu() {
        return lfu;
    }

    /** True under an {@code *-lfu} maxmemory policy. */
    public void lfu(boolean enabled) {
        this.lfu = enabled;
    }

    /**
     * True when every key is to hold an integer object of its own: Redis keeps a value's LRU or
     * LFU data in the value object, so with a {@code maxmemory} and an LRU or LFU policy it stops
     * handing out its shared integers 0..9999 (MAXMEMORY_FLAG_NO_SHARED_INTEGERS), and OBJECT
     * REFCOUNT of an integer written then says 1.
     */
    public boolean ownIntegers() {
        return ownIntegers;
    }

    public void ownIntegers(boolean own) {
        this.ownIntegers = own;
    }

    /** {@code lfu-log-factor}: how many accesses it takes to raise the counter. */
    public void lfuLogFactor(int factor) {
        this.lfuLogFactor = factor;
    }

    /** {@code lfu-decay-time}: minutes per counter decrement while a key is not accessed. */
    public void lfuDecayTime(int minutes) {
        this.lfuDecayMinutes = minutes;
    }

    /** The meta of a value just created. */
    public int created() {
        return lfu ? (lfuMinutes() << 8) | LFU_INIT_VAL : lruClock();
    }

    /** The meta after an access to a value whose meta was {@code meta}. */
    public int accessed(int meta) {
        if (!lfu) {
            return lruClock();
        }
        return (lfuMinutes() << 8) | logIncrement(decayedCounter(meta));
    }

    /**
     * The meta for a value given access data from outside (RESTORE's FREQ and IDLETIME, the RDB
     * file's FREQ and IDLE opcodes; -1 where absent), as Redis's objectSetLRUOrLFU: under an LFU
     * policy a frequency is taken, otherwise an idle time in seconds; else {@code meta} stays.
     * {@code lruClock} is the LRU clock when the idle time was read.
     */
    public int restored(int meta, long lfuFreq, long lruIdleSeconds, int lruClock) {
        if (lfu) {
            return lfuFreq >= 0 ? (lfuMinutes() << 8) | (int) lfuFreq : meta;
        }
        if (lruIdleSeconds >= 0) {
            long abs = lruClock - lruIdleSeconds;
            if (abs < 0) {
                abs += LRU_CLOCK_MAX;
            }
            return (int) (abs & LRU_CLOCK_MAX);
        }
        return meta;
    }

    /** The LRU clock: seconds, wrapping at 2^24. */
    public int lruClock() {
        return (int) ((keyspace.now() / LRU_RESOLUTION_MS) & LRU_CLOCK_MAX);
    }

    /** Milliseconds since the last access, at the LRU clock's one-second resolution. */
    public long idleMillis(int meta) {
        return idleMillis(meta, lruClock());
    }

    /** {@link #idleMillis(int)} against a clock read once for many keys (eviction's samples). */
    public long idleMillis(int meta, int clock) {
        long last = meta & LRU_CLOCK_MAX;
        long ticks = clock >= last ? clock - last : clock + (LRU_CLOCK_MAX - last);
        return ticks * LRU_RESOLUTION_MS;
    }

    /** OBJECT FREQ: the counter, decayed for the time since it was last updated. */
    public int frequency(int meta) {
        return decayedCounter(meta);
    }

    private int lfuMinutes() {
        return (int) ((keyspace.now() / 1000 / 60) & 0xffff);
    }

    private int decayedCounter(int meta) {
        int counter = meta & 0xff;
        if (lfuDecayMinutes == 0) {
            return counter;
        }
        int then = (meta >>> 8) & 0xffff;
        int now = lfuMinutes();
        int elapsed = now >= then ? now - then : 0xffff - then + now;
        int periods = elapsed / lfuDecayMinutes;
        return periods > counter ? 0 : counter - periods;
    }

    /** Raises the counter with a probability that falls as it grows, so 255 takes ~1M hits. */
    private int logIncrement(int counter) {
        if (counter == 255) {
            return 255;
        }
        double base = Math.max(0, counter - LFU_INIT_VAL);
        double p = 1.0 / (base * lfuLogFactor + 1);
        return random.nextDouble() < p ? counter + 1 : counter;
    }
}
