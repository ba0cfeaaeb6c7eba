package dev.cinnabar.datatypes.value;

import dev.cinnabar.datatypes.HashTableStats;
import dev.cinnabar.datatypes.Listpack;

/**
 * The hash type: a {@link HashValue}, encoded {@code listpack} while small and {@code hashtable}
 * after. RDB type 16 (the listpack's bytes as one string) or 4 (the pair count, then each field
 * and value as strings).
 */
public final class HashType extends ValueType {
    public static final HashType TYPE = new HashType();

    /** OBJ_HASH. */
    static final int OBJ_HASH = 4;
    static final int RDB_TYPE_HASH = 4;
    static final int RDB_TYPE_HASH_LISTPACK = 16;

    /** {@link HashValue}: header and two references (the pairs, the field expiry times). */
    static final int HASH_OBJECT = 24;
    /** {@link Listpack}: header and its array reference. */
    static final int LISTPACK_OBJECT = 16;

    private HashType() {
        super("hash");
    }

    @Override
    public String encoding(Object value) {
        HashValue h = (HashValue) value;
        if (!h.isListpack()) {
            return "hashtable";
        }
        // Redis 7.4 keeps a listpack hash that field expiry touched as listpackex.
        return h.hasExpiries() ? "listpackex" : "listpack";
    }

    @Override
    public Object duplicate(Object value) {
        return ((HashValue) value).duplicate();
    }

    @Override
    public long heapSize(Object value) {
        return ((HashValue) value).heapSize();
    }

    @Override
    public long serializedLength(Object value, boolean compression) {
        HashValue h = (HashValue) value;
        Listpack lp = h.listpack();
        if (lp != null) {
            return RdbLengths.ofBytes(lp.array(), 0, lp.totalBytes(), compression);
        }
        long[] sum = {RdbLengths.length(h.size())};
        h.forEach((f, v) -> {
            sum[0] += RdbLengths.ofBytes(f.bytes, f.offset, f.length, compression);
            sum[0] += RdbLengths.ofBytes(v.bytes, v.offset, v.length, compression);
        });
        return sum[0];
    }

    @Override
    public int rdbType(Object value) {
        return ((HashValue) value).isListpack() ? RDB_TYPE_HASH_LISTPACK : RDB_TYPE_HASH;
    }

    @Override
    public int objectType() {
        return OBJ_HASH;
    }

    private static final byte[] HEXPIRE_MARK = "!!hexpire!!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * Each pair mixed (field, then value) into a fresh digest, the pairs joined by XOR; a field
     * with an expiry time has a mark XORed into its pair's digest (not the time), as in Redis 7.4.
     */
    @Override
    public void digest(Object value, ValueDigest digest) {
        ValueDigest pair = new ValueDigest();
        HashValue h = (HashValue) value;
        h.forEach((f, v) -> {
            pair.reset();
            mix(pair, f);
            mix(pair, v);
            if (h.expiringCount() > 0) {
                byte[] fb = f.toBytes();
                if (h.expireTime(fb, 0, fb.length) != FieldExpiries.NONE) {
                    pair.xor(HEXPIRE_MARK);
                }
            }
            digest.xor(pair);
        });
    }

    private static void mix(ValueDigest d, Listpack.Entry e) {
        if (e.isInteger) {
            d.mix(dev.cinnabar.datatypes.Numbers.toBytes(e.value));
        } else {
            d.mix(e.bytes, e.offset, e.length);
        }
    }

    @Override
    public boolean isEmpty(Object value) {
        return ((HashValue) value).size() == 0;
    }

    @Override
    public HashTableStats hashTable(Object value) {
        return ((HashValue) value).hashTable();
    }

    @Override
    public Listpack listpack(Object value) {
        return ((HashValue) value).listpack();
    }

    @Override
    public long freeEffort(Object value) {
        HashValue hash = (HashValue) value;
        return hash.isListpack() ? 1 : hash.size();
    }
}
