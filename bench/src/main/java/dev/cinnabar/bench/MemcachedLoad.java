package dev.cinnabar.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * memcached text-protocol load for bench/memcached.py, the same against memcached and Cinnabar.
 *
 * <ul>
 *   <li>{@code run PORT CLIENTS SECONDS get|set KEYSPACE SIZE THREADS}: CLIENTS connections, spread
 *       over THREADS selector threads, each sending one request and waiting for its reply (no
 *       pipelining) for SECONDS, on random keys {@code key:0..KEYSPACE-1} with values of SIZE
 *       bytes; prints {@code ops <n>/s p50 <ms> p99 <ms> p999 <ms>}.</li>
 *   <li>{@code fill PORT COUNT SIZE}: stores keys {@code key:0..COUNT-1} with values of SIZE bytes,
 *       pipelined with noreply on 4 connections, each ended by a {@code version} round trip;
 *       prints {@code filled <n> in <s> s}.</li>
 * </ul>
 * Latencies go into a histogram of 1 µs buckets up to 100 ms (longer ones count as 100 ms).
 */
public final class MemcachedLoad {
    private static final int BUCKETS = 100_000;

    private MemcachedLoad() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "run" -> run(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Double.parseDouble(args[3]), args[4],
                    Integer.parseInt(args[5]), Integer.parseInt(args[6]), Integer.parseInt(args[7]));
            case "fill" -> fill(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            default -> throw new IllegalArgumentException("run or fill");
        }
    }

    private static void fill(int port, int count, int size) throws Exception {
        long start = System.nanoTime();
        int conns = 4;
        List<Thread> threads = new ArrayList<>();
        byte[] value = "v".repeat(size).getBytes(StandardCharsets.US_ASCII);
        for (int t = 0; t < conns; t++) {
            final int from = (int) ((long) count * t / conns);
            final int to = (int) ((long) count * (t + 1) / conns);
            Thread th = new Thread(() -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setTcpNoDelay(true);
                    OutputStream out = new java.io.BufferedOutputStream(s.getOutputStream(), 1 << 16);
                    for (int i = from; i < to; i++) {
                        out.write(("set key:" + i + " 0 0 " + size + " noreply\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(value);
                        out.write('\r');
                        out.write('\n');
                    }
                    out.write("version\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    InputStream in = s.getInputStream();
                    StringBuilder line = new StringBuilder();
                    int c;
                    while ((c = in.read()) >= 0 && c != '\n') {
                        line.append((char) c);
                    }
                    if (!line.toString().startsWith("VERSION")) {
                        throw new IOException("fill: unexpected reply " + line);
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) {
            th.join();
        }
        System.out.printf(Locale.ROOT, "filled %d in %.2f s%n", count, (System.nanoTime() - start) / 1e9);
    }

    /** One connection's state in the closed loop. */
    private static final class Conn {
        final SocketChannel ch;
        final ByteBuffer in = ByteBuffer.allocate(1 << 16);
        ByteBuffer out;
        long sentAt;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }
    }

    private static void run(int port, int clients, double seconds, String test, int keyspace, int size, int threads)
            throws Exception {
        boolean get = test.equals("get");
        if (!get && !test.equals("set")) {
            throw new IllegalArgumentException("get or set");
        }
        long[][] hist = new long[threads][BUCKETS + 1];
        long[] ops = new long[threads];
        List<Thread> ts = new ArrayList<>();
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        byte[] value = "v".repeat(size).getBytes(StandardCharsets.US_ASCII);
        for (int t = 0; t < threads; t++) {
            final int id = t;
            final int mine = clients / threads + (t < clients % threads ? 1 : 0);
            Thread th = new Thread(() -> {
                try {
                    loop(port, mine, deadline, get, keyspace, value, hist[id], ops, id);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            th.start();
            ts.add(th);
        }
        for (Thread th : ts) {
            th.join();
        }
        long[] all = new long[BUCKETS + 1];
        long total = 0;
        for (int t = 0; t < threads; t++) {
            total += ops[t];
            for (int i = 0; i <= BUCKETS; i++) {
                all[i] += hist[t][i];
            }
        }
        System.out.printf(Locale.ROOT, "ops %.0f/s p50 %.3f p99 %.3f p999 %.3f%n", total / seconds,
                percentile(all, total, 0.50), percentile(all, total, 0.99), percentile(all, total, 0.999));
    }

    private static double percentile(long[] hist, long total, double p) {
        long want = (long) Math.ceil(total * p);
        long seen = 0;
        for (int i = 0; i <= BUCKETS; i++) {
            seen += hist[i];
            if (seen >= want) {
                return i / 1000.0;
            }
        }
        return BUCKETS / 1000.0;
    }

    private static void loop(int port, int clients, long deadline, boolean get, int keyspace, byte[] value, long[] hist,
            long[] ops, int id) throws IOException {
        SplittableRandom rnd = new SplittableRandom(id * 7919L + 1);
        byte[] suffix = ("\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] ending = (get ? "END\r\n" : "STORED\r\n").getBytes(StandardCharsets.US_ASCII);
        try (Selector sel = Selector.open()) {
            List<Conn> conns = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                ch.socket().setTcpNoDelay(true);
                ch.configureBlocking(false);
                Conn c = new Conn(ch);
                ch.register(sel, SelectionKey.OP_READ, c);
                conns.add(c);
            }
            ByteBuffer req = ByteBuffer.allocate(value.length + 512);
            for (Conn c : conns) {
                send(c, req, get, rnd.nextInt(keyspace), value, suffix);
            }
            long count = 0;
            while (System.nanoTime() < deadline) {
                sel.select(100);
                Iterator<SelectionKey> it = sel.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    Conn c = (Conn) k.attachment();
                    if (k.isWritable()) {
                        c.ch.write(c.out);
                        if (!c.out.hasRemaining()) {
                            k.interestOps(SelectionKey.OP_READ);
                        }
                        continue;
                    }
                    int n = c.ch.read(c.in);
                    if (n < 0) {
                        throw new IOException("the server closed a connection");
                    }
                    if (endsWith(c.in, ending)) {
                        long micros = (System.nanoTime() - c.sentAt) / 1000;
                        hist[(int) Math.min(micros, BUCKETS)]++;
                        count++;
                        c.in.clear();
                        send(c, req, get, rnd.nextInt(keyspace), value, suffix);
                        if (c.out.hasRemaining()) {
                            k.interestOps(SelectionKey.OP_WRITE);
                        }
                    } else if (!c.in.hasRemaining()) {
                        throw new IOException("unexpected reply: " + new String(c.in.array(), 0, 200, StandardCharsets.ISO_8859_1));
                    }
                }
            }
            ops[id] = count;
            for (Conn c : conns) {
                c.ch.close();
            }
        }
    }

    private static boolean endsWith(ByteBuffer b, byte[] ending) {
        int p = b.position();
        if (p < ending.length) {
            return false;
        }
        for (int i = 0; i < ending.length; i++) {
            if (b.get(p - ending.length + i) != ending[i]) {
                return false;
            }
        }
        // a get reply's data could end in "END\r\n" only if the value did: the values are 'v's
        return true;
    }

    private static void send(Conn c, ByteBuffer req, boolean get, int key, byte[] value, byte[] suffix) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(value.length + 64);
        if (get) {
            b.put(("get key:" + key + "\r\n").getBytes(StandardCharsets.US_ASCII));
        } else {
            b.put(("set key:" + key + " 0 0 " + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.put(value);
            b.put(suffix);
        }
        b.flip();
        c.out = b;
        c.sentAt = System.nanoTime();
        c.ch.write(b);
    }
}
