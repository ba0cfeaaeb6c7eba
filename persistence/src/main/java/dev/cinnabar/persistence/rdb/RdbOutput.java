package dev.cinnabar.persistence.rdb;

import dev.cinnabar.datatypes.Lzf;
import dev.cinnabar.datatypes.Numbers;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Writes the pieces of Redis's RDB encoding: lengths, strings (as integers when they are
 * canonical 32-bit numbers, LZF-compressed past 20 bytes under {@code rdbcompression}), binary
 * doubles and times, keeping the CRC-64 of everything written for the trailer.
 *
 * <p>Bytes collect in a buffer. With a sink (a file, a socket) the buffer goes out whenever it
 * passes {@link #FLUSH_AT} and at {@link #flush()}; without one it grows and {@link #toByteArray()}
 * gives the whole (a DUMP payload). Sink errors come out as {@link UncheckedIOException}, so value
 * encoders need not declare them.
 */
public final class RdbOutput {
    static final int FLUSH_AT = 64 * 1024;

    private final OutputStream sink;
    private final boolean compression;
    /** Strings to compress are left raw and listed in {@link #deferred}, for another thread. */
    private final boolean deferCompression;
    /** Pairs (position in {@link #buf}, length) of the strings left for compression. */
    private int[] deferred = new int[0];
    private int deferredInts;
    private byte[] buf = new byte[256];
    private int n;
    private long flushed;
    private long crc;
    /** LZF's output, kept between strings. */
    private byte[] lzf = new byte[0];
    private byte[] pendingKey;
    private int pendingOff;
    private int pendingLen;

    /** An output that keeps everything in memory. */
    public RdbOutput(boolean compression) {
        this(null, compression);
    }

    public RdbOutput(OutputStream sink, boolean compression) {
        this(sink, compression, false);
    }

    private RdbOutput(OutputStream sink, boolean compression, boolean deferCompression) {
        this.sink = sink;
        this.compression = compression;
        this.deferCompression = deferCompression && compression;
    }

    /**
     * An output in memory that leaves the LZF compression of its strings to whoever writes its
     * {@link #takeChunk chunks} out ({@link #writeChunk}). A BGSAVE encodes the keyspace on the
     * engine thread, between commands, and compression was two thirds of that work: done by the
     * writer thread instead, the slices the clients wait behind are a third as long. The bytes
     * written in the end are the same.
     */
    public static RdbOutput deferringCompression(boolean compression) {
        return new RdbOutput(null, compression, true);
    }

    /**
     * What a {@link #deferringCompression} output holds: {@code bytes[0, length)} as they are,
     * except the strings listed in {@code deferred[0, deferredInts)} as (position, length) pairs,
     * which are raw and still to be written as strings (length prefix, compressed when that is
     * shorter).
     */
    public record Chunk(byte[] bytes, int length, int[] deferred, int deferredInts) {
        public Chunk(byte[] bytes, int[] deferred) {
            this(bytes, bytes.length, deferred, deferred.length);
        }

        public int size() {
            return length;
        }
    }

    /** Hands over what was written as a chunk (a copy) and starts empty again, keeping the buffer. */
    public Chunk takeChunk() {
        return takeChunk(null, null);
    }

    /**
     * Hands over what was written as a chunk, giving away the buffers themselves, and goes on in
     * {@code next} and {@code nextDeferred} (the arrays of an earlier chunk, done with; the
     * latter may be null); with {@code next} null, the chunk is a copy and the buffers are kept.
     * Recycling the arrays spares a background save the garbage of a copy of everything it writes.
     */
    public Chunk takeChunk(byte[] next, int[] nextDeferred) {
        if (sink != null) {
            throw new IllegalStateException("written to a sink");
        }
        Chunk c;
        if (next == null) {
            c = new Chunk(Arrays.copyOf(buf, n), n, Arrays.copyOf(deferred, deferredInts), deferredInts);
        } else {
            c = new Chunk(buf, n, deferred, deferredInts);
            buf = next;
            deferred = nextDeferred != null ? nextDeferred : new int[Math.max(16, deferredInts)];
        }
        n = 0;
        deferredInts = 0;
        return c;
    }

    /** Writes a chunk of another output, compressing its deferred strings as this output does. */
    public void writeChunk(Chunk c) {
        byte[] b = c.bytes;
        int[] d = c.deferred;
        int from = 0;
        for (int i = 0; i < c.deferredInts; i += 2) {
            int at = d[i];
            int len = d[i + 1];
            writeBytes(b, from, at - from);
            writeString(b, at, len);
            from = at + len;
        }
        writeBytes(b, from, c.length - from);
    }

    /**
     * What {@link #writeChunk} would write for {@code c}, as a chunk with nothing deferred: its
     * strings compressed (or not) as an output with {@code compression} writes them. Uses only its
     * arguments and the calling thread's LZF table, so that several threads can prepare the
     * chunks of one save in parallel and its writer only copies them out in order.
     */
    public static Chunk resolve(Chunk c, boolean compression) {
        RdbOutput o = new RdbOutput(compression);
        // Sized for the chunk plus a few bytes of length prefix per deferred string (two ints
        // each in the list), so that the usual chunk is written without growing the buffer.
        o.ensure(c.length + c.deferredInts * 2);
        o.writeChunk(c);
        return new Chunk(o.buf, o.n, new int[0], 0);
    }

    public boolean compression() {
        return compression;
    }

    /** Bytes written so far, flushed or not. */
    public long size() {
        return flushed + n;
    }

    /** The CRC-64 of every byte written so far. */
    public long crc() {
        return Crc64.update(crc, buf, 0, n);
    }

    public void writeByte(int b) {
        ensure(1);
        buf[n++] = (byte) b;
        if (pendingKey != null) {
            writePendingKey();
        }
    }

    /**
     * An RDB file puts the key between a value's type byte and its payload, where
     * {@link RdbValues#write} writes the two together: the key given here is written right after
     * the next byte (the type). Used by {@link RdbFileWriter#keyValue}.
     */
    void keyAfterNextByte(byte[] key, int off, int len) {
        pendingKey = key;
        pendingOff = off;
        pendingLen = len;
    }

    boolean keyPending() {
        return pendingKey != null;
    }

    private void writePendingKey() {
        byte[] k = pendingKey;
        pendingKey = null;
        writeString(k, pendingOff, pendingLen);
    }

    public void writeBytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, n, len);
        n += len;
    }

    public void writeBytes(byte[] b) {
        writeBytes(b, 0, b.length);
    }

    /** Redis's rdbSaveLen: 1, 2, 5 or 9 bytes; {@code len} is read as unsigned (stream IDs, -1 counters). */
    public void writeLength(long len) {
        if (len < 0) {
            writeByte(Rdb.LEN_64BIT);
            writeBigEndian(len, 8);
        } else if (len < 1 << 6) {
            writeByte((int) len);
        } else if (len < 1 << 14) {
            writeByte((int) (Rdb.LEN_14BIT << 6 | (len >> 8)));
            writeByte((int) (len & 0xff));
        } else if (len <= 0xFFFFFFFFL) {
            writeByte(Rdb.LEN_32BIT);
            writeBigEndian(len, 4);
        } else {
            writeByte(Rdb.LEN_64BIT);
            writeBigEndian(len, 8);
        }
    }

    /** Redis's rdbSaveRawString: an integer, an LZF blob or the plain bytes. */
    public void writeString(byte[] b, int off, int len) {
        if (len <= 11 && len > 0 && Numbers.isLong(b, off, len) && writeInteger(Numbers.parseLong(b, off, len))) {
            return;
        }
        if (compression && len > 20) {
            if (deferCompression) {
                deferString(b, off, len);
                return;
            }
            if (writeCompressed(b, off, len)) {
                return;
            }
        }
        writeLength(len);
        writeBytes(b, off, len);
    }

    public void writeString(byte[] b) {
        writeString(b, 0, b.length);
    }

    /** Redis's rdbSaveLongLongAsStringObject: the integer encoding when it fits 32 bits, else the digits. */
    public void writeString(long v) {
        if (!writeInteger(v)) {
            byte[] digits = Numbers.toBytes(v);
            writeLength(digits.length);
            writeBytes(digits);
        }
    }

    /** Little-endian 8 bytes: expiry times in ms, stream IDs' halves in some places. */
    public void writeMillis(long ms) {
        writeLittleEndian(ms, 8);
    }

    /** Little-endian IEEE 754, as RDB_TYPE_ZSET_2 scores and RDB_OPCODE_* doubles. */
    public void writeBinaryDouble(double d) {
        writeLittleEndian(Double.doubleToRawLongBits(d), 8);
    }

    public void writeLittleEndian(long v, int bytes) {
        ensure(bytes);
        for (int i = 0; i < bytes; i++) {
            buf[n++] = (byte) (v >>> (8 * i));
        }
    }

    public void writeBigEndian(long v, int bytes) {
        ensure(bytes);
        for (int i = bytes - 1; i >= 0; i--) {
            buf[n++] = (byte) (v >>> (8 * i));
        }
    }

    /** Everything written, for an output without a sink. */
    public byte[] toByteArray() {
        if (sink != null) {
            throw new IllegalStateException("written to a sink");
        }
        return Arrays.copyOf(buf, n);
    }

    /** Sends the buffered bytes to the sink. */
    public void flush() {
        if (sink == null || n == 0) {
            return;
        }
        crc = Crc64.update(crc, buf, 0, n);
        try {
            sink.write(buf, 0, n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        flushed += n;
        n = 0;
    }

    private boolean writeInteger(long v) {
        if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            writeByte(Rdb.LEN_ENCODED << 6 | Rdb.ENC_INT8);
            writeLittleEndian(v, 1);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            writeByte(Rdb.LEN_ENCODED << 6 | Rdb.ENC_INT16);
            writeLittleEndian(v, 2);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            writeByte(Rdb.LEN_ENCODED << 6 | Rdb.ENC_INT32);
            writeLittleEndian(v, 4);
        } else {
            return false;
        }
        return true;
    }

    /** Redis compresses only when it saves more than four bytes. */
    private void deferString(byte[] b, int off, int len) {
        if (deferredInts + 2 > deferred.length) {
            deferred = Arrays.copyOf(deferred, Math.max(16, deferred.length * 2));
        }
        deferred[deferredInts++] = n;
        deferred[deferredInts++] = len;
        writeBytes(b, off, len);
    }

    private boolean writeCompressed(byte[] b, int off, int len) {
        int maxOut = len - 4;
        if (lzf.length < maxOut + 1) {
            lzf = new byte[maxOut + 1];
        }
        int c = Lzf.compress(b, off, len, lzf, maxOut);
        if (c == 0) {
            return false;
        }
        writeByte(Rdb.LEN_ENCODED << 6 | Rdb.ENC_LZF);
        writeLength(c);
        writeLength(len);
        writeBytes(lzf, 0, c);
        if (lzf.length > FLUSH_AT) {
            lzf = new byte[0]; // a big string's buffer is not kept for the small ones after it
        }
        return true;
    }

    private void ensure(int more) {
        if (n + more <= buf.length) {
            return;
        }
        if (sink != null && n > 0 && n + more > FLUSH_AT) {
            flush();
            if (more <= buf.length) {
                return;
            }
        }
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
    }
}
