package dev.cinnabar.server.memcached;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.testing.EngineHarness;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** A memcached connection on an {@link EngineHarness}: bytes in, the reply bytes out. */
final class MemcachedTestConnection {
    final EngineHarness h;
    final Client client;
    final MemcachedSession session;

    MemcachedTestConnection(EngineHarness h) {
        this.h = h;
        this.client = h.newClient();
        this.session = new MemcachedSession(client);
        client.memcached = session;
        client.reply.buffer(io.netty.buffer.Unpooled.buffer());
    }

    /** Feeds the bytes, runs every complete request, returns the replies. */
    byte[] send(byte[] request) {
        session.feed(request, 0, request.length);
        while (!client.isClosing() && session.next() == MemcachedSession.DONE) {
            // next request
        }
        ByteBuf out = client.reply.buffer();
        if (out == null) {
            return new byte[0];
        }
        byte[] b = new byte[out.readableBytes()];
        out.readBytes(b);
        out.clear();
        return b;
    }

    String sendText(String request) {
        return new String(send(request.getBytes(StandardCharsets.ISO_8859_1)), StandardCharsets.ISO_8859_1);
    }

    // ---- binary frames

    static byte[] frame(int opcode, byte[] key, byte[] extras, byte[] value, int opaque, long cas) {
        return frame(0x80, opcode, key, extras, value, opaque, cas, key.length + extras.length + value.length);
    }

    static byte[] frame(int magic, int opcode, byte[] key, byte[] extras, byte[] value, int opaque, long cas, long bodylen) {
        ByteBuffer b = ByteBuffer.allocate(24 + extras.length + key.length + value.length);
        b.put((byte) magic).put((byte) opcode).putShort((short) key.length).put((byte) extras.length).put((byte) 0)
                .putShort((short) 0).putInt((int) bodylen).putInt(opaque).putLong(cas);
        b.put(extras).put(key).put(value);
        return b.array();
    }

    static byte[] frame(int opcode, String key) {
        return frame(opcode, bytes(key), new byte[0], new byte[0], 0, 0);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    /** Renders reply frames as "opcode status keylen extlen cas key|body" lines, for assertions. */
    static String frames(byte[] out) {
        StringBuilder sb = new StringBuilder();
        ByteBuffer b = ByteBuffer.wrap(out);
        while (b.remaining() >= 24) {
            int magic = b.get() & 0xff;
            int op = b.get() & 0xff;
            int kl = b.getShort() & 0xffff;
            int el = b.get() & 0xff;
            b.get();
            int status = b.getShort() & 0xffff;
            int bl = b.getInt();
            int opaque = b.getInt();
            long cas = b.getLong();
            byte[] body = new byte[bl];
            b.get(body);
            sb.append(String.format("%02x %02x %02x k%d e%d o%d c%d ", magic, op, status, kl, el, opaque, cas));
            for (byte x : body) {
                if (x >= 0x20 && x < 0x7f) {
                    sb.append((char) x);
                } else {
                    sb.append(String.format("\\x%02x", x & 0xff));
                }
            }
            sb.append('\n');
        }
        if (b.remaining() > 0) {
            sb.append("+").append(b.remaining()).append(" bytes\n");
        }
        return sb.toString();
    }
}
