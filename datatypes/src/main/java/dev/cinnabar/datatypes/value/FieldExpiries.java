package dev.cinnabar.datatypes.value;

import dev.cinnabar.datatypes.Dict;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.TreeSet;

/**
 * The expiry times of a hash's fields (Redis 7.4's hash field expiration): a dict from field to
 * time for lookups, and the same nodes ordered by time (then field bytes), so that the earliest
 * one and those due are found without a walk. Fields without a time are simply absent.
 *
 * <p>The heap figure is kept as it changes: {@link #heapSize} is O(1).
 */
public final class FieldExpiries {
    /** No expiry time: the field is absent here. */
    public static final long NONE = -1;

    /** {@link FieldExpiries}: header, two references, the byte count. */
    static final int OBJECT = 32;
    /** A node: header, field reference, the time. */
    static final int NODE = 24;
    /** A {@code TreeMap.Entry} (TreeSet's): header, five references, the colour. */
    static final int TREE_ENTRY = 40;
    /** The TreeSet and its TreeMap. */
    static final int TREE = 16 + 48;
    /** {@code Dict}: header, two table references, four ints, a boolean, the seed. */
    static final int DICT = 48;

    private static final class Node {
        final byte[] field;
        long when;

        Node(byte[] field, long when) {
            this.field = field;
            this.when = when;
        }
    }

    private static final Comparator<Node> ORDER = (a, b) -> {
        int c = Long.compare(a.when, b.when);
        return c != 0 ? c : Arrays.compare(a.field, b.field);
    };

    private final Dict<Node> byField = new Dict<>();
    private final TreeSet<Node> order = new TreeSet<>(ORDER);
    private long bytes;

    public int size() {
        return byField.size();
    }

    /** The field's time, or {@link #NONE}. */
    public long get(byte[] f, int off, int len) {
        if (byField.size() == 0) {
            return NONE;
        }
        Node n = byField.get(f, off, len);
        return n == null ? NONE : n.when;
    }

    public long get(byte[] f) {
        return get(f, 0, f.length);
    }

    /** Sets (or changes) the field's time, {@code when >= 0}. */
    public void put(byte[] f, int off, int len, long when) {
        Dict.Entry<Node> e = byField.findOrCreate(f, off, len);
        Node n = e.value();
        if (n != null) {
            order.remove(n);
            n.when = when;
        } else {
            n = new Node(e.key(), when);
            e.value(n);
            bytes += nodeBytes(len);
        }
        order.add(n);
    }

    /** Forgets the field's time; true when it had one. */
    public boolean remove(byte[] f, int off, int len) {
        if (byField.size() == 0) {
            return false;
        }
        Dict.Entry<Node> e = byField.remove(f, off, len);
        if (e == null) {
            return false;
        }
        order.remove(e.value());
        bytes -= nodeBytes(len);
        byField.shrinkIfSparse();
        return true;
    }

    /** The earliest time, or {@link #NONE}. */
    public long min() {
        return order.isEmpty() ? NONE : order.first().when;
    }

    /** The field of the earliest time (null when none). */
    public byte[] first() {
        return order.isEmpty() ? null : order.first().field;
    }

    /** How many fields have a time below {@code limit}. */
    public int countBelow(long limit) {
        int n = 0;
        for (Node node : order) {
            if (node.when >= limit) {
                break;
            }
            n++;
        }
        return n;
    }

    /** The fields with a time below {@code limit}, earliest first, at most {@code max}. */
    public byte[][] below(long limit, int max) {
        int n = Math.min(max, countBelow(limit));
        byte[][] out = new byte[n][];
        Iterator<Node> it = order.iterator();
        for (int i = 0; i < n; i++) {
            out[i] = it.next().field;
        }
        return out;
    }

    private static long nodeBytes(int fieldLength) {
        return JvmSizes.DICT_ENTRY + NODE + TREE_ENTRY + JvmSizes.byteArray(fieldLength);
    }

    /** Heap bytes, O(1). */
    public long heapSize() {
        long table = byField.tableLength(0) + (byField.isRehashing() ? byField.tableLength(1) : 0);
        return OBJECT + TREE + DICT + (table > 0 ? JvmSizes.referenceArray(table) : 0) + bytes;
    }

    /** The lookup dict, for tests that recount the heap figure. */
    Dict<?> dict() {
        return byField;
    }

    public FieldExpiries duplicate() {
        FieldExpiries d = new FieldExpiries();
        for (Node n : order) {
            d.put(n.field, 0, n.field.length, n.when);
        }
        return d;
    }
}
