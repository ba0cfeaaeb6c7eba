package dev.cinnabar.server.stats;

import dev.cinnabar.datatypes.Doubles;
import dev.cinnabar.server.config.ServerConfig;

/**
 * LATENCY DOCTOR's report: a summary of each latency event recorded, then advice that follows
 * from which events occurred and from the configuration. Meant for people, so the wording is ours;
 * the figures are the ones Redis computes (mean, mean absolute deviation, spacing of spikes).
 */
public final class LatencyDoctor {
    private LatencyDoctor() {
    }

    public static String report(LatencyMonitor monitor, ServerConfig config, long nowSeconds) {
        StringBuilder out = new StringBuilder();
        if (monitor.size() == 0 && config.latencyMonitorThreshold == 0) {
            out.append("The latency monitor is switched off, so there is nothing to analyse. Turn it on with "
                    + "\"CONFIG SET latency-monitor-threshold <milliseconds>\": events that take at least that "
                    + "long are then recorded and can be reviewed here.\n");
            return out.toString();
        }
        if (monitor.size() == 0) {
            out.append("No latency spike has been recorded since the server started (or since the last "
                    + "LATENCY RESET). Nothing to worry about.\n");
            return out.toString();
        }
        out.append("Latency spikes were recorded on this server. Here is what was seen:\n\n");
        boolean command = false;
        boolean fastCommand = false;
        int n = 0;
        for (LatencyMonitor.Series s : monitor.all()) {
            n++;
            Stats st = Stats.of(s, nowSeconds);
            out.append(n).append(". ").append(s.event).append(": ").append(st.samples)
                    .append(" latency spikes (average ").append(st.avg).append("ms, mean deviation ")
                    .append(st.mad).append("ms, period ")
                    .append(Doubles.fixed((double) st.period / st.samples, 2))
                    .append(" sec). Worst all time event ").append(s.max).append("ms.\n");
            command |= s.event.equalsIgnoreCase("command");
            fastCommand |= s.event.equalsIgnoreCase("fast-command");
        }
        if (!command && !fastCommand) {
            out.append("\nNone of these events comes with a known remedy; the figures above are the best "
                    + "starting point for an investigation.\n");
            return out.toString();
        }
        out.append("\nSuggestions:\n\n");
        if (command) {
            if (config.slowlogLogSlowerThan < 0) {
                out.append("- The slow log is disabled, so the slow commands behind these spikes cannot be "
                        + "identified. Enable it with 'CONFIG SET slowlog-log-slower-than ")
                        .append(config.latencyMonitorThreshold * 1000).append("'.\n");
            } else if (config.slowlogLogSlowerThan / 1000 > config.latencyMonitorThreshold) {
                out.append("- The slow log only keeps commands slower than the latency monitor threshold "
                        + "would suggest; to see the commands behind these spikes use 'CONFIG SET "
                        + "slowlog-log-slower-than ").append(config.latencyMonitorThreshold * 1000).append("'.\n");
            }
            out.append("- SLOWLOG GET lists the slowest recent commands with their arguments: look there for "
                    + "commands whose cost grows with the size of the data (KEYS, SMEMBERS, LRANGE 0 -1, ...).\n");
            out.append("- Deleting, expiring or evicting a very large value is done in one step and blocks the "
                    + "server meanwhile; splitting such values into several smaller keys spreads that cost.\n");
        }
        if (fastCommand) {
            out.append("- Commands that should take constant time were slow: the host itself may be pausing "
                    + "the process (an overloaded or oversubscribed machine, swapping, a noisy neighbour). "
                    + "Measure the intrinsic latency of the host, for example with redis-cli --intrinsic-latency.\n");
        }
        return out.toString();
    }

    /** Sample count, mean, mean absolute deviation and the span of time the samples cover. */
    static final class Stats {
        int samples;
        long avg;
        long mad;
        long period;

        static Stats of(LatencyMonitor.Series s, long nowSeconds) {
            Stats st = new Stats();
            long[] sum = {0};
            long[] oldest = {0};
            s.forEach((time, millis) -> {
                st.samples++;
                sum[0] += millis;
                if (oldest[0] == 0 || time < oldest[0]) {
                    oldest[0] = time;
                }
            });
            if (st.samples == 0) {
                return st;
            }
            st.avg = sum[0] / st.samples;
            st.period = Math.max(1, nowSeconds - oldest[0]);
            long[] dev = {0};
            s.forEach((time, millis) -> dev[0] += Math.abs(st.avg - millis));
            st.mad = dev[0] / st.samples;
            return st;
        }
    }
}
