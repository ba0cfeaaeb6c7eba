package dev.cinnabar.server;

import dev.cinnabar.server.info.CrashReport;
import dev.cinnabar.server.log.ServerLog;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as redis-server handles them: a line from the signal handler, the orderly
 * shutdown, and exit status 0. The JVM's own handling would run shutdown hooks but exit with
 * 128 + the signal, which service managers and scripts read as a failure; sun.misc.Signal is
 * the only way to take the signal over.
 *
 * <p>A signal that comes while the server is still starting (its port may already answer) is
 * kept, like Redis's shutdown flag, and acted on as soon as the server is up.
 *
 * <p>SIGABRT from outside gets Redis's crash report (under {@code crash-log-enabled}), then the process ends with the status a
 * shell shows for a process killed by it (134). SIGSEGV, SIGFPE, SIGILL and SIGQUIT are the
 * JVM's own and keep its behaviour.
 */
final class ShutdownSignals {
    private static final Object LOCK = new Object();
    private static CinnabarServer server;
    private static boolean requested;
    private static boolean lastWasSigint;
    private static final int SIGABRT = 6;
    /** si_code of a signal sent by kill(2). */
    private static final int SI_USER = 0;

    private ShutdownSignals() {
    }

    static void install() {
        try {
            Signal.handle(new Signal("TERM"), s -> received("SIGTERM"));
            Signal.handle(new Signal("INT"), s -> received("SIGINT"));
            Signal.handle(new Signal("ABRT"), s -> aborted());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // No signal support here: the shutdown hook still stops the server, with the JVM's status.
        }
    }

    /** The server has started: from now on a signal stops it, and one that came already does now. */
    static void started(CinnabarServer s) {
        boolean stopNow;
        boolean sigint;
        synchronized (LOCK) {
            server = s;
            stopNow = requested;
            sigint = lastWasSigint;
        }
        if (stopNow) {
            s.shutdownOnSignal(sigint);
        }
    }

    private static void aborted() {
        CinnabarServer s;
        synchronized (LOCK) {
            s = server;
        }
        if (s != null && s.config().crashLogEnabled) {
            CrashReport report = new CrashReport(s.engine().server());
            report.start();
            report.signal(SIGABRT, SI_USER);
            report.body(null);
            report.end();
        }
        Runtime.getRuntime().halt(128 + SIGABRT);
    }

    private static void received(String name) {
        CinnabarServer s;
        boolean sigint = name.equals("SIGINT");
        synchronized (LOCK) {
            if (requested && sigint) {
                // A second Ctrl-C while the first is being handled: Redis gives up waiting, so do we.
                ServerLog.fromSignalHandler("You insist... exiting now.");
                Runtime.getRuntime().halt(1);
            }
            requested = true;
            lastWasSigint = sigint;
            s = server;
        }
        ServerLog.fromSignalHandler("Received " + name + " scheduling shutdown...");
        if (s != null) {
            s.shutdownOnSignal(sigint);
        }
    }
}
