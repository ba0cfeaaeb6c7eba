package dev.cinnabar.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.testing.ManualClock;
import org.junit.jupiter.api.Test;

class AccessClockTest {
    private final ManualClock clock = new ManualClock();
    private final Keyspace ks = new Keyspace(1, clock);
    private final AccessClock access = ks.access();

    private void advance(long ms) {
        clock.advance(ms);
        ks.updateTime();
    }

    @Test
    void idleTimeIsInWholeSecondsOfTheLruClock() {
        int meta = access.created();
        assertEquals(0, access.idleMillis(meta));
        advance(999);
        assertTrue(access.idleMillis(meta) <= 1000);
        advance(10_000);
        long idle = access.idleMillis(meta);
        assertTrue(idle == 10_000 || idle == 11_000, "idle " + idle);
    }

    @Test
    void idleTimeSurvivesTheClockWrapping() {
        // The 24-bit clock wraps every ~194 days: a stored time above the current clock was
        // taken before the wrap, LRU_CLOCK_MAX - stored + now ticks ago.
        int now = access.lruClock();
        int beforeWrap = now + 5;
        assertTrue(beforeWrap <= AccessClock.LRU_CLOCK_MAX);
        assertEquals((now + (long) AccessClock.LRU_CLOCK_MAX - beforeWrap) * 1000, access.idleMillis(beforeWrap));
    }

    @Test
    void lfuCountersStartAtFiveAndClimbOnAccess() {
        access.lfu(true);
        int meta = access.created();
        assertEquals(AccessClock.LFU_INIT_VAL, access.frequency(meta));
        // From the initial value, the first access always counts.
        meta = access.accessed(meta);
        assertEquals(6, access.frequency(meta));
        for (int i = 0; i < 100_000; i++) {
            meta = access.accessed(meta);
        }
        int f = access.frequency(meta);
        assertTrue(f > 20 && f < 255, "logarithmic growth, got " + f);
    }

    @Test
    void lfuCountersDecayOnePerMinuteUnused() {
        access.lfu(true);
        int meta = access.created();
        advance(3 * 60_000);
        assertEquals(2, access.frequency(meta));
        advance(10 * 60_000);
        assertEquals(0, access.frequency(meta));
        access.lfuDecayTime(0);
        assertEquals(5, access.frequency(meta), "decay off");
    }

    @Test
    void aHigherLogFactorSlowsTheCounter() {
        access.lfu(true);
        access.lfuLogFactor(100);
        int slow = access.created();
        for (int i = 0; i < 10_000; i++) {
            slow = access.accessed(slow);
        }
        access.lfuLogFactor(1);
        int fast = access.created();
        for (int i = 0; i < 10_000; i++) {
            fast = access.accessed(fast);
        }
        assertTrue(access.frequency(fast) > access.frequency(slow));
    }
}
