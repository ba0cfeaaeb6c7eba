package dev.cinnabar.protocol.cluster;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster bus's wire format, byte for byte as Redis 7.0.15 writes and checks it.
 *
 * <p>A message is a fixed header of {@link #HEADER_LEN} bytes and a body whose size depends on
 * the type; integers are big-endian, except a MODULE message's module id, which Redis copies as
 * its host holds it (written here little-endian, as x86 and ARM hosts send it). The header's {@code totlen}
 * is the length of the whole message, and a receiver checks it against the exact length the
 * type implies before it trusts anything in the body: {@link #decode} does the same and gives
 * null for a message Redis would drop.
 */
public final class BusCodec {
    /** Bytes of the header, which is also the shortest message a receiver reads. */
    public static final int HEADER_LEN = 2256;
    /** Bytes needed before a message's length is known: signature and {@code totlen}. */
    public static final int MIN_READ = 8;
    public static final int GOSSIP_LEN = 104;
    public static final int FAIL_LEN = HEADER_LEN + BusMessage.NAME_LEN;
    public static final int UPDATE_LEN = HEADER_LEN + 8 + BusMessage.NAME_LEN + BusMessage.SLOT_BITMAP_LEN;
    /** The header-only types: FAILOVER_AUTH_REQUEST, FAILOVER_AUTH_ACK, MFSTART. */
    public static final int HEADER_ONLY_LEN = HEADER_LEN;
    /** A PUBLISH's length without its channel and message: the two lengths. */
    public static final int PUBLISH_FIXED_LEN = HEADER_LEN + 8;
    /** A MODULE message's length without its payload: module id, payload length, type. */
    public static final int MODULE_FIXED_LEN = HEADER_LEN + 13;

    /** {@link #frameLength}: not enough bytes yet. */
    public static final int NEED_MORE = -1;
    /** {@link #frameLength}: not a bus stream; Redis closes the link. */
    public static final int BAD_STREAM = -2;

    private static final int SIGNATURE = ('R' << 24) | ('C' << 16) | ('m' << 8) | 'b';
    private static final int EXTENSION_HEADER_LEN = 8;
    private static final int EXTENSION_HOSTNAME = 0;

    private static final int OFF_TOTLEN = 4;
    private static final int OFF_VER = 8;
    private static final int OFF_PORT = 10;
    private static final int OFF_TYPE = 12;
    private static final int OFF_COUNT = 14;
    private static final int OFF_CURRENT_EPOCH = 16;
    private static final int OFF_CONFIG_EPOCH = 24;
    private static final int OFF_OFFSET = 32;
    private static final int OFF_SENDER = 40;
    private static final int OFF_MYSLOTS = 80;
    private static final int OFF_SLAVEOF = 2128;
    private static final int OFF_MYIP = 2168;
    private static final int OFF_EXTENSIONS = 2214;
    private static final int RESERVED_LEN = 30;
    private static final int OFF_PPORT = 2246;
    private static final int OFF_CPORT = 2248;
    private static final int OFF_FLAGS = 2250;
    private static final int OFF_STATE = 2252;
    private static final int OFF_MFLAGS = 2253;

    private BusCodec() {
    }

    /**
     * Bytes the hostname extension takes: its 8-byte header and the name with its NUL, padded to
     * a multiple of 8 so that whatever follows stays aligned; 0 for no hostname, which Redis
     * does not send at all.
     */
    public static int hostnameExtensionLength(String hostname) {
        if (hostname == null || hostname.isEmpty()) {
            return 0;
        }
        return EXTENSION_HEADER_LEN + ((hostname.length() + 1 + 7) & ~7);
    }

    /** The {@code totlen} of {@code m}: the bytes {@link #encode} writes. */
    public static int encodedLength(BusMessage m) {
        long length = switch (m.type) {
            case BusMessage.PING, BusMessage.PONG, BusMessage.MEET ->
                    HEADER_LEN + (long) GOSSIP_LEN * gossipCount(m) + hostnameExtensionLength(m.hostname);
            case BusMessage.FAIL -> FAIL_LEN;
            case BusMessage.PUBLISH, BusMessage.PUBLISHSHARD ->
                    PUBLISH_FIXED_LEN + (long) lengthOf(m.channel) + lengthOf(m.message);
            case BusMessage.UPDATE -> UPDATE_LEN;
            case BusMessage.MODULE -> MODULE_FIXED_LEN + (long) lengthOf(m.modulePayload);
            default -> HEADER_LEN;
        };
        if (length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bus message too long: " + length + " bytes");
        }
        return (int) length;
    }

    /**
     * Appends {@code m} to {@code out}. Fields the type does not use are not written; fixed-size
     * strings are NUL padded and an address is cut to 45 bytes, as Redis copies
     * cluster-announce-ip. Throws IllegalArgumentException for a field that cannot fit (a name
     * over 40 bytes, a bitmap not 2048 bytes, more than 65535 gossip entries).
     */
    public static void encode(BusMessage m, ByteBuf out) {
        int totlen = encodedLength(m);
        boolean pingType = BusMessage.isPingType(m.type);
        int gossipCount = pingType ? gossipCount(m) : 0;
        int extensionLength = pingType ? hostnameExtensionLength(m.hostname) : 0;
        int mflags0 = m.mflags0 & 0xff;
        if (pingType) {
            // The flag tells the receiver to walk the extensions; it is set exactly when one is sent.
            mflags0 = extensionLength > 0 ? mflags0 | BusMessage.MFLAG_EXT_DATA : mflags0 & ~BusMessage.MFLAG_EXT_DATA;
        }
        out.ensureWritable(totlen);
        int start = out.writerIndex();

        out.writeInt(SIGNATURE);
        out.writeInt(totlen);
        out.writeShort(m.ver);
        out.writeShort(m.port);
        out.writeShort(m.type);
        out.writeShort(gossipCount);
        out.writeLong(m.currentEpoch);
        out.writeLong(m.configEpoch);
        out.writeLong(m.offset);
        writeName(out, m.sender);
        writeBitmap(out, m.myslots);
        writeName(out, m.slaveof);
        writeIp(out, m.myip);
        out.writeShort(extensionLength > 0 ? 1 : 0);
        out.writeZero(RESERVED_LEN);
        out.writeShort(m.pport);
        out.writeShort(m.cport);
        out.writeShort(m.flags);
        out.writeByte(m.state);
        out.writeByte(mflags0);
        out.writeZero(2);

        switch (m.type) {
            case BusMessage.PING, BusMessage.PONG, BusMessage.MEET -> {
                for (int i = 0; i < gossipCount; i++) {
                    writeGossip(out, m.gossip.get(i));
                }
                if (extensionLength > 0) {
                    writeHostnameExtension(out, m.hostname, extensionLength);
                }
            }
            case BusMessage.FAIL -> writeName(out, m.failNode);
            case BusMessage.PUBLISH, BusMessage.PUBLISHSHARD -> {
                out.writeInt(lengthOf(m.channel));
                out.writeInt(lengthOf(m.message));
                if (m.channel != null) {
                    out.writeBytes(m.channel);
                }
                if (m.message != null) {
                    out.writeBytes(m.message);
                }
            }
            case BusMessage.UPDATE -> {
                out.writeLong(m.updateConfigEpoch);
                writeName(out, m.updateNode);
                writeBitmap(out, m.updateSlots);
            }
            case BusMessage.MODULE -> {
                // Redis copies the id in host order, without conversion: little-endian on x86 and
                // ARM hosts. A receiver only compares it with the ids of its own modules.
                out.writeLongLE(m.moduleId);
                out.writeInt(lengthOf(m.modulePayload));
                out.writeByte(m.moduleType);
                if (m.modulePayload != null) {
                    out.writeBytes(m.modulePayload);
                }
            }
            default -> {
            }
        }
        assert out.writerIndex() - start == totlen;
    }

    /**
     * The length of the message starting at {@code in}'s reader index, for a frame decoder:
     * {@link #NEED_MORE} before 8 bytes are there, {@link #BAD_STREAM} when the signature is not
     * "RCmb" or the length is shorter than a header (Redis closes the link then, since it can no
     * longer tell where messages start), else {@code totlen}. A length past 2 GB is a bad stream
     * too, where Redis would try to buffer it. Does not move the reader index.
     */
    public static int frameLength(ByteBuf in) {
        if (in.readableBytes() < MIN_READ) {
            return NEED_MORE;
        }
        int start = in.readerIndex();
        if (in.getInt(start) != SIGNATURE) {
            return BAD_STREAM;
        }
        long totlen = in.getUnsignedInt(start + OFF_TOTLEN);
        if (totlen < HEADER_LEN || totlen > Integer.MAX_VALUE) {
            return BAD_STREAM;
        }
        return (int) totlen;
    }

    /**
     * The message that {@code frame}'s readable bytes hold, or null when Redis would not process
     * it: shorter than a header, a bad signature, {@code totlen} not the frame's length, a
     * protocol version other than 1, a length other than the one its type implies, a ping's
     * extension not a multiple of 8 bytes or running past the end. A receiver ignores such a
     * message and keeps the link. A type Redis does not know is taken at whatever length, with
     * its header only (the receiver still learns the sender's epochs and offset from it). Never
     * throws for any bytes, and does not move the reader index.
     */
    public static BusMessage decode(ByteBuf frame) {
        int readable = frame.readableBytes();
        if (readable < HEADER_LEN) {
            return null;
        }
        int base = frame.readerIndex();
        if (frame.getInt(base) != SIGNATURE || frame.getUnsignedInt(base + OFF_TOTLEN) != readable) {
            return null;
        }
        int totlen = readable;
        int ver = frame.getUnsignedShort(base + OFF_VER);
        if (ver != BusMessage.PROTOCOL_VERSION) {
            return null;
        }
        int type = frame.getUnsignedShort(base + OFF_TYPE);
        int mflags0 = frame.getUnsignedByte(base + OFF_MFLAGS);

        // The body is read only once its length is right, so no read below leaves the frame
        // (Redis reads the lengths of a short PUBLISH or MODULE past its end; here such a
        // message is simply the wrong length).
        int hostnameStart = -1;
        int hostnameEnd = -1;
        int count = 0;
        long expected;
        switch (type) {
            case BusMessage.PING, BusMessage.PONG, BusMessage.MEET -> {
                count = frame.getUnsignedShort(base + OFF_COUNT);
                expected = HEADER_LEN + (long) GOSSIP_LEN * count;
                // Without the flag a receiver takes no extensions, whatever the count says.
                if ((mflags0 & BusMessage.MFLAG_EXT_DATA) != 0 && expected <= totlen) {
                    int extensions = frame.getUnsignedShort(base + OFF_EXTENSIONS);
                    int at = (int) expected;
                    for (int i = 0; i < extensions; i++) {
                        if (totlen - at < EXTENSION_HEADER_LEN) {
                            return null;
                        }
                        long length = frame.getUnsignedInt(base + at);
                        // Lengths keep the extensions 8-byte aligned and include their own header.
                        if (length % 8 != 0 || length < EXTENSION_HEADER_LEN || length > totlen - at) {
                            return null;
                        }
                        if (frame.getUnsignedShort(base + at + 4) == EXTENSION_HOSTNAME) {
                            // A later hostname replaces an earlier one, as the receiver keeps the last.
                            hostnameStart = at + EXTENSION_HEADER_LEN;
                            hostnameEnd = at + (int) length;
                        }
                        // Other types are skipped: a newer sender may know more of them.
                        at += (int) length;
                    }
                    expected = at;
                }
            }
            case BusMessage.FAIL -> expected = FAIL_LEN;
            case BusMessage.PUBLISH, BusMessage.PUBLISHSHARD -> expected = totlen < PUBLISH_FIXED_LEN ? -1
                    : PUBLISH_FIXED_LEN + frame.getUnsignedInt(base + HEADER_LEN) + frame.getUnsignedInt(base + HEADER_LEN + 4);
            case BusMessage.FAILOVER_AUTH_REQUEST, BusMessage.FAILOVER_AUTH_ACK, BusMessage.MFSTART ->
                    expected = HEADER_ONLY_LEN;
            case BusMessage.UPDATE -> expected = UPDATE_LEN;
            case BusMessage.MODULE -> expected = totlen < MODULE_FIXED_LEN ? -1
                    : MODULE_FIXED_LEN + frame.getUnsignedInt(base + HEADER_LEN + 8);
            default -> expected = totlen;
        }
        if (expected != totlen) {
            return null;
        }

        BusMessage m = new BusMessage(type);
        m.ver = ver;
        m.port = frame.getUnsignedShort(base + OFF_PORT);
        m.currentEpoch = frame.getLong(base + OFF_CURRENT_EPOCH);
        m.configEpoch = frame.getLong(base + OFF_CONFIG_EPOCH);
        m.offset = frame.getLong(base + OFF_OFFSET);
        m.sender = readName(frame, base + OFF_SENDER);
        m.myslots = readBytes(frame, base + OFF_MYSLOTS, BusMessage.SLOT_BITMAP_LEN);
        m.slaveof = isZero(frame, base + OFF_SLAVEOF, BusMessage.NAME_LEN) ? null : readName(frame, base + OFF_SLAVEOF);
        // An address is announced when its first byte is set; the receiver forces a NUL at its end.
        m.myip = frame.getByte(base + OFF_MYIP) == 0 ? null
                : readCString(frame, base + OFF_MYIP, BusMessage.IP_FIELD_LEN - 1);
        m.pport = frame.getUnsignedShort(base + OFF_PPORT);
        m.cport = frame.getUnsignedShort(base + OFF_CPORT);
        m.flags = frame.getUnsignedShort(base + OFF_FLAGS);
        m.state = frame.getUnsignedByte(base + OFF_STATE);
        m.mflags0 = mflags0;

        int body = base + HEADER_LEN;
        switch (type) {
            case BusMessage.PING, BusMessage.PONG, BusMessage.MEET -> {
                List<BusMessage.Gossip> gossip = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    gossip.add(readGossip(frame, body + i * GOSSIP_LEN));
                }
                m.gossip = gossip;
                if (hostnameStart >= 0) {
                    m.hostname = readCString(frame, base + hostnameStart, hostnameEnd - hostnameStart);
                }
            }
            case BusMessage.FAIL -> m.failNode = readName(frame, body);
            case BusMessage.PUBLISH, BusMessage.PUBLISHSHARD -> {
                int channelLength = frame.getInt(body);
                int messageLength = frame.getInt(body + 4);
                m.channel = readBytes(frame, body + 8, channelLength);
                m.message = readBytes(frame, body + 8 + channelLength, messageLength);
            }
            case BusMessage.UPDATE -> {
                m.updateConfigEpoch = frame.getLong(body);
                m.updateNode = readName(frame, body + 8);
                m.updateSlots = readBytes(frame, body + 8 + BusMessage.NAME_LEN, BusMessage.SLOT_BITMAP_LEN);
            }
            case BusMessage.MODULE -> {
                m.moduleId = frame.getLongLE(body);
                m.moduleType = frame.getUnsignedByte(body + 12);
                m.modulePayload = readBytes(frame, body + 13, frame.getInt(body + 8));
            }
            default -> {
            }
        }
        return m;
    }

    private static int gossipCount(BusMessage m) {
        int count = m.gossip == null ? 0 : m.gossip.size();
        if (count > 0xffff) {
            throw new IllegalArgumentException("more gossip entries than a message can count: " + count);
        }
        return count;
    }

    private static int lengthOf(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static void writeGossip(ByteBuf out, BusMessage.Gossip g) {
        writeName(out, g.nodename);
        out.writeInt((int) g.pingSent);
        out.writeInt((int) g.pongReceived);
        writeIp(out, g.ip);
        out.writeShort(g.port);
        out.writeShort(g.cport);
        out.writeShort(g.flags);
        out.writeShort(g.pport);
        out.writeShort(0);
    }

    private static BusMessage.Gossip readGossip(ByteBuf in, int at) {
        BusMessage.Gossip g = new BusMessage.Gossip();
        g.nodename = readName(in, at);
        g.pingSent = in.getUnsignedInt(at + 40);
        g.pongReceived = in.getUnsignedInt(at + 44);
        g.ip = readCString(in, at + 48, BusMessage.IP_FIELD_LEN);
        g.port = in.getUnsignedShort(at + 94);
        g.cport = in.getUnsignedShort(at + 96);
        g.flags = in.getUnsignedShort(at + 98);
        g.pport = in.getUnsignedShort(at + 100);
        return g;
    }

    private static void writeHostnameExtension(ByteBuf out, String hostname, int length) {
        out.writeInt(length);
        out.writeShort(EXTENSION_HOSTNAME);
        out.writeShort(0);
        writeLatin1(out, hostname, hostname.length());
        out.writeZero(length - EXTENSION_HEADER_LEN - hostname.length());
    }

    /** A node name: up to 40 bytes, NUL padded (a null name is all zeros, "no node"). */
    private static void writeName(ByteBuf out, String name) {
        int length = name == null ? 0 : name.length();
        if (length > BusMessage.NAME_LEN) {
            throw new IllegalArgumentException("node name longer than 40 bytes: " + name);
        }
        writeLatin1(out, name, length);
        out.writeZero(BusMessage.NAME_LEN - length);
    }

    /** An address field keeps room for its NUL: a longer text is cut, as Redis's strncpy does. */
    private static void writeIp(ByteBuf out, String ip) {
        int length = ip == null ? 0 : Math.min(ip.length(), BusMessage.IP_FIELD_LEN - 1);
        writeLatin1(out, ip, length);
        out.writeZero(BusMessage.IP_FIELD_LEN - length);
    }

    private static void writeBitmap(ByteBuf out, byte[] bitmap) {
        if (bitmap == null) {
            out.writeZero(BusMessage.SLOT_BITMAP_LEN);
        } else if (bitmap.length != BusMessage.SLOT_BITMAP_LEN) {
            throw new IllegalArgumentException("slot bitmap of " + bitmap.length + " bytes, not 2048");
        } else {
            out.writeBytes(bitmap);
        }
    }

    private static void writeLatin1(ByteBuf out, String s, int length) {
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c > 0xff) {
                throw new IllegalArgumentException("not a one-byte character in " + s);
            }
            out.writeByte(c);
        }
    }

    private static String readName(ByteBuf in, int at) {
        return in.toString(at, BusMessage.NAME_LEN, StandardCharsets.ISO_8859_1);
    }

    /** The text before the first NUL, or the whole field when it has none. */
    private static String readCString(ByteBuf in, int at, int fieldLength) {
        int nul = in.indexOf(at, at + fieldLength, (byte) 0);
        int length = nul < 0 ? fieldLength : nul - at;
        return in.toString(at, length, StandardCharsets.ISO_8859_1);
    }

    private static byte[] readBytes(ByteBuf in, int at, int length) {
        byte[] bytes = new byte[length];
        in.getBytes(at, bytes);
        return bytes;
    }

    private static boolean isZero(ByteBuf in, int at, int length) {
        for (int i = 0; i < length; i++) {
            if (in.getByte(at + i) != 0) {
                return false;
            }
        }
        return true;
    }
}
