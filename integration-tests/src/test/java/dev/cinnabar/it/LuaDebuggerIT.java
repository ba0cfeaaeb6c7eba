package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerPair;
import dev.cinnabar.it.support.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Lua debugger (SCRIPT DEBUG SYNC, what {@code redis-cli --ldb-sync-mode} drives) against
 * Redis 7.0.15's: each session runs on both servers, command by command, and every log the
 * debugger sends, the EVAL's reply after {@code <endsession>} and the close that follows must be
 * Redis's, byte for byte. Values that differ by nature (a function's address, how far a loop got
 * before a timeout stop) are kept out of the sessions.
 */
class LuaDebuggerIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair();

    /** One debugging session: the EVAL's script, keys and arguments, then what the client sends. */
    private record Session(String name, String script, List<String> evalArgs, List<Object> commands) {
    }

    private static Object cmd(String... args) {
        return args;
    }

    private static Object raw(String bytes) {
        return bytes.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Session session(String name, String script, Object... commands) {
        return new Session(name, script, List.of("0"), List.of(commands));
    }

    private static Session session(String name, String script, List<String> evalArgs, Object... commands) {
        return new Session(name, script, evalArgs, List.of(commands));
    }

    private static final String LOOP = "local a = 1\nlocal t = {1,2,'x',{y=3}}\nredis.call('set','k','v')\n"
            + "redis.debug('hi', a, t)\nfor i=1,2 do\n  a = a + i\nend\nreturn redis.call('get','k')\n";

    static List<Session> sessions() {
        return List.of(
            session("help, list, whole, breakpoints, print, eval, redis, trace, maxlen", LOOP,
                cmd("help"), cmd("l"), cmd("w"), cmd("b", "6"), cmd("b"), cmd("p"), cmd("p", "t"), cmd("p", "ARGV"),
                cmd("e", "1+1"), cmd("e", "x=="), cmd("r", "ping"), cmd("r", "incr", "k"), cmd("t"), cmd("m"),
                cmd("m", "10"), cmd("zzz"), cmd("s"), cmd("p"), cmd("c"), cmd("s"), cmd("LIST", "0", "1"), cmd("c")),
            session("continue to the end", "local a = 1\nreturn a\n", cmd("c")),
            session("abort", "local a = 1\nreturn a\n", cmd("a")),
            session("redis.breakpoint", "redis.breakpoint()\nlocal x = 5\nreturn x", cmd("c"), cmd("c")),
            session("stepping into a function, trace and its locals",
                "local function f(x)\n  local y = x * 2\n  return y\nend\nlocal z = f(3)\nreturn z",
                cmd("s"), cmd("s"), cmd("s"), cmd("t"), cmd("p"), cmd("p", "z"), cmd("s"), cmd("s")),
            session("a failing command while stepping", "return redis.call('nosuch')", cmd("s")),
            session("a loop on one line, its hidden locals, maxlen 0",
                "local t = {} for i=1,100 do t[i]=i end return t", cmd("s"), cmd("s"), cmd("p"), cmd("m", "0"),
                cmd("p", "t"), cmd("c")),
            session("the redis command's logs", "return {1,2}", List.of("2", "k1", "k2", "a1"),
                cmd("r", "mget", "a", "b", "c"), cmd("r", "hset", "h", "f", "v"), cmd("r", "hgetall", "h"),
                cmd("r", "set", "x", "1"), cmd("r", "get", "x"), cmd("r", "incr", "h"), cmd("r", "nosuch"),
                cmd("r", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"), cmd("r", "hello", "3"),
                cmd("r"), cmd("e", "redis.call('get','x')"), cmd("e", "{a=1}"), cmd("e", "error('boom')"),
                cmd("p", "KEYS"), cmd("b", "0"), cmd("b", "99"), cmd("b", "-3"), cmd("b", "x"), cmd("l", "1", "0"),
                cmd("l", "0", "1"), cmd("c")),
            session("values as the debugger prints them", "return 1", cmd("e", "0/0"), cmd("e", "2^53"),
                cmd("e", "1e300*1e10"), cmd("e", "-1e300*1e10"), cmd("e", "123456789"), cmd("e", "0.000012345"),
                cmd("e", "-0"), cmd("e", "1/3"), cmd("e", "{1,nil,3}"), cmd("e", "{[true]=1}"),
                cmd("e", "'\\0\\255\\127\\r\\t\\a\\b\"'"), cmd("e", "return"), cmd("e", "x = "),
                cmd("e", "nosuchglobal"), cmd("e", "{{{{{{{{{{{{1}}}}}}}}}}}}"), cmd("e"), cmd("c")),
            session("redis.debug", "redis.debug('a', 1, nil, true, {k={1}}, 0.5)\nreturn redis.debug()", cmd("s"),
                cmd("s")),
            session("a coroutine stepped through",
                "local co = coroutine.wrap(function(a)\n  local b = a + 1\n  coroutine.yield(b)\n  return 7\nend)\n"
                    + "local r = co(1)\nreturn r",
                cmd("s"), cmd("s"), cmd("s"), cmd("t"), cmd("p", "b"), cmd("s"), cmd("s"), cmd("s")),
            session("a function called through pcall is no one's",
                "local function g() return 1 end\nlocal ok = pcall(function()\n  local q = g()\n  return q\nend)\n"
                    + "return ok",
                cmd("b", "3"), cmd("c"), cmd("t"), cmd("c")),
            session("a script that does not compile", "return +", cmd("c")),
            session("a bad key count", "return 1", List.of("x"), cmd("c")),
            session("an empty script", "", cmd("c")),
            session("removing a breakpoint, Redis's way", "redis.call('set','a','1')\nredis.call('set','b','2')\nreturn 1",
                cmd("b", "2"), cmd("b", "3"), cmd("b", "1"), cmd("b", "-2"), cmd("b"), cmd("b", "-1"), cmd("b"),
                cmd("c"), cmd("c")),
            session("trimmed values and the hint, once", "local t = {} for i=1,60 do t[i]='xxxxxxxx' end\nreturn 1",
                cmd("s"), cmd("p", "t"), cmd("p", "t"), cmd("m", "100"), cmd("p", "t"), cmd("c")),
            session("RESP3 replies", "redis.setresp(3)\nredis.call('hset','h','a','1')\nredis.call('zadd','z','1.5','m')\n"
                    + "return 1",
                cmd("s"), cmd("s"), cmd("s"), cmd("r", "hgetall", "h"), cmd("r", "zscore", "z", "m"),
                cmd("r", "smembers", "nosuch"), cmd("r", "get", "nosuch"), cmd("r", "ping"),
                cmd("r", "config", "get", "maxmemory"), cmd("c")),
            session("extra arguments of step", "return 1\n", cmd("s", "extra")),
            session("a request that is not a multi-bulk", "return 1", raw("junk\r\n")),
            // Redis's tests: "Test scripting debug protocol parsing" and "... lua stack overflow".
            session("NUL bytes in commands", "return 'hello'", raw("*1\r\n$13\r\n'hello\0world'\r\n"),
                raw("*1\r\n$8\r\n'hello\0'\r\n"), raw("*1\r\n$8\r\n'\0hello'\r\n"), raw("*1\r\n$9\r\n'\0hello\0'\r\n"),
                raw("*1\r\n$3\r\ns\0x\r\n")),
            session("a redis command of 100 arguments", "return 'hello'",
                raw("*101\r\n$5\r\nredis\r\n" + "$4\r\ntest\r\n".repeat(100)), cmd("c")),
            session("an argument over 1024 bytes", "return 1", cmd("e", "'" + "x".repeat(1100) + "'")));
    }

    @TestFactory
    Stream<DynamicTest> sessionsAsRedisRunsThem() {
        return sessions().stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> SERVERS.compare((port, out) -> {
            try (RawConnection c = new RawConnection(port)) {
                c.call("FLUSHALL");
            }
            run(s, port, out);
        })));
    }

    /** Runs a session, writing every reply; stops once the session ended (and checks the close). */
    private static void run(Session s, int port, List<String> out) throws Exception {
        try (RawConnection c = new RawConnection(port)) {
            c.timeout(10_000);
            out.add(c.call("SCRIPT", "DEBUG", "SYNC"));
            List<String> eval = new ArrayList<>(List.of("EVAL", s.script()));
            eval.addAll(s.evalArgs());
            c.send(eval.toArray(new String[0]));
            if (readUntilEnd(c, out)) {
                return;
            }
            for (Object command : s.commands()) {
                if (command instanceof byte[] b) {
                    c.sendRaw(b);
                } else {
                    c.send((String[]) command);
                }
                if (readUntilEnd(c, out)) {
                    return;
                }
            }
            out.add("(still in the session)");
        }
    }

    /** Reads the debugger's reply; true when it ended the session (then the EVAL's reply and the close follow). */
    private static boolean readUntilEnd(RawConnection c, List<String> out) throws Exception {
        String logs = c.readReply();
        out.add(logs);
        if (!logs.endsWith("+<endsession>\r\n")) {
            return false;
        }
        out.add(c.readReply());
        c.timeout(2_000);
        out.add(c.closedByServer() ? "(closed)" : "(left open)");
        return true;
    }

    @Test
    void theSessionsStartingErrorsAreRedisToo() throws Exception {
        SERVERS.compare((port, out) -> {
            try (RawConnection c = new RawConnection(port)) {
                out.add(c.call("SCRIPT", "DEBUG", "MAYBE"));
                out.add(c.call("SCRIPT", "DEBUG"));
                out.add(c.call("SCRIPT", "DEBUG", "SYNC"));
                out.add(c.call("EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"));
                out.add(c.call("EVALSHA", "short", "0"));
                out.add(c.call("SCRIPT", "DEBUG", "NO"));
                out.add(c.call("EVAL", "return redis.breakpoint()", "0"));
                out.add(c.call("EVAL", "return redis.debug('x')", "0"));
                // Earlier replies of a pipeline still unsent: the session would talk over them.
                c.sendRaw("PING\r\nSCRIPT DEBUG SYNC\r\n");
                out.add(c.readReply());
                out.add(c.readReply());
            }
        });
    }

    @Test
    void aClientThatLeavesLetsTheScriptRunToItsEnd() throws Exception {
        SERVERS.compare((port, out) -> {
            try (RawConnection c = new RawConnection(port)) {
                c.call("FLUSHALL");
                out.add(c.call("SCRIPT", "DEBUG", "SYNC"));
                c.send("EVAL", "redis.call('set','a','1')\nredis.call('set','b','2')\nreturn 1", "0");
                out.add(c.readReply());
            }
            try (RawConnection c = new RawConnection(port)) {
                String b = null;
                for (int i = 0; i < 100 && !"$1\r\n2\r\n".equals(b); i++) {
                    Thread.sleep(20);
                    b = c.call("GET", "b");
                }
                out.add(b);
            }
        });
    }

    @Test
    void aLoopStopsOnceItRunsPastTheBusyThreshold() throws Exception {
        SERVERS.compare((port, out) -> {
            try (RawConnection c = new RawConnection(port)) {
                c.call("CONFIG", "SET", "busy-reply-threshold", "200");
                out.add(c.call("SCRIPT", "DEBUG", "SYNC"));
                c.send("EVAL", "local i = 0\nwhile true do i = i + 1 end", "0");
                out.add(c.readReply());
                c.send("c");
                out.add(c.readReply());
                c.send("a");
                out.add(c.readReply());
                out.add(c.readReply());
            } finally {
                try (RawConnection c = new RawConnection(port)) {
                    c.call("CONFIG", "SET", "busy-reply-threshold", "5000");
                }
            }
        });
    }

    @Test
    void aSessionWithoutABusyThreshold() throws Exception {
        SERVERS.compare((port, out) -> {
            try (RawConnection c = new RawConnection(port)) {
                c.call("CONFIG", "SET", "busy-reply-threshold", "0");
            }
            try {
                run(session("busy-reply-threshold 0", "local a = 1\nreturn a", cmd("s"), cmd("p"), cmd("c")), port, out);
            } finally {
                try (RawConnection c = new RawConnection(port)) {
                    c.call("CONFIG", "SET", "busy-reply-threshold", "5000");
                }
            }
        });
    }

    /**
     * Where Cinnabar differs: Redis answers no one while a synchronous session lasts; Cinnabar
     * answers -BUSY, and SCRIPT KILL ends a session whose script has not written.
     */
    @Test
    void otherClientsAreToldBusyAndScriptKillEndsTheSession() throws Exception {
        ServerProcess cinnabar = SERVERS.cinnabar();
        try (RawConnection debugging = new RawConnection(cinnabar.port());
                RawConnection other = new RawConnection(cinnabar.port())) {
            debugging.timeout(10_000);
            other.call("DEL", "never");
            assertEquals("+OK\r\n", debugging.call("SCRIPT", "DEBUG", "SYNC"));
            debugging.send("EVAL", "local x = 1\nredis.call('set','never','1')\nreturn x", "0");
            assertTrue(debugging.readReply().startsWith("*2\r\n+* Stopped at 1"));
            assertEquals("-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n",
                    other.call("GET", "never"));
            assertEquals("+OK\r\n", other.call("SCRIPT", "KILL"));
            assertEquals("*1\r\n+<endsession>\r\n", debugging.readReply());
            assertTrue(debugging.readReply().startsWith("-ERR Script killed by user with SCRIPT KILL..."));
            assertTrue(debugging.closedByServer());
            assertEquals("$-1\r\n", other.call("GET", "never"));
        }
    }

    /** Redis forks for SCRIPT DEBUG YES and throws the child's changes away; Cinnabar does not run the script. */
    @Test
    void aForkedSessionIsRefusedWithoutRunningTheScript() throws Exception {
        try (RawConnection c = new RawConnection(SERVERS.cinnabar().port())) {
            c.call("DEL", "touched");
            assertEquals("+OK\r\n", c.call("SCRIPT", "DEBUG", "YES"));
            String reply = c.call("EVAL", "return redis.call('set','touched','1')", "0");
            assertTrue(reply.startsWith("-ERR SCRIPT DEBUG YES"), reply);
            assertEquals("+OK\r\n", c.call("SCRIPT", "DEBUG", "NO"));
            assertEquals("$-1\r\n", c.call("GET", "touched"));
            assertEquals("+OK\r\n", c.call("EVAL", "return redis.call('set','touched','1')", "0"));
        }
    }
}
