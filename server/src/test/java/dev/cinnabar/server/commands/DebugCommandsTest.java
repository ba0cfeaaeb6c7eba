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

    /** The figures redis-server 7.0.15 prints for the same commands. */
    @Test
    void quicklistPackedThresholdMakesPlainNodes() {
        String error = "-ERR argument must be a memory value bigger than 1 and smaller than 4gb\r\n";
        assertEquals(error, h.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "4gb"));
        assertEquals(error, h.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "-1"));
        assertEquals(error, h.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1x"));
        try {
            assertEquals("+OK\r\n", h.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "5"));
            assertEquals(":5\r\n", h.call("RPUSH", "l", "a", "bb", "123456", "abcdefgh", "1234"));
            String object = h.call("DEBUG", "OBJECT", "l");
            assertTrue(object.contains(" serializedlength:45 "), object);
            assertTrue(object.endsWith(" ql_nodes:4 ql_avg_node:1.25 ql_listpack_max:-2 ql_compressed:0"
                    + " ql_uncompressed_size:38\r\n"), object);
            assertEquals("+OK\r\n", h.call("LSET", "l", "1", "replaced-large"));
            object = h.call("DEBUG", "OBJECT", "l");
            assertTrue(object.contains(" serializedlength:57 "), object);
            assertTrue(object.endsWith(" ql_nodes:5 ql_avg_node:1.00 ql_listpack_max:-2 ql_compressed:0"
                    + " ql_uncompressed_size:48\r\n"), object);
            assertEquals("*5\r\n$1\r\na\r\n$14\r\nreplaced-large\r\n$6\r\n123456\r\n$8\r\nabcdefgh\r\n"
                    + "$4\r\n1234\r\n", h.call("LRANGE", "l", "0", "-1"));
        } finally {
            assertEquals("+OK\r\n", h.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0"));
        }
        assertEquals(1L << 30, dev.cinnabar.datatypes.Quicklist.packedThreshold());
    }

    @Test
    void disableDenyScriptsStillRefusesWhatWouldActOnTheScriptsOwnClient() {
        assertEquals("+OK\r\n", h.call("DEBUG", "SET-DISABLE-DENY-SCRIPTS", "1"));
        assertEquals("$3\r\nbar\r\n", h.call("EVAL", "redis.call('set', 'foo', 'bar') return redis.call('debug', "
                + "'digest-value', 'foo') and redis.call('get', 'foo')", "0"));
        for (String call : new String[] {"'eval', 'return 1', '0'", "'multi'", "'subscribe', 'ch'", "'blpop', 'l', '0'",
            "'client', 'reply', 'off'", "'hello', '3'", "'shutdown', 'nosave'", "'function', 'flush'"}) {
            String reply = h.call("EVAL", "return redis.call(" + call + ")", "0");
            assertTrue(reply.startsWith("-ERR This Redis command is not allowed from script "), call + ": " + reply);
        }
        assertEquals("+OK\r\n", h.call("DEBUG", "SET-DISABLE-DENY-SCRIPTS", "0"));
        assertTrue(h.call("EVAL", "return redis.call('debug', 'digest')", "0")
                .startsWith("-ERR This Redis command is not allowed from script "));
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
        assertEquals("-ERR unknown subcommand or wrong number of arguments for 'restart'. Try DEBUG HELP.\r\n",
                h.call("DEBUG", "restart"), "Redis's other subcommands do not exist here");
        assertEquals("-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.\r\n",
                h.call("DEBUG", "reload", "merge", "now"));
        String help = h.call("DEBUG", "HELP");
        assertTrue(help.startsWith("*87\r\n+DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
                + "+AOF-FLUSH-SLEEP <microsec>\r\n"), help);
        assertTrue(help.endsWith("+HELP\r\n+    Prints this help.\r\n"), help);
        // The subcommands served, in Redis's order (DebugIT compares the lines with redis-server's).
        int at = 0;
        for (String sub : new String[] {"AOF-FLUSH-SLEEP", "ASSERT", "CHANGE-REPL-ID", "CONFIG-REWRITE-FORCE-ALL", "DIGEST",
            "DIGEST-VALUE", "ERROR", "LOG", "HTSTATS", "HTSTATS-KEY", "LOADAOF", "REPLICATE", "OBJECT", "DROP-CLUSTER-PACKET-FILTER", "OOM", "PANIC", "POPULATE",
            "PROTOCOL", "RELOAD", "SEGFAULT", "SET-ACTIVE-EXPIRE",
            "QUICKLIST-PACKED-THRESHOLD", "SET-SKIP-CHECKSUM-VALIDATION", "SLEEP",
            "STRINGMATCH-TEST", "LISTPACK", "PAUSE-CRON",
            "REPLYBUFFER PEAK-RESET-TIME", "REPLYBUFFER RESIZING", "CLUSTERLINK KILL", "HELP"}) {
            int next = help.indexOf("\r\n+" + sub, at);
            assertTrue(next > at, sub + " after the one before it\n" + help);
            at = next;
        }
    }

    private String address(String key) {
        Matcher m = Pattern.compile("Value at:(0x[0-9a-f]+) ").matcher(h.call("DEBUG", "OBJECT", key));
        assertTrue(m.find());
        return m.group(1);
    }

    @Test
    void objectAddressFollowsTheValueObjectAsRedisDoes() {
        h.call("SET", "n", "100000");
        String at = address("n");
        h.call("INCR", "n");
        assertEquals(at, address("n"), "an unshared integer is changed in place");
        h.call("INCRBY", "n", "-200000");
        assertEquals(at, address("n"));
        h.call("SET", "n", "100000");
        String set = address("n");
        assertFalse(set.equals(at), "SET makes a new value object");
        h.call("SET", "s", "5");
        h.call("SET", "t", "5");
        assertEquals(address("s"), address("t"), "shared integers are one object");
        h.call("INCR", "s");
        assertFalse(address("s").equals(address("t")), "6 is another shared object");
        h.call("SET", "r", "abc");
        String embstr = address("r");
        h.call("APPEND", "r", "d");
        String raw = address("r");
        assertFalse(raw.equals(embstr), "APPEND turns an embstr into a new raw object");
        h.call("APPEND", "r", "e");
        h.call("SETRANGE", "r", "0", "x");
        assertEquals(raw, address("r"), "a raw string grows in place");
        h.call("EXPIRE", "r", "100");
        h.call("RENAME", "r", "q");
        assertEquals(raw, address("q"), "RENAME moves the same object");
        h.call("SET", "w", "abcd");
        String first = address("w");
        h.call("SET", "w", "wxyz");
        assertFalse(address("w").equals(first), "a new value object, though its bytes went into the old array");
        h.call("INCRBYFLOAT", "n", "1");
        assertFalse(address("n").equals(set), "INCRBYFLOAT stores a new string");
    }

    @Test
    void changeReplIdGivesTheServerANewHistory() {
        String before = h.server.ids().replicationId();
        String info = h.call("INFO", "replication");
        assertTrue(info.contains("master_replid:" + before), info);
        assertEquals("+OK\r\n", h.call("DEBUG", "CHANGE-REPL-ID"));
        String after = h.server.ids().replicationId();
        assertFalse(after.equals(before));
        assertTrue(after.matches("[0-9a-f]{40}"), after);
        info = h.call("INFO", "replication");
        assertTrue(info.contains("master_replid:" + after), info);
        assertTrue(info.contains("master_replid2:0000000000000000000000000000000000000000"), info);
        assertFalse(new EngineHarness().server.ids().replicationId().equals(after), "each server has its own");
    }

    @Test
    void pauseCronStopsTheCronAndNothingElse() {
        h.config.timeoutSeconds = 1;
        Client idle = h.newClient();
        h.call("SET", "k", "v", "PX", "10");
        assertEquals("+OK\r\n", h.call("DEBUG", "PAUSE-CRON", "1"));
        h.clock.advance(5000);
        h.engine.runCron();
        assertFalse(idle.isClosed(), "no client timeouts while paused");
        assertEquals(1, h.server.keyspace().db(0).size(), "no active expiry");
        assertEquals("$-1\r\n", h.call("GET", "k"), "lazy expiry still works");
        assertEquals("-ERR unknown subcommand or wrong number of arguments for 'pause-cron'. Try DEBUG HELP.\r\n",
                h.call("DEBUG", "pause-cron"));
        assertEquals("+OK\r\n", h.call("DEBUG", "PAUSE-CRON", "0"));
        h.clock.advance(5000);
        h.engine.runCron();
        assertTrue(idle.isClosed());
    }
}
