package dev.cinnabar.server.testing;

import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.value.TypedValue;
import dev.cinnabar.datatypes.value.ValueDigest;
import dev.cinnabar.datatypes.value.ValueType;
import dev.cinnabar.server.client.BlockedClients;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.command.CommandTable;
import dev.cinnabar.server.commands.Args;
import dev.cinnabar.server.commands.CommandFamilies;
import dev.cinnabar.server.commands.TypedLookup;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.exec.CommandHandlers;
import java.util.ArrayDeque;

/**
 * A value type and three commands that exist only in tests, to exercise the machinery of clients
 * blocked on keys before any blocking command of Redis's is built:
 * <ul>
 * <li>{@code QPUSH key elem...}: appends to a queue, creating it; replies its length.
 * <li>{@code QBPOP key... timeout-ms}: pops the head of the first non-empty queue, replying
 * [key, elem]; blocks when all are empty (timeout 0: forever, else relative milliseconds).
 * <li>{@code QBMOVE src dst timeout-ms}: pops from src and pushes to dst, replying the element;
 * blocks while src is empty. Its push may make dst ready for others, as BLMOVE does.
 * </ul>
 * Popping the last element deletes the key, as collections do.
 */
public final class TestQueues {
    public static final QueueType TYPE = new QueueType();

    private static final String KEYS_ALL = "\"key_specs\":[{\"flags\":[\"RW\"],\"begin_search\":{\"type\":\"index\","
            + "\"spec\":{\"index\":1}},\"find_keys\":{\"type\":\"range\",\"spec\":{\"lastkey\":-2,\"keystep\":1,"
            + "\"limit\":0}}}]";
    static final String COMMANDS = "["
            + "{\"name\":\"qpush\",\"arity\":-3,\"flags\":[\"write\"],\"acl_categories\":[\"write\"],"
            + "\"first_key\":1,\"last_key\":1,\"step\":1," + KEYS_ALL + "},"
            + "{\"name\":\"qbpop\",\"arity\":-3,\"flags\":[\"write\",\"blocking\"],\"acl_categories\":[\"write\"],"
            + "\"first_key\":1,\"last_key\":-2,\"step\":1," + KEYS_ALL + "},"
            + "{\"name\":\"qbmove\",\"arity\":4,\"flags\":[\"write\",\"blocking\"],\"acl_categories\":[\"write\"],"
            + "\"first_key\":1,\"last_key\":2,\"step\":1," + KEYS_ALL + "}]";

    private TestQueues() {
    }

    /** The shipped commands plus the three above. */
    public static CommandHandlers handlers() {
        CommandTable table = CommandTable.load();
        table.add(COMMANDS, "test");
        CommandHandlers h = new CommandHandlers(table);
        CommandFamilies.registerAll(h);
        h.bind("qpush", TestQueues::qpush);
        h.bind("qbpop", TestQueues::qbpop);
        h.bind("qbmove", TestQueues::qbmove);
        h.requireComplete();
        return h;
    }

    static void qpush(Client c) {
        Db db = c.db();
        KeyEntry e = TypedLookup.write(c, 1, TYPE);
        if (e == null) {
            Queue q = new Queue();
            for (int i = 2; i < c.argv.count(); i++) {
                q.items.add(c.argv.copy(i));
            }
            db.add(c.argv.copy(1), q);
            c.reply.integer(q.items.size());
            return;
        }
        long before = db.beforeChange(e);
        Queue q = (Queue) e.value();
        for (int i = 2; i < c.argv.count(); i++) {
            q.items.add(c.argv.copy(i));
        }
        db.changed(e, before);
        c.reply.integer(q.items.size());
    }

