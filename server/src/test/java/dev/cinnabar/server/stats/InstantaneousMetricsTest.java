package dev.cinnabar.server.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InstantaneousMetricsTest {
    @Test
    void ratesAreTheMeanOfSixteenSamplesPerSecond() {
        InstantaneousMetrics m = new InstantaneousMetrics();
        m.sample(0, 0, 0, 0, 0, 0); // baseline
        assertEquals(0, m.perSecond(InstantaneousMetrics.COMMANDS));
        long ops = 0;
        long in = 0;
        long toReplicas = 0;
        for (int i = 1; i <= 16; i++) {
            ops += 100;    // 1000 per second
            in += 1024;    // 10 KiB per second
            toReplicas += 512;
            m.sample(i * 100L, ops, in, 0, 0, toReplicas);
        }
        assertEquals(1000, m.perSecond(InstantaneousMetrics.COMMANDS));
        assertEquals(10.0, m.kbps(InstantaneousMetrics.NET_INPUT), 1e-9);
        assertEquals(0, m.kbps(InstantaneousMetrics.NET_OUTPUT), 1e-9);
        assertEquals(5.0, m.kbps(InstantaneousMetrics.NET_REPL_OUTPUT), 1e-9);
        assertEquals(0, m.kbps(InstantaneousMetrics.NET_REPL_INPUT), 1e-9);
        // One idle period pulls the mean down by a sixteenth.
        m.sample(1700, ops, in, 0, 0, toReplicas);
        assertEquals(1000 * 15 / 16, m.perSecond(InstantaneousMetrics.COMMANDS));
    }

    @Test
    void resetStartsOver() {
        InstantaneousMetrics m = new InstantaneousMetrics();
        m.sample(0, 0, 0, 0, 0, 0);
        m.sample(100, 500, 0, 0, 0, 0);
        m.reset();
        assertEquals(0, m.perSecond(InstantaneousMetrics.COMMANDS));
        m.sample(200, 0, 0, 0, 0, 0);
        m.sample(300, 10, 0, 0, 0, 0);
        assertEquals(100 / 16, m.perSecond(InstantaneousMetrics.COMMANDS));
    }
}
