package dev.cinnabar.datatypes;

/**
 * Redis's dict sizing rules, for the chained tables that follow them ({@link Dict},
 * {@link MemberIndex}): power-of-two lengths from 4, growth when an addition finds as many
 * entries as buckets, shrinking below a tenth full. DEBUG HTSTATS-KEY shows these lengths, so
 * they are Redis's own.
 */
final class DictSizing {
    static final int INITIAL = 4;
    static final int MAX = 1 << 30;
    /** Grow even while resizing is discouraged once there are this many entries per bucket. */
    static final int FORCE_RESIZE_RATIO = 5;
    /** Below this fill percentage a table is worth shrinking. */
    static final int MIN_FILL_PERCENT = 10;

    private DictSizing() {
    }

    /**
     * The length a table of {@code length} buckets and {@code used} entries grows to before an
     * addition, or 0 to stay (Redis's _dictExpandIfNeeded).
     */
    static int grownLength(int used, int length, boolean resizeAllowed) {
        if (used >= length && (resizeAllowed || used / length > FORCE_RESIZE_RATIO)) {
            return lengthFor(used + 1L);
        }
        return 0;
    }

    /** The length a table shrinks to after removals, or 0 to stay (Redis's htNeedsResize and dictResize). */
    static int shrunkLength(int used, int length) {
        if (length > INITIAL && (long) used * 100 / length < MIN_FILL_PERCENT) {
            return lengthFor(Math.max(used, INITIAL));
        }
        return 0;
    }

    /** The smallest power of two that holds {@code n} entries, from {@link #INITIAL} to {@link #MAX}. */
    static int lengthFor(long n) {
        if (n >= MAX) {
            return MAX;
        }
        int length = INITIAL;
        while (length < n) {
            length <<= 1;
        }
        return length;
    }
}
