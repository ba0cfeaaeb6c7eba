package dev.cinnabar.server.stats;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time for INFO's {@code cpu} section: the process's user and system time, and the engine
 * thread's (Redis's "main thread"), in microseconds.
 */
public final class CpuUsage {
    private static final Path PROC_STAT = Path.of("/proc/self/stat");
    /** Linux reports /proc times in clock ticks of 1/100 s (USER_HZ) on every common platform. */
    private static final long MICROS_PER_TICK = 10_000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuUsage() {
    }

    /** {user, system} microseconds used by the whole process. */
    public static long[] process() {
        try {
            String stat = new String(Files.readAllBytes(PROC_STAT), StandardCharsets.US_ASCII);
            // The command name in parentheses may hold spaces; the fields start after its ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // After the name: state is field 3 of the file, utime 14 and stime 15.
            return new long[] {Long.parseLong(f[11]) * MICROS_PER_TICK, Long.parseLong(f[12]) * MICROS_PER_TICK};
        } catch (IOException | RuntimeException e) {
            return processFromJvm();
        }
    }

    /** Where /proc is missing: the JVM's total, all counted as user time. */
    private static long[] processFromJvm() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            long nanos = ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
            return new long[] {Math.max(0, nanos / 1000), 0};
        }
        return new long[] {0, 0};
    }

    /** {user, system} microseconds used by the calling thread; INFO runs on the engine thread. */
    public static long[] currentThread() {
        if (!THREADS.isCurrentThreadCpuTimeSupported()) {
            return new long[] {0, 0};
        }
        long total = THREADS.getCurrentThreadCpuTime();
        long user = THREADS.getCurrentThreadUserTime();
        if (total < 0 || user < 0) {
            return new long[] {0, 0};
        }
        return new long[] {user / 1000, Math.max(0, total - user) / 1000};
    }

    /** Seconds with six decimals, as Redis prints a struct timeval. */
    public static String seconds(long micros) {
        long frac = micros % 1_000_000;
        String f = Long.toString(frac);
        return micros / 1_000_000 + "." + "000000".substring(f.length()) + f;
    }
}
