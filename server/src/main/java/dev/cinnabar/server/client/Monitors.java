package dev.cinnabar.server.client;

import dev.cinnabar.protocol.Argv;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The clients in MONITOR mode, and the line each of them gets for every command the server
 * runs: {@code +<seconds>.<micros> [<db> <origin>] "arg" "arg" ...}, the arguments quoted as
 * Redis's {@code sdscatrepr} quotes them. The origin is the peer address, {@code unix:<path>}
 * for Unix-socket clients and {@code lua} for commands a script calls.
 */
public final class Monitors {
    private static final byte[] REDACTED = "(redacted)".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final List<Client> monitors = new ArrayList<>();

    public boolean isEmpty() {
        return monitors.isEmpty();
    }

    public int size() {
        return monitors.size();
    }

    public void add(Client c) {
        monitors.add(c);
    }

    public void remove(Client c) {
        monitors.remove(c);
    }

    /** The monitors in the order they started, for feeding. */
    public List<Client> all() {
        return monitors;
    }

    /**
     * Sends the line of {@code c}'s command to every monitor. Nothing while commands run during
     * a load (the AOF's, or clients' during async loading), as Redis's replicationFeedMonitors.
     */
    public void feed(Client c) {
        ServerContext server = c.server;
        if (monitors.isEmpty() || server.keyspace().loading()) {
            return;
        }
        byte[] line = line(server.clock().micros(), c.db().id, c, server.config().unixSocket, c.argv);
        for (Client m : monitors) {
            if (!m.isClosed() && !m.repliesSuppressed()) {
                server.control().output(m).raw(line);
            }
        }
    }

    /**
     * The line for one command. {@code micros} is the wall-clock time in microseconds,
     * {@code unixSocketPath} the configured socket (Redis names the server's socket, not the
     * peer's).
     */
    public static byte[] line(long micros, int db, Client c, String unixSocketPath, Argv argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 8 * argv.count());
        ascii(out, "+" + (micros / 1_000_000) + ".");
        String fraction = Long.toString(micros % 1_000_000);
        for (int i = fraction.length(); i < 6; i++) {
            out.write('0');
        }
        ascii(out, fraction);
        String origin;
        if (c.scriptClient) {
            origin = "lua";
        } else if (c.unixSocket) {
            origin = "unix:" + unixSocketPath;
        } else {
            origin = c.remoteAddress;
        }
        ascii(out, " [" + db + " " + origin + "] ");
        for (int i = 0; i < argv.count(); i++) {
            if (c.isRedacted(i)) {
                repr(out, REDACTED, 0, REDACTED.length);
            } else {
                repr(out, argv.array(i), argv.offset(i), argv.length(i));
            }
            if (i != argv.count() - 1) {
                out.write(' ');
            }
        }
        out.write('\r');
        out.write('\n');
        return out.toByteArray();
    }

    /**
     * Quotes bytes as Redis's sdscatrepr does: backslash escapes for quote, backslash and the
     * usual control characters, printable ASCII as is, anything else as {@code \xHH}.
     */
    static void repr(ByteArrayOutputStream out, byte[] b, int off, int len) {
        out.write('"');
        for (int k = off, end = off + len; k < end; k++) {
            int ch = b[k] & 0xff;
            switch (ch) {
                case '\\':
                case '"':
                    out.write('\\');
                    out.write(ch);
                    break;
                case '\n':
                    escape(out, 'n');
                    break;
                case '\r':
                    escape(out, 'r');
                    break;
                case '\t':
                    escape(out, 't');
                    break;
                case 7:
                    escape(out, 'a');
                    break;
                case '\b':
                    escape(out, 'b');
                    break;
                default:
                    if (ch >= 0x20 && ch <= 0x7e) {
                        out.write(ch);
                    } else {
                        out.write('\\');
                        out.write('x');
                        out.write(HEX[ch >> 4]);
                        out.write(HEX[ch & 0xf]);
                    }
            }
        }
        out.write('"');
    }

    private static void escape(ByteArrayOutputStream out, char c) {
        out.write('\\');
        out.write(c);
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        out.write(b, 0, b.length);
    }
}
