package dev.cinnabar.datatypes.value;

import dev.cinnabar.datatypes.Quicklist;

/** A list in the keyspace: a {@link Quicklist} that knows its type. */
public final class ListValue extends Quicklist implements TypedValue {
    /** An empty list with the node fill and compress depth the config gives at its creation. */
    public ListValue(int fill, int compressDepth) {
        super(fill, compressDepth);
    }

    private ListValue(ListValue orig, boolean shareArrays) {
        super(orig, shareArrays);
    }

    /** A deep copy with the same nodes (COPY). */
    public ListValue copy() {
        return new ListValue(this, false);
    }

    /**
     * A copy with the same nodes holding this list's arrays, each list copying an array before
     * it changes it: for a snapshot that writes a big list as it was while writes change it.
     */
    public ListValue sharingCopy() {
        return new ListValue(this, true);
    }

    @Override
    public ValueType type() {
        return ListType.TYPE;
    }
}
