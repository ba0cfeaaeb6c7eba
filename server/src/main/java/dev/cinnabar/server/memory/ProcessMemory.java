package dev.cinnabar.server.memory;

import dev.cinnabar.datatypes.value.JvmSizes;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the operating system and the JVM say about memory: the resident set of the process (RSS)
 * and the machine's physical memory, from {@code /proc} as Redis reads them, and the JVM heap
 * figures that stand in for an allocator's.
 */
public final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final String STATM = "/proc/self/statm";
    private static final Path MEMINFO = Path.of("/proc/meminfo");
    private static final MemoryMXBean JVM = ManagementFactory.getMemoryMXBean();

    private ProcessMemory() {
    }

    /**
     * Resident bytes of this process, or what the JVM has committed where /proc is missing. From
     * {@code /proc/self/statm}, kept open and read again from its start: the cron samples RSS
     * ten times a second on the engine thread, and opening and reading {@code /proc/self/status}
     * there took 1-2 ms of the engine's time a sample under load (the status file has forty
     * fields to format, and the open a file channel to set up), enough to put requests arriving
     * meanwhile in GET's p99.9 at {@code -P 1}. statm's second field is the same count as
     * status's VmRSS, in pages.
     */
    public static long rss() {
        long bytes = residentBytes();
        if (bytes >= 0) {
            return bytes;
        }
        long kb = kilobytes(STATUS, "VmRSS:");
        if (kb >= 0) {
            return kb * 1024;
        }
        return JVM.getHeapMemoryUsage().getCommitted() + JVM.getNonHeapMemoryUsage().getCommitted();
    }

    private static RandomAccessFile statm;
    private static long pageSize;

    /** RSS from statm, or -1 where it cannot be read. */
    private static synchronized long residentBytes() {
        try {
            if (statm == null) {
                statm = new RandomAccessFile(STATM, "r");
                pageSize = pageSize();
            }
            statm.seek(0);
            int n = statm.read(BUFFER, 0, 128);
            long pages = field(BUFFER, Math.max(n, 0), 1);
            return pages < 0 || pageSize <= 0 ? -1 : pages * pageSize;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The kernel's page size, which Java does not say: VmRSS (in kB) over statm's resident pages,
     * read one after the other, rounded to the nearest power of two. -1 if either is missing.
     */
    private static long pageSize() throws IOException {
        long kb = kilobytes(STATUS, "VmRSS:");
        statm.seek(0);
        int n = statm.read(BUFFER, 0, 128);
        long pages = field(BUFFER, Math.max(n, 0), 1);
        if (kb <= 0 || pages <= 0) {
            return -1;
        }
        double ratio = kb * 1024.0 / pages;
        return Long.highestOneBit(Math.round(ratio * 1.41421356));
    }

    /** The {@code index}th (from 0) space-separated number of {@code text[0..length)}, or -1. */
    static long field(byte[] text, int length, int index) {
        int i = 0;
        for (int f = 0; f < index; f++) {
            while (i < length && text[i] != ' ') {
                i++;
            }
            i++;
        }
        return digitsAt(text, length, i);
    }

    /** The decimal number starting at {@code i} of {@code text[0..length)}, or -1 if no digit is there. */
    private static long digitsAt(byte[] text, int length, int i) {
        long v = 0;
        int start = i;
        while (i < length && text[i] >= '0' && text[i] <= '9') {
            v = v * 10 + (text[i] - '0');
            i++;
        }
        return i > start ? v : -1;
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

    /** Holds a whole /proc/self/status or /proc/meminfo (1-2 KB); reused, as the cron reads them 10 times a second. */
    private static final byte[] BUFFER = new byte[16 * 1024];

    /**
     * The number after {@code field} in a /proc file of "Name:   123 kB" lines, or -1. The cron
     * samples RSS 10 times a second, so this reads into one buffer and parses the bytes in
     * place: reading the file as a String was 15-20 KB of garbage per sample.
     */
    static synchronized long kilobytes(Path file, String field) {
        int n;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(BUFFER, 0, BUFFER.length);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return parseKilobytes(BUFFER, n, field);
    }

    /** The number after the first {@code field} (ASCII) in {@code text[0..length)}, or -1. */
    static long parseKilobytes(byte[] text, int length, String field) {
        int at = indexOf(text, length, field);
        if (at < 0) {
            return -1;
        }
        int i = at + field.length();
        while (i < length && (text[i] == ' ' || text[i] == '\t')) {
            i++;
        }
        return digitsAt(text, length, i);
    }

    private static int indexOf(byte[] text, int length, String field) {
        int last = length - field.length();
        outer:
        for (int i = 0; i <= last; i++) {
            for (int j = 0; j < field.length(); j++) {
                if (text[i + j] != (byte) field.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
