package dev.cinnabar.datatypes;

import dev.cinnabar.datatypes.value.JvmSizes;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntConsumer;
import java.util.function.IntUnaryOperator;

/**
 * Redis's sorted-set skiplist (zskiplist): nodes ordered by score, then by member as unsigned
 * bytes, each level's link carrying its span (how many nodes it jumps) so that ranks are found
 * in O(log n). Levels are drawn with p = 1/4 up to 32.
 *
 * <h2>Why the nodes live in {@code long[]} pages and not in objects</h2>
 * A node is an {@code int} address into pages of words, and a link is an address, not a
 * reference. Two reasons, both measured with ZADD of random scores into a 100k-member set:
 * <ul>
 * <li>Storing a reference between two old objects in different heap regions runs G1's post-write
 *     barrier, which queues the card for the concurrent refinement threads. Relinking a node
 *     stores a reference per level, so with one object per node the refinement threads used 40%
 *     as much CPU as the engine thread did, on the core redis-benchmark needs; ZADD ran at 0.8 of
 *     Redis's rate. Storing an {@code int} into a {@code long[]} has no barrier.</li>
 * <li>The node's score and its links are contiguous, as in Redis's node with its levels inline,
 *     so a step of a search costs the one cache miss of reading the next node's score, and a node
 *     of one level is 32 bytes with its member's hash-index word, where an object per node and
 *     an entry per member took 64.</li>
 * </ul>
 *
 * <h2>Layout</h2>
 * A node of level L is {@code 3 + L} words at its address: the info word (member slot in the low
 * half, level in the high half), the score's bits, the word the {@link MemberIndex} chains its
 * buckets through, then one word per level holding the next
 * node's address in the low half and, above level 0, the link's span in the high half. Level 0's
 * span is always 1, so its high half holds the backward link instead. Address 0 is "no node";
 * the header (32 levels) sits at address 1. A node never straddles a page, so every word of a
 * node is read from one array.
 *
 * <p>Members are {@code byte[]} references, kept in pages of their own by the node's member slot:
 * a search reads them only between equal scores. A sorted set's {@link MemberIndex} finds a
 * member's node by hashing, through the chain word.
 *
 * <p>Freed nodes go on a free list per level, keeping their member slot, and are reused by the
 * next node of that level: the pages only grow. A score update moves a node without freeing it,
 * so its address, which the index holds, never changes while the member is in the set.
 */
public final class SkipList implements MemberIndex.Nodes {
    public static final int MAX_LEVEL = 32;
    /** The address that means no node. */
    public static final int NIL = 0;
    /** Redis's ZSKIPLIST_P, as a threshold on 16 random bits. */
    private static final int P_THRESHOLD = (int) (0.25 * 0xFFFF);

    private static final int PAGE_SHIFT = 16;
    private static final int PAGE_WORDS = 1 << PAGE_SHIFT;
    private static final int PAGE_MASK = PAGE_WORDS - 1;
    /** A page starts this small and grows by a quarter up to {@link #PAGE_WORDS}: a skiplist of 129 members is 3 KB. */
    private static final int FIRST_PAGE_WORDS = 64;
    private static final int SLOT_SHIFT = 14;
    private static final int SLOT_PAGE = 1 << SLOT_SHIFT;
    private static final int SLOT_MASK = SLOT_PAGE - 1;
    private static final int FIRST_SLOT_PAGE = 16;

    /** Word offsets within a node. */
    private static final int INFO = 0;
    private static final int SCORE = 1;
    private static final int CHAIN = 2;
    private static final int LINKS = 3;
    private static final long LOW = 0xFFFFFFFFL;
    private static final long HIGH = ~LOW;

    private static final int HEADER = 1;
    /** This object: header, ten references, four ints, two longs (88 bytes by JOL, JDK 17). */
    private static final int OBJECT = 88;

