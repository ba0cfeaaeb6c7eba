package dev.cinnabar.server.db;

import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.value.JvmSizes;
import dev.cinnabar.protocol.Argv;
import java.util.random.RandomGenerator;

/**
 * One numbered database: the key table and, separately, the expiry times of the keys that have
 * one (as in Redis, so a key without a TTL pays nothing for TTL support, and active expiry
 * samples only keys that can expire).
 *
 * <p>Lookups take the key as an argument slice so that reading a key allocates nothing. Every
 * lookup first expires the key if its time has passed (lazy expiry). Every change goes through
 * the write hook: {@link #setKey}, {@link #add}, {@link #delete} and expiry call it themselves;
 * commands that change a value in place, or only its TTL ({@link #setExpire},
 * {@link #removeExpire}), call {@link #signalModified}, once, as Redis signals once per command.
 *
 * <p>The same write paths keep {@link #memory()} up to date, a running estimate of the heap the
 * database holds, so that INFO and eviction never walk the keys. A command that replaces a value
 * through its entry or grows it in place says so with {@link #replaceValue} or
 * {@link #valueChanged}.
 */
public final class Db {
    /** Entry meta: the low 24 bits hold the LRU clock (or LFU data), as Redis's LRU_BITS. */
    public static final int LRU_CLOCK_MAX = AccessClock.LRU_CLOCK_MAX;

    public final int id;
    private final Keyspace keyspace;
    private Dict<Object> keys = new Dict<>();
    private Dict<Long> expires = new Dict<>();
    /** Where the active expiry cycle resumes its walk of {@link #expires}. */
    public long expireCursor;
    /** Running average of the TTLs the active cycle sampled, in ms, for INFO's avg_ttl. */
    public long avgTtl;
    /** Heap bytes of the entries, key copies, values and expiry times; the tables are measured on read. */
    private long bytes;

    Db(int id, Keyspace keyspace) {
        this.id = id;
        this.keyspace = keyspace;
    }

    public Keyspace keyspace() {
        return keyspace;
    }

    public int size() {
        return keys.size();
    }

    public int expiresSize() {
        return expires.size();
    }

    /** The key table itself, for SCAN, KEYS, RANDOMKEY and the cron. */
    public Dict<Object> keys() {
        return keys;
    }

    public Dict<Long> expires() {
        return expires;
    }

    // ------------------------------------------------------------------ lookups

    /** A read lookup: expires the key if due, counts a hit or miss, records the access. */
    public Object lookupRead(Argv argv, int i) {
        return lookupRead(argv.array(i), argv.offset(i), argv.length(i));
    }

    public Object lookupRead(byte[] key, int off, int len) {
        Dict.Entry<Object> e = lookup(key, off, len);
        if (e == null) {
            keyspace.misses++;
            return null;
        }
        keyspace.hits++;
        touch(e);
        return e.value();
    }

    /**
     * A read lookup that leaves the access data alone (Redis's LOOKUP_NOTOUCH): EXISTS, TYPE,
     * TTL and OBJECT look at a key without making it look recently used. Still counts.
     */
    public Object peek(Argv argv, int i) {
        return peek(argv.array(i), argv.offset(i), argv.length(i));
    }

    public Object peek(byte[] key, int off, int len) {
        Dict.Entry<Object> e = lookup(key, off, len);
        if (e == null) {
            keyspace.misses++;
            return null;
        }
        keyspace.hits++;
        return e.value();
    }

    /** Like {@link #peek} but returns the entry, for OBJECT's access data. */
    public Dict.Entry<Object> peekEntry(Argv argv, int i) {
        Dict.Entry<Object> e = lookup(argv.array(i), argv.offset(i), argv.length(i));
        if (e == null) {
            keyspace.misses++;
        } else {
            keyspace.hits++;
        }
        return e;
    }

    /** A write lookup: expires the key if due and records the access; no hit/miss counting. */
    public Object lookupWrite(Argv argv, int i) {
        Dict.Entry<Object> e = writeEntry(argv, i);
        return e == null ? null : e.value();
    }

