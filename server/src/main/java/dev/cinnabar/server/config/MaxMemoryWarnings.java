package dev.cinnabar.server.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Start-up warnings about {@code maxmemory}: Redis's own for a value under 1 MB, and ours for a
 * value the JVM cannot honour. Cinnabar's data lives on the Java heap, so a maxmemory above the
 * heap limit ({@code -Xmx}) means the JVM fails with OutOfMemoryError before eviction or the
 * OOM reply ever starts; and since client buffers, the garbage collector and the server itself
 * need heap too, a maxmemory close to that limit is nearly as bad.
 */
public final class MaxMemoryWarnings {
    /** Above this share of the heap limit, maxmemory leaves too little room for everything else. */
    static final double CLOSE_TO_HEAP = 0.75;

    private MaxMemoryWarnings() {
    }

    /** The warnings for {@code maxMemory} under a heap limit of {@code maxHeap} bytes ({@link Runtime#maxMemory()}). */
    public static List<String> check(long maxMemory, long maxHeap) {
        List<String> out = new ArrayList<>();
        if (maxMemory == 0) {
            return out;
        }
        // maxmemory is unsigned in Redis: a value past 2^63 reads as negative here and is huge.
        boolean huge = maxMemory < 0;
        if (!huge && maxMemory < 1024 * 1024) {
            out.add("WARNING: You specified a maxmemory value that is less than 1MB (current value is " + maxMemory
                    + " bytes). Are you sure this is what you really want?");
        }
        if (maxHeap == Long.MAX_VALUE) {
            return out; // no heap limit known
        }
        String setting = Long.toUnsignedString(maxMemory);
        if (huge || maxMemory > maxHeap) {
            out.add("WARNING: maxmemory is " + setting + " bytes but the Java heap can grow to only " + maxHeap
                    + " bytes (-Xmx). Cinnabar keeps its data on the heap, so it would fail with OutOfMemoryError "
                    + "before maxmemory is reached and no eviction or OOM error would protect it. Start Java with "
                    + "an -Xmx of about " + suggestedHeapMegabytes(maxMemory) + "m or more, or lower maxmemory.");
        } else if (maxMemory > maxHeap * CLOSE_TO_HEAP) {
            out.add("WARNING: maxmemory is " + setting + " bytes, close to the Java heap limit of " + maxHeap
                    + " bytes (-Xmx). Client buffers and garbage collection need heap beyond the data; keep "
                    + "maxmemory under " + (long) (maxHeap * CLOSE_TO_HEAP) + " bytes or start Java with an -Xmx of "
                    + "about " + suggestedHeapMegabytes(maxMemory) + "m.");
        }
        return out;
    }

    /** A heap that leaves a quarter of itself free once maxmemory is full, in megabytes. */
    static long suggestedHeapMegabytes(long maxMemory) {
        if (maxMemory < 0) {
            return Long.MAX_VALUE >> 20;
        }
        double heap = maxMemory / CLOSE_TO_HEAP;
        return (long) Math.ceil(heap / (1024 * 1024));
    }
}