    private long[][] pages = {new long[FIRST_PAGE_WORDS]};
    /**
     * The next unallocated word address of each class of nodes: level 1, level 2, and taller.
     * Each class has pages of its own (the header shares page 0 with level 1), so that the
     * upper levels a search spends most of its steps on are a few hundred KB even in a set of
     * 100k members, and stay in the cache: 1/16 of the nodes are taller than two.
     */
    private final int[] tops = {HEADER + LINKS + MAX_LEVEL, NIL, NIL};
    private long wordsAllocated = FIRST_PAGE_WORDS;
    private byte[][][] members = {new byte[FIRST_SLOT_PAGE][]};
    private int slots;
    private long slotsAllocated = FIRST_SLOT_PAGE;
    /** The head of each level's free list, linked through the free nodes' level-0 links. */
    private final int[] free = new int[MAX_LEVEL + 1];
    /**
     * A search's path (the last node before the target at each level) and ranks, reused by
     * link, delete and updateScore, which do not call one another while they use them.
     */
    private final int[] path = new int[MAX_LEVEL];
    private final int[] pathRank = new int[MAX_LEVEL];
    /** The second path of {@link #updateScore}: the node's old place, found beside the new one. */
    private final int[] oldPath = new int[MAX_LEVEL];
    private final int[] oldPathRank = new int[MAX_LEVEL];
    private int tail = NIL;
    private int length;
    private int level = 1;
    /**
     * Which {@link #pages} and which {@link #members} pages another list holds too (a
     * {@link #sharingCopy}): such a page is copied before its first write here. Null when none.
     */
    private boolean[] sharedPages;
    private boolean[] sharedMemberPages;

    public SkipList() {
        pages[0][HEADER + INFO] = (long) MAX_LEVEL << 32;
    }

    private SkipList(SkipList from, boolean sharePages) {
        if (sharePages) {
            pages = from.pages.clone();
            members = from.members.clone();
            sharedPages = new boolean[pages.length];
            sharedMemberPages = new boolean[members.length];
            Arrays.fill(sharedPages, true);
            Arrays.fill(sharedMemberPages, true);
            from.sharedPages = sharedPages.clone();
            from.sharedMemberPages = sharedMemberPages.clone();
        } else {
            pages = new long[from.pages.length][];
            for (int i = 0; i < pages.length; i++) {
                pages[i] = from.pages[i] == null ? null : from.pages[i].clone();
            }
            // A member's bytes never change while it is in the list: the pages of references are
            // copied, the members shared.
            members = new byte[from.members.length][][];
            for (int i = 0; i < members.length; i++) {
                members[i] = from.members[i] == null ? null : from.members[i].clone();
            }
        }
        System.arraycopy(from.tops, 0, tops, 0, tops.length);
        wordsAllocated = from.wordsAllocated;
        slots = from.slots;
        slotsAllocated = from.slotsAllocated;
        System.arraycopy(from.free, 0, free, 0, free.length);
        tail = from.tail;
        length = from.length;
        level = from.level;
    }

    /**
     * A copy of the nodes as they are: the node pages copied, the members shared. Its members'
     * chain words are those of this list's index, which a copy of the index would go with; a
     * snapshot walks the copy in order without one while this list changes.
     */
    public SkipList copy() {
        return new SkipList(this, false);
    }

    /**
     * {@link #copy} that shares the pages instead of copying them: each list copies a page (512
     * KB of nodes, or 16k members' references) before its first write to it. For a snapshot that
     * writes a big sorted set as it was while writes change it: the copy of a million nodes
     * (5-30 ms, most of it fresh memory faulted in) is spread over the writes that need it.
     */
    public SkipList sharingCopy() {
        return new SkipList(this, true);
    }

    // ------------------------------------------------------------------ words

    private long word(int a) {
        return pages[a >>> PAGE_SHIFT][a & PAGE_MASK];
    }

    private void word(int a, long w) {
        int page = a >>> PAGE_SHIFT;
        long[] p = pages[page];
        if (sharedPages != null && page < sharedPages.length && sharedPages[page]) {
            p = p.clone();
            pages[page] = p;
            sharedPages[page] = false;
        }
        p[a & PAGE_MASK] = w;
    }

    private int forward(int x, int i) {
        return (int) word(x + LINKS + i);
    }

    private void setForward(int x, int i, int to) {
        int a = x + LINKS + i;
        word(a, (word(a) & HIGH) | (to & LOW));
    }

    private int span(int x, int i) {
        return i == 0 ? 1 : (int) (word(x + LINKS + i) >>> 32);
    }

