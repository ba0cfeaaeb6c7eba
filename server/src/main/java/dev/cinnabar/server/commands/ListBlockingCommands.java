package dev.cinnabar.server.commands;

import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.datatypes.value.ListType;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.client.BlockedClients;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.exec.CommandHandlers;
import java.nio.charset.StandardCharsets;

/**
 * The blocking list commands: BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH, as Redis 7.0's t_list.c
 * has them. With a list to take from, each does what its non-blocking form does and propagates
 * as that form (LPOP key, LPOP key count, LMOVE, RPOPLPUSH). Otherwise the client blocks on the
 * keys ({@link BlockedClients}) until a push creates one of them, its timeout passes (a null
 * array, whatever the command) or CLIENT UNBLOCK; a client that may not block (inside
 * MULTI/EXEC or a script) gets the answer of an empty list at once.
 *
 * <p>Served later, the client gets the reply it would have got, and replicas get the pop or move
 * it amounts to, alone, as Redis's serveClientBlockedOnList sends it (LMOVE with {@code left}/{@code right}
 * in lower case); such a serve counts no change towards the save points, as in Redis, except
 * BLMPOP's, which counts the elements it popped. A key that
 * holds another type when it is ready keeps the client waiting; BLMOVE whose destination holds
 * another type when it is served ends with WRONGTYPE, popping nothing.
 */
