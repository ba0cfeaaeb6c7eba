package dev.cinnabar.server.memcached;

import dev.cinnabar.datatypes.IdWords;

/**
 * What memcached keeps per item that a Redis string has no room for, per id of the items'
 * database's {@link dev.cinnabar.datatypes.KeyTable}: the 64-bit CAS unique in one word, and in
 * the other the 32-bit client flags, meta's state bits and the second of the last read or write.
 * An id has a meta when its CAS is not 0 (memcached never hands out CAS 0). Two longs an item,
 * no object.
 */
final class ItemMetas {
    /** The item has been read since it was stored (meta's {@code h}). */
    static final int FETCHED = 1;
    /** Invalidated by meta (md I, ms I): reads see it as stale (meta's {@code X}). */
    static final int STALE = 1 << 1;
    /** A win token was handed out for it (meta's {@code W}/{@code Z}). */
    static final int WIN_SENT = 1 << 2;
    /** Read twice since stored: memcached's ITEM_ACTIVE, after which reads leave its time alone. */
    static final int ACTIVE = 1 << 3;
    /** Stored under a base64 (binary) key: its k flag and me answer in base64. */
    static final int KEY_BINARY = 1 << 4;

    private static final int CAS = 0;
    private static final int PACKED = 1;

    private static final int STATE_BITS = 5;
    private static final int SECONDS_BITS = 32 - STATE_BITS;
    private static final int SECONDS_MAX = (1 << SECONDS_BITS) - 1;
    private static final int STATE_MASK = (1 << STATE_BITS) - 1;
    /**
     * How far before the table's start times may go (a clock stepped back): the base is that much
     * earlier, and the 27 bits of seconds then reach about four years past the start.
     */
    private static final int SLACK_SECONDS = 1 << 20;

    private final IdWords words = new IdWords(2);
    /** Unix second that access time 0 stands for. */
    private final long baseSeconds;

    ItemMetas(long nowSeconds) {
        this.baseSeconds = nowSeconds - SLACK_SECONDS;
    }

    boolean has(int id) {
        return words.get(id, CAS) != 0;
    }

    /** Gives {@code id} a meta of these flags and CAS, its state clear and its time {@code seconds}. */
    void put(int id, int flags, long cas, long seconds) {
        words.set(id, CAS, cas);
        words.set(id, PACKED, pack(flags, 0, seconds));
    }

    void drop(int id) {
        words.clear(id);
    }

    void clear() {
        words.clearAll();
    }

    int size() {
        return words.used();
    }

    long heapBytes() {
        return words.heapBytes();
    }

    long cas(int id) {
        return words.get(id, CAS);
    }

    void cas(int id, long cas) {
        words.set(id, CAS, cas);
    }

    int flags(int id) {
        return (int) (words.get(id, PACKED) >>> 32);
    }

    int state(int id) {
        return (int) words.get(id, PACKED) & STATE_MASK;
    }

    void state(int id, int state) {
        long w = words.get(id, PACKED);
        words.set(id, PACKED, (w & ~(long) STATE_MASK) | (state & STATE_MASK));
    }

    /** Unix seconds of the last read or write. */
    long accessSeconds(int id) {
        return baseSeconds + ((int) words.get(id, PACKED) >>> STATE_BITS);
    }

    void accessSeconds(int id, long seconds) {
        long w = words.get(id, PACKED);
        words.set(id, PACKED, pack((int) (w >>> 32), (int) w & STATE_MASK, seconds));
    }

    private long pack(int flags, int state, long seconds) {
        // Past the range (years of uptime, or a clock stepped far back) the time stays at its end.
        long rel = Math.max(0, Math.min(SECONDS_MAX, seconds - baseSeconds));
        return ((long) flags << 32) | (rel << STATE_BITS) | state;
    }
}
