package dev.cinnabar.server.commands;

import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.datatypes.value.FieldExpiries;
import dev.cinnabar.datatypes.value.HashType;
import dev.cinnabar.datatypes.value.HashValue;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.exec.CommandHandlers;
import java.nio.charset.StandardCharsets;

/**
 * Hash field expiration, as Redis 7.4 defines it (HEXPIRE and its variants, HTTL and its
 * variants, HPERSIST), and Redis 8.0's HGETEX, HSETEX and HGETDEL. A Redis 7.0 client never
 * meets these unless it sends them.
 *
 * <p>A field whose time passed is invisible to every hash command but HLEN (Redis 7.4 counts it
 * until it is deleted); it is deleted when a command looks it up (propagated as {@code HDEL key
 * field}) and by the active expiry cycle ({@code Db.activeExpireFields}). Times are absolute Unix
 * milliseconds, at most 2^48-1.
 */
public final class HashTtlCommands {
    /** Redis's EB_EXPIRE_TIME_MAX: the largest field expiry time, in ms. */
    static final long MAX_TIME = (1L << 48) - 1;
    static final String FIELDS_MISSING = "ERR Mandatory argument FIELDS is missing or not at the right position";
    static final String NUMFIELDS_MISMATCH = "ERR The `numfields` parameter must match the number of arguments";
    static final String NUMFIELDS_POSITIVE = "ERR Number of fields must be a positive integer";
    static final String NUMFIELDS_GREATER = "ERR Parameter `numFields` should be greater than 0";
    static final String NEGATIVE_TIME = "ERR invalid expire time, must be >= 0";

    /** HEXPIRE's per-field replies. */
    static final int NO_FIELD = -2;
    static final int CONDITION_NOT_MET = 0;
    static final int SET = 1;
    static final int DELETED = 2;

    private static final byte[] HDEL = bytes("HDEL");
    private static final byte[] HPEXPIREAT = bytes("HPEXPIREAT");
    private static final byte[] HPERSIST = bytes("HPERSIST");
    private static final byte[] PXAT = bytes("PXAT");

