package dev.cinnabar.server.memcached;

/**
 * Base64 for meta's binary keys (the {@code b} flag), with memcached's leniency: bytes outside
 * the alphabet are skipped, the count of alphabet bytes must be a non-zero multiple of four,
 * and decoding stops after the first block holding padding. Encoding is plain padded base64
 * with no line breaks.
 */
final class Base64Keys {
    private static final byte[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte SKIP = (byte) 0x80;
    private static final byte[] DECODE = new byte[256];

    static {
        java.util.Arrays.fill(DECODE, SKIP);
        for (int i = 0; i < ALPHABET.length; i++) {
            DECODE[ALPHABET[i]] = (byte) i;
        }
        DECODE['='] = 0;
    }

    private Base64Keys() {
    }

    /** Largest output of {@link #encode} for n input bytes. */
    static int encodedLength(int n) {
        return (n + 2) / 3 * 4;
    }

    /**
     * Decodes {@code src[off, off+len)} into {@code out} from {@code outOff} (which may overlap
     * the input at the same or an earlier position). Returns the decoded length, or 0 when
     * memcached would refuse the text.
     */
    static int decode(byte[] src, int off, int len, byte[] out, int outOff) {
        int count = 0;
        for (int i = 0; i < len; i++) {
            if (DECODE[src[off + i] & 0xff] != SKIP) {
                count++;
            }
        }
        if (count == 0 || count % 4 != 0 || count / 4 * 3 > out.length - outOff) {
            return 0;
        }
        int pos = outOff;
        int b0 = 0;
        int b1 = 0;
        int b2 = 0;
        int n = 0;
        int pad = 0;
        for (int i = 0; i < len; i++) {
            int c = src[off + i] & 0xff;
            byte t = DECODE[c];
            if (t == SKIP) {
                continue;
            }
            if (c == '=') {
                pad++;
            }
            switch (n) {
                case 0 -> b0 = t;
                case 1 -> b1 = t;
                case 2 -> b2 = t;
                default -> {
                }
            }
            n++;
            if (n == 4) {
                int b3 = t;
                out[pos++] = (byte) ((b0 << 2) | (b1 >> 4));
                out[pos++] = (byte) ((b1 << 4) | (b2 >> 2));
                out[pos++] = (byte) ((b2 << 6) | b3);
                n = 0;
                if (pad > 0) {
                    if (pad == 1) {
                        pos--;
                    } else if (pad == 2) {
                        pos -= 2;
                    } else {
                        return 0;
                    }
                    break;
                }
            }
        }
        return pos - outOff;
    }

    /** Encodes {@code src[off, off+len)} into {@code out} at {@code outOff}; returns the length written. */
    static int encode(byte[] src, int off, int len, byte[] out, int outOff) {
        int pos = outOff;
        int end = off + len;
        int in = off;
        while (end - in >= 3) {
            int a = src[in] & 0xff;
            int b = src[in + 1] & 0xff;
            int c = src[in + 2] & 0xff;
            out[pos++] = ALPHABET[a >> 2];
            out[pos++] = ALPHABET[((a & 0x03) << 4) | (b >> 4)];
            out[pos++] = ALPHABET[((b & 0x0f) << 2) | (c >> 6)];
            out[pos++] = ALPHABET[c & 0x3f];
            in += 3;
        }
        if (end - in > 0) {
            int a = src[in] & 0xff;
            out[pos++] = ALPHABET[a >> 2];
            if (end - in == 1) {
                out[pos++] = ALPHABET[(a & 0x03) << 4];
                out[pos++] = '=';
            } else {
                int b = src[in + 1] & 0xff;
                out[pos++] = ALPHABET[((a & 0x03) << 4) | (b >> 4)];
                out[pos++] = ALPHABET[(b & 0x0f) << 2];
            }
            out[pos++] = '=';
        }
        return pos - outOff;
    }
}
