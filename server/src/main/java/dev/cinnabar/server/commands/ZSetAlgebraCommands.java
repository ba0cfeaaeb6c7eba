package dev.cinnabar.server.commands;

import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.Doubles;
import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.value.SetType;
import dev.cinnabar.datatypes.value.SetValue;
import dev.cinnabar.datatypes.value.ZSetType;
import dev.cinnabar.datatypes.value.ZSetValue;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.exec.CommandHandlers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * ZUNION, ZINTER, ZDIFF, their STORE forms, and ZINTERCARD, as Redis 7.0's
 * zunionInterDiffGenericCommand computes them.
 *
 * <p>Inputs may be sorted sets or plain sets (whose members count score 1); a missing key is an
 * empty input. Every input key is type-checked before the options are read. Union and
 * intersection take the inputs smallest first (a stable order by size), which decides the order
 * scores are combined in, and so the last bits of a sum. A weighted score that is NaN
 * ({@code 0 * inf}) counts as 0, and so does a SUM of {@code inf} and {@code -inf}. A stored
 * result is built as a skiplist and turned into a listpack when it fits the
 * {@code zset-max-listpack-*} limits, as in Redis; an empty one deletes the destination.
 */
public final class ZSetAlgebraCommands {
    static final String WEIGHT_NOT_FLOAT = "ERR weight value is not a float";

    private static final int UNION = 0;
    private static final int INTER = 1;
    private static final int DIFF = 2;

