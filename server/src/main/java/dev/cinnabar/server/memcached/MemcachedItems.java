package dev.cinnabar.server.memcached;

import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.KeyTable;
import dev.cinnabar.datatypes.RawString;
import dev.cinnabar.datatypes.value.StringType;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.client.Tracking;
import dev.cinnabar.server.config.KeyspaceEvents;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.db.KeyspaceObserver;
import dev.cinnabar.server.db.LazyFree;
import dev.cinnabar.server.db.Propagation;
import dev.cinnabar.server.stats.MemcachedStats;
import java.nio.charset.StandardCharsets;

/**
 * memcached's items on Cinnabar's keyspace: an item is a string key of database
 * {@code memcached-db}; its 32-bit client flags, 64-bit CAS unique and meta's invalidation state
 * live in a side table by the key's id ({@link ItemMetas}). Any write to the key by anything but this
 * store (a RESP command, expiry, eviction, a flush) drops that entry, so the item reads as flags
 * 0 with a fresh CAS. Writes go through {@link Db}'s write path, so propagation, keyspace
 * notifications, WATCH, tracking and eviction see them: each operation is one execution unit,
 * as a command is (its changes counted, its propagation wrapped). Engine thread only.
 *
 * <p>What the AOF and replicas see: {@code set} and friends as {@code SET key value} (with
 * {@code PXAT} when the item expires), {@code append} as {@code APPEND}, {@code prepend} and
 * {@code incr}/{@code decr} as a {@code SET} of the result (keeping the TTL), {@code delete} as
 * {@code DEL}, {@code touch} as {@code PEXPIREAT} or {@code PERSIST}, {@code flush_all} as the
 * {@code DEL}s of the items or a {@code FLUSHDB}. Flags and CAS uniques are not persisted.
 */
public final class MemcachedItems implements KeyspaceObserver {
    /** Results of store/delete/arith/touch: memcached's outcomes. */
    public enum Outcome {
        STORED, NOT_STORED, EXISTS, NOT_FOUND, DELETED, TOUCHED, NON_NUMERIC, TOO_LARGE, OUT_OF_MEMORY,
        /** Writes are refused now (a failed save, a script or load holding the server): see {@link #deniedReason()}. */
        DENIED
    }

    public enum StoreMode { SET, ADD, REPLACE, APPEND, PREPEND, CAS }

    /** {@code expireAtMillis}: no expiry. */
    public static final long NO_EXPIRY = -1;
    /** {@code expireAtMillis}: already expired (a negative exptime, an absolute time passed). */
    public static final long EXPIRED = -2;
    /** memcached's process_started: its start less ITEM_UPDATE_INTERVAL (60 s) and 2 s. */
    private static final long CLOCK_START_BEFORE_MILLIS = 62_000;
    /** {@link #getAndTouch}: keep the item's expiry. */
    public static final long KEEP = Long.MIN_VALUE;

    /** memcached's REALTIME_MAXDELTA: exptimes above 30 days are absolute unix times. */
    public static final long REALTIME_MAXDELTA = 60L * 60 * 24 * 30;

    /** memcached's item header on 64-bit builds, which counts against the item size limit. */
    private static final int ITEM_HEADER = 48;

    /** A view of an item, reused between calls (no allocation per get): valid until the next call. */
    public interface Item {
        /** The value's bytes (an integer-encoded value is rendered into a scratch buffer). */
        byte[] valueArray();

        int valueOffset();

        int valueLength();

        int flags();

        long cas();

        /** -1 when the item has no expiry. */
        long expireAtMillis();

        /** meta's {@code l}: when the item was last read or written, before this read (ms). */
        long lastAccessMillis();

        /** meta's {@code h}: whether the item had been read before this read. */
        boolean fetchedBefore();

        /** meta's invalidation state: the item is stale (md I, ms I). */
        boolean stale();

        /** meta's W/Z: a win token was handed out already. */
        boolean winTokenSent();
    }

    private static final class View implements Item {
        byte[] array;
        int offset;
        int length;
        int flags;
        long cas;
        long expireAt;
        long lastAccess;
        boolean fetchedBefore;
        boolean stale;
        boolean winSent;
        final byte[] digits = new byte[24];

        @Override
        public byte[] valueArray() {
            return array;
        }

        @Override
        public int valueOffset() {
            return offset;
        }

        @Override
        public int valueLength() {
            return length;
        }

        @Override
        public int flags() {
            return flags;
        }

        @Override
        public long cas() {
            return cas;
        }

        @Override
        public long expireAtMillis() {
            return expireAt;
        }

        @Override
        public long lastAccessMillis() {
            return lastAccess;
        }

        @Override
        public boolean fetchedBefore() {
            return fetchedBefore;
        }

        @Override
        public boolean stale() {
            return stale;
        }

        @Override
        public boolean winTokenSent() {
            return winSent;
        }

