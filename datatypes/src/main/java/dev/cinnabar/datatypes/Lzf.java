package dev.cinnabar.datatypes;

/**
 * LZF, the compression RDB files use for strings longer than 20 bytes. The compressor makes the
 * same choices as the liblzf build inside Redis (a 2^16-slot hash of three-byte prefixes, the
 * "very fast" variant that re-hashes two positions after each match), so that a string
 * compresses to exactly as many bytes as Redis writes for it: DEBUG OBJECT's serializedlength
 * depends on that, and RDB files written later can match Redis's byte for byte.
 *
 * <p>Stream format: a control byte below 32 starts a run of that many plus one literal bytes;
 * otherwise its top three bits are a match length minus two (7 means another byte adds to it)
 * and its low five bits with the next byte are the distance back minus one.
 */
public final class Lzf {
    private static final int HLOG = 16;
    private static final int HSIZE = 1 << HLOG;
    private static final int MAX_LIT = 1 << 5;
    private static final int MAX_OFF = 1 << 13;
    private static final int MAX_REF = (1 << 8) + (1 << 3);

    /**
     * The hash table of one thread, kept between calls. Allocating and zeroing 2^16 slots per
     * string made saving a dump of small strings fifteen times slower than Redis, whose table
     * lives uninitialized on the stack. Instead of zeroing it, each call stores positions offset
     * by a base that grows from call to call: a slot below the base is from an earlier string
     * and reads as empty, so the output is that of a zeroed table.
     */
    private static final class Table {
        final int[] slots = new int[HSIZE];
        int base = 1;

        /** Makes room for positions {@code [0, len)} above every value stored so far; returns the base. */
        int begin(int len) {
            if (base > Integer.MAX_VALUE - len - 1) {
                java.util.Arrays.fill(slots, 0);
                base = 1;
            }
            int b = base;
            base += len;
            return b;
        }
    }

    private static final ThreadLocal<Table> TABLES = ThreadLocal.withInitial(Table::new);

    private Lzf() {
    }

    /**
     * Compresses {@code in[off, off+len)} into {@code out}, which must have room for
     * {@code maxOut + 1} bytes. Returns the compressed length, or 0 when the result would not be
     * shorter than {@code maxOut} bytes (or the input is empty): the caller then stores the bytes
     * as they are.
     */
    public static int compress(byte[] in, int off, int len, byte[] out, int maxOut) {
        if (len == 0 || maxOut == 0) {
            return 0;
        }
        // Positions relative to off; 0 doubles as "empty", which is right because liblzf never
        // refers back to the very first byte either.
        Table table = TABLES.get();
        int[] htab = table.slots;
        int base = table.begin(len);
        int ip = 0;
        int op = 1; // room for the control byte of the first literal run
        int lit = 0;
        int hval = len >= 2 ? first(in, off) : 0;
        while (ip < len - 2) {
            hval = next(hval, in, off + ip);
            int slot = index(hval);
            int stored = htab[slot];
            int ref = stored >= base ? stored - base : 0;
            htab[slot] = base + ip;
            int distance = ip - ref - 1;
            if (ref > 0 && distance < MAX_OFF
                    && in[off + ref] == in[off + ip]
                    && in[off + ref + 1] == in[off + ip + 1]
                    && in[off + ref + 2] == in[off + ip + 2]) {
                int maxLen = Math.min(len - ip - 2, MAX_REF);
                // Room for the longest reference, counted after an empty literal run is dropped.
                if (op - (lit == 0 ? 1 : 0) + 3 + 1 >= maxOut) {
                    return 0;
                }
                out[op - lit - 1] = (byte) (lit - 1); // close the literal run
                if (lit == 0) {
                    op--; // an empty run is dropped
                }
                int matched = matchLength(in, off + ref, off + ip, maxLen);
                matched -= 2; // now the length minus one, as stored
                ip++;
                if (matched < 7) {
                    out[op++] = (byte) ((distance >> 8) + (matched << 5));
                } else {
                    out[op++] = (byte) ((distance >> 8) + (7 << 5));
                    out[op++] = (byte) (matched - 7);
                }
                out[op++] = (byte) distance;
                lit = 0;
                op++; // open the next literal run
                ip += matched + 1;
                if (ip >= len - 2) {
                    break;
                }
                // Hash the last two positions of the match, so that it can be referred to later.
                ip -= 2;
                hval = first(in, off + ip);
                hval = next(hval, in, off + ip);
                htab[index(hval)] = base + ip;
                ip++;
                hval = next(hval, in, off + ip);
                htab[index(hval)] = base + ip;
                ip++;
            } else {
                if (op >= maxOut) {
                    return 0;
                }
                lit++;
                out[op++] = in[off + ip++];
                if (lit == MAX_LIT) {
                    out[op - lit - 1] = (byte) (lit - 1);
                    lit = 0;
                    op++;
                }
            }
        }
        if (op + 3 > maxOut) {
            return 0;
        }
        while (ip < len) {
            lit++;
            out[op++] = in[off + ip++];
            if (lit == MAX_LIT) {
                out[op - lit - 1] = (byte) (lit - 1);
                lit = 0;
                op++;
            }
        }
        out[op - lit - 1] = (byte) (lit - 1);
        if (lit == 0) {
            op--;
        }
        return op;
    }

    /**
     * How many bytes from {@code a} equal those from {@code b}, counting the three already known
     * to. liblzf compares the next sixteen bytes unchecked when more than sixteen may match, so a
     * match near the end of the input can run up to two bytes past {@code maxLen}; that is kept,
     * since it decides the output.
     */
    private static int matchLength(byte[] in, int a, int b, int maxLen) {
        int n = 2;
        if (maxLen > 16) {
            for (int k = 0; k < 16; k++) {
                n++;
                if (in[a + n] != in[b + n]) {
                    return n;
                }
            }
        }
        do {
            n++;
        } while (n < maxLen && in[a + n] == in[b + n]);
        return n;
    }

    /** Decompresses into {@code out}; returns the length written, or -1 for a corrupt or oversized stream. */
    public static int decompress(byte[] in, int off, int len, byte[] out) {
        int ip = off;
        int end = off + len;
        int op = 0;
        while (ip < end) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < MAX_LIT) {
                int run = ctrl + 1;
                if (op + run > out.length || ip + run > end) {
                    return -1;
                }
                System.arraycopy(in, ip, out, op, run);
                ip += run;
                op += run;
            } else {
                int length = ctrl >> 5;
                if (ip >= end) {
                    return -1;
                }
                if (length == 7) {
                    length += in[ip++] & 0xff;
                    if (ip >= end) {
                        return -1;
                    }
                }
                int ref = op - ((ctrl & 0x1f) << 8) - 1 - (in[ip++] & 0xff);
                length += 2;
                if (ref < 0 || op + length > out.length) {
                    return -1;
                }
                // Byte by byte: a match may overlap the bytes it produces.
                for (int k = 0; k < length; k++) {
                    out[op++] = out[ref++];
                }
            }
        }
        return op;
    }

    private static int first(byte[] in, int p) {
        return ((in[p] & 0xff) << 8) | (in[p + 1] & 0xff);
    }

    private static int next(int hval, byte[] in, int p) {
        return (hval << 8) | (in[p + 2] & 0xff);
    }

    private static int index(int hval) {
        return ((hval >>> (3 * 8 - HLOG)) - hval * 5) & (HSIZE - 1);
    }
}
