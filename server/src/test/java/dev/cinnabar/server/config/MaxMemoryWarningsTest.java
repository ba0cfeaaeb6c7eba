package dev.cinnabar.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MaxMemoryWarningsTest {
    private static final long MB = 1024 * 1024;
    private static final long HEAP = 1024 * MB;

    @Test
    void noMaxmemoryOrOneWellUnderTheHeapIsFine() {
        assertEquals(List.of(), MaxMemoryWarnings.check(0, HEAP));
        assertEquals(List.of(), MaxMemoryWarnings.check(512 * MB, HEAP));
        assertEquals(List.of(), MaxMemoryWarnings.check(768 * MB, HEAP));
    }

    @Test
    void underOneMegabyteGetsRedisWarning() {
        assertEquals(List.of("WARNING: You specified a maxmemory value that is less than 1MB (current value is 1000 bytes). "
                + "Are you sure this is what you really want?"), MaxMemoryWarnings.check(1000, HEAP));
    }

    @Test
    void aboveTheHeapSaysSoAndSuggestsAHeap() {
        List<String> w = MaxMemoryWarnings.check(2048 * MB, HEAP);
        assertEquals(1, w.size());
        assertTrue(w.get(0).contains("maxmemory is 2147483648 bytes but the Java heap can grow to only 1073741824 bytes (-Xmx)"), w.get(0));
        assertTrue(w.get(0).contains("-Xmx of about 2731m"), w.get(0));
    }

    @Test
    void closeToTheHeapIsAWarningToo() {
        List<String> w = MaxMemoryWarnings.check(1000 * MB, HEAP);
        assertEquals(1, w.size());
        assertTrue(w.get(0).contains("close to the Java heap limit of 1073741824 bytes"), w.get(0));
    }

    @Test
    void anUnsignedValuePastTwoToTheSixtyThreeIsAboveAnyHeap() {
        List<String> w = MaxMemoryWarnings.check(-1L, HEAP);
        assertEquals(1, w.size());
        assertTrue(w.get(0).contains("maxmemory is 18446744073709551615 bytes"), w.get(0));
    }

    @Test
    void noHeapLimitMeansNothingToCompare() {
        assertEquals(List.of(), MaxMemoryWarnings.check(HEAP * 64, Long.MAX_VALUE));
    }
}
