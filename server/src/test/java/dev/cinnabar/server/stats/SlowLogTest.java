package dev.cinnabar.server.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.protocol.Argv;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlowLogTest {
    private static List<String> args(SlowLog.Entry e) {
        List<String> out = new ArrayList<>();
        for (byte[] a : e.args) {
            out.add(new String(a, StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    private static List<Long> ids(SlowLog log) {
        List<Long> out = new ArrayList<>();
        for (Iterator<SlowLog.Entry> it = log.iterator(); it.hasNext(); ) {
            out.add(it.next().id);
        }
        return out;
    }

    @Test
    void theThresholdDecides() {
        SlowLog log = new SlowLog();
        log.maybeLog(-1, 128, 1_000_000, 1, Argv.of("get", "a"), null, "a:1", null);
        log.maybeLog(100, 128, 99, 1, Argv.of("get", "a"), null, "a:1", null);
        assertEquals(0, log.size());
        log.maybeLog(100, 128, 100, 1, Argv.of("get", "a"), null, "a:1", null);
        log.maybeLog(0, 128, 0, 1, Argv.of("get", "b"), null, "a:1", "name");
        assertEquals(2, log.size());
        SlowLog.Entry newest = log.iterator().next();
        assertEquals(List.of("get", "b"), args(newest));
        assertEquals("name", newest.clientName);
        assertEquals("a:1", newest.peer);
        assertEquals(0, newest.micros);
    }

    @Test
    void newestFirstTrimmedAtTheNextEntryAndIdsSurviveReset() {
        SlowLog log = new SlowLog();
        for (int i = 0; i < 5; i++) {
            log.maybeLog(0, 3, i, 1, Argv.of("ping"), null, "a:1", null);
        }
        assertEquals(List.of(4L, 3L, 2L), ids(log));
        log.reset();
        assertEquals(0, log.size());
        log.maybeLog(0, 3, 1, 1, Argv.of("ping"), null, "a:1", null);
        assertEquals(List.of(5L), ids(log));
        log.maybeLog(0, 0, 1, 1, Argv.of("ping"), null, "a:1", null);
        assertEquals(0, log.size());
    }

    @Test
    void longArgumentsAndLongCommandsAreShortened() {
        String[] many = new String[41];
        many[0] = "rpush";
        for (int i = 1; i < many.length; i++) {
            many[i] = "x";
        }
        byte[][] kept = SlowLog.copyArgs(Argv.of(many), null);
        assertEquals(32, kept.length);
        assertEquals("x", new String(kept[30], StandardCharsets.US_ASCII));
        assertEquals("... (10 more arguments)", new String(kept[31], StandardCharsets.US_ASCII));
        assertEquals(32, SlowLog.copyArgs(Argv.of(java.util.Arrays.copyOf(many, 32)), null).length);
        assertEquals("x", new String(SlowLog.copyArgs(Argv.of(java.util.Arrays.copyOf(many, 32)), null)[31],
                StandardCharsets.US_ASCII));

        String exact = "y".repeat(128);
        String longer = "z".repeat(200);
        byte[][] cut = SlowLog.copyArgs(Argv.of("set", exact, longer), null);
        assertEquals(exact, new String(cut[1], StandardCharsets.US_ASCII));
        assertEquals("z".repeat(128) + "... (72 more bytes)", new String(cut[2], StandardCharsets.US_ASCII));
    }

    @Test
    void redactedArgumentsAreHidden() {
        BitSet redacted = new BitSet();
        redacted.set(1);
        redacted.set(2);
        byte[][] kept = SlowLog.copyArgs(Argv.of("auth", "user", "secret", "more"), redacted);
        assertEquals("(redacted)", new String(kept[1], StandardCharsets.US_ASCII));
        assertEquals("(redacted)", new String(kept[2], StandardCharsets.US_ASCII));
        assertEquals("more", new String(kept[3], StandardCharsets.US_ASCII));
    }
}
