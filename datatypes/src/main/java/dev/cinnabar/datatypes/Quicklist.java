package dev.cinnabar.datatypes;

import dev.cinnabar.datatypes.value.JvmSizes;
import dev.cinnabar.datatypes.value.RdbLengths;

/**
 * Redis 7.0's quicklist: a doubly linked list of nodes, each a {@link Listpack} byte array
 * holding a run of the list's elements. How full a node may grow is the {@code fill} factor
 * ({@code list-max-listpack-size}: a positive number of elements, or -1..-5 for 4 to 64 KB of
 * listpack); nodes further than {@code compress} ({@code list-compress-depth}) from either end
 * are kept LZF-compressed. Nodes are split, merged and (de)compressed exactly where Redis's
 * quicklist.c does it, so that the node layout, and so the RDB image and DEBUG OBJECT's
 * serializedlength, come out the same for the same sequence of commands.
 *
 * <p>Elements are compared and read in place; the list keeps its heap size as it changes.
 * An element of at least the packed threshold ({@link #setPackedThreshold}, 1 GB unless DEBUG
 * QUICKLIST-PACKED-THRESHOLD changed it; one figure for every list, as in Redis) lives alone in
 * a PLAIN node holding its raw bytes rather than a listpack. Plain nodes never take another
 * element and never merge; they are compressed beyond the depth like any other node.
 */
public class Quicklist {
    /** quicklist.c's optimization_level: listpack byte limits for fill -1..-5. */
    private static final int[] SIZE_LEVELS = {4096, 8192, 16384, 32768, 65536};
    /** SIZE_SAFETY_LIMIT: a count-limited node never grows past this many bytes. */
    private static final int SIZE_SAFETY_LIMIT = 8192;
    /** SIZE_ESTIMATE_OVERHEAD: what one more entry is assumed to add, beyond its bytes. */
    private static final int SIZE_ESTIMATE_OVERHEAD = 8;
    /** MIN_COMPRESS_BYTES: smaller listpacks are never compressed. */
    private static final int MIN_COMPRESS_BYTES = 48;
    /** MIN_COMPRESS_IMPROVE: compression must save more than this many bytes to be kept. */
    private static final int MIN_COMPRESS_IMPROVE = 8;
    private static final int FILL_MAX = (1 << 15) - 1;
    private static final int COMPRESS_MAX = (1 << 16) - 1;
    /** The packed threshold's default, 1 GB. */
    public static final long DEFAULT_PACKED_THRESHOLD = 1L << 30;
    /** Elements of this many bytes or more go into plain nodes; global, as in Redis. */
    private static long packedThreshold = DEFAULT_PACKED_THRESHOLD;

    /** The quicklist object: header, head, tail, count, len, fill, compress, heap (long). */
    public static final int OBJECT_SIZE = 48;
    /** A node: header, prev, next, data, count, sz, three flags. */
    public static final int NODE_SIZE = 40;

    /**
     * One node: a listpack (the node is one, to save an object), whose array holds instead the
     * listpack's LZF compression while {@link #lzf}.
     */
    static final class Node extends Listpack {
        Node prev;
        Node next;
        int count;
        /** The listpack's size in bytes, compressed or not. */
        int sz;
        boolean lzf;
        /** Decompressed for a moment's use: compress again when done. */
        boolean recompress;
        boolean dontCompress;
        /** A PLAIN node: {@code buf} holds one element's raw bytes (exactly, when not compressed). */
        boolean plain;
        /**
         * {@code buf} is held by another list's node too ({@link #Quicklist(Quicklist, boolean)}):
         * copied before a change in place ({@link #own}). In the object's padding: no cost.
         */
        boolean shared;
    }

    /**
     * Sets the packed threshold for every list (quicklistisSetPackedThreshold): 0 restores the
     * default; {@code sz}, read as unsigned, must not pass 4 GB less 1 MB. False when refused.
     */
    public static boolean setPackedThreshold(long sz) {
        if (Long.compareUnsigned(sz, (1L << 32) - (1L << 20)) > 0) {
            return false;
        }
        packedThreshold = sz == 0 ? DEFAULT_PACKED_THRESHOLD : sz;
        return true;
    }

    public static long packedThreshold() {
        return packedThreshold;
    }

    private static boolean isLarge(long sz) {
        return sz >= packedThreshold;
    }

    private Node head;
    private Node tail;
    private long count;
    private int len;
    private int fill;
    private int compress;
    private long heap;

