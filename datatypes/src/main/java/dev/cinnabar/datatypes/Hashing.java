package dev.cinnabar.datatypes;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Hash functions for byte strings.
 *
 * <p>Keys come from clients, so the keyspace hash is seeded with a random value chosen at start:
 * an attacker who cannot guess the seed cannot build keys that all land in one bucket. The mixing
 * reads eight bytes at a time and finishes with a strong avalanche, which the SCAN cursor needs:
 * it walks buckets by the low bits of the hash, so those bits must depend on every byte.
 */
public final class Hashing {
    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long P1 = 0x9E3779B97F4A7C15L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;

    /** The process-wide seed for keyspace and collection hashing. */
    public static final long SEED = RandomBytes.nextLong();

    private Hashing() {
    }

    public static int hash(byte[] b) {
        return hash(b, 0, b.length, SEED);
    }

    public static int hash(byte[] b, int off, int len) {
        return hash(b, off, len, SEED);
    }

    public static int hash(byte[] b, int off, int len, long seed) {
        long h = seed ^ (len * P1);
        int p = off;
        int end = off + len;
        while (end - p >= 8) {
            long k = (long) LONGS.get(b, p);
            h = Long.rotateLeft(h ^ (k * P2), 29) * P1;
            p += 8;
        }
        long tail = 0;
        for (int shift = 0; p < end; p++, shift += 8) {
            tail |= (b[p] & 0xffL) << shift;
        }
        h = Long.rotateLeft(h ^ (tail * P2), 29) * P1;
        return (int) finish(h);
    }

    /** Hash ignoring ASCII case, for command names typed in any case. */
    public static int hashIgnoreCase(byte[] b, int off, int len) {
        long h = len * P1;
        for (int i = off, end = off + len; i < end; i++) {
            h = (h ^ lowerAscii(b[i])) * P2;
        }
        return (int) finish(h);
    }

    /**
     * {@code c} with A-Z folded to a-z, without a branch: the command lookup inlines this into the
     * dispatcher, and a branch that had only ever seen upper case there made the JIT throw away
     * the whole compiled dispatcher the first time a lower-case name arrived.
     */
    static int lowerAscii(int c) {
        return c + ((~((c - 'A') | ('Z' - c)) >>> 31) << 5);
    }

    private static long finish(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }
}
