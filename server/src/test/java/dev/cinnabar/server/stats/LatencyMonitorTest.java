package dev.cinnabar.server.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyMonitorTest {
    private static List<String> history(LatencyMonitor.Series s) {
        List<String> out = new ArrayList<>();
        s.forEach((t, ms) -> out.add(t + "=" + ms));
        return out;
    }

    @Test
    void onlySpikesAtOrAboveTheThresholdAreKeptAndZeroDisables() {
        LatencyMonitor m = new LatencyMonitor();
        m.maybeAdd(0, "command", 500, 100);
        m.maybeAdd(10, "command", 9, 100);
        assertEquals(0, m.size());
        m.maybeAdd(10, "command", 10, 100);
        assertEquals(List.of("100=10"), history(m.get("command")));
    }

    @Test
    void oneSamplePerSecondHoldingItsWorst() {
        LatencyMonitor m = new LatencyMonitor();
        m.add("command", 5, 100);
        m.add("command", 20, 100);
        m.add("command", 7, 100);
        m.add("command", 3, 101);
        LatencyMonitor.Series s = m.get("command");
        assertEquals(List.of("100=20", "101=3"), history(s));
        assertEquals(20, s.max);
        assertEquals(101, s.latestTime());
        assertEquals(3, s.latestLatency());
    }

    @Test
    void theRingKeepsTheLast160Seconds() {
        LatencyMonitor m = new LatencyMonitor();
        for (int t = 1; t <= 200; t++) {
            m.add("command", t, t);
        }
        List<String> h = history(m.get("command"));
        assertEquals(160, h.size());
        assertEquals("41=41", h.get(0));
        assertEquals("200=200", h.get(159));
    }

    @Test
    void resetMatchesNamesInAnyCaseButLookupsAreExact() {
        LatencyMonitor m = new LatencyMonitor();
        m.add("command", 5, 100);
        m.add("fast-command", 5, 100);
        assertNull(m.get("COMMAND"));
        assertEquals(1, m.reset("COMMAND"));
        assertEquals(0, m.reset("command"));
        assertEquals(1, m.resetAll());
        assertEquals(0, m.size());
    }
}
