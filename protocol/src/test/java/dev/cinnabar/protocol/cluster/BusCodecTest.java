package dev.cinnabar.protocol.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The bus format against the layout of Redis 7.0.15's clusterMsg: field offsets (cluster.h's
 * static asserts), the length each type must have (what cluster.c's senders compute and its
 * receiver checks), and what a receiver refuses. BusCodecRedisTest checks the same against a
 * running redis-server.
 */
class BusCodecTest {
    private static final String SENDER = "0123456789abcdef0123456789abcdef01234567";
    private static final String MASTER = "fedcba9876543210fedcba9876543210fedcba98";
    private static final String OTHER = "aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd";

    private static BusMessage header(int type) {
        BusMessage m = new BusMessage(type);
        m.port = 7001;
        m.pport = 6379;
        m.cport = 17001;
        m.flags = BusMessage.NODE_SLAVE | BusMessage.NODE_MYSELF;
        m.currentEpoch = 0x0102030405060708L;
        m.configEpoch = 42;
        m.offset = 123456789012L;
        m.sender = SENDER;
        m.myslots = new byte[BusMessage.SLOT_BITMAP_LEN];
        BusMessage.setSlot(m.myslots, 0);
        BusMessage.setSlot(m.myslots, 9);
        BusMessage.setSlot(m.myslots, 16383);
        m.slaveof = MASTER;
        m.myip = "10.0.0.7";
        m.state = 1;
        m.mflags0 = BusMessage.MFLAG_PAUSED;
        return m;
    }

    private static BusMessage.Gossip gossip(int i) {
        return new BusMessage.Gossip(OTHER.substring(0, 39) + i, 1_700_000_000L + i, 4_000_000_000L, "192.168.1." + i,
                7000 + i, 17000 + i, BusMessage.NODE_MASTER | BusMessage.NODE_PFAIL, i);
    }

    private static byte[] encode(BusMessage m) {
        ByteBuf out = Unpooled.buffer();
        BusCodec.encode(m, out);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
    }

