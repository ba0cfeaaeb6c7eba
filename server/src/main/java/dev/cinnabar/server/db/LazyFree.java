package dev.cinnabar.server.db;

import dev.cinnabar.datatypes.KeyTable;
import dev.cinnabar.datatypes.value.ValueTypes;
import dev.cinnabar.server.config.ServerConfig;

/**
 * Redis's lazy freeing, as far as clients can see it. Redis frees a big value (one whose
 * {@link dev.cinnabar.datatypes.value.ValueType#freeEffort free effort} is over 64 allocations)
 * on a background thread when the deletion is lazy, so that DEL of a million-element set does
 * not stall it. Here no deletion frees anything on the engine thread: dropping the reference is
 * O(1) (a collection keeps its size figure as it changes) and the collector reclaims the memory
 * concurrently. What is left to reproduce is what Redis reports: which deletions are lazy under
 * the {@code lazyfree-lazy-*} settings, for the propagated UNLINK, and INFO's
 * {@code lazyfreed_objects}, counted as Redis's background thread would have counted.
 */
public final class LazyFree {
    /** Redis's LAZYFREE_THRESHOLD: values cheaper to free than this are freed at once. */
    static final long THRESHOLD = 64;

    /** How a value leaves the keyspace, which decides the setting that makes it lazy. */
    public enum Cause {
        /** DEL, and the commands that delete as a user would (lazyfree-lazy-user-del). */
        USER_DEL,
        /** UNLINK: always lazy. */
        UNLINK,
        /** A value the server deletes or overwrites (lazyfree-lazy-server-del). */
        SERVER_DEL,
        /** Expiry, lazy or active (lazyfree-lazy-expire). */
        EXPIRE,
        /** Eviction under maxmemory (lazyfree-lazy-eviction). */
        EVICTION,
        /** The value lives on under another key (RENAME, MOVE): nothing is freed. */
        MOVED
    }

    private ServerConfig config;
    private long freedObjects;

    /** The settings are read from {@code config} at each deletion; without one nothing is lazy. */
    public void config(ServerConfig config) {
        this.config = config;
    }

    boolean lazy(Cause cause) {
        if (config == null) {
            return cause == Cause.UNLINK;
        }
        switch (cause) {
            case USER_DEL:
                return config.lazyfreeLazyUserDel;
            case UNLINK:
                return true;
            case SERVER_DEL:
                return config.lazyfreeLazyServerDel;
            case EXPIRE:
                return config.lazyfreeLazyExpire;
            case EVICTION:
                return config.lazyfreeLazyEviction;
            default:
                return false;
        }
    }

    /** FLUSHALL and FLUSHDB without ASYNC or SYNC are lazy under lazyfree-lazy-user-flush. */
    public boolean lazyUserFlush() {
        return config != null && config.lazyfreeLazyUserFlush;
    }

    /** {@code value} left the keyspace for {@code cause}. */
    void dropped(Object value, Cause cause) {
        // An inline string (KeyTable.INLINE) is never a big free.
        if (value != null && value != KeyTable.INLINE && lazy(cause)
                && ValueTypes.of(value).freeEffort(value) > THRESHOLD) {
            freedObjects++;
        }
    }

    /** A database of {@code keys} keys was emptied in the background (FLUSHALL ASYNC): Redis counts each. */
    void flushed(long keys) {
        freedObjects += keys;
    }

    /** INFO's lazyfreed_objects. */
    public long freedObjects() {
        return freedObjects;
    }

    /** CONFIG RESETSTAT. */
    public void resetStats() {
        freedObjects = 0;
    }
}
