package dev.cinnabar.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Encodes replies straight into a client's output buffer, in RESP3 or its RESP2 fallback.
 *
 * <p>Every RESP2 fallback lives here, so command code asks for "a map of 3" or "a double" and
 * never looks at the protocol version. Frequent replies are pre-encoded once.
 */
public final class ReplyWriter {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] OK = ascii("+OK\r\n");
    private static final byte[] ZERO = ascii(":0\r\n");
    private static final byte[] ONE = ascii(":1\r\n");
    private static final byte[] NULL_BULK = ascii("$-1\r\n");
    private static final byte[] NULL_ARRAY = ascii("*-1\r\n");
    private static final byte[] NULL3 = ascii("_\r\n");
    private static final byte[] EMPTY_ARRAY = ascii("*0\r\n");
    private static final byte[] EMPTY_BULK = ascii("$0\r\n\r\n");
    private static final byte[] TRUE3 = ascii("#t\r\n");
    private static final byte[] FALSE3 = ascii("#f\r\n");
    private static final byte[] LONG_MIN = ascii("-9223372036854775808");
    /** Scratch for moving a deferred aggregate's body; one per thread, so writers stay small. */
    private static final ThreadLocal<byte[]> MOVE_SCRATCH = ThreadLocal.withInitial(() -> new byte[8192]);

    /** Headers {@code $0..$N} and {@code *0..*N}, as Redis shares them, since most replies are short. */
    private static final int SHARED_HEADERS = 64;
    /** The longest aggregate or bulk header, or integer reply: type, sign, 19 digits, CRLF. */
    private static final int MAX_HEADER = 23;
    /** Bulks up to this long go through {@link #shortBulk}; their headers are at most 5 bytes. */
    private static final int SHORT_BULK = 48;
    private static final byte[][] BULK_HEADERS = headers('$');
    private static final byte[][] ARRAY_HEADERS = headers('*');
    private static final byte[][] MAP_HEADERS = headers('%');
    private static final byte[][] SET_HEADERS = headers('~');

    private ByteBuf out;
    private int protocol = 2;
    /** Error replies written so far; the dispatcher compares it around a call to count failures. */
    private long errors;
    private final byte[] digits = new byte[20];
    /**
     * A short bulk reply (header, value and CRLF) or a number line assembled whole, to go into
     * the buffer in one write: each write into a Netty buffer pays its bounds and reference-count checks and a
     * native copy call, which cost more than the few bytes of a short value (LRANGE of 100 short
     * elements spent a third of its time in those three writes an element).
     */
    private final byte[] shortBulk = new byte[5 + SHORT_BULK + 2];
    /** Told of every error reply, for INFO's error statistics; null when nobody counts them. */
    private ErrorObserver errorObserver;
    /** Asked whether the replies may go on growing; null when nothing limits them. */
    private Limit limit;
    /** The buffer size at which {@link #limit} is asked next. */
    private long checkAt = Long.MAX_VALUE;
    /** Nothing more is written: the client is being closed for its output limits. */
    private boolean discarding;

    /**
     * Watches the replies as they grow, for the output buffer limits: a reply that crosses the
     * hard limit stops being produced there, rather than after the whole of it is built.
     */
    @FunctionalInterface
    public interface Limit {
        /**
         * The buffer is about to hold {@code bytes}: returns the size at which to ask again, or
         * a negative number to stop writing (the writer then {@link #discard}s).
         */
        long reached(long bytes);
    }

    /** Receives each error reply as it is written (the server counts them by error code). */
    public interface ErrorObserver {
        /** {@code message} as passed to {@link #error}; its text starts at {@code from} (after a leading '-'). */
        void errorReplied(String message, int from);

        /** An error written by {@link #errorCountedElsewhere}. */
        void errorPassedOn();
    }

    public ReplyWriter() {
    }

    public ReplyWriter(ByteBuf out) {
        this.out = out;
    }

    public ByteBuf buffer() {
        return out;
    }

    /** Installs the buffer replies go into; with a {@link Limit}, the first write asks it. */
    public void buffer(ByteBuf out) {
        this.out = out;
        if (limit != null && !discarding) {
            checkAt = 0;
        }
    }

    /** Installs the {@link Limit}; null removes it. */
    public void limit(Limit limit) {
        this.limit = limit;
        this.checkAt = limit == null ? Long.MAX_VALUE : 0;
    }

    /**
     * Drops what the buffer holds and every reply from now on: the client is closing without
     * being sent anything more, as Redis's CLOSE_ASAP clients are. Errors are still counted.
     */
    public void discard() {
        discarding = true;
        checkAt = -1;
        if (out != null) {
            out.clear();
        }
    }

    public boolean discarding() {
        return discarding;
    }

    public int protocol() {
        return protocol;
    }

    public void protocol(int version) {
        this.protocol = version;
    }

    public long errors() {
        return errors;
    }

    public void errorObserver(ErrorObserver observer) {
        this.errorObserver = observer;
    }

    public boolean resp3() {
        return protocol >= 3;
    }

    public void ok() {
        if (!room(5)) {
            return;
        }
        out.writeBytes(OK);
    }

    /** Writes already-encoded reply bytes, such as a shared constant. */
    public void raw(byte[] encoded) {
        if (!room(encoded.length)) {
            return;
        }
        out.writeBytes(encoded);
    }

    /** Writes {@code len} bytes of {@code b} from {@code off} as they are (the memcached front end's replies). */
    public void raw(byte[] b, int off, int len) {
        if (!room(len)) {
            return;
        }
        out.writeBytes(b, off, len);
    }

    public void simple(String text) {
        if (!room(text.length() + 3)) {
            return;
        }
        out.writeByte('+');
        writeLine(text);
    }

    public void simple(byte[] text) {
        if (!room(text.length + 3)) {
            return;
        }
        out.writeByte('+');
        out.writeBytes(text);
        out.writeBytes(CRLF);
    }

    /**
     * An error reply. {@code message} starts with the error code, e.g. {@code "ERR syntax error"}
     * or {@code "WRONGTYPE ..."}. As Redis does with formatted errors, line breaks at the end
     * are dropped and any others become spaces, so that an error can never break the framing.
     * A message that already starts with '-' (as Lua error tables and Redis's own shared error
     * strings do) is written as it is, not with a second '-'.
     */
    public void error(String message) {
        errors++;
        int from = message.startsWith("-") ? 1 : 0;
        // Counted even when it is not sent (a client closing over its limits), as Redis does.
        if (errorObserver != null) {
            errorObserver.errorReplied(message, from);
        }
        if (!room(message.length() + 3)) {
            return;
        }
        int to = message.length();
        while (to > from && isLineBreak(message.charAt(to - 1))) {
            to--;
        }
        out.writeByte('-');
        writeLine(message, from, to);
    }

    /**
     * An error line from bytes the caller supplies in full, code included, the way Redis writes
     * an error it assembled itself (DEBUG ERROR): a '-', the bytes with every CR and LF turned
     * into a space (none dropped), CRLF. It is not counted as an error reply, neither here nor
     * in INFO's error statistics, as Redis does not count such a reply.
     */
    public void uncountedError(byte[] text, int off, int len) {
        room(len + 3);
        out.writeByte('-');
        for (int i = off; i < off + len; i++) {
            byte b = text[i];
            out.writeByte(b == '\r' || b == '\n' ? ' ' : b);
        }
        out.writeBytes(CRLF);
    }

    /**
     * An error a script passes on that was counted where it arose (a command the script called
     * answered it): written as {@link #uncountedError} writes, and not counted again as an error
     * reply, but the command answering it still failed, as Redis's replies flagged
     * ERR_REPLY_FLAG_NO_STATS_UPDATE count in {@code failed_calls}.
     */
    public void errorCountedElsewhere(byte[] text, int off, int len) {
        if (errorObserver != null) {
            errorObserver.errorPassedOn();
        }
        uncountedError(text, off, len);
    }

    private static boolean isLineBreak(char c) {
        return c == '\r' || c == '\n';
    }

    public void integer(long v) {
        if (!room(MAX_HEADER)) {
            return;
        }
        if (v == 0) {
            out.writeBytes(ZERO);
        } else if (v == 1) {
            out.writeBytes(ONE);
        } else {
            writeNumberLine(':', v);
        }
    }

    public void bulk(byte[] v) {
        bulk(v, 0, v.length);
    }

    public void bulk(byte[] v, int off, int len) {
        if (!room(len + MAX_HEADER + 2)) {
            return;
        }
        if (len <= SHORT_BULK) {
            writeShortBulk(v, off, len);
            return;
        }
        writeHeader(BULK_HEADERS, '$', len);
        out.writeBytes(v, off, len);
        out.writeBytes(CRLF);
    }

    private void writeShortBulk(byte[] v, int off, int len) {
        byte[] header = BULK_HEADERS[len];
        byte[] b = shortBulk;
        int h = header.length;
        // Byte loops: a few bytes cost less than a call to the copy stub.
        for (int i = 0; i < h; i++) {
            b[i] = header[i];
        }
        for (int i = 0; i < len; i++) {
            b[h + i] = v[off + i];
        }
        b[h + len] = '\r';
        b[h + len + 1] = '\n';
        out.writeBytes(b, 0, h + len + 2);
    }

    public void bulk(Argv argv, int i) {
        bulk(argv.array(i), argv.offset(i), argv.length(i));
    }

    public void bulk(String v) {
        bulk(v.getBytes(StandardCharsets.UTF_8));
    }

    /** A number sent as a bulk string, as Redis replies with an integer-encoded string value. */
    public void bulk(long v) {
        if (!room(MAX_HEADER + 22)) {
            return;
        }
        int n = toDigits(v);
        writeShortBulk(digits, digits.length - n, n);
    }

    public void emptyBulk() {
        if (!room(6)) {
            return;
        }
        out.writeBytes(EMPTY_BULK);
    }

    /** The null reply for a missing string: {@code $-1} in RESP2. */
    public void nullBulk() {
        if (!room(5)) {
            return;
        }
        out.writeBytes(protocol >= 3 ? NULL3 : NULL_BULK);
    }

    /** The null reply for a missing aggregate: {@code *-1} in RESP2. */
    public void nullArray() {
        if (!room(5)) {
            return;
        }
        out.writeBytes(protocol >= 3 ? NULL3 : NULL_ARRAY);
    }

    public void array(int n) {
        if (!room(MAX_HEADER)) {
            return;
        }
        writeHeader(ARRAY_HEADERS, '*', n);
    }

    public void emptyArray() {
        if (!room(4)) {
            return;
        }
        out.writeBytes(EMPTY_ARRAY);
    }

    /** A map of {@code pairs} key/value pairs; a flat array of twice that in RESP2. */
    public void map(int pairs) {
        if (!room(MAX_HEADER)) {
            return;
        }
        if (protocol >= 3) {
            writeHeader(MAP_HEADERS, '%', pairs);
        } else {
            writeHeader(ARRAY_HEADERS, '*', pairs * 2);
        }
    }

    /** A set; an array in RESP2. */
    public void set(int n) {
        if (!room(MAX_HEADER)) {
            return;
        }
        if (protocol >= 3) {
            writeHeader(SET_HEADERS, '~', n);
        } else {
            writeHeader(ARRAY_HEADERS, '*', n);
        }
    }

    /** An out-of-band push; an array in RESP2 (pub/sub messages). */
    public void push(int n) {
        if (!room(MAX_HEADER)) {
            return;
        }
        if (protocol >= 3) {
            out.writeByte('>');
            writeLong(n);
            out.writeBytes(CRLF);
        } else {
            writeHeader(ARRAY_HEADERS, '*', n);
        }
    }

    /**
     * A push whose whole frame was encoded beforehand as a RESP2 array ({@code *3\r\n...}), for
     * one message sent to many clients: the frame as it is in RESP2, with the push type
     * {@code >} in place of {@code *} in RESP3.
     */
    public void pushFrame(byte[] frame, int len) {
        if (!room(len)) {
            return;
        }
        out.writeByte(protocol >= 3 ? '>' : '*');
        out.writeBytes(frame, 1, len - 1);
    }

    /**
     * A double whose text the caller formatted (Redis 7.0 prints {@code %.17g}, {@code inf},
     * {@code -inf}); a bulk string in RESP2.
     */
    public void doubleText(byte[] text) {
        if (!room(text.length + MAX_HEADER + 2)) {
            return;
        }
        if (protocol >= 3) {
            out.writeByte(',');
            out.writeBytes(text);
            out.writeBytes(CRLF);
        } else {
            bulk(text);
        }
    }

    /** A boolean; the integers 1 and 0 in RESP2. */
    public void bool(boolean v) {
        if (!room(4)) {
            return;
        }
        if (protocol >= 3) {
            out.writeBytes(v ? TRUE3 : FALSE3);
        } else {
            out.writeBytes(v ? ONE : ZERO);
        }
    }

    /** Verbatim text with a three-letter format such as {@code txt}; a plain bulk string in RESP2. */
    public void verbatim(String format, byte[] text) {
        if (!room(text.length + MAX_HEADER + 8)) {
            return;
        }
        if (protocol >= 3) {
            out.writeByte('=');
            writeLong(text.length + 4L);
            out.writeBytes(CRLF);
            out.writeBytes(format.getBytes(StandardCharsets.US_ASCII));
            out.writeByte(':');
            out.writeBytes(text);
            out.writeBytes(CRLF);
        } else {
            bulk(text);
        }
    }

    /** A big number given as decimal digits; a bulk string in RESP2. */
    public void bigNumber(String decimal) {
        if (!room(decimal.length() + MAX_HEADER + 2)) {
            return;
        }
        if (protocol >= 3) {
            out.writeByte('(');
            writeLine(decimal);
        } else {
            bulk(decimal);
        }
    }

    /**
     * An attribute of {@code pairs} key/value pairs, which goes before the reply it describes.
     * RESP3 only: RESP2 has no way to say it, so callers leave it out there, as Redis does.
     */
    public void attribute(int pairs) {
        if (!room(MAX_HEADER)) {
            return;
        }
        out.writeByte('|');
        writeLong(pairs);
        out.writeBytes(CRLF);
    }

    /**
     * Starts an aggregate whose length is known only after its elements are written. Returns a
     * mark for {@link #endArray}, {@link #endMap} or {@link #endSet}.
     */
    public int beginDeferred() {
        return out.writerIndex();
    }

    public void endArray(int mark, int n) {
        insertHeader(mark, (byte) '*', n);
    }

    public void endMap(int mark, int pairs) {
        if (protocol >= 3) {
            insertHeader(mark, (byte) '%', pairs);
        } else {
            insertHeader(mark, (byte) '*', pairs * 2L);
        }
    }

    public void endSet(int mark, int n) {
        insertHeader(mark, protocol >= 3 ? (byte) '~' : (byte) '*', n);
    }

    /**
     * Puts the header in front of the body written since {@code mark}: the body moves up by
     * the header's size, back to front through a small scratch array, so nothing is allocated
     * however large the body is. Nested deferred aggregates work because an inner one always
     * ends, and moves only bytes after its own mark, before the outer one does.
     */
    private void insertHeader(int mark, byte type, long n) {
        int digitCount = toDigits(n);
        int headerLength = 1 + digitCount + 2;
        int end = out.writerIndex();
        if (!room(headerLength)) {
            return;
        }
        byte[] scratch = MOVE_SCRATCH.get();
        int srcEnd = end;
        while (srcEnd > mark) {
            int chunk = Math.min(srcEnd - mark, scratch.length);
            srcEnd -= chunk;
            out.getBytes(srcEnd, scratch, 0, chunk);
            out.setBytes(srcEnd + headerLength, scratch, 0, chunk);
        }
        out.setByte(mark, type);
        out.setBytes(mark + 1, digits, digits.length - digitCount, digitCount);
        out.setByte(mark + 1 + digitCount, '\r');
        out.setByte(mark + 2 + digitCount, '\n');
        out.writerIndex(end + headerLength);
    }

    /**
     * Makes room for {@code n} more bytes and says whether to write them: false once the writer
     * discards. Asks the {@link Limit} when the buffer passes its check point.
     */
    private boolean room(int n) {
        if (out.writerIndex() + (long) n <= checkAt && out.writableBytes() >= n) {
            return true;
        }
        return slowRoom(n);
    }

    /**
     * Doubles the buffer when it must grow. Netty alone grows a buffer past 4 MB in 4 MB steps,
     * copying it whole each time, which makes a reply of a few hundred megabytes (a big KEYS, a
     * deep pipeline of GETs) take quadratic time.
     */
    private boolean slowRoom(int n) {
        if (discarding) {
            return false;
        }
        long need = (long) out.writerIndex() + n;
        if (need > checkAt) {
            long next = limit == null ? Long.MAX_VALUE : limit.reached(need);
            if (next < 0) {
                discard();
                return false;
            }
            checkAt = next;
        }
        if (out.writableBytes() < n) {
            long doubled = Math.max(need, 2L * out.capacity());
            out.capacity((int) Math.max(need, Math.min(doubled, out.maxCapacity())));
        }
        return true;
    }

    private void writeHeader(byte[][] shared, char type, long n) {
        if (n >= 0 && n < SHARED_HEADERS) {
            out.writeBytes(shared[(int) n]);
        } else {
            writeNumberLine(type, n);
        }
    }

    /** A type byte, a number and CRLF in one write (see {@link #shortBulk}). */
    private void writeNumberLine(char type, long v) {
        int n = toDigits(v);
        byte[] b = shortBulk;
        b[0] = (byte) type;
        for (int i = 0, from = digits.length - n; i < n; i++) {
            b[1 + i] = digits[from + i];
        }
        b[n + 1] = '\r';
        b[n + 2] = '\n';
        out.writeBytes(b, 0, n + 3);
    }

    private void writeLine(String text) {
        writeLine(text, 0, text.length());
    }

    private void writeLine(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n') {
                c = ' ';
            }
            if (c < 0x80) {
                out.writeByte(c);
            } else {
                // Error texts may echo client bytes decoded as Latin-1: write them back unchanged.
                out.writeByte(c <= 0xff ? c : '?');
            }
        }
        out.writeBytes(CRLF);
    }

    private void writeLong(long v) {
        int n = toDigits(v);
        out.writeBytes(digits, digits.length - n, n);
    }

    /** Writes the decimal form of {@code v} at the end of {@link #digits}; returns its length. */
    private int toDigits(long v) {
        int pos = digits.length;
        if (v == Long.MIN_VALUE) {
            // The one value whose negation overflows.
            System.arraycopy(LONG_MIN, 0, digits, 0, 20);
            return 20;
        }
        boolean negative = v < 0;
        if (negative) {
            v = -v;
        }
        do {
            digits[--pos] = (byte) ('0' + (v % 10));
            v /= 10;
        } while (v != 0);
        if (negative) {
            digits[--pos] = '-';
        }
        return digits.length - pos;
    }

    private static byte[][] headers(char type) {
        byte[][] h = new byte[SHARED_HEADERS][];
        for (int i = 0; i < SHARED_HEADERS; i++) {
            h[i] = ascii(type + Integer.toString(i) + "\r\n");
        }
        return h;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
