package dev.cinnabar.server.engine;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.memory.HeapPolicy;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gives the heap a load grew back to the system once the server is quiet, with the flags a
 * running JVM lets a process change ({@link HeapPolicy} has the when and why). What each
 * collector honours, measured on JDK 17 and 25 (bench/RESULTS.md, "Memory after a load"):
 * <ul>
 *   <li><b>G1</b> (the default): {@code MaxHeapFreeRatio}, at the Remark of a concurrent cycle,
 *       which {@code G1PeriodicGCInterval} starts when no collection ran for that long. This
 *       governor drives both.</li>
 *   <li><b>ParallelGC</b>: nothing that helps. Its adaptive sizing grows the young generation
 *       while young collections cost more than 1% of the time (they do whenever keys are being
 *       inserted) and never shrinks it back when idle; {@code Min/MaxHeapFreeRatio} only bound
 *       the old generation at full collections caused by allocation; an explicit full
 *       collection ({@code System.gc()}) pauses for 0.3-0.4 s on a 130 MB heap, resizes
 *       nothing and touches its compaction tables, so RSS grows. The governor leaves it alone.</li>
 *   <li>{@code SoftMaxHeapSize} is manageable on both JDKs but used only by ZGC and Shenandoah.</li>
 * </ul>
 * Flags set on the command line are the user's: the governor then leaves that flag alone, and
 * does nothing if periodic collections were configured or would run as full collections.
 *
 * <p>The samples run on the engine thread ({@link Engine#submit}), every half second, so that
 * the engine's figures are read where they are written; a sample reads a few counters and
 * allocates a few small objects.
 */
public final class HeapGovernor {
    static final long SAMPLE_MILLIS = 500;
    /** {@code -Dcinnabar.heapGovernor=false} turns it off. */
    static final String PROPERTY = "cinnabar.heapGovernor";

    private static final String MIN_FREE = "MinHeapFreeRatio";
    private static final String MAX_FREE = "MaxHeapFreeRatio";
    private static final String PERIODIC = "G1PeriodicGCInterval";

    /** One governor per JVM: the flags are the JVM's, and tests run several servers in one. */
    private static final AtomicBoolean ACTIVE = new AtomicBoolean();
    /** The JVM's flags before any governor changed them (which makes their origin "management"). */
    private static Found found;

    private final Engine engine;
    private final HotSpotDiagnosticMXBean vm;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    /** The heap's pools but eden: what a collection leaves in use is in these. */
    private final List<MemoryPoolMXBean> keptPools = new ArrayList<>();
    private final HeapPolicy policy = new HeapPolicy();
    private final EngineTask tick = e -> sample();
    /** A flag was refused: the governor put back what it could and stopped. */
    private volatile boolean failed;
    /** The engine's sample found a native trim due; the governor's thread does it. */
    private volatile boolean trimWanted;
    /** False once the JVM has said it cannot trim (not glibc, or a JDK without the command). */
    private volatile boolean canTrim = true;
    /** The ratios to put back; null when the user set them (then they stay untouched). */
    private final String minFree;
    private final String maxFree;
    private long committedAtStart;
    /** Made on the governor's thread at the first trim. */
    private NativeHeapTrim trim;

    /** What the JVM was started with, as far as the governor cares. */
    private static final class Found {
        final boolean g1;
        /** Periodic collections are free for the governor to use: not configured, and concurrent. */
        final boolean periodicFree;
        /** The free ratios as found when they were the JVM's own; null when the user set them. */
        final String minFree;
        final String maxFree;

        Found(HotSpotDiagnosticMXBean vm) {
            g1 = "true".equals(vm.getVMOption("UseG1GC").getValue());
            periodicFree = g1 && isDefault(vm, PERIODIC)
                    && "true".equals(vm.getVMOption("G1PeriodicGCInvokesConcurrent").getValue());
            boolean ratiosFree = isDefault(vm, MIN_FREE) && isDefault(vm, MAX_FREE);
            minFree = ratiosFree ? vm.getVMOption(MIN_FREE).getValue() : null;
            maxFree = ratiosFree ? vm.getVMOption(MAX_FREE).getValue() : null;
        }
    }

    private HeapGovernor(Engine engine, HotSpotDiagnosticMXBean vm, Found found) {
        this.engine = engine;
        this.vm = vm;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            // G1's pools: "G1 Eden Space", "G1 Survivor Space", "G1 Old Gen".
            if (p.getType() == MemoryType.HEAP && !p.getName().contains("Eden")) {
                keptPools.add(p);
            }
        }
        this.minFree = found.minFree;
        this.maxFree = found.maxFree;
    }

    /**
     * Starts governing the heap of this JVM for {@code engine} on a thread of its own, which
     * first checks that the collector is one the governor knows how to steer. It does so one
     * sample interval after the start: the management classes take tens of milliseconds of CPU
     * to load, and a start keeps both cores of a small machine busy until the first reply.
     */
    public static void start(Engine engine) {
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
            return;
        }
        Thread t = new Thread(() -> {
            if (!ACTIVE.compareAndSet(false, true)) {
                ServerLog.verbose("Heap governor off: another server in this JVM governs the heap");
                return;
            }
            try {
                try {
                    Thread.sleep(SAMPLE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                HeapGovernor g = create(engine);
                if (g != null) {
                    g.run();
                }
            } finally {
                ACTIVE.set(false);
            }
        }, "cinnabar-heap");
        t.setDaemon(true);
        t.start();
    }

    private static HeapGovernor create(Engine engine) {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (vm == null) {
                return null;
            }
            synchronized (HeapGovernor.class) {
                if (found == null) {
                    found = new Found(vm);
                }
            }
            if (!found.g1) {
                ServerLog.verbose("Heap governor off: it steers only G1 (this JVM runs another collector)");
                return null;
            }
            if (!found.periodicFree) {
                ServerLog.verbose("Heap governor off: G1PeriodicGCInterval or G1PeriodicGCInvokesConcurrent was set on the command line");
                return null;
            }
            HeapGovernor g = new HeapGovernor(engine, vm, found);
            ServerLog.verbose("Heap governor on: G1 gives back heap after " + HeapPolicy.QUIET_NANOS / 1_000_000_000L
                    + " s with fewer than " + HeapPolicy.QUIET_COMMANDS_PER_SECOND + " commands a second");
            return g;
        } catch (RuntimeException | LinkageError e) {
            ServerLog.verbose("Heap governor off: " + e);
            return null;
        }
    }

    private static boolean isDefault(HotSpotDiagnosticMXBean vm, String flag) {
        VMOption o = vm.getVMOption(flag);
        return o.getOrigin() == VMOption.Origin.DEFAULT || o.getOrigin() == VMOption.Origin.ERGONOMIC;
    }

    private void run() {
        try {
            while (engine.isRunning() && !failed) {
                Thread.sleep(SAMPLE_MILLIS);
                if (trimWanted) {
                    trimWanted = false;
                    trimNativeHeap();
                }
                try {
                    engine.submit(tick);
                } catch (OutOfMemoryError e) {
                    // The heap is full this instant; the next sample tries again.
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The engine is stopping (its loop refuses tasks): nothing left to govern.
        }
        if (policy.inCycle() && !failed) {
            // An embedded server stopped mid-cycle: the JVM goes on, with its own flags.
            restoreQuietly();
        }
    }

    /** One sample, on the engine thread. */
    private void sample() {
        if (failed) {
            return;
        }
        long committed = memory.getHeapMemoryUsage().getCommitted();
        long gcs = 0;
        for (GarbageCollectorMXBean gc : collectors) {
            gcs += Math.max(0, gc.getCollectionCount());
        }
        HeapPolicy.Action action = policy.sample(engine.server().clock().nanos(), engine.server().stats().commandsProcessed,
                committed, this::usedAfterLastGc, engine.server().memory().used(), gcs);
        if (policy.takeNativeTrim() && canTrim) {
            trimWanted = true;
        }
        try {
            act(action, committed);
        } catch (RuntimeException e) {
            failed = true;
            ServerLog.warning("Heap governor stopped: the JVM refused a flag (" + e.getMessage() + ")");
            restoreQuietly();
        }
    }

    /**
     * Heap in use when the last collection ended: what is in use outside eden. A collection
     * empties eden, and until the next one the survivors stay as they are and the old
     * generation grows only by objects too big for eden (a keyspace slab page is one), which
     * are counted here as soon as they exist; a concurrent cycle's Remark and Cleanup lower it.
     * The pools' "collection usage" will not do: G1's old generation updates it only at its own
     * collections. The collectors' last {@code GcInfo} would, but reading it builds open MBean
     * types by reflection: 380 KB of metaspace in a server that never needs them otherwise
     * (bench/RESULTS.md, "The idle floor, cut again").
     */
    private long usedAfterLastGc() {
        if (keptPools.isEmpty()) {
            return memory.getHeapMemoryUsage().getUsed();
        }
        long used = 0;
        for (MemoryPoolMXBean p : keptPools) {
            used += p.getUsage().getUsed();
        }
        return used;
    }

    private void act(HeapPolicy.Action action, long committed) {
        switch (action) {
            case START_CYCLE:
                committedAtStart = committed;
                if (minFree != null) {
                    // The minimum first: the JVM refuses a maximum below the minimum.
                    vm.setVMOption(MIN_FREE, Integer.toString(HeapPolicy.SHRINK_MIN_FREE));
                    vm.setVMOption(MAX_FREE, Integer.toString(HeapPolicy.SHRINK_MAX_FREE));
                }
                vm.setVMOption(PERIODIC, Long.toString(HeapPolicy.PERIODIC_MILLIS));
                ServerLog.verbose("Heap governor: quiet, asking G1 for a cycle to give back heap ("
                        + mb(committed) + " committed, " + mb(engine.server().memory().used()) + " of data)");
                break;
            case STOP_PERIODIC:
                vm.setVMOption(PERIODIC, "0");
                break;
            case RESTORE:
                restore();
                ServerLog.verbose("Heap governor: heap committed " + mb(committedAtStart) + " before the cycle, "
                        + mb(committed) + " now");
                break;
            default:
                break;
        }
    }

    private void restore() {
        vm.setVMOption(PERIODIC, "0");
        if (minFree != null) {
            // The maximum first, back above the minimum.
            vm.setVMOption(MAX_FREE, maxFree);
            vm.setVMOption(MIN_FREE, minFree);
        }
    }

    private void restoreQuietly() {
        try {
            restore();
        } catch (RuntimeException ignored) {
            // nothing more to do
        }
    }

    /** glibc's malloc_trim, on the governor's thread: it can take a few milliseconds on a fragmented heap. */
    private void trimNativeHeap() {
        try {
            if (trim == null) {
                trim = NativeHeapTrim.create();
            }
            String said = trim.run();
            if (said.contains("Not available") || said.contains("not supported")) {
                canTrim = false;
            }
            ServerLog.verbose("Heap governor: " + said);
        } catch (javax.management.JMException | RuntimeException e) {
            canTrim = false;
            ServerLog.verbose("Heap governor: no native heap trim in this JVM (" + e + ")");
        }
    }

    private static String mb(long bytes) {
        return (bytes >> 20) + " MB";
    }
}
