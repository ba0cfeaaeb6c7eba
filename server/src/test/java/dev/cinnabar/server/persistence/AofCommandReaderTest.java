package dev.cinnabar.server.persistence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cinnabar.protocol.Argv;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AofCommandReaderTest {
    private static final String SAMPLE = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
            + "#TS:1700000000\r\n"
            + "*3\r\n$3\r\nset\r\n$1\r\na\r\n$5\r\nhe\r\nl\r\n"
            + "*1\r\n$5\r\nMULTI\r\n"
            + "*3\r\n$4\r\nincr\r\n$0\r\n\r\n$3\r\nbin\r\n"
            + "*1\r\n$4\r\nEXEC\r\n";

    private static AofCommandReader reader(byte[] b) {
        return new AofCommandReader(new ByteArrayInputStream(b), 0);
    }

    private static List<List<String>> readAll(byte[] b) throws Exception {
        AofCommandReader r = reader(b);
        List<List<String>> out = new ArrayList<>();
        Argv a;
        while ((a = r.next()) != null) {
            List<String> cmd = new ArrayList<>();
            for (int i = 0; i < a.count(); i++) {
                cmd.add(a.latin1(i));
            }
            out.add(cmd);
        }
        return out;
    }

    @Test
    void readsCommandsAndSkipsAnnotations() throws Exception {
        List<List<String>> cmds = readAll(SAMPLE.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(List.of(List.of("SELECT", "0"), List.of("set", "a", "he\r\nl"), List.of("MULTI"),
                List.of("incr", "", "bin"), List.of("EXEC")), cmds);
    }

    /** Offsets where each complete command of SAMPLE ends. */
    private static List<Integer> commandEnds() throws Exception {
        byte[] b = SAMPLE.getBytes(StandardCharsets.ISO_8859_1);
        AofCommandReader r = reader(b);
        List<Integer> ends = new ArrayList<>();
        while (r.next() != null) {
            ends.add((int) r.validUpTo());
        }
        return ends;
    }

    @Test
    void everyTruncationIsSeenAndKnowsTheLastCompleteCommand() throws Exception {
        byte[] whole = SAMPLE.getBytes(StandardCharsets.ISO_8859_1);
        List<Integer> ends = commandEnds();
        assertEquals(whole.length, ends.get(ends.size() - 1));
        for (int cut = 0; cut <= whole.length; cut++) {
            byte[] b = Arrays.copyOf(whole, cut);
            AofCommandReader r = reader(b);
            int complete = 0;
            try {
                while (r.next() != null) {
                    complete++;
                }
                // Clean end: only at a command boundary, or after a whole annotation line
                int expectedEnd = 0;
                for (int e : ends) {
                    if (e <= cut) {
                        expectedEnd = e;
                    }
                }
                assertEquals(expectedEnd, r.validUpTo(), "cut " + cut);
                String rest = SAMPLE.substring(expectedEnd, cut);
                assertTrue(rest.isEmpty() || rest.startsWith("#"), "cut " + cut + " left " + rest);
            } catch (AofCommandReader.Truncated e) {
                int expectedEnd = 0;
                for (int x : ends) {
                    if (x <= cut) {
                        expectedEnd = x;
                    }
                }
                assertEquals(expectedEnd, r.validUpTo(), "cut " + cut);
                assertTrue(cut < whole.length);
            }
        }
    }

    @Test
    void badFormat() {
        for (String s : new String[] {"x\r\n", "*0\r\n", "*-1\r\n", "*1\r\nfoo\r\n", "*2\r\n$1\r\na\r\n*1\r\n",
                "*1\r\n$-5\r\n"}) {
            assertThrows(AofCommandReader.BadFormat.class, () -> readAll(s.getBytes(StandardCharsets.ISO_8859_1)), s);
        }
    }

    @Test
    void truncatedForms() {
        for (String s : new String[] {"*", "*1", "*1\r\n", "*1\r\n$3", "*1\r\n$3\r\nab", "*1\r\n$3\r\nabc",
                "*1\r\n$3\r\nabc\r", "*1\r\n$100000000\r\nabc\r\n"}) {
            assertThrows(AofCommandReader.Truncated.class, () -> readAll(s.getBytes(StandardCharsets.ISO_8859_1)), s);
        }
    }

    @Test
    void crlfAfterArgumentIsNotChecked() throws Exception {
        // Redis reads two bytes after each argument without looking at them
        assertEquals(List.of(List.of("ab")), readAll("*1\r\n$2\r\nabXY".getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void largeArgumentsAcrossBuffers() throws Exception {
        Random rnd = new Random(7);
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        rnd.nextBytes(big);
        byte[] head = ("*2\r\n$3\r\nset\r\n$" + big.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] b = new byte[head.length + big.length + 2];
        System.arraycopy(head, 0, b, 0, head.length);
        System.arraycopy(big, 0, b, head.length, big.length);
        b[b.length - 2] = '\r';
        b[b.length - 1] = '\n';
        // a stream that returns few bytes at a time
        InputStream slow = new ByteArrayInputStream(b) {
            @Override
            public synchronized int read(byte[] out, int off, int len) {
                return super.read(out, off, Math.min(len, 1 + rnd.nextInt(5000)));
            }
        };
        AofCommandReader r = new AofCommandReader(slow, 0);
        Argv a = r.next();
        assertArrayEquals(big, a.copy(1));
        assertNull(r.next());
        assertEquals(b.length, r.validUpTo());
        try {
            r.next();
        } catch (Exception e) {
            fail(e);
        }
    }

    @Test
    void startOffsetCounts() throws Exception {
        AofCommandReader r = new AofCommandReader(new ByteArrayInputStream("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.ISO_8859_1)), 100);
        r.next();
        assertEquals(114, r.validUpTo());
    }
}
