package dev.cinnabar.server.memcached;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.memcached.MemcachedItems.Item;
import dev.cinnabar.server.memcached.MemcachedItems.Outcome;
import dev.cinnabar.server.memcached.MemcachedItems.StoreMode;
import dev.cinnabar.server.stats.MemcachedStats;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * memcached's text protocol, as memcached 1.6.18 answers it. A request is a line ending in
 * LF (a CR before it is dropped); storage commands are followed by a data block of the length
 * they give plus CR LF. Lines whose command is two letters starting with {@code m} go to
 * {@link MetaCommands}. Errors are memcached's lines, word for word; {@code noreply} silences
 * what memcached silences. Nothing is allocated per get or set.
 *
 * <p>Where Cinnabar differs on purpose: a line over 2048 bytes without its LF (other than a
 * get/gets, whose key lists may be long) is answered {@code CLIENT_ERROR line too long} and
 * skipped up to its LF, where memcached closes the connection without a word.
 */
public final class TextProtocol {
    public static final byte[] ERROR = ascii("ERROR");
    public static final String VERSION = "1.6.18";

    static final byte[] STORED = ascii("STORED");
    static final byte[] NOT_STORED = ascii("NOT_STORED");
    static final byte[] EXISTS = ascii("EXISTS");
    static final byte[] NOT_FOUND = ascii("NOT_FOUND");
    static final byte[] DELETED = ascii("DELETED");
    static final byte[] TOUCHED = ascii("TOUCHED");
    static final byte[] OK = ascii("OK");
    static final byte[] END = ascii("END\r\n");
    static final byte[] VALUE = ascii("VALUE ");
    static final byte[] BAD_FORMAT = ascii("CLIENT_ERROR bad command line format");
    static final byte[] BAD_DATA_CHUNK = ascii("CLIENT_ERROR bad data chunk");
    static final byte[] TOO_LARGE = ascii("SERVER_ERROR object too large for cache");
    static final byte[] OUT_OF_MEMORY_STORING = ascii("SERVER_ERROR out of memory storing object");
    static final byte[] OUT_OF_MEMORY = ascii("SERVER_ERROR out of memory");
    static final byte[] INVALID_EXPTIME = ascii("CLIENT_ERROR invalid exptime argument");
    static final byte[] INVALID_DELTA = ascii("CLIENT_ERROR invalid numeric delta argument");
    static final byte[] NON_NUMERIC = ascii("CLIENT_ERROR cannot increment or decrement non-numeric value");
    static final byte[] DELETE_USAGE = ascii("CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]");
    static final byte[] UNAUTHENTICATED = ascii("CLIENT_ERROR unauthenticated");
    static final byte[] BAD_TERMINATION = ascii("CLIENT_ERROR bad command line termination");
    static final byte[] BAD_TOKEN_FORMAT = ascii("CLIENT_ERROR bad authentication token format");
    static final byte[] AUTH_FAILURE = ascii("CLIENT_ERROR authentication failure");
    static final byte[] LINE_TOO_LONG = ascii("CLIENT_ERROR line too long");
    static final byte[] VERSION_LINE = ascii("VERSION " + VERSION);
    static final byte[] RESET = ascii("RESET");
    static final byte[] WATCH_NOT_ALLOWED = ascii("CLIENT_ERROR watch commands not allowed");
    static final byte[] SHUTDOWN_NOT_ENABLED = ascii("ERROR: shutdown not enabled");
    static final byte[] BAD_COMMAND_LINE = ascii("CLIENT_ERROR bad command line");
    static final byte[] ILLEGAL_SLAB = ascii("CLIENT_ERROR Illegal slab id");
    static final byte[] DETAIL_USAGE = ascii("CLIENT_ERROR usage: stats detail on|off|dump");

