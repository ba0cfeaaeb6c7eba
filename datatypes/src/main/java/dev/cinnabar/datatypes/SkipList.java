package dev.cinnabar.datatypes;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Redis's sorted-set skiplist (zskiplist): nodes ordered by score, then by member as unsigned
 * bytes, each level's link carrying its span (how many nodes it jumps) so that ranks are found
 * in O(log n). Levels are drawn with p = 1/4 up to 32.
 *
 * <p>Layout: a search steps from node to node at every level, and each step that leaves the
 * cache is the cost of the whole structure. So, as in Redis's node with its levels inline, the
 * links of the lower levels are fields of the node itself: a node of level 1 is a {@link Node}
 * of 32 bytes (member, score, backward and level-0 links), levels 2 to {@value #INLINE_LEVELS}
 * are subclasses that add one link and its span each (8 bytes a level), and only nodes above
 * that (one in {@code 4^INLINE_LEVELS}, and the header) keep the upper links and spans in
 * arrays. Separate arrays for every tall node cost a second cache miss per step (ZADD ran at
 * two thirds of Redis's rate) and 40 more bytes a node. The level-0 span is always 1 and is not
 * stored. The dict of a sorted set maps each member to its node, sharing the member's array.
 */
public final class SkipList {
    public static final int MAX_LEVEL = 32;
    /** Redis's ZSKIPLIST_P, as a threshold on 16 random bits. */
    private static final int P_THRESHOLD = (int) (0.25 * 0xFFFF);

    /** A node of one level. */
    public static class Node {
        final byte[] member;
        double score;
        Node backward;
        Node next0;

        Node(byte[] member, double score) {
            this.member = member;
            this.score = score;
        }

        /** The member's bytes, shared: never modify them. */
        public final byte[] member() {
            return member;
        }

        public final double score() {
            return score;
        }

        /** The next node in order, or null. */
        public final Node next() {
            return next0;
        }

        /** The previous node in order, or null. */
        public final Node previous() {
            return backward;
        }

        public int level() {
            return 1;
        }
    }

    /** Levels held in fields; higher ones go to {@link Tall}'s arrays. */
    public static final int INLINE_LEVELS = 4;

    /** A node of level 2: the level-1 link and its span. */
    static class Level2 extends Node {
        Node next1;
        int span1;

        Level2(byte[] member, double score) {
            super(member, score);
        }

        @Override
        public int level() {
            return 2;
        }
    }

    /** A node of level 3. */
    static class Level3 extends Level2 {
        Node next2;
        int span2;

        Level3(byte[] member, double score) {
            super(member, score);
        }

        @Override
        public int level() {
            return 3;
        }
    }

    /** A node of level 4. */
    static class Level4 extends Level3 {
        Node next3;
        int span3;

        Level4(byte[] member, double score) {
            super(member, score);
        }

        @Override
        public int level() {
            return 4;
        }
    }

    /** A node above {@link #INLINE_LEVELS}: the links and spans of the levels above in arrays. */
    static final class Tall extends Level4 {
        final Node[] up;
        final int[] span;

        Tall(byte[] member, double score, int level) {
            super(member, score);
            up = new Node[level - INLINE_LEVELS];
            span = new int[level - INLINE_LEVELS];
        }

        @Override
        public int level() {
            return up.length + INLINE_LEVELS;
        }
    }

    private static Node newNode(byte[] member, double score, int level) {
        switch (level) {
            case 1:
                return new Node(member, score);
            case 2:
                return new Level2(member, score);
            case 3:
                return new Level3(member, score);
            case 4:
                return new Level4(member, score);
            default:
                return new Tall(member, score, level);
        }
    }

    private final Tall header = new Tall(null, 0, MAX_LEVEL);
    /**
     * A search's path (the last node before the target at each level) and ranks, reused by
     * link, delete and updateScore, which do not call one another while they use them: a ZADD
     * that moved a member made three such arrays. 288 bytes per skiplist; what they still point
     * at after a deletion is at most one node per level.
     */
    private final Node[] path = new Node[MAX_LEVEL];
    private final int[] pathRank = new int[MAX_LEVEL];
    private Node tail;
    private int length;
    private int level = 1;

    private static Node forward(Node x, int i) {
        switch (i) {
            case 0:
                return x.next0;
            case 1:
                return ((Level2) x).next1;
            case 2:
                return ((Level3) x).next2;
            case 3:
                return ((Level4) x).next3;
            default:
                return ((Tall) x).up[i - INLINE_LEVELS];
        }
    }

    private static void setForward(Node x, int i, Node to) {
        switch (i) {
            case 0:
                x.next0 = to;
                break;
            case 1:
                ((Level2) x).next1 = to;
                break;
            case 2:
                ((Level3) x).next2 = to;
                break;
            case 3:
                ((Level4) x).next3 = to;
                break;
            default:
                ((Tall) x).up[i - INLINE_LEVELS] = to;
        }
    }

    private static int span(Node x, int i) {
        switch (i) {
            case 0:
                return 1;
            case 1:
                return ((Level2) x).span1;
            case 2:
                return ((Level3) x).span2;
            case 3:
                return ((Level4) x).span3;
            default:
                return ((Tall) x).span[i - INLINE_LEVELS];
        }
    }

    private static void setSpan(Node x, int i, int s) {
        switch (i) {
            case 0:
                break;
            case 1:
                ((Level2) x).span1 = s;
                break;
            case 2:
                ((Level3) x).span2 = s;
                break;
            case 3:
                ((Level4) x).span3 = s;
                break;
            default:
                ((Tall) x).span[i - INLINE_LEVELS] = s;
        }
    }

    /** Order of (score, member) pairs: by score, then by member as unsigned bytes, then length. */
    public static int compare(double s1, byte[] m1, double s2, byte[] m2) {
        if (s1 < s2) {
            return -1;
        }
        if (s1 > s2) {
            return 1;
        }
        return Arrays.compareUnsigned(m1, m2);
    }

    private static boolean before(Node n, double score, byte[] member) {
        return n.score < score || (n.score == score && Arrays.compareUnsigned(n.member, member) < 0);
    }

    public int length() {
        return length;
    }

    /** The current number of levels in use. */
    public int levels() {
        return level;
    }

    /** The first node (lowest score), or null. */
    public Node first() {
        return header.next0;
    }

    /** The last node (highest score), or null. */
    public Node last() {
        return tail;
    }

    /** A random level: 1, then one more with probability 1/4 each time, at most 32. */
    public static int randomLevel() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int lvl = 1;
        while ((r.nextInt() & 0xFFFF) < P_THRESHOLD) {
            lvl++;
        }
        return Math.min(lvl, MAX_LEVEL);
    }

    /** Inserts a member known to be absent; the array is kept. Returns its node. */
    public Node insert(double score, byte[] member) {
        return insert(score, member, randomLevel());
    }

    /** {@link #insert(double, byte[])} at a given level (tests). */
    Node insert(double score, byte[] member, int lvl) {
        return link(newNode(member, score, lvl));
    }

    /** Links a node that is in no list (new, or just unlinked) at the place of its score and member. */
    private Node link(Node n) {
        double score = n.score;
        byte[] member = n.member;
        int lvl = n.level();
        Node[] update = path;
        int[] rank = pathRank;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            rank[i] = i == level - 1 ? 0 : rank[i + 1];
            Node f;
            while ((f = forward(x, i)) != null && before(f, score, member)) {
                rank[i] += span(x, i);
                x = f;
            }
            update[i] = x;
        }
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                update[i] = header;
                setSpan(header, i, length);
            }
            level = lvl;
        }
        for (int i = 0; i < lvl; i++) {
            setForward(n, i, forward(update[i], i));
            setForward(update[i], i, n);
            setSpan(n, i, span(update[i], i) - (rank[0] - rank[i]));
            setSpan(update[i], i, rank[0] - rank[i] + 1);
        }
        for (int i = lvl; i < level; i++) {
            setSpan(update[i], i, span(update[i], i) + 1);
        }
        n.backward = update[0] == header ? null : update[0];
        if (n.next0 != null) {
            n.next0.backward = n;
        } else {
            tail = n;
        }
        length++;
        return n;
    }

    private void unlink(Node x, Node[] update) {
        for (int i = 0; i < level; i++) {
            if (forward(update[i], i) == x) {
                setSpan(update[i], i, span(update[i], i) + span(x, i) - 1);
                setForward(update[i], i, forward(x, i));
            } else {
                setSpan(update[i], i, span(update[i], i) - 1);
            }
        }
        if (x.next0 != null) {
            x.next0.backward = x.backward;
        } else {
            tail = x.backward;
        }
        while (level > 1 && forward(header, level - 1) == null) {
            level--;
        }
        length--;
    }

    private Node seek(double score, byte[] member, Node[] update) {
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = forward(x, i)) != null && before(f, score, member)) {
                x = f;
            }
            update[i] = x;
        }
        return x.next0;
    }

    /** Removes the member with this score; returns its node, or null when it is not there. */
    public Node delete(double score, byte[] member) {
        Node[] update = path;
        Node x = seek(score, member, update);
        if (x != null && x.score == score && Arrays.equals(x.member, member)) {
            unlink(x, update);
            return x;
        }
        return null;
    }

    /**
     * Changes the score of a member present with {@code current}: in place when the node keeps
     * its position (its neighbours' scores are strictly below and above the new one), else by
     * unlinking the node and linking it again at its new place. Returns the member's node, the
     * same object either way.
     *
     * <p>Redis frees the node and makes a new one. Here that would scatter a busy sorted set
     * over the heap: each new node lands in the young generation, survives to the old one away
     * from its neighbours, and leaves a dead node behind, so a search of a 100k-member set
     * touched pages all over tens of MB. Keeping the node keeps the set as compact as it was
     * loaded, and a score update allocates nothing (ZADD of random scores into 100k members:
     * 3.0 µs an update before, 1.3 µs after, in a loop on this machine).
     */
    public Node updateScore(double current, byte[] member, double score) {
        Node[] update = path;
        Node x = seek(current, member, update);
        if (x == null || x.score != current || !Arrays.equals(x.member, member)) {
            throw new IllegalStateException("member not in the skiplist with that score");
        }
        if ((x.backward == null || x.backward.score < score) && (x.next0 == null || x.next0.score > score)) {
            x.score = score;
            return x;
        }
        unlink(x, update);
        x.score = score;
        return link(x);
    }

    /** The 1-based rank of the member with this score, or 0 when it is not there. */
    public long rank(double score, byte[] member) {
        Node x = header;
        long rank = 0;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = forward(x, i)) != null && (f.score < score
                    || (f.score == score && Arrays.compareUnsigned(f.member, member) <= 0))) {
                rank += span(x, i);
                x = f;
            }
            if (x.member != null && x.score == score && Arrays.equals(x.member, member)) {
                return rank;
            }
        }
        return 0;
    }

    /** The node of 1-based rank {@code rank}, or null when out of range. */
    public Node byRank(long rank) {
        if (rank < 1 || rank > length) {
            return null;
        }
        Node x = header;
        long traversed = 0;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = forward(x, i)) != null && traversed + span(x, i) <= rank) {
                traversed += span(x, i);
                x = f;
            }
            if (traversed == rank) {
                return x;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ ranges

    /**
     * An interval of the list's order: of scores ({@link ScoreRange}) or, where the members share
     * one score, of members ({@link LexRange}). The searches below serve both, as the order they
     * walk is the same.
     */
    public interface Range {
        /** True when no node can be in the interval. */
        boolean isEmpty();

        /** True when the node is not below the lower end. */
        boolean aboveMin(Node n);

        /** True when the node is not above the upper end. */
        boolean belowMax(Node n);
    }

    private boolean anyInRange(Range r) {
        return !r.isEmpty() && tail != null && r.aboveMin(tail) && r.belowMax(header.next0);
    }

    /** The first node in the range, or null. */
    public Node firstInRange(Range r) {
        if (!anyInRange(r)) {
            return null;
        }
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = forward(x, i)) != null && !r.aboveMin(f)) {
                x = f;
            }
        }
        x = x.next0;
        return r.belowMax(x) ? x : null;
    }

    /** The last node in the range, or null. */
    public Node lastInRange(Range r) {
        if (!anyInRange(r)) {
            return null;
        }
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = forward(x, i)) != null && r.belowMax(f)) {
                x = f;
            }
        }
        return r.aboveMin(x) ? x : null;
    }

    // ------------------------------------------------------------------ range deletion

    /** Removes every node in the range, in order, telling {@code removed} of each. */
    public long deleteRange(Range r, Consumer<Node> removed) {
        Node[] update = new Node[level];
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = forward(x, i)) != null && !r.aboveMin(f)) {
                x = f;
            }
            update[i] = x;
        }
        x = x.next0;
        long n = 0;
        while (x != null && r.belowMax(x)) {
            Node next = x.next0;
            unlink(x, update);
            removed.accept(x);
            n++;
            x = next;
        }
        return n;
    }

    /** Removes the nodes of 1-based ranks {@code start} to {@code end}, both included. */
    public long deleteRangeByRank(long start, long end, Consumer<Node> removed) {
        Node[] update = new Node[level];
        Node x = header;
        long traversed = 0;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = forward(x, i)) != null && traversed + span(x, i) < start) {
                traversed += span(x, i);
                x = f;
            }
            update[i] = x;
        }
        traversed++;
        x = x.next0;
        long n = 0;
        while (x != null && traversed <= end) {
            Node next = x.next0;
            unlink(x, update);
            removed.accept(x);
            n++;
            traversed++;
            x = next;
        }
        return n;
    }

    // ------------------------------------------------------------------ checks (tests)

    /**
     * Checks every invariant: order, backward links, the tail, the length, and that each span is
     * the number of level-0 steps its link covers. Throws on the first violation.
     */
    void check() {
        int count = 0;
        Node prev = null;
        for (Node x = header.next0; x != null; x = x.next0) {
            if (x.backward != prev) {
                throw new AssertionError("backward link of node " + count);
            }
            if (prev != null && compare(prev.score, prev.member, x.score, x.member) >= 0) {
                throw new AssertionError("order at node " + count);
            }
            prev = x;
            count++;
        }
        if (prev != tail || count != length) {
            throw new AssertionError("tail or length");
        }
        for (int i = 1; i < level; i++) {
            Node x = header;
            while (forward(x, i) != null) {
                Node target = forward(x, i);
                int steps = 0;
                for (Node y = x; y != target; y = y.next0) {
                    steps++;
                }
                if (steps != span(x, i)) {
                    throw new AssertionError("span at level " + i);
                }
                x = target;
            }
        }
        if (level > 1 && forward(header, level - 1) == null) {
            throw new AssertionError("top level empty");
        }
    }
}
