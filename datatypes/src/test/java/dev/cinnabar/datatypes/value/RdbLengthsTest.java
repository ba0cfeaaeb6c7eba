package dev.cinnabar.datatypes.value;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.RawString;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DEBUG OBJECT's serializedlength against what redis-server 7.0.15 reported for 451 strings:
 * integers, short and long text, runs that LZF compresses well, badly or not at all, and
 * repeats placed around LZF's distance and length limits. The strings are generated here and
 * by the script that asked Redis from the same generator, so only the answers are stored.
 */
class RdbLengthsTest {
    private static final long MASK = -1L;

    /** The generator both sides share: a 64-bit LCG, byte = bits 33.. of the state. */
    static byte[] lcgBytes(long seed, int n, int k) {
        long x = seed;
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            long top = x >>> 33;
            out[i] = (byte) (k < 256 ? Long.remainderUnsigned(top, k) : top & 0xff);
        }
        return out;
    }

    static byte[] make(String mode, long seed, int n, int k) {
        if (mode.equals("lcg")) {
            byte[] b = lcgBytes(seed, n, k);
            if (k <= 26) {
                for (int i = 0; i < n; i++) {
                    b[i] = (byte) ('a' + b[i]);
                }
            }
            return b;
        }
        byte[] block = lcgBytes(seed, k, 256);
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = block[i % k];
        }
        return out;
    }

    @Test
    void matchesRedisForEveryRecordedString() throws IOException {
        List<String> wrong = new ArrayList<>();
        int n = 0;
        for (String line : lines("/memory/serializedlength-redis-7.0.txt")) {
            String[] f = line.split(" ");
            byte[] value = make(f[0], Long.parseLong(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]));
            long expected = Long.parseLong(f[4]);
            long ours = StringType.TYPE.serializedLength(StringType.fromBytes(value), true);
            if (ours != expected) {
                wrong.add(line + " -> " + ours);
            }
            n++;
        }
        assertEquals(451, n);
        assertEquals(List.of(), wrong);
    }

    @Test
    void integersTakeTheSmallestEncoding() {
        assertEquals(2, StringType.TYPE.serializedLength(StringType.fromLong(123), true));
        assertEquals(2, StringType.TYPE.serializedLength(StringType.fromLong(-128), true));
        assertEquals(3, StringType.TYPE.serializedLength(StringType.fromLong(-129), true));
        assertEquals(5, StringType.TYPE.serializedLength(StringType.fromLong(100_000), true));
        assertEquals(5, StringType.TYPE.serializedLength(StringType.fromLong(Integer.MIN_VALUE), true));
        // Past 32 bits: the digits with a one-byte length.
        assertEquals(12, StringType.TYPE.serializedLength(StringType.fromLong(12_345_678_901L), true));
        assertEquals(21, StringType.TYPE.serializedLength(StringType.fromLong(Long.MIN_VALUE), true));
    }

    @Test
    void numericTextInARawStringIsStillWrittenAsAnInteger() {
        RawString raw = new RawString("12".getBytes(StandardCharsets.US_ASCII), 64);
        raw.append("3".getBytes(StandardCharsets.US_ASCII), 0, 1);
        assertEquals(2, StringType.TYPE.serializedLength(raw, true));
        assertEquals(4, StringType.TYPE.serializedLength("012".getBytes(StandardCharsets.US_ASCII), true));
    }

    @Test
    void compressionOffWritesTheBytes() {
        byte[] repeated = "a".repeat(100).getBytes(StandardCharsets.US_ASCII);
        assertTrue(StringType.TYPE.serializedLength(repeated, true) < 20);
        assertEquals(2 + 100, StringType.TYPE.serializedLength(repeated, false));
    }

    @Test
    void lengthPrefixes() {
        assertEquals(1, RdbLengths.length(63));
        assertEquals(2, RdbLengths.length(64));
        assertEquals(2, RdbLengths.length(16383));
        assertEquals(5, RdbLengths.length(16384));
        assertEquals(5, RdbLengths.length(0xFFFFFFFFL));
        assertEquals(9, RdbLengths.length(0x100000000L));
    }

    private static List<String> lines(String resource) throws IOException {
        try (InputStream in = RdbLengthsTest.class.getResourceAsStream(resource)) {
            List<String> out = new ArrayList<>();
            for (String l : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (!l.isBlank() && !l.startsWith("#")) {
                    out.add(l);
                }
            }
            return out;
        }
    }
}
