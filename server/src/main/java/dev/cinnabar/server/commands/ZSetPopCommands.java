package dev.cinnabar.server.commands;

import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.Doubles;
import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.datatypes.value.ZSetType;
import dev.cinnabar.datatypes.value.ZSetValue;
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
 * The sorted-set pops: ZPOPMIN, ZPOPMAX, ZMPOP and their blocking forms BZPOPMIN, BZPOPMAX,
 * BZMPOP, as Redis 7.0's genericZpopCommand and blockingGenericZpopCommand have them.
 *
 * <p>Reply shapes differ by command and protocol: ZPOPMIN/ZPOPMAX give a flat array of member,
 * score, ... in RESP2 and without COUNT, but pairs in RESP3 when a COUNT was given; BZPOPMIN and
 * BZPOPMAX give a flat key, member, score; ZMPOP and BZMPOP give the key and an array of pairs in
 * both protocols, and a null (not an empty array) when there is nothing to pop. Scores are
 * {@code %.17g}, doubles in RESP3. Each member popped counts one change.
 *
 * <p>Propagation: ZPOPMIN/ZPOPMAX go as they came; ZMPOP, BZMPOP and BZPOPMIN/BZPOPMAX (at once or
 * served later) go as {@code ZPOPMIN key}, or {@code ZPOPMIN key n} with the number of members
 * there were to pop (ZPOPMAX alike).
 */
public final class ZSetPopCommands {
    static final String MUST_BE_POSITIVE = "ERR value is out of range, must be positive";
    private static final byte[] ZPOPMIN = ascii("ZPOPMIN");
    private static final byte[] ZPOPMAX = ascii("ZPOPMAX");