    private static final int SUM = 0;
    private static final int MIN = 1;
    private static final int MAX = 2;

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("zunion", this, 0);
            t.bind("zinter", this, 1);
            t.bind("zdiff", this, 2);
            t.bind("zunionstore", this, 3);
            t.bind("zinterstore", this, 4);
            t.bind("zdiffstore", this, 5);
            t.bind("zintercard", this, 6);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> ZSetAlgebraCommands.generic(c, -1, 1, UNION, false);
                case 1 -> ZSetAlgebraCommands.generic(c, -1, 1, INTER, false);
                case 2 -> ZSetAlgebraCommands.generic(c, -1, 1, DIFF, false);
                case 3 -> ZSetAlgebraCommands.generic(c, 1, 2, UNION, false);
                case 4 -> ZSetAlgebraCommands.generic(c, 1, 2, INTER, false);
                case 5 -> ZSetAlgebraCommands.generic(c, 1, 2, DIFF, false);
                case 6 -> ZSetAlgebraCommands.generic(c, -1, 1, INTER, true);
                default -> throw new IllegalArgumentException("ZSetAlgebraCommands has no handler " + handler);
            }
        }
    }

    /** One input: a sorted set, a set, or nothing (a missing key). */
    static final class Source {
        final Object subject;
        double weight = 1.0;

        Source(Object subject) {
            this.subject = subject;
        }

        int length() {
            if (subject instanceof ZSetValue) {
                return ((ZSetValue) subject).size();
            }
            return subject == null ? 0 : ((SetValue) subject).size();
        }

        /** The member's score in this input (1 in a set), or NaN when it is not there. */
        double find(byte[] m) {
            if (subject instanceof ZSetValue) {
                return ((ZSetValue) subject).score(m, 0, m.length);
            }
            if (subject == null) {
                return Double.NaN;
            }
            return ((SetValue) subject).contains(m, 0, m.length) ? 1.0 : Double.NaN;
        }

        interface MemberVisitor {
            void visit(byte[] member, double score);
        }

        /** Every member with its score (1 in a set), each member a fresh array. */
        void forEach(MemberVisitor v) {
            if (subject instanceof ZSetValue) {
                ((ZSetValue) subject).forEach((Listpack.Entry m, double score) -> v.visit(m.toBytes(), score));
            } else if (subject != null) {
                ((SetValue) subject).forEach(m -> v.visit(SetValue.bytesOf(m), 1.0));
            }
        }
    }

    /** A member of the result with its score. */
    static final class Scored {
        final byte[] member;
        double score;

        Scored(byte[] member, double score) {
            this.member = member;
            this.score = score;
        }
    }

    /** The skiplist's order: score (as C compares doubles, so -0 equals 0), then member bytes. */
    static final Comparator<Scored> ORDER = (x, y) -> {
        if (x.score < y.score) {
            return -1;
        } else if (x.score > y.score) {
            return 1;
        }
        return Arrays.compareUnsigned(x.member, y.member);
    };

    // ZUNION numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>] [WITHSCORES]
    // ZINTER numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>] [WITHSCORES]
    // ZDIFF numkeys key [key ...] [WITHSCORES]
    // ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>]
    // ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>]
    // ZDIFFSTORE destination numkeys key [key ...]
    // ZINTERCARD numkeys key [key ...] [LIMIT limit]
    static void generic(Client c, int dst, int numkeysIdx, int op, boolean cardinalityOnly) {
        Argv a = c.argv;
        long setnum = Args.longArg(c, numkeysIdx);
        if (setnum < 1) {
            throw new CommandError("ERR at least 1 input key is needed for '"
                    + a.cString(0).toLowerCase(Locale.ROOT) + "' command");
        }
        if (setnum > a.count() - (numkeysIdx + 1)) {
            throw new CommandError(Errors.SYNTAX);
        }
        int n = (int) setnum;
        Source[] src = new Source[n];
        int j = numkeysIdx + 1;
        for (int i = 0; i < n; i++, j++) {
            Object o = c.db().lookupRead(a, j);
            if (o != null && !ZSetType.TYPE.holds(o) && !SetType.TYPE.holds(o)) {
                throw new CommandError(Errors.WRONG_TYPE);
            }
            src[i] = new Source(o);
        }
        int aggregate = SUM;
        boolean withscores = false;
        long limit = 0;
        while (j < a.count()) {
            int remaining = a.count() - j;
            if (op != DIFF && !cardinalityOnly && remaining >= n + 1 && a.is(j, "weights")) {
                j++;
                for (int i = 0; i < n; i++, j++) {
                    double w = Doubles.parse(a.array(j), a.offset(j), a.length(j));
                    if (Double.isNaN(w)) {
                        throw new CommandError(WEIGHT_NOT_FLOAT);
                    }
                    src[i].weight = w;
                }
            } else if (op != DIFF && !cardinalityOnly && remaining >= 2 && a.is(j, "aggregate")) {
                j++;
                if (a.is(j, "sum")) {
                    aggregate = SUM;
                } else if (a.is(j, "min")) {
                    aggregate = MIN;
                } else if (a.is(j, "max")) {
                    aggregate = MAX;
                } else {
                    throw new CommandError(Errors.SYNTAX);
                }
                j++;
            } else if (dst < 0 && !cardinalityOnly && a.is(j, "withscores")) {
                j++;
                withscores = true;
            } else if (cardinalityOnly && remaining >= 2 && a.is(j, "limit")) {
                j++;
                limit = Args.longArg(c, j, 0, Long.MAX_VALUE, SetCommands.NEGATIVE_LIMIT);
                j++;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        if (op != DIFF) {
            // Smallest first; a stable sort, as glibc's qsort (a merge sort) is.
            Arrays.sort(src, Comparator.comparingInt(Source::length));
        }

        List<Scored> result = new ArrayList<>();
        long cardinality = 0;
        if (op == INTER) {
            if (src[0].length() > 0) {
                int agg = aggregate;
                long lim = limit;
                long[] count = {0};
                try {
                    src[0].forEach((m, s) -> {
                        double score = src[0].weight * s;
                        if (Double.isNaN(score)) {
                            score = 0;
                        }
                        for (int k = 1; k < n; k++) {
                            double value = src[k].subject == src[0].subject ? s : src[k].find(m);
                            if (Double.isNaN(value)) {
                                return;
                            }
                            score = aggregate(score, value * src[k].weight, agg);
                        }
                        if (cardinalityOnly) {
                            count[0]++;
                            if (lim != 0 && count[0] >= lim) {
                                throw LimitReached.INSTANCE;
                            }
                        } else {
                            result.add(new Scored(m, score));
                        }
                    });
                } catch (LimitReached done) {
                    // ZINTERCARD's LIMIT: enough members counted.
                }
                cardinality = count[0];
            }
        } else if (op == UNION) {
            Dict<Scored> acc = new Dict<>();
            int agg = aggregate;
            for (Source s : src) {
                if (s.length() == 0) {
                    continue;
                }
                s.forEach((m, score) -> {
                    double v = s.weight * score;
                    if (Double.isNaN(v)) {
                        v = 0;
                    }
                    Scored existing = acc.get(m);
                    if (existing == null) {
                        Scored added = new Scored(m, v);
                        acc.put(m, added);
                        result.add(added);
                    } else {
                        existing.score = aggregate(existing.score, v, agg);
                    }
                });
            }
        } else if (src[0].length() > 0) {
            boolean same = false;
            for (int k = 1; k < n; k++) {
                same |= src[k].subject == src[0].subject;
            }
            if (!same) {
                src[0].forEach((m, s) -> {
                    for (int k = 1; k < n; k++) {
                        if (!Double.isNaN(src[k].find(m))) {
                            return;
                        }
                    }
                    result.add(new Scored(m, s));
                });
            }
        }

        if (cardinalityOnly) {
            c.reply.integer(cardinality);
            return;
        }
        result.sort(ORDER);
        if (dst >= 0) {
            store(c, dst, op, result);
            return;
        }
        boolean resp3 = c.reply.resp3();
        c.reply.array(withscores && !resp3 ? result.size() * 2 : result.size());
        for (Scored s : result) {
            if (withscores && resp3) {
                c.reply.array(2);
            }
            c.reply.bulk(s.member);
            if (withscores) {
                c.reply.doubleText(Doubles.format17g(s.score));
            }
        }
    }

    /** The STORE forms' ending: the sorted result replaces the destination, or deletes it when empty. */
    private static void store(Client c, int dst, int op, List<Scored> result) {
        if (result.isEmpty()) {
            c.reply.integer(0);
            if (c.db().deleteUnchecked(c.argv, dst)) {
                Notify.arg(c, Notify.GENERIC, "del", dst);
            }
            return;
        }
        long maxEntries = c.server.config().zsetMaxListpackEntries;
        long maxValue = c.server.config().zsetMaxListpackValue;
        ZSetValue z = ZSetValue.newSkiplist();
        long longest = 0;
        long total = 0;
        for (Scored s : result) {
            z.add(s.score, s.member, 0, maxEntries, maxValue, null);
            longest = Math.max(longest, s.member.length);
            total += s.member.length;
        }
        z.convertToListpackIfNeeded(longest, total, maxEntries, maxValue);
        c.db().setKey(c.argv, dst, z, false);
        c.reply.integer(z.size());
        // zunionstore / zinterstore / zdiffstore: the command's own name.
        Notify.arg(c, Notify.ZSET, c.command.fullName, dst);
    }

    /** Redis's zunionInterAggregate. */
    static double aggregate(double target, double val, int aggregate) {
        switch (aggregate) {
            case SUM: {
                double r = target + val;
                return Double.isNaN(r) ? 0.0 : r;
            }
            case MIN:
                return val < target ? val : target;
            default:
                return val > target ? val : target;
        }
    }

    /** Stops a member walk early. */
    private static final class LimitReached extends RuntimeException {
        static final LimitReached INSTANCE = new LimitReached();

        private LimitReached() {
            super(null, null, false, false);
        }
    }
}