    private void setSpan(int x, int i, int s) {
        if (i > 0) {
            int a = x + LINKS + i;
            word(a, (word(a) & LOW) | ((long) s << 32));
        }
    }

    private void setBackward(int x, int to) {
        int a = x + LINKS;
        word(a, (word(a) & LOW) | ((long) to << 32));
    }

    private int slot(int x) {
        return (int) word(x + INFO);
    }

    private void setMember(int x, byte[] member) {
        int s = slot(x);
        int page = s >>> SLOT_SHIFT;
        byte[][] p = members[page];
        if (sharedMemberPages != null && page < sharedMemberPages.length && sharedMemberPages[page]) {
            p = p.clone();
            members[page] = p;
            sharedMemberPages[page] = false;
        }
        p[s & SLOT_MASK] = member;
    }

    // ------------------------------------------------------------------ nodes

    /** The node's score. */
    public double score(int x) {
        return Double.longBitsToDouble(word(x + SCORE));
    }

    /** The node's member, shared: never modify it. */
    public byte[] member(int x) {
        int s = slot(x);
        return members[s >>> SLOT_SHIFT][s & SLOT_MASK];
    }

    @Override
    public boolean memberEquals(int x, byte[] b, int off, int len) {
        return Dict.keyEquals(member(x), b, off, len);
    }

    /** The next node in order, or {@link #NIL}. */
    public int next(int x) {
        return forward(x, 0);
    }

    /** The previous node in order, or {@link #NIL}. */
    public int previous(int x) {
        return (int) (word(x + LINKS) >>> 32);
    }

    /**
     * The node's word for the {@link MemberIndex} (its member's hash and the next node of its
     * bucket): the list never reads it, and compaction carries it to the node's new address.
     */
    @Override
    public long chain(int x) {
        return word(x + CHAIN);
    }

    @Override
    public void chain(int x, long w) {
        word(x + CHAIN, w);
    }

    /** Visits every node in list order. */
    @Override
    public void forEachNode(IntConsumer action) {
        for (int x = first(); x != NIL; x = next(x)) {
            action.accept(x);
        }
    }

    /** The node's number of levels. */
    public int level(int x) {
        return (int) (word(x + INFO) >>> 32);
    }

    /** A node of {@code lvl} levels with its links zeroed: from the level's free list, else new. */
    private int allocate(int lvl) {
        int x = free[lvl];
        if (x != NIL) {
            free[lvl] = forward(x, 0);
            for (int i = 0; i < lvl; i++) {
                word(x + LINKS + i, 0);
            }
            return x;
        }
        int size = LINKS + lvl;
        int c = Math.min(lvl, tops.length) - 1;
        x = tops[c];
        if (x == NIL || (x & PAGE_MASK) + size > PAGE_WORDS) {
            x = pages.length << PAGE_SHIFT;
        }
        ensureWords(x >>> PAGE_SHIFT, (x & PAGE_MASK) + size);
        // A class that filled its page exactly has none: the next page may be another class's.
        tops[c] = ((x + size) & PAGE_MASK) == 0 ? NIL : x + size;
        int s = slots++;
        ensureSlot(s);
        word(x + INFO, s & LOW | (long) lvl << 32);
        return x;
    }

    /**
     * Room for about {@code nodes} more nodes in the pages, as a load of a known size wants: each
     * class of nodes gets its expected share (3/4 of the nodes have one level, 3/16 two, and 1/16
     * more, 3 1/3 on average) and two standard deviations more, so that its page is seldom
     * copied a quarter larger as it fills; loading a dump of 5,000 sorted sets of 200 members
     * made 170 MB of such copies. Past a guess that was low, the page grows as usual; nothing is
     * reserved past one page.
     */
    public void reserve(long nodes) {
        if (nodes <= 0) {
            return;
        }
        reserveWords(0, share(nodes, 3, 4) * (LINKS + 1));
        reserveWords(1, share(nodes, 3, 16) * (LINKS + 2));
        reserveWords(2, share(nodes, 1, 16) * (3 * LINKS + 10) / 3);
        // And the members' slots, in the page the next slot goes to.
        int page = slots >>> SLOT_SHIFT;
        if (page < members.length && members[page] != null) {
            int want = (int) Math.min(SLOT_PAGE, (slots & SLOT_MASK) + nodes);
            byte[][] p = members[page];
            if (p.length < want) {
                members[page] = Arrays.copyOf(p, want);
                unshareMembers(page);
                slotsAllocated += want - p.length;
            }
        }
    }