        /** Takes the flags, CAS, time and state of item {@code id}. */
        void meta(ItemMetas metas, int id) {
            flags = metas.flags(id);
            cas = metas.cas(id);
            lastAccess = metas.accessSeconds(id) * 1000L;
            int state = metas.state(id);
            fetchedBefore = (state & ItemMetas.FETCHED) != 0;
            stale = (state & ItemMetas.STALE) != 0;
            winSent = (state & ItemMetas.WIN_SENT) != 0;
        }

        /** Points at the value's bytes; an integer is rendered into {@link #digits}. */
        void value(Object v) {
            if (v instanceof byte[]) {
                array = (byte[]) v;
                offset = 0;
                length = array.length;
            } else if (v instanceof RawString) {
                RawString r = (RawString) v;
                array = r.array();
                offset = 0;
                length = r.length();
            } else {
                long x = (Long) v;
                int p = digits.length;
                boolean neg = x < 0;
                do {
                    long q = x / 10;
                    digits[--p] = (byte) ('0' + Math.abs((int) (x - q * 10)));
                    x = q;
                } while (x != 0);
                if (neg) {
                    digits[--p] = '-';
                }
                array = digits;
                offset = p;
                length = digits.length - p;
            }
        }
    }

    private final ServerContext server;
    private final MemcachedStats stats;
    /** Flags and CAS per key id of {@link #metaDb}. */
    private final ItemMetas metas;
    /** The database {@link #metas} describes; the table is cleared when memcached-db changes. */
    private int metaDb;
    private long casCounter;
    private long lastCas;
    private long lastArithValue;
    private String deniedReason;
    private final View view = new View();
    /**
     * The key whose meta survives the write under way: this store's re-timing of an item. Any
     * other write drops the meta of the key it writes (the store's own writes then put it back).
     */
    private int keptId = KeyTable.NONE;
    /** Nesting of {@link #begin}/{@link #end}. */
    private int depth;
    /** A delayed flush_all: the time it takes effect, 0 for none. */
    private long flushAtMillis;
    /** The end of the second in which a delayed flush takes effect: items stored until then go too. */
    private long flushEndMillis;
    /** Scratch for incr/decr results. */
    private final byte[] number = new byte[24];

    private MemcachedItems(ServerContext server) {
        this.server = server;
        this.stats = server.stats().memcached;
        this.metaDb = server.config().memcachedDb;
        this.metas = new ItemMetas(server.clock().millis() / 1000);
    }

    /** The server's item store, made (and registered as an observer) on first use. */
    public static MemcachedItems of(ServerContext server) {
        if (server.memcached == null) {
            MemcachedItems items = new MemcachedItems(server);
            server.memcached = items;
            server.keyspace().addObserver(items);
        }
        return (MemcachedItems) server.memcached;
    }

    /**
     * memcached's exptime rules: 0 is no expiry ({@link #NO_EXPIRY}), negative is already
     * expired ({@link #EXPIRED}), up to 30 days relative seconds, above that an absolute unix
     * time (one at or before now is already expired). The result is in absolute milliseconds.
     */
    public static long expireAtMillis(long exptime, long nowMillis) {
        if (exptime == 0) {
            return NO_EXPIRY;
        }
        if (exptime < 0) {
            return EXPIRED;
        }
        if (exptime > REALTIME_MAXDELTA) {
            long at = exptime * 1000;
            return at <= nowMillis ? EXPIRED : at;
        }
        return nowMillis + exptime * 1000;
    }

    /** The database items live in ({@code memcached-db}). */
    public Db db() {
        int id = server.config().memcachedDb;
        if (id >= server.keyspace().count()) {
            id = 0;
        }
        if (id != metaDb) {
            metas.clear();
            metaDb = id;
            sized();
        }
        return server.keyspace().db(id);
    }

    /** The time as the running operation sees it (frozen for the operation). */
    public long now() {
        return server.keyspace().now();
    }

    /** Whether an item of this key, flags and data length is over {@code memcached-max-item-size}, as memcached counts it. */
    public boolean tooLarge(int keyLength, int flags, long dataLength) {
        long total = ITEM_HEADER + keyLength + 1 + (flags != 0 ? 4 : 0) + dataLength + 2 + 8;
        return total > server.config().memcachedMaxItemSize;
    }

    /** The CAS of the item the last successful store/arith/touch produced. */
    public long lastCas() {
        return lastCas;
    }

    public long lastArithValue() {
        return lastArithValue;
    }

    /** Why the last {@link Outcome#DENIED} write was refused: Redis's error text (e.g. {@code MISCONF ...}). */
    public String deniedReason() {
        return deniedReason;
    }

    private long nextCas() {
        return ++casCounter;
    }

    private long nowSeconds() {
        return now() / 1000;
    }

    // ------------------------------------------------------------------ execution units

