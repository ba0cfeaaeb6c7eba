package dev.cinnabar.datatypes.value;

import dev.cinnabar.datatypes.HashTableStats;

/**
 * The set type ({@link SetValue}): OBJECT ENCODING {@code intset} or {@code hashtable}, saved
 * in the RDB as the intset blob (type 11) or as a count followed by each member (type 2).
 */
public final class SetType extends ValueType {
    public static final SetType TYPE = new SetType();

    /** OBJ_SET. */
    static final int OBJ_SET = 2;
    /** RDB_TYPE_SET. */
    static final int RDB_TYPE_SET = 2;
    /** RDB_TYPE_SET_INTSET. */
    static final int RDB_TYPE_SET_INTSET = 11;

    private SetType() {
        super("set");
    }

    @Override
    public String encoding(Object value) {
        return ((SetValue) value).isIntset() ? "intset" : "hashtable";
    }

    @Override
    public Object duplicate(Object value) {
        return ((SetValue) value).copy();
    }

    @Override
    public long heapSize(Object value) {
        return ((SetValue) value).heapSize();
    }

    @Override
    public long serializedLength(Object value, boolean compression) {
        SetValue s = (SetValue) value;
        if (s.isIntset()) {
            byte[] blob = s.intsetBlob();
            return RdbLengths.ofBytes(blob, 0, blob.length, compression);
        }
        long[] total = {RdbLengths.length(s.size())};
        s.forEachBytes((b, off, len) -> total[0] += RdbLengths.ofBytes(b, off, len, compression));
        return total[0];
    }

    @Override
    public int rdbType(Object value) {
        return ((SetValue) value).isIntset() ? RDB_TYPE_SET_INTSET : RDB_TYPE_SET;
    }

    @Override
    public int objectType() {
        return OBJ_SET;
    }

    /**
     * Each member's text XORed straight into the digest (Redis does not give set members a digest
     * of their own, unlike a hash's fields): the order does not matter.
     */
    @Override
    public void digest(Object value, ValueDigest digest) {
        ((SetValue) value).forEach(m -> digest.xor(SetValue.bytesOf(m)));
    }

    @Override
    public boolean isEmpty(Object value) {
        return ((SetValue) value).size() == 0;
    }

    @Override
    public HashTableStats hashTable(Object value) {
        return ((SetValue) value).hashTable();
    }

    @Override
    public long freeEffort(Object value) {
        SetValue set = (SetValue) value;
        return set.isIntset() ? 1 : set.size();
    }
}