    /** How many of {@code nodes} to make room for when each is in a class with probability {@code num/den}. */
    private static long share(long nodes, int num, int den) {
        double mean = (double) nodes * num / den;
        return (long) Math.ceil(mean + 2 * Math.sqrt(mean * (den - num) / den)) + 1;
    }

    private void reserveWords(int c, long words) {
        if (words <= 0) {
            return;
        }
        int x = tops[c];
        if (x == NIL) {
            // A page of the class's own, started now; its first node goes at its start.
            x = pages.length << PAGE_SHIFT;
            tops[c] = x;
        }
        ensureWords(x >>> PAGE_SHIFT, (int) Math.min(PAGE_WORDS, (x & PAGE_MASK) + words));
    }

    private void ensureWords(int page, int words) {
        if (page == pages.length) {
            pages = Arrays.copyOf(pages, page + 1);
        }
        long[] p = pages[page];
        if (p == null) {
            int len = Math.max(FIRST_PAGE_WORDS, words);
            pages[page] = new long[len];
            wordsAllocated += len;
        } else if (p.length < words) {
            int len = Math.min(PAGE_WORDS, Math.max(grown(p.length), words));
            pages[page] = Arrays.copyOf(p, len);
            if (sharedPages != null && page < sharedPages.length) {
                sharedPages[page] = false;
            }
            wordsAllocated += len - p.length;
        }
    }

    /** Members page {@code page} was just replaced by a copy of its own. */
    private void unshareMembers(int page) {
        if (sharedMemberPages != null && page < sharedMemberPages.length) {
            sharedMemberPages[page] = false;
        }
    }

    private void ensureSlot(int s) {
        int page = s >>> SLOT_SHIFT;
        if (page == members.length) {
            members = Arrays.copyOf(members, page + 1);
        }
        byte[][] p = members[page];
        int need = (s & SLOT_MASK) + 1;
        if (p == null) {
            members[page] = new byte[FIRST_SLOT_PAGE][];
            slotsAllocated += FIRST_SLOT_PAGE;
        } else if (p.length < need) {
            int len = Math.min(SLOT_PAGE, grown(p.length));
            members[page] = Arrays.copyOf(p, len);
            unshareMembers(page);
            slotsAllocated += len - p.length;
        }
    }

    /**
     * A page's next length: a quarter more, to a multiple of 8. Doubling left a third of a
     * mid-size set's pages unused on average (a set of 1000 members took 14% more heap than
     * with an object per node); each page is copied more often, but pages stop growing at 512 KB.
     */
    private static int grown(int length) {
        return (length + (length >> 2) + 7) & ~7;
    }

    private void release(int x) {
        setMember(x, null);
        int lvl = level(x);
        word(x + LINKS, free[lvl] & LOW);
        free[lvl] = x;
    }

    /**
     * The heap this list holds: itself, its pages of words and of member references, the reused
     * search path and the free-list heads (the members' arrays are counted by the set).
     */
    public long heapBytes() {
        return OBJECT + JvmSizes.referenceArray(pages.length) + wordsAllocated * 8 + pages.length * (long) JvmSizes.ARRAY_HEADER
                + JvmSizes.referenceArray(members.length) + slotsAllocated * JvmSizes.REFERENCE
                + members.length * (long) JvmSizes.ARRAY_HEADER
                + 2 * JvmSizes.intArray(MAX_LEVEL) + JvmSizes.intArray(MAX_LEVEL + 1) + JvmSizes.intArray(tops.length);
    }

    // ------------------------------------------------------------------ compaction

    /** Below this many nodes ever allocated, a list is not worth compacting. */
    private static final int COMPACT_MIN_NODES = 4096;