    private TextProtocol() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A text connection's state: its line, and whether it skips the rest of a line too long. */
    static final class State {
        final TextLine line = new TextLine();
        boolean skippingLine;
        /** Authenticating: the size of the credentials block announced by the auth line, or -1. */
        long authBlock = -1;
        /** Where the last reply of the authentication phase sits in the output, while unsent. */
        ByteBuf authOut;
        int authMark;
        int authEnd;
    }

    /**
     * A reply before authentication. memcached answers those in one response object that each
     * new answer overwrites, so of the answers to one read only the last is sent: the reply
     * takes the place of the previous one when that is still unsent and last in the buffer.
     */
    private static void authReply(MemcachedSession s, State st, byte[] text) {
        ByteBuf out = s.client.reply.buffer();
        if (out != null && out == st.authOut && out.writerIndex() == st.authEnd && st.authMark <= st.authEnd) {
            out.writerIndex(st.authMark);
        }
        st.authOut = out;
        st.authMark = out == null ? 0 : out.writerIndex();
        s.writeLineAlways(text);
        st.authEnd = out == null ? 0 : out.writerIndex();
    }

    static State state(MemcachedSession s) {
        if (s.protocolState == null) {
            s.protocolState = new State();
        }
        return (State) s.protocolState;
    }

    /** The session's line splitter (for tests and the meta commands). */
    static TextLine line(MemcachedSession s) {
        return state(s).line;
    }

    /** Runs at most one request from the session's input; see {@link MemcachedSession#next}. */
    public static int next(MemcachedSession s) {
        State st = state(s);
        byte[] b = s.input();
        int from = s.readIndex();
        int to = s.writeIndex();
        int nl = indexOf(b, from, to, (byte) '\n');
        if (st.skippingLine) {
            if (nl < 0) {
                s.consume(to - from);
                return MemcachedSession.NEED_MORE;
            }
            s.consume(nl + 1 - from);
            st.skippingLine = false;
            return MemcachedSession.DONE;
        }
        if (st.authBlock >= 0) {
            return authBlock(s, st);
        }
        if (nl < 0) {
            if (to - from > TextLine.MAX_LINE && MemcachedAuth.required(s.client)) {
                s.consume(to - from);
                s.close(); // as memcached, which takes this for junk before authentication
                return MemcachedSession.DONE;
            }
            if (to - from > TextLine.MAX_LINE && !multiGet(b, from, to)) {
                // memcached drops the connection here; Cinnabar answers and skips the line.
                s.writeLineAlways(LINE_TOO_LONG);
                s.consume(to - from);
                st.skippingLine = true;
                return MemcachedSession.DONE;
            }
            return MemcachedSession.NEED_MORE;
        }
        int end = nl;
        if (nl - from > 1 && b[nl - 1] == '\r') {
            end = nl - 1;
        }
        TextLine line = st.line;
        line.split(b, from, end, nl + 1);
        Client c = s.client;
        c.server.stats().memcached.commands++;
        if (MemcachedAuth.required(c)) {
            return authLine(s, st, line);
        }
        if (line.count() == 0 || line.length(0) < 2) {
            return reply(s, line, ERROR);
        }
        int op = line.offset(0);
        byte first = b[op];
        if (first == 'm' && line.length(0) == 2) {
            return MetaCommands.execute(s, line);
        }
        switch (first) {
            case 'g':
                if (line.count() < 2) {
                    return reply(s, line, ERROR);
                }
                if (line.is(0, "get")) {
                    return get(s, line, false, false);
                } else if (line.is(0, "gets")) {
                    return get(s, line, true, false);
                } else if (line.is(0, "gat")) {
                    return get(s, line, false, true);
                } else if (line.is(0, "gats")) {
                    return get(s, line, true, true);
                }
                return reply(s, line, ERROR);
            case 's':
                if (line.is(0, "set")) {
                    return update(s, line, StoreMode.SET);
                } else if (line.is(0, "stats")) {
                    return Stats.command(s, line);
                } else if (line.is(0, "shutdown")) {
                    return reply(s, line, SHUTDOWN_NOT_ENABLED);
                }
                return reply(s, line, ERROR);
            case 'a':
                if (line.is(0, "add")) {
                    return update(s, line, StoreMode.ADD);
                } else if (line.is(0, "append")) {
                    return update(s, line, StoreMode.APPEND);
                }
                return reply(s, line, ERROR);
            case 'c':
                if (line.is(0, "cas")) {
                    return update(s, line, StoreMode.CAS);
                }
                return reply(s, line, ERROR);
            case 'i':
                if (line.is(0, "incr")) {
                    return arith(s, line, true);
                }
                return reply(s, line, ERROR);
            case 'd':
                if (line.is(0, "delete")) {
                    return delete(s, line);
                } else if (line.is(0, "decr")) {
                    return arith(s, line, false);
                }
                return reply(s, line, ERROR);
            case 't':
                if (line.is(0, "touch")) {
                    return touch(s, line);
                }
                return reply(s, line, ERROR);
            default:
                break;
        }
        if (line.is(0, "replace")) {
            return update(s, line, StoreMode.REPLACE);
        } else if (line.is(0, "prepend")) {
            return update(s, line, StoreMode.PREPEND);
        } else if (line.is(0, "bget")) {
            if (line.count() < 2) {
                return reply(s, line, ERROR);
            }
            return get(s, line, false, false);
        } else if (line.is(0, "flush_all")) {
            return flushAll(s, line);
        } else if (line.is(0, "version")) {
            return reply(s, line, VERSION_LINE);
        } else if (line.is(0, "quit")) {
            s.consume(line.next() - s.readIndex());
            s.close();
            return MemcachedSession.DONE;
        } else if (line.is(0, "verbosity")) {
            return verbosity(s, line);
        } else if (line.is(0, "watch")) {
            // memcached's log watchers have no counterpart here: its answer when they are off.
            return reply(s, line, WATCH_NOT_ALLOWED);
        }
        // memcached hangs up on what looks like an HTTP request line.
        int last = line.count() - 1;
        if (line.length(last) >= 5 && startsWith(b, line.offset(last), "HTTP/")) {
            s.consume(line.next() - s.readIndex());
            // memcached closes at once: the replies it had not sent yet go with the connection.
            ByteBuf out = s.client.reply.buffer();
            if (out != null) {
                out.clear();
            }
            s.close();
            return MemcachedSession.DONE;
        }
        return reply(s, line, ERROR);
    }

