package dev.cinnabar.server.db;

import dev.cinnabar.datatypes.Hashing;
import java.util.Arrays;

/**
 * The keys one command has changed so far, so that each is signalled once however many write
 * primitives touched it (SET with EX writes the value and the TTL). Most commands change one
 * key; a scan of a few entries answers them without hashing, and a hash index takes over for
 * commands that change many. The key slices are the command's own (its arguments or the keys'
 * arrays), valid until the command ends, when the set is cleared.
 */
final class ModifiedKeys {
    /** {@link #add}: the key was not in the set, so it is to be signalled. */
    static final int NEW = 1;
    /** {@link #add}: the change is the first of this key that counts as the command's own. */
    static final int COUNTED = 2;

    private static final int LINEAR = 8;

    private Db[] dbs = new Db[LINEAR];
    private byte[][] keys = new byte[LINEAR][];
    private int[] offsets = new int[LINEAR];
    private int[] lengths = new int[LINEAR];
    /** The key had a change that counts (not only its expiry). */
    private boolean[] counted = new boolean[LINEAR];
    private int size;
    /** Open addressing over entry index + 1, built once the set outgrows {@link #LINEAR}. */
    private int[] index;
    private int mask;

    /**
     * Adds the key, whose change {@code counts} as the command's own or not; returns
     * {@link #NEW} and {@link #COUNTED} as they apply, 0 when nothing is new.
     */
    int add(Db db, byte[] key, int off, int len, boolean counts) {
        int at = find(db, key, off, len);
        if (at >= 0) {
            if (counts && !counted[at]) {
                counted[at] = true;
                return COUNTED;
            }
            return 0;
        }
        append(db, key, off, len, counts);
        if (index != null) {
            insert(size - 1);
            if (size * 2 > index.length) {
                buildIndex();
            }
        } else if (size == LINEAR) {
            buildIndex();
        }
        return counts ? NEW | COUNTED : NEW;
    }

    private int find(Db db, byte[] key, int off, int len) {
        if (index == null) {
            for (int i = 0; i < size; i++) {
                if (same(i, db, key, off, len)) {
                    return i;
                }
            }
            return -1;
        }
        int h = Hashing.hash(key, off, len) ^ db.id;
        for (int slot = h & mask; ; slot = (slot + 1) & mask) {
            int at = index[slot];
            if (at == 0) {
                return -1;
            }
            if (same(at - 1, db, key, off, len)) {
                return at - 1;
            }
        }
    }

    int size() {
        return size;
    }

    /** Forgets every key; the arrays are kept for the next command. */
    void clear() {
        if (size == 0) {
            return;
        }
        Arrays.fill(keys, 0, size, null);
        Arrays.fill(dbs, 0, size, null);
        size = 0;
        index = null;
    }

    private boolean same(int i, Db db, byte[] key, int off, int len) {
        return dbs[i] == db && lengths[i] == len
                && Arrays.equals(keys[i], offsets[i], offsets[i] + len, key, off, off + len);
    }

    private void append(Db db, byte[] key, int off, int len, boolean counts) {
        if (size == keys.length) {
            int n = size * 2;
            dbs = Arrays.copyOf(dbs, n);
            keys = Arrays.copyOf(keys, n);
            offsets = Arrays.copyOf(offsets, n);
            lengths = Arrays.copyOf(lengths, n);
            counted = Arrays.copyOf(counted, n);
        }
        dbs[size] = db;
        keys[size] = key;
        offsets[size] = off;
        lengths[size] = len;
        counted[size] = counts;
        size++;
    }

    private void buildIndex() {
        int capacity = Integer.highestOneBit(size * 4 - 1) << 1;
        index = new int[capacity];
        mask = capacity - 1;
        for (int i = 0; i < size; i++) {
            insert(i);
        }
    }

    private void insert(int i) {
        int slot = (Hashing.hash(keys[i], offsets[i], lengths[i]) ^ dbs[i].id) & mask;
        while (index[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        index[slot] = i + 1;
    }
}
