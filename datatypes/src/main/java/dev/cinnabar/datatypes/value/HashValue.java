package dev.cinnabar.datatypes.value;

import dev.cinnabar.datatypes.HashTableStats;
import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.MemberTable;
import java.util.random.RandomGenerator;

/**
 * A hash, in Redis's two encodings: a {@link Listpack} of fields and values in turn while it is
 * small, then a {@link MemberTable} of fields with their values (Redis's dict, without an entry
 * object per field), and never back. The thresholds come from the
 * caller (the server's {@code hash-max-listpack-*}); this class only applies them as Redis does.
 *
 * <p>The heap figure is kept as the hash changes, so that {@link HashType#heapSize} is O(1): the
 * listpack's array, or the table's.
 */
public final class HashValue implements TypedValue {
    /** Above this many bytes a listpack is not grown further (Redis's LISTPACK_MAX_SAFETY_SIZE). */
    public static final long LISTPACK_MAX_SAFETY_SIZE = 1L << 30;

    /** A {@link Listpack}, or a {@link MemberTable} once converted: one field keeps the object small. */
    private Object repr;
    /**
     * The fields' expiry times (Redis 7.4), null until a field-expiry command first touches the
     * hash: from then on a listpack hash is Redis's {@code listpackex}, whose pairs are kept in
     * its order (fields with a time first, earliest first, then those without).
     */
    private FieldExpiries ttls;

    /** An empty hash in listpack form, as Redis creates one. */
    public HashValue() {
        this.repr = new Listpack();
    }

    private HashValue(Object repr) {
        this.repr = repr;
    }

    /** A hash holding the given listpack (as an RDB file stores it); the listpack is kept. */
    public static HashValue ofListpack(Listpack lp) {
        return new HashValue(lp);
    }

    @Override
    public ValueType type() {
        return HashType.TYPE;
    }

    public boolean isListpack() {
        return repr instanceof Listpack;
    }

    /** The listpack while in that form (for the RDB writer), else null. */
    public Listpack listpack() {
        return repr instanceof Listpack ? (Listpack) repr : null;
    }

    /** The table once converted, else null. */
    /**
     * The hashtable's table, read only, for a walk by slot ({@link MemberTable#nextLive}) in the
     * order of {@link #forEach}; null for a listpack.
     */
    public MemberTable memberTable() {
        return table();
    }

    private MemberTable table() {
        return repr instanceof MemberTable ? (MemberTable) repr : null;
    }

    /** The table once converted, for DEBUG HTSTATS-KEY; else null. */
    public HashTableStats hashTable() {
        return table();
    }

    public int size() {
        Listpack lp = listpack();
        return lp != null ? lp.size() / 2 : table().size();
    }

    /** Room for {@code fields} in the table at once (an RDB load knows the count); nothing for a listpack. */
    public void expand(long fields) {
        if (repr instanceof MemberTable) {
            ((MemberTable) repr).expand(fields);
        }
    }

    // ------------------------------------------------------------------ conversion

    /**
     * Redis's hashTypeTryConversion, for arguments about to be written: converts when one of them
     * is longer than {@code maxValue}, or when they could make the listpack unsafely large.
     */
    public void convertIfLonger(long longest, long sumOfLengths, long maxValue) {
        Listpack lp = listpack();
        if (lp == null) {
            return;
        }
        if (longest > maxValue || lp.totalBytes() + sumOfLengths > LISTPACK_MAX_SAFETY_SIZE) {
            convertToDict();
        }
    }

    /** Moves every pair into a table; the listpack is dropped. */
    public void convertToDict() {
        Listpack lp = listpack();
        if (lp == null) {
            return;
        }
        MemberTable t = new MemberTable(true);
        t.expand(lp.size() / 2);
        for (int p = lp.first(); p >= 0; ) {
            int v = lp.next(p);
            byte[] field = lp.getBytes(p);
            // A field twice can only come from a listpack loaded without sanitization: the
            // first value, which lookups found, is kept.
            if (t.find(field, 0, field.length) == MemberTable.NONE) {
                byte[] value = lp.getBytes(v);
                t.put(field, 0, field.length, value, 0, value.length);
            }
            p = lp.next(v);
        }
        this.repr = t;
    }

    // ------------------------------------------------------------------ reading

    /**
     * Reads the value of a field into {@code out} (the listpack's entry, or a view of the table's
     * bytes, valid until the hash next changes); false when the field is absent.
     */
    public boolean get(byte[] f, int off, int len, Listpack.Entry out) {
        Listpack lp = listpack();
        if (lp != null) {
            int p = lp.first();
            if (p < 0) {
                return false;
            }
            p = lp.find(p, f, off, len, 1);
            if (p < 0) {
                return false;
            }
            lp.get(lp.next(p), out);
            return true;
        }
        MemberTable t = table();
        int slot = t.find(f, off, len);
        if (slot == MemberTable.NONE) {
            return false;
        }
        t.value(slot, out);
        return true;
    }

