package dev.cinnabar.server.db;

/**
 * The write hook: told about every change to a key, before the command replies. WATCH,
 * client-side caching invalidation, blocked-client wake-ups and snapshots hang off it.
 */
public interface KeyspaceListener {
    /** Key {@code key[off, off+len)} of {@code db} was created, changed, expired or deleted. */
    void keyModified(Db db, byte[] key, int off, int len);

    /** Every key of {@code db} is gone (FLUSHDB, FLUSHALL, SWAPDB). */
    void databaseFlushed(Db db);
}
