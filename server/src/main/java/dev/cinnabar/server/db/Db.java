package dev.cinnabar.server.db;

import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.KeyTable;
import dev.cinnabar.datatypes.value.FieldExpiries;
import dev.cinnabar.datatypes.value.HashValue;
import dev.cinnabar.datatypes.value.JvmSizes;
import dev.cinnabar.datatypes.value.StreamType;
import dev.cinnabar.datatypes.value.StringType;
import dev.cinnabar.datatypes.value.ValueType;
import dev.cinnabar.datatypes.value.ValueTypes;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.config.KeyspaceEvents;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * One numbered database: a {@link KeyTable} holding the keys, their values and access data, and
 * the expiry times of the keys that have one (kept apart, as in Redis, so that active expiry and
 * volatile eviction see only keys that can expire). Commands get a {@link KeyEntry} per write
 * lookup; reads get the value.
 *
 * <p>Lookups take the key as an argument slice so that reading a key allocates nothing. Every
 * lookup first expires the key if its time has passed (lazy expiry).
 *
 * <p><b>The write path.</b> Every change goes through a primitive here: {@link #setKey},
 * {@link #add}, {@link #delete}, {@link #replaceValue}, {@link #beforeChange}/{@link #changed}
 * for a value changed in place, {@link #setExpire}, {@link #removeExpire}, expiry, {@link #flush}.
 * Each tells the keyspace's observers before it changes anything (a snapshot saves the old
 * value), signals the key after (Redis's signalModifiedKey: once per key per command, with the
 * command's client), and keeps {@link #memory()}, a running estimate of the heap the database
 * holds, so that INFO and eviction never walk the keys. Commands never signal or count by hand.
 */
public final class Db {
    /** Entry meta: the low 24 bits hold the LRU clock (or LFU data), as Redis's LRU_BITS. */
    public static final int LRU_CLOCK_MAX = AccessClock.LRU_CLOCK_MAX;
    /**
     * Entry meta: the top 8 bits count the value objects the key has held. A value replaced by
     * another object (SET, INCRBYFLOAT, APPEND to an embstr) counts one more; one changed in place
     * (APPEND to a raw string, INCR of an unshared integer) does not, which is what DEBUG OBJECT's
     * address tells in Redis. See {@link #valueIdentity}.
     */
    private static final int VERSION_SHIFT = 24;
    private static final int NONE = KeyTable.NONE;
    /**
     * String values of up to this many bytes (not integers) live in the key's record in the
     * table, with no object of their own: the cost of a small string is its bytes, and
     * overwriting it with one of the same size makes no garbage. Larger values gain little
     * (16 bytes of array header) and would make slab compaction copy more.
     */
    public static final int INLINE_LIMIT = 128;

    public final int id;
    private final Keyspace keyspace;
    private KeyTable keys;
    /** Where the active expiry cycle resumes its walk of the keys with a TTL. */
    public long expireCursor;
    /** Running average of the TTLs the active cycle sampled, in ms, for INFO's avg_ttl. */
    public long avgTtl;
    /** Heap bytes of the values; the table measures itself ({@link KeyTable#heapBytes}). */
    private long bytes;
    /**
     * The hashes with field expiry times, by their earliest one (Redis 7.4's per-database
     * {@code hexpires}), for the active cycle. Kept by the write primitives; not counted in
     * {@link #memory()}, which measures what the keys hold.
     */
    private FieldExpiryIndex fieldExpiries = new FieldExpiryIndex();

    /** Keys to their hash's earliest field expiry time, and the same ordered by time. */
    static final class FieldExpiryIndex {
        static final class Node {
            final byte[] key;
            final long when;

            Node(byte[] key, long when) {
                this.key = key;
                this.when = when;
            }
        }

        private static final Comparator<Node> ORDER = (a, b) -> {
            int c = Long.compare(a.when, b.when);
            return c != 0 ? c : Arrays.compare(a.key, b.key);
        };
        final Dict<Node> byKey = new Dict<>();
        final TreeSet<Node> order = new TreeSet<>(ORDER);

        void update(byte[] key, int off, int len, Object value) {
            long when = value instanceof HashValue ? ((HashValue) value).minExpireTime() : FieldExpiries.NONE;
            Node old = byKey.size() == 0 ? null : byKey.get(key, off, len);
            if (old != null && old.when == when) {
                return;
            }
            if (old != null) {
                order.remove(old);
                byKey.remove(key, off, len);
            }
            if (when != FieldExpiries.NONE) {
                Node n = new Node(Arrays.copyOfRange(key, off, off + len), when);
                byKey.put(n.key, n);
                order.add(n);
            }
        }

        void remove(byte[] key, int off, int len) {
            if (byKey.size() == 0) {
                return;
            }
            Dict.Entry<Node> e = byKey.remove(key, off, len);
            if (e != null) {
                order.remove(e.value());
            }
        }
    }

    Db(int id, Keyspace keyspace) {
        this(id, keyspace, false);
    }

    Db(int id, Keyspace keyspace, boolean staged) {
        this.id = id;
        this.keyspace = keyspace;
        this.staged = staged;
        keys = newTable();
    }

    /**
     * A database nothing serves, filled by a load before it becomes the live one's contents
     * ({@link Keyspace#newStaged}): its writes tell no watcher, blocked client, tracking table,
     * save in progress or keyspace event, as Redis's loading into its temporary databases.
     */
    final boolean staged;

    /** An empty table on the keyspace's recycle flag and memory check, its big indexes made off the engine. */
    private KeyTable newTable() {
        KeyTable t = new KeyTable(keyspace.recycleDue());
        t.expandCheck(keyspace::expandAllowed);
        t.indexMaker(IndexMaker.EXECUTOR);
        if (keyspace.slotsIndexed()) {
            t.indexSlots();
        }
        return t;
    }

    public Keyspace keyspace() {
        return keyspace;
    }

    public int size() {
        return keys.size();
    }

    public int expiresSize() {
        return keys.expiresSize();
    }

    /** The key table itself, for SCAN, KEYS, RANDOMKEY, sampling, snapshots and the cron. */
    public KeyTable keys() {
        return keys;
    }

    /** A handle on the key with id {@code id} of {@link #keys()}. */
    public KeyEntry entryOf(int id) {
        return new KeyEntry(this, keys, id);
    }

    // ------------------------------------------------------------------ inline strings

    /**
     * The value of key {@code e} for a reader: a string kept inline comes back as a copy of its
     * bytes, which the caller owns, and stays inline. Readers that can take the bytes where they
     * lie (GET, MGET, memcached's get) use {@link #isInline} and the table's slices instead.
     */
    public Object valueForRead(int e) {
        return keys.valueOrCopy(e);
    }

    /**
     * The value a {@link KeyspaceObserver#beforeWrite} was given, as an object: a copy of the
     * string when it was {@link KeyTable#INLINE} (the key is still there, unchanged, during the
     * call).
     */
    public Object valueBeforeWrite(byte[] key, int off, int len, Object value) {
        return value == KeyTable.INLINE ? keys.copyInline(keys.find(key, off, len)) : value;
    }

    /** True when key {@code e}'s value is a string kept in its record ({@link #INLINE_LIMIT}). */
    public boolean isInline(int e) {
        return keys.value(e) == KeyTable.INLINE;
    }

    /** True when key {@code e} holds a string, inline or not. */
    public boolean holdsString(int e) {
        Object v = keys.value(e);
        return v == KeyTable.INLINE || StringType.isString(v);
    }

    /**
     * The value of key {@code e} for a writer: a string kept inline moves out into an array of its
     * own first, so that the handler can change it in place and replace it as any value object.
     * {@link KeyEntry#value()} comes here.
     */
    Object valueForWrite(KeyTable table, int e) {
        Object v = table.value(e);
        if (v != KeyTable.INLINE) {
            return v;
        }
        byte[] own = table.copyInline(e);
        table.value(e, own);
        if (table == keys) {
            bytes += EntrySizes.value(own);
        }
        return own;
    }

    /** What a stored value adds to {@link #bytes}: an inline string is counted with its record. */
    private static long storedBytes(Object v) {
        return v == KeyTable.INLINE ? 0 : EntrySizes.value(v);
    }

    // ------------------------------------------------------------------ lookups

    /** A read lookup: expires the key if due, counts a hit or miss, records the access. */
    public Object lookupRead(Argv argv, int i) {
        return lookupRead(argv.array(i), argv.offset(i), argv.length(i));
    }

    public Object lookupRead(byte[] key, int off, int len) {
        int e = lookupReadId(key, off, len);
        return e == NONE ? null : valueForRead(e);
    }

    /** {@link #lookupRead} returning the entry (the memcached front end's reads). */
    public KeyEntry lookupReadEntry(byte[] key, int off, int len) {
        int e = lookupReadId(key, off, len);
        return e == NONE ? null : entryOf(e);
    }

    /** {@link #lookupRead} returning the key's id in {@link #keys()}, or {@link KeyTable#NONE}. */
    public int lookupReadId(byte[] key, int off, int len) {
        int e = lookup(key, off, len);
        if (e == NONE) {
            keyspace.misses++;
            keyspace.notifications().notify(KeyspaceEvents.KEY_MISS, "keymiss", key, off, len, id);
            return NONE;
        }
        keyspace.hits++;
        touch(e);
        return e;
    }

    /**
     * A read lookup that leaves the access data alone (Redis's LOOKUP_NOTOUCH): EXISTS, TYPE,
     * TTL and OBJECT look at a key without making it look recently used. Still counts.
     */
    public Object peek(Argv argv, int i) {
        return peek(argv.array(i), argv.offset(i), argv.length(i));
    }

    public Object peek(byte[] key, int off, int len) {
        int e = peekId(key, off, len);
        return e == NONE ? null : valueForRead(e);
    }

    /** {@link #peek} returning the key's id in {@link #keys()}, or {@link KeyTable#NONE}. */
    public int peekId(Argv argv, int i) {
        return peekId(argv.array(i), argv.offset(i), argv.length(i));
    }

    public int peekId(byte[] key, int off, int len) {
        int e = lookup(key, off, len);
        if (e == NONE) {
            keyspace.misses++;
            keyspace.notifications().notify(KeyspaceEvents.KEY_MISS, "keymiss", key, off, len, id);
            return NONE;
        }
        keyspace.hits++;
        return e;
    }

    /** The type of key {@code e}'s value. */
    public ValueType typeOf(int e) {
        Object v = keys.value(e);
        return v == KeyTable.INLINE ? StringType.TYPE : ValueTypes.of(v);
    }

    /** Like {@link #peek} but returns the entry, for OBJECT's access data. */
    public KeyEntry peekEntry(Argv argv, int i) {
        int e = lookup(argv.array(i), argv.offset(i), argv.length(i));
        if (e == NONE) {
            keyspace.misses++;
            return null;
        }
        keyspace.hits++;
        return entryOf(e);
    }

    /** A write lookup: expires the key if due and records the access; no hit/miss counting. */
    public Object lookupWrite(Argv argv, int i) {
        int e = findForWrite(argv.array(i), argv.offset(i), argv.length(i));
        return e == NONE ? null : valueForWrite(keys, e);
    }

    /**
     * {@link #lookupWrite} for a command that only needs to know whether the key is there (SET,
     * MSETNX): the same expiry and access, without taking an inline string out of the key's
     * record, which the command then writes over (two record rewrites per SET).
     */
    public boolean existsForWrite(Argv argv, int i) {
        return findForWrite(argv.array(i), argv.offset(i), argv.length(i)) != NONE;
    }

    /** The entry behind {@link #lookupWrite}, for commands that move or re-time the key. */
    public KeyEntry writeEntry(Argv argv, int i) {
        return writeEntry(argv.array(i), argv.offset(i), argv.length(i));
    }

    public KeyEntry writeEntry(byte[] key, int off, int len) {
        int e = findForWrite(key, off, len);
        return e == NONE ? null : entryOf(e);
    }

    /**
     * The write lookups' common step: the live key's id, its access recorded, or NONE. A key
     * past its time is deleted here even on a replica (a writable one's own write), as Redis's
     * lookupKeyWrite forces; the master's writes still see it.
     */
    private int findForWrite(byte[] key, int off, int len) {
        int e = keys.find(key, off, len);
        if (e != NONE && keys.expiresSize() > 0 && keys.hasExpire(e) && expireIfNeeded(e, key, off, len, true)) {
            e = NONE;
        }
        if (e != NONE) {
            touch(e);
        }
        return e;
    }

    /** The live entry for a key, or null; expires it first if due. Does not count or touch. */
    public KeyEntry entry(Argv argv, int i) {
        int e = lookup(argv.array(i), argv.offset(i), argv.length(i));
        return e == NONE ? null : entryOf(e);
    }

    public KeyEntry entry(byte[] key) {
        return entry(key, 0, key.length);
    }

    public KeyEntry entry(byte[] key, int off, int len) {
        int e = lookup(key, off, len);
        return e == NONE ? null : entryOf(e);
    }

    /** {@link #entry(byte[], int, int)} as an id in {@link #keys()}, or {@link KeyTable#NONE}. */
    public int entryId(byte[] key, int off, int len) {
        return lookup(key, off, len);
    }

    /** {@link #writeEntry(byte[], int, int)} as an id in {@link #keys()}, or {@link KeyTable#NONE}. */
    public int writeEntryId(byte[] key, int off, int len) {
        int e = lookup(key, off, len);
        if (e != NONE) {
            touch(e);
        }
        return e;
    }

    /** The key's entry whether or not its time has passed (no lazy expiry), or null. */
    public KeyEntry find(byte[] key, int off, int len) {
        int e = keys.find(key, off, len);
        return e == NONE ? null : entryOf(e);
    }

    public KeyEntry find(byte[] key) {
        return find(key, 0, key.length);
    }

    /** True when the key is in the table, whether or not its time has passed. */
    public boolean contains(byte[] key, int off, int len) {
        return keys.find(key, off, len) != NONE;
    }

    private void touch(int e) {
        if (!keyspace.noTouch()) {
            int meta = keys.meta(e);
            keys.meta(e, (meta & ~LRU_CLOCK_MAX) | keyspace.access().accessed(meta));
        }
    }

    /**
     * A number that stays the same while the key holds the same value object, as the address
     * DEBUG OBJECT prints in Redis does: the value's own identity for integers many keys share;
     * else the value's, or for an integer (a new {@code Long} each time it changes in place) the
     * key's id, mixed with the count of value objects the key has held. An integer moved to
     * another key (RENAME, MOVE) thus shows a new address, where Redis's shows the old one.
     */
    public static int valueIdentity(KeyEntry e) {
        Object v = e.table().value(e.id());
        if (StringType.isShared(v)) {
            return System.identityHashCode(v);
        }
        int anchor = v instanceof Long || v == KeyTable.INLINE ? (e.id() + 1) * 0x2545F491 : System.identityHashCode(v);
        return anchor ^ ((e.meta() >>> VERSION_SHIFT) * 0x9E3779B9);
    }

    /** The meta of a key whose value object was just replaced: one more version, {@code access} as given. */
    private static int replaced(int meta, int access) {
        return (((meta >>> VERSION_SHIFT) + 1) << VERSION_SHIFT) | access;
    }

    private int lookup(byte[] key, int off, int len) {
        int e = keys.find(key, off, len);
        if (e != NONE && keys.expiresSize() > 0 && keys.hasExpire(e) && expireIfNeeded(e, key, off, len, false)) {
            return NONE;
        }
        return e;
    }

    /**
     * Deletes the key if its time has passed. Returns true when the key counts as gone: on a
     * replica it stays in memory until the master's DEL, but readers must not see it.
     */
    private boolean expireIfNeeded(int e, byte[] key, int off, int len, boolean forWrite) {
        if (!isExpired(e) || keyspace.fromMaster()) {
            return false;
        }
        if ((keyspace.expiryEnabled() || forWrite) && !keyspace.expiryPaused()) {
            deleteExpired(e, key, off, len);
        }
        return true;
    }

    /**
     * True when key {@code e} has a TTL that has passed. A key is still alive during its expiry
     * millisecond; a negative time, which only a replica can hold, never expires by itself.
     */
    private boolean isExpired(int e) {
        if (!keys.hasExpire(e) || keyspace.loading()) {
            return false;
        }
        long when = keys.expireAt(e);
        return when >= 0 && keyspace.now() > when;
    }

    /**
     * True when the key has a TTL that has passed, without deleting it (KEYS reports only live
     * keys but leaves the deleting to others).
     */
    public boolean isExpired(byte[] key) {
        if (keys.expiresSize() == 0) {
            return false;
        }
        int e = keys.find(key, 0, key.length);
        return e != NONE && isExpired(e);
    }

    /** {@link #isExpired(byte[])} for the key with id {@code e}. */
    public boolean isExpiredId(int e) {
        return keys.expiresSize() > 0 && isExpired(e);
    }

    /**
     * Expires the key if its time has passed, as a lookup would, and says whether it had: for
     * commands that walk keys without looking them up (SCAN). A missing key is not expired.
     */
    public boolean expireIfNeeded(byte[] key) {
        if (keys.expiresSize() == 0) {
            return false;
        }
        int e = keys.find(key, 0, key.length);
        return e != NONE && expireIfNeeded(e, key, 0, key.length, false);
    }

    /** Removes a key whose TTL passed, as both lazy and active expiry do, and propagates its deletion. */
    /** A key a writable replica gave a TTL: deleted (with its DEL to the AOF) if its time has passed. */
    boolean deleteIfExpiredOnReplica(byte[] key) {
        int e = keys.find(key, 0, key.length);
        if (e == NONE || !isExpired(e)) {
            return false;
        }
        deleteExpired(e, key, 0, key.length);
        return true;
    }

    public void deleteExpired(byte[] key) {
        int e = keys.find(key, 0, key.length);
        if (e != NONE) {
            deleteExpired(e, key, 0, key.length);
        }
    }

    private void deleteExpired(int e, byte[] key, int off, int len) {
        Object value = keys.value(e);
        keyspace.beforeWrite(this, key, off, len, value);
        int hash = keys.hashOf(key, off, len);
        keys.remove(key, off, len, hash);
        bytes -= storedBytes(value);
        keyspace.lazyFree().dropped(value, LazyFree.Cause.EXPIRE);
        if (StreamType.TYPE.holds(value)) {
            keyspace.streamRemoved(this, key, off, len);
        }
        fieldExpiries.remove(key, off, len);
        byte[] owned = off == 0 && len == key.length ? key : Arrays.copyOfRange(key, off, off + len);
        keyspace.expired(this, owned);
        keyspace.keyModified(this, key, off, len, hash, false);
    }

    /**
     * A random live key for RANDOMKEY, or null when there is none. Expired keys met on the way
     * are deleted. On a replica they cannot be, so when every key has a TTL the search stops
     * after 100 expired picks and returns one of them rather than looping forever.
     */
    public byte[] randomKey(RandomGenerator random) {
        boolean allVolatile = keys.size() == keys.expiresSize();
        int tries = 100;
        while (true) {
            int e = keys.randomId(random);
            if (e == NONE) {
                return null;
            }
            byte[] key = keys.copyKey(e);
            if (keys.hasExpire(e)) {
                if (allVolatile && (!keyspace.expiryEnabled() || keyspace.expiryPaused()) && --tries == 0) {
                    return key;
                }
                if (expireIfNeeded(e, key, 0, key.length, false)) {
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
    public KeyEntry setKey(Argv argv, int i, Object value, boolean keepTtl) {
        return entryOf(setKey(argv.array(i), argv.offset(i), argv.length(i), value, null, 0, null, 0, 0, keepTtl));
    }

    /** Sets a key given as an array; see {@link #setKey(Argv, int, Object, boolean)}. */
    public KeyEntry setKey(byte[] key, Object value, boolean keepTtl) {
        return entryOf(setKey(key, 0, key.length, value, null, 0, null, 0, 0, keepTtl));
    }

    /**
     * SET's write: {@link #setKey} with the string value of argument {@code valueArg}, encoded
     * as {@link StringValues#fromArg} does. An old value held as bytes of the same length takes
     * the new bytes in place (after the write hook has seen it): overwriting a key with a value
     * of the same size, the common case of a cache, then leaves no garbage and gives the
     * collector no new array to promote. Returns the key's id in {@link #keys()}.
     */
    public int setStringKey(Argv argv, int keyArg, int valueArg, boolean keepTtl) {
        return setKey(argv.array(keyArg), argv.offset(keyArg), argv.length(keyArg), null, argv, valueArg, null, 0, 0,
                keepTtl);
    }

    /**
     * {@link #setStringKey(Argv, int, int, boolean)} for a key and value given as slices (the
     * memcached front end): the value is encoded as {@link StringValues#fromBytesReusing} does,
     * taking the new bytes in place when the old value is an array of the same length.
     */
    public int setStringKey(byte[] key, int off, int len, byte[] data, int doff, int dlen, boolean keepTtl) {
        return setKey(key, off, len, null, null, 0, data, doff, dlen, keepTtl);
    }

    private int setKey(byte[] key, int off, int len, Object value, Argv from, int fromArg, byte[] data, int doff,
            int dlen, boolean keepTtl) {
        int hash = keys.hashOf(key, off, len);
        int e = keys.find(key, off, len, hash);
        // A key past its TTL is absent to every command, KEEPTTL included.
        if (e != NONE && keys.expiresSize() > 0 && isExpired(e) && keyspace.expiryEnabled()) {
            deleteExpired(e, key, off, len);
            e = NONE;
        }
        Object old = e == NONE ? null : keys.value(e);
        keyspace.beforeWrite(this, key, off, len, old);
        if (e != NONE) {
            bytes -= storedBytes(old);
            keyspace.lazyFree().dropped(old, LazyFree.Cause.SERVER_DEL);
            if (StreamType.TYPE.holds(old)) {
                keyspace.streamRemoved(this, key, off, len);
            }
            if (!keepTtl) {
                keys.removeExpire(e);
            }
        }
        // A string given as bytes is an integer, or text small enough for the key's record (the
        // value stays null), or an array.
        boolean inline = false;
        byte[] src = from != null ? from.array(fromArg) : data;
        int srcOff = from != null ? from.offset(fromArg) : doff;
        int srcLen = from != null ? from.length(fromArg) : dlen;
        if (value == null) {
            Long asInt = StringType.asInteger(src, srcOff, srcLen);
            if (asInt != null) {
                value = ownedIfNeeded(asInt);
            } else if (srcLen > INLINE_LIMIT) {
                value = from != null ? StringValues.textFromArgReusing(from, fromArg, old)
                        : StringValues.textFromBytesReusing(data, doff, dlen, old);
            } else {
                inline = true;
            }
        } else {
            value = ownedIfNeeded(value);
        }
        if (inline) {
            if (e == NONE) {
                e = keys.addInline(key, off, len, hash, src, srcOff, srcLen);
            } else {
                keys.inline(e, src, srcOff, srcLen);
            }
            value = KeyTable.INLINE;
        } else {
            if (e == NONE) {
                e = keys.add(key, off, len, hash);
            }
            bytes += EntrySizes.value(value);
            keys.value(e, value);
        }
        AccessClock access = keyspace.access();
        // An overwrite is an access to the old value, and under LFU the new value inherits the
        // old one's counter, as Redis carries the lru field across.
        int meta = keys.meta(e);
        int accessData = old != null && access.lfu()
                ? (keyspace.noTouch() ? meta & LRU_CLOCK_MAX : access.accessed(meta))
                : access.created();
        keys.meta(e, replaced(meta, accessData));
        fieldExpiries.update(key, off, len, value);
        if (old == null) {
            keyspace.keyAdded(this, key, off, len);
        }
        keyspace.keyModified(this, key, off, len, hash, true);
        return e;
    }

    /** Adds a key the caller knows is absent (it just looked). */
    public KeyEntry add(byte[] key, Object value) {
        return add(key, value, true);
    }

    /**
     * {@link #add} that tells no watcher or tracking client and counts no change: the command
     * signals the key itself if its outcome changes anything. Redis's BITFIELD creates its key
     * before it knows whether any write will succeed, and signals it only if one changed a bit.
     */
    public KeyEntry addUnsignalled(byte[] key, Object value) {
        return add(key, value, false);
    }

    private KeyEntry add(byte[] key, Object value, boolean signal) {
        value = ownedIfNeeded(value);
        keyspace.beforeWrite(this, key, 0, key.length, null);
        int hash = keys.hashOf(key, 0, key.length);
        int e;
        if (value instanceof byte[] && ((byte[]) value).length <= INLINE_LIMIT) {
            // The callers (loading, COPY, MOVE, RESTORE) hand over the array and keep no use of it.
            byte[] b = (byte[]) value;
            e = keys.addInline(key, 0, key.length, hash, b, 0, b.length);
        } else {
            e = keys.add(key, 0, key.length, hash);
            bytes += EntrySizes.value(value);
            keys.value(e, value);
        }
        keys.meta(e, keyspace.access().created());
        fieldExpiries.update(key, 0, key.length, value);
        keyspace.keyAdded(this, key, 0, key.length);
        if (signal) {
            keyspace.keyModified(this, key, 0, key.length, hash, true);
        }
        return entryOf(e);
    }

    public boolean delete(Argv argv, int i) {
        return delete(argv.array(i), argv.offset(i), argv.length(i), LazyFree.Cause.SERVER_DEL);
    }

    /** {@link #delete(Argv, int)} for a deletion whose {@code cause} is not the server's own (DEL, UNLINK, RENAME's source). */
    public boolean delete(Argv argv, int i, LazyFree.Cause cause) {
        return delete(argv.array(i), argv.offset(i), argv.length(i), cause);
    }

    public boolean delete(byte[] key) {
        return delete(key, 0, key.length, LazyFree.Cause.SERVER_DEL);
    }

    public boolean delete(byte[] key, LazyFree.Cause cause) {
        return delete(key, 0, key.length, cause);
    }

    /**
     * Deletes a key and its TTL. Returns false when it did not exist (or had just expired).
     * {@code cause} decides whether Redis would have freed the value lazily.
     */
    public boolean delete(byte[] key, int off, int len, LazyFree.Cause cause) {
        return delete(lookup(key, off, len), key, off, len, cause);
    }

    /**
     * Deletes a key without looking at its TTL first, as Redis's dbDelete does where a command
     * deletes a destination it never looked up (the STORE forms with an empty result): a key
     * past its time is deleted as a live one (a {@code del} event, a change), not expired.
     */
    public boolean deleteUnchecked(Argv argv, int i) {
        byte[] key = argv.array(i);
        int off = argv.offset(i);
        int len = argv.length(i);
        return delete(keys.find(key, off, len), key, off, len, LazyFree.Cause.SERVER_DEL);
    }

    private boolean delete(int e, byte[] key, int off, int len, LazyFree.Cause cause) {
        return delete(e, key, off, len, cause, true);
    }

    /** {@code counts}: the deletion is the running command's change (false for the server's own). */
    private boolean delete(int e, byte[] key, int off, int len, LazyFree.Cause cause, boolean counts) {
        if (e == NONE) {
            return false;
        }
        Object value = keys.value(e);
        keyspace.lazyFree().dropped(value, cause);
        keyspace.beforeWrite(this, key, off, len, value);
        int hash = keys.hashOf(key, off, len);
        keys.remove(key, off, len, hash);
        fieldExpiries.remove(key, off, len);
        bytes -= storedBytes(value);
        if (StreamType.TYPE.holds(value)) {
            keyspace.streamRemoved(this, key, off, len);
        }
        keyspace.keyModified(this, key, off, len, hash, counts);
        return true;
    }

    /**
     * Evicts a key under maxmemory, as Redis's performEvictions deletes one: the clients
     * tracking it are told, the {@code evicted} event fires and the deletion is propagated.
     * True when the id held a key.
     */
    public boolean evict(int id) {
        if (!keys.isLive(id)) {
            return false;
        }
        // The key is read in place: its record stays in the slab until recycle(), after the
        // command, so the slice holds through the deletion and the notifications.
        byte[] key = keys.keyArray(id);
        int off = keys.keyOffset(id);
        int len = keys.keyLength(id);
        delete(id, key, off, len, LazyFree.Cause.EVICTION);
        keyspace.evicted(this, key, off, len);
        return true;
    }

    /**
     * Deletes the key of a collection whose last element a command just removed: a collection
     * never stays in the keyspace empty. True when it was deleted.
     */
    public boolean deleteIfEmpty(KeyEntry e) {
        Object v = e.value();
        if (!ValueTypes.of(v).isEmpty(v)) {
            return false;
        }
        byte[] key = e.key();
        return delete(e.id(), key, 0, key.length, LazyFree.Cause.SERVER_DEL);
    }

    /** Replaces the value of a live entry with another object, keeping its TTL and access data (INCRBYFLOAT). */
    public void replaceValue(KeyEntry e, Object value) {
        value = ownedIfNeeded(value);
        // The key is read where the table keeps it (no copy on this path of every write), so
        // after anything that may move its record: e.value() takes an inline string out.
        Object old = e.value();
        keyspace.beforeWrite(this, e.keyArray(), e.keyOffset(), e.keyLength(), old);
        e.value(value);
        e.meta(replaced(e.meta(), e.meta() & LRU_CLOCK_MAX));
        bytes += EntrySizes.value(value) - EntrySizes.value(old);
        signalChanged(e, value, true);
    }

    /** A shared integer becomes one of the key's own where the policy keeps no shared ones ({@link AccessClock#ownIntegers}). */
    private Object ownedIfNeeded(Object value) {
        return value instanceof Long && keyspace.access().ownIntegers() ? StringType.own(value) : value;
    }

    /** Keeps the field-expiry index and signals the key, read in place, after a change to its value. */
    private void signalChanged(KeyEntry e, Object value, boolean counts) {
        byte[] key = e.keyArray();
        int off = e.keyOffset();
        int len = e.keyLength();
        fieldExpiries.update(key, off, len, value);
        keyspace.keyModified(this, key, off, len, keys.hashOf(key, off, len), counts);
    }

    /**
     * A command is about to change the value of a live entry in place (APPEND, SETRANGE, a
     * collection's push, INCR of an unshared integer): the write hook sees the value as it still
     * is. Returns the value's size now, for {@link #changed}, which the command calls once the
     * change is made. A command that puts another object in the entry meanwhile says so with
     * {@link #changedTo}.
     */
    public long beforeChange(KeyEntry e) {
        Object value = e.value();
        keyspace.beforeWrite(this, e.keyArray(), e.keyOffset(), e.keyLength(), value);
        return EntrySizes.value(value);
    }

    /**
     * The value of {@code e} was changed in place, or replaced through the entry, since
     * {@link #beforeChange} returned {@code bytesBefore}: accounts for its new size and signals
     * the key.
     */
    public void changed(KeyEntry e, long bytesBefore) {
        changed(e, bytesBefore, true);
    }

    private void changed(KeyEntry e, long bytesBefore, boolean counts) {
        Object value = e.value();
        bytes += EntrySizes.value(value) - bytesBefore;
        signalChanged(e, value, counts);
    }

    /**
     * The value of {@code e} changed its form but not its content since {@link #beforeChange}
     * (a hash made able to hold field expiry times): accounted, neither signalled nor counted.
     */
    public void resized(KeyEntry e, long bytesBefore) {
        bytes += EntrySizes.value(e.value()) - bytesBefore;
        byte[] key = e.key();
        fieldExpiries.update(key, 0, key.length, e.value());
    }

    /**
     * The value of {@code e} became another object with the same content since {@link
     * #beforeChange} (Redis's dbUnshareStringValue: a bit or HyperLogLog command turning an
     * {@code int} or {@code embstr} string into a raw one it can change in place, then changing
     * nothing): the entry takes it, accounted, neither signalled nor counted.
     */
    public void unshared(KeyEntry e, Object value, long bytesBefore) {
        e.value(value);
        e.meta(replaced(e.meta(), e.meta() & LRU_CLOCK_MAX));
        resized(e, bytesBefore);
    }

    // ------------------------------------------------------------------ hash field expiry

    /**
     * Deletes fields of the hash in {@code e} whose time passed (lazily, or by the active
     * cycle), as Redis 7.4 does: each is propagated as {@code HDEL key field}, the change counts
     * nothing for the running command, and a hash left empty is deleted without a DEL of its own
     * (the replica's last HDEL deletes it there). Returns true when the key went.
     */
    public boolean expireFields(KeyEntry e, byte[][] fields) {
        if (fields.length == 0) {
            return false;
        }
        HashValue h = (HashValue) e.value();
        long before = beforeChange(e);
        byte[] key = e.key();
        boolean any = false;
        for (byte[] f : fields) {
            if (h.delete(f, 0, f.length)) {
                keyspace.fieldExpired(this, key, f);
                any = true;
            }
        }
        changed(e, before, false);
        if (any) {
            keyspace.notifications().notify(KeyspaceEvents.HASH, "hexpired", key, id);
        }
        if (h.size() == 0) {
            keyspace.lazyFree().dropped(h, LazyFree.Cause.SERVER_DEL);
            keyspace.beforeWrite(this, key, 0, key.length, h);
            int hash = keys.hashOf(key, 0, key.length);
            keys.remove(key, 0, key.length, hash);
            fieldExpiries.remove(key, 0, key.length);
            bytes -= EntrySizes.value(h);
            keyspace.keyModified(this, key, 0, key.length, hash, false);
            keyspace.notifications().notify(KeyspaceEvents.GENERIC, "del", key, id);
            return true;
        }
        return false;
    }

    /**
     * The active cycle's share for field expiry (Redis 7.4's hashTypeDbActiveExpire): deletes
     * fields whose time is at or before {@code now}, hashes with the earliest times first, at
     * most {@code max} fields. Returns how many it deleted.
     */
    public int activeExpireFields(long now, int max) {
        int done = 0;
        while (done < max && !fieldExpiries.order.isEmpty()) {
            FieldExpiryIndex.Node n = fieldExpiries.order.first();
            if (n.when > now) {
                break;
            }
            int id = keys.find(n.key, 0, n.key.length);
            if (id == NONE || !(keys.value(id) instanceof HashValue)) {
                fieldExpiries.remove(n.key, 0, n.key.length);
                continue;
            }
            KeyEntry e = entryOf(id);
            byte[][] due = ((HashValue) e.value()).fieldsExpiringBelow(now + 1, max - done);
            if (due.length == 0) {
                fieldExpiries.update(n.key, 0, n.key.length, e.value());
                continue;
            }
            done += due.length;
            expireFields(e, due);
        }
        return done;
    }

    /** The earliest field expiry time of any hash here, or -1 (for tests). */
    public long nextFieldExpiry() {
        return fieldExpiries.order.isEmpty() ? -1 : fieldExpiries.order.first().when;
    }

    /**
     * {@link #changed} for a change that needed a new object, {@code value} (APPEND to an embstr
     * makes it raw): the entry takes it, as a new value object.
     */
    public void changedTo(KeyEntry e, Object value, long bytesBefore) {
        e.value(value);
        e.meta(replaced(e.meta(), e.meta() & LRU_CLOCK_MAX));
        changed(e, bytesBefore);
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
        if (keys.expiresSize() == 0) {
            return -1;
        }
        int e = keys.find(key, off, len);
        return e == NONE ? -1 : expireAtId(e);
    }

    /** The expiry of the key with id {@code e} of {@link #keys()}, or -1 when it has none. */
    public long expireAtId(int e) {
        return keys.hasExpire(e) ? keys.expireAt(e) : -1;
    }

    /** Sets the expiry of an existing key; {@code e} must be its live entry. */
    public void setExpire(KeyEntry e, long whenMillis) {
        byte[] key = e.key();
        setExpire(key, 0, key.length, e.id(), whenMillis);
    }

    /** {@link #setExpire(KeyEntry, long)} for the key of argument {@code i}, whose id {@code e} the caller has. */
    public void setExpire(Argv argv, int i, int e, long whenMillis) {
        setExpire(argv.array(i), argv.offset(i), argv.length(i), e, whenMillis);
    }

    /** {@link #setExpire(KeyEntry, long)} for the key {@code key[off, off+len)}, whose id {@code e} the caller has. */
    public void setExpire(byte[] key, int off, int len, int e, long whenMillis) {
        keyspace.beforeWrite(this, key, off, len, keys.value(e));
        keys.expireAt(e, whenMillis);
        if (!keyspace.expiryEnabled() && !keyspace.fromMaster() && !keyspace.replayingFile() && keyspace.commandDepth() > 0) {
            // A writable replica's client set it: the master will never send its DEL.
            keyspace.replicaKeysWithExpire().remember(id, key, off, len);
        }
        keyspace.keyModified(this, key, off, len, keys.hashOf(key, off, len), true);
    }

    /** Removes the TTL of the live entry {@code e}; true when it had one. */
    public boolean removeExpire(KeyEntry e) {
        if (!keys.hasExpire(e.id())) {
            return false;
        }
        byte[] key = e.key();
        keyspace.beforeWrite(this, key, 0, key.length, keys.value(e.id()));
        keys.removeExpire(e.id());
        keyspace.keyModified(this, key, 0, key.length, keys.hashOf(key, 0, key.length), true);
        return true;
    }

    // ------------------------------------------------------------------ memory

    /** Estimated heap bytes of everything this database holds: used_memory's share of it. */
    public long memory() {
        return bytes + keys.heapBytes();
    }

    /**
     * The key table's own cost, without keys, values and expiry times (MEMORY STATS): its index
     * and per-key arrays, as Redis counts its buckets and dictEntry structs. The key records are
     * data, as Redis's key strings are.
     */
    public long keyTableOverhead() {
        return keys.heapBytes() - keys.expiryBytes() - keys.recordBytes() - keys.slotIndexBytes();
    }

    /** The cluster slot index's cost (MEMORY STATS's overhead.hashtable.slot-to-keys); 0 outside cluster mode. */
    public long slotIndexOverhead() {
        return keys.slotIndexBytes();
    }

    /** The expiry times' cost (MEMORY STATS). */
    public long expiresOverhead() {
        return keys.expiryBytes();
    }

    // ------------------------------------------------------------------ cluster slots

    /** Starts the slot index of this database's table ({@link Keyspace#indexSlots}). */
    void indexSlots() {
        keys.indexSlots();
    }

    /**
     * True on a cluster-enabled server: the keys are indexed by hash slot ({@link
     * dev.cinnabar.datatypes.HashSlot}), as Redis 7.0 keeps its slot-to-keys map.
     */
    public boolean slotsIndexed() {
        return keys.slotsIndexed();
    }

    /**
     * CLUSTER COUNTKEYSINSLOT: the keys of {@code slot} in O(1), keys past their time that no one
     * has deleted yet included, as Redis counts them. 0 when slots are not indexed.
     */
    public long countKeysInSlot(int slot) {
        return keys.countInSlot(slot);
    }

    public boolean hasKeysInSlot(int slot) {
        return keys.countInSlot(slot) != 0;
    }

    /**
     * CLUSTER GETKEYSINSLOT: copies of up to {@code max} names of keys of {@code slot}. As in
     * Redis, keys past their time are listed too (nothing is expired, counted or touched), the
     * latest added first while no key of the slot is deleted (Redis's list puts each new key at
     * its head; a deletion here moves the slot's latest key into the deleted one's place).
     */
    public List<byte[]> keysInSlot(int slot, int max) {
        int count = keys.countInSlot(slot);
        int n = Math.max(0, Math.min(max, count));
        List<byte[]> out = new ArrayList<>(n);
        for (int i = count - 1; i >= count - n; i--) {
            out.add(keys.copyKey(keys.idInSlot(slot, i)));
        }
        return out;
    }

    /**
     * Deletes every key of {@code slot}, as Redis 7.0's delKeysInSlot does when this node loses a
     * slot it still has keys of: each as a plain deletion (dbDelete; freed lazily under
     * {@code lazyfree-lazy-server-del}), keys past their time included. As in 7.0.15 nothing is
     * propagated, no keyspace event fires and nothing counts as a change ({@code dirty}), even
     * inside a command. Unlike 7.0.15, watchers and tracking clients are told (the write path
     * signals every deletion, as Redis 7.2's does). Returns how many keys went.
     */
    public int deleteKeysInSlot(int slot) {
        int n = 0;
        for (int left = keys.countInSlot(slot); left > 0; left = keys.countInSlot(slot)) {
            // The last: its removal moves no other id of the slot. The key is read in place, its
            // record kept until recycle() as for evict().
            int e = keys.idInSlot(slot, left - 1);
            delete(e, keys.keyArray(e), keys.keyOffset(e), keys.keyLength(e), LazyFree.Cause.SERVER_DEL, false);
            n++;
        }
        return n;
    }

    // ------------------------------------------------------------------ whole database

    /** Drops every key (FLUSHDB, and FLUSHALL for each database). */
    public void flush() {
        flush(false);
    }

    /** {@link #flush()}, {@code lazily} as FLUSHALL ASYNC is in Redis (which counts every key as freed lazily). */
    public void flush(boolean lazily) {
        if (lazily) {
            keyspace.lazyFree().flushed(keys.size());
        }
        keyspace.beforeFlush(this, null);
        keys = newTable();
        fieldExpiries = new FieldExpiryIndex();
        bytes = 0;
        expireCursor = 0;
        avgTtl = 0;
        keyspace.databaseFlushed(this);
    }

    void swapContents(Db other) {
        KeyTable k = keys;
        keys = other.keys;
        other.keys = k;
        long c = expireCursor;
        expireCursor = other.expireCursor;
        other.expireCursor = c;
        long t = avgTtl;
        avgTtl = other.avgTtl;
        other.avgTtl = t;
        long b = bytes;
        bytes = other.bytes;
        other.bytes = b;
        FieldExpiryIndex f = fieldExpiries;
        fieldExpiries = other.fieldExpiries;
        other.fieldExpiries = f;
    }

    /** Frees what the keys deleted since the last call held (see {@link KeyTable#recycle}); between commands only. */
    public void recycle() {
        keys.recycle();
    }

    /** Slab bytes the cron goes through for compaction per database and run (16 slices of recycle's). */
    private static final int CRON_COMPACT_BYTES = 16 * KeyTable.COMPACT_SLICE;

    /** Cron work: shrink a sparse index, spend a slice on incremental rehashing, compact the slab. */
    public void cron(boolean activeRehashing) {
        if (keyspace.commandDepth() == 0) {
            keys.recycle();
        }
        keys.shrinkIfSparse();
        if (activeRehashing && keys.isRehashing()) {
            keys.rehashFor(1);
        }
        keys.compactStep(CRON_COMPACT_BYTES);
    }
}
