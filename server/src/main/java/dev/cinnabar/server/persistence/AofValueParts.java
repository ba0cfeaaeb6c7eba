package dev.cinnabar.server.persistence;

import dev.cinnabar.datatypes.Doubles;
import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.Lzf;
import dev.cinnabar.datatypes.MemberTable;
import dev.cinnabar.datatypes.Quicklist;
import dev.cinnabar.datatypes.SkipList;
import dev.cinnabar.datatypes.stream.StreamCursor;
import dev.cinnabar.datatypes.value.HashValue;
import dev.cinnabar.datatypes.value.ListValue;
import dev.cinnabar.datatypes.value.SetValue;
import dev.cinnabar.datatypes.value.StreamValue;
import dev.cinnabar.datatypes.value.ZSetValue;
import dev.cinnabar.persistence.rdb.RdbOutput;
import dev.cinnabar.persistence.rdb.RdbValueParts;
import java.util.Arrays;

/**
 * A big value's commands in an AOF base without the RDB preamble, a few commands at a time: the
 * command form's {@link RdbValueParts}, byte for byte what {@link AofValueCommands#key} writes
 * at once (RPUSH, SADD, HMSET, ZADD of {@link AofValueCommands#ITEMS_PER_COMMAND} elements; a
 * stream's XADDs, then its XSETID and groups; then PEXPIREAT). For collections of more than
 * {@link RdbValueParts#MIN_ELEMENTS} elements: lists, hashtable sets, hashtable hashes without
 * field TTLs, skiplist sorted sets and streams.
 */
abstract class AofValueParts implements Snapshot.Parts {
    final AofOutput scratch = new AofOutput(4096);
    AofValueCommands.Key key;
    private long expireAt = -1;

    /** The parts of {@code value}, read as it is when written; null when it goes whole. */
    static AofValueParts of(Object value) {
        if (value instanceof SetValue s && s.memberTable() != null && s.size() > RdbValueParts.MIN_ELEMENTS) {
            return new TableParts(s.memberTable(), AofValueCommands.SADD, 1, s.size());
        }
        if (value instanceof HashValue h && h.memberTable() != null && h.size() > RdbValueParts.MIN_ELEMENTS
                && h.expiringCount() == 0) {
            return new TableParts(h.memberTable(), AofValueCommands.HMSET, 2, h.size());
        }
        if (value instanceof ZSetValue z && !z.isListpack() && z.size() > RdbValueParts.MIN_ELEMENTS) {
            return new SortedParts(z.skipList(), z.size());
        }
        if (value instanceof ListValue l && l.size() > RdbValueParts.MIN_ELEMENTS) {
            return new ListParts(l);
        }
        if (value instanceof StreamValue st && st.length > RdbValueParts.MIN_ELEMENTS) {
            return new StreamParts(st);
        }
        return null;
    }

    /** {@link #of} a copy of {@code value} as it is now. */
    static AofValueParts frozen(Object value) {
        AofValueParts p = of(value);
        if (p != null) {
            p.detach();
        }
        return p;
    }

    /** The key the commands name and its expiry time (-1 for none), given when its turn comes. */
    final void begin(byte[] k, int off, int len, long expire) {
        key = new AofValueCommands.Key(Arrays.copyOfRange(k, off, off + len), 0, len);
        expireAt = expire;
        begun();
    }

    /** {@link #key} is known. */
    void begun() {
    }

    /** Writes the next few commands into {@link #scratch}; true once the value's are all written. */
    abstract boolean writeStep();

    @Override
    public final boolean write(RdbOutput out, long bytes) {
        long until = bytes >= Long.MAX_VALUE - out.size() ? Long.MAX_VALUE : out.size() + bytes;
        while (out.size() < until) {
            boolean complete = writeStep();
            if (complete) {
                AofValueCommands.expiry(scratch, key, expireAt);
            }
            out.writeBytes(scratch.array(), 0, scratch.size());
            scratch.clear();
            if (complete) {
                return true;
            }
        }
        return false;
    }

    static IllegalStateException changed() {
        return new IllegalStateException("a value changed while its commands were written in parts");
    }

    /** A variadic command per {@link AofValueCommands#ITEMS_PER_COMMAND} elements, as {@link AofValueCommands.Batches}. */
    private abstract static class Batched extends AofValueParts {
        private final byte[] command;
        private final int width;
        private final long size;
        AofValueCommands.Batches batches;

        Batched(byte[] command, int width, long size) {
            this.command = command;
            this.width = width;
            this.size = size;
        }

        @Override
        final void begun() {
            batches = new AofValueCommands.Batches(scratch, command, key, size, width);
        }
    }

