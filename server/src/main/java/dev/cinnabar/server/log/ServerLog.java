package dev.cinnabar.server.log;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Log lines in Redis's format, {@code <pid>:<role> <date> <level> <message>}, so that tools which
 * read redis-server's log read ours. The level marks are Redis's: {@code .} debug,
 * {@code -} verbose, {@code *} notice, {@code #} warning.
 */
public final class ServerLog {
    public enum Level {
        DEBUG('.'), VERBOSE('-'), NOTICE('*'), WARNING('#'), NOTHING(' ');

        final char mark;

        Level(char mark) {
            this.mark = mark;
        }

        public static Level parse(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss.SSS", Locale.ENGLISH);
    private static final long PID = ProcessHandle.current().pid();

    private static volatile Level level = Level.NOTICE;
    private static volatile PrintStream out = System.out;
    private static volatile String file = "";
    /** 'C' while starting (Redis's "child/config" phase marker), 'M' once running as a master. */
    private static volatile char role = 'C';

    private ServerLog() {
    }

    public static long pid() {
        return PID;
    }

    public static void level(Level l) {
        level = l;
    }

    public static Level level() {
        return level;
    }

    public static void role(char r) {
        role = r;
    }

    /** Logs to the named file, appending, or to standard output for an empty name. */
    public static synchronized void file(String path) throws IOException {
        if (path.equals(file)) {
            return;
        }
        PrintStream next = path.isEmpty() ? System.out
                : new PrintStream(new FileOutputStream(path, true), true, StandardCharsets.UTF_8);
        PrintStream previous = out;
        out = next;
        file = path;
        if (previous != System.out) {
            previous.close();
        }
    }

    public static boolean enabled(Level l) {
        return l.ordinal() >= level.ordinal() && l != Level.NOTHING;
    }

    public static void debug(String msg) {
        log(Level.DEBUG, msg);
    }

    public static void verbose(String msg) {
        log(Level.VERBOSE, msg);
    }

    public static void notice(String msg) {
        log(Level.NOTICE, msg);
    }

    public static void warning(String msg) {
        log(Level.WARNING, msg);
    }

    public static void log(Level l, String msg) {
        if (!enabled(l)) {
            return;
        }
        String line = PID + ":" + role + " " + LocalDateTime.now().format(TIME) + " " + l.mark + " " + msg;
        PrintStream p = out;
        synchronized (ServerLog.class) {
            p.println(line);
            p.flush();
        }
    }

    /** Writes text without the line prefix, as Redis writes its logo. */
    public static void raw(String text) {
        PrintStream p = out;
        synchronized (ServerLog.class) {
            p.print(text);
            p.flush();
        }
    }

    /** A stream for tests and embedders that want the log elsewhere. */
    public static synchronized void stream(OutputStream stream) {
        out = new PrintStream(stream, true, StandardCharsets.UTF_8);
        file = "<stream>";
    }
}
