package dev.cinnabar.datatypes.hll;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * MurmurHash2, 64-bit version (MurmurHash64A), reading the input as little-endian words on
 * every platform, as Redis's HyperLogLog does.
 */
public final class MurmurHash64A {
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long M = 0xc6a4a7935bd1e995L;
    private static final int R = 47;

    private MurmurHash64A() {
    }

    /** The hash of {@code b[off, off+len)} with a 32-bit {@code seed} (taken as unsigned). */
    public static long hash(byte[] b, int off, int len, int seed) {
        long h = (seed & 0xffffffffL) ^ ((long) len * M);
        int end = off + (len - (len & 7));
        int p = off;
        while (p != end) {
            long k = (long) LONG_LE.get(b, p);
            k *= M;
            k ^= k >>> R;
            k *= M;
            h ^= k;
            h *= M;
            p += 8;
        }
        int rest = len & 7;
        if (rest > 0) {
            for (int i = rest - 1; i >= 0; i--) {
                h ^= (long) (b[p + i] & 0xff) << (8 * i);
            }
            h *= M;
        }
        h ^= h >>> R;
        h *= M;
        h ^= h >>> R;
        return h;
    }
}
