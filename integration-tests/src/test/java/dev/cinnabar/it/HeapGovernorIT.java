package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The heap governor in the JAR as users run it ({@code java -jar}, whose manifest opens the
 * JVM's diagnostic command to the server): once the server is quiet it gives the C heap's free
 * memory back through {@code System.trim_native_heap}, and says at {@code verbose} what the JVM
 * reported. A JVM that cannot trim says so instead, and the governor stops trying.
 */
class HeapGovernorIT {
    /** The JVM's report, e.g. "Trim native heap: RSS+Swap: 64088K->61572K (-2608K)". */
    private static final Pattern TRIMMED = Pattern.compile(
            "- Heap governor: Trim native heap: RSS\\+Swap: [0-9.]+[BKMG]?->[0-9.]+[BKMG]? \\([-+][0-9.]+[BKMG]?\\)");

    @Test
    void aQuietServerTrimsTheNativeHeapAndLogsWhatItGaveBack() throws Exception {
        try (ServerProcess s = ServerProcess.cinnabar("--loglevel", "verbose");
             RawConnection c = new RawConnection(s.port())) {
            c.call("SET", "k", "v");
            // Quiet for 2 s, then the first trim; a busy machine may run the samples late.
            long deadline = System.currentTimeMillis() + 30_000;
            while (!TRIMMED.matcher(s.log()).find()) {
                assertFalse(s.log().contains("no native heap trim"), s.log());
                assertTrue(System.currentTimeMillis() < deadline, "no trim logged:\n" + s.log());
                Thread.sleep(100);
            }
            assertFalse(s.log().contains("Heap governor stopped"), s.log());
        }
    }
}