    public Quicklist(int fill, int compress) {
        this.fill = Math.max(-5, Math.min(FILL_MAX, fill));
        this.compress = Math.max(0, Math.min(COMPRESS_MAX, compress));
        this.heap = OBJECT_SIZE;
    }

    /** A deep copy with the same nodes, compressed the same way (quicklistDup). */
    protected Quicklist(Quicklist orig) {
        this(orig, false);
    }

    /**
     * A copy with the same nodes, compressed the same way; with {@code shareArrays}, nodes of its
     * own that hold {@code orig}'s arrays, each list then copying a node's array before it
     * changes it in place: a copy of two million elements in the time of its few thousand node
     * objects, for a snapshot that writes a big list as it was while writes change it.
     */
    protected Quicklist(Quicklist orig, boolean shareArrays) {
        this(orig.fill, orig.compress);
        for (Node cur = orig.head; cur != null; cur = cur.next) {
            Node n = new Node();
            if (shareArrays) {
                n.buf = cur.buf;
                n.shared = true;
                cur.shared = true;
            } else {
                n.buf = cur.lzf || cur.plain ? cur.buf.clone() : cur.toByteArray();
            }
            n.plain = cur.plain;
            n.count = cur.count;
            n.sz = cur.sz;
            n.lzf = cur.lzf;
            count += n.count;
            heap += NODE_SIZE + JvmSizes.byteArray(n.buf.length);
            insertNode(tail, n, true);
        }
    }

    // ------------------------------------------------------------------ facts

    /** Elements in the list. */
    public long size() {
        return count;
    }

    /** Nodes in the list. */
    public int nodes() {
        return len;
    }

    public int fill() {
        return fill;
    }

    public int compressDepth() {
        return compress;
    }

    /** Heap bytes held by the list and its nodes; O(1). */
    public long heapSize() {
        return heap;
    }

    /**
     * The RDB payload's length as Redis writes a QUICKLIST_2 value: the node count, then per node
     * its container type and either its LZF blob as it is or its listpack as a string (which the
     * RDB writer compresses itself when {@code compression} is on).
     */
    public long serializedLength(boolean compression) {
        long n = rdbLength(len);
        for (Node node = head; node != null; node = node.next) {
            n += 1;
            if (node.lzf) {
                n += 1 + rdbLength(node.buf.length) + rdbLength(node.sz) + node.buf.length;
            } else {
                n += RdbLengths.ofBytes(node.buf, 0, node.sz, compression);
            }
        }
        return n;
    }

    private static int rdbLength(long n) {
        if (n < 1 << 6) {
            return 1;
        }
        if (n < 1 << 14) {
            return 2;
        }
        return n <= 0xFFFFFFFFL ? 5 : 9;
    }

    /** Node layout for tests: per node its count, "p" before it when plain, "z" after it when compressed. */
    public String layout() {
        StringBuilder sb = new StringBuilder();
        for (Node n = head; n != null; n = n.next) {
            sb.append(n.plain ? "p" : "").append(n.count).append(n.lzf ? "z" : "");
            sb.append(n.next != null ? " " : "");
        }
        return sb.toString();
    }

    /** Sum of the nodes' uncompressed listpack sizes (DEBUG OBJECT's ql_uncompressed_size). */
    public long uncompressedSize() {
        long s = 0;
        for (Node n = head; n != null; n = n.next) {
            s += n.sz;
        }
        return s;
    }

    // ------------------------------------------------------------------ node bookkeeping

    private void setData(Node n, byte[] data) {
        heap += JvmSizes.byteArray(data.length) - JvmSizes.byteArray(n.buf.length);
        n.buf = data;
        n.shared = false;
    }

    /** Before {@code n}'s array is changed in place: a copy of its own when it is shared. */
    private static void own(Node n) {
        if (n.shared) {
            n.buf = n.buf.clone();
            n.shared = false;
        }
    }

    /**
     * The listpack of {@code n}, whose array was {@code capBefore} long, was just changed: its
     * size follows (quicklistNodeUpdateSz), and the heap figure with its array.
     */
    private void changed(Node n, int capBefore) {
        heap += JvmSizes.byteArray(n.capacity()) - JvmSizes.byteArray(capBefore);
        n.sz = n.totalBytes();
    }

    private Node newNode() {
        Node n = new Node();
        heap += NODE_SIZE + JvmSizes.byteArray(n.capacity());
        return n;
    }

