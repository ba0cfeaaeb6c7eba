package dev.cinnabar.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * RESP arrays of bulk strings encoded into a growable byte array that is reused: commands for the
 * AOF, and pub/sub messages encoded once to be copied to each subscriber.
 */
public class RespBuffer {
    protected byte[] buf;
    protected int size;

    public RespBuffer(int initialCapacity) {
        buf = new byte[Math.max(64, initialCapacity)];
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The bytes so far; valid up to {@link #size()} until the next change. */
    public byte[] array() {
        return buf;
    }

    public void clear() {
        size = 0;
    }

    /** Drops what is held beyond {@code capacity} (after a burst, so the buffer does not stay big). */
    public void trim(int capacity) {
        if (size == 0 && buf.length > capacity) {
            buf = new byte[capacity];
        }
    }

    /** Appends a whole command. */
    public void command(Argv argv) {
        int n = argv.count();
        arrayHeader(n);
        for (int i = 0; i < n; i++) {
            bulk(argv.array(i), argv.offset(i), argv.length(i));
        }
    }

    /** {@code *<n>\r\n}: a command of {@code n} arguments follows, each added with a bulk method. */
    public void arrayHeader(int n) {
        ensure(16);
        buf[size++] = '*';
        number(n);
        crlf();
    }

    public void bulk(byte[] b) {
        bulk(b, 0, b.length);
    }

    public void bulk(byte[] b, int off, int len) {
        ensure(len + 24);
        buf[size++] = '$';
        number(len);
        crlf();
        System.arraycopy(b, off, buf, size, len);
        size += len;
        crlf();
    }

    /** A number as a bulk string, as Redis writes integers into the AOF. */
    public void bulk(long v) {
        ensure(48);
        buf[size++] = '$';
        number(decimalLength(v));
        crlf();
        number(v);
        crlf();
    }

    public static int decimalLength(long v) {
        if (v == Long.MIN_VALUE) {
            return 20;
        }
        int n = v < 0 ? 2 : 1;
        for (long t = Math.abs(v); t >= 10; t /= 10) {
            n++;
        }
        return n;
    }

    public void bulk(String ascii) {
        bulk(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Raw bytes, as they are (an RDB preamble, a copied file). */
    public void raw(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    public void writeTo(OutputStream out) throws IOException {
        out.write(buf, 0, size);
    }

    /** Writes all of it to {@code ch}; returns the bytes written (all, or an exception). */
    public int writeTo(WritableByteChannel ch) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, size);
        while (bb.hasRemaining()) {
            ch.write(bb);
        }
        return size;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    protected final void number(long v) {
        size = digits(v, size);
    }

    /** Writes {@code v} in decimal at {@code at}; returns the position after it. */
    private int digits(long v, int at) {
        if (v == Long.MIN_VALUE) {
            byte[] s = Long.toString(v).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(s, 0, buf, at, s.length);
            return at + s.length;
        }
        if (v < 0) {
            buf[at++] = '-';
            v = -v;
        }
        int n = 1;
        for (long t = v; t >= 10; t /= 10) {
            n++;
        }
        int end = at + n;
        for (int i = end - 1; i >= at; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return end;
    }

    protected final void crlf() {
        buf[size++] = '\r';
        buf[size++] = '\n';
    }

    protected final void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
