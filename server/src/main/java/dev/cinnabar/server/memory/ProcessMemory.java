package dev.cinnabar.server.memory;

import dev.cinnabar.datatypes.value.JvmSizes;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the operating system and the JVM say about memory: the resident set of the process (RSS)
 * and the machine's physical memory, from {@code /proc} as Redis reads them, and the JVM heap
 * figures that stand in for an allocator's.
 */
public final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path MEMINFO = Path.of("/proc/meminfo");
    private static final MemoryMXBean JVM = ManagementFactory.getMemoryMXBean();

    private ProcessMemory() {
    }

    /** Resident bytes of this process, or what the JVM has committed where /proc is missing. */
    public static long rss() {
        long kb = kilobytes(STATUS, "VmRSS:");
        if (kb >= 0) {
            return kb * 1024;
        }
        return JVM.getHeapMemoryUsage().getCommitted() + JVM.getNonHeapMemoryUsage().getCommitted();
    }

    /** Physical memory of the machine (Redis's total_system_memory), not a container limit. */
    public static long totalSystemMemory() {
        long kb = kilobytes(MEMINFO, "MemTotal:");
        if (kb >= 0) {
            return kb * 1024;
        }
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getTotalMemorySize();
        }
        return 0;
    }

    /** Loads what the figures need (management beans, the collector's region size) ahead of use. */
    public static void warmUp() {
        heapUsed();
        rss();
        totalSystemMemory();
        JvmSizes.warmUp();
    }

    public static long heapUsed() {
        return JVM.getHeapMemoryUsage().getUsed();
    }

    public static long heapCommitted() {
        return JVM.getHeapMemoryUsage().getCommitted();
    }

    /** The number after {@code field} in a /proc file of "Name:   123 kB" lines, or -1. */
    static long kilobytes(Path file, String field) {
        try {
            String text = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
            int at = text.indexOf(field);
            if (at < 0) {
                return -1;
            }
            int i = at + field.length();
            while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
                i++;
            }
            long v = 0;
            int start = i;
            while (i < text.length() && Character.isDigit(text.charAt(i))) {
                v = v * 10 + (text.charAt(i) - '0');
                i++;
            }
            return i > start ? v : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
