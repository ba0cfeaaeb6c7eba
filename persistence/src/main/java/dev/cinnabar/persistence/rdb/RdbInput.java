package dev.cinnabar.persistence.rdb;

import dev.cinnabar.datatypes.Lzf;
import dev.cinnabar.datatypes.Numbers;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads the pieces of Redis's RDB encoding from a payload in memory or from a stream (a file, a
 * replication socket), keeping the CRC-64 of the bytes consumed.
 *
 * <p>Hostile input must not make it allocate without bound: a string from memory may not be
 * longer than what is left, one from a stream is read in growing chunks (so a lying length
 * fails at the end of the input, having allocated about what was really there), and an LZF
 * blob may not claim to expand past what LZF can produce.
 */
public final class RdbInput {
    private static final int CHUNK = 64 * 1024;
    /** LZF turns at most 3 input bytes into 264 output bytes (a back reference of maximal length). */
    private static final long LZF_MAX_EXPANSION = 88;

    private final InputStream source;
    /** Run before a read of the source that may wait; see {@link #beforeWaiting}. */
    private Runnable beforeWaiting;
    private byte[] buf;
    private int pos;
    private int end;
    /** Bytes of {@link #buf} before this were consumed and are in {@link #crc}. */
    private int crcFrom;
    private long crc;
    private long consumedBefore;

    /** Reads {@code b[off, off+len)}. */
    public RdbInput(byte[] b, int off, int len) {
        this.source = null;
        this.buf = b;
        this.pos = off;
        this.end = off + len;
        this.crcFrom = off;
        this.consumedBefore = -off;
    }

    public RdbInput(byte[] b) {
        this(b, 0, b.length);
    }

    public RdbInput(InputStream source) {
        this.source = source;
        this.buf = new byte[CHUNK];
    }

    /** Bytes consumed so far. */
    public long position() {
        return consumedBefore + pos;
    }

    /** The CRC-64 of every byte consumed so far. */
    public long crc() {
        crc = Crc64.update(crc, buf, crcFrom, pos - crcFrom);
        crcFrom = pos;
        return crc;
    }

    /** True when nothing is left. */
    public boolean atEnd() throws RdbFormatException {
        return pos == end && !fill(1);
    }

    public int readByte() throws RdbFormatException {
        need(1);
        return buf[pos++] & 0xff;
    }

    /** A value type or opcode. */
    public int readType() throws RdbFormatException {
        return readByte();
    }

    public void readFully(byte[] out, int off, int len) throws RdbFormatException {
        while (len > 0) {
            if (pos == end) {
                need(1);
            }
            int k = Math.min(len, end - pos);
            System.arraycopy(buf, pos, out, off, k);
            pos += k;
            off += k;
            len -= k;
        }
    }

    /** {@code len} raw bytes, allocated no faster than the input proves them there. */
    public byte[] readBytes(long len) throws RdbFormatException {
        if (len < 0 || len > Integer.MAX_VALUE - 8) {
            throw new RdbFormatException("length out of range: " + len);
        }
        if (source == null) {
            if (len > end - pos) {
                throw truncated();
            }
            byte[] out = Arrays.copyOfRange(buf, pos, pos + (int) len);
            pos += (int) len;
            return out;
        }
        byte[] out = new byte[(int) Math.min(len, CHUNK)];
        int got = 0;
        while (got < len) {
            if (got == out.length) {
                out = Arrays.copyOf(out, (int) Math.min(len, (long) out.length * 2));
            }
            int k = out.length - got;
            readFully(out, got, k);
            got += k;
        }
        return out;
    }

    /** Redis's rdbLoadLen for a plain length; an encoded-string marker here is a format error. */
    public long readLength() throws RdbFormatException {
        long v = readLengthOrEncoding();
        if (v < 0) {
            throw new RdbFormatException("unexpected string encoding where a length belongs");
        }
        return v;
    }

    /**
     * A length read as Redis's uint64_t, all 64 bits (stream IDs and counters, where -1 is
     * SCG_INVALID_ENTRIES_READ): the value may be negative as a Java long.
     */
    public long readUnsignedLength() throws RdbFormatException {
        int first = readByte();
        if (first == Rdb.LEN_64BIT) {
            return readBigEndian(8);
        }
        pos--;
        return readLength();
    }

    /** A length that must fit an int and be at most {@code max}: element counts, sizes. */
    public int readLength(int max) throws RdbFormatException {
        long v = readLength();
        if (v > max) {
            throw new RdbFormatException("length out of range: " + v);
        }
        return (int) v;
    }

    /**
     * A length, or for the special string encodings {@code -1 - encoding} (Redis's isencoded):
     * -1 for INT8, -2 INT16, -3 INT32, -4 LZF.
     */
    private long readLengthOrEncoding() throws RdbFormatException {
        int first = readByte();
        int kind = first >> 6;
        if (kind == Rdb.LEN_ENCODED) {
            return -1 - (first & 0x3f);
        }
        if (kind == Rdb.LEN_6BIT) {
            return first & 0x3f;
        }
        if (kind == Rdb.LEN_14BIT) {
            return (first & 0x3f) << 8 | readByte();
        }
        if (first == Rdb.LEN_32BIT) {
            return readBigEndian(4);
        }
        if (first == Rdb.LEN_64BIT) {
            long v = readBigEndian(8);
            if (v < 0) {
                throw new RdbFormatException("length out of range");
            }
            return v;
        }
        throw new RdbFormatException("unknown length encoding " + first);
    }

