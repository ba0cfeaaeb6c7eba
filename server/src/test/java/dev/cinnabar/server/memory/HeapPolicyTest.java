package dev.cinnabar.server.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.memory.HeapPolicy.Action;
import org.junit.jupiter.api.Test;

/** The governor's decisions, from made-up heap figures and a made-up clock. */
class HeapPolicyTest {
    private static final long MB = 1024 * 1024;
    private static final long STEP = 500_000_000L; // the governor samples every 500 ms

    private final HeapPolicy policy = new HeapPolicy();
    private long nanos = 1_000_000_000L;
    private long commands;
    private long committed = 560 * MB;
    private long usedAfterGc = 145 * MB;
    private long data = 127 * MB;
    private long gcs = 30;
    private int liveAsked;

    /** The next sample, {@code perSecond} commands a second after the last one. */
    private Action step(long perSecond) {
        nanos += STEP;
        commands += perSecond / 2;
        return policy.sample(nanos, commands, committed, () -> {
            liveAsked++;
            return usedAfterGc;
        }, data, gcs);
    }

    /** Samples while quiet until the policy acts; NONE after a minute of nothing. */
    private Action quietUntilAction() {
        return untilAction(0);
    }

    /** Samples at {@code perSecond} commands a second until the policy acts; NONE after a minute. */
    private Action untilAction(long perSecond) {
        for (int i = 0; i < 120; i++) {
            Action a = step(perSecond);
            if (a != Action.NONE) {
                return a;
            }
        }
        return Action.NONE;
    }

    @Test
    void nothingWhileBusy() {
        for (int i = 0; i < 100; i++) {
            assertEquals(Action.NONE, step(45_000));
        }
        assertEquals(0, liveAsked, "the after-GC figures are read only when it matters");
    }

    @Test
    void oneCycleAfterTwoQuietSecondsThenTheFlagsGoBack() {
        step(45_000);
        long quietFrom = nanos;
        assertEquals(Action.NONE, step(0), "the first quiet sample starts the spell");
        Action a = quietUntilAction();
        assertEquals(Action.START_CYCLE, a);
        assertTrue(nanos - quietFrom >= HeapPolicy.QUIET_NANOS, "quiet for " + (nanos - quietFrom));
        assertTrue(nanos - quietFrom <= HeapPolicy.QUIET_NANOS + 2 * STEP);
        assertTrue(policy.inCycle());

        assertEquals(Action.NONE, step(0), "waiting for the periodic collection");
        gcs++; // the cycle's first pause
        assertEquals(Action.NONE, step(0), "marking");
        committed = 190 * MB; // Remark gave heap back
        assertEquals(Action.RESTORE, step(0));
        assertFalse(policy.inCycle());
        assertEquals(1, policy.cycles());

        assertEquals(Action.NONE, quietUntilAction(), "one cycle per quiet spell");
    }

    @Test
    void noCycleWhenTheHeapIsAlreadyTight() {
        committed = 190 * MB; // 145 MB in use: a cycle would leave 181 MB
        assertEquals(Action.NONE, quietUntilAction());
        assertTrue(liveAsked > 0);
    }

    @Test
    void anEmptiedKeyspaceIsWorthACycleEvenWhenCollectionsSayOtherwise() {
        committed = 200 * MB;
        usedAfterGc = 150 * MB; // dead keys stay counted until a cycle marks them
        data = MB; // FLUSHALL
        assertEquals(Action.START_CYCLE, quietUntilAction());
        assertEquals(HeapPolicy.BASELINE_BYTES + MB, HeapPolicy.liveEstimate(usedAfterGc, data));
    }

    @Test
    void smallGainsAreNotWorthACycle() {
        assertFalse(HeapPolicy.worthShrinking(200 * MB, 145 * MB), "leaves 181 MB of 200");
        assertTrue(HeapPolicy.worthShrinking(560 * MB, 145 * MB));
        assertFalse(HeapPolicy.worthShrinking(400 * MB, 300 * MB), "25 MB back is under a tenth of 400 MB");
        assertTrue(HeapPolicy.worthShrinking(150 * MB, 60 * MB), "75 MB, half the heap");
        assertFalse(HeapPolicy.worthShrinking(30 * MB, 20 * MB), "5 MB back is under 8 MB");
        // A small server after a small load: the heap's share of the RSS is what it can give back.
        assertTrue(HeapPolicy.worthShrinking(36 * MB, 16 * MB), "16 MB of 36");
    }

    @Test
    void commandsComingBackBeforeTheCycleStartsPutTheFlagsBack() {
        assertEquals(Action.START_CYCLE, quietUntilAction());
        assertEquals(Action.RESTORE, step(50_000));
        assertFalse(policy.inCycle());
    }

