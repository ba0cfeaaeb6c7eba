package dev.cinnabar.datatypes;

import dev.cinnabar.datatypes.value.JvmSizes;
import java.util.function.IntConsumer;

/**
 * A hash index from member to node, for collections whose members live in numbered nodes: a
 * sorted set's {@link SkipList}, a set's {@link MemberSlots}. It is the dict Redis keeps for them,
 * with its growth rules, incremental rehashing and SCAN guarantee (explained in {@link Dict}), but
 * chained through the nodes themselves.
 *
 * <h2>Why the chains run through the nodes</h2>
 * A {@link Dict} costs an entry object per member (32 bytes) besides its bucket: a quarter of a
 * large sorted set's heap, and another object for the collector to trace. Here a bucket holds a
 * node number, and each node's chain word ({@link Nodes#chain}) holds the member's hash in its
 * high half and the next node of its bucket in the low half: 8 bytes per member and no object.
 * The cached hash keeps what the entry's did: a lookup reads a member's bytes only when the hashes
 * are equal, a rehash never reads them, and removing a node (ZPOPMIN, range deletions) walks its
 * bucket by number without hashing or comparing its member at all.
 *
 * <p>A node's number is stable while its member is in the collection (a skiplist's score
 * updates keep it), so the index is touched only when members come and go. After the nodes were
 * compacted into new numbers, the index is rebuilt from the hashes the nodes carried along.
 *
 * <p>The hash seed is the process's ({@link Hashing#SEED}), not a field: a field would cost every
 * small set and sorted set 8 bytes. Tests that want repeatable layouts override {@link #hashOf}.
 *
 * <p>Not thread-safe: the engine thread owns it with its collection.
 */
public class MemberIndex implements HashTableStats {
    /** Where the indexed members live: numbered nodes, 0 meaning none, each with a chain word. */
    public interface Nodes {
        /** The number that means no node. */
        int NONE = 0;

        /** True when the node's member is {@code len} bytes equal to {@code b[off..]}. */
        boolean memberEquals(int node, byte[] b, int off, int len);

        /** The node's chain word, as the index last set it. */
        long chain(int node);

        void chain(int node, long word);

        /** Visits every node that holds a member. */
        void forEachNode(IntConsumer action);
    }

    private static final int NIL = Nodes.NONE;
    private static final long LOW = 0xFFFFFFFFL;
    private static final long HIGH = ~LOW;
    /** This object: header, three references, three ints. */
    private static final int OBJECT = 40;

    private final Nodes list;
    private int[] table0;
    private int[] table1;
    private int used0;
    private int used1;
    /**
     * The next bucket of table0 to move, or -1 when not rehashing. Only additions and removals
     * move buckets, and nothing changes the collection while a scan or an iteration visits it,
     * so a walk never sees a bucket move under it.
     */
    private int rehashIndex = -1;

    public MemberIndex(Nodes list) {
        this.list = list;
    }

    /** A copy of {@code from} for {@code list}, a copy of its nodes: the tables copied, a rehash where it was. */
    public MemberIndex(Nodes list, MemberIndex from) {
        this.list = list;
        table0 = from.table0 == null ? null : from.table0.clone();
        table1 = from.table1 == null ? null : from.table1.clone();
        used0 = from.used0;
        used1 = from.used1;
        rehashIndex = from.rehashIndex;
    }

    /**
     * An index for a copy of {@code from}'s nodes that is only walked by slot, never looked up
     * in (a snapshot's {@link MemberTable#sharingCopy}): it counts the members and has no
     * buckets, so that the copy need not copy them.
     */
    static MemberIndex countOnly(Nodes list, MemberIndex from) {
        MemberIndex i = new MemberIndex(list);
        i.used0 = from.size();
        return i;
    }

    public int size() {
        return used0 + used1;
    }

    /** The hash the index files {@code member} under; every lookup and addition goes through it. */
    public int hashOf(byte[] member, int off, int len) {
        return Hashing.hash(member, off, len, Hashing.SEED);
    }

    private static int hashIn(long chainWord) {
        return (int) (chainWord >>> 32);
    }

    private int nextInBucket(int x) {
        return (int) list.chain(x);
    }

    private void setNextInBucket(int x, int next) {
        list.chain(x, (list.chain(x) & HIGH) | (next & LOW));
    }

    // ---------------------------------------------------------------- lookup

