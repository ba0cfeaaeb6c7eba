package dev.cinnabar.it.support;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw memcached connection for the meta and binary ITs: text exchanges end with {@code mn}
 * (read up to its {@code MN}), binary ones with a NOOP of a marker opaque (read up to its reply),
 * so no exchange waits on a timeout. Also starts a real memcached for side-by-side checks.
 */
public final class MemcachedWire implements Closeable {
    private static final int MARKER = 0x7e57ab1e;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    public MemcachedWire(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Waits until something accepts connections on {@code port} (a listener bound after the RESP one). */
    public static void awaitPort(int port) throws IOException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException(ie);
                }
            }
        }
    }

    /** Starts {@code memcached -p <free> -U 0 -t 1} (as root it needs {@code -u root}). */
    public static ServerProcess memcached(String... extra) throws IOException {
        int port = ServerProcess.freePort();
        List<String> cmd = new ArrayList<>(List.of("memcached", "-p", Integer.toString(port), "-U", "0", "-t", "1",
                "-l", "127.0.0.1"));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.add("-u");
            cmd.add("root");
        }
        cmd.addAll(List.of(extra));
        return ServerProcess.start("memcached", cmd, port);
    }

    /** Sends text, then {@code mn}; returns everything replied before the {@code MN}. */
    public String text(String request) throws IOException {
        out.write((request + "mn\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        byte[] all = readUntil("MN\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return new String(all, 0, all.length - 4, StandardCharsets.ISO_8859_1);
    }

    /** Sends raw bytes and reads whatever arrives within {@code millis} (or until the peer closes). */
    public byte[] raw(byte[] request, int millis) throws IOException {
        out.write(request);
        out.flush();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        socket.setSoTimeout(millis);
        try {
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                got.write(buf, 0, n);
            }
            got.write("<EOF>".getBytes(StandardCharsets.ISO_8859_1));
        } catch (SocketTimeoutException e) {
            // quiet: done
        } finally {
            socket.setSoTimeout(10_000);
        }
        return got.toByteArray();
    }

    /** Sends frames, then a NOOP with a marker opaque; returns the reply frames before its reply. */
    public byte[] binary(byte[] frames) throws IOException {
        byte[] noop = frame(0x0a, new byte[0], new byte[0], new byte[0], MARKER, 0);
        out.write(frames);
        out.write(noop);
        out.flush();
        byte[] expect = {(byte) 0x81, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            (byte) (MARKER >>> 24), (byte) (MARKER >>> 16), (byte) (MARKER >>> 8), (byte) MARKER, 0, 0, 0, 0, 0, 0, 0, 0};
        byte[] all = readUntil(expect);
        byte[] r = new byte[all.length - 24];
        System.arraycopy(all, 0, r, 0, r.length);
        return r;
    }

    private byte[] readUntil(byte[] end) throws IOException {
        byte[] buf = new byte[65536];
        while (true) {
            byte[] sofar = pending.toByteArray();
            int at = indexOf(sofar, end);
            if (at >= 0) {
                pending.reset();
                pending.write(sofar, at + end.length, sofar.length - at - end.length);
                byte[] r = new byte[at + end.length];
                System.arraycopy(sofar, 0, r, 0, r.length);
                return r;
            }
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("connection closed; got " + new String(sofar, StandardCharsets.ISO_8859_1));
            }
            pending.write(buf, 0, n);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    // ---- binary frames

    public static byte[] frame(int opcode, byte[] key, byte[] extras, byte[] value, int opaque, long cas) {
        ByteBuffer b = ByteBuffer.allocate(24 + extras.length + key.length + value.length);
        b.put((byte) 0x80).put((byte) opcode).putShort((short) key.length).put((byte) extras.length).put((byte) 0)
                .putShort((short) 0).putInt(key.length + extras.length + value.length).putInt(opaque).putLong(cas);
        b.put(extras).put(key).put(value);
        return b.array();
    }

    /** Reply frames as readable lines: magic, opcode, status, key length, extras length, opaque, CAS, body. */
    public static String frames(byte[] out) {
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
            byte[] body = new byte[Math.min(bl, b.remaining())];
            b.get(body);
            sb.append(String.format("%02x %02x %02x k%d e%d o%d c%d ", magic, op, status, kl, el, opaque, cas));
            for (byte x : body) {
                sb.append(x >= 0x20 && x < 0x7f ? String.valueOf((char) x) : String.format("\\x%02x", x & 0xff));
            }
            sb.append('\n');
        }
        if (b.remaining() > 0) {
            sb.append(new String(out, b.position(), b.remaining(), StandardCharsets.ISO_8859_1));
        }
        return sb.toString();
    }
}
