package dev.cinnabar.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated input: the decoder must never throw, never spin, only ever end in one of
 * Redis's protocol errors, and decode the same stream the same way however it is cut (for
 * streams without lines near the 64 KB limit, where Redis too depends on how reads fall).
 */
class RequestDecoderFuzzTest {
    private static final Set<String> REDIS_ERRORS = Set.of(
            "Protocol error: invalid multibulk length",
            "Protocol error: invalid bulk length",
            "Protocol error: unbalanced quotes in request",
            "Protocol error: too big inline request",
            "Protocol error: too big mbulk count string",
            "Protocol error: too big bulk count string",
            "Protocol error: unauthenticated multibulk length",
            "Protocol error: unauthenticated bulk length");

    /** Bytes the parser cares about, weighted up so that mutations hit its branches. */
    private static final byte[] INTERESTING = "*$\r\n\"'\\ \t0123456789-+x\u0000\u000b".getBytes(StandardCharsets.ISO_8859_1);

    private static byte[] validFrame(Random rnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int commands = 1 + rnd.nextInt(6);
        for (int c = 0; c < commands; c++) {
            if (rnd.nextInt(4) == 0) {
                StringBuilder line = new StringBuilder("ECHO");
                for (int i = rnd.nextInt(4); i > 0; i--) {
                    line.append(rnd.nextBoolean() ? " \"a\\x41\\n b\"" : " 'it\\'s'").append(" plain");
                }
                out.writeBytes(line.append(rnd.nextBoolean() ? "\r\n" : "\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            } else {
                int argc = rnd.nextInt(5);
                out.writeBytes(("*" + argc + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                for (int i = 0; i < argc; i++) {
                    byte[] arg = new byte[rnd.nextInt(10) == 0 ? rnd.nextInt(40_000) : rnd.nextInt(30)];
                    rnd.nextBytes(arg);
                    out.writeBytes(("$" + arg.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.writeBytes(arg);
                    out.writeBytes(new byte[] {'\r', '\n'});
                }
            }
        }
        return out.toByteArray();
    }

    private static byte[] mutate(byte[] in, Random rnd) {
        byte[] b = Arrays.copyOf(in, in.length);
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = rnd.nextInt(b.length);
            switch (rnd.nextInt(4)) {
                case 0:
                    b[at] = INTERESTING[rnd.nextInt(INTERESTING.length)];
                    break;
                case 1:
                    b[at] = (byte) rnd.nextInt(256);
                    break;
                case 2: {
                    byte[] shorter = new byte[b.length - 1];
                    System.arraycopy(b, 0, shorter, 0, at);
                    System.arraycopy(b, at + 1, shorter, at, b.length - at - 1);
                    b = shorter;
                    break;
                }
                default: {
                    byte[] longer = new byte[b.length + 1];
                    System.arraycopy(b, 0, longer, 0, at);
                    longer[at] = INTERESTING[rnd.nextInt(INTERESTING.length)];
                    System.arraycopy(b, at, longer, at + 1, b.length - at);
                    b = longer;
                    break;
                }
            }
        }
        return b;
    }

    private static byte[] noise(Random rnd) {
        byte[] b = new byte[rnd.nextInt(2000)];
        for (int i = 0; i < b.length; i++) {
            b[i] = rnd.nextInt(3) == 0 ? (byte) rnd.nextInt(256) : INTERESTING[rnd.nextInt(INTERESTING.length)];
        }
        return b;
    }

    private static DecoderRun run(byte[] input, Random cuts, boolean auth, boolean peek) {
        DecoderRun run = new DecoderRun().auth(auth).maxBulk(1 + cuts.nextInt(100_000)).peek(peek);
        int off = 0;
        while (off < input.length) {
            int n = Math.min(input.length - off, 1 + cuts.nextInt(cuts.nextBoolean() ? 8 : 5000));
            run.feed(Arrays.copyOfRange(input, off, off + n));
            off += n;
        }
        return run;
    }

    private static void check(byte[] input, long seed) {
        boolean auth = seed % 5 == 0;
        long maxBulkSeed = seed * 31;
        DecoderRun whole = new DecoderRun().auth(auth).maxBulk(1 + new Random(maxBulkSeed).nextInt(100_000));
        whole.feed(input);
        if (whole.error != null) {
            assertTrue(REDIS_ERRORS.contains(whole.error) || whole.error.startsWith("Protocol error: expected '$', got '"),
                    "seed " + seed + ": " + whole.error);
        }
        if (!hasLongLine(input)) {
            // Half the runs peek ahead too, between reads that cut requests anywhere.
            DecoderRun pieces = run(input, new Random(maxBulkSeed), auth, (seed & 1) == 0);
            assertEquals(whole.summary(), pieces.summary(), "seed " + seed);
        }
        // Peeking ahead before every command changes nothing and names the arguments to come.
        DecoderRun peeking = new DecoderRun().auth(auth).maxBulk(1 + new Random(maxBulkSeed).nextInt(100_000)).peek(true);
        peeking.feed(input);
        assertEquals(whole.summary(), peeking.summary(), "seed " + seed + ", peeking");
    }

    /** True when some stretch of 40 KB holds no CR or LF, so the 64 KB limits may depend on read sizes. */
    private static boolean hasLongLine(byte[] b) {
        int run = 0;
        for (byte x : b) {
            run = x == '\r' || x == '\n' ? 0 : run + 1;
            if (run > 40_000) {
                return true;
            }
        }
        return false;
    }

    @Test
    void mutatedFrames() {
        Random rnd = new Random(20240601);
        for (int i = 0; i < 3000; i++) {
            long seed = rnd.nextLong();
            Random r = new Random(seed);
            check(mutate(validFrame(r), r), seed);
        }
    }

    @Test
    void randomNoise() {
        Random rnd = new Random(42);
        for (int i = 0; i < 3000; i++) {
            long seed = rnd.nextLong();
            check(noise(new Random(seed)), seed);
        }
    }

    @Test
    void validFramesNeverFail() {
        Random rnd = new Random(99);
        for (int i = 0; i < 500; i++) {
            DecoderRun run = new DecoderRun().feed(validFrame(rnd));
            assertEquals(null, run.error);
        }
    }

    @Test
    void hostileHeaders() {
        List<String> inputs = List.of(
                "*2147483647\r\n$2147483647\r\n",
                "*1\r\n$536870912\r\nabc",
                "*9999999\r\n" + "$0\r\n\r\n".repeat(1000),
                "*1\r\n$-1\r\n",
                "*-2147483649\r\n",
                "\"".repeat(70_000),
                "*".repeat(70_000),
                "*1\r\n" + "$".repeat(70_000));
        for (String in : inputs) {
            check(in.getBytes(StandardCharsets.ISO_8859_1), in.length());
        }
    }
}
