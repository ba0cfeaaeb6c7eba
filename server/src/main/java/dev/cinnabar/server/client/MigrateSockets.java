package dev.cinnabar.server.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;

/**
 * MIGRATE's connections to its targets, kept per {@code host:port} as the client wrote them (the
 * same target spelled two ways is two entries, as in Redis), reused by the next MIGRATE, and
 * closed by the cron once idle for more than {@link #TTL_SECONDS} seconds. At most
 * {@link #MAX_ITEMS}: a new one past that closes one picked at random. INFO's
 * {@code migrate_cached_sockets} is {@link #size()}.
 *
 * <p>The I/O is Redis's syncio: blocking the engine thread for at most the command's timeout per
 * step, over a non-blocking channel and a selector. A connection counts as made once the connect
 * was started and waited for, whatever came of the wait (Redis's blocking connect only fails when
 * the address cannot be resolved or no socket can be started); a refused or unfinished connection
 * shows at the first write, as in Redis. Engine thread only.
 */
public final class MigrateSockets {
    public static final int MAX_ITEMS = 64;
    public static final int TTL_SECONDS = 10;
    /** Redis writes its request in chunks of this size, each with the whole timeout. */
    public static final int WRITE_CHUNK = 64 * 1024;
    /** Redis's reply lines go into 1024-byte buffers: at most 1023 bytes are read per line. */
    public static final int LINE_MAX = 1023;

    private final Map<String, Link> cache = new LinkedHashMap<>();

    /**
     * A new client-side TLS engine for each connection while {@code tls-cluster} is on, else null
     * (Redis's migrateGetSocket connects with TLS then). Set by the transport, which owns TLS.
     */
    private Supplier<SSLEngine> tlsEngines = () -> null;

    public void tlsEngines(Supplier<SSLEngine> engines) {
        this.tlsEngines = engines;
    }

    /** The number of cached connections (INFO {@code migrate_cached_sockets}). */
    public int size() {
        return cache.size();
    }

    /** The cached connection to {@code name}, or null. */
    public Link cached(String name) {
        return cache.get(name);
    }

    /**
     * The cached connection to {@code host:port}, its last use set to {@code nowSeconds}, or a new
     * one; null when no connection could be started (the host does not resolve, a port below 0).
     */
    public Link get(byte[] host, byte[] port, long timeoutMillis, long nowSeconds) {
        String name = name(host, port);
        Link link = cache.get(name);
        if (link != null) {
            link.lastUse = nowSeconds;
            return link;
        }
        if (cache.size() == MAX_ITEMS) {
            List<String> names = new ArrayList<>(cache.keySet());
            String victim = names.get(ThreadLocalRandom.current().nextInt(names.size()));
            cache.remove(victim).close();
        }
        link = Link.connect(new String(host, StandardCharsets.ISO_8859_1), atoi(port), timeoutMillis, tlsEngines.get());
        if (link == null) {
            return null;
        }
        link.lastUse = nowSeconds;
        cache.put(name, link);
        return link;
    }

    /** Closes and forgets the connection to {@code host:port}, if there is one. */
    public void close(byte[] host, byte[] port) {
        Link link = cache.remove(name(host, port));
        if (link != null) {
            link.close();
        }
    }

    /** The cron's step, once a second: closes the connections idle for more than the TTL. */
    public void closeIdle(long nowSeconds) {
        for (Iterator<Link> it = cache.values().iterator(); it.hasNext(); ) {
            Link link = it.next();
            if (nowSeconds - link.lastUse > TTL_SECONDS) {
                link.close();
                it.remove();
            }
        }
    }

    /** Closes every connection (at shutdown). */
    public void closeAll() {
        for (Link link : cache.values()) {
            link.close();
        }
        cache.clear();
    }

    private static String name(byte[] host, byte[] port) {
        return new String(host, StandardCharsets.ISO_8859_1) + ":" + new String(port, StandardCharsets.ISO_8859_1);
    }

