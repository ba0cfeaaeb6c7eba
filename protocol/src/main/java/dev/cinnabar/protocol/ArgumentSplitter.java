package dev.cinnabar.protocol;

/**
 * Splits a line into arguments with Redis's quoting rules (sdssplitargs), for inline requests
 * and, through {@link #split(byte[])}, for configuration lines, which Redis reads the same way:
 * <ul>
 *   <li>blanks (C's {@code isspace}) separate arguments; inside an unquoted argument only space,
 *       tab, CR, LF and NUL end it, so a vertical tab or form feed there is part of it;</li>
 *   <li>double quotes take {@code \n \r \t \b \a \xHH} escapes, and any other escaped byte
 *       stands for itself ({@code \\}, {@code \"}, {@code \z} gives {@code z});</li>
 *   <li>single quotes take only {@code \'};</li>
 *   <li>a quote may open in the middle of an argument ({@code a"b c"} is {@code ab c}), but a
 *       closing quote must be followed by a blank or the end of the line;</li>
 *   <li>a NUL byte ends the line as it ends a C string; a quote still open there is an error.
 *       (From the network a line never holds a NUL: the decoder does not find a line end past
 *       one, as Redis does not.)</li>
 * </ul>
 *
 * <p>Unescaping never makes an argument longer than its source text, so the arguments are
 * written back over the line itself and returned as slices of it: nothing is allocated. The
 * line's bytes are overwritten in the process.
 */
public final class ArgumentSplitter {
    private ArgumentSplitter() {
    }

    /**
     * The arguments of a whole line as fresh arrays, or null on unbalanced quotes. The line is
     * left as it was.
     */
    public static java.util.List<byte[]> split(byte[] line) {
        byte[] work = line.clone();
        Argv argv = new Argv();
        if (!split(work, 0, work.length, argv)) {
            return null;
        }
        java.util.List<byte[]> out = new java.util.ArrayList<>(argv.count());
        for (int i = 0; i < argv.count(); i++) {
            out.add(argv.copy(i));
        }
        return out;
    }

    /**
     * Appends the arguments of {@code line[from, to)} to {@code out} as slices of {@code line},
     * overwriting it; false on unbalanced quotes (then {@code out} may hold some arguments).
     */
    static boolean split(byte[] line, int from, int to, Argv out) {
        int p = from;
        int w = from; // where unescaped bytes go; never passes p
        while (true) {
            while (p < to && line[p] != 0 && isSpace(line[p])) {
                p++;
            }
            if (at(line, p, to) == 0) {
                return true;
            }
            int start = w;
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            while (!done) {
                byte c = at(line, p, to);
                if (inDouble) {
                    if (c == '\\' && at(line, p + 1, to) == 'x'
                            && isHex(at(line, p + 2, to)) && isHex(at(line, p + 3, to))) {
                        line[w++] = (byte) (hex(line[p + 2]) * 16 + hex(line[p + 3]));
                        p += 3;
                    } else if (c == '\\' && at(line, p + 1, to) != 0) {
                        p++;
                        line[w++] = unescape(line[p]);
                    } else if (c == '"') {
                        if (!endsArgument(at(line, p + 1, to))) {
                            return false;
                        }
                        done = true;
                    } else if (c == 0) {
                        return false;
                    } else {
                        line[w++] = c;
                    }
                } else if (inSingle) {
                    if (c == '\\' && at(line, p + 1, to) == '\'') {
                        p++;
                        line[w++] = '\'';
                    } else if (c == '\'') {
                        if (!endsArgument(at(line, p + 1, to))) {
                            return false;
                        }
                        done = true;
                    } else if (c == 0) {
                        return false;
                    } else {
                        line[w++] = c;
                    }
                } else {
                    switch (c) {
                        case ' ':
                        case '\n':
                        case '\r':
                        case '\t':
                        case 0:
                            done = true;
                            break;
                        case '"':
                            inDouble = true;
                            break;
                        case '\'':
                            inSingle = true;
                            break;
                        default:
                            line[w++] = c;
                            break;
                    }
                }
                if (at(line, p, to) != 0) {
                    p++;
                }
            }
            out.add(line, start, w - start);
        }
    }

    private static byte unescape(byte e) {
        switch (e) {
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'b': return '\b';
            case 'a': return 7;
            default: return e;
        }
    }

    private static boolean endsArgument(byte next) {
        return next == 0 || isSpace(next);
    }

    /** The byte at {@code i}, or 0 past the end, as reading a C string would give. */
    private static byte at(byte[] b, int i, int to) {
        return i < to ? b[i] : 0;
    }

    /** C's isspace in the C locale. */
    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == 0x0c;
    }

    private static boolean isHex(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static int hex(byte c) {
        if (c <= '9') {
            return c - '0';
        }
        return (c | 0x20) - 'a' + 10;
    }
}
