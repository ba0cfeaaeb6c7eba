package dev.cinnabar.protocol;

import java.io.ByteArrayOutputStream;

/**
 * Splits an inline request line into arguments with Redis's quoting rules (sdssplitargs):
 * double quotes take {@code \n \r \t \b \a \\ \" \xHH} escapes, single quotes only {@code \'},
 * a quote may open in the middle of an argument, a closing quote must be followed by whitespace
 * or the end, and a NUL byte ends the line as it ends a C string.
 *
 * <p>Inline requests come from people typing into telnet, not from clients, so this favours
 * plainness over speed: every argument gets its own array.
 */
final class InlineSplitter {
    private InlineSplitter() {
    }

    /** Appends the arguments of {@code line[from, to)} to {@code out}; false on unbalanced quotes. */
    static boolean split(byte[] line, int from, int to, Argv out) {
        ByteArrayOutputStream current = new ByteArrayOutputStream();
        int p = from;
        while (true) {
            while (p < to && isSpace(line[p])) {
                p++;
            }
            if (at(line, p, to) == 0) {
                return true;
            }
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            current.reset();
            while (!done) {
                byte c = at(line, p, to);
                if (inDouble) {
                    if (c == '\\' && at(line, p + 1, to) == 'x'
                            && isHex(at(line, p + 2, to)) && isHex(at(line, p + 3, to))) {
                        current.write(hex(line[p + 2]) * 16 + hex(line[p + 3]));
                        p += 3;
                    } else if (c == '\\' && at(line, p + 1, to) != 0) {
                        p++;
                        current.write(unescape(line[p]));
                    } else if (c == '"') {
                        if (!endsArgument(at(line, p + 1, to))) {
                            return false;
                        }
                        done = true;
                    } else if (c == 0) {
                        return false;
                    } else {
                        current.write(c);
                    }
                } else if (inSingle) {
                    if (c == '\\' && at(line, p + 1, to) == '\'') {
                        p++;
                        current.write('\'');
                    } else if (c == '\'') {
                        if (!endsArgument(at(line, p + 1, to))) {
                            return false;
                        }
                        done = true;
                    } else if (c == 0) {
                        return false;
                    } else {
                        current.write(c);
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
                            current.write(c);
                            break;
                    }
                }
                if (at(line, p, to) != 0) {
                    p++;
                }
            }
            out.add(current.toByteArray());
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
