package dev.cinnabar.server.db;

import java.nio.charset.StandardCharsets;

/**
 * What TYPE, SCAN TYPE, OBJECT ENCODING and COPY need to know about a stored value, whatever its
 * type. Each data type adds its case here, next to the string one.
 */
public final class Types {
    /** TYPE's answer for a missing key; SCAN TYPE compares against it too. */
    public static final String NONE = "none";
    public static final String STRING = "string";

    private static final byte[] INT = "int".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMBSTR = "embstr".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RAW = "raw".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UNKNOWN = "unknown".getBytes(StandardCharsets.US_ASCII);

    private Types() {
    }

    /**
     * The type name Redis reports for a value; {@link #NONE} for null (a missing key), and
     * Redis's own fallback "unknown" for a value no case here knows, rather than failing TYPE.
     */
    public static String name(Object value) {
        if (value == null) {
            return NONE;
        }
        if (StringValues.isString(value)) {
            return STRING;
        }
        return "unknown";
    }

    /** OBJECT ENCODING's answer, as shared bytes. */
    public static byte[] encoding(Object value) {
        if (StringValues.isString(value)) {
            switch (StringValues.encoding(value)) {
                case "int":
                    return INT;
                case "embstr":
                    return EMBSTR;
                default:
                    return RAW;
            }
        }
        return UNKNOWN;
    }

    /**
     * A deep copy for COPY, with the same encoding. Every type must have its case: a value that
     * COPY cannot duplicate is a bug, not something to answer.
     */
    public static Object duplicate(Object value) {
        if (StringValues.isString(value)) {
            return StringValues.duplicate(value);
        }
        throw unknown(value);
    }

    /** OBJECT REFCOUNT: shared integers are pinned at Redis's OBJ_SHARED_REFCOUNT. */
    public static int refCount(Object value) {
        return StringValues.isShared(value) ? Integer.MAX_VALUE : 1;
    }

    private static IllegalStateException unknown(Object value) {
        return new IllegalStateException("no type known for " + value.getClass().getName());
    }
}
