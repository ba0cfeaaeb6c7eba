package dev.cinnabar.datatypes.value;

import dev.cinnabar.datatypes.LongDouble;
import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.datatypes.RawString;
import java.util.Arrays;

/**
 * The string type, held in the keyspace in Redis's three encodings without a wrapper object:
 * <ul>
 *   <li>{@code Long}: {@code int}, for a value that is a canonical 64-bit integer;</li>
 *   <li>{@code byte[]}: {@code embstr} up to 44 bytes, {@code raw} above;</li>
 *   <li>{@link RawString}: {@code raw}, for a value modified in place by APPEND, SETRANGE or SETBIT.</li>
 * </ul>
 * The static methods read and make string values in any of the three.
 *
 * <p>A stored {@code byte[]} is owned by its key alone: no two keys share one, and nothing
 * outside the keyspace keeps one past the command that read it, so a write may overwrite it in
 * place once the write hook has been told.
 */
public final class StringType extends ValueType {
    public static final StringType TYPE = new StringType();

    /** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
    public static final int EMBSTR_LIMIT = 44;
    /** Integers 0..9999 are Redis's shared objects; OBJECT REFCOUNT reports them as shared. */
    public static final int SHARED_INTEGERS = 10000;
    /** OBJ_STRING. */
    static final int OBJ_STRING = 0;
    /** RDB_TYPE_STRING. */
    static final int RDB_TYPE_STRING = 0;
    private static final Long[] SHARED = new Long[SHARED_INTEGERS];

    static {
        for (int i = 0; i < SHARED_INTEGERS; i++) {
            SHARED[i] = (long) i;
        }
    }

    private StringType() {
        super("string");
    }

    // ------------------------------------------------------------------ the type

    @Override
    public boolean holds(Object v) {
        return isString(v);
    }

    @Override
    public String encoding(Object v) {
        if (v instanceof Long) {
            return "int";
        }
        if (v instanceof byte[]) {
            return ((byte[]) v).length <= EMBSTR_LIMIT ? "embstr" : "raw";
        }
        return "raw";
    }

    /**
     * A copy keeping the encoding. Redis's copy is a new object, so an integer from the shared
     * pool comes back unshared and OBJECT REFCOUNT reports 1 for it.
     */
    @Override
    public Object duplicate(Object v) {
        if (v instanceof byte[]) {
            byte[] b = (byte[]) v;
            return Arrays.copyOf(b, b.length);
        }
        if (v instanceof RawString) {
            return new RawString(((RawString) v).toBytes());
        }
        return isShared(v) ? unshared((Long) v) : v;
    }

    @Override
    public long heapSize(Object v) {
        if (v instanceof byte[]) {
            return JvmSizes.byteArray(((byte[]) v).length);
        }
        if (v instanceof Long) {
            return sharedLong((Long) v) ? 0 : JvmSizes.LONG;
        }
        return JvmSizes.RAW_STRING + JvmSizes.byteArray(((RawString) v).capacity());
    }

    @Override
    public long serializedLength(Object v, boolean compression) {
        if (v instanceof Long) {
            return RdbLengths.ofInteger((Long) v);
        }
        return RdbLengths.ofBytes(view(v), 0, length(v), compression);
    }

    @Override
    public int rdbType(Object value) {
        return RDB_TYPE_STRING;
    }

    @Override
    public int objectType() {
        return OBJ_STRING;
    }

    /** The string's bytes, mixed in once: an integer as its decimal text, as Redis decodes it. */
    @Override
    public void digest(Object v, ValueDigest digest) {
        digest.mix(view(v), 0, length(v));
    }

    @Override
    public int refCount(Object v) {
        return isShared(v) ? Integer.MAX_VALUE : 1;
    }

    // ------------------------------------------------------------------ string values

    public static boolean isString(Object v) {
        return v instanceof byte[] || v instanceof Long || v instanceof RawString;
    }

    /**
     * The value to store for bytes a client sent, encoded as Redis's tryObjectEncoding would:
     * an integer when the text is a canonical integer of at most 20 characters, else the bytes.
     * {@code owned} must not be modified by the caller afterwards.
     */
    public static Object fromBytes(byte[] owned) {
        Long asInt = asInteger(owned, 0, owned.length);
        return asInt != null ? asInt : owned;
    }

    /**
     * The integer object for text that is a canonical integer of at most 20 characters (Redis
     * tries the int encoding only for those), or null.
     */
    public static Long asInteger(byte[] b, int off, int len) {
        if (len == 0 || len > 20) {
            return null;
        }
        long v = Numbers.parseLongOrSentinel(b, off, len);
        if (v == Numbers.NOT_A_NUMBER && !Numbers.isNotANumberText(b, off, len)) {
            return null;
        }
        return fromLong(v);
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

    /**
     * True for an integer object that many keys may point to: Redis's shared 0..9999, and the
     * small negatives that {@code Long.valueOf} caches.
     */
    private static boolean sharedLong(Long v) {
        long x = v;
        return isShared(v) || (x >= -128 && x < 0 && v == Long.valueOf(x));
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

    /**
     * The bytes to read the value from: the stored array itself for {@code byte[]} and
     * {@link RawString} (only the first {@link #length} bytes count), the digits for an integer.
     * Callers must not modify it.
     */
    public static byte[] view(Object v) {
        if (v instanceof byte[]) {
            return (byte[]) v;
        }
        if (v instanceof RawString) {
            return ((RawString) v).array();
        }
        return Numbers.toBytes((Long) v);
    }

    /** True when the value's text is a canonical 64-bit integer, as Redis's string2ll reads it. */
    public static boolean isInteger(Object v) {
        if (v instanceof Long) {
            return true;
        }
        byte[] b = view(v);
        return Numbers.isLong(b, 0, length(v));
    }

    /** The integer a string value holds; call only when {@link #isInteger} said yes. */
    public static long toLong(Object v) {
        if (v instanceof Long) {
            return (Long) v;
        }
        return Numbers.parseLong(view(v), 0, length(v));
    }

    /** The value read as a C long double, or null when Redis would say it is not a valid float. */
    public static LongDouble toLongDouble(Object v) {
        if (v instanceof Long) {
            return LongDouble.of((Long) v);
        }
        return LongDouble.parse(view(v), 0, length(v));
    }

    /**
     * The value as a {@link RawString} that can grow in place, as Redis unshares a value before
     * APPEND or SETRANGE changes it. A stored {@code byte[]} is owned by its key alone, so it is
     * wrapped rather than copied.
     */
    public static RawString toRaw(Object v) {
        if (v instanceof RawString) {
            return (RawString) v;
        }
        if (v instanceof byte[]) {
            return new RawString((byte[]) v);
        }
        return new RawString(Numbers.toBytes((Long) v));
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

    /** {@code v}, or a distinct copy of it when it is one of the shared integer objects. */
    public static Object own(Object v) {
        return isShared(v) ? unshared((Long) v) : v;
    }

    @SuppressWarnings({"removal", "deprecation"})
    private static Long unshared(Long shared) {
        // Long.valueOf would return the cached instance, which is the shared one; only the
        // constructor gives a distinct object.
        return new Long(shared);
    }
}
