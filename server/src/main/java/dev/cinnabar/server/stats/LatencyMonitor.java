package dev.cinnabar.server.stats;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The latency monitor: for each event class ({@code command}, {@code fast-command}) a ring of the
 * last 160 seconds that had a spike at or above {@code latency-monitor-threshold} milliseconds,
 * one sample per second holding that second's worst, plus the worst ever seen.
 */
public final class LatencyMonitor {
    static final int SAMPLES = 160;

    /** One event class's samples. */
    public static final class Series {
        public final String event;
        final long[] times = new long[SAMPLES];
        final long[] latencies = new long[SAMPLES];
        /** Where the next sample goes; the oldest sample when the ring is full. */
        int next;
        public long max;

        Series(String event) {
            this.event = event;
        }

        /** Runs {@code visitor} over the samples held, oldest first. */
        public void forEach(SampleVisitor visitor) {
            for (int j = 0; j < SAMPLES; j++) {
                int i = (next + j) % SAMPLES;
                if (times[i] != 0) {
                    visitor.sample(times[i], latencies[i]);
                }
            }
        }

        public int sampleCount() {
            int n = 0;
            for (long t : times) {
                if (t != 0) {
                    n++;
                }
            }
            return n;
        }

        public long latestTime() {
            return times[(next + SAMPLES - 1) % SAMPLES];
        }

        public long latestLatency() {
            return latencies[(next + SAMPLES - 1) % SAMPLES];
        }
    }

    @FunctionalInterface
    public interface SampleVisitor {
        void sample(long unixSeconds, long millis);
    }

    /** By event name, in creation order. */
    private final Map<String, Series> events = new LinkedHashMap<>();

    /** Records {@code millis} for {@code event} when the threshold (0 = off) asks for it. */
    public void maybeAdd(long thresholdMillis, String event, long millis, long unixSeconds) {
        if (thresholdMillis > 0 && millis >= thresholdMillis) {
            add(event, millis, unixSeconds);
        }
    }

    public void add(String event, long millis, long unixSeconds) {
        Series s = events.computeIfAbsent(event, Series::new);
        if (millis > s.max) {
            s.max = millis;
        }
        int prev = (s.next + SAMPLES - 1) % SAMPLES;
        if (s.times[prev] == unixSeconds) {
            // One sample per second: keep that second's worst.
            if (millis > s.latencies[prev]) {
                s.latencies[prev] = millis;
            }
            return;
        }
        s.times[s.next] = unixSeconds;
        s.latencies[s.next] = millis;
        s.next = (s.next + 1) % SAMPLES;
    }

    /** The series of {@code event}, matched exactly as HISTORY and GRAPH do, or null. */
    public Series get(String event) {
        return events.get(event);
    }

    public Collection<Series> all() {
        return events.values();
    }

    public int size() {
        return events.size();
    }

    /** Drops every series; returns how many there were. */
    public int resetAll() {
        int n = events.size();
        events.clear();
        return n;
    }

    /** Drops the series named {@code event} in any letter case; returns how many went. */
    public int reset(String event) {
        int n = 0;
        for (var it = events.keySet().iterator(); it.hasNext(); ) {
            if (it.next().equalsIgnoreCase(event)) {
                it.remove();
                n++;
            }
        }
        return n;
    }
}
