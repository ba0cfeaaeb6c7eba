package dev.cinnabar.datatypes.value;

import dev.cinnabar.datatypes.Lzf;
import dev.cinnabar.datatypes.Numbers;

/**
 * Sizes of the pieces of Redis's RDB encoding, computed without writing anything: what DEBUG
 * OBJECT reports as serializedlength, and what each value type adds up for its own payload.
 * A string is an integer that fits 32 bits as a one-byte type and 1, 2 or 4 bytes, or else a
 * length and the bytes, LZF-compressed when it is over 20 bytes, compression is on and it saves
 * at least four bytes.
 */
public final class RdbLengths {
    private RdbLengths() {
    }

    /** Redis's rdbSaveRawString, measured: {@code len} bytes of text at {@code off}. */
    public static long ofBytes(byte[] b, int off, int len, boolean compression) {
        // Short text that is a canonical integer is written as one, when it fits 32 bits.
        if (len <= 11 && Numbers.isLong(b, off, len)) {
            int asInteger = integerEncoding(Numbers.parseLong(b, off, len));
            if (asInteger > 0) {
                return asInteger;
            }
        }
        if (compression && len > 20) {
            long compressed = compressed(b, off, len);
            if (compressed > 0) {
                return compressed;
            }
        }
        return length(len) + len;
    }

    /** An integer value written as a string: the integer encoding, or its digits. */
    public static long ofInteger(long n) {
        int asInteger = integerEncoding(n);
        return asInteger > 0 ? asInteger : length(Numbers.digits(n)) + Numbers.digits(n);
    }

    /** The bytes of an LZF blob (type, both lengths, data), or 0 when it would save under 4 bytes. */
    private static long compressed(byte[] b, int off, int len) {
        int maxOut = len - 4;
        byte[] out = new byte[maxOut + 1];
        int n = Lzf.compress(b, off, len, out, maxOut);
        if (n == 0) {
            return 0;
        }
        return 1 + length(n) + length(len) + n;
    }

    /** Bytes of Redis's integer encoding: 2, 3 or 5 for 8-, 16- and 32-bit values, 0 beyond. */
    static int integerEncoding(long v) {
        if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            return 2;
        }
        if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            return 3;
        }
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            return 5;
        }
        return 0;
    }

    /** Bytes of an RDB length: 1 below 64, 2 below 16384, 5 up to 2^32 - 1, else 9. */
    public static int length(long n) {
        if (n < 1 << 6) {
            return 1;
        }
        if (n < 1 << 14) {
            return 2;
        }
        if (n <= 0xFFFFFFFFL) {
            return 5;
        }
        return 9;
    }
}
