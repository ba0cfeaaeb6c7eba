package dev.cinnabar.datatypes.value;

import dev.cinnabar.datatypes.Quicklist;

/** A list in the keyspace: a {@link Quicklist} that knows its type. */
public final class ListValue extends Quicklist implements TypedValue {
    /** An empty list with the node fill and compress depth the config gives at its creation. */
    public ListValue(int fill, int compressDepth) {
        super(fill, compressDepth);
    }

    private ListValue(ListValue orig) {
        super(orig);
    }

    /** A deep copy with the same nodes (COPY). */
    public ListValue copy() {
        return new ListValue(this);
    }

    @Override
    public ValueType type() {
        return ListType.TYPE;
    }
}
