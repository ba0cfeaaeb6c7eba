package dev.cinnabar.server.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigSetTest {
    private final ServerConfig c = new ServerConfig();

    private String set(String... pairs) {
        return ConfigSet.set(c, List.of(pairs), false);
    }

    @Test
    void setsSeveralAtOnce() {
        assertNull(set("hz", "20", "timeout", "30", "maxmemory", "1mb", "save", "60 5"));
        assertEquals(20, c.hz);
        assertEquals(30, c.timeoutSeconds);
        assertEquals(1L << 20, c.maxMemory);
        assertArrayEquals(new long[] {60, 5}, c.save);
    }

    @Test
    void aFailureLeavesEveryValueAsItWas() {
        String err = set("hz", "20", "timeout", "30", "save", "60 5", "maxmemory-policy", "nope", "maxclients", "5");
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one "
                + "of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, "
                + "allkeys-random, noeviction", err);
        assertEquals(10, c.hz);
        assertEquals(0, c.timeoutSeconds);
        assertArrayEquals(new long[] {3600, 1, 300, 100, 60, 10000}, c.save);
        assertEquals(10000, c.maxClients);
    }

    @Test
    void aFailedApplyRestoresAndReappliesEverything() {
        List<String> calls = new ArrayList<>();
        c.hooks = new ConfigHooks() {
            @Override
            public void portChanged(ServerConfig config) throws ConfigError {
                calls.add("port " + config.port);
                if (config.port == 7001) {
                    throw new ConfigError("Unable to listen on this port. Check server logs.");
                }
            }

            @Override
            public void bindChanged(ServerConfig config) {
                calls.add("bind " + String.join(" ", config.bind));
            }
        };
        String err = set("bind", "127.0.0.1", "hz", "33", "port", "7001");
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. "
                + "Check server logs.", err);
        assertEquals(6379, c.port);
        assertEquals(10, c.hz);
        assertArrayEquals(new String[] {"*", "-::*"}, c.bind);
        assertEquals(List.of("bind 127.0.0.1", "port 7001", "bind * -::*", "port 6379"), calls);
    }

    @Test
    void applyRunsOnlyForRealChanges() {
        List<String> calls = new ArrayList<>();
        c.hooks = new ConfigHooks() {
            @Override
            public void portChanged(ServerConfig config) {
                calls.add("port");
            }
        };
        assertNull(set("port", "6379"));
        assertEquals(List.of(), calls);
        assertNull(set("port", "6380"));
        assertEquals(List.of("port"), calls);
    }

    @Test
    void unknownNamesComeFirstUnlessAnotherErrorCameBefore() {
        assertEquals("ERR Unknown option or number of arguments for CONFIG SET - 'foo'", set("foo", "1", "daemonize", "no"));
        assertEquals("ERR Unknown option or number of arguments for CONFIG SET - 'foo'", set("hz", "1", "foo", "1", "bar", "2"));
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'DAEMONIZE') - can't set immutable config",
                set("DAEMONIZE", "no", "foo", "1"));
    }

    @Test
    void immutableAndProtected() {
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config",
                set("databases", "4"));
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config",
                set("dir", "/tmp"));
        c.enableProtectedConfigs = "local";
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config",
                set("dbfilename", "x.rdb"));
        assertNull(ConfigSet.set(c, List.of("dbfilename", "x.rdb"), true));
        assertEquals("x.rdb", c.dbFilename);
        c.enableProtectedConfigs = "yes";
        assertNull(set("dir", "/tmp"));
    }

    @Test
    void duplicatesAreCaughtPerNameButAliasesAreSeparate() {
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter",
                set("hz", "1", "HZ", "2"));
        assertNull(set("hash-max-ziplist-entries", "100", "hash-max-listpack-entries", "200"));
        assertEquals(200, c.hashMaxListpackEntries);
    }

    @Test
    void errorsNameTheEntryUsed() {
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'hash-max-ziplist-entries') - argument "
                + "couldn't be parsed into an integer", set("HASH-MAX-ZIPLIST-ENTRIES", "x"));
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an "
                + "integer", set("HZ", "x"));
    }

    @Test
    void multiArgumentValuesSplitOnEverySpace() {
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Wrong number "
                + "of arguments in buffer limit configuration.", set("client-output-buffer-limit", "normal  1 1 1"));
        assertNull(set("client-output-buffer-limit", ""));
        assertNull(set("save", ""));
        assertArrayEquals(new long[0], c.save);
    }

    @Test
    void valuesComeBackAsRedisPrintsThem() throws ConfigError {
        assertNull(set("maxmemory", "2gb", "maxmemory-clients", "10%", "oom-score-adj", "relative",
                "notify-keyspace-events", "Kx", "shutdown-on-sigterm", "force now save", "hz", "1000"));
        assertEquals("2147483648", Directives.lookup("maxmemory").get(c));
        assertEquals("10%", Directives.lookup("maxmemory-clients").get(c));
        assertEquals("yes", Directives.lookup("oom-score-adj").get(c));
        assertEquals("xK", Directives.lookup("notify-keyspace-events").get(c));
        assertEquals("save now force", Directives.lookup("shutdown-on-sigterm").get(c));
        assertEquals("500", Directives.lookup("hz").get(c));
        assertEquals("0", Directives.lookup("unixsocketperm").get(c));
        ConfigSet.setOne(c, "maxmemory", "18446744073709551615");
        assertEquals("18446744073709551615", Directives.lookup("maxmemory").get(c));
    }
}
