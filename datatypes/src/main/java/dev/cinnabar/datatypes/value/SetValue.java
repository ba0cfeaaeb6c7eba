package dev.cinnabar.datatypes.value;

import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.Intset;
import dev.cinnabar.datatypes.Numbers;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A set value in one of Redis 7.0's two encodings:
 * <ul>
 *   <li>{@code intset}: an {@link Intset} blob, while every member is a canonical 64-bit integer
 *       and there are at most {@code set-max-intset-entries} of them;</li>
 *   <li>{@code hashtable}: a {@link Dict} whose keys are the members (values unused).</li>
 * </ul>
 * A set only ever goes from intset to hashtable, never back; a command that builds a new set
 * (SINTERSTORE, SUNIONSTORE, SDIFFSTORE, SPOP's rebuild) starts it as an intset, as Redis does.
 *
 * <p>Members are handed out as {@code Long} (intset) or the dict's own {@code byte[]} key
 * (hashtable), which callers must not modify. The heap figure is kept as the set changes: the
 * dict's table is measured after each change only, so that a lookup finishing an incremental
 * rehash leaves the figure alone until the next change.
 */
public final class SetValue implements TypedValue {
    /** This object: header, two references, an int, a long. */
    static final int OBJECT = 32;
    /** A {@link Dict} object without its tables and entries. */
    static final int DICT_OBJECT = 48;
    /** Redis caps set-max-intset-entries at 2^30 for the intset's sake. */
    private static final long MAX_INTSET_CAP = 1L << 30;

    private byte[] intset;
    private Dict<Object> dict;
    private int tableBytes;
    /** Hashtable: each member's entry and key array. */
    private long memberBytes;

    private SetValue(byte[] intset, Dict<Object> dict) {
        this.intset = intset;
        this.dict = dict;
    }

    /** An empty intset-encoded set, as the commands that build a result start one. */
    public static SetValue newIntset() {
        return new SetValue(Intset.empty(), null);
    }

    /** A set holding the intset blob {@code blob} (kept; read from an RDB file, already validated). */
    public static SetValue ofIntset(byte[] blob) {
        return new SetValue(blob, null);
    }

    /** An empty hashtable-encoded set. */
    public static SetValue newHashtable() {
        SetValue s = new SetValue(null, new Dict<>());
        s.refreshTable();
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
        return intset != null;
    }

    /** The intset blob (shared, not to be modified), or null when hashtable-encoded. */
    public byte[] intsetBlob() {
        return intset;
    }

    /** The hashtable (not to be modified by callers), or null when intset-encoded. */
    public Dict<Object> dict() {
        return dict;
    }

    public int size() {
        return intset != null ? Intset.size(intset) : dict.size();
    }

    // ---------------------------------------------------------------- writes

    /**
     * Adds a member; true when it was not there. Converts to hashtable when the member is not an
     * integer, or when the intset would then hold more than {@code maxIntsetEntries}.
     */
    public boolean add(byte[] b, int off, int len, long maxIntsetEntries) {
        if (intset != null) {
            if (Numbers.isLong(b, off, len)) {
                return addInteger(Numbers.parseLong(b, off, len), maxIntsetEntries);
            }
            convertToHashtable();
        }
        return addToDict(b, off, len);
    }

    /** {@link #add} of an integer member. */
    public boolean addInteger(long v, long maxIntsetEntries) {
        if (intset == null) {
            byte[] text = Numbers.toBytes(v);
            return addToDict(text, 0, text.length);
        }
        byte[] after = Intset.add(intset, v);
        if (after == intset) {
            return false;
        }
        intset = after;
        if (Intset.size(intset) > Math.min(maxIntsetEntries, MAX_INTSET_CAP)) {
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

    private boolean addToDict(byte[] b, int off, int len) {
        Dict.Entry<Object> e = dict.findOrCreate(b, off, len);
        if (e.value() != null) {
            return false;
        }
        // A present member is marked by a non-null value, so that findOrCreate tells new from old.
        e.value(Boolean.TRUE);
        memberBytes += JvmSizes.DICT_ENTRY + JvmSizes.byteArray(len);
        refreshTable();
        return true;
    }

    /** Removes a member; true when it was there. */
    public boolean remove(byte[] b, int off, int len) {
        if (intset != null) {
            if (!Numbers.isLong(b, off, len)) {
                return false;
            }
            return removeInteger(Numbers.parseLong(b, off, len));
        }
        Dict.Entry<Object> e = dict.remove(b, off, len);
        if (e == null) {
            return false;
        }
        memberBytes -= JvmSizes.DICT_ENTRY + JvmSizes.byteArray(len);
        dict.shrinkIfSparse();
        refreshTable();
        return true;
    }

    /** Removes a member held as a {@code Long} or bytes (one this set handed out). */
    public boolean removeMember(Object member) {
        if (member instanceof Long) {
            if (intset != null) {
                return removeInteger((Long) member);
            }
            byte[] text = Numbers.toBytes((Long) member);
            return remove(text, 0, text.length);
        }
        byte[] b = (byte[]) member;
        return remove(b, 0, b.length);
    }

    private boolean removeInteger(long v) {
        byte[] after = Intset.remove(intset, v);
        if (after == intset) {
            return false;
        }
        intset = after;
        return true;
    }

    /** Turns an intset into a hashtable holding the same members as decimal text. */
    public void convertToHashtable() {
        if (intset == null) {
            return;
        }
        byte[] from = intset;
        intset = null;
        dict = new Dict<>();
        memberBytes = 0;
        int n = Intset.size(from);
        for (int i = 0; i < n; i++) {
            byte[] text = Numbers.toBytes(Intset.get(from, i));
            addToDict(text, 0, text.length);
        }
        refreshTable();
    }

    private void refreshTable() {
        int bytes = 0;
        for (int which = 0; which <= 1; which++) {
            int length = dict.tableLength(which);
            if (length > 0) {
                bytes += (int) JvmSizes.referenceArray(length);
            }
        }
        tableBytes = bytes;
    }

    // ---------------------------------------------------------------- reads

    public boolean contains(byte[] b, int off, int len) {
        if (intset != null) {
            return Numbers.isLong(b, off, len) && Intset.contains(intset, Numbers.parseLong(b, off, len));
        }
        return dict.find(b, off, len) != null;
    }

    /** {@link #contains} of a member held as a {@code Long} or bytes. */
    public boolean containsMember(Object member) {
        if (member instanceof Long) {
            if (intset != null) {
                return Intset.contains(intset, (Long) member);
            }
            byte[] text = Numbers.toBytes((Long) member);
            return dict.find(text, 0, text.length) != null;
        }
        byte[] b = (byte[]) member;
        return contains(b, 0, b.length);
    }

    /**
     * A random member of a non-empty set: uniform over an intset, Redis's fair random key of the
     * hashtable otherwise.
     */
    public Object randomMember(RandomGenerator random) {
        if (intset != null) {
            return Intset.random(intset, random);
        }
        return dict.fairRandomEntry(random).key();
    }

    /**
     * Visits every member: an intset's in increasing order, a hashtable's in table order. The
     * set must not change meanwhile.
     */
    public void forEach(Consumer<Object> visitor) {
        if (intset != null) {
            int n = Intset.size(intset);
            for (int i = 0; i < n; i++) {
                visitor.accept(Intset.get(intset, i));
            }
            return;
        }
        try (Dict<Object>.Cursor c = dict.cursor()) {
            while (c.hasNext()) {
                visitor.accept(c.next().key());
            }
        }
    }

    /** A member's text: the dict's array itself for bytes, the digits of an integer. */
    public static byte[] bytesOf(Object member) {
        return member instanceof Long ? Numbers.toBytes((Long) member) : (byte[]) member;
    }

    /** The heap figure: this object and what only it holds. */
    long heapSize() {
        if (intset != null) {
            return OBJECT + JvmSizes.byteArray(intset.length);
        }
        return OBJECT + DICT_OBJECT + tableBytes + memberBytes;
    }

    /** A deep copy in the same encoding (COPY). */
    SetValue copy() {
        if (intset != null) {
            return new SetValue(intset.clone(), null);
        }
        SetValue s = newHashtable();
        forEach(m -> {
            byte[] b = (byte[]) m;
            s.addToDict(b, 0, b.length);
        });
        return s;
    }
}
