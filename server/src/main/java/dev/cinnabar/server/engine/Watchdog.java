package dev.cinnabar.server.engine;

import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.info.CrashReport;
import dev.cinnabar.server.log.ServerLog;
import java.util.function.Supplier;

/**
 * Redis's software watchdog ({@code watchdog-period}, milliseconds): when the engine has not run
 * its cron for that long (a command, a script or a load holding it), the engine thread's stack
 * goes to the log, once per stall, as Redis's SIGALRM handler logs its main thread's. Redis
 * re-arms its alarm from the cron; here the cron marks the time and a daemon thread, started
 * the first time the period is set, compares. The period is at least two cron intervals, as in
 * Redis, so an idle server never trips it.
 */
final class Watchdog {
    private static final long MILLIS = 1_000_000L;

    private final ServerConfig config;
    private final Supplier<Thread> engineThread;
    private volatile long lastCronNanos = System.nanoTime();
    private Thread thread;

    Watchdog(ServerConfig config, Supplier<Thread> engineThread) {
        this.config = config;
        this.engineThread = engineThread;
    }

    /** From the cron, on the engine thread. */
    void cronRan() {
        lastCronNanos = System.nanoTime();
        if (thread == null && config.watchdogPeriod > 0) {
            thread = new Thread(this::watch, "cinnabar-watchdog");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void watch() {
        long reportedFor = -1;
        while (true) {
            int period = Math.max(config.watchdogPeriod, 2 * (1000 / Math.max(1, config.hz)));
            try {
                Thread.sleep(Math.max(10, Math.min(100, period / 4)));
            } catch (InterruptedException e) {
                return;
            }
            long last = lastCronNanos;
            if (config.watchdogPeriod > 0 && last != reportedFor && System.nanoTime() - last > period * MILLIS) {
                reportedFor = last;
                report();
            }
        }
    }

    private void report() {
        String trace = CrashReport.stackTraceSection(engineThread.get());
        ServerLog.fromSignalHandler("\n--- WATCHDOG TIMER EXPIRED ---");
        ServerLog.raw(ServerLog.Level.WARNING, trace);
        ServerLog.fromSignalHandler("--------\n");
    }
}
