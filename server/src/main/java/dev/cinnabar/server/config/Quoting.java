package dev.cinnabar.server.config;

import dev.cinnabar.protocol.ArgumentSplitter;
import java.nio.charset.StandardCharsets;
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
        List<byte[]> parts = ArgumentSplitter.split(line.getBytes(StandardCharsets.ISO_8859_1));
        if (parts == null) {
            return null;
        }
        List<String> out = new ArrayList<>(parts.size());
        for (byte[] p : parts) {
            out.add(new String(p, StandardCharsets.ISO_8859_1));
        }
        return out;
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
}