    @Test
    void aPendingMixedCollectionIsNotTheCycle() {
        assertEquals(Action.START_CYCLE, quietUntilAction());
        gcs++; // G1 had mixed collections pending: the periodic collection ran one, nothing shrank
        assertEquals(Action.NONE, step(0));
        assertEquals(Action.NONE, step(0), "the next periodic collection starts the cycle");
        gcs++;
        assertEquals(Action.NONE, step(0), "marking");
        committed = 190 * MB;
        assertEquals(Action.RESTORE, step(0));
        assertFalse(policy.inCycle());
    }

    @Test
    void commandsAfterAMixedCollectionEndTheWait() {
        assertEquals(Action.START_CYCLE, quietUntilAction());
        gcs++;
        assertEquals(Action.NONE, step(0));
        assertEquals(Action.RESTORE, step(50_000));
        assertFalse(policy.inCycle());
    }

    @Test
    void aCycleThatNeverStartsIsGivenUp() {
        assertEquals(Action.START_CYCLE, quietUntilAction());
        long started = nanos;
        assertEquals(Action.RESTORE, quietUntilAction());
        assertTrue(nanos - started >= HeapPolicy.CYCLE_TIMEOUT_NANOS);
    }

    @Test
    void aCycleThatGivesNothingBackEndsAtTheTimeout() {
        assertEquals(Action.START_CYCLE, quietUntilAction());
        long started = nanos;
        for (int i = 1; i < HeapPolicy.PERIODIC_PAUSES; i++) {
            gcs++;
            assertEquals(Action.NONE, step(0), "periodic collections stay on");
        }
        gcs++;
        assertEquals(Action.STOP_PERIODIC, step(0), "enough periodic collections");
        assertEquals(Action.RESTORE, quietUntilAction());
        assertTrue(nanos - started >= HeapPolicy.CYCLE_TIMEOUT_NANOS - 2 * STEP);
    }

    @Test
    void aNewLoadEarnsANewCycle() {
        assertEquals(Action.START_CYCLE, quietUntilAction());
        gcs++;
        step(0);
        committed = 190 * MB;
        assertEquals(Action.RESTORE, step(0));

        for (int i = 0; i < 20; i++) {
            step(45_000);
        }
        gcs += 10;
        committed = 480 * MB;
        assertEquals(Action.START_CYCLE, quietUntilAction());
        assertEquals(2, policy.cycles());
    }

    @Test
    void aLightTrickleIsQuiet() {
        assertEquals(Action.START_CYCLE, untilAction(HeapPolicy.QUIET_COMMANDS_PER_SECOND / 2));
    }

    @Test
    void resetCountersAreNotQuiet() {
        commands = 1_000_000;
        step(0);
        commands = 0; // CONFIG RESETSTAT
        assertEquals(Action.NONE, step(0));
        // The spell starts again from the reset.
        long from = nanos;
        assertEquals(Action.START_CYCLE, quietUntilAction());
        assertTrue(nanos - from >= HeapPolicy.QUIET_NANOS);
    }

    @Test
    void theNativeHeapIsTrimmedTwiceEarlyInAQuietSpellThenEveryMinuteAndAfterACycle() {
        committed = 100 * MB; // nothing worth a cycle: only the trim is in play
        step(45_000);
        assertFalse(policy.takeNativeTrim(), "busy");
        int trims = 0;
        for (int i = 0; i < 40; i++) {
            step(0);
            trims += policy.takeNativeTrim() ? 1 : 0;
        }
        assertEquals(2, trims, "two trims in twenty quiet seconds: at two and at ten");
        for (int i = 0; i < 360; i++) {
            step(0);
            trims += policy.takeNativeTrim() ? 1 : 0;
        }
        assertEquals(5, trims, "in 200 quiet seconds, then one a minute: at 70, 130 and 190");
        step(45_000);
        for (int i = 0; i < 4; i++) {
            step(0);
            assertFalse(policy.takeNativeTrim(), "not yet two quiet seconds");
        }
        step(0);
        assertTrue(policy.takeNativeTrim(), "a new quiet spell");

        committed = 560 * MB; // now a cycle gives heap back, and a second trim follows it
        step(45_000);
        assertEquals(Action.START_CYCLE, quietUntilAction());
        assertTrue(policy.takeNativeTrim());
        gcs++;
        committed = 200 * MB;
        assertEquals(Action.RESTORE, quietUntilAction());
        assertTrue(policy.takeNativeTrim(), "after the cycle");
        assertFalse(policy.takeNativeTrim());
    }
}