    /**
     * Starts an operation, as the dispatcher starts a command: the time is frozen, writes are
     * signalled with the client and counted, propagation is gathered into one unit. Operations
     * nest (a meta command made of several); only the outermost does the per-command work.
     */
    public void begin(Client c) {
        Keyspace ks = server.keyspace();
        if (depth++ == 0 && ks.commandDepth() == 0) {
            ks.updateTime();
            if (c != null) {
                server.clients().tracking().commandStarts(c);
            }
        }
        ks.propagation().beginUnit(true);
        ks.beginCommand(c);
        if (flushAtMillis != 0 && now() >= flushAtMillis) {
            // memcached's delayed flush hides what is stored until its clock's second ends.
            if (now() >= flushEndMillis) {
                flushAtMillis = 0;
            }
            flushNow(c);
        }
    }

    /** Ends an operation begun with {@link #begin}: its changes are added to {@code dirty}. */
    public void end(Client c) {
        Keyspace ks = server.keyspace();
        ks.dirty += ks.commandChanges();
        ks.endCommand();
        ks.propagation().endUnit();
        if (--depth == 0 && ks.commandDepth() == 0 && c != null) {
            Tracking tracking = server.clients().tracking();
            tracking.commandEnds();
        }
    }

    /** A delayed flush_all whose time came, without any request to notice it (the cron calls this). */
    public void cron() {
        if (flushAtMillis != 0 && server.clock().millis() >= flushAtMillis) {
            begin(null);
            end(null);
        }
    }

    /**
     * Whether writes may go on, as the dispatcher decides for Redis's write commands: null when
     * they may, else Redis's refusal (an out-of-memory refusal is {@link Outcome#OUT_OF_MEMORY}).
     */
    private Outcome checkWrite(boolean growing) {
        if (server.busy().holdsClients()) {
            deniedReason = server.busy().rejection();
            return Outcome.DENIED;
        }
        if (growing && server.eviction().active() && !server.evictIfNeeded()) {
            return Outcome.OUT_OF_MEMORY;
        }
        if (server.diskError.getAsBoolean()) {
            deniedReason = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist"
                    + " to disk. Commands that may modify the data set are disabled, because this instance is"
                    + " configured to report errors during writes if RDB snapshotting fails"
                    + " (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the"
                    + " RDB error.";
            return Outcome.DENIED;
        }
        String aof = server.aofDiskError.get();
        if (aof != null) {
            deniedReason = aof;
            return Outcome.DENIED;
        }
        return null;
    }

    // ------------------------------------------------------------------ the side table

    /** Id {@code id} of the items' table, a live string, with its meta made (flags 0, a fresh CAS) if it has none. */
    private int metaOf(int id) {
        if (!metas.has(id)) {
            metas.put(id, 0, nextCas(), nowSeconds());
            sized();
        }
        return id;
    }

    /** After this store wrote the key of id {@code id}: its meta with the new flags and a new CAS, its state clear. */
    private void stored(int id, int flags) {
        stats.everStored = true;
        long cas = nextCas();
        metas.put(id, flags, cas, nowSeconds());
        sized();
        lastCas = cas;
    }

    private void addState(int id, int bits) {
        metas.state(id, metas.state(id) | bits);
    }

    /** meta's invalidation: stale, the win token free again, a new CAS. */
    private void invalidated(int id) {
        metas.state(id, (metas.state(id) | ItemMetas.STALE) & ~ItemMetas.WIN_SENT);
        long cas = nextCas();
        metas.cas(id, cas);
        lastCas = cas;
    }

    /** The id of a key of the items' database that has a meta, or {@link KeyTable#NONE}: no expiry, no touch. */
    private int idWithMeta(byte[] key, int off, int len) {
        if (metas.size() == 0) {
            return KeyTable.NONE;
        }
        int id = server.keyspace().db(metaDb).keys().find(key, off, len);
        return id != KeyTable.NONE && metas.has(id) ? id : KeyTable.NONE;
    }

    /** Tells used_memory what the side table holds now. */
    private void sized() {
        server.memory().besideKeyspace = metas.heapBytes();
    }

    @Override
    public void beforeWrite(Db db, byte[] key, int off, int len, Object value) {
        if (db.id == metaDb && metas.size() > 0) {
            int id = db.keys().find(key, off, len);
            // Dropped on every write but a re-timing by this store, deletions included: a
            // deleted key's id goes to another key once the command ends.
            if (id != KeyTable.NONE && id != keptId && metas.has(id)) {
                metas.drop(id);
                sized();
            }
        }
    }

    @Override
    public void beforeFlush(Db db, Db replacedWith) {
        if (db.id == metaDb || (replacedWith != null && replacedWith.id == metaDb)) {
            metas.clear();
            sized();
        }
    }

    /** How many keys have flags or a CAS unique kept (tests, stats). */
    public int metaCount() {
        return metas.size();
    }

    // ------------------------------------------------------------------ reads

    /** A live string entry of the items' database, or null (absent, expired, another type). */
    private KeyEntry liveString(Db db, byte[] key, int off, int len) {
        int id = liveStringId(db, key, off, len);
        return id == KeyTable.NONE ? null : db.entryOf(id);
    }

