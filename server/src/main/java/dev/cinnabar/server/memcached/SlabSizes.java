package dev.cinnabar.server.memcached;

/**
 * memcached's default slab classes (chunk sizes from 96 bytes growing by a factor of 1.25,
 * 8-byte aligned, up to half a 1 MB page) and its item size accounting, for the figures meta's
 * {@code me} prints ({@code cls}, {@code size}). Cinnabar does not allocate in slabs; these are
 * what memcached 1.6.18 would report for the same item.
 */
final class SlabSizes {
    /** sizeof(item) on a 64-bit build. */
    private static final int ITEM_HEADER = 48;
    private static final int CHUNK_SIZE = 48;
    private static final double FACTOR = 1.25;
    private static final int CHUNK_MAX = 512 * 1024;
    private static final int[] SIZES = build();

    private SlabSizes() {
    }

    private static int[] build() {
        int[] sizes = new int[64];
        int n = 1;
        long size = ITEM_HEADER + CHUNK_SIZE;
        while (n < 63) {
            if (size >= CHUNK_MAX / FACTOR) {
                break;
            }
            if (size % 8 != 0) {
                size += 8 - size % 8;
            }
            sizes[n++] = (int) size;
            size = (long) (size * FACTOR) & 0xffffffffL;
        }
        sizes[n] = CHUNK_MAX;
        return java.util.Arrays.copyOf(sizes, n + 1);
    }

    /** ITEM_ntotal: header, key and its NUL, value and its CR LF, flags when non-zero, CAS. */
    static long itemTotal(int keyLength, int flags, int valueLength) {
        return ITEM_HEADER + keyLength + 1 + valueLength + 2 + (flags != 0 ? 4 : 0) + 8;
    }

    /** slabs_clsid: the smallest class the item fits, the largest when it fits none. */
    static int classOf(long total) {
        int largest = SIZES.length - 1;
        for (int i = 1; i <= largest; i++) {
            if (total <= SIZES[i]) {
                return i;
            }
        }
        return largest;
    }
}
