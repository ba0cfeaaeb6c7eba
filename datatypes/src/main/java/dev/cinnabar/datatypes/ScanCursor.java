package dev.cinnabar.datatypes;

/**
 * One step of Redis's SCAN cursor (dictScan) over a power-of-two table, or over both tables of
 * an incremental resize; why the cursor counts backwards in binary is told in {@link Dict}. The
 * tables that walk their buckets this way ({@link Dict}, {@link KeyTable}, {@link MemberIndex})
 * only say how to visit a bucket.
 */
final class ScanCursor {
    /** Visits bucket {@code bucket} of table {@code table} (0 the main one, 1 the one being filled). */
    @FunctionalInterface
    interface Buckets {
        void visit(int table, int bucket);
    }

    private ScanCursor() {
    }

    /**
     * Visits the buckets at {@code cursor} and returns the next cursor, 0 when the scan is done.
     * {@code length1} is 0 when no resize is under way; while one is, the cursor's bucket in the
     * smaller table and all its expansions in the larger one are visited.
     */
    static long step(long cursor, int length0, int length1, Buckets buckets) {
        long v = cursor;
        if (length1 == 0) {
            long m0 = length0 - 1;
            buckets.visit(0, (int) (v & m0));
            return next(v, m0);
        }
        int small = length0 <= length1 ? 0 : 1;
        long m0 = (small == 0 ? length0 : length1) - 1;
        long m1 = (small == 0 ? length1 : length0) - 1;
        buckets.visit(small, (int) (v & m0));
        do {
            buckets.visit(1 - small, (int) (v & m1));
            v = next(v, m1);
        } while ((v & (m0 ^ m1)) != 0);
        return v;
    }

    /** The cursor after {@code v} for a table of mask {@code mask}: its high bits incremented. */
    static long next(long v, long mask) {
        return Long.reverse(Long.reverse(v | ~mask) + 1);
    }
}