    private boolean compressNodeRaw(Node n) {
        if (n.dontCompress) {
            return false;
        }
        n.recompress = false;
        if (n.sz < MIN_COMPRESS_BYTES) {
            return false;
        }
        byte[] out = new byte[n.sz + 1];
        int clen = Lzf.compress(n.buf, 0, n.sz, out, n.sz);
        if (clen == 0 || clen + MIN_COMPRESS_IMPROVE >= n.sz) {
            return false;
        }
        setData(n, java.util.Arrays.copyOf(out, clen));
        n.lzf = true;
        return true;
    }

    /** A plain node holding a copy of {@code v}, not yet linked (__quicklistCreatePlainNode). */
    private Node newPlainNode(byte[] v, int off, int vlen) {
        Node n = new Node();
        n.buf = java.util.Arrays.copyOfRange(v, off, off + vlen);
        n.plain = true;
        n.sz = vlen;
        n.count = 1;
        heap += NODE_SIZE + JvmSizes.byteArray(vlen);
        return n;
    }

    /** Links a new plain node for {@code v} next to {@code old} (__quicklistInsertPlainNode). */
    private void insertPlainNode(Node old, byte[] v, int off, int vlen, boolean after) {
        insertNode(old, newPlainNode(v, off, vlen), after);
        count++;
    }

    private void compressNode(Node n) {
        if (n != null && !n.lzf) {
            compressNodeRaw(n);
        }
    }

    private void decompressNode(Node n) {
        if (n != null && n.lzf) {
            n.recompress = false;
            byte[] raw = new byte[n.sz];
            Lzf.decompress(n.buf, 0, n.buf.length, raw);
            setData(n, raw);
            n.lzf = false;
        }
    }

    private void decompressNodeForUse(Node n) {
        if (n != null && n.lzf) {
            decompressNode(n);
            n.recompress = true;
        }
    }

    private void recompressOnly(Node n) {
        if (n.recompress) {
            compressNode(n);
        }
    }

    /** Brings the nodes to the compression the depth asks for, around {@code node} (__quicklistCompress). */
    private void compressAround(Node node) {
        if (len == 0 || compress == 0 || len < compress * 2) {
            return;
        }
        Node forward = head;
        Node reverse = tail;
        int depth = 0;
        boolean inDepth = false;
        while (depth++ < compress) {
            decompressNode(forward);
            decompressNode(reverse);
            if (forward == node || reverse == node) {
                inDepth = true;
            }
            if (forward == reverse || forward.next == reverse) {
                return;
            }
            forward = forward.next;
            reverse = reverse.prev;
        }
        if (!inDepth) {
            compressNode(node);
        }
        compressNode(forward);
        compressNode(reverse);
    }

    /** quicklistCompress: a node decompressed for use goes back; otherwise the depth rule. */
    private void compressOrDepth(Node n) {
        if (n.recompress) {
            compressNode(n);
        } else {
            compressAround(n);
        }
    }

    private void insertNode(Node old, Node n, boolean after) {
        if (after) {
            n.prev = old;
            if (old != null) {
                n.next = old.next;
                if (old.next != null) {
                    old.next.prev = n;
                }
                old.next = n;
            }
            if (tail == old) {
                tail = n;
            }
        } else {
            n.next = old;
            if (old != null) {
                n.prev = old.prev;
                if (old.prev != null) {
                    old.prev.next = n;
                }
                old.prev = n;
            }
            if (head == old) {
                head = n;
            }
        }
        if (len == 0) {
            head = tail = n;
        }
        len++;
        if (old != null) {
            compressOrDepth(old);
        }
        compressOrDepth(n);
    }

    private void deleteNode(Node n) {
        if (n.next != null) {
            n.next.prev = n.prev;
        }
        if (n.prev != null) {
            n.prev.next = n.next;
        }
        if (n == tail) {
            tail = n.prev;
        }
        if (n == head) {
            head = n.next;
        }
        len--;
        count -= n.count;
        compressAround(null);
        heap -= NODE_SIZE + JvmSizes.byteArray(n.buf.length);
    }

    private static boolean sizeMeetsOptimization(long sz, int fill) {
        if (fill >= 0) {
            return false;
        }
        int level = -fill - 1;
        return level < SIZE_LEVELS.length && sz <= SIZE_LEVELS[level];
    }

    private boolean allowInsert(Node n, int sz) {
        if (n == null || n.plain || isLarge(sz)) {
            return false;
        }
        long newSz = (long) n.sz + sz + SIZE_ESTIMATE_OVERHEAD;
        if (sizeMeetsOptimization(newSz, fill)) {
            return true;
        }
        if (newSz > SIZE_SAFETY_LIMIT) {
            return false;
        }
        return n.count < fill;
    }