    /** The node of {@code member}, or {@link Nodes#NONE}. */
    public int find(byte[] member, int off, int len) {
        return find(member, off, len, hashOf(member, off, len));
    }

    /**
     * {@link #find(byte[], int, int)} for a member whose {@link #hashOf} the caller has. Unlike
     * Redis's dictFind, a lookup moves no bucket of a resize: see {@link #heapBytes}.
     */
    public int find(byte[] member, int off, int len, int hash) {
        if (used0 + used1 == 0) {
            return NIL;
        }
        int x = findIn(table0, member, off, len, hash);
        if (x == NIL && rehashIndex != -1) {
            x = findIn(table1, member, off, len, hash);
        }
        return x;
    }

    private int findIn(int[] table, byte[] member, int off, int len, int hash) {
        int x = table[hash & (table.length - 1)];
        while (x != NIL) {
            long w = list.chain(x);
            if (hashIn(w) == hash && list.memberEquals(x, member, off, len)) {
                return x;
            }
            x = (int) w;
        }
        return NIL;
    }

    // ---------------------------------------------------------------- changes

    /** Indexes {@code node}, just inserted into the list, whose member hashes to {@code hash}. */
    public void add(int node, int hash) {
        if (rehashIndex != -1) {
            rehash(1);
        }
        expandIfNeeded();
        int[] t = rehashIndex != -1 ? table1 : table0;
        int bucket = hash & (t.length - 1);
        list.chain(node, (long) hash << 32 | (t[bucket] & LOW));
        t[bucket] = node;
        if (t == table1) {
            used1++;
        } else {
            used0++;
        }
    }

    /** Drops {@code node}, which must be indexed, before the list frees it. */
    public void remove(int node) {
        if (rehashIndex != -1) {
            rehash(1);
        }
        int hash = hashIn(list.chain(node));
        if (unlink(table0, node, hash)) {
            used0--;
        } else if (rehashIndex != -1 && unlink(table1, node, hash)) {
            used1--;
        } else {
            throw new IllegalStateException("node not indexed");
        }
    }

    /**
     * Drops the node of {@code member} and returns it for the list to free, or returns
     * {@link Nodes#NONE} when the member is absent. A removal moves one bucket of a resize, as
     * Redis's dictUnlink; looking for an absent member moves none.
     */
    public int remove(byte[] member, int off, int len) {
        if (used0 + used1 == 0) {
            return NIL;
        }
        int hash = hashOf(member, off, len);
        int x = findIn(table0, member, off, len, hash);
        if (x != NIL) {
            unlink(table0, x, hash);
            used0--;
        } else if (rehashIndex != -1 && (x = findIn(table1, member, off, len, hash)) != NIL) {
            unlink(table1, x, hash);
            used1--;
        }
        if (x != NIL && rehashIndex != -1) {
            rehash(1);
        }
        return x;
    }

    private boolean unlink(int[] table, int node, int hash) {
        int bucket = hash & (table.length - 1);
        int x = table[bucket];
        if (x == node) {
            table[bucket] = nextInBucket(node);
            return true;
        }
        while (x != NIL) {
            int next = nextInBucket(x);
            if (next == node) {
                setNextInBucket(x, nextInBucket(node));
                return true;
            }
            x = next;
        }
        return false;
    }

    /**
     * Indexes every node again, from the hashes they carry, into a table of the size the index
     * had (or was growing to): after a compaction gave the nodes new numbers.
     */
    public void rebuild() {
        int size = rehashIndex != -1 ? table1.length : table0 == null ? DictSizing.INITIAL : table0.length;
        int[] t = new int[size];
        int mask = size - 1;
        used0 = 0;
        list.forEachNode(x -> {
            long w = list.chain(x);
            int bucket = hashIn(w) & mask;
            list.chain(x, (w & HIGH) | (t[bucket] & LOW));
            t[bucket] = x;
            used0++;
        });
        table0 = t;
        table1 = null;
        used1 = 0;
        rehashIndex = -1;
    }

    // ---------------------------------------------------------------- resizing

    private void expandIfNeeded() {
        if (rehashIndex != -1) {
            return;
        }
        if (table0 == null) {
            table0 = new int[DictSizing.INITIAL];
            return;
        }
        int grown = DictSizing.grownLength(used0, table0.length, true);
        if (grown != 0) {
            startResize(grown);
        }
    }

