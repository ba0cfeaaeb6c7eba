package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.ServerProcess;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.args.ClientAttributeOption;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** Jedis, as applications use it, against the built server, in RESP2 and in RESP3. */
class JedisIT {
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.cinnabar();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Nested
    class Resp2 extends Contract {
        @Override
        RedisProtocol protocol() {
            return RedisProtocol.RESP2;
        }
    }

    @Nested
    class Resp3 extends Contract {
        @Override
        RedisProtocol protocol() {
            return RedisProtocol.RESP3;
        }
    }

    /** Jedis's default: no HELLO at all, RESP2, and CLIENT SETINFO sent on connect. */
    @Nested
    class DefaultProtocol extends Contract {
        @Override
        RedisProtocol protocol() {
            return null;
        }
    }

    abstract static class Contract {
        Jedis jedis;

        abstract RedisProtocol protocol();

        Jedis connect(DefaultJedisClientConfig.Builder config) {
            if (protocol() != null) {
                config.protocol(protocol());
            }
            return new Jedis(new HostAndPort("127.0.0.1", server.port()), config.timeoutMillis(10_000).build());
        }

        @BeforeEach
        void open() {
            jedis = connect(DefaultJedisClientConfig.builder());
            jedis.flushAll();
        }

        @AfterEach
        void close() {
            jedis.close();
        }

        @Test
        void handshakeNegotiatesTheProtocol() {
            RedisProtocol expected = protocol() == null ? RedisProtocol.RESP2 : protocol();
            assertEquals(expected == RedisProtocol.RESP3, jedis.getConnection().getRedisProtocol() == RedisProtocol.RESP3);
            assertEquals("PONG", jedis.ping());
            assertEquals("hello", jedis.echo("hello"));
            assertTrue(jedis.clientId() > 0);
        }

        @Test
        void clientNameAndDatabaseFromTheConfiguration() {
            try (Jedis named = connect(DefaultJedisClientConfig.builder().clientName("jedis-it").database(3))) {
                assertEquals("jedis-it", named.clientGetname());
                named.set("in3", "x");
                assertEquals(1, named.dbSize());
                assertEquals(0, jedis.dbSize());
            }
        }

        @Test
        void clientCommands() {
            assertNull(jedis.clientGetname());
            assertEquals("OK", jedis.clientSetname("renamed"));
            assertEquals("renamed", jedis.clientGetname());
            assertEquals("OK", jedis.clientSetInfo(ClientAttributeOption.LIB_NAME, "custom-lib"));
            assertEquals("OK", jedis.clientSetInfo(ClientAttributeOption.LIB_VER, "1.2.3"));
            JedisDataException e = assertThrows(JedisDataException.class, () -> jedis.clientSetname("has space"));
            assertEquals("ERR Client names cannot contain spaces, newlines or special characters.", e.getMessage());
        }

        @Test
        void selectDbsizeFlushdbSwapdb() {
            jedis.set("a", "1");
            jedis.set("b", "2");
            assertEquals(2, jedis.dbSize());
            assertEquals("OK", jedis.select(5));
            assertEquals(5, jedis.getDB());
            assertEquals(0, jedis.dbSize());
            jedis.set("c", "3");
            assertEquals("OK", jedis.swapDB(0, 5));
            assertEquals(2, jedis.dbSize());
            assertEquals("1", jedis.get("a"));
            assertEquals("OK", jedis.flushDB());
            assertEquals(0, jedis.dbSize());
            jedis.select(0);
            assertEquals(1, jedis.dbSize());
            JedisDataException e = assertThrows(JedisDataException.class, () -> jedis.select(16));
            assertEquals("ERR DB index is out of range", e.getMessage());
        }

        @Test
        void time() {
            List<String> t = jedis.time();
            assertEquals(2, t.size());
            long seconds = Long.parseLong(t.get(0));
            long micros = Long.parseLong(t.get(1));
            assertTrue(Math.abs(seconds - System.currentTimeMillis() / 1000) < 60, t.toString());
            assertTrue(micros >= 0 && micros < 1_000_000, t.toString());
        }

        @Test
        void info() {
            jedis.set("k", "v");
            String all = jedis.info();
            assertTrue(all.startsWith("# Server\r\nredis_version:7.0.15\r\n"), all);
            assertTrue(all.contains("\r\n# Clients\r\n"), all);
            assertTrue(all.contains("# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n"), all);
            assertEquals("# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n", jedis.info("keyspace"));
            assertTrue(jedis.info("server").contains("\r\nredis_mode:standalone\r\n"));
        }

        @Test
        void resetReturnsToAFreshConnection() {
            jedis.select(2);
            jedis.clientSetname("before");
            assertEquals("RESET", jedis.reset());
            assertNull(jedis.clientGetname());
        }

        @Test
        void strings() {
            assertEquals("OK", jedis.set("s", "hello"));
            assertEquals("hello", jedis.get("s"));
            assertNull(jedis.get("missing"));
            assertEquals(1, jedis.incr("n"));
            assertEquals(11, jedis.incrBy("n", 10));
            assertEquals(10, jedis.decr("n"));
            assertEquals("OK", jedis.mset("m1", "a", "m2", "b"));
            List<String> expected = new ArrayList<>();
            expected.add("a");
            expected.add(null);
            expected.add("b");
            assertEquals(expected, jedis.mget("m1", "nope", "m2"));
            assertEquals(11, jedis.append("s", " world"));
            assertEquals("hello world", jedis.get("s"));
            assertEquals(11, jedis.strlen("s"));
            assertEquals("OK", jedis.setex("tmp", 100, "t"));
            assertTrue(jedis.ttl("tmp") > 90);
            assertEquals("t", jedis.getDel("tmp"));
            assertNull(jedis.get("tmp"));
            assertEquals(1, jedis.setnx("nx", "1"));
            assertEquals(0, jedis.setnx("nx", "2"));
            assertEquals("1", jedis.getSet("nx", "3"));
            JedisDataException e = assertThrows(JedisDataException.class, () -> jedis.incr("s"));
            assertEquals("ERR value is not an integer or out of range", e.getMessage());
        }

        @Test
        void keys() {
            jedis.set("k1", "v");
            jedis.set("k2", "v");
            assertTrue(jedis.exists("k1"));
            assertFalse(jedis.exists("nope"));
            assertEquals(2, jedis.exists("k1", "k2", "nope"));
            assertEquals("string", jedis.type("k1"));
            assertEquals("none", jedis.type("nope"));
            assertEquals("OK", jedis.rename("k2", "k3"));
            assertFalse(jedis.exists("k2"));
            assertEquals(Set.of("k1", "k3"), jedis.keys("k*"));
            assertEquals(1, jedis.expire("k1", 100));
            assertTrue(jedis.ttl("k1") > 90);
            assertEquals(1, jedis.persist("k1"));
            assertEquals(-1, jedis.ttl("k1"));
            assertEquals(-2, jedis.ttl("nope"));
            assertEquals(2, jedis.del("k1", "k3", "nope"));
            assertEquals(0, jedis.dbSize());
        }

        @Test
        void scanVisitsEveryKey() {
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < 500; i++) {
                jedis.set("key:" + i, "v");
                expected.add("key:" + i);
            }
            jedis.set("other", "v");
            Set<String> seen = new HashSet<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(cursor, new ScanParams().match("key:*").count(50));
                seen.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            assertEquals(expected, seen);
        }
    }
}
