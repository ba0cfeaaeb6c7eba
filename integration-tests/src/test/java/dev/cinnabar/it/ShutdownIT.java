package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.RedisCli;
import dev.cinnabar.it.support.ServerProcess;
import dev.cinnabar.it.support.ThreadDumps;
import dev.cinnabar.it.support.Waits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SHUTDOWN and the signals against the JAR: exit status, log lines, files left behind, replies. */
class ShutdownIT {
    @TempDir
    Path tmp;

    private static int awaitExit(ServerProcess s) throws InterruptedException {
        assertTrue(s.process().waitFor(10, TimeUnit.SECONDS), "the server did not exit:\n" + s.log());
        return s.process().exitValue();
    }

    @Test
    void nosaveExitsWithZeroAndCleansUp() throws Exception {
        Path pid = tmp.resolve("c.pid");
        Path sock = tmp.resolve("c.sock");
        ServerProcess s = ServerProcess.cinnabar("--pidfile", pid.toString(), "--unixsocket", sock.toString());
        ServerLifecycleIT.logWhenReady(s);
        assertTrue(Files.exists(pid) && Files.exists(sock));
        long start = System.nanoTime();
        try (RawConnection c = new RawConnection(s.port()); RawConnection other = new RawConnection(s.port())) {
            assertEquals("+PONG\r\n", other.call("PING"));
            c.send("SHUTDOWN", "NOSAVE");
            assertTrue(c.closedByServer(), "no reply, the connection just closes");
            assertTrue(other.closedByServer(), "every client is disconnected");
        }
        assertEquals(0, awaitExit(s), s.log());
        assertTrue((System.nanoTime() - start) / 1_000_000 < 5000, "promptly");
        String log = s.log();
        int at = 0;
        for (String line : new String[] {"# User requested shutdown...\n", "* Removing the pid file.\n",
                "* Removing the unix socket file.\n", "# Cinnabar is now ready to exit, bye bye...\n"}) {
            int found = log.indexOf(line, at);
            assertTrue(found >= 0, line + " missing or out of order in:\n" + log);
            at = found;
        }
        assertFalse(log.contains("Saving the final RDB snapshot"), log);
        assertFalse(Files.exists(pid), "pid file removed");
        assertFalse(Files.exists(sock), "socket file removed");
    }

    /** A directory the save cannot write to: it is deleted once the server has started. */
    private Path doomedDir(String name) throws IOException {
        return Files.createDirectory(tmp.resolve(name));
    }

    @Test
    void aFailedSaveMakesItFailAndTheServerStays() throws Exception {
        Path dir = doomedDir("gone");
        try (ServerProcess s = ServerProcess.cinnabar("--dir", dir.toString()); RawConnection c = new RawConnection(s.port())) {
            Files.delete(dir);
            assertEquals("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", c.call("SHUTDOWN"));
            assertEquals("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", c.call("SHUTDOWN", "SAVE", "NOW"));
            assertEquals("-ERR No shutdown in progress.\r\n", c.call("SHUTDOWN", "ABORT"));
            assertEquals("+PONG\r\n", c.call("PING"));
            String log = s.log();
            assertTrue(log.contains("* Saving the final RDB snapshot before exiting.\n"), log);
            assertTrue(log.contains("# Failed opening the temp RDB file temp-"), log);
            assertTrue(log.contains("# Error trying to save the DB, can't exit.\n"), log);
            assertTrue(log.contains("# Errors trying to shut down the server. Check the logs for more information.\n"), log);
            assertFalse(log.contains("bye bye"), log);
            c.send("SHUTDOWN", "NOSAVE"); // a SIGTERM would fail to save too, and the server would stay
        }
    }

    @Test
    void savePointsMakeItSaveThenExit() throws Exception {
        Path dir = doomedDir("kept");
        ServerProcess s = ServerProcess.cinnabar("--dir", dir.toString());
        try (RawConnection c = new RawConnection(s.port())) {
            assertEquals("+OK\r\n", c.call("SET", "k", "v"));
            c.send("SHUTDOWN");
            assertTrue(c.closedByServer());
        }
        assertEquals(0, awaitExit(s));
        assertTrue(s.log().contains("* Saving the final RDB snapshot before exiting.\n* DB saved on disk\n")
                || s.log().contains("* DB saved on disk\n"), s.log());
        assertTrue(Files.exists(dir.resolve("dump.rdb")));
    }

    @Test
    void forceExitsAnyway() throws Exception {
        Path dir = doomedDir("gone");
        ServerProcess s = ServerProcess.cinnabar("--dir", dir.toString());
        Files.delete(dir);
        try (RawConnection c = new RawConnection(s.port())) {
            c.send("SHUTDOWN", "FORCE");
            assertTrue(c.closedByServer());
        }
        assertEquals(0, awaitExit(s));
        assertTrue(s.log().contains("# Error trying to save the DB. Exit anyway.\n"), s.log());
        assertTrue(s.log().endsWith("# Cinnabar is now ready to exit, bye bye...\n"), s.log());
    }

