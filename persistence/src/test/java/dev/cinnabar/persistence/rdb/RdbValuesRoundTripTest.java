package dev.cinnabar.persistence.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.datatypes.Quicklist;
import dev.cinnabar.datatypes.stream.StreamConsumer;
import dev.cinnabar.datatypes.stream.StreamCursor;
import dev.cinnabar.datatypes.stream.StreamGroup;
import dev.cinnabar.datatypes.stream.StreamId;
import dev.cinnabar.datatypes.stream.StreamNack;
import dev.cinnabar.datatypes.value.HashValue;
import dev.cinnabar.datatypes.value.ListValue;
import dev.cinnabar.datatypes.value.SetValue;
import dev.cinnabar.datatypes.value.StreamValue;
import dev.cinnabar.datatypes.value.ValueDigest;
import dev.cinnabar.datatypes.value.ValueTypes;
import dev.cinnabar.datatypes.value.ZSetValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Values of every type and encoding written and read back: the same contents (checked against a
 * simple model and by digest), the encoding Redis 7.0 would give them after loading under the
 * load settings, and a written size equal to DEBUG OBJECT's serializedlength.
 */
class RdbValuesRoundTripTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] write(Object v, boolean compression) {
        RdbOutput out = new RdbOutput(compression);
        RdbValues.write(out, v);
        byte[] bytes = out.toByteArray();
        // DEBUG OBJECT's serializedlength is the payload without the type byte
        assertEquals(ValueTypes.of(v).serializedLength(v, compression), bytes.length - 1, "serialized length");
        return bytes;
    }

    private static Object read(byte[] bytes, RdbLoadSettings s) throws RdbFormatException {
        RdbInput in = new RdbInput(bytes);
        Object v = RdbValues.read(in, in.readType(), s);
        assertTrue(in.atEnd(), "payload fully consumed");
        return v;
    }

    private static String digest(Object v) {
        ValueDigest d = new ValueDigest();
        ValueTypes.of(v).digest(v, d);
        return d.hex();
    }

    private static String encoding(Object v) {
        return ValueTypes.of(v).encoding(v);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static RdbLoadSettings settings(Random r) {
        return new RdbLoadSettings(r.nextBoolean() ? -2 : 1 + r.nextInt(8), r.nextInt(3), r.nextInt(40),
                r.nextInt(30), r.nextInt(40), r.nextInt(40), r.nextInt(30), r.nextBoolean());
    }

    // ------------------------------------------------------------------ Redis's bytes

    @Test
    void smallEncodingsAreWrittenAsRedisDumpsThem() {
        // The value part of redis-server 7.0.15's DUMP for: RPUSH l a b 1; SADD s 1 2 3;
        // HSET h f v; ZADD z 1.5 a 2 b.
        ListValue l = new ListValue(-2, 0);
        l.pushTail(b("a"), 0, 1);
        l.pushTail(b("b"), 0, 1);
        l.pushTail(b("1"), 0, 1);
        assertEquals("1201020f0f00000003008161028162020101ff", hex(write(l, true)));
        SetValue s = SetValue.newIntset();
        for (int i = 1; i <= 3; i++) {
            s.addInteger(i, 512);
        }
        assertEquals("0b0e0200000003000000010002000300", hex(write(s, true)));
        HashValue h = new HashValue();
        h.set(b("f"), b("v"), 128, 64);
        assertEquals("100d0d0000000200816602817602ff", hex(write(h, true)));
        ZSetValue z = ZSetValue.newListpack();
        z.add(1.5, b("a"), 0, 1, 0, 128, 64, null);
        z.add(2, b("b"), 0, 1, 0, 128, 64, null);
        assertEquals("111414000000040081610283312e35048162020201ff", hex(write(z, true)));
    }

    // ------------------------------------------------------------------ every encoding, at random

    @Test
    void randomValuesOfEveryEncodingRoundTrip() throws RdbFormatException {
        Random r = new Random(1616);
        for (int round = 0; round < 600; round++) {
            RdbLoadSettings s = settings(r);
            boolean compression = r.nextBoolean();
            switch (round % 5) {
                case 0:
                    listRound(r, s, compression);
                    break;
                case 1:
                    setRound(r, s, compression);
                    break;
                case 2:
                    hashRound(r, s, compression);
                    break;
                case 3:
                    zsetRound(r, s, compression);
                    break;
                default:
                    streamRound(r, s, compression);
                    break;
            }
        }
    }

    private static byte[] element(Random r) {
        switch (r.nextInt(5)) {
            case 0:
                return Numbers.toBytes(r.nextInt(1000) - 500);
            case 1:
                return Numbers.toBytes(r.nextLong());
            case 2:
                return b("x".repeat(r.nextInt(100)) + r.nextInt(100));
            case 3:
                byte[] raw = new byte[r.nextInt(20)];
                r.nextBytes(raw);
                return raw;
            default:
                return b("e" + r.nextInt(50));
        }
    }

    private static void listRound(Random r, RdbLoadSettings s, boolean compression) throws RdbFormatException {
        boolean plain = r.nextInt(4) == 0;
        if (plain) {
            Quicklist.setPackedThreshold(60);
        }
        try {
            int fill = r.nextBoolean() ? -1 - r.nextInt(2) : 1 + r.nextInt(10);
            ListValue l = new ListValue(fill, r.nextInt(3));
            List<byte[]> model = new ArrayList<>();
            int n = r.nextInt(300);
            for (int i = 0; i < n; i++) {
                byte[] e = element(r);
                if (r.nextBoolean()) {
                    l.pushTail(e, 0, e.length);
                    model.add(e);
                } else {
                    l.pushHead(e, 0, e.length);
                    model.add(0, e);
                }
            }
            byte[] bytes = write(l, compression);
            Object back = read(bytes, s);
            if (n == 0) {
                assertNull(back);
                return;
            }
            ListValue lb = (ListValue) back;
            lb.verify();
            assertEquals(s.listCompressDepth, lb.compressDepth());
            List<byte[]> got = lb.toList();
            assertEquals(model.size(), got.size());
            for (int i = 0; i < model.size(); i++) {
                assertArrayEquals(model.get(i), got.get(i));
            }
            // the node layout is kept, so the same settings give back the same bytes
            if (s.listCompressDepth == l.compressDepth()) {
                assertArrayEquals(bytes, write(back, compression));
            }
        } finally {
            Quicklist.setPackedThreshold(0);
        }
    }

    private static void setRound(Random r, RdbLoadSettings s, boolean compression) throws RdbFormatException {
        int maxIntset = r.nextInt(40);
        SetValue set = SetValue.newIntset();
        TreeSet<String> model = new TreeSet<>();
        boolean ints = r.nextBoolean();
        int n = 1 + r.nextInt(60);
        for (int i = 0; i < n; i++) {
            byte[] e = ints ? Numbers.toBytes(r.nextInt(100) - 50 + (r.nextInt(8) == 0 ? 1L << 40 : 0)) : element(r);
            set.add(e, 0, e.length, maxIntset);
            model.add(new String(e, StandardCharsets.ISO_8859_1));
        }
        Object back = read(write(set, compression), s);
        SetValue sb = (SetValue) back;
        TreeSet<String> got = new TreeSet<>();
        sb.forEach(m -> got.add(new String(SetValue.bytesOf(m), StandardCharsets.ISO_8859_1)));
        assertEquals(model, got);
        assertEquals(digest(set), digest(back));
        boolean allInts = model.stream().allMatch(m -> Numbers.isLong(b(m), 0, m.length()));
        String expected;
        if (set.isIntset()) {
            expected = model.size() > s.setMaxIntsetEntries ? "hashtable" : "intset";
        } else {
            expected = model.size() <= Math.min(s.setMaxIntsetEntries, 1L << 30) && allInts ? "intset" : "hashtable";
        }
        assertEquals(expected, encoding(back), () -> set.isIntset() + " " + model.size() + " " + s);
    }

    private static void hashRound(Random r, RdbLoadSettings s, boolean compression) throws RdbFormatException {
        int maxEntries = r.nextInt(40);
        int maxValue = r.nextInt(60);
        HashValue h = new HashValue();
        Map<String, String> model = new HashMap<>();
        int n = 1 + r.nextInt(60);
        for (int i = 0; i < n; i++) {
            byte[] f = element(r);
            byte[] v = element(r);
            h.set(f, v, maxEntries, maxValue);
            model.put(new String(f, StandardCharsets.ISO_8859_1), new String(v, StandardCharsets.ISO_8859_1));
        }
        Object back = read(write(h, compression), s);
        HashValue hb = (HashValue) back;
        Map<String, String> got = new HashMap<>();
        hb.forEach((f, v) -> got.put(new String(f.toBytes(), StandardCharsets.ISO_8859_1),
                new String(v.toBytes(), StandardCharsets.ISO_8859_1)));
        assertEquals(model, got);
        assertEquals(digest(h), digest(back));
        long longest = 0;
        for (Map.Entry<String, String> e : model.entrySet()) {
            longest = Math.max(longest, Math.max(e.getKey().length(), e.getValue().length()));
        }
        String expected;
        if (h.isListpack()) {
            expected = model.size() > s.hashMaxListpackEntries ? "hashtable" : "listpack";
        } else {
            expected = model.size() > s.hashMaxListpackEntries || longest > s.hashMaxListpackValue ? "hashtable"
                    : "listpack";
        }
        assertEquals(expected, encoding(back));
    }

    private static void zsetRound(Random r, RdbLoadSettings s, boolean compression) throws RdbFormatException {
        int maxEntries = r.nextInt(40);
        int maxValue = r.nextInt(60);
        ZSetValue z = ZSetValue.forFirstMember(1, maxEntries, maxValue);
        Map<String, Double> model = new HashMap<>();
        int n = 1 + r.nextInt(60);
        for (int i = 0; i < n; i++) {
            byte[] m = element(r);
            double score;
            switch (r.nextInt(4)) {
                case 0:
                    score = r.nextInt(100);
                    break;
                case 1:
                    score = r.nextDouble() * 1e6;
                    break;
                case 2:
                    score = r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                    break;
                default:
                    score = -r.nextGaussian();
                    break;
            }
            z.add(score, m, 0, m.length, 0, maxEntries, maxValue, null);
            model.put(new String(m, StandardCharsets.ISO_8859_1), score);
        }
        Object back = read(write(z, compression), s);
        ZSetValue zb = (ZSetValue) back;
        Map<String, Double> got = new HashMap<>();
        zb.forEach((m, score) -> got.put(new String(m.toBytes(), StandardCharsets.ISO_8859_1), score));
        assertEquals(model, got);
        assertEquals(digest(z), digest(back));
        long longest = model.keySet().stream().mapToLong(String::length).max().orElse(0);
        String expected;
        if (z.isListpack()) {
            expected = model.size() > s.zsetMaxListpackEntries ? "skiplist" : "listpack";
        } else {
            expected = model.size() > s.zsetMaxListpackEntries || longest > s.zsetMaxListpackValue ? "skiplist"
                    : "listpack";
        }
        assertEquals(expected, encoding(back));
    }

    private static void streamRound(Random r, RdbLoadSettings s, boolean compression) throws RdbFormatException {
        StreamValue st = new StreamValue();
        TreeMap<StreamId, List<String>> model = new TreeMap<>();
        long ms = r.nextBoolean() ? 1 : -100; // IDs above 2^63 too
        int n = r.nextInt(120);
        long nodeEntries = r.nextInt(10);
        for (int i = 0; i < n; i++) {
            ms += r.nextInt(3);
            long seq = r.nextInt(3);
            if (!model.isEmpty() && model.lastKey().compareTo(ms, seq) >= 0) {
                continue;
            }
            int pairs = 1 + r.nextInt(3);
            byte[][] fv = new byte[pairs * 2][];
            List<String> flat = new ArrayList<>();
            for (int k = 0; k < fv.length; k++) {
                fv[k] = r.nextBoolean() ? b("f" + k) : element(r);
                flat.add(new String(fv[k], StandardCharsets.ISO_8859_1));
            }
            st.append(ms, seq, fv, 0, pairs, 4096, nodeEntries);
            model.put(new StreamId(ms, seq), flat);
        }
        for (StreamId id : new ArrayList<>(model.keySet())) {
            if (r.nextInt(5) == 0) {
                st.delete(id.ms, id.seq);
                model.remove(id);
            }
        }
        int groups = r.nextInt(4);
        List<StreamId> ids = new ArrayList<>(model.keySet());
        for (int g = 0; g < groups; g++) {
            StreamGroup group = st.createGroup(b("g" + g), ms, 0, r.nextBoolean() ? StreamGroup.INVALID_ENTRIES_READ : g);
            int consumers = r.nextInt(4);
            for (int c = 0; c < consumers; c++) {
                StreamConsumer con = group.createConsumer(b("c" + c + "é"), 1_700_000_000_000L + r.nextInt(1000));
                for (StreamId id : ids) {
                    if (r.nextInt(3) == 0 && group.nack(id) == null) {
                        StreamNack nack = group.deliver(id, con, 1_700_000_000_000L + r.nextInt(1000));
                        nack.deliveryCount = 1 + r.nextInt(5);
                    }
                }
            }
        }
        byte[] bytes = write(st, compression);
        StreamValue back = (StreamValue) read(bytes, s);
        assertEquals(st.recountHeap(), st.heapSize());
        assertEquals(back.recountHeap(), back.heapSize());
        TreeMap<StreamId, List<String>> got = new TreeMap<>();
        StreamCursor c = new StreamCursor().start(back.index(), false);
        Listpack.Entry f = new Listpack.Entry();
        Listpack.Entry v = new Listpack.Entry();
        while (c.next()) {
            List<String> flat = new ArrayList<>();
            for (int i = 0; i < c.fields; i++) {
                c.field(f, v);
                flat.add(new String(f.toBytes(), StandardCharsets.ISO_8859_1));
                flat.add(new String(v.toBytes(), StandardCharsets.ISO_8859_1));
            }
            got.put(new StreamId(c.ms, c.seq), flat);
        }
        assertEquals(model, got);
        assertEquals(digest(st), digest(back));
        assertEquals(st.length, back.length);
        assertEquals(st.entriesAdded, back.entriesAdded);
        assertEquals(new StreamId(st.lastMs, st.lastSeq), new StreamId(back.lastMs, back.lastSeq));
        assertEquals(new StreamId(st.maxDelMs, st.maxDelSeq), new StreamId(back.maxDelMs, back.maxDelSeq));
        assertEquals(st.groupCount(), back.groupCount());
        // groups, consumers and pending entries come back as they were: the same bytes again
        assertArrayEquals(bytes, write(back, compression));
    }

    // ------------------------------------------------------------------ field expiry (Redis 7.4's types)

    @Test
    void hashesWithFieldTimesKeepThemInRedis74Formats() throws RdbFormatException {
        Random r = new Random(74);
        for (int round = 0; round < 200; round++) {
            HashValue h = new HashValue();
            h.enableExpiries();
            Map<String, Long> times = new HashMap<>();
            int n = 1 + r.nextInt(40);
            for (int i = 0; i < n; i++) {
                byte[] f = b(r.nextInt(4) == 0 ? Integer.toString(i) : "f" + i);
                h.set(f, element(r), 1000, r.nextBoolean() ? 1000 : 10);
                long when = r.nextBoolean() ? -1 : 1_700_000_000_000L + r.nextInt(100_000);
                if (when > 0) {
                    h.setExpireTime(f, 0, f.length, when);
                }
                times.put(new String(f, StandardCharsets.ISO_8859_1), when);
            }
            RdbOutput out = new RdbOutput(r.nextBoolean());
            RdbValues.write(out, h);
            byte[] bytes = out.toByteArray();
            boolean any = times.values().stream().anyMatch(t -> t > 0);
            int expectedType = h.isListpack() ? Rdb.TYPE_HASH_LISTPACK_EX : any ? Rdb.TYPE_HASH_METADATA : Rdb.TYPE_HASH;
            assertEquals(expectedType, bytes[0] & 0xff);
            RdbLoadSettings s = new RdbLoadSettings(-2, 0, r.nextInt(50), r.nextInt(100), 512, 128, 64, r.nextBoolean());
            HashValue back = (HashValue) read(bytes, s);
            assertEquals(digest(h), digest(back));
            assertEquals(h.size(), back.size());
            for (Map.Entry<String, Long> e : times.entrySet()) {
                byte[] f = e.getKey().getBytes(StandardCharsets.ISO_8859_1);
                assertEquals((long) e.getValue(), back.expireTime(f, 0, f.length), e.getKey());
            }
            if (back.isListpack() && h.isListpack()) {
                // the listpackex order (earliest time first) comes back as it was
                assertArrayEquals(h.listpack().toByteArray(), back.listpack().toByteArray());
            }
            boolean toDict = h.size() > s.hashMaxListpackEntries
                    || !h.isListpack() && longestOf(h) > s.hashMaxListpackValue;
            String expected = toDict ? "hashtable" : expectedType == Rdb.TYPE_HASH ? "listpack" : "listpackex";
            assertEquals(expected, encoding(back));
        }
    }

    private static long longestOf(HashValue h) {
        long[] max = {0};
        h.forEach((f, v) -> max[0] = Math.max(max[0], Math.max(f.stringLength(), v.stringLength())));
        return max[0];
    }

    // ------------------------------------------------------------------ streams Redis would refuse

    /** An empty stream (no nodes, no entries) followed by {@code groups}, as raw RDB bytes. */
    private static byte[] streamWith(java.util.function.Consumer<RdbOutput> groups) {
        RdbOutput out = new RdbOutput(false);
        out.writeByte(Rdb.TYPE_STREAM_LISTPACKS_2);
        out.writeLength(0);
        for (int i = 0; i < 8; i++) {
            out.writeLength(0);
        }
        groups.accept(out);
        return out.toByteArray();
    }

    private static void group(RdbOutput out, String name, int pending, String... consumers) {
        out.writeString(b(name));
        out.writeLength(0);
        out.writeLength(0);
        out.writeLength(-1); // entries read unknown: 9 bytes, as Redis writes it
        out.writeLength(pending);
        for (int i = 1; i <= pending; i++) {
            out.writeBigEndian(0, 8);
            out.writeBigEndian(i, 8);
            out.writeMillis(1_700_000_000_000L);
            out.writeLength(2);
        }
        out.writeLength(consumers.length);
        for (String c : consumers) {
            String[] parts = c.split(":");
            out.writeString(b(parts[0]));
            out.writeMillis(1_700_000_000_000L);
            out.writeLength(parts.length - 1);
            for (int i = 1; i < parts.length; i++) {
                out.writeBigEndian(0, 8);
                out.writeBigEndian(Long.parseLong(parts[i]), 8);
            }
        }
    }

    @Test
    void streamGroupsMustHoldTogether() throws RdbFormatException {
        RdbLoadSettings d = RdbLoadSettings.DEFAULTS;
        StreamValue ok = (StreamValue) read(streamWith(out -> {
            out.writeLength(1);
            group(out, "g", 2, "alice:1", "bob:2");
        }), d);
        assertEquals(1, ok.groupCount());
        StreamGroup g = ok.group(b("g"));
        assertEquals(StreamGroup.INVALID_ENTRIES_READ, g.entriesRead);
        assertEquals(2, g.pel().size());
        assertEquals(2, g.nack(new StreamId(0, 1)).deliveryCount);
        assertEquals("alice", new String(g.nack(new StreamId(0, 1)).consumer.name, StandardCharsets.UTF_8));
        assertEquals(ok.recountHeap(), ok.heapSize());
        // a pending entry nobody owns
        assertThrows(RdbFormatException.class, () -> read(streamWith(out -> {
            out.writeLength(1);
            group(out, "g", 2, "alice:1");
        }), d));
        // a consumer owning an entry the group does not have, or one owned twice
        assertThrows(RdbFormatException.class, () -> read(streamWith(out -> {
            out.writeLength(1);
            group(out, "g", 1, "alice:1:2");
        }), d));
        assertThrows(RdbFormatException.class, () -> read(streamWith(out -> {
            out.writeLength(1);
            group(out, "g", 1, "alice:1", "bob:1");
        }), d));
        // two groups of one name, two consumers of one name
        assertThrows(RdbFormatException.class, () -> read(streamWith(out -> {
            out.writeLength(2);
            group(out, "g", 0);
            group(out, "g", 0);
        }), d));
        assertThrows(RdbFormatException.class, () -> read(streamWith(out -> {
            out.writeLength(1);
            group(out, "g", 0, "alice", "alice");
        }), d));
        // a node key that is not 16 bytes
        RdbOutput bad = new RdbOutput(false);
        bad.writeByte(Rdb.TYPE_STREAM_LISTPACKS_2);
        bad.writeLength(1);
        bad.writeString(b("short"));
        assertThrows(RdbFormatException.class, () -> read(bad.toByteArray(), d));
    }

    // ------------------------------------------------------------------ refusals

    @Test
    void emptyCollectionsReadAsNothing() throws RdbFormatException {
        assertNull(read(new byte[] {(byte) Rdb.TYPE_LIST_QUICKLIST_2, 0}, RdbLoadSettings.DEFAULTS));
        assertNull(read(new byte[] {(byte) Rdb.TYPE_SET, 0}, RdbLoadSettings.DEFAULTS));
        assertNull(read(new byte[] {(byte) Rdb.TYPE_HASH, 0}, RdbLoadSettings.DEFAULTS));
        assertNull(read(new byte[] {(byte) Rdb.TYPE_ZSET_2, 0}, RdbLoadSettings.DEFAULTS));
        // an empty listpack hash
        assertNull(read(HexFormat.of().parseHex("10" + "07" + "07000000" + "0000" + "ff"), RdbLoadSettings.DEFAULTS));
    }

    @Test
    void duplicatesAndBadBlobsAreRefused() throws RdbFormatException {
        RdbLoadSettings d = RdbLoadSettings.DEFAULTS;
        // SET of "a", "a"
        assertThrows(RdbFormatException.class, () -> read(HexFormat.of().parseHex("0202016101" + "61"), d));
        // SET of 1, 1 (intset phase)
        assertThrows(RdbFormatException.class, () -> read(HexFormat.of().parseHex("0202c001c001"), d));
        // HASH with a field twice
        assertThrows(RdbFormatException.class, () -> read(HexFormat.of().parseHex("0402016101620161016301"), d));
        // ZSET_2 with a NaN score
        assertThrows(RdbFormatException.class,
                () -> read(HexFormat.of().parseHex("05010161" + "000000000000f87f"), d));
        // an intset whose size does not match its count
        assertThrows(RdbFormatException.class, () -> read(HexFormat.of().parseHex("0b0a02000000020000000100"), d));
        // a listpack whose header total is wrong
        assertThrows(RdbFormatException.class, () -> read(HexFormat.of().parseHex("10070800000000" + "00ff"), d));
        // a listpack hash of three entries, and (sanitizing at least) one with a field twice
        assertThrows(RdbFormatException.class, () -> read(HexFormat.of().parseHex("1010100000000300816602817602816102ff"), d));
        byte[] twice = HexFormat.of().parseHex("1013130000000400816102817602816102817702ff");
        assertThrows(RdbFormatException.class, () -> read(twice, d.withDeepSanitize(true)));
        // a quicklist node of an unknown container
        assertThrows(RdbFormatException.class, () -> read(HexFormat.of().parseHex("1201030161"), d));
        // truncated
        assertThrows(RdbFormatException.class, () -> read(HexFormat.of().parseHex("0005616263"), d));
    }

    @Test
    void allTypesConvertOnLoadAsRedisDoes() throws RdbFormatException {
        RdbLoadSettings small = new RdbLoadSettings(-2, 0, 2, 64, 2, 2, 64, false);
        SetValue set = SetValue.newIntset();
        for (int i = 0; i < 3; i++) {
            set.addInteger(i, 512);
        }
        assertEquals("hashtable", encoding(read(write(set, true), small)));
        HashValue h = new HashValue();
        for (int i = 0; i < 3; i++) {
            h.set(b("f" + i), b("v"), 128, 64);
        }
        assertEquals("hashtable", encoding(read(write(h, true), small)));
        // a listpack hash with a value longer than hash-max-listpack-value stays a listpack
        HashValue longValue = new HashValue();
        longValue.set(b("f"), b("v".repeat(100)), 128, 1000);
        assertEquals("listpack", encoding(read(write(longValue, true), RdbLoadSettings.DEFAULTS)));
        ZSetValue z = ZSetValue.newListpack();
        for (int i = 0; i < 3; i++) {
            z.add(i, b("m" + i), 0, 2, 0, 128, 64, null);
        }
        assertEquals("skiplist", encoding(read(write(z, true), small)));
        // hashtable set of integers small enough: an intset again
        SetValue ht = SetValue.newHashtable();
        ht.add(b("5"), 0, 1, 512);
        ht.add(b("-3"), 0, 2, 512);
        assertEquals("intset", encoding(read(write(ht, true), RdbLoadSettings.DEFAULTS)));
    }
}
