package dev.cinnabar.server.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.KeyTable;
import dev.cinnabar.datatypes.RawString;
import dev.cinnabar.datatypes.value.StringType;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.testing.ManualClock;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Small strings kept in the key's record: readers get the bytes without moving them, writers
 * get an object of their own, and {@link Db#memory()} counts each byte once whichever way the
 * value is held.
 */
class InlineStringsTest {
    private final Keyspace ks = new Keyspace(16, new ManualClock());
    private final Db db = ks.db(0);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private int set(String key, byte[] value) {
        byte[] k = b(key);
        return db.setStringKey(k, 0, k.length, value, 0, value.length, false);
    }

    private int id(String key) {
        byte[] k = b(key);
        return db.keys().find(k, 0, k.length);
    }

    /** What the values are said to hold outside the table: what memory() adds to the table's own figure. */
    private long valueBytesOutsideTable() {
        return db.memory() - db.keys().heapBytes();
    }

    private long expectedValueBytes() {
        long sum = 0;
        KeyTable keys = db.keys();
        for (int id = keys.nextId(0); id != KeyTable.NONE; id = keys.nextId(id + 1)) {
            if (!db.isInline(id)) {
                sum += EntrySizes.value(keys.value(id));
            }
        }
        return sum;
    }

    @Test
    void shortTextIsInlineIntegersAndLongTextAreObjects() {
        set("short", b("hello"));
        set("int", b("12345"));
        set("long", new byte[Db.INLINE_LIMIT + 1]);
        set("limit", new byte[Db.INLINE_LIMIT]);
        set("empty", new byte[0]);
        assertTrue(db.isInline(id("short")));
        assertTrue(db.isInline(id("limit")));
        assertTrue(db.isInline(id("empty")));
        assertFalse(db.isInline(id("int")));
        assertEquals(12345L, db.keys().value(id("int")));
        assertFalse(db.isInline(id("long")));
        assertEquals(expectedValueBytes(), valueBytesOutsideTable());
    }

    @Test
    void readsCopyAndLeaveTheStringInline() {
        set("k", b("hello"));
        Object first = db.lookupRead(Argv.of("k"), 0);
        Object second = db.peek(Argv.of("k"), 0);
        assertArrayEquals(b("hello"), (byte[]) first);
        assertNotSame(first, second);
        KeyEntry e = db.find(b("k"));
        assertArrayEquals(b("hello"), (byte[]) e.readValue());
        assertTrue(e.isInline());
        assertEquals(StringType.TYPE, db.typeOf(e.id()));
        assertTrue(db.holdsString(e.id()));
    }

    @Test
    void aWriterGetsAnArrayOfItsOwnThatTheKeyThenHolds() {
        set("k", b("hello"));
        long before = db.memory();
        KeyEntry e = db.writeEntry(Argv.of("k"), 0);
        byte[] own = (byte[]) e.value();
        assertFalse(e.isInline());
        assertSame(own, e.value());
        long size = db.beforeChange(e);
        own[0] = 'j';
        db.changed(e, size);
        assertArrayEquals(b("jello"), (byte[]) db.lookupRead(Argv.of("k"), 0));
        assertEquals(expectedValueBytes(), valueBytesOutsideTable());
        // The record shrank by the value, and the array is counted instead: more in all.
        assertTrue(db.memory() > before);
    }

    @Test
    void getAndMgetShapedRepliesComeFromTheTable() {
        set("k", b("hello"));
        ReplyWriter w = new ReplyWriter(Unpooled.buffer());
        assertTrue(StringValues.replyStored(w, db, id("k")));
        assertEquals("$5\r\nhello\r\n", w.buffer().toString(StandardCharsets.UTF_8));
    }

    @Test
    void overwritingWithTheSameSizeReusesTheRecord() {
        set("k", b("aaaa"));
        long slab = db.keys().slabBytes();
        long records = db.keys().recordBytes();
        for (int i = 0; i < 10_000; i++) {
            // Letters only: digits would make an integer, which is not kept inline.
            set("k", b(String.format("%04x", i & 0xffff).replaceAll("[0-9]", "z")));
        }
        assertEquals(records, db.keys().recordBytes());
        assertEquals(slab, db.keys().slabBytes());
    }

    @Test
    void theWriteHookSeesTheOldBytesBeforeAnInPlaceOverwrite() {
        set("k", b("old!"));
        StringBuilder seen = new StringBuilder();
        ks.addObserver(new KeyspaceObserver() {
            @Override
            public void beforeWrite(Db d, byte[] key, int off, int len, Object value) {
                Object v = d.valueBeforeWrite(key, off, len, value);
                seen.append(new String(StringType.bytes(v), StandardCharsets.UTF_8)).append(';');
            }
        });
        set("k", b("new!"));
        db.delete(b("k"));
        assertEquals("old!;new!;", seen.toString());
    }

    @Test
    void deletingAndRecyclingFreesTheRecord() {
        set("k", b("hello"));
        db.delete(b("k"));
        db.recycle();
        assertEquals(0, db.keys().recordBytes());
        assertEquals(0, valueBytesOutsideTable());
    }

    /**
     * Random writes of every kind against a map: the bytes each key reads back, and the value
     * bytes memory() counts outside the table, after every step.
     */
    @Test
    void randomWritesAgreeWithAModelAndKeepTheCountExact() {
        SplittableRandom r = new SplittableRandom(7);
        Map<String, byte[]> model = new HashMap<>();
        for (int step = 0; step < 20_000; step++) {
            String key = "key:" + r.nextInt(200);
            int op = r.nextInt(10);
            if (op < 4) {
                byte[] v = randomValue(r);
                set(key, v);
                model.put(key, v);
            } else if (op < 6) {
                // APPEND's shape: a write lookup, then a RawString in place of the old value.
                KeyEntry e = db.writeEntry(b(key), 0, b(key).length);
                if (e != null) {
                    long size = db.beforeChange(e);
                    RawString raw = StringType.toRaw(e.value());
                    raw.append(b("+x"), 0, 2);
                    db.changedTo(e, raw, size);
                    byte[] old = model.get(key);
                    byte[] now = Arrays.copyOf(old, old.length + 2);
                    now[old.length] = '+';
                    now[old.length + 1] = 'x';
                    model.put(key, now);
                }
            } else if (op < 7) {
                // A move, as RENAME and MOVE do: the value object goes to a new key.
                String to = "key:" + r.nextInt(200);
                KeyEntry e = db.writeEntry(b(key), 0, b(key).length);
                if (e != null && !to.equals(key)) {
                    Object v = e.value();
                    db.delete(b(to));
                    db.delete(b(key));
                    db.add(b(to), v instanceof RawString ? ((RawString) v).toBytes() : v);
                    model.put(to, model.remove(key));
                }
            } else if (op < 8) {
                db.delete(b(key));
                model.remove(key);
            } else {
                Object v = db.lookupRead(Argv.of(key), 0);
                byte[] want = model.get(key);
                if (want == null) {
                    assertNull(v);
                } else {
                    assertArrayEquals(want, StringType.bytes(v), key);
                }
            }
            if (r.nextInt(50) == 0) {
                db.recycle();
                db.cron(true);
            }
            assertEquals(expectedValueBytes(), valueBytesOutsideTable(), "step " + step);
        }
        assertEquals(model.size(), db.size());
        for (Map.Entry<String, byte[]> m : model.entrySet()) {
            assertArrayEquals(m.getValue(), StringType.bytes(db.lookupRead(Argv.of(m.getKey()), 0)));
        }
    }

    private static byte[] randomValue(SplittableRandom r) {
        switch (r.nextInt(4)) {
            case 0:
                return Long.toString(r.nextLong(-1000, 1000)).getBytes(StandardCharsets.UTF_8);
            case 1:
                return new byte[Db.INLINE_LIMIT + 1 + r.nextInt(100)];
            default:
                byte[] v = new byte[r.nextInt(Db.INLINE_LIMIT + 1)];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (byte) ('a' + r.nextInt(26));
                }
                return v;
        }
    }
}
