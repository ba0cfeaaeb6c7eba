package dev.cinnabar.server.memory;

import static dev.cinnabar.server.memory.JvmSizes.DICT_ENTRY;

import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.RawString;
import dev.cinnabar.server.db.StringValues;

/**
 * What a key costs on the heap, in the pieces the keyspace accounts for as it changes: the key's
 * entry with its own copy of the key bytes, the value, and an expiry time. The tables of a
 * {@link Dict} are measured when asked ({@link #table}), not counted: a lookup may finish an
 * incremental rehash and free a table at any moment.
 *
 * <p>Each value type adds its case to {@link #value}, next to the string one.
 */
public final class ValueSizes {
    /** An expiry: an entry in the expires table, which shares the key's array, and its boxed time. */
    public static final long EXPIRE_ENTRY = DICT_ENTRY + JvmSizes.LONG;

    private ValueSizes() {
    }

    /** A key's entry in the key table plus the key bytes it owns. */
    public static long keyEntry(int keyLength) {
        return DICT_ENTRY + JvmSizes.byteArray(keyLength);
    }

    /** The bytes a stored value holds that nothing else shares. */
    public static long value(Object v) {
        if (v instanceof byte[]) {
            return JvmSizes.byteArray(((byte[]) v).length);
        }
        if (v instanceof Long) {
            return sharedLong((Long) v) ? 0 : JvmSizes.LONG;
        }
        if (v instanceof RawString) {
            return JvmSizes.RAW_STRING + JvmSizes.byteArray(((RawString) v).capacity());
        }
        // A type without its case yet counts as an empty object: an underestimate, never a failure.
        return JvmSizes.align(JvmSizes.OBJECT_HEADER);
    }

    /**
     * True for an integer object that many keys may point to: Redis's shared 0..9999 kept by
     * {@link StringValues}, and the small negatives that {@code Long.valueOf} caches.
     */
    private static boolean sharedLong(Long v) {
        long x = v;
        return StringValues.isShared(v) || (x >= -128 && x < 0 && v == Long.valueOf(x));
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
