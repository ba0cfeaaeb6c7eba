package dev.cinnabar.bench;

import java.io.BufferedInputStream;
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
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load that redis-benchmark cannot make, for bench/messaging.py: the same on both servers.
 *
 * <ul>
 *   <li>{@code fanout PORT SUBSCRIBERS MESSAGES SIZE PIPELINE}: SUBSCRIBERS connections subscribe
 *       to one channel, one publisher sends MESSAGES messages of SIZE bytes, PIPELINE at a time;
 *       prints the messages delivered per second, from the first PUBLISH until every subscriber
 *       has read every message.</li>
 *   <li>{@code multi PORT CLIENTS SECONDS}: CLIENTS connections each send MULTI, ten INCRs and
 *       EXEC in one write and read the twelve replies, over and over; prints transactions per
 *       second.</li>
 * </ul>
 * One selector thread reads every subscriber, so the reading side costs one core at most.
 */
public final class MessagingLoad {
    private MessagingLoad() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "fanout" -> fanout(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            case "multi" -> multi(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Double.parseDouble(args[3]));
            default -> throw new IllegalArgumentException("fanout or multi");
        }
    }

    private static byte[] command(String... parts) {
        StringBuilder sb = new StringBuilder();
        sb.append('*').append(parts.length).append("\r\n");
        for (String p : parts) {
            byte[] b = p.getBytes(StandardCharsets.ISO_8859_1);
            sb.append('$').append(b.length).append("\r\n").append(p).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void fanout(int port, int subscribers, int messages, int size, int pipeline) throws Exception {
        String channel = "bench:fanout";
        String payload = "x".repeat(size);
        byte[] subscribe = command("SUBSCRIBE", channel);
        // What a subscriber receives for one message, in RESP2.
        long frame = ("*3\r\n$7\r\nmessage\r\n$" + channel.length() + "\r\n" + channel + "\r\n$" + size + "\r\n" + payload
                + "\r\n").length();
        long confirmation = ("*3\r\n$9\r\nsubscribe\r\n$" + channel.length() + "\r\n" + channel + "\r\n:1\r\n").length();
        Selector selector = Selector.open();
        List<SocketChannel> subs = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            SocketChannel s = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            s.write(ByteBuffer.wrap(subscribe));
            ByteBuffer confirm = ByteBuffer.allocate((int) confirmation);
            while (confirm.hasRemaining()) {
                s.read(confirm);
            }
            s.configureBlocking(false);
            s.register(selector, SelectionKey.OP_READ, new long[] {0});
            subs.add(s);
        }
        long expected = frame * messages;
        CountDownLatch done = new CountDownLatch(1);
        AtomicLong finished = new AtomicLong();
        Thread reader = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            int complete = 0;
            try {
                while (complete < subscribers) {
                    selector.select();
                    for (SelectionKey k : selector.selectedKeys()) {
                        long[] got = (long[]) k.attachment();
                        buf.clear();
                        int n = ((SocketChannel) k.channel()).read(buf);
                        if (n > 0) {
                            got[0] += n;
                            if (got[0] == expected) {
                                complete++;
                            }
                        }
                    }
                    selector.selectedKeys().clear();
                }
                finished.set(System.nanoTime());
            } catch (IOException e) {
                e.printStackTrace();
            } finally {
                done.countDown();
            }
        });
        reader.start();
        byte[] publish = command("PUBLISH", channel, payload);
        try (Socket pub = new Socket("127.0.0.1", port)) {
            pub.setTcpNoDelay(true);
            OutputStream out = pub.getOutputStream();
            InputStream in = new BufferedInputStream(pub.getInputStream(), 1 << 16);
            byte[] batch = new byte[publish.length * pipeline];
            for (int i = 0; i < pipeline; i++) {
                System.arraycopy(publish, 0, batch, i * publish.length, publish.length);
            }
            long start = System.nanoTime();
            for (int sent = 0; sent < messages; sent += pipeline) {
                int n = Math.min(pipeline, messages - sent);
                out.write(batch, 0, n * publish.length);
                for (int i = 0; i < n; i++) {
                    readLine(in); // :<receivers>
                }
            }
            long published = System.nanoTime();
            done.await();
            double seconds = (finished.get() - start) / 1e9;
            System.out.printf("published %.0f/s delivered %.0f/s%n", messages / ((published - start) / 1e9),
                    (double) messages * subscribers / seconds);
        }
        for (SocketChannel s : subs) {
            s.close();
        }
    }

    private static void multi(int port, int clients, double seconds) throws Exception {
        byte[] round;
        {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            b.write(command("MULTI"));
            for (int i = 0; i < 10; i++) {
                b.write(command("INCR", "bench:counter:" + i));
            }
            b.write(command("EXEC"));
            round = b.toByteArray();
        }
        AtomicLong rounds = new AtomicLong();
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setTcpNoDelay(true);
                    OutputStream out = s.getOutputStream();
                    InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 14);
                    long mine = 0;
                    while (System.nanoTime() < deadline) {
                        out.write(round);
                        // +OK, ten +QUEUED, then EXEC's *10 and ten integers.
                        for (int i = 0; i < 22; i++) {
                            readLine(in);
                        }
                        mine++;
                    }
                    rounds.addAndGet(mine);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            threads.add(t);
        }
        long start = System.nanoTime();
        for (Thread t : threads) {
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf("transactions %.0f/s%n", rounds.get() / elapsed);
    }

    private static void readLine(InputStream in) throws IOException {
        int prev = -1;
        for (int b; (b = in.read()) >= 0; prev = b) {
            if (prev == '\r' && b == '\n') {
                return;
            }
        }
        throw new IOException("connection closed");
    }
}