    private static final int NX = 1;
    private static final int XX = 2;
    private static final int GT = 3;
    private static final int LT = 4;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("hexpire", this, 0);
            t.bind("hpexpire", this, 1);
            t.bind("hexpireat", this, 2);
            t.bind("hpexpireat", this, 3);
            t.bind("httl", this, 4);
            t.bind("hpttl", this, 5);
            t.bind("hexpiretime", this, 6);
            t.bind("hpexpiretime", this, 7);
            t.bind("hpersist", this, 8);
            t.bind("hgetex", this, 9);
            t.bind("hsetex", this, 10);
            t.bind("hgetdel", this, 11);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> HashTtlCommands.hexpire(c, "hexpire", true, false);
                case 1 -> HashTtlCommands.hexpire(c, "hpexpire", false, false);
                case 2 -> HashTtlCommands.hexpire(c, "hexpireat", true, true);
                case 3 -> HashTtlCommands.hexpire(c, "hpexpireat", false, true);
                case 4 -> HashTtlCommands.httl(c, true, false);
                case 5 -> HashTtlCommands.httl(c, false, false);
                case 6 -> HashTtlCommands.httl(c, true, true);
                case 7 -> HashTtlCommands.httl(c, false, true);
                case 8 -> HashTtlCommands.hpersist(c);
                case 9 -> HashTtlCommands.hgetex(c);
                case 10 -> HashTtlCommands.hsetex(c);
                case 11 -> HashTtlCommands.hgetdel(c);
                default -> throw new IllegalArgumentException("HashTtlCommands has no handler " + handler);
            }
        }
    }

    // ------------------------------------------------------------------ lazy field expiry

    /** {@link #expireIfNeeded}: the field is live or absent. */
    static final int LIVE = 0;
    /** {@link #expireIfNeeded}: the field had expired (and was deleted if the server may). */
    static final int EXPIRED = 1;
    /** {@link #expireIfNeeded}: the field had expired and its deletion emptied the hash, now gone. */
    static final int EXPIRED_HASH = 2;

    /**
     * Redis 7.4's lazy field expiry, for the field in argument {@code i} of the hash of key
     * argument 1: when its time passed, it is deleted (propagated as HDEL), unless the server
     * keeps expired data (a replica, a client pause), and a hash left empty is deleted.
     */
    static int expireIfNeeded(Client c, HashValue h, int i) {
        Argv a = c.argv;
        if (h == null || !h.hasExpiries()) {
            return LIVE;
        }
        Keyspace ks = c.server.keyspace();
        if (!h.isExpired(a.array(i), a.offset(i), a.length(i), ks.now())) {
            return LIVE;
        }
        if (!ks.expiryEnabled() || ks.expiryPaused()) {
            return EXPIRED;
        }
        Db db = c.db();
        KeyEntry e = db.find(a.array(1), a.offset(1), a.length(1));
        return db.expireFields(e, new byte[][] {a.copy(i)}) ? EXPIRED_HASH : EXPIRED;
    }

    /**
     * Deletes every expired field of the hash of key argument 1 (HRANDFIELD does this first in
     * Redis 7.4). True when the hash went with them.
     */
    static boolean expireAllIfNeeded(Client c, HashValue h) {
        Keyspace ks = c.server.keyspace();
        if (h == null || !h.hasExpiries() || !ks.expiryEnabled() || ks.expiryPaused()) {
            return false;
        }
        byte[][] due = h.fieldsExpiringBelow(ks.now(), Integer.MAX_VALUE);
        if (due.length == 0) {
            return false;
        }
        Argv a = c.argv;
        Db db = c.db();
        KeyEntry e = db.find(a.array(1), a.offset(1), a.length(1));
        return db.expireFields(e, due);
    }

    // ------------------------------------------------------------------ argument parsing

    /**
     * Checks {@code FIELDS numfields field...} starting at {@code at} (the FIELDS keyword) and
     * returns the number of fields.
     */
    private static int fieldsArg(Client c, int at, String numFieldsError) {
        Argv a = c.argv;
        if (!a.is(at, "fields")) {
            throw new CommandError(FIELDS_MISSING);
        }
        long n = Args.longArg(c, at + 1, 1, Long.MAX_VALUE, numFieldsError);
        if (n != a.count() - at - 2) {
            throw new CommandError(NUMFIELDS_MISMATCH);
        }
        return (int) n;
    }

    /**
     * Redis's parseExpireTime for field expiry: a time of argument {@code i} in seconds or ms,
     * relative to {@code basetime} (0 for an absolute one), as absolute ms.
     */
    private static long expireTimeArg(Client c, int i, boolean seconds, long basetime, String command) {
        long v = Args.longArg(c, i);
        if (v < 0) {
            throw new CommandError(NEGATIVE_TIME);
        }
        if (seconds) {
            if (v > MAX_TIME / 1000) {
                throw new CommandError(invalidTime(command));
            }
            v *= 1000;
        }
        if (v > MAX_TIME - basetime) {
            throw new CommandError(invalidTime(command));
        }
        return v + basetime;
    }

    private static String invalidTime(String command) {
        return "ERR invalid expire time in '" + command + "' command";
    }

    private static void replyValue(Client c, Listpack.Entry v) {
        if (v.isInteger) {
            c.reply.bulk(v.value);
        } else {
            c.reply.bulk(v.bytes, v.offset, v.length);
        }
    }

    /** True when a time at or before now deletes the field rather than set it ({@link dev.cinnabar.server.db.Keyspace#alreadyExpired}). */
    private static boolean alreadyExpired(Client c, long when) {
        return c.server.keyspace().alreadyExpired(when);
    }

    // ------------------------------------------------------------------ HEXPIRE

    /**
     * Applies {@code when} to one field as Redis 7.4's hashTypeSetEx does: the reply code.
     * A time already past deletes the field (the HDEL propagated here).
     */
    private static int setFieldTime(Client c, HashValue h, int i, long when, int cond) {
        Argv a = c.argv;
        byte[] f = a.array(i);
        int off = a.offset(i);
        int len = a.length(i);
        if (!h.contains(f, off, len)) {
            return NO_FIELD;
        }
        long prev = h.expireTime(f, off, len);
        if (prev == FieldExpiries.NONE) {
            // A field without a time counts as later than any time (so LT holds).
            if (cond == XX || cond == GT) {
                return CONDITION_NOT_MET;
            }
        } else if ((cond == GT && prev >= when) || (cond == LT && prev <= when) || cond == NX) {
            return CONDITION_NOT_MET;
        }
        if (alreadyExpired(c, when)) {
            h.delete(f, off, len);
            if (c.server.propagation().active()) {
                c.server.propagation().add(c.db().id, Argv.of(HDEL, a.copy(1), a.copy(i)));
            }
            return DELETED;
        }
        h.setExpireTime(f, off, len, when);
        return SET;
    }

    // HEXPIRE key seconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
    // HPEXPIRE key milliseconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
    // HEXPIREAT key unix-time-seconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
    // HPEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
    static void hexpire(Client c, String name, boolean seconds, boolean absolute) {
        Argv a = c.argv;
        KeyEntry e = TypedLookup.write(c, 1, HashType.TYPE);
        long when = expireTimeArg(c, 2, seconds, absolute ? 0 : c.server.keyspace().now(), name);
        int cond = 0;
        if (a.is(3, "nx")) {
            cond = NX;
        } else if (a.is(3, "xx")) {
            cond = XX;
        } else if (a.is(3, "gt")) {
            cond = GT;
        } else if (a.is(3, "lt")) {
            cond = LT;
        }
        int numFieldsAt = cond == 0 ? 4 : 5;
        int n = fieldsArg(c, numFieldsAt - 1, NUMFIELDS_GREATER);
        if (e == null) {
            c.reply.array(n);
            for (int i = 0; i < n; i++) {
                c.reply.integer(NO_FIELD);
            }
            return;
        }
        Db db = c.db();
        HashValue h = (HashValue) e.value();
        long before = db.beforeChange(e);
        h.enableExpiries();
        boolean[] updated = new boolean[n];
        int updates = 0;
        int deletions = 0;
        c.reply.array(n);
        for (int k = 0; k < n; k++) {
            int res = setFieldTime(c, h, numFieldsAt + 1 + k, when, cond);
            if (res == SET) {
                updated[k] = true;
                updates++;
            } else if (res == DELETED) {
                deletions++;
            }
            c.reply.integer(res);
        }
        boolean gone = finishWrite(c, e, before, updates + deletions > 0);
        // Redis 7.4: hdel when a field went (the hash too: hdel, del), else hexpire.
        if (updates + deletions > 0) {
            fieldEvents(c, gone, deletions > 0 ? "hdel" : "hexpire");
        }
        c.changes(updates + deletions);
        if (updates == 0) {
            c.preventPropagation();
            return;
        }
        // Propagated as HPEXPIREAT at the absolute time, with the fields it set only.
        if (c.server.propagation().active()) {
            Argv p = new Argv(a.count());
            if (name.equals("hpexpireat")) {
                p.add(a.copy(0));
            } else {
                p.add(HPEXPIREAT);
            }
            p.add(a.copy(1));
            p.add(seconds || !absolute ? Numbers.toBytes(when) : a.copy(2));
            for (int i = 3; i < numFieldsAt; i++) {
                p.add(a.copy(i));
            }
            p.add(updates == n ? a.copy(numFieldsAt) : Numbers.toBytes(updates));
            for (int k = 0; k < n; k++) {
                if (updated[k]) {
                    p.add(a.copy(numFieldsAt + 1 + k));
                }
            }
            c.propagateAs(p);
        }
    }

    /**
     * Ends a change bracketed from {@code before}: counted and signalled when {@code changed},
     * else only accounted (a conversion to listpackex); deletes the hash if it is now empty.
     */
    private static boolean finishWrite(Client c, KeyEntry e, long before, boolean changed) {
        Db db = c.db();
        if (changed) {
            db.changed(e, before);
        } else {
            db.resized(e, before);
        }
        return db.deleteIfEmpty(e);
    }

    /** The events of a field write, in order (a null name is skipped), then del when the hash went. */
    private static void fieldEvents(Client c, boolean gone, String... events) {
        for (String ev : events) {
            if (ev != null) {
                Notify.arg(c, Notify.HASH, ev, 1);
            }
        }
        if (gone) {
            Notify.arg(c, Notify.GENERIC, "del", 1);
        }
    }

    // ------------------------------------------------------------------ HTTL

    // HTTL key FIELDS numfields field [field ...]
    // HPTTL key FIELDS numfields field [field ...]
    // HEXPIRETIME key FIELDS numfields field [field ...]
    // HPEXPIRETIME key FIELDS numfields field [field ...]
    static void httl(Client c, boolean seconds, boolean absolute) {
        Argv a = c.argv;
        HashValue h = (HashValue) TypedLookup.read(c, 1, HashType.TYPE);
        int n = fieldsArg(c, 2, NUMFIELDS_POSITIVE);
        long now = c.server.keyspace().now();
        long base = absolute ? 0 : now;
        c.reply.array(n);
        for (int i = 4; i < a.count(); i++) {
            if (h == null || !h.contains(a.array(i), a.offset(i), a.length(i))) {
                c.reply.integer(-2);
                continue;
            }
            long when = h.expireTime(a.array(i), a.offset(i), a.length(i));
            if (when == FieldExpiries.NONE) {
                c.reply.integer(-1);
            } else if (h.isListpack() ? when <= now : when < now) {
                // Redis 7.4 tells a field expired at this very ms apart by encoding.
                c.reply.integer(-2);
            } else {
                c.reply.integer(seconds ? (when + 999 - base) / 1000 : when - base);
            }
        }
    }

    // ------------------------------------------------------------------ HPERSIST

    // HPERSIST key FIELDS numfields field [field ...]
    static void hpersist(Client c) {
        Argv a = c.argv;
        KeyEntry e = TypedLookup.write(c, 1, HashType.TYPE);
        int n = fieldsArg(c, 2, NUMFIELDS_POSITIVE);
        HashValue h = e == null ? null : (HashValue) e.value();
        long now = c.server.keyspace().now();
        long before = e == null ? 0 : c.db().beforeChange(e);
        boolean changed = false;
        c.reply.array(n);
        for (int i = 4; i < a.count(); i++) {
            if (h == null || !h.contains(a.array(i), a.offset(i), a.length(i))) {
                c.reply.integer(-2);
                continue;
            }
            long when = h.expireTime(a.array(i), a.offset(i), a.length(i));
            if (when == FieldExpiries.NONE) {
                c.reply.integer(-1);
            } else if (when < now) {
                c.reply.integer(-2);
            } else {
                h.persist(a.array(i), a.offset(i), a.length(i));
                changed = true;
                c.reply.integer(1);
            }
        }
        if (e != null) {
            finishWrite(c, e, before, changed);
            if (changed) {
                Notify.arg(c, Notify.HASH, "hpersist", 1);
            }
            c.changes(changed ? 1 : 0);
        }
    }

    // ------------------------------------------------------------------ HGETDEL

    // HGETDEL key FIELDS numfields field [field ...]
    static void hgetdel(Client c) {
        Argv a = c.argv;
        KeyEntry e = TypedLookup.write(c, 1, HashType.TYPE);
        int n = fieldsArg(c, 2, NUMFIELDS_POSITIVE);
        c.reply.array(n);
        if (e == null) {
            for (int i = 0; i < n; i++) {
                c.reply.nullBulk();
            }
            return;
        }
        Db db = c.db();
        HashValue h = (HashValue) e.value();
        long now = c.server.keyspace().now();
        long before = db.beforeChange(e);
        Listpack.Entry v = new Listpack.Entry();
        int deleted = 0;
        int expired = 0;
        for (int i = 4; i < a.count(); i++) {
            if (h.isExpired(a.array(i), a.offset(i), a.length(i), now)) {
                expireInBracket(c, h, i);
                expired++;
                c.reply.nullBulk();
                continue;
            }
            if (!h.get(a.array(i), a.offset(i), a.length(i), v)) {
                c.reply.nullBulk();
                continue;
            }
            replyValue(c, v);
            h.delete(a.array(i), a.offset(i), a.length(i));
            deleted++;
        }
        boolean gone = finishWrite(c, e, before, deleted + expired > 0);
        fieldEvents(c, gone, expired > 0 ? "hexpired" : null, deleted > 0 ? "hdel" : null);
        c.changes(deleted);
        // Propagated as HDEL of the fields it deleted (Redis 8.0 sends all the fields given).
        if (deleted > 0 && c.server.propagation().active()) {
            Argv p = new Argv(n + 2);
            p.add(HDEL);
            p.add(a.copy(1));
            for (int k = 0; k < n; k++) {
                p.add(a.copy(4 + k));
            }
            c.propagateAs(p);
        }
    }

    // ------------------------------------------------------------------ HGETEX

    // HGETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]
    //   FIELDS numfields field [field ...]
    static void hgetex(Client c) {
        Argv a = c.argv;
        KeyEntry e = TypedLookup.write(c, 1, HashType.TYPE);
        boolean persist = false;
        boolean timed = false;
        boolean pxat = false;
        long when = 0;
        int numFieldsAt = 3;
        long now = c.server.keyspace().now();
        if (a.is(2, "ex") || a.is(2, "px") || a.is(2, "exat") || a.is(2, "pxat")) {
            boolean seconds = a.is(2, "ex") || a.is(2, "exat");
            boolean relative = a.is(2, "ex") || a.is(2, "px");
            pxat = a.is(2, "pxat");
            timed = true;
            numFieldsAt += 2;
            when = expireTimeArg(c, 3, seconds, relative ? now : 0, "hgetex");
        } else if (a.is(2, "persist")) {
            persist = true;
            numFieldsAt += 1;
        }
        int n = fieldsArg(c, numFieldsAt - 1, NUMFIELDS_POSITIVE);
        c.reply.array(n);
        if (e == null) {
            for (int i = 0; i < n; i++) {
                c.reply.nullBulk();
            }
            return;
        }
        Db db = c.db();
        HashValue h = (HashValue) e.value();
        long before = db.beforeChange(e);
        if (timed || persist) {
            h.enableExpiries();
        }
        Listpack.Entry v = new Listpack.Entry();
        int updated = 0;
        int deleted = 0;
        int expired = 0;
        for (int k = 0; k < n; k++) {
            int i = numFieldsAt + 1 + k;
            byte[] f = a.array(i);
            int off = a.offset(i);
            int len = a.length(i);
            if (h.isExpired(f, off, len, now)) {
                expireInBracket(c, h, i);
                expired++;
                c.reply.nullBulk();
                continue;
            }
            if (!h.get(f, off, len, v)) {
                c.reply.nullBulk();
                continue;
            }
            replyValue(c, v);
            if (persist) {
                // Redis 8.0 counts only the fields that had a time.
                if (h.persist(f, off, len)) {
                    updated++;
                }
            } else if (timed) {
                if (alreadyExpired(c, when)) {
                    h.delete(f, off, len);
                    if (c.server.propagation().active()) {
                        c.server.propagation().add(db.id, Argv.of(HDEL, a.copy(1), a.copy(i)));
                    }
                    deleted++;
                } else {
                    h.setExpireTime(f, off, len, when);
                    updated++;
                }
            }
        }
        boolean gone = finishWrite(c, e, before, updated + deleted + expired > 0);
        fieldEvents(c, gone, expired > 0 ? "hexpired" : null,
                deleted > 0 ? "hdel" : updated > 0 ? (persist ? "hpersist" : "hexpire") : null);
        c.changes(updated + deleted);
        if (updated == 0) {
            c.preventPropagation();
            return;
        }
        // Propagated as HPERSIST, or HPEXPIREAT at the absolute time (Redis 8.0 keeps every field given).
        if (c.server.propagation().active()) {
            Argv p = new Argv(a.count());
            p.add(persist ? HPERSIST : HPEXPIREAT);
            p.add(a.copy(1));
            if (timed) {
                p.add(pxat ? a.copy(3) : Numbers.toBytes(when));
            }
            for (int i = numFieldsAt - 1; i < a.count(); i++) {
                p.add(a.copy(i));
            }
            c.propagateAs(p);
        }
    }

    /** Lazy expiry of one field inside a command's own change bracket: deleted and propagated. */
    private static void expireInBracket(Client c, HashValue h, int i) {
        Keyspace ks = c.server.keyspace();
        if (!ks.expiryEnabled() || ks.expiryPaused()) {
            return;
        }
        Argv a = c.argv;
        h.delete(a.array(i), a.offset(i), a.length(i));
        if (c.server.propagation().active()) {
            c.server.propagation().add(c.db().id, Argv.of(HDEL, a.copy(1), a.copy(i)));
        }
    }

    // ------------------------------------------------------------------ HSETEX

    private static final int F_EX = 1;
    private static final int F_PX = 2;
    private static final int F_EXAT = 4;
    private static final int F_PXAT = 8;
    private static final int F_KEEPTTL = 16;
    private static final int F_FXX = 32;
    private static final int F_FNX = 64;
    private static final int TIME_FLAGS = F_EX | F_PX | F_EXAT | F_PXAT | F_KEEPTTL;

    // HSETEX key [FNX | FXX] [EX seconds | PX milliseconds | EXAT unix-time-seconds |
    //   PXAT unix-time-milliseconds | KEEPTTL] FIELDS numfields field value [field value ...]
    static void hsetex(Client c) {
        Argv a = c.argv;
        int flags = 0;
        long when = -1;
        int timeAt = -1;
        int first = -1;
        int count = -1;
        long now = c.server.keyspace().now();
        for (int i = 2; i < a.count(); i++) {
            if (a.is(i, "fields")) {
                if (i >= a.count() - 3) {
                    throw new CommandError(Errors.arity("hsetex"));
                }
                long val = Args.longArg(c, i + 1, 1, Integer.MAX_VALUE, "ERR invalid number of fields");
                int remaining = a.count() - i - 2;
                if (remaining % 2 != 0 || val != remaining / 2) {
                    throw new CommandError(Errors.arity("hsetex"));
                }
                first = i + 2;
                count = (int) val;
                break;
            }
            int timeFlag = a.is(i, "ex") ? F_EX : a.is(i, "px") ? F_PX : a.is(i, "exat") ? F_EXAT
                    : a.is(i, "pxat") ? F_PXAT : 0;
            if (timeFlag != 0) {
                if ((flags & TIME_FLAGS) != 0) {
                    throw new CommandError("ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified");
                }
                if (i >= a.count() - 1) {
                    throw new CommandError("ERR missing expire time");
                }
                flags |= timeFlag;
                i++;
                boolean seconds = timeFlag == F_EX || timeFlag == F_EXAT;
                boolean relative = timeFlag == F_EX || timeFlag == F_PX;
                when = expireTimeArg(c, i, seconds, relative ? now : 0, "hsetex");
                timeAt = i;
            } else if (a.is(i, "keepttl")) {
                if ((flags & TIME_FLAGS) != 0) {
                    throw new CommandError("ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified");
                }
                flags |= F_KEEPTTL;
            } else if (a.is(i, "fxx") || a.is(i, "fnx")) {
                if ((flags & (F_FXX | F_FNX)) != 0) {
                    throw new CommandError("ERR Only one of FXX or FNX arguments can be specified");
                }
                flags |= a.is(i, "fxx") ? F_FXX : F_FNX;
            } else {
                throw new CommandError("ERR unknown argument: " + a.cString(i));
            }
        }
        if (first < 0) {
            // Only reachable when the arguments end without FIELDS.
            throw new CommandError(Errors.arity("hsetex"));
        }
        KeyEntry e = TypedLookup.write(c, 1, HashType.TYPE);
        if (e == null && (flags & F_FXX) != 0) {
            c.reply.integer(0);
            return;
        }
        Db db = c.db();
        HashValue h = e == null ? new HashValue() : (HashValue) e.value();
        long before = e == null ? 0 : db.beforeChange(e);
        int expired = 0;
        if ((flags & (F_FXX | F_FNX)) != 0) {
            int found = 0;
            for (int k = 0; k < count; k++) {
                int i = first + 2 * k;
                boolean exists;
                if (h.isExpired(a.array(i), a.offset(i), a.length(i), now)) {
                    expireInBracket(c, h, i);
                    expired++;
                    exists = false;
                } else {
                    exists = h.contains(a.array(i), a.offset(i), a.length(i));
                }
                found += exists ? 1 : 0;
                if (((flags & F_FXX) != 0 && !exists) || ((flags & F_FNX) != 0 && exists)) {
                    break;
                }
            }
            if (((flags & F_FNX) != 0 && found != 0) || ((flags & F_FXX) != 0 && found != count)) {
                if (e != null) {
                    // An expired field deleted on the way is the only change.
                    boolean gone = finishWrite(c, e, before, expired > 0);
                    fieldEvents(c, gone, expired > 0 ? "hexpired" : null);
                    c.changes(0);
                }
                c.reply.integer(0);
                return;
            }
        }
        HashCommands.convertForArguments(c, h, first, a.count() - 1);
        boolean setExpiry = (flags & (F_EX | F_PX | F_EXAT | F_PXAT)) != 0;
        if (setExpiry) {
            h.enableExpiries();
        }
        ServerConfig cfg = c.server.config();
        boolean keepTtl = (flags & TIME_FLAGS) != 0;
        int deleted = 0;
        for (int k = 0; k < count; k++) {
            int fi = first + 2 * k;
            int vi = fi + 1;
            h.set(a.array(fi), a.offset(fi), a.length(fi), a.array(vi), a.offset(vi), a.length(vi),
                    cfg.hashMaxListpackEntries, cfg.hashMaxListpackValue, keepTtl);
            if (setExpiry) {
                if (alreadyExpired(c, when)) {
                    h.delete(a.array(fi), a.offset(fi), a.length(fi));
                    if (c.server.propagation().active()) {
                        c.server.propagation().add(db.id, Argv.of(HDEL, a.copy(1), a.copy(fi)));
                    }
                    deleted++;
                } else {
                    h.setExpireTime(a.array(fi), a.offset(fi), a.length(fi), when);
                }
            }
        }
        boolean gone;
        if (e == null) {
            gone = h.size() == 0;
            if (!gone) {
                db.add(a.copy(1), h);
            }
        } else {
            db.changed(e, before);
            gone = db.deleteIfEmpty(e);
        }
        // Redis 8.0's order: hexpired fields on the way, hset, then hexpire or hdel, then del.
        fieldEvents(c, gone && e != null, expired > 0 ? "hexpired" : null, "hset",
                deleted > 0 ? "hdel" : setExpiry ? "hexpire" : null);
        c.changes(count);
        c.reply.integer(1);
        if (deleted > 0) {
            c.preventPropagation();
            return;
        }
        if (h.size() == 0) {
            c.preventPropagation();
            return;
        }
        // Propagated with PXAT at the absolute time when a relative or seconds time was given.
        if (setExpiry && (flags & F_PXAT) == 0 && c.server.propagation().active()) {
            Argv p = new Argv(a.count());
            for (int i = 0; i < a.count(); i++) {
                if (i == timeAt - 1) {
                    p.add(PXAT);
                } else if (i == timeAt) {
                    p.add(Numbers.toBytes(when));
                } else {
                    p.add(a.copy(i));
                }
            }
            c.propagateAs(p);
        }
    }
}
