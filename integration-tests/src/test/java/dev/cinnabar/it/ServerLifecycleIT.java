package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import dev.cinnabar.it.support.Waits;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start and stop of the built JAR as redis-server does them: log lines, pid file, signals, exits. */
class ServerLifecycleIT {
    @TempDir
    Path tmp;

    /** The log once the server said it is ready (its port answers a little before that). */
    static String logWhenReady(ServerProcess s) throws InterruptedException {
        for (int i = 0; i < 500 && !s.log().contains("Ready to accept connections"); i++) {
            Thread.sleep(20);
        }
        return s.log();
    }

    @Test
    void startupLogLinesComeInRedisOrder() throws Exception {
        try (ServerProcess s = ServerProcess.cinnabar()) {
            String log = logWhenReady(s);
            List<String> marks = List.of("# oO0OoO0OoO0Oo Cinnabar is starting oO0OoO0OoO0Oo",
                    "# Cinnabar version=", "redis_version=7.0.15", "pid=" + s.pid() + ", just started",
                    "# Configuration loaded", "PID: " + s.pid(), "# Server initialized", "* Ready to accept connections");
            int at = 0;
            for (String m : marks) {
                int found = log.indexOf(m, at);
                assertTrue(found >= 0, m + " missing or out of order in:\n" + log);
                at = found;
            }
            assertTrue(log.lines().anyMatch(l -> l.matches(s.pid() + ":C \\d\\d \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{3} # .*")),
                    log);
        }
    }

    @Test
    void withoutArgumentsItSaysSo() throws Exception {
        int port = 6379;
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (java.io.IOException busy) {
            // Something already listens on 6379: the no-argument start cannot be observed here.
            return;
        }
        try (ServerProcess s = ServerProcess.start("cinnabar", List.of(ServerProcess.javaBinary(), "-jar",
                ServerProcess.jar()), port)) {
            assertTrue(logWhenReady(s).contains("# Warning: no config file specified, using the default config. In order to "
                    + "specify a config file use java -jar cinnabar-server.jar /path/to/cinnabar.conf"), s.log());
        }
    }

