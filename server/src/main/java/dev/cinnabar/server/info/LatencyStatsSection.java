package dev.cinnabar.server.info;

import dev.cinnabar.datatypes.Doubles;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.stats.LatencyHistogram;

/**
 * {@code # Latencystats}: for each command with a latency histogram, the percentiles named by
 * {@code latency-tracking-info-percentiles}, in microseconds with three decimals. Empty while
 * {@code latency-tracking} is off, though the histograms are kept.
 */
final class LatencyStatsSection implements InfoSection {
    @Override
    public String name() {
        return "latencystats";
    }

    @Override
    public boolean isDefault() {
        return false;
    }

    @Override
    public void write(ServerContext server, InfoWriter out) {
        out.header("Latencystats");
        ServerConfig config = server.config();
        if (!config.latencyTracking) {
            return;
        }
        double[] percentiles = config.latencyTrackingInfoPercentiles;
        StringBuilder line = new StringBuilder(128);
        for (CommandSpec c : server.commands().all()) {
            LatencyHistogram h = c.latencyHistogram;
            if (h == null) {
                continue;
            }
            line.setLength(0);
            line.append("latency_percentiles_usec_").append(c.fullName).append(':');
            for (int i = 0; i < percentiles.length; i++) {
                if (i > 0) {
                    line.append(',');
                }
                line.append('p').append(percentileName(percentiles[i])).append('=')
                        .append(Doubles.fixed(h.valueAtPercentile(percentiles[i]) / 1000.0, 3));
            }
            out.line(line.toString());
        }
    }

    /** {@code %f} without trailing zeros or a trailing point: 99.9, 50, 1.234568. */
    static String percentileName(double p) {
        String s = Doubles.fixed(p, 6);
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        return s.substring(0, end);
    }
}
