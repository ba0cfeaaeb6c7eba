package dev.cinnabar.server.engine;

import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.config.ShutdownFlags;
import dev.cinnabar.server.log.ServerLog;

/**
 * Redis's shutdown sequence, one path for the SHUTDOWN command and for SIGTERM and SIGINT, run on
 * the engine thread: log the request, save a final snapshot when asked to or when save points
 * are configured, then let the server remove its pid file and sockets and exit with status 0.
 *
 * <p>A BGSAVE in progress is stopped first. A shutdown whose save fails fails the way Redis's
 * does: logged, the server keeps running, and SHUTDOWN answers an error, unless FORCE says to
 * exit anyway (signals included: the operator can fix the disk and signal again). NOSAVE, or
 * {@code save ""}, skips the save.
 *
 * <p>With replicas that have not acknowledged everything, the shutdown waits for them first, up
 * to {@code shutdown-timeout} seconds (not with NOW, nor with a timeout of 0), as Redis 7.0's:
 * writes are paused, the replicas asked for an ACK, and the cron finishes the shutdown once they
 * caught up or the time is over; SHUTDOWN ABORT cancels it meanwhile.
 */
public final class Shutdown {
    /** What only the running server can do: systemd notices, and the exit itself. */
    public interface Hooks {
        /** Tells systemd the service is stopping. */
        void stopping();

        /** Tells systemd a status line. */
        void status(String text);

        /** Removes the pid file and the socket, logs the last line and ends the process with status 0. */
        void exit();
    }

    private final ServerConfig config;
    private Hooks hooks;
    /** Stops a BGSAVE in progress; true when there was one. */
    private java.util.function.BooleanSupplier stopBackgroundSave = () -> false;
    /** True while a dump loads: a shutdown then never saves (the dataset is partial). */
    private java.util.function.BooleanSupplier loading = () -> false;
    /** Writes the final snapshot; returns why it failed (already logged), or null. */
    private java.util.function.Supplier<String> save = () -> "no snapshot writer";
    /** Flushes and fsyncs the AOF when it is on (with Redis's log line). */
    private Runnable appendOnly = () -> { };
    /** The replicas the shutdown may wait for; none without a server. */
    private Replicas replicas = Replicas.NONE;
    /** Unix milliseconds by which a pending shutdown ends anyway, 0 when none is pending (Redis's shutdown_mstime). */
    private long deadline;
    private int pendingFlags;

    /** What the shutdown asks of the replication. */
    interface Replicas {
        Replicas NONE = new Replicas() {
            @Override
            public boolean caughtUp() {
                return true;
            }

            @Override
            public void waitFor() {
            }

            @Override
            public void stopWaiting() {
            }

            @Override
            public void logLagging() {
            }
        };

        /** Every replica acknowledged the whole stream (Redis's isReadyToShutdown). */
        boolean caughtUp();

        /** Asks them for an ACK and pauses writes meanwhile. */
        void waitFor();

        /** The shutdown was cancelled: writes go on, clients blocked in SHUTDOWN get an error. */
        void stopWaiting();

        /** Logs the replicas that did not catch up, and how many did. */
        void logLagging();
    }

    void replicas(Replicas r) {
        this.replicas = r;
    }

    Shutdown(ServerConfig config, Runnable stopEngine) {
        this.config = config;
        // Without a server (tests, an embedded engine) exiting means stopping the engine.
        this.hooks = new Hooks() {
            @Override
            public void stopping() {
            }

            @Override
            public void status(String text) {
            }

            @Override
            public void exit() {
                stopEngine.run();
            }
        };
    }

    public void hooks(Hooks h) {
        this.hooks = h;
    }

    /** The persistence side: how to stop a BGSAVE and how to save (the engine wires them). */
    void persistence(java.util.function.BooleanSupplier stopBackgroundSave, java.util.function.Supplier<String> save,
            java.util.function.BooleanSupplier loading) {
        this.stopBackgroundSave = stopBackgroundSave;
        this.save = save;
        this.loading = loading;
    }

