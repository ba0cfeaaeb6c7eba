package dev.cinnabar.server.db;

import dev.cinnabar.datatypes.KeyTable;
import dev.cinnabar.datatypes.value.ValueTypes;

/**
 * What a key costs on the heap, for MEMORY USAGE: its share of the key table and its value (its
 * type measures it), and its expiry time. {@link Db#memory()} does not add these up: the table
 * measures itself ({@link KeyTable#heapBytes}).
 */
public final class EntrySizes {
    /** An expiry: the time, and the key's place in the table's list of keys with one. */
    public static final long EXPIRE_ENTRY = 8 + 4 + 4;

    private EntrySizes() {
    }

    /**
     * A key's share of the key table: its record in the slab, its slots in the per-id arrays
     * (value, record, meta) and an index slot at the index's typical fill (half full: 16 bytes).
     */
    public static long keyEntry(int keyLength) {
        return keyEntry(keyLength, 0);
    }

    /** {@link #keyEntry(int)} of a key whose string value of {@code inlineLength} bytes is in its record. */
    public static long keyEntry(int keyLength, int inlineLength) {
        return KeyTable.span(keyLength, inlineLength) + 12 + 16;
    }

    /** The bytes a stored value holds that nothing else shares. */
    public static long value(Object v) {
        return ValueTypes.of(v).heapSize(v);
    }
}
