package dev.cinnabar.server.memcached;

import java.nio.charset.StandardCharsets;

/**
 * memcached's text protocol, as memcached 1.6.18 answers it. A request is a line ending in
 * LF (a CR before it is dropped); storage commands are followed by a data block of the length
 * they give plus CR LF. Lines whose command is two letters starting with {@code m} go to
 * {@link MetaCommands}. Nothing is allocated per request.
 */
public final class TextProtocol {
    public static final byte[] ERROR = ascii("ERROR");

    private TextProtocol() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The line splitter of a session, made on first use. */
    static TextLine line(MemcachedSession s) {
        if (s.protocolState == null) {
            s.protocolState = new TextLine();
        }
        return (TextLine) s.protocolState;
    }

    /** Runs at most one request from the session's input; see {@link MemcachedSession#next}. */
    public static int next(MemcachedSession s) {
        byte[] b = s.input();
        int from = s.readIndex();
        int to = s.writeIndex();
        int nl = -1;
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                nl = i;
                break;
            }
        }
        if (nl < 0) {
            return MemcachedSession.NEED_MORE;
        }
        int end = nl;
        if (nl - from > 1 && b[nl - 1] == '\r') {
            end = nl - 1;
        }
        TextLine line = line(s);
        line.split(b, from, end, nl + 1);
        if (line.count() >= 1 && line.length(0) == 2 && b[line.offset(0)] == 'm') {
            return MetaCommands.execute(s, line);
        }
        s.consume(nl + 1 - from);
        s.writeLine(ERROR);
        return MemcachedSession.DONE;
    }
}
