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
 * <p>There are no replicas to wait for, so the shutdown never stays pending: {@code
 * shutdown-timeout} has nothing to wait on and SHUTDOWN ABORT never finds one to cancel.
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

    /** True while a shutdown waits for replicas; there are none, so never. */
    public boolean inProgress() {
        return false;
    }

    /**
     * Redis's prepareForShutdown and finishShutdown with {@link ShutdownFlags}. Returns false
     * when the shutdown failed and the server keeps running (the reason is logged); on success
     * the process ends inside {@link Hooks#exit()}, so this returns true only without a server.
     */
    public boolean run(int flags) {
        ServerLog.warning("User requested shutdown...");
        if (loading.getAsBoolean()) {
            flags = (flags & ~ShutdownFlags.SAVE) | ShutdownFlags.NOSAVE;
        }
        hooks.stopping();
        if (stopBackgroundSave.getAsBoolean()) {
            ServerLog.warning("There is a child saving an .rdb. Killing it!");
        }
        if (!stopAofRewrite.test(flags)) {
            ServerLog.warning("Errors trying to shut down the server. Check the logs for more information.");
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
