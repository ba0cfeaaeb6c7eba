package dev.cinnabar.server.commands;

import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.value.StringType;
import dev.cinnabar.datatypes.value.ValueType;
import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import java.util.function.Consumer;

/**
 * Key lookups that expect a type, as Redis's lookupKey*OrReply and checkType do together: a key
 * of another type answers WRONGTYPE, a missing one (optionally) the command's empty reply, in one
 * step. Handlers never test a value's type themselves.
 */
public final class TypedLookup {
    /** The empty replies commands give for a missing key. */
    public static final Consumer<ReplyWriter> NULL = ReplyWriter::nullBulk;
    public static final Consumer<ReplyWriter> EMPTY_BULK = ReplyWriter::emptyBulk;
    public static final Consumer<ReplyWriter> EMPTY_ARRAY = ReplyWriter::emptyArray;
    public static final Consumer<ReplyWriter> ZERO = w -> w.integer(0);

    private TypedLookup() {
    }

    /** The value of key argument {@code arg} for reading, or null when absent; WRONGTYPE otherwise. */
    public static Object read(Client c, int arg, ValueType type) {
        return checked(c.db().lookupRead(c.argv, arg), type);
    }

    /** {@link #read}, answering {@code missing} and returning null when the key is absent. */
    public static Object readOrReply(Client c, int arg, ValueType type, Consumer<ReplyWriter> missing) {
        Object v = read(c, arg, type);
        if (v == null) {
            missing.accept(c.reply);
        }
        return v;
    }

    /** The live entry of key argument {@code arg} for writing, or null when absent; WRONGTYPE otherwise. */
    public static KeyEntry write(Client c, int arg, ValueType type) {
        KeyEntry e = c.db().writeEntry(c.argv, arg);
        if (e != null) {
            if (e.isInline()) {
                // Checked without moving the string out of the table: the handler may only read it.
                if (type != StringType.TYPE) {
                    throw new CommandError(Errors.WRONG_TYPE);
                }
            } else {
                checked(e.value(), type);
            }
        }
        return e;
    }

    /** {@code value} itself when it is null or of {@code type}; WRONGTYPE otherwise. */
    public static Object checked(Object value, ValueType type) {
        if (value != null && !type.holds(value)) {
            throw new CommandError(Errors.WRONG_TYPE);
        }
        return value;
    }
}
