package dev.cinnabar.server.persistence;

import dev.cinnabar.datatypes.KeyTable;
import dev.cinnabar.server.db.KeyEntry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.Quicklist;
import dev.cinnabar.datatypes.value.HashValue;
import dev.cinnabar.datatypes.value.ListValue;
import dev.cinnabar.datatypes.value.SetValue;
import dev.cinnabar.datatypes.value.StreamValue;
import dev.cinnabar.datatypes.value.StringType;
import dev.cinnabar.datatypes.value.ZSetValue;
import dev.cinnabar.persistence.rdb.RdbFileException;
import dev.cinnabar.persistence.rdb.RdbFileReader;
import dev.cinnabar.persistence.rdb.RdbFileWriter;
import dev.cinnabar.persistence.rdb.RdbInput;
import dev.cinnabar.persistence.rdb.RdbLoadSettings;
import dev.cinnabar.persistence.rdb.RdbOutput;
import dev.cinnabar.persistence.rdb.RdbValueParts;
import dev.cinnabar.persistence.rdb.RdbValues;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The forkless snapshot's promise: whatever writes happen while it walks the keyspace in
 * slices (overwrites, in-place changes, deletions, new keys, TTL changes, tables growing and
 * shrinking, FLUSHDB, SWAPDB), the file holds each key exactly once, as it was when the snapshot
 * started. A model taken at the start is compared with what the file reads back as.
 */
class SnapshotTest {
    private final ManualClock clock = new ManualClock();

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** db -> key -> "value|expire". */
    private static Map<Integer, Map<String, String>> model(Keyspace ks) {
        Map<Integer, Map<String, String>> m = new TreeMap<>();
        for (int i = 0; i < ks.count(); i++) {
            Db d = ks.db(i);
            Map<String, String> keys = new TreeMap<>();
            KeyTable t = d.keys();
            for (int id = t.nextId(0); id != KeyTable.NONE; id = t.nextId(id + 1)) {
                keys.put(s(t.copyKey(id)), render(t.value(id)) + "|" + d.expireAtId(id));
            }
            if (!keys.isEmpty()) {
                m.put(i, keys);
            }
        }
        return m;
    }

    private static Map<Integer, Map<String, String>> read(byte[] file) throws RdbFileException {
        Map<Integer, Map<String, String>> m = new TreeMap<>();
        int[] db = {0};
        List<String> dups = new ArrayList<>();
        new RdbFileReader(new RdbInput(file), RdbLoadSettings.DEFAULTS, new RdbFileReader.Handler() {
            @Override
            public void selectDb(long id) {
                db[0] = (int) id;
            }

            @Override
            public void function(byte[] code) {
            }

            @Override
            public void key(byte[] key, Object value, long expireAt, long idle, int freq) {
                String old = m.computeIfAbsent(db[0], k -> new TreeMap<>()).put(s(key), render(value) + "|" + expireAt);
                if (old != null) {
                    dups.add(db[0] + ":" + s(key));
                }
            }
        }, true, 1 << 20).read();
        assertEquals(List.of(), dups, "keys written twice");
        return m;
    }

    /** A snapshot of {@code ks} into {@code out}, hooked into its writes. */
    private static Snapshot snapshotInto(Keyspace ks, RdbOutput out) {
        Snapshot snap = new Snapshot(ks, new Snapshot.Output() {
            @Override
            public RdbOutput out() {
                return out;
            }

            @Override
            public void handOff(int keys) {
            }
        }, out.compression(), "allkeys-lru", new RdbFileWriter.Aux(), List.of());
        ks.addObserver(snap);
        return snap;
    }

