package dev.cinnabar.server.db;

import java.util.Arrays;

/**
 * The keys one command has changed so far, so that each is signalled once however many write
 * primitives touched it (SET with EX writes the value and the TTL). Most commands change one
 * key, which costs a store; a few keys (MSET's ten) are told apart by their hashes, which the
 * key table has already computed, in a scan; a hash index takes over for commands that change
 * many. Nothing is allocated
 * once the arrays have grown to the largest command seen. The key slices are the command's own
 * (its arguments or the keys' arrays), valid until the command ends, when the set is cleared.
 */
final class ModifiedKeys {
    /** {@link #add}: the key was not in the set, so it is to be signalled. */
    static final int NEW = 1;
    /** {@link #add}: the change is the first of this key that counts as the command's own. */
    static final int COUNTED = 2;

    /** Up to this many keys a scan of the hashes beats an index. */
    private static final int LINEAR = 32;

    private Db[] dbs = new Db[4];
    private byte[][] keys = new byte[4][];
    private int[] offsets = new int[4];
    private int[] lengths = new int[4];
    private int[] hashes = new int[4];
    /** The key had a change that counts (not only its expiry). */
    private boolean[] counted = new boolean[4];
    private int size;
    /** Open addressing over entry index + 1, used once the set outgrows {@link #LINEAR}. */
    private int[] index = new int[0];
    private boolean indexed;
    private int mask;

    /**
     * Adds the key, whose hash in its database's table is {@code hash} and whose change
     * {@code counts} as the command's own or not; returns {@link #NEW} and {@link #COUNTED} as
     * they apply, 0 when nothing is new.
     */
    int add(Db db, byte[] key, int off, int len, int hash, boolean counts) {
        int h = hash ^ db.id;
        int at = size == 0 ? -1 : find(db, key, off, len, h);
        if (at >= 0) {
            if (counts && !counted[at]) {
                counted[at] = true;
                return COUNTED;
            }
            return 0;
        }
        append(db, key, off, len, h, counts);
        if (indexed) {
            insert(size - 1);
            if (size * 2 > index.length) {
                buildIndex();
            }
        } else if (size > LINEAR) {
            buildIndex();
        }
        return counts ? NEW | COUNTED : NEW;
    }

    private int find(Db db, byte[] key, int off, int len, int h) {
        if (!indexed) {
            for (int i = 0; i < size; i++) {
                if (hashes[i] == h && same(i, db, key, off, len)) {
                    return i;
                }
            }
            return -1;
        }
        for (int slot = h & mask; ; slot = (slot + 1) & mask) {
            int at = index[slot];
            if (at == 0) {
                return -1;
            }
            if (hashes[at - 1] == h && same(at - 1, db, key, off, len)) {
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
        if (indexed) {
            Arrays.fill(index, 0);
            indexed = false;
        }
        size = 0;
    }

    private boolean same(int i, Db db, byte[] key, int off, int len) {
        return dbs[i] == db && lengths[i] == len
                && Arrays.equals(keys[i], offsets[i], offsets[i] + len, key, off, off + len);
    }

    private void append(Db db, byte[] key, int off, int len, int h, boolean counts) {
        if (size == keys.length) {
            int n = size * 2;
            dbs = Arrays.copyOf(dbs, n);
            keys = Arrays.copyOf(keys, n);
            offsets = Arrays.copyOf(offsets, n);
            lengths = Arrays.copyOf(lengths, n);
            hashes = Arrays.copyOf(hashes, n);
            counted = Arrays.copyOf(counted, n);
        }
        dbs[size] = db;
        keys[size] = key;
        offsets[size] = off;
        lengths[size] = len;
        hashes[size] = h;
        counted[size] = counts;
        size++;
    }

    private void buildIndex() {
        int capacity = Integer.highestOneBit(size * 4 - 1) << 1;
        if (index.length < capacity) {
            index = new int[capacity];
        } else {
            Arrays.fill(index, 0);
        }
        mask = index.length - 1;
        indexed = true;
        for (int i = 0; i < size; i++) {
            insert(i);
        }
    }

    private void insert(int i) {
        int slot = hashes[i] & mask;
        while (index[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        index[slot] = i + 1;
    }
}
