package dev.cinnabar.datatypes;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Bit counting and searching over a byte range, with Redis's bit order: bit 0 is the most
 * significant bit of the first byte.
 */
public final class Bitmaps {
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Bitmaps() {
    }

    /** The number of set bits in {@code b[off, off+len)}. */
    public static long popcount(byte[] b, int off, int len) {
        long n = 0;
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            n += Long.bitCount((long) LONG_LE.get(b, i));
        }
        for (; i < end; i++) {
            n += Integer.bitCount(b[i] & 0xff);
        }
        return n;
    }

    /**
     * The position, counted in bits from {@code off}, of the first bit equal to {@code bit} in
     * {@code b[off, off+len)}. When none is: -1 when looking for a 1, and {@code len * 8} (the
     * first bit past the range, as if it were padded with zeros) when looking for a 0.
     */
    public static long bitpos(byte[] b, int off, int len, int bit) {
        int skip = bit == 1 ? 0 : 0xff;
        for (int i = 0; i < len; i++) {
            int v = b[off + i] & 0xff;
            if (v != skip) {
                int inByte = bit == 1 ? Integer.numberOfLeadingZeros(v) - 24 : Integer.numberOfLeadingZeros(~v & 0xff) - 24;
                return (long) i * 8 + inByte;
            }
        }
        return bit == 1 ? -1 : (long) len * 8;
    }

    /** The bit at {@code bitOffset}; bits past {@code len} bytes read as 0. */
    public static int getBit(byte[] b, int len, long bitOffset) {
        long i = bitOffset >>> 3;
        if (i >= len) {
            return 0;
        }
        return (b[(int) i] >> (7 - (int) (bitOffset & 7))) & 1;
    }
}
