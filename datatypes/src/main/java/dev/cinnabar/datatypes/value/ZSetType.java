package dev.cinnabar.datatypes.value;

import dev.cinnabar.datatypes.HashTableStats;
import dev.cinnabar.datatypes.Doubles;
import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.datatypes.SkipList;

/**
 * The sorted-set type ({@link ZSetValue}): OBJECT ENCODING {@code listpack} or {@code skiplist}.
 * RDB type 17 (the listpack's bytes as one string) or 5 (the count, then each member as a string
 * and its score as an 8-byte binary double, from the highest score down).
 */
public final class ZSetType extends ValueType {
    public static final ZSetType TYPE = new ZSetType();

    /** OBJ_ZSET. */
    static final int OBJ_ZSET = 3;
    /** RDB_TYPE_ZSET_2. */
    static final int RDB_TYPE_ZSET_2 = 5;
    /** RDB_TYPE_ZSET_LISTPACK. */
    static final int RDB_TYPE_ZSET_LISTPACK = 17;

    private ZSetType() {
        super("zset");
    }

    @Override
    public String encoding(Object value) {
        return ((ZSetValue) value).isListpack() ? "listpack" : "skiplist";
    }

    @Override
    public Object duplicate(Object value) {
        return ((ZSetValue) value).duplicate();
    }

    @Override
    public long heapSize(Object value) {
        return ((ZSetValue) value).heapSize();
    }

    @Override
    public long serializedLength(Object value, boolean compression) {
        ZSetValue z = (ZSetValue) value;
        Listpack lp = z.listpack();
        if (lp != null) {
            return RdbLengths.ofBytes(lp.array(), 0, lp.totalBytes(), compression);
        }
        long total = RdbLengths.length(z.size());
        SkipList zsl = z.skipList();
        for (int n = zsl.first(); n != SkipList.NIL; n = zsl.next(n)) {
            byte[] m = zsl.member(n);
            total += RdbLengths.ofBytes(m, 0, m.length, compression) + 8;
        }
        return total;
    }

    @Override
    public int rdbType(Object value) {
        return ((ZSetValue) value).isListpack() ? RDB_TYPE_ZSET_LISTPACK : RDB_TYPE_ZSET_2;
    }

    @Override
    public int objectType() {
        return OBJ_ZSET;
    }

    /**
     * Each member mixed into a fresh digest, then its score's {@code %.17g} text, the members'
     * digests joined by XOR, as Redis's DEBUG DIGEST does.
     */
    @Override
    public void digest(Object value, ValueDigest digest) {
        ValueDigest element = new ValueDigest();
        ((ZSetValue) value).forEach((m, score) -> {
            element.reset();
            if (m.isInteger) {
                element.mix(Numbers.toBytes(m.value));
            } else {
                element.mix(m.bytes, m.offset, m.length);
            }
            element.mix(Doubles.format17g(score));
            digest.xor(element);
        });
    }

    @Override
    public boolean isEmpty(Object value) {
        return ((ZSetValue) value).size() == 0;
    }

    @Override
    public HashTableStats hashTable(Object value) {
        return ((ZSetValue) value).index();
    }

    @Override
    public Listpack listpack(Object value) {
        return ((ZSetValue) value).listpack();
    }

    @Override
    public long freeEffort(Object value) {
        ZSetValue z = (ZSetValue) value;
        return z.isListpack() ? 1 : z.size();
    }
}
