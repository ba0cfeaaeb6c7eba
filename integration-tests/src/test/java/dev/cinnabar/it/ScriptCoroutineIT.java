package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Coroutines hold a Java thread each here (LuaThread): a script cannot make the server start
 * threads without bound, the ones a script or function call leaves suspended end with it, and a coroutine that
 * never yields is a busy script like any other (others get -BUSY, SCRIPT KILL ends it). What
 * coroutines compute is compared with Redis in differential/scripting-coroutines.txt.
 */
class ScriptCoroutineIT {
    private static String suspended(int n) {
        return "local t = {} for i = 1, " + n + " do local co = coroutine.create(function() coroutine.yield(i) end) "
                + "coroutine.resume(co) t[i] = co end return #t";
    }

    private static long threads(ServerProcess s) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(s.pid()), "task"))) {
            return tasks.count();
        }
    }

    /** The server's thread count once the threads of finished coroutines are gone (idle for a second, they end). */
    private static long settledThreads(ServerProcess s, long atMost) throws Exception {
        long n = threads(s);
        for (int i = 0; i < 250 && n > atMost; i++) {
            Thread.sleep(20);
            n = threads(s);
        }
        return n;
    }

    @Test
    void suspendedCoroutinesAreBoundedAndEndWithTheirScript() throws Exception {
        try (ServerProcess s = ServerProcess.cinnabar(); RawConnection c = new RawConnection(s.port())) {
            assertEquals("+PONG\r\n", c.call("PING"));
            long idle = threads(s);
            assertEquals(":900\r\n", c.call("EVAL", suspended(900), "0"));
            assertTrue(settledThreads(s, idle + 5) <= idle + 5, "threads left by an EVAL's coroutines: " + threads(s));

            // Redis makes these in 20 ms; here each would be a thread, so the script fails instead.
            long started = System.nanoTime();
            String r = c.call("EVAL", suspended(20_000), "0");
            assertTrue(r.startsWith("-ERR user_script:1: too many coroutines: at most 1000 can be suspended at once"), r);
            assertTrue(System.nanoTime() - started < 30_000_000_000L, "the refused script took too long");
            assertTrue(settledThreads(s, idle + 5) <= idle + 5, "threads left: " + threads(s));

            // Coroutines that finish give their thread back as they go: any number, one after another.
            assertEquals(":200010000\r\n", c.call("EVAL",
                    "local n = 0 for i = 1, 20000 do local co = coroutine.create(function(x) return x end) "
                    + "local ok, v = coroutine.resume(co, i) n = n + v end return n", "0"));
            assertEquals("+PONG\r\n", c.call("PING"));

            // A function that leaves a generator unfinished at every call: more calls than the bound.
            assertEquals("$3\r\ngen\r\n", c.call("FUNCTION", "LOAD", "#!lua name=gen\n"
                    + "redis.register_function('first', function(keys, args) "
                    + "local g = coroutine.wrap(function() for i = 1, 10 do coroutine.yield(i) end end) "
                    + "return g() + g() end)"));
            for (int i = 0; i < 1500; i++) {
                assertEquals(":3\r\n", c.call("FCALL", "first", "0"));
            }
            assertTrue(settledThreads(s, idle + 5) <= idle + 5, "threads left by function calls: " + threads(s));
        }
    }

    @Test
    void aCoroutineThatNeverYieldsIsABusyScript() throws Exception {
        try (ServerProcess s = ServerProcess.cinnabar("--busy-reply-threshold", "100");
                RawConnection runner = new RawConnection(s.port());
                RawConnection other = new RawConnection(s.port())) {
            String script = "local co = coroutine.wrap(function() redis.call('set', 'k', 'v') "
                    + "local ok = pcall(function() while true do end end) end) co()";
            assertEquals("+OK\r\n", other.call("SET", "k", "before"));
            runner.send("EVAL", "local co = coroutine.wrap(function() while redis.call('ping') do end end) co()", "0");
            ScriptBusyIT.awaitBusy(other);
            assertEquals(ScriptBusyIT.BUSY, other.call("GET", "k"));
            assertEquals("+OK\r\n", other.call("SCRIPT", "KILL"));
            assertTrue(runner.readReply().startsWith("-ERR Script killed by user with SCRIPT KILL..."));

            // A script that wrote cannot be killed, from a coroutine either; SHUTDOWN NOSAVE ends it.
            runner.send("EVAL", script, "0");
            ScriptBusyIT.awaitBusy(other);
            assertEquals("-UNKILLABLE Sorry the script already executed write commands against the dataset. "
                    + "You can either wait the script termination or kill the server in a hard way using the "
                    + "SHUTDOWN NOSAVE command.\r\n", other.call("SCRIPT", "KILL"));
            other.send("SHUTDOWN", "NOSAVE");
            assertTrue(other.closedByServer());
            assertTrue(s.process().waitFor(10, TimeUnit.SECONDS), "the server exits:\n" + s.log());
        }
    }
}
