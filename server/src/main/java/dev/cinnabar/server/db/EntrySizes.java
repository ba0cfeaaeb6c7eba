package dev.cinnabar.server.db;

import static dev.cinnabar.datatypes.value.JvmSizes.DICT_ENTRY;

import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.value.JvmSizes;
import dev.cinnabar.datatypes.value.ValueTypes;

/**
 * What a key costs on the heap, in the pieces the keyspace accounts for as it changes: the key's
 * entry with its own copy of the key bytes, the value (its type measures it), and an expiry
 * time. The tables of a {@link Dict} are measured when asked ({@link #table}), not counted: a
 * lookup may finish an incremental rehash and free a table at any moment.
 */
public final class EntrySizes {
    /** An expiry: an entry in the expires table, which shares the key's array, and its boxed time. */
    public static final long EXPIRE_ENTRY = DICT_ENTRY + JvmSizes.LONG;

    private EntrySizes() {
    }

    /** A key's entry in the key table plus the key bytes it owns. */
    public static long keyEntry(int keyLength) {
        return DICT_ENTRY + JvmSizes.byteArray(keyLength);
    }

    /** The bytes a stored value holds that nothing else shares. */
    public static long value(Object v) {
        return ValueTypes.of(v).heapSize(v);
    }

    /** The bucket arrays of a dict: one, or two while it rehashes; each bucket a reference. */
    public static long table(Dict<?> d) {
        long bytes = 0;
        for (int which = 0; which <= 1; which++) {
            int length = d.tableLength(which);
            if (length > 0) {
                bytes += JvmSizes.referenceArray(length);
            }
        }
        return bytes;
    }
}
