package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Popcount, bit search and single bits against a bit-by-bit reference. */
class BitmapsTest {
    private static int bit(byte[] b, long i) {
        return (b[(int) (i >>> 3)] >> (7 - (int) (i & 7))) & 1;
    }

    @Test
    void agreeWithABitByBitReference() {
        Random r = new Random(5);
        for (int round = 0; round < 2000; round++) {
            byte[] b = new byte[r.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                int kind = r.nextInt(4);
                b[i] = (byte) (kind == 0 ? 0 : kind == 1 ? 0xff : r.nextInt(256));
            }
            int off = b.length == 0 ? 0 : r.nextInt(b.length);
            int len = b.length == 0 ? 0 : r.nextInt(b.length - off + 1);
            long ones = 0;
            long first1 = -1;
            long first0 = -1;
            for (long i = (long) off * 8; i < (long) (off + len) * 8; i++) {
                int v = bit(b, i);
                ones += v;
                if (v == 1 && first1 < 0) {
                    first1 = i - off * 8L;
                }
                if (v == 0 && first0 < 0) {
                    first0 = i - off * 8L;
                }
            }
            assertEquals(ones, Bitmaps.popcount(b, off, len));
            assertEquals(first1, Bitmaps.bitpos(b, off, len, 1));
            assertEquals(first0 < 0 ? len * 8L : first0, Bitmaps.bitpos(b, off, len, 0));
            for (int i = 0; i < 10; i++) {
                long at = r.nextInt(b.length * 8 + 16);
                assertEquals(at < b.length * 8L ? bit(b, at) : 0, Bitmaps.getBit(b, b.length, at));
            }
        }
    }

    @Test
    void fieldsReadBackWhatWasWritten() {
        Random r = new Random(8);
        byte[] b = new byte[32];
        for (int i = 0; i < 5000; i++) {
            int bits = 1 + r.nextInt(64);
            long offset = r.nextInt(32 * 8 - bits + 1);
            long v = r.nextLong();
            Bitfield.set(b, offset, bits, v);
            long mask = bits == 64 ? -1L : (1L << bits) - 1;
            assertEquals(v & mask, Bitfield.getUnsigned(b, b.length, offset, bits) & mask);
            long signed = bits == 64 ? v : (v << (64 - bits)) >> (64 - bits);
            assertEquals(signed, Bitfield.getSigned(b, b.length, offset, bits));
        }
        // Bytes past the given length read as zero.
        byte[] ones = {(byte) 0xff, (byte) 0xff};
        assertEquals(0xff00, Bitfield.getUnsigned(ones, 1, 0, 16));
    }
}
