package dev.cinnabar.server.scripting;

import dev.cinnabar.datatypes.Lzf;
import java.io.ByteArrayOutputStream;

/** RDB string encoding for DUMP payloads: lengths, raw bytes, LZF over 20 bytes, integers. */
final class RdbStrings {
    private RdbStrings() {
    }

    static void writeLength(ByteArrayOutputStream out, long len) {
        if (len < 1 << 6) {
            out.write((int) len);
        } else if (len < 1 << 14) {
            out.write((int) (0x40 | (len >> 8)));
            out.write((int) (len & 0xff));
        } else if (len <= 0xffffffffL) {
            out.write(0x80);
            for (int i = 3; i >= 0; i--) {
                out.write((int) (len >>> (8 * i)) & 0xff);
            }
        } else {
            out.write(0x81);
            for (int i = 7; i >= 0; i--) {
                out.write((int) (len >>> (8 * i)) & 0xff);
            }
        }
    }

    /** rdbSaveRawString for a library's code (never an integer: it starts with "#!"). */
    static void write(ByteArrayOutputStream out, byte[] s, boolean compress) {
        if (compress && s.length > 20) {
            byte[] c = new byte[s.length - 4 + 1];
            int n = Lzf.compress(s, 0, s.length, c, s.length - 4);
            if (n > 0) {
                out.write(0xC3);
                writeLength(out, n);
                writeLength(out, s.length);
                out.write(c, 0, n);
                return;
            }
        }
        writeLength(out, s.length);
        out.write(s, 0, s.length);
    }

    /** Reads a length; {@code enc[0]} is set to the encoding when the value is an encoded string. */
    private static long readLength(byte[] b, int[] pos, int end, int[] enc) {
        if (pos[0] >= end) {
            return -1;
        }
        int first = b[pos[0]++] & 0xff;
        int type = first >> 6;
        enc[0] = -1;
        if (type == 0) {
            return first & 0x3f;
        }
        if (type == 1) {
            if (pos[0] >= end) {
                return -1;
            }
            return (first & 0x3f) << 8 | (b[pos[0]++] & 0xff);
        }
        if (type == 3) {
            enc[0] = first & 0x3f;
            return 0;
        }
        int n = first == 0x80 ? 4 : first == 0x81 ? 8 : -1;
        if (n < 0 || pos[0] + n > end) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = v << 8 | (b[pos[0]++] & 0xff);
        }
        return v;
    }

    /** rdbGenericLoadStringObject; null when the bytes are not a valid string. */
    static byte[] read(byte[] b, int[] pos, int end) {
        int[] enc = new int[1];
        long len = readLength(b, pos, end, enc);
        if (len < 0) {
            return null;
        }
        if (enc[0] >= 0) {
            switch (enc[0]) {
                case 0:
                case 1:
                case 2: {
                    int n = 1 << enc[0];
                    if (pos[0] + n > end) {
                        return null;
                    }
                    long v = 0;
                    for (int i = 0; i < n; i++) {
                        v |= (long) (b[pos[0]++] & 0xff) << (8 * i);
                    }
                    v = n == 1 ? (byte) v : n == 2 ? (short) v : (int) v;
                    return Long.toString(v).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                }
                case 3: {
                    int[] e2 = new int[1];
                    long clen = readLength(b, pos, end, e2);
                    long ulen = readLength(b, pos, end, e2);
                    if (clen < 0 || ulen < 0 || pos[0] + clen > end || ulen > Integer.MAX_VALUE) {
                        return null;
                    }
                    byte[] out = new byte[(int) ulen];
                    int got = Lzf.decompress(b, pos[0], (int) clen, out);
                    pos[0] += (int) clen;
                    return got == ulen ? out : null;
                }
                default:
                    return null;
            }
        }
        if (pos[0] + len > end) {
            return null;
        }
        byte[] out = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + (int) len);
        pos[0] += (int) len;
        return out;
    }
}
