package dev.cinnabar.server.memcached;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Base64KeysTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String decode(String text) {
        byte[] in = ascii(text);
        byte[] out = new byte[in.length + 3];
        int n = Base64Keys.decode(in, 0, in.length, out, 0);
        return n == 0 ? null : new String(out, 0, n, StandardCharsets.ISO_8859_1);
    }

    @Test
    void encodesAndDecodesLikeTheJdkForRandomInput() {
        Random rnd = new Random(18);
        for (int i = 0; i < 2000; i++) {
            byte[] raw = new byte[rnd.nextInt(187) + 1];
            rnd.nextBytes(raw);
            byte[] enc = new byte[Base64Keys.encodedLength(raw.length)];
            int n = Base64Keys.encode(raw, 0, raw.length, enc, 0);
            assertEquals(enc.length, n);
            assertArrayEquals(Base64.getEncoder().encode(raw), enc);
            byte[] dec = new byte[raw.length + 3];
            int m = Base64Keys.decode(enc, 0, n, dec, 0);
            assertArrayEquals(raw, Arrays.copyOf(dec, m));
        }
    }

    @Test
    void memcachedsLeniency() {
        assertEquals("foo", decode("Zm9v"));
        assertEquals("fo", decode("Zm8="));
        assertEquals("f", decode("Zg=="));
        // bytes outside the alphabet are skipped
        assertEquals("foo", decode("Zm*9v!"));
        // the alphabet count must be a non-zero multiple of 4
        assertEquals(null, decode("Zm9"));
        assertEquals(null, decode("!!!!"));
        // decoding stops after the first padded block
        assertEquals("f", decode("Zg==Zm9v"));
        // three pads in a block are refused
        assertEquals(null, decode("Z==="));
    }
}
