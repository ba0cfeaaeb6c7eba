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
}
