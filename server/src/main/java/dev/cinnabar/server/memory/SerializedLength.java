package dev.cinnabar.server.memory;

import dev.cinnabar.datatypes.Lzf;
import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.datatypes.RawString;

/**
 * How many bytes a value takes in an RDB file, as DEBUG OBJECT reports it (serializedlength):
 * Redis's RDB encoding computed without writing anything. Strings: an integer that fits 32 bits
 * as a one-byte type and 1, 2 or 4 bytes; a longer integer as its digits; other text as a length
 * and the bytes, or LZF-compressed when it is over 20 bytes, compression is on and it saves at
 * least four bytes.
 */
public final class SerializedLength {
    private SerializedLength() {
    }

    /** The RDB length of a string value; {@code compression} is the rdbcompression setting. */
    public static long ofString(Object v, boolean compression) {
        if (v instanceof Long) {
            long n = (Long) v;
            int asInteger = integerEncoding(n);
            return asInteger > 0 ? asInteger : length(Numbers.digits(n)) + Numbers.digits(n);
        }
        byte[] b;
        int len;
        if (v instanceof RawString) {
            b = ((RawString) v).array();
            len = ((RawString) v).length();
        } else {
            b = (byte[]) v;
            len = b.length;
        }
        return ofBytes(b, 0, len, compression);
    }

    /** Redis's rdbSaveRawString, measured. */
    static long ofBytes(byte[] b, int off, int len, boolean compression) {
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
    static int length(long n) {
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