    /** C's atoi as glibc has it: blanks, a sign, digits up to the first other byte; strtol's clamp, then an int. */
    static int atoi(byte[] s) {
        int i = 0;
        while (i < s.length && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) {
            i++;
        }
        boolean negative = false;
        if (i < s.length && (s[i] == '+' || s[i] == '-')) {
            negative = s[i] == '-';
            i++;
        }
        long v = 0;
        boolean overflow = false;
        for (; i < s.length && s[i] >= '0' && s[i] <= '9'; i++) {
            int d = s[i] - '0';
            if (v > (Long.MAX_VALUE - d) / 10) {
                overflow = true;
            } else {
                v = v * 10 + d;
            }
        }
        if (overflow) {
            v = negative ? Long.MIN_VALUE : Long.MAX_VALUE;
        } else if (negative) {
            v = -v;
        }
        return (int) v;
    }

    /** One connection to a target, with what MIGRATE remembers of it. */
    public static final class Link {
        private final SocketChannel channel;
        private final Selector selector;
        private final SelectionKey key;
        private final ByteBuffer in = ByteBuffer.allocate(16 * 1024).flip();
        private boolean connected;
        /** The database the target connection has selected, -1 when unknown. */
        public long lastDbId = -1;
        long lastUse;
        /** Whether the last failed step failed by running out of time (Redis's errno ETIMEDOUT). */
        private boolean timedOut;

        private IOException failure;
        /** The connection's TLS, null for a plain one; {@link #in} then holds what it decrypted. */
        private MigrateTls tls;

        private Link(SocketChannel channel, Selector selector, SelectionKey key, boolean connected) {
            this.channel = channel;
            this.selector = selector;
            this.key = key;
            this.connected = connected;
        }

        /**
         * A connection to {@code host:port}; with {@code engine}, connected and through its TLS
         * handshake within the timeout, as Redis's blocking TLS connect is, or null.
         */
        static Link connect(String host, int port, long timeoutMillis, SSLEngine engine) {
            Link link = connect(host, port, timeoutMillis);
            if (link == null || engine == null) {
                return link;
            }
            long start = System.nanoTime();
            link.finishConnect();
            if (!link.connected) {
                link.close();
                return null;
            }
            link.tls = new MigrateTls(engine, link);
            if (!link.tls.handshake(start, timeoutMillis)) {
                link.close();
                return null;
            }
            return link;
        }

        static Link connect(String host, int port, long timeoutMillis) {
            if (host.isEmpty() || port < 0) {
                return null; // getaddrinfo refuses an empty node and a negative service
            }
            InetAddress[] addresses;
            try {
                addresses = InetAddress.getAllByName(host);
            } catch (IOException | SecurityException e) {
                return null;
            }
            for (InetAddress address : addresses) {
                SocketChannel ch = null;
                Selector sel = null;
                try {
                    ch = SocketChannel.open();
                    ch.configureBlocking(false);
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    boolean done = ch.connect(new InetSocketAddress(address, port & 0xFFFF));
                    sel = Selector.open();
                    SelectionKey k = ch.register(sel, done ? 0 : SelectionKey.OP_CONNECT);
                    Link link = new Link(ch, sel, k, done);
                    if (!done) {
                        link.waitFor(SelectionKey.OP_CONNECT, Math.max(1, timeoutMillis));
                        link.finishConnect();
                    }
                    return link;
                } catch (IOException | RuntimeException e) {
                    closeQuietly(ch, sel);
                }
            }
            return null;
        }

        /** Completes a pending connect if it has completed; a failed one is kept for the first write to report. */
        private void finishConnect() {
            if (connected) {
                return;
            }
            try {
                if (channel.finishConnect()) {
                    connected = true;
                    key.interestOps(0);
                }
            } catch (IOException e) {
                failure = e;
            }
        }

        /** Waits up to {@code millis} for {@code ops}; true when ready. */
        private boolean waitFor(int ops, long millis) throws IOException {
            key.interestOps(ops);
            selector.selectedKeys().clear();
            int n = selector.select(Math.max(1, millis));
            selector.selectedKeys().clear();
            return n > 0;
        }

        /** Whether the last failure was a timeout (then MIGRATE does not retry). */
        public boolean timedOut() {
            return timedOut;
        }