    @Test
    void withoutSavePointsRedisCliShutdownJustStopsIt() throws Exception {
        ServerProcess s = ServerProcess.cinnabar("--save", "");
        RedisCli cli = RedisCli.run(null, 20, "-p", Integer.toString(s.port()), "SHUTDOWN");
        assertEquals(0, cli.exitCode, cli.toString());
        assertEquals("", cli.out, "redis-cli prints nothing when SHUTDOWN closes the connection");
        assertEquals(0, awaitExit(s));
    }

    @Test
    void sigtermSavesFirst() throws Exception {
        Path dir = doomedDir("kept");
        ServerProcess s = ServerProcess.cinnabar("--dir", dir.toString());
        ServerLifecycleIT.logWhenReady(s);
        assertEquals(0, s.terminate(10_000), s.log());
        String log = s.log();
        assertTrue(log.contains(") Received SIGTERM scheduling shutdown...\n"), log);
        assertTrue(log.contains("* Saving the final RDB snapshot before exiting.\n"), log);
        assertTrue(log.contains("* DB saved on disk\n"), log);
        assertTrue(log.endsWith("# Cinnabar is now ready to exit, bye bye...\n"), log);
        assertTrue(Files.exists(dir.resolve("dump.rdb")));
    }

    @Test
    void sigtermWhoseSaveFailsLeavesTheServerRunningAsRedisDoes() throws Exception {
        Path dir = doomedDir("gone");
        try (ServerProcess s = ServerProcess.cinnabar("--dir", dir.toString())) {
            ServerLifecycleIT.logWhenReady(s);
            Files.delete(dir);
            s.process().destroy();
            Waits.poll(15_000, () -> s.log().contains("can't exit"));
            assertTrue(s.log().contains("# Error trying to save the DB, can't exit.\n"), s.log());
            try (RawConnection c = new RawConnection(s.port())) {
                assertEquals("+PONG\r\n", c.call("PING"));
                c.send("SHUTDOWN", "NOSAVE");
            }
        }
    }

    @Test
    void shutdownOnSigtermNosaveSkipsTheSave() throws Exception {
        ServerProcess s = ServerProcess.cinnabar("--shutdown-on-sigterm", "nosave");
        ServerLifecycleIT.logWhenReady(s);
        assertEquals(0, s.terminate(10_000), s.log());
        assertFalse(s.log().contains("Saving the final RDB snapshot"), s.log());
        assertTrue(s.log().endsWith("# Cinnabar is now ready to exit, bye bye...\n"), s.log());
    }

    @Test
    void aSignalWaitsForTheCommandInProgress() throws Exception {
        ServerProcess s = ServerProcess.cinnabar("--enable-debug-command", "yes", "--save", "");
        ServerLifecycleIT.logWhenReady(s);
        try (RawConnection c = new RawConnection(s.port())) {
            // The signal must come while the command runs: sent again if a stall let it end unseen.
            for (int attempt = 1; ; attempt++) {
                c.send("DEBUG", "SLEEP", "2");
                if (ThreadDumps.awaitFrame(s, "DebugCommands.sleep(", c::replyWaiting)) {
                    break;
                }
                assertEquals("+OK\r\n", c.readReply());
                assertTrue(attempt < 5, "DEBUG SLEEP 2 was never seen running");
            }
            s.process().destroy();
            assertEquals("+OK\r\n", c.readReply(), "the command finishes first, as in Redis");
        }
        assertEquals(0, awaitExit(s));
    }

    @Test
    void aFailedSaveAnswersLikeRedis() throws Exception {
        // Redis fails the same way when its save fails: here its directory disappears.
        Path dir = Files.createDirectory(tmp.resolve("gone"));
        Path ourDir = Files.createDirectory(tmp.resolve("gone2"));
        try (ServerProcess redis = ServerProcess.redis("--save", "3600 1", "--dir", dir.toString());
                ServerProcess ours = ServerProcess.cinnabar("--save", "3600 1", "--dir", ourDir.toString());
                RawConnection r = new RawConnection(redis.port());
                RawConnection c = new RawConnection(ours.port())) {
            Files.delete(dir);
            Files.delete(ourDir);
            for (String[] cmd : new String[][] {{"SHUTDOWN"}, {"SHUTDOWN", "SAVE"}, {"SHUTDOWN", "NOW"},
                    {"SHUTDOWN", "ABORT"}, {"SHUTDOWN", "SAVE", "NOSAVE"}, {"SHUTDOWN", "NOW", "ABORT"},
                    {"SHUTDOWN", "BOGUS"}}) {
                assertEquals(r.call(cmd), c.call(cmd), String.join(" ", cmd));
            }
            assertEquals(r.call("PING"), c.call("PING"));
            r.send("SHUTDOWN", "NOSAVE");
            c.send("SHUTDOWN", "NOSAVE");
        }
    }
}
