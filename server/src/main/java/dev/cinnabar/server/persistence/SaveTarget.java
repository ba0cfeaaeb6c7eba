package dev.cinnabar.server.persistence;

import dev.cinnabar.persistence.rdb.RdbOutput;

/**
 * Where a background save's RDB goes: the temporary file renamed over the dump (BGSAVE), or the
 * replicas' connections (a diskless full sync). The save's writer thread writes into
 * {@link #out()} and ends with {@link #finish} or, cancelled or failed, {@link #abandon}.
 */
interface SaveTarget {
    RdbOutput out();

    /** Writes the end of the RDB and completes the destination; the error says why it could not. */
    void finish(boolean checksum) throws SnapshotFile.SaveError;

    /** Drops what was written (a failed or cancelled save). */
    void abandon();

    /** The log line for a write that failed with {@code e}. */
    String failure(Exception e);
}
