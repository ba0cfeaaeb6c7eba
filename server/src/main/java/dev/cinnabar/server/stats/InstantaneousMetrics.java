package dev.cinnabar.server.stats;

/**
 * The {@code instantaneous_*} figures of INFO: rates per second sampled every 100 ms into a ring
 * of 16 samples and averaged, as Redis does in its cron, so they describe the last 1.6 seconds.
 */
public final class InstantaneousMetrics {
    /** Sampling period in milliseconds. */
    public static final int PERIOD_MILLIS = 100;
    static final int SAMPLES = 16;

    public static final int COMMANDS = 0;
    public static final int NET_INPUT = 1;
    public static final int NET_OUTPUT = 2;
    public static final int NET_REPL_INPUT = 3;
    public static final int NET_REPL_OUTPUT = 4;
    private static final int METRICS = 5;

    private final long[][] samples = new long[METRICS][SAMPLES];
    private final long[] lastCount = new long[METRICS];
    private int index;
    /** Long.MIN_VALUE until the first sample after a start or reset sets the baseline. */
    private long lastSampleMillis = Long.MIN_VALUE;

    /**
     * Takes one sample of each counter; the counters are totals since the last reset. The
     * replication traffic (from this replica's master, to this master's replicas) is counted
     * apart from the clients', as Redis counts it.
     */
    public void sample(long nowMillis, long commands, long netInput, long netOutput, long replInput, long replOutput) {
        if (lastSampleMillis == Long.MIN_VALUE) {
            lastSampleMillis = nowMillis;
            lastCount[COMMANDS] = commands;
            lastCount[NET_INPUT] = netInput;
            lastCount[NET_OUTPUT] = netOutput;
            lastCount[NET_REPL_INPUT] = replInput;
            lastCount[NET_REPL_OUTPUT] = replOutput;
            return;
        }
        long elapsed = nowMillis - lastSampleMillis;
        record(COMMANDS, commands, elapsed);
        record(NET_INPUT, netInput, elapsed);
        record(NET_OUTPUT, netOutput, elapsed);
        record(NET_REPL_INPUT, replInput, elapsed);
        record(NET_REPL_OUTPUT, replOutput, elapsed);
        index = (index + 1) % SAMPLES;
        lastSampleMillis = nowMillis;
    }

    private void record(int metric, long reading, long elapsedMillis) {
        long delta = reading - lastCount[metric];
        samples[metric][index] = elapsedMillis > 0 ? delta * 1000 / elapsedMillis : 0;
        lastCount[metric] = reading;
    }

    /** The mean of the ring for one metric, per second (integer division, as Redis). */
    public long perSecond(int metric) {
        long sum = 0;
        for (long s : samples[metric]) {
            sum += s;
        }
        return sum / SAMPLES;
    }

    /** Kilobytes per second of a byte counter, as INFO prints it. */
    public double kbps(int metric) {
        // Redis divides in single precision; the same rounding keeps the printed figure identical.
        return (float) perSecond(metric) / 1024f;
    }

    public void reset() {
        for (long[] ring : samples) {
            java.util.Arrays.fill(ring, 0);
        }
        java.util.Arrays.fill(lastCount, 0);
        index = 0;
        lastSampleMillis = Long.MIN_VALUE;
    }
}
