package dev.cinnabar.server.commands;

import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.datatypes.stream.StreamConsumer;
import dev.cinnabar.datatypes.stream.StreamCursor;
import dev.cinnabar.datatypes.stream.StreamFields;
import dev.cinnabar.datatypes.stream.StreamGroup;
import dev.cinnabar.datatypes.stream.StreamId;
import dev.cinnabar.datatypes.stream.StreamNack;
import dev.cinnabar.datatypes.value.StreamType;
import dev.cinnabar.datatypes.value.StreamValue;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.config.KeyspaceEvents;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.exec.CommandHandlers;
import java.nio.charset.StandardCharsets;

/**
 * The stream commands that add, read and remove entries: XADD, XRANGE, XREVRANGE, XLEN, XDEL,
 * XTRIM, XSETID, XREAD and XREADGROUP (blocking or not), as Redis 7.0's t_stream.c has them.
 *
 * <p>Propagation: XADD goes with the ID it chose in place of {@code *} or {@code ms-*}, and an
 * approximate trim ({@code ~}) as an exact one ({@code =}) to the length or first ID it left;
 * XTRIM alike. XREADGROUP never goes as itself: each entry it delivers goes as an
 * {@code XCLAIM key group consumer 0 id TIME t RETRYCOUNT n FORCE JUSTID LASTID last}; with NOACK
 * an {@code XGROUP SETID key group last ENTRIESREAD n} (and an {@code XGROUP CREATECONSUMER} for a
 * consumer it created).
 *
 * <p>Only XADD, XDEL, XTRIM (and XGROUP CREATE MKSTREAM) signal the key as modified (WATCH); the
 * group commands change the stream without signalling it, as in Redis.
 */
public final class StreamCommands {
    static final byte[] XCLAIM = ascii("XCLAIM");
    static final byte[] XGROUP = ascii("XGROUP");
    static final byte[] SETID = ascii("SETID");
    static final byte[] CREATECONSUMER = ascii("CREATECONSUMER");
    static final byte[] ENTRIESREAD = ascii("ENTRIESREAD");
    static final byte[] TIME = ascii("TIME");
    static final byte[] RETRYCOUNT = ascii("RETRYCOUNT");
    static final byte[] FORCE = ascii("FORCE");
    static final byte[] JUSTID = ascii("JUSTID");
    static final byte[] LASTID = ascii("LASTID");
    static final byte[] ZERO = ascii("0");
    private static final byte[] EQUALS = ascii("=");

