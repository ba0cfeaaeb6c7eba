package dev.cinnabar.server.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainDatagramSocketAddress;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Messages for the system logger, in glibc syslog(3)'s datagram form. */
class SyslogTest {
    /** 2026-12-07 09:05:03.250 UTC. */
    private static final long MILLIS = 1_796_634_303_250L;

    private static Syslog opened(String ident, String facility) {
        Syslog s = new Syslog(ident, facility, "/nowhere");
        s.open();
        return s;
    }

    @Test
    void theDatagramIsWhatSyslog3Sends() {
        long pid = ServerLog.pid();
        // local0 (16 << 3) with LOG_WARNING (4); the day of the month padded with a space.
        assertEquals("<132>Dec  7 09:05:03 redis[" + pid + "]: Ready",
                opened("redis", "local0").datagram(ServerLog.Level.WARNING, "Ready", MILLIS, 0));
        assertEquals("<13>Dec  7 10:05:03 app[" + pid + "]: x",
                opened("app", "user").datagram(ServerLog.Level.NOTICE, "x", MILLIS, 3_600_000));
        assertEquals("<191>Dec 17 09:05:03 r[" + pid + "]: d",
                opened("r", "LOCAL7").datagram(ServerLog.Level.DEBUG, "d", MILLIS + 10 * 86_400_000L, 0));
        assertEquals("<158>Dec  7 09:05:03 r[" + pid + "]: v",
                opened("r", "local3").datagram(ServerLog.Level.VERBOSE, "v", MILLIS, 0));
        assertThrows(IllegalArgumentException.class, () -> new Syslog("r", "local8", "/nowhere"));
    }

    @Test
    void beforeTheServerIsInitializedTheLogIsNotOpenedYet() {
        // As syslog(3) before Redis's openlog: facility user, the program's name, no pid.
        Syslog s = new Syslog("mine", "local3", "/nowhere");
        assertEquals("<12>Dec  7 09:05:03 redis-server: Configuration loaded",
                s.datagram(ServerLog.Level.WARNING, "Configuration loaded", MILLIS, 0));
        s.open();
        assertEquals("<157>Dec  7 09:05:03 mine[" + ServerLog.pid() + "]: Ready to accept connections",
                s.datagram(ServerLog.Level.NOTICE, "Ready to accept connections", MILLIS, 0));
    }

    @Test
    void messagesReachTheLoggersSocketAndAreLostWhenThereIsNone(@TempDir Path dir) throws Exception {
        Epoll.ensureAvailability();
        Path path = dir.resolve("log");
        Socket logger = Socket.newSocketDomainDgram();
        try {
            logger.bind(new DomainSocketAddress(path.toString()));
            Syslog s = new Syslog("cinnabar", "local0", path.toString());
            s.open();
            s.send(ServerLog.Level.NOTICE, "first");
            s.send(ServerLog.Level.WARNING, "second");
            assertEquals(": first", tail(received(logger)));
            assertEquals(": second", tail(received(logger)));
            // No logger there: nothing happens, as with syslog(3).
            new Syslog("cinnabar", "local0", dir.resolve("absent").toString()).send(ServerLog.Level.WARNING, "lost");
        } finally {
            logger.close();
        }
    }

    private static String received(Socket logger) throws Exception {
        ByteBuffer b = ByteBuffer.allocateDirect(512);
        DomainDatagramSocketAddress from = logger.recvFromDomainSocket(b, 0, b.capacity());
        byte[] bytes = new byte[from == null ? 0 : from.receivedAmount()];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String tail(String datagram) {
        return datagram.substring(datagram.indexOf("]:") + 1);
    }
}