    /** A value as text, a collection's elements in order: the same whatever its table's layout. */
    private static String render(Object v) {
        if (v instanceof SetValue set) {
            TreeSet<String> m = new TreeSet<>();
            set.forEachBytes((b, off, len) -> m.add(new String(b, off, len, StandardCharsets.ISO_8859_1)));
            return "set" + m;
        }
        if (v instanceof HashValue h) {
            TreeMap<String, String> m = new TreeMap<>();
            h.forEach((f, x) -> m.put(s(f.toBytes()), s(x.toBytes())));
            return "hash" + m;
        }
        if (v instanceof ZSetValue z) {
            TreeMap<String, Double> m = new TreeMap<>();
            z.forEach((member, score) -> m.put(s(member.toBytes()), score));
            return "zset" + m;
        }
        if (v instanceof ListValue l) {
            List<String> m = new ArrayList<>();
            Listpack.Entry e = new Listpack.Entry();
            try (Quicklist.Cursor c = l.cursor(true)) {
                while (c.next()) {
                    m.add(s(c.entry(e).toBytes()));
                }
            }
            return "list" + m;
        }
        if (v instanceof StreamValue st) {
            // Its nodes as they are, read back as they were written.
            RdbOutput o = new RdbOutput(false);
            RdbValues.write(o, st);
            return "stream" + java.util.Arrays.hashCode(o.toByteArray()) + "/" + st.length;
        }
        return s(StringType.bytes(v));
    }

    private static byte[] key(Random r, int space) {
        return ("k" + r.nextInt(space)).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] value(Random r) {
        byte[] v = new byte[1 + r.nextInt(30)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (byte) ('a' + r.nextInt(26));
        }
        return v;
    }

    @Test
    void imageIsTheDatasetAtTheStartWhateverHappensMeanwhile() throws Exception {
        for (int seed = 0; seed < 40; seed++) {
            run(seed);
        }
    }

    private void run(int seed) throws Exception {
        Random r = new Random(seed);
        Keyspace ks = new Keyspace(4, clock);
        int space = 200 + r.nextInt(3000);
        for (int i = 0; i < space; i++) {
            Db d = ks.db(r.nextInt(3)); // db 3 starts empty
            KeyEntry e = d.setKey(key(r, space), value(r), false);
            if (r.nextInt(4) == 0) {
                d.setExpire(e, clock.millis() + 1_000_000 + r.nextInt(1000));
            }
        }
        Map<Integer, Map<String, String>> expected = model(ks);
        RdbOutput out = new RdbOutput(r.nextBoolean());
        Snapshot snap = snapshotInto(ks, out);
        int budget = 1 + r.nextInt(40);
        boolean done = false;
        int rounds = 0;
        while (!done) {
            for (int w = r.nextInt(30); w > 0; w--) {
                randomWrite(r, ks, space);
            }
            done = snap.slice(budget, Long.MAX_VALUE);
            rounds++;
        }
        ks.removeObserver(snap);
        RdbFileWriter.end(out, true);
        assertEquals(expected, read(out.toByteArray()), "seed " + seed + " after " + rounds + " slices");
        assertTrue(snap.keysWritten() > 0 || expected.isEmpty());
    }

