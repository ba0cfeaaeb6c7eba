package dev.cinnabar.server.db;

import dev.cinnabar.datatypes.LongDouble;
import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.datatypes.RawString;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.ReplyWriter;
import java.util.Arrays;

/**
 * How string values are held in the keyspace, matching Redis's three encodings:
 * <ul>
 *   <li>{@code Long}: {@code int}, for a value that is a canonical 64-bit integer;</li>
 *   <li>{@code byte[]}: {@code embstr} up to 44 bytes, {@code raw} above;</li>
 *   <li>{@link RawString}: {@code raw}, for a value modified in place by APPEND, SETRANGE or SETBIT.</li>
 * </ul>
 * Values of the other types are collection objects; anything else is not a string.
 *
 * <p>A stored {@code byte[]} is owned by its key alone: no two keys share one, and nothing
 * outside the keyspace keeps one past the command that read it, so SET may overwrite it in
 * place ({@link #fromArgReusing}).
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
        Long asInt = integerOrNull(owned, 0, owned.length);
        return asInt != null ? asInt : owned;
    }

    /**
     * The value to store for argument {@code i}, encoded as {@link #fromBytes} does; the bytes are
     * copied only when they are kept as bytes, so an integer value costs no array at all.
     */
    public static Object fromArg(Argv a, int i) {
        return fromArgReusing(a, i, null);
    }

    /**
     * {@link #fromArg}, except that when the text is kept as bytes and {@code old}, the value it
     * replaces, is an array of the same length, the bytes are copied into {@code old}, which is
     * returned. A stored array belongs to its key alone (COPY duplicates, replies copy out), so
     * nothing else can see the change.
     */
    public static Object fromArgReusing(Argv a, int i, Object old) {
        Long asInt = integerOrNull(a.array(i), a.offset(i), a.length(i));
        if (asInt != null) {
            return asInt;
        }
        if (old instanceof byte[] && ((byte[]) old).length == a.length(i)) {
            System.arraycopy(a.array(i), a.offset(i), (byte[]) old, 0, a.length(i));
            return old;
        }
        return a.copy(i);
    }

    private static Long integerOrNull(byte[] b, int off, int len) {
        // Redis tries the int encoding only for texts of at most 20 characters.
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

    /** Writes a string value as a bulk reply without copying it. */
    public static void reply(ReplyWriter w, Object v) {
        if (v instanceof byte[]) {
            w.bulk((byte[]) v);
        } else if (v instanceof Long) {
            w.bulk((long) (Long) v);
        } else {
            RawString r = (RawString) v;
            w.bulk(r.array(), 0, r.length());
        }
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

    /**
     * A copy for COPY, keeping the encoding. Redis's copy is a new object, so an integer from the
     * shared pool comes back unshared and OBJECT REFCOUNT reports 1 for it.
     */
    public static Object duplicate(Object v) {
        if (v instanceof byte[]) {
            byte[] b = (byte[]) v;
            return Arrays.copyOf(b, b.length);
        }
        if (v instanceof RawString) {
            return new RawString(((RawString) v).toBytes());
        }
        return isShared(v) ? unshared((Long) v) : v;
    }

    @SuppressWarnings({"removal", "deprecation"})
    private static Long unshared(Long shared) {
        // Long.valueOf would return the cached instance, which is the shared one; only the
        // constructor gives a distinct object.
        return new Long(shared);
    }
}
