package dev.cinnabar.server.commands;

import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.KeyTable;
import dev.cinnabar.datatypes.LongDouble;
import dev.cinnabar.datatypes.RawString;
import dev.cinnabar.datatypes.value.StringType;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.LazyFree;
import dev.cinnabar.server.db.StringValues;
import dev.cinnabar.server.exec.CommandHandlers;

/**
 * The string commands. Values are stored as {@link StringValues} describes; GET and plain SET
 * are the benchmark commands, so they take a path without option parsing and copy the value at
 * most once.
 */
public final class StringCommands {
    static final String NAN_OR_INFINITY = "ERR increment would produce NaN or Infinity";
    static final String TOO_BIG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    static final String OFFSET_RANGE = "ERR offset is out of range";

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("get", this, 0);
            t.bind("set", this, 1);
            t.bind("setnx", this, 2);
            t.bind("setex", this, 3);
            t.bind("psetex", this, 4);
            t.bind("getex", this, 5);
            t.bind("getdel", this, 6);
            t.bind("getset", this, 7);
            t.bind("mget", this, 8);
            t.bind("mset", this, 9);
            t.bind("msetnx", this, 10);
            t.bind("append", this, 11);
            t.bind("strlen", this, 12);
            t.bind("incr", this, 13);
            t.bind("decr", this, 14);
            t.bind("incrby", this, 15);
            t.bind("decrby", this, 16);
            t.bind("incrbyfloat", this, 17);
            t.bind("getrange", this, 18);
            t.bind("substr", this, 19);
            t.bind("setrange", this, 20);
            t.bind("lcs", this, 21);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> StringCommands.get(c);
                case 1 -> StringCommands.set(c);
                case 2 -> StringCommands.setnx(c);
                case 3 -> StringCommands.setex(c);
                case 4 -> StringCommands.psetex(c);
                case 5 -> StringCommands.getex(c);
                case 6 -> StringCommands.getdel(c);
                case 7 -> StringCommands.getset(c);
                case 8 -> StringCommands.mget(c);
                case 9 -> StringCommands.mset(c);
                case 10 -> StringCommands.msetnx(c);
                case 11 -> StringCommands.append(c);
                case 12 -> StringCommands.strlen(c);
                case 13 -> StringCommands.incrBy(c, 1);
                case 14 -> StringCommands.incrBy(c, -1);
                case 15 -> StringCommands.incrby(c);
                case 16 -> StringCommands.decrby(c);
                case 17 -> StringCommands.incrbyfloat(c);
                case 18 -> StringCommands.getrange(c);
                case 19 -> StringCommands.getrange(c);
                case 20 -> StringCommands.setrange(c);
                case 21 -> LcsCommand.lcs(c);
                default -> throw new IllegalArgumentException("StringCommands has no handler " + handler);
            }
        }
    }

    // GET key
    static void get(Client c) {
        Argv a = c.argv;
        Db db = c.db();
        int id = db.lookupReadId(a.array(1), a.offset(1), a.length(1));
        if (id == KeyTable.NONE) {
            c.reply.nullBulk();
        } else if (!StringValues.replyStored(c.reply, db, id)) {
            throw new CommandError(Errors.WRONG_TYPE);
        }
    }

    // SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds |
    //     PXAT unix-time-milliseconds | KEEPTTL]
    static void set(Client c) {
        Argv a = c.argv;
        if (a.count() == 3) {
            c.db().setStringKey(a, 1, 2, false);
            Notify.arg(c, Notify.STRING, "set", 1);
            c.reply.ok();
            return;
        }
        int options = SetOptions.parse(c, 3, false);
        setGeneric(c, SetOptions.flags(options), SetOptions.expireArg(options), 2, false);
    }

    // SETNX key value
    static void setnx(Client c) {
        setGeneric(c, SetOptions.NX, 0, 2, true);
    }

    // SETEX key seconds value
    static void setex(Client c) {
        setGeneric(c, SetOptions.EX, 2, 3, false);
    }

    // PSETEX key milliseconds value
    static void psetex(Client c) {
        setGeneric(c, SetOptions.PX, 2, 3, false);
    }

    /**
     * The body of SET and its variants, in Redis's order: the expiry is checked first, then GET
     * answers with the old value (or fails on a wrong type) before NX/XX decide whether to write.
     * {@code counting} gives SETNX's 1/0 replies instead of OK/null. With an expiry it propagates
     * as {@code SET key value PXAT when}, whatever the options; GET is not propagated.
     */
    private static void setGeneric(Client c, int flags, int expireArg, int valueArg, boolean counting) {
        long when = expireArg > 0 ? SetOptions.expireMillis(c, expireArg, flags) : 0;
        Db db = c.db();
        boolean get = (flags & SetOptions.GET) != 0;
        if (get) {
            replyOldValue(c);
        }
        boolean found = db.existsForWrite(c.argv, 1);
        if (((flags & SetOptions.NX) != 0 && found) || ((flags & SetOptions.XX) != 0 && !found)) {
            if (!get) {
                if (counting) {
                    c.reply.integer(0);
                } else {
                    c.reply.nullBulk();
                }
            }
            return;
        }
        boolean keepTtl = (flags & SetOptions.KEEPTTL) != 0 || expireArg > 0;
        int id = db.setStringKey(c.argv, 1, valueArg, keepTtl);
        Notify.arg(c, Notify.STRING, "set", 1);
        if (expireArg > 0) {
            // A time already past is stored as it is; the key then expires on its next access.
            db.setExpire(c.argv, 1, id, when);
            Rewrites.setPxat(c, valueArg, when);
            Notify.arg(c, Notify.GENERIC, "expire", 1);
        } else if (get) {
            Rewrites.withoutGet(c);
        }
        if (!get) {
            if (counting) {
                c.reply.integer(1);
            } else {
                c.reply.ok();
            }
        }
    }

    // GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds |
    //     PXAT unix-time-milliseconds | PERSIST]
    static void getex(Client c) {
        int options = SetOptions.parse(c, 2, true);
        int flags = SetOptions.flags(options);
        int expireArg = SetOptions.expireArg(options);
        Db db = c.db();
        Object v = TypedLookup.readOrReply(c, 1, StringType.TYPE, TypedLookup.NULL);
        if (v == null) {
            return;
        }
        long when = expireArg > 0 ? SetOptions.expireMillis(c, expireArg, flags) : 0;
        StringValues.reply(c.reply, v);
        boolean absolute = (flags & (SetOptions.EXAT | SetOptions.PXAT)) != 0;
        if (absolute && c.server.keyspace().alreadyExpired(when)) {
            db.delete(c.argv, 1, LazyFree.Cause.EXPIRE);
            Notify.arg(c, Notify.GENERIC, "del", 1);
            Rewrites.delete(c, c.server.config().lazyfreeLazyExpire);
        } else if (expireArg > 0) {
            db.setExpire(db.entry(c.argv, 1), when);
            Notify.arg(c, Notify.GENERIC, "expire", 1);
            Rewrites.pexpireat(c, when, c.argv.count());
        } else if ((flags & SetOptions.PERSIST) != 0) {
            if (db.removeExpire(db.entry(c.argv, 1))) {
                Notify.arg(c, Notify.GENERIC, "persist", 1);
                Rewrites.persist(c);
            }
        }
    }

    // GETDEL key
    static void getdel(Client c) {
        Db db = c.db();
        Object v = TypedLookup.readOrReply(c, 1, StringType.TYPE, TypedLookup.NULL);
        if (v == null) {
            return;
        }
        StringValues.reply(c.reply, v);
        db.delete(c.argv, 1, LazyFree.Cause.USER_DEL);
        Notify.arg(c, Notify.GENERIC, "del", 1);
        Rewrites.delete(c, c.server.config().lazyfreeLazyUserDel);
    }

    // GETSET key value
    static void getset(Client c) {
        Db db = c.db();
        replyOldValue(c);
        db.setStringKey(c.argv, 1, 2, false);
        Notify.arg(c, Notify.STRING, "set", 1);
        Rewrites.set(c);
    }

    // MGET key [key ...]
    static void mget(Client c) {
        Argv a = c.argv;
        Db db = c.db();
        int n = a.count();
        c.reply.array(n - 1);
        for (int i = 1; i < n; i++) {
            int id = db.lookupReadId(a.array(i), a.offset(i), a.length(i));
            // Not an error here: MGET answers nil for a key of another type.
            if (id == KeyTable.NONE || !StringValues.replyStored(c.reply, db, id)) {
                c.reply.nullBulk();
            }
        }
    }

    // MSET key value [key value ...]
    static void mset(Client c) {
        checkPairs(c);
        setPairs(c);
        c.reply.ok();
    }

    // MSETNX key value [key value ...]
    static void msetnx(Client c) {
        checkPairs(c);
        Argv a = c.argv;
        Db db = c.db();
        for (int i = 1; i < a.count(); i += 2) {
            if (db.existsForWrite(a, i)) {
                c.reply.integer(0);
                return;
            }
        }
        setPairs(c);
        c.reply.integer(1);
    }

    private static void checkPairs(Client c) {
        if (c.argv.count() % 2 == 0) {
            throw new CommandError(Errors.arity(c.command.fullName));
        }
    }

    private static void setPairs(Client c) {
        Argv a = c.argv;
        Db db = c.db();
        int n = a.count();
        for (int i = 1; i < n; i += 2) {
            db.setStringKey(a, i, i + 1, false);
            Notify.arg(c, Notify.STRING, "set", i);
        }
        // Redis counts every pair, a key set twice included.
        c.changes((n - 1) / 2);
    }

    // APPEND key value
    static void append(Client c) {
        Argv a = c.argv;
        Db db = c.db();
        KeyEntry e = TypedLookup.write(c, 1, StringType.TYPE);
        if (e == null) {
            Object v = StringValues.fromArg(a, 2);
            db.setKey(a, 1, v, false);
            Notify.arg(c, Notify.STRING, "append", 1);
            c.reply.integer(StringType.length(v));
            return;
        }
        Object v = e.value();
        checkLength(c, StringType.length(v), a.length(2));
        long bytesBefore = db.beforeChange(e);
        RawString raw = StringType.toRaw(v);
        raw.append(a.array(2), a.offset(2), a.length(2));
        changedInPlace(db, e, raw, bytesBefore);
        Notify.arg(c, Notify.STRING, "append", 1);
        c.reply.integer(raw.length());
    }

    // STRLEN key
    static void strlen(Client c) {
        Object v = TypedLookup.readOrReply(c, 1, StringType.TYPE, TypedLookup.ZERO);
        if (v != null) {
            c.reply.integer(StringType.length(v));
        }
    }

    // INCRBY key increment
    static void incrby(Client c) {
        incrBy(c, Args.longArg(c, 2));
    }

    // DECRBY key decrement
    static void decrby(Client c) {
        long decrement = Args.longArg(c, 2);
        if (decrement == Long.MIN_VALUE) {
            throw new CommandError("ERR decrement would overflow");
        }
        incrBy(c, -decrement);
    }

    // INCR key, DECR key, and the body of INCRBY and DECRBY. The TTL is kept.
    static void incrBy(Client c, long increment) {
        Db db = c.db();
        KeyEntry e = TypedLookup.write(c, 1, StringType.TYPE);
        long value = 0;
        if (e != null) {
            Object v = e.value();
            if (!StringType.isInteger(v)) {
                throw new CommandError(Errors.NOT_INTEGER);
            }
            value = StringType.toLong(v);
        }
        if ((increment < 0 && value < 0 && increment < Long.MIN_VALUE - value)
                || (increment > 0 && value > 0 && increment > Long.MAX_VALUE - value)) {
            throw new CommandError(Errors.OVERFLOW);
        }
        long result = value + increment;
        Long stored = StringType.fromLong(result);
        if (e == null) {
            db.setKey(c.argv, 1, stored, false);
        } else if (e.value() instanceof Long && !StringType.isShared(e.value()) && !StringType.isShared(stored)) {
            // Redis changes an unshared integer object in place: the same value object.
            long bytesBefore = db.beforeChange(e);
            e.value(stored);
            db.changed(e, bytesBefore);
        } else {
            db.replaceValue(e, stored);
        }
        Notify.arg(c, Notify.STRING, "incrby", 1);
        c.reply.integer(result);
    }

    // INCRBYFLOAT key increment
    static void incrbyfloat(Client c) {
        Argv a = c.argv;
        Db db = c.db();
        KeyEntry e = TypedLookup.write(c, 1, StringType.TYPE);
        LongDouble value = LongDouble.POSITIVE_ZERO;
        if (e != null) {
            value = StringType.toLongDouble(e.value());
            if (value == null) {
                throw new CommandError(Errors.NOT_FLOAT);
            }
        }
        LongDouble increment = LongDouble.parse(a.array(2), a.offset(2), a.length(2));
        if (increment == null) {
            throw new CommandError(Errors.NOT_FLOAT);
        }
        LongDouble sum = value.add(increment);
        if (!sum.isFinite()) {
            throw new CommandError(NAN_OR_INFINITY);
        }
        // Stored as text, as Redis does, so the value keeps the digits the client was shown.
        byte[] text = sum.toHumanBytes();
        if (e != null) {
            db.replaceValue(e, text);
        } else {
            db.setKey(a, 1, text, false);
        }
        Notify.arg(c, Notify.STRING, "incrbyfloat", 1);
        // Propagated as the value it computed, so a replica need not compute the same digits.
        Rewrites.setKeepTtl(c, text);
        c.reply.bulk(text);
    }

    // GETRANGE key start end, and SUBSTR key start end
    static void getrange(Client c) {
        long start = Args.longArg(c, 2);
        long end = Args.longArg(c, 3);
        Object v = TypedLookup.readOrReply(c, 1, StringType.TYPE, TypedLookup.EMPTY_BULK);
        if (v == null) {
            return;
        }
        long len = StringType.length(v);
        // Two negative offsets in the wrong order select nothing, even when both clamp to 0.
        if (start < 0 && end < 0 && start > end) {
            c.reply.emptyBulk();
            return;
        }
        if (start < 0) {
            start = Math.max(0, len + start);
        }
        if (end < 0) {
            end = Math.max(0, len + end);
        }
        if (end >= len) {
            end = len - 1;
        }
        if (start > end || len == 0) {
            c.reply.emptyBulk();
            return;
        }
        c.reply.bulk(StringType.view(v), (int) start, (int) (end - start + 1));
    }

    // SETRANGE key offset value
    static void setrange(Client c) {
        Argv a = c.argv;
        long offset = Args.longArg(c, 2);
        if (offset < 0) {
            throw new CommandError(OFFSET_RANGE);
        }
        int valueLength = a.length(3);
        Db db = c.db();
        KeyEntry e = TypedLookup.write(c, 1, StringType.TYPE);
        RawString raw;
        if (e == null) {
            if (valueLength == 0) {
                // Writing nothing to a missing key does not create it.
                c.reply.integer(0);
                return;
            }
            checkLength(c, offset, valueLength);
            byte[] b = new byte[(int) offset + valueLength];
            System.arraycopy(a.array(3), a.offset(3), b, (int) offset, valueLength);
            raw = new RawString(b);
            db.setKey(a, 1, raw, false);
        } else {
            Object v = e.value();
            if (valueLength == 0) {
                c.reply.integer(StringType.length(v));
                return;
            }
            checkLength(c, offset, valueLength);
            long bytesBefore = db.beforeChange(e);
            raw = StringType.toRaw(v);
            raw.setRange((int) offset, a.array(3), a.offset(3), valueLength);
            changedInPlace(db, e, raw, bytesBefore);
        }
        Notify.arg(c, Notify.STRING, "setrange", 1);
        c.reply.integer(raw.length());
    }

    /**
     * APPEND and SETRANGE are done: a raw string changed in place stays the same value object,
     * any other string was turned into the raw one {@code raw}, as Redis unshares it.
     */
    private static void changedInPlace(Db db, KeyEntry e, RawString raw, long bytesBefore) {
        if (raw == e.value()) {
            db.changed(e, bytesBefore);
        } else {
            db.changedTo(e, raw, bytesBefore);
        }
    }

    /** Refuses a string that would grow past proto-max-bulk-len (or past what a Java array holds). */
    private static void checkLength(Client c, long size, long append) {
        long max = Math.min(c.server.config().protoMaxBulkLen, Integer.MAX_VALUE - 8);
        if (size > max - append) {
            throw new CommandError(TOO_BIG);
        }
    }

    /** GET's answer for the key argument, as SET GET and GETSET give it before they write. */
    private static void replyOldValue(Client c) {
        Object old = TypedLookup.readOrReply(c, 1, StringType.TYPE, TypedLookup.NULL);
        if (old != null) {
            StringValues.reply(c.reply, old);
        }
    }
}