    private void randomWrite(Random r, Keyspace ks, int space) {
        Db d = ks.db(r.nextInt(4));
        byte[] k = key(r, space);
        int op = r.nextInt(1000);
        if (op < 300) {
            d.setKey(k, value(r), r.nextBoolean());
        } else if (op < 450) {
            d.delete(k);
        } else if (op < 600) {
            // In place, as SET of a same-sized value and APPEND to a raw string do.
            KeyEntry e = d.entry(k);
            if (e != null && e.value() instanceof byte[] b) {
                long before = d.beforeChange(e);
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) ('A' + r.nextInt(26));
                }
                d.changed(e, before);
            }
        } else if (op < 700) {
            KeyEntry e = d.entry(k);
            if (e != null) {
                d.setExpire(e, clock.millis() + 5_000_000);
            }
        } else if (op < 780) {
            KeyEntry e = d.entry(k);
            if (e != null) {
                d.removeExpire(e);
            }
        } else if (op < 850) {
            // A burst of new keys grows the table; deleting them shrinks it again.
            for (int i = 0; i < 50 + r.nextInt(500); i++) {
                d.setKey(("new" + r.nextInt(100000)).getBytes(StandardCharsets.ISO_8859_1), value(r), false);
            }
        } else if (op < 930) {
            List<byte[]> all = new ArrayList<>();
            KeyTable t = d.keys();
            for (int id = t.nextId(0); id != KeyTable.NONE; id = t.nextId(id + 1)) {
                all.add(t.copyKey(id));
            }
            for (byte[] x : all) {
                if (r.nextInt(3) > 0) {
                    d.delete(x);
                }
            }
            d.cron(true);
            d.cron(true);
        } else if (op < 960) {
            d.cron(true);
        } else if (op < 980) {
            ks.swap(r.nextInt(4), r.nextInt(4));
        } else if (op < 990) {
            d.flush();
        } else {
            KeyEntry e = d.entry(k);
            if (e != null) {
                d.replaceValue(e, value(r));
            }
        }
    }

    /**
     * Big sets, hashes and sorted sets are written a part at a time across slices; writes to
     * them, to the keys queued behind them and to every other key meanwhile, and flushes, still
     * leave the image of the start, each key once, in a file that reads back.
     */
    @Test
    void bigValuesWrittenInPartsAreStillTheImageOfTheStart() throws Exception {
        for (int seed = 0; seed < 12; seed++) {
            runWithBigValues(seed);
        }
    }

    private void runWithBigValues(int seed) throws Exception {
        Random r = new Random(seed);
        Keyspace ks = new Keyspace(4, clock); // randomWrite's four; the big keys go to the first two
        int space = 50 + r.nextInt(300);
        for (int i = 0; i < space; i++) {
            ks.db(r.nextInt(2)).setKey(key(r, space), value(r), false);
        }
        int bigs = 5 + r.nextInt(5);
        for (int i = 0; i < bigs; i++) {
            Db d = ks.db(r.nextInt(2));
            KeyEntry e = d.setKey(("big" + i).getBytes(StandardCharsets.ISO_8859_1), bigValue(r, i % 5), false);
            if (r.nextBoolean()) {
                d.setExpire(e, clock.millis() + 1_000_000);
            }
        }
        Map<Integer, Map<String, String>> expected = model(ks);
        RdbOutput out = new RdbOutput(r.nextBoolean());
        Snapshot snap = snapshotInto(ks, out);
        boolean done = false;
        int rounds = 0;
        while (!done) {
            for (int w = r.nextInt(6); w > 0; w--) {
                if (r.nextInt(3) == 0) {
                    bigWrite(r, ks.db(r.nextInt(2)), bigs);
                } else if (r.nextInt(40) > 0) {
                    randomWrite(r, ks, space);
                }
            }
            // Slices of a few keys or a few kilobytes: a big value takes several.
            done = snap.slice(1 + r.nextInt(20), 2048 + r.nextInt(64 * 1024));
            rounds++;
        }
        ks.removeObserver(snap);
        assertEquals(null, snap.failure());
        RdbFileWriter.end(out, true);
        assertEquals(expected, read(out.toByteArray()), "seed " + seed + " after " + rounds + " slices");
    }

    /** A set of non-integers, a hash, a sorted set, a list or a stream, each past the size written in parts. */
    private static Object bigValue(Random r, int kind) {
        int n = RdbValueParts.MIN_ELEMENTS + 1 + r.nextInt(4000);
        if (kind == 0) {
            SetValue set = SetValue.newHashtable();
            for (int i = 0; i < n; i++) {
                byte[] m = ("m" + i).getBytes(StandardCharsets.ISO_8859_1);
                set.add(m, 0, m.length, 512);
            }
            return set;
        }
        if (kind == 1) {
            HashValue h = new HashValue();
            for (int i = 0; i < n; i++) {
                h.set(("f" + i).getBytes(StandardCharsets.ISO_8859_1), ("v" + r.nextInt(1000)).getBytes(StandardCharsets.ISO_8859_1), 128, 64);
            }
            return h;
        }
        if (kind == 2) {
            ZSetValue z = ZSetValue.newSkiplist();
            for (int i = 0; i < n; i++) {
                z.add(r.nextInt(1000), ("z" + i).getBytes(StandardCharsets.ISO_8859_1), 0, 128, 64, null);
            }
            return z;
        }
        if (kind == 3) {
            ListValue l = new ListValue(-2, r.nextInt(2));
            for (int i = 0; i < n; i++) {
                byte[] e = ("element " + i + " " + r.nextInt(1000)).getBytes(StandardCharsets.ISO_8859_1);
                l.pushTail(e, 0, e.length);
            }
            return l;
        }
        StreamValue st = new StreamValue();
        for (int i = 0; i < n; i++) {
            st.append(1 + i, 0, new byte[][] {"f".getBytes(StandardCharsets.ISO_8859_1),
                ("v" + r.nextInt(1000)).getBytes(StandardCharsets.ISO_8859_1)}, 0, 1, 4096, 100);
        }
        return st;
    }

    /** A change to a big key in place, its deletion or its replacement by a string. */
    private void bigWrite(Random r, Db d, int bigs) {
        byte[] k = ("big" + r.nextInt(bigs)).getBytes(StandardCharsets.ISO_8859_1);
        KeyEntry e = d.entry(k);
        if (e == null) {
            return;
        }
        int op = r.nextInt(10);
        if (op == 0) {
            d.delete(k);
            return;
        }
        if (op == 1) {
            d.setKey(k, value(r), false);
            return;
        }
        byte[] m = ("m" + r.nextInt(20000)).getBytes(StandardCharsets.ISO_8859_1);
        long before = d.beforeChange(e);
        Object v = e.value();
        if (v instanceof SetValue set) {
            if (r.nextBoolean()) {
                set.add(m, 0, m.length, 512);
            } else {
                set.remove(m, 0, m.length);
            }
        } else if (v instanceof HashValue h) {
            h.set(("f" + r.nextInt(20000)).getBytes(StandardCharsets.ISO_8859_1), m, 128, 64);
        } else if (v instanceof ZSetValue z) {
            if (r.nextBoolean()) {
                z.add(r.nextInt(1000), m, 0, 128, 64, null);
            } else {
                z.remove(("z" + r.nextInt(8000)).getBytes(StandardCharsets.ISO_8859_1));
            }
        } else if (v instanceof ListValue l) {
            l.push(m, r.nextBoolean());
        } else if (v instanceof StreamValue st) {
            st.append(st.lastMs + 1, 0, new byte[][] {m, m}, 0, 1, 4096, 100);
        }
        d.changed(e, before);
    }

    /**
     * What a background save allocates on the engine thread, per key, with the writer thread
     * draining beside it as in a BGSAVE: garbage touches fresh heap while the save runs, which
     * is what its peak RSS grows by. The chunks' arrays are recycled as they come back written
     * (at most the queue's 8 MB in flight), and walking the index makes no object per step.
     */
    @Test
    void aBackgroundSaveRecyclesItsChunksAndMakesNoObjectPerKey() throws Exception {
        Keyspace ks = new Keyspace(1, clock);
        int keys = 250_000;
        Random r = new Random(1);
        byte[] v = new byte[200];
        for (int i = 0; i < keys; i++) {
            r.nextBytes(v);
            ks.db(0).setKey(("key:" + i).getBytes(StandardCharsets.ISO_8859_1), v.clone(), false);
        }
        java.util.concurrent.Semaphore resumed = new java.util.concurrent.Semaphore(0);
        ChunkQueue chunks = new ChunkQueue(true, 0, resumed::release);
        Snapshot snap = new Snapshot(ks, chunks, true, "noeviction", new RdbFileWriter.Aux(), List.of());
        java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
        RdbOutput sink = new RdbOutput(file, true);
        Thread writer = new Thread(() -> {
            try {
                chunks.drainInto(sink);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        writer.start();
        com.sun.management.ThreadMXBean bean =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long allocated = 0;
        boolean done = false;
        while (!done) {
            long before = bean.getCurrentThreadAllocatedBytes();
            done = snap.slice(Persistence.SLICE_KEYS, Persistence.SLICE_BYTES);
            allocated += bean.getCurrentThreadAllocatedBytes() - before;
            if (!done && chunks.full()) {
                resumed.acquire();
            }
        }
        chunks.finish();
        writer.join();
        RdbFileWriter.end(sink, true);
        sink.flush();
        assertEquals(keys, read(file.toByteArray()).get(0).size());
        // The dump is ~52 MB; the chunks in flight at once, new when none had come back, ~12 MB
        // (46 bytes a key). With a pool of eight and a lambda per step it was 221 bytes a key.
        long perKey = allocated / keys;
        assertTrue(perKey < 100, "bytes allocated per key on the engine thread: " + perKey);
    }
}
