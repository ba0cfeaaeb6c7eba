package dev.cinnabar.datatypes;

/**
 * The hash slot of a key in Redis Cluster: the CRC16 of the key (the XMODEM variant: polynomial
 * 0x1021, initial value 0, no reflection, no final xor) modulo {@link #SLOTS}. A key that holds
 * a hash tag, a non-empty run of bytes between its first {@code '{'} and the first {@code '}'}
 * after it, is hashed by that run alone, so that keys sharing a tag share a slot. An empty tag
 * ({@code "{}"}) or a {@code '{'} with no {@code '}'} after it leaves the whole key hashed.
 */
public final class HashSlot {
    public static final int SLOTS = 16384;

    private static final int MASK = SLOTS - 1;
    private static final char[] CRC16 = crc16Table();

    private HashSlot() {
    }

    /** The byte-at-a-time table of the polynomial: entry b is the CRC of the byte b alone. */
    private static char[] crc16Table() {
        char[] t = new char[256];
        for (int b = 0; b < 256; b++) {
            int crc = b << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            t[b] = (char) crc;
        }
        return t;
    }

    /** The slot of {@code key[off, off+len)}. */
    public static int of(byte[] key, int off, int len) {
        int end = off + len;
        int open = off;
        while (open < end && key[open] != '{') {
            open++;
        }
        if (open < end) {
            int close = open + 1;
            while (close < end && key[close] != '}') {
                close++;
            }
            if (close < end && close > open + 1) {
                return crc16(key, open + 1, close) & MASK;
            }
        }
        return crc16(key, off, end) & MASK;
    }

    public static int of(byte[] key) {
        return of(key, 0, key.length);
    }

    /** CRC16/XMODEM of {@code b[from, to)}. */
    static int crc16(byte[] b, int from, int to) {
        int crc = 0;
        for (int i = from; i < to; i++) {
            crc = ((crc << 8) ^ CRC16[((crc >>> 8) ^ b[i]) & 0xff]) & 0xffff;
        }
        return crc;
    }
}
