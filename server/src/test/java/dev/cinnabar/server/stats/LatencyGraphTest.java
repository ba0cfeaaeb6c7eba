package dev.cinnabar.server.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LatencyGraphTest {
    @Test
    void oneSampleAsRedisDrawsIt() {
        LatencyMonitor m = new LatencyMonitor();
        m.add("command", 20, 1000);
        // Byte for byte what redis-server 7.0.15 answered for a single 20 ms spike just recorded.
        assertEquals("command - high 20 ms, low 20 ms (all time high 20 ms)\n"
                + "-".repeat(80) + "\n"
                + " \n \n \n_\n \n0\ns\n", LatencyGraph.render(m.get("command"), 1000));
    }

    @Test
    void barsScaleBetweenTheLowestAndHighestSample() {
        LatencyMonitor m = new LatencyMonitor();
        m.add("command", 10, 1000);
        m.add("command", 40, 1030);
        m.add("command", 100, 1100);
        String g = LatencyGraph.render(m.get("command"), 1130);
        String[] lines = g.split("\n", -1);
        assertEquals("command - high 100 ms, low 10 ms (all time high 100 ms)", lines[0]);
        // 100 ms fills the top row; 40 ms is (30 * 12 / 90) = step 4: row 3 of 4 from the top shows
        // 'o' and the row below is filled with '|'; 10 ms is the bottom glyph only.
        assertEquals("  #", lines[2]);
        assertEquals("  |", lines[3]);
        assertEquals(" o|", lines[4]);
        assertEquals("_||", lines[5]);
        assertEquals("   ", lines[6]);
        // Ages 130 s, 100 s and 30 s, written downwards.
        assertEquals("213", lines[7]);
        assertEquals("mm0", lines[8]);
        assertEquals("  s", lines[9]);
        assertEquals("", lines[10]);
        assertEquals(11, lines.length);
    }

    @Test
    void agesUseTheLargestWholeUnit() {
        assertEquals("59s", LatencyGraph.ago(59));
        assertEquals("1m", LatencyGraph.ago(60));
        assertEquals("59m", LatencyGraph.ago(3599));
        assertEquals("1h", LatencyGraph.ago(3600));
        assertEquals("2d", LatencyGraph.ago(2 * 86400 + 5));
    }
}
