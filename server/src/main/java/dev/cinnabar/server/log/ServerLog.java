package dev.cinnabar.server.log;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Log lines in Redis's format, {@code <pid>:<role> <date> <level> <message>}, so that tools which
 * read redis-server's log read ours. The level marks are Redis's: {@code .} debug,
 * {@code -} verbose, {@code *} notice, {@code #} warning.
 *
 * <p>With a log file, each line opens the file, appends and closes it again, as Redis does, so
 * that log rotation by renaming the file needs no signal to the server.
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
    /** The stream for lines when there is no log file. */
    private static volatile PrintStream out = System.out;
    /** The log file, or null to log to {@link #out}. */
    private static volatile Path file;
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

    /** Logs to the named file, appending, or to standard output for null. */
    public static synchronized void file(Path path) {
        file = path;
        out = System.out;
    }

    /** Logs to the named file, or to standard output for an empty name. */
    public static void file(String path) throws IOException {
        file(path.isEmpty() ? null : Path.of(path));
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
        write(PID + ":" + role + " " + LocalDateTime.now().format(TIME) + " " + l.mark + " " + msg + "\n");
    }

    /**
     * A line as Redis writes it from a signal handler, where it cannot format dates:
     * {@code <pid>:signal-handler (<unix time>) <message>}. Logged at every level but "nothing".
     */
    public static void fromSignalHandler(String msg) {
        if (level == Level.NOTHING) {
            return;
        }
        write(PID + ":signal-handler (" + System.currentTimeMillis() / 1000 + ") " + msg + "\n");
    }

    /** Writes text without the line prefix, as Redis writes its logo, if {@code l} is logged. */
    public static void raw(Level l, String text) {
        if (enabled(l)) {
            write(text);
        }
    }

    /** Writes text without the line prefix at notice level. */
    public static void raw(String text) {
        raw(Level.NOTICE, text);
    }

    private static synchronized void write(String text) {
        Path f = file;
        if (f == null) {
            PrintStream p = out;
            p.print(text);
            p.flush();
            return;
        }
        try (OutputStream o = new FileOutputStream(f.toFile(), true)) {
            o.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // Like Redis: a log line that cannot be written is dropped, the server goes on.
        }
    }

    /** A stream for tests and embedders that want the log elsewhere. */
    public static synchronized void stream(OutputStream stream) {
        out = new PrintStream(stream, true, StandardCharsets.UTF_8);
        file = null;
    }
}
