package dev.cinnabar.server.persistence;

import dev.cinnabar.datatypes.KeyTable;
import dev.cinnabar.datatypes.Doubles;
import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.Quicklist;
import dev.cinnabar.datatypes.RawString;
import dev.cinnabar.datatypes.stream.StreamConsumer;
import dev.cinnabar.datatypes.stream.StreamCursor;
import dev.cinnabar.datatypes.stream.StreamGroup;
import dev.cinnabar.datatypes.stream.StreamNack;
import dev.cinnabar.datatypes.value.FieldExpiries;
import dev.cinnabar.datatypes.value.HashValue;
import dev.cinnabar.datatypes.value.ListValue;
import dev.cinnabar.datatypes.value.SetValue;
import dev.cinnabar.datatypes.value.StreamValue;
import dev.cinnabar.datatypes.value.StringType;
import dev.cinnabar.datatypes.value.ZSetValue;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.Keyspace;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A key as the commands that rebuild it, in the text of an AOF base written without the RDB
 * preamble: what Redis 7.0.15's rewriteAppendOnlyFileRio emits per key (SET; RPUSH, SADD, ZADD,
 * HMSET in commands of at most {@link #ITEMS_PER_COMMAND} elements; a stream as XADD, XSETID,
 * XGROUP CREATE, XCLAIM and XGROUP CREATECONSUMER; then PEXPIREAT for a key with an expiry), and
 * the libraries as FUNCTION LOAD. A hash with field TTLs (our Redis 7.4 extension) is written as
 * Redis 7.4 does: one HMSET per field, each followed by HPEXPIREAT when the field has a TTL.
 *
 * <p>Elements come in the value's own order: a list's, an intset's, a listpack's (the same as
 * Redis's, so those keys are written byte for byte as Redis writes them) and a hashtable's
 * table order (which differs from Redis's, whose seed differs; the data is the same).
 */
public final class AofValueCommands {
    /** Redis's AOF_REWRITE_ITEMS_PER_CMD. */
    public static final int ITEMS_PER_COMMAND = 64;

    private static final byte[] SET = ascii("SET");
    static final byte[] RPUSH = ascii("RPUSH");
    static final byte[] SADD = ascii("SADD");
    static final byte[] ZADD = ascii("ZADD");
    static final byte[] HMSET = ascii("HMSET");
    private static final byte[] HPEXPIREAT = ascii("HPEXPIREAT");
    private static final byte[] FIELDS = ascii("FIELDS");
    private static final byte[] PEXPIREAT = ascii("PEXPIREAT");
    private static final byte[] XADD = ascii("XADD");
    private static final byte[] MAXLEN = ascii("MAXLEN");
    private static final byte[] XSETID = ascii("XSETID");
    private static final byte[] ENTRIESADDED = ascii("ENTRIESADDED");
    private static final byte[] MAXDELETEDID = ascii("MAXDELETEDID");
    private static final byte[] XGROUP = ascii("XGROUP");
    private static final byte[] CREATE = ascii("CREATE");
    private static final byte[] CREATECONSUMER = ascii("CREATECONSUMER");
    private static final byte[] ENTRIESREAD = ascii("ENTRIESREAD");
    private static final byte[] XCLAIM = ascii("XCLAIM");
    private static final byte[] TIME = ascii("TIME");
    private static final byte[] RETRYCOUNT = ascii("RETRYCOUNT");
    private static final byte[] JUSTID = ascii("JUSTID");
    private static final byte[] FORCE = ascii("FORCE");
    private static final byte[] FUNCTION = ascii("FUNCTION");
    private static final byte[] LOAD = ascii("LOAD");
    private static final byte[] ZERO = ascii("0");
    private static final byte[] ONE = ascii("1");
    private static final byte[] X = ascii("x");
    private static final byte[] Y = ascii("y");

    private AofValueCommands() {
    }

    /**
     * The commands that rebuild {@code key} holding {@code value}, then {@code PEXPIREAT} when
     * {@code expireAtMs} is not -1.
     */
    public static void key(AofOutput out, byte[] key, Object value, long expireAtMs) {
        key(out, key, 0, key.length, value, expireAtMs);
    }

    /** {@link #key(AofOutput, byte[], Object, long)} for the key at {@code off}, {@code len} bytes. */
    public static void key(AofOutput out, byte[] key, int off, int len, Object value, long expireAtMs) {
        Key k = new Key(key, off, len);
        if (StringType.isString(value)) {
            string(out, k, value);
        } else if (value instanceof ListValue) {
            list(out, k, (ListValue) value);
        } else if (value instanceof SetValue) {
            set(out, k, (SetValue) value);
        } else if (value instanceof ZSetValue) {
            zset(out, k, (ZSetValue) value);
        } else if (value instanceof HashValue) {
            hash(out, k, (HashValue) value);
        } else if (value instanceof StreamValue) {
            stream(out, k, (StreamValue) value);
        } else {
            throw new IllegalArgumentException("no AOF form for " + value.getClass().getName());
        }
        expiry(out, k, expireAtMs);
    }

    /** {@code PEXPIREAT key expireAtMs}, after a key's commands, when {@code expireAtMs} is not -1. */
    static void expiry(AofOutput out, Key k, long expireAtMs) {
        if (expireAtMs != -1) {
            out.arrayHeader(3);
            out.bulk(PEXPIREAT);
            k.write(out);
            out.bulk(expireAtMs);
        }
    }

    /** Redis's rewriteFunctions: {@code FUNCTION LOAD <code>} per library, in the order given. */
    public static void functions(AofOutput out, List<byte[]> libraryCodes) {
        for (byte[] code : libraryCodes) {
            out.arrayHeader(3);
            out.bulk(FUNCTION);
            out.bulk(LOAD);
            out.bulk(code);
        }
    }

    /**
     * The whole dataset at once, as rewriteAppendOnlyFileRio lays it out (without the timestamp
     * annotation): the libraries, then per database holding keys {@code SELECT} and its keys in
     * table order. For tests and small tools; BGREWRITEAOF walks the keyspace in slices.
     */
    public static void dataset(AofOutput out, Keyspace keyspace, List<byte[]> libraryCodes) {
        functions(out, libraryCodes);
        for (int i = 0; i < keyspace.count(); i++) {
            Db d = keyspace.db(i);
            if (d.size() == 0) {
                continue;
            }
            out.select(i);
            KeyTable keys = d.keys();
            for (int id = keys.nextId(0); id != KeyTable.NONE; id = keys.nextId(id + 1)) {
                key(out, keys.copyKey(id), d.valueForRead(id), d.expireAtId(id));
            }
        }
    }

    // ------------------------------------------------------------------ per type

    /**
     * {@link #key(AofOutput, byte[], int, int, Object, long)} of a string value given as bytes
     * where they lie (a string kept inside the keyspace's table): no copy of it is made.
     */
    public static void keyString(AofOutput out, byte[] key, int off, int len, byte[] value, int valueOff,
            int valueLen, long expireAtMs) {
        Key k = new Key(key, off, len);
        out.arrayHeader(3);
        out.bulk(SET);
        k.write(out);
        out.bulk(value, valueOff, valueLen);
        expiry(out, k, expireAtMs);
    }

    private static void string(AofOutput out, Key k, Object v) {
        out.arrayHeader(3);
        out.bulk(SET);
        k.write(out);
        if (v instanceof Long) {
            out.bulk((Long) v);
        } else if (v instanceof RawString) {
            RawString r = (RawString) v;
            out.bulk(r.array(), 0, r.length());
        } else {
            out.bulk((byte[]) v);
        }
    }

    private static void list(AofOutput out, Key k, ListValue l) {
        Batches b = new Batches(out, RPUSH, k, l.size(), 1);
        Listpack.Entry e = new Listpack.Entry();
        try (Quicklist.Cursor c = l.cursor(true)) {
            while (c.next()) {
                b.item();
                entry(out, c.entry(e));
            }
        }
    }

    private static void set(AofOutput out, Key k, SetValue s) {
        Batches b = new Batches(out, SADD, k, s.size(), 1);
        s.forEach(m -> {
            b.item();
            if (m instanceof Long) {
                out.bulk((Long) m);
            } else {
                out.bulk((byte[]) m);
            }
        });
    }

    private static void zset(AofOutput out, Key k, ZSetValue z) {
        Batches b = new Batches(out, ZADD, k, z.size(), 2);
        z.forEach((member, score) -> {
            b.item();
            out.bulk(Doubles.format17g(score));
            entry(out, member);
        });
    }

    private static void hash(AofOutput out, Key k, HashValue h) {
        if (h.expiringCount() == 0) {
            Batches b = new Batches(out, HMSET, k, h.size(), 2);
            h.forEach((f, v) -> {
                b.item();
                entry(out, f);
                entry(out, v);
            });
            return;
        }
        h.forEach((f, v) -> {
            out.arrayHeader(4);
            out.bulk(HMSET);
            k.write(out);
            entry(out, f);
            entry(out, v);
            long when = f.isInteger ? h.expireTime(f.toBytes(), 0, f.stringLength())
                    : h.expireTime(f.bytes, f.offset, f.length);
            if (when != FieldExpiries.NONE) {
                out.arrayHeader(6);
                out.bulk(HPEXPIREAT);
                k.write(out);
                out.bulk(when);
                out.bulk(FIELDS);
                out.bulk(ONE);
                entry(out, f);
            }
        });
    }

    private static void stream(AofOutput out, Key k, StreamValue s) {
        if (s.length > 0) {
            StreamCursor c = new StreamCursor().start(s.index(), false);
            Listpack.Entry f = new Listpack.Entry();
            Listpack.Entry v = new Listpack.Entry();
            while (c.next()) {
                streamEntry(out, k, c, f, v);
            }
        } else {
            // An empty stream: XADD MAXLEN 0 creates the key and trims the entry away at once.
            out.arrayHeader(7);
            out.bulk(XADD);
            k.write(out);
            out.bulk(MAXLEN);
            out.bulk(ZERO);
            id(out, 0, 1);
            out.bulk(X);
            out.bulk(Y);
        }
        streamTail(out, k, s);
    }

    /** {@code XADD key id field value ...} of the entry {@code c} is on; {@code f}, {@code v} are scratch. */
    static void streamEntry(AofOutput out, Key k, StreamCursor c, Listpack.Entry f, Listpack.Entry v) {
        out.arrayHeader(3 + c.fields * 2);
        out.bulk(XADD);
        k.write(out);
        id(out, c.ms, c.seq);
        for (int i = 0; i < c.fields; i++) {
            c.field(f, v);
            entry(out, f);
            entry(out, v);
        }
    }

    /**
     * What follows a stream's entries: XSETID with its last and max deleted IDs and entries
     * added, then per group XGROUP CREATE and its consumers (XCLAIM per pending entry,
     * XGROUP CREATECONSUMER for a consumer with none).
     */
    static void streamTail(AofOutput out, Key k, StreamValue s) {
        out.arrayHeader(7);
        out.bulk(XSETID);
        k.write(out);
        id(out, s.lastMs, s.lastSeq);
        out.bulk(ENTRIESADDED);
        out.bulk(s.entriesAdded);
        out.bulk(MAXDELETEDID);
        id(out, s.maxDelMs, s.maxDelSeq);
        for (Map.Entry<byte[], StreamGroup> ge : s.groups().entrySet()) {
            byte[] name = ge.getKey();
            StreamGroup g = ge.getValue();
            out.arrayHeader(7);
            out.bulk(XGROUP);
            out.bulk(CREATE);
            k.write(out);
            out.bulk(name);
            id(out, g.lastMs, g.lastSeq);
            out.bulk(ENTRIESREAD);
            out.bulk(g.entriesRead);
            for (StreamConsumer consumer : g.consumers().values()) {
                if (consumer.pel().isEmpty()) {
                    out.arrayHeader(5);
                    out.bulk(XGROUP);
                    out.bulk(CREATECONSUMER);
                    k.write(out);
                    out.bulk(name);
                    out.bulk(consumer.name);
                    continue;
                }
                for (StreamNack n : consumer.pel().values()) {
                    out.arrayHeader(12);
                    out.bulk(XCLAIM);
                    k.write(out);
                    out.bulk(name);
                    out.bulk(consumer.name);
                    out.bulk(ZERO);
                    id(out, n.id.ms, n.id.seq);
                    out.bulk(TIME);
                    out.bulk(n.deliveryTime);
                    out.bulk(RETRYCOUNT);
                    out.bulk(n.deliveryCount);
                    out.bulk(JUSTID);
                    out.bulk(FORCE);
                }
            }
        }
    }

    // ------------------------------------------------------------------ pieces

    /** A stream ID as {@code ms-seq}, both unsigned. */
    private static void id(AofOutput out, long ms, long seq) {
        out.bulk(Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq));
    }

    static void entry(AofOutput out, Listpack.Entry e) {
        if (e.isInteger) {
            out.bulk(e.value);
        } else {
            out.bulk(e.bytes, e.offset, e.length);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A key's bytes where they lie. */
    static final class Key {
        final byte[] b;
        final int off;
        final int len;

        Key(byte[] b, int off, int len) {
            this.b = b;
            this.off = off;
            this.len = len;
        }

        void write(AofOutput out) {
            out.bulk(b, off, len);
        }
    }

    /**
     * The command headers of a variadic rewrite: before every {@link #ITEMS_PER_COMMAND}th item,
     * {@code *<2 + items * width>}, the command name and the key, where items is what is left,
     * at most {@link #ITEMS_PER_COMMAND}.
     */
    static final class Batches {
        final AofOutput out;
        final byte[] command;
        final Key key;
        final int width;
        long left;
        int count;

        Batches(AofOutput out, byte[] command, Key key, long items, int width) {
            this.out = out;
            this.command = command;
            this.key = key;
            this.left = items;
            this.width = width;
        }

        void item() {
            if (count == 0) {
                long n = Math.min(left, ITEMS_PER_COMMAND);
                out.arrayHeader((int) (2 + n * width));
                out.bulk(command);
                key.write(out);
            }
            if (++count == ITEMS_PER_COMMAND) {
                count = 0;
            }
            left--;
        }
    }
}
