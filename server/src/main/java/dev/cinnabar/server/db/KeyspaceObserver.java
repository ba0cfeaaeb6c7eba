package dev.cinnabar.server.db;

/**
 * Told about every write to the keyspace, in two steps. Before: the forkless snapshot saves the
 * old value of a key it has not reached yet. After: Redis's signalModifiedKey, which WATCH,
 * client-side caching and clients blocked on keys hang off. Keyspace notifications are not
 * here: commands fire them with Redis's event names.
 */
public interface KeyspaceObserver {
    /**
     * Key {@code key[off, off+len)} of {@code db} is about to be created, changed, re-timed or
     * deleted; {@code value} is what it holds now (null when absent), or {@link
     * dev.cinnabar.datatypes.KeyTable#INLINE} for a small string kept in the key's record, which
     * {@link Db#valueBeforeWrite} turns into a copy. The value may change in place once this
     * returns: whoever needs it as it was copies or encodes it here.
     */
    default void beforeWrite(Db db, byte[] key, int off, int len, Object value) {
    }

    /**
     * The key was changed, once per key per command (twice when the command's lookup deleted it
     * as expired and the command then wrote it, as Redis signals both). {@code client} is the client whose command
     * changed it (client tracking's NOLOOP skips it), null for the server's own changes such as
     * active expiry.
     */
    default void keyModified(Object client, Db db, byte[] key, int off, int len) {
    }

    /**
     * Key {@code key[off, off+len)} was just created in {@code db}, by a write or by a key moved
     * in (RENAME, MOVE, COPY): Redis's dbAdd, where it signals the clients blocked on the key
     * that it may be ready. An overwrite of a key that exists does not count.
     */
    default void keyAdded(Db db, byte[] key, int off, int len) {
    }

    /**
     * A stream left key {@code key[off, off+len)} of {@code db}: deleted (by any command or by
     * expiry) or overwritten. Redis signals the key as ready then, so that clients blocked on it
     * in XREADGROUP are released with an error.
     */
    default void streamRemoved(Db db, byte[] key, int off, int len) {
    }

    /** Every key of {@code db} is about to go (FLUSHDB, FLUSHALL, SWAPDB): the values are still there. */
    default void beforeFlush(Db db) {
    }

    /**
     * {@link #beforeFlush(Db)} with what replaces the keys: another database's contents for
     * SWAPDB (called for each of the two before they are swapped), null when they just go.
     */
    default void beforeFlush(Db db, Db replacedWith) {
        beforeFlush(db);
    }

    /** Every key of {@code db} is gone or replaced (Redis's signalFlushedDb). */
    default void databaseFlushed(Db db) {
    }
}
