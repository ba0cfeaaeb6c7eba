package dev.cinnabar.server.engine;

import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.config.ShutdownFlags;
import dev.cinnabar.server.log.ServerLog;

/**
 * Redis's shutdown sequence, one path for the SHUTDOWN command and for SIGTERM and SIGINT, run on
 * the engine thread: log the request, save a final snapshot when asked to or when save points
 * are configured, then let the server remove its pid file and sockets and exit with status 0.
 *
 * <p>Snapshots cannot be written yet, so a shutdown that must save fails the way Redis's does
 * when its save fails: logged, the server keeps running, and SHUTDOWN answers an error, unless
 * FORCE says to exit anyway. NOSAVE, or {@code save ""}, skips the save. A signal is handled as
 * with FORCE: Redis keeps running after a failed save on SIGTERM so that an operator can fix the
 * disk, but here no fix exists and every service manager would end up killing the process.
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
        hooks.stopping();
        boolean savePoints = config.save.length > 0;
        if ((savePoints && (flags & ShutdownFlags.NOSAVE) == 0) || (flags & ShutdownFlags.SAVE) != 0) {
            ServerLog.notice("Saving the final RDB snapshot before exiting.");
            hooks.status("Saving the final RDB snapshot");
            String failure = saveSnapshot();
            if (failure != null) {
                ServerLog.warning(failure);
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
        // FORCE: see the class comment. Drop it once snapshots can be saved.
        run(configuredFlags | ShutdownFlags.FORCE);
    }

    /** Writes the final snapshot; returns why it failed, or null. No snapshot can be written yet. */
    private String saveSnapshot() {
        return "Failed saving the final RDB snapshot: Cinnabar cannot write RDB files yet.";
    }
}
