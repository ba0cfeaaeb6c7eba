package dev.cinnabar.server.persistence;

import dev.cinnabar.datatypes.Doubles;
import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.MemberTable;
import dev.cinnabar.datatypes.SkipList;
import dev.cinnabar.datatypes.value.HashValue;
import dev.cinnabar.datatypes.value.SetValue;
import dev.cinnabar.datatypes.value.ZSetValue;
import dev.cinnabar.persistence.rdb.RdbOutput;
import dev.cinnabar.persistence.rdb.RdbValueParts;
import java.util.Arrays;

/**
 * A big value's commands in an AOF base without the RDB preamble, a few commands at a time: the
 * command form's {@link RdbValueParts}, byte for byte what {@link AofValueCommands#key} writes
 * at once (SADD, HMSET, ZADD of {@link AofValueCommands#ITEMS_PER_COMMAND} elements, then
 * PEXPIREAT). Hashtable sets, hashtable hashes without field TTLs and skiplist sorted sets of
 * more than {@link RdbValueParts#MIN_ELEMENTS} elements; lists and streams go whole (a list's
 * element cursor may not stay open between slices).
 */
final class AofValueParts implements Snapshot.Parts {
    private final AofOutput scratch = new AofOutput(4096);
    private final Listpack.Entry member = new Listpack.Entry();
    private final Listpack.Entry value = new Listpack.Entry();
    /** A set's or hash's table, walked by slot; or null for a sorted set. */
    private MemberTable table;
    /** A sorted set's skiplist, walked by node from the lowest score; or null. */
    private SkipList list;
    private final byte[] command;
    private final int width;
    private int position;
    private long left;
    private byte[] key;
    private long expireAt = -1;

    private AofValueParts(MemberTable table, SkipList list, byte[] command, int width, long size) {
        this.table = table;
        this.list = list;
        this.command = command;
        this.width = width;
        this.left = size;
        this.position = table != null ? table.nextLive(1) : list.first();
    }

    /** The parts of {@code value}, read as it is when written; null when it goes whole. */
    static AofValueParts of(Object value) {
        if (value instanceof SetValue s && s.memberTable() != null && s.size() > RdbValueParts.MIN_ELEMENTS) {
            return new AofValueParts(s.memberTable(), null, AofValueCommands.SADD, 1, s.size());
        }
        if (value instanceof HashValue h && h.memberTable() != null && h.size() > RdbValueParts.MIN_ELEMENTS
                && h.expiringCount() == 0) {
            return new AofValueParts(h.memberTable(), null, AofValueCommands.HMSET, 2, h.size());
        }
        if (value instanceof ZSetValue z && !z.isListpack() && z.size() > RdbValueParts.MIN_ELEMENTS) {
            return new AofValueParts(null, z.skipList(), AofValueCommands.ZADD, 2, z.size());
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
    void begin(byte[] k, int off, int len, long expire) {
        key = Arrays.copyOfRange(k, off, off + len);
        expireAt = expire;
    }

    @Override
    public void detach() {
        if (table != null) {
            table = table.copy();
        } else {
            list = list.copy();
        }
    }

    @Override
    public boolean write(RdbOutput out, long bytes) {
        long until = bytes >= Long.MAX_VALUE - out.size() ? Long.MAX_VALUE : out.size() + bytes;
        while (left > 0 && out.size() < until) {
            writeCommand();
            out.writeBytes(scratch.array(), 0, scratch.size());
            scratch.clear();
        }
        if (left > 0) {
            return false;
        }
        if (position != 0) {
            throw new IllegalStateException("a value changed while its commands were written in parts");
        }
        AofValueCommands.expiry(scratch, key, 0, key.length, expireAt);
        out.writeBytes(scratch.array(), 0, scratch.size());
        scratch.clear();
        expireAt = -1;
        return true;
    }

    /** One command of up to ITEMS_PER_COMMAND elements. */
    private void writeCommand() {
        long n = Math.min(left, AofValueCommands.ITEMS_PER_COMMAND);
        scratch.arrayHeader((int) (2 + n * width));
        scratch.bulk(command);
        scratch.bulk(key, 0, key.length);
        for (long i = 0; i < n; i++) {
            if (position == 0) {
                throw new IllegalStateException("a value changed while its commands were written in parts");
            }
            if (table != null) {
                AofValueCommands.entry(scratch, table.member(position, member));
                if (width == 2) {
                    AofValueCommands.entry(scratch, table.value(position, value));
                }
                position = table.nextLive(position + 1);
            } else {
                scratch.bulk(Doubles.format17g(list.score(position)));
                byte[] m = list.member(position);
                scratch.bulk(m, 0, m.length);
                position = list.next(position);
            }
        }
        left -= n;
    }
}
