package dev.cinnabar.datatypes.value;

import dev.cinnabar.datatypes.HashTableStats;
import dev.cinnabar.datatypes.Intset;
import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.MemberTable;
import dev.cinnabar.datatypes.Numbers;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A set value in one of Redis 7.0's two encodings:
 * <ul>
 *   <li>{@code intset}: an {@link Intset} blob, while every member is a canonical 64-bit integer
 *       and there are at most {@code set-max-intset-entries} of them;</li>
 *   <li>{@code hashtable}: a {@link MemberTable} (Redis's dict, without an entry object per
 *       member).</li>
 * </ul>
 * A set only ever goes from intset to hashtable, never back; a command that builds a new set
 * (SINTERSTORE, SUNIONSTORE, SDIFFSTORE, SPOP's rebuild) starts it as an intset, as Redis does.
 *
 * <p>Members are handed out as {@code Long} (intset) or a copy of their bytes (hashtable):
 * the table keeps them in shared pages, not an array each. Replies that only write members out
 * read them in place ({@link #forEachBytes}). The heap figure is kept as the set changes.
 */
public final class SetValue implements TypedValue {
    /** This object: header, one reference. */
    static final int OBJECT = 16;
    /** Redis caps set-max-intset-entries at 2^30 for the intset's sake. */
    private static final long MAX_INTSET_CAP = 1L << 30;

    /**
     * The intset blob ({@code byte[]}), or the {@link MemberTable} once the set is a hashtable: one
     * field rather than one per form keeps this object at 16 bytes, on every set.
     */
    private Object repr;

    private SetValue(byte[] intset) {
        this.repr = intset;
    }

    private void startHashtable() {
        repr = new MemberTable(false);
    }

    /** The intset blob, or null once the set is a hashtable. */
    private byte[] intset() {
        return repr instanceof byte[] ? (byte[]) repr : null;
    }

    /** The hashtable, or null while the set is an intset. */
    private MemberTable table() {
        return repr instanceof MemberTable ? (MemberTable) repr : null;
    }

    /** An empty intset-encoded set, as the commands that build a result start one. */
    public static SetValue newIntset() {
        return new SetValue(Intset.empty());
    }

    /** A set holding the intset blob {@code blob} (kept; read from an RDB file, already validated). */
    public static SetValue ofIntset(byte[] blob) {
        return new SetValue(blob);
    }

    /** An empty hashtable-encoded set. */
    public static SetValue newHashtable() {
        SetValue s = new SetValue(null);
        s.startHashtable();
        return s;
    }

    /** An empty set in the encoding that can hold {@code member}: Redis's setTypeCreate. */
    public static SetValue forMember(byte[] b, int off, int len) {
        return Numbers.isLong(b, off, len) ? newIntset() : newHashtable();
    }

    @Override
    public ValueType type() {
        return SetType.TYPE;
    }

    public boolean isIntset() {
        return repr instanceof byte[];
    }

    /** The intset blob (shared, not to be modified), or null when hashtable-encoded. */
    public byte[] intsetBlob() {
        return intset();
    }

    /**
     * The hashtable's table, read only, for a walk by slot ({@link MemberTable#nextLive}) in the
     * order of {@link #forEachBytes}; null for an intset.
     */
    public MemberTable memberTable() {
        return repr instanceof MemberTable ? (MemberTable) repr : null;
    }

    /** The hashtable, for DEBUG HTSTATS-KEY, or null when intset-encoded. */
    public HashTableStats hashTable() {
        return table();
    }

    public int size() {
        byte[] intset = intset();
        return intset != null ? Intset.size(intset) : table().size();
    }

    /**
     * Room for {@code members} in the hashtable's index at once (Redis's dictExpand), as loading
     * a dump of a known size does; nothing for an intset.
     */
    public void expand(long members) {
        MemberTable table = table();
        if (table != null) {
            table.expand(members);
        }
    }

    // ---------------------------------------------------------------- writes

    /**
     * Adds a member; true when it was not there. Converts to hashtable when the member is not an
     * integer, or when the intset would then hold more than {@code maxIntsetEntries}.
     */
    public boolean add(byte[] b, int off, int len, long maxIntsetEntries) {
        if (isIntset()) {
            if (Numbers.isLong(b, off, len)) {
                return addInteger(Numbers.parseLong(b, off, len), maxIntsetEntries);
            }
            convertToHashtable();
        }
        return addToTable(b, off, len);
    }

    /** {@link #add} of an integer member. */
    public boolean addInteger(long v, long maxIntsetEntries) {
        byte[] intset = intset();
        if (intset == null) {
            byte[] text = Numbers.toBytes(v);
            return addToTable(text, 0, text.length);
        }
        byte[] after = Intset.add(intset, v);
        if (after == intset) {
            return false;
        }
        repr = after;
        if (Intset.size(after) > Math.min(maxIntsetEntries, MAX_INTSET_CAP)) {
            convertToHashtable();
        }
        return true;
    }

    /** {@link #add} of a member held as a {@code Long} (intset) or bytes. */
    public boolean addMember(Object member, long maxIntsetEntries) {
        if (member instanceof Long) {
            return addInteger((Long) member, maxIntsetEntries);
        }
        byte[] b = (byte[]) member;
        return add(b, 0, b.length, maxIntsetEntries);
    }

    private boolean addToTable(byte[] b, int off, int len) {
        return table().add(b, off, len) > 0;
    }

    /** Removes a member; true when it was there. */
    public boolean remove(byte[] b, int off, int len) {
        if (isIntset()) {
            if (!Numbers.isLong(b, off, len)) {
                return false;
            }
            return removeInteger(Numbers.parseLong(b, off, len));
        }
        return table().remove(b, off, len);
    }

    /** Removes a member held as a {@code Long} or bytes (one this set handed out). */
    public boolean removeMember(Object member) {
        if (member instanceof Long) {
            if (isIntset()) {
                return removeInteger((Long) member);
            }
            byte[] text = Numbers.toBytes((Long) member);
            return remove(text, 0, text.length);
        }
        byte[] b = (byte[]) member;
        return remove(b, 0, b.length);
    }

    private boolean removeInteger(long v) {
        byte[] intset = intset();
        byte[] after = Intset.remove(intset, v);
        if (after == intset) {
            return false;
        }
        repr = after;
        return true;
    }

    /** Turns an intset into a hashtable holding the same members as decimal text. */
    public void convertToHashtable() {
        byte[] from = intset();
        if (from == null) {
            return;
        }
        startHashtable();
        int n = Intset.size(from);
        for (int i = 0; i < n; i++) {
            byte[] text = Numbers.toBytes(Intset.get(from, i));
            addToTable(text, 0, text.length);
        }
    }

    // ---------------------------------------------------------------- reads

    public boolean contains(byte[] b, int off, int len) {
        byte[] intset = intset();
        if (intset != null) {
            return Numbers.isLong(b, off, len) && Intset.contains(intset, Numbers.parseLong(b, off, len));
        }
        return table().find(b, off, len) != MemberTable.NONE;
    }

    /** {@link #contains} of a member held as a {@code Long} or bytes. */
    public boolean containsMember(Object member) {
        if (member instanceof Long) {
            byte[] intset = intset();
            if (intset != null) {
                return Intset.contains(intset, (Long) member);
            }
            byte[] text = Numbers.toBytes((Long) member);
            return table().find(text, 0, text.length) != MemberTable.NONE;
        }
        byte[] b = (byte[]) member;
        return contains(b, 0, b.length);
    }

    /**
     * A random member of a non-empty set, uniformly: by position in an intset, by slot in a
     * hashtable (Redis samples its dict's buckets instead, which only approaches uniform).
     */
    public Object randomMember(RandomGenerator random) {
        byte[] intset = intset();
        if (intset != null) {
            return Intset.random(intset, random);
        }
        MemberTable table = table();
        return table.memberCopy(table.randomSlot(random));
    }

    /** Removes a random member of a non-empty set, uniformly as {@link #randomMember}, and returns it. */
    public Object popRandom(RandomGenerator random) {
        byte[] intset = intset();
        if (intset != null) {
            Long member = Intset.random(intset, random);
            removeInteger(member);
            return member;
        }
        MemberTable table = table();
        int slot = table.randomSlot(random);
        byte[] member = table.memberCopy(slot);
        table.removeSlot(slot);
        return member;
    }

    /**
     * One step of SSCAN over a hashtable: visits the members of the index's buckets at
     * {@code cursor} and returns the next cursor (0 when done), with Redis's SCAN guarantee.
     */
    public long scan(long cursor, Consumer<byte[]> visitor) {
        MemberTable table = table();
        return table.scan(cursor, slot -> visitor.accept(table.memberCopy(slot)));
    }

    /**
     * Visits every member: an intset's in increasing order, a hashtable's in slot order. The
     * set must not change meanwhile.
     */
    public void forEach(Consumer<Object> visitor) {
        byte[] intset = intset();
        if (intset != null) {
            int n = Intset.size(intset);
            for (int i = 0; i < n; i++) {
                visitor.accept(Intset.get(intset, i));
            }
            return;
        }
        MemberTable table = table();
        table.forEach(slot -> visitor.accept(table.memberCopy(slot)));
    }

    /** Receives a hashtable member in place: {@code length} bytes of {@code bytes} from {@code offset}. */
    @FunctionalInterface
    public interface BytesVisitor {
        void visit(byte[] bytes, int offset, int length);
    }

    /**
     * Visits every member of a hashtable-encoded set in place, in slot order, without copying
     * it: the bytes are valid only during the call, and the set must not change meanwhile.
     */
    public void forEachBytes(BytesVisitor visitor) {
        Listpack.Entry m = new Listpack.Entry();
        MemberTable table = table();
        table.forEach(slot -> {
            table.member(slot, m);
            visitor.visit(m.bytes, m.offset, m.length);
        });
    }

    /** A member's text: the array itself for bytes, the digits of an integer. */
    public static byte[] bytesOf(Object member) {
        return member instanceof Long ? Numbers.toBytes((Long) member) : (byte[]) member;
    }

    /** The heap figure: this object and what only it holds. */
    long heapSize() {
        byte[] intset = intset();
        if (intset != null) {
            return OBJECT + JvmSizes.byteArray(intset.length);
        }
        return OBJECT + table().heapBytes();
    }

    /** A deep copy in the same encoding (COPY). */
    SetValue copy() {
        byte[] intset = intset();
        if (intset != null) {
            return new SetValue(intset.clone());
        }
        SetValue s = new SetValue(null);
        s.repr = table().copy();
        return s;
    }
}