    /**
     * True when at most a quarter of the nodes the pages were grown for are in the list: the
     * free lists would keep the rest for nodes that may never come (a set trimmed from 1M
     * members to 1k would keep 27 MB).
     */
    public boolean worthCompacting() {
        return slots >= COMPACT_MIN_NODES && length < slots / 4;
    }

    /**
     * Moves every node into new pages just large enough, in list order: every address changes,
     * so whatever holds them (the set's {@link MemberIndex}) must be rebuilt after. O(n) with no
     * search: each node is copied, then its links are rewritten through the new address left in
     * its old score word.
     */
    public void compact() {
        SkipList fresh = new SkipList();
        // Copy each node's member, score and chain word, then leave its new address in its old
        // score word.
        for (int x = first(); x != NIL; x = next(x)) {
            int y = fresh.allocate(level(x));
            fresh.setMember(y, member(x));
            fresh.word(y + SCORE, word(x + SCORE));
            fresh.word(y + CHAIN, word(x + CHAIN));
            word(x + SCORE, y);
        }
        IntUnaryOperator moved = x -> x == NIL || x == HEADER ? x : (int) word(x + SCORE);
        for (int i = 0; i < MAX_LEVEL; i++) {
            long span = i == 0 ? 0 : span(HEADER, i);
            fresh.word(HEADER + LINKS + i, moved.applyAsInt(forward(HEADER, i)) & LOW | span << 32);
        }
        for (int x = first(); x != NIL; x = next(x)) {
            int y = moved.applyAsInt(x);
            fresh.word(y + LINKS, moved.applyAsInt(forward(x, 0)) & LOW | (long) moved.applyAsInt(previous(x)) << 32);
            for (int i = 1; i < level(x); i++) {
                fresh.word(y + LINKS + i, moved.applyAsInt(forward(x, i)) & LOW | (long) span(x, i) << 32);
            }
        }
        int newTail = moved.applyAsInt(tail);
        pages = fresh.pages;
        System.arraycopy(fresh.tops, 0, tops, 0, tops.length);
        wordsAllocated = fresh.wordsAllocated;
        members = fresh.members;
        sharedPages = null;
        sharedMemberPages = null;
        slots = fresh.slots;
        slotsAllocated = fresh.slotsAllocated;
        Arrays.fill(free, NIL);
        tail = newTail;
    }

    // ------------------------------------------------------------------ order

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

    /**
     * True when node {@code f} comes before the place of {@code score} and the member of node
     * {@code n}. The members (two cache misses each: the slot, then the array) are read only
     * when the scores are equal.
     */
    private boolean precedes(int f, double score, int n) {
        double s = score(f);
        return s < score || (s == score && Arrays.compareUnsigned(member(f), member(n)) < 0);
    }

    private boolean before(int x, double score, byte[] member) {
        double s = score(x);
        return s < score || (s == score && Arrays.compareUnsigned(member(x), member) < 0);
    }

    public int length() {
        return length;
    }

    /** The current number of levels in use. */
    public int levels() {
        return level;
    }

    /** The first node (lowest score), or {@link #NIL}. */
    public int first() {
        return forward(HEADER, 0);
    }

