package dev.cinnabar.server.memory;

/**
 * When to give heap back: the decisions of the engine's HeapGovernor, as a function of the figures it
 * samples, so that they can be tested with made-up figures and a made-up clock.
 *
 * <p>A JVM grows its heap for the garbage and the young collections of a load, and keeps what it
 * grew: after ~865k keys loaded without pipelining, G1 held 560 MB of heap for 145 MB of data.
 * G1 gives heap back at the end of a concurrent cycle (its Remark), down to what
 * {@code MaxHeapFreeRatio} allows, and can be made to start such a cycle through
 * {@code G1PeriodicGCInterval}. Both flags can be changed in a running JVM. So once the server
 * has been quiet for {@link #QUIET_NANOS} and the heap holds much more than its data needs, the
 * policy asks for one cycle with a low free ratio, and puts the flags back when it is over:
 * <ul>
 *   <li>the cycle's pauses are short (a young collection of an eden that the quiet kept nearly
 *       empty, and the Remark, 1-3 ms here) and the marking runs beside the engine;</li>
 *   <li>one cycle per quiet spell: periodic collections left on would mark the whole heap
 *       again every interval;</li>
 *   <li>if commands come back before the cycle has started, the flags are put back at once:
 *       under load the heap is the collector's to size.</li>
 * </ul>
 *
 * <p>The same quiet spells decide when to hand the C heap's free memory back
 * ({@link #takeNativeTrim}): the JIT compilers' arenas and the collector's work lists are freed to
 * glibc's malloc, which keeps them. Trimming once the server is quiet, and again after a cycle,
 * gave back 17 MB of an idle server's 92 MB RSS and 11 MB after a load of 865k keys; a second
 * trim later in the same quiet spell catches what the compilers freed after the first, and one
 * a minute after that what an idle server's occasional compilations leave.
 */
public final class HeapPolicy {
    /** How long the server must be quiet before heap is given back. */
    public static final long QUIET_NANOS = 2_000_000_000L;
    /**
     * A second trim in the same quiet spell, this long after it began: the compilers go on for
     * seconds after a start or a load, and free their arenas after the first trim (3-4 MB of an
     * idle server's RSS came back at a trim 12 s after start).
     */
    public static final long LATE_TRIM_NANOS = 10_000_000_000L;
    /**
     * After those two, one more trim this often for as long as the spell lasts. An idle server
     * still compiles now and then (the cron's code gets hot over minutes), and glibc keeps what
     * the compiler frees: an idle server's RSS had grown 1.7-3.4 MB two and a half minutes after
     * its start, and a trim gave back 2.2 MB of it (bench/RESULTS.md, "The idle floor, cut
     * again"). A trim of a small idle C heap took 0.1-0.2 ms in a test program; it runs on the
     * governor's thread.
     */
    public static final long IDLE_TRIM_INTERVAL_NANOS = 60_000_000_000L;
    /** Fewer commands a second than this is quiet: a cycle's few milliseconds of pauses then touch almost no request. */
    public static final long QUIET_COMMANDS_PER_SECOND = 1000;
    /** The free share of the heap the cycle leaves, at most ({@code MaxHeapFreeRatio}, percent). */
    public static final int SHRINK_MAX_FREE = 20;
    /** {@code MinHeapFreeRatio} during the cycle: it must not exceed the maximum. */
    public static final int SHRINK_MIN_FREE = 10;
    /** {@code G1PeriodicGCInterval} during the wait for the cycle, in milliseconds. */
    public static final long PERIODIC_MILLIS = 1000;
    /**
     * Heap worth giving back: at least this much above what the cycle would leave... A few
     * regions: for a server holding 5-50 MB of data they are a tenth of its RSS or more, and
     * marking so small a heap takes a few milliseconds of a background thread.
     */
    static final long WORTH_BYTES = 8L * 1024 * 1024;
    /** ...and at least this share of what is committed. */
    static final double WORTH_SHARE = 0.1;
    /**
     * The heap the server holds beyond its data (command table, pools, the JVM's own objects):
     * 8 MB was live after a full collection of an idle server; this leaves room for clients.
     */
    static final long BASELINE_BYTES = 24L * 1024 * 1024;
    /**
     * Periodic collections allowed per cycle asked for. The first is not always the cycle's start:
     * after a load G1 may have mixed collections pending, and a periodic collection then runs one
     * of those (seen after 200k SETs: the heap stayed at 32 MB for 15 MB in use). The next one
     * starts the cycle. On JDK 20 and later the Remark and Cleanup pauses count too.
     */
    static final int PERIODIC_PAUSES = 3;
    /** A cycle not seen to start or to give anything back within this time is given up. */
    static final long CYCLE_TIMEOUT_NANOS = 30_000_000_000L;

    /** What the governor must do after a sample. */
    public enum Action {
        NONE,
        /** Lower the free ratios and turn periodic collections on. */
        START_CYCLE,
        /** Enough periodic collections ran: turn them off, keep the low ratios until the cycle ends. */
        STOP_PERIODIC,
        /** The cycle is over, or given up: put every flag back. */
        RESTORE
    }

    private enum State { WATCHING, WAITING_FOR_CYCLE, IN_CYCLE }

