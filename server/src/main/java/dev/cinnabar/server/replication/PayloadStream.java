package dev.cinnabar.server.replication;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;

/**
 * A master's RDB on its way from the connection to the loader, for a diskless load
 * (repl-diskless-load): the connection's thread {@link #offer}s what it reads, the loader's
 * reader thread reads it as a stream. At most about {@link #HIGH} bytes wait here: past that the
 * connection stops reading (the offer says so) until the loader has taken the stream down to
 * {@link #LOW}, when {@code resume} runs on the reader's thread. A read waits at most
 * repl-timeout for bytes, as Redis's blocking read of the socket does, and fails after that.
 */
final class PayloadStream extends InputStream {
    static final long HIGH = 4L << 20;
    static final long LOW = 1L << 20;

    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private final Runnable resume;
    private final long timeoutMillis;
    private byte[] current;
    private int pos;
    private long buffered;
    private boolean paused;
    private boolean ended;
    private IOException failure;

    PayloadStream(Runnable resume, long timeoutMillis) {
        this.resume = resume;
        this.timeoutMillis = timeoutMillis;
    }

    /** Copies {@code n} bytes of {@code b} from {@code from}; true when the connection should stop reading. */
    synchronized boolean offer(ByteBuf b, int from, int n) {
        byte[] copy = new byte[n];
        b.getBytes(from, copy);
        chunks.add(copy);
        buffered += n;
        notifyAll();
        if (buffered > HIGH) {
            paused = true;
        }
        return paused;
    }

    /** Everything has been offered. */
    synchronized void end() {
        ended = true;
        notifyAll();
    }

    /** The connection is gone: the loader's next read fails with {@code why}. */
    synchronized void fail(IOException why) {
        if (failure == null) {
            failure = why;
        }
        notifyAll();
    }

    /** What can be read without waiting for the connection. */
    @Override
    public synchronized int available() {
        return (int) Math.min(Integer.MAX_VALUE, buffered);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        boolean wake;
        int n;
        synchronized (this) {
            long deadline = System.currentTimeMillis() + timeoutMillis;
            while (current == null || pos == current.length) {
                if (failure != null) {
                    throw failure;
                }
                current = chunks.poll();
                pos = 0;
                if (current != null) {
                    continue;
                }
                if (ended) {
                    return -1;
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    failure = new IOException("Timeout reading the RDB from the MASTER");
                    throw failure;
                }
                try {
                    wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
            n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            buffered -= n;
            wake = paused && buffered < LOW;
            if (wake) {
                paused = false;
            }
        }
        if (wake) {
            resume.run();
        }
        return n;
    }
}
