package dev.cinnabar.server.commands;

import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.Quicklist;
import dev.cinnabar.datatypes.value.ListType;
import dev.cinnabar.datatypes.value.ListValue;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.config.KeyspaceEvents;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.KeyspaceNotifications;
import dev.cinnabar.server.exec.CommandHandlers;
import java.nio.charset.StandardCharsets;

/**
 * The list commands that never block. Lists are {@link ListValue}s (Redis 7.0's quicklist), made
 * with the {@code list-max-listpack-size} and {@code list-compress-depth} in force when the key
 * is created; like Redis, a later CONFIG SET changes only lists created afterwards.
 *
 * <p>The pop and move paths are public so that the blocking commands can serve a client with
 * them: {@link #popOneAndReply}, {@link #popRangeAndReply}, {@link #popRangeWithKeyAndReply} and
 * {@link #moveAndReply}. They go through the write path (the key is signalled, memory kept,
 * an emptied list deleted) but leave the changes counted and the propagation to the caller.
 */
public final class ListCommands {
    static final String RANK_ZERO = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second "
            + "... or use negative to start from the end of the list";
    static final String COUNT_NEGATIVE = "ERR COUNT can't be negative";
    /**
     * The element being replied: commands run one at a time on the engine thread and finish
     * their reply before another starts, so one holder serves them all without allocating.
     */
    private static final Listpack.Entry ELEMENT = new Listpack.Entry();
    static final String MAXLEN_NEGATIVE = "ERR MAXLEN can't be negative";
    static final String MUST_BE_POSITIVE = "ERR value is out of range, must be positive";
    static final String NUMKEYS = "ERR numkeys should be greater than 0";
    static final String COUNT_POSITIVE = "ERR count should be greater than 0";

