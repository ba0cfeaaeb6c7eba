package dev.cinnabar.server.info;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.Version;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ClientListFormat;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.config.Quoting;
import dev.cinnabar.server.log.ServerLog;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Redis's bug report, written to the log before the process ends on purpose (DEBUG SEGFAULT,
 * PANIC, ASSERT and OOM, or a SIGABRT from outside): the same banners and sections, so that
 * whoever watches logs for a crash of Redis finds this one. The stack trace is the JVM's, every
 * thread's, the one that crashes first; with {@code crash-log-enabled} off it and the sections
 * after it are skipped, as Redis skips them. There is no memory test: it checks the machine's RAM, which the
 * JVM's own checks already rely on.
 */
public final class CrashReport {
    private static final String START = "\n\n=== REDIS BUG REPORT START: Cut & paste starting from here ===\n";
    private static final String END = "\n=== REDIS BUG REPORT END. Make sure to include from START to END. ===\n\n"
            + "       Please report the crash with the log above to the Cinnabar developers.\n\n";
    /** Redis prints at most this much of each argument of the current client. */
    private static final int ARGUMENT_BYTES = 128;

    private final ServerContext server;

    public CrashReport(ServerContext server) {
        this.server = server;
    }

    /** Redis's bugReportStart: the banner opening the report. */
    public void start() {
        ServerLog.raw(ServerLog.Level.WARNING, START);
    }

    /** Redis's line for a fatal signal (a simulated one, for DEBUG SEGFAULT and OOM). */
    public void signal(int number, int code) {
        ServerLog.warning("Redis " + Version.REDIS + " crashed by signal: " + number + ", si_code: " + code
                + " (Cinnabar " + Version.CINNABAR + ")");
    }

    /**
     * The stack trace, then INFO, CLIENT LIST and the client whose command was running
     * ({@code current}, null when the crash did not come from a command). Each part is read on
     * the thread that crashes, which may not be the engine's: a part that fails to read is left
     * out, the rest is still written.
     */
    public void body(Client current) {
        if (!server.config().crashLogEnabled) {
            return;
        }
        ServerLog.raw(ServerLog.Level.WARNING, "\n------ STACK TRACE ------\n" + stackTraces());
        section("INFO OUTPUT", () -> new String(InfoSections.render(server, Argv.of("all"), 0), StandardCharsets.ISO_8859_1));
        section("CLIENT LIST OUTPUT", () -> {
            StringBuilder sb = new StringBuilder();
            long now = server.clock().millis();
            for (Client c : server.clients().all()) {
                ClientListFormat.append(sb, c, now, ClientListFormat.pendingOutput(c), c == current);
                sb.append('\n');
            }
            return sb.toString();
        });
        if (current != null) {
            section("CURRENT CLIENT INFO", () -> currentClient(current));
        }
        section("MODULES INFO OUTPUT", () -> "");
    }

    /** Redis's bugReportEnd: the closing banner. The caller ends the process. */
    public void end() {
        ServerLog.raw(ServerLog.Level.WARNING, END);
    }

    private interface Text {
        String read();
    }

    private static void section(String title, Text text) {
        String body;
        try {
            body = text.read();
        } catch (RuntimeException e) {
            body = "(not available: " + e + ")\n";
        }
        ServerLog.raw(ServerLog.Level.WARNING, "\n------ " + title + " ------\n" + body);
    }

    private String currentClient(Client c) {
        StringBuilder sb = new StringBuilder();
        ClientListFormat.append(sb, c, server.clock().millis(), ClientListFormat.pendingOutput(c), true);
        sb.append('\n');
        Argv a = c.argv;
        if (a != null) {
            for (int i = 0; i < a.count(); i++) {
                String arg = new String(a.array(i), a.offset(i), Math.min(a.length(i), ARGUMENT_BYTES),
                        StandardCharsets.ISO_8859_1);
                sb.append("argv[").append(i).append("]: '").append(Quoting.repr(arg)).append("'\n");
            }
        }
        return sb.toString();
    }

    /** Every thread's stack, the crashing one first, as Java prints them. */
    private static String stackTraces() {
        StringBuilder sb = new StringBuilder();
        Thread self = Thread.currentThread();
        appendThread(sb, self, self.getStackTrace());
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            if (e.getKey() != self) {
                appendThread(sb, e.getKey(), e.getValue());
            }
        }
        return sb.toString();
    }

    /** Redis's stack-trace section for one thread, as Java prints its frames (the watchdog's). */
    public static String stackTraceSection(Thread t) {
        StringBuilder sb = new StringBuilder("\n------ STACK TRACE ------\n");
        if (t != null) {
            appendThread(sb, t, t.getStackTrace());
        }
        return sb.toString();
    }

    private static void appendThread(StringBuilder sb, Thread t, StackTraceElement[] frames) {
        sb.append('\n').append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
        for (StackTraceElement f : frames) {
            sb.append("    at ").append(f).append('\n');
        }
    }
}