    /** A set's or hash's table, walked by slot. */
    private static final class TableParts extends Batched {
        private final Listpack.Entry member = new Listpack.Entry();
        private final Listpack.Entry value = new Listpack.Entry();
        private final boolean withValues;
        private MemberTable table;
        private int position;

        TableParts(MemberTable table, byte[] command, int width, long size) {
            super(command, width, size);
            this.table = table;
            this.withValues = width == 2;
            this.position = table.nextLive(1);
        }

        @Override
        boolean writeStep() {
            for (int i = 0; i < AofValueCommands.ITEMS_PER_COMMAND && batches.left > 0; i++) {
                if (position == 0) {
                    throw changed();
                }
                batches.item();
                AofValueCommands.entry(scratch, table.member(position, member));
                if (withValues) {
                    AofValueCommands.entry(scratch, table.value(position, value));
                }
                position = table.nextLive(position + 1);
            }
            if (batches.left > 0) {
                return false;
            }
            if (position != 0) {
                throw changed();
            }
            return true;
        }

        @Override
        public void detach() {
            table = table.sharingCopy();
        }
    }

    /** A sorted set's skiplist, walked by node from the lowest score. */
    private static final class SortedParts extends Batched {
        private SkipList list;
        private int position;

        SortedParts(SkipList list, long size) {
            super(AofValueCommands.ZADD, 2, size);
            this.list = list;
            this.position = list.first();
        }

        @Override
        boolean writeStep() {
            for (int i = 0; i < AofValueCommands.ITEMS_PER_COMMAND && batches.left > 0; i++) {
                if (position == SkipList.NIL) {
                    throw changed();
                }
                batches.item();
                scratch.bulk(Doubles.format17g(list.score(position)));
                byte[] m = list.member(position);
                scratch.bulk(m, 0, m.length);
                position = list.next(position);
            }
            if (batches.left > 0) {
                return false;
            }
            if (position != SkipList.NIL) {
                throw changed();
            }
            return true;
        }

        @Override
        public void detach() {
            list = list.sharingCopy();
        }
    }

    /**
     * A list's quicklist, a node per step, each node's elements decoded from the bytes it is held
     * in (its element cursor would leave a node decompressed between steps).
     */
    private static final class ListParts extends Batched {
        private final Listpack.Entry element = new Listpack.Entry();
        private final Quicklist.NodeVisitor writer = this::writeNode;
        private byte[] decompressed = new byte[0];
        private ListValue list;
        private Quicklist.NodeWalk walk;
        private int visited;

        ListParts(ListValue list) {
            super(AofValueCommands.RPUSH, 1, list.size());
            this.list = list;
            this.walk = list.nodeWalk();
        }

        @Override
        boolean writeStep() {
            if (walk.visitNext(writer)) {
                visited++;
            }
            if (!walk.done()) {
                return false;
            }
            if (batches.left != 0) {
                throw changed();
            }
            return true;
        }

        private void writeNode(boolean plain, boolean compressed, byte[] data, int length, int size) {
            if (compressed) {
                if (decompressed.length < size) {
                    decompressed = new byte[size];
                }
                if (Lzf.decompress(data, 0, length, decompressed) != size) {
                    throw new IllegalStateException("a list node does not decompress to its size");
                }
                data = decompressed;
                length = size;
            }
            if (plain) {
                item();
                scratch.bulk(data, 0, length);
                return;
            }
            Listpack node = Listpack.wrap(data);
            for (int p = node.first(); p >= 0; p = node.next(p)) {
                item();
                AofValueCommands.entry(scratch, node.get(p, element));
            }
        }

        private void item() {
            if (batches.left == 0) {
                throw changed();
            }
            batches.item();
        }

        @Override
        public void detach() {
            list = list.sharingCopy();
            walk = list.nodeWalk(visited);
        }
    }

    /** A stream's entries an XADD each, {@link AofValueCommands#ITEMS_PER_COMMAND} per step, then its tail. */
    private static final class StreamParts extends AofValueParts {
        private final Listpack.Entry field = new Listpack.Entry();
        private final Listpack.Entry value = new Listpack.Entry();
        private final StreamCursor cursor;
        private StreamValue stream;

        StreamParts(StreamValue stream) {
            this.stream = stream;
            this.cursor = new StreamCursor().start(stream.index(), false);
        }

        @Override
        boolean writeStep() {
            for (int i = 0; i < AofValueCommands.ITEMS_PER_COMMAND; i++) {
                if (!cursor.next()) {
                    AofValueCommands.streamTail(scratch, key, stream);
                    return true;
                }
                AofValueCommands.streamEntry(scratch, key, cursor, field, value);
            }
            return false;
        }

        @Override
        public void detach() {
            stream = stream.sharingCopy();
            cursor.continueIn(stream.index());
        }
    }
}
