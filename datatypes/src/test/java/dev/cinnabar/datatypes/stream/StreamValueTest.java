package dev.cinnabar.datatypes.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.value.StreamValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The stream-node layout, the node index, and a stream checked against a TreeMap model. */
class StreamValueTest {
    private static byte[][] fv(String... s) {
        byte[][] out = new byte[s.length][];
        for (int i = 0; i < s.length; i++) {
            out[i] = s[i].getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    /** Redis's layout, written out by hand: master entry, then entries with delta IDs and lp-counts. */
    @Test
    void nodeBytesAreRedisStreamNodeLayout() {
        StreamValue s = new StreamValue();
        s.append(5, 1, fv("a", "1", "b", "x"), 0, 2, 4096, 100);
        s.append(7, 0, fv("a", "2", "b", "y"), 0, 2, 4096, 100);
        s.append(7, 1, fv("c", "3"), 0, 1, 4096, 100);
        assertEquals(1, s.index().size());
        Listpack expected = new Listpack();
        // master entry: count, deleted, num-fields, fields, terminator
        expected.append(3);
        expected.append(0);
        expected.append(2);
        expected.append("a".getBytes());
        expected.append("b".getBytes());
        expected.append(0);
        // 5-1, same fields: flags, ms-diff, seq-diff, values, lp-count (2 values + 3)
        expected.append(StreamNode.FLAG_SAMEFIELDS);
        expected.append(0);
        expected.append(0);
        expected.append(1);
        expected.append("x".getBytes());
        expected.append(5);
        // 7-0: seq diff wraps below the master's (unsigned arithmetic, stored as -1)
        expected.append(StreamNode.FLAG_SAMEFIELDS);
        expected.append(2);
        expected.append(-1);
        expected.append(2);
        expected.append("y".getBytes());
        expected.append(5);
        // 7-1, other fields: flags, ids, num-fields, field/value pairs, lp-count (1 + 3 + 1 + 1)
        expected.append(StreamNode.FLAG_NONE);
        expected.append(2);
        expected.append(0);
        expected.append(1);
        expected.append("c".getBytes());
        expected.append(3);
        expected.append(6);
        assertArrayEquals(expected.toByteArray(), s.index().get(0).toByteArray());
        assertTrue(s.delete(7, 0));
        assertFalse(s.delete(7, 0));
        StreamNode n = s.index().get(0);
        assertEquals(2, n.live());
        assertEquals(1, n.deleted());
        assertEquals(new StreamId(7, 1), n.lastId());
    }

    @Test
    void nodesCloseAtMaxEntriesAndMaxBytes() {
        StreamValue s = new StreamValue();
        for (int i = 1; i <= 7; i++) {
            s.append(i, 0, fv("f", "v"), 0, 1, 4096, 3);
        }
        assertEquals(3, s.index().size());
        assertEquals(new StreamId(4, 0), new StreamId(s.index().get(1).masterMs, s.index().get(1).masterSeq));
        StreamValue b = new StreamValue();
        for (int i = 1; i <= 5; i++) {
            b.append(i, 0, fv("f", "0123456789"), 0, 1, 40, 0);
        }
        // each node holds what fits under 40 bytes with the new entry's field and value lengths added
        assertTrue(b.index().size() > 1);
        for (int i = 0; i < b.index().size(); i++) {
            assertTrue(b.index().get(i).totalBytes() < 60);
        }
    }

    /**
     * Appending copies each node a bounded number of times: a node grows by half at a time, the
     * node after a full one starts with the room the full one took, and a full node is trimmed
     * to its bytes once. Growing to each entry's size cost 700-odd bytes of copies an entry.
     */
    @Test
    void appendsCopyNodesFewTimesAndFullNodesKeepNoRoom() {
        StreamValue s = new StreamValue();
        byte[][] fields = fv("f1", "value:000000000001", "f2", "value:000000000002", "f3", "value:000000000003");
        for (int i = 1; i <= 2000; i++) {
            s.append(i, 0, fields, 0, 3, 4096, 100);
        }
        com.sun.management.ThreadMXBean bean =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        int n = 100_000;
        long before = bean.getCurrentThreadAllocatedBytes();
        for (int i = 2001; i <= 2000 + n; i++) {
            s.append(i, 0, fields, 0, 3, 4096, 100);
        }
        long perEntry = (bean.getCurrentThreadAllocatedBytes() - before) / n;
        // A node holds about 50 of these entries (4 KB): its own bytes, and one trimming copy
        // (165 bytes an entry; 798 when nodes grew to each entry).
        assertTrue(perEntry < 250, "bytes allocated per entry: " + perEntry);
        long bytes = 0;
        long capacity = 0;
        for (int i = 0; i < s.index().size() - 1; i++) {
            bytes += s.index().get(i).totalBytes();
            capacity += s.index().get(i).capacity();
        }
        assertEquals(bytes, capacity, "full nodes keep no room");
        assertEquals(2000 + n, s.length);
    }

    @Test
    void indexFloorAndHeadRemoval() {
        StreamIndex idx = new StreamIndex();
        for (int i = 0; i < 50; i++) {
            idx.add(StreamNode.create(i * 10, 0, StreamFields.of(fv("a", "b")), 0, 1, 0));
        }
        assertEquals(0, idx.floor(0, 0));
        assertEquals(0, idx.floor(9, 5));
        assertEquals(49, idx.floor(-1L, -1L));
        idx.remove(0);
        idx.remove(0);
        assertEquals(-1, idx.floor(15, 0));
        assertEquals(0, idx.floor(20, 0));
        idx.remove(10);
        assertEquals(47, idx.size());
        assertEquals(130, idx.get(10).masterMs);
        for (int i = 0; i < 100; i++) {
            idx.add(StreamNode.create(1000 + i, 0, StreamFields.of(fv("a", "b")), 0, 1, 0));
        }
        assertEquals(147, idx.size());
        assertEquals(20, idx.get(0).masterMs);
        assertEquals(1099, idx.last().masterMs);
    }

    /** Random appends, deletions and trims, every range walk compared with a TreeMap. */
    @Test
    void randomOperationsMatchTreeMapModel() {
        Random r = new Random(11);
        for (int round = 0; round < 20; round++) {
            StreamValue s = new StreamValue();
            TreeMap<StreamId, List<String>> model = new TreeMap<>();
            long maxEntries = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(6);
            long maxBytes = r.nextBoolean() ? 0 : 40 + r.nextInt(200);
            long ms = 0;
            long seq = 0;
            for (int step = 0; step < 400; step++) {
                int op = r.nextInt(10);
                if (op < 6) {
                    if (r.nextBoolean()) {
                        ms += r.nextInt(3) == 0 ? r.nextInt(100_000) : 0;
                        seq = r.nextInt(3) == 0 ? 0 : seq + 1 + r.nextInt(3);
                    } else {
                        seq++;
                    }
                    if (model.isEmpty() ? false : model.lastKey().compareTo(ms, seq) >= 0) {
                        continue;
                    }
                    int n = 1 + r.nextInt(3);
                    String[] parts = new String[2 * n];
                    for (int i = 0; i < n; i++) {
                        parts[2 * i] = r.nextBoolean() ? "f" + i : "g" + r.nextInt(3);
                        parts[2 * i + 1] = r.nextInt(3) == 0 ? String.valueOf(r.nextInt(1000) - 500) : "v" + r.nextInt(50);
                    }
                    s.append(ms, seq, fv(parts), 0, n, maxBytes, maxEntries);
                    model.put(new StreamId(ms, seq), List.of(parts));
                } else if (op < 8 && !model.isEmpty()) {
                    StreamId victim = r.nextBoolean() ? randomKey(model, r) : new StreamId(ms, seq + 5);
                    assertEquals(model.remove(victim) != null, s.delete(victim.ms, victim.seq));
                } else if (op == 8) {
                    long maxlen = r.nextInt(Math.max(1, model.size() + 2));
                    boolean approx = r.nextBoolean();
                    long before = s.length;
                    long removed = s.trim(StreamValue.TRIM_MAXLEN, maxlen, 0, 0, approx, 0);
                    assertEquals(before - removed, s.length);
                    for (long i = 0; i < removed; i++) {
                        model.pollFirstEntry();
                    }
                    if (!approx) {
                        assertEquals(Math.min(before, maxlen), s.length);
                    }
                } else if (!model.isEmpty()) {
                    StreamId min = randomKey(model, r);
                    boolean approx = r.nextBoolean();
                    long removed = s.trim(StreamValue.TRIM_MINID, 0, min.ms, min.seq, approx, 0);
                    for (long i = 0; i < removed; i++) {
                        assertTrue(model.firstKey().compareTo(min) < 0);
                        model.pollFirstEntry();
                    }
                    if (!approx) {
                        assertTrue(model.isEmpty() || model.firstKey().compareTo(min) >= 0);
                    }
                }
                assertEquals(model.size(), s.length);
                if (step % 20 == 0) {
                    checkWalks(s, model, r);
                    assertEquals(s.recountHeap(), s.heapSize());
                }
            }
            checkWalks(s, model, r);
            assertEquals(s.recountHeap(), s.heapSize());
            StreamValue copy = s.duplicate();
            checkWalks(copy, model, r);
        }
    }

    private static StreamId randomKey(TreeMap<StreamId, List<String>> model, Random r) {
        StreamId k = model.ceilingKey(new StreamId(model.firstKey().ms
                + (long) (r.nextDouble() * (model.lastKey().ms - model.firstKey().ms)), 0));
        return k == null ? model.lastKey() : k;
    }

    private static void checkWalks(StreamValue s, TreeMap<StreamId, List<String>> model, Random r) {
        compare(s, model, StreamId.MIN, StreamId.MAX);
        for (int i = 0; i < 5 && !model.isEmpty(); i++) {
            StreamId a = randomKey(model, r);
            StreamId b = randomKey(model, r);
            if (r.nextBoolean()) {
                a = new StreamId(a.ms, a.seq + 1);
            }
            compare(s, model, a, b);
        }
        if (!model.isEmpty()) {
            assertEquals(model.lastKey(), s.lastValidId());
            assertEquals(model.firstKey(), s.edgeId(true, true));
        }
    }

    private static void compare(StreamValue s, TreeMap<StreamId, List<String>> model, StreamId a, StreamId b) {
        for (boolean rev : new boolean[] {false, true}) {
            List<String> got = new ArrayList<>();
            StreamCursor c = s.range(new StreamCursor(), a.ms, a.seq, b.ms, b.seq, rev);
            Listpack.Entry f = new Listpack.Entry();
            Listpack.Entry v = new Listpack.Entry();
            while (c.next()) {
                got.add(new StreamId(c.ms, c.seq).toString());
                for (int i = 0; i < c.fields; i++) {
                    c.field(f, v);
                    got.add(text(f));
                    got.add(text(v));
                }
            }
            List<String> want = new ArrayList<>();
            if (a.compareTo(b) <= 0) {
                Map<StreamId, List<String>> sub = rev ? model.subMap(a, true, b, true).descendingMap()
                        : model.subMap(a, true, b, true);
                for (Map.Entry<StreamId, List<String>> e : sub.entrySet()) {
                    want.add(e.getKey().toString());
                    want.addAll(e.getValue());
                }
            }
            assertEquals(want, got, "range " + a + " " + b + " rev " + rev);
        }
    }

    private static String text(Listpack.Entry e) {
        return e.isInteger ? Long.toString(e.value) : new String(e.bytes, e.offset, e.length, StandardCharsets.UTF_8);
    }

    @Test
    void groupsKeepPelsAndHeapFigure() {
        StreamValue s = new StreamValue();
        s.append(1, 1, fv("a", "1"), 0, 1, 4096, 100);
        StreamGroup g = s.createGroup("g".getBytes(), 0, 0, 0);
        assertEquals(null, s.createGroup("g".getBytes(), 0, 0, 0));
        StreamConsumer alice = g.createConsumer("alice".getBytes(), 5);
        StreamConsumer bob = g.lookupOrCreate("bob".getBytes(), 5);
        StreamNack n = g.deliver(new StreamId(1, 1), alice, 10);
        assertEquals(1, alice.pending());
        g.deliver(new StreamId(1, 1), bob, 20);
        assertEquals(0, alice.pending());
        assertEquals(1, bob.pending());
        assertEquals(1, n.deliveryCount);
        assertEquals(s.recountHeap(), s.heapSize());
        assertEquals(1, g.deleteConsumer(bob));
        assertTrue(g.pel().isEmpty());
        assertEquals(s.recountHeap(), s.heapSize());
        StreamValue copy = s.duplicate();
        assertEquals(copy.recountHeap(), copy.heapSize());
        assertTrue(s.destroyGroup("g".getBytes()));
        assertEquals(s.recountHeap(), s.heapSize());
    }

    /** A walk moved onto a copy halfway reads on from where it was, and the original may change meanwhile. */
    @Test
    void aCursorGoesOnInACopyWhereItWas() {
        for (boolean rev : new boolean[] {false, true}) {
            StreamValue s = new StreamValue();
            for (int i = 1; i <= 50; i++) {
                s.append(i, 0, fv("f", "v" + i), 0, 1, 4096, 7);
            }
            s.delete(20, 0);
            assertTrue(s.index().size() > 5);
            StreamCursor c = new StreamCursor().start(s.index(), rev);
            List<Long> seen = new ArrayList<>();
            for (int i = 0; i < 17; i++) {
                assertTrue(c.next());
                seen.add(c.ms);
            }
            StreamValue copy = s.duplicate();
            c.continueIn(copy.index());
            s.delete(rev ? 30 : 21, 0);
            s.trim(StreamValue.TRIM_MAXLEN, 3, 0, 0, false, 0);
            Listpack.Entry f = new Listpack.Entry();
            Listpack.Entry v = new Listpack.Entry();
            while (c.next()) {
                c.field(f, v);
                assertEquals("v" + c.ms, new String(v.toBytes(), StandardCharsets.UTF_8));
                seen.add(c.ms);
            }
            List<Long> expected = new ArrayList<>();
            for (long i = 1; i <= 50; i++) {
                if (i != 20) {
                    expected.add(i);
                }
            }
            if (rev) {
                java.util.Collections.reverse(expected);
            }
            assertEquals(expected, seen);
        }
    }

    /** Every entry of {@code s} in order, as "ms-seq f=v ..." strings, and its counts. */
    private static List<String> contents(StreamValue s) {
        List<String> out = new ArrayList<>();
        StreamCursor c = new StreamCursor().start(s.index(), false);
        Listpack.Entry f = new Listpack.Entry();
        Listpack.Entry v = new Listpack.Entry();
        while (c.next()) {
            StringBuilder b = new StringBuilder(c.ms + "-" + c.seq);
            for (int i = 0; i < c.fields; i++) {
                c.field(f, v);
                b.append(' ').append(new String(f.toBytes(), StandardCharsets.UTF_8)).append('=')
                        .append(new String(v.toBytes(), StandardCharsets.UTF_8));
            }
            out.add(b.toString());
        }
        out.add("length " + s.length + " nodes " + s.index().size());
        for (int i = 0; i < s.index().size(); i++) {
            out.add("node " + s.index().get(i).live() + "/" + s.index().get(i).deleted());
        }
        return out;
    }

    /**
     * A sharing copy keeps what the stream held when it was made while the stream goes on
     * changing every way it can (appends, deletions, exact and approximate trims), and the stream
     * changes as a deep copy changed alike does.
     */
    @Test
    void aSharingCopyStaysAsTheStreamWasWhileTheStreamChanges() {
        Random r = new Random(7);
        for (int round = 0; round < 30; round++) {
            StreamValue s = new StreamValue();
            long ms = 1;
            for (int i = 0; i < 300 + r.nextInt(300); i++) {
                s.append(ms++, 0, fv("f", "v" + i, "g", "w"), 0, r.nextInt(4) == 0 ? 1 : 2, 4096, 10);
            }
            StreamValue shared = s.sharingCopy();
            StreamValue twin = s.duplicate();
            List<String> before = contents(s);
            for (int op = 0; op < 40; op++) {
                for (StreamValue x : new StreamValue[] {s, twin}) {
                    Random same = new Random(round * 1000L + op);
                    switch (same.nextInt(4)) {
                        case 0 -> x.append(ms, 0, fv("f", "new"), 0, 1, 4096, 10);
                        case 1 -> x.delete(1 + same.nextInt((int) ms), 0);
                        case 2 -> x.trim(StreamValue.TRIM_MAXLEN, x.length - same.nextInt(15), 0, 0, false, 0);
                        default -> x.trim(StreamValue.TRIM_MINID, 0, 1 + same.nextInt((int) ms), 0, true, 0);
                    }
                }
                ms++;
                assertEquals(contents(twin), contents(s));
                assertEquals(s.recountHeap(), s.heapSize());
            }
            assertEquals(before, contents(shared));
        }
    }
}
