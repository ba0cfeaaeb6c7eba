package dev.cinnabar.persistence.rdb;

import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.MemberTable;
import dev.cinnabar.datatypes.Quicklist;
import dev.cinnabar.datatypes.SkipList;
import dev.cinnabar.datatypes.value.HashValue;
import dev.cinnabar.datatypes.value.ListValue;
import dev.cinnabar.datatypes.value.SetValue;
import dev.cinnabar.datatypes.value.StreamValue;
import dev.cinnabar.datatypes.value.ZSetValue;

/**
 * A big collection's RDB payload written some kilobytes at a time, byte for byte what
 * {@link RdbValues#write} writes at once: a snapshot taken on the engine thread writes a set,
 * hash, sorted set, list or stream of a million elements between the clients' commands instead
 * of holding them for the 60-400 ms the whole value takes (Redis's fork child writes it on
 * another core).
 *
 * <p>The walk is by the value's own positions (a table's slots, a skiplist's nodes, a list's or
 * a stream's nodes), which stay put while the value does not change: the caller writes the rest
 * at once before any write to the value. The count in the header is the one at the start; a
 * value that nonetheless changed underneath (a count that does not match) fails with an
 * {@link IllegalStateException} rather than leave a file that cannot be read.
 *
 * <p>Hashtable sets, hashtable hashes without field TTLs, skiplist sorted sets, lists and
 * streams of more than {@link #MIN_ELEMENTS} elements are written in parts; everything else at
 * once. A stream's consumer groups come whole after its last node.
 */
public abstract class RdbValueParts {
    /** Elements past which a value is written in parts: this many members take about a third of a millisecond. */
    public static final int MIN_ELEMENTS = 4096;

    private final long length;
    private long written;

    private RdbValueParts(long length) {
        this.length = length;
    }

    /** Writes the value's type byte and its count, the header its parts follow. */
    void start(RdbOutput out) {
        out.writeByte(type());
        out.writeLength(length);
    }

    /**
     * The parts of {@code value} when it is big enough to be written in parts, else null. They
     * read the value as it is when written: it must not change before they are done.
     */
    public static RdbValueParts of(Object value) {
        if (value instanceof SetValue) {
            SetValue s = (SetValue) value;
            MemberTable t = s.memberTable();
            return t != null && s.size() > MIN_ELEMENTS ? new TableParts(t, s.size(), Rdb.TYPE_SET) : null;
        }
        if (value instanceof HashValue) {
            HashValue h = (HashValue) value;
            MemberTable t = h.memberTable();
            return t != null && h.size() > MIN_ELEMENTS && h.expiringCount() == 0 ? new TableParts(t, h.size(), Rdb.TYPE_HASH) : null;
        }
        if (value instanceof ZSetValue) {
            ZSetValue z = (ZSetValue) value;
            return !z.isListpack() && z.size() > MIN_ELEMENTS ? new ZSetParts(z.skipList()) : null;
        }
        if (value instanceof ListValue) {
            ListValue l = (ListValue) value;
            return l.size() > MIN_ELEMENTS ? new ListParts(l) : null;
        }
        if (value instanceof StreamValue) {
            StreamValue st = (StreamValue) value;
            return st.length > MIN_ELEMENTS ? new StreamParts(st) : null;
        }
        return null;
    }

    /**
     * {@link #of} a copy of {@code value} as it is now, for a value about to change: a copy that
     * shares the table's, skiplist's, list's or stream's arrays, which the value copies a page or
     * node at a time as it changes them (a whole copy took 5-30 ms for a million elements, an
     * encoding 100-150 ms).
     */
    public static RdbValueParts frozen(Object value) {
        RdbValueParts parts = of(value);
        if (parts != null) {
            parts.detach();
        }
        return parts;
    }

    abstract int type();

    /**
     * Goes on from a copy of the value as it is now, where it was: for a value about to change
     * halfway through (the copy's layout is the value's, so the position holds in it).
     */
    public abstract void detach();

    /**
     * Writes elements until about {@code bytes} more are in {@code out} (at least one); true
     * once the value is complete. Throws {@link IllegalStateException} when the value turns out
     * to have changed.
     */
    public final boolean write(RdbOutput out, long bytes) {
        long until = bytes >= Long.MAX_VALUE - out.size() ? Long.MAX_VALUE : out.size() + bytes;
        int n = writeSome(out, until);
        written += n;
        boolean done = done();
        if (written > length || done && written != length) {
            throw new IllegalStateException("a value changed while it was written in parts: " + written
                    + " elements of " + length);
        }
        return done;
    }