    private boolean allowMerge(Node a, Node b) {
        if (a == null || b == null || a.plain || b.plain) {
            return false;
        }
        long mergeSz = (long) a.sz + b.sz - 11;
        if (sizeMeetsOptimization(mergeSz, fill)) {
            return true;
        }
        if (mergeSz > SIZE_SAFETY_LIMIT) {
            return false;
        }
        return a.count + b.count <= fill;
    }

    // ------------------------------------------------------------------ push and pop

    /** Bytes of entries a command is about to push (see {@link #expectPushes}). */
    private int expectedPushBytes;

    /**
     * A command is about to push elements taking about {@code bytes} as entries: the end node
     * they go into makes room for them at once (as far as a node may grow), instead of being
     * copied into an array one entry longer per push. {@link #endPushes} gives back what was
     * not used.
     */
    public void expectPushes(int bytes) {
        expectedPushBytes = bytes;
    }

    /** The pushes {@link #expectPushes} announced are done: the end nodes drop unused room. */
    public void endPushes() {
        expectedPushBytes = 0;
        trimExcess(head);
        if (tail != head) {
            trimExcess(tail);
        }
    }

    /**
     * Gives back room a command reserved and did not use: an end node with more than half again
     * its bytes keeps a quarter more (see {@link #reserveForPushes}).
     */
    private void trimExcess(Node n) {
        if (n != null && !n.plain && !n.lzf) {
            int cap = n.capacity();
            int total = n.totalBytes();
            if (cap > total + (total >> 1) + 2 * SIZE_ESTIMATE_OVERHEAD) {
                n.trimAbove(total + (total >> 2) + SIZE_ESTIMATE_OVERHEAD);
                changed(n, cap);
            }
        }
    }

    /**
     * Before a push of {@code vlen} bytes into {@code n}: when the push would grow the node, it
     * reserves room for the rest of the expected pushes, and at least a quarter more than the
     * node holds (as far as a node may grow), as an allocator's size classes give a listpack
     * that Redis reallocates. Grown by each push alone, an end node was copied every other push
     * below 512 bytes and every few above (57 bytes of copies per push of a short element in
     * QuicklistTest, 27 now).
     */
    private void reserveForPushes(Node n, int vlen) {
        int total = n.totalBytes();
        if (total + vlen + SIZE_ESTIMATE_OVERHEAD > n.capacity()) {
            int level = -fill - 1;
            int limit = fill < 0 && level < SIZE_LEVELS.length ? SIZE_LEVELS[level] : SIZE_SAFETY_LIMIT;
            int room = Math.min(Math.max(expectedPushBytes, vlen + SIZE_ESTIMATE_OVERHEAD + (total >> 2)), limit - total);
            if (room > 0) {
                n.reserve(room);
            }
        }
        if (expectedPushBytes > 0) {
            expectedPushBytes -= vlen + 2;
        }
    }

    /** Adds an element at the head (quicklistPushHead). */
    public void pushHead(byte[] v, int off, int vlen) {
        if (isLarge(vlen)) {
            insertPlainNode(head, v, off, vlen, false);
            return;
        }
        if (allowInsert(head, vlen)) {
            own(head);
            int cap = head.capacity();
            reserveForPushes(head, vlen);
            head.prepend(v, off, vlen);
            changed(head, cap);
        } else {
            Node n = newNode();
            int cap = n.capacity();
            reserveForPushes(n, vlen);
            n.prepend(v, off, vlen);
            changed(n, cap);
            insertNode(head, n, false);
        }
        count++;
        head.count++;
    }

    /** Adds an element at the tail (quicklistPushTail). */
    public void pushTail(byte[] v, int off, int vlen) {
        if (isLarge(vlen)) {
            insertPlainNode(tail, v, off, vlen, true);
            return;
        }
        if (allowInsert(tail, vlen)) {
            own(tail);
            int cap = tail.capacity();
            reserveForPushes(tail, vlen);
            tail.append(v, off, vlen);
            changed(tail, cap);
        } else {
            Node n = newNode();
            int cap = n.capacity();
            reserveForPushes(n, vlen);
            n.append(v, off, vlen);
            changed(n, cap);
            insertNode(tail, n, true);
        }
        count++;
        tail.count++;
    }

    public void push(byte[] v, boolean atHead) {
        if (atHead) {
            pushHead(v, 0, v.length);
        } else {
            pushTail(v, 0, v.length);
        }
    }

