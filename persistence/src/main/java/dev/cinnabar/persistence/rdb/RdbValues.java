package dev.cinnabar.persistence.rdb;

import dev.cinnabar.datatypes.RawString;
import dev.cinnabar.datatypes.value.StringType;

/**
 * A value's RDB encoding: the type byte and payload exactly as Redis 7.0.15's rdbSaveObjectType
 * and rdbSaveObject write them for the value's current encoding, and the reverse, giving the
 * value in the encoding Redis 7.0 holds after rdbLoadObject.
 */
public final class RdbValues {
    private RdbValues() {
    }

    /** The type byte, then the payload. */
    public static void write(RdbOutput out, Object value) {
        if (StringType.isString(value)) {
            out.writeByte(Rdb.TYPE_STRING);
            writeStringValue(out, value);
            return;
        }
        throw new IllegalArgumentException("no RDB encoding for " + value.getClass().getName());
    }

    /** A value of RDB type {@code type} (already read), in the encoding Redis holds after loading. */
    public static Object read(RdbInput in, int type, RdbLoadSettings s) throws RdbFormatException {
        switch (type) {
            case Rdb.TYPE_STRING:
                return StringType.fromBytes(in.readString());
            default:
                return LegacyRdbValues.read(in, type, s);
        }
    }

    // ------------------------------------------------------------------ strings

    private static void writeStringValue(RdbOutput out, Object v) {
        if (v instanceof Long) {
            out.writeString((Long) v);
        } else if (v instanceof byte[]) {
            out.writeString((byte[]) v);
        } else {
            RawString r = (RawString) v;
            out.writeString(r.array(), 0, r.length());
        }
    }
}