    /** The entry behind {@link #lookupWrite}, for commands that move or re-time the key. */
    public Dict.Entry<Object> writeEntry(Argv argv, int i) {
        return writeEntry(argv.array(i), argv.offset(i), argv.length(i));
    }

    public Dict.Entry<Object> writeEntry(byte[] key, int off, int len) {
        Dict.Entry<Object> e = lookup(key, off, len);
        if (e != null) {
            touch(e);
        }
        return e;
    }

    /** The live entry for a key, or null; expires it first if due. Does not count or touch. */
    public Dict.Entry<Object> entry(Argv argv, int i) {
        return lookup(argv.array(i), argv.offset(i), argv.length(i));
    }

    public Dict.Entry<Object> entry(byte[] key) {
        return lookup(key, 0, key.length);
    }

    private void touch(Dict.Entry<Object> e) {
        if (!keyspace.noTouch()) {
            e.meta(keyspace.access().accessed(e.meta()));
        }
    }

    private Dict.Entry<Object> lookup(byte[] key, int off, int len) {
        Dict.Entry<Object> e = keys.find(key, off, len);
        if (e != null && expires.size() > 0 && expireIfNeeded(e)) {
            return null;
        }
        return e;
    }

    /**
     * Deletes the key if its time has passed. Returns true when the key counts as gone: on a
     * replica it stays in memory until the master's DEL, but readers must not see it.
     */
    private boolean expireIfNeeded(Dict.Entry<Object> e) {
        return expireIfNeeded(e.key());
    }

    /**
     * True when the key has a TTL that has passed, without deleting it (KEYS reports only live
     * keys but leaves the deleting to others). A key is still alive during its expiry
     * millisecond; a negative time, which only a replica can hold, never expires by itself.
     */
    public boolean isExpired(byte[] key) {
        if (expires.size() == 0) {
            return false;
        }
        Long when = expires.get(key);
        return when != null && when >= 0 && keyspace.now() > when;
    }

    /**
     * Expires the key if its time has passed, as a lookup would, and says whether it had: for
     * commands that walk keys without looking them up (SCAN). A missing key is not expired.
     */
    public boolean expireIfNeeded(byte[] key) {
        if (!isExpired(key)) {
            return false;
        }
        if (keyspace.expiryEnabled() && !keyspace.expiryPaused()) {
            deleteExpired(key);
        }
        return true;
    }

    /** Removes a key whose TTL passed, as both lazy and active expiry do. */
    public void deleteExpired(byte[] key) {
        if (expires.remove(key) != null) {
            bytes -= EntrySizes.EXPIRE_ENTRY;
        }
        Dict.Entry<Object> gone = keys.remove(key);
        if (gone != null) {
            bytes -= EntrySizes.keyEntry(gone.key().length) + EntrySizes.value(gone.value());
        }
        keyspace.expiredKeys++;
        keyspace.keyModified(this, key, 0, key.length);
    }

    /**
     * A random live key for RANDOMKEY, or null when there is none. Expired keys met on the way
     * are deleted. On a replica they cannot be, so when every key has a TTL the search stops
     * after 100 expired picks and returns one of them rather than looping forever.
     */
    public byte[] randomKey(RandomGenerator random) {
        boolean allVolatile = keys.size() == expires.size();
        int tries = 100;
        while (true) {
            Dict.Entry<Object> e = keys.fairRandomEntry(random);
            if (e == null) {
                return null;
            }
            byte[] key = e.key();
            if (expires.size() > 0 && expires.get(key) != null) {
                if (allVolatile && (!keyspace.expiryEnabled() || keyspace.expiryPaused()) && --tries == 0) {
                    return key;
                }
                if (expireIfNeeded(e)) {
                    continue;
                }
            }
            return key;
        }
    }

    // ------------------------------------------------------------------ writes

    /**
     * Sets a key to a value, creating or overwriting it, like Redis's setKey. The TTL is removed
     * unless {@code keepTtl}. The key bytes are copied when the key is new.
     */
    public Dict.Entry<Object> setKey(Argv argv, int i, Object value, boolean keepTtl) {
        return setKey(argv.array(i), argv.offset(i), argv.length(i), value, null, 0, keepTtl);
    }