    /**
     * Fills {@code e} with the first (or last) element, read in place, and returns it; null when
     * the list is empty. The view holds until the list changes: a pop replies from it, then
     * {@link #removeEnd}s, with no copy of the element.
     */
    public Listpack.Entry end(boolean fromHead, Listpack.Entry e) {
        if (count == 0) {
            return null;
        }
        Node n = fromHead ? head : tail;
        return entryAt(n, endPosition(n, fromHead), e);
    }

    /** Removes the first (or last) element of a list that has one. */
    public void removeEnd(boolean fromHead) {
        Node n = fromHead ? head : tail;
        deleteAt(n, endPosition(n, fromHead));
    }

    private static int endPosition(Node n, boolean first) {
        return n.plain ? 0 : first ? n.first() : n.last();
    }

    /** Fills {@code e} with the element at byte position {@code p} of {@code n} (a plain node's only one), read in place. */
    private static Listpack.Entry entryAt(Node n, int p, Listpack.Entry e) {
        if (n.plain) {
            e.isInteger = false;
            e.bytes = n.buf;
            e.offset = 0;
            e.length = n.sz;
            return e;
        }
        return n.get(p, e);
    }

    /** Removes and returns the first (or last) element, or null when the list is empty. */
    public byte[] pop(boolean fromHead) {
        if (count == 0) {
            return null;
        }
        Node n = fromHead ? head : tail;
        if (n.plain) {
            byte[] v = n.buf.clone();
            deleteAt(n, 0);
            return v;
        }
        int p = fromHead ? n.first() : n.last();
        byte[] v = n.getBytes(p);
        deleteAt(n, p);
        return v;
    }

    /** quicklistDelIndex: deletes the entry at byte position {@code p} of raw node {@code n}; true when the node went. */
    private boolean deleteAt(Node n, int p) {
        if (n.plain) {
            deleteNode(n);
            return true;
        }
        own(n);
        int cap = n.capacity();
        n.delete(p);
        changed(n, cap);
        n.count--;
        boolean gone = n.count == 0;
        if (gone) {
            deleteNode(n);
        }
        count--;
        return gone;
    }

    // ------------------------------------------------------------------ iteration

    /**
     * A cursor over the elements (quicklistIter): {@link #next()} moves to the next element in
     * its direction and the accessors read it in place. Release it with {@link #close()} so the
     * node it stopped on is compressed again.
     */
    public final class Cursor implements AutoCloseable {
        Node current;
        /** Offset of the element in its node: from the head when >= 0, from the tail when < 0. */
        int offset;
        /** Byte position of the current element in the current node's listpack, or -1. */
        int zi = -1;
        final boolean forward;
        Node entryNode;
        int entryOffset;
        int entryPos;

        Cursor(boolean forward) {
            this.forward = forward;
            this.current = forward ? head : tail;
            this.offset = forward ? 0 : -1;
        }

        /** Moves to the next element; false at the end. */
        public boolean next() {
            while (true) {
                entryNode = current;
                if (current == null) {
                    return false;
                }
                if (zi < 0) {
                    decompressNodeForUse(current);
                    zi = current.plain ? 0 : current.seek(offset);
                } else if (current.plain) {
                    zi = -1;
                } else {
                    zi = forward ? current.next(zi) : current.prev(zi);
                    offset += forward ? 1 : -1;
                }
                entryPos = zi;
                entryOffset = offset;
                if (zi >= 0) {
                    return true;
                }
                compressOrDepth(current);
                if (forward) {
                    current = current.next;
                    offset = 0;
                } else {
                    current = current.prev;
                    offset = -1;
                }
                zi = -1;
            }
        }

        public boolean equalsElement(byte[] b, int off, int blen) {
            if (entryNode.plain) {
                return java.util.Arrays.equals(entryNode.buf, 0, entryNode.sz, b, off, off + blen);
            }
            return entryNode.equalsAt(entryPos, b, off, blen);
        }

        public byte[] value() {
            if (entryNode.plain) {
                return entryNode.buf.clone();
            }
            return entryNode.getBytes(entryPos);
        }

        /** Fills {@code e} with the current element, read in place; returns it. */
        public Listpack.Entry entry(Listpack.Entry e) {
            return entryAt(entryNode, entryPos, e);
        }

        /** Deletes the current element (quicklistDelEntry); {@link #next()} then gives the one after it. */
        public void delete() {
            Node prev = entryNode.prev;
            Node nxt = entryNode.next;
            boolean gone = deleteAt(entryNode, entryPos);
            zi = -1;
            if (gone) {
                if (forward) {
                    current = nxt;
                    offset = 0;
                } else {
                    current = prev;
                    offset = -1;
                }
            }
        }

