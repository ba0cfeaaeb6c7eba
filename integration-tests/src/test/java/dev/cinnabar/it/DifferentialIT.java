package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.Corpus;
import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.Replies;
import dev.cinnabar.it.support.ServerPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replays every script under {@code src/test/resources/differential} against a real
 * redis-server and against Cinnabar, and compares the raw reply bytes. Each script runs on fresh
 * connections after FLUSHALL, starting in database 0 with RESP2. The scripts in its
 * {@code debug/} folder run on a second pair started with {@code --enable-debug-command yes}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DifferentialIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair();
    /** For the scripts that use DEBUG, which the default enable-debug-command refuses. */
    @RegisterExtension
    static final ServerPair DEBUG_SERVERS = new ServerPair("--enable-debug-command", "yes");

    static List<Path> scripts() throws IOException {
        return scripts(corpusDir());
    }

    private static Path corpusDir() {
        return Path.of(System.getProperty("cinnabar.corpus", "src/test/resources/differential"));
    }

    private static List<Path> scripts(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".txt")).sorted().collect(Collectors.toList());
        }
    }

    @TestFactory
    Stream<DynamicTest> corpus() throws IOException {
        return scripts().stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> run(SERVERS, p)));
    }

    @TestFactory
    Stream<DynamicTest> debugCorpus() throws IOException {
        return scripts(corpusDir().resolve("debug")).stream()
                .map(p -> DynamicTest.dynamicTest("debug/" + p.getFileName(), () -> run(DEBUG_SERVERS, p)));
    }

    @Test
    void corpusCoversAtLeastThreeHundredCommands() throws IOException {
        int n = 0;
        for (Path p : scripts()) {
            for (Corpus.Line l : Corpus.parse(p)) {
                if (l.mode != Corpus.Mode.SLEEP) {
                    n++;
                }
            }
        }
        assertTrue(n >= 300, "the differential corpus has only " + n + " commands");
    }

    private void run(ServerPair servers, Path script) throws Exception {
        List<Corpus.Line> lines = Corpus.parse(script);
        try (RawConnection r = new RawConnection(servers.redis().port());
                RawConnection c = new RawConnection(servers.cinnabar().port())) {
            assertEquals(r.call("FLUSHALL"), c.call("FLUSHALL"));
            for (Corpus.Line line : lines) {
                if (line.mode == Corpus.Mode.SLEEP) {
                    Thread.sleep(line.sleepMillis);
                    continue;
                }
                String where = script.getFileName() + ":" + line.number + ": " + line.text;
                if (line.mode == Corpus.Mode.SCANALL) {
                    assertEquals(scanAll(r, line.args), scanAll(c, line.args), where);
                    continue;
                }
                String expected = call(r, line.args);
                String actual = call(c, line.args);
                switch (line.mode) {
                    case EXACT:
                        assertEquals(show(expected), show(actual), where);
                        break;
                    case SORTED:
                        assertEquals(sorted(expected), sorted(actual), where);
                        break;
                    case TYPE:
                        assertEquals(Replies.shape(expected), Replies.shape(actual), where + "\nredis:    " + show(expected)
                                + "\ncinnabar: " + show(actual));
                        break;
                    default:
                        break;
                }
            }
        }
    }

    private static String call(RawConnection conn, List<byte[]> args) throws IOException {
        conn.send(args.toArray(new byte[0][]));
        return conn.readReply();
    }

    /** Follows the cursor (argument 1) to the end; returns the sorted distinct elements seen. */
    private static List<String> scanAll(RawConnection conn, List<byte[]> args) throws IOException {
        List<byte[]> a = new ArrayList<>(args);
        java.util.TreeSet<String> seen = new java.util.TreeSet<>();
        int cursorIndex = a.get(0).length == 4 ? 1 : 2; // SCAN 0 ... or HSCAN/SSCAN/ZSCAN key 0 ...
        String cursor = "0";
        int rounds = 0;
        do {
            a.set(cursorIndex, cursor.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String reply = call(conn, a);
            List<String> parts = Replies.elements(reply);
            if (parts == null || parts.size() != 2) {
                return List.of(show(reply));
            }
            String c = parts.get(0);
            cursor = c.substring(c.indexOf("\r\n") + 2, c.length() - 2);
            List<String> items = Replies.elements(parts.get(1));
            seen.addAll(items);
            if (++rounds > 100_000) {
                throw new AssertionError("scan did not finish");
            }
        } while (!cursor.equals("0"));
        return new ArrayList<>(seen);
    }

    private static List<String> sorted(String reply) {
        List<String> parts = Replies.elements(reply);
        if (parts == null) {
            return List.of(show(reply));
        }
        List<String> s = new ArrayList<>(parts);
        Collections.sort(s);
        List<String> shown = new ArrayList<>();
        shown.add(Replies.shape(reply));
        for (String x : s) {
            shown.add(show(x));
        }
        return shown;
    }

    /** Makes CR and LF visible so a failed comparison shows exactly what differs. */
    static String show(String raw) {
        return raw.replace("\r", "\\r").replace("\n", "\\n");
    }
}
