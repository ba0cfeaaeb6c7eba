package dev.cinnabar.server.memcached;

import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.client.Client;
import io.netty.buffer.ByteBuf;

/**
 * One memcached connection (the {@link Client#memcached} of a client that came in through the
 * memcached listener): its input buffer, which protocol it speaks, and the helpers replies are
 * written with. Engine thread only.
 *
 * <p>The first byte of a connection decides its protocol, as memcached decides: {@code 0x80} is
 * the binary protocol ({@link BinaryProtocol}), anything else the text protocol
 * ({@link TextProtocol}, which hands meta lines to {@link MetaCommands}).
 *
 * <p>Input: bytes arrive with {@link #feed}; {@link #next} runs at most one request and says
 * whether it did ({@link #DONE}) or needs more input ({@link #NEED_MORE}, nothing consumed).
 * A protocol reads the unconsumed bytes {@code input()[readIndex() .. writeIndex())} and
 * {@link #consume}s what a request took; {@link #swallow} drops bytes still to come (the data
 * block of a refused item, the rest of a line that is too long).
 *
 * <p>Output: replies are raw bytes in the client's reply buffer ({@link #write} and friends).
 * While {@link #quiet} is set (text {@code noreply}, binary quiet commands) nothing is written.
 */
public final class MemcachedSession {
    /** {@link #next}: a request is not complete yet; nothing was consumed. */
    public static final int NEED_MORE = 0;
    /** {@link #next}: one request was handled (or bytes were swallowed); call again. */
    public static final int DONE = 1;

    /** Which protocol the connection speaks; fixed by its first byte. */
    public static final int UNKNOWN = 0;
    public static final int TEXT = 1;
    public static final int BINARY = 2;

    private static final int INITIAL_BUFFER = 2048;
    private static final byte[] CRLF = {'\r', '\n'};

    public final Client client;
    private byte[] in = new byte[INITIAL_BUFFER];
    private int readIndex;
    private int writeIndex;
    private long swallow;
    private int protocol = UNKNOWN;
    /** Set by a request whose replies are suppressed (noreply, quiet binary commands). */
    public boolean quiet;
    /** Scratch for numbers written into replies. */
    private final byte[] digits = new byte[24];
    /** The protocol's per-connection state (owned by whichever protocol the connection speaks). */
    public Object protocolState;
    /** The meta commands' per-connection state (mc-meta-bin's {@code MetaCommands}). */
    public Object metaState;

    public MemcachedSession(Client client) {
        this.client = client;
    }

    /** The session of a memcached client, or null for a RESP client. */
    public static MemcachedSession of(Client c) {
        return (MemcachedSession) c.memcached;
    }

    /** The item store of this connection's server. */
    public MemcachedItems items() {
        return MemcachedItems.of(client.server);
    }

    public int protocol() {
        return protocol;
    }

    // ------------------------------------------------------------------ input

    /** Appends what the socket gave; does not release {@code data}. */
    public void feed(ByteBuf data) {
        int n = data.readableBytes();
        client.server.stats().memcached.bytesRead += n;
        if (swallow > 0) {
            // Dropped before it is ever buffered: a refused item's data block can be large.
            int drop = (int) Math.min(swallow, n);
            if (readIndex == writeIndex) {
                data.skipBytes(drop);
                swallow -= drop;
                n -= drop;
            }
        }
        if (n == 0) {
            return;
        }
        ensureWritable(n);
        data.readBytes(in, writeIndex, n);
        writeIndex += n;
    }

    /** Appends bytes (tests). */
    public void feed(byte[] data, int off, int len) {
        client.server.stats().memcached.bytesRead += len;
        ensureWritable(len);
        System.arraycopy(data, off, in, writeIndex, len);
        writeIndex += len;
    }

    private void ensureWritable(int n) {
        if (writeIndex + n <= in.length) {
            return;
        }
        int live = writeIndex - readIndex;
        if (live + n <= in.length && readIndex > 0) {
            System.arraycopy(in, readIndex, in, 0, live);
        } else {
            byte[] bigger = new byte[Math.max(in.length * 2, live + n)];
            System.arraycopy(in, readIndex, bigger, 0, live);
            in = bigger;
        }
        readIndex = 0;
        writeIndex = live;
    }

    /** The input buffer; unconsumed bytes are {@code [readIndex(), writeIndex())}. */
    public byte[] input() {
        return in;
    }

    public int readIndex() {
        return readIndex;
    }

    public int writeIndex() {
        return writeIndex;
    }

    /** Unconsumed input bytes. */
    public int available() {
        return writeIndex - readIndex;
    }

    /** Input bytes held (the query buffer, for client-query-buffer-limit). */
    public long unparsedBytes() {
        return writeIndex - readIndex;
    }