    private static final byte[] LPOP = ascii("LPOP");
    private static final byte[] RPOP = ascii("RPOP");

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("lpush", this, 0);
            t.bind("rpush", this, 1);
            t.bind("lpushx", this, 2);
            t.bind("rpushx", this, 3);
            t.bind("linsert", this, 4);
            t.bind("llen", this, 5);
            t.bind("lindex", this, 6);
            t.bind("lset", this, 7);
            t.bind("lpop", this, 8);
            t.bind("rpop", this, 9);
            t.bind("lmpop", this, 10);
            t.bind("lrange", this, 11);
            t.bind("ltrim", this, 12);
            t.bind("lpos", this, 13);
            t.bind("lrem", this, 14);
            t.bind("lmove", this, 15);
            t.bind("rpoplpush", this, 16);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> ListCommands.push(c, true, false);
                case 1 -> ListCommands.push(c, false, false);
                case 2 -> ListCommands.push(c, true, true);
                case 3 -> ListCommands.push(c, false, true);
                case 4 -> ListCommands.linsert(c);
                case 5 -> ListCommands.llen(c);
                case 6 -> ListCommands.lindex(c);
                case 7 -> ListCommands.lset(c);
                case 8 -> ListCommands.pop(c, true);
                case 9 -> ListCommands.pop(c, false);
                case 10 -> ListCommands.lmpop(c);
                case 11 -> ListCommands.lrange(c);
                case 12 -> ListCommands.ltrim(c);
                case 13 -> ListCommands.lpos(c);
                case 14 -> ListCommands.lrem(c);
                case 15 -> ListCommands.lmove(c);
                case 16 -> ListCommands.rpoplpush(c);
                default -> throw new IllegalArgumentException("ListCommands has no handler " + handler);
            }
        }
    }

    /** A new, empty list with the node options the config gives now. */
    public static ListValue newList(Client c) {
        return new ListValue(c.server.config().listMaxListpackSize, c.server.config().listCompressDepth);
    }

    // LPUSH key element [element ...], RPUSH key element [element ...]
    // LPUSHX key element [element ...], RPUSHX key element [element ...]
    static void push(Client c, boolean head, boolean onlyIfExists) {
        Db db = c.db();
        Argv a = c.argv;
        KeyEntry e = TypedLookup.write(c, 1, ListType.TYPE);
        int n = a.count();
        if (e == null) {
            if (onlyIfExists) {
                c.reply.integer(0);
                return;
            }
            ListValue l = newList(c);
            pushArgs(l, a, head);
            db.add(a.copy(1), l);
            Notify.arg(c, Notify.LIST, head ? "lpush" : "rpush", 1);
            c.reply.integer(l.size());
        } else {
            ListValue l = (ListValue) e.value();
            long before = db.beforeChange(e);
            pushArgs(l, a, head);
            db.changed(e, before);
            Notify.arg(c, Notify.LIST, head ? "lpush" : "rpush", 1);
            c.reply.integer(l.size());
        }
        c.changes(n - 2);
    }

    /** Pushes arguments 2.. in order; several make room in the end node at once. */
    private static void pushArgs(Quicklist l, Argv a, boolean head) {
        int n = a.count();
        if (n > 3) {
            l.expectPushes(Args.listpackBytes(a, 2, n - 1));
        }
        for (int i = 2; i < n; i++) {
            pushArg(l, a, i, head);
        }
        if (n > 3) {
            l.endPushes();
        }
    }

    private static void pushArg(Quicklist l, Argv a, int i, boolean head) {
        if (head) {
            l.pushHead(a.array(i), a.offset(i), a.length(i));
        } else {
            l.pushTail(a.array(i), a.offset(i), a.length(i));
        }
    }

    // LINSERT key <BEFORE | AFTER> pivot element
    static void linsert(Client c) {
        Argv a = c.argv;
        boolean after;
        if (a.is(2, "after")) {
            after = true;
        } else if (a.is(2, "before")) {
            after = false;
        } else {
            throw new CommandError(Errors.SYNTAX);
        }
        KeyEntry e = TypedLookup.write(c, 1, ListType.TYPE);
        if (e == null) {
            c.reply.integer(0);
            return;
        }
        Db db = c.db();
        ListValue l = (ListValue) e.value();
        boolean inserted = false;
        // Walking the list may decompress nodes for a moment: measure before it.
        long before = db.beforeChange(e);
        try (Quicklist.Cursor cur = l.cursorAt(0, true)) {
            while (cur.next()) {
                if (cur.equalsElement(a.array(3), a.offset(3), a.length(3))) {
                    cur.insert(a.copy(4), after);
                    inserted = true;
                    break;
                }
            }
        }
        if (!inserted) {
            c.reply.integer(-1);
            return;
        }
        db.changed(e, before);
        Notify.arg(c, Notify.LIST, "linsert", 1);
        c.reply.integer(l.size());
    }

    // LLEN key
    static void llen(Client c) {
        Object v = TypedLookup.readOrReply(c, 1, ListType.TYPE, TypedLookup.ZERO);
        if (v != null) {
            c.reply.integer(((Quicklist) v).size());
        }
    }

    // LINDEX key index
    static void lindex(Client c) {
        Object v = TypedLookup.readOrReply(c, 1, ListType.TYPE, TypedLookup.NULL);
        if (v == null) {
            return;
        }
        long index = Args.longArg(c, 2);
        Quicklist l = (Quicklist) v;
        Quicklist.Cursor cur = l.cursorAt(index, false);
        if (cur == null) {
            c.reply.nullBulk();
            return;
        }
        try (cur) {
            cur.next();
            replyElement(c.reply, cur);
        }
    }

    // LSET key index element
    static void lset(Client c) {
        KeyEntry e = TypedLookup.write(c, 1, ListType.TYPE);
        if (e == null) {
            throw new CommandError(Errors.NO_SUCH_KEY);
        }
        long index = Args.longArg(c, 2);
        Db db = c.db();
        ListValue l = (ListValue) e.value();
        Quicklist.Cursor cur = l.cursorAt(index, false);
        if (cur == null) {
            throw new CommandError(Errors.OUT_OF_RANGE);
        }
        long before = db.beforeChange(e);
        try (cur) {
            cur.next();
            cur.replace(c.argv.copy(3));
        }
        db.changed(e, before);
        Notify.arg(c, Notify.LIST, "lset", 1);
        c.reply.ok();
    }

    // LPOP key [count], RPOP key [count]
    static void pop(Client c, boolean head) {
        Argv a = c.argv;
        if (a.count() > 3) {
            throw new CommandError(Errors.arity(head ? "lpop" : "rpop"));
        }
        boolean hasCount = a.count() == 3;
        long count = hasCount ? Args.longArg(c, 2, 0, Long.MAX_VALUE, MUST_BE_POSITIVE) : 0;
        KeyEntry e = TypedLookup.write(c, 1, ListType.TYPE);
        if (e == null) {
            if (hasCount) {
                c.reply.nullArray();
            } else {
                c.reply.nullBulk();
            }
            return;
        }
        if (hasCount && count == 0) {
            c.reply.emptyArray();
            return;
        }
        if (!hasCount) {
            popOneAndReply(c, e, head);
            c.changes(1);
        } else {
            c.changes(popRangeAndReply(c, e, head, count));
        }
    }

    /**
     * Pops one element off a live list entry through the write path and replies with it as a
     * bulk string, deleting the key when it was the last (Redis's listTypePop with
     * listElementsRemoved). Counts no change; the caller does.
     */
    public static void popOneAndReply(Client c, KeyEntry e, boolean head) {
        Db db = c.db();
        long before = db.beforeChange(e);
        Quicklist l = (Quicklist) e.value();
        // Replied from the node in place, then removed: no copy of the element.
        replyEntry(c.reply, l.end(head, ELEMENT));
        l.removeEnd(head);
        db.changed(e, before);
        popped(c, e, head);
    }

    /**
     * Replies with up to {@code count} elements from one end of a live list entry as an array (in
     * the order they are popped) and pops them through the write path, deleting the key when
     * emptied. Returns how many were popped, Redis's count of changes.
     */
    public static long popRangeAndReply(Client c, KeyEntry e, boolean head, long count) {
        Db db = c.db();
        Quicklist l = (Quicklist) e.value();
        long llen = l.size();
        long n = Math.min(count, llen);
        long start = head ? 0 : -n;
        long end = head ? n - 1 : -1;
        // Walking the list may decompress nodes for a moment: measure before it.
        long before = db.beforeChange(e);
        rangeReply(c.reply, l, start, end, !head);
        l.deleteRange(start, n);
        db.changed(e, before);
        popped(c, e, head);
        return n;
    }

    /** Elements left a list: lpop / rpop, then the key goes with del if it emptied (listElementsRemoved). */
    private static void popped(Client c, KeyEntry e, boolean head) {
        Notify.key(c, Notify.LIST, head ? "lpop" : "rpop", e);
        if (c.db().deleteIfEmpty(e)) {
            Notify.key(c, Notify.GENERIC, "del", e);
        }
    }

    /**
     * LMPOP's and BLMPOP's reply: {@code [key, [elements]]}, popping as {@link #popRangeAndReply}
     * does. Returns how many were popped.
     */
    public static long popRangeWithKeyAndReply(Client c, KeyEntry e, boolean head, long count) {
        c.reply.array(2);
        c.reply.bulk(e.key());
        return popRangeAndReply(c, e, head, count);
    }

    // LMPOP numkeys key [key ...] <LEFT | RIGHT> [COUNT count]
    static void lmpop(Client c) {
        Argv a = c.argv;
        long numkeys = Args.longArg(c, 1, 1, Long.MAX_VALUE, NUMKEYS);
        if (numkeys >= a.count()) {
            throw new CommandError(Errors.SYNTAX);
        }
        long whereIdx = 1 + numkeys + 1;
        if (whereIdx >= a.count()) {
            throw new CommandError(Errors.SYNTAX);
        }
        boolean head = where(c, (int) whereIdx);
        long count = -1;
        for (int j = (int) whereIdx + 1; j < a.count(); j++) {
            if (count == -1 && a.is(j, "count") && j + 1 < a.count()) {
                j++;
                count = Args.longArg(c, j, 1, Long.MAX_VALUE, COUNT_POSITIVE);
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        if (count == -1) {
            count = 1;
        }
        Db db = c.db();
        for (int k = 2; k < whereIdx; k++) {
            KeyEntry e = TypedLookup.write(c, k, ListType.TYPE);
            if (e == null) {
                continue;
            }
            long popped = popRangeWithKeyAndReply(c, e, head, count);
            c.changes(popped);
            if (c.server.propagation().active()) {
                Argv p = new Argv(3);
                p.add(head ? LPOP : RPOP);
                p.add(a.array(k), a.offset(k), a.length(k));
                p.add(dev.cinnabar.datatypes.Numbers.toBytes(popped));
                c.propagateAs(p);
            }
            return;
        }
        c.reply.nullArray();
    }

    /** Argument {@code i} as LEFT or RIGHT (else a syntax error): true for LEFT, the head. */
    public static boolean where(Client c, int i) {
        if (c.argv.is(i, "left")) {
            return true;
        }
        if (c.argv.is(i, "right")) {
            return false;
        }
        throw new CommandError(Errors.SYNTAX);
    }

    // LRANGE key start stop
    static void lrange(Client c) {
        long start = Args.longArg(c, 2);
        long end = Args.longArg(c, 3);
        Object v = TypedLookup.readOrReply(c, 1, ListType.TYPE, TypedLookup.EMPTY_ARRAY);
        if (v != null) {
            rangeReply(c.reply, (Quicklist) v, start, end, false);
        }
    }

    /** Redis's addListRangeReply: the elements from start to end (inclusive, clamped), maybe tail first. */
    static void rangeReply(ReplyWriter w, Quicklist l, long start, long end, boolean reverse) {
        long llen = l.size();
        if (start < 0) {
            start = llen + start;
        }
        if (end < 0) {
            end = llen + end;
        }
        if (start < 0) {
            start = 0;
        }
        if (start > end || start >= llen) {
            w.emptyArray();
            return;
        }
        if (end >= llen) {
            end = llen - 1;
        }
        long n = end - start + 1;
        w.array((int) n);
        try (Quicklist.Cursor cur = l.cursorAt(reverse ? end : start, !reverse)) {
            while (n-- > 0) {
                cur.next();
                replyElement(w, cur);
            }
        }
    }

    private static void replyElement(ReplyWriter w, Quicklist.Cursor cur) {
        replyEntry(w, cur.entry(ELEMENT));
    }

    private static void replyEntry(ReplyWriter w, Listpack.Entry en) {
        if (en.isInteger) {
            w.bulk(en.value);
        } else {
            w.bulk(en.bytes, en.offset, en.length);
        }
    }

    // LTRIM key start stop
    static void ltrim(Client c) {
        long start = Args.longArg(c, 2);
        long end = Args.longArg(c, 3);
        KeyEntry e = TypedLookup.write(c, 1, ListType.TYPE);
        if (e == null) {
            c.reply.ok();
            return;
        }
        Db db = c.db();
        Quicklist l = (Quicklist) e.value();
        long llen = l.size();
        if (start < 0) {
            start = llen + start;
        }
        if (end < 0) {
            end = llen + end;
        }
        if (start < 0) {
            start = 0;
        }
        long ltrim;
        long rtrim;
        if (start > end || start >= llen) {
            ltrim = llen;
            rtrim = 0;
        } else {
            if (end >= llen) {
                end = llen - 1;
            }
            ltrim = start;
            rtrim = llen - end - 1;
        }
        long before = db.beforeChange(e);
        l.deleteRange(0, ltrim);
        l.deleteRange(-rtrim, rtrim);
        db.changed(e, before);
        Notify.arg(c, Notify.LIST, "ltrim", 1);
        if (db.deleteIfEmpty(e)) {
            Notify.arg(c, Notify.GENERIC, "del", 1);
        }
        c.changes(ltrim + rtrim);
        c.reply.ok();
    }

    // LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
    static void lpos(Client c) {
        Argv a = c.argv;
        long rank = 1;
        long count = -1;
        long maxlen = 0;
        for (int j = 3; j < a.count(); j++) {
            boolean more = j + 1 < a.count();
            if (a.is(j, "rank") && more) {
                j++;
                rank = Args.longArg(c, j);
                if (rank == 0) {
                    throw new CommandError(RANK_ZERO);
                }
            } else if (a.is(j, "count") && more) {
                j++;
                count = Args.longArg(c, j, 0, Long.MAX_VALUE, COUNT_NEGATIVE);
            } else if (a.is(j, "maxlen") && more) {
                j++;
                maxlen = Args.longArg(c, j, 0, Long.MAX_VALUE, MAXLEN_NEGATIVE);
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        boolean forward = true;
        if (rank < 0) {
            // -LONG_MIN stays negative in C; every match then ranks, as there.
            rank = -rank;
            forward = false;
        }
        Object v = TypedLookup.read(c, 1, ListType.TYPE);
        if (v == null) {
            if (count != -1) {
                c.reply.emptyArray();
            } else {
                c.reply.nullBulk();
            }
            return;
        }
        Quicklist l = (Quicklist) v;
        int mark = count != -1 ? c.reply.beginDeferred() : -1;
        long llen = l.size();
        long index = 0;
        long matches = 0;
        long matchIndex = -1;
        int arrayLen = 0;
        try (Quicklist.Cursor cur = l.cursorAt(forward ? 0 : -1, forward)) {
            while (cur.next() && (maxlen == 0 || index < maxlen)) {
                if (cur.equalsElement(a.array(2), a.offset(2), a.length(2))) {
                    matches++;
                    matchIndex = forward ? index : llen - index - 1;
                    if (matches >= rank) {
                        if (mark >= 0) {
                            arrayLen++;
                            c.reply.integer(matchIndex);
                            if (count != 0 && matches - rank + 1 >= count) {
                                break;
                            }
                        } else {
                            break;
                        }
                    }
                }
                index++;
                matchIndex = -1;
            }
        }
        if (mark >= 0) {
            c.reply.endArray(mark, arrayLen);
        } else if (matchIndex != -1) {
            c.reply.integer(matchIndex);
        } else {
            c.reply.nullBulk();
        }
    }

    // LREM key count element
    static void lrem(Client c) {
        Argv a = c.argv;
        long toRemove = Args.longArg(c, 2);
        KeyEntry e = TypedLookup.write(c, 1, ListType.TYPE);
        if (e == null) {
            c.reply.integer(0);
            return;
        }
        Db db = c.db();
        Quicklist l = (Quicklist) e.value();
        boolean forward = toRemove >= 0;
        if (!forward) {
            toRemove = -toRemove;
        }
        long removed = 0;
        long before = db.beforeChange(e);
        try (Quicklist.Cursor cur = l.cursorAt(forward ? 0 : -1, forward)) {
            while (cur != null && cur.next()) {
                if (cur.equalsElement(a.array(3), a.offset(3), a.length(3))) {
                    cur.delete();
                    removed++;
                    if (toRemove != 0 && removed == toRemove) {
                        break;
                    }
                }
            }
        }
        if (removed > 0) {
            db.changed(e, before);
            Notify.arg(c, Notify.LIST, "lrem", 1);
            if (db.deleteIfEmpty(e)) {
                Notify.arg(c, Notify.GENERIC, "del", 1);
            }
        }
        c.changes(removed);
        c.reply.integer(removed);
    }

    // LMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT>
    static void lmove(Client c) {
        boolean fromHead = where(c, 3);
        boolean toHead = where(c, 4);
        moveGeneric(c, fromHead, toHead);
    }

    // RPOPLPUSH source destination
    static void rpoplpush(Client c) {
        moveGeneric(c, false, true);
    }

    private static void moveGeneric(Client c, boolean fromHead, boolean toHead) {
        KeyEntry src = TypedLookup.write(c, 1, ListType.TYPE);
        if (src == null) {
            c.reply.nullBulk();
            return;
        }
        KeyEntry dst = TypedLookup.write(c, 2, ListType.TYPE);
        Argv a = c.argv;
        moveAndReply(c, src, dst, a.array(2), a.offset(2), a.length(2), fromHead, toHead);
        c.changes(1);
    }

    /**
     * LMOVE's work once both keys are checked: pops from the live list {@code src}, pushes onto
     * {@code dst} (null when the destination key is absent: it is created under the given name),
     * replies with the element, and deletes the source if it emptied. The destination must have
     * been checked to be a list or absent. Counts no change and propagates nothing itself.
     */
    public static byte[] moveAndReply(Client c, KeyEntry src, KeyEntry dst,
            byte[] dstKey, int dstOff, int dstLen, boolean fromHead, boolean toHead) {
        Db db = c.db();
        // Redis's order: the push's events on the destination, then the pop's on the source;
        // watchers and tracking clients hear of the keys in that order too.
        long before = db.beforeChange(src);
        Quicklist from = (Quicklist) src.value();
        byte[] v = from.pop(fromHead);
        KeyspaceNotifications n = c.server.keyspace().notifications();
        String push = toHead ? "lpush" : "rpush";
        if (src.sameKey(dst)) {
            from.push(v, toHead);
            db.changed(src, before);
            Notify.key(c, Notify.LIST, push, src);
            Notify.key(c, Notify.LIST, fromHead ? "lpop" : "rpop", src);
        } else {
            if (dst == null) {
                ListValue l = newList(c);
                l.push(v, toHead);
                db.add(java.util.Arrays.copyOfRange(dstKey, dstOff, dstOff + dstLen), l);
            } else {
                long dstBefore = db.beforeChange(dst);
                ((Quicklist) dst.value()).push(v, toHead);
                db.changed(dst, dstBefore);
            }
            db.changed(src, before);
            n.notify(KeyspaceEvents.LIST, push, dstKey, dstOff, dstLen, db.id);
            popped(c, src, fromHead);
        }
        c.reply.bulk(v);
        return v;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
