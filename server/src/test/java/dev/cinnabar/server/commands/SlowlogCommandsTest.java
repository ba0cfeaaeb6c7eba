package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.Clock;
import dev.cinnabar.server.engine.Engine;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SlowlogCommandsTest {
    private final EngineHarness h = new EngineHarness();

    private static String entry(long id, String... args) {
        return named(id, "", args);
    }

    private static String named(long id, String name, String... args) {
        StringBuilder sb = new StringBuilder("*6\r\n:" + id + "\r\n:1700000000\r\n:0\r\n*" + args.length + "\r\n");
        for (String a : args) {
            sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        sb.append("$15\r\n127.0.0.1:40000\r\n$").append(name.length()).append("\r\n").append(name).append("\r\n");
        return sb.toString();
    }

    @Test
    void logsEveryCommandAtThresholdZeroNewestFirst() {
        assertEquals("+OK\r\n", h.call("CONFIG", "SET", "slowlog-log-slower-than", "0"));
        h.call("SET", "k", "v");
        h.call("CLIENT", "SETNAME", "me");
        h.call("GET");      // rejected: never logged
        h.call("NOSUCH");   // unknown: never logged
        assertEquals(":3\r\n", h.call("SLOWLOG", "LEN"));
        assertEquals("*2\r\n" + named(3, "me", "SLOWLOG", "LEN") + named(2, "me", "CLIENT", "SETNAME", "me"),
                h.call("SLOWLOG", "GET", "2"));
        String all = h.call("SLOWLOG", "GET", "-1");
        assertTrue(all.startsWith("*5\r\n" + named(4, "me", "SLOWLOG", "GET", "2")), all);
        assertTrue(all.endsWith(entry(1, "SET", "k", "v") + entry(0, "CONFIG", "SET", "slowlog-log-slower-than", "0")), all);
        assertEquals("*0\r\n", h.call("SLOWLOG", "GET", "0"));
    }

    @Test
    void getDefaultsToTenAndChecksItsCount() {
        h.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
        for (int i = 0; i < 15; i++) {
            h.call("PING");
        }
        assertTrue(h.call("SLOWLOG", "GET").startsWith("*10\r\n"));
        assertTrue(h.call("SLOWLOG", "GET", "100").startsWith("*17\r\n"));
        String bad = "-ERR count should be greater than or equal to -1\r\n";
        assertEquals(bad, h.call("SLOWLOG", "GET", "-2"));
        assertEquals(bad, h.call("SLOWLOG", "GET", "x"));
        assertEquals(bad, h.call("SLOWLOG", "GET", "99999999999999999999"));
        assertEquals("-ERR unknown subcommand or wrong number of arguments for 'GeT'. Try SLOWLOG HELP.\r\n",
                h.call("slowlog", "GeT", "1", "2"));
        assertEquals("-ERR wrong number of arguments for 'slowlog|len' command\r\n", h.call("SLOWLOG", "LEN", "x"));
        assertEquals("-ERR unknown subcommand 'nope'. Try SLOWLOG HELP.\r\n", h.call("SLOWLOG", "nope"));
    }

    @Test
    void resetEmptiesButIdsGoOn() {
        h.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
        h.call("PING");
        assertEquals("+OK\r\n", h.call("SLOWLOG", "RESET"));
        // SLOWLOG RESET itself is logged once it has run.
        assertEquals(":1\r\n", h.call("SLOWLOG", "LEN"));
        assertEquals("*1\r\n" + entry(3, "SLOWLOG", "LEN"), h.call("SLOWLOG", "GET", "1"));
    }

    @Test
    void negativeThresholdDisablesAndMaxLenTrims() {
        assertEquals(":0\r\n", h.call("SLOWLOG", "LEN"));
        h.call("CONFIG", "SET", "slowlog-log-slower-than", "-1");
        h.call("PING");
        assertEquals(":0\r\n", h.call("SLOWLOG", "LEN"));
        h.call("CONFIG", "SET", "slowlog-log-slower-than", "0", "slowlog-max-len", "2");
        h.call("PING");
        h.call("PING");
        h.call("PING");
        assertEquals(":2\r\n", h.call("SLOWLOG", "LEN"));
        // The default threshold, 10 ms, is not reached by anything under the manual clock.
        h.call("CONFIG", "SET", "slowlog-log-slower-than", "10000");
        h.call("SLOWLOG", "RESET");
        h.call("PING");
        assertEquals(":0\r\n", h.call("SLOWLOG", "LEN"));
    }

    @Test
    void secretsAreRedacted() {
        h.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
        h.call("AUTH", "pw");
        h.call("AUTH", "user", "pw");
        h.call("HELLO", "2", "AUTH", "default", "pw", "SETNAME", "x");
        h.call("CONFIG", "SET", "requirepass", "", "maxmemory", "0");
        String log = h.call("SLOWLOG", "GET", "4");
        assertTrue(log.contains(named(4, "x", "CONFIG", "SET", "requirepass", "(redacted)", "maxmemory", "0")), log);
        assertTrue(log.contains(named(3, "x", "HELLO", "2", "AUTH", "(redacted)", "(redacted)", "SETNAME", "x")), log);
        assertTrue(log.contains(entry(2, "AUTH", "(redacted)", "(redacted)")), log);
        assertTrue(log.contains(entry(1, "AUTH", "(redacted)")), log);
        // The next command is not affected.
        h.call("SET", "pw", "pw");
        assertTrue(h.call("SLOWLOG", "GET", "2").contains(named(6, "x", "SET", "pw", "pw")));
    }

    @Test
    void helpIsRedisText() {
        String help = h.call("SLOWLOG", "HELP");
        assertTrue(help.startsWith("*12\r\n+SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+GET [<count>]\r\n"), help);
        assertTrue(help.endsWith("+HELP\r\n+    Prints this help.\r\n"), help);
    }

    /** A clock whose every reading is 3 ms after the previous one, so each command takes a few ms. */
    private static final class SteppingClock implements Clock {
        private long nanos;

        @Override
        public long millis() {
            return 1_700_000_000_000L;
        }

        @Override
        public long nanos() {
            nanos += 3_000_000;
            return nanos;
        }
    }

    @Test
    void theDispatcherTimesEachCommand() {
        Engine engine = new Engine(new ServerConfig(), new SteppingClock());
        Client c = new Client(engine.nextClientId(), engine.server(), null, "127.0.0.1:1", "127.0.0.1:6379");
        engine.connected(c);
        byte[] cmd = "SLOWLOG LEN\r\nCONFIG SET slowlog-log-slower-than 2000 latency-monitor-threshold 2\r\nPING\r\nSLOWLOG LEN\r\nLATENCY LATEST\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        c.decoder.feed(cmd, 0, cmd.length);
        engine.processInput(c);
        String replies = c.reply.buffer().toString(StandardCharsets.ISO_8859_1);
        // CONFIG SET and PING were logged; PING is fast, CONFIG SET is not.
        assertTrue(replies.startsWith(":0\r\n+OK\r\n+PONG\r\n:2\r\n*2\r\n"), replies);
        assertTrue(replies.contains("$7\r\ncommand\r\n:1700000000\r\n"), replies);
        assertTrue(replies.contains("$12\r\nfast-command\r\n:1700000000\r\n"), replies);
    }
}
