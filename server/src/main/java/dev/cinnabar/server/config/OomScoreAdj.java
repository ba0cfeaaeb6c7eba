package dev.cinnabar.server.config;

import dev.cinnabar.server.log.ServerLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code oom-score-adj} and {@code oom-score-adj-values}: the kernel's OOM-killer preference of
 * this process, written to {@code /proc/self/oom_score_adj} as Redis's setOOMScoreAdj writes it.
 * The score found the first time the server takes control is the base that {@code relative}
 * adds to, and what turning it off puts back. The process is the JVM, which is the server: its
 * class is the master's or, while it replicates, the replica's (applied again when REPLICAOF
 * changes that); the background-child class has no process here (BGSAVE does not fork).
 */
public final class OomScoreAdj {
    private static final Path FILE = Path.of("/proc/self/oom_score_adj");
    private static final int MASTER = 0;
    private static final int REPLICA = 1;

    /** Whether the server has changed the score, and so owns the base below. */
    private static boolean adjusted;
    private static int base;

    private OomScoreAdj() {
    }

    /** Applies the configuration; false (with the reason logged, as Redis logs it) when /proc refused. */
    public static synchronized boolean apply(ServerConfig c) {
        int value;
        if (!c.oomScoreAdj.equals("no")) {
            if (!adjusted) {
                try {
                    base = Integer.parseInt(Files.readString(FILE, StandardCharsets.US_ASCII).trim());
                } catch (IOException | NumberFormatException e) {
                    ServerLog.warning("Unable to read oom_score_adj: " + reason(e));
                    return false;
                }
                adjusted = true;
            }
            value = c.oomScoreAdjValues[c.masterHost.isEmpty() ? MASTER : REPLICA];
            if (!c.oomScoreAdj.equals("absolute")) {
                value += base;
            }
            value = Math.max(-1000, Math.min(1000, value));
        } else if (adjusted) {
            adjusted = false;
            value = base;
        } else {
            return true;
        }
        try {
            Files.writeString(FILE, value + "\n", StandardCharsets.US_ASCII);
            return true;
        } catch (IOException e) {
            ServerLog.warning("Unable to write oom_score_adj: " + reason(e));
            return false;
        }
    }

    /** strerror's words for what Java reports of a failed open or write. */
    private static String reason(Exception e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "No such file or directory";
        }
        String m = e.getMessage();
        return m == null ? e.toString() : m;
    }
}
