package dev.cinnabar.server.memcached;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.KeyspaceObserver;

/**
 * memcached's items on Cinnabar's keyspace: an item is a string key of database
 * {@code memcached-db}; its 32-bit client flags, 64-bit CAS unique and meta's invalidation state
 * live in a side table keyed by key ({@link ItemMeta}). Any write to the key by anything but this
 * store (a RESP command, expiry, eviction, a flush) drops that entry, so the item reads as flags
 * 0 with a fresh CAS. Writes go through {@link Db}'s write path, so propagation, keyspace
 * notifications, WATCH, tracking and eviction see them. Engine thread only.
 */
public final class MemcachedItems implements KeyspaceObserver {
    /** Results of store/delete/arith/touch: memcached's outcomes. */
    public enum Outcome { STORED, NOT_STORED, EXISTS, NOT_FOUND, DELETED, TOUCHED, NON_NUMERIC, TOO_LARGE, OUT_OF_MEMORY }

    public enum StoreMode { SET, ADD, REPLACE, APPEND, PREPEND, CAS }

    /** {@code expireAtMillis}: no expiry. */
    public static final long NO_EXPIRY = -1;
    /** {@code expireAtMillis}: already expired (a negative exptime). */
    public static final long EXPIRED = -2;
    /** {@link #getAndTouch}: keep the item's expiry. */
    public static final long KEEP = Long.MIN_VALUE;

    /** memcached's REALTIME_MAXDELTA: exptimes above 30 days are absolute unix times. */
    public static final long REALTIME_MAXDELTA = 60L * 60 * 24 * 30;

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

        /** meta's {@code l}: when the item was last read, before this read. */
        long lastAccessMillis();

        /** meta's {@code h}: whether the item had been read before this read. */
        boolean fetchedBefore();

        /** meta's invalidation state: the item is stale (md I, ms I). */
        boolean stale();

        /** meta's W/Z: a win token was handed out already. */
        boolean winTokenSent();
    }

    private final ServerContext server;

    private MemcachedItems(ServerContext server) {
        this.server = server;
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
        return server.keyspace().db(server.config().memcachedDb);
    }

    /** get/gets and mg: null on a miss; counts hits and misses. */
    public Item get(Client c, byte[] key, int off, int len) {
        throw new UnsupportedOperationException("memcached: not built yet");
    }

    /** gat/gats and mg with T: as {@link #get}, and sets the expiry ({@link #KEEP} leaves it). */
    public Item getAndTouch(Client c, byte[] key, int off, int len, long expireAtMillis) {
        throw new UnsupportedOperationException("memcached: not built yet");
    }

    /**
     * set/add/replace/append/prepend/cas and ms; {@code casIn} is 0 unless the mode is CAS (or
     * meta's C). For append/prepend flags and expiry are the item's own.
     */
    public Outcome store(Client c, StoreMode mode, byte[] key, int koff, int klen,
            byte[] data, int doff, int dlen, int flags, long expireAtMillis, long casIn) {
        throw new UnsupportedOperationException("memcached: not built yet");
    }

    /** The CAS of the item the last successful store/arith/touch produced. */
    public long lastCas() {
        return lastCas;
    }

    private long lastCas;
    private long lastArithValue;

    /** delete and md; {@code casIn} 0 for no CAS check. */
    public Outcome delete(Client c, byte[] key, int off, int len, long casIn) {
        throw new UnsupportedOperationException("memcached: not built yet");
    }

    /**
     * incr/decr and ma: 64-bit unsigned; incr wraps, decr stops at 0, as memcached. The new
     * value is {@link #lastArithValue()}.
     */
    public Outcome arith(Client c, byte[] key, int off, int len, boolean incr, long delta, long casIn) {
        throw new UnsupportedOperationException("memcached: not built yet");
    }

    public long lastArithValue() {
        return lastArithValue;
    }

    /** touch: sets the expiry of an item. */
    public Outcome touch(Client c, byte[] key, int off, int len, long expireAtMillis) {
        throw new UnsupportedOperationException("memcached: not built yet");
    }

    /** flush_all [delay]: every item stored before the moment is gone once it comes. */
    public void flushAll(Client c, long delayMillis) {
        throw new UnsupportedOperationException("memcached: not built yet");
    }

    /** meta's invalidation (md I, ms I, mg's W/X/Z): marks the item stale. */
    public void markStale(Client c, byte[] key, int off, int len) {
        throw new UnsupportedOperationException("memcached: not built yet");
    }

    // ------------------------------------------------------------------ meta protocol support (mc-meta-bin)

    /** The item as it is, or null: no hit/miss counted, no access recorded (mg u, md, ma, me). */
    public Item peek(Client c, byte[] key, int off, int len) {
        throw new UnsupportedOperationException("memcached: not built yet");
    }

    /** mg's W: the item's win token has been handed out (later readers see Z). */
    public void setWinTokenSent(Client c, byte[] key, int off, int len) {
        throw new UnsupportedOperationException("memcached: not built yet");
    }

    /**
     * md I: the item stays but is stale, its win token is free again, it gets a new CAS, and a
     * new expiry unless {@code expireAtMillis} is {@link #KEEP}.
     */
    public void invalidate(Client c, byte[] key, int off, int len, long expireAtMillis) {
        throw new UnsupportedOperationException("memcached: not built yet");
    }

    /**
     * ms with C and I: as a CAS store, except that a CAS older than the item's is accepted too;
     * then the value is stored stale, keeping the item's expiry and win-token state.
     */
    public Outcome storeInvalidating(Client c, byte[] key, int koff, int klen,
            byte[] data, int doff, int dlen, int flags, long expireAtMillis, long casIn) {
        throw new UnsupportedOperationException("memcached: not built yet");
    }

    /** Sets an existing item's expiry ({@link #NO_EXPIRY} for none) without touching its CAS or stats. */
    public void setExpiry(Client c, byte[] key, int off, int len, long expireAtMillis) {
        throw new UnsupportedOperationException("memcached: not built yet");
    }

    /** Deletes the item if there is one, counting nothing (memcached's unlink after a refused set). */
    public void deleteQuietly(Client c, byte[] key, int off, int len) {
        throw new UnsupportedOperationException("memcached: not built yet");
    }

    /**
     * memcached's item_size_ok: whether an item of this key length, flags and value length is
     * over the item size limit ({@code memcached-max-item-size}, memcached's -I), counting
     * memcached's own item overhead.
     */
    public boolean tooLarge(int keyLength, int flags, long valueLength) {
        return SlabSizes.itemTotal(keyLength, flags, 0) + valueLength > server.config().memcachedMaxItemSize;
    }
}
