package dev.cinnabar.server.engine;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import javax.management.DynamicMBean;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * glibc's {@code malloc_trim}, through the JVM's own diagnostic command ({@code jcmd <pid>
 * System.trim_native_heap}, JDK 17.0.9 and later).
 *
 * <p>The public way to that command is the platform MBean server, and building it registers
 * every platform bean: about 400 classes that are not in the JDK's class-data archive, 2 MB of
 * metaspace and 3-5 MB of RSS for one call (bench/RESULTS.md, "The JVM's floor"). The command's
 * bean alone is reachable when the JAR's manifest opens {@code com.sun.management.internal}
 * ({@code Add-Opens}, honoured for {@code java -jar}); elsewhere (tests, an embedding
 * application) the server goes through the MBean server as before.
 */
final class NativeHeapTrim {
    private static final String COMMAND = "systemTrimNativeHeap";

    /** The command's bean, or null when the module is not open to us. */
    private final DynamicMBean direct;

    private NativeHeapTrim(DynamicMBean direct) {
        this.direct = direct;
    }

    static NativeHeapTrim create() {
        return new NativeHeapTrim(directBean());
    }

    private static DynamicMBean directBean() {
        try {
            Class<?> impl = Class.forName("com.sun.management.internal.DiagnosticCommandImpl");
            Method get = impl.getDeclaredMethod("getDiagnosticCommandMBean");
            get.setAccessible(true);
            return (DynamicMBean) get.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // Not opened (InaccessibleObjectException), or a JDK without that class.
            return null;
        }
    }

    /** True when the trim bypasses the platform MBean server. */
    boolean direct() {
        return direct != null;
    }

    /** Trims, and returns what the JVM said (e.g. "Trim native heap: RSS+Swap: 80M->71M (-9M)"). */
    String run() throws JMException {
        Object out = direct != null
                ? direct.invoke(COMMAND, null, null)
                : ManagementFactory.getPlatformMBeanServer().invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"), COMMAND, null, null);
        return String.valueOf(out).trim();
    }
}