    /** A line that, after up to 100 blanks, starts a get or gets: memcached lets those grow. */
    private static boolean multiGet(byte[] b, int from, int to) {
        int p = from;
        while (p < to && b[p] == ' ') {
            p++;
        }
        if (p - from > 100) {
            return false;
        }
        return startsWith(b, p, to, "get ") || startsWith(b, p, to, "gets ");
    }

    private static boolean startsWith(byte[] b, int p, String prefix) {
        return startsWith(b, p, b.length, prefix);
    }

    private static boolean startsWith(byte[] b, int p, int to, String prefix) {
        if (to - p < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (b[p + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static int indexOf(byte[] b, int from, int to, byte x) {
        for (int i = from; i < to; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    /** Consumes the line and writes one reply line (unless quiet). */
    static int reply(MemcachedSession s, TextLine line, byte[] text) {
        s.consume(line.next() - s.readIndex());
        s.writeLine(text);
        return MemcachedSession.DONE;
    }

    // ------------------------------------------------------------------ authentication

    /**
     * The line of a client that must authenticate first: only {@code set <key> <flags>
     * <exptime> <bytes>} is taken, its data block being {@code <user> <password>}; everything
     * else gets {@code CLIENT_ERROR unauthenticated}.
     */
    private static int authLine(MemcachedSession s, State st, TextLine line) {
        s.consume(line.next() - s.readIndex());
        if (line.count() < 5 || !line.is(0, "set")) {
            authReply(s, st, UNAUTHENTICATED);
            return MemcachedSession.DONE;
        }
        long size = line.parseU32(4);
        if (!line.ok()) {
            authReply(s, st, UNAUTHENTICATED);
            return MemcachedSession.DONE;
        }
        st.authBlock = size + 2;
        return MemcachedSession.DONE;
    }

    private static int authBlock(MemcachedSession s, State st) {
        long need = st.authBlock;
        if (s.available() < need) {
            return MemcachedSession.NEED_MORE;
        }
        st.authBlock = -1;
        byte[] b = s.input();
        int from = s.readIndex();
        int n = (int) need;
        byte[] answer;
        if (b[from + n - 2] != '\r' || b[from + n - 1] != '\n') {
            answer = BAD_TERMINATION;
        } else {
            TextLine creds = st.line;
            creds.split(b, from, from + n - 2, from + n);
            if (creds.count() < 2) {
                answer = BAD_TOKEN_FORMAT;
            } else if (MemcachedAuth.check(s.client, b, creds.offset(0), creds.length(0),
                    b, creds.offset(1), creds.length(1))) {
                answer = STORED;
            } else {
                answer = AUTH_FAILURE;
            }
        }
        s.consume(n);
        authReply(s, st, answer);
        return MemcachedSession.DONE;
    }

    // ------------------------------------------------------------------ get, gets, gat, gats

    private static int get(MemcachedSession s, TextLine line, boolean withCas, boolean touch) {
        Client c = s.client;
        MemcachedItems items = s.items();
        byte[] b = line.buffer();
        long expireAt = MemcachedItems.KEEP;
        int first = 1;
        if (touch) {
            int exptime = line.parseI32(1);
            if (!line.ok()) {
                return reply(s, line, INVALID_EXPTIME);
            }
            expireAt = MemcachedItems.expireAtMillis(exptime, c.server.clock().millis());
            first = 2;
        }
        if (c.server.busy().holdsClients()) {
            // A script or a load holds the server: reads wait for no one, as Redis's -BUSY.
            return reply(s, line, serverError(c.server.busy().rejection()));
        }
        ByteBuf out = c.reply.buffer();
        int mark = out == null ? 0 : out.writerIndex();
        int lineEnd = line.end();
        // One operation for the line: one time for all its keys, one unit for what it propagates.
        items.begin(c);
        try {
            return getKeys(s, line, withCas, touch, expireAt, first, out, mark, lineEnd);
        } finally {
            items.end(c);
        }
    }

    private static int getKeys(MemcachedSession s, TextLine line, boolean withCas, boolean touch, long expireAt,
            int first, ByteBuf out, int mark, int lineEnd) {
        Client c = s.client;
        MemcachedItems items = s.items();
        byte[] b = line.buffer();
        while (true) {
            for (int i = first; i < line.count(); i++) {
                int ko = line.offset(i);
                int kl = line.length(i);
                if (kl > TextLine.KEY_MAX_LENGTH) {
                    if (c.reply.buffer() == out && out != null && out.writerIndex() >= mark) {
                        out.writerIndex(mark);
                    }
                    return reply(s, line, BAD_FORMAT);
                }
                Item it = touch ? items.getAndTouch(c, b, ko, kl, expireAt) : items.get(c, b, ko, kl);
                if (it != null) {
                    s.write(VALUE);
                    s.write(b, ko, kl);
                    s.writeByte(' ');
                    s.writeUnsigned(it.flags() & 0xffffffffL);
                    s.writeByte(' ');
                    s.writeUnsigned(it.valueLength());
                    if (withCas) {
                        s.writeByte(' ');
                        s.writeUnsigned(it.cas());
                    }
                    s.crlf();
                    s.write(it.valueArray(), it.valueOffset(), it.valueLength());
                    s.crlf();
                }
            }
            int rest = line.restOffset();
            if (rest < 0) {
                break;
            }
            line.tokenize(rest, lineEnd);
            first = 0;
        }
        s.consume(line.next() - s.readIndex());
        s.write(END);
        return MemcachedSession.DONE;
    }

    // ------------------------------------------------------------------ storage commands

    private static int update(MemcachedSession s, TextLine line, StoreMode mode) {
        boolean cas = mode == StoreMode.CAS;
        int n = line.count();
        if (cas ? (n != 6 && n != 7) : (n != 5 && n != 6)) {
            return reply(s, line, ERROR);
        }
        s.quiet = line.noreply();
        int klen = line.length(1);
        if (klen > TextLine.KEY_MAX_LENGTH) {
            return reply(s, line, BAD_FORMAT);
        }
        long flags = line.parseU32(2);
        boolean ok = line.ok();
        int exptime = ok ? line.parseI32(3) : 0;
        ok = ok && line.ok();
        int vlen = ok ? line.parseI32(4) : 0;
        ok = ok && line.ok();
        if (!ok) {
            return reply(s, line, BAD_FORMAT);
        }
        long casIn = 0;
        if (cas) {
            casIn = line.parseU64(5);
            if (!line.ok()) {
                return reply(s, line, BAD_FORMAT);
            }
        }
        if (vlen < 0 || vlen > Integer.MAX_VALUE - 2) {
            return reply(s, line, BAD_FORMAT);
        }
        Client c = s.client;
        MemcachedItems items = s.items();
        byte[] b = line.buffer();
        int ko = line.offset(1);
        if (items.tooLarge(klen, (int) flags, vlen)) {
            // Answered at once; the data block is dropped as it comes.
            int lineBytes = line.next() - s.readIndex();
            items.store(c, mode, b, ko, klen, null, 0, vlen, (int) flags, MemcachedItems.NO_EXPIRY, casIn);
            s.consume(lineBytes);
            s.writeLine(TOO_LARGE);
            s.swallow((long) vlen + 2);
            return MemcachedSession.DONE;
        }
        int data = line.next();
        if (s.writeIndex() - data < vlen + 2) {
            return MemcachedSession.NEED_MORE;
        }
        int total = data + vlen + 2 - s.readIndex();
        if (b[data + vlen] != '\r' || b[data + vlen + 1] != '\n') {
            c.server.stats().memcached.setCmds++;
            s.consume(total);
            s.writeLine(BAD_DATA_CHUNK);
            return MemcachedSession.DONE;
        }
        long expireAt = MemcachedItems.expireAtMillis(exptime, c.server.clock().millis());
        Outcome o = items.store(c, mode, b, ko, klen, b, data, vlen, (int) flags, expireAt, casIn);
        s.consume(total);
        switch (o) {
            case STORED:
                s.writeLine(STORED);
                break;
            case NOT_STORED:
                s.writeLine(NOT_STORED);
                break;
            case EXISTS:
                s.writeLine(EXISTS);
                break;
            case NOT_FOUND:
                s.writeLine(NOT_FOUND);
                break;
            case OUT_OF_MEMORY:
                s.writeLine(OUT_OF_MEMORY_STORING);
                break;
            case DENIED:
                s.writeLine(serverError(items.deniedReason()));
                break;
            default:
                s.writeLine(TOO_LARGE);
                break;
        }
        return MemcachedSession.DONE;
    }

    /** Redis's refusal as a memcached server error line. */
    static byte[] serverError(String reason) {
        return ascii("SERVER_ERROR " + reason);
    }

    // ------------------------------------------------------------------ the rest

    private static int delete(MemcachedSession s, TextLine line) {
        int n = line.count();
        if (n < 2 || n > 4) {
            return reply(s, line, ERROR);
        }
        if (n > 2) {
            boolean holdIsZero = line.is(2, "0");
            boolean noreply = line.noreply();
            s.quiet = noreply;
            boolean valid = (n == 3 && (holdIsZero || noreply)) || (n == 4 && holdIsZero && noreply);
            if (!valid) {
                return reply(s, line, DELETE_USAGE);
            }
        }
        if (line.length(1) > TextLine.KEY_MAX_LENGTH) {
            return reply(s, line, BAD_FORMAT);
        }
        MemcachedItems items = s.items();
        Outcome o = items.delete(s.client, line.buffer(), line.offset(1), line.length(1), 0);
        if (o == Outcome.DELETED) {
            return reply(s, line, DELETED);
        }
        if (o == Outcome.DENIED) {
            return reply(s, line, serverError(items.deniedReason()));
        }
        return reply(s, line, NOT_FOUND);
    }

    private static int arith(MemcachedSession s, TextLine line, boolean incr) {
        int n = line.count();
        if (n != 3 && n != 4) {
            return reply(s, line, ERROR);
        }
        s.quiet = line.noreply();
        if (line.length(1) > TextLine.KEY_MAX_LENGTH) {
            return reply(s, line, BAD_FORMAT);
        }
        long delta = line.parseU64(2);
        if (!line.ok()) {
            return reply(s, line, INVALID_DELTA);
        }
        MemcachedItems items = s.items();
        Outcome o = items.arith(s.client, line.buffer(), line.offset(1), line.length(1), incr, delta, 0);
        switch (o) {
            case STORED:
                s.consume(line.next() - s.readIndex());
                s.writeUnsigned(items.lastArithValue());
                s.crlf();
                return MemcachedSession.DONE;
            case NON_NUMERIC:
                return reply(s, line, NON_NUMERIC);
            case OUT_OF_MEMORY:
                return reply(s, line, OUT_OF_MEMORY);
            case DENIED:
                return reply(s, line, serverError(items.deniedReason()));
            default:
                return reply(s, line, NOT_FOUND);
        }
    }

    private static int touch(MemcachedSession s, TextLine line) {
        int n = line.count();
        if (n != 3 && n != 4) {
            return reply(s, line, ERROR);
        }
        s.quiet = line.noreply();
        if (line.length(1) > TextLine.KEY_MAX_LENGTH) {
            return reply(s, line, BAD_FORMAT);
        }
        int exptime = line.parseI32(2);
        if (!line.ok()) {
            return reply(s, line, INVALID_EXPTIME);
        }
        MemcachedItems items = s.items();
        long at = MemcachedItems.expireAtMillis(exptime, s.client.server.clock().millis());
        Outcome o = items.touch(s.client, line.buffer(), line.offset(1), line.length(1), at);
        if (o == Outcome.TOUCHED) {
            return reply(s, line, TOUCHED);
        }
        if (o == Outcome.DENIED) {
            return reply(s, line, serverError(items.deniedReason()));
        }
        return reply(s, line, NOT_FOUND);
    }

    private static int flushAll(MemcachedSession s, TextLine line) {
        int n = line.count();
        if (n < 1 || n > 3) {
            return reply(s, line, ERROR);
        }
        boolean noreply = line.noreply();
        s.quiet = noreply;
        int exptime = 0;
        if (n != (noreply ? 2 : 1)) {
            exptime = line.parseI32(1);
            if (!line.ok()) {
                s.client.server.stats().memcached.flushCmds++;
                return reply(s, line, INVALID_EXPTIME);
            }
        }
        s.items().flushAllFor(s.client, exptime);
        return reply(s, line, OK);
    }

    private static int verbosity(MemcachedSession s, TextLine line) {
        int n = line.count();
        if (n != 2 && n != 3) {
            return reply(s, line, ERROR);
        }
        s.quiet = line.noreply();
        line.parseU32(1);
        if (!line.ok()) {
            return reply(s, line, BAD_FORMAT);
        }
        return reply(s, line, OK);
    }

    /** The statistics counters of the session's server. */
    static MemcachedStats stats(MemcachedSession s) {
        return s.client.server.stats().memcached;
    }
}
