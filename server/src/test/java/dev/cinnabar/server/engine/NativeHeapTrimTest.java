package dev.cinnabar.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NativeHeapTrimTest {
    @Test
    void trimsThroughWhicheverWayThisJvmAllows() throws Exception {
        NativeHeapTrim trim = NativeHeapTrim.create();
        String said = trim.run();
        // glibc here: the JVM reports the RSS before and after; elsewhere it says why not.
        assertTrue(said.startsWith("Trim native heap") || said.contains("Not available"), said);
    }

    /**
     * As {@code java -jar} runs the server, whose manifest opens the package, in a JVM that has
     * used no management bean yet: the trim goes the direct way and works.
     */
    @Test
    void trimsDirectlyWhenThePackageIsOpen() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Child.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.startsWith("direct: Trim native heap") || out.startsWith("direct: ") && out.contains("Not available"), out);
    }

    /** The child JVM of {@link #trimsDirectlyWhenThePackageIsOpen}. */
    static final class Child {
        public static void main(String[] args) throws Exception {
            NativeHeapTrim trim = NativeHeapTrim.create();
            System.out.println((trim.direct() ? "direct: " : "through the MBean server: ") + trim.run());
        }
    }

    @Test
    void bypassesTheMBeanServerExactlyWhenTheModuleIsOpen() {
        Module management = ModuleLayer.boot().findModule("jdk.management").orElseThrow();
        boolean open = management.isOpen("com.sun.management.internal", NativeHeapTrim.class.getModule());
        assertEquals(open, NativeHeapTrim.create().direct());
    }
}
