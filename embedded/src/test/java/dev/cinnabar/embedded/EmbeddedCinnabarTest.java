package dev.cinnabar.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

class EmbeddedCinnabarTest {
    private static String info(Jedis j, String section, String field) {
        for (String line : j.info(section).split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        return null;
    }

    @Test
    void servesAClientOnAFreePortAndFreesItOnClose() throws IOException {
        int port;
        try (EmbeddedCinnabar redis = EmbeddedCinnabar.start(); Jedis j = new Jedis(redis.host(), redis.port())) {
            port = redis.port();
            assertEquals("redis://127.0.0.1:" + port, redis.uri());
            assertEquals("OK", j.set("k", "v"));
            assertEquals("v", j.get("k"));
            assertEquals(3L, j.rpush("l", "a", "b", "c"));
            // Lua 5.1's numbers, as Redis's scripts see them: the server's own LuaJ classes, not
            // those of the luaj-jse jar beside it on the classpath (which prints 1.0E100)
            assertEquals("2.5", j.eval("return tostring(5/2)"));
            assertEquals("1e+100", j.eval("return tostring(1e100)"));
            assertEquals("", j.configGet("save").get("save"));
            assertTrue(redis.isRunning());
        }
        // The port is free again: nothing is left listening.
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertEquals(port, s.getLocalPort());
        }
    }

    @Test
    void serversInOneJvmKeepTheirDataApart() {
        try (EmbeddedCinnabar a = EmbeddedCinnabar.start();
             EmbeddedCinnabar b = EmbeddedCinnabar.start();
             Jedis ja = new Jedis(a.host(), a.port());
             Jedis jb = new Jedis(b.host(), b.port())) {
            assertNotEquals(a.port(), b.port());
            ja.set("only-in-a", "1");
            assertEquals("1", ja.get("only-in-a"));
            assertEquals(null, jb.get("only-in-a"));
            assertEquals(0L, jb.dbSize());
        }
    }

    @Test
    void settingsAreRedisConfDirectives() {
        try (EmbeddedCinnabar redis = EmbeddedCinnabar.builder()
                .setting("maxmemory", "10mb")
                .setting("maxmemory-policy", "allkeys-lru")
                .setting("save", "60", "1000")
                .start();
             Jedis j = new Jedis(redis.host(), redis.port())) {
            assertEquals("10485760", j.configGet("maxmemory").get("maxmemory"));
            assertEquals("allkeys-lru", j.configGet("maxmemory-policy").get("maxmemory-policy"));
            assertEquals("60 1000", j.configGet("save").get("save"));
            assertEquals("127.0.0.1", j.configGet("bind").get("bind"));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddedCinnabar.builder().setting("maxmemory-policy", "sometimes").start());
        assertTrue(e.getMessage().contains("argument(s) must be one of the following"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EmbeddedCinnabar.builder().setting("no-such-directive", "1").start());
    }

    /** With the engine on the event loop (the default) and on a thread of its own. */
    @ParameterizedTest(name = "io-threads {0}")
    @ValueSource(strings = {"1", "2"})
    void aClientsShutdownStopsTheServerNotTheJvm(String ioThreads) throws InterruptedException {
        try (EmbeddedCinnabar redis = EmbeddedCinnabar.builder().setting("io-threads", ioThreads).start()) {
            try (Jedis j = new Jedis(redis.host(), redis.port())) {
                j.set("k", "v");
                try {
                    j.shutdown();
                } catch (RuntimeException expected) {
                    // the connection closes under the client, as with Redis
                }
            }
            assertTrue(redis.awaitStop(10_000), "stopped");
            assertFalse(redis.isRunning());
            try (Jedis j = new Jedis(redis.host(), redis.port())) {
                assertThrows(RuntimeException.class, j::ping, "nothing listens any more");
            }
        }
        // and this JVM goes on: a new server starts
        try (EmbeddedCinnabar again = EmbeddedCinnabar.start(); Jedis j = new Jedis(again.host(), again.port())) {
            assertEquals("PONG", j.ping());
        }
    }

    @Test
    void theDataDirectoryIsItsOwnAndGoesWithIt() {
        Path dir;
        try (EmbeddedCinnabar redis = EmbeddedCinnabar.start(); Jedis j = new Jedis(redis.host(), redis.port())) {
            dir = Path.of(j.configGet("dir").get("dir"));
            j.set("k", "v");
            assertEquals("OK", j.save());
            assertTrue(Files.exists(dir.resolve("dump.rdb")));
        }
        assertFalse(Files.exists(dir), dir + " deleted");
    }

    @Test
    void flushAllEmptiesAServerWithAPassword() {
        try (EmbeddedCinnabar redis = EmbeddedCinnabar.builder().setting("requirepass", "s3cret").start();
             Jedis j = new Jedis(redis.host(), redis.port())) {
            assertThrows(JedisDataException.class, () -> j.set("k", "v"));
            j.auth("s3cret");
            j.set("k", "v");
            j.functionLoad("#!lua name=lib\nredis.register_function('f', function() return 1 end)");
            redis.flushAll();
            assertEquals(0L, j.dbSize());
            assertTrue(j.functionList().isEmpty());
            assertEquals("0", info(j, "memory", "number_of_cached_scripts"));
        }
    }
}
