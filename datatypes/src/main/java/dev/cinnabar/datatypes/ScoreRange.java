package dev.cinnabar.datatypes;

/**
 * A score interval of a sorted set, as ZRANGEBYSCORE, ZCOUNT and ZREMRANGEBYSCORE take it: each
 * end inclusive, or exclusive when written with a leading {@code (}. Infinite ends are plain
 * infinities.
 */
public final class ScoreRange implements SkipList.Range {
    public final double min;
    public final double max;
    public final boolean minExclusive;
    public final boolean maxExclusive;

    public ScoreRange(double min, boolean minExclusive, double max, boolean maxExclusive) {
        this.min = min;
        this.max = max;
        this.minExclusive = minExclusive;
        this.maxExclusive = maxExclusive;
    }

    /**
     * Reads the two ends as Redis's zslParseRange does (C's {@code strtod}, so leading spaces,
     * {@code inf} and an out-of-range exponent are accepted, NaN is not); null when either end
     * is not a number.
     */
    public static ScoreRange parse(byte[] minArg, int minOff, int minLen, byte[] maxArg, int maxOff, int maxLen) {
        boolean minEx = minLen > 0 && minArg[minOff] == '(';
        boolean maxEx = maxLen > 0 && maxArg[maxOff] == '(';
        double min = minEx ? Doubles.parseStrtod(minArg, minOff + 1, minLen - 1) : Doubles.parseStrtod(minArg, minOff, minLen);
        double max = maxEx ? Doubles.parseStrtod(maxArg, maxOff + 1, maxLen - 1) : Doubles.parseStrtod(maxArg, maxOff, maxLen);
        if (Double.isNaN(min) || Double.isNaN(max)) {
            return null;
        }
        return new ScoreRange(min, minEx, max, maxEx);
    }

    public static ScoreRange parse(byte[] min, byte[] max) {
        return parse(min, 0, min.length, max, 0, max.length);
    }

    /** True when {@code v} is not below the lower end. */
    public boolean aboveMin(double v) {
        return minExclusive ? v > min : v >= min;
    }

    /** True when {@code v} is not above the upper end. */
    public boolean belowMax(double v) {
        return maxExclusive ? v < max : v <= max;
    }

    @Override
    public boolean aboveMin(SkipList list, int node) {
        return aboveMin(list.score(node));
    }

    @Override
    public boolean belowMax(SkipList list, int node) {
        return belowMax(list.score(node));
    }

    public boolean contains(double v) {
        return aboveMin(v) && belowMax(v);
    }

    /** True when no score can be in the interval. */
    @Override
    public boolean isEmpty() {
        return min > max || (min == max && (minExclusive || maxExclusive));
    }
}