    /** The last node (highest score), or {@link #NIL}. */
    public int last() {
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

    // ------------------------------------------------------------------ changes

    /** Inserts a member known to be absent; the array is kept. Returns its node. */
    public int insert(double score, byte[] member) {
        return insert(score, member, randomLevel());
    }

    /** {@link #insert(double, byte[])} at a given level (tests). */
    int insert(double score, byte[] member, int lvl) {
        int x = allocate(lvl);
        setMember(x, member);
        word(x + SCORE, Double.doubleToRawLongBits(score));
        return link(x, score, lvl);
    }

    /** Links a node that is in no list (new, or just unlinked) at the place of its score and member. */
    private int link(int n, double score, int lvl) {
        int[] update = path;
        int[] rank = pathRank;
        int x = HEADER;
        for (int i = level - 1; i >= 0; i--) {
            rank[i] = i == level - 1 ? 0 : rank[i + 1];
            int f;
            while ((f = forward(x, i)) != NIL && precedes(f, score, n)) {
                rank[i] += span(x, i);
                x = f;
            }
            update[i] = x;
        }
        return linkAt(n, lvl);
    }

    /** Links node {@code n} of level {@code lvl} after the nodes of {@link #path}, whose ranks are in {@link #pathRank}. */
    private int linkAt(int n, int lvl) {
        int[] update = path;
        int[] rank = pathRank;
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                update[i] = HEADER;
                setSpan(HEADER, i, length);
            }
            level = lvl;
        }
        for (int i = 0; i < lvl; i++) {
            int u = update[i];
            setForward(n, i, forward(u, i));
            setForward(u, i, n);
            setSpan(n, i, span(u, i) - (rank[0] - rank[i]));
            setSpan(u, i, rank[0] - rank[i] + 1);
        }
        for (int i = lvl; i < level; i++) {
            setSpan(update[i], i, span(update[i], i) + 1);
        }
        setBackward(n, update[0] == HEADER ? NIL : update[0]);
        int next = forward(n, 0);
        if (next != NIL) {
            setBackward(next, n);
        } else {
            tail = n;
        }
        length++;
        return n;
    }

    private void unlink(int x, int[] update) {
        for (int i = 0; i < level; i++) {
            int u = update[i];
            if (forward(u, i) == x) {
                setSpan(u, i, span(u, i) + span(x, i) - 1);
                setForward(u, i, forward(x, i));
            } else {
                setSpan(u, i, span(u, i) - 1);
            }
        }
        int next = forward(x, 0);
        if (next != NIL) {
            setBackward(next, previous(x));
        } else {
            tail = previous(x);
        }
        while (level > 1 && forward(HEADER, level - 1) == NIL) {
            level--;
        }
        length--;
    }

    private int seek(double score, byte[] member, int[] update) {
        int x = HEADER;
        for (int i = level - 1; i >= 0; i--) {
            int f;
            while ((f = forward(x, i)) != NIL && before(f, score, member)) {
                x = f;
            }
            update[i] = x;
        }
        return forward(x, 0);
    }

    /**
     * Fills {@code update} with the last node before {@code target}, a node in the list, at each
     * level. Reaching the target itself ends a level without comparing members, and the target's
     * member is read only if another node has its score.
     */
    private void seekNode(int target, int[] update) {
        double score = score(target);
        int x = HEADER;
        for (int i = level - 1; i >= 0; i--) {
            int f;
            while ((f = forward(x, i)) != NIL && f != target && precedes(f, score, target)) {
                x = f;
            }
            update[i] = x;
        }
    }

    private boolean isAt(int x, double score, byte[] member) {
        return x != NIL && score(x) == score && Arrays.equals(member(x), member);
    }

    /** Removes the member with this score; false when it is not there (tests). */
    boolean delete(double score, byte[] member) {
        int x = seek(score, member, path);
        if (!isAt(x, score, member)) {
            return false;
        }
        unlink(x, path);
        release(x);
        return true;
    }

    /** Removes a node of the list (its address is not valid afterwards). */
    public void deleteNode(int x) {
        seekNode(x, path);
        unlink(x, path);
        release(x);
    }

    /**
     * Changes the score of a node of the list: in place when the node keeps its position (its
     * neighbours' scores are strictly below and above the new one), else by unlinking the node
     * and linking it again at its new place. The node keeps its address either way.
     *
     * <p>Redis searches for the node first, then frees it and makes a new one. Here the index
     * gives the node, so the neighbours are checked before any search, and keeping the node
     * means the index's address stays right and a score update allocates nothing.
     */
    public void updateScore(int x, double score) {
        int prev = previous(x);
        int next = forward(x, 0);
        if ((prev == NIL || score(prev) < score) && (next == NIL || score(next) > score)) {
            word(x + SCORE, Double.doubleToRawLongBits(score));
            return;
        }
        seekBoth(x, score);
        int oldRank = oldPathRank[0] + 1;
        unlink(x, oldPath);
        // The new place's path was found with the node still listed at its old place: where it
        // passed through the node, the node's own predecessor takes its place, and every rank
        // beyond the node loses the one it counted.
        int[] update = path;
        int[] rank = pathRank;
        for (int i = 0; i < level; i++) {
            if (update[i] == x) {
                update[i] = oldPath[i];
                rank[i] = oldPathRank[i];
            } else if (rank[i] > oldRank) {
                rank[i]--;
            }
        }
        word(x + SCORE, Double.doubleToRawLongBits(score));
        linkAt(x, level(x));
    }

    /**
     * The two searches of a moving score update, stepped in turn: into {@link #oldPath} the path
     * to node {@code x} at its place, into {@link #path} the path to where its new score goes
     * (with {@code x} still listed), with their ranks. Each step of either search waits on a cache
     * miss (the next node's score) that does not depend on the other search's, so taking them one
     * step at a time lets the processor wait for both at once: in a set of 100k members the two
     * searches, one after the other, were half of ZADD's time.
     */
    private void seekBoth(int x, double newScore) {
        double oldScore = score(x);
        int[] oldUpdate = oldPath;
        int[] oldRank = oldPathRank;
        int[] update = path;
        int[] rank = pathRank;
        int a = HEADER;
        int b = HEADER;
        int ia = level - 1;
        int ib = level - 1;
        oldRank[ia] = 0;
        rank[ib] = 0;
        while (ia >= 0 || ib >= 0) {
            if (ia >= 0) {
                int f = forward(a, ia);
                if (f != NIL && f != x && precedes(f, oldScore, x)) {
                    oldRank[ia] += span(a, ia);
                    a = f;
                } else {
                    oldUpdate[ia] = a;
                    if (--ia >= 0) {
                        oldRank[ia] = oldRank[ia + 1];
                    }
                }
            }
            if (ib >= 0) {
                int f = forward(b, ib);
                if (f != NIL && precedes(f, newScore, x)) {
                    rank[ib] += span(b, ib);
                    b = f;
                } else {
                    update[ib] = b;
                    if (--ib >= 0) {
                        rank[ib] = rank[ib + 1];
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ ranks

    /** The 1-based rank of the member with this score, or 0 when it is not there (tests). */
    long rank(double score, byte[] member) {
        int x = HEADER;
        long rank = 0;
        for (int i = level - 1; i >= 0; i--) {
            int f;
            while ((f = forward(x, i)) != NIL && (score(f) < score
                    || (score(f) == score && Arrays.compareUnsigned(member(f), member) <= 0))) {
                rank += span(x, i);
                x = f;
            }
            if (x != HEADER && isAt(x, score, member)) {
                return rank;
            }
        }
        return 0;
    }

    /** The 1-based rank of a node in the list, found by its address. */
    public long rank(int target) {
        double score = score(target);
        int x = HEADER;
        long rank = 0;
        for (int i = level - 1; i >= 0; i--) {
            int f;
            while ((f = forward(x, i)) != NIL && (f == target || precedes(f, score, target))) {
                rank += span(x, i);
                x = f;
            }
            if (x == target) {
                return rank;
            }
        }
        throw new IllegalStateException("node not in the list");
    }

    /** The node of 1-based rank {@code rank}, or {@link #NIL} when out of range. */
    public int byRank(long rank) {
        if (rank < 1 || rank > length) {
            return NIL;
        }
        int x = HEADER;
        long traversed = 0;
        for (int i = level - 1; i >= 0; i--) {
            int f;
            while ((f = forward(x, i)) != NIL && traversed + span(x, i) <= rank) {
                traversed += span(x, i);
                x = f;
            }
            if (traversed == rank) {
                return x;
            }
        }
        return NIL;
    }

    // ------------------------------------------------------------------ ranges

    /**
     * An interval of the list's order: of scores ({@link ScoreRange}) or, where the members share
     * one score, of members ({@link LexRange}). The searches below serve both, as the order they
     * walk is the same. A range reads from a node only what it compares.
     */
    public interface Range {
        /** True when no node can be in the interval. */
        boolean isEmpty();

        /** True when the node is not below the lower end. */
        boolean aboveMin(SkipList list, int node);

        /** True when the node is not above the upper end. */
        boolean belowMax(SkipList list, int node);
    }

    /**
     * Receives each node a range deletion removes, once it is out of the list and before it is
     * freed: its member, score and chain word can still be read.
     */
    @FunctionalInterface
    public interface Removed {
        void removed(int node);
    }

    private boolean anyInRange(Range r) {
        return !r.isEmpty() && tail != NIL && r.aboveMin(this, tail) && r.belowMax(this, first());
    }

    /** The first node in the range, or {@link #NIL}. */
    public int firstInRange(Range r) {
        if (!anyInRange(r)) {
            return NIL;
        }
        int x = HEADER;
        for (int i = level - 1; i >= 0; i--) {
            int f;
            while ((f = forward(x, i)) != NIL && !r.aboveMin(this, f)) {
                x = f;
            }
        }
        x = forward(x, 0);
        return r.belowMax(this, x) ? x : NIL;
    }

    /** The last node in the range, or {@link #NIL}. */
    public int lastInRange(Range r) {
        if (!anyInRange(r)) {
            return NIL;
        }
        int x = HEADER;
        for (int i = level - 1; i >= 0; i--) {
            int f;
            while ((f = forward(x, i)) != NIL && r.belowMax(this, f)) {
                x = f;
            }
        }
        return r.aboveMin(this, x) ? x : NIL;
    }

    /** Removes every node in the range, in order, telling {@code removed} of each. */
    public long deleteRange(Range r, Removed removed) {
        int[] update = path;
        int x = HEADER;
        for (int i = level - 1; i >= 0; i--) {
            int f;
            while ((f = forward(x, i)) != NIL && !r.aboveMin(this, f)) {
                x = f;
            }
            update[i] = x;
        }
        x = forward(x, 0);
        long n = 0;
        while (x != NIL && r.belowMax(this, x)) {
            int next = forward(x, 0);
            unlink(x, update);
            removed.removed(x);
            release(x);
            n++;
            x = next;
        }
        return n;
    }

    /** Removes the nodes of 1-based ranks {@code start} to {@code end}, both included. */
    public long deleteRangeByRank(long start, long end, Removed removed) {
        int[] update = path;
        int x = HEADER;
        long traversed = 0;
        for (int i = level - 1; i >= 0; i--) {
            int f;
            while ((f = forward(x, i)) != NIL && traversed + span(x, i) < start) {
                traversed += span(x, i);
                x = f;
            }
            update[i] = x;
        }
        traversed++;
        x = forward(x, 0);
        long n = 0;
        while (x != NIL && traversed <= end) {
            int next = forward(x, 0);
            unlink(x, update);
            removed.removed(x);
            release(x);
            n++;
            traversed++;
            x = next;
        }
        return n;
    }

    // ------------------------------------------------------------------ checks (tests)

    /**
     * Checks every invariant: order, backward links, the tail, the length, that each span is the
     * number of level-0 steps its link covers, and that no listed node is on a free list. Throws
     * on the first violation.
     */
    void check() {
        java.util.Set<Integer> freed = new java.util.HashSet<>();
        for (int lvl = 1; lvl <= MAX_LEVEL; lvl++) {
            for (int x = free[lvl]; x != NIL; x = forward(x, 0)) {
                if (level(x) != lvl || !freed.add(x)) {
                    throw new AssertionError("free list of level " + lvl);
                }
            }
        }
        int count = 0;
        int prev = NIL;
        for (int x = first(); x != NIL; x = next(x)) {
            if (previous(x) != prev) {
                throw new AssertionError("backward link of node " + count);
            }
            if (prev != NIL && compare(score(prev), member(prev), score(x), member(x)) >= 0) {
                throw new AssertionError("order at node " + count);
            }
            if (freed.contains(x) || member(x) == null) {
                throw new AssertionError("freed node listed at " + count);
            }
            prev = x;
            count++;
        }
        if (prev != tail || count != length) {
            throw new AssertionError("tail or length");
        }
        for (int i = 1; i < level; i++) {
            int x = HEADER;
            while (forward(x, i) != NIL) {
                int target = forward(x, i);
                int steps = 0;
                for (int y = x; y != target; y = forward(y, 0)) {
                    steps++;
                }
                if (steps != span(x, i)) {
                    throw new AssertionError("span at level " + i);
                }
                x = target;
            }
        }
        if (level > 1 && forward(HEADER, level - 1) == NIL) {
            throw new AssertionError("top level empty");
        }
    }
}
