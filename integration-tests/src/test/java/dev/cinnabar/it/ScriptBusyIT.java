package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scripts that hold the server: past busy-reply-threshold others get -BUSY, SCRIPT KILL stops a
 * script that has not written, -UNKILLABLE one that has, SHUTDOWN NOSAVE ends the server
 * anyway, and after a kill the server serves as before. In both io-threads shapes. Also deep
 * recursion and huge strings, which must fail the script and leave the server up.
 */
class ScriptBusyIT {
    static final String BUSY = "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n";
    static final String LOOP = "while true do end";

    static String sha(String body) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-1").digest(body.getBytes());
            StringBuilder sb = new StringBuilder();
            for (byte b : d) {
                sb.append(String.format("%02x", b));
            }
            return sb.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends PING until the server answers -BUSY (the script passed the threshold). */
    static void awaitBusy(RawConnection other) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            String r = other.call("PING");
            if (r.equals(BUSY)) {
                return;
            }
            assertEquals("+PONG\r\n", r);
            Thread.sleep(20);
        }
        throw new AssertionError("never busy");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "3"})
    void busyThenKillThenServing(String ioThreads) throws Exception {
        try (ServerProcess s = ServerProcess.cinnabar("--busy-reply-threshold", "100", "--io-threads", ioThreads);
                RawConnection runner = new RawConnection(s.port());
                RawConnection other = new RawConnection(s.port())) {
            assertEquals("-NOTBUSY No scripts in execution right now.\r\n", other.call("SCRIPT", "KILL"));
            runner.send("EVAL", LOOP, "0");
            awaitBusy(other);
            assertEquals(BUSY, other.call("GET", "k"));
            assertEquals(BUSY, other.call("EVAL", "return 1", "0"));
            assertEquals("+OK\r\n", other.call("SCRIPT", "KILL"));
            assertEquals("-ERR Script killed by user with SCRIPT KILL... script: " + sha(LOOP)
                    + ", on @user_script:1.\r\n", runner.readReply());
            assertEquals("+PONG\r\n", other.call("PING"));
            assertEquals("+PONG\r\n", runner.call("PING"));
            assertEquals(":1\r\n", runner.call("EVAL", "return 1", "0"));

            // pcall cannot swallow the kill.
            String catching = "while true do pcall(function() while true do end end) end";
            runner.send("EVAL", catching, "0");
            awaitBusy(other);
            assertEquals("+OK\r\n", other.call("SCRIPT", "KILL"));
            assertTrue(runner.readReply().startsWith("-ERR Script killed by user with SCRIPT KILL... script: " + sha(catching)));
            assertEquals("+PONG\r\n", other.call("PING"));

            // What the runner pipelined behind its script runs after it.
            runner.sendRaw("*3\r\n$4\r\nEVAL\r\n$17\r\nwhile true do end\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n");
            awaitBusy(other);
            assertEquals("+OK\r\n", other.call("SCRIPT", "KILL"));
            assertTrue(runner.readReply().startsWith("-ERR Script killed"));
            assertEquals("+PONG\r\n", runner.readReply());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "3"})
    void slowScriptFinishesAndOthersWereBusy(String ioThreads) throws Exception {
        try (ServerProcess s = ServerProcess.cinnabar("--lua-time-limit", "50", "--io-threads", ioThreads);
                RawConnection runner = new RawConnection(s.port());
                RawConnection other = new RawConnection(s.port())) {
            runner.send("EVAL", "local t = redis.call('time') local start = tonumber(t[1]) * 1000000 + tonumber(t[2])"
                    + " local n = 0 while true do n = n + 1 if n % 100000 == 0 then"
                    + " local now = redis.call('time') if tonumber(now[1]) * 1000000 + tonumber(now[2]) - start > 1000000"
                    + " then break end end end return 'done'", "0");
            awaitBusy(other);
            assertEquals("$4\r\ndone\r\n", runner.readReply());
            assertEquals("+PONG\r\n", other.call("PING"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "3"})
    void unkillableAfterAWriteAndShutdownNosave(String ioThreads) throws Exception {
        try (ServerProcess s = ServerProcess.cinnabar("--busy-reply-threshold", "100", "--io-threads", ioThreads);
                RawConnection runner = new RawConnection(s.port());
                RawConnection other = new RawConnection(s.port())) {
            runner.send("EVAL", "redis.call('set', 'k', 'v') " + LOOP, "0");
            awaitBusy(other);
            assertEquals("-UNKILLABLE Sorry the script already executed write commands against the dataset. "
                    + "You can either wait the script termination or kill the server in a hard way using the "
                    + "SHUTDOWN NOSAVE command.\r\n", other.call("SCRIPT", "KILL"));
            assertEquals(BUSY, other.call("PING"));
            other.send("SHUTDOWN", "NOSAVE");
            assertTrue(other.closedByServer());
            assertTrue(s.process().waitFor(10, TimeUnit.SECONDS), "the server exits:\n" + s.log());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1"})
    void recursionAndAllocationFailTheScriptOnly(String ioThreads) throws Exception {
        try (ServerProcess s = ServerProcess.cinnabar("--io-threads", ioThreads);
                RawConnection c = new RawConnection(s.port())) {
            String r = c.call("EVAL", "local function f(n) return f(n + 1) + 1 end return f(1)", "0");
            assertTrue(r.startsWith("-ERR ") && r.contains("stack overflow"), r);
            assertEquals("+PONG\r\n", c.call("PING"));
            r = c.call("EVAL", "local function f(n) return f(n + 1) + 1 end return {pcall(f, 1)}", "0");
            assertTrue(r.contains("stack overflow"), r);
            // Allocation without bound is left out here: with the JVM's default heap on this
            // machine it takes a minute and 6 GB before "not enough memory" (checked by hand).
            // (2^31 itself is a negative C int to string.rep, which gives "" as in Redis.)
            r = c.call("EVAL", "return string.rep('x', 2^31 - 1)", "0");
            assertTrue(r.startsWith("-ERR "), r);
            assertEquals("+PONG\r\n", c.call("PING"));
            assertEquals(":1\r\n", c.call("EVAL", "return redis.call('set', 'k', 'v') and 1", "0"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1"})
    void busyFunctionAndFunctionKill(String ioThreads) throws Exception {
        String fnBusy = "-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n";
        try (ServerProcess s = ServerProcess.cinnabar("--busy-reply-threshold", "100", "--io-threads", ioThreads);
                RawConnection runner = new RawConnection(s.port());
                RawConnection other = new RawConnection(s.port())) {
            assertEquals("$4\r\nloop\r\n", runner.call("FUNCTION", "LOAD",
                    "#!lua name=loop\nredis.register_function('spin', function() while true do end end)"));
            runner.send("FCALL", "spin", "0");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String r;
            do {
                r = other.call("PING");
                Thread.sleep(20);
            } while (!r.equals(fnBusy) && System.nanoTime() < end);
            assertEquals(fnBusy, r);
            assertEquals(fnBusy, other.call("SCRIPT", "KILL"));
            String stats = other.call("FUNCTION", "STATS");
            assertTrue(stats.contains("$4\r\nname\r\n$4\r\nspin\r\n$7\r\ncommand\r\n*3\r\n$5\r\nFCALL\r\n$4\r\nspin\r\n$1\r\n0\r\n"), stats);
            assertEquals("+OK\r\n", other.call("FUNCTION", "KILL"));
            assertEquals("-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.\r\n",
                    runner.readReply());
            assertEquals("+PONG\r\n", other.call("PING"));
        }
    }
}
