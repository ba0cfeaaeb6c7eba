package dev.cinnabar.datatypes.value;

import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.Quicklist;

/**
 * The list type. Redis 7.0 keeps every list as a quicklist (small ones too), so OBJECT ENCODING
 * is always {@code quicklist} and the RDB type QUICKLIST_2.
 */
public final class ListType extends ValueType {
    public static final ListType TYPE = new ListType();
    /** OBJ_LIST. */
    static final int OBJ_LIST = 1;
    /** RDB_TYPE_LIST_QUICKLIST_2. */
    static final int RDB_TYPE_LIST_QUICKLIST_2 = 18;

    private ListType() {
        super("list");
    }

    @Override
    public String encoding(Object value) {
        return "quicklist";
    }

    @Override
    public Object duplicate(Object value) {
        return ((ListValue) value).copy();
    }

    @Override
    public long heapSize(Object value) {
        return ((Quicklist) value).heapSize();
    }

    @Override
    public long serializedLength(Object value, boolean compression) {
        return ((Quicklist) value).serializedLength(compression);
    }

    @Override
    public int rdbType(Object value) {
        return RDB_TYPE_LIST_QUICKLIST_2;
    }

    @Override
    public int objectType() {
        return OBJ_LIST;
    }

    /** Every element in order, mixed in as its text (integers in decimal). */
    @Override
    public void digest(Object value, ValueDigest digest) {
        Listpack.Entry e = new Listpack.Entry();
        try (Quicklist.Cursor c = ((Quicklist) value).cursor(true)) {
            while (c.next()) {
                c.entry(e);
                if (e.isInteger) {
                    digest.mix(dev.cinnabar.datatypes.Numbers.toBytes(e.value));
                } else {
                    digest.mix(e.bytes, e.offset, e.length);
                }
            }
        }
    }

    @Override
    public boolean isEmpty(Object value) {
        return ((Quicklist) value).size() == 0;
    }

    /** A quicklist is freed node by node. */
    @Override
    public long freeEffort(Object value) {
        return ((Quicklist) value).nodes();
    }
}