        /** Inserts {@code v} before or after the current element; the cursor is then done. */
        public void insert(byte[] v, boolean after) {
            Quicklist.this.insert(entryNode, entryOffset, entryPos, v, after);
            current = null;
            zi = -1;
        }

        /** Replaces the current element; the cursor is then done. */
        public void replace(byte[] v) {
            Quicklist.this.replaceEntry(entryNode, entryOffset, entryPos, v);
            current = null;
            zi = -1;
        }

        @Override
        public void close() {
            if (current != null) {
                compressOrDepth(current);
            }
            current = null;
        }
    }

    /** A cursor from the head or the tail. */
    public Cursor cursor(boolean forward) {
        return new Cursor(forward);
    }

    /**
     * A cursor at index {@code idx} (negative from the tail) going in the given direction, or null
     * when the index is out of range (quicklistGetIteratorAtIdx).
     */
    public Cursor cursorAt(long idx, boolean forward) {
        boolean fromHead = idx >= 0;
        long index = fromHead ? idx : -idx - 1;
        if (index >= count) {
            return null;
        }
        boolean seekForward = fromHead;
        long seekIndex = index;
        if (index > (count - 1) / 2) {
            seekForward = !fromHead;
            seekIndex = count - 1 - index;
        }
        Node n = seekForward ? head : tail;
        long accum = 0;
        while (n != null) {
            if (accum + n.count > seekIndex) {
                break;
            }
            accum += n.count;
            n = seekForward ? n.next : n.prev;
        }
        if (n == null) {
            return null;
        }
        if (seekForward != fromHead) {
            accum = count - n.count - accum;
        }
        Cursor c = new Cursor(forward);
        c.current = n;
        c.offset = fromHead ? (int) (index - accum) : (int) (-index - 1 + accum);
        return c;
    }

    /** The element at {@code idx} (negative from the tail), or null when out of range. */
    public byte[] get(long idx) {
        Cursor c = cursorAt(idx, false);
        if (c == null) {
            return null;
        }
        try (c) {
            c.next();
            return c.value();
        }
    }

    /** Replaces the element at {@code idx}; false when out of range (quicklistReplaceAtIndex). */
    public boolean replace(long idx, byte[] v) {
        Cursor c = cursorAt(idx, false);
        if (c == null) {
            return false;
        }
        try (c) {
            c.next();
            c.replace(v);
        }
        return true;
    }

    // ------------------------------------------------------------------ insert, replace, delete

    /** quicklistReplaceEntry: in place, or through an insert after the element and a delete. */
    private void replaceEntry(Node node, int offset, int pos, byte[] v) {
        boolean large = isLarge(v.length);
        if (!node.plain && !large) {
            own(node);
            int cap = node.capacity();
            node.replace(pos, v);
            changed(node, cap);
            compressOrDepth(node);
        } else if (node.plain) {
            if (large) {
                setData(node, v.clone());
                node.sz = v.length;
                compressOrDepth(node);
            } else {
                insert(node, offset, pos, v, true);
                deleteNode(node);
            }
        } else {
            // The node stays uncompressed through the insert; the element, now its last, goes after.
            node.dontCompress = true;
            insert(node, offset, pos, v, true);
            if (node.count == 1) {
                deleteNode(node);
            } else {
                deleteAt(node, node.last());
                node.dontCompress = false;
                compressOrDepth(node);
                if (node.next != null) {
                    compressOrDepth(node.next);
                }
            }
        }
    }

    private Node splitNode(Node node, int offset, boolean after) {
        Node n = newNode();
        setData(n, node.toByteArray());
        n.sz = node.sz;
        if (offset < 0) {
            offset = node.count + offset;
        }
        // An extent of -1 is "to the end", as Redis's unsigned count makes it.
        int origStart = after ? offset + 1 : 0;
        int origExtent = after ? Integer.MAX_VALUE : offset;
        int newStart = after ? 0 : offset;
        int newExtent = after ? offset + 1 : Integer.MAX_VALUE;
        own(node);
        int cap = node.capacity();
        node.deleteRange((long) origStart, origExtent);
        changed(node, cap);
        node.count = node.size();
        cap = n.capacity();
        n.deleteRange((long) newStart, newExtent);
        changed(n, cap);
        n.count = n.size();
        return n;
    }

