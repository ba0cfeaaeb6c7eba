package dev.cinnabar.server.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Redis's text conventions for configuration lines. Strings here hold raw bytes, one char per
 * byte (Latin-1), so that any value survives a round trip through a file unchanged.
 */
public final class Quoting {
    private Quoting() {
    }

    /**
     * Splits a line into arguments as Redis's config reader and redis-cli do: blanks separate
     * arguments; "double quotes" take the escapes \n \r \t \b \a \xHH and \anything; 'single
     * quotes' take only \'; a closing quote must end the argument. Returns null for unbalanced
     * quotes or a quote followed by something other than a blank.
     */
    public static List<String> splitArgs(String line) {
        int nul = line.indexOf('\0');
        String s = nul >= 0 ? line.substring(0, nul) : line;
        List<String> out = new ArrayList<>();
        int p = 0;
        int n = s.length();
        while (true) {
            while (p < n && isSpace(s.charAt(p))) {
                p++;
            }
            if (p >= n) {
                return out;
            }
            StringBuilder cur = new StringBuilder();
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            while (!done) {
                char c = p < n ? s.charAt(p) : '\0';
                if (inDouble) {
                    if (c == '\\' && p + 3 < n && s.charAt(p + 1) == 'x'
                            && hex(s.charAt(p + 2)) >= 0 && hex(s.charAt(p + 3)) >= 0) {
                        cur.append((char) (hex(s.charAt(p + 2)) * 16 + hex(s.charAt(p + 3))));
                        p += 3;
                    } else if (c == '\\' && p + 1 < n) {
                        p++;
                        char e = s.charAt(p);
                        cur.append(e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e == 'b' ? '\b' : e == 'a' ? (char) 7 : e);
                    } else if (c == '"') {
                        if (p + 1 < n && !isSpace(s.charAt(p + 1))) {
                            return null;
                        }
                        done = true;
                    } else if (p >= n) {
                        return null;
                    } else {
                        cur.append(c);
                    }
                } else if (inSingle) {
                    if (c == '\\' && p + 1 < n && s.charAt(p + 1) == '\'') {
                        p++;
                        cur.append('\'');
                    } else if (c == '\'') {
                        if (p + 1 < n && !isSpace(s.charAt(p + 1))) {
                            return null;
                        }
                        done = true;
                    } else if (p >= n) {
                        return null;
                    } else {
                        cur.append(c);
                    }
                } else {
                    switch (c) {
                        case ' ':
                        case '\n':
                        case '\r':
                        case '\t':
                        case '\0':
                            done = true;
                            break;
                        case '"':
                            inDouble = true;
                            break;
                        case '\'':
                            inSingle = true;
                            break;
                        default:
                            cur.append(c);
                    }
                }
                if (p < n) {
                    p++;
                }
            }
            out.add(cur.toString());
        }
    }

    /**
     * Splits on every single space, keeping empty pieces, as CONFIG SET splits the value of a
     * multi-argument directive: {@code "a  b"} is three arguments and {@code ""} is none.
     */
    public static String[] splitOnSpaces(String value) {
        if (value.isEmpty()) {
            return new String[0];
        }
        return value.split(" ", -1);
    }

    /**
     * Quotes a value so that {@link #splitArgs} reads it back unchanged: always in double quotes,
     * backslash and quote escaped, control and non-ASCII bytes as {@code \xHH}.
     */
    public static String repr(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\':
                case '"':
                    sb.append('\\').append(c);
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                case 7:
                    sb.append("\\a");
                    break;
                case '\b':
                    sb.append("\\b");
                    break;
                default:
                    if (c >= 0x20 && c <= 0x7e) {
                        sb.append(c);
                    } else {
                        sb.append(String.format("\\x%02x", c & 0xff));
                    }
            }
        }
        return sb.append('"').toString();
    }

    /** Trims spaces, tabs, CR and LF at both ends, as Redis trims each config line. */
    public static String trimLine(String line) {
        int start = 0;
        int end = line.length();
        while (start < end && isTrimmed(line.charAt(start))) {
            start++;
        }
        while (end > start && isTrimmed(line.charAt(end - 1))) {
            end--;
        }
        return line.substring(start, end);
    }

    private static boolean isTrimmed(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** C's isspace in the C locale. */
    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }

    private static int hex(char c) {
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
