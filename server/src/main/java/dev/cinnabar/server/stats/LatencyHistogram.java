package dev.cinnabar.server.stats;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * One command's latency distribution, in nanoseconds between 1 ns and 1 s with two significant
 * digits: the layout Redis gives its per-command histograms, so the buckets, the percentiles of
 * INFO latencystats and the rows of LATENCY HISTOGRAM come out as the same numbers.
 *
 * <p>The storage is HdrHistogram's; the two readings are done here because Redis's C library
 * rounds percentiles and steps through its logarithmic buckets its own way.
 */
public final class LatencyHistogram {
    static final long LOWEST = 1;
    static final long HIGHEST = 1_000_000_000L;
    /** LATENCY HISTOGRAM's first row is at 1024 ns; each next one doubles. */
    private static final long FIRST_REPORT_NANOS = 1024;
    /** The largest power of two whose bucket exists in this layout; past it, one last row. */
    private static final long LAST_REPORT_NANOS = 1L << 29;
    /**
     * The highest value of the layout's last bucket ([255 * 2^22, 2^30)): Redis's iterator runs off
     * the end of the buckets looking for the 2^30 row and reports this value instead.
     */
    static final long TOP_OF_RANGE = (1L << 30) - 1;

    private final Histogram histogram = new Histogram(LOWEST, HIGHEST, 2);

    /** Adds one call that took {@code micros}; Redis records microseconds times a thousand. */
    public void recordMicros(long micros) {
        long nanos = micros > HIGHEST / 1000 ? HIGHEST : Math.max(LOWEST, micros * 1000);
        histogram.recordValue(nanos);
    }

    public long totalCount() {
        return histogram.getTotalCount();
    }

    /**
     * The value at {@code percentile} in nanoseconds: the highest value of the bucket reached by
     * the rounded count (its lowest for the 0th percentile), as INFO latencystats prints it.
     */
    public long valueAtPercentile(double percentile) {
        long total = histogram.getTotalCount();
        double p = Math.min(percentile, 100.0);
        long wanted = Math.max(1, (long) ((p / 100) * total + 0.5));
        long seen = 0;
        for (HistogramIterationValue v : histogram.recordedValues()) {
            seen += v.getCountAtValueIteratedTo();
            if (seen >= wanted) {
                long value = v.getValueIteratedTo();
                return percentile == 0.0 ? histogram.lowestEquivalentValue(value) : histogram.highestEquivalentValue(value);
            }
        }
        return 0;
    }

    /** Receives the rows of LATENCY HISTOGRAM. */
    @FunctionalInterface
    public interface RowVisitor {
        void row(long micros, long cumulativeCount);
    }

    /**
     * The cumulative rows of LATENCY HISTOGRAM: at each power of two from 1024 ns, the count of
     * calls up to the end of that bucket, labelled with the bucket's highest value in whole
     * microseconds; a row only where the count grew. Calls beyond 2^29 ns all land in a last row
     * labelled with the top of the histogram's range, as Redis's iterator reports them.
     */
    public void cumulativeRows(RowVisitor visitor) {
        long total = histogram.getTotalCount();
        long previous = 0;
        for (long level = FIRST_REPORT_NANOS; level <= LAST_REPORT_NANOS && previous < total; level <<= 1) {
            long cumulative = histogram.getCountBetweenValues(0, level);
            if (cumulative > previous) {
                visitor.row(histogram.highestEquivalentValue(level) / 1000, cumulative);
                previous = cumulative;
            }
        }
        if (previous < total) {
            visitor.row(TOP_OF_RANGE / 1000, total);
        }
    }
}
