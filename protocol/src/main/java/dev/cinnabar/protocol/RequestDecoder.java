package dev.cinnabar.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Turns one client's request bytes into commands: RESP multibulk ({@code *2\r\n$3\r\nGET...}) or
 * an inline line ({@code GET key\r\n}), following Redis 7.0's parser rule for rule, including
 * its error texts and its quirks:
 * <ul>
 *   <li>Header lines are found the way C's {@code strchr} finds them, so a NUL byte before the
 *       line end hides the end: the request waits, and fails only when the 64 KB limit passes.</li>
 *   <li>The byte after a header's {@code \r} and the two bytes after a bulk's payload are
 *       skipped unchecked.</li>
 *   <li>Lengths are parsed as {@code string2ll} does: no {@code +}, no leading zeros, no
 *       {@code -0}; any negative multibulk count is an empty request.</li>
 *   <li>The "too big" limits are judged on what Redis would have read at that point. Redis
 *       reads 16 KB into a small query buffer, as much as the buffer has room for once it has
 *       grown (exactly the rest of the payload while inside a bulk of 32 KB or more), and parses
 *       after each read, so a 70 KB inline line sent in one write is accepted while a 100 KB
 *       one is refused. The decoder replays that read schedule over whatever the network
 *       delivered (see {@link #advanceWindow}), keeping the sizes of Redis's buffer in a
 *       {@link RedisQueryBuffer}, which CLIENT LIST shows.</li>
 * </ul>
 *
 * <p>The decoder owns the client's query buffer. It is resumable: bytes may arrive one at a time
 * and a command split anywhere is picked up where it stopped, without parsing the finished
 * arguments again. Arguments are slices of the query buffer (see {@link Argv}); they stay valid
 * until the next {@link #feed}, which may move the unread bytes. A bulk of 32 KB or more gets an
 * array of its own that the network fills directly, so a huge argument is copied once, the query
 * buffer stays small, and a command of several huge arguments never needs one giant array.
 *
 * <p>Not thread-safe: one decoder per client, used by one thread at a time.
 */
public final class RequestDecoder {
    private long totalFed;
    /** The longest inline request, and the longest header line, that Redis accepts (PROTO_INLINE_MAX_SIZE). */
    public static final int INLINE_MAX_SIZE = 64 * 1024;
    /** Multibulk headers above this count are refused before the client has authenticated. */
    public static final int UNAUTHENTICATED_MAX_MULTIBULK = 10;
    /** Bulk lengths above this are refused before the client has authenticated. */
    public static final int UNAUTHENTICATED_MAX_BULK = 16384;
    /** Bulks from this size on are read into an array of their own (PROTO_MBULK_BIG_ARG). */
    static final int BIG_ARG = 32 * 1024;
    /** The largest bulk a Java array can hold, whatever proto-max-bulk-len says. */
    static final long MAX_ARRAY_BULK = Integer.MAX_VALUE - 16;
    /** A buffer about to grow past this gives the parsed arguments of its command their own arrays. */
    static final int DETACH_ABOVE = 64 * 1024 * 1024;
    /** An idle query buffer above this size is dropped rather than kept for the next request. */
    static final int KEEP_IDLE_CAPACITY = 128 * 1024;
    /** A big argument's array starts at most this large and doubles as its bytes arrive. */
    private static final int BIG_ARG_FIRST_ALLOCATION = 1024 * 1024;

    /** {@link #next} found no complete command; feed more bytes. */
    public static final int NEED_MORE = 0;
    /** {@link #next} completed a command in {@link #argv()}; it may have no arguments (an empty request). */
    public static final int COMMAND = 1;
    /** {@link #next} hit a protocol error; {@link #error()} has Redis's reply text; the connection must close. */
    public static final int ERROR = 2;

    private static final int REQ_NONE = 0;
    private static final int REQ_INLINE = 1;
    private static final int REQ_MULTIBULK = 2;

    private static final byte[] EMPTY = new byte[0];

    private byte[] buf = EMPTY;
    private int readIndex;
    private int writeIndex;
    /** The end of what Redis would have read by now; parsing never looks past it. */
    private int window;
    /** Where the command being decoded starts; bytes before it may be discarded. */
    private int commandStart;
    /**
     * Where Redis's query buffer would start: Redis cuts it to the parse position once it has run
     * the commands of a read, so while a command runs it still holds that command and the ones
     * before it from the same read.
     */
    private int redisStart;
    /** The big bulk being read fills a query buffer of its own in Redis (see {@link RedisQueryBuffer}). */
    private boolean bigInPlace;
    private final RedisQueryBuffer redis = new RedisQueryBuffer();

    private final Argv argv = new Argv();
    private int reqType = REQ_NONE;
    /** Arguments still to read in the current multibulk request. */
    private int multibulkRemaining;
    /** Length of the bulk being read, or -1 while its {@code $n} line is still unread. */
    private long bulkLength = -1;
    /** The array of the big bulk being read, filled straight from {@link #feed}; null otherwise. */
    private byte[] bigArg;
    private int bigFill;
    /** Set by a protocol error: from then on every feed is ignored and {@link #next} repeats the error. */
    private String error;
    /** The first and last bytes of the inline line being split (see {@link #inline}). */
    private final byte[] lineEnds = new byte[DUMP_LEN];
    private String errorReason;
    private String errorSample;

    public Argv argv() {
        return argv;
    }

    /** Redis's reply text for the {@link #ERROR}, without the leading '-'; null before any. */
    public String error() {
        return error;
    }

    /** How Redis words the {@link #ERROR} in its log ("invalid mbulk count", ...); null before any. */
    public String errorReason() {
        return errorReason;
    }

    /** The input at the error as Redis's log line quotes it; null before any. */
    public String errorSample() {
        return errorSample;
    }

    /**
     * Every byte fed so far. Less {@link #unparsedBytes()} after a command, the bytes up to its
     * end: a replica's offset in its master's stream.
     */
    public long totalFed() {
        return totalFed;
    }

    /** Bytes received but not yet consumed by a complete command. */
    public int pendingBytes() {
        return writeIndex - commandStart + bigFill;
    }

    /**
     * Bytes received and not parsed yet: what Redis holds in its query buffer between reads,
     * since it moves each parsed argument out. {@code client-query-buffer-limit} applies to it.
     */
    public long unparsedBytes() {
        return (long) writeIndex - readIndex + bigFill;
    }

    /**
     * The first {@code max} unparsed bytes quoted as Redis's {@code sdscatrepr} does
     * ({@code "a\r\n\x00"}), for the log line of a client dropped for its query buffer.
     */
    public String unparsedRepr(int max) {
        byte[] b;
        int from;
        int to;
        if (bigArg != null) {
            // Redis keeps a big argument's bytes at the start of its query buffer.
            b = bigArg;
            from = 0;
            to = Math.min(bigFill, max);
        } else {
            b = buf;
            from = readIndex;
            to = Math.min(writeIndex, readIndex + max);
        }
        StringBuilder sb = new StringBuilder(to - from + 2).append('"');
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xff;
            switch (c) {
                case '\\': sb.append("\\\\"); break;
                case '"': sb.append("\\\""); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case 7: sb.append("\\a"); break;
                case 8: sb.append("\\b"); break;
                default:
                    if (c >= 0x20 && c < 0x7f) {
                        sb.append((char) c);
                    } else {
                        sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    }
            }
        }
        return sb.append('"').toString();
    }

    /**
     * The length of Redis's query buffer now (its {@code qbuf}). Meant for the client whose
     * command is running: that command, those before it from the same read and the unparsed
     * rest of the read. Between commands it is what {@link #unparsedBytes} counts.
     */
    public long redisQueryBufferLength() {
        return bigInPlace ? bigFill + (window - readIndex) : window - redisStart;
    }

    /** What Redis's query buffer may hold without growing (sdsalloc; {@code qbuf + qbuf-free}). */
    public long redisQueryBufferAlloc() {
        return redis.alloc();
    }

    /** The allocator's size of Redis's query buffer, as {@code tot-mem} counts it. */
    public long redisQueryBufferAllocation() {
        return redis.allocation();
    }

    /** The arguments parsed so far of a multibulk command still arriving; null when none is. */
    public Argv partialArgv() {
        return reqType == REQ_MULTIBULK ? argv : null;
    }

    /**
     * The cron's turn, as Redis resizes a client's query buffer in its cron: given back once the
     * client has been idle long enough, or shrunk to the recent peak. Changes only the figures of
     * Redis's buffer; {@link #trim} releases this decoder's own.
     */
    public void cron(long idleSeconds) {
        redis.cron(unparsedBytes(), idleSeconds, bulkLength);
    }

    /** Bytes of buffer held for this client, for memory accounting and idle shrinking. */
    public int capacity() {
        return buf.length + (bigArg == null ? 0 : bigArg.length);
    }

    /**
     * The heap this client's input holds: the buffer, a big argument being filled, and the
     * arguments of a half-read request that own arrays. Differs from {@link #capacity()}, which
     * is what Redis's query buffer would be, in counting everything a request pins.
     */
    public long heldBytes() {
        return capacity() + argv.heldBytes();
    }

    /** True when no command is half-read, so dropping the buffer loses nothing. */
    public boolean idle() {
        return readIndex == writeIndex && reqType == REQ_NONE;
    }

    /** Releases the buffer of an idle client; the next feed allocates a fitting one. */
    public void trim() {
        if (idle()) {
            argv.clear();
            buf = EMPTY;
            readIndex = writeIndex = window = commandStart = redisStart = 0;
        }
    }

    public void feed(ByteBuf in) {
        int n = in.readableBytes();
        totalFed += n;
        if (error != null) {
            in.skipBytes(n);
            return;
        }
        if (bigArg != null && bigFill < bulkLength) {
            int take = (int) Math.min(n, bulkLength - bigFill);
            beforeBigRead();
            growBigArg(bigFill + take);
            in.readBytes(bigArg, bigFill, take);
            bigFill += take;
            n -= take;
            afterRead();
        }
        if (n > 0) {
            ensureWritable(n);
            in.readBytes(buf, writeIndex, n);
            writeIndex += n;
        }
    }

    public void feed(byte[] in, int off, int len) {
        totalFed += len;
        if (error != null) {
            return;
        }
        if (bigArg != null && bigFill < bulkLength) {
            int take = (int) Math.min(len, bulkLength - bigFill);
            beforeBigRead();
            growBigArg(bigFill + take);
            System.arraycopy(in, off, bigArg, bigFill, take);
            bigFill += take;
            off += take;
            len -= take;
            afterRead();
        }
        if (len > 0) {
            ensureWritable(len);
            System.arraycopy(in, off, buf, writeIndex, len);
            writeIndex += len;
        }
    }

    private void ensureWritable(int n) {
        if (writeIndex + n <= buf.length) {
            return;
        }
        if ((long) writeIndex - commandStart + n > DETACH_ABOVE && readIndex > commandStart) {
            // A command of very many small arguments: give the parsed ones arrays of their own
            // so the buffer holds only unparsed bytes, as Redis's query buffer does.
            argv.own(buf);
            commandStart = readIndex;
        }
        int live = writeIndex - commandStart;
        long need = (long) live + n;
        if (need > MAX_ARRAY_BULK) {
            throw new IllegalStateException("query buffer cannot grow past " + MAX_ARRAY_BULK + " bytes");
        }
        byte[] target = buf;
        if (need > buf.length) {
            long cap = Math.max(1024, buf.length);
            while (cap < need) {
                cap <<= 1;
            }
            target = new byte[(int) Math.min(cap, MAX_ARRAY_BULK)];
        }
        System.arraycopy(buf, commandStart, target, 0, live);
        int delta = -commandStart;
        argv.relocate(buf, target, delta);
        buf = target;
        readIndex += delta;
        writeIndex += delta;
        window += delta;
        // Only a client held mid-read (a pause) has bytes before its command still counted.
        redisStart = Math.max(redisStart + delta, 0);
        commandStart = 0;
    }

    /**
     * Makes the big argument's array hold at least {@code fill} bytes. It grows by doubling
     * instead of taking the announced length at once, so a client that announces 512 MB and
     * sends nothing does not make the server commit 512 MB.
     */
    private void growBigArg(int fill) {
        if (fill <= bigArg.length) {
            return;
        }
        long cap = Math.max(bigArg.length, 1);
        while (cap < fill) {
            cap <<= 1;
        }
        byte[] grown = new byte[(int) Math.min(cap, bulkLength)];
        System.arraycopy(bigArg, 0, grown, 0, bigFill);
        bigArg = grown;
    }

    /** What {@link #peekSecondArguments} hands each request's second argument to. */
    @FunctionalInterface
    public interface ArgumentSink {
        void argument(byte[] bytes, int offset, int length);
    }

    /** Requests with more arguments than this end a {@link #peekSecondArguments} scan. */
    static final int PEEK_MAX_ARGUMENTS = 64;

    /**
     * Hands {@code sink} the second argument (the first key, for most commands) of each complete
     * multibulk request waiting in the buffer, at most {@code max} of them, and returns how many
     * requests it looked at. It consumes nothing and checks nothing: it stops at the first request
     * that is incomplete, inline, unusual ({@link #PEEK_MAX_ARGUMENTS}, a big argument) or
     * malformed, which {@link #next} then parses and judges as always. For the engine, which warms
     * the keyspace for the lookups a pipelined batch is about to make.
     */
    public int peekSecondArguments(int max, ArgumentSink sink) {
        if (reqType != REQ_NONE || error != null || bigArg != null) {
            return 0;
        }
        byte[] b = buf;
        int end = writeIndex;
        int p = readIndex;
        int requests = 0;
        while (requests < max && p < end && b[p] == '*') {
            int cr = headerEnd(b, p, end);
            long count = cr < 0 ? INVALID : parseLength(b, p + 1, cr);
            if (count < 1 || count > PEEK_MAX_ARGUMENTS) {
                break;
            }
            p = cr + 2;
            int secondAt = -1;
            int secondLength = 0;
            for (int i = 0; i < count; i++) {
                cr = p < end && b[p] == '$' ? headerEnd(b, p, end) : -1;
                long bulk = cr < 0 ? INVALID : parseLength(b, p + 1, cr);
                if (bulk < 0 || bulk >= BIG_ARG) {
                    return requests;
                }
                int len = (int) bulk;
                p = cr + 2;
                if (end - p < len + 2) {
                    return requests;
                }
                if (i == 1) {
                    secondAt = p;
                    secondLength = len;
                }
                p += len + 2;
            }
            if (secondAt >= 0) {
                sink.argument(b, secondAt, secondLength);
            }
            requests++;
        }
        return requests;
    }

    /**
     * The '\r' ending the header line that starts at {@code p} ({@code *3}, {@code $5}) when the
     * line is short and its CRLF is in the buffer, else -1; {@link #parseLength} then reads (and
     * checks) the number as {@link #next} does.
     */
    private static int headerEnd(byte[] b, int p, int end) {
        int limit = Math.min(end - 1, p + 12);
        for (int q = p + 1; q < limit; q++) {
            if (b[q] == '\r') {
                return b[q + 1] == '\n' ? q : -1;
            }
        }
        return -1;
    }

    /**
     * Decodes the next command from the buffered bytes.
     *
     * @param authRequired the client has not authenticated yet, so Redis's tighter limits apply
     * @param maxBulkLength {@code proto-max-bulk-len}
     */
    public int next(boolean authRequired, long maxBulkLength) {
        if (error != null) {
            return ERROR;
        }
        while (true) {
            int r = parse(authRequired, maxBulkLength);
            if (r != NEED_MORE) {
                return r;
            }
            // Redis has run every command of the read: it cuts its buffer to the parse position.
            redisStart = readIndex;
            if (!advanceWindow()) {
                if (reqType == REQ_NONE && readIndex == writeIndex) {
                    rewind();
                }
                return NEED_MORE;
            }
        }
    }

    /**
     * Extends what the parser may see by one Redis read: what Redis's buffer has room for (16 KB
     * while it is small, see {@link RedisQueryBuffer#beforeRead}), or inside a big bulk, exactly
     * what is left of it and its CRLF (the payload itself lives in {@link #bigArg}). False when
     * there is nothing more to see.
     */
    private boolean advanceWindow() {
        int before = window;
        if (bigArg != null) {
            if (bigFill < bulkLength) {
                return false;
            }
            // Redis's read of "the rest of the bulk" ends just after the two bytes that follow it.
            int end = Math.min(writeIndex, readIndex + 2);
            if (end > window) {
                beforeBigRead();
                window = end;
                afterRead();
            }
        } else if (window < writeIndex) {
            long readLength = redis.beforeRead(redisQueryBufferLength(), -1);
            window += (int) Math.min(readLength, writeIndex - window);
            afterRead();
        }
        return window != before;
    }

    /** Redis's read inside a big bulk asks for the rest of it, CRLF included. */
    private void beforeBigRead() {
        if (bigInPlace) {
            long len = redisQueryBufferLength();
            redis.beforeRead(len, bulkLength + 2 - len);
        }
    }

    private void afterRead() {
        redis.afterRead(redisQueryBufferLength());
    }

    /** Everything consumed: reuse the buffer from its start, or drop it if a big request grew it. */
    private void rewind() {
        readIndex = writeIndex = window = commandStart = redisStart = 0;
        if (buf.length > KEEP_IDLE_CAPACITY) {
            argv.clear();
            buf = EMPTY;
        }
    }

    private int parse(boolean authRequired, long maxBulkLength) {
        if (reqType == REQ_NONE) {
            if (readIndex == window) {
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
            int cr = lineEnd(readIndex, (byte) '\r');
            if (cr < 0) {
                if (window - readIndex > INLINE_MAX_SIZE) {
                    return fail("Protocol error: too big mbulk count string", "too big mbulk count string");
                }
                return NEED_MORE;
            }
            // Redis finds the '\r' and then only checks that one more byte has arrived.
            if (cr + 1 >= window) {
                return NEED_MORE;
            }
            long count = parseLength(buf, readIndex + 1, cr);
            if (count == INVALID || count > Integer.MAX_VALUE) {
                return fail("Protocol error: invalid multibulk length", "invalid mbulk count");
            }
            if (count > UNAUTHENTICATED_MAX_MULTIBULK && authRequired) {
                return fail("Protocol error: unauthenticated multibulk length", "unauth mbulk count");
            }
            readIndex = cr + 2;
            if (count <= 0) {
                return COMMAND; // "*0" and "*-1" are empty requests
            }
            multibulkRemaining = (int) count;
            // Like Redis, trust the count only so far: a huge header costs nothing until its arguments come.
            argv.ensureCapacity((int) Math.min(count, 1024));
        }
        while (multibulkRemaining > 0) {
            if (bulkLength == -1) {
                int r = bulkHeader(authRequired, maxBulkLength);
                if (r != COMMAND) {
                    return r;
                }
            }
            if (bigArg != null) {
                if (bigFill < bulkLength || window - readIndex < 2) {
                    return NEED_MORE;
                }
                argv.addOwned(bigArg); // exactly bulkLength long: it grew to that size and no further
                bigArg = null;
                bigFill = 0;
                readIndex += 2; // not checked for CRLF, as in Redis
                if (bigInPlace) {
                    // Redis's buffer, which held just this bulk, became the argument.
                    bigInPlace = false;
                    redis.replaceAfterBulk(bulkLength);
                    redisStart = readIndex;
                }
            } else {
                if (window - readIndex < bulkLength + 2) {
                    return NEED_MORE;
                }
                argv.add(buf, readIndex, (int) bulkLength);
                readIndex += (int) bulkLength + 2; // not checked for CRLF, as in Redis
            }
            bulkLength = -1;
            multibulkRemaining--;
        }
        return COMMAND;
    }

    /** Reads a {@code $n} line; COMMAND when the length is known, else NEED_MORE or ERROR. */
    private int bulkHeader(boolean authRequired, long maxBulkLength) {
        int cr = lineEnd(readIndex, (byte) '\r');
        if (cr < 0) {
            if (window - readIndex > INLINE_MAX_SIZE) {
                return fail("Protocol error: too big bulk count string", "too big bulk count string");
            }
            return NEED_MORE;
        }
        if (cr + 1 >= window) {
            return NEED_MORE;
        }
        if (buf[readIndex] != '$') {
            return fail("Protocol error: expected '$', got '" + (char) (buf[readIndex] & 0xff) + "'",
                    "expected $ but got something else");
        }
        long len = parseLength(buf, readIndex + 1, cr);
        if (len == INVALID || len < 0 || len > maxBulkLength || len > MAX_ARRAY_BULK) {
            return fail("Protocol error: invalid bulk length", "invalid bulk length");
        }
        if (len > UNAUTHENTICATED_MAX_BULK && authRequired) {
            return fail("Protocol error: unauthenticated bulk length", "unauth bulk length");
        }
        readIndex = cr + 2;
        bulkLength = len;
        if (len >= BIG_ARG) {
            startBigArg();
        }
        return COMMAND;
    }

    /** Moves the payload bytes already buffered into the big argument's own array. */
    private void startBigArg() {
        // Redis sizes its buffer for the bulk unless the bytes it has read go beyond it.
        long read = window - readIndex;
        if (read <= bulkLength + 2) {
            bigInPlace = true;
            redisStart = readIndex;
            redis.sizeForBulk(read, bulkLength);
        }
        int present = (int) Math.min(writeIndex - readIndex, bulkLength);
        bigArg = new byte[(int) Math.min(bulkLength, Math.max(present, BIG_ARG_FIRST_ALLOCATION))];
        System.arraycopy(buf, readIndex, bigArg, 0, present);
        bigFill = present;
        readIndex += present;
        window = Math.max(window, readIndex);
        if (bigInPlace) {
            // Redis reads the payload that came with the header next, the rest of the bulk at a time.
            afterRead();
        }
    }

    private int inline() {
        int nl = lineEnd(readIndex, (byte) '\n');
        if (nl < 0) {
            if (window - readIndex > INLINE_MAX_SIZE) {
                return fail("Protocol error: too big inline request", "too big inline request");
            }
            return NEED_MORE;
        }
        int end = nl;
        if (end != readIndex && buf[end - 1] == '\r') {
            end--;
        }
        // The splitter writes the arguments over the line; keep what the log's sample of the
        // line would show, in case the quotes do not balance.
        int head = Math.min(end - readIndex, DUMP_LEN / 2);
        int tail = Math.min(end - readIndex - head, DUMP_LEN / 2);
        System.arraycopy(buf, readIndex, lineEnds, 0, head);
        System.arraycopy(buf, end - tail, lineEnds, head, tail);
        if (!ArgumentSplitter.split(buf, readIndex, end, argv)) {
            System.arraycopy(lineEnds, 0, buf, readIndex, head);
            System.arraycopy(lineEnds, head, buf, end - tail, tail);
            // A line of more than 128 bytes has its middle overwritten, which the sample skips.
            return fail("Protocol error: unbalanced quotes in request", "unbalanced quotes in inline request");
        }
        readIndex = nl + 1;
        return COMMAND;
    }

    /**
     * @param message the reply text
     * @param reason Redis's shorter wording of the same error for its log, which differs
     */
    private int fail(String message, String reason) {
        error = message;
        errorReason = reason;
        errorSample = sample(buf, readIndex, window);
        discard();
        return ERROR;
    }

    /** How many bytes of the unparsed input Redis shows when it logs a protocol error (PROTO_DUMP_LEN). */
    private static final int DUMP_LEN = 128;

    /**
     * Redis's log excerpt of the input left when the error struck: all of it when short, else
     * the first and last 64 bytes; like C's {@code %s}, each part stops at a NUL byte, and
     * whatever is not printable ASCII shows as '.'.
     */
    static String sample(byte[] b, int from, int to) {
        StringBuilder sb = new StringBuilder("Query buffer during protocol error: '");
        int len = to - from;
        if (len < DUMP_LEN) {
            printable(sb, b, from, to);
            sb.append('\'');
        } else {
            printable(sb, b, from, from + DUMP_LEN / 2);
            sb.append("' (... more ").append(len - DUMP_LEN).append(" bytes ...) '");
            printable(sb, b, to - DUMP_LEN / 2, to);
            sb.append('\'');
        }
        return sb.toString();
    }

    private static void printable(StringBuilder sb, byte[] b, int from, int to) {
        for (int i = from; i < to && b[i] != 0; i++) {
            int c = b[i] & 0xff;
            sb.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
        }
    }

    /** Drops all input; the connection is about to close. */
    private void discard() {
        readIndex = writeIndex = window = commandStart = redisStart = 0;
        bigInPlace = false;
        reqType = REQ_NONE;
        multibulkRemaining = 0;
        bulkLength = -1;
        bigArg = null;
        bigFill = 0;
        argv.clear();
    }

    /**
     * The position of {@code target} in the window, searching as C's {@code strchr} does on
     * Redis's NUL-terminated buffer: a NUL byte first means "not found".
     */
    private int lineEnd(int from, byte target) {
        byte[] b = buf;
        for (int i = from, to = window; i < to; i++) {
            byte c = b[i];
            if (c == target) {
                return i;
            }
            if (c == 0) {
                return -1;
            }
        }
        return -1;
    }

    /** What {@link #parseLength} returns for text that is not a number. */
    static final long INVALID = Long.MIN_VALUE;

    /**
     * Parses a length as Redis's string2ll does: optional '-', no '+', no leading zeros, no
     * "-0", no spaces, at most 20 characters, 64-bit range. Returns {@link #INVALID} for anything
     * else. Only the sign of a negative length matters to the protocol, so -2^63 comes back as -1.
     */
    static long parseLength(byte[] b, int from, int to) {
        int len = to - from;
        if (len == 0 || len > 20) {
            return INVALID;
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
                return INVALID;
            }
        }
        if (b[p] < '1' || b[p] > '9') {
            return INVALID;
        }
        // Accumulate as a negative number, whose range reaches -2^63.
        long v = 0;
        for (; p < to; p++) {
            int d = b[p] - '0';
            if (d < 0 || d > 9) {
                return INVALID;
            }
            if (v < (Long.MIN_VALUE + d) / 10) {
                return INVALID;
            }
            v = v * 10 - d;
        }
        if (negative) {
            return v == Long.MIN_VALUE ? -1 : v;
        }
        return v == Long.MIN_VALUE ? INVALID : -v;
    }
}
