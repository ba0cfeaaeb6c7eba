package dev.cinnabar.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One request written in a single write on a fresh connection, and everything the server sends
 * back until it closes the connection or stays quiet. For protocol-level tests, where what
 * matters is the exact bytes and whether the server hung up.
 */
public final class RawExchange {
    /** Everything received, as Latin-1 text so every byte survives. */
    public final String reply;
    /** The server closed the connection (EOF or reset) within the wait. */
    public final boolean closed;

    private RawExchange(String reply, boolean closed) {
        this.reply = reply;
        this.closed = closed;
    }

    /**
     * Sends {@code request} and reads until the server closes, or until {@code quietMillis}
     * pass without a byte (then {@link #closed} is false).
     */
    public static RawExchange send(int port, byte[] request, int quietMillis) throws IOException {
        try (Socket s = open(port, request)) {
            return readUntilClose(s, quietMillis);
        }
    }

    public static RawExchange send(int port, String latin1, int quietMillis) throws IOException {
        return send(port, latin1.getBytes(StandardCharsets.ISO_8859_1), quietMillis);
    }

    /**
     * The same request to two servers, each read as {@link #send} reads. Silence is how an
     * exchange with a server that waits for more input ends, but a loaded machine can also hold
     * a reply back past it: while the two exchanges differ, the connections still open are read
     * on for up to 10 s, so that only a difference that lasts shows. Returns the first server's
     * exchange, then the second's.
     */
    public static RawExchange[] sendBoth(int firstPort, int secondPort, String latin1, int quietMillis) throws IOException {
        byte[] request = latin1.getBytes(StandardCharsets.ISO_8859_1);
        try (Socket a = open(firstPort, request); Socket b = open(secondPort, request)) {
            return readBoth(a, b, quietMillis);
        }
    }

    /** Reads two connections given the same input as {@link #sendBoth} does. */
    public static RawExchange[] readBoth(Socket a, Socket b, int quietMillis) throws IOException {
        Reader ra = new Reader(a);
        Reader rb = new Reader(b);
        ra.readFor(quietMillis);
        rb.readFor(quietMillis);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!ra.result().same(rb.result()) && System.nanoTime() < deadline) {
            ra.readFor(100);
            rb.readFor(100);
        }
        return new RawExchange[] {ra.result(), rb.result()};
    }

    private static Socket open(int port, byte[] request) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setTcpNoDelay(true);
        try {
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
        } catch (java.net.SocketException closedWhileSending) {
            // A request that breaks a limit may be cut off before all of it is sent, by
            // Redis as by Cinnabar: what matters is what came back before the close.
        }
        return s;
    }

    /** Reads from {@code s} until EOF, a reset, or {@code quietMillis} of silence. */
    public static RawExchange readUntilClose(Socket s, int quietMillis) throws IOException {
        Reader r = new Reader(s);
        r.readFor(quietMillis);
        return r.result();
    }

    /** What one connection has sent so far, and whether it ended. */
    private static final class Reader {
        private final Socket socket;
        private final ByteArrayOutputStream got = new ByteArrayOutputStream();
        private final byte[] buf = new byte[65536];
        private boolean closed;

        Reader(Socket socket) {
            this.socket = socket;
        }

        /** Reads until the end of the stream or {@code quietMillis} without a byte. */
        void readFor(int quietMillis) throws IOException {
            if (closed) {
                return;
            }
            socket.setSoTimeout(quietMillis);
            InputStream in = socket.getInputStream();
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException quiet) {
                    return;
                } catch (IOException reset) {
                    // A server that closes with unread input resets the connection; what it sent
                    // before has been read already.
                    closed = true;
                    return;
                }
                if (n < 0) {
                    closed = true;
                    return;
                }
                got.write(buf, 0, n);
            }
        }

        RawExchange result() {
            return new RawExchange(got.toString(StandardCharsets.ISO_8859_1), closed);
        }
    }

    private boolean same(RawExchange other) {
        return closed == other.closed && reply.equals(other.reply);
    }

    /** A RESP multibulk request of the given arguments, as Latin-1 text. */
    public static String resp(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.getBytes(StandardCharsets.ISO_8859_1).length).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        String shown = reply.length() > 300 ? reply.substring(0, 300) + "...(" + reply.length() + " chars)" : reply;
        return shown.replace("\r", "\\r").replace("\n", "\\n") + (closed ? " [closed]" : " [open]");
    }
}
