package dev.cinnabar.server.db;

import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.datatypes.RawString;
import java.util.Arrays;

/**
 * How string values are held in the keyspace, matching Redis's three encodings:
 * <ul>
 *   <li>{@code Long}: {@code int}, for a value that is a canonical 64-bit integer;</li>
 *   <li>{@code byte[]}: {@code embstr} up to 44 bytes, {@code raw} above;</li>
 *   <li>{@link RawString}: {@code raw}, for a value modified in place by APPEND, SETRANGE or SETBIT.</li>
 * </ul>
 * Values of the other types are collection objects; anything else is not a string.
 */
public final class StringValues {
    /** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
    public static final int EMBSTR_LIMIT = 44;
    /** Integers 0..9999 are Redis's shared objects; OBJECT REFCOUNT reports them as shared. */
    public static final int SHARED_INTEGERS = 10000;
    private static final Long[] SHARED = new Long[SHARED_INTEGERS];

    static {
        for (int i = 0; i < SHARED_INTEGERS; i++) {
            SHARED[i] = (long) i;
        }
    }

    private StringValues() {
    }

    public static boolean isString(Object v) {
        return v instanceof byte[] || v instanceof Long || v instanceof RawString;
    }

    /**
     * The value to store for bytes a client sent, encoded as Redis's tryObjectEncoding would:
     * an integer when the text is a canonical integer of at most 20 characters, else the bytes.
     * {@code owned} must not be modified by the caller afterwards.
     */
    public static Object fromBytes(byte[] owned) {
        if (owned.length <= 20 && owned.length > 0) {
            long v = Numbers.parseLongOrSentinel(owned, 0, owned.length);
            if (v != Numbers.NOT_A_NUMBER || Numbers.isLong(owned, 0, owned.length)) {
                return fromLong(v);
            }
        }
        return owned;
    }

    /** An integer value, shared for 0..9999 as Redis shares those objects. */
    public static Long fromLong(long v) {
        if (v >= 0 && v < SHARED_INTEGERS) {
            return SHARED[(int) v];
        }
        return v;
    }

    /** True when {@code v} is one of the shared integer objects. */
    public static boolean isShared(Object v) {
        if (v instanceof Long) {
            long l = (Long) v;
            return l >= 0 && l < SHARED_INTEGERS && SHARED[(int) l] == v;
        }
        return false;
    }

    /** The value's bytes; a fresh array for integers and raw strings, the stored array otherwise. */
    public static byte[] bytes(Object v) {
        if (v instanceof byte[]) {
            return (byte[]) v;
        }
        if (v instanceof Long) {
            return Numbers.toBytes((Long) v);
        }
        return ((RawString) v).toBytes();
    }

    public static int length(Object v) {
        if (v instanceof byte[]) {
            return ((byte[]) v).length;
        }
        if (v instanceof Long) {
            return Numbers.digits((Long) v);
        }
        return ((RawString) v).length();
    }

    /** OBJECT ENCODING's answer for a string value. */
    public static String encoding(Object v) {
        if (v instanceof Long) {
            return "int";
        }
        if (v instanceof byte[]) {
            return ((byte[]) v).length <= EMBSTR_LIMIT ? "embstr" : "raw";
        }
        return "raw";
    }

    /** A copy for COPY and RESTORE-like duplication, keeping the encoding. */
    public static Object duplicate(Object v) {
        if (v instanceof byte[]) {
            byte[] b = (byte[]) v;
            return Arrays.copyOf(b, b.length);
        }
        if (v instanceof RawString) {
            return new RawString(((RawString) v).toBytes());
        }
        return v; // Long is immutable
    }
}