    private void insert(Node node, int offset, int pos, byte[] v, boolean after) {
        int sz = v.length;
        boolean full = !allowInsert(node, sz);
        boolean atTail = false;
        boolean atHead = false;
        boolean availNext = false;
        boolean availPrev = false;
        if (after && (offset == node.count - 1 || offset == -1)) {
            atTail = true;
            availNext = allowInsert(node.next, sz);
        }
        if (!after && (offset == 0 || offset == -node.count)) {
            atHead = true;
            availPrev = allowInsert(node.prev, sz);
        }
        if (isLarge(sz)) {
            if (node.plain || atTail || atHead) {
                insertPlainNode(node, v, 0, sz, after);
            } else {
                decompressNodeForUse(node);
                Node n = splitNode(node, offset, after);
                Node p = newPlainNode(v, 0, sz);
                insertNode(node, p, after);
                insertNode(p, n, after);
                count++;
            }
            return;
        }
        if (!full) {
            decompressNodeForUse(node);
            own(node);
            int cap = node.capacity();
            node.insert(pos, after ? Listpack.AFTER : Listpack.BEFORE, v);
            changed(node, cap);
            node.count++;
            recompressOnly(node);
        } else if (atTail && availNext) {
            Node n = node.next;
            decompressNodeForUse(n);
            own(n);
            int cap = n.capacity();
            n.prepend(v);
            changed(n, cap);
            n.count++;
            recompressOnly(n);
            recompressOnly(node);
        } else if (atHead && availPrev) {
            Node n = node.prev;
            decompressNodeForUse(n);
            own(n);
            int cap = n.capacity();
            n.append(v);
            changed(n, cap);
            n.count++;
            recompressOnly(n);
            recompressOnly(node);
        } else if (atTail || atHead) {
            Node n = newNode();
            int cap = n.capacity();
            n.prepend(v);
            changed(n, cap);
            n.count++;
            insertNode(node, n, after);
        } else {
            decompressNodeForUse(node);
            Node n = splitNode(node, offset, after);
            int cap = n.capacity();
            if (after) {
                n.prepend(v);
            } else {
                n.append(v);
            }
            changed(n, cap);
            n.count++;
            insertNode(node, n, after);
            mergeNodes(node);
        }
        count++;
    }

    private Node mergePair(Node a, Node b) {
        decompressNode(a);
        decompressNode(b);
        // lpMerge: the entries of b after those of a, the same bytes whichever array is kept.
        own(a);
        int cap = a.capacity();
        a.addAll(b, false);
        changed(a, cap);
        a.count = a.size();
        b.count = 0;
        deleteNode(b);
        compressOrDepth(a);
        return a;
    }

    private void mergeNodes(Node center) {
        Node prev = center.prev;
        Node prevPrev = prev == null ? null : prev.prev;
        Node next = center.next;
        Node nextNext = next == null ? null : next.next;
        if (allowMerge(prev, prevPrev)) {
            mergePair(prevPrev, prev);
        }
        if (allowMerge(next, nextNext)) {
            mergePair(next, nextNext);
        }
        Node target;
        if (allowMerge(center, center.prev)) {
            target = mergePair(center.prev, center);
        } else {
            target = center;
        }
        if (allowMerge(target, target.next)) {
            mergePair(target, target.next);
        }
    }

    /**
     * Deletes {@code n} elements from index {@code start} (negative from the tail) on
     * (quicklistDelRange). Returns false when nothing was deleted.
     */
    public boolean deleteRange(long start, long n) {
        if (n <= 0) {
            return false;
        }
        long extent = n;
        if (start >= 0 && extent > count - start) {
            extent = count - start;
        } else if (start < 0 && extent > -start) {
            extent = -start;
        }
        Cursor c = cursorAt(start, false);
        if (c == null) {
            return false;
        }
        Node node = c.current;
        long offset = c.offset;
        c.close();
        while (extent > 0) {
            Node next = node.next;
            long del;
            boolean entire = false;
            if (offset == 0 && extent >= node.count) {
                entire = true;
                del = node.count;
            } else if (offset >= 0 && extent + offset >= node.count) {
                del = node.count - offset;
            } else if (offset < 0) {
                del = -offset;
                if (del > extent) {
                    del = extent;
                }
            } else {
                del = extent;
            }
            if (entire || node.plain) {
                deleteNode(node);
            } else {
                decompressNodeForUse(node);
                own(node);
                int cap = node.capacity();
                node.deleteRange(offset, (int) del);
                changed(node, cap);
                node.count -= (int) del;
                count -= del;
                if (node.count == 0) {
                    deleteNode(node);
                } else {
                    recompressOnly(node);
                }
            }
            extent -= del;
            node = next;
            offset = 0;
        }
        return true;
    }