    /** Sets a key given as an owned array; see {@link #setKey(Argv, int, Object, boolean)}. */
    public Dict.Entry<Object> setKey(byte[] key, Object value, boolean keepTtl) {
        return setKey(key, 0, key.length, value, null, 0, keepTtl);
    }

    /**
     * SET's write: {@link #setKey} with the string value of argument {@code valueArg}, encoded
     * as {@link StringValues#fromArg} does. An old value held as bytes of the same length takes
     * the new bytes in place: overwriting a key with a value of the same size, the common case
     * of a cache, then leaves no garbage and gives the collector no new array to promote.
     */
    public Dict.Entry<Object> setStringKey(Argv argv, int keyArg, int valueArg, boolean keepTtl) {
        return setKey(argv.array(keyArg), argv.offset(keyArg), argv.length(keyArg), null, argv, valueArg, keepTtl);
    }

    private Dict.Entry<Object> setKey(byte[] key, int off, int len, Object value, Argv from, int fromArg,
            boolean keepTtl) {
        Dict.Entry<Object> e = keys.findOrCreate(key, off, len);
        if (e.value() == null) {
            bytes += EntrySizes.keyEntry(len);
        } else if (expires.size() > 0) {
            Long when = expires.get(e.key());
            if (when != null) {
                if (when >= 0 && keyspace.now() > when && keyspace.expiryEnabled()) {
                    // A key past its TTL is absent to every command, KEEPTTL included.
                    deleteExpired(e.key());
                    e = keys.findOrCreate(key, off, len);
                    bytes += EntrySizes.keyEntry(len);
                } else if (!keepTtl) {
                    expires.remove(e.key());
                    bytes -= EntrySizes.EXPIRE_ENTRY;
                }
            }
        }
        if (e.value() != null) {
            bytes -= EntrySizes.value(e.value());
        }
        if (value == null) {
            value = StringValues.fromArgReusing(from, fromArg, e.value());
        }
        bytes += EntrySizes.value(value);
        AccessClock access = keyspace.access();
        // An overwrite is an access to the old value, and under LFU the new value inherits the
        // old one's counter, as Redis carries the lru field across.
        int meta = e.value() != null && access.lfu()
                ? (keyspace.noTouch() ? e.meta() : access.accessed(e.meta()))
                : access.created();
        e.value(value);
        e.meta(meta);
        keyspace.keyModified(this, key, off, len);
        return e;
    }

    /** Adds a key known to be absent, keeping the given array as the key. */
    public Dict.Entry<Object> add(byte[] key, Object value) {
        Dict.Entry<Object> e = keys.findOrCreate(key, 0, key.length);
        bytes += e.value() == null ? EntrySizes.keyEntry(key.length) : -EntrySizes.value(e.value());
        bytes += EntrySizes.value(value);
        e.value(value);
        e.meta(keyspace.access().created());
        keyspace.keyModified(this, key, 0, key.length);
        return e;
    }

    public boolean delete(Argv argv, int i) {
        return delete(argv.array(i), argv.offset(i), argv.length(i));
    }

    public boolean delete(byte[] key) {
        return delete(key, 0, key.length);
    }

    /** Deletes a key and its TTL. Returns false when it did not exist (or had just expired). */
    public boolean delete(byte[] key, int off, int len) {
        Dict.Entry<Object> e = lookup(key, off, len);
        if (e == null) {
            return false;
        }
        if (expires.size() > 0 && expires.remove(e.key()) != null) {
            bytes -= EntrySizes.EXPIRE_ENTRY;
        }
        keys.remove(e.key());
        bytes -= EntrySizes.keyEntry(e.key().length) + EntrySizes.value(e.value());
        keyspace.keyModified(this, key, off, len);
        return true;
    }

