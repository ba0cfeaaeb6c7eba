package dev.cinnabar.persistence.rdb;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
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
 * Issue 16's "bad input" for whole files: dumps saved by a redis-server 7.0.15 (every type, two
 * databases, expiries, LRU idle times or LFU counters, a function library, with and without
 * compression) and a version-9 file of the old value types, mutated as {@link RdbFuzzTest}
 * mutates payloads, 10,000 of them, each loaded with deep sanitization off and on, from memory
 * and from a stream. Loading either fails with an {@link RdbFileException} or hands over keys that
 * are usable as {@link RdbFuzzTest#use} checks; nothing else is thrown, no case hangs, and the
 * allocation stays proportional to the file.
 */
class RdbFileFuzzTest {
    private static final int CASES = Integer.getInteger("fuzz.files", 10_000);
    private static final long SEED = Long.getLong("fuzz.seed", 16);
    private static final long CASE_TIMEOUT_MS = 5_000;
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static ExecutorService worker;

    @BeforeAll
    static void start() {
        worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "rdb-file-fuzz");
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
        for (String name : new String[] {"seed-plain", "seed-lru", "seed-lfu"}) {
            // Kept as hex text: dumps (*.rdb) stay out of the repository.
            try (InputStream in = RdbFileFuzzTest.class.getResourceAsStream("/rdb/files/" + name + ".rdb.hex")) {
                String hex = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).replaceAll("\\s", "");
                out.add(java.util.HexFormat.of().parseHex(hex));
            }
        }
        out.add(legacyFile());
        return out;
    }

    /** A version-9 file holding every old-type value of legacy-cases.tsv that Redis accepts. */
    static byte[] legacyFile() throws IOException {
        RdbOutput out = new RdbOutput(false);
        byte[] magic = "REDIS0009".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.writeBytes(magic, 0, magic.length);
        out.writeByte(Rdb.OPCODE_SELECTDB);
        out.writeLength(0);
        int i = 0;
        for (String[] row : LegacyRdbValuesTest.cases()) {
            if (!row[1].equals("DEFAULTS") || row[3].equals("ERR")) {
                continue;
            }
            byte[] value = HexFormat.of().parseHex(row[2]);
            out.writeByte(value[0] & 0xff);
            out.writeString(("k" + i++).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.writeBytes(value, 1, value.length - 1);
        }
        out.writeByte(Rdb.OPCODE_EOF);
        out.writeLittleEndian(out.crc(), 8);
        return out.toByteArray();
    }

    /** Collects nothing but checks every key as it arrives. */
    static final class Checker implements RdbFileReader.Handler {
        final RdbLoadSettings settings;
        String problem;
        int keys;

        Checker(RdbLoadSettings settings) {
            this.settings = settings;
        }

        @Override
        public void selectDb(long db) throws RdbFileException {
            if (db < 0 || db >= 16) {
                throw new RdbFileException(RdbFileException.Kind.TOO_MANY_DBS, "FATAL: Data file was created with a Redis "
                    + "server configured to handle more than 16 databases. Exiting", 0);
            }
        }

        @Override
        public void function(byte[] code) {
        }

        @Override
        public void key(byte[] key, Object value, long expireAt, long idleSeconds, int lfuFreq) {
            keys++;
            if (problem != null) {
                return;
            }
            try {
                problem = RdbFuzzTest.use(value, settings);
            } catch (Throwable t) {
                problem = "using a loaded value threw " + t;
            }
        }
    }

    @Test
    void theSeedFilesLoad() throws Exception {
        for (byte[] file : seeds()) {
            Checker c = new Checker(RdbLoadSettings.DEFAULTS.withDeepSanitize(true));
            new RdbFileReader(new RdbInput(file), c.settings, c, true, 0).read();
            assertNull(c.problem);
            assertTrue(c.keys > 10);
        }
    }

    @Test
    void mutatedFilesAreRefusedOrUsable() throws Exception {
        List<byte[]> seeds = seeds();
        Random rnd = new Random(SEED);
        List<String> failures = new ArrayList<>();
        long loaded = 0;
        for (int i = 0; i < CASES && failures.size() < 10; i++) {
            byte[] m = RdbFuzzTest.mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
            boolean stream = rnd.nextBoolean();
            for (boolean deep : new boolean[] {false, true}) {
                RdbLoadSettings s = RdbLoadSettings.DEFAULTS.withDeepSanitize(deep);
                Future<String> f = worker.submit(() -> check(m, s, stream));
                String problem;
                try {
                    problem = f.get(CASE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    f.cancel(true);
                    problem = "no answer within " + CASE_TIMEOUT_MS + " ms";
                    worker.shutdownNow();
                    start();
                }
                if (problem == null) {
                    continue;
                }
                if (problem.equals("loaded")) {
                    loaded++;
                    continue;
                }
                String hex = HexFormat.of().formatHex(m);
                failures.add("case " + i + (deep ? " deep" : "") + (stream ? " stream" : "") + ": " + problem
                    + "\n  file " + (hex.length() > 400 ? hex.substring(0, 400) + "... (" + m.length + " bytes)" : hex));
            }
        }
        assertEquals("", String.join("\n", failures));
        // CRC checks are off, so a fair share of mutants still loads to the end.
        assertTrue(loaded > CASES / 50, "only " + loaded + " files loaded");
        System.out.println("RdbFileFuzzTest: " + 2L * CASES + " loads, " + loaded + " to the end");
    }

    /** "loaded" when the file loaded to its end, null when refused cleanly, else the problem. */
    static String check(byte[] m, RdbLoadSettings s, boolean stream) {
        long thread = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(thread);
        Checker c = new Checker(s);
        RdbInput in = stream ? new RdbInput(new ByteArrayInputStream(m)) : new RdbInput(m);
        boolean loaded;
        try {
            new RdbFileReader(in, s, c, false, 0).read();
            loaded = true;
        } catch (RdbFileException e) {
            loaded = false;
        } catch (Throwable t) {
            StringBuilder b = new StringBuilder("loading threw " + t);
            StackTraceElement[] st = t.getStackTrace();
            for (int i = 0; i < Math.min(8, st.length); i++) {
                b.append("\n    at ").append(st[i]);
            }
            return b.toString();
        }
        if (c.problem != null) {
            return c.problem;
        }
        long allocated = THREADS.getThreadAllocatedBytes(thread) - before;
        // The stream reader's 64 KB buffer, the values and their checks, per byte of file.
        long bound = (16L << 20) + 2000L * m.length;
        if (allocated > bound) {
            return "loading allocated " + allocated + " bytes for a file of " + m.length;
        }
        return loaded ? "loaded" : null;
    }
}
