package dev.cinnabar.server.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Expected figures were read from redis-server 7.0.15 after calls of the same durations. */
class LatencyHistogramTest {
    private static List<String> rows(LatencyHistogram h) {
        List<String> out = new ArrayList<>();
        h.cumulativeRows((micros, count) -> out.add(micros + ":" + count));
        return out;
    }

    @Test
    void percentilesAreTheTopOfTheBucketReached() {
        LatencyHistogram h = new LatencyHistogram();
        h.recordMicros(22);
        assertEquals(22015, h.valueAtPercentile(50));
        assertEquals(22015, h.valueAtPercentile(99.9));
        h = new LatencyHistogram();
        h.recordMicros(46);
        assertEquals(46079, h.valueAtPercentile(50));
        h = new LatencyHistogram();
        h.recordMicros(942);
        assertEquals(942079, h.valueAtPercentile(99));
        h = new LatencyHistogram();
        h.recordMicros(8);
        assertEquals(8031, h.valueAtPercentile(100));
    }

    @Test
    void theZerothPercentileIsTheBottomOfTheFirstBucket() {
        LatencyHistogram h = new LatencyHistogram();
        h.recordMicros(42);
        h.recordMicros(242);
        assertEquals(41984, h.valueAtPercentile(0));
        // 10% of 2 calls rounds to 0 calls, which counts as the first one.
        assertEquals(42239, h.valueAtPercentile(10));
        assertEquals(42239, h.valueAtPercentile(50.5));
        assertEquals(242687, h.valueAtPercentile(99.99));
        assertEquals(242687, h.valueAtPercentile(100));
    }

    @Test
    void theCountAtAPercentileIsRoundedToNearest() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 1; i <= 10; i++) {
            h.recordMicros(i * 100L);
        }
        // 10% of 10 calls is the 1st; 14% is 1.4, rounded to the 1st too (HdrHistogram's own
        // reading would round up to the 2nd).
        assertEquals(h.valueAtPercentile(10), h.valueAtPercentile(14));
        assertEquals(h.valueAtPercentile(20), h.valueAtPercentile(15));
    }

    @Test
    void zeroMicrosecondsCountsInTheFirstRow() {
        LatencyHistogram h = new LatencyHistogram();
        h.recordMicros(0);
        assertEquals(List.of("1:1"), rows(h));
        assertEquals(1, h.totalCount());
    }

    @Test
    void rowsArePowersOfTwoWhereTheCountGrew() {
        LatencyHistogram h = new LatencyHistogram();
        // SET six times on redis-server: 9, 11, 11, 12, 13 and 24 us gave 8:1, 16:5, 33:6.
        for (long us : new long[] {8, 11, 11, 12, 13, 24}) {
            h.recordMicros(us);
        }
        assertEquals(List.of("8:1", "16:5", "33:6"), rows(h));
        LatencyHistogram info = new LatencyHistogram();
        for (long us : new long[] {42, 140, 242, 708, 1000}) {
            info.recordMicros(us);
        }
        assertEquals(List.of("66:1", "264:3", "1056:5"), rows(info));
    }

    @Test
    void callsPastTheLastRowLandAtTheTopOfTheRange() {
        LatencyHistogram h = new LatencyHistogram();
        h.recordMicros(100);
        h.recordMicros(600_000);
        h.recordMicros(5_000_000); // above the one-second ceiling: kept as one second
        assertEquals(List.of("132:1", "1073741:3"), rows(h));
        assertEquals(3, h.totalCount());
    }
}