    /**
     * Replaces the value of a live entry, keeping its TTL and access data (INCR, INCRBYFLOAT).
     * Does not call the write hook.
     */
    public void replaceValue(Dict.Entry<Object> e, Object value) {
        long before = EntrySizes.value(e.value());
        e.value(value);
        bytes += EntrySizes.value(value) - before;
    }

    /**
     * Accounts for a value changed without going through this class: grown in place, or
     * replaced through its entry. {@code bytesBefore} is {@link EntrySizes#value} of the value
     * the entry held before the change. Does not call the write hook.
     */
    public void valueChanged(Dict.Entry<Object> e, long bytesBefore) {
        bytes += EntrySizes.value(e.value()) - bytesBefore;
    }

    /** The write hook for commands that change a value in place. */
    public void signalModified(Argv argv, int i) {
        keyspace.keyModified(this, argv.array(i), argv.offset(i), argv.length(i));
    }

    public void signalModified(byte[] key) {
        keyspace.keyModified(this, key, 0, key.length);
    }

    // ------------------------------------------------------------------ expiry

    /** The key's absolute expiry in Unix milliseconds, or -1 when it has none. */
    public long expireAt(byte[] key) {
        return expireAt(key, 0, key.length);
    }

    public long expireAt(Argv argv, int i) {
        return expireAt(argv.array(i), argv.offset(i), argv.length(i));
    }

    public long expireAt(byte[] key, int off, int len) {
        if (expires.size() == 0) {
            return -1;
        }
        Long when = expires.get(key, off, len);
        return when == null ? -1 : when;
    }

    /**
     * Sets the expiry of an existing key; {@code e} must be its live entry. Does not call the
     * write hook: SET EX has already signalled through {@link #setKey}, EXPIRE signals itself.
     */
    public void setExpire(Dict.Entry<Object> e, long whenMillis) {
        // The expires table shares the key array with the key table: no second copy.
        if (expires.put(e.key(), whenMillis) == null) {
            bytes += EntrySizes.EXPIRE_ENTRY;
        }
    }

    /** Removes the key's TTL; true when it had one. Does not call the write hook. */
    public boolean removeExpire(byte[] key) {
        if (expires.size() > 0 && expires.remove(key) != null) {
            bytes -= EntrySizes.EXPIRE_ENTRY;
            return true;
        }
        return false;
    }

    // ------------------------------------------------------------------ memory

    /** Estimated heap bytes of everything this database holds: used_memory's share of it. */
    public long memory() {
        return bytes + EntrySizes.table(keys) + EntrySizes.table(expires);
    }

    /** The key table's own cost, entries and buckets, without keys and values (MEMORY STATS). */
    public long keyTableOverhead() {
        return (long) keys.size() * JvmSizes.DICT_ENTRY + EntrySizes.table(keys);
    }

    /** The expires table's cost: entries, boxed times and buckets (MEMORY STATS). */
    public long expiresOverhead() {
        return (long) expires.size() * EntrySizes.EXPIRE_ENTRY + EntrySizes.table(expires);
    }

    // ------------------------------------------------------------------ whole database

    public void flush() {
        keys = new Dict<>();
        expires = new Dict<>();
        bytes = 0;
        expireCursor = 0;
        avgTtl = 0;
        keyspace.databaseFlushed(this);
    }

    void swapContents(Db other) {
        Dict<Object> k = keys;
        keys = other.keys;
        other.keys = k;
        Dict<Long> x = expires;
        expires = other.expires;
        other.expires = x;
        long c = expireCursor;
        expireCursor = other.expireCursor;
        other.expireCursor = c;
        long t = avgTtl;
        avgTtl = other.avgTtl;
        other.avgTtl = t;
        long b = bytes;
        bytes = other.bytes;
        other.bytes = b;
    }

    /** Cron work: shrink sparse tables and spend a slice on incremental rehashing. */
    public void cron(boolean activeRehashing) {
        keys.shrinkIfSparse();
        expires.shrinkIfSparse();
        if (activeRehashing) {
            if (keys.isRehashing()) {
                keys.rehashFor(1);
            } else if (expires.isRehashing()) {
                expires.rehashFor(1);
            }
        }
    }
}