    public boolean contains(byte[] f, int off, int len) {
        Listpack lp = listpack();
        if (lp != null) {
            int p = lp.first();
            return p >= 0 && lp.find(p, f, off, len, 1) >= 0;
        }
        return table().find(f, off, len) != MemberTable.NONE;
    }

    /** The value of a field as a new array, or null. */
    public byte[] get(byte[] f) {
        Listpack.Entry e = new Listpack.Entry();
        return get(f, 0, f.length, e) ? e.toBytes() : null;
    }

    /** Receives one pair; the holders are reused from call to call. */
    @FunctionalInterface
    public interface PairVisitor {
        void visit(Listpack.Entry field, Listpack.Entry value);
    }

    /**
     * Visits every pair: listpack order, or the table's. A table's pairs are views of its bytes,
     * never integers. The hash must not change meanwhile.
     */
    public void forEach(PairVisitor visitor) {
        Listpack lp = listpack();
        Listpack.Entry f = new Listpack.Entry();
        Listpack.Entry v = new Listpack.Entry();
        if (lp != null) {
            for (int p = lp.first(); p >= 0; ) {
                int q = lp.next(p);
                visitor.visit(lp.get(p, f), lp.get(q, v));
                p = lp.next(q);
            }
            return;
        }
        MemberTable t = table();
        t.forEach(slot -> visitor.visit(t.member(slot, f), t.value(slot, v)));
    }

    // ------------------------------------------------------------------ writing

    /**
     * Sets a field (Redis's hashTypeSet): a listpack is converted first when the field or value
     * is longer than {@code maxValue}, and after adding when it holds more than
     * {@code maxEntries} pairs. Returns true when the field existed (an update).
     */
    public boolean set(byte[] f, int foff, int flen, byte[] v, int voff, int vlen, long maxEntries, long maxValue) {
        return set(f, foff, flen, v, voff, vlen, maxEntries, maxValue, false);
    }

    /**
     * {@link #set(byte[], int, int, byte[], int, int, long, long)}; the field's expiry time is
     * dropped unless {@code keepTtl} (HINCRBY keeps it, HSET does not, as in Redis 7.4).
     */
    public boolean set(byte[] f, int foff, int flen, byte[] v, int voff, int vlen, long maxEntries, long maxValue,
            boolean keepTtl) {
        if (ttls != null && !keepTtl && ttls.remove(f, foff, flen) && repr instanceof Listpack) {
            reposition(f, foff, flen);
        }
        if (repr instanceof Listpack && (flen > maxValue || vlen > maxValue)) {
            convertToDict();
        }
        if (repr instanceof Listpack) {
            Listpack lp = (Listpack) repr;
            int p = lp.first();
            boolean updated = false;
            if (p >= 0) {
                p = lp.find(p, f, foff, flen, 1);
                if (p >= 0) {
                    lp.replace(lp.next(p), v, voff, vlen);
                    updated = true;
                }
            }
            if (!updated) {
                lp.append(f, foff, flen);
                lp.append(v, voff, vlen);
            }
            // Checked after an update too, as Redis does: a hash left over a limit lowered by
            // CONFIG SET converts at its next write, whether or not that adds a field.
            if (lp.size() / 2 > maxEntries) {
                convertToDict();
            }
            return updated;
        }
        return ((MemberTable) repr).put(f, foff, flen, v, voff, vlen) < 0;
    }

    public boolean set(byte[] f, byte[] v, long maxEntries, long maxValue) {
        return set(f, 0, f.length, v, 0, v.length, maxEntries, maxValue);
    }

    /** Removes a field; true when it was there. A table that became sparse starts shrinking. */
    public boolean delete(byte[] f, int off, int len) {
        if (ttls != null) {
            ttls.remove(f, off, len);
        }
        if (repr instanceof Listpack) {
            Listpack lp = (Listpack) repr;
            int p = lp.first();
            if (p < 0) {
                return false;
            }
            p = lp.find(p, f, off, len, 1);
            if (p < 0) {
                return false;
            }
            lp.deleteRange(p, 2);
            return true;
        }
        return ((MemberTable) repr).remove(f, off, len);
    }

    // ------------------------------------------------------------------ field expiry

    /** True once a field-expiry command touched the hash (a listpack one is then {@code listpackex}). */
    public boolean hasExpiries() {
        return ttls != null;
    }

    /** The expiry times, or null (for tests). */
    FieldExpiries expiries() {
        return ttls;
    }

    /** Makes the hash one that can hold field expiry times (Redis converts listpack to listpackex). */
    public void enableExpiries() {
        if (ttls == null) {
            ttls = new FieldExpiries();
        }
    }

    /** The field's expiry time in Unix ms, or {@link FieldExpiries#NONE}. */
    public long expireTime(byte[] f, int off, int len) {
        return ttls == null ? FieldExpiries.NONE : ttls.get(f, off, len);
    }

