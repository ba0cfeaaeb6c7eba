package dev.cinnabar.server.memory;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;

/**
 * MEMORY MALLOC-STATS: Redis prints its allocator's statistics there; ours is the JVM, so this is
 * the JVM's own account of its heap, its memory pools, its collectors and the direct buffers the
 * network layer uses.
 */
public final class JvmMemoryReport {
    private JvmMemoryReport() {
    }

    public static String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("___ JVM memory statistics ___\n");
        sb.append("Java: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.version")).append('\n');
        MemoryMXBean jvm = ManagementFactory.getMemoryMXBean();
        usage(sb, "Heap", jvm.getHeapMemoryUsage());
        usage(sb, "Non-heap", jvm.getNonHeapMemoryUsage());
        sb.append("Memory pools:\n");
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            usage(sb, "  " + pool.getName() + " (" + pool.getType().name().toLowerCase(java.util.Locale.ROOT) + ")",
                    pool.getUsage());
        }
        sb.append("Collectors:\n");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sb.append("  ").append(gc.getName()).append(": ").append(gc.getCollectionCount())
                    .append(" collections, ").append(gc.getCollectionTime()).append(" ms\n");
        }
        sb.append("Buffer pools:\n");
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            sb.append("  ").append(pool.getName()).append(": ").append(pool.getCount()).append(" buffers, used ")
                    .append(pool.getMemoryUsed()).append(", capacity ").append(pool.getTotalCapacity()).append('\n');
        }
        sb.append("___ End JVM memory statistics ___\n");
        return sb.toString();
    }

    private static void usage(StringBuilder sb, String name, MemoryUsage u) {
        sb.append(name).append(": used ").append(u.getUsed()).append(", committed ").append(u.getCommitted())
                .append(", max ").append(u.getMax() < 0 ? "undefined" : Long.toString(u.getMax())).append('\n');
    }
}