    static void qbpop(Client c) {
        int last = c.argv.count() - 1;
        long timeout = Args.longArg(c, last);
        if (timeout < 0) {
            throw new CommandError("ERR timeout is negative");
        }
        for (int i = 1; i < last; i++) {
            if (TypedLookup.read(c, i, TYPE) != null) {
                popInto(c, c.db(), c.argv.copy(i));
                return;
            }
        }
        if (c.denyBlocking) {
            c.reply.nullArray();
            return;
        }
        byte[][] keys = new byte[last - 1][];
        for (int i = 1; i < last; i++) {
            keys[i - 1] = c.argv.copy(i);
        }
        long deadline = timeout == 0 ? 0 : c.server.keyspace().now() + timeout;
        c.server.clients().blocked().block(c, c.db(), keys, deadline, (receiver, db, key) -> {
            Object v = db.peek(key, 0, key.length);
            if (!(v instanceof Queue)) {
                return false;
            }
            popInto(receiver, db, key);
            return true;
        });
    }

    static void qbmove(Client c) {
        long timeout = Args.longArg(c, 3);
        if (TypedLookup.read(c, 1, TYPE) != null) {
            move(c, c.db(), c.argv.copy(1), c.argv.copy(2));
            return;
        }
        if (c.denyBlocking) {
            c.reply.nullBulk();
            return;
        }
        byte[] dst = c.argv.copy(2);
        long deadline = timeout == 0 ? 0 : c.server.keyspace().now() + timeout;
        c.server.clients().blocked().block(c, c.db(), new byte[][] {c.argv.copy(1)}, deadline,
                new BlockedClients.Waiter() {
                    @Override
                    public boolean serve(Client receiver, Db db, byte[] key) {
                        if (!(db.peek(key, 0, key.length) instanceof Queue)) {
                            return false;
                        }
                        move(receiver, db, key, dst);
                        return true;
                    }

                    @Override
                    public void timedOut(dev.cinnabar.protocol.ReplyWriter reply) {
                        reply.nullBulk();
                    }
                });
    }

    private static byte[] pop(Db db, byte[] key) {
        KeyEntry e = db.writeEntry(key, 0, key.length);
        long before = db.beforeChange(e);
        byte[] item = ((Queue) e.value()).items.poll();
        db.changed(e, before);
        db.deleteIfEmpty(e);
        return item;
    }

    private static void popInto(Client c, Db db, byte[] key) {
        byte[] item = pop(db, key);
        c.reply.array(2);
        c.reply.bulk(key);
        c.reply.bulk(item);
    }

    private static void move(Client c, Db db, byte[] src, byte[] dst) {
        Object d = db.peek(dst, 0, dst.length);
        if (d != null && !(d instanceof Queue)) {
            throw new CommandError("WRONGTYPE Operation against a key holding the wrong kind of value");
        }
        byte[] item = pop(db, src);
        KeyEntry e = db.writeEntry(dst, 0, dst.length);
        if (e == null) {
            Queue q = new Queue();
            q.items.add(item);
            db.add(dst, q);
        } else {
            long before = db.beforeChange(e);
            ((Queue) e.value()).items.add(item);
            db.changed(e, before);
        }
        c.reply.bulk(item);
    }

    public static final class Queue implements TypedValue {
        final ArrayDeque<byte[]> items = new ArrayDeque<>();

        @Override
        public ValueType type() {
            return TYPE;
        }
    }

    public static final class QueueType extends ValueType {
        QueueType() {
            super("queue");
        }

        @Override
        public String encoding(Object value) {
            return "deque";
        }

        @Override
        public Object duplicate(Object value) {
            Queue q = new Queue();
            q.items.addAll(((Queue) value).items);
            return q;
        }

        @Override
        public long heapSize(Object value) {
            return 16L * ((Queue) value).items.size();
        }

        @Override
        public long serializedLength(Object value, boolean compression) {
            return 1;
        }

        @Override
        public int rdbType(Object value) {
            return 43;
        }

        @Override
        public int objectType() {
            return 5;
        }

        @Override
        public void digest(Object value, ValueDigest digest) {
            digest.mixInt(((Queue) value).items.size());
        }

        @Override
        public boolean isEmpty(Object value) {
            return ((Queue) value).items.isEmpty();
        }
    }
}
