package dev.cinnabar.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A differential script: one command per line, quoted like redis-cli input. Lines may start
 * with a directive that says how to compare the replies:
 * <ul>
 *   <li>{@code !sorted CMD ...} compare the elements of the top-level array as a sorted list;</li>
 *   <li>{@code !type CMD ...} compare only the reply's type and, for aggregates, its length;</li>
 *   <li>{@code !ignore CMD ...} send it to both and compare nothing (e.g. HELLO, whose id differs);</li>
 *   <li>{@code !scanall CMD 0 ...} follow the cursor of a SCAN-like command to the end and compare
 *       the sorted union of what it returned;</li>
 *   <li>{@code !sleep MS} wait, for expiry.</li>
 * </ul>
 * {@code #} starts a comment line; blank lines are skipped.
 */
public final class Corpus {
    public enum Mode { EXACT, SORTED, TYPE, IGNORE, SCANALL, SLEEP }

    public static final class Line {
        public final int number;
        public final Mode mode;
        public final List<byte[]> args;
        public final String text;
        public final long sleepMillis;

        Line(int number, Mode mode, List<byte[]> args, String text, long sleepMillis) {
            this.number = number;
            this.mode = mode;
            this.args = args;
            this.text = text;
            this.sleepMillis = sleepMillis;
        }
    }

    private Corpus() {
    }

    public static List<Line> parse(Path file) throws IOException {
        List<Line> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i).strip();
            if (raw.isEmpty() || raw.startsWith("#")) {
                continue;
            }
            Mode mode = Mode.EXACT;
            String rest = raw;
            if (raw.startsWith("!")) {
                int sp = raw.indexOf(' ');
                String directive = sp < 0 ? raw.substring(1) : raw.substring(1, sp);
                rest = sp < 0 ? "" : raw.substring(sp + 1).strip();
                switch (directive) {
                    case "sorted": mode = Mode.SORTED; break;
                    case "type": mode = Mode.TYPE; break;
                    case "ignore": mode = Mode.IGNORE; break;
                    case "scanall": mode = Mode.SCANALL; break;
                    case "sleep":
                        out.add(new Line(i + 1, Mode.SLEEP, List.of(), raw, Long.parseLong(rest)));
                        continue;
                    default:
                        throw new IllegalArgumentException(file + ":" + (i + 1) + ": unknown directive " + directive);
                }
            }
            List<byte[]> args = split(rest);
            if (args == null || args.isEmpty()) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": cannot parse: " + raw);
            }
            out.add(new Line(i + 1, mode, args, raw, 0));
        }
        return out;
    }

    /** redis-cli's quoting: "..." with \n \r \t \b \a \\ \" \xHH escapes, '...' with \' only. */
    static List<byte[]> split(String line) {
        List<byte[]> args = new ArrayList<>();
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        int p = 0;
        while (true) {
            while (p < b.length && Character.isWhitespace(b[p])) {
                p++;
            }
            if (p >= b.length) {
                return args;
            }
            ByteArrayOutputStream cur = new ByteArrayOutputStream();
            boolean dq = false;
            boolean sq = false;
            while (true) {
                if (dq) {
                    if (p >= b.length) {
                        return null;
                    }
                    if (b[p] == '\\' && p + 3 < b.length && b[p + 1] == 'x' && hex(b[p + 2]) >= 0 && hex(b[p + 3]) >= 0) {
                        cur.write(hex(b[p + 2]) * 16 + hex(b[p + 3]));
                        p += 4;
                    } else if (b[p] == '\\' && p + 1 < b.length) {
                        char e = (char) b[p + 1];
                        cur.write(e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e == 'b' ? '\b' : e == 'a' ? 7 : e);
                        p += 2;
                    } else if (b[p] == '"') {
                        p++;
                        dq = false;
                        if (p < b.length && !Character.isWhitespace(b[p])) {
                            return null;
                        }
                        break;
                    } else {
                        cur.write(b[p++]);
                    }
                } else if (sq) {
                    if (p >= b.length) {
                        return null;
                    }
                    if (b[p] == '\\' && p + 1 < b.length && b[p + 1] == '\'') {
                        cur.write('\'');
                        p += 2;
                    } else if (b[p] == '\'') {
                        p++;
                        sq = false;
                        if (p < b.length && !Character.isWhitespace(b[p])) {
                            return null;
                        }
                        break;
                    } else {
                        cur.write(b[p++]);
                    }
                } else {
                    if (p >= b.length || Character.isWhitespace(b[p])) {
                        break;
                    }
                    if (b[p] == '"') {
                        dq = true;
                        p++;
                    } else if (b[p] == '\'') {
                        sq = true;
                        p++;
                    } else {
                        cur.write(b[p++]);
                    }
                }
            }
            args.add(cur.toByteArray());
        }
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
