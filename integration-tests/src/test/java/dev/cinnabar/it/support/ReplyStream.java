package dev.cinnabar.it.support;

/**
 * Checks that bytes a server sent are a sequence of complete, well-formed RESP2/RESP3 replies,
 * and that nothing follows a protocol error (after which Redis closes the connection).
 */
public final class ReplyStream {
    /** Replies read. */
    public int replies;
    /** The stream ended inside a reply. */
    public boolean truncated;
    /** Why the stream is not valid RESP, or null. */
    public String problem;
    /** Protocol errors seen (at most one is valid). */
    public int protocolErrors;

    private final byte[] b;
    private int p;

    private ReplyStream(byte[] b) {
        this.b = b;
    }

    public static ReplyStream check(byte[] bytes) {
        ReplyStream s = new ReplyStream(bytes);
        s.run();
        return s;
    }

    private void run() {
        while (p < b.length && problem == null && !truncated) {
            if (protocolErrors > 0) {
                problem = "a reply after the protocol error, at byte " + p;
                return;
            }
            int start = p;
            if (value(0) && b[start] == '-' && startsWith(start, "-ERR Protocol error:")) {
                protocolErrors++;
            }
            if (problem == null && !truncated) {
                replies++;
            }
        }
    }

    private boolean startsWith(int at, String s) {
        if (at + s.length() > b.length) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[at + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Reads one value; false when the stream ended or is broken. */
    private boolean value(int depth) {
        if (depth > 64) {
            problem = "nesting too deep at byte " + p;
            return false;
        }
        if (p >= b.length) {
            truncated = true;
            return false;
        }
        byte type = b[p];
        int lineStart = p + 1;
        int cr = lineEnd(lineStart);
        if (cr < 0) {
            return false;
        }
        p = cr + 2;
        switch (type) {
            case '+': case '-': case '_': case ',': case '#':
                return true;
            case ':': case '(':
                return number(lineStart, cr) != null;
            case '$': case '=': case '!': {
                Long n = number(lineStart, cr);
                if (n == null) {
                    return false;
                }
                if (n < 0) {
                    return n == -1 || fail("negative bulk length " + n);
                }
                if (p + n + 2 > b.length) {
                    truncated = true;
                    return false;
                }
                p += n.intValue();
                if (b[p] != '\r' || b[p + 1] != '\n') {
                    return fail("no CRLF after a bulk at byte " + p);
                }
                p += 2;
                return true;
            }
            case '*': case '~': case '>': case '%': case '|': {
                Long n = number(lineStart, cr);
                if (n == null) {
                    return false;
                }
                if (n < 0) {
                    return n == -1 || fail("negative aggregate length " + n);
                }
                long items = type == '%' || type == '|' ? 2 * n : n;
                for (long i = 0; i < items; i++) {
                    if (!value(depth + 1)) {
                        return false;
                    }
                }
                return type != '|' || value(depth + 1);
            }
            default:
                return fail("unknown reply type '" + (char) (type & 0xff) + "' at byte " + (p - (cr - lineStart) - 3));
        }
    }

    private int lineEnd(int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == '\r') {
                if (i + 1 >= b.length) {
                    truncated = true;
                    return -1;
                }
                if (b[i + 1] != '\n') {
                    fail("CR without LF at byte " + i);
                    return -1;
                }
                return i;
            }
            if (b[i] == '\n') {
                fail("LF without CR at byte " + i);
                return -1;
            }
        }
        truncated = true;
        return -1;
    }

    private Long number(int from, int to) {
        try {
            return Long.parseLong(new String(b, from, to - from, java.nio.charset.StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            fail("not a number at byte " + from);
            return null;
        }
    }

    private boolean fail(String why) {
        if (problem == null) {
            problem = why;
        }
        return false;
    }
}