    /** Redis's XREAD_BLOCKED_DEFAULT_COUNT. */
    private static final long BLOCKED_DEFAULT_COUNT = 1000;

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("xadd", this, 0);
            t.bind("xrange", this, 1);
            t.bind("xrevrange", this, 2);
            t.bind("xlen", this, 3);
            t.bind("xdel", this, 4);
            t.bind("xtrim", this, 5);
            t.bind("xsetid", this, 6);
            t.bind("xread", this, 7);
            t.bind("xreadgroup", this, 8);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> StreamCommands.xadd(c);
                case 1 -> StreamCommands.xrange(c, false);
                case 2 -> StreamCommands.xrange(c, true);
                case 3 -> StreamCommands.xlen(c);
                case 4 -> StreamCommands.xdel(c);
                case 5 -> StreamCommands.xtrim(c);
                case 6 -> StreamCommands.xsetid(c);
                case 7 -> StreamCommands.xread(c, false);
                case 8 -> StreamCommands.xread(c, true);
                default -> throw new IllegalArgumentException("StreamCommands has no handler " + handler);
            }
        }
    }

    // ------------------------------------------------------------------ XADD and XTRIM

    /** What XADD and XTRIM parse: Redis's streamAddTrimArgs. */
    static final class TrimArgs {
        int strategy;
        int strategyArg;
        boolean approx;
        long limit;
        long maxlen;
        StreamId minid;
        boolean noMkstream;
        boolean idGiven;
        StreamIds.Parsed id = new StreamIds.Parsed();
    }

    /** Redis's streamParseAddOrTrimArgsOrReply; returns the ID's position for XADD. */
    private static int parseAddOrTrim(Client c, TrimArgs args, boolean xadd) {
        Argv a = c.argv;
        int argc = a.count();
        int i = 2;
        boolean limitGiven = false;
        for (; i < argc; i++) {
            int more = argc - 1 - i;
            if (xadd && a.length(i) == 1 && a.byteAt(i, 0) == '*') {
                break;
            } else if (a.is(i, "maxlen") && more > 0) {
                if (args.strategy != 0) {
                    throw new CommandError("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
                }
                args.approx = false;
                if (more >= 2 && isOneChar(a, i + 1, '~')) {
                    args.approx = true;
                    i++;
                } else if (more >= 2 && isOneChar(a, i + 1, '=')) {
                    i++;
                }
                args.maxlen = Args.longArg(c, i + 1);
                if (args.maxlen < 0) {
                    throw new CommandError("ERR The MAXLEN argument must be >= 0.");
                }
                i++;
                args.strategy = StreamValue.TRIM_MAXLEN;
                args.strategyArg = i;
            } else if (a.is(i, "minid") && more > 0) {
                if (args.strategy != 0) {
                    throw new CommandError("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
                }
                args.approx = false;
                if (more >= 2 && isOneChar(a, i + 1, '~')) {
                    args.approx = true;
                    i++;
                } else if (more >= 2 && isOneChar(a, i + 1, '=')) {
                    i++;
                }
                args.minid = StreamIds.parse(a, i + 1, 0, true);
                i++;
                args.strategy = StreamValue.TRIM_MINID;
                args.strategyArg = i;
            } else if (a.is(i, "limit") && more > 0) {
                args.limit = Args.longArg(c, i + 1);
                if (args.limit < 0) {
                    throw new CommandError("ERR The LIMIT argument must be >= 0.");
                }
                limitGiven = true;
                i++;
            } else if (xadd && a.is(i, "nomkstream")) {
                args.noMkstream = true;
            } else if (xadd) {
                StreamIds.parse(a.array(i), a.offset(i), a.length(i), 0, true, true, args.id);
                args.idGiven = true;
                break;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        if (args.limit != 0 && args.strategy == 0) {
            throw new CommandError("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
        }
        if (!xadd && args.strategy == 0) {
            throw new CommandError("ERR syntax error, XTRIM must be called with a trimming strategy");
        }
        if (c.id == Client.AOF_CLIENT_ID) {
            // The AOF holds the trim as it came out (MAXLEN = <length> or MINID = <first id>, with the
            // caller's LIMIT still there): Redis replays it exactly, with no limit.
            args.limit = 0;
        } else if (limitGiven) {
            if (!args.approx) {
                throw new CommandError("ERR syntax error, LIMIT cannot be used without the special ~ option");
            }
        } else if (args.approx) {
            long limit = 100 * c.server.config().streamNodeMaxEntries;
            if (limit <= 0) {
                limit = 10000;
            }
            if (limit > 1000000) {
                limit = 1000000;
            }
            args.limit = limit;
        } else {
            args.limit = 0;
        }
        return i;
    }

    private static boolean isOneChar(Argv a, int i, char ch) {
        return a.length(i) == 1 && a.byteAt(i, 0) == ch;
    }

    // XADD key [NOMKSTREAM] [<MAXLEN | MINID> [= | ~] threshold [LIMIT count]] <* | id> field value [field value ...]
    static void xadd(Client c) {
        Argv a = c.argv;
        TrimArgs args = new TrimArgs();
        int idPos = parseAddOrTrim(c, args, true);
        int fieldPos = idPos + 1;
        int rest = a.count() - fieldPos;
        if (rest < 2 || rest % 2 == 1) {
            throw new CommandError(Errors.arity("xadd"));
        }
        if (args.idGiven && args.id.seqGiven && args.id.ms == 0 && args.id.seq == 0) {
            throw new CommandError("ERR The ID specified in XADD must be greater than 0-0");
        }
        Db db = c.db();
        KeyEntry e = TypedLookup.write(c, 1, StreamType.TYPE);
        if (e == null && args.noMkstream) {
            c.reply.nullBulk();
            return;
        }
        StreamValue s = e == null ? new StreamValue() : (StreamValue) e.value();
        if (s.lastMs == -1L && s.lastSeq == -1L) {
            throw new CommandError("ERR The stream has exhausted the last possible ID, unable to add more items");
        }
        // The new ID (streamAppendItem's first part).
        long ms;
        long seq;
        if (args.idGiven) {
            if (args.id.seqGiven) {
                ms = args.id.ms;
                seq = args.id.seq;
            } else if (s.lastMs == args.id.ms) {
                if (s.lastSeq == -1L) {
                    throw new CommandError("ERR The ID specified in XADD is equal or smaller than the target stream top item");
                }
                ms = s.lastMs;
                seq = s.lastSeq + 1;
            } else {
                ms = args.id.ms;
                seq = 0;
            }
        } else {
            long now = c.server.keyspace().now();
            if (Long.compareUnsigned(now, s.lastMs) > 0) {
                ms = now;
                seq = 0;
            } else if (s.lastSeq == -1L) {
                ms = s.lastMs + 1;
                seq = 0;
            } else {
                ms = s.lastMs;
                seq = s.lastSeq + 1;
            }
        }
        if (StreamId.compare(ms, seq, s.lastMs, s.lastSeq) <= 0) {
            throw new CommandError("ERR The ID specified in XADD is equal or smaller than the target stream top item");
        }
        long total = 0;
        for (int i = fieldPos; i < a.count(); i++) {
            total += a.length(i);
        }
        if (total > StreamValue.LISTPACK_MAX_SIZE) {
            throw new CommandError("ERR Elements are too large to be stored");
        }
        StreamFields fv = new ArgvFields(a);
        int pairs = rest / 2;
        long nodeMaxBytes = c.server.config().streamNodeMaxBytes;
        long nodeMaxEntries = c.server.config().streamNodeMaxEntries;
        byte[] idBytes = StreamId.toBytes(ms, seq);
        if (e == null) {
            s.append(ms, seq, fv, fieldPos, pairs, nodeMaxBytes, nodeMaxEntries);
            e = db.add(a.copy(1), s);
        } else {
            long before = db.beforeChange(e);
            s.append(ms, seq, fv, fieldPos, pairs, nodeMaxBytes, nodeMaxEntries);
            db.changed(e, before);
            c.server.clients().blocked().signal(db, a.array(1), a.offset(1), a.length(1));
        }
        c.reply.bulk(idBytes);
        Notify.arg(c, KeyspaceEvents.STREAM, "xadd", 1);
        c.changes(1);
        byte[] trimArg = null;
        if (args.strategy != 0) {
            long before = db.beforeChange(e);
            long trimmed = s.trim(args.strategy, args.maxlen, args.minid == null ? 0 : args.minid.ms,
                    args.minid == null ? 0 : args.minid.seq, args.approx, args.limit);
            db.resized(e, before);
            if (trimmed > 0) {
                Notify.arg(c, KeyspaceEvents.STREAM, "xtrim", 1);
            }
            if (args.approx) {
                trimArg = trimArgument(s, args.strategy);
            }
        }
        if (c.server.propagation().active()) {
            boolean rewriteId = !args.idGiven || !args.id.seqGiven;
            if (rewriteId || trimArg != null) {
                Argv p = copyArgv(a);
                if (trimArg != null) {
                    p.set(args.strategyArg - 1, EQUALS);
                    p.set(args.strategyArg, trimArg);
                }
                if (rewriteId) {
                    p.set(idPos, idBytes);
                }
                c.propagateAs(p);
            }
        }
    }

    /** The command's arguments as the fields of an entry, read in place. */
    private static final class ArgvFields implements StreamFields {
        private final Argv a;

        ArgvFields(Argv a) {
            this.a = a;
        }

        @Override
        public byte[] array(int i) {
            return a.array(i);
        }

        @Override
        public int offset(int i) {
            return a.offset(i);
        }

        @Override
        public int length(int i) {
            return a.length(i);
        }
    }

    /** The exact trim an approximate one amounts to: the length left, or the first ID left. */
    private static byte[] trimArgument(StreamValue s, int strategy) {
        if (strategy == StreamValue.TRIM_MAXLEN) {
            return Numbers.toBytes(s.length);
        }
        return s.edgeId(true, false).toBytes();
    }

    static Argv copyArgv(Argv a) {
        Argv p = new Argv(a.count());
        for (int i = 0; i < a.count(); i++) {
            p.add(a.copy(i));
        }
        return p;
    }

    // XTRIM key <MAXLEN | MINID> [= | ~] threshold [LIMIT count]
    static void xtrim(Client c) {
        TrimArgs args = new TrimArgs();
        parseAddOrTrim(c, args, false);
        KeyEntry e = TypedLookup.write(c, 1, StreamType.TYPE);
        if (e == null) {
            c.reply.integer(0);
            return;
        }
        StreamValue s = (StreamValue) e.value();
        Db db = c.db();
        long before = db.beforeChange(e);
        long deleted = s.trim(args.strategy, args.maxlen, args.minid == null ? 0 : args.minid.ms,
                args.minid == null ? 0 : args.minid.seq, args.approx, args.limit);
        if (deleted > 0) {
            Notify.arg(c, KeyspaceEvents.STREAM, "xtrim", 1);
            if (args.approx && c.server.propagation().active()) {
                Argv p = copyArgv(c.argv);
                p.set(args.strategyArg - 1, EQUALS);
                p.set(args.strategyArg, trimArgument(s, args.strategy));
                c.propagateAs(p);
            }
            db.changed(e, before);
            c.changes(deleted);
        } else {
            db.resized(e, before);
        }
        c.reply.integer(deleted);
    }

    // ------------------------------------------------------------------ reading

    // XRANGE key start end [COUNT count], XREVRANGE key end start [COUNT count]
    static void xrange(Client c, boolean rev) {
        Argv a = c.argv;
        int startArg = rev ? 3 : 2;
        int endArg = rev ? 2 : 3;
        StreamId start = lowerBound(a, startArg);
        StreamId end = upperBound(a, endArg);
        long count = -1;
        for (int j = 4; j < a.count(); j++) {
            int additional = a.count() - j - 1;
            if (a.is(j, "count") && additional >= 1) {
                count = Args.longArg(c, j + 1);
                if (count < 0) {
                    count = 0;
                }
                j++;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        Object v = TypedLookup.readOrReply(c, 1, StreamType.TYPE, TypedLookup.EMPTY_ARRAY);
        if (v == null) {
            return;
        }
        if (count == 0) {
            c.reply.nullArray();
            return;
        }
        replyRange(c.reply, (StreamValue) v, start, end, count == -1 ? 0 : count, rev);
    }

    /** A range's lower bound (Redis's streamParseIntervalIDOrReply then streamIncrID for {@code (}). */
    static StreamId lowerBound(Argv a, int i) {
        StreamId start = intervalId(a, i, 0);
        if (start == EXCLUDED) {
            start = intervalExclusive(a, i, 0).next();
            if (start == null) {
                throw new CommandError("ERR invalid start ID for the interval");
            }
        }
        return start;
    }

    /** A range's upper bound: a missing sequence is the greatest, {@code (} excludes. */
    static StreamId upperBound(Argv a, int i) {
        StreamId end = intervalId(a, i, -1L);
        if (end == EXCLUDED) {
            end = intervalExclusive(a, i, -1L).previous();
            if (end == null) {
                throw new CommandError("ERR invalid end ID for the interval");
            }
        }
        return end;
    }

    private static final StreamId EXCLUDED = new StreamId(0, 0);

    /** The bound at argument {@code i}, or {@link #EXCLUDED} when it starts with {@code (}. */
    private static StreamId intervalId(Argv a, int i, long missingSeq) {
        if (a.length(i) > 1 && a.byteAt(i, 0) == '(') {
            return EXCLUDED;
        }
        return StreamIds.parse(a, i, missingSeq, false);
    }

    private static StreamId intervalExclusive(Argv a, int i, long missingSeq) {
        return StreamIds.parse(a.array(i), a.offset(i) + 1, a.length(i) - 1, missingSeq, true);
    }

    /** The entries in [start, end] as XRANGE answers them; {@code count} 0 for all. */
    static long replyRange(ReplyWriter r, StreamValue s, StreamId start, StreamId end, long count, boolean rev) {
        int mark = r.beginDeferred();
        long n = 0;
        StreamCursor cur = s.range(new StreamCursor(), start.ms, start.seq, end.ms, end.seq, rev);
        Listpack.Entry f = new Listpack.Entry();
        Listpack.Entry v = new Listpack.Entry();
        while (cur.next()) {
            replyEntry(r, cur, f, v);
            n++;
            if (count != 0 && n == count) {
                break;
            }
        }
        r.endArray(mark, (int) n);
        return n;
    }

    /** One entry: its ID, then its fields and values. */
    static void replyEntry(ReplyWriter r, StreamCursor cur, Listpack.Entry f, Listpack.Entry v) {
        r.array(2);
        r.bulk(StreamId.toBytes(cur.ms, cur.seq));
        r.array(cur.fields * 2);
        for (int i = 0; i < cur.fields; i++) {
            cur.field(f, v);
            ZSetPopCommands.replyMember(r, f);
            ZSetPopCommands.replyMember(r, v);
        }
    }

    // XLEN key
    static void xlen(Client c) {
        Object v = TypedLookup.readOrReply(c, 1, StreamType.TYPE, TypedLookup.ZERO);
        if (v != null) {
            c.reply.integer(((StreamValue) v).length);
        }
    }

    // XDEL key id [id ...]
    static void xdel(Client c) {
        Argv a = c.argv;
        KeyEntry e = TypedLookup.write(c, 1, StreamType.TYPE);
        if (e == null) {
            c.reply.integer(0);
            return;
        }
        StreamId[] ids = new StreamId[a.count() - 2];
        for (int j = 2; j < a.count(); j++) {
            ids[j - 2] = StreamIds.parse(a, j, 0, true);
        }
        StreamValue s = (StreamValue) e.value();
        Db db = c.db();
        long before = db.beforeChange(e);
        long deleted = 0;
        boolean firstEntry = false;
        for (StreamId id : ids) {
            if (s.delete(id.ms, id.seq)) {
                if (id.compareTo(s.firstMs, s.firstSeq) == 0) {
                    firstEntry = true;
                }
                if (id.compareTo(s.maxDelMs, s.maxDelSeq) > 0) {
                    s.maxDelMs = id.ms;
                    s.maxDelSeq = id.seq;
                }
                deleted++;
            }
        }
        if (deleted > 0) {
            if (s.length == 0) {
                s.firstMs = 0;
                s.firstSeq = 0;
            } else if (firstEntry) {
                StreamId f = s.edgeId(true, true);
                s.firstMs = f.ms;
                s.firstSeq = f.seq;
            }
            db.changed(e, before);
            Notify.arg(c, KeyspaceEvents.STREAM, "xdel", 1);
            c.changes(deleted);
        } else {
            db.resized(e, before);
        }
        c.reply.integer(deleted);
    }

    // XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
    static void xsetid(Client c) {
        Argv a = c.argv;
        StreamId id = StreamIds.parse(a, 2, 0, true);
        StreamId maxDel = StreamId.MIN;
        long entriesAdded = -1;
        int i = 3;
        while (i < a.count()) {
            int more = a.count() - 1 - i;
            if (a.is(i, "entriesadded") && more > 0) {
                entriesAdded = Args.longArg(c, i + 1);
                if (entriesAdded < 0) {
                    throw new CommandError("ERR entries_added must be positive");
                }
                i += 2;
            } else if (a.is(i, "maxdeletedid") && more > 0) {
                maxDel = StreamIds.parse(a, i + 1, 0, true);
                if (id.compareTo(maxDel) < 0) {
                    throw new CommandError("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
                }
                i += 2;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        KeyEntry e = TypedLookup.write(c, 1, StreamType.TYPE);
        if (e == null) {
            throw new CommandError(Errors.NO_SUCH_KEY);
        }
        StreamValue s = (StreamValue) e.value();
        if (s.length > 0) {
            StreamId max = s.lastValidId();
            if (id.compareTo(max) < 0) {
                throw new CommandError("ERR The ID specified in XSETID is smaller than the target stream top item");
            }
            if (entriesAdded != -1 && s.length > entriesAdded) {
                throw new CommandError("ERR The entries_added specified in XSETID is smaller than the target stream length");
            }
        }
        Db db = c.db();
        long before = db.beforeChange(e);
        s.lastMs = id.ms;
        s.lastSeq = id.seq;
        if (entriesAdded != -1) {
            s.entriesAdded = entriesAdded;
        }
        if (!maxDel.isZero()) {
            s.maxDelMs = maxDel.ms;
            s.maxDelSeq = maxDel.seq;
        }
        db.resized(e, before);
        c.changes(1);
        c.reply.ok();
        Notify.arg(c, KeyspaceEvents.STREAM, "xsetid", 1);
    }

    // ------------------------------------------------------------------ XREAD and XREADGROUP

    // XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]
    // XREADGROUP GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key [key ...] id [id ...]
    static void xread(Client c, boolean xreadgroup) {
        Argv a = c.argv;
        long timeout = -1;
        long count = 0;
        int streamsArg = 0;
        int streamsCount = 0;
        boolean noack = false;
        int groupArg = -1;
        int consumerArg = -1;
        for (int i = 1; i < a.count(); i++) {
            int more = a.count() - i - 1;
            if (a.is(i, "block") && more > 0) {
                if (c.scriptClient) {
                    throw new CommandError("ERR " + a.cString(0) + " command is not allowed with BLOCK option from scripts");
                }
                i++;
                timeout = BlockingTimeout.integerMillis(c, i);
            } else if (a.is(i, "count") && more > 0) {
                i++;
                count = Args.longArg(c, i);
                if (count < 0) {
                    count = 0;
                }
            } else if (a.is(i, "streams") && more > 0) {
                streamsArg = i + 1;
                streamsCount = a.count() - streamsArg;
                if (streamsCount % 2 != 0) {
                    throw new CommandError("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
                }
                streamsCount /= 2;
                break;
            } else if (a.is(i, "group") && more >= 2) {
                if (!xreadgroup) {
                    throw new CommandError("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
                }
                groupArg = i + 1;
                consumerArg = i + 2;
                i += 2;
            } else if (a.is(i, "noack")) {
                if (!xreadgroup) {
                    throw new CommandError("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
                }
                noack = true;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        if (streamsArg == 0) {
            throw new CommandError(Errors.SYNTAX);
        }
        if (xreadgroup && groupArg < 0) {
            throw new CommandError("ERR Missing GROUP option for XREADGROUP");
        }
        c.preventPropagation();
        Db db = c.db();
        StreamId[] ids = new StreamId[streamsCount];
        StreamGroup[] groups = groupArg >= 0 ? new StreamGroup[streamsCount] : null;
        byte[] groupName = groupArg >= 0 ? a.copy(groupArg) : null;
        for (int i = streamsArg + streamsCount; i < a.count(); i++) {
            int idx = i - streamsArg - streamsCount;
            int keyArg = i - streamsCount;
            StreamValue s = (StreamValue) TypedLookup.read(c, keyArg, StreamType.TYPE);
            if (groupArg >= 0) {
                StreamGroup g = s == null ? null : s.group(groupName);
                if (g == null) {
                    throw new CommandError("NOGROUP No such key '" + a.cString(keyArg) + "' or consumer group '"
                            + a.cString(groupArg) + "' in XREADGROUP with GROUP option");
                }
                groups[idx] = g;
            }
            if (isOneChar(a, i, '$')) {
                if (xreadgroup) {
                    throw new CommandError("ERR The $ ID is meaningless in the context of XREADGROUP: you want to "
                            + "read the history of this consumer by specifying a proper ID, or use the > ID to get "
                            + "new messages. The $ ID would just return an empty result set.");
                }
                ids[idx] = s != null ? new StreamId(s.lastMs, s.lastSeq) : StreamId.MIN;
                continue;
            } else if (isOneChar(a, i, '>')) {
                if (!xreadgroup) {
                    throw new CommandError("ERR The > ID can be specified only when calling XREADGROUP using the "
                            + "GROUP <group> <consumer> option.");
                }
                ids[idx] = StreamId.MAX;
                continue;
            }
            ids[idx] = StreamIds.parse(a, i, 0, true);
        }
        ReplyWriter r = c.reply;
        int served = 0;
        int mark = 0;
        long changes = 0;
        for (int i = 0; i < streamsCount; i++) {
            Object o = db.lookupRead(a, streamsArg + i);
            if (o == null) {
                continue;
            }
            StreamValue s = (StreamValue) o;
            StreamId gt = ids[i];
            boolean serve = false;
            boolean history = false;
            if (groups != null) {
                if (!gt.equals(StreamId.MAX)) {
                    serve = true;
                    history = true;
                } else if (s.length > 0) {
                    StreamId maxid = s.lastValidId();
                    StreamGroup g = groups[i];
                    if (maxid.compareTo(g.lastMs, g.lastSeq) > 0) {
                        serve = true;
                        gt = new StreamId(g.lastMs, g.lastSeq);
                    }
                }
            } else if (s.length > 0) {
                StreamId maxid = s.lastValidId();
                if (maxid.compareTo(gt) > 0) {
                    serve = true;
                }
            }
            if (!serve) {
                continue;
            }
            served++;
            if (served == 1) {
                mark = r.beginDeferred();
            }
            StreamId start = gt.next();
            if (start == null) {
                start = StreamId.MIN;
            }
            if (!r.resp3()) {
                r.array(2);
            }
            r.bulk(a, streamsArg + i);
            if (groups != null) {
                KeyEntry e = db.entry(a, streamsArg + i);
                long before = db.beforeChange(e);
                byte[] key = a.copy(streamsArg + i);
                StreamConsumer consumer = lookupConsumerOrCreate(c, db, groups[i], a.copy(consumerArg), key, noack,
                        groupName);
                if (consumer.seenTime == -1) {
                    changes++;
                }
                consumer.seenTime = c.server.keyspace().now();
                readGroup(c, db, s, start, count, groups[i], consumer, noack, history, key, groupName);
                db.resized(e, before);
                changes++;
            } else {
                replyRange(r, s, start, StreamId.MAX, count, false);
            }
        }
        if (served > 0) {
            if (r.resp3()) {
                r.endMap(mark, served);
            } else {
                r.endArray(mark, served);
            }
            c.changes(changes);
            return;
        }
        c.changes(changes);
        if (timeout != -1) {
            if (c.denyBlocking) {
                r.nullArray();
                return;
            }
            byte[][] keys = Args.copies(a, streamsArg, streamsArg + streamsCount);
            long deadline = BlockingTimeout.deadlineAfter(c, timeout);
            long blockCount = count != 0 ? count : BLOCKED_DEFAULT_COUNT;
            byte[] consumerName = consumerArg >= 0 ? a.copy(consumerArg) : null;
            boolean noAck = noack;
            c.server.clients().blocked().blockOnStreams(c, db, keys, deadline,
                    (receiver, rdb, key) -> serveBlocked(receiver, rdb, key, keys, ids, blockCount, groupName,
                            consumerName, noAck));
            return;
        }
        r.nullArray();
    }

    /**
     * The consumer of the group, created when absent (a change, the xgroup-createconsumer event,
     * and with NOACK an XGROUP CREATECONSUMER propagated). A new consumer is returned with seen
     * time -1 so that the caller counts its creation.
     */
    private static StreamConsumer lookupConsumerOrCreate(Client c, Db db, StreamGroup g, byte[] name, byte[] key,
                                                         boolean noack, byte[] groupName) {
        StreamConsumer consumer = g.consumer(name);
        if (consumer != null) {
            return consumer;
        }
        consumer = g.createConsumer(name, -1);
        c.server.keyspace().notifications().notify(KeyspaceEvents.STREAM, "xgroup-createconsumer", key, db.id);
        if (noack && c.server.propagation().active()) {
            c.server.propagation().add(db.id, Argv.of(XGROUP, CREATECONSUMER, key, groupName, name));
        }
        return consumer;
    }

    /**
     * Serves a consumer of a group from {@code start} on: history from its own PEL, or new
     * entries (which move the group's last ID and read counter, and go into the PELs unless
     * NOACK), propagating as Redis does. Redis's streamReplyWithRange with a group.
     */
    static void readGroup(Client c, Db db, StreamValue s, StreamId start, long count, StreamGroup g,
                          StreamConsumer consumer, boolean noack, boolean history, byte[] key, byte[] groupName) {
        ReplyWriter r = c.reply;
        long now = c.server.keyspace().now();
        if (history) {
            int mark = r.beginDeferred();
            int n = 0;
            Listpack.Entry f = new Listpack.Entry();
            Listpack.Entry v = new Listpack.Entry();
            StreamCursor cur = new StreamCursor();
            for (StreamNack nack : consumer.pel().tailMap(start, true).values()) {
                if (count != 0 && n >= count) {
                    break;
                }
                StreamId id = nack.id;
                s.range(cur, id.ms, id.seq, id.ms, id.seq, false);
                if (cur.next()) {
                    replyEntry(r, cur, f, v);
                    nack.deliveryTime = now;
                    nack.deliveryCount++;
                } else {
                    r.array(2);
                    r.bulk(id.toBytes());
                    r.nullArray();
                }
                n++;
            }
            r.endArray(mark, n);
            return;
        }
        int mark = r.beginDeferred();
        int n = 0;
        boolean propagateLastId = false;
        Listpack.Entry f = new Listpack.Entry();
        Listpack.Entry v = new Listpack.Entry();
        StreamCursor cur = s.range(new StreamCursor(), start.ms, start.seq, -1L, -1L, false);
        boolean propagate = c.server.propagation().active();
        while (cur.next()) {
            if (StreamId.compare(cur.ms, cur.seq, g.lastMs, g.lastSeq) > 0) {
                StreamId id = new StreamId(cur.ms, cur.seq);
                if (g.entriesRead != StreamGroup.INVALID_ENTRIES_READ && !s.rangeHasTombstones(id, null)) {
                    g.entriesRead++;
                } else if (s.entriesAdded != 0) {
                    g.entriesRead = s.estimateDistance(cur.ms, cur.seq);
                }
                g.lastMs = cur.ms;
                g.lastSeq = cur.seq;
                if (noack) {
                    propagateLastId = true;
                }
            }
            long ems = cur.ms;
            long eseq = cur.seq;
            replyEntry(r, cur, f, v);
            if (!noack) {
                StreamId id = new StreamId(ems, eseq);
                StreamNack nack = g.deliver(id, consumer, now);
                if (propagate) {
                    c.server.propagation().add(db.id, xclaimArgv(key, groupName, g, id, nack));
                }
            }
            n++;
            if (count != 0 && n == count) {
                break;
            }
        }
        if (propagate && propagateLastId) {
            c.server.propagation().add(db.id, Argv.of(XGROUP, SETID, key, groupName,
                    StreamId.toBytes(g.lastMs, g.lastSeq), ENTRIESREAD, Numbers.toBytes(g.entriesRead)));
        }
        r.endArray(mark, n);
    }

    /** Redis's streamPropagateXCLAIM. */
    static Argv xclaimArgv(byte[] key, byte[] groupName, StreamGroup g, StreamId id, StreamNack nack) {
        return Argv.of(XCLAIM, key, groupName, nack.consumer.name, ZERO, id.toBytes(), TIME,
                Numbers.toBytes(nack.deliveryTime), RETRYCOUNT, Numbers.toBytes(nack.deliveryCount), FORCE, JUSTID,
                LASTID, StreamId.toBytes(g.lastMs, g.lastSeq));
    }

    /** A blocked XREAD or XREADGROUP tried on a key: Redis's serveClientsBlockedOnStreamKey. */
    private static boolean serveBlocked(Client c, Db db, byte[] key, byte[][] keys, StreamId[] ids, long count,
                                        byte[] groupName, byte[] consumerName, boolean noack) {
        KeyEntry e = db.writeEntry(key, 0, key.length);
        if (e == null || !StreamType.TYPE.holds(e.value())) {
            if (groupName != null) {
                c.reply.error("UNBLOCKED the stream key no longer exists");
                return true;
            }
            return false;
        }
        StreamValue s = (StreamValue) e.value();
        int k = 0;
        while (!java.util.Arrays.equals(keys[k], key)) {
            k++;
        }
        StreamId gt = ids[k];
        StreamGroup g = null;
        if (groupName != null) {
            g = s.group(groupName);
            if (g == null) {
                c.reply.error("NOGROUP the consumer group this client was blocked on no longer exists");
                return true;
            }
            gt = new StreamId(g.lastMs, g.lastSeq);
        }
        if (StreamId.compare(s.lastMs, s.lastSeq, gt.ms, gt.seq) <= 0) {
            return false;
        }
        StreamId start = gt.next();
        if (start == null) {
            start = StreamId.MIN;
        }
        ReplyWriter r = c.reply;
        if (r.resp3()) {
            r.map(1);
        } else {
            r.array(1);
            r.array(2);
        }
        r.bulk(key);
        if (g != null) {
            long before = db.beforeChange(e);
            StreamConsumer consumer = lookupConsumerOrCreate(c, db, g, consumerName, key, noack, groupName);
            if (consumer.seenTime == -1) {
                // Counted as streamCreateConsumer counts it; the serve itself counts nothing.
                c.changes(1);
            }
            consumer.seenTime = c.server.keyspace().now();
            readGroup(c, db, s, start, count, g, consumer, noack, false, key, groupName);
            db.resized(e, before);
        } else {
            replyRange(r, s, start, StreamId.MAX, count, false);
        }
        return true;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