    /** Room for {@code size} members in one go (an RDB load knows the count): Redis's dictExpand. */
    public void expand(long size) {
        if (rehashIndex != -1 || size <= used0 || size > DictSizing.MAX) {
            return;
        }
        if (table0 == null) {
            table0 = new int[DictSizing.lengthFor(size)];
            return;
        }
        startResize(DictSizing.lengthFor(size));
    }

    /** Starts shrinking a table less than a tenth full, as Redis does after deletions. */
    public boolean shrinkIfSparse() {
        if (table0 == null || rehashIndex != -1) {
            return false;
        }
        int shrunk = DictSizing.shrunkLength(used0, table0.length);
        return shrunk != 0 && startResize(shrunk);
    }

    private boolean startResize(int size) {
        if (size == table0.length) {
            return false;
        }
        table1 = new int[size];
        used1 = 0;
        rehashIndex = 0;
        return true;
    }

    /**
     * Moves up to {@code n} buckets from the old table to the new one, visiting at most
     * {@code 10 * n} empty buckets. Returns true while there is more to move.
     */
    public boolean rehash(int n) {
        if (rehashIndex == -1) {
            return false;
        }
        int emptyVisits = n * 10;
        int[] from = table0;
        int[] to = table1;
        int mask = to.length - 1;
        while (n-- > 0 && used0 != 0) {
            while (from[rehashIndex] == NIL) {
                rehashIndex++;
                if (--emptyVisits == 0) {
                    return true;
                }
            }
            int x = from[rehashIndex];
            while (x != NIL) {
                long w = list.chain(x);
                int bucket = hashIn(w) & mask;
                list.chain(x, (w & HIGH) | (to[bucket] & LOW));
                to[bucket] = x;
                used0--;
                used1++;
                x = (int) w;
            }
            from[rehashIndex] = NIL;
            rehashIndex++;
        }
        if (used0 == 0) {
            table0 = table1;
            used0 = used1;
            table1 = null;
            used1 = 0;
            rehashIndex = -1;
            return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- scan and iteration

    /**
     * Visits the nodes in the buckets at {@code cursor} and returns the next cursor, 0 when the
     * scan is done; every member present from the first call to the last is visited at least
     * once ({@link Dict#scan}). The visitor must not change the set.
     */
    public long scan(long cursor, IntConsumer visitor) {
        if (used0 + used1 == 0) {
            return 0;
        }
        return ScanCursor.step(cursor, table0.length, rehashIndex == -1 ? 0 : table1.length,
                (t, bucket) -> visitBucket((t == 0 ? table0 : table1)[bucket], visitor));
    }

    private void visitBucket(int x, IntConsumer visitor) {
        while (x != NIL) {
            int next = nextInBucket(x);
            visitor.accept(x);
            x = next;
        }
    }

    /** Visits every node in bucket order (Redis's dict iteration order). The visitor must not change the set. */
    public void forEach(IntConsumer visitor) {
        for (int t = 0; t <= 1; t++) {
            int[] table = t == 0 ? table0 : table1;
            if (table != null) {
                for (int head : table) {
                    visitBucket(head, visitor);
                }
            }
        }
    }

    // ---------------------------------------------------------------- figures

    /**
     * The heap this index holds: itself and its tables (the nodes' words are theirs).
     *
     * <p>It changes only when a member comes or goes, as the keyspace's heap counter, adjusted by
     * writes alone, needs: that is why lookups move no bucket of a resize (Redis's do), since the
     * one that moved the last would free the old table. A resize is finished by the next
     * additions and removals instead; a collection that stops changing keeps its old table, at
     * most a third of its buckets' bytes, until it changes again.
     */
    public long heapBytes() {
        return OBJECT + (table0 == null ? 0 : JvmSizes.intArray(table0.length))
                + (table1 == null ? 0 : JvmSizes.intArray(table1.length));
    }

    @Override
    public boolean isRehashing() {
        return rehashIndex != -1;
    }

    @Override
    public int tableLength(int which) {
        int[] t = which == 0 ? table0 : table1;
        return t == null ? 0 : t.length;
    }

    @Override
    public int used(int which) {
        return which == 0 ? used0 : used1;
    }

    @Override
    public int chainLength(int which, int bucket) {
        int n = 0;
        for (int x = (which == 0 ? table0 : table1)[bucket]; x != NIL; x = nextInBucket(x)) {
            n++;
        }
        return n;
    }
}
