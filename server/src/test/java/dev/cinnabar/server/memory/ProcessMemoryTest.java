package dev.cinnabar.server.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProcessMemoryTest {
    private static long parse(String text, String field) {
        byte[] b = (text + "garbage after the end").getBytes(StandardCharsets.US_ASCII);
        return ProcessMemory.parseKilobytes(b, text.length(), field);
    }

    @Test
    void readsTheNumberAfterTheField() {
        String status = "Name:\tjava\nVmPeak:\t 7812345 kB\nVmRSS:\t  238960 kB\nRssAnon:\t 51244 kB\n";
        assertEquals(238960, parse(status, "VmRSS:"));
        assertEquals(7812345, parse(status, "VmPeak:"));
        assertEquals(-1, parse(status, "VmSwap:"));
        assertEquals(-1, parse("VmRSS:\t kB\n", "VmRSS:"), "no digits");
        assertEquals(-1, parse("VmRSS:\t 12", "VmRSS:\t 123"), "nothing read past the length");
    }

    @Test
    void readsThisProcess() {
        assertTrue(ProcessMemory.rss() > 1024 * 1024);
        assertTrue(ProcessMemory.totalSystemMemory() > ProcessMemory.rss());
    }

    @Test
    void readsTheFieldsOfStatm() {
        byte[] statm = "1953846 59740 7393 1 0 140277 0\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(1953846, ProcessMemory.field(statm, statm.length, 0));
        assertEquals(59740, ProcessMemory.field(statm, statm.length, 1));
        assertEquals(0, ProcessMemory.field(statm, statm.length, 6));
        assertEquals(-1, ProcessMemory.field(statm, statm.length, 7), "past the last field");
        assertEquals(-1, ProcessMemory.field(statm, 8, 1), "nothing read past the length");
    }

    @Test
    void theResidentSetFromStatmIsWhatStatusCallsVmRss() {
        for (int i = 0; i < 5; i++) {
            long before = ProcessMemory.kilobytes(java.nio.file.Path.of("/proc/self/status"), "VmRSS:") * 1024;
            long rss = ProcessMemory.rss();
            long after = ProcessMemory.kilobytes(java.nio.file.Path.of("/proc/self/status"), "VmRSS:") * 1024;
            // Read again and again from the same open file, it follows the process as it changes.
            assertTrue(rss >= Math.min(before, after) - (1 << 20) && rss <= Math.max(before, after) + (1 << 20),
                    "statm " + rss + ", status " + before + " / " + after);
            byte[] grow = new byte[8 << 20];
            java.util.Arrays.fill(grow, (byte) 1);
            assertEquals(1, grow[grow.length - 1]);
        }
    }
}
