package dev.cinnabar.server.engine;

import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
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
 * ({@code Add-Opens}, honoured for {@code java -jar}), and so is the native method behind it,
 * which takes the command line as {@code jcmd} does. The server calls that method: the bean's
 * own {@code invoke} first describes every diagnostic command the JVM has (the MBean info, with
 * Flight Recorder's commands and their arguments), which loaded another 60 classes and 350 KB
 * of metaspace for a server that runs one command (bench/RESULTS.md, "The idle floor, cut
 * again"). Elsewhere (tests, an embedding application) the server goes through the MBean server.
 */
final class NativeHeapTrim {
    private static final String COMMAND = "System.trim_native_heap";
    /** The command's name as an operation of the MBean. */
    private static final String OPERATION = "systemTrimNativeHeap";

    /** The command's bean, or null when the module is not open to us. */
    private final Object bean;
    /** Its {@code executeDiagnosticCommand(String)}, with the bean. */
    private final Method execute;

    private NativeHeapTrim(Object bean, Method execute) {
        this.bean = bean;
        this.execute = execute;
    }

    static NativeHeapTrim create() {
        try {
            // The command's native method is in jdk.management's library, which this class's
            // initialiser loads; the bean itself does not (it is normally made by that class).
            Class.forName("com.sun.management.internal.PlatformMBeanProviderImpl");
            Class<?> impl = Class.forName("com.sun.management.internal.DiagnosticCommandImpl");
            Method get = impl.getDeclaredMethod("getDiagnosticCommandMBean");
            get.setAccessible(true);
            Object bean = get.invoke(null);
            Method execute = impl.getDeclaredMethod("executeDiagnosticCommand", String.class);
            execute.setAccessible(true);
            if (bean != null) {
                return new NativeHeapTrim(bean, execute);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // Not opened (InaccessibleObjectException), or a JDK without that class or method.
        }
        return new NativeHeapTrim(null, null);
    }

    /** True when the trim bypasses the platform MBean server. */
    boolean direct() {
        return bean != null;
    }

    /**
     * Trims, and returns what the JVM said (e.g. "Trim native heap: RSS+Swap: 80M->71M (-9M)").
     * A JVM without the command refuses it: a {@link JMException} through the MBean server, an
     * {@link IllegalArgumentException} ("Unknown diagnostic command") the direct way.
     */
    String run() throws JMException {
        if (bean == null) {
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), OPERATION, null, null);
            return String.valueOf(out).trim();
        }
        try {
            return String.valueOf(execute.invoke(bean, COMMAND)).trim();
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException ? (RuntimeException) cause : new IllegalStateException(cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
