package dev.cinnabar.it.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * libmemcached's {@code memccapable} (Debian's libmemcached-tools), the protocol checker memcached
 * clients are built against: its ascii tests ({@code -a}) and binary tests ({@code -b}) pass
 * against Cinnabar's memcached listener, as they do against memcached 1.6.18 itself (checked here
 * too, so a failure of the tool or its environment shows as such). memccapable 1.1.4 skips no test
 * against memcached 1.6.18: 27 ascii and 27 binary tests run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemccapableIT {
    private McServers.Cinnabar cinnabar;

    @BeforeAll
    void start() throws IOException {
        cinnabar = McServers.cinnabar();
    }

    @AfterAll
    void stop() {
        if (cinnabar != null) {
            cinnabar.close();
        }
    }

    @Test
    void asciiPassesAgainstCinnabar() throws Exception {
        assertAllPass(run(cinnabar.memcachedPort, "-a"), 27);
    }

    @Test
    void binaryPassesAgainstCinnabar() throws Exception {
        assertAllPass(run(cinnabar.memcachedPort, "-b"), 27);
    }

    @Test
    void bothPassAgainstRealMemcached() throws Exception {
        try (ServerProcess m = McServers.memcached("-t", "1")) {
            assertAllPass(run(m.port(), "-a"), 27);
            assertAllPass(run(m.port(), "-b"), 27);
        }
    }

    private static void assertAllPass(String out, int tests) {
        long passed = out.lines().filter(l -> l.endsWith("[pass]")).count();
        assertFalse(out.contains("[FAIL]") || out.contains("[fail]"), out);
        assertFalse(out.contains("[skipped]"), out);
        assertTrue(out.contains("All tests passed"), out);
        assertEquals(tests, passed, out);
    }

    /** Runs memccapable against 127.0.0.1:port with a 5 s I/O timeout; returns its output (exit status appended when not 0). */
    static String run(int port, String mode) throws Exception {
        Process p = new ProcessBuilder(List.of(McServers.binary("memccapable"), "-h", "127.0.0.1", "-p",
                Integer.toString(port), "-t", "5", mode)).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8) + "\n<memccapable hung>";
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.exitValue() == 0 ? out : out + "\n<exit " + p.exitValue() + ">";
    }
}
