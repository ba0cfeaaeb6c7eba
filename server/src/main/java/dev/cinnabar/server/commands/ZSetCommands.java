package dev.cinnabar.server.commands;

import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.Doubles;
import dev.cinnabar.datatypes.LexRange;
import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.datatypes.ScoreRange;
import dev.cinnabar.datatypes.value.ZSetType;
import dev.cinnabar.datatypes.value.ZSetValue;
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
 * The sorted-set commands. A sorted set is a {@link ZSetValue}: a listpack while it has at most
 * {@code zset-max-listpack-entries} members and none longer than {@code zset-max-listpack-value}
 * bytes, a skiplist and dict after that.
 */
public final class ZSetCommands {
    public static final String NOT_FLOAT_RANGE = "ERR min or max is not a float";
    public static final String NOT_LEX_RANGE = "ERR min or max not valid string range item";
    static final String NAN_RESULT = "ERR resulting score is not a number (NaN)";
    static final String NX_XX = "ERR XX and NX options at the same time are not compatible";
    static final String GT_LT_NX = "ERR GT, LT, and/or NX options at the same time are not compatible";
    static final String INCR_PAIRS = "ERR INCR option supports a single increment-element pair";
    static final String LIMIT_WITH_RANK =
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
    static final String WITHSCORES_WITH_LEX = "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
    /** Above this many times the count, ZRANDMEMBER picks members rather than removing them. */
    private static final int SUB_STRATEGY_MUL = 3;

