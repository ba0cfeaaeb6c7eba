package dev.cinnabar.server.commands;

import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.datatypes.stream.StreamConsumer;
import dev.cinnabar.datatypes.stream.StreamCursor;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Consumer groups: XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER, HELP), XACK,
 * XPENDING, XCLAIM, XAUTOCLAIM, and XINFO (STREAM, GROUPS, CONSUMERS, HELP), as Redis 7.0's
 * t_stream.c has them. None of them signals the key as modified (WATCH) except XGROUP CREATE
 * MKSTREAM creating the stream; XGROUP DESTROY wakes the XREADGROUP clients blocked on the
 * key, which answer NOGROUP.
 *
 * <p>XCLAIM and XAUTOCLAIM propagate one forced XCLAIM per entry claimed or dropped (see
 * {@link StreamCommands#xclaimArgv}); XCLAIM with a LASTID that moved the group and nothing else
 * to propagate goes as {@code XGROUP SETID}.
 */
public final class StreamGroupCommands {
    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("xgroup|create", this, 0);
            t.bind("xgroup|setid", this, 1);
            t.bind("xgroup|destroy", this, 2);
            t.bind("xgroup|createconsumer", this, 3);
            t.bind("xgroup|delconsumer", this, 4);
            t.bind("xgroup|help", this, 5);
            t.bind("xack", this, 6);
            t.bind("xpending", this, 7);
            t.bind("xclaim", this, 8);
            t.bind("xautoclaim", this, 9);
            t.bind("xinfo|stream", this, 10);
            t.bind("xinfo|groups", this, 11);
            t.bind("xinfo|consumers", this, 12);
            t.bind("xinfo|help", this, 13);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> StreamGroupCommands.xgroup(c);
                case 1 -> StreamGroupCommands.xgroup(c);
                case 2 -> StreamGroupCommands.xgroup(c);
                case 3 -> StreamGroupCommands.xgroup(c);
                case 4 -> StreamGroupCommands.xgroup(c);
                case 5 -> StreamGroupCommands.xgroupHelp(c);
                case 6 -> StreamGroupCommands.xack(c);
                case 7 -> StreamGroupCommands.xpending(c);
                case 8 -> StreamGroupCommands.xclaim(c);
                case 9 -> StreamGroupCommands.xautoclaim(c);
                case 10 -> StreamGroupCommands.xinfo(c);
                case 11 -> StreamGroupCommands.xinfo(c);
                case 12 -> StreamGroupCommands.xinfo(c);
                case 13 -> StreamGroupCommands.xinfoHelp(c);
                default -> throw new IllegalArgumentException("StreamGroupCommands has no handler " + handler);
            }
        }
    }

    private static String noGroup(Client c, int keyArg, int groupArg) {
        return "NOGROUP No such key '" + c.argv.cString(keyArg) + "' or consumer group '" + c.argv.cString(groupArg)
                + "'";
    }

    // ------------------------------------------------------------------ XGROUP

    // XGROUP HELP
    static void xgroupHelp(Client c) {
        Help.reply(c, new String[] {
            "CREATE <key> <groupname> <id|$> [option]",
            "    Create a new consumer group. Options are:",
            "    * MKSTREAM",
            "      Create the empty stream if it does not exist.",
            "    * ENTRIESREAD entries_read",
            "      Set the group's entries_read counter (internal use).",
            "CREATECONSUMER <key> <groupname> <consumer>",
            "    Create a new consumer in the specified group.",
            "DELCONSUMER <key> <groupname> <consumer>",
            "    Remove the specified consumer.",
            "DESTROY <key> <groupname>",
            "    Remove the specified group.",
            "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
            "    Set the current group ID and entries_read counter.",
        });
    }

    // XGROUP CREATE key group <id | $> [MKSTREAM] [ENTRIESREAD entries-read]
    // XGROUP SETID key group <id | $> [ENTRIESREAD entries-read]
    // XGROUP DESTROY key group
    // XGROUP CREATECONSUMER key group consumer
    // XGROUP DELCONSUMER key group consumer
    static void xgroup(Client c) {
        Argv a = c.argv;
        int argc = a.count();
        boolean create = a.is(1, "create");
        boolean setid = a.is(1, "setid");
        boolean mkstream = false;
        long entriesRead = StreamGroup.INVALID_ENTRIES_READ;
        int i = 5;
        while (i < argc) {
            if (create && a.is(i, "mkstream")) {
                mkstream = true;
                i++;
            } else if ((create || setid) && a.is(i, "entriesread") && i + 1 < argc) {
                entriesRead = Args.longArg(c, i + 1);
                if (entriesRead < 0 && entriesRead != StreamGroup.INVALID_ENTRIES_READ) {
                    throw new CommandError("ERR value for ENTRIESREAD must be positive or -1");
                }
                i += 2;
            } else {
                throw new CommandError(Errors.subcommandSyntax(a));
            }
        }
        Db db = c.db();
        KeyEntry e = TypedLookup.write(c, 2, StreamType.TYPE);
        StreamValue s = e == null ? null : (StreamValue) e.value();
        byte[] groupName = a.copy(3);
        StreamGroup g = null;
        if (!mkstream) {
            if (s == null) {
                throw new CommandError("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE "
                        + "you may want to use the MKSTREAM option to create an empty stream automatically.");
            }
            g = s.group(groupName);
            if (g == null && (setid || a.is(1, "createconsumer") || a.is(1, "delconsumer"))) {
                throw new CommandError("NOGROUP No such consumer group '" + a.cString(3) + "' for key name '"
                        + a.cString(2) + "'");
            }
        }
        if (create && argc >= 5 && argc <= 8) {
            StreamId id;
            if (isDollar(a, 4)) {
                id = s != null ? new StreamId(s.lastMs, s.lastSeq) : StreamId.MIN;
            } else {
                id = StreamIds.parse(a, 4, 0, true);
            }
            if (s == null) {
                s = new StreamValue();
                e = db.add(a.copy(2), s);
            }
            long before = db.beforeChange(e);
            StreamGroup created = s.createGroup(groupName, id.ms, id.seq, entriesRead);
            db.resized(e, before);
            if (created != null) {
                c.reply.ok();
                c.changes(1);
                Notify.arg(c, KeyspaceEvents.STREAM, "xgroup-create", 2);
            } else {
                c.reply.error("BUSYGROUP Consumer Group name already exists");
            }
        } else if (setid && (argc == 5 || argc == 7)) {
            StreamId id;
            if (isDollar(a, 4)) {
                id = new StreamId(s.lastMs, s.lastSeq);
            } else {
                id = StreamIds.parse(a, 4, 0, false);
            }
            long before = db.beforeChange(e);
            g.lastMs = id.ms;
            g.lastSeq = id.seq;
            g.entriesRead = entriesRead;
            db.resized(e, before);
            c.reply.ok();
            c.changes(1);
            Notify.arg(c, KeyspaceEvents.STREAM, "xgroup-setid", 2);
        } else if (a.is(1, "destroy") && argc == 4) {
            if (g != null) {
                long before = db.beforeChange(e);
                s.destroyGroup(groupName);
                db.resized(e, before);
                c.reply.integer(1);
                c.changes(1);
                Notify.arg(c, KeyspaceEvents.STREAM, "xgroup-destroy", 2);
                c.server.clients().blocked().signal(db, a.array(2), a.offset(2), a.length(2));
            } else {
                c.reply.integer(0);
            }
        } else if (a.is(1, "createconsumer") && argc == 5) {
            long before = db.beforeChange(e);
            StreamConsumer created = g.createConsumer(a.copy(4), c.server.keyspace().now());
            db.resized(e, before);
            if (created != null) {
                c.changes(1);
                Notify.arg(c, KeyspaceEvents.STREAM, "xgroup-createconsumer", 2);
            }
            c.reply.integer(created != null ? 1 : 0);
        } else if (a.is(1, "delconsumer") && argc == 5) {
            long pending = 0;
            StreamConsumer consumer = g.consumer(a.copy(4));
            if (consumer != null) {
                long before = db.beforeChange(e);
                pending = g.deleteConsumer(consumer);
                db.resized(e, before);
                c.changes(1);
                Notify.arg(c, KeyspaceEvents.STREAM, "xgroup-delconsumer", 2);
            }
            c.reply.integer(pending);
        } else {
            throw new CommandError(Errors.subcommandSyntax(a));
        }
    }

    private static boolean isDollar(Argv a, int i) {
        return a.length(i) == 1 && a.byteAt(i, 0) == '$';
    }

    // ------------------------------------------------------------------ XACK

    // XACK key group id [id ...]
    static void xack(Client c) {
        Argv a = c.argv;
        Db db = c.db();
        StreamValue s = (StreamValue) TypedLookup.read(c, 1, StreamType.TYPE);
        StreamGroup g = s == null ? null : s.group(a.copy(2));
        if (g == null) {
            c.reply.integer(0);
            return;
        }
        StreamId[] ids = new StreamId[a.count() - 3];
        for (int j = 3; j < a.count(); j++) {
            ids[j - 3] = StreamIds.parse(a, j, 0, true);
        }
        KeyEntry e = db.entry(a, 1);
        long before = db.beforeChange(e);
        long acked = 0;
        for (StreamId id : ids) {
            StreamNack n = g.nack(id);
            if (n != null) {
                g.remove(n);
                acked++;
            }
        }
        db.resized(e, before);
        c.changes(acked);
        c.reply.integer(acked);
    }

    // ------------------------------------------------------------------ XPENDING

    // XPENDING key group [[IDLE min-idle-time] start end count [consumer]]
    static void xpending(Client c) {
        Argv a = c.argv;
        int argc = a.count();
        boolean justinfo = argc == 3;
        long count = 0;
        long minidle = 0;
        StreamId start = null;
        StreamId end = null;
        int consumerArg = -1;
        if (argc != 3 && (argc < 6 || argc > 9)) {
            throw new CommandError(Errors.SYNTAX);
        }
        if (argc >= 6) {
            int startIdx = 3;
            if (a.is(3, "idle")) {
                minidle = Args.longArg(c, 4);
                if (argc < 8) {
                    throw new CommandError(Errors.SYNTAX);
                }
                startIdx += 2;
            }
            count = Args.longArg(c, startIdx + 2);
            if (count < 0) {
                count = 0;
            }
            start = StreamCommands.lowerBound(a, startIdx);
            end = StreamCommands.upperBound(a, startIdx + 1);
            if (startIdx + 3 < argc) {
                consumerArg = startIdx + 3;
            }
        }
        StreamValue s = (StreamValue) TypedLookup.read(c, 1, StreamType.TYPE);
        StreamGroup g = s == null ? null : s.group(a.copy(2));
        if (g == null) {
            throw new CommandError(noGroup(c, 1, 2));
        }
        ReplyWriter r = c.reply;
        if (justinfo) {
            r.array(4);
            r.integer(g.pel().size());
            if (g.pel().isEmpty()) {
                r.nullBulk();
                r.nullBulk();
                r.nullArray();
            } else {
                r.bulk(g.pel().firstKey().toBytes());
                r.bulk(g.pel().lastKey().toBytes());
                int mark = r.beginDeferred();
                int n = 0;
                for (StreamConsumer con : g.consumers().values()) {
                    if (con.pending() == 0) {
                        continue;
                    }
                    r.array(2);
                    r.bulk(con.name);
                    r.bulk(Numbers.toBytes(con.pending()));
                    n++;
                }
                r.endArray(mark, n);
            }
            return;
        }
        Map<StreamId, StreamNack> pel;
        if (consumerArg >= 0) {
            StreamConsumer con = g.consumer(a.copy(consumerArg));
            if (con == null) {
                r.array(0);
                return;
            }
            pel = con.pel();
        } else {
            pel = g.pel();
        }
        long now = c.server.keyspace().now();
        int mark = r.beginDeferred();
        int n = 0;
        if (start.compareTo(end) <= 0) {
            for (StreamNack nack : ((java.util.NavigableMap<StreamId, StreamNack>) pel).subMap(start, true, end, true)
                    .values()) {
                if (count == 0) {
                    break;
                }
                if (minidle != 0) {
                    long idle = now - nack.deliveryTime;
                    if (idle < minidle) {
                        continue;
                    }
                }
                n++;
                count--;
                r.array(4);
                r.bulk(nack.id.toBytes());
                r.bulk(nack.consumer.name);
                long elapsed = now - nack.deliveryTime;
                r.integer(elapsed < 0 ? 0 : elapsed);
                r.integer(nack.deliveryCount);
            }
        }
        r.endArray(mark, n);
    }

    // ------------------------------------------------------------------ XCLAIM

    // XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-time-milliseconds]
    //   [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid]
    static void xclaim(Client c) {
        Argv a = c.argv;
        Db db = c.db();
        StreamValue s = (StreamValue) TypedLookup.read(c, 1, StreamType.TYPE);
        StreamGroup g = s == null ? null : s.group(a.copy(2));
        if (g == null) {
            throw new CommandError(noGroup(c, 1, 2));
        }
        long minidle = Args.longArg(c, 4, "ERR Invalid min-idle-time argument for XCLAIM");
        if (minidle < 0) {
            minidle = 0;
        }
        List<StreamId> ids = new ArrayList<>();
        int j;
        for (j = 5; j < a.count(); j++) {
            try {
                ids.add(StreamIds.parse(a, j, 0, true));
            } catch (CommandError notAnId) {
                break;
            }
        }
        int lastIdArg = j - 1;
        long now = c.server.keyspace().now();
        long retrycount = -1;
        long deliverytime = -1;
        boolean force = false;
        boolean justid = false;
        StreamId lastId = StreamId.MIN;
        for (; j < a.count(); j++) {
            int more = a.count() - 1 - j;
            if (a.is(j, "force")) {
                force = true;
            } else if (a.is(j, "justid")) {
                justid = true;
            } else if (a.is(j, "idle") && more > 0) {
                j++;
                deliverytime = now - Args.longArg(c, j, "ERR Invalid IDLE option argument for XCLAIM");
            } else if (a.is(j, "time") && more > 0) {
                j++;
                deliverytime = Args.longArg(c, j, "ERR Invalid TIME option argument for XCLAIM");
            } else if (a.is(j, "retrycount") && more > 0) {
                j++;
                retrycount = Args.longArg(c, j, "ERR Invalid RETRYCOUNT option argument for XCLAIM");
            } else if (a.is(j, "lastid") && more > 0) {
                j++;
                lastId = StreamIds.parse(a, j, 0, true);
            } else {
                throw new CommandError("ERR Unrecognized XCLAIM option '" + a.cString(j) + "'");
            }
        }
        KeyEntry e = db.entry(a, 1);
        long before = db.beforeChange(e);
        boolean propagateLastId = false;
        if (lastId.compareTo(g.lastMs, g.lastSeq) > 0) {
            g.lastMs = lastId.ms;
            g.lastSeq = lastId.seq;
            propagateLastId = true;
        }
        if (deliverytime != -1) {
            if (deliverytime < 0 || deliverytime > now) {
                deliverytime = now;
            }
        } else {
            deliverytime = now;
        }
        boolean propagate = c.server.propagation().active();
        byte[] key = a.copy(1);
        byte[] groupName = a.copy(2);
        byte[] name = a.copy(3);
        StreamConsumer consumer = null;
        ReplyWriter r = c.reply;
        int mark = r.beginDeferred();
        int n = 0;
        long changes = 0;
        StreamCursor cur = new StreamCursor();
        Listpack.Entry f = new Listpack.Entry();
        Listpack.Entry v = new Listpack.Entry();
        for (int k = 5; k <= lastIdArg; k++) {
            StreamId id = ids.get(k - 5);
            StreamNack nack = g.nack(id);
            s.range(cur, id.ms, id.seq, id.ms, id.seq, false);
            if (!cur.next()) {
                if (nack != null) {
                    if (propagate) {
                        c.server.propagation().add(db.id, xclaimArgv(key, groupName, g, a.copy(k), nack));
                    }
                    propagateLastId = false;
                    changes++;
                    g.remove(nack);
                }
                continue;
            }
            boolean fresh = false;
            if (force && nack == null) {
                fresh = true;
            }
            if (nack != null || fresh) {
                if (!fresh && minidle != 0) {
                    long idle = now - nack.deliveryTime;
                    if (idle < minidle) {
                        continue;
                    }
                }
                if (consumer == null) {
                    consumer = g.consumer(name);
                    if (consumer == null) {
                        consumer = g.createConsumer(name, now);
                        changes++;
                        Notify.arg(c, KeyspaceEvents.STREAM, "xgroup-createconsumer", 1);
                    } else {
                        consumer.seenTime = now;
                    }
                }
                if (fresh) {
                    nack = g.addPending(id, consumer, now);
                } else {
                    g.transfer(nack, consumer);
                }
                nack.deliveryTime = deliverytime;
                if (retrycount >= 0) {
                    nack.deliveryCount = retrycount;
                } else if (!justid) {
                    nack.deliveryCount++;
                }
                if (justid) {
                    r.bulk(id.toBytes());
                } else {
                    StreamCommands.replyEntry(r, cur, f, v);
                }
                n++;
                if (propagate) {
                    c.server.propagation().add(db.id, xclaimArgv(key, groupName, g, a.copy(k), nack));
                }
                propagateLastId = false;
                changes++;
            }
        }
        if (propagateLastId) {
            if (propagate) {
                c.server.propagation().add(db.id, Argv.of(StreamCommands.XGROUP, StreamCommands.SETID, key, groupName,
                        StreamId.toBytes(g.lastMs, g.lastSeq), StreamCommands.ENTRIESREAD,
                        Numbers.toBytes(g.entriesRead)));
            }
            changes++;
        }
        r.endArray(mark, n);
        db.resized(e, before);
        c.changes(changes);
        c.preventPropagation();
    }

    private static Argv xclaimArgv(byte[] key, byte[] groupName, StreamGroup g, byte[] id, StreamNack nack) {
        return Argv.of(StreamCommands.XCLAIM, key, groupName, nack.consumer.name, StreamCommands.ZERO, id,
                StreamCommands.TIME, Numbers.toBytes(nack.deliveryTime), StreamCommands.RETRYCOUNT,
                Numbers.toBytes(nack.deliveryCount), StreamCommands.FORCE, StreamCommands.JUSTID,
                StreamCommands.LASTID, StreamId.toBytes(g.lastMs, g.lastSeq));
    }

    // ------------------------------------------------------------------ XAUTOCLAIM

    // XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
    static void xautoclaim(Client c) {
        Argv a = c.argv;
        Db db = c.db();
        // Read before the arguments are checked (a hit or a miss even when they are bad), as Redis does.
        Object found = db.lookupRead(a, 1);
        long minidle = Args.longArg(c, 4, "ERR Invalid min-idle-time argument for XAUTOCLAIM");
        if (minidle < 0) {
            minidle = 0;
        }
        StreamId start = StreamCommands.lowerBound(a, 5);
        long count = 100;
        boolean justid = false;
        int j = 6;
        while (j < a.count()) {
            int more = a.count() - 1 - j;
            if (a.is(j, "count") && more > 0) {
                long maxCount = Long.MAX_VALUE / 16;
                count = Args.longArg(c, j + 1, 1, maxCount, "ERR COUNT must be > 0");
                j++;
            } else if (a.is(j, "justid")) {
                justid = true;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
            j++;
        }
        StreamValue s = (StreamValue) TypedLookup.checked(found, StreamType.TYPE);
        StreamGroup g = s == null ? null : s.group(a.copy(2));
        if (g == null) {
            throw new CommandError(noGroup(c, 1, 2));
        }
        KeyEntry e = db.entry(a, 1);
        long before = db.beforeChange(e);
        boolean propagate = c.server.propagation().active();
        byte[] key = a.copy(1);
        byte[] groupName = a.copy(2);
        byte[] name = a.copy(3);
        long now = c.server.keyspace().now();
        long attempts = count * 10;
        StreamConsumer consumer = null;
        List<StreamId> deleted = new ArrayList<>();
        List<StreamId> claimed = new ArrayList<>();
        long changes = 0;
        StreamCursor cur = new StreamCursor();
        java.util.NavigableMap<StreamId, StreamNack> pel = g.pel();
        StreamId pos = start;
        boolean first = true;
        while (attempts-- > 0 && count > 0) {
            Map.Entry<StreamId, StreamNack> me = first ? pel.ceilingEntry(pos) : pel.higherEntry(pos);
            if (me == null) {
                pos = null;
                break;
            }
            first = false;
            pos = me.getKey();
            StreamNack nack = me.getValue();
            StreamId id = nack.id;
            s.range(cur, id.ms, id.seq, id.ms, id.seq, false);
            if (!cur.next()) {
                if (propagate) {
                    c.server.propagation().add(db.id, xclaimArgv(key, groupName, g, id.toBytes(), nack));
                }
                changes++;
                g.remove(nack);
                deleted.add(id);
                count--;
                continue;
            }
            if (minidle != 0 && now - nack.deliveryTime < minidle) {
                continue;
            }
            if (consumer == null) {
                consumer = g.consumer(name);
                if (consumer == null) {
                    consumer = g.createConsumer(name, now);
                    changes++;
                    Notify.arg(c, KeyspaceEvents.STREAM, "xgroup-createconsumer", 1);
                } else {
                    consumer.seenTime = now;
                }
            }
            g.transfer(nack, consumer);
            nack.deliveryTime = now;
            if (!justid) {
                nack.deliveryCount++;
            }
            claimed.add(id);
            count--;
            if (propagate) {
                c.server.propagation().add(db.id, xclaimArgv(key, groupName, g, id.toBytes(), nack));
            }
            changes++;
        }
        StreamId next = null;
        if (pos != null) {
            Map.Entry<StreamId, StreamNack> me = first ? pel.ceilingEntry(pos) : pel.higherEntry(pos);
            next = me == null ? null : me.getKey();
        }
        ReplyWriter r = c.reply;
        r.array(3);
        r.bulk((next == null ? StreamId.MIN : next).toBytes());
        r.array(claimed.size());
        Listpack.Entry f = new Listpack.Entry();
        Listpack.Entry v = new Listpack.Entry();
        for (StreamId id : claimed) {
            if (justid) {
                r.bulk(id.toBytes());
            } else {
                s.range(cur, id.ms, id.seq, id.ms, id.seq, false);
                cur.next();
                StreamCommands.replyEntry(r, cur, f, v);
            }
        }
        r.array(deleted.size());
        for (StreamId id : deleted) {
            r.bulk(id.toBytes());
        }
        db.resized(e, before);
        c.changes(changes);
        c.preventPropagation();
    }

    // ------------------------------------------------------------------ XINFO

    // XINFO HELP
    static void xinfoHelp(Client c) {
        Help.reply(c, new String[] {
            "CONSUMERS <key> <groupname>",
            "    Show consumers of <groupname>.",
            "GROUPS <key>",
            "    Show the stream consumer groups.",
            "STREAM <key> [FULL [COUNT <count>]",
            "    Show information about the stream.",
        });
    }

    // XINFO CONSUMERS key group, XINFO GROUPS key, XINFO STREAM key [FULL [COUNT count]]
    static void xinfo(Client c) {
        Argv a = c.argv;
        Object o = TypedLookup.readOrReply(c, 2, StreamType.TYPE, w -> w.error(Errors.NO_SUCH_KEY));
        if (o == null) {
            return;
        }
        StreamValue s = (StreamValue) o;
        ReplyWriter r = c.reply;
        if (a.is(1, "consumers") && a.count() == 4) {
            StreamGroup g = s.group(a.copy(3));
            if (g == null) {
                throw new CommandError("NOGROUP No such consumer group '" + a.cString(3) + "' for key name '"
                        + a.cString(2) + "'");
            }
            r.array(g.consumers().size());
            long now = c.server.keyspace().now();
            for (StreamConsumer con : g.consumers().values()) {
                long idle = now - con.seenTime;
                if (idle < 0) {
                    idle = 0;
                }
                r.map(3);
                r.bulk("name");
                r.bulk(con.name);
                r.bulk("pending");
                r.integer(con.pending());
                r.bulk("idle");
                r.integer(idle);
            }
        } else if (a.is(1, "groups") && a.count() == 3) {
            r.array(s.groupCount());
            for (StreamGroup g : s.groups().values()) {
                r.map(6);
                r.bulk("name");
                r.bulk(g.name);
                r.bulk("consumers");
                r.integer(g.consumers().size());
                r.bulk("pending");
                r.integer(g.pel().size());
                r.bulk("last-delivered-id");
                r.bulk(StreamId.toBytes(g.lastMs, g.lastSeq));
                r.bulk("entries-read");
                entriesRead(r, g);
                r.bulk("lag");
                lag(r, s, g);
            }
        } else if (a.is(1, "stream")) {
            streamInfo(c, s);
        } else {
            throw new CommandError(Errors.subcommandSyntax(a));
        }
    }

    private static void entriesRead(ReplyWriter r, StreamGroup g) {
        if (g.entriesRead != StreamGroup.INVALID_ENTRIES_READ) {
            r.integer(g.entriesRead);
        } else {
            r.nullBulk();
        }
    }

    private static void lag(ReplyWriter r, StreamValue s, StreamGroup g) {
        Long lag = s.lag(g);
        if (lag != null) {
            r.integer(lag);
        } else {
            r.nullBulk();
        }
    }

    private static void streamInfo(Client c, StreamValue s) {
        Argv a = c.argv;
        boolean full = true;
        long count = 10;
        int optc = a.count() - 3;
        if (optc == 0) {
            full = false;
        } else {
            if (optc != 1 && optc != 3) {
                throw new CommandError(Errors.subcommandSyntax(a));
            }
            if (!a.is(3, "full")) {
                throw new CommandError(Errors.subcommandSyntax(a));
            }
            if (optc == 3) {
                if (!a.is(4, "count")) {
                    throw new CommandError(Errors.subcommandSyntax(a));
                }
                count = Args.longArg(c, 5);
                if (count < 0) {
                    count = 10;
                }
            }
        }
        ReplyWriter r = c.reply;
        r.map(full ? 9 : 10);
        r.bulk("length");
        r.integer(s.length);
        r.bulk("radix-tree-keys");
        r.integer(s.index().size());
        r.bulk("radix-tree-nodes");
        r.integer(s.raxNodes());
        r.bulk("last-generated-id");
        r.bulk(StreamId.toBytes(s.lastMs, s.lastSeq));
        r.bulk("max-deleted-entry-id");
        r.bulk(StreamId.toBytes(s.maxDelMs, s.maxDelSeq));
        r.bulk("entries-added");
        r.integer(s.entriesAdded);
        r.bulk("recorded-first-entry-id");
        r.bulk(StreamId.toBytes(s.firstMs, s.firstSeq));
        Listpack.Entry f = new Listpack.Entry();
        Listpack.Entry v = new Listpack.Entry();
        if (!full) {
            r.bulk("groups");
            r.integer(s.groupCount());
            r.bulk("first-entry");
            StreamCursor cur = new StreamCursor().start(s.index(), false);
            if (cur.next()) {
                StreamCommands.replyEntry(r, cur, f, v);
            } else {
                r.nullBulk();
            }
            r.bulk("last-entry");
            cur = new StreamCursor().start(s.index(), true);
            if (cur.next()) {
                StreamCommands.replyEntry(r, cur, f, v);
            } else {
                r.nullBulk();
            }
            return;
        }
        r.bulk("entries");
        StreamCommands.replyRange(r, s, StreamId.MIN, StreamId.MAX, count, false);
        r.bulk("groups");
        r.array(s.groupCount());
        for (StreamGroup g : s.groups().values()) {
            r.map(7);
            r.bulk("name");
            r.bulk(g.name);
            r.bulk("last-delivered-id");
            r.bulk(StreamId.toBytes(g.lastMs, g.lastSeq));
            r.bulk("entries-read");
            entriesRead(r, g);
            r.bulk("lag");
            lag(r, s, g);
            r.bulk("pel-count");
            r.integer(g.pel().size());
            r.bulk("pending");
            int mark = r.beginDeferred();
            int n = 0;
            for (StreamNack nack : g.pel().values()) {
                if (count != 0 && n >= count) {
                    break;
                }
                r.array(4);
                r.bulk(nack.id.toBytes());
                r.bulk(nack.consumer.name);
                r.integer(nack.deliveryTime);
                r.integer(nack.deliveryCount);
                n++;
            }
            r.endArray(mark, n);
            r.bulk("consumers");
            r.array(g.consumers().size());
            for (StreamConsumer con : g.consumers().values()) {
                r.map(4);
                r.bulk("name");
                r.bulk(con.name);
                r.bulk("seen-time");
                r.integer(con.seenTime);
                r.bulk("pel-count");
                r.integer(con.pending());
                r.bulk("pending");
                int cm = r.beginDeferred();
                int cn = 0;
                for (StreamNack nack : con.pel().values()) {
                    if (count != 0 && cn >= count) {
                        break;
                    }
                    r.array(3);
                    r.bulk(nack.id.toBytes());
                    r.integer(nack.deliveryTime);
                    r.integer(nack.deliveryCount);
                    cn++;
                }
                r.endArray(cm, cn);
            }
        }
    }
}
