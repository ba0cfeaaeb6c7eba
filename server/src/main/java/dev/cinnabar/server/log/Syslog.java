package dev.cinnabar.server.log;

import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.TimeZone;

/**
 * {@code syslog-enabled yes}: log messages also go to the system logger as glibc's syslog(3)
 * sends them for Redis (openlog with LOG_PID and LOG_NDELAY): one datagram per message on the
 * Unix socket {@code /dev/log}, {@code <PRI>Mmm dd hh:mm:ss ident[pid]: message}, the priority
 * being the facility ({@code syslog-facility}) and the severity of the log level (debug, info
 * for verbose, notice, warning). Redis opens the log only when it initializes the server, so the
 * first lines (starting, version, configuration loaded) go out as syslog(3) sends without
 * openlog: ident {@code redis-server}, facility user, no pid; {@link #open} marks that moment. Java has no Unix datagram sockets before JDK 21's stream-only
 * support, so Netty's native socket sends them. As syslog(3), a logger that is not there (no
 * {@code /dev/log}, a full queue) loses the message and nothing else happens.
 */
public final class Syslog {
    /** Where glibc's syslog(3) sends. */
    public static final String DEV_LOG = "/dev/log";
    /** syslog(3)'s LOG_DEBUG, LOG_INFO, LOG_NOTICE, LOG_WARNING for debug, verbose, notice, warning. */
    private static final int[] SEVERITY = {7, 6, 5, 4};
    private static final int USER = 1 << 3;
    /** What syslog(3) names a program that has not called openlog: redis-server's own name. */
    private static final String UNOPENED_IDENT = "redis-server";

    private final String ident;
    private final int facility;
    private final byte[] path;
    private Socket socket;
    private volatile boolean opened;
    private ByteBuffer buffer = ByteBuffer.allocateDirect(1024);

    /** @param facility {@code user} or {@code local0} to {@code local7}, as syslog-facility takes them */
    public Syslog(String ident, String facility, String path) {
        this.ident = ident;
        this.facility = facilityCode(facility);
        this.path = path.getBytes(StandardCharsets.UTF_8);
    }

    static int facilityCode(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("user")) {
            return USER;
        }
        if (n.length() == 6 && n.startsWith("local") && n.charAt(5) >= '0' && n.charAt(5) <= '7') {
            return (16 + n.charAt(5) - '0') << 3;
        }
        throw new IllegalArgumentException("no syslog facility " + name);
    }

    /** From now on the configured ident, pid and facility: Redis's openlog in initServer. */
    public void open() {
        opened = true;
    }

    /** The datagram for {@code msg} at {@code level}, stamped {@code millis} in the local zone. */
    String datagram(ServerLog.Level level, String msg, long millis, int offsetMillis) {
        // The log line's stamp, "dd Mon yyyy HH:mm:ss.mmm", rearranged as syslog's
        // "Mon dd HH:mm:ss" with the day padded by a space.
        StringBuilder stamp = new StringBuilder(24);
        ServerLog.stamp(stamp, millis, offsetMillis);
        StringBuilder b = new StringBuilder(40 + msg.length());
        b.append('<').append((opened ? facility : USER) | SEVERITY[level.ordinal()]).append('>');
        b.append(stamp, 3, 6).append(' ').append(stamp.charAt(0) == '0' ? ' ' : stamp.charAt(0))
                .append(stamp.charAt(1)).append(' ').append(stamp, 12, 20).append(' ');
        if (!opened) {
            return b.append(UNOPENED_IDENT).append(": ").append(msg).toString();
        }
        return b.append(ident).append('[').append(ServerLog.pid()).append("]: ").append(msg).toString();
    }

    /** Sends one message; any failure loses it, as syslog(3) does without LOG_CONS. */
    synchronized void send(ServerLog.Level level, String msg) {
        long now = System.currentTimeMillis();
        byte[] bytes = datagram(level, msg, now, TimeZone.getDefault().getOffset(now)).getBytes(StandardCharsets.UTF_8);
        try {
            if (socket == null) {
                io.netty.channel.epoll.Epoll.ensureAvailability();
                socket = Socket.newSocketDomainDgram();
            }
            if (buffer.capacity() < bytes.length) {
                buffer = ByteBuffer.allocateDirect(bytes.length);
            }
            buffer.clear();
            buffer.put(bytes).flip();
            socket.sendToDomainSocket(buffer, 0, bytes.length, path);
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            // No logger listening, or none to be had: the message is lost, the server goes on.
        }
    }
}