    @Test
    void sigtermLogsAndExitsWithZero() throws Exception {
        Path pid = tmp.resolve("cinnabar.pid");
        ServerProcess s = ServerProcess.cinnabar("--pidfile", pid.toString());
        logWhenReady(s);
        assertEquals(s.pid() + "\n", Files.readString(pid));
        long start = System.nanoTime();
        int status = s.terminate(10_000);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, status, s.log());
        String log = s.log();
        assertTrue(log.contains(s.pid() + ":signal-handler ("), log);
        assertTrue(log.contains(") Received SIGTERM scheduling shutdown...\n"), log);
        assertTrue(log.contains("# User requested shutdown...\n"), log);
        assertTrue(log.contains("* Removing the pid file.\n"), log);
        assertTrue(log.endsWith("# Cinnabar is now ready to exit, bye bye...\n"), log);
        assertFalse(Files.exists(pid));
        assertTrue(millis < 5000, "took " + millis + " ms");
    }

    @Test
    void sigintToo() throws Exception {
        ServerProcess s = ServerProcess.cinnabar();
        logWhenReady(s);
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(s.pid())).start();
        assertEquals(0, kill.waitFor());
        assertTrue(s.process().waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, s.process().exitValue());
        assertTrue(s.log().contains(") Received SIGINT scheduling shutdown...\n"), s.log());
    }

    @Test
    void aPortInUseFailsTheStart() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();
            ConfigFileIT.Exit e = ConfigFileIT.run(ConfigFileIT.cinnabar("--port", Integer.toString(port), "--bind",
                    "127.0.0.1"), tmp, null);
            assertEquals(1, e.status());
            assertTrue(e.stdout().contains("# Warning: Could not create server TCP listening socket 127.0.0.1:" + port
                    + ": bind: Address already in use\n"), e.stdout());
            assertTrue(e.stdout().contains("# Failed listening on port " + port + " (TCP), aborting.\n"), e.stdout());
        }
    }

    @Test
    void portZeroWithoutSocketHasNothingToListenOn() throws Exception {
        ConfigFileIT.Exit e = ConfigFileIT.run(ConfigFileIT.cinnabar("--port", "0"), tmp, null);
        assertEquals(1, e.status());
        assertTrue(e.stdout().contains("# Configured to not listen anywhere, exiting.\n"), e.stdout());
    }

    @Test
    void unixSocketOnlyWithPortZero() throws Exception {
        Path sock = tmp.resolve("c.sock");
        Process p = new ProcessBuilder(ConfigFileIT.cinnabar("--port", "0", "--unixsocket", "c.sock", "--dir",
                tmp.toString(), "--unixsocketperm", "700")).directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("log").toFile()).start();
        try {
            for (int i = 0; i < 1000 && !Files.exists(sock); i++) {
                assertTrue(p.isAlive(), Files.readString(tmp.resolve("log")));
                Thread.sleep(20);
            }
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(sock));
                ch.write(ByteBuffer.wrap("PING\r\n".getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer in = ByteBuffer.allocate(16);
                while (in.position() < 7) {
                    ch.read(in);
                }
                assertEquals("+PONG\r\n", new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII));
            }
            assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
            // The socket may answer a moment before that line is written.
            Waits.poll(10_000, () -> Files.readString(tmp.resolve("log")).contains("ready to accept connections at c.sock"));
            assertTrue(Files.readString(tmp.resolve("log")).contains("The server is now ready to accept connections at c.sock"));
        } finally {
            p.destroy();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        }
        assertEquals(0, p.exitValue());
        assertFalse(Files.exists(sock), "the socket file is removed at exit");
    }

    @Test
    void configSetPortMovesTheListener() throws Exception {
        try (ServerProcess s = ServerProcess.cinnabar("--bind", "127.0.0.1")) {
            int next = ServerProcess.freePort();
            try (RawConnection c = new RawConnection(s.port())) {
                assertEquals("+OK\r\n", c.call("CONFIG", "SET", "port", Integer.toString(next)));
                assertEquals("+PONG\r\n", c.call("PING"), "connections made before stay");
            }
            try (RawConnection c = new RawConnection(next)) {
                assertEquals("*2\r\n$4\r\nport\r\n$" + Integer.toString(next).length() + "\r\n" + next + "\r\n",
                        c.call("CONFIG", "GET", "port"));
            }
            try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
                    RawConnection c = new RawConnection(next)) {
                assertEquals("-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this "
                        + "port. Check server logs.\r\n", c.call("CONFIG", "SET", "port", Integer.toString(taken.getLocalPort())));
            }
            try (RawConnection c = new RawConnection(next)) {
                assertEquals("+PONG\r\n", c.call("PING"), "the old port is listened on again");
            }
        }
    }

    @Test
    void logfileAndLoglevelRelativeToDir() throws Exception {
        Path log = tmp.resolve("server.log");
        try (ServerProcess s = ServerProcess.cinnabar("--logfile", "server.log", "--pidfile", "p.pid", "--dir",
                tmp.toString(), "--loglevel", "warning");
                RawConnection c = new RawConnection(s.port())) {
            assertEquals("+PONG\r\n", c.call("PING"));
            assertTrue(Files.exists(tmp.resolve("p.pid")));
            String text = Files.readString(log);
            assertTrue(text.contains("# Server initialized"), text);
            assertFalse(text.contains("Ready to accept connections"), "a notice line under loglevel warning");
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "loglevel", "notice"));
        }
        String text = Files.readString(log);
        assertTrue(text.contains("* Removing the pid file.\n"), "notice lines once loglevel is notice again:\n" + text);
        assertTrue(text.endsWith("# Cinnabar is now ready to exit, bye bye...\n"), text);
    }

    @Test
    void supervisedBySystemdNotifiesReadyAndStopping() throws Exception {
        // systemd listens on a Unix datagram socket; the JDK cannot, Python can.
        Path sock = tmp.resolve("notify.sock");
        Path got = tmp.resolve("notify.txt");
        Process listener = new ProcessBuilder("python3", "-c", String.join("\n",
                "import socket, sys",
                "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
                "s.bind(sys.argv[1])",
                "s.settimeout(30)",
                "with open(sys.argv[2], 'w') as out:",
                "    while True:",
                "        d = s.recv(4096).decode()",
                "        out.write(d)",
                "        out.flush()",
                "        if 'STOPPING=1' in d:",
                "            break"), sock.toString(), got.toString()).start();
        Waits.until("listening on " + sock, 20_000, () -> Files.exists(sock));
        int port = ServerProcess.freePort();
        ProcessBuilder pb = new ProcessBuilder(ConfigFileIT.cinnabar("--port", Integer.toString(port), "--supervised",
                "systemd")).directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(tmp.resolve("log").toFile());
        pb.environment().put("NOTIFY_SOCKET", sock.toString());
        Process p = pb.start();
        ConfigFileIT.awaitPort(p, port);
        // The port answers a moment before the server says it is ready: stopped before that, it never would.
        Waits.until("READY=1 sent", 10_000, () -> Files.exists(got) && Files.readString(got).contains("READY=1\n"));
        p.destroy();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertTrue(listener.waitFor(10, TimeUnit.SECONDS));
        assertEquals("STATUS=Cinnabar is loading...\nSTATUS=Ready to accept connections\nREADY=1\nSTOPPING=1\n",
                Files.readString(got));
        assertTrue(Files.readString(tmp.resolve("log")).contains("* supervised by systemd. Please make sure you set "
                + "appropriate values for TimeoutStartSec and TimeoutStopSec in your service unit."));
    }
}