    /** The kinds of range ZRANGE and its relatives take. */
    static final int AUTO = 0;
    static final int RANK = 1;
    static final int SCORE = 2;
    static final int LEX = 3;
    /** Directions. */
    static final int FORWARD = 1;
    static final int REVERSE = 2;

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("zadd", this, 0);
            t.bind("zincrby", this, 1);
            t.bind("zrem", this, 2);
            t.bind("zcard", this, 3);
            t.bind("zscore", this, 4);
            t.bind("zmscore", this, 5);
            t.bind("zrank", this, 6);
            t.bind("zrevrank", this, 7);
            t.bind("zcount", this, 8);
            t.bind("zlexcount", this, 9);
            t.bind("zrange", this, 10);
            t.bind("zrangestore", this, 11);
            t.bind("zrevrange", this, 12);
            t.bind("zrangebyscore", this, 13);
            t.bind("zrevrangebyscore", this, 14);
            t.bind("zrangebylex", this, 15);
            t.bind("zrevrangebylex", this, 16);
            t.bind("zremrangebyrank", this, 17);
            t.bind("zremrangebyscore", this, 18);
            t.bind("zremrangebylex", this, 19);
            t.bind("zrandmember", this, 20);
            t.bind("zscan", this, 21);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> ZSetCommands.zadd(c, 0);
                case 1 -> ZSetCommands.zadd(c, ZSetValue.INCR);
                case 2 -> ZSetCommands.zrem(c);
                case 3 -> ZSetCommands.zcard(c);
                case 4 -> ZSetCommands.zscore(c);
                case 5 -> ZSetCommands.zmscore(c);
                case 6 -> ZSetCommands.zrank(c, false);
                case 7 -> ZSetCommands.zrank(c, true);
                case 8 -> ZSetCommands.zcount(c);
                case 9 -> ZSetCommands.zlexcount(c);
                case 10 -> ZSetCommands.zrange(c, 1, false, AUTO, AUTO);
                case 11 -> ZSetCommands.zrange(c, 2, true, AUTO, AUTO);
                case 12 -> ZSetCommands.zrange(c, 1, false, RANK, REVERSE);
                case 13 -> ZSetCommands.zrange(c, 1, false, SCORE, FORWARD);
                case 14 -> ZSetCommands.zrange(c, 1, false, SCORE, REVERSE);
                case 15 -> ZSetCommands.zrange(c, 1, false, LEX, FORWARD);
                case 16 -> ZSetCommands.zrange(c, 1, false, LEX, REVERSE);
                case 17 -> ZSetCommands.zremrange(c, RANK);
                case 18 -> ZSetCommands.zremrange(c, SCORE);
                case 19 -> ZSetCommands.zremrange(c, LEX);
                case 20 -> ZSetCommands.zrandmember(c);
                case 21 -> ZSetCommands.zscan(c);
                default -> throw new IllegalArgumentException("ZSetCommands has no handler " + handler);
            }
        }
    }

    // ------------------------------------------------------------------ shared parts

    /** A member as a bulk string. */
    public static void replyMember(ReplyWriter w, Listpack.Entry m) {
        if (m.isInteger) {
            w.bulk(m.value);
        } else {
            w.bulk(m.bytes, m.offset, m.length);
        }
    }

    /** A score as Redis 7.0's addReplyDouble writes it: %.17g, a double frame in RESP3. */
    public static void replyScore(ReplyWriter w, double score) {
        w.doubleText(Doubles.format17g(score));
    }

    /**
     * Parses a score range argument pair; "min or max is not a float" when either is bad.
     */
    public static ScoreRange scoreRange(Client c, int min, int max) {
        Argv a = c.argv;
        ScoreRange r = ScoreRange.parse(a.array(min), a.offset(min), a.length(min), a.array(max), a.offset(max),
                a.length(max));
        if (r == null) {
            throw new CommandError(NOT_FLOAT_RANGE);
        }
        return r;
    }

    /** Parses a lex range argument pair; "min or max not valid string range item" when either is bad. */
    public static LexRange lexRange(Client c, int min, int max) {
        Argv a = c.argv;
        LexRange r = LexRange.parse(a.array(min), a.offset(min), a.length(min), a.array(max), a.offset(max),
                a.length(max));
        if (r == null) {
            throw new CommandError(NOT_LEX_RANGE);
        }
        return r;
    }

    /** A score argument as Redis's getDoubleFromObject reads it; "value is not a valid float" when bad. */
    public static double scoreArg(Client c, int i) {
        Argv a = c.argv;
        double d = Doubles.parse(a.array(i), a.offset(i), a.length(i));
        if (Double.isNaN(d)) {
            throw new CommandError(Errors.NOT_FLOAT);
        }
        return d;
    }

    // ------------------------------------------------------------------ ZADD, ZINCRBY

    // ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]
    // ZINCRBY key increment member
    /**
     * Room in a listpack-encoded set for the new members of a ZADD at once (as many as the
     * listpack may still take): each entry would otherwise copy the whole listpack.
     * A score is counted as the integer it is stored as, or as the longest %.17g text; what is
     * not used is trimmed after the command. Members already there are not counted: room
     * reserved for them would cost two copies of the listpack per ZADD that only moves scores.
     */
    private static void reserveForMembers(Client c, ZSetValue z, double[] scores, int scoreIdx, ServerConfig cfg) {
        Listpack lp = z.listpack();
        if (lp == null || scores.length < 2) {
            return;
        }
        // Past the limit the set converts, but only once the listpack has filled up to it.
        long room = cfg.zsetMaxListpackEntries - z.size();
        Argv a = c.argv;
        int members = 0;
        int bytes = 0;
        for (int j = 0; j < scores.length && members < room; j++) {
            int m = scoreIdx + 1 + 2 * j;
            if (z.contains(a.array(m), a.offset(m), a.length(m))) {
                continue;
            }
            members++;
            double s = scores[j];
            bytes += Listpack.entrySizeOf(a.array(m), a.offset(m), a.length(m))
                    + (s == Math.rint(s) && Math.abs(s) < 1e17 ? Listpack.entrySizeOf((long) s) : LONGEST_SCORE_ENTRY);
        }
        if (members >= 2) {
            lp.reserve(bytes);
        }
    }

    /** A string entry of the longest %.17g text, 24 bytes: one byte of encoding, one of backlen. */
    private static final int LONGEST_SCORE_ENTRY = 26;

    static void zadd(Client c, int flags) {
        Argv a = c.argv;
        boolean ch = false;
        int scoreIdx = 2;
        while (scoreIdx < a.count()) {
            if (a.is(scoreIdx, "nx")) {
                flags |= ZSetValue.NX;
            } else if (a.is(scoreIdx, "xx")) {
                flags |= ZSetValue.XX;
            } else if (a.is(scoreIdx, "ch")) {
                ch = true;
            } else if (a.is(scoreIdx, "incr")) {
                flags |= ZSetValue.INCR;
            } else if (a.is(scoreIdx, "gt")) {
                flags |= ZSetValue.GT;
            } else if (a.is(scoreIdx, "lt")) {
                flags |= ZSetValue.LT;
            } else {
                break;
            }
            scoreIdx++;
        }
        boolean incr = (flags & ZSetValue.INCR) != 0;
        boolean nx = (flags & ZSetValue.NX) != 0;
        boolean xx = (flags & ZSetValue.XX) != 0;
        boolean gt = (flags & ZSetValue.GT) != 0;
        boolean lt = (flags & ZSetValue.LT) != 0;
        int elements = a.count() - scoreIdx;
        if (elements % 2 != 0 || elements == 0) {
            throw new CommandError(Errors.SYNTAX);
        }
        elements /= 2;
        if (nx && xx) {
            throw new CommandError(NX_XX);
        }
        if ((gt && nx) || (lt && nx) || (gt && lt)) {
            throw new CommandError(GT_LT_NX);
        }
        if (incr && elements > 1) {
            throw new CommandError(INCR_PAIRS);
        }
        double[] scores = new double[elements];
        for (int j = 0; j < elements; j++) {
            scores[j] = scoreArg(c, scoreIdx + 2 * j);
        }
        KeyEntry e = TypedLookup.write(c, 1, ZSetType.TYPE);
        ServerConfig cfg = c.server.config();
        Db db = c.db();
        ZSetValue z;
        // The size before the first change, taken when the set is about to change (never for a
        // ZADD that changes nothing, which is then no write).
        long[] before = {-1};
        ZSetValue target = e == null ? null : (ZSetValue) e.value();
        int firstScore = scoreIdx;
        Runnable opening = e == null ? null : () -> {
            if (before[0] < 0) {
                before[0] = db.beforeChange(e);
                reserveForMembers(c, target, scores, firstScore, cfg);
            }
        };
        if (e == null) {
            if (xx) {
                if (incr) {
                    c.reply.nullBulk();
                } else {
                    c.reply.integer(0);
                }
                return;
            }
            z = ZSetValue.forFirstMember(a.length(scoreIdx + 1), cfg.zsetMaxListpackEntries, cfg.zsetMaxListpackValue);
            reserveForMembers(c, z, scores, scoreIdx, cfg);
        } else {
            z = (ZSetValue) e.value();
        }
        int added = 0;
        int updated = 0;
        int processed = 0;
        double[] newScore = new double[1];
        double score = 0;
        for (int j = 0; j < elements; j++) {
            int m = scoreIdx + 1 + 2 * j;
            int res = z.add(scores[j], a.array(m), a.offset(m), a.length(m), flags, cfg.zsetMaxListpackEntries,
                    cfg.zsetMaxListpackValue, newScore, opening);
            if ((res & ZSetValue.NAN) != 0) {
                // Only an increment of an existing member can give NaN: nothing changed.
                throw new CommandError(NAN_RESULT);
            }
            if ((res & ZSetValue.ADDED) != 0) {
                added++;
            }
            if ((res & ZSetValue.UPDATED) != 0) {
                updated++;
            }
            if ((res & ZSetValue.NOP) == 0) {
                processed++;
            }
            score = newScore[0];
        }
        if ((e == null || before[0] >= 0) && z.listpack() != null) {
            z.listpack().trimExcess(); // what reserveForMembers took and no member used
        }
        if (e == null) {
            db.add(a.copy(1), z);
        } else if (added + updated > 0) {
            db.changed(e, before[0]);
        }
        if (added + updated > 0) {
            Notify.arg(c, Notify.ZSET, incr ? "zincr" : "zadd", 1);
        }
        c.changes(added + updated);
        if (incr) {
            if (processed > 0) {
                replyScore(c.reply, score);
            } else {
                c.reply.nullBulk();
            }
        } else {
            c.reply.integer(ch ? added + updated : added);
        }
    }

    // ------------------------------------------------------------------ ZREM and range removal

    // ZREM key member [member ...]
    static void zrem(Client c) {
        Argv a = c.argv;
        KeyEntry e = TypedLookup.write(c, 1, ZSetType.TYPE);
        if (e == null) {
            c.reply.integer(0);
            return;
        }
        Db db = c.db();
        ZSetValue z = (ZSetValue) e.value();
        long before = -1;
        int deleted = 0;
        for (int i = 2; i < a.count(); i++) {
            if (before < 0) {
                if (!z.contains(a.array(i), a.offset(i), a.length(i))) {
                    continue;
                }
                before = db.beforeChange(e);
            }
            if (z.remove(a.array(i), a.offset(i), a.length(i))) {
                deleted++;
                if (z.size() == 0) {
                    break;
                }
            }
        }
        if (deleted > 0) {
            db.changed(e, before);
            Notify.arg(c, Notify.ZSET, "zrem", 1);
            if (db.deleteIfEmpty(e)) {
                Notify.arg(c, Notify.GENERIC, "del", 1);
            }
            c.changes(deleted);
        }
        c.reply.integer(deleted);
    }

    // ZREMRANGEBYRANK key start stop
    // ZREMRANGEBYSCORE key min max
    // ZREMRANGEBYLEX key min max
    static void zremrange(Client c, int type) {
        long start = 0;
        long end = 0;
        ScoreRange score = null;
        LexRange lex = null;
        if (type == RANK) {
            start = Args.longArg(c, 2);
            end = Args.longArg(c, 3);
        } else if (type == SCORE) {
            score = scoreRange(c, 2, 3);
        } else {
            lex = lexRange(c, 2, 3);
        }
        KeyEntry e = TypedLookup.write(c, 1, ZSetType.TYPE);
        if (e == null) {
            c.reply.integer(0);
            return;
        }
        ZSetValue z = (ZSetValue) e.value();
        if (type == RANK) {
            long llen = z.size();
            if (start < 0) {
                start += llen;
            }
            if (end < 0) {
                end += llen;
            }
            if (start < 0) {
                start = 0;
            }
            if (start > end || start >= llen) {
                c.reply.integer(0);
                return;
            }
            if (end >= llen) {
                end = llen - 1;
            }
        }
        if (type == SCORE && z.countByScore(score) == 0) {
            // Nothing in range: no write at all. (A lex range over members of different scores
            // may delete what a count does not find, as in Redis, so it is not counted first.)
            c.reply.integer(0);
            return;
        }
        Db db = c.db();
        long before = db.beforeChange(e);
        long deleted;
        if (type == RANK) {
            deleted = z.removeRangeByRank(start, end);
        } else if (type == SCORE) {
            deleted = z.removeRangeByScore(score);
        } else {
            deleted = z.removeRangeByLex(lex);
        }
        if (deleted > 0) {
            db.changed(e, before);
            Notify.arg(c, Notify.ZSET, type == RANK ? "zremrangebyrank" : type == SCORE ? "zremrangebyscore"
                    : "zremrangebylex", 1);
            if (db.deleteIfEmpty(e)) {
                Notify.arg(c, Notify.GENERIC, "del", 1);
            }
            c.changes(deleted);
        }
        c.reply.integer(deleted);
    }

    // ------------------------------------------------------------------ single reads

    // ZCARD key
    static void zcard(Client c) {
        ZSetValue z = (ZSetValue) TypedLookup.readOrReply(c, 1, ZSetType.TYPE, TypedLookup.ZERO);
        if (z != null) {
            c.reply.integer(z.size());
        }
    }

    // ZSCORE key member
    static void zscore(Client c) {
        ZSetValue z = (ZSetValue) TypedLookup.readOrReply(c, 1, ZSetType.TYPE, TypedLookup.NULL);
        if (z == null) {
            return;
        }
        Argv a = c.argv;
        double s = z.score(a.array(2), a.offset(2), a.length(2));
        if (Double.isNaN(s)) {
            c.reply.nullBulk();
        } else {
            replyScore(c.reply, s);
        }
    }

    // ZMSCORE key member [member ...]
    static void zmscore(Client c) {
        Argv a = c.argv;
        ZSetValue z = (ZSetValue) TypedLookup.read(c, 1, ZSetType.TYPE);
        c.reply.array(a.count() - 2);
        for (int i = 2; i < a.count(); i++) {
            double s = z == null ? Double.NaN : z.score(a.array(i), a.offset(i), a.length(i));
            if (Double.isNaN(s)) {
                c.reply.nullBulk();
            } else {
                replyScore(c.reply, s);
            }
        }
    }

    // ZRANK key member
    // ZREVRANK key member
    static void zrank(Client c, boolean reverse) {
        ZSetValue z = (ZSetValue) TypedLookup.readOrReply(c, 1, ZSetType.TYPE, TypedLookup.NULL);
        if (z == null) {
            return;
        }
        Argv a = c.argv;
        long rank = z.rank(a.array(2), a.offset(2), a.length(2), reverse);
        if (rank >= 0) {
            c.reply.integer(rank);
        } else {
            c.reply.nullBulk();
        }
    }

    // ZCOUNT key min max
    static void zcount(Client c) {
        ScoreRange r = scoreRange(c, 2, 3);
        ZSetValue z = (ZSetValue) TypedLookup.readOrReply(c, 1, ZSetType.TYPE, TypedLookup.ZERO);
        if (z != null) {
            c.reply.integer(z.countByScore(r));
        }
    }

    // ZLEXCOUNT key min max
    static void zlexcount(Client c) {
        LexRange r = lexRange(c, 2, 3);
        ZSetValue z = (ZSetValue) TypedLookup.readOrReply(c, 1, ZSetType.TYPE, TypedLookup.ZERO);
        if (z != null) {
            c.reply.integer(z.countByLex(r));
        }
    }

    // ------------------------------------------------------------------ ZRANGE and relatives

    /** Where a range goes: the client's reply, or a new sorted set (ZRANGESTORE). */
    private static final class RangeSink implements ZSetValue.Visitor {
        final Client c;
        final ReplyWriter w;
        final boolean withScores;
        final boolean nested;
        final ZSetValue store;
        final long maxEntries;
        final long maxValue;
        long count;

        RangeSink(Client c, boolean withScores, ZSetValue store) {
            this.c = c;
            this.w = c.reply;
            this.withScores = withScores;
            this.nested = withScores && w.protocol() > 2;
            this.store = store;
            this.maxEntries = c.server.config().zsetMaxListpackEntries;
            this.maxValue = c.server.config().zsetMaxListpackValue;
        }

        @Override
        public void visit(Listpack.Entry m, double score) {
            count++;
            if (store != null) {
                if (m.isInteger) {
                    byte[] digits = Numbers.toBytes(m.value);
                    store.add(score, digits, 0, digits.length, 0, maxEntries, maxValue, null);
                } else {
                    store.add(score, m.bytes, m.offset, m.length, 0, maxEntries, maxValue, null);
                }
                return;
            }
            if (nested) {
                w.array(2);
            }
            replyMember(w, m);
            if (withScores) {
                replyScore(w, score);
            }
        }

        /** The reply's array length for {@code n} results. */
        int length(long n) {
            return (int) (withScores && w.protocol() == 2 ? n * 2 : n);
        }
    }

    // ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
    // ZRANGESTORE dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]
    // ZREVRANGE key start stop [WITHSCORES]
    // ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
    // ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
    // ZRANGEBYLEX key min max [LIMIT offset count]
    // ZREVRANGEBYLEX key max min [LIMIT offset count]
    static void zrange(Client c, int keyArg, boolean store, int type, int direction) {
        Argv a = c.argv;
        int minIdx = keyArg + 1;
        int maxIdx = keyArg + 2;
        boolean withScores = false;
        long offset = 0;
        long limit = -1;
        for (int j = keyArg + 3; j < a.count(); j++) {
            int left = a.count() - j - 1;
            if (!store && a.is(j, "withscores")) {
                withScores = true;
            } else if (a.is(j, "limit") && left >= 2) {
                offset = Args.longArg(c, j + 1);
                limit = Args.longArg(c, j + 2);
                j += 2;
            } else if (direction == AUTO && a.is(j, "rev")) {
                direction = REVERSE;
            } else if (type == AUTO && a.is(j, "bylex")) {
                type = LEX;
            } else if (type == AUTO && a.is(j, "byscore")) {
                type = SCORE;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        if (direction == AUTO) {
            direction = FORWARD;
        }
        if (type == AUTO) {
            type = RANK;
        }
        if (limit != -1 && type == RANK) {
            throw new CommandError(LIMIT_WITH_RANK);
        }
        if (withScores && type == LEX) {
            throw new CommandError(WITHSCORES_WITH_LEX);
        }
        boolean reverse = direction == REVERSE;
        if (reverse && type != RANK) {
            int t = maxIdx;
            maxIdx = minIdx;
            minIdx = t;
        }
        long start = 0;
        long end = 0;
        ScoreRange score = null;
        LexRange lex = null;
        if (type == RANK) {
            start = Args.longArg(c, minIdx);
            end = Args.longArg(c, maxIdx);
        } else if (type == SCORE) {
            score = scoreRange(c, minIdx, maxIdx);
        } else {
            lex = lexRange(c, minIdx, maxIdx);
        }
        ZSetValue z = (ZSetValue) TypedLookup.read(c, keyArg, ZSetType.TYPE);
        ServerConfig cfg = c.server.config();
        if (z == null) {
            if (store) {
                finishStore(c, null, 0);
            } else {
                c.reply.emptyArray();
            }
            return;
        }
        ReplyWriter w = c.reply;
        if (type == RANK) {
            long llen = z.size();
            if (start < 0) {
                start += llen;
            }
            if (end < 0) {
                end += llen;
            }
            if (start < 0) {
                start = 0;
            }
            if (start > end || start >= llen) {
                if (store) {
                    finishStore(c, null, 0);
                } else {
                    w.emptyArray();
                }
                return;
            }
            if (end >= llen) {
                end = llen - 1;
            }
            long n = end - start + 1;
            RangeSink sink = new RangeSink(c, withScores, store ? ZSetValue.forLength(n, cfg.zsetMaxListpackEntries) : null);
            if (!store) {
                w.array(sink.length(n));
            }
            z.rangeByRank(start, end, reverse, sink);
            if (store) {
                finishStore(c, sink.store, sink.count);
            }
            return;
        }
        RangeSink sink = new RangeSink(c, withScores, store ? ZSetValue.forLength(-1, cfg.zsetMaxListpackEntries) : null);
        int mark = store ? 0 : w.beginDeferred();
        // A negative offset walks past the end in Redis: nothing is in range.
        if (offset >= 0 && !(offset > 0 && offset >= z.size())) {
            if (type == SCORE) {
                z.rangeByScore(score, reverse, offset, limit, sink);
            } else {
                z.rangeByLex(lex, reverse, offset, limit, sink);
            }
        }
        if (store) {
            finishStore(c, sink.store, sink.count);
        } else {
            w.endArray(mark, sink.length(sink.count));
        }
    }

    /** ZRANGESTORE's ending: a non-empty result replaces the destination, an empty one deletes it. */
    private static void finishStore(Client c, ZSetValue result, long count) {
        if (count > 0) {
            c.db().setKey(c.argv, 1, result, false);
            c.reply.integer(count);
            Notify.arg(c, Notify.ZSET, "zrangestore", 1);
        } else {
            c.reply.integer(0);
            if (c.db().deleteUnchecked(c.argv, 1)) {
                Notify.arg(c, Notify.GENERIC, "del", 1);
            }
        }
    }

    // ------------------------------------------------------------------ ZRANDMEMBER

    // ZRANDMEMBER key [count [WITHSCORES]]
    static void zrandmember(Client c) {
        Argv a = c.argv;
        RandomGenerator random = ThreadLocalRandom.current();
        if (a.count() >= 3) {
            long l = Args.longArg(c, 2);
            if (l < -Long.MAX_VALUE) {
                throw new CommandError(HashCommands.COUNT_RANGE);
            }
            boolean withScores = false;
            if (a.count() > 4 || (a.count() == 4 && !a.is(3, "withscores"))) {
                throw new CommandError(Errors.SYNTAX);
            } else if (a.count() == 4) {
                withScores = true;
                if (l < -Long.MAX_VALUE / 2 || l > Long.MAX_VALUE / 2) {
                    throw new CommandError(HashCommands.RANGE_WITHVALUES);
                }
            }
            randomWithCount(c, l, withScores, random);
            return;
        }
        ZSetValue z = (ZSetValue) TypedLookup.readOrReply(c, 1, ZSetType.TYPE, TypedLookup.NULL);
        if (z != null) {
            z.randomElement(random, (m, s) -> replyMember(c.reply, m));
        }
    }

    private static void randomWithCount(Client c, long l, boolean withScores, RandomGenerator random) {
        ZSetValue z = (ZSetValue) TypedLookup.readOrReply(c, 1, ZSetType.TYPE, TypedLookup.EMPTY_ARRAY);
        if (z == null) {
            return;
        }
        ReplyWriter w = c.reply;
        boolean resp3 = w.protocol() > 2;
        long size = z.size();
        boolean unique = l >= 0;
        long count = unique ? l : -l;
        if (count == 0) {
            w.emptyArray();
            return;
        }
        ZSetValue.Visitor emit = (m, s) -> {
            if (withScores && resp3) {
                w.array(2);
            }
            replyMember(w, m);
            if (withScores) {
                replyScore(w, s);
            }
        };
        // Repeats allowed (or just one): independent picks, in the order picked.
        if (!unique || count == 1) {
            long length = withScores && !resp3 ? count * 2 : count;
            if (length > Integer.MAX_VALUE) {
                // Redis starts the reply all the same; only an output limit stops it.
                w.raw(("*" + length + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            } else {
                w.array((int) length);
            }
            Listpack lp = z.listpack();
            if (lp != null) {
                // The listpack is walked once for its members' offsets, not once per pick.
                int[] members = new int[(int) size];
                double[] scores = new double[(int) size];
                int[] n = {0};
                z.forEach((m, s) -> scores[n[0]++] = s);
                n[0] = 0;
                for (int p = lp.first(); p >= 0; p = lp.next(lp.next(p))) {
                    members[n[0]++] = p;
                }
                Listpack.Entry m = new Listpack.Entry();
                for (long i = 0; i < count; i++) {
                    int k = random.nextInt(members.length);
                    emit.visit(lp.get(members[k], m), scores[k]);
                    if (w.discarding()) {
                        break;
                    }
                }
                return;
            }
            for (long i = 0; i < count; i++) {
                z.randomElement(random, emit);
                if (w.discarding()) {
                    break;
                }
            }
            return;
        }
        long replySize = Math.min(count, size);
        w.array((int) (withScores && !resp3 ? replySize * 2 : replySize));
        // All of it: the whole set, from the highest score down as Redis's set iterator walks it.
        if (count >= size) {
            z.forEachReverse(emit);
            return;
        }
        // Most of it: take everything, then remove random members.
        if (count * SUB_STRATEGY_MUL > size) {
            ArrayList<byte[]> members = new ArrayList<>((int) size);
            ArrayList<Double> scores = new ArrayList<>((int) size);
            z.forEach((m, s) -> {
                members.add(m.toBytes());
                scores.add(s);
            });
            int left = (int) size;
            while (left > count) {
                int i = random.nextInt(left);
                members.set(i, members.get(left - 1));
                scores.set(i, scores.get(left - 1));
                left--;
            }
            Listpack.Entry m = new Listpack.Entry();
            for (int i = 0; i < left; i++) {
                byte[] b = members.get(i);
                m.isInteger = false;
                m.bytes = b;
                m.offset = 0;
                m.length = b.length;
                emit.visit(m, scores.get(i));
            }
            return;
        }
        // A small part: a listpack's members in its own order, a skiplist's in the order picked.
        if (z.isListpack()) {
            long[] needed = {count};
            long[] remaining = {size};
            z.forEach((m, s) -> {
                if (needed[0] > 0 && random.nextLong(remaining[0]) < needed[0]) {
                    emit.visit(m, s);
                    needed[0]--;
                }
                remaining[0]--;
            });
            return;
        }
        HashSet<java.nio.ByteBuffer> seen = new HashSet<>();
        long[] added = {0};
        while (added[0] < count) {
            z.randomElement(random, (m, s) -> {
                if (seen.add(java.nio.ByteBuffer.wrap(m.toBytes()))) {
                    added[0]++;
                    emit.visit(m, s);
                }
            });
        }
    }

    // ------------------------------------------------------------------ ZSCAN

    // ZSCAN key cursor [MATCH pattern] [COUNT count]
    static void zscan(Client c) {
        Argv a = c.argv;
        long cursor = Scan.parseCursor(a, 2);
        ZSetValue z = (ZSetValue) TypedLookup.read(c, 1, ZSetType.TYPE);
        if (z == null) {
            c.reply.array(2);
            c.reply.bulk("0");
            c.reply.emptyArray();
            return;
        }
        Scan.Options o = Scan.parseOptions(a, 3, false);
        ArrayList<byte[]> found = new ArrayList<>();
        boolean listpack = z.isListpack();
        ZSetValue.Visitor collect = (m, s) -> {
            found.add(m.toBytes());
            // A listpack holds an integral score as an integer, which SCAN prints as such;
            // the dict's scores print as %.17Lg.
            found.add(listpack && ZSetValue.isLongScore(s) ? Numbers.toBytes((long) s) : Doubles.format17g(s));
        };
        if (listpack) {
            z.scan(0, collect);
            cursor = 0;
        } else {
            long maxIterations = o.count * 10;
            do {
                cursor = z.scan(cursor, collect);
            } while (cursor != 0 && maxIterations-- != 0 && found.size() < o.count);
        }
        int kept = 0;
        for (int i = 0; i < found.size(); i += 2) {
            byte[] m = found.get(i);
            if (Scan.matches(a, o, m, 0, m.length)) {
                found.set(kept++, m);
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