        /**
         * Redis's syncWrite: all of {@code len} bytes within {@code timeoutMillis}, or false (a
         * part may have been written). A connect still under way is waited for within the same time.
         */
        public boolean write(byte[] b, int off, int len, long timeoutMillis) {
            timedOut = false;
            long start = System.nanoTime();
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            return tls != null ? tls.write(buf, start, timeoutMillis) : send(buf, start, timeoutMillis);
        }

        /** All of {@code buf} to the socket, by {@code timeoutMillis} after {@code start}, or false. */
        boolean send(ByteBuffer buf, long start, long timeoutMillis) {
            try {
                while (true) {
                    if (failure != null) {
                        return false;
                    }
                    int op;
                    if (connected) {
                        channel.write(buf);
                        if (!buf.hasRemaining()) {
                            return true;
                        }
                        op = SelectionKey.OP_WRITE;
                    } else {
                        op = SelectionKey.OP_CONNECT;
                    }
                    long elapsed = (System.nanoTime() - start) / 1_000_000;
                    waitFor(op, Math.max(10, timeoutMillis - elapsed));
                    if (!connected) {
                        finishConnect();
                    }
                    elapsed = (System.nanoTime() - start) / 1_000_000;
                    if (elapsed >= timeoutMillis && failure == null) {
                        timedOut = true;
                        return false;
                    }
                }
            } catch (IOException e) {
                return false;
            }
        }

        /**
         * Redis's syncReadLine into a 1024-byte buffer: reads up to the newline, each byte within
         * {@code timeoutMillis}, at most {@link #LINE_MAX} bytes (the rest of a longer line stays
         * for the next read). Returns the line without its CR LF, or null on an error, a closed
         * connection or a timeout ({@link #timedOut()} tells which).
         */
        public byte[] readLine(long timeoutMillis) {
            timedOut = false;
            byte[] line = new byte[LINE_MAX];
            int n = 0;
            try {
                while (n < LINE_MAX) {
                    int c = readByte(timeoutMillis);
                    if (c < 0) {
                        return null;
                    }
                    if (c == '\n') {
                        if (n > 0 && line[n - 1] == '\r') {
                            n--;
                        }
                        return Arrays.copyOf(line, n);
                    }
                    line[n++] = (byte) c;
                }
                return Arrays.copyOf(line, n);
            } catch (IOException e) {
                return null;
            }
        }

        private int readByte(long timeoutMillis) throws IOException {
            if (in.hasRemaining()) {
                return in.get() & 0xFF;
            }
            if (failure != null || !connected) {
                return -1;
            }
            long start = System.nanoTime();
            if (tls != null) {
                in.clear();
                boolean got = tls.read(in, start, timeoutMillis);
                in.flip();
                return got && in.hasRemaining() ? in.get() & 0xFF : -1;
            }
            in.clear();
            int r = fill(in, start, timeoutMillis);
            in.flip();
            return r > 0 ? in.get() & 0xFF : -1;
        }

        /**
         * Reads what the socket has into {@code dst}, waiting for something until
         * {@code timeoutMillis} after {@code start}: the bytes read, or -1 at the end of the
         * stream or the deadline ({@link #timedOut} then set).
         */
        int fill(ByteBuffer dst, long start, long timeoutMillis) throws IOException {
            while (true) {
                int r = channel.read(dst);
                if (r != 0) {
                    return r;
                }
                long elapsed = (System.nanoTime() - start) / 1_000_000;
                waitFor(SelectionKey.OP_READ, Math.max(10, timeoutMillis - elapsed));
                elapsed = (System.nanoTime() - start) / 1_000_000;
                if (elapsed >= timeoutMillis) {
                    timedOut = true;
                    return -1;
                }
            }
        }

        void close() {
            closeQuietly(channel, selector);
        }

        private static void closeQuietly(SocketChannel ch, Selector sel) {
            try {
                if (sel != null) {
                    sel.close();
                }
            } catch (IOException ignored) {
                // nothing to do
            }
            try {
                if (ch != null) {
                    ch.close();
                }
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
