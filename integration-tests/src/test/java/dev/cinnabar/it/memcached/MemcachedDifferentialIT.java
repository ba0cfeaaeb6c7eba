package dev.cinnabar.it.memcached;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Replays every script under {@code src/test/resources/memcached} against a real memcached 1.6
 * ({@code -t 1 -U 0}) and against Cinnabar's memcached listener, on fresh connections to both, and
 * compares the normalised replies group by group. The script syntax (text lines, data blocks,
 * meta commands, binary frames, connections, sleeps) and the normalisation (CAS numbers by order
 * of appearance, stats values, versions, meta's ttl and last-access seconds within 1) are
 * described in {@link McScript} and in the corpus folder's README.md, with the folders
 * ({@code auth/}, {@code item-size-2m/}) and the differences left out on purpose. A script's failure lists every group that differed, not only
 * the first. Scripts are written against memcached first: its replies are the truth.
 *
 * <p>By hand, while writing a script: {@code java -cp target/test-classes
 * dev.cinnabar.it.memcached.McScript show <memcached port> <script>} prints what a server answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemcachedDifferentialIT {
    private ServerProcess memcached;
    private McServers.Cinnabar cinnabar;
    /** For the scripts in auth/: memcached -Y with the user "user" and password "secret", Cinnabar --requirepass secret. */
    private ServerProcess authMemcached;
    private McServers.Cinnabar authCinnabar;

    @BeforeAll
    void start() throws IOException {
        memcached = McServers.memcached("-t", "1");
        cinnabar = McServers.cinnabar();
        Path authFile = Files.createTempFile("memcached-auth", ".txt");
        Files.writeString(authFile, "user:secret\n");
        authMemcached = McServers.memcached("-t", "1", "-Y", authFile.toString());
        authCinnabar = McServers.cinnabar("--requirepass", "secret");
    }

    @AfterAll
    void stop() {
        for (AutoCloseable s : new AutoCloseable[] {memcached, cinnabar, authMemcached, authCinnabar}) {
            try {
                if (s != null) {
                    s.close();
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    static Path corpusDir() {
        return Path.of(System.getProperty("cinnabar.memcached.corpus", "src/test/resources/memcached"));
    }

    static List<Path> scripts() throws IOException {
        return scripts(corpusDir());
    }

    static List<Path> scripts(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".txt")).sorted().collect(Collectors.toList());
        }
    }

    @TestFactory
    Stream<DynamicTest> corpus() throws IOException {
        return scripts().stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(),
                () -> replay(p, memcached.port(), cinnabar.memcachedPort)));
    }

    /** The scripts in item-size-2m/, on memcached -I 2m and Cinnabar --memcached-max-item-size 2mb, started for them. */
    @TestFactory
    Stream<DynamicTest> itemSizeCorpus() throws IOException {
        return scripts(corpusDir().resolve("item-size-2m")).stream().map(p -> DynamicTest.dynamicTest(
                "item-size-2m/" + p.getFileName(), () -> {
                    try (ServerProcess m = McServers.memcached("-t", "1", "-I", "2m");
                            McServers.Cinnabar c = McServers.cinnabar("--memcached-max-item-size", "2mb")) {
                        replay(p, m.port(), c.memcachedPort);
                    }
                }));
    }

    @TestFactory
    Stream<DynamicTest> authCorpus() throws IOException {
        return scripts(corpusDir().resolve("auth")).stream().map(p -> DynamicTest.dynamicTest("auth/" + p.getFileName(),
                () -> replay(p, authMemcached.port(), authCinnabar.memcachedPort)));
    }

    private static void replay(Path p, int memcachedPort, int cinnabarPort) throws Exception {
        List<McScript.Mismatch> diffs = McScript.compare(p.getFileName().toString(), McScript.parse(p), memcachedPort,
                cinnabarPort);
        assertTrue(diffs.isEmpty(), diffs.size() + " groups differ:\n"
                + diffs.stream().map(Object::toString).collect(Collectors.joining("\n")));
    }

    /**
     * The names of the fields each stats group reports (the corpus compares only the shape): every
     * name memcached lists, Cinnabar lists too (numbers in names, such as slab classes and
     * connection ids, count as one). Left out: extstore's ext_*, TLS's ssl_* and -e's memory_file.
     */
    @Test
    void statsReportMemcachedsFieldNames() throws Exception {
        for (String sub : new String[] {"", "settings", "slabs", "items", "conns", "sizes"}) {
            java.util.TreeSet<String> missing = new java.util.TreeSet<>(statNames(memcached.port(), sub));
            missing.removeAll(statNames(cinnabar.memcachedPort, sub));
            missing.removeIf(n -> n.startsWith("ext_") || n.startsWith("ssl_") || n.equals("memory_file"));
            assertTrue(missing.isEmpty(), "stats " + sub + " lacks " + missing);
        }
    }

    /**
     * The counters memcached's stats report and exporters graph, compared after the same commands.
     * Not get_flushed: memcached counts reads of items it still holds after a flush, which Cinnabar
     * removes at once (such a read is a plain miss there).
     */
    static final List<String> COUNTERS = List.of("cmd_get", "cmd_set", "cmd_flush", "cmd_touch", "get_hits", "get_misses",
            "get_expired", "delete_misses", "delete_hits", "incr_misses", "incr_hits", "decr_misses",
            "decr_hits", "cas_misses", "cas_hits", "cas_badval", "touch_hits", "touch_misses", "curr_items",
            "total_items", "auth_cmds", "auth_errors");

    /**
     * The whole corpus replayed on a fresh memcached and a fresh Cinnabar (no other client on
     * them), then their counters compared one by one.
     */
    @Test
    void countersAgreeAfterTheCorpus() throws Exception {
        try (ServerProcess m = McServers.memcached("-t", "1"); McServers.Cinnabar c = McServers.cinnabar()) {
            java.util.Map<String, String> firstSeen = new java.util.TreeMap<>();
            for (Path p : scripts()) {
                McScript.compare(p.getFileName().toString(), McScript.parse(p), m.port(), c.memcachedPort);
                java.util.Map<String, String> e = MemcachedServerIT.stats(m.port(), "");
                java.util.Map<String, String> a = MemcachedServerIT.stats(c.memcachedPort, "");
                for (String k : COUNTERS) {
                    if (!java.util.Objects.equals(e.get(k), a.get(k))) {
                        firstSeen.putIfAbsent(k, p.getFileName() + " (memcached " + e.get(k) + ", cinnabar " + a.get(k) + ")");
                    }
                }
            }
            java.util.Map<String, String> expected = MemcachedServerIT.stats(m.port(), "");
            java.util.Map<String, String> actual = MemcachedServerIT.stats(c.memcachedPort, "");
            List<String> differ = new java.util.ArrayList<>();
            for (String k : COUNTERS) {
                if (!java.util.Objects.equals(expected.get(k), actual.get(k))) {
                    differ.add(k + " memcached " + expected.get(k) + " cinnabar " + actual.get(k) + ", first after "
                            + firstSeen.get(k));
                }
            }
            assertTrue(differ.isEmpty(), "counters differ: " + differ);
        }
    }

    private static java.util.Set<String> statNames(int port, String sub) throws IOException {
        java.util.Set<String> names = new java.util.TreeSet<>();
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(15_000);
            s.getOutputStream().write(("set statnames 0 0 1\r\nx\r\nstats " + sub + "\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(s.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
            String line;
            while ((line = in.readLine()) != null && !line.equals("END")) {
                if (line.startsWith("STAT ")) {
                    names.add(line.split(" ")[1].replaceAll("\\d+", "N"));
                }
            }
        }
        return names;
    }

    @Test
    void corpusHasHundredsOfLines() throws IOException {
        int n = 0;
        for (Path p : scripts()) {
            n += McScript.lineCount(McScript.parse(p));
        }
        assertTrue(n >= 500, "the memcached corpus has only " + n + " lines");
    }
}