    /** The request took {@code n} bytes. */
    public void consume(int n) {
        readIndex += n;
        if (readIndex == writeIndex) {
            readIndex = 0;
            writeIndex = 0;
            if (in.length > 64 * 1024) {
                in = new byte[INITIAL_BUFFER]; // a large value passed through: do not keep its buffer
            }
        }
    }

    /** Drops the next {@code n} input bytes, those buffered first, then those yet to arrive. */
    public void swallow(long n) {
        int now = (int) Math.min(n, available());
        consume(now);
        swallow = n - now;
    }

    /** True while bytes are still to be swallowed. */
    public boolean swallowing() {
        return swallow > 0;
    }

    /**
     * Runs at most one request: sniffs the protocol on the first byte, drops bytes being
     * swallowed, then hands the input to the protocol.
     */
    public int next() {
        if (swallow > 0) {
            int drop = (int) Math.min(swallow, available());
            if (drop == 0) {
                return NEED_MORE;
            }
            consume(drop);
            swallow -= drop;
            return DONE;
        }
        if (readIndex == writeIndex) {
            return NEED_MORE;
        }
        if (protocol == UNKNOWN) {
            protocol = (in[readIndex] & 0xff) == 0x80 ? BINARY : TEXT;
        }
        quiet = false;
        return protocol == BINARY ? BinaryProtocol.next(this) : TextProtocol.next(this);
    }

    /**
     * Whether the next request only reads, for CLIENT PAUSE WRITE: get, gets, bget, version,
     * stats, verbosity, quit; meta's mn, me and mg without N or T ({@link MetaCommands#readOnly});
     * binary get forms, NOOP, VERSION, STAT, QUIT and SASL ({@link BinaryProtocol#readOnly}).
     * Anything not yet known counts as a write.
     */
    public boolean nextIsRead() {
        if (swallow > 0) {
            return true;
        }
        int p = readIndex;
        if (protocol == BINARY || (protocol == UNKNOWN && (in[p] & 0xff) == 0x80)) {
            return BinaryProtocol.readOnly(in, p, writeIndex - p);
        }
        while (p < writeIndex && in[p] == ' ') {
            p++;
        }
        int start = p;
        while (p < writeIndex && in[p] != ' ' && in[p] != '\r' && in[p] != '\n') {
            p++;
        }
        if (p - start == 2 && in[start] == 'm') {
            return MetaCommands.readOnly(in, start, writeIndex);
        }
        return isWord(start, p, "get") || isWord(start, p, "gets") || isWord(start, p, "bget")
                || isWord(start, p, "version") || isWord(start, p, "stats") || isWord(start, p, "verbosity")
                || isWord(start, p, "quit");
    }

    private boolean isWord(int from, int to, String word) {
        if (to - from != word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (in[from + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The connection closes once the replies written so far are sent (quit, fatal errors). */
    public void close() {
        client.closeAfterReply();
    }

    // ------------------------------------------------------------------ output

    private ReplyWriter out() {
        return client.reply;
    }

    /** Writes bytes as they are (unless {@link #quiet}). */
    public void write(byte[] b) {
        if (!quiet) {
            out().raw(b, 0, b.length);
        }
    }

    public void write(byte[] b, int off, int len) {
        if (!quiet) {
            out().raw(b, off, len);
        }
    }

    /** Writes one byte. */
    public void writeByte(int b) {
        if (!quiet) {
            digits[0] = (byte) b;
            out().raw(digits, 0, 1);
        }
    }

    public void crlf() {
        write(CRLF, 0, 2);
    }

    /** Writes {@code v} in decimal, read as an unsigned 64-bit number (CAS uniques, counters). */
    public void writeUnsigned(long v) {
        if (quiet) {
            return;
        }
        int p = digits.length;
        if (v >= 0) {
            do {
                digits[--p] = (byte) ('0' + v % 10);
                v /= 10;
            } while (v != 0);
        } else {
            long q = (v >>> 1) / 5;
            int r = (int) (v - q * 10);
            digits[--p] = (byte) ('0' + r);
            v = q;
            while (v != 0) {
                digits[--p] = (byte) ('0' + v % 10);
                v /= 10;
            }
        }
        out().raw(digits, p, digits.length - p);
    }

    /** Writes {@code v} in decimal, signed. */
    public void writeSigned(long v) {
        if (v < 0) {
            writeByte('-');
            if (v == Long.MIN_VALUE) {
                writeUnsigned(v); // its magnitude, read unsigned
                return;
            }
            v = -v;
        }
        writeUnsigned(v);
    }

    /** Writes a whole reply line: the text, then CRLF. */
    public void writeLine(byte[] text) {
        write(text, 0, text.length);
        crlf();
    }

    /** Writes a reply line that is never suppressed (errors memcached sends despite noreply). */
    public void writeLineAlways(byte[] text) {
        boolean q = quiet;
        quiet = false;
        writeLine(text);
        quiet = q;
    }
}
