package dev.cinnabar.server.log;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.TimeZone;

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

    /**
     * The stamp is formatted here rather than by java.time: its formatter loads the locale data
     * and zone rules, some 30 ms of a start in which the first line is written.
     */
    private static final String[] MONTHS = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    private static final long PID = ProcessHandle.current().pid();

    private static volatile Level level = Level.NOTICE;
    /** The stream for lines when there is no log file. */
    private static volatile PrintStream out = System.out;
    /** The log file, or null to log to {@link #out}. */
    private static volatile Path file;
    /** Where messages also go with syslog-enabled, or null. */
    private static volatile Syslog syslog;
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

    /** Sends every message to the system logger as well, or stops for null (syslog-enabled). */
    public static void syslog(Syslog s) {
        syslog = s;
    }

    /**
     * The server is initialized: the system logger gets the configured ident from now on, and
     * the line Redis logs in place of its logo when syslog is on (the logo goes to the log only).
     */
    public static void syslogOpened(String runningLine) {
        Syslog s = syslog;
        if (s != null) {
            s.open();
            if (enabled(Level.NOTICE)) {
                s.send(Level.NOTICE, runningLine);
            }
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
        StringBuilder b = new StringBuilder(40 + msg.length());
        b.append(PID).append(':').append(role).append(' ');
        long now = System.currentTimeMillis();
        stamp(b, now, TimeZone.getDefault().getOffset(now));
        write(b.append(' ').append(l.mark).append(' ').append(msg).append('\n').toString());
        Syslog s = syslog;
        if (s != null) {
            s.send(l, msg);
        }
    }

    /** Appends {@code dd Mon yyyy HH:mm:ss.mmm} for {@code millis} at {@code offsetMillis} from UTC. */
    static void stamp(StringBuilder b, long millis, int offsetMillis) {
        long local = millis + offsetMillis;
        long days = Math.floorDiv(local, 86_400_000L);
        int ms = (int) Math.floorMod(local, 86_400_000L);
        // Proleptic Gregorian date from days since 1970-01-01, counted in 400-year eras from March 0000.
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        int doe = (int) (z - era * 146_097);
        int yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int mp = (5 * doy + 2) / 153;
        int day = doy - (153 * mp + 2) / 5 + 1;
        int month = mp < 10 ? mp + 3 : mp - 9;
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        two(b, day).append(' ').append(MONTHS[month - 1]).append(' ').append(year).append(' ');
        two(b, ms / 3_600_000).append(':');
        two(b, ms / 60_000 % 60).append(':');
        two(b, ms / 1000 % 60).append('.');
        int frac = ms % 1000;
        b.append((char) ('0' + frac / 100)).append((char) ('0' + frac / 10 % 10)).append((char) ('0' + frac % 10));
    }

    private static StringBuilder two(StringBuilder b, int v) {
        return b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
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