    /** {@link #liveString} as an id of the database's table, or {@link KeyTable#NONE}: nothing allocated. */
    private static int liveStringId(Db db, byte[] key, int off, int len) {
        int id = db.writeEntryId(key, off, len);
        return id != KeyTable.NONE && db.holdsString(id) ? id : KeyTable.NONE;
    }

    /** get/gets and mg: null on a miss; counts get_cmds, get_hits and get_misses. */
    public Item get(Client c, byte[] key, int off, int len) {
        begin(c);
        try {
            stats.getCmds++;
            Item it = read(key, off, len, KEEP);
            if (it == null) {
                stats.getMisses++;
            } else {
                stats.getHits++;
            }
            return it;
        } finally {
            end(c);
        }
    }

    /**
     * gat/gats and mg with T: as {@link #get}, and sets the expiry ({@link #KEEP} leaves it,
     * {@link #EXPIRED} returns the item and deletes it). Counts touch_cmds, touch_hits and
     * touch_misses, as memcached does for gat.
     */
    public Item getAndTouch(Client c, byte[] key, int off, int len, long expireAtMillis) {
        begin(c);
        try {
            stats.touchCmds++;
            Item it = read(key, off, len, expireAtMillis);
            if (it == null) {
                stats.touchMisses++;
            } else {
                stats.touchHits++;
            }
            return it;
        } finally {
            end(c);
        }
    }

    /**
     * A fetch, as memcached's segmented LRU records one: the first marks the item fetched, the
     * second makes it active and moves its last-access time to now, later ones change nothing
     * (meta's {@code h} and {@code l} show it).
     */
    private void bump(int id) {
        int state = metas.state(id);
        if ((state & ItemMetas.ACTIVE) == 0) {
            if ((state & ItemMetas.FETCHED) == 0) {
                metas.state(id, state | ItemMetas.FETCHED);
            } else {
                metas.state(id, state | ItemMetas.ACTIVE);
                metas.accessSeconds(id, nowSeconds());
            }
        }
    }

