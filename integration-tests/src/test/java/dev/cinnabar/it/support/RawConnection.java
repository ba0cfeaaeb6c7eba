package dev.cinnabar.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A plain socket speaking RESP, returning each reply as the exact bytes the server sent. It
 * knows RESP2 and RESP3 framing only well enough to find where a reply ends.
 */
public final class RawConnection implements AutoCloseable {
    private final Socket socket;
    private final java.nio.channels.SocketChannel unix;
    private final InputStream in;
    private final OutputStream out;

    public RawConnection(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        unix = null;
        in = new java.io.BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** A connection over a socket already open, a TLS one for instance. */
    public RawConnection(Socket connected) throws IOException {
        socket = connected;
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        unix = null;
        in = new java.io.BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** A connection to a server's Unix socket; reads block without a timeout. */
    public RawConnection(java.nio.file.Path unixSocket) throws IOException {
        socket = null;
        unix = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(unixSocket));
        in = new java.io.BufferedInputStream(java.nio.channels.Channels.newInputStream(unix));
        out = java.nio.channels.Channels.newOutputStream(unix);
    }

    public void timeout(int millis) throws IOException {
        if (socket == null) {
            throw new UnsupportedOperationException("no read timeout on a Unix socket connection");
        }
        socket.setSoTimeout(millis);
    }

    /** Sends a command as a RESP multibulk request. */
    public void send(byte[]... args) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : args) {
            b.write(('$' + Integer.toString(a.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.write(a);
            b.write('\r');
            b.write('\n');
        }
        out.write(b.toByteArray());
        out.flush();
    }

    public void send(String... args) throws IOException {
        byte[][] b = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            b[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        send(b);
    }

    /** Writes bytes exactly as given, for inline commands and malformed input. */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public void sendRaw(String s) throws IOException {
        sendRaw(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends a command and returns its reply as Latin-1 text, byte for byte. */
    public String call(String... args) throws IOException {
        send(args);
        return readReply();
    }

    /** Reads one complete reply (including RESP3 attributes before it) as Latin-1 text. */
    public String readReply() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        readValue(b);
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** True when bytes of a reply can be read without waiting. */
    public boolean replyWaiting() throws IOException {
        return in.available() > 0;
    }

    /** True when the server closed the connection (reads EOF within the timeout). */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    /**
     * Reads one whole value, however deeply nested: a count of the values still owed rather than
     * recursion, since replies thousands of levels deep (a script's nested tables) would overflow
     * the test thread's stack while the reading code is still interpreted.
     */
    private void readValue(ByteArrayOutputStream b) throws IOException {
        long owed = 1;
        while (owed > 0) {
            owed--;
            String line = readLine(b);
            char type = line.charAt(0);
            switch (type) {
                case '+': case '-': case ':': case '_': case ',': case '#': case '(':
                    break;
                case '$': case '=': case '!': {
                    int n = Integer.parseInt(line.substring(1));
                    if (n >= 0) {
                        byte[] data = in.readNBytes(n + 2);
                        if (data.length < n + 2) {
                            throw new IOException("connection closed inside a bulk");
                        }
                        b.write(data);
                    }
                    break;
                }
                case '*': case '~': case '>':
                    owed += Math.max(0, Integer.parseInt(line.substring(1)));
                    break;
                case '%':
                    owed += 2L * Integer.parseInt(line.substring(1));
                    break;
                case '|':
                    owed += 2L * Integer.parseInt(line.substring(1)) + 1; // and the attributed value itself
                    break;
                default:
                    throw new IOException("unexpected reply line: " + line);
            }
        }
    }

    private String readLine(ByteArrayOutputStream b) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c == -1) {
                throw new IOException("connection closed; read so far: " + b.toString(StandardCharsets.ISO_8859_1) + sb);
            }
            b.write(c);
            if (c == '\r') {
                int n = in.read();
                b.write(n);
                return sb.toString();
            }
            sb.append((char) c);
        }
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
        } else {
            unix.close();
        }
    }
}