public final class ListBlockingCommands {
    private static final byte[] LPOP = ascii("LPOP");
    private static final byte[] RPOP = ascii("RPOP");
    private static final byte[] LMOVE = ascii("LMOVE");
    private static final byte[] RPOPLPUSH = ascii("RPOPLPUSH");
    /** Lower-case: Redis propagates a served BLMOVE with its shared "left"/"right" objects. */
    private static final byte[] LEFT = ascii("left");
    private static final byte[] RIGHT = ascii("right");

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("blpop", this, 0);
            t.bind("brpop", this, 1);
            t.bind("blmpop", this, 2);
            t.bind("blmove", this, 3);
            t.bind("brpoplpush", this, 4);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> ListBlockingCommands.bpop(c, true);
                case 1 -> ListBlockingCommands.bpop(c, false);
                case 2 -> ListBlockingCommands.blmpop(c);
                case 3 -> ListBlockingCommands.blmove(c);
                case 4 -> ListBlockingCommands.brpoplpush(c);
                default -> throw new IllegalArgumentException("ListBlockingCommands has no handler " + handler);
            }
        }
    }

    // BLPOP key [key ...] timeout, BRPOP key [key ...] timeout
    static void bpop(Client c, boolean head) {
        int last = c.argv.count() - 1;
        long deadline = BlockingTimeout.deadline(c, last);
        popOrBlock(c, 1, last, head, -1, deadline);
    }

    // BLMPOP timeout numkeys key [key ...] <LEFT | RIGHT> [COUNT count]
    static void blmpop(Client c) {
        Argv a = c.argv;
        long numkeys = Args.longArg(c, 2, 1, Long.MAX_VALUE, ListCommands.NUMKEYS);
        if (numkeys >= a.count()) {
            throw new CommandError(Errors.SYNTAX);
        }
        int whereIdx = (int) (2 + numkeys + 1);
        if (whereIdx >= a.count()) {
            throw new CommandError(Errors.SYNTAX);
        }
        boolean head = ListCommands.where(c, whereIdx);
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
        long deadline = BlockingTimeout.deadline(c, 1);
        popOrBlock(c, 3, whereIdx, head, count, deadline);
    }

    /**
     * Redis's blockingPopGenericCommand over key arguments {@code [from, to)}: the first list
     * found is popped (one element, or up to {@code count} with BLMPOP's reply when count is not
     * -1); an absent key is passed over, another type is WRONGTYPE; with none, the client blocks.
     */
    private static void popOrBlock(Client c, int from, int to, boolean head, long count, long deadline) {
        Argv a = c.argv;
        for (int k = from; k < to; k++) {
            KeyEntry e = TypedLookup.write(c, k, ListType.TYPE);
            if (e == null) {
                continue;
            }
            if (count != -1) {
                long popped = ListCommands.popRangeWithKeyAndReply(c, e, head, count);
                c.changes(popped);
                if (c.server.propagation().active()) {
                    c.propagateAs(popArgv(head, a.copy(k), popped));
                }
                return;
            }
            byte[] key = a.copy(k);
            c.reply.array(2);
            c.reply.bulk(key);
            ListCommands.popOneAndReply(c, e, head);
            c.changes(1);
            if (c.server.propagation().active()) {
                c.propagateAs(popArgv(head, key, -1));
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
            if (e == null || !ListType.TYPE.holds(e.value())) {
                return false;
            }
            if (count != -1) {
                long llen = ((dev.cinnabar.datatypes.Quicklist) e.value()).size();
                propagate(receiver, db, popArgv(head, key, Math.min(count, llen)));
                // Counted, unlike the other serves: Redis's range pop adds its elements to dirty.
                receiver.changes(ListCommands.popRangeWithKeyAndReply(receiver, e, head, count));
                return true;
            }
            propagate(receiver, db, popArgv(head, key, -1));
            receiver.reply.array(2);
            receiver.reply.bulk(key);
            // Fires lpop / rpop (and del when emptied).
            ListCommands.popOneAndReply(receiver, e, head);
            return true;
        });
    }

    // BLMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT> timeout
    static void blmove(Client c) {
        boolean fromHead = ListCommands.where(c, 3);
        boolean toHead = ListCommands.where(c, 4);
        long deadline = BlockingTimeout.deadline(c, 5);
        moveOrBlock(c, fromHead, toHead, deadline, false);
    }

    // BRPOPLPUSH source destination timeout
    static void brpoplpush(Client c) {
        long deadline = BlockingTimeout.deadline(c, 3);
        moveOrBlock(c, false, true, deadline, true);
    }

    /** Redis's blmoveGenericCommand: LMOVE when the source has an element, else block on it. */
    private static void moveOrBlock(Client c, boolean fromHead, boolean toHead, long deadline, boolean rpoplpush) {
        Argv a = c.argv;
        KeyEntry src = TypedLookup.write(c, 1, ListType.TYPE);
        if (src != null) {
            KeyEntry dst = TypedLookup.write(c, 2, ListType.TYPE);
            ListCommands.moveAndReply(c, src, dst, a.array(2), a.offset(2), a.length(2), fromHead, toHead);
            c.changes(1);
            if (c.server.propagation().active()) {
                // As the client sent it, LEFT/RIGHT in its own case.
                c.propagateAs(rpoplpush ? Argv.of(RPOPLPUSH, a.copy(1), a.copy(2))
                        : Argv.of(LMOVE, a.copy(1), a.copy(2), a.copy(3), a.copy(4)));
            }
            return;
        }
        if (c.denyBlocking) {
            c.reply.nullBulk();
            return;
        }
        byte[] dstKey = a.copy(2);
        c.server.clients().blocked().block(c, c.db(), new byte[][] {a.copy(1)}, deadline,
                new BlockedClients.Waiter() {
                    @Override
                    public boolean serve(Client receiver, Db db, byte[] key) {
                        KeyEntry e = db.writeEntry(key, 0, key.length);
                        if (e == null || !ListType.TYPE.holds(e.value())) {
                            return false;
                        }
                        KeyEntry dst = db.writeEntry(dstKey, 0, dstKey.length);
                        if (dst != null && !ListType.TYPE.holds(dst.value())) {
                            receiver.reply.error(Errors.WRONG_TYPE);
                            return true;
                        }
                        // moveAndReply fires the push's events, then the pop's.
                        ListCommands.moveAndReply(receiver, e, dst, dstKey, 0, dstKey.length, fromHead, toHead);
                        propagate(receiver, db, rpoplpush ? Argv.of(RPOPLPUSH, key, dstKey)
                                : Argv.of(LMOVE, key, dstKey, fromHead ? LEFT : RIGHT, toHead ? LEFT : RIGHT));
                        return true;
                    }

                    @Override
                    public void timedOut(ReplyWriter reply) {
                        reply.nullArray();
                    }
                });
    }

    private static Argv popArgv(boolean head, byte[] key, long count) {
        return count < 0 ? Argv.of(head ? LPOP : RPOP, key) : Argv.of(head ? LPOP : RPOP, key, Numbers.toBytes(count));
    }

    /** What a serve of a blocked client amounts to, in the database it was served from. */
    static void propagate(Client c, Db db, Argv command) {
        if (c.server.propagation().active()) {
            c.server.propagation().add(db.id, command);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
