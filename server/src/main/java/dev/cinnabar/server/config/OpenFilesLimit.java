package dev.cinnabar.server.config;

import dev.cinnabar.server.log.ServerLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps {@code maxclients} within what the process may open, as Redis does: each client needs a
 * descriptor, plus 32 kept for the server's own files. Redis raises its soft limit itself; the
 * JVM already runs at its hard limit, so that is the bound. Redis steps down from what it wants
 * by 16 until the system accepts, and so its suggested figure is reproduced the same way.
 */
public final class OpenFilesLimit {
    static final int RESERVED_FDS = 32;
    private static final int STEP = 16;

    private OpenFilesLimit() {
    }

    /** The hard limit on open files, or -1 when the platform does not tell. */
    static long hardLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return f[1].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(f[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The descriptor count Redis would settle on when asking for {@code wanted}. */
    static long bestLimit(long wanted, long hard) {
        if (wanted <= hard) {
            return wanted;
        }
        long steps = (wanted - hard + STEP - 1) / STEP;
        return wanted - steps * STEP;
    }

    /** The apply step of CONFIG SET maxclients. */
    static void checkMaxClients(ServerConfig c) throws ConfigError {
        long hard = hardLimit();
        if (hard < 0) {
            return;
        }
        long wanted = Integer.toUnsignedLong(c.maxClients) + RESERVED_FDS;
        long best = bestLimit(wanted, hard);
        if (best < wanted) {
            throw new ConfigError("The operating system is not able to handle the specified number of clients, try with "
                    + (best - RESERVED_FDS));
        }
    }

    /**
     * At start: lowers maxclients to what the limit allows, with Redis's warnings. Returns false
     * when not even one client would fit, after logging why.
     */
    public static boolean adjustAtStartup(ServerConfig c) {
        long hard = hardLimit();
        long wanted = Integer.toUnsignedLong(c.maxClients) + RESERVED_FDS;
        if (hard < 0 || wanted <= hard) {
            if (c.maxClients < 0) {
                c.maxClients = Integer.MAX_VALUE;
            }
            return true;
        }
        long best = bestLimit(wanted, hard);
        long reduced = best - RESERVED_FDS;
        if (reduced < 1) {
            ServerLog.warning("Your current 'ulimit -n' of " + hard + " is not enough for the server to start. "
                    + "Please increase your open file limit to at least " + wanted + ". Exiting.");
            return false;
        }
        ServerLog.warning("You requested maxclients of " + Integer.toUnsignedLong(c.maxClients)
                + " requiring at least " + wanted + " max file descriptors.");
        ServerLog.warning("Server can't set maximum open files to " + wanted
                + " because of OS error: Operation not permitted.");
        c.maxClients = (int) reduced;
        ServerLog.warning("Current maximum open files is " + best + ". maxclients has been reduced to " + reduced
                + " to compensate for low ulimit. If you need higher maxclients increase 'ulimit -n'.");
        return true;
    }
}