    private State state = State.WATCHING;
    private long lastNanos;
    private long lastCommands = -1;
    /** Start of the current quiet spell, or -1 while the server is busy. */
    private long quietSince = -1;
    private long cycleStartNanos;
    private long gcsAtCycleStart;
    private long committedAtCycleStart;
    /** Collections counted when the last cycle ended; no new cycle until the heap has been used since. */
    private long gcsAfterLastCycle = -1;
    private long cycles;
    /**
     * Trims done in this quiet spell: one at {@link #QUIET_NANOS}, one at {@link #LATE_TRIM_NANOS},
     * then one every {@link #IDLE_TRIM_INTERVAL_NANOS}.
     */
    private int trimsThisSpell;
    private long lastSpellTrimNanos;
    private boolean trimDue;

    /**
     * One sample: the clock, the commands run so far, the heap committed, the heap that the last
     * collection left in use (asked for only when it matters: reading it allocates), the
     * server's own count of its data ({@code used_memory}), and the collections so far.
     */
    public Action sample(long nanos, long commands, long committed, java.util.function.LongSupplier usedAfterGc,
                  long dataBytes, long gcs) {
        boolean quiet = updateQuiet(nanos, commands);
        if (!quiet) {
            trimsThisSpell = 0;
        } else if (trimsThisSpell == 0 ? nanos - quietSince >= QUIET_NANOS
                : trimsThisSpell == 1 ? nanos - quietSince >= LATE_TRIM_NANOS
                : nanos - lastSpellTrimNanos >= IDLE_TRIM_INTERVAL_NANOS) {
            trimsThisSpell++;
            lastSpellTrimNanos = nanos;
            trimDue = true;
        }
        switch (state) {
            case WATCHING:
                if (quiet && nanos - quietSince >= QUIET_NANOS && gcs != gcsAfterLastCycle
                        && worthShrinking(committed, liveEstimate(usedAfterGc.getAsLong(), dataBytes))) {
                    state = State.WAITING_FOR_CYCLE;
                    cycleStartNanos = nanos;
                    gcsAtCycleStart = gcs;
                    committedAtCycleStart = committed;
                    cycles++;
                    return Action.START_CYCLE;
                }
                return Action.NONE;
            case WAITING_FOR_CYCLE:
                if (committed < committedAtCycleStart) {
                    // Remark gave heap back: the cycle is over.
                    return end(gcs);
                }
                if (gcs - gcsAtCycleStart >= PERIODIC_PAUSES) {
                    // The cycle has begun (or will not): no more periodic collections.
                    state = State.IN_CYCLE;
                    return Action.STOP_PERIODIC;
                }
                if (!quiet || nanos - cycleStartNanos >= CYCLE_TIMEOUT_NANOS) {
                    return end(gcs);
                }
                return Action.NONE;
            case IN_CYCLE:
                if (committed < committedAtCycleStart || nanos - cycleStartNanos >= CYCLE_TIMEOUT_NANOS) {
                    return end(gcs);
                }
                return Action.NONE;
            default:
                throw new IllegalStateException(state.name());
        }
    }

    private Action end(long gcs) {
        state = State.WATCHING;
        gcsAfterLastCycle = gcs;
        // What the cycle freed of the collector's own structures went back to malloc.
        trimDue = true;
        return Action.RESTORE;
    }

    /**
     * True during a quiet spell (after {@link #QUIET_NANOS}, after {@link #LATE_TRIM_NANOS}, then
     * every {@link #IDLE_TRIM_INTERVAL_NANOS}) and after each cycle: time to give the native
     * heap's free memory back to the system. Clears itself.
     */
    public boolean takeNativeTrim() {
        boolean due = trimDue;
        trimDue = false;
        return due;
    }

    private boolean updateQuiet(long nanos, long commands) {
        boolean quiet;
        if (lastCommands < 0 || commands < lastCommands || nanos <= lastNanos) {
            // The first sample, or the counters were reset (CONFIG RESETSTAT): no rate yet.
            quiet = false;
        } else {
            long delta = commands - lastCommands;
            quiet = delta * 1_000_000_000L < QUIET_COMMANDS_PER_SECOND * (nanos - lastNanos);
        }
        lastNanos = nanos;
        lastCommands = commands;
        if (!quiet) {
            quietSince = -1;
        } else if (quietSince < 0) {
            quietSince = nanos;
        }
        return quiet;
    }

    /**
     * What a cycle would find live: what the last collections left, unless the server counts far
     * less data than that. Young collections leave dead old objects counted until a cycle marks
     * them, so after a FLUSHALL only the server's own count knows the heap is nearly empty.
     */
    static long liveEstimate(long usedAfterGc, long dataBytes) {
        return Math.min(usedAfterGc, dataBytes + BASELINE_BYTES);
    }

    /** True when a cycle would give back a good part of the committed heap. */
    static boolean worthShrinking(long committed, long live) {
        long leaves = (long) (live / (1 - SHRINK_MAX_FREE / 100.0));
        long excess = committed - leaves;
        return excess >= WORTH_BYTES && excess >= committed * WORTH_SHARE;
    }

    /** Cycles asked for so far. */
    long cycles() {
        return cycles;
    }

    public boolean inCycle() {
        return state != State.WATCHING;
    }
}
