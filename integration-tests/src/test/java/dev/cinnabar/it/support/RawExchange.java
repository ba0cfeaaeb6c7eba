package dev.cinnabar.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

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
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setTcpNoDelay(true);
            try {
                s.getOutputStream().write(request);
                s.getOutputStream().flush();
            } catch (java.net.SocketException closedWhileSending) {
                // A request that breaks a limit may be cut off before all of it is sent, by
                // Redis as by Cinnabar: what matters is what came back before the close.
            }
            return readUntilClose(s, quietMillis);
        }
    }

    public static RawExchange send(int port, String latin1, int quietMillis) throws IOException {
        return send(port, latin1.getBytes(StandardCharsets.ISO_8859_1), quietMillis);
    }

    /** Reads from {@code s} until EOF, a reset, or {@code quietMillis} of silence. */
    public static RawExchange readUntilClose(Socket s, int quietMillis) throws IOException {
        s.setSoTimeout(quietMillis);
        InputStream in = s.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        boolean closed;
        while (true) {
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException quiet) {
                closed = false;
                break;
            } catch (IOException reset) {
                // A server that closes with unread input resets the connection; what it sent
                // before has been read already.
                closed = true;
                break;
            }
            if (n < 0) {
                closed = true;
                break;
            }
            got.write(buf, 0, n);
        }
        return new RawExchange(got.toString(StandardCharsets.ISO_8859_1), closed);
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
