package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QuicklistTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<String> strings(Quicklist q) {
        List<String> out = new ArrayList<>();
        for (byte[] v : q.toList()) {
            out.add(new String(v, StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    /**
     * Pushes one at a time copy an end node a bounded number of times: it grows by a quarter at
     * least, as an allocator's size classes would give it. Grown to each push, it was copied
     * every other push below 512 bytes: 57 bytes of copies a push of a short element, 27 now.
     * The full nodes behind the ends hold no more than they need.
     */
    @Test
    void singlePushesGrowEndNodesByAQuarter() {
        com.sun.management.ThreadMXBean bean =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        byte[] v = b("xxx");
        for (boolean head : new boolean[] {true, false}) {
            Quicklist q = new Quicklist(-2, 0);
            for (int i = 0; i < 20_000; i++) {
                q.push(v, head);
            }
            int n = 200_000;
            long before = bean.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < n; i++) {
                q.push(v, head);
                q.endPushes();
            }
            long perPush = (bean.getCurrentThreadAllocatedBytes() - before) / n;
            assertTrue(perPush < 40, (head ? "LPUSH" : "RPUSH") + " bytes allocated per push: " + perPush);
            assertEquals(220_000, q.size());
            // 8 KB nodes (fill -2): the ones behind the ends were filled and hold at most a
            // quarter of room, as the ends may.
            assertTrue(q.heapSize() < 220_000L * 5 * 5 / 4 + 64 * q.nodes() + 20_000, "heap " + q.heapSize());
        }
    }

    /** Pushes announced with expectPushes give the very nodes that one push at a time gives. */
    @Test
    void announcedPushesLeaveTheSameNodes() {
        SplittableRandom r = new SplittableRandom(3);
        for (int fill : new int[] {-2, -1, 5, 128}) {
            Quicklist one = new Quicklist(fill, 1);
            Quicklist batch = new Quicklist(fill, 1);
            for (int round = 0; round < 200; round++) {
                boolean head = r.nextBoolean();
                List<byte[]> values = new ArrayList<>();
                int bytes = 0;
                for (int i = 1 + r.nextInt(40); i > 0; i--) {
                    byte[] v = (r.nextBoolean() ? Integer.toString(r.nextInt()) : "v".repeat(r.nextInt(300)))
                            .getBytes(StandardCharsets.US_ASCII);
                    values.add(v);
                    bytes += Listpack.entrySizeOf(v, 0, v.length);
                }
                batch.expectPushes(bytes);
                for (byte[] v : values) {
                    one.push(v, head);
                    batch.push(v, head);
                }
                batch.endPushes();
                assertEquals(one.layout(), batch.layout(), "fill " + fill + " round " + round);
            }
            List<byte[]> a = one.toList();
            List<byte[]> b = batch.toList();
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(a.get(i), b.get(i));
            }
        }
    }

    @Test
    void countFillSplitsNodes() {
        Quicklist q = new Quicklist(3, 0);
        for (int i = 0; i < 10; i++) {
            q.pushTail(b("e" + i), 0, 2);
        }
        assertEquals("3 3 3 1", q.layout());
        assertEquals(10, q.size());
        q.verify();
        q.pushHead(b("x"), 0, 1);
        assertEquals("1 3 3 3 1", q.layout());
    }

    @Test
    void sizeFillLimitsBytes() {
        Quicklist q = new Quicklist(-1, 0);
        byte[] v = new byte[100];
        java.util.Arrays.fill(v, (byte) 'a');
        for (int i = 0; i < 100; i++) {
            q.pushTail(v, 0, v.length);
        }
        // 4096 bytes per node at most: 102 bytes an entry, 6 + 1 of header and end.
        assertEquals("39 39 22", q.layout());
        q.verify();
    }

    @Test
    void innerNodesCompressBeyondDepth() {
        Quicklist q = new Quicklist(4, 1);
        for (int i = 0; i < 20; i++) {
            byte[] v = b("element-number-" + i + "-padding-padding-padding");
            q.pushTail(v, 0, v.length);
        }
        assertEquals("4 4z 4z 4z 4", q.layout());
        q.verify();
        assertEquals("element-number-10-padding-padding-padding", new String(q.get(10), StandardCharsets.ISO_8859_1));
        assertEquals("4 4z 4z 4z 4", q.layout());
        while (q.size() > 0) {
            q.pop(true);
            q.verify();
        }
        assertEquals("", q.layout());
        assertEquals(Quicklist.OBJECT_SIZE, q.heapSize());
    }

    @Test
    void indexesFromBothEnds() {
        Quicklist q = new Quicklist(2, 0);
        for (int i = 0; i < 7; i++) {
            q.pushTail(b(Integer.toString(i)), 0, 1);
        }
        assertArrayEquals(b("0"), q.get(0));
        assertArrayEquals(b("6"), q.get(-1));
        assertArrayEquals(b("2"), q.get(-5));
        assertNull(q.get(7));
        assertNull(q.get(-8));
        assertTrue(q.replace(-2, b("five")));
        assertFalse(q.replace(9, b("x")));
        assertEquals(List.of("0", "1", "2", "3", "4", "five", "6"), strings(q));
    }

    @Test
    void smallOrIncompressibleNodesStayRaw() {
        Quicklist small = new Quicklist(2, 1);
        for (int i = 0; i < 8; i++) {
            small.pushTail(b("s" + i), 0, 2);
        }
        // Listpacks under 48 bytes are never compressed.
        assertEquals("2 2 2 2", small.layout());
        Quicklist random = new Quicklist(2, 1);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 8; i++) {
            byte[] v = new byte[40];
            for (int j = 0; j < v.length; j++) {
                v[j] = (byte) r.nextInt(256);
            }
            random.pushTail(v, 0, v.length);
        }
        // Random bytes do not shrink by the 8 bytes compression must save.
        assertEquals("2 2 2 2", random.layout());
        random.verify();
    }

    @Test
    void deleteRangeMergesNothingButDropsEmptiedNodes() {
        Quicklist q = new Quicklist(3, 0);
        for (int i = 0; i < 9; i++) {
            q.pushTail(b("v" + i), 0, 2);
        }
        assertTrue(q.deleteRange(2, 4));
        assertEquals("2 3", q.layout());
        assertFalse(q.deleteRange(10, 1));
        assertFalse(q.deleteRange(0, 0));
        assertTrue(q.deleteRange(-2, 100));
        assertEquals(List.of("v0", "v1", "v6"), strings(q));
        q.verify();
    }

    /** Random operations against an ArrayList, across fills, depths, splits, merges and compression. */
    @Test
    void behavesLikeAList() {
        randomOperations(42);
    }

    private static String text(Listpack.Entry e) {
        return e.isInteger ? Long.toString(e.value) : new String(e.bytes, e.offset, e.length, StandardCharsets.UTF_8);
    }

    /** end() reads the element pop() would return, in packed, integer and plain nodes; removeEnd() takes it. */
    @Test
    void endsAreReadInPlaceThenRemoved() {
        assertTrue(Quicklist.setPackedThreshold(60));
        try {
            Quicklist q = new Quicklist(2, 0);
            assertNull(q.end(true, new Listpack.Entry()));
            String big = "x".repeat(100);
            for (String v : new String[] {"a", "42", big, "b", "-7", big + "y"}) {
                q.push(b(v), false);
            }
            Quicklist model = new Quicklist(q);
            Listpack.Entry e = new Listpack.Entry();
            boolean head = true;
            while (model.size() > 0) {
                String expected = new String(model.pop(head), StandardCharsets.UTF_8);
                assertEquals(expected, text(q.end(head, e)));
                q.removeEnd(head);
                assertEquals(strings(model), strings(q));
                head = !head;
            }
            assertNull(q.end(false, e));
        } finally {
            Quicklist.setPackedThreshold(0);
        }
    }

    /** The same with a 60-byte packed threshold (the long values go into plain nodes), then a 1-byte one. */
    @Test
    void behavesLikeAListAcrossPlainNodes() {
        assertTrue(Quicklist.setPackedThreshold(60));
        try {
            randomOperations(7);
            // 1 byte: every element alone in its plain node.
            assertTrue(Quicklist.setPackedThreshold(1));
            randomOperations(8);
        } finally {
            Quicklist.setPackedThreshold(0);
        }
        assertEquals(1L << 30, Quicklist.packedThreshold());
    }

    @Test
    void packedThresholdBounds() {
        try {
            assertTrue(Quicklist.setPackedThreshold(1));
            assertEquals(1, Quicklist.packedThreshold());
            assertTrue(Quicklist.setPackedThreshold((1L << 32) - (1L << 20)));
            assertFalse(Quicklist.setPackedThreshold((1L << 32) - (1L << 20) + 1));
            assertFalse(Quicklist.setPackedThreshold(-1), "read as unsigned");
            assertEquals((1L << 32) - (1L << 20), Quicklist.packedThreshold());
            assertTrue(Quicklist.setPackedThreshold(0));
            assertEquals(1L << 30, Quicklist.packedThreshold());
        } finally {
            Quicklist.setPackedThreshold(0);
        }
    }

    /** Where quicklist.c puts, replaces and compresses plain elements. */
    @Test
    void plainNodesAsRedisPlacesThem() {
        assertTrue(Quicklist.setPackedThreshold(10));
        try {
            Quicklist q = new Quicklist(-2, 0);
            q.pushTail(b("a"), 0, 1);
            q.pushTail(b("b"), 0, 1);
            q.pushTail(b("0123456789"), 0, 10);
            q.pushTail(b("c"), 0, 1);
            q.pushHead(b("9876543210"), 0, 10);
            assertEquals("p1 2 p1 1", q.layout(), "a plain element stands alone; the next small one opens a node");
            // LINSERT a large element between a and b: the node splits around a plain one.
            try (Quicklist.Cursor c = q.cursorAt(1, true)) {
                c.next();
                c.insert(b("LARGE-ELEMENT"), true);
            }
            assertEquals("p1 1 p1 1 p1 1", q.layout());
            // A small element next to a plain one goes to the neighbouring node when it has room.
            try (Quicklist.Cursor c = q.cursorAt(0, true)) {
                c.next();
                c.insert(b("s"), true);
            }
            assertEquals("p1 2 p1 1 p1 1", q.layout());
            // A plain element replaced by a small one: the neighbour takes it, the plain node goes.
            assertTrue(q.replace(0, b("t")));
            assertEquals("3 p1 1 p1 1", q.layout());
            // A packed element replaced by a large one: split off into a plain node.
            assertTrue(q.replace(1, b("ANOTHER-LARGE")));
            assertEquals("1 p1 1 p1 1 p1 1", q.layout());
            // A plain element replaced by a large one stays in its node.
            assertTrue(q.replace(1, b("THIRD-LARGE-ONE")));
            assertEquals("1 p1 1 p1 1 p1 1", q.layout());
            assertEquals(List.of("t", "THIRD-LARGE-ONE", "a", "LARGE-ELEMENT", "b", "0123456789", "c"), strings(q));
            Listpack.Entry e = new Listpack.Entry();
            try (Quicklist.Cursor c = q.cursorAt(3, true)) {
                c.next();
                assertEquals("LARGE-ELEMENT", new String(c.entry(e).toBytes(), StandardCharsets.ISO_8859_1));
                assertTrue(c.equalsElement(b("LARGE-ELEMENT"), 0, 13));
                assertFalse(c.equalsElement(b("LARGE-ELEMENT!"), 0, 14));
            }
            assertEquals("c", new String(q.pop(false), StandardCharsets.ISO_8859_1));
            assertEquals("0123456789", new String(q.pop(false), StandardCharsets.ISO_8859_1));
            assertEquals("1 p1 1 p1 1", q.layout());
            q.verify();
            // Plain nodes beyond the depth are LZF-compressed like the others.
            Quicklist z = new Quicklist(-2, 1);
            String big = "abcdefgh".repeat(20);
            for (int i = 0; i < 4; i++) {
                z.pushTail(b(big), 0, big.length());
            }
            assertEquals("p1 p1z p1z p1", z.layout());
            assertEquals(4 * big.length(), z.uncompressedSize());
            assertEquals(big, new String(z.get(1), StandardCharsets.ISO_8859_1));
            z.verify();
            assertTrue(z.deleteRange(1, 2));
            assertEquals("p1 p1", z.layout());
            z.verify();
        } finally {
            Quicklist.setPackedThreshold(0);
        }
    }

    private static void randomOperations(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] fills = {-1, -2, 1, 2, 3, 5, 0, 16};
        for (int round = 0; round < 60; round++) {
            int fill = fills[round % fills.length];
            int depth = round % 4;
            Quicklist q = new Quicklist(fill, depth);
            List<String> model = new ArrayList<>();
            // Halfway, a copy that shares the nodes' arrays: it must stay as the list was.
            Quicklist shared = null;
            List<String> sharedModel = null;
            List<String> sharedNodes = null;
            for (int step = 0; step < 600; step++) {
                if (step == 300) {
                    shared = new Quicklist(q, true) { };
                    sharedModel = new ArrayList<>(model);
                    sharedNodes = nodes(q);
                }
                int op = r.nextInt(100);
                String v = value(r);
                if (op < 25) {
                    q.pushTail(b(v), 0, v.length());
                    model.add(v);
                } else if (op < 45) {
                    q.pushHead(b(v), 0, v.length());
                    model.add(0, v);
                } else if (op < 55) {
                    boolean head = r.nextBoolean();
                    byte[] got = q.pop(head);
                    if (model.isEmpty()) {
                        assertNull(got);
                    } else {
                        assertEquals(model.remove(head ? 0 : model.size() - 1), new String(got, StandardCharsets.ISO_8859_1));
                    }
                } else if (op < 65 && !model.isEmpty()) {
                    // LINSERT at a random element, found by walking from the head
                    int at = r.nextInt(model.size());
                    boolean after = r.nextBoolean();
                    try (Quicklist.Cursor c = q.cursorAt(0, true)) {
                        for (int i = 0; i <= at; i++) {
                            assertTrue(c.next());
                        }
                        c.insert(b(v), after);
                    }
                    model.add(after ? at + 1 : at, v);
                } else if (op < 72 && !model.isEmpty()) {
                    long idx = r.nextInt(model.size() * 2 + 2) - model.size() - 1;
                    boolean ok = q.replace(idx, b(v));
                    int i = (int) (idx < 0 ? model.size() + idx : idx);
                    assertEquals(i >= 0 && i < model.size(), ok);
                    if (ok) {
                        model.set(i, v);
                    }
                } else if (op < 78 && !model.isEmpty()) {
                    long start = r.nextInt(model.size() * 2) - model.size();
                    long n = r.nextInt(model.size() + 2);
                    int s = (int) (start < 0 ? model.size() + start : start);
                    q.deleteRange(start, n);
                    long extent = start >= 0 ? Math.min(n, model.size() - s) : Math.min(n, -start);
                    for (long k = 0; k < extent; k++) {
                        model.remove(s);
                    }
                } else if (op < 84 && !model.isEmpty()) {
                    // LREM-like: delete every match of a random element, in a random direction
                    String target = model.get(r.nextInt(model.size()));
                    boolean fwd = r.nextBoolean();
                    try (Quicklist.Cursor c = fwd ? q.cursorAt(0, true) : q.cursorAt(-1, false)) {
                        while (c.next()) {
                            if (c.equalsElement(b(target), 0, target.length())) {
                                c.delete();
                            }
                        }
                    }
                    model.removeIf(target::equals);
                } else if (op < 92 && !model.isEmpty()) {
                    long idx = r.nextInt(model.size() * 2) - model.size();
                    int i = (int) (idx < 0 ? model.size() + idx : idx);
                    assertEquals(model.get(i), new String(q.get(idx), StandardCharsets.ISO_8859_1));
                } else if (!model.isEmpty()) {
                    // LRANGE backwards from a random index
                    int from = r.nextInt(model.size());
                    List<String> got = new ArrayList<>();
                    try (Quicklist.Cursor c = q.cursorAt(from, false)) {
                        while (c.next()) {
                            got.add(new String(c.value(), StandardCharsets.ISO_8859_1));
                            assertEquals(got.get(got.size() - 1),
                                    new String(c.entry(new Listpack.Entry()).toBytes(), StandardCharsets.ISO_8859_1));
                        }
                    }
                    List<String> want = new ArrayList<>(model.subList(0, from + 1));
                    java.util.Collections.reverse(want);
                    assertEquals(want, got);
                }
                q.verify();
                assertEquals(model.size(), q.size());
            }
            assertEquals(model, strings(q));
            assertEquals(sharedNodes, nodes(shared));
            assertEquals(sharedModel, strings(shared));
            shared.verify();
            Quicklist copy = new Quicklist(q) { };
            copy.verify();
            assertEquals(q.layout(), copy.layout());
            assertEquals(model, strings(copy));
        }
    }

    /** Every node as the RDB writer sees it: plain, compressed, and its bytes. */
    private static List<String> nodes(Quicklist q) {
        List<String> out = new ArrayList<>();
        q.forEachNode((plain, compressed, data, length, size) -> out.add(plain + " " + compressed + " " + size + " "
                + new String(data, 0, length, StandardCharsets.ISO_8859_1)));
        return out;
    }

    private static String value(SplittableRandom r) {
        switch (r.nextInt(4)) {
            case 0:
                return Long.toString(r.nextLong(-100000, 100000));
            case 1:
                return "v" + r.nextInt(20);
            case 2:
                return "x".repeat(r.nextInt(40, 300));
            default:
                return "long-compressible-value-" + "ab".repeat(r.nextInt(10, 60)) + r.nextInt(5);
        }
    }
}
