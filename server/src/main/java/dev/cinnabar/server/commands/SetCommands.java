package dev.cinnabar.server.commands;

import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.value.SetType;
import dev.cinnabar.datatypes.value.SetValue;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.exec.CommandHandlers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The set commands, over {@link SetValue}. Replies list members in the set's own order: an
 * intset's is increasing, a hashtable's is the table's (which differs from Redis's, whose hash
 * seed is random anyway). Commands that build a set (the STORE variants, SPOP's rebuild) start
 * it as an intset, so a result of few integers comes back to intset even from hashtable sources,
 * as in Redis.
 */
public final class SetCommands {
    static final String MUST_BE_POSITIVE = "ERR value is out of range, must be positive";
    static final String SRANDMEMBER_RANGE =
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
    static final String NUMKEYS = "ERR numkeys should be greater than 0";
    static final String TOO_MANY_KEYS = "ERR Number of keys can't be greater than number of args";
    static final String NEGATIVE_LIMIT = "ERR LIMIT can't be negative";
    /** SPOP rebuilds the set from what stays when more than this many times what stays is popped. */
    private static final int SPOP_MOVE_STRATEGY_MUL = 5;
    /** SRANDMEMBER copies the set and removes from the copy when asked for over a third of it. */
    private static final int SRANDMEMBER_SUB_STRATEGY_MUL = 3;
    private static final byte[] SREM = "SREM".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DEL = "DEL".getBytes(StandardCharsets.US_ASCII);

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("sadd", this, 0);
            t.bind("srem", this, 1);
            t.bind("scard", this, 2);
            t.bind("sismember", this, 3);
            t.bind("smismember", this, 4);
            t.bind("smembers", this, 5);
            t.bind("spop", this, 6);
            t.bind("srandmember", this, 7);
            t.bind("smove", this, 8);
            t.bind("sinter", this, 9);
            t.bind("sintercard", this, 10);
            t.bind("sinterstore", this, 11);
            t.bind("sunion", this, 12);
            t.bind("sunionstore", this, 13);
            t.bind("sdiff", this, 14);
            t.bind("sdiffstore", this, 15);
            t.bind("sscan", this, 16);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> SetCommands.sadd(c);
                case 1 -> SetCommands.srem(c);
                case 2 -> SetCommands.scard(c);
                case 3 -> SetCommands.sismember(c);
                case 4 -> SetCommands.smismember(c);
                case 5 -> SetCommands.smembers(c);
                case 6 -> SetCommands.spop(c);
                case 7 -> SetCommands.srandmember(c);
                case 8 -> SetCommands.smove(c);
                case 9 -> SetCommands.sinter(c);
                case 10 -> SetCommands.sintercard(c);
                case 11 -> SetCommands.sinterstore(c);
                case 12 -> SetCommands.unionDiff(c, 1, -1, false);
                case 13 -> SetCommands.unionDiff(c, 2, 1, false);
                case 14 -> SetCommands.unionDiff(c, 1, -1, true);
                case 15 -> SetCommands.unionDiff(c, 2, 1, true);
                case 16 -> SetCommands.sscan(c);
                default -> throw new IllegalArgumentException("SetCommands has no handler " + handler);
            }
        }
    }

    private static long maxIntset(Client c) {
        return c.server.config().setMaxIntsetEntries;
    }

    private static RandomGenerator random() {
        return ThreadLocalRandom.current();
    }

    private static void replyMember(Client c, Object member) {
        if (member instanceof Long) {
            c.reply.bulk((long) (Long) member);
        } else {
            c.reply.bulk((byte[]) member);
        }
    }

    // ------------------------------------------------------------------ single-key commands

    // SADD key member [member ...]
    static void sadd(Client c) {
        Argv a = c.argv;
        Db db = c.db();
        long max = maxIntset(c);
        KeyEntry e = TypedLookup.write(c, 1, SetType.TYPE);
        int added = 0;
        if (e == null) {
            SetValue set = SetValue.forMember(a.array(2), a.offset(2), a.length(2));
            for (int i = 2; i < a.count(); i++) {
                if (set.add(a.array(i), a.offset(i), a.length(i), max)) {
                    added++;
                }
            }
            db.add(a.copy(1), set);
            Notify.arg(c, Notify.SET, "sadd", 1);
        } else {
            SetValue set = (SetValue) e.value();
            int first = 2;
            while (first < a.count() && set.contains(a.array(first), a.offset(first), a.length(first))) {
                first++;
            }
            if (first < a.count()) {
                long before = db.beforeChange(e);
                for (int i = first; i < a.count(); i++) {
                    if (set.add(a.array(i), a.offset(i), a.length(i), max)) {
                        added++;
                    }
                }
                db.changed(e, before);
                if (added > 0) {
                    Notify.arg(c, Notify.SET, "sadd", 1);
                }
            }
        }
        c.changes(added);
        c.reply.integer(added);
    }

    // SREM key member [member ...]
    static void srem(Client c) {
        Argv a = c.argv;
        Db db = c.db();
        KeyEntry e = TypedLookup.write(c, 1, SetType.TYPE);
        if (e == null) {
            c.reply.integer(0);
            return;
        }
        SetValue set = (SetValue) e.value();
        int first = 2;
        while (first < a.count() && !set.contains(a.array(first), a.offset(first), a.length(first))) {
            first++;
        }
        int deleted = 0;
        if (first < a.count()) {
            long before = db.beforeChange(e);
            for (int i = first; i < a.count(); i++) {
                if (set.remove(a.array(i), a.offset(i), a.length(i))) {
                    deleted++;
                    if (set.size() == 0) {
                        break;
                    }
                }
            }
            db.changed(e, before);
            Notify.arg(c, Notify.SET, "srem", 1);
            if (db.deleteIfEmpty(e)) {
                Notify.arg(c, Notify.GENERIC, "del", 1);
            }
        }
        c.changes(deleted);
        c.reply.integer(deleted);
    }

    // SCARD key
    static void scard(Client c) {
        SetValue set = (SetValue) TypedLookup.readOrReply(c, 1, SetType.TYPE, TypedLookup.ZERO);
        if (set != null) {
            c.reply.integer(set.size());
        }
    }

    // SISMEMBER key member
    static void sismember(Client c) {
        SetValue set = (SetValue) TypedLookup.readOrReply(c, 1, SetType.TYPE, TypedLookup.ZERO);
        if (set != null) {
            Argv a = c.argv;
            c.reply.integer(set.contains(a.array(2), a.offset(2), a.length(2)) ? 1 : 0);
        }
    }

    // SMISMEMBER key member [member ...]
    static void smismember(Client c) {
        Argv a = c.argv;
        SetValue set = (SetValue) TypedLookup.read(c, 1, SetType.TYPE);
        c.reply.array(a.count() - 2);
        for (int i = 2; i < a.count(); i++) {
            c.reply.integer(set != null && set.contains(a.array(i), a.offset(i), a.length(i)) ? 1 : 0);
        }
    }

    // SMEMBERS key
    static void smembers(Client c) {
        interGeneric(c, 1, 1, -1, false, 0);
    }

    // SPOP key [count]
    static void spop(Client c) {
        Argv a = c.argv;
        if (a.count() == 3) {
            spopWithCount(c);
            return;
        }
        if (a.count() > 3) {
            throw new CommandError(Errors.SYNTAX);
        }
        Db db = c.db();
        KeyEntry e = TypedLookup.write(c, 1, SetType.TYPE);
        if (e == null) {
            c.reply.nullBulk();
            return;
        }
        SetValue set = (SetValue) e.value();
        long before = db.beforeChange(e);
        Object member = set.popRandom(random());
        db.changed(e, before);
        Notify.arg(c, Notify.SET, "spop", 1);
        byte[] text = SetValue.bytesOf(member);
        if (c.server.propagation().active()) {
            c.propagateAs(srem(a, text));
        }
        c.reply.bulk(text);
        if (db.deleteIfEmpty(e)) {
            Notify.arg(c, Notify.GENERIC, "del", 1);
        }
    }

    private static Argv srem(Argv a, byte[] member) {
        Argv p = new Argv(3);
        p.add(SREM);
        p.add(a.array(1), a.offset(1), a.length(1));
        p.add(member);
        return p;
    }

    /** SPOP with a count, in Redis's three ways: all of it, a few, or most of it. */
    private static void spopWithCount(Client c) {
        Argv a = c.argv;
        long count = Args.longArg(c, 2, 0, Long.MAX_VALUE, MUST_BE_POSITIVE);
        Db db = c.db();
        KeyEntry e = TypedLookup.write(c, 1, SetType.TYPE);
        if (e == null || count == 0) {
            c.reply.set(0);
            return;
        }
        SetValue set = (SetValue) e.value();
        long size = set.size();
        boolean propagate = c.server.propagation().active();
        Notify.arg(c, Notify.SET, "spop", 1);
        if (count >= size) {
            // The whole set, read as SUNION of the one key would read it; the key goes.
            db.lookupRead(a, 1);
            replyMembers(c, copyOf(set, maxIntset(c)));
            db.delete(a, 1);
            Notify.arg(c, Notify.GENERIC, "del", 1);
            c.changes(size);
            if (propagate) {
                Argv p = new Argv(2);
                p.add(DEL);
                p.add(a.array(1), a.offset(1), a.length(1));
                c.propagateAs(p);
            }
            return;
        }
        c.changes(count);
        c.preventPropagation();
        int dbId = db.id;
        long remaining = size - count;
        c.reply.set((int) count);
        long before = db.beforeChange(e);
        RandomGenerator random = random();
        if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
            for (long i = 0; i < count; i++) {
                Object member = set.popRandom(random);
                replyMember(c, member);
                if (propagate) {
                    c.server.propagation().add(dbId, srem(a, SetValue.bytesOf(member)));
                }
            }
            db.changed(e, before);
        } else {
            // Most of the set goes: move what stays into a new set, hand out the rest.
            long max = maxIntset(c);
            SetValue kept = null;
            for (long i = 0; i < remaining; i++) {
                Object member = set.popRandom(random);
                if (kept == null) {
                    byte[] text = SetValue.bytesOf(member);
                    kept = SetValue.forMember(text, 0, text.length);
                }
                kept.addMember(member, max);
            }
            set.forEach(member -> {
                replyMember(c, member);
                if (propagate) {
                    c.server.propagation().add(dbId, srem(a, SetValue.bytesOf(member)));
                }
            });
            db.changedTo(e, kept, before);
        }
    }

    // SRANDMEMBER key [count]
    static void srandmember(Client c) {
        Argv a = c.argv;
        if (a.count() == 3) {
            srandmemberWithCount(c);
            return;
        }
        if (a.count() > 3) {
            throw new CommandError(Errors.SYNTAX);
        }
        SetValue set = (SetValue) TypedLookup.readOrReply(c, 1, SetType.TYPE, TypedLookup.NULL);
        if (set != null) {
            replyMember(c, set.randomMember(random()));
        }
    }

    /**
     * SRANDMEMBER with a count: repeats allowed for a negative count, else distinct members,
     * picked in Redis's four ways depending on how much of the set is asked for.
     */
    private static void srandmemberWithCount(Client c) {
        Argv a = c.argv;
        if (!Args.isLong(a, 2)) {
            throw new CommandError(Errors.NOT_INTEGER);
        }
        long l = Args.longArg(c, 2, -Long.MAX_VALUE, Long.MAX_VALUE, SRANDMEMBER_RANGE);
        boolean unique = l >= 0;
        long count = Math.abs(l);
        SetValue set = (SetValue) TypedLookup.readOrReply(c, 1, SetType.TYPE, TypedLookup.EMPTY_ARRAY);
        if (set == null) {
            return;
        }
        if (count == 0) {
            c.reply.emptyArray();
            return;
        }
        RandomGenerator random = random();
        int size = set.size();
        if (!unique || count == 1) {
            int n = (int) Math.min(count, Integer.MAX_VALUE);
            c.reply.array(n);
            for (int i = 0; i < n; i++) {
                replyMember(c, set.randomMember(random));
                if (c.isClosing()) {
                    // Over its output limit: the rest would be thrown away with the client.
                    break;
                }
            }
            return;
        }
        if (count >= size) {
            c.reply.array(size);
            writeMembers(c, set);
            return;
        }
        Dict<Object> picked = new Dict<>();
        if (count * SRANDMEMBER_SUB_STRATEGY_MUL > size) {
            set.forEach(m -> picked.put(SetValue.bytesOf(m), Boolean.TRUE));
            for (int left = size; left > count; left--) {
                picked.remove(picked.fairRandomEntry(random).key());
            }
        } else {
            while (picked.size() < count) {
                byte[] m = SetValue.bytesOf(set.randomMember(random));
                if (picked.find(m) == null) {
                    picked.put(m, Boolean.TRUE);
                }
            }
        }
        c.reply.array(picked.size());
        picked.forEach(en -> c.reply.bulk(en.key()));
    }

    // SMOVE source destination member
    static void smove(Client c) {
        Argv a = c.argv;
        Db db = c.db();
        KeyEntry src = db.writeEntry(a, 1);
        KeyEntry dst = db.writeEntry(a, 2);
        if (src == null) {
            c.reply.integer(0);
            return;
        }
        TypedLookup.checked(src.value(), SetType.TYPE);
        if (dst != null) {
            TypedLookup.checked(dst.value(), SetType.TYPE);
        }
        SetValue from = (SetValue) src.value();
        byte[] m = a.array(3);
        int off = a.offset(3);
        int len = a.length(3);
        if (src.sameKey(dst)) {
            c.reply.integer(from.contains(m, off, len) ? 1 : 0);
            return;
        }
        if (!from.contains(m, off, len)) {
            c.reply.integer(0);
            return;
        }
        long max = maxIntset(c);
        long before = db.beforeChange(src);
        from.remove(m, off, len);
        db.changed(src, before);
        Notify.arg(c, Notify.SET, "srem", 1);
        if (db.deleteIfEmpty(src)) {
            Notify.arg(c, Notify.GENERIC, "del", 1);
        }
        if (dst == null) {
            SetValue to = SetValue.forMember(m, off, len);
            to.add(m, off, len, max);
            db.add(a.copy(2), to);
            Notify.arg(c, Notify.SET, "sadd", 2);
        } else {
            SetValue to = (SetValue) dst.value();
            if (!to.contains(m, off, len)) {
                long beforeDst = db.beforeChange(dst);
                to.add(m, off, len, max);
                db.changed(dst, beforeDst);
                Notify.arg(c, Notify.SET, "sadd", 2);
            }
        }
        c.reply.integer(1);
    }

    // ------------------------------------------------------------------ intersection

    // SINTER key [key ...]
    static void sinter(Client c) {
        interGeneric(c, 1, c.argv.count() - 1, -1, false, 0);
    }

    // SINTERCARD numkeys key [key ...] [LIMIT limit]
    static void sintercard(Client c) {
        Argv a = c.argv;
        long numkeys = Args.longArg(c, 1, 1, Long.MAX_VALUE, NUMKEYS);
        if (numkeys > a.count() - 2) {
            throw new CommandError(TOO_MANY_KEYS);
        }
        long limit = 0;
        for (int j = 2 + (int) numkeys; j < a.count(); j++) {
            if (a.is(j, "limit") && j + 1 < a.count()) {
                j++;
                limit = Args.longArg(c, j, 0, Long.MAX_VALUE, NEGATIVE_LIMIT);
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        interGeneric(c, 2, (int) numkeys, -1, true, limit);
    }

    // SINTERSTORE destination key [key ...]
    static void sinterstore(Client c) {
        interGeneric(c, 2, c.argv.count() - 2, 1, false, 0);
    }

    /**
     * SINTER and its variants: {@code n} keys from argument {@code first}, stored into argument
     * {@code dst} when it is not -1, only counted (up to {@code limit}, 0 for all) when
     * {@code cardinalityOnly}. A missing key is an empty set, but every key is still type-checked.
     */
    private static void interGeneric(Client c, int first, int n, int dst, boolean cardinalityOnly, long limit) {
        Db db = c.db();
        List<SetValue> sets = new ArrayList<>(n);
        boolean empty = false;
        for (int i = first; i < first + n; i++) {
            SetValue s = (SetValue) TypedLookup.read(c, i, SetType.TYPE);
            if (s == null) {
                empty = true;
            } else {
                sets.add(s);
            }
        }
        if (empty) {
            if (dst >= 0) {
                if (db.deleteUnchecked(c.argv, dst)) {
                    Notify.arg(c, Notify.GENERIC, "del", dst);
                }
                c.reply.integer(0);
            } else if (cardinalityOnly) {
                c.reply.integer(0);
            } else {
                c.reply.set(0);
            }
            return;
        }
        if (sets.size() == 1 && dst < 0 && !cardinalityOnly) {
            // SMEMBERS, and SINTER of one key: the members straight from the set.
            replyMembers(c, sets.get(0));
            return;
        }
        // Smallest first, so that each member of the smallest is tested against the others.
        sets.sort(Comparator.comparingInt(SetValue::size));
        SetValue smallest = sets.get(0);
        long max = maxIntset(c);
        SetValue stored = dst >= 0 ? SetValue.newIntset() : null;
        List<Object> found = new ArrayList<>();
        long[] cardinality = {0};
        try {
            smallest.forEach(m -> {
                for (int j = 1; j < sets.size(); j++) {
                    SetValue other = sets.get(j);
                    if (other != smallest && !other.containsMember(m)) {
                        return;
                    }
                }
                cardinality[0]++;
                if (cardinalityOnly) {
                    if (limit != 0 && cardinality[0] >= limit) {
                        throw LimitReached.INSTANCE;
                    }
                } else if (stored != null) {
                    stored.addMember(m, max);
                } else {
                    found.add(m);
                }
            });
        } catch (LimitReached done) {
            // SINTERCARD's LIMIT: enough members counted.
        }
        if (cardinalityOnly) {
            c.reply.integer(cardinality[0]);
        } else if (stored != null) {
            store(c, dst, stored);
        } else {
            c.reply.set(found.size());
            for (Object m : found) {
                replyMember(c, m);
            }
        }
    }

    /** Stops a member walk early. */
    private static final class LimitReached extends RuntimeException {
        static final LimitReached INSTANCE = new LimitReached();

        private LimitReached() {
            super(null, null, false, false);
        }
    }

    /**
     * The STORE variants' ending: a non-empty result replaces whatever the destination held (its
     * TTL too), an empty one deletes it. Replies with the result's size.
     */
    private static void store(Client c, int dst, SetValue result) {
        if (result.size() > 0) {
            c.db().setKey(c.argv, dst, result, false);
            c.reply.integer(result.size());
            // sinterstore / sunionstore / sdiffstore: the command's own name.
            Notify.arg(c, Notify.SET, c.command.fullName, dst);
        } else {
            c.reply.integer(0);
            if (c.db().deleteUnchecked(c.argv, dst)) {
                Notify.arg(c, Notify.GENERIC, "del", dst);
            }
        }
    }

    // ------------------------------------------------------------------ union and difference

    // SUNION key [key ...]
    // SUNIONSTORE destination key [key ...]
    // SDIFF key [key ...]
    // SDIFFSTORE destination key [key ...]
    /**
     * The keys from argument {@code first} on, stored into argument {@code dst} unless it is -1.
     * The result is built as a new intset-first set, as Redis builds it; for SDIFF, Redis's
     * choice between its two algorithms decides which members pass through that set, so it is
     * made the same way here (it shows in the result's encoding).
     */
    private static void unionDiff(Client c, int first, int dst, boolean diff) {
        Argv a = c.argv;
        int n = a.count() - first;
        SetValue[] sets = new SetValue[n];
        boolean sameSet = false;
        for (int j = 0; j < n; j++) {
            sets[j] = (SetValue) TypedLookup.read(c, first + j, SetType.TYPE);
            if (j > 0 && sets[0] == sets[j]) {
                sameSet = true;
            }
        }
        long max = maxIntset(c);
        SetValue result = SetValue.newIntset();
        if (!diff) {
            for (SetValue s : sets) {
                if (s != null) {
                    s.forEach(m -> result.addMember(m, max));
                }
            }
        } else if (sets[0] != null && !sameSet) {
            long oneWork = 0;
            long twoWork = 0;
            for (SetValue s : sets) {
                if (s != null) {
                    oneWork += sets[0].size();
                    twoWork += s.size();
                }
            }
            oneWork /= 2;
            if (oneWork <= twoWork) {
                // Each member of the first set, kept when no other set has it.
                sets[0].forEach(m -> {
                    for (int j = 1; j < n; j++) {
                        if (sets[j] != null && sets[j].containsMember(m)) {
                            return;
                        }
                    }
                    result.addMember(m, max);
                });
            } else {
                // The whole first set, then every other set's members taken out of it.
                sets[0].forEach(m -> result.addMember(m, max));
                for (int j = 1; j < n && result.size() > 0; j++) {
                    if (sets[j] != null) {
                        sets[j].forEach(result::removeMember);
                    }
                }
            }
        }
        if (dst >= 0) {
            store(c, dst, result);
        } else {
            replyMembers(c, result);
        }
    }

    private static void replyMembers(Client c, SetValue set) {
        c.reply.set(set.size());
        writeMembers(c, set);
    }

    /** Every member as a bulk string, a hashtable's straight from its pages. */
    private static void writeMembers(Client c, SetValue set) {
        if (set.isIntset()) {
            set.forEach(m -> replyMember(c, m));
        } else {
            set.forEachBytes(c.reply::bulk);
        }
    }

    /** A copy built member by member into a new intset-first set, as SUNION of one key builds it. */
    private static SetValue copyOf(SetValue set, long max) {
        SetValue copy = SetValue.newIntset();
        set.forEach(m -> copy.addMember(m, max));
        return copy;
    }

    // ------------------------------------------------------------------ scan

    // SSCAN key cursor [MATCH pattern] [COUNT count]
    static void sscan(Client c) {
        Argv a = c.argv;
        long cursor = Scan.parseCursor(a, 2);
        SetValue set = (SetValue) TypedLookup.read(c, 1, SetType.TYPE);
        if (set == null) {
            c.reply.array(2);
            c.reply.bulk(0);
            c.reply.emptyArray();
            return;
        }
        Scan.Options o = Scan.parseOptions(a, 3, false);
        List<byte[]> found = new ArrayList<>();
        if (set.isIntset()) {
            set.forEach(m -> found.add(SetValue.bytesOf(m)));
            cursor = 0;
        } else {
            long maxIterations = o.count * 10;
            do {
                cursor = set.scan(cursor, found::add);
            } while (cursor != 0 && maxIterations-- != 0 && found.size() < o.count);
        }
        int kept = 0;
        for (byte[] m : found) {
            if (Scan.matches(a, o, m, 0, m.length)) {
                found.set(kept++, m);
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