    /** Stops an AOF rewrite in progress; false when it must not be stopped (the shutdown fails). */
    private java.util.function.IntPredicate stopAofRewrite = flags -> true;

    void aofRewrite(java.util.function.IntPredicate stopAofRewrite) {
        this.stopAofRewrite = stopAofRewrite;
    }

    void appendOnly(Runnable flushAndSync) {
        this.appendOnly = flushAndSync;
    }

    /** True while a shutdown waits for replicas. */
    public boolean inProgress() {
        return deadline != 0;
    }

    /** SHUTDOWN ABORT: false when no shutdown waits. */
    public boolean abort() {
        if (deadline == 0) {
            return false;
        }
        cancel();
        ServerLog.notice("Shutdown manually aborted.");
        return true;
    }

    private void cancel() {
        boolean waited = deadline != 0;
        deadline = 0;
        pendingFlags = 0;
        if (waited) {
            replicas.stopWaiting();
        }
    }

    /** From the cron: a pending shutdown ends once the replicas caught up or its time is over. */
    void cron() {
        if (deadline != 0 && (System.currentTimeMillis() >= deadline || replicas.caughtUp())) {
            finish(pendingFlags);
        }
    }

    /**
     * Redis's prepareForShutdown and finishShutdown with {@link ShutdownFlags}. Returns false
     * when the shutdown failed and the server keeps running (the reason is logged); on success
     * the process ends inside {@link Hooks#exit()}, so this returns true only without a server.
     */
    public boolean run(int flags) {
        if (deadline != 0) {
            return false; // one is pending already (Redis's isShutdownInitiated)
        }
        ServerLog.warning("User requested shutdown...");
        if (loading.getAsBoolean()) {
            flags = (flags & ~ShutdownFlags.SAVE) | ShutdownFlags.NOSAVE;
        }
        hooks.stopping();
        if ((flags & ShutdownFlags.NOW) == 0 && config.shutdownTimeout != 0 && !replicas.caughtUp()) {
            deadline = System.currentTimeMillis() + config.shutdownTimeout * 1000L;
            pendingFlags = flags;
            replicas.waitFor();
            ServerLog.notice("Waiting for replicas before shutting down.");
            return false;
        }
        return finish(flags);
    }

    /** Redis's finishShutdown. */
    private boolean finish(int flags) {
        replicas.logLagging();
        if (stopBackgroundSave.getAsBoolean()) {
            ServerLog.warning("There is a child saving an .rdb. Killing it!");
        }
        if (!stopAofRewrite.test(flags)) {
            ServerLog.warning("Errors trying to shut down the server. Check the logs for more information.");
            cancel();
            return false;
        }
        appendOnly.run();
        boolean savePoints = config.save.length > 0;
        if ((savePoints && (flags & ShutdownFlags.NOSAVE) == 0) || (flags & ShutdownFlags.SAVE) != 0) {
            ServerLog.notice("Saving the final RDB snapshot before exiting.");
            hooks.status("Saving the final RDB snapshot");
            String failure = save.get();
            if (failure != null) {
                if ((flags & ShutdownFlags.FORCE) != 0) {
                    ServerLog.warning("Error trying to save the DB. Exit anyway.");
                } else {
                    ServerLog.warning("Error trying to save the DB, can't exit.");
                    hooks.status("Error trying to save the DB, can't exit.");
                    ServerLog.warning("Errors trying to shut down the server. Check the logs for more information.");
                    cancel();
                    return false;
                }
            }
        }
        hooks.exit();
        return true;
    }

    /** SIGTERM or SIGINT, with the flags {@code shutdown-on-sigterm} or {@code -sigint} set. */
    public void runForSignal(int configuredFlags) {
        run(configuredFlags);
    }
}