    private Item read(byte[] key, int off, int len, long touchTo) {
        Db db = db();
        long when = db.expireAt(key, off, len);
        if (when >= 0 && now() > when) {
            stats.getExpired++;
            when = -1;
        }
        int id = db.lookupReadId(key, off, len);
        KeyTable keys = db.keys();
        if (id == KeyTable.NONE || !db.holdsString(id)) {
            return null;
        }
        metaOf(id);
        View out = view;
        if (db.isInline(id)) {
            // Read where it lies: the reply is written before anything else can move the record.
            out.array = keys.inlineArray(id);
            out.offset = keys.inlineOffset(id);
            out.length = keys.inlineLength(id);
        } else {
            out.value(keys.value(id));
        }
        out.meta(metas, id);
        out.expireAt = when;
        bump(id);
        if (touchTo != KEEP) {
            KeyEntry e = db.entryOf(id);
            if (touchTo == EXPIRED) {
                // Served this once, then expired, as memcached's gat with a past time.
                retime(db, e, now() - 1);
                out.expireAt = now() - 1;
            } else {
                retime(db, e, touchTo);
                out.expireAt = touchTo < 0 ? -1 : touchTo;
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ writes

    /**
     * set/add/replace/append/prepend/cas and ms; {@code casIn} is 0 unless the mode is CAS (or
     * meta's C). For append/prepend the flags and expiry are the item's own. {@code TOO_LARGE}
     * when the item would pass {@code memcached-max-item-size} (a refused {@code set} deletes the
     * old item, as memcached does). Counts cmd_set and the cas_* counters.
     */
    public Outcome store(Client c, StoreMode mode, byte[] key, int koff, int klen,
            byte[] data, int doff, int dlen, int flags, long expireAtMillis, long casIn) {
        begin(c);
        try {
            return storeUnit(c, mode, key, koff, klen, data, doff, dlen, flags, expireAtMillis, casIn);
        } finally {
            end(c);
        }
    }

    private Outcome storeUnit(Client c, StoreMode mode, byte[] key, int koff, int klen,
            byte[] data, int doff, int dlen, int flags, long expireAtMillis, long casIn) {
        Db db = db();
        if (tooLarge(klen, flags, dlen)) {
            stats.storeTooLarge++;
            if (mode == StoreMode.SET && checkWrite(false) == null) {
                selfDelete(db, key, koff, klen, LazyFree.Cause.USER_DEL, true);
            }
            return Outcome.TOO_LARGE;
        }
        stats.setCmds++;
        Outcome refused = checkWrite(true);
        if (refused != null) {
            if (refused == Outcome.OUT_OF_MEMORY) {
                stats.storeNoMemory++;
            }
            return refused;
        }
        int oldId = liveStringId(db, key, koff, klen);
        if (oldId == KeyTable.NONE && db.entryId(key, koff, klen) != KeyTable.NONE) {
            // A key of another type is no item, but memcached's writes may not replace it
            // unless they would create an item: set/add overwrite it (as SET would).
            if (mode != StoreMode.SET && mode != StoreMode.ADD) {
                if (mode == StoreMode.CAS) {
                    stats.casMisses++;
                    return Outcome.NOT_FOUND;
                }
                return Outcome.NOT_STORED;
            }
            if (mode == StoreMode.ADD) {
                return Outcome.NOT_STORED;
            }
        }
        switch (mode) {
            case ADD:
                if (oldId != KeyTable.NONE) {
                    metas.accessSeconds(metaOf(oldId), nowSeconds());
                    return Outcome.NOT_STORED;
                }
                break;
            case REPLACE:
                if (oldId == KeyTable.NONE) {
                    return Outcome.NOT_STORED;
                }
                break;
            case CAS:
                if (oldId == KeyTable.NONE) {
                    stats.casMisses++;
                    return Outcome.NOT_FOUND;
                }
                if (casIn == 0 || metas.cas(metaOf(oldId)) != casIn) {
                    stats.casBadval++;
                    return Outcome.EXISTS;
                }
                stats.casHits++;
                break;
            case APPEND:
            case PREPEND:
                if (oldId == KeyTable.NONE) {
                    return Outcome.NOT_STORED;
                }
                if (casIn != 0 && metas.cas(metaOf(oldId)) != casIn) {
                    return Outcome.EXISTS;
                }
                return concat(c, db, db.entryOf(oldId), mode == StoreMode.APPEND, data, doff, dlen);
            default:
                break;
        }
        stats.totalItems++;
        if (expireAtMillis == EXPIRED) {
            // Stored already expired, as memcached stores it: gone for every read (the first
            // one counts get_expired), deleted by expiry.
            expireAtMillis = now() - 1;
        }
        int id = db.setStringKey(key, koff, klen, data, doff, dlen, false);
        if (expireAtMillis >= 0) {
            db.setExpire(key, koff, klen, id, expireAtMillis);
        }
        stored(id, flags);
        notify(KeyspaceEvents.STRING, "set", key, koff, klen, db);
        if (expireAtMillis >= 0) {
            notify(KeyspaceEvents.GENERIC, "expire", key, koff, klen, db);
        }
        Propagation p = server.propagation();
        if (p.active()) {
            byte[] k = java.util.Arrays.copyOfRange(key, koff, koff + klen);
            byte[] v = java.util.Arrays.copyOfRange(data, doff, doff + dlen);
            p.add(db.id, expireAtMillis >= 0 ? Argv.of(SET, k, v, PXAT, ascii(Long.toString(expireAtMillis)))
                    : Argv.of(SET, k, v));
        }
        return Outcome.STORED;
    }

    /** append/prepend: the old value grows (flags, expiry and meta state kept; a new CAS). */
    private Outcome concat(Client c, Db db, KeyEntry e, boolean append, byte[] data, int doff, int dlen) {
        Object v = e.value();
        int oldLength = StringType.length(v);
        int flags = metas.flags(metaOf(e.id()));
        if (tooLarge(e.key().length, flags, (long) oldLength + dlen)) {
            return Outcome.NOT_STORED;
        }
        byte[] key = e.key();
        long before = db.beforeChange(e);
        RawString raw = StringType.toRaw(v);
        if (append) {
            raw.append(data, doff, dlen);
        } else {
            byte[] joined = new byte[oldLength + dlen];
            System.arraycopy(data, doff, joined, 0, dlen);
            System.arraycopy(raw.array(), 0, joined, dlen, oldLength);
            raw.replace(joined);
        }
        if (raw == e.value()) {
            db.changed(e, before);
        } else {
            db.changedTo(e, raw, before);
        }
        stored(e.id(), flags);
        stats.totalItems++;
        notify(KeyspaceEvents.STRING, append ? "append" : "set", key, 0, key.length, db);
        Propagation p = server.propagation();
        if (p.active()) {
            if (append) {
                p.add(db.id, Argv.of(APPEND, key.clone(), java.util.Arrays.copyOfRange(data, doff, doff + dlen)));
            } else {
                propagateSetKeepTtl(db, e);
            }
        }
        return Outcome.STORED;
    }

    private void propagateSetKeepTtl(Db db, KeyEntry e) {
        byte[] key = e.key().clone();
        byte[] value = StringType.bytes(e.value()).clone();
        byte[] bytes = StringType.length(e.value()) == value.length ? value
                : java.util.Arrays.copyOf(value, StringType.length(e.value()));
        server.propagation().add(db.id, db.expireAt(key) >= 0 ? Argv.of(SET, key, bytes, KEEPTTL) : Argv.of(SET, key, bytes));
    }

    /** delete and md; {@code casIn} 0 for no CAS check. Counts delete_hits and delete_misses. */
    public Outcome delete(Client c, byte[] key, int off, int len, long casIn) {
        begin(c);
        try {
            Db db = db();
            KeyEntry e = liveString(db, key, off, len);
            if (e == null) {
                stats.deleteMisses++;
                return Outcome.NOT_FOUND;
            }
            if (casIn != 0 && metas.cas(metaOf(e.id())) != casIn) {
                return Outcome.EXISTS;
            }
            Outcome refused = checkWrite(false);
            if (refused != null) {
                return refused;
            }
            stats.deleteHits++;
            selfDelete(db, key, off, len, LazyFree.Cause.USER_DEL, true);
            return Outcome.DELETED;
        } finally {
            end(c);
        }
    }

    /** Deletes a key through the write path, with its {@code del} event and its DEL propagated. */
    private void selfDelete(Db db, byte[] key, int off, int len, LazyFree.Cause cause, boolean propagate) {
        KeyEntry e = db.entry(key, off, len);
        if (e == null) {
            return;
        }
        byte[] owned = e.key();
        if (!db.delete(owned, cause)) {
            return;
        }
        notify(KeyspaceEvents.GENERIC, "del", owned, 0, owned.length, db);
        if (propagate && server.propagation().active()) {
            server.propagation().add(db.id, Argv.of(DEL, owned));
        }
    }

    /**
     * incr/decr and ma: 64-bit unsigned; incr wraps, decr stops at 0, as memcached. A value is
     * a number when it reads as one up to a blank (memcached's strtoull over the data); a
     * result no longer than the value is written over it, padded with spaces, as memcached
     * does in place. The new value is {@link #lastArithValue()}. Counts incr/decr hits and misses.
     */
    public Outcome arith(Client c, byte[] key, int off, int len, boolean incr, long delta, long casIn) {
        begin(c);
        try {
            Db db = db();
            KeyEntry e = liveString(db, key, off, len);
            if (e == null) {
                if (incr) {
                    stats.incrMisses++;
                } else {
                    stats.decrMisses++;
                }
                return Outcome.NOT_FOUND;
            }
            Object v = e.value();
            view.value(v);
            int length = view.length;
            if (length == 0) {
                return Outcome.NON_NUMERIC;
            }
            int id = metaOf(e.id());
            if (casIn != 0 && metas.cas(id) != casIn) {
                return Outcome.EXISTS;
            }
            Numbers numbers = this.numbers;
            long value = numbers.strtoull(view.array, view.offset, length);
            if (!numbers.ok) {
                return Outcome.NON_NUMERIC;
            }
            Outcome refused = checkWrite(true);
            if (refused != null) {
                return refused;
            }
            if (incr) {
                value += delta;
                stats.incrHits++;
            } else {
                value = Long.compareUnsigned(delta, value) > 0 ? 0 : value - delta;
                stats.decrHits++;
            }
            lastArithValue = value;
            int n = unsignedDigits(value, number);
            int from = number.length - n;
            int flags = metas.flags(id);
            int state = metas.state(id);
            if (n <= length) {
                // In place, padded with spaces to the old length.
                byte[] padded = new byte[length];
                System.arraycopy(number, from, padded, 0, n);
                for (int i = n; i < length; i++) {
                    padded[i] = ' ';
                }
                replaceValue(db, e, padded, 0, length);
            } else {
                // Longer than the old value: memcached links a new item (total_items counts it).
                replaceValue(db, e, number, from, n);
                stats.totalItems++;
            }
            stored(e.id(), flags);
            metas.state(e.id(), state);
            notify(KeyspaceEvents.STRING, incr ? "incrby" : "decrby", e.key(), 0, e.key().length, db);
            if (server.propagation().active()) {
                propagateSetKeepTtl(db, e);
            }
            return Outcome.STORED;
        } finally {
            end(c);
        }
    }

    private final Numbers numbers = new Numbers();

    /** The entry takes a new string value made from the bytes, its TTL kept. */
    private static void replaceValue(Db db, KeyEntry e, byte[] b, int off, int len) {
        Long asInt = StringType.asInteger(b, off, len);
        Object value = asInt != null ? asInt : java.util.Arrays.copyOfRange(b, off, off + len);
        db.replaceValue(e, value);
    }

    /** Writes {@code v} (unsigned) right-aligned into {@code out}; returns the digit count. */
    static int unsignedDigits(long v, byte[] out) {
        int p = out.length;
        if (v < 0) {
            long q = (v >>> 1) / 5;
            out[--p] = (byte) ('0' + (v - q * 10));
            v = q;
        }
        do {
            out[--p] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        return out.length - p;
    }

    /** touch (and meta's T): sets the expiry of an item. Counts touch_cmds, touch_hits and touch_misses. */
    public Outcome touch(Client c, byte[] key, int off, int len, long expireAtMillis) {
        begin(c);
        try {
            stats.touchCmds++;
            Db db = db();
            KeyEntry e = liveString(db, key, off, len);
            if (e == null) {
                stats.touchMisses++;
                return Outcome.NOT_FOUND;
            }
            Outcome refused = checkWrite(false);
            if (refused != null) {
                return refused;
            }
            stats.touchHits++;
            int id = metaOf(e.id());
            bump(id);
            lastCas = metas.cas(id);
            retime(db, e, expireAtMillis == EXPIRED ? now() - 1 : expireAtMillis);
            return Outcome.TOUCHED;
        } finally {
            end(c);
        }
    }

    /** Sets or removes a live entry's TTL, with Redis's events and propagation. */
    private void retime(Db db, KeyEntry e, long expireAtMillis) {
        byte[] key = e.key();
        keptId = e.id();
        try {
            if (expireAtMillis >= 0) {
                db.setExpire(e, expireAtMillis);
                notify(KeyspaceEvents.GENERIC, "expire", key, 0, key.length, db);
                if (server.propagation().active()) {
                    server.propagation().add(db.id, Argv.of(PEXPIREAT, key.clone(), ascii(Long.toString(expireAtMillis))));
                }
            } else if (db.removeExpire(e)) {
                notify(KeyspaceEvents.GENERIC, "persist", key, 0, key.length, db);
                if (server.propagation().active()) {
                    server.propagation().add(db.id, Argv.of(PERSIST, key.clone()));
                }
            }
        } finally {
            keptId = KeyTable.NONE;
        }
    }

    /**
     * flush_all [delay]: with no delay every item goes now; with one, at that time (memcached
     * hides the items stored before it; here they are deleted when it comes). Counts cmd_flush.
     */
    public void flushAll(Client c, long delayMillis) {
        begin(c);
        try {
            stats.flushCmds++;
            if (delayMillis > 0) {
                flushAtMillis = now() + delayMillis;
                return;
            }
            flushAtMillis = 0;
            // memcached takes a CAS unique for the moment of a flush that is due now.
            nextCas();
            flushNow(c);
        } finally {
            end(c);
        }
    }

    /**
     * flush_all (text) or FLUSH (binary) with an exptime, as memcached 1.6 reads it (its
     * process_flush_all through realtime()): 0 flushes now; a relative delay, or an absolute time
     * to come, hides what is stored up to one second before that time; an absolute time already
     * past flushes the items there are now, not those stored after; and one before memcached's
     * clock began (its start less 62 seconds), which realtime() cannot place, flushes nothing,
     * though it still cancels a delayed flush.
     */
    public void flushAllFor(Client c, long exptime) {
        long now = now();
        if (exptime <= 0) {
            flushAll(c, 0);
        } else if (exptime <= REALTIME_MAXDELTA) {
            flushAllAt(c, now + exptime * 1000 - 1000);
        } else if (exptime * 1000 <= server.stats().startMillis - CLOCK_START_BEFORE_MILLIS) {
            begin(c);
            try {
                stats.flushCmds++;
                nextCas();
                flushAtMillis = 0;
            } finally {
                end(c);
            }
        } else if (exptime * 1000 <= now) {
            flushAll(c, 0);
        } else {
            flushAllAt(c, exptime * 1000 - 1000);
        }
    }

    /**
     * flush_all with a delay, at {@code atMillis}: memcached hides every item stored up to the
     * end of that second, items stored after the command within the second included (its
     * oldest_live is a whole second).
     */
    public void flushAllAt(Client c, long atMillis) {
        begin(c);
        try {
            stats.flushCmds++;
            if (atMillis <= now()) {
                nextCas(); // as for a flush due now
            }
            flushAtMillis = Math.max(1, atMillis);
            flushEndMillis = (atMillis / 1000 + 1) * 1000;
            if (now() >= flushAtMillis) {
                flushNow(c);
            }
        } finally {
            end(c);
        }
    }

    /**
     * Deletes every item (string key) of the items' database: a FLUSHDB when it holds nothing
     * else, else the items one by one (other types are no items and stay).
     */
    private void flushNow(Client c) {
        Db db = db();
        if (db.size() == 0) {
            return;
        }
        boolean onlyStrings = true;
        KeyTable keys = db.keys();
        for (int id = keys.nextId(0); id != KeyTable.NONE; id = keys.nextId(id + 1)) {
            if (!db.holdsString(id)) {
                onlyStrings = false;
                break;
            }
        }
        if (onlyStrings) {
            db.flush();
            if (server.propagation().active()) {
                server.propagation().add(db.id, Argv.of(FLUSHDB));
            }
            return;
        }
        java.util.ArrayList<byte[]> items = new java.util.ArrayList<>();
        for (int id = keys.nextId(0); id != KeyTable.NONE; id = keys.nextId(id + 1)) {
            if (db.holdsString(id)) {
                items.add(keys.copyKey(id));
            }
        }
        for (byte[] key : items) {
            selfDelete(db, key, 0, key.length, LazyFree.Cause.USER_DEL, true);
        }
    }

    /** meta's invalidation (md I, ms I): marks the item stale with a new CAS. */
    public void markStale(Client c, byte[] key, int off, int len) {
        begin(c);
        try {
            Db db = db();
            KeyEntry e = liveString(db, key, off, len);
            if (e == null) {
                return;
            }
            invalidated(metaOf(e.id()));
        } finally {
            end(c);
        }
    }

    /** meta's W: records that a win token was handed out for the item. */
    public void markWinTokenSent(byte[] key, int off, int len) {
        int id = idWithMeta(key, off, len);
        if (id != KeyTable.NONE) {
            addState(id, ItemMetas.WIN_SENT);
        }
    }

    private void notify(int type, String event, byte[] key, int off, int len, Db db) {
        server.keyspace().notifications().notify(type, event, key, off, len, db.id);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static final byte[] SET = ascii("SET");
    private static final byte[] PXAT = ascii("PXAT");
    private static final byte[] KEEPTTL = ascii("KEEPTTL");
    private static final byte[] APPEND = ascii("APPEND");
    private static final byte[] DEL = ascii("DEL");
    private static final byte[] PEXPIREAT = ascii("PEXPIREAT");
    private static final byte[] PERSIST = ascii("PERSIST");
    private static final byte[] FLUSHDB = ascii("FLUSHDB");

    // ------------------------------------------------------------------ meta protocol support (mc-meta-bin)

    /** The item as it is, or null: no hit or miss counted, no access recorded (mg u, md, ma, me). */
    public Item peek(Client c, byte[] key, int off, int len) {
        begin(c);
        try {
            Db db = db();
            KeyEntry e = liveString(db, key, off, len);
            if (e == null) {
                return null;
            }
            View out = view;
            out.value(e.value());
            out.meta(metas, metaOf(e.id()));
            out.expireAt = db.expireAt(key, off, len);
            return out;
        } finally {
            end(c);
        }
    }

    /**
     * md I: the item stays but is stale, its win token is free again, it gets a new CAS, and a
     * new expiry unless {@code expireAtMillis} is {@link #KEEP}.
     */
    public void invalidate(Client c, byte[] key, int off, int len, long expireAtMillis) {
        begin(c);
        try {
            Db db = db();
            KeyEntry e = liveString(db, key, off, len);
            if (e == null) {
                return;
            }
            invalidated(metaOf(e.id()));
            if (expireAtMillis != KEEP) {
                // a past time leaves it already expired, as the other stores do
                retime(db, e, expireAtMillis == EXPIRED ? now() - 1 : expireAtMillis);
            }
        } finally {
            end(c);
        }
    }

    /**
     * ms with C and I: a CAS store, except that a CAS older than the item's is taken too: then
     * the value is stored stale, keeping the item's expiry and its win-token state.
     */
    public Outcome storeInvalidating(Client c, byte[] key, int koff, int klen,
            byte[] data, int doff, int dlen, int flags, long expireAtMillis, long casIn) {
        begin(c);
        try {
            Db db = db();
            KeyEntry e = liveString(db, key, koff, klen);
            long current = e == null ? 0 : metas.cas(metaOf(e.id()));
            if (e == null || casIn == 0 || casIn == current || Long.compareUnsigned(casIn, current) > 0) {
                return storeUnit(c, StoreMode.CAS, key, koff, klen, data, doff, dlen, flags, expireAtMillis, casIn);
            }
            int keep = metas.state(metaOf(e.id())) & ItemMetas.WIN_SENT;
            long oldExpiry = db.expireAt(key, koff, klen);
            Outcome o = storeUnit(c, StoreMode.SET, key, koff, klen, data, doff, dlen, flags,
                    oldExpiry < 0 ? NO_EXPIRY : oldExpiry, 0);
            if (o == Outcome.STORED) {
                stats.casHits++;
                int id = idWithMeta(key, koff, klen);
                if (id != KeyTable.NONE) {
                    addState(id, ItemMetas.STALE | keep);
                }
            }
            return o;
        } finally {
            end(c);
        }
    }

    /** Sets an existing item's expiry ({@link #NO_EXPIRY} for none) without changing its CAS or counting a touch. */
    public void setExpiry(Client c, byte[] key, int off, int len, long expireAtMillis) {
        begin(c);
        try {
            Db db = db();
            KeyEntry e = liveString(db, key, off, len);
            if (e == null) {
                return;
            }
            retime(db, e, expireAtMillis == EXPIRED ? now() - 1 : expireAtMillis);
        } finally {
            end(c);
        }
    }

    /** Deletes the item if there is one, counting nothing (memcached's unlink after a refused set). */
    public void deleteQuietly(Client c, byte[] key, int off, int len) {
        begin(c);
        try {
            if (checkWrite(false) == null) {
                selfDelete(db(), key, off, len, LazyFree.Cause.USER_DEL, true);
            }
        } finally {
            end(c);
        }
    }

    /** Whether the item was stored under a base64 key (meta's b): k and me show its key in base64. */
    public boolean keyBinary(byte[] key, int off, int len) {
        int id = idWithMeta(key, off, len);
        return id != KeyTable.NONE && (metas.state(id) & ItemMetas.KEY_BINARY) != 0;
    }

    /** Records that the item was just stored under a base64 key; any later store clears it. */
    public void markKeyBinary(byte[] key, int off, int len) {
        int id = idWithMeta(key, off, len);
        if (id != KeyTable.NONE) {
            addState(id, ItemMetas.KEY_BINARY);
        }
    }
}