    /** How a pop answers: Redis's emitkey and use_nested_array. */
    private static final int FLAT = 0;
    private static final int NESTED = 1;
    private static final int WITH_KEY = 2;
    private static final int KEY_AND_NESTED = 3;

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("zpopmin", this, 0);
            t.bind("zpopmax", this, 1);
            t.bind("zmpop", this, 2);
            t.bind("bzpopmin", this, 3);
            t.bind("bzpopmax", this, 4);
            t.bind("bzmpop", this, 5);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> ZSetPopCommands.zpop(c, false);
                case 1 -> ZSetPopCommands.zpop(c, true);
                case 2 -> ZSetPopCommands.zmpop(c, 1, false);
                case 3 -> ZSetPopCommands.bzpop(c, false);
                case 4 -> ZSetPopCommands.bzpop(c, true);
                case 5 -> ZSetPopCommands.zmpop(c, 2, true);
                default -> throw new IllegalArgumentException("ZSetPopCommands has no handler " + handler);
            }
        }
    }

    // ZPOPMIN key [count], ZPOPMAX key [count]
    static void zpop(Client c, boolean max) {
        Argv a = c.argv;
        if (a.count() > 3) {
            throw new CommandError(Errors.SYNTAX);
        }
        long count = -1;
        if (a.count() == 3) {
            count = Args.longArg(c, 2, 0, Long.MAX_VALUE, MUST_BE_POSITIVE);
        }
        int shape = c.reply.resp3() && count != -1 ? NESTED : FLAT;
        KeyEntry e = TypedLookup.write(c, 1, ZSetType.TYPE);
        if (e == null || count == 0) {
            c.reply.emptyArray();
            return;
        }
        long popped = popAndReply(c, c.db(), e, a.copy(1), max, count == -1 ? 1 : count, shape);
        c.changes(popped);
    }

    // ZMPOP numkeys key [key ...] <MIN | MAX> [COUNT count]
    // BZMPOP timeout numkeys key [key ...] <MIN | MAX> [COUNT count]
    static void zmpop(Client c, int numkeysIdx, boolean blocking) {
        Argv a = c.argv;
        long numkeys = Args.longArg(c, numkeysIdx, 1, Long.MAX_VALUE, ListCommands.NUMKEYS);
        if (numkeys >= a.count()) {
            throw new CommandError(Errors.SYNTAX);
        }
        int whereIdx = (int) (numkeysIdx + numkeys + 1);
        if (whereIdx >= a.count()) {
            throw new CommandError(Errors.SYNTAX);
        }
        boolean max;
        if (a.is(whereIdx, "min")) {
            max = false;
        } else if (a.is(whereIdx, "max")) {
            max = true;
        } else {
            throw new CommandError(Errors.SYNTAX);
        }
        long count = -1;
        for (int j = whereIdx + 1; j < a.count(); j++) {
            if (count == -1 && a.is(j, "count") && j + 1 < a.count()) {
                j++;
                count = Args.longArg(c, j, 1, Long.MAX_VALUE, ListCommands.COUNT_POSITIVE);
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        if (count == -1) {
            count = 1;
        }
        if (blocking) {
            long deadline = BlockingTimeout.deadline(c, 1);
            popOrBlock(c, numkeysIdx + 1, whereIdx, max, count, deadline);
            return;
        }
        for (int k = numkeysIdx + 1; k < whereIdx; k++) {
            KeyEntry e = TypedLookup.write(c, k, ZSetType.TYPE);
            if (e == null) {
                continue;
            }
            byte[] key = a.copy(k);
            long popped = popAndReply(c, c.db(), e, key, max, count, KEY_AND_NESTED);
            c.changes(popped);
            if (c.server.propagation().active()) {
                c.propagateAs(popArgv(max, key, popped));
            }
            return;
        }
        c.reply.nullArray();
    }

    // BZPOPMIN key [key ...] timeout, BZPOPMAX key [key ...] timeout
    static void bzpop(Client c, boolean max) {
        int last = c.argv.count() - 1;
        long deadline = BlockingTimeout.deadline(c, last);
        popOrBlock(c, 1, last, max, -1, deadline);
    }

    /**
     * Redis's blockingGenericZpopCommand over key arguments {@code [from, to)}: the first sorted
     * set found is popped (one member with BZPOPMIN/BZPOPMAX's reply when {@code count} is -1,
     * else up to {@code count} with BZMPOP's); an absent key is passed over, another type is
     * WRONGTYPE; with none, the client blocks (or, where it may not, gets a null).
     */
    private static void popOrBlock(Client c, int from, int to, boolean max, long count, long deadline) {
        Argv a = c.argv;
        int shape = count == -1 ? WITH_KEY : KEY_AND_NESTED;
        for (int k = from; k < to; k++) {
            KeyEntry e = TypedLookup.write(c, k, ZSetType.TYPE);
            if (e == null) {
                continue;
            }
            byte[] key = a.copy(k);
            long popped = popAndReply(c, c.db(), e, key, max, count == -1 ? 1 : count, shape);
            c.changes(popped);
            if (c.server.propagation().active()) {
                c.propagateAs(popArgv(max, key, count == -1 ? -1 : popped));
            }
            return;
        }
        if (c.denyBlocking) {
            c.reply.nullArray();
            return;
        }
        byte[][] keys = Args.copies(a, from, to);
        c.server.clients().blocked().block(c, c.db(), keys, deadline, (receiver, db, key) -> {
            KeyEntry e = db.writeEntry(key, 0, key.length);
            if (e == null || !ZSetType.TYPE.holds(e.value())) {
                return false;
            }
            long popped = popAndReply(receiver, db, e, key, max, count == -1 ? 1 : count, shape);
            ListBlockingCommands.propagate(receiver, db, popArgv(max, key, count == -1 ? -1 : popped));
            // Counted, as genericZpopCommand counts each member it pops.
            receiver.changes(popped);
            return true;
        });
    }

    /**
     * Pops up to {@code count} (at least 1) members from the zset in {@code e} and writes the
     * reply in the given shape; deletes the key once empty. Returns how many were popped.
     */
    private static long popAndReply(Client c, Db db, KeyEntry e, byte[] key, boolean max, long count,
                                    int shape) {
        ZSetValue z = (ZSetValue) e.value();
        long n = Math.min(count, z.size());
        ReplyWriter r = c.reply;
        switch (shape) {
            case FLAT:
                r.array((int) (n * 2));
                break;
            case NESTED:
                r.array((int) n);
                break;
            case WITH_KEY:
                r.array((int) (n * 2 + 1));
                r.bulk(key);
                break;
            default:
                r.array(2);
                r.bulk(key);
                r.array((int) n);
                break;
        }
        boolean pairs = shape == NESTED || shape == KEY_AND_NESTED;
        long before = db.beforeChange(e);
        z.pop(max, n, (member, score) -> {
            if (pairs) {
                r.array(2);
            }
            replyMember(r, member);
            r.doubleText(Doubles.format17g(score));
        });
        db.changed(e, before);
        KeyspaceNotifications events = c.server.keyspace().notifications();
        events.notify(KeyspaceEvents.ZSET, max ? "zpopmax" : "zpopmin", key, db.id);
        if (db.deleteIfEmpty(e)) {
            events.notify(KeyspaceEvents.GENERIC, "del", key, db.id);
        }
        return n;
    }

    static void replyMember(ReplyWriter r, Listpack.Entry member) {
        if (member.isInteger) {
            r.bulk(member.value);
        } else {
            r.bulk(member.bytes, member.offset, member.length);
        }
    }

    private static Argv popArgv(boolean max, byte[] key, long count) {
        return count < 0 ? Argv.of(max ? ZPOPMAX : ZPOPMIN, key)
                : Argv.of(max ? ZPOPMAX : ZPOPMIN, key, Numbers.toBytes(count));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
