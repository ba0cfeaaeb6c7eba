package dev.cinnabar.server.db;

import dev.cinnabar.datatypes.KeyTable;
import dev.cinnabar.datatypes.RawString;
import dev.cinnabar.datatypes.value.StringType;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.ReplyWriter;

/**
 * String values between the wire and the keyspace: made from a command's arguments, written
 * into a reply. How they are held is {@link StringType}'s business.
 */
public final class StringValues {
    private StringValues() {
    }

    /**
     * The value to store for argument {@code i}, encoded as {@link StringType#fromBytes} does;
     * the bytes are copied only when they are kept as bytes, so an integer value costs no array.
     */
    public static Object fromArg(Argv a, int i) {
        return fromArgReusing(a, i, null);
    }

    /**
     * {@link #fromArg}, except that when the text is kept as bytes and {@code old}, the value it
     * replaces, is an array of the same length, the bytes are copied into {@code old}, which is
     * returned. A stored array belongs to its key alone (COPY duplicates, replies copy out), so
     * nothing else can see the change. A big argument that arrived in an array of its own is
     * kept as it is, without a copy.
     */
    public static Object fromArgReusing(Argv a, int i, Object old) {
        Long asInt = StringType.asInteger(a.array(i), a.offset(i), a.length(i));
        if (asInt != null) {
            return asInt;
        }
        return textFromArgReusing(a, i, old);
    }

    /** {@link #fromArgReusing} for an argument the caller knows is not a canonical integer. */
    static Object textFromArgReusing(Argv a, int i, Object old) {
        if (old instanceof byte[] && ((byte[]) old).length == a.length(i)) {
            System.arraycopy(a.array(i), a.offset(i), (byte[]) old, 0, a.length(i));
            return old;
        }
        return a.take(i);
    }

    /**
     * {@link #fromArgReusing} for bytes given as a slice: an integer when canonical, else the
     * bytes, copied into {@code old} when that is an array of the same length, else into a new
     * array.
     */
    public static Object fromBytesReusing(byte[] b, int off, int len, Object old) {
        Long asInt = StringType.asInteger(b, off, len);
        if (asInt != null) {
            return asInt;
        }
        return textFromBytesReusing(b, off, len, old);
    }

    /** {@link #fromBytesReusing} for bytes the caller knows are not a canonical integer. */
    static Object textFromBytesReusing(byte[] b, int off, int len, Object old) {
        if (old instanceof byte[] && ((byte[]) old).length == len) {
            System.arraycopy(b, off, (byte[]) old, 0, len);
            return old;
        }
        return java.util.Arrays.copyOfRange(b, off, off + len);
    }

    /**
     * Writes the string key {@code id} of {@code db} holds as a bulk reply, from the table when it
     * is inline; false, writing nothing, when the key holds another type.
     */
    public static boolean replyStored(ReplyWriter w, Db db, int id) {
        KeyTable keys = db.keys();
        Object v = keys.value(id);
        if (v == KeyTable.INLINE) {
            w.bulk(keys.inlineArray(id), keys.inlineOffset(id), keys.inlineLength(id));
            return true;
        }
        if (!StringType.isString(v)) {
            return false;
        }
        reply(w, v);
        return true;
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
}
