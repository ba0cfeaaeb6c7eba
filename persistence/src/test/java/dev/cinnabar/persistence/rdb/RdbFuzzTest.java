package dev.cinnabar.persistence.rdb;

import static org.junit.jupiter.api.Assertions.*;

import dev.cinnabar.datatypes.Listpack;
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
import dev.cinnabar.datatypes.value.ValueType;
import dev.cinnabar.datatypes.value.ValueTypes;
import dev.cinnabar.datatypes.value.ZSetValue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's "bad input": valid payloads of every type and encoding (DUMPs of a redis-server
 * 7.0.15, and the old types of {@code legacy-cases.tsv}) mutated at random (bits flipped, bytes
 * set, truncated, bytes inserted or deleted, lengths and counts made huge, slices copied over
 * others), 50,000 of them, each read with deep sanitization off and on (100,000 cases). For
 * each: only {@link RdbFormatException} may come out of {@link RdbValues#read}; no case runs
 * longer than a few seconds; reading allocates no more than a bound proportional to the input;
 * and a value that reads is usable: iterated both ways, digested, duplicated, sized, written
 * with {@link RdbValues#write} and read back to the same digest. {@link DumpPayload#parse} of the
 * same bytes refuses them with a format error, never a runtime one.
 *
 * <p>The seed is fixed for a repeatable build; {@code -Dfuzz.seed=N} and {@code -Dfuzz.cases=N}
 * explore further.
 */
class RdbFuzzTest {
    private static final int CASES = Integer.getInteger("fuzz.cases", 50_000);
    private static final long SEED = Long.getLong("fuzz.seed", 16);
    private static final long CASE_TIMEOUT_MS = 5_000;

    private static final RdbLoadSettings SMALL = new RdbLoadSettings(2, 1, 1, 1, 4, 1, 1, false);

    private static ExecutorService worker;
    /** Cases that read into a value (and were then used): the fuzzing reaches past the first checks. */
    private static final java.util.concurrent.atomic.AtomicLong accepted = new java.util.concurrent.atomic.AtomicLong();
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @BeforeAll
    static void start() {
        worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "rdb-fuzz");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stop() {
        worker.shutdownNow();
    }

    static List<byte[]> seeds() throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (String[] row : rows("/rdb/fuzz-seeds.tsv")) {
            out.add(HexFormat.of().parseHex(row[2]));
        }
        for (String[] row : rows("/rdb/legacy-cases.tsv")) {
            if (!row[3].equals("ERR")) {
                out.add(HexFormat.of().parseHex(row[2]));
            }
        }
        return out;
    }

    private static List<String[]> rows(String resource) throws IOException {
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                RdbFuzzTest.class.getResourceAsStream(resource), StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    rows.add(line.split("\t"));
                }
            }
        }
        return rows;
    }

    @Test
    void theSeedsReadAndSurviveUse() throws Exception {
        for (byte[] seed : seeds()) {
            for (boolean deep : new boolean[] {false, true}) {
                RdbLoadSettings s = RdbLoadSettings.DEFAULTS.withDeepSanitize(deep);
                RdbInput in = new RdbInput(seed);
                Object v = RdbValues.read(in, in.readType(), s);
                assertNotNull(v);
                assertNull(use(v, s), HexFormat.of().formatHex(seed));
            }
        }
    }

    @Test
    void mutatedPayloadsAreRefusedOrUsable() throws Exception {
        List<byte[]> seeds = seeds();
        Random rnd = new Random(SEED);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < CASES && failures.size() < 10; i++) {
            byte[] m = mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
            RdbLoadSettings base = rnd.nextInt(3) == 0 ? SMALL : RdbLoadSettings.DEFAULTS;
            for (boolean deep : new boolean[] {false, true}) {
                RdbLoadSettings s = base.withDeepSanitize(deep);
                Future<String> f = worker.submit(() -> check(m, s));
                String problem;
                try {
                    problem = f.get(CASE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    f.cancel(true);
                    problem = "no answer within " + CASE_TIMEOUT_MS + " ms";
                    worker.shutdownNow();
                    start();
                }
                if (problem != null) {
                    String hex = HexFormat.of().formatHex(m);
                    failures.add("case " + i + (deep ? " deep" : "") + ": " + problem + "\n  payload "
                        + (hex.length() > 400 ? hex.substring(0, 400) + "... (" + m.length + " bytes)" : hex));
                }
            }
        }
        assertEquals("", String.join("\n", failures));
        // About a tenth of the mutants still read: the checks after the first bytes are reached.
        assertTrue(accepted.get() > CASES / 50, "only " + accepted.get() + " cases read into a value");
        System.out.println("RdbFuzzTest: " + 2L * CASES + " cases, " + accepted.get() + " read into a value");
    }

    /** Reads {@code m}; null when it was refused cleanly or read into a usable value. */
    static String check(byte[] m, RdbLoadSettings s) {
        long thread = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(thread);
        Object v;
        try {
            RdbInput in = new RdbInput(m);
            v = RdbValues.read(in, in.readType(), s);
        } catch (RdbFormatException e) {
            v = null;
        } catch (Throwable t) {
            return "read threw " + describe(t);
        }
        long allocated = THREADS.getThreadAllocatedBytes(thread) - before;
        long bound = (16L << 20) + 200L * m.length;
        if (allocated > bound) {
            return "reading allocated " + allocated + " bytes for a payload of " + m.length;
        }
        byte[] withTrailer = Arrays.copyOf(m, m.length + 10);
        withTrailer[m.length] = Rdb.VERSION;
        try {
            DumpPayload.parse(withTrailer, s, false);
        } catch (DumpPayload.Invalid e) {
            if (e.getCause() != null && !(e.getCause() instanceof RdbFormatException)) {
                return "DumpPayload.parse hid " + describe(e.getCause());
            }
        } catch (Throwable t) {
            return "DumpPayload.parse threw " + describe(t);
        }
        if (v == null) {
            return null;
        }
        accepted.incrementAndGet();
        try {
            return use(v, s);
        } catch (Throwable t) {
            return "using the value threw " + describe(t);
        }
    }

    private static String describe(Throwable t) {
        StringBuilder b = new StringBuilder(t.toString());
        StackTraceElement[] st = t.getStackTrace();
        for (int i = 0; i < Math.min(8, st.length); i++) {
            b.append("\n    at ").append(st[i]);
        }
        return b.toString();
    }

    /** Everything a command could do to read the value; null when all went well. */
    static String use(Object v, RdbLoadSettings s) throws RdbFormatException {
        ValueType t = ValueTypes.of(v);
        t.encoding(v);
        t.heapSize(v);
        t.serializedLength(v, false);
        t.serializedLength(v, true);
        String digest = LegacyRdbValuesTest.digest(v);
        if (!digest.equals(LegacyRdbValuesTest.digest(t.duplicate(v)))) {
            return "the duplicate's digest differs";
        }
        String walk = walk(v);
        if (walk != null) {
            return walk;
        }
        for (boolean compression : new boolean[] {false, true}) {
            RdbOutput out = new RdbOutput(compression);
            RdbValues.write(out, v);
            RdbInput in = new RdbInput(out.toByteArray());
            Object back;
            try {
                back = RdbValues.read(in, in.readType(), s);
            } catch (RdbFormatException e) {
                return "written back, it does not read: " + e.getMessage();
            }
            if (back == null || !digest.equals(LegacyRdbValuesTest.digest(back))) {
                return "written back, it reads as another value";
            }
        }
        Object copy = t.duplicate(v);
        change(copy);
        LegacyRdbValuesTest.digest(copy);
        return walk(copy);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes as commands make them, crossing the encoding conversions. */
    private static void change(Object v) {
        if (v instanceof ListValue) {
            ListValue l = (ListValue) v;
            l.push(b("head"), true);
            l.push(b("12345"), false);
            l.get(l.size() / 2);
            l.replace(l.size() / 2, b("middle"));
            l.pop(true);
            l.pop(false);
            l.deleteRange(0, 1);
        } else if (v instanceof SetValue) {
            SetValue set = (SetValue) v;
            set.add(b("-7"), 0, 2, 512);
            set.contains(b("1"), 0, 1);
            set.remove(b("1"), 0, 1);
            set.add(b("member"), 0, 6, 512);
            set.remove(b("member"), 0, 6);
        } else if (v instanceof HashValue) {
            HashValue h = (HashValue) v;
            h.set(b("f"), b("v"), 512, 64);
            h.get(b("a"));
            h.delete(b("a"), 0, 1);
            h.convertToDict();
            h.set(b("g"), b("w"), 512, 64);
        } else if (v instanceof ZSetValue) {
            ZSetValue z = (ZSetValue) v;
            z.add(2.5, b("m1"), 0, 128, 64, null);
            z.add(1, b("new"), ZSetValue.INCR, 128, 64, null);
            z.remove(b("m2"));
            z.rank(b("m3"), 0, 2, false);
            z.convertToSkiplist();
            z.add(-1, b("m1"), 0, 128, 64, null);
            z.remove(b("new"));
        } else if (v instanceof StreamValue) {
            StreamValue st = (StreamValue) v;
            StreamId last = st.lastValidId();
            long ms = Math.max(last.ms, st.lastMs);
            if (ms < Long.MAX_VALUE - 2) {
                st.append(ms + 1, 0, new byte[][] {b("f"), b("v")}, 0, 1, 4096, 100);
                st.lastMs = ms + 1;
                st.lastSeq = 0;
                st.length++;
            }
            StreamId first = st.edgeId(true, true);
            st.delete(first.ms, first.seq);
            st.trim(StreamValue.TRIM_MAXLEN, 1, 0, 0, false, 0);
        }
    }

    private static String walk(Object v) {
        Listpack.Entry a = new Listpack.Entry();
        Listpack.Entry b = new Listpack.Entry();
        if (v instanceof ListValue) {
            ListValue l = (ListValue) v;
            long n = l.toList().size();
            long back = 0;
            try (Quicklist.Cursor c = l.cursor(false)) {
                while (c.next()) {
                    c.value();
                    back++;
                }
            }
            return n == l.size() && back == n ? null : "the list walks to " + n + "/" + back + " of " + l.size();
        }
        if (v instanceof SetValue) {
            SetValue set = (SetValue) v;
            long[] n = {0};
            set.forEach(m -> n[0]++);
            return n[0] == set.size() ? null : "the set walks to " + n[0] + " of " + set.size();
        }
        if (v instanceof HashValue) {
            HashValue h = (HashValue) v;
            long[] n = {0};
            h.forEach((f, val) -> {
                f.toBytes();
                val.toBytes();
                n[0]++;
            });
            return n[0] == h.size() ? null : "the hash walks to " + n[0] + " of " + h.size();
        }
        if (v instanceof ZSetValue) {
            ZSetValue z = (ZSetValue) v;
            long[] n = {0, 0};
            z.forEach((m, score) -> n[0]++);
            z.forEachReverse((m, score) -> n[1]++);
            z.rangeByRank(0, z.size() - 1, true, (m, score) -> m.toBytes());
            return n[0] == z.size() && n[1] == z.size() ? null : "the zset walks to " + n[0] + "/" + n[1] + " of " + z.size();
        }
        if (v instanceof StreamValue) {
            StreamValue st = (StreamValue) v;
            for (boolean rev : new boolean[] {false, true}) {
                for (boolean tombstones : new boolean[] {false, true}) {
                    StreamCursor c = new StreamCursor().start(st.index(), rev);
                    c.skipTombstones = !tombstones;
                    while (c.next()) {
                        for (int i = 0; i < c.fields; i++) {
                            c.field(a, b);
                            a.toBytes();
                            b.toBytes();
                        }
                    }
                }
            }
            st.edgeId(true, true);
            st.edgeId(false, false);
            st.lastValidId();
            for (StreamGroup g : st.groups().values()) {
                st.lag(g);
                for (StreamNack n : g.pel().values()) {
                    if (n.consumer == null) {
                        return "a pending entry without a consumer";
                    }
                }
                for (StreamConsumer c : g.consumers().values()) {
                    c.pending();
                }
            }
            return null;
        }
        return null;
    }

    // ------------------------------------------------------------------ mutations

    static byte[] mutate(byte[] seed, Random rnd) {
        byte[] m = seed.clone();
        int count = 1 + rnd.nextInt(3);
        for (int k = 0; k < count && m.length > 1; k++) {
            int p = rnd.nextInt(m.length);
            switch (rnd.nextInt(9)) {
                case 0 -> m[p] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> m[p] = (byte) rnd.nextInt(256);
                case 2 -> m = Arrays.copyOf(m, 1 + rnd.nextInt(m.length));
                case 3 -> {
                    byte[] ins = new byte[1 + rnd.nextInt(8)];
                    rnd.nextBytes(ins);
                    m = splice(m, p, 0, ins);
                }
                case 4 -> m = splice(m, p, Math.min(1 + rnd.nextInt(8), m.length - p), new byte[0]);
                case 5 -> {
                    // An RDB length made huge where one may be.
                    byte[][] lengths = {{(byte) 0x80, -1, -1, -1, -1}, {(byte) 0x81, 0x7f, -1, -1, -1, -1, -1, -1, -1},
                        {(byte) 0x81, -1, -1, -1, -1, -1, -1, -1, -1}, {(byte) 0xbf, -1}, {0x3f}, {(byte) 0x80, 0x10, 0, 0, 0}};
                    byte[] len = lengths[rnd.nextInt(lengths.length)];
                    m = splice(m, p, Math.min(rnd.nextInt(3), m.length - p), len);
                }
                case 6 -> {
                    // A blob's 16- or 32-bit header field (size, count, tail, encoding) made huge.
                    int w = rnd.nextBoolean() ? 2 : 4;
                    for (int i = 0; i < w && p + i < m.length; i++) {
                        m[p + i] = (byte) (i == w - 1 ? rnd.nextInt(256) : 0xff);
                    }
                }
                case 7 -> {
                    int len = 1 + rnd.nextInt(Math.min(32, m.length));
                    int from = rnd.nextInt(m.length - len + 1);
                    int to = rnd.nextInt(m.length - len + 1);
                    System.arraycopy(m.clone(), from, m, to, len);
                }
                default -> {
                    int q = rnd.nextInt(m.length);
                    byte x = m[p];
                    m[p] = m[q];
                    m[q] = x;
                }
            }
        }
        return m;
    }

    private static byte[] splice(byte[] m, int at, int remove, byte[] insert) {
        byte[] out = new byte[m.length - remove + insert.length];
        System.arraycopy(m, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(m, at + remove, out, at + insert.length, m.length - at - remove);
        return out;
    }
}
