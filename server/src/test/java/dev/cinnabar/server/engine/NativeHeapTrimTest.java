package dev.cinnabar.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NativeHeapTrimTest {
    @Test
    void trimsThroughWhicheverWayThisJvmAllows() throws Exception {
        NativeHeapTrim trim = NativeHeapTrim.create();
        String said = trim.run();
        // glibc here: the JVM reports the RSS before and after; elsewhere it says why not.
        assertTrue(said.startsWith("Trim native heap") || said.contains("Not available"), said);
    }

    @Test
    void bypassesTheMBeanServerExactlyWhenTheModuleIsOpen() {
        Module management = ModuleLayer.boot().findModule("jdk.management").orElseThrow();
        boolean open = management.isOpen("com.sun.management.internal", NativeHeapTrim.class.getModule());
        assertEquals(open, NativeHeapTrim.create().direct());
    }
}