    private static BusMessage decode(byte[] bytes) {
        return BusCodec.decode(Unpooled.wrappedBuffer(bytes));
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    private static long u32(byte[] b, int at) {
        return ((long) u16(b, at) << 16) | u16(b, at + 2);
    }

    private static void putU16(byte[] b, int at, int v) {
        b[at] = (byte) (v >> 8);
        b[at + 1] = (byte) v;
    }

    private static void putU32(byte[] b, int at, long v) {
        putU16(b, at, (int) (v >>> 16));
        putU16(b, at + 2, (int) v);
    }

    private static String text(byte[] b, int at, int length) {
        return new String(b, at, length, StandardCharsets.ISO_8859_1);
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** The message decoded, with its header as sent, and encoding it again gives the same bytes. */
    private static BusMessage roundTrip(BusMessage m) {
        byte[] bytes = encode(m);
        assertEquals(bytes.length, u32(bytes, 4), "totlen");
        BusMessage back = decode(bytes);
        assertNotNull(back);
        assertEquals(m.type, back.type);
        assertEquals(1, back.ver);
        assertEquals(m.port, back.port);
        assertEquals(m.pport, back.pport);
        assertEquals(m.cport, back.cport);
        assertEquals(m.flags, back.flags);
        assertEquals(m.currentEpoch, back.currentEpoch);
        assertEquals(m.configEpoch, back.configEpoch);
        assertEquals(m.offset, back.offset);
        assertEquals(m.sender, back.sender);
        assertArrayEquals(m.myslots, back.myslots);
        assertEquals(m.slaveof, back.slaveof);
        assertEquals(m.myip, back.myip);
        assertEquals(m.state, back.state);
        assertArrayEquals(bytes, encode(back), "encoding the decoded message again");
        return back;
    }

    @Test
    void headerFieldsSitAtClusterMsgOffsets() {
        BusMessage m = header(BusMessage.PING);
        m.gossip = List.of(gossip(1));
        byte[] b = encode(m);
        assertEquals("RCmb", text(b, 0, 4));
        assertEquals(b.length, u32(b, 4));
        assertEquals(1, u16(b, 8));
        assertEquals(7001, u16(b, 10));
        assertEquals(BusMessage.PING, u16(b, 12));
        assertEquals(1, u16(b, 14), "count");
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, Arrays.copyOfRange(b, 16, 24), "currentEpoch");
        assertEquals(42, u32(b, 28));
        assertEquals(123456789012L, (u32(b, 32) << 32) | u32(b, 36));
        assertEquals(SENDER, text(b, 40, 40));
        assertEquals(1, b[80], "slot 0 is bit 0 of byte 0");
        assertEquals(2, b[81], "slot 9 is bit 1 of byte 1");
        assertEquals((byte) 0x80, b[80 + 2047], "slot 16383 is bit 7 of the last byte");
        assertEquals(MASTER, text(b, 2128, 40));
        assertEquals("10.0.0.7", text(b, 2168, 8));
        assertTrue(allZero(b, 2176, 2214), "myip NUL padded");
        assertEquals(0, u16(b, 2214), "no extensions");
        assertTrue(allZero(b, 2216, 2246), "reserved");
        assertEquals(6379, u16(b, 2246));
        assertEquals(17001, u16(b, 2248));
        assertEquals(0x42, b[2248] & 0xff);
        assertEquals(0x69, b[2249] & 0xff);
        assertEquals(BusMessage.NODE_SLAVE | BusMessage.NODE_MYSELF, u16(b, 2250));
        assertEquals(1, b[2252]);
        assertEquals(BusMessage.MFLAG_PAUSED, b[2253]);
        assertTrue(allZero(b, 2254, 2256), "mflags[1..2]");
        assertEquals(BusCodec.HEADER_LEN, 2256);
    }

    @Test
    void gossipEntryLayout() {
        BusMessage m = header(BusMessage.PONG);
        m.gossip = List.of(gossip(1), gossip(2));
        byte[] b = encode(m);
        assertEquals(2256 + 2 * 104, b.length);
        int g = 2256 + 104;
        assertEquals(OTHER.substring(0, 39) + 2, text(b, g, 40));
        assertEquals(1_700_000_002L, u32(b, g + 40));
        assertEquals(4_000_000_000L, u32(b, g + 44), "uint32 seconds past 2^31");
        assertEquals("192.168.1.2", text(b, g + 48, 11));
        assertTrue(allZero(b, g + 59, g + 94));
        assertEquals(7002, u16(b, g + 94));
        assertEquals(17002, u16(b, g + 96));
        assertEquals(BusMessage.NODE_MASTER | BusMessage.NODE_PFAIL, u16(b, g + 98));
        assertEquals(2, u16(b, g + 100));
        assertEquals(0, u16(b, g + 102));
    }

    @Test
    void lengthsAreRedisFormulas() {
        // sizeof(clusterMsg) - sizeof(union clusterMsgData) is the header, 2256.
        assertEquals(2256, encode(header(BusMessage.PING)).length);
        assertEquals(2256, encode(header(BusMessage.MEET)).length);
        assertEquals(2256 + 40, encode(header(BusMessage.FAIL)).length, "+ sizeof(clusterMsgDataFail)");
        BusMessage publish = header(BusMessage.PUBLISH);
        publish.channel = "chan".getBytes(StandardCharsets.US_ASCII);
        publish.message = "hello".getBytes(StandardCharsets.US_ASCII);
        assertEquals(2256 + 16 - 8 + 4 + 5, encode(publish).length, "+ sizeof(clusterMsgDataPublish) - 8 + lengths");
        publish.type = BusMessage.PUBLISHSHARD;
        assertEquals(2256 + 16 - 8 + 4 + 5, encode(publish).length);
        assertEquals(2256, encode(header(BusMessage.FAILOVER_AUTH_REQUEST)).length);
        assertEquals(2256, encode(header(BusMessage.FAILOVER_AUTH_ACK)).length);
        assertEquals(2256, encode(header(BusMessage.MFSTART)).length);
        assertEquals(2256 + 8 + 40 + 2048, encode(header(BusMessage.UPDATE)).length, "+ sizeof(clusterMsgDataUpdate)");
        assertEquals(4352, BusCodec.UPDATE_LEN, "the whole of sizeof(clusterMsg)");
        BusMessage module = header(BusMessage.MODULE);
        module.modulePayload = new byte[5];
        assertEquals(2256 + 16 - 3 + 5, encode(module).length, "+ sizeof(clusterMsgModule) - 3 + len");
        assertEquals(2256, encode(header(42)).length, "an unknown type is a header");
    }

    @Test
    void pingWithGossipAndHostname() {
        BusMessage m = header(BusMessage.PING);
        m.gossip = List.of(gossip(1), gossip(2), gossip(3));
        m.hostname = "node-a.example"; // 14 bytes, 15 with its NUL, padded to 16
        m.mflags0 = 0;
        byte[] b = encode(m);
        int extension = 8 + 16;
        assertEquals(2256 + 3 * 104 + extension, b.length);
        assertEquals(b.length, u32(b, 4));
        assertEquals(3, u16(b, 14));
        assertEquals(1, u16(b, 2214), "one extension");
        assertEquals(BusMessage.MFLAG_EXT_DATA, b[2253], "the flag announces it");
        int e = 2256 + 3 * 104;
        assertEquals(extension, u32(b, e), "length includes the extension's header");
        assertEquals(0, u16(b, e + 4), "type HOSTNAME");
        assertEquals(0, u16(b, e + 6));
        assertEquals("node-a.example", text(b, e + 8, 14));
        assertTrue(allZero(b, e + 22, e + 24), "NUL and padding");

        BusMessage back = roundTrip(m);
        assertEquals("node-a.example", back.hostname);
        assertEquals(3, back.gossip.size());
        for (int i = 0; i < 3; i++) {
            BusMessage.Gossip g = back.gossip.get(i);
            BusMessage.Gossip sent = gossip(i + 1);
            assertEquals(sent.nodename, g.nodename);
            assertEquals(sent.pingSent, g.pingSent);
            assertEquals(sent.pongReceived, g.pongReceived);
            assertEquals(sent.ip, g.ip);
            assertEquals(sent.port, g.port);
            assertEquals(sent.cport, g.cport);
            assertEquals(sent.flags, g.flags);
            assertEquals(sent.pport, g.pport);
        }
    }

    @Test
    void hostnameExtensionPadding() {
        assertEquals(0, BusCodec.hostnameExtensionLength(null));
        assertEquals(0, BusCodec.hostnameExtensionLength(""));
        assertEquals(8 + 8, BusCodec.hostnameExtensionLength("a"));
        assertEquals(8 + 8, BusCodec.hostnameExtensionLength("1234567"), "7 bytes and the NUL fill 8");
        assertEquals(8 + 16, BusCodec.hostnameExtensionLength("12345678"), "the NUL needs a further 8");
        for (String name : new String[] {"a", "1234567", "12345678", "x".repeat(255)}) {
            BusMessage m = header(BusMessage.PONG);
            m.hostname = name;
            byte[] b = encode(m);
            assertEquals(0, (b.length - 2256) % 8);
            assertEquals(name, roundTrip(m).hostname);
        }
    }

    @Test
    void noHostnameMeansNoExtensionAndNoFlag() {
        BusMessage m = header(BusMessage.MEET);
        m.mflags0 = BusMessage.MFLAG_EXT_DATA | BusMessage.MFLAG_PAUSED;
        m.hostname = "";
        byte[] b = encode(m);
        assertEquals(2256, b.length);
        assertEquals(0, u16(b, 2214));
        assertEquals(BusMessage.MFLAG_PAUSED, b[2253]);
        BusMessage back = decode(b);
        assertNull(back.hostname);
        assertTrue(back.gossip.isEmpty());
    }

    @Test
    void unknownExtensionsAreSkipped() {
        BusMessage m = header(BusMessage.PING);
        m.gossip = List.of(gossip(1));
        m.hostname = "host";
        byte[] plain = encode(m);
        int at = 2256 + 104;
        byte[] b = new byte[plain.length + 24];
        System.arraycopy(plain, 0, b, 0, at);
        putU32(b, at, 24);
        putU16(b, at + 4, 9);
        Arrays.fill(b, at + 8, at + 24, (byte) 'z');
        System.arraycopy(plain, at, b, at + 24, plain.length - at);
        putU32(b, 4, b.length);
        putU16(b, 2214, 2);
        BusMessage back = decode(b);
        assertNotNull(back);
        assertEquals("host", back.hostname);
        assertEquals(1, back.gossip.size());

        // Of two hostnames the receiver keeps the last.
        putU16(b, at + 4, 0);
        b[at + 8] = 'X';
        b[at + 9] = 0;
        assertEquals("host", decode(b).hostname);
        // And a hostname without a NUL ends with its extension.
        putU16(b, 2214, 1);
        putU32(b, 4, b.length - 16);
        assertEquals("X", decode(Arrays.copyOf(b, b.length - 16)).hostname);
        Arrays.fill(b, at + 8, at + 24, (byte) 'y');
        assertEquals("y".repeat(16), decode(Arrays.copyOf(b, b.length - 16)).hostname);
    }

    @Test
    void extensionsWithoutTheFlagAreNotRead() {
        BusMessage m = header(BusMessage.PING);
        m.hostname = "host";
        byte[] b = encode(m);
        b[2253] &= ~BusMessage.MFLAG_EXT_DATA;
        assertNull(decode(b), "the extension bytes make it longer than a ping without extensions");
        byte[] bare = encode(header(BusMessage.PING));
        putU16(bare, 2214, 3);
        BusMessage back = decode(bare);
        assertNotNull(back, "a count of extensions without the flag means nothing");
        assertNull(back.hostname);
    }

    @Test
    void everyTypeRoundTrips() {
        BusMessage fail = header(BusMessage.FAIL);
        fail.failNode = OTHER;
        assertEquals(OTHER, roundTrip(fail).failNode);

        for (int type : new int[] {BusMessage.PUBLISH, BusMessage.PUBLISHSHARD}) {
            BusMessage publish = header(type);
            publish.channel = "news".getBytes(StandardCharsets.US_ASCII);
            publish.message = new byte[] {0, 1, 2, (byte) 0xff, '\r', '\n'};
            BusMessage back = roundTrip(publish);
            assertArrayEquals(publish.channel, back.channel);
            assertArrayEquals(publish.message, back.message);
            publish.channel = null;
            publish.message = null;
            back = roundTrip(publish);
            assertEquals(0, back.channel.length);
            assertEquals(0, back.message.length);
        }

        BusMessage update = header(BusMessage.UPDATE);
        update.updateConfigEpoch = -2;
        update.updateNode = OTHER;
        update.updateSlots = new byte[BusMessage.SLOT_BITMAP_LEN];
        for (int s = 100; s < 200; s++) {
            BusMessage.setSlot(update.updateSlots, s);
        }
        BusMessage back = roundTrip(update);
        assertEquals(-2, back.updateConfigEpoch);
        assertEquals(OTHER, back.updateNode);
        assertArrayEquals(update.updateSlots, back.updateSlots);
        assertTrue(BusMessage.slotSet(back.updateSlots, 150));
        assertFalse(BusMessage.slotSet(back.updateSlots, 200));

        BusMessage module = header(BusMessage.MODULE);
        module.moduleId = 0x1122334455667788L;
        module.moduleType = 255;
        module.modulePayload = "payload".getBytes(StandardCharsets.US_ASCII);
        byte[] b = encode(module);
        assertEquals(0x88, b[2256] & 0xff, "the module id goes as a little-endian host holds it");
        assertEquals(7, u32(b, 2264));
        assertEquals(255, b[2268] & 0xff);
        assertEquals("payload", text(b, 2269, 7));
        back = roundTrip(module);
        assertEquals(0x1122334455667788L, back.moduleId);
        assertEquals(255, back.moduleType);
        assertArrayEquals(module.modulePayload, back.modulePayload);

        for (int type : new int[] {BusMessage.FAILOVER_AUTH_REQUEST, BusMessage.FAILOVER_AUTH_ACK, BusMessage.MFSTART}) {
            BusMessage m = header(type);
            m.mflags0 = BusMessage.MFLAG_FORCEACK;
            assertEquals(BusMessage.MFLAG_FORCEACK, roundTrip(m).mflags0);
        }

        for (int type : new int[] {BusMessage.PING, BusMessage.PONG, BusMessage.MEET}) {
            BusMessage m = header(type);
            m.gossip = List.of(gossip(7));
            assertEquals(1, roundTrip(m).gossip.size());
        }
    }

    @Test
    void nullAndShortFields() {
        BusMessage m = new BusMessage(BusMessage.PING);
        byte[] b = encode(m);
        assertEquals(2256, b.length);
        assertTrue(allZero(b, 16, 2214));
        BusMessage back = decode(b);
        assertNull(back.slaveof, "an all-zero master name is no master");
        assertNull(back.myip, "an all-zero address is none announced");
        assertEquals("\0".repeat(40), back.sender);
        assertEquals(2048, back.myslots.length);

        m.myip = "x".repeat(60);
        b = encode(m);
        assertEquals("x".repeat(45), decode(b).myip, "cut to leave room for the NUL");
        assertEquals(0, b[2168 + 45]);

        m.myip = "";
        assertNull(decode(encode(m)).myip);

        BusMessage tooLong = new BusMessage(BusMessage.FAIL);
        tooLong.failNode = OTHER + "0";
        assertThrows(IllegalArgumentException.class, () -> encode(tooLong));
        BusMessage badSlots = new BusMessage(BusMessage.PING);
        badSlots.myslots = new byte[10];
        assertThrows(IllegalArgumentException.class, () -> encode(badSlots));
    }

    @Test
    void addressReadsStopAtTheirNul() {
        byte[] b = encode(header(BusMessage.PING));
        b[2168 + 3] = 0; // "10." then garbage the receiver does not read
        b[2168 + 5] = 'q';
        assertEquals("10.", decode(b).myip);
        Arrays.fill(b, 2168, 2168 + 46, (byte) '7');
        assertEquals("7".repeat(45), decode(b).myip, "the receiver puts a NUL in the last byte");
    }

    @Test
    void unknownTypesAreHeaderOnlyAtAnyLength() {
        BusMessage m = header(77);
        byte[] plain = encode(m);
        byte[] b = Arrays.copyOf(plain, plain.length + 13);
        putU32(b, 4, b.length);
        BusMessage back = decode(b);
        assertNotNull(back);
        assertEquals(77, back.type);
        assertEquals(SENDER, back.sender);
        assertEquals(42, back.configEpoch);
    }

    @Test
    void wrongLengthsAreRefused() {
        BusMessage fail = header(BusMessage.FAIL);
        fail.failNode = OTHER;
        byte[] b = encode(fail);
        byte[] longer = Arrays.copyOf(b, b.length + 1);
        putU32(longer, 4, longer.length);
        assertNull(decode(longer), "a FAIL is exactly 2296 bytes");
        byte[] shorter = Arrays.copyOf(b, b.length - 1);
        putU32(shorter, 4, shorter.length);
        assertNull(decode(shorter));

        BusMessage ping = header(BusMessage.PING);
        ping.gossip = List.of(gossip(1), gossip(2), gossip(3));
        b = encode(ping);
        byte[] truncated = Arrays.copyOf(b, 2256 + 2 * 104);
        putU32(truncated, 4, truncated.length);
        assertNull(decode(truncated), "count says 3 entries, there are 2");
        putU16(truncated, 14, 2);
        assertNotNull(decode(truncated));

        for (int type : new int[] {BusMessage.FAILOVER_AUTH_REQUEST, BusMessage.MFSTART}) {
            byte[] h = Arrays.copyOf(encode(header(type)), 2256 + 8);
            putU32(h, 4, h.length);
            assertNull(decode(h));
        }
        byte[] update = encode(header(BusMessage.UPDATE));
        update = Arrays.copyOf(update, update.length - 8);
        putU32(update, 4, update.length);
        assertNull(decode(update));
    }

    @Test
    void publishAndModuleLengthsMustAddUp() {
        BusMessage publish = header(BusMessage.PUBLISH);
        publish.channel = "c".getBytes(StandardCharsets.US_ASCII);
        publish.message = "m".getBytes(StandardCharsets.US_ASCII);
        byte[] b = encode(publish);
        putU32(b, 2256, 2);
        assertNull(decode(b));
        putU32(b, 2256, 0);
        putU32(b, 2260, 2);
        assertNotNull(decode(b), "the same bytes split another way add up");
        putU32(b, 2256, 0xffffffffL);
        putU32(b, 2260, 2 - 0xffffffffL + 0x1_0000_0000L);
        assertNull(decode(b), "lengths that add up only modulo 2^32");
        byte[] bare = encode(header(BusMessage.PUBLISH));
        bare = Arrays.copyOf(bare, 2256);
        putU32(bare, 4, 2256);
        assertNull(decode(bare), "a PUBLISH without its lengths");

        BusMessage module = header(BusMessage.MODULE);
        module.modulePayload = new byte[3];
        b = encode(module);
        putU32(b, 2264, 4);
        assertNull(decode(b));
        bare = Arrays.copyOf(b, 2260);
        putU32(bare, 4, 2260);
        assertNull(decode(bare));
    }

    @Test
    void badExtensionsAreRefused() {
        BusMessage m = header(BusMessage.PONG);
        m.hostname = "abc";
        byte[] good = encode(m);
        assertNotNull(decode(good));
        int at = 2256;

        byte[] b = good.clone();
        putU32(b, at, 12);
        assertNull(decode(b), "not a multiple of 8");
        putU32(b, at, 24);
        assertNull(decode(b), "past the end");
        putU32(b, at, 0);
        assertNull(decode(b), "shorter than its own header");
        putU32(b, at, 0x1_0008L);
        assertNull(decode(b), "past the end, whatever its low 16 bits say");

        b = good.clone();
        putU16(b, 2214, 2);
        assertNull(decode(b), "a second extension that is not there");
        putU16(b, 2214, 0);
        assertNull(decode(b), "bytes after the announced extensions");
    }

    @Test
    void otherVersionsAndSignaturesAreRefused() {
        byte[] b = encode(header(BusMessage.PING));
        putU16(b, 8, 0);
        assertNull(decode(b), "version 0");
        putU16(b, 8, 2);
        assertNull(decode(b), "version 2");
        b = encode(header(BusMessage.PING));
        b[3] = 'B';
        assertNull(decode(b));
        b = encode(header(BusMessage.PING));
        putU32(b, 4, 2257);
        assertNull(decode(b), "totlen not the frame's length");
        assertNull(decode(Arrays.copyOf(b, 2000)));
        assertNull(decode(new byte[0]));
    }

    @Test
    void decodeLeavesTheReaderIndexAndReadsOnlyTheReadableBytes() {
        byte[] b = encode(header(BusMessage.MFSTART));
        ByteBuf buf = Unpooled.buffer(b.length + 20);
        buf.writeZero(10);
        buf.writeBytes(b);
        buf.readerIndex(10);
        assertNotNull(BusCodec.decode(buf));
        assertEquals(10, buf.readerIndex());
        buf.writeByte(0);
        assertNull(BusCodec.decode(buf), "one byte more than totlen");
    }

    @Test
    void frameLengths() {
        byte[] b = encode(header(BusMessage.FAIL));
        ByteBuf buf = Unpooled.wrappedBuffer(Arrays.copyOf(b, 7));
        assertEquals(BusCodec.NEED_MORE, BusCodec.frameLength(buf));
        buf = Unpooled.wrappedBuffer(Arrays.copyOf(b, 8));
        assertEquals(2296, BusCodec.frameLength(buf));
        assertEquals(0, buf.readerIndex());

        byte[] bad = Arrays.copyOf(b, 8);
        bad[0] = 'X';
        assertEquals(BusCodec.BAD_STREAM, BusCodec.frameLength(Unpooled.wrappedBuffer(bad)));
        bad = Arrays.copyOf(b, 8);
        putU32(bad, 4, 2255);
        assertEquals(BusCodec.BAD_STREAM, BusCodec.frameLength(Unpooled.wrappedBuffer(bad)), "shorter than a header");
        putU32(bad, 4, 2256);
        assertEquals(2256, BusCodec.frameLength(Unpooled.wrappedBuffer(bad)));
        putU32(bad, 4, 0xffffffffL);
        assertEquals(BusCodec.BAD_STREAM, BusCodec.frameLength(Unpooled.wrappedBuffer(bad)));

        ByteBuf two = Unpooled.buffer();
        two.writeBytes(b);
        BusCodec.encode(header(BusMessage.MFSTART), two);
        int first = BusCodec.frameLength(two);
        ByteBuf frame = two.readSlice(first);
        assertEquals(BusMessage.FAIL, BusCodec.decode(frame).type);
        assertEquals(2256, BusCodec.frameLength(two));
        assertEquals(BusMessage.MFSTART, BusCodec.decode(two).type);
    }

    @Test
    void slotBitmapHelpers() {
        byte[] bitmap = new byte[BusMessage.SLOT_BITMAP_LEN];
        BusMessage.setSlot(bitmap, 12345);
        assertEquals(1 << (12345 & 7), bitmap[12345 >> 3]);
        assertTrue(BusMessage.slotSet(bitmap, 12345));
        assertFalse(BusMessage.slotSet(bitmap, 12344));
        BusMessage.setSlot(bitmap, 7);
        assertEquals((byte) 0x80, bitmap[0]);
        BusMessage.clearSlot(bitmap, 12345);
        assertFalse(BusMessage.slotSet(bitmap, 12345));
        assertTrue(BusMessage.slotSet(bitmap, 7));
    }

    /** Random bytes, and valid messages with random damage: decode answers or refuses, never throws. */
    @Test
    void anyBytesDecodeWithoutThrowing() {
        Random rnd = new Random(20240607);
        List<byte[]> valid = new ArrayList<>();
        for (int type = 0; type < BusMessage.TYPE_COUNT + 1; type++) {
            BusMessage m = header(type);
            m.gossip = List.of(gossip(1), gossip(2));
            m.hostname = "h.example";
            m.failNode = OTHER;
            m.channel = "ch".getBytes(StandardCharsets.US_ASCII);
            m.message = "msg".getBytes(StandardCharsets.US_ASCII);
            m.updateNode = OTHER;
            m.modulePayload = new byte[9];
            valid.add(encode(m));
        }
        int decoded = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] b;
            if (round % 4 == 0) {
                b = new byte[rnd.nextInt(3000)];
                rnd.nextBytes(b);
                if (b.length >= 14 && rnd.nextBoolean()) {
                    b[0] = 'R';
                    b[1] = 'C';
                    b[2] = 'm';
                    b[3] = 'b';
                    putU32(b, 4, b.length);
                    putU16(b, 8, 1);
                    putU16(b, 12, rnd.nextInt(12));
                }
            } else {
                byte[] base = valid.get(rnd.nextInt(valid.size()));
                b = Arrays.copyOf(base, Math.max(0, base.length + rnd.nextInt(41) - 20));
                for (int edits = rnd.nextInt(6); edits > 0 && b.length > 0; edits--) {
                    int at = rnd.nextInt(b.length);
                    // Aim most damage at the fields the checks read.
                    if (rnd.nextBoolean() && b.length > 2260) {
                        int[] hot = {4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 2214, 2215, 2253, 2256, 2257, 2258, 2259, 2260,
                            2263, 2264, 2267, b.length - 1};
                        at = Math.min(hot[rnd.nextInt(hot.length)], b.length - 1);
                    }
                    b[at] = (byte) rnd.nextInt(256);
                }
                if (b.length >= 8 && rnd.nextInt(3) > 0) {
                    putU32(b, 4, b.length);
                }
            }
            ByteBuf buf = Unpooled.wrappedBuffer(b);
            BusCodec.frameLength(buf);
            BusMessage m = BusCodec.decode(buf);
            if (m != null) {
                decoded++;
                assertEquals(b.length, u32(b, 4));
            }
        }
        assertTrue(decoded > 1000, "the damage leaves many messages valid: " + decoded);
    }
}
