package dev.cinnabar.server.db;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClockTest {
    @Test
    void theTimeACommandSeesFollowsTheWallClockWithinAMillisecondAndNeverRunsAhead() {
        long last = 0;
        long deadline = System.nanoTime() + 300_000_000L;
        int readings = 0;
        while (System.nanoTime() < deadline) {
            long before = System.currentTimeMillis();
            long millis = Clock.SYSTEM.millisAt(System.nanoTime());
            long after = System.currentTimeMillis();
            assertTrue(millis <= after, millis + " ahead of the wall clock " + after);
            assertTrue(millis >= before - 1, millis + " more than a millisecond behind " + before);
            assertTrue(millis >= last, "went back from " + last + " to " + millis);
            last = millis;
            readings++;
        }
        assertTrue(readings > 1000, "readings: " + readings);
    }

    @Test
    void aReadingOlderThanTheLastOneStillGetsItsWallClockTime() {
        long old = System.nanoTime();
        Clock.SYSTEM.millisAt(System.nanoTime() + 5_000_000L);
        long before = System.currentTimeMillis();
        long millis = Clock.SYSTEM.millisAt(old);
        assertTrue(millis >= before - 1 && millis <= System.currentTimeMillis(), Long.toString(millis));
    }
}
