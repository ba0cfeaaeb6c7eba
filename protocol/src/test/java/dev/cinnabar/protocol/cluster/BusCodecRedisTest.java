package dev.cinnabar.protocol.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The codec against a running redis-server 7.0.15 in cluster mode, playing two made-up nodes
 * over plain sockets: Redis must accept what we encode (it joins our nodes to its cluster,
 * takes our hostname, delivers our PUBLISH messages, and logs no "Received invalid" for any
 * type), and what it sends must decode to what it reports of itself and encode back to the
 * very same bytes.
 */
class BusCodecRedisTest {
    private static final String REDIS_HOSTNAME = "redis-under-test";
    private static final Random RANDOM = new Random();

    private static Process redis;
    private static Path dir;
    private static int redisPort;
    private static int redisBusPort;
    private static String redisId;
    private static final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    static void startRedis() throws Exception {
        String binary = findOnPath("redis-server");
        if (binary == null) {
            fail("redis-server (7.0.15) is not on the PATH; this test needs it to check the bus format against Redis");
        }
        dir = Files.createTempDirectory("cinnabar-bus-test");
        redisPort = freePort();
        redisBusPort = freePort();
        redis = new ProcessBuilder(binary, "--port", Integer.toString(redisPort), "--bind", "127.0.0.1",
                "--cluster-enabled", "yes", "--cluster-port", Integer.toString(redisBusPort),
                "--cluster-config-file", dir.resolve("nodes.conf").toString(), "--cluster-node-timeout", "30000",
                "--cluster-announce-hostname", REDIS_HOSTNAME, "--cluster-require-full-coverage", "no",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--logfile", dir.resolve("redis.log").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.txt").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Resp r = new Resp(redisPort)) {
                if ("PONG".equals(r.call("PING"))) {
                    break;
                }
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !redis.isAlive()) {
                    fail("redis-server did not start: " + Files.readString(dir.resolve("stdout.txt")));
                }
                Thread.sleep(50);
            }
        }
        try (Resp r = new Resp(redisPort)) {
            redisId = (String) r.call("CLUSTER", "MYID");
            // Slots and an epoch, so that the header Redis sends says something to check.
            assertEquals("OK", r.call("CLUSTER", "ADDSLOTSRANGE", "0", "16000"));
            assertEquals("OK", r.call("CLUSTER", "ADDSLOTS", "16383"));
            assertEquals("OK", r.call("CLUSTER", "SET-CONFIG-EPOCH", "7"));
        }
    }

    @AfterAll
    static void stopRedis() throws Exception {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing what is left of the test
            }
        }
        if (redis != null) {
            redis.destroy();
            if (!redis.waitFor(10, TimeUnit.SECONDS)) {
                redis.destroyForcibly().waitFor();
            }
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void redisAndOurCodecUnderstandEachOther() throws Exception {
        FakeNode a = new FakeNode("cinnabar-a");
        FakeNode b = new FakeNode("cinnabar-b");

        // MEET: Redis answers on the same connection with a PONG about itself.
        a.send(a.message(BusMessage.MEET));
        byte[] pongBytes = a.readFromRedis(a.toRedisIn);
        BusMessage pong = BusCodec.decode(Unpooled.wrappedBuffer(pongBytes));
        assertNotNull(pong, "Redis's PONG decodes");
        assertEquals(BusMessage.PONG, pong.type);
        assertEquals(redisId, pong.sender);
        assertEquals(redisPort, pong.port);
        assertEquals(redisBusPort, pong.cport);
        assertEquals(0, pong.pport, "no TLS, no plaintext port");
        assertEquals(BusMessage.NODE_MASTER | BusMessage.NODE_MYSELF, pong.flags);
        assertEquals(7, pong.configEpoch);
        assertEquals(7, pong.currentEpoch);
        assertTrue(BusMessage.slotSet(pong.myslots, 0));
        assertTrue(BusMessage.slotSet(pong.myslots, 16000));
        assertFalse(BusMessage.slotSet(pong.myslots, 16001));
        assertTrue(BusMessage.slotSet(pong.myslots, 16383));
        assertEquals(null, pong.slaveof);
        assertEquals(null, pong.myip, "no cluster-announce-ip");
        assertEquals(REDIS_HOSTNAME, pong.hostname);
        assertEquals(BusMessage.MFLAG_EXT_DATA, pong.mflags0, "sent because a hostname is set");
        assertEquals(0, pong.gossip.size(), "Redis knows no third node to gossip about");
        assertEquals(BusCodec.HEADER_LEN + BusCodec.hostnameExtensionLength(REDIS_HOSTNAME), pongBytes.length);
        assertSameBytesAgain(pongBytes, pong);

        // The MEET made a node in handshake under a random name; Redis now connects to our bus
        // port, pings, and renames the node to the name in our PONG.
        a.completeHandshake();
        b.send(b.message(BusMessage.MEET));
        assertEquals(BusMessage.PONG, decode(b.readFromRedis(b.toRedisIn)).type);
        b.completeHandshake();
        String nodes = awaitClusterNodes(n -> n.contains(a.name + " ") && n.contains(b.name + " ")
                && !n.contains("handshake"));
        assertTrue(nodes.contains(a.name + " 127.0.0.1:" + a.port + "@" + a.busPort + " master"), nodes);

        // The hostname extension is read from a ping of a known node.
        a.send(a.message(BusMessage.PING));
        a.readFromRedis(a.toRedisIn);
        awaitClusterNodes(n -> n.contains("@" + a.busPort + "," + a.hostname + " "));

        // Now Redis knows two other nodes, and its pongs gossip about them (about the receiver too).
        BusMessage withGossip = null;
        for (int i = 0; i < 50 && withGossip == null; i++) {
            a.send(a.message(BusMessage.PING));
            byte[] bytes = a.readFromRedis(a.toRedisIn);
            BusMessage m = decode(bytes);
            assertEquals(BusMessage.PONG, m.type);
            assertEquals(BusCodec.HEADER_LEN + m.gossip.size() * BusCodec.GOSSIP_LEN
                    + BusCodec.hostnameExtensionLength(REDIS_HOSTNAME), bytes.length);
            assertSameBytesAgain(bytes, m);
            if (!m.gossip.isEmpty()) {
                withGossip = m;
            }
        }
        assertNotNull(withGossip, "no gossip in 50 pongs");
        long nowSeconds = System.currentTimeMillis() / 1000;
        for (BusMessage.Gossip g : withGossip.gossip) {
            FakeNode about = g.nodename.equals(a.name) ? a : b;
            assertEquals(about.name, g.nodename);
            assertEquals("127.0.0.1", g.ip);
            assertEquals(about.port, g.port);
            assertEquals(about.busPort, g.cport);
            assertEquals(0, g.pport);
            assertTrue((g.flags & BusMessage.NODE_MASTER) != 0, "flags " + g.flags);
            assertTrue(Math.abs(g.pongReceived - nowSeconds) < 60, "pong received " + g.pongReceived);
        }

        // An extension Redis does not know is skipped, and the hostname after it still read.
        a.hostname = "cinnabar-a-renamed";
        byte[] ping = encode(a.message(BusMessage.PING));
        byte[] withUnknown = insertExtension(ping, 9, "from the future");
        BusMessage ours = decode(withUnknown);
        assertEquals(a.hostname, ours.hostname);
        a.sendBytes(withUnknown);
        a.readFromRedis(a.toRedisIn);
        awaitClusterNodes(n -> n.contains("," + a.hostname + " "));
        assertTrue(redisLog().contains("Received unknown extension type 9"));

        // PUBLISH and PUBLISHSHARD from us reach Redis's subscribers.
        String shardChannel = channelInServedSlot();
        try (Resp subscriber = new Resp(redisPort)) {
            subscriber.call("SUBSCRIBE", "news");
            subscriber.call("SSUBSCRIBE", shardChannel);
            BusMessage publish = a.message(BusMessage.PUBLISH);
            publish.channel = "news".getBytes(StandardCharsets.US_ASCII);
            publish.message = "from cinnabar\r\n\0".getBytes(StandardCharsets.ISO_8859_1);
            a.send(publish);
            assertEquals(List.of("message", "news", "from cinnabar\r\n\0"), subscriber.read());
            BusMessage sharded = a.message(BusMessage.PUBLISHSHARD);
            sharded.channel = shardChannel.getBytes(StandardCharsets.US_ASCII);
            sharded.message = "sharded".getBytes(StandardCharsets.US_ASCII);
            a.send(sharded);
            assertEquals(List.of("smessage", shardChannel, "sharded"), subscriber.read());
        }

        // Redis's PUBLISH goes out on its own connections to our nodes.
        try (Resp r = new Resp(redisPort)) {
            r.call("PUBLISH", "to-the-bus", "hello nodes");
        }
        BusMessage fromRedis;
        byte[] fromRedisBytes;
        do {
            fromRedisBytes = a.readFromRedis(a.fromRedisIn);
            fromRedis = decode(fromRedisBytes);
        } while (fromRedis.type != BusMessage.PUBLISH);
        assertEquals("to-the-bus", new String(fromRedis.channel, StandardCharsets.US_ASCII));
        assertEquals("hello nodes", new String(fromRedis.message, StandardCharsets.US_ASCII));
        assertEquals(BusCodec.HEADER_LEN + 16 - 8 + 10 + 11, fromRedisBytes.length);
        assertSameBytesAgain(fromRedisBytes, fromRedis);

        // Every other type at the length we give it passes Redis's length check: none is logged
        // as invalid (a ping answered afterwards shows Redis has read them all).
        String unknownNode = randomName();
        BusMessage failMessage = a.message(BusMessage.FAIL);
        failMessage.failNode = unknownNode;
        BusMessage update = a.message(BusMessage.UPDATE);
        update.updateNode = unknownNode;
        update.updateConfigEpoch = 1;
        update.updateSlots = new byte[BusMessage.SLOT_BITMAP_LEN];
        BusMessage module = a.message(BusMessage.MODULE);
        module.moduleId = 0x0123456789abcdefL;
        module.moduleType = 3;
        module.modulePayload = "module payload".getBytes(StandardCharsets.US_ASCII);
        for (BusMessage m : List.of(failMessage, update, module, a.message(BusMessage.FAILOVER_AUTH_REQUEST),
                a.message(BusMessage.FAILOVER_AUTH_ACK), a.message(BusMessage.MFSTART))) {
            a.send(m);
        }
        a.send(a.message(BusMessage.PING));
        assertEquals(BusMessage.PONG, decode(a.readFromRedis(a.toRedisIn)).type);
        String log = redisLog();
        assertFalse(log.contains("Received invalid"), log);
        assertFalse(log.contains("Bad message length"), log);

        // And the check is live: one byte too many makes a FAIL invalid.
        byte[] longFail = encode(failMessage);
        longFail = Arrays.copyOf(longFail, longFail.length + 1);
        longFail[7]++;
        a.sendBytes(longFail);
        a.send(a.message(BusMessage.PING));
        assertEquals(BusMessage.PONG, decode(a.readFromRedis(a.toRedisIn)).type);
        assertTrue(redisLog().contains("Received invalid fail packet of length 2297 but expected length 2296"),
                redisLog());
    }

    private static void assertSameBytesAgain(byte[] sent, BusMessage decoded) {
        assertArrayEquals(sent, encode(decoded), "our encoding of Redis's message is Redis's bytes");
    }

    private static BusMessage decode(byte[] bytes) {
        BusMessage m = BusCodec.decode(Unpooled.wrappedBuffer(bytes));
        assertNotNull(m, "a message from Redis that does not decode");
        return m;
    }

    private static byte[] encode(BusMessage m) {
        ByteBuf out = Unpooled.buffer();
        BusCodec.encode(m, out);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
    }

    /** A ping's bytes with one more extension before the others. */
    private static byte[] insertExtension(byte[] ping, int type, String content) {
        BusMessage m = decode(ping);
        int at = BusCodec.HEADER_LEN + m.gossip.size() * BusCodec.GOSSIP_LEN;
        int length = 8 + ((content.length() + 7) & ~7);
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(ping, 0, at);
        b.writeInt(length).writeShort(type).writeShort(0);
        b.writeCharSequence(content, StandardCharsets.US_ASCII);
        b.writeZero(length - 8 - content.length());
        b.writeBytes(ping, at, ping.length - at);
        b.setInt(4, b.readableBytes());
        b.setShort(2214, b.getUnsignedShort(2214) + 1);
        b.setByte(2253, b.getByte(2253) | BusMessage.MFLAG_EXT_DATA);
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        return bytes;
    }

    private static String channelInServedSlot() throws IOException {
        try (Resp r = new Resp(redisPort)) {
            for (int i = 0; ; i++) {
                String channel = "shard-news-" + i;
                if ((Long) r.call("CLUSTER", "KEYSLOT", channel) <= 16000) {
                    return channel;
                }
            }
        }
    }

    private static String awaitClusterNodes(Predicate<String> until) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String nodes;
        try (Resp r = new Resp(redisPort)) {
            while (!until.test(nodes = (String) r.call("CLUSTER", "NODES"))) {
                if (System.nanoTime() > deadline) {
                    fail("CLUSTER NODES never showed what was expected:\n" + nodes + "\nlog:\n" + redisLog());
                }
                Thread.sleep(20);
            }
        }
        return nodes;
    }

    private static String redisLog() throws IOException {
        return Files.readString(dir.resolve("redis.log"), StandardCharsets.ISO_8859_1);
    }

    private static String randomName() {
        byte[] bytes = new byte[20];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String findOnPath(String program) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(entry, program);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }

    /**
     * A node of our own making: a name, a bus port Redis connects to, our connection to Redis's
     * bus (where Redis answers our pings) and Redis's connection to us (where it pings).
     */
    private static final class FakeNode {
        final String name = randomName();
        final ServerSocket bus;
        final int busPort;
        final int port;
        String hostname;
        final Socket toRedis;
        final InputStream toRedisIn;
        Socket fromRedis;
        InputStream fromRedisIn;

        FakeNode(String hostname) throws IOException {
            this.hostname = hostname;
            bus = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
            closeables.add(bus);
            bus.setSoTimeout(10_000);
            busPort = bus.getLocalPort();
            port = 20000 + RANDOM.nextInt(10000);
            toRedis = new Socket();
            closeables.add(toRedis);
            toRedis.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), redisBusPort), 5000);
            toRedis.setSoTimeout(10_000);
            toRedisIn = new BufferedInputStream(toRedis.getInputStream());
        }

        BusMessage message(int type) {
            BusMessage m = new BusMessage(type);
            m.sender = name;
            m.port = port;
            m.cport = busPort;
            m.flags = BusMessage.NODE_MASTER;
            m.hostname = hostname;
            return m;
        }

        void send(BusMessage m) throws IOException {
            sendBytes(encode(m));
        }

        void sendBytes(byte[] bytes) throws IOException {
            toRedis.getOutputStream().write(bytes);
            toRedis.getOutputStream().flush();
        }

        /** Takes Redis's connection to our bus port, reads its first ping and answers it. */
        void completeHandshake() throws IOException {
            fromRedis = bus.accept();
            closeables.add(fromRedis);
            fromRedis.setSoTimeout(10_000);
            fromRedisIn = new BufferedInputStream(fromRedis.getInputStream());
            byte[] bytes = readFromRedis(fromRedisIn);
            BusMessage ping = decode(bytes);
            assertEquals(BusMessage.PING, ping.type, "Redis pings a node it met in handshake, it does not MEET it");
            assertEquals(redisId, ping.sender);
            assertSameBytesAgain(bytes, ping);
            OutputStream out = fromRedis.getOutputStream();
            out.write(encode(message(BusMessage.PONG)));
            out.flush();
        }

        /** One whole message, framed as a server would frame it. */
        byte[] readFromRedis(InputStream in) throws IOException {
            byte[] head = in.readNBytes(BusCodec.MIN_READ);
            assertEquals(BusCodec.MIN_READ, head.length, "Redis closed the connection");
            int length = BusCodec.frameLength(Unpooled.wrappedBuffer(head));
            assertTrue(length >= BusCodec.HEADER_LEN, "frame length " + length);
            byte[] frame = Arrays.copyOf(head, length);
            int got = in.readNBytes(frame, BusCodec.MIN_READ, length - BusCodec.MIN_READ);
            assertEquals(length - BusCodec.MIN_READ, got, "Redis closed the connection mid-message");
            return frame;
        }
    }

    /** Just enough of a RESP2 client for the test: commands out, replies as Java values. */
    private static final class Resp implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;

        Resp(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(10_000);
            in = new BufferedInputStream(socket.getInputStream());
        }

        Object call(String... args) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.ISO_8859_1);
                out.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.writeBytes(bytes);
                out.writeBytes(new byte[] {'\r', '\n'});
            }
            socket.getOutputStream().write(out.toByteArray());
            return read();
        }

        Object read() throws IOException {
            String line = line();
            String rest = line.substring(1);
            return switch (line.charAt(0)) {
                case '+' -> rest;
                case '-' -> throw new IOException("Redis replied " + line);
                case ':' -> Long.parseLong(rest);
                case '$' -> {
                    int length = Integer.parseInt(rest);
                    if (length < 0) {
                        yield null;
                    }
                    byte[] bytes = in.readNBytes(length + 2);
                    yield new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
                }
                case '*' -> {
                    int count = Integer.parseInt(rest);
                    List<Object> items = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        items.add(read());
                    }
                    yield items;
                }
                default -> throw new IOException("unexpected reply " + line);
            };
        }

        private String line() throws IOException {
            StringBuilder s = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                if (c != '\r') {
                    s.append((char) c);
                }
            }
            return s.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
