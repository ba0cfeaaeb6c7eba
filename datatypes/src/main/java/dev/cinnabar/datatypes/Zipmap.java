package dev.cinnabar.datatypes;

/**
 * Reading Redis's zipmap, the small-hash encoding of Redis 2.4 and older (RDB type 9). Redis 7.0
 * checks a zipmap deeply and turns it into a listpack hash while loading; nothing writes one.
 *
 * <p>Layout: one byte of pair count (254 or more: count them), then per pair the field's length,
 * the field, the value's length, one byte of free space after the value, the value, the free
 * bytes; then 0xFF. A length is one byte below 254, else 254 (or 255) and a u32 in the writer's
 * byte order (little-endian on every machine Redis ran on).
 *
 * <p>{@link #validate} applies Redis 7.0's zipmapValidateIntegrity rules, with the check
 * Redis added for CVE-2026-25243 (in Debian's 7.0.15 since deb12u10): a length below 254 written
 * in the 5-byte form is corrupt. Nothing is read outside the array, whatever the bytes.
 */
public final class Zipmap {
    public static final int END = 0xFF;
    private static final int BIGLEN = 254;

    private Zipmap() {
    }

    /** Told about each pair in order; the bytes point into the zipmap. */
    @FunctionalInterface
    public interface PairVisitor {
        /** False stops the walk. */
        boolean accept(byte[] zm, int fieldOffset, int fieldLength, int valueOffset, int valueLength);
    }

    /** Redis's zipmapValidateIntegrity. */
    public static boolean validate(byte[] zm, boolean deep) {
        int size = zm.length;
        if (size < 2) {
            return false;
        }
        if ((zm[size - 1] & 0xFF) != END) {
            return false;
        }
        if (!deep) {
            return true;
        }
        long count = 0;
        long p = 1;
        long last = size - 1;
        while ((zm[(int) p] & 0xFF) != END) {
            int s = lengthSize(zm, (int) p);
            if (p + s < 2 || p + s > last) {
                return false;
            }
            long l = length(zm, (int) p);
            if (l < BIGLEN && s != 1) {
                return false;
            }
            p += s + l;
            if (p > last) {
                return false;
            }
            s = lengthSize(zm, (int) p);
            if (p + s > last) {
                return false;
            }
            l = length(zm, (int) p);
            if (l < BIGLEN && s != 1) {
                return false;
            }
            p += s;
            int free = zm[(int) p] & 0xFF;
            p += 1 + l + free;
            count++;
            if (p > last) {
                return false;
            }
        }
        if (count == 0) {
            return false;
        }
        int header = zm[0] & 0xFF;
        return header == BIGLEN || header == count;
    }

    /**
     * Walks the pairs of a zipmap that passed a deep {@link #validate}; returns false when the
     * visitor stopped the walk.
     */
    public static boolean forEach(byte[] zm, PairVisitor visitor) {
        int p = 1;
        while ((zm[p] & 0xFF) != END) {
            int flen = (int) length(zm, p);
            int foff = p + lengthSize(zm, p);
            p = foff + flen;
            int vlen = (int) length(zm, p);
            p += lengthSize(zm, p);
            int free = zm[p] & 0xFF;
            int voff = p + 1;
            p = voff + vlen + free;
            if (!visitor.accept(zm, foff, flen, voff, vlen)) {
                return false;
            }
        }
        return true;
    }

    private static int lengthSize(byte[] zm, int p) {
        return (zm[p] & 0xFF) < BIGLEN ? 1 : 5;
    }

    /** A length; for the 5-byte form the caller has checked that the 4 bytes are there. */
    private static long length(byte[] zm, int p) {
        int b = zm[p] & 0xFF;
        if (b < BIGLEN) {
            return b;
        }
        return (zm[p + 1] & 0xFFL) | (zm[p + 2] & 0xFFL) << 8 | (zm[p + 3] & 0xFFL) << 16 | (zm[p + 4] & 0xFFL) << 24;
    }
}
