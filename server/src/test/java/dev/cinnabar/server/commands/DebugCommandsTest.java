package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.testing.EngineHarness;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DebugCommandsTest {
    static final String DENIED = "-ERR DEBUG command not allowed. If the enable-debug-command option is set to "
            + "\"local\", you can run it from a local connection, otherwise you need to set this option in the "
            + "configuration file, and then restart the server.\r\n";

    /** A harness whose enable-debug-command is {@code enableDebug}; the other DEBUG tests take "yes". */
    static EngineHarness harness(String enableDebug) {
        ServerConfig config = new ServerConfig();
        config.enableDebugCommand = enableDebug;
        return new EngineHarness(config);
    }

    private final EngineHarness h = harness("yes");

    private static Client remote(EngineHarness h) {
        Client c = new Client(h.engine.nextClientId(), h.server, null, "10.1.2.3:50000", "10.1.2.4:6379");
        h.engine.connected(c);
        return c;
    }

    @Test
    void refusedByDefaultEvenLocally() {
        EngineHarness no = harness("no");
        assertEquals(DENIED, no.call("DEBUG", "SLEEP", "0"));
        assertEquals(DENIED, no.call("debug", "nosuch"));
        // Arity comes first, as in Redis.
        assertEquals("-ERR wrong number of arguments for 'debug' command\r\n", no.call("DEBUG"));
        // Counted as rejected, like an arity error, for INFO commandstats.
        assertEquals(3, no.server.commands().get("debug").rejectedCalls);
        assertEquals(0, no.server.commands().get("debug").calls);
    }

    @Test
    void localAllowsLoopbackOnly() {
        EngineHarness local = harness("local");
        assertEquals("+OK\r\n", local.call("DEBUG", "SLEEP", "0"), "the harness client is 127.0.0.1");
        assertEquals(DENIED, local.call(remote(local), "DEBUG", "SLEEP", "0"));
        Client v6 = new Client(local.engine.nextClientId(), local.server, null, "0:0:0:0:0:0:0:1:50000", "::1:6379");
        local.engine.connected(v6);
        assertEquals("+OK\r\n", local.call(v6, "DEBUG", "SLEEP", "0"));
    }

    @Test
    void yesAllowsEveryone() {
        assertEquals("+OK\r\n", h.call(remote(h), "DEBUG", "SLEEP", "0"));
    }

    @Test
    void theGateComesBeforeAuthentication() {
        ServerConfig config = new ServerConfig();
        config.requirePass = "secret";
        EngineHarness auth = new EngineHarness(config);
        assertEquals(DENIED, auth.call("DEBUG", "OBJECT", "k"));
        config.enableDebugCommand = "yes";
        assertEquals("-NOAUTH Authentication required.\r\n", auth.call("DEBUG", "OBJECT", "k"));
    }

    @Test
    void objectDescribesTheValue() {
        h.call("SET", "s", "hello");
        h.call("SET", "i", "123");
        h.call("SET", "n", "100000");
        h.call("SET", "r", "abcdefghij".repeat(5));
        h.call("APPEND", "r", "");
        assertFields("embstr", 1, 6, h.call("DEBUG", "OBJECT", "s"));
        assertFields("int", Integer.MAX_VALUE, 2, h.call("DEBUG", "OBJECT", "i"));
        assertFields("int", 1, 5, h.call("DEBUG", "OBJECT", "n"));
        assertFields("raw", 1, 21, h.call("DEBUG", "OBJECT", "r"));
        h.call("CONFIG", "SET", "rdbcompression", "no");
        assertFields("raw", 1, 51, h.call("DEBUG", "OBJECT", "r"));
    }

    private static void assertFields(String encoding, int refcount, int serialized, String reply) {
        Matcher m = Pattern.compile("\\+Value at:0x[0-9a-f]+ refcount:(\\d+) encoding:(\\w+) serializedlength:(\\d+) "
                + "lru:(\\d+) lru_seconds_idle:(\\d+)\r\n").matcher(reply);
        assertTrue(m.matches(), reply);
        assertEquals(refcount, Integer.parseInt(m.group(1)), reply);
        assertEquals(encoding, m.group(2), reply);
        assertEquals(serialized, Integer.parseInt(m.group(3)), reply);
    }

    @Test
    void objectShowsTheAccessClockWithoutTouchingIt() {
        h.call("SET", "k", "v");
        long lru = (h.clock.millis() / 1000) & ((1 << 24) - 1);
        h.clock.advance(7000);
        String reply = h.call("DEBUG", "OBJECT", "k");
        assertTrue(reply.endsWith(" lru:" + lru + " lru_seconds_idle:7\r\n"), reply);
        assertTrue(h.call("DEBUG", "OBJECT", "k").endsWith(" lru_seconds_idle:7\r\n"), "DEBUG OBJECT is no access");
    }

    @Test
    void objectReadsTheTableAsItIs() {
        assertEquals("-ERR no such key\r\n", h.call("DEBUG", "OBJECT", "nokey"));
        h.call("SET", "k", "v", "PX", "5");
        h.clock.advance(100);
        assertTrue(h.call("DEBUG", "OBJECT", "k").startsWith("+Value at:"), "not expired by DEBUG OBJECT");
        assertEquals("$-1\r\n", h.call("GET", "k"));
        assertEquals("-ERR no such key\r\n", h.call("DEBUG", "OBJECT", "k"));
    }

    @Test
    void sleepStopsTheEngineThread() {
        long start = System.nanoTime();
        assertEquals("+OK\r\n", h.call("DEBUG", "SLEEP", "0.2"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 200, "slept " + millis + " ms");
        // strtod's reading: what is not a number is 0, a number followed by junk is the number.
        start = System.nanoTime();
        assertEquals("+OK\r\n", h.call("DEBUG", "SLEEP", "abc"));
        assertEquals("+OK\r\n", h.call("DEBUG", "SLEEP", "-1"));
        assertTrue((System.nanoTime() - start) / 1_000_000 < 150);
        start = System.nanoTime();
        assertEquals("+OK\r\n", h.call("DEBUG", "SLEEP", " 0.1xyz"));
        assertTrue((System.nanoTime() - start) / 1_000_000 >= 100);
    }

    @Test
    void setActiveExpireTurnsTheCycleOffAndOn() {
        h.call("SET", "k", "v", "PX", "10");
        h.clock.advance(1000);
        assertEquals("+OK\r\n", h.call("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
        assertFalse(h.server.activeExpire().enabled());
        h.server.keyspace().updateTime();
        h.server.activeExpire().slow(10, 1);
        assertEquals(1, h.server.keyspace().db(0).size(), "left to lazy expiry");
        // atoi: anything that does not start with digits is 0, any other number turns it on.
        assertEquals("+OK\r\n", h.call("DEBUG", "SET-ACTIVE-EXPIRE", "abc"));
        assertFalse(h.server.activeExpire().enabled());
        assertEquals("+OK\r\n", h.call("DEBUG", "SET-ACTIVE-EXPIRE", "1"));
        assertTrue(h.server.activeExpire().enabled());
        // atoi's 32 bits: 4294967296 reads as 0, as in Redis.
        assertEquals("+OK\r\n", h.call("DEBUG", "SET-ACTIVE-EXPIRE", "4294967296"));
        assertFalse(h.server.activeExpire().enabled());
        assertEquals("+OK\r\n", h.call("DEBUG", "SET-ACTIVE-EXPIRE", "2"));
        assertTrue(h.server.activeExpire().enabled());
        h.server.activeExpire().slow(10, 1);
        assertEquals(0, h.server.keyspace().db(0).size());
    }

    @Test
    void subcommandErrorsAndHelp() {
        assertEquals("-ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP.\r\n",
                h.call("DEBUG", "foo"));
        assertEquals("-ERR unknown subcommand or wrong number of arguments for 'object'. Try DEBUG HELP.\r\n",
                h.call("DEBUG", "object"));
        assertEquals("-ERR unknown subcommand or wrong number of arguments for 'Sleep'. Try DEBUG HELP.\r\n",
                h.call("DEBUG", "Sleep", "1", "2"));
        assertEquals("-ERR unknown subcommand or wrong number of arguments for 'HELP'. Try Debug HELP.\r\n"
                .replace("Debug", "DEBUG"), h.call("debug", "HELP", "x"));
        assertEquals("-ERR unknown subcommand or wrong number of arguments for 'reload'. Try DEBUG HELP.\r\n",
                h.call("DEBUG", "reload"), "Redis's other subcommands do not exist here");
        String help = h.call("DEBUG", "HELP");
        assertTrue(help.startsWith("*38\r\n+DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
                + "+CONFIG-REWRITE-FORCE-ALL\r\n"), help);
        assertTrue(help.endsWith("+HELP\r\n+    Prints this help.\r\n"), help);
        // The subcommands served, in Redis's order (DebugIT compares the lines with redis-server's).
        int at = 0;
        for (String sub : new String[] {"CONFIG-REWRITE-FORCE-ALL", "DIGEST", "DIGEST-VALUE", "ERROR", "OBJECT",
            "POPULATE", "PROTOCOL", "SET-ACTIVE-EXPIRE", "SLEEP", "STRINGMATCH-TEST", "REPLYBUFFER PEAK-RESET-TIME",
            "REPLYBUFFER RESIZING", "HELP"}) {
            int next = help.indexOf("\r\n+" + sub, at);
            assertTrue(next > at, sub + " after the one before it\n" + help);
            at = next;
        }
    }
}
