package dev.cinnabar.server.persistence;

import dev.cinnabar.server.config.Quoting;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The manifest of Redis 7.0's multi-part AOF: which files make up the log, in which order. One
 * base (a snapshot, RDB or commands), the incremental files written since, and the history files
 * a rewrite has replaced but not yet deleted. Its text is Redis's to the byte, so a directory
 * moves between Cinnabar and Redis (and redis-check-aof reads it).
 *
 * <p>A rewrite works on a {@link #copy()} and installs it only once the files it names are on
 * disk, so the manifest on disk always describes a loadable set of files.
 *
 * <p>Names are kept as one char per byte (Latin-1), so any byte in {@code appendfilename}
 * survives a round trip.
 */
public final class AofManifest {
    public static final char BASE = 'b';
    public static final char HISTORY = 'h';
    public static final char INCR = 'i';

    /** Redis reads manifest lines into a buffer of this size: a longer line is an error. */
    static final int MAX_LINE = 1024;

    /** One line of the manifest. */
    public record Entry(String fileName, long seq, char type) {
        Entry as(char newType) {
            return new Entry(fileName, seq, newType);
        }
    }

    /** Why a manifest cannot be read: Redis logs the line and this message, then exits. */
    public static final class FormatException extends Exception {
        private final int lineNumber;
        private final String line;

        FormatException(String message, int lineNumber, String line) {
            super(message, null, false, false);
            this.lineNumber = lineNumber;
            this.line = line;
        }

        /** 1-based; 0 when the error is not about one line (an empty manifest). */
        public int lineNumber() {
            return lineNumber;
        }

        /** The trimmed line at fault, or null. */
        public String line() {
            return line;
        }
    }

    private Entry base;
    private final List<Entry> history = new ArrayList<>();
    private final List<Entry> incrs = new ArrayList<>();
    private long baseSeq;
    private long incrSeq;

    /** The file name of the manifest for {@code appendfilename}: {@code appendonly.aof.manifest}. */
    public static String manifestName(String appendFilename) {
        return appendFilename + ".manifest";
    }

    /** Where a new manifest is written before it is renamed over the old one. */
    public static String tempManifestName(String appendFilename) {
        return "temp-" + appendFilename + ".manifest";
    }

    /** Where a rewrite collects the writes made while it runs when the AOF is off (Redis's temp INCR). */
    public static String tempIncrName(String appendFilename) {
        return "temp-" + appendFilename + ".incr";
    }

    /** The empty manifest of a fresh directory. */
    public AofManifest() {
    }

    /** The base file, or null when there is none (the AOF was only ever incremental). */
    public Entry base() {
        return base;
    }

    /** History files, in the order Redis lists them (see {@link #markIncrsAsHistory}). */
    public List<Entry> history() {
        return List.copyOf(history);
    }

    /** Incremental files in the order they are to be applied. */
    public List<Entry> incrs() {
        return List.copyOf(incrs);
    }

    /** The incremental file being appended to, or null when there is none yet. */
    public Entry lastIncr() {
        return incrs.isEmpty() ? null : incrs.get(incrs.size() - 1);
    }

    /** True when the manifest names no file at all (Redis writes none then). */
    public boolean isEmpty() {
        return base == null && history.isEmpty() && incrs.isEmpty();
    }

    public AofManifest copy() {
        AofManifest m = new AofManifest();
        m.base = base;
        m.history.addAll(history);
        m.incrs.addAll(incrs);
        m.baseSeq = baseSeq;
        m.incrSeq = incrSeq;
        return m;
    }

    /**
     * Redis's aofUpgradePrepare: the pre-7.0 single file {@code appendFilename}, moved into the
     * directory, becomes the base, sequence 1.
     */
    public void upgradeBase(String appendFilename) {
        base = new Entry(appendFilename, 1, BASE);
        baseSeq = 1;
    }

    /**
     * A rewrite's new base: the current base becomes the newest history file, and the name
     * returned is {@code <appendfilename>.<seq>.base.rdb} (or {@code .aof} without the RDB
     * preamble), with the next base sequence number.
     */
    public String newBase(String appendFilename, boolean rdbPreamble) {
        if (base != null) {
            history.add(0, base.as(HISTORY));
        }
        baseSeq++;
        base = new Entry(appendFilename + "." + baseSeq + ".base" + (rdbPreamble ? ".rdb" : ".aof"), baseSeq, BASE);
        return base.fileName;
    }

    /** A new incremental file, {@code <appendfilename>.<seq>.incr.aof}, appended last. */
    public String newIncr(String appendFilename) {
        incrSeq++;
        Entry e = new Entry(appendFilename + "." + incrSeq + ".incr.aof", incrSeq, INCR);
        incrs.add(e);
        return e.fileName;
    }

    /**
     * After a successful rewrite: every incremental file but the one being written ({@code
     * keepLast}, true while the AOF is on) becomes history, put before the older history files
     * in their own order, as Redis lists them.
     */
    public void markIncrsAsHistory(boolean keepLast) {
        int end = keepLast && !incrs.isEmpty() ? incrs.size() - 1 : incrs.size();
        List<Entry> moved = new ArrayList<>(end);
        for (int i = 0; i < end; i++) {
            moved.add(incrs.get(i).as(HISTORY));
        }
        history.addAll(0, moved);
        incrs.subList(0, end).clear();
    }

    /** Forgets the history files (after they were deleted) and returns them. */
    public List<Entry> takeHistory() {
        List<Entry> h = List.copyOf(history);
        history.clear();
        return h;
    }

    /** The manifest's text, as Redis writes it: base, then history, then incrementals. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        if (base != null) {
            line(sb, base);
        }
        for (Entry e : history) {
            line(sb, e);
        }
        for (Entry e : incrs) {
            line(sb, e);
        }
        return sb.toString();
    }

    /** {@link #format()} as the bytes of the file. */
    public byte[] toBytes() {
        return format().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void line(StringBuilder sb, Entry e) {
        String name = needsRepr(e.fileName) ? Quoting.repr(e.fileName) : e.fileName;
        sb.append("file ").append(name).append(" seq ").append(e.seq).append(" type ").append(e.type).append('\n');
    }

    /** Redis's sdsneedsrepr: quotes, backslashes, blanks and non-printable bytes need quoting. */
    private static boolean needsRepr(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' || c == '"' || c <= ' ' || c >= 0x7f) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads a manifest file's bytes with Redis 7.0's rules: {@code #} comment lines, lines of
     * {@code key value} pairs ({@code file}, {@code seq}, {@code type}; unknown keys ignored for
     * forward compatibility), one base at most, incremental sequence numbers increasing.
     */
    public static AofManifest parse(byte[] content) throws FormatException {
        AofManifest m = new AofManifest();
        String text = new String(content, StandardCharsets.ISO_8859_1);
        int pos = 0;
        int lineNumber = 0;
        long maxIncrSeq = 0;
        while (pos < text.length()) {
            int nl = text.indexOf('\n', pos);
            int end = nl < 0 ? text.length() : nl + 1;
            // Redis reads with fgets into a buffer of MAX_LINE bytes: a longer line splits there.
            if (end - pos > MAX_LINE) {
                end = pos + MAX_LINE;
                nl = -1;
            }
            String raw = text.substring(pos, end);
            pos = end;
            lineNumber++;
            if (raw.charAt(0) == '#') {
                continue;
            }
            if (nl < 0) {
                throw new FormatException("The AOF manifest file contains too long line", lineNumber, null);
            }
            String line = Quoting.trimLine(raw);
            if (line.isEmpty()) {
                throw new FormatException("Invalid AOF manifest file format", lineNumber, line);
            }
            List<String> argv = Quoting.splitArgs(line);
            if (argv == null || argv.size() < 6 || argv.size() % 2 != 0) {
                throw new FormatException("Invalid AOF manifest file format", lineNumber, line);
            }
            String name = null;
            long seq = 0;
            char type = 0;
            for (int i = 0; i < argv.size(); i += 2) {
                String key = argv.get(i).toLowerCase(Locale.ROOT);
                String value = argv.get(i + 1);
                switch (key) {
                    case "file" -> {
                        name = value;
                        if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
                            throw new FormatException("File can't be a path, just a filename", lineNumber, line);
                        }
                    }
                    case "seq" -> seq = atoll(value);
                    case "type" -> type = value.isEmpty() ? 0 : value.charAt(0);
                    default -> {
                    }
                }
            }
            if (name == null || seq == 0 || type == 0) {
                throw new FormatException("Invalid AOF manifest file format", lineNumber, line);
            }
            Entry e = new Entry(name, seq, type);
            switch (type) {
                case BASE -> {
                    if (m.base != null) {
                        throw new FormatException("Found duplicate base file information", lineNumber, line);
                    }
                    m.base = e;
                    m.baseSeq = seq;
                }
                case HISTORY -> m.history.add(e);
                case INCR -> {
                    if (seq <= maxIncrSeq) {
                        throw new FormatException("Found a non-monotonic sequence number", lineNumber, line);
                    }
                    m.incrs.add(e);
                    m.incrSeq = seq;
                    maxIncrSeq = seq;
                }
                default -> throw new FormatException("Unknown AOF file type", lineNumber, line);
            }
        }
        if (lineNumber == 0) {
            throw new FormatException("Found an empty AOF manifest", 0, null);
        }
        return m;
    }

    /** C's atoll: optional blanks and sign, then digits up to the first non-digit; 0 if none. */
    private static long atoll(String s) {
        int i = 0;
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            v = v * 10 + (s.charAt(i) - '0');
            i++;
        }
        return negative ? -v : v;
    }
}