    /** Writes elements while {@code out} holds fewer than {@code until} bytes; says how many it wrote. */
    abstract int writeSome(RdbOutput out, long until);

    abstract boolean done();

    /**
     * Members in slot order, each with its value in a hash's table, as {@link RdbValues}'s
     * writeSetDict and writeHashDict.
     */
    private static final class TableParts extends RdbValueParts {
        private MemberTable table;
        private final int type;
        private final Listpack.Entry member = new Listpack.Entry();
        private final Listpack.Entry value = new Listpack.Entry();
        private int slot;

        TableParts(MemberTable table, long size, int type) {
            super(size);
            this.table = table;
            this.type = type;
            this.slot = table.nextLive(1);
        }

        @Override
        int type() {
            return type;
        }

        @Override
        int writeSome(RdbOutput out, long until) {
            boolean values = table.hasValues();
            int n = 0;
            for (; out.size() < until && slot != MemberTable.NONE; n++) {
                table.member(slot, member);
                out.writeString(member.bytes, member.offset, member.length);
                if (values) {
                    table.value(slot, value);
                    out.writeString(value.bytes, value.offset, value.length);
                }
                slot = table.nextLive(slot + 1);
            }
            return n;
        }

        @Override
        boolean done() {
            return slot == MemberTable.NONE;
        }

        @Override
        public void detach() {
            table = table.sharingCopy();
        }
    }

    /** Members from the highest score down, as {@link RdbValues}'s writeSkiplist. */
    private static final class ZSetParts extends RdbValueParts {
        private SkipList list;
        private int node;

        ZSetParts(SkipList list) {
            super(list.length());
            this.list = list;
            this.node = list.last();
        }

        @Override
        int type() {
            return Rdb.TYPE_ZSET_2;
        }

        @Override
        int writeSome(RdbOutput out, long until) {
            int n = 0;
            for (; out.size() < until && node != SkipList.NIL; n++) {
                byte[] m = list.member(node);
                out.writeString(m, 0, m.length);
                out.writeBinaryDouble(list.score(node));
                node = list.previous(node);
            }
            return n;
        }

        @Override
        boolean done() {
            return node == SkipList.NIL;
        }

        @Override
        public void detach() {
            list = list.sharingCopy();
        }
    }

    /** The quicklist's nodes head to tail, as {@link RdbValues}'s writeList; counted in nodes. */
    private static final class ListParts extends RdbValueParts {
        private ListValue list;
        private Quicklist.NodeWalk walk;
        private int visited;
        private final Quicklist.NodeVisitor writer;
        private RdbOutput to;

        ListParts(ListValue list) {
            super(list.nodes());
            this.list = list;
            this.walk = list.nodeWalk();
            this.writer = (plain, compressed, data, length, size) ->
                    RdbValues.writeListNode(to, plain, compressed, data, length, size);
        }

        @Override
        int type() {
            return Rdb.TYPE_LIST_QUICKLIST_2;
        }

        @Override
        int writeSome(RdbOutput out, long until) {
            to = out;
            int n = 0;
            while (out.size() < until && walk.visitNext(writer)) {
                n++;
            }
            visited += n;
            return n;
        }

        @Override
        boolean done() {
            return walk.done();
        }

        @Override
        public void detach() {
            list = list.sharingCopy();
            walk = list.nodeWalk(visited);
        }
    }

    /**
     * The stream's nodes, as {@link RdbValues}'s writeStream, counted in nodes; its length, IDs
     * and consumer groups once the last node is out.
     */
    private static final class StreamParts extends RdbValueParts {
        private StreamValue stream;
        private final byte[] key = new byte[16];
        private int node;
        private boolean tailWritten;

        StreamParts(StreamValue stream) {
            super(stream.index().size());
            this.stream = stream;
        }

        @Override
        int type() {
            return Rdb.TYPE_STREAM_LISTPACKS_2;
        }

        @Override
        int writeSome(RdbOutput out, long until) {
            int nodes = stream.index().size();
            int n = 0;
            for (; out.size() < until && node < nodes; n++) {
                RdbValues.writeStreamNode(out, stream.index().get(node++), key);
            }
            if (node >= nodes && out.size() < until && !tailWritten) {
                RdbValues.writeStreamTail(out, stream);
                tailWritten = true;
            }
            return n;
        }

        @Override
        boolean done() {
            return tailWritten;
        }

        @Override
        public void detach() {
            stream = stream.sharingCopy();
        }
    }
}
