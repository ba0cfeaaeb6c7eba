package dev.cinnabar.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCommandsTest {
    @TempDir
    Path tmp;

    private final EngineHarness h = new EngineHarness();

    @AfterEach
    void restoreLogLevel() {
        ServerLog.level(ServerLog.Level.NOTICE);
    }

    @Test
    void switchingToAnLfuPolicyStartsCountingAccesses() {
        h.call("SET", "k", "v");
        assertTrue(h.call("OBJECT", "FREQ", "k").startsWith("-ERR An LFU maxmemory policy is not selected"));
        assertEquals("+OK\r\n", h.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"));
        h.call("SET", "k2", "v");
        assertEquals(":5\r\n", h.call("OBJECT", "FREQ", "k2"));
        h.call("GET", "k2");
        assertEquals(":6\r\n", h.call("OBJECT", "FREQ", "k2"));
        assertEquals("+OK\r\n", h.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"));
        assertTrue(h.call("OBJECT", "FREQ", "k2").startsWith("-ERR An LFU maxmemory policy is not selected"));
    }

    @Test
    void aNonAsciiPasswordSetByConfigSetIsComparedByItsBytes() {
        assertEquals("+OK\r\n", h.call("CONFIG", "SET", "requirepass", "p\u00e4ss\u00e9"));
        Client other = h.newClient();
        assertTrue(h.call(other, "GET", "k").startsWith("-NOAUTH"));
        assertTrue(h.call(other, "AUTH", "pass").startsWith("-WRONGPASS"));
        assertEquals("+OK\r\n", h.call(other, "AUTH", "p\u00e4ss\u00e9"));
    }

    @Test
    void getRepliesWithAMap() {
        assertEquals("*2\r\n$2\r\nhz\r\n$2\r\n10\r\n", h.call("CONFIG", "GET", "hz"));
        assertEquals("*2\r\n$2\r\nHZ\r\n$2\r\n10\r\n", h.call("CONFIG", "GET", "HZ", "hz"));
        assertEquals("*0\r\n", h.call("CONFIG", "GET", "nosuch*"));
        h.client.reply.protocol(3);
        assertEquals("%2\r\n$2\r\nhz\r\n$2\r\n10\r\n$7\r\ntimeout\r\n$1\r\n0\r\n", h.call("CONFIG", "GET", "hz", "timeout"));
    }

    @Test
    void getWithPatternsFindsAliasesButNotHiddenOnes() {
        String r = h.call("CONFIG", "GET", "*ziplist-entries");
        assertTrue(r.startsWith("*4\r\n"), r);
        assertTrue(r.contains("hash-max-ziplist-entries") && r.contains("zset-max-ziplist-entries"), r);
        assertEquals("*0\r\n", h.call("CONFIG", "GET", "use-exit-*"));
        assertEquals("*2\r\n$17\r\nuse-exit-on-panic\r\n$2\r\nno\r\n", h.call("CONFIG", "GET", "use-exit-on-panic"));
        assertEquals("*384\r\n", h.call("CONFIG", "GET", "*").substring(0, 6));
    }

    @Test
    void setReportsErrorsLikeRedis() {
        assertEquals("-ERR syntax error\r\n", h.call("CONFIG", "SET", "hz", "1", "timeout"));
        assertEquals("-ERR wrong number of arguments for 'config|set' command\r\n", h.call("CONFIG", "SET", "hz"));
        assertEquals("-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n", h.call("CONFIG", "SET", "foo", "1"));
        assertEquals("-ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config\r\n",
                h.call("CONFIG", "SET", "daemonize", "yes"));
        assertEquals("-ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter\r\n",
                h.call("CONFIG", "SET", "hz", "1", "hz", "2"));
        assertEquals("+OK\r\n", h.call("CONFIG", "SET", "hz", "25", "timeout", "7"));
        assertEquals(25, h.config.hz);
        assertEquals(7, h.config.timeoutSeconds);
    }

    @Test
    void maxclientsTakesEffectForNewConnections() {
        h.newClient();
        assertEquals("+OK\r\n", h.call("CONFIG", "SET", "maxclients", "2"));
        Client third = h.newClient();
        assertEquals("-ERR max number of clients reached\r\n", h.drain(third));
    }

    @Test
    void requirepassTakesEffectForNewConnections() {
        assertEquals("+OK\r\n", h.call("CONFIG", "SET", "requirepass", "secret"));
        assertEquals("*2\r\n$2\r\nhz\r\n$2\r\n10\r\n", h.call("CONFIG", "GET", "hz"), "this connection stays in");
        Client other = h.newClient();
        assertEquals("-NOAUTH Authentication required.\r\n", h.call(other, "CONFIG", "GET", "hz"));
        assertEquals("+OK\r\n", h.call("CONFIG", "SET", "requirepass", ""));
        assertEquals("*2\r\n$2\r\nhz\r\n$2\r\n10\r\n", h.call(h.newClient(), "CONFIG", "GET", "hz"));
    }

    @Test
    void loglevelTakesEffect() {
        assertEquals("+OK\r\n", h.call("CONFIG", "SET", "loglevel", "WARNING"));
        assertEquals(ServerLog.Level.WARNING, ServerLog.level());
        assertEquals("*2\r\n$8\r\nloglevel\r\n$7\r\nwarning\r\n", h.call("CONFIG", "GET", "loglevel"));
    }

    @Test
    void resetstatClearsCounters() {
        h.call("CONFIG", "GET", "hz");
        h.call("CONFIG", "SET", "nosuch", "1");
        assertTrue(h.server.stats().commandsProcessed > 0);
        assertEquals("+OK\r\n", h.call("CONFIG", "RESETSTAT"));
        // RESETSTAT itself is counted after the reset, as in Redis.
        assertEquals(1, h.server.stats().commandsProcessed);
        assertEquals(0, h.server.stats().errorReplies);
        CommandSpec get = h.server.commands().get("config|get");
        assertEquals(0, get.calls);
        assertEquals(0, h.server.commands().get("config|set").failedCalls);
    }

    @Test
    void rewriteNeedsAConfigFile() throws Exception {
        assertEquals("-ERR The server is running without a config file\r\n", h.call("CONFIG", "REWRITE"));
        Path f = tmp.resolve("c.conf");
        Files.writeString(f, "# kept\nhz 10\n");
        h.config.configFile = f.toString();
        h.call("CONFIG", "SET", "hz", "15");
        assertEquals("+OK\r\n", h.call("CONFIG", "REWRITE"));
        assertTrue(Files.readString(f).startsWith("# kept\nhz 15\n"));
        h.config.configFile = tmp.resolve("nodir/c.conf").toString();
        assertEquals("-ERR Rewriting config file: No such file or directory\r\n", h.call("CONFIG", "REWRITE"));
    }

    @Test
    void help() {
        assertEquals("*11\r\n+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+GET <pattern>\r\n"
                + "+    Return parameters matching the glob-like <pattern> and their values.\r\n"
                + "+SET <directive> <value>\r\n+    Set the configuration <directive> to <value>.\r\n+RESETSTAT\r\n"
                + "+    Reset statistics reported by the INFO command.\r\n+REWRITE\r\n"
                + "+    Rewrite the configuration file.\r\n+HELP\r\n+    Prints this help.\r\n", h.call("CONFIG", "HELP"));
        assertEquals("-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\r\n", h.call("CONFIG", "FOO"));
    }
}
