package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Round trips and the output limit; exact lengths against Redis are SerializedLengthTest's job. */
class LzfTest {
    private static byte[] roundTrip(byte[] in) {
        // Incompressible input grows by a control byte per 32 literals at worst.
        int room = in.length + in.length / 32 + 16;
        byte[] out = new byte[room + 1];
        int n = Lzf.compress(in, 0, in.length, out, room);
        assertTrue(n > 0, "fits in the worst case's room");
        byte[] back = new byte[in.length];
        assertEquals(in.length, Lzf.decompress(out, 0, n, back));
        return back;
    }

    @Test
    void aStringCompressesTheSameWhateverWasCompressedBeforeOnTheThread() throws Exception {
        Random r = new Random(3);
        byte[][] inputs = new byte[200][];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = new byte[21 + r.nextInt(3000)];
            for (int k = 0; k < inputs[i].length; k++) {
                inputs[i][k] = (byte) ('a' + r.nextInt(i % 7 + 1));
            }
        }
        // Each input on a thread of its own (an untouched table), then all on one thread.
        byte[][] alone = new byte[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            int n = i;
            Thread t = new Thread(() -> alone[n] = compressed(inputs[n]));
            t.start();
            t.join();
        }
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < inputs.length; i++) {
                assertArrayEquals(alone[i], compressed(inputs[i]), "input " + i);
            }
        }
    }

    private static byte[] compressed(byte[] in) {
        byte[] out = new byte[in.length];
        int n = Lzf.compress(in, 0, in.length, out, in.length - 4);
        return Arrays.copyOf(out, n);
    }

    @Test
    void roundTripsTextBinaryAndRepeats() {
        Random r = new Random(3);
        for (int round = 0; round < 500; round++) {
            int len = 1 + r.nextInt(r.nextBoolean() ? 40 : 20_000);
            byte[] in = new byte[len];
            int alphabet = 1 + r.nextInt(r.nextBoolean() ? 4 : 256);
            for (int i = 0; i < len; i++) {
                in[i] = (byte) r.nextInt(alphabet);
            }
            if (r.nextBoolean() && len > 100) {
                int period = 1 + r.nextInt(len / 2);
                for (int i = period; i < len; i++) {
                    in[i] = in[i - period];
                }
            }
            assertArrayEquals(in, roundTrip(in), "round " + round);
        }
    }

    @Test
    void repeatsShrink() {
        byte[] in = "abcdefghij".repeat(5).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[in.length];
        // Redis stores these 50 bytes as an 18-byte LZF blob.
        assertEquals(18, Lzf.compress(in, 0, in.length, out, in.length - 4));
    }

    @Test
    void givesUpWhenTheOutputWouldNotFit() {
        byte[] in = new byte[100];
        new Random(1).nextBytes(in);
        byte[] out = new byte[97];
        assertEquals(0, Lzf.compress(in, 0, in.length, out, 96));
        assertEquals(0, Lzf.compress(new byte[0], 0, 0, out, 96));
    }

    @Test
    void compressesASliceOnly() {
        byte[] in = ("xx" + "ab".repeat(30) + "yy").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[64];
        int n = Lzf.compress(in, 2, 60, out, 56);
        byte[] back = new byte[60];
        assertEquals(60, Lzf.decompress(out, 0, n, back));
        assertArrayEquals(Arrays.copyOfRange(in, 2, 62), back);
    }

    @Test
    void corruptStreamsAreRefused() {
        byte[] out = new byte[10];
        assertEquals(-1, Lzf.decompress(new byte[] {5, 'a'}, 0, 2, out), "literal run past the end");
        assertEquals(-1, Lzf.decompress(new byte[] {(byte) 0x20, 0}, 0, 2, out), "reference before the start");
        assertEquals(-1, Lzf.decompress(new byte[] {0, 'a', (byte) 0xE0}, 0, 3, out), "truncated long match");
    }
}
