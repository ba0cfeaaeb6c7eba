package dev.cinnabar.persistence.rdb;

/**
 * Redis's CRC-64 (Jones polynomial, reflected, no final xor): the trailer of an RDB file under
 * {@code rdbchecksum} and of every DUMP payload. Kept running with {@link #update}, so a file is
 * checked as it streams by.
 */
public final class Crc64 {
    private static final long POLY = 0x95ac9329ac4bc9b5L; // 0xad93d23594c935a9 reflected
    private static final long[] TABLE = new long[256];

    static {
        for (int i = 0; i < 256; i++) {
            long crc = i;
            for (int j = 0; j < 8; j++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLY : crc >>> 1;
            }
            TABLE[i] = crc;
        }
    }

    private Crc64() {
    }

    public static long of(byte[] b, int off, int len) {
        return update(0, b, off, len);
    }

    /** The CRC of what {@code crc} covered followed by {@code b[off, off+len)}. */
    public static long update(long crc, byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            crc = TABLE[(int) ((crc ^ b[i]) & 0xff)] ^ (crc >>> 8);
        }
        return crc;
    }
}
