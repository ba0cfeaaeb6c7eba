package dev.cinnabar.server.memcached;

/**
 * What memcached keeps per item that a Redis string has no room for: the 32-bit client flags,
 * the 64-bit CAS unique, when it was last read and meta's state bits. One per key that the
 * memcached front end wrote or read; dropped by any other write to the key.
 */
final class ItemMeta {
    /** The item has been read since it was stored (meta's {@code h}). */
    static final int FETCHED = 1;
    /** Invalidated by meta (md I, ms I): reads see it as stale (meta's {@code X}). */
    static final int STALE = 1 << 1;
    /** A win token was handed out for it (meta's {@code W}/{@code Z}). */
    static final int WIN_SENT = 1 << 2;
    /** Read twice since stored: memcached's ITEM_ACTIVE, after which reads leave its time alone. */
    static final int ACTIVE = 1 << 3;

    int flags;
    long cas;
    /** Unix seconds of the last read or write. */
    int accessSeconds;
    int state;

    ItemMeta(int flags, long cas, int accessSeconds) {
        this.flags = flags;
        this.cas = cas;
        this.accessSeconds = accessSeconds;
    }
}