    /** True when the field has a time before {@code now} (a field lives through its own millisecond). */
    public boolean isExpired(byte[] f, int off, int len, long now) {
        long when = expireTime(f, off, len);
        return when != FieldExpiries.NONE && when < now;
    }

    /** The earliest expiry time of any field, or {@link FieldExpiries#NONE}. */
    public long minExpireTime() {
        return ttls == null ? FieldExpiries.NONE : ttls.min();
    }

    /** The number of fields with an expiry time. */
    public int expiringCount() {
        return ttls == null ? 0 : ttls.size();
    }

    /** The fields whose time is below {@code limit}, earliest first, at most {@code max}. */
    public byte[][] fieldsExpiringBelow(long limit, int max) {
        return ttls == null ? new byte[0][] : ttls.below(limit, max);
    }

    /** The number of fields not expired at {@code now}. */
    public int liveSize(long now) {
        return ttls == null ? size() : size() - ttls.countBelow(now);
    }

    /** Sets the expiry time of a field the hash holds ({@link #enableExpiries} first). */
    public void setExpireTime(byte[] f, int off, int len, long when) {
        ttls.put(f, off, len, when);
        if (repr instanceof Listpack) {
            reposition(f, off, len);
        }
    }

    /** Drops the field's expiry time; true when it had one. */
    public boolean persist(byte[] f, int off, int len) {
        if (ttls == null || !ttls.remove(f, off, len)) {
            return false;
        }
        if (repr instanceof Listpack) {
            reposition(f, off, len);
        }
        return true;
    }

    /**
     * Moves a field of the listpack to its place in Redis's listpackex order: before the first
     * field whose time is not earlier, or without a time; at the end when it has none.
     */
    private void reposition(byte[] f, int off, int len) {
        Listpack lp = (Listpack) repr;
        int p = lp.first();
        if (p < 0 || (p = lp.find(p, f, off, len, 1)) < 0) {
            return;
        }
        byte[] value = lp.getBytes(lp.next(p));
        lp.deleteRange(p, 2);
        long when = ttls.get(f, off, len);
        if (when != FieldExpiries.NONE) {
            for (int q = lp.first(); q >= 0; q = lp.next(lp.next(q))) {
                byte[] other = lp.getBytes(q);
                long t = ttls.get(other, 0, other.length);
                if (t == FieldExpiries.NONE || t >= when) {
                    int at = lp.insert(q, Listpack.BEFORE, f, off, len);
                    lp.insert(at, Listpack.AFTER, value);
                    return;
                }
            }
        }
        lp.append(f, off, len);
        lp.append(value);
    }

    /** Visits every pair not expired at {@code now}, as {@link #forEach} does. */
    public void forEachLive(long now, PairVisitor visitor) {
        if (ttls == null || ttls.size() == 0) {
            forEach(visitor);
            return;
        }
        forEach((f, v) -> {
            byte[] fb = f.toBytes();
            if (!isExpired(fb, 0, fb.length, now)) {
                visitor.visit(f, v);
            }
        });
    }

    // ------------------------------------------------------------------ random pairs and scan

    /**
     * Fills {@code fields} (and {@code values} when not null) with a random pair, as HRANDFIELD
     * without a count picks one.
     */
    public void randomPair(RandomGenerator random, Listpack.Entry field, Listpack.Entry value) {
        Listpack lp = listpack();
        if (lp != null) {
            int i = random.nextInt(size());
            int p = lp.seek(2L * i);
            lp.get(p, field);
            if (value != null) {
                lp.get(lp.next(p), value);
            }
            return;
        }
        MemberTable t = table();
        int slot = t.randomSlot(random);
        t.member(slot, field);
        if (value != null) {
            t.value(slot, value);
        }
    }

    /**
     * One step of HSCAN over a table: visits the cursor's buckets and returns the next cursor.
     * (A listpack is scanned whole by the caller, with {@link #forEach}.)
     */
    public long scanDict(long cursor, PairVisitor visitor) {
        Listpack.Entry f = new Listpack.Entry();
        Listpack.Entry v = new Listpack.Entry();
        MemberTable t = table();
        return t.scan(cursor, slot -> visitor.visit(t.member(slot, f), t.value(slot, v)));
    }

    // ------------------------------------------------------------------ for the type

    /** Heap bytes, O(1). */
    long heapSize() {
        long extra = ttls == null ? 0 : ttls.heapSize();
        if (repr instanceof Listpack) {
            return extra + HashType.HASH_OBJECT + HashType.LISTPACK_OBJECT + JvmSizes.byteArray(((Listpack) repr).capacity());
        }
        return extra + HashType.HASH_OBJECT + ((MemberTable) repr).heapBytes();
    }

    HashValue duplicate() {
        HashValue copy;
        Listpack lp = listpack();
        if (lp != null) {
            copy = new HashValue(lp.duplicate());
        } else {
            copy = new HashValue(((MemberTable) repr).copy());
        }
        copy.ttls = ttls == null ? null : ttls.duplicate();
        return copy;
    }
}
