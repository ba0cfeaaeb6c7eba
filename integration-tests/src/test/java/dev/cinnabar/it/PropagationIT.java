package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.CinnabarPropagation;
import dev.cinnabar.it.support.PropagationDiff;
import dev.cinnabar.it.support.PropagationScenario;
import dev.cinnabar.it.support.PropagationSubject;
import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.RedisPropagation;
import dev.cinnabar.it.support.ReplicationStream;
import dev.cinnabar.it.support.Replies;
import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What Cinnabar propagates to replicas and the AOF, compared with what Redis sends on its
 * replication stream: every scenario under {@code src/test/resources/propagation} runs against a
 * real redis-server, read through {@link ReplicationStream}, and against Cinnabar's engine with a
 * recording sink ({@link #candidate()}), and the two streams must be the same command for
 * command (clock times within a tolerance, see {@link PropagationDiff}). Each scenario runs a
 * third time against the Cinnabar JAR, read through the same {@link ReplicationStream} as
 * Redis: what a real replica of Cinnabar is sent must be Redis's stream too. The reader and the
 * comparator are checked here too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PropagationIT {
    private static final long TIMEOUT = 10_000;

    private ServerProcess redis;
    private RedisPropagation reference;
    private CinnabarPropagation cinnabar;
    private ServerProcess jar;
    private RedisPropagation jarStream;

    @BeforeAll
    void start() throws IOException {
        redis = ServerProcess.redis("--enable-debug-command", "yes");
        reference = new RedisPropagation(redis.port());
        jar = ServerProcess.cinnabar("--save", "", "--enable-debug-command", "yes");
        jarStream = new RedisPropagation(jar.port());
    }

    @AfterAll
    void stop() throws IOException {
        if (reference != null) {
            reference.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (jarStream != null) {
            jarStream.close();
        }
        if (jar != null) {
            jar.close();
        }
    }

    /**
     * The implementation whose propagation is compared with Redis's, scenario by scenario:
     * Cinnabar's engine with a recording sink. With {@code -Dcinnabar.propagation.candidate=redis}
     * it is Redis again: each scenario then runs twice, which checks that the scenarios are
     * deterministic and that the comparator forgives only clock times.
     */
    PropagationSubject candidate() {
        if ("redis".equals(System.getProperty("cinnabar.propagation.candidate"))) {
            return reference;
        }
        if (cinnabar == null) {
            cinnabar = new CinnabarPropagation();
        }
        return cinnabar;
    }

    static List<PropagationScenario> scenarios() throws IOException {
        return PropagationScenario.load(Path.of(System.getProperty("cinnabar.propagation", "src/test/resources/propagation")));
    }

    @TestFactory
    Stream<DynamicTest> corpus() throws IOException {
        String record = System.getProperty("cinnabar.propagation.record");
        if (record != null) {
            Files.writeString(Path.of(record), "");
        }
        return scenarios().stream().map(s -> DynamicTest.dynamicTest(s.name, () -> {
            long started = System.currentTimeMillis();
            List<List<byte[]>> expected = reference.run(s);
            List<String> replies = reference.lastReplies();
            if (record != null) {
                Files.writeString(Path.of(record), record(s, replies, expected, started), java.nio.file.StandardOpenOption.APPEND);
            }
            List<List<byte[]>> actual = candidate().run(s);
            try {
                PropagationDiff.now().assertSame(s, "redis", expected, "candidate", actual);
                if (candidate() == cinnabar) {
                    assertEquals(reference.lastChanges(), cinnabar.lastChanges(),
                            s.where() + ": rdb_changes_since_last_save after the scenario");
                    PropagationDiff.now().assertSame(s, "redis", expected, "cinnabar's replication stream", jarStream.run(s));
                }
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "redis's replies:\n" + replies.stream()
                        .map(r -> "  " + r.strip().replace("\r\n", " ")).collect(Collectors.joining("\n")), e);
            }
        }));
    }

    /**
     * With {@code -Dcinnabar.propagation.record=FILE}, what Redis propagated for each scenario is
     * written there, compactly: the steps with Redis's replies ({@code ·} between them), then
     * {@code =>} and the stream ({@code ;} between commands), clock times shown as an offset in
     * seconds from the scenario's start ({@code PXAT <now+100s>}). README.md's record is made so.
     */
    private static String record(PropagationScenario s, List<String> replies, List<List<byte[]>> stream, long started) {
        List<String> steps = new ArrayList<>();
        for (int i = 0; i < s.steps.size(); i++) {
            PropagationScenario.Step step = s.steps.get(i);
            steps.add(step.kind == PropagationScenario.Kind.COMMAND ? step.text + " -> " + showReply(replies.get(i)) : step.text);
        }
        List<String> cmds = new ArrayList<>();
        for (List<byte[]> cmd : stream) {
            List<byte[]> shown = new ArrayList<>(cmd);
            for (int i = 2; i < shown.size(); i++) {
                String v = new String(shown.get(i), StandardCharsets.US_ASCII);
                if (v.matches("\\d{12,14}") && Math.abs(Long.parseLong(v) - started) < 366L * 86400 * 1000) {
                    shown.set(i, String.format("<now%+ds>", Math.round((Long.parseLong(v) - started) / 1000.0)).getBytes(StandardCharsets.US_ASCII));
                }
            }
            cmds.add(PropagationDiff.render(shown));
        }
        return "== " + s.name + " (" + s.where() + (s.anyOrder ? ", any order" : "") + ")\n"
                + wrap(steps, " · ", "   ") + wrap(cmds.isEmpty() ? List.of("(nothing)") : cmds, " ; ", "=> ") + "\n";
    }

    /** Items joined by {@code sep} on lines of about 100 characters, the first prefixed. */
    private static String wrap(List<String> items, String sep, String first) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder(first);
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i) + (i + 1 < items.size() ? sep.stripTrailing() : "");
            if (line.length() > 3 && line.length() + item.length() > 100) {
                out.append(line.toString().stripTrailing()).append('\n');
                line = new StringBuilder("   ");
            }
            line.append(item).append(' ');
        }
        return out.append(line.toString().stripTrailing()).append('\n').toString();
    }

    /** A RESP2 reply as redis-cli would show it, on one line. */
    private static String showReply(String raw) {
        switch (raw.charAt(0)) {
            case '+':
                return raw.substring(1).strip();
            case '-':
                return "(error) " + raw.substring(1).strip();
            case ':':
                return "(integer) " + raw.substring(1).strip();
            case '$':
                return raw.startsWith("$-1") ? "(nil)"
                        : PropagationDiff.render(List.of(raw.substring(raw.indexOf("\r\n") + 2, raw.length() - 2).getBytes(StandardCharsets.ISO_8859_1)));
            case '*':
                return "[" + Replies.elements(raw).stream().map(PropagationIT::showReply).collect(Collectors.joining(", ")) + "]";
            default:
                return raw.strip();
        }
    }

    /**
     * Write commands the reference, Redis 7.0, does not have (hash field expiration, from Redis
     * 7.4 and 8.0): a scenario could only show an error there. Their propagation is tested in
     * process instead (HashTtlCommandsTest in server, with a recording sink).
     */
    private static final Set<String> NOT_IN_REDIS_7_0 = Set.of(
            "hexpire", "hpexpire", "hexpireat", "hpexpireat", "hpersist", "hgetex", "hsetex", "hgetdel");

    /** Every command Cinnabar marks write or may_replicate appears in some scenario. */
    @Test
    void corpusCoversEveryWriteCommand() throws IOException {
        Set<String> used = new TreeSet<>();
        for (PropagationScenario s : scenarios()) {
            for (List<byte[]> cmd : s.commands()) {
                used.add(new String(cmd.get(0), StandardCharsets.UTF_8).toLowerCase());
            }
        }
        Set<String> writes = cinnabarWriteCommands();
        assertTrue(writes.size() >= 30, "found only " + writes + " in Cinnabar's command metadata");
        writes.removeAll(NOT_IN_REDIS_7_0);
        Set<String> missing = new TreeSet<>(writes);
        missing.removeAll(used);
        assertEquals(Set.of(), missing, "write commands no propagation scenario uses");
    }

    /** Top-level commands flagged write or may_replicate in server/src/main/resources/commands. */
    private static Set<String> cinnabarWriteCommands() throws IOException {
        Path dir = Path.of(System.getProperty("cinnabar.commands", "../server/src/main/resources/commands"));
        Pattern command = Pattern.compile("(?m)^    \"name\": \"([^\"]+)\",\\s*\"arity\": -?\\d+,\\s*\"flags\": \\[([^\\]]*)\\]");
        Set<String> out = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).collect(Collectors.toList())) {
                Matcher m = command.matcher(Files.readString(f));
                while (m.find()) {
                    if (m.group(2).contains("\"write\"") || m.group(2).contains("\"may_replicate\"")) {
                        out.add(m.group(1));
                    }
                }
            }
        }
        return out;
    }

    @Test
    void setIsSelectThenSet() throws Exception {
        assertStream(List.of(List.of("SELECT", "0"), List.of("SET", "k", "v")),
                reference.run(PropagationScenario.of("set", "SET k v")));
    }

    @Test
    void readOnlyCommandsPropagateNothing() throws Exception {
        assertStream(List.of(), reference.run(PropagationScenario.of("reads", "GET k", "EXISTS k", "TTL k", "KEYS *", "DBSIZE")));
    }

    @Test
    void aScenarioInAnotherDbStartsWithItsSelect() throws Exception {
        // the marker is published from db 0, so Redis sends SELECT 0 before it: dropped with it
        assertStream(List.of(List.of("SELECT", "5"), List.of("SET", "a", "1")),
                reference.run(PropagationScenario.of("db5", "SELECT 5", "SET a 1")));
    }

    @Test
    void configAndActiveExpiryAreRestoredAfterAScenario() throws Exception {
        reference.run(PropagationScenario.of("lazyfree", "!config lazyfree-lazy-expire yes", "!debug set-active-expire 0", "GET k"));
        try (RawConnection c = new RawConnection(redis.port())) {
            assertEquals("*2\r\n$20\r\nlazyfree-lazy-expire\r\n$2\r\nno\r\n", c.call("CONFIG", "GET", "lazyfree-lazy-expire"));
        }
        // active expiry is back on: a short-lived key disappears with nobody touching it
        List<List<byte[]>> s = reference.run(PropagationScenario.of("active", "SET k v PX 20", "!sleep 400"));
        assertEquals(3, s.size(), PropagationDiff.show(s));
        assertEquals("DEL k", PropagationDiff.render(s.get(2)));
    }

    @Test
    void markerAndItsSelectAreDropped() throws Exception {
        try (RawConnection control = new RawConnection(redis.port()); RawConnection c = new RawConnection(redis.port())) {
            control.call("FLUSHALL");
            try (ReplicationStream stream = ReplicationStream.open(redis.port(), TIMEOUT)) {
                assertEquals(ReplicationStream.PayloadForm.DISK, stream.payloadForm());
                // nothing propagated yet: the marker comes with SELECT 0, and nothing is left
                assertStream(List.of(), stream.drain(control, TIMEOUT));
                assertEquals(1, stream.droppedMarkerSelects());
                assertEquals("+OK\r\n", c.call("SELECT", "5"));
                assertEquals("+OK\r\n", c.call("SET", "a", "1"));
                assertStream(List.of(List.of("SELECT", "5"), List.of("SET", "a", "1")), stream.drain(control, TIMEOUT));
                assertEquals(2, stream.droppedMarkerSelects());
                // the stream is now in db 0 because of the marker: a write there comes without SELECT
                assertEquals("+OK\r\n", control.call("SET", "b", "1"));
                assertStream(List.of(List.of("SET", "b", "1")), stream.drain(control, TIMEOUT));
                assertEquals(2, stream.droppedMarkerSelects());
            }
        }
    }

    @Test
    void pingsAreFiltered() throws Exception {
        try (RawConnection c = new RawConnection(redis.port())) {
            c.call("FLUSHALL");
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "repl-ping-replica-period", "1"));
            try (ReplicationStream stream = ReplicationStream.open(redis.port(), TIMEOUT)) {
                c.call("SET", "a", "1");
                Thread.sleep(2500);
                c.call("SET", "b", "1");
                assertStream(List.of(List.of("SELECT", "0"), List.of("SET", "a", "1"), List.of("SET", "b", "1")),
                        stream.drain(c, TIMEOUT));
                assertTrue(stream.filtered() >= 1, "no PING was seen in 2.5 s");
            } finally {
                c.call("CONFIG", "SET", "repl-ping-replica-period", "10");
            }
        }
    }

    @Test
    void getAckIsFiltered() throws Exception {
        try (RawConnection c = new RawConnection(redis.port())) {
            c.call("FLUSHALL");
            try (ReplicationStream stream = ReplicationStream.open(redis.port(), TIMEOUT)) {
                c.call("SET", "a", "1");
                // WAIT makes the master send REPLCONF GETACK * down the stream; a SYNC replica never answers
                assertEquals(":0\r\n", c.call("WAIT", "1", "100"));
                c.call("SET", "b", "1");
                assertStream(List.of(List.of("SELECT", "0"), List.of("SET", "a", "1"), List.of("SET", "b", "1")),
                        stream.drain(c, TIMEOUT));
                assertTrue(stream.filtered() >= 1, "no GETACK was seen");
            }
        }
    }

    /** The server a payload test reads: the reader is checked on Redis, the JAR's framing with it. */
    private int port(String server) {
        return server.equals("redis") ? redis.port() : jar.port();
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis", "cinnabar"})
    void diskPayloadIsSkippedWhateverItHolds(String server) throws Exception {
        try (RawConnection c = new RawConnection(port(server))) {
            c.call("FLUSHALL");
            fillWithLookalikes(c);
            try (ReplicationStream stream = ReplicationStream.open(port(server), ReplicationStream.Handshake.SYNC, TIMEOUT)) {
                assertEquals(ReplicationStream.PayloadForm.DISK, stream.payloadForm());
                assertTrue(stream.payloadBytes() > 20_000, "payload of " + stream.payloadBytes() + " bytes");
                c.call("SET", "k", "v");
                assertStream(List.of(List.of("SELECT", "0"), List.of("SET", "k", "v")), stream.drain(c, TIMEOUT));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis", "cinnabar"})
    void disklessPayloadIsSkippedAndTheStreamStartsAfterAnAck(String server) throws Exception {
        try (RawConnection c = new RawConnection(port(server))) {
            c.call("FLUSHALL");
            fillWithLookalikes(c);
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "repl-diskless-sync", "yes", "repl-diskless-sync-delay", "0"));
            try (ReplicationStream stream = ReplicationStream.open(port(server), ReplicationStream.Handshake.PSYNC, TIMEOUT)) {
                assertEquals(ReplicationStream.PayloadForm.DISKLESS, stream.payloadForm());
                assertTrue(stream.payloadBytes() > 20_000, "payload of " + stream.payloadBytes() + " bytes");
                c.call("SET", "k", "v");
                assertStream(List.of(List.of("SELECT", "0"), List.of("SET", "k", "v")), stream.drain(c, TIMEOUT));
                // while it waits, the reader acknowledges exactly the bytes it consumed
                c.call("SET", "k2", "v");
                assertStream(List.of(List.of("SET", "k2", "v")), stream.drain(c, TIMEOUT));
                assertThrows(SocketTimeoutException.class, () -> stream.next(300));
                String info = c.call("INFO", "replication");
                String masterOffset = field(info, "master_repl_offset:");
                assertTrue(info.contains("state=online,offset=" + masterOffset + ","), info);
            } finally {
                c.call("CONFIG", "SET", "repl-diskless-sync-delay", "5");
            }
        }
    }

    private static String field(String info, String name) {
        int at = info.indexOf(name);
        return info.substring(at + name.length(), info.indexOf("\r\n", at));
    }

    /** Values that look like RESP commands and a key with a TTL, so that a payload misread shows. */
    private static void fillWithLookalikes(RawConnection c) throws IOException {
        StringBuilder fake = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            fake.append("*2\r\n$6\r\nSELECT\r\n$1\r\n").append(i % 10).append("\r\n");
        }
        byte[] random = new byte[30_000];
        new java.util.Random(7).nextBytes(random);
        c.send("SET".getBytes(StandardCharsets.US_ASCII), "fake".getBytes(StandardCharsets.US_ASCII),
                fake.toString().getBytes(StandardCharsets.US_ASCII));
        assertEquals("+OK\r\n", c.readReply());
        c.send("SET".getBytes(StandardCharsets.US_ASCII), "random".getBytes(StandardCharsets.US_ASCII), random);
        assertEquals("+OK\r\n", c.readReply());
        assertEquals("+OK\r\n", c.call("SET", "ttl", "v", "EX", "1000"));
    }

    @Test
    void nextTimesOutWithoutLosingWhatFollows() throws Exception {
        try (RawConnection c = new RawConnection(redis.port())) {
            c.call("FLUSHALL");
            try (ReplicationStream stream = ReplicationStream.open(redis.port(), TIMEOUT)) {
                assertThrows(SocketTimeoutException.class, () -> stream.next(200));
                c.call("SET", "k", "v");
                assertEquals("SELECT 0", PropagationDiff.render(stream.next(TIMEOUT)));
                assertEquals("SET k v", PropagationDiff.render(stream.next(TIMEOUT)));
                assertThrows(SocketTimeoutException.class, () -> stream.next(200));
            }
        }
    }

    // The comparator on its own.

    private static final long NOW = 1_800_000_000_000L;

    @Test
    void clockTimesAreEqualWithinTheTolerance() {
        PropagationDiff d = new PropagationDiff(5000, NOW);
        assertNull(d.compare(cmds("SET k v PXAT " + NOW, "PEXPIREAT k " + (NOW + 10)),
                cmds("SET k v PXAT " + (NOW + 4000), "PEXPIREAT k " + (NOW - 900)), false));
        assertNull(d.compare(cmds("GETEX k EXAT " + NOW / 1000, "EXPIREAT k " + NOW / 1000),
                cmds("GETEX k EXAT " + (NOW / 1000 + 3), "EXPIREAT k " + (NOW / 1000 - 2)), false));
        assertNotNull(d.compare(cmds("SET k v PXAT " + NOW), cmds("SET k v PXAT " + (NOW + 6000)), false));
        assertNotNull(d.compare(cmds("EXPIREAT k " + NOW / 1000), cmds("EXPIREAT k " + (NOW / 1000 + 6)), false));
    }

    @Test
    void timesFarFromThePresentAndOtherArgumentsAreExact() {
        PropagationDiff d = new PropagationDiff(5000, NOW);
        assertNotNull(d.compare(cmds("SET k v PXAT 1000"), cmds("SET k v PXAT 1"), false));
        assertNotNull(d.compare(cmds("PEXPIREAT k 4102444800000"), cmds("PEXPIREAT k 4102444800001"), false));
        // a number in a position that is not a time
        assertNotNull(d.compare(cmds("SET k " + NOW), cmds("SET k " + (NOW + 1)), false));
        assertNotNull(d.compare(cmds("SET k v PX " + NOW), cmds("SET k v PX " + (NOW + 1)), false));
        assertNotNull(d.compare(cmds("SET k v PXAT " + NOW), cmds("SET k v EXAT " + NOW), false));
        assertNotNull(d.compare(cmds("SET k v"), cmds("SET k v NX"), false));
        assertNotNull(d.compare(cmds("set k v"), cmds("SET k v"), false));
    }

    @Test
    void theReportIsALineDiff() {
        PropagationDiff d = new PropagationDiff(5000, NOW);
        String report = d.compare(cmds("SELECT 0", "MULTI", "DEL k", "SET k v PXAT " + NOW, "EXEC"),
                cmds("SELECT 0", "DEL k", "SET k v PXAT " + (NOW + 1), "SET x \"a b\\r\\n\\x00\""), false);
        assertEquals(String.join("\n",
                "    SELECT 0",
                "  - MULTI",
                "    DEL k",
                "  ~ SET k v PXAT " + NOW + "   (actual: SET k v PXAT " + (NOW + 1) + ")",
                "  - EXEC",
                "  + SET x \"a b\\r\\n\\x00\"",
                ""), report);
    }

    @Test
    void anyOrderComparesMultisets() {
        PropagationDiff d = new PropagationDiff(5000, NOW);
        List<List<byte[]>> ab = cmds("SELECT 0", "DEL a", "DEL b");
        List<List<byte[]>> ba = cmds("SELECT 0", "DEL b", "DEL a");
        assertNull(d.compare(ab, ba, true));
        assertNotNull(d.compare(ab, ba, false));
        assertNotNull(d.compare(ab, cmds("SELECT 0", "DEL b", "DEL a", "DEL a"), true));
    }

    @Test
    void scenarioFilesParse() {
        PropagationScenario s = PropagationScenario.of("x", "!any-order", "!config a b c d", "SET 'a b' \"\\x01\"", "!sleep 5", "!debug set-active-expire 0");
        assertTrue(s.anyOrder);
        assertEquals(4, s.steps.size());
        assertEquals(List.of("a", "c"), s.steps.get(0).configNames());
        assertEquals("SET \"a b\" \"\\x01\"", PropagationDiff.render(s.commands().get(0)));
        assertEquals(5, s.steps.get(2).sleepMillis);
        assertThrows(IllegalArgumentException.class, () -> PropagationScenario.of("x", "!config a"));
        assertThrows(IllegalArgumentException.class, () -> PropagationScenario.of("x", "!bogus"));
        assertThrows(IllegalArgumentException.class, () -> PropagationScenario.of("x"));
    }

    /** Commands written as redis-cli lines. */
    private static List<List<byte[]>> cmds(String... lines) {
        List<List<byte[]>> out = new ArrayList<>();
        for (String l : lines) {
            out.add(PropagationScenario.of("c", l).commands().get(0));
        }
        return out;
    }

    private static void assertStream(List<List<String>> expected, List<List<byte[]>> actual) {
        List<String> e = expected.stream().map(c -> String.join(" ", c)).collect(Collectors.toList());
        List<String> a = actual.stream().map(PropagationDiff::render).collect(Collectors.toList());
        assertEquals(e, a);
    }
}
