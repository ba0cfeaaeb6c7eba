package dev.cinnabar.datatypes.value;

/**
 * Sizes of the objects the keyspace is made of, as HotSpot lays them out on a 64-bit JVM with
 * compressed class pointers and compressed oops (any heap under 32 GB): a 12-byte object header,
 * 4-byte references, fields packed into the header's tail, every object rounded up to 8 bytes.
 * Arrays add a 4-byte length to the header. The figures were checked against the heap
 * ({@code KeyspaceHeapTest}); a layout change (compact headers, uncompressed oops) shows there.
 */
public final class JvmSizes {
    public static final int OBJECT_HEADER = 12;
    public static final int ARRAY_HEADER = 16;
    public static final int REFERENCE = 4;
    /** {@code java.lang.Long}: header, 4 bytes of padding to align the long, the long. */
    public static final int LONG = 24;
    /** {@code Dict.Entry}: header, key, hash, value, next (28 bytes, rounded to 8). */
    public static final int DICT_ENTRY = 32;
    /** {@code RawString}: header, array reference, length; its array is counted apart. */
    public static final int RAW_STRING = 24;

    /** Half of G1's smallest region (1 MB): nothing smaller is ever humongous. */
    private static final long SMALLEST_HUMONGOUS = 512 * 1024;

    private JvmSizes() {
    }

    public static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }

    public static long byteArray(long length) {
        return footprint(align(ARRAY_HEADER + length));
    }

    public static long longArray(long length) {
        return footprint(align(ARRAY_HEADER + 8 * length));
    }

    public static long intArray(long length) {
        return footprint(align(ARRAY_HEADER + 4 * length));
    }

    public static long referenceArray(long length) {
        return footprint(align(ARRAY_HEADER + REFERENCE * length));
    }

    /**
     * What an object of {@code bytes} occupies. G1 gives an object of half a region or more whole
     * regions of its own, so a large table or value costs its size rounded up to regions, as a
     * large allocation in Redis costs jemalloc's size class.
     */
    static long footprint(long bytes) {
        if (bytes >= SMALLEST_HUMONGOUS) {
            long region = Collector.G1_REGION;
            if (region > 0 && bytes >= region / 2) {
                return (bytes + region - 1) / region * region;
            }
        }
        return bytes;
    }

    /**
     * Asks the JVM for its collector now rather than at the first large object; the start-up
     * warm-up calls it, since the management classes take tens of milliseconds to load.
     */
    public static void warmUp() {
        footprint(SMALLEST_HUMONGOUS);
    }

    /** G1's region size, or 0 under another collector; looked up on first need. */
    private static final class Collector {
        static final long G1_REGION = g1RegionSize();
    }

    private static long g1RegionSize() {
        try {
            com.sun.management.HotSpotDiagnosticMXBean vm = java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (!"true".equals(vm.getVMOption("UseG1GC").getValue())) {
                return 0;
            }
            return Long.parseLong(vm.getVMOption("G1HeapRegionSize").getValue());
        } catch (RuntimeException | LinkageError e) {
            return 0;
        }
    }
}
