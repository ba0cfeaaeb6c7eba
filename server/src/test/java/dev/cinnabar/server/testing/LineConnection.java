package dev.cinnabar.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A socket to a server under test that sends inline commands and reads replies line by line;
 * for tests of the transport itself, where a client library would hide what arrives when.
 */
public final class LineConnection implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 20_000;

    private final Socket socket;
    private final OutputStream out;
    private final BufferedReader in;

    public LineConnection(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        out = socket.getOutputStream();
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
    }

    public void send(String lines) throws IOException {
        out.write(lines.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    public String line() throws IOException {
        return in.readLine();
    }

    /** Sends one inline command; its reply's first line. */
    public String call(String command) throws IOException {
        send(command + "\r\n");
        return line();
    }

    /** A bulk reply's text. */
    public String bulk() throws IOException {
        String header = line();
        char[] body = new char[Integer.parseInt(header.substring(1)) + 2];
        for (int n = 0; n < body.length; ) {
            n += in.read(body, n, body.length - n);
        }
        return new String(body, 0, body.length - 2);
    }

    /** True when nothing arrives within {@code millis}. */
    public boolean silentFor(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            in.readLine();
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } finally {
            socket.setSoTimeout(TIMEOUT_MILLIS);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
