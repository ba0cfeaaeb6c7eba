package dev.cinnabar.server.memory;

import dev.cinnabar.datatypes.Doubles;
import java.util.ArrayList;
import java.util.List;

/**
 * MEMORY DOCTOR's report: the same questions Redis's doctor asks of its figures (is there enough
 * data to judge, was the peak much higher, does the process hold far more than the data, do the
 * clients' buffers weigh much), answered for a JVM, plus one only a JVM has: can the heap hold
 * {@code maxmemory} at all. The wording is ours.
 */
public final class MemoryDoctor {
    /** Below this there is too little in memory to say anything useful. */
    static final long TOO_LITTLE = 5L << 20;
    static final long MANY_BYTES = 10L << 20;
    static final long BIG_CLIENT = 200L << 10;

    private MemoryDoctor() {
    }

    /**
     * @param clients connected clients, to average their buffers
     * @param maxMemory the maxmemory setting, 0 for none
     * @param heapLimit the most heap the JVM will use ({@code -Xmx})
     */
    public static String report(MemoryFigures f, int clients, long maxMemory, long heapLimit) {
        if (f.used < TOO_LITTLE) {
            return "This server holds less than 5 MB of data and client buffers: too little to tell how it "
                    + "uses memory. Ask again once it carries a real workload.\n";
        }
        List<String> issues = new ArrayList<>();
        if ((double) f.peak / f.used > 1.5) {
            issues.add("Peak memory: the server once used " + HumanBytes.of(f.peak) + ", more than one and a "
                    + "half times the " + HumanBytes.of(f.used) + " it uses now. The JVM keeps the heap it grew "
                    + "to for a while, so the process can stay large after such a peak; MEMORY PURGE runs a "
                    + "full collection, after which the JVM may return unused heap to the system.");
        }
        if (f.fragmentation > 1.4 && f.fragmentationBytes > MANY_BYTES) {
            issues.add("Process size: the process occupies " + HumanBytes.of(f.rss) + " of RAM for "
                    + HumanBytes.of(f.used) + " of data and buffers (" + Doubles.fixed(f.fragmentation, 2)
                    + " times as much). A JVM reserves heap ahead of use and keeps its compiled code and class "
                    + "data besides; -Xms and -Xmx bound the heap, and a smaller heap means more frequent "
                    + "collections.");
        }
        if (clients > 0 && f.clientsNormal / clients > BIG_CLIENT) {
            issues.add("Client buffers: the " + clients + " connected clients hold " + HumanBytes.of(f.clientsNormal)
                    + ", " + HumanBytes.of(f.clientsNormal / clients) + " each on average. Replies pile up for "
                    + "clients that read slowly or pipeline deeply; client-output-buffer-limit caps them.");
        }
        if (maxMemory > 0 && heapLimit > 0 && maxMemory > heapLimit) {
            issues.add("maxmemory: it is set to " + HumanBytes.of(maxMemory) + " but the JVM heap can grow only "
                    + "to " + HumanBytes.of(heapLimit) + " (-Xmx), so the heap would run out before eviction "
                    + "starts. Lower maxmemory or give the JVM more heap.");
        }
        if (issues.isEmpty()) {
            return "No memory problems found. The figures are estimates of what keys, values and client buffers "
                    + "hold on the Java heap; INFO memory and MEMORY STATS give the details.\n";
        }
        StringBuilder sb = new StringBuilder();
        sb.append(issues.size() == 1 ? "One memory issue found:\n" : issues.size() + " memory issues found:\n");
        for (String issue : issues) {
            sb.append("\n * ").append(issue).append('\n');
        }
        return sb.toString();
    }
}