    // ------------------------------------------------------------------ nodes as stored (RDB)

    /** Receives one node as the RDB writer needs it: see {@link #forEachNode}. */
    @FunctionalInterface
    public interface NodeVisitor {
        /**
         * {@code data[0, length)} is the node's LZF blob when {@code compressed}, else its
         * listpack (or, when {@code plain}, its element's bytes); {@code size} is the
         * uncompressed size.
         */
        void node(boolean plain, boolean compressed, byte[] data, int length, int size);
    }

    /** Visits every node, head to tail, in the form it is held in; the list must not change meanwhile. */
    public void forEachNode(NodeVisitor v) {
        NodeWalk w = nodeWalk();
        while (w.visitNext(v)) {
            // head to tail
        }
    }

    /** {@link #forEachNode} a node at a time, to stop and go on later while the list does not change. */
    public NodeWalk nodeWalk() {
        return new NodeWalk(head);
    }

    /** {@link #nodeWalk} from the node {@code skip} nodes past the head. */
    public NodeWalk nodeWalk(int skip) {
        Node n = head;
        for (int i = 0; i < skip && n != null; i++) {
            n = n.next;
        }
        return new NodeWalk(n);
    }

    /** See {@link #nodeWalk}. */
    public static final class NodeWalk {
        private Node next;

        private NodeWalk(Node first) {
            next = first;
        }

        /** Visits the next node; false when there is none left. */
        public boolean visitNext(NodeVisitor v) {
            Node n = next;
            if (n == null) {
                return false;
            }
            next = n.next;
            v.node(n.plain, n.lzf, n.buf, n.lzf ? n.buf.length : n.sz, n.sz);
            return true;
        }

        public boolean done() {
            return next == null;
        }
    }

    /**
     * Adds a node at the tail holding the listpack {@code lp} (kept, not copied; it must hold at
     * least one element and be valid), compressed as the depth asks: Redis's quicklistAppendListpack.
     */
    public void appendListpackNode(byte[] lp) {
        Node n = new Node();
        n.buf = lp;
        n.sz = n.totalBytes();
        n.count = n.size();
        heap += NODE_SIZE + JvmSizes.byteArray(lp.length);
        count += n.count;
        insertNode(tail, n, true);
    }

    /** Adds a plain node at the tail holding {@code data} (kept) as one element: quicklistAppendPlainNode. */
    public void appendPlainNode(byte[] data) {
        Node n = new Node();
        n.buf = data;
        n.plain = true;
        n.sz = data.length;
        n.count = 1;
        heap += NODE_SIZE + JvmSizes.byteArray(data.length);
        count++;
        insertNode(tail, n, true);
    }

    /** Every element, head to tail, for tests and digests. */
    public java.util.List<byte[]> toList() {
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        try (Cursor c = cursor(true)) {
            while (c.next()) {
                out.add(c.value());
            }
        }
        return out;
    }

    /**
     * Checks the structure (for tests): links, counts, sizes, the heap figure, and that no node
     * within the compress depth of either end is compressed. Throws on the first fault.
     */
    public void verify() {
        long total = 0;
        int nodes = 0;
        long h = OBJECT_SIZE;
        Node prev = null;
        for (Node n = head; n != null; n = n.next) {
            if (n.prev != prev) {
                throw new IllegalStateException("bad prev link at node " + nodes);
            }
            if (n.count <= 0) {
                throw new IllegalStateException("empty node " + nodes);
            }
            if (n.plain ? n.count != 1 || (!n.lzf && n.buf.length != n.sz)
                    : !n.lzf && (n.size() != n.count || n.totalBytes() != n.sz)) {
                throw new IllegalStateException("node " + nodes + " count/size mismatch");
            }
            h += NODE_SIZE + JvmSizes.byteArray(n.capacity());
            total += n.count;
            nodes++;
            prev = n;
        }
        if (prev != tail || total != count || nodes != len || h != heap) {
            throw new IllegalStateException("list totals: count " + total + "/" + count + " len " + nodes + "/"
                    + len + " heap " + h + "/" + heap);
        }
        int i = 0;
        for (Node n = head; n != null; n = n.next, i++) {
            boolean inDepth = i < compress || i >= len - compress || compress == 0;
            if (n.lzf && inDepth) {
                throw new IllegalStateException("node " + i + " compressed within depth");
            }
            if (n.recompress) {
                throw new IllegalStateException("node " + i + " left decompressed for use");
            }
        }
    }
}
