package dev.cinnabar.server.commands;

import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.LongDouble;
import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.datatypes.value.HashType;
import dev.cinnabar.datatypes.value.HashValue;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.exec.CommandHandlers;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The hash commands. A hash is a {@link HashValue}: a listpack while it has at most
 * {@code hash-max-listpack-entries} pairs and no field or value longer than
 * {@code hash-max-listpack-value} bytes, a dict after that.
 */
public final class HashCommands {
    static final String NOT_INTEGER_VALUE = "ERR hash value is not an integer";
    /** A value being read; one serves every command (they run one at a time on the engine thread). */
    private static final Listpack.Entry VALUE = new Listpack.Entry();
    static final String NOT_FLOAT_VALUE = "ERR hash value is not a float";
    static final String NAN_OR_INFINITY_INCR = "ERR value is NaN or Infinity";
    static final String RANGE_WITHVALUES = "ERR value is out of range";
    static final String COUNT_RANGE = "ERR value is out of range, value must between " + -Long.MAX_VALUE + " and "
            + Long.MAX_VALUE;
    private static final byte[] HSET = "HSET".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** Above this many times the count, HRANDFIELD picks pairs rather than removing them. */
    private static final int SUB_STRATEGY_MUL = 3;

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("hset", this, 0);
            t.bind("hmset", this, 1);
            t.bind("hsetnx", this, 2);
            t.bind("hget", this, 3);
            t.bind("hmget", this, 4);
            t.bind("hdel", this, 5);
            t.bind("hlen", this, 6);
            t.bind("hstrlen", this, 7);
            t.bind("hexists", this, 8);
            t.bind("hkeys", this, 9);
            t.bind("hvals", this, 10);
            t.bind("hgetall", this, 11);
            t.bind("hincrby", this, 12);
            t.bind("hincrbyfloat", this, 13);
            t.bind("hrandfield", this, 14);
            t.bind("hscan", this, 15);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> HashCommands.hset(c, true);
                case 1 -> HashCommands.hset(c, false);
                case 2 -> HashCommands.hsetnx(c);
                case 3 -> HashCommands.hget(c);
                case 4 -> HashCommands.hmget(c);
                case 5 -> HashCommands.hdel(c);
                case 6 -> HashCommands.hlen(c);
                case 7 -> HashCommands.hstrlen(c);
                case 8 -> HashCommands.hexists(c);
                case 9 -> HashCommands.hgetall(c, true, false);
                case 10 -> HashCommands.hgetall(c, false, true);
                case 11 -> HashCommands.hgetall(c, true, true);
                case 12 -> HashCommands.hincrby(c);
                case 13 -> HashCommands.hincrbyfloat(c);
                case 14 -> HashCommands.hrandfield(c);
                case 15 -> HashCommands.hscan(c);
                default -> throw new IllegalArgumentException("HashCommands has no handler " + handler);
            }
        }
    }

    // ------------------------------------------------------------------ the write side

    /**
     * The hash of key argument 1 about to be written: the live entry's (the change bracketed by
     * {@link #done}), or a new empty one added to the keyspace by {@link #done}.
     */
    private static final class Target {
        final Client c;
        final KeyEntry entry;
        final HashValue hash;
        final long before;

        Target(Client c) {
            this(c, TypedLookup.write(c, 1, HashType.TYPE));
        }

        /** {@code entry} is what {@link TypedLookup#write} just gave for key argument 1. */
        Target(Client c, KeyEntry entry) {
            this.c = c;
            this.entry = entry;
            if (entry != null) {
                hash = (HashValue) entry.value();
                before = c.db().beforeChange(entry);
            } else {
                hash = new HashValue();
                before = 0;
            }
        }

        void done() {
            Db db = c.db();
            if (entry != null) {
                db.changed(entry, before);
            } else {
                db.add(c.argv.copy(1), hash);
            }
        }
    }


    /** Redis's hashTypeTryConversion over arguments {@code from..to}. */
    static void convertForArguments(Client c, HashValue h, int from, int to) {
        if (!h.isListpack()) {
            return;
        }
        Argv a = c.argv;
        long longest = 0;
        long sum = 0;
        for (int i = from; i <= to; i++) {
            longest = Math.max(longest, a.length(i));
            sum += a.length(i);
        }
        h.convertIfLonger(longest, sum, c.server.config().hashMaxListpackValue);
    }

    /**
     * Room in the listpack for the new pairs in arguments {@code from..to} at once, when there
     * are several and they will still fit in a listpack (after {@link Target}'s accounting has
     * read the size before); returns the listpack, or null when nothing was reserved. Fields
     * already there are not counted: their values are rewritten where they are, and room reserved
     * for them would cost two copies of the listpack per HSET (this one and the trim after), the
     * old arrays left to the collector's old generation once the hash has been there a while.
     */
    private static Listpack reserveForPairs(Client c, HashValue h, int from, int to) {
        Listpack lp = h.listpack();
        if (lp == null || (to - from + 1) / 2 < 2) {
            return null;
        }
        Argv a = c.argv;
        int pairs = 0;
        int bytes = 0;
        for (int i = from; i < to; i += 2) {
            if (!h.contains(a.array(i), a.offset(i), a.length(i))) {
                pairs++;
                bytes += Args.listpackBytes(a, i, i + 1);
            }
        }
        if (pairs < 2 || lp.size() / 2 + pairs > c.server.config().hashMaxListpackEntries) {
            return null;
        }
        lp.reserve(bytes);
        return lp;
    }

    /** Sets a field; its expiry time is dropped unless {@code keepTtl} (HINCRBY keeps it, as in Redis 7.4). */
    private static boolean set(Client c, HashValue h, int fieldArg, byte[] v, int off, int len, boolean keepTtl) {
        Argv a = c.argv;
        ServerConfig cfg = c.server.config();
        return h.set(a.array(fieldArg), a.offset(fieldArg), a.length(fieldArg), v, off, len,
                cfg.hashMaxListpackEntries, cfg.hashMaxListpackValue, keepTtl);
    }

    private static boolean set(Client c, HashValue h, int fieldArg, int valueArg) {
        Argv a = c.argv;
        return set(c, h, fieldArg, a.array(valueArg), a.offset(valueArg), a.length(valueArg), false);
    }

    /**
     * The hash entry of key argument 1 for a command about to read field argument {@code i} and
     * write: the field is expired lazily first, and null comes back when that deleted the hash.
     */
    private static KeyEntry afterLazyExpiry(Client c, KeyEntry e, int i) {
        if (e != null && HashTtlCommands.expireIfNeeded(c, (HashValue) e.value(), i) == HashTtlCommands.EXPIRED_HASH) {
            return null;
        }
        return e;
    }

    // HSET key field value [field value ...]
    // HMSET key field value [field value ...]
    static void hset(Client c, boolean counting) {
        Argv a = c.argv;
        if (a.count() % 2 == 1) {
            throw new CommandError(Errors.arity(counting ? "hset" : "hmset"));
        }
        Target t = new Target(c);
        convertForArguments(c, t.hash, 2, a.count() - 1);
        Listpack lp = reserveForPairs(c, t.hash, 2, a.count() - 1);
        int created = 0;
        for (int i = 2; i < a.count(); i += 2) {
            if (!set(c, t.hash, i, i + 1)) {
                created++;
            }
        }
        if (lp != null && t.hash.listpack() == lp) {
            lp.trimExcess();
        }
        t.done();
        Notify.arg(c, Notify.HASH, "hset", 1);
        c.changes((a.count() - 2) / 2);
        if (counting) {
            c.reply.integer(created);
        } else {
            c.reply.ok();
        }
    }

    // HSETNX key field value
    static void hsetnx(Client c) {
        Argv a = c.argv;
        KeyEntry e = afterLazyExpiry(c, TypedLookup.write(c, 1, HashType.TYPE), 2);
        if (e != null && live((HashValue) e.value(), c, 2)
                && ((HashValue) e.value()).contains(a.array(2), a.offset(2), a.length(2))) {
            c.reply.integer(0);
            return;
        }
        Target t = new Target(c, e);
        convertForArguments(c, t.hash, 2, 3);
        set(c, t.hash, 2, 3);
        t.done();
        Notify.arg(c, Notify.HASH, "hset", 1);
        c.reply.integer(1);
    }

    // HDEL key field [field ...]
    static void hdel(Client c) {
        Argv a = c.argv;
        KeyEntry e = TypedLookup.write(c, 1, HashType.TYPE);
        if (e == null) {
            c.reply.integer(0);
            return;
        }
        Db db = c.db();
        HashValue h = (HashValue) e.value();
        long before = -1;
        int deleted = 0;
        for (int i = 2; i < a.count(); i++) {
            if (before < 0) {
                if (!h.contains(a.array(i), a.offset(i), a.length(i))) {
                    continue;
                }
                before = db.beforeChange(e);
            }
            if (h.delete(a.array(i), a.offset(i), a.length(i))) {
                deleted++;
                if (h.size() == 0) {
                    break;
                }
            }
        }
        if (deleted > 0) {
            db.changed(e, before);
            Notify.arg(c, Notify.HASH, "hdel", 1);
            if (db.deleteIfEmpty(e)) {
                Notify.arg(c, Notify.GENERIC, "del", 1);
            }
            c.changes(deleted);
        }
        c.reply.integer(deleted);
    }

    // HINCRBY key field increment
    static void hincrby(Client c) {
        Argv a = c.argv;
        long incr = Args.longArg(c, 3);
        KeyEntry e = afterLazyExpiry(c, TypedLookup.write(c, 1, HashType.TYPE), 2);
        HashValue h = e == null ? null : (HashValue) e.value();
        long value = 0;
        Listpack.Entry cur = new Listpack.Entry();
        if (h != null && live(h, c, 2) && h.get(a.array(2), a.offset(2), a.length(2), cur)) {
            if (cur.isInteger) {
                value = cur.value;
            } else if (Numbers.isLong(cur.bytes, cur.offset, cur.length)) {
                value = Numbers.parseLong(cur.bytes, cur.offset, cur.length);
            } else {
                throw new CommandError(NOT_INTEGER_VALUE);
            }
        }
        if ((incr < 0 && value < 0 && incr < Long.MIN_VALUE - value)
                || (incr > 0 && value > 0 && incr > Long.MAX_VALUE - value)) {
            throw new CommandError(Errors.OVERFLOW);
        }
        value += incr;
        byte[] text = Numbers.toBytes(value);
        Target t = new Target(c, e);
        set(c, t.hash, 2, text, 0, text.length, true);
        t.done();
        Notify.arg(c, Notify.HASH, "hincrby", 1);
        c.reply.integer(value);
    }

    // HINCRBYFLOAT key field increment
    static void hincrbyfloat(Client c) {
        Argv a = c.argv;
        LongDouble incr = LongDouble.parse(a.array(3), a.offset(3), a.length(3));
        if (incr == null) {
            throw new CommandError(Errors.NOT_FLOAT);
        }
        if (!incr.isFinite()) {
            throw new CommandError(NAN_OR_INFINITY_INCR);
        }
        KeyEntry e = afterLazyExpiry(c, TypedLookup.write(c, 1, HashType.TYPE), 2);
        HashValue h = e == null ? null : (HashValue) e.value();
        LongDouble value = LongDouble.POSITIVE_ZERO;
        Listpack.Entry cur = new Listpack.Entry();
        if (h != null && live(h, c, 2) && h.get(a.array(2), a.offset(2), a.length(2), cur)) {
            if (cur.isInteger) {
                value = LongDouble.of(cur.value);
            } else {
                value = LongDouble.parse(cur.bytes, cur.offset, cur.length);
                if (value == null) {
                    throw new CommandError(NOT_FLOAT_VALUE);
                }
            }
        }
        LongDouble sum = value.add(incr);
        if (!sum.isFinite()) {
            throw new CommandError(StringCommands.NAN_OR_INFINITY);
        }
        byte[] text = sum.toHumanBytes();
        Target t = new Target(c, e);
        set(c, t.hash, 2, text, 0, text.length, true);
        t.done();
        Notify.arg(c, Notify.HASH, "hincrbyfloat", 1);
        c.reply.bulk(text);
        // Propagated as HSET of the value it computed, as Redis does.
        if (c.server.propagation().active()) {
            Argv p = new Argv(4);
            p.add(HSET);
            p.add(a.copy(1));
            p.add(a.copy(2));
            p.add(text);
            c.propagateAs(p);
        }
    }

    // ------------------------------------------------------------------ reads

    private static void reply(ReplyWriter w, Listpack.Entry e) {
        if (e.isInteger) {
            w.bulk(e.value);
        } else {
            w.bulk(e.bytes, e.offset, e.length);
        }
    }

    // HGET key field
    static void hget(Client c) {
        HashValue h = (HashValue) TypedLookup.readOrReply(c, 1, HashType.TYPE, TypedLookup.NULL);
        if (h != null) {
            replyField(c, h, 2, VALUE);
        }
    }

    /**
     * True when field argument {@code i} is not expired (lazily expired first): on a replica an
     * expired field stays but reads as absent.
     */
    static boolean live(HashValue h, Client c, int i) {
        if (!h.hasExpiries()) {
            return true;
        }
        HashTtlCommands.expireIfNeeded(c, h, i);
        Argv a = c.argv;
        return !h.isExpired(a.array(i), a.offset(i), a.length(i), c.server.keyspace().now());
    }

    private static void replyField(Client c, HashValue h, int fieldArg, Listpack.Entry holder) {
        Argv a = c.argv;
        if (h != null && live(h, c, fieldArg) && h.get(a.array(fieldArg), a.offset(fieldArg), a.length(fieldArg), holder)) {
            reply(c.reply, holder);
        } else {
            c.reply.nullBulk();
        }
    }

    // HMGET key field [field ...]
    static void hmget(Client c) {
        HashValue h = (HashValue) TypedLookup.read(c, 1, HashType.TYPE);
        Listpack.Entry holder = new Listpack.Entry();
        c.reply.array(c.argv.count() - 2);
        for (int i = 2; i < c.argv.count(); i++) {
            replyField(c, h, i, holder);
        }
    }

    // HLEN key
    static void hlen(Client c) {
        HashValue h = (HashValue) TypedLookup.readOrReply(c, 1, HashType.TYPE, TypedLookup.ZERO);
        if (h != null) {
            c.reply.integer(h.size());
        }
    }

    // HSTRLEN key field
    static void hstrlen(Client c) {
        HashValue h = (HashValue) TypedLookup.readOrReply(c, 1, HashType.TYPE, TypedLookup.ZERO);
        if (h != null) {
            Argv a = c.argv;
            boolean found = live(h, c, 2) && h.get(a.array(2), a.offset(2), a.length(2), VALUE);
            c.reply.integer(found ? VALUE.stringLength() : 0);
        }
    }

    // HEXISTS key field
    static void hexists(Client c) {
        HashValue h = (HashValue) TypedLookup.readOrReply(c, 1, HashType.TYPE, TypedLookup.ZERO);
        if (h != null) {
            Argv a = c.argv;
            c.reply.integer(live(h, c, 2) && h.contains(a.array(2), a.offset(2), a.length(2)) ? 1 : 0);
        }
    }

    // HKEYS key
    // HVALS key
    // HGETALL key
    static void hgetall(Client c, boolean fields, boolean values) {
        boolean both = fields && values;
        HashValue h = (HashValue) TypedLookup.readOrReply(c, 1, HashType.TYPE,
                both ? w -> w.map(0) : TypedLookup.EMPTY_ARRAY);
        if (h == null) {
            return;
        }
        ReplyWriter w = c.reply;
        // Fields past their time are left out (and left for expiry to delete), as in Redis 7.4.
        long now = c.server.keyspace().now();
        int live = h.liveSize(now);
        if (both) {
            w.map(live);
        } else {
            w.array(live);
        }
        h.forEachLive(now, (f, v) -> {
            if (fields) {
                reply(w, f);
            }
            if (values) {
                reply(w, v);
            }
        });
    }

    // ------------------------------------------------------------------ HRANDFIELD

    // HRANDFIELD key [count [WITHVALUES]]
    static void hrandfield(Client c) {
        Argv a = c.argv;
        RandomGenerator random = ThreadLocalRandom.current();
        if (a.count() >= 3) {
            long l = Args.longArg(c, 2);
            if (l < -Long.MAX_VALUE) {
                throw new CommandError(COUNT_RANGE);
            }
            boolean withValues = false;
            if (a.count() > 4 || (a.count() == 4 && !a.is(3, "withvalues"))) {
                throw new CommandError(Errors.SYNTAX);
            } else if (a.count() == 4) {
                withValues = true;
                if (l < -Long.MAX_VALUE / 2 || l > Long.MAX_VALUE / 2) {
                    throw new CommandError(RANGE_WITHVALUES);
                }
            }
            randomWithCount(c, l, withValues, random);
            return;
        }
        HashValue h = (HashValue) TypedLookup.readOrReply(c, 1, HashType.TYPE, TypedLookup.NULL);
        if (h != null && HashTtlCommands.expireAllIfNeeded(c, h)) {
            // Every field had expired: the hash is gone.
            c.reply.nullBulk();
            return;
        }
        if (h != null) {
            Listpack.Entry f = new Listpack.Entry();
            h.randomPair(random, f, null);
            reply(c.reply, f);
        }
    }

    private static void randomWithCount(Client c, long l, boolean withValues, RandomGenerator random) {
        HashValue h = (HashValue) TypedLookup.readOrReply(c, 1, HashType.TYPE, TypedLookup.EMPTY_ARRAY);
        if (h == null) {
            return;
        }
        // Redis 7.4 deletes the expired fields first; the hash may go with them.
        if (HashTtlCommands.expireAllIfNeeded(c, h)) {
            c.reply.emptyArray();
            return;
        }
        ReplyWriter w = c.reply;
        boolean resp3 = w.protocol() > 2;
        long size = h.size();
        boolean unique = l >= 0;
        long count = unique ? l : -l;
        if (count == 0) {
            w.emptyArray();
            return;
        }
        Listpack.Entry f = new Listpack.Entry();
        Listpack.Entry v = new Listpack.Entry();
        // Repeats allowed (or just one): independent picks, in the order picked.
        if (!unique || count == 1) {
            long length = withValues && !resp3 ? count * 2 : count;
            if (length > Integer.MAX_VALUE) {
                // Redis starts the reply all the same; only an output limit stops it.
                w.raw(("*" + length + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            } else {
                w.array((int) length);
            }
            // A listpack is walked once for its fields' offsets, not once per pick.
            Listpack lp = h.listpack();
            int[] fields = null;
            if (lp != null) {
                fields = new int[(int) size];
                int n = 0;
                for (int p = lp.first(); p >= 0; p = lp.next(lp.next(p))) {
                    fields[n++] = p;
                }
            }
            for (long i = 0; i < count; i++) {
                if (fields != null) {
                    int p = fields[random.nextInt(fields.length)];
                    lp.get(p, f);
                    if (withValues) {
                        lp.get(lp.next(p), v);
                    }
                } else {
                    h.randomPair(random, f, withValues ? v : null);
                }
                pair(w, f, withValues ? v : null, resp3);
                if (w.discarding()) {
                    break;
                }
            }
            return;
        }
        long replySize = Math.min(count, size);
        w.array(arrayLength(replySize, withValues, resp3));
        // All of it: the whole hash in its own order.
        if (count >= size) {
            h.forEach((field, value) -> pair(w, field, withValues ? value : null, resp3));
            return;
        }
        // Most of it: take everything, then remove random pairs.
        if (count * SUB_STRATEGY_MUL > size) {
            ArrayList<byte[][]> all = new ArrayList<>((int) size);
            h.forEach((field, value) -> all.add(new byte[][] {field.toBytes(), withValues ? value.toBytes() : null}));
            long left = size;
            while (left > count) {
                int i = random.nextInt((int) left);
                all.set(i, all.get((int) left - 1));
                all.remove((int) left - 1);
                left--;
            }
            for (byte[][] p : all) {
                if (withValues && resp3) {
                    w.array(2);
                }
                w.bulk(p[0]);
                if (withValues) {
                    w.bulk(p[1]);
                }
            }
            return;
        }
        // A small part: listpacks in their own order, dicts in the order picked, no repeats.
        if (h.isListpack()) {
            Listpack lp = h.listpack();
            long needed = count;
            long remaining = size;
            for (int p = lp.first(); p >= 0 && needed > 0; remaining--) {
                int q = lp.next(p);
                if (random.nextLong(remaining) < needed) {
                    pair(w, lp.get(p, f), withValues ? lp.get(q, v) : null, resp3);
                    needed--;
                }
                p = lp.next(q);
            }
            return;
        }
        HashSet<java.nio.ByteBuffer> seen = new HashSet<>();
        long added = 0;
        while (added < count) {
            h.randomPair(random, f, withValues ? v : null);
            if (!seen.add(java.nio.ByteBuffer.wrap(f.toBytes()))) {
                continue;
            }
            added++;
            pair(w, f, withValues ? v : null, resp3);
        }
    }

    private static int arrayLength(long count, boolean withValues, boolean resp3) {
        return (int) (withValues && !resp3 ? count * 2 : count);
    }

    private static void pair(ReplyWriter w, Listpack.Entry f, Listpack.Entry v, boolean resp3) {
        if (v != null && resp3) {
            w.array(2);
        }
        reply(w, f);
        if (v != null) {
            reply(w, v);
        }
    }

    // ------------------------------------------------------------------ HSCAN

    // HSCAN key cursor [MATCH pattern] [COUNT count]
    static void hscan(Client c) {
        Argv a = c.argv;
        long cursor = Scan.parseCursor(a, 2);
        HashValue h = (HashValue) TypedLookup.read(c, 1, HashType.TYPE);
        if (h == null) {
            c.reply.array(2);
            c.reply.bulk("0");
            c.reply.emptyArray();
            return;
        }
        Scan.Options o = Scan.parseOptions(a, 3, false);
        ArrayList<byte[]> found = new ArrayList<>();
        long now = c.server.keyspace().now();
        // Fields past their time are skipped, as in Redis 7.4.
        HashValue.PairVisitor collect = (f, v) -> {
            byte[] fb = f.toBytes();
            if (!h.isExpired(fb, 0, fb.length, now)) {
                found.add(fb);
                found.add(v.toBytes());
            }
        };
        if (h.isListpack()) {
            h.forEach(collect);
            cursor = 0;
        } else {
            long maxIterations = o.count * 10;
            do {
                cursor = h.scanDict(cursor, collect);
            } while (cursor != 0 && maxIterations-- != 0 && found.size() < o.count);
        }
        int kept = 0;
        for (int i = 0; i < found.size(); i += 2) {
            byte[] f = found.get(i);
            if (Scan.matches(a, o, f, 0, f.length)) {
                found.set(kept++, f);
                found.set(kept++, found.get(i + 1));
            }
        }
        c.reply.array(2);
        Scan.replyCursor(c, cursor);
        c.reply.array(kept);
        for (int i = 0; i < kept; i++) {
            c.reply.bulk(found.get(i));
        }
    }
}
