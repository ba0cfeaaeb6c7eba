package dev.cinnabar.datatypes.value;

import dev.cinnabar.datatypes.HashTableStats;
import dev.cinnabar.datatypes.Listpack;

/**
 * One kind of value the keyspace holds, as Redis's TYPE names it: everything the server, and
 * later the RDB writer, needs to know about a stored value without knowing which type it is.
 * A value's type is found with {@link ValueTypes#of}; a new type is one subclass plus its line
 * in {@link ValueTypes}, and its value classes implement {@link TypedValue}.
 *
 * <p>Types are singletons, so comparing them with {@code ==} is the type check.
 */
public abstract class ValueType {
    private final String name;
    private final byte[] nameBytes;

    protected ValueType(String name) {
        this.name = name;
        this.nameBytes = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** TYPE's answer, also what SCAN's TYPE option matches. */
    public final String name() {
        return name;
    }

    /** {@link #name()} as shared bytes; callers must not change them. */
    public final byte[] nameBytes() {
        return nameBytes;
    }

    /** True when {@code value} is of this type. */
    public boolean holds(Object value) {
        return value instanceof TypedValue && ((TypedValue) value).type() == this;
    }

    /** OBJECT ENCODING's answer for the value in its current representation. */
    public abstract String encoding(Object value);

    /**
     * A deep copy in the same encoding, for COPY: nothing the copy holds may be changed through
     * the original, or the other way round.
     */
    public abstract Object duplicate(Object value);

    /**
     * The heap bytes the value holds that nothing else shares: its part of {@code used_memory}
     * and of MEMORY USAGE. Collections keep this figure as they change, so asking is O(1).
     */
    public abstract long heapSize(Object value);

    /**
     * The bytes of the value's payload in an RDB file (DEBUG OBJECT's serializedlength), with
     * {@code rdbcompression} on or off. The RDB writer's encoding of the value goes next to this.
     */
    public abstract long serializedLength(Object value, boolean compression);

    /** Redis's RDB type byte for the value in its current encoding (RDB_TYPE_*). */
    public abstract int rdbType(Object value);

    /**
     * Redis's number for the type (OBJ_STRING 0, OBJ_LIST 1, OBJ_SET 2, OBJ_ZSET 3, OBJ_HASH 4,
     * OBJ_STREAM 6), whatever the encoding. DEBUG DIGEST mixes it in before the content, so a
     * list and a set of the same elements differ.
     */
    public abstract int objectType();

    /**
     * Adds the value's content to {@code digest} as Redis's DEBUG DIGEST does for this type, so
     * that equal values give equal digests on Redis and here: ordered parts (a string's bytes, a
     * list's elements in order) with {@link ValueDigest#mix}; the elements of an unordered
     * collection each into a fresh digest, joined with {@link ValueDigest#xor(ValueDigest)}.
     * Independent of the encoding. The caller has already mixed in {@link #objectType()}.
     */
    public abstract void digest(Object value, ValueDigest digest);

    /**
     * True when the value holds nothing. A collection never stays in the keyspace empty: the
     * command that removed its last element deletes the key. A string is never empty in this sense.
     */
    public boolean isEmpty(Object value) {
        return false;
    }

    /**
     * Redis's lazyfreeGetFreeEffort: about how many allocations freeing the value takes in Redis
     * (a hashtable's entries, a quicklist's nodes; 1 for a value in one piece). A lazy deletion
     * of a value over 64 counts in INFO's {@code lazyfreed_objects}.
     */
    public long freeEffort(Object value) {
        return 1;
    }

    /**
     * The hash table the value is in its current encoding (a hashtable set or hash, a skiplist sorted set's index), or null:
     * what DEBUG HTSTATS-KEY describes.
     */
    public HashTableStats hashTable(Object value) {
        return null;
    }

    /** The listpack the value is in its current encoding, or null: what DEBUG LISTPACK prints. */
    public Listpack listpack(Object value) {
        return null;
    }

    /** OBJECT REFCOUNT: 1, except for values many keys share. */
    public int refCount(Object value) {
        return 1;
    }

    @Override
    public String toString() {
        return name;
    }
}
