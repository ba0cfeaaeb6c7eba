package dev.cinnabar.server.commands;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.info.CrashReport;
import dev.cinnabar.server.log.ServerLog;

/**
 * DEBUG SEGFAULT, PANIC, ASSERT and OOM: the crashes Redis simulates for tests and harnesses
 * (a client's reconnection, a supervisor's restart, a failover). Each writes Redis's bug report
 * with its own opening lines and ends the process at once, with no reply, no save and no
 * shutdown sequence, as a crash does. The exit status is what a shell shows for Redis killed by
 * the signal it dies of: 139 for SIGSEGV, 134 for the SIGABRT of a failed assertion or abort().
 */
final class DebugCrash {
    private static final int SIGABRT = 6;
    private static final int SIGSEGV = 11;
    /** si_code of a fault on a mapped page without the right access, as the write Redis makes. */
    private static final int SEGV_ACCERR = 2;

    private DebugCrash() {
    }

    static void segfault(Client c) {
        if (!c.server.config().crashLogEnabled) {
            // Redis installs its handler only with crash-log-enabled: the signal ends it silently.
            Runtime.getRuntime().halt(128 + SIGSEGV);
        }
        CrashReport report = new CrashReport(c.server);
        report.start();
        report.signal(SIGSEGV, SEGV_ACCERR);
        end(report, c, SIGSEGV);
    }

    static void panic(Client c) {
        panic(c, "DEBUG PANIC called at Unix time " + System.currentTimeMillis() / 1000);
    }

    static void assertion(Client c) {
        CrashReport report = new CrashReport(c.server);
        report.start();
        ServerLog.warning("=== ASSERTION FAILED CLIENT CONTEXT ===");
        ServerLog.warning("client->argc = " + c.argv.count());
        for (int j = 0; j < c.argv.count(); j++) {
            ServerLog.warning("client->argv[" + j + "] = \"" + c.argv.cString(j) + "\" (refcount: 1)");
        }
        ServerLog.warning("=== ASSERTION FAILED ===");
        ServerLog.warning("==> DebugCrash.java '1 == 2' is not true");
        end(report, c, SIGABRT);
    }

    /** Redis asks its allocator for half the address space, and its out-of-memory handler panics. */
    static void oom(Client c) {
        ServerLog.warning("Out Of Memory allocating " + Long.MAX_VALUE + " bytes!");
        panic(c, "Redis aborting for OUT OF MEMORY. Allocating " + Long.MAX_VALUE + " bytes!");
    }

    private static void panic(Client c, String message) {
        CrashReport report = new CrashReport(c.server);
        report.start();
        ServerLog.warning("------------------------------------------------");
        ServerLog.warning("!!! Software Failure. Press left mouse button to continue");
        ServerLog.warning("Guru Meditation: " + message + " #DebugCrash.java");
        end(report, c, SIGABRT);
    }

    private static void end(CrashReport report, Client c, int signal) {
        report.body(c);
        report.end();
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(128 + signal);
    }
}