    /** Redis's rdbGenericLoadStringObject: an integer's digits, an LZF blob expanded, or the bytes. */
    public byte[] readString() throws RdbFormatException {
        long len = readLengthOrEncoding();
        if (len >= 0) {
            return readBytes(len);
        }
        int enc = (int) (-1 - len);
        switch (enc) {
            case Rdb.ENC_INT8:
                return Numbers.toBytes((byte) readLittleEndian(1));
            case Rdb.ENC_INT16:
                return Numbers.toBytes((short) readLittleEndian(2));
            case Rdb.ENC_INT32:
                return Numbers.toBytes((int) readLittleEndian(4));
            case Rdb.ENC_LZF:
                return readCompressed();
            default:
                throw new RdbFormatException("unknown string encoding " + enc);
        }
    }

    /**
     * A string known to hold an integer (a list's or set's element in an old encoding, a stream's
     * counters): the integer encodings or canonical digits.
     */
    public long readStringAsLong() throws RdbFormatException {
        byte[] s = readString();
        if (!Numbers.isLong(s, 0, s.length)) {
            throw new RdbFormatException("not an integer");
        }
        return Numbers.parseLong(s, 0, s.length);
    }

    public long readMillis() throws RdbFormatException {
        return readLittleEndian(8);
    }

    /** Old expiry times (RDB_OPCODE_EXPIRETIME): 4 bytes of seconds. */
    public long readSeconds() throws RdbFormatException {
        return readLittleEndian(4);
    }

    public double readBinaryDouble() throws RdbFormatException {
        return Double.longBitsToDouble(readLittleEndian(8));
    }

    /**
     * Redis's rdbLoadDoubleValue, the scores of RDB_TYPE_ZSET: a length byte then the text, with
     * 253, 254 and 255 for nan, +inf and -inf.
     */
    public double readDoubleText() throws RdbFormatException {
        int len = readByte();
        switch (len) {
            case 253:
                return Double.NaN;
            case 254:
                return Double.POSITIVE_INFINITY;
            case 255:
                return Double.NEGATIVE_INFINITY;
            default:
                byte[] text = readBytes(len);
                try {
                    return Double.parseDouble(new String(text, java.nio.charset.StandardCharsets.US_ASCII));
                } catch (NumberFormatException e) {
                    throw new RdbFormatException("bad double value");
                }
        }
    }

    public long readLittleEndian(int bytes) throws RdbFormatException {
        need(bytes);
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v |= (long) (buf[pos++] & 0xff) << (8 * i);
        }
        return v;
    }

    public long readBigEndian(int bytes) throws RdbFormatException {
        need(bytes);
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v = v << 8 | (buf[pos++] & 0xff);
        }
        return v;
    }

    private byte[] readCompressed() throws RdbFormatException {
        long clen = readLength();
        long ulen = readLength();
        if (ulen > Integer.MAX_VALUE - 8 || ulen > clen * LZF_MAX_EXPANSION + 64) {
            throw new RdbFormatException("LZF length out of range");
        }
        int got;
        byte[] out;
        if (clen <= CHUNK) {
            // Straight from the read buffer: copying the compressed bytes out first was a
            // fifth of what loading a dump of small collections allocated.
            need((int) clen);
            out = new byte[(int) ulen];
            got = Lzf.decompress(buf, pos, (int) clen, out);
            pos += (int) clen;
        } else {
            byte[] c = readBytes(clen);
            out = new byte[(int) ulen];
            got = Lzf.decompress(c, 0, c.length, out);
        }
        if (got != ulen) {
            throw new RdbFormatException("invalid LZF compressed string");
        }
        return out;
    }

    /**
     * {@code r} runs before each read of the source that may have to wait for it (the source
     * says nothing is available), so that what was decoded so far can be handed over first;
     * null for none.
     */
    public void beforeWaiting(Runnable r) {
        beforeWaiting = r;
    }

    private void need(int bytes) throws RdbFormatException {
        if (end - pos < bytes && !fill(bytes)) {
            throw truncated();
        }
    }

    /** Makes {@code bytes} (at most {@link #CHUNK}) readable from the source; false at its end. */
    private boolean fill(int bytes) throws RdbFormatException {
        if (source == null) {
            return false;
        }
        crc();
        int left = end - pos;
        System.arraycopy(buf, pos, buf, 0, left);
        consumedBefore += pos;
        pos = 0;
        crcFrom = 0;
        end = left;
        try {
            while (end < bytes) {
                if (beforeWaiting != null && source.available() <= 0) {
                    beforeWaiting.run();
                }
                int k = source.read(buf, end, buf.length - end);
                if (k < 0) {
                    return false;
                }
                end += k;
            }
        } catch (IOException e) {
            throw new RdbFormatException("read error: " + e.getMessage());
        }
        return true;
    }

    private static RdbFormatException truncated() {
        return new RdbFormatException("unexpected end of input");
    }
}
