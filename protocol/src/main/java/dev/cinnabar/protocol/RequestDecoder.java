package dev.cinnabar.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Turns one client's request bytes into commands: RESP multibulk ({@code *2\r\n$3\r\nGET...}) or
 * an inline line ({@code GET key\r\n}), following Redis 7.0's parser rule for rule, including
 * its error texts.
 *
 * <p>The decoder owns the client's query buffer. It is resumable: bytes may arrive one at a time
 * and a command split anywhere is picked up where it stopped, without parsing the finished
 * arguments again. Arguments are slices of the query buffer (see {@link Argv}); they stay valid
 * until the next {@link #feed}, which may move the unread bytes.
 *
 * <p>Not thread-safe: one decoder per client, used by one thread at a time.
 */
public final class RequestDecoder {
    /** The longest inline request, and the longest length line, that Redis accepts (PROTO_INLINE_MAX_SIZE). */
    public static final int INLINE_MAX_SIZE = 64 * 1024;
    /** Multibulk headers above this count are refused before the client has authenticated. */
    public static final int UNAUTHENTICATED_MAX_MULTIBULK = 10;
    /** Bulk lengths above this are refused before the client has authenticated. */
    public static final int UNAUTHENTICATED_MAX_BULK = 16384;

    /** {@link #next} found no complete command; feed more bytes. */
    public static final int NEED_MORE = 0;
    /** {@link #next} completed a command in {@link #argv()}; it may have no arguments (an empty request). */
    public static final int COMMAND = 1;
    /** {@link #next} hit a protocol error; {@link #error()} has Redis's reply text; the connection must close. */
    public static final int ERROR = 2;

    private static final int REQ_NONE = 0;
    private static final int REQ_INLINE = 1;
    private static final int REQ_MULTIBULK = 2;

    private byte[] buf = EMPTY;
    private int readIndex;
    private int writeIndex;

    private final Argv argv = new Argv();
    private int reqType = REQ_NONE;
    /** Arguments still to read in the current multibulk request. */
    private int multibulkRemaining;
    /** Length of the bulk being read, or -1 while its {@code $n} line is still unread. */
    private long bulkLength = -1;
    /** Where the command being decoded starts; bytes before it may be discarded. */
    private int commandStart;
    private String error;

    private static final byte[] EMPTY = new byte[0];

    public Argv argv() {
        return argv;
    }

    /** Redis's reply text for the last {@link #ERROR}, without the leading '-'. */
    public String error() {
        return error;
    }

    /** Bytes received but not yet consumed by a complete command (Redis's query buffer length). */
    public int pendingBytes() {
        return writeIndex - commandStart;
    }

    /** Bytes of buffer held for this client, for memory accounting and idle shrinking. */
    public int capacity() {
        return buf.length;
    }

    /** True when no command is half-read, so dropping the buffer loses nothing. */
    public boolean idle() {
        return readIndex == writeIndex && reqType == REQ_NONE;
    }

    /** Releases the buffer of an idle client; the next feed allocates a fitting one. */
    public void trim() {
        if (idle()) {
            buf = EMPTY;
            readIndex = writeIndex = commandStart = 0;
        }
    }

    public void feed(ByteBuf in) {
        int n = in.readableBytes();
        ensureWritable(n);
        in.readBytes(buf, writeIndex, n);
        writeIndex += n;
    }

    public void feed(byte[] in, int off, int len) {
        ensureWritable(len);
        System.arraycopy(in, off, buf, writeIndex, len);
        writeIndex += len;
    }

    private void ensureWritable(int n) {
        if (writeIndex + n <= buf.length) {
            return;
        }
        int live = writeIndex - commandStart;
        int need = live + n;
        if (bulkLength >= 0) {
            // A known bulk is coming: make room for all of it at once instead of doubling repeatedly.
            need = (int) Math.max(need, Math.min(Integer.MAX_VALUE - 8, (readIndex - commandStart) + bulkLength + 2));
        }
        byte[] target = buf;
        if (need > buf.length) {
            long cap = Math.max(1024, buf.length);
            while (cap < need) {
                cap <<= 1;
            }
            target = new byte[(int) Math.min(cap, Integer.MAX_VALUE - 8)];
        }
        System.arraycopy(buf, commandStart, target, 0, live);
        int delta = -commandStart;
        argv.relocate(buf, target, delta);
        buf = target;
        readIndex += delta;
        writeIndex += delta;
        commandStart = 0;
    }

    /**
     * Decodes the next command from the buffered bytes.
     *
     * @param authRequired the client has not authenticated yet, so Redis's tighter limits apply
     * @param maxBulkLength {@code proto-max-bulk-len}
     */
    public int next(boolean authRequired, long maxBulkLength) {
        if (reqType == REQ_NONE) {
            if (readIndex == writeIndex) {
                // Everything consumed: rewind so the buffer is reused from its start.
                readIndex = writeIndex = commandStart = 0;
                return NEED_MORE;
            }
            argv.clear();
            commandStart = readIndex;
            reqType = buf[readIndex] == '*' ? REQ_MULTIBULK : REQ_INLINE;
        }
        int r = reqType == REQ_MULTIBULK ? multibulk(authRequired, maxBulkLength) : inline();
        if (r != NEED_MORE) {
            reqType = REQ_NONE;
            commandStart = readIndex;
        }
        return r;
    }

    private int multibulk(boolean authRequired, long maxBulkLength) {
        if (multibulkRemaining == 0) {
            int cr = indexOf(buf, readIndex, writeIndex, (byte) '\r');
            if (cr < 0) {
                if (writeIndex - readIndex > INLINE_MAX_SIZE) {
                    return fail("Protocol error: too big mbulk count string");
                }
                return NEED_MORE;
            }
            // Redis looks for '\r' and then only checks that one more byte has arrived.
            if (cr + 1 >= writeIndex) {
                return NEED_MORE;
            }
            long count = parseLength(buf, readIndex + 1, cr);
            if (count == Long.MIN_VALUE || count > Integer.MAX_VALUE) {
                return fail("Protocol error: invalid multibulk length");
            }
            if (count > UNAUTHENTICATED_MAX_MULTIBULK && authRequired) {
                return fail("Protocol error: unauthenticated multibulk length");
            }
            readIndex = cr + 2;
            if (count <= 0) {
                return COMMAND; // "*0" and "*-1" are empty requests
            }
            multibulkRemaining = (int) count;
            argv.ensureCapacity((int) Math.min(count, 1024));
        }
        while (multibulkRemaining > 0) {
            if (bulkLength == -1) {
                int cr = indexOf(buf, readIndex, writeIndex, (byte) '\r');
                if (cr < 0) {
                    if (writeIndex - readIndex > INLINE_MAX_SIZE) {
                        return fail("Protocol error: too big bulk count string");
                    }
                    return NEED_MORE;
                }
                if (cr + 1 >= writeIndex) {
                    return NEED_MORE;
                }
                if (buf[readIndex] != '$') {
                    return fail("Protocol error: expected '$', got '" + (char) (buf[readIndex] & 0xff) + "'");
                }
                long len = parseLength(buf, readIndex + 1, cr);
                if (len == Long.MIN_VALUE || len < 0 || len > maxBulkLength) {
                    return fail("Protocol error: invalid bulk length");
                }
                if (len > UNAUTHENTICATED_MAX_BULK && authRequired) {
                    return fail("Protocol error: unauthenticated bulk length");
                }
                readIndex = cr + 2;
                bulkLength = len;
            }
            // Like Redis, the two bytes after the payload are skipped, not checked for CRLF.
            if (writeIndex - readIndex < bulkLength + 2) {
                return NEED_MORE;
            }
            argv.add(buf, readIndex, (int) bulkLength);
            readIndex += (int) bulkLength + 2;
            bulkLength = -1;
            multibulkRemaining--;
        }
        return COMMAND;
    }

    private int inline() {
        int nl = indexOf(buf, readIndex, writeIndex, (byte) '\n');
        if (nl < 0) {
            if (writeIndex - readIndex > INLINE_MAX_SIZE) {
                return fail("Protocol error: too big inline request");
            }
            return NEED_MORE;
        }
        int end = nl;
        if (end != readIndex && buf[end - 1] == '\r') {
            end--;
        }
        if (!InlineSplitter.split(buf, readIndex, end, argv)) {
            return fail("Protocol error: unbalanced quotes in request");
        }
        readIndex = nl + 1;
        return COMMAND;
    }

    private int fail(String message) {
        error = message;
        // The connection closes after the error; nothing more is parsed from it.
        readIndex = writeIndex;
        multibulkRemaining = 0;
        bulkLength = -1;
        argv.clear();
        return ERROR;
    }

    private static int indexOf(byte[] b, int from, int to, byte target) {
        for (int i = from; i < to; i++) {
            if (b[i] == target) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Parses a length as Redis's string2ll does: optional '-', no '+', no leading zeros, no
     * spaces, 64-bit range. Returns Long.MIN_VALUE when the text is not such a number.
     */
    static long parseLength(byte[] b, int from, int to) {
        int len = to - from;
        if (len == 0 || len > 20) {
            return Long.MIN_VALUE;
        }
        if (len == 1 && b[from] == '0') {
            return 0;
        }
        boolean negative = false;
        int p = from;
        if (b[p] == '-') {
            negative = true;
            p++;
            if (p == to) {
                return Long.MIN_VALUE;
            }
        }
        if (b[p] < '1' || b[p] > '9') {
            return Long.MIN_VALUE;
        }
        long v = 0;
        for (; p < to; p++) {
            int d = b[p] - '0';
            if (d < 0 || d > 9) {
                return Long.MIN_VALUE;
            }
            if (v > (Long.MAX_VALUE - d) / 10) {
                return Long.MIN_VALUE; // lengths near the 64-bit edge are invalid anyway
            }
            v = v * 10 + d;
        }
        return negative ? -v : v;
    }
}
