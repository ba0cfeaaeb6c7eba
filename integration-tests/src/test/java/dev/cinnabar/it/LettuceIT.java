package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.ServerProcess;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Lettuce against the built server. Lettuce opens every connection with {@code HELLO 3} (plus
 * AUTH and SETNAME when configured) and pipelines CLIENT SETINFO; RESP2 is also covered.
 */
class LettuceIT {
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
    class Resp3 extends Contract {
        @Override
        ProtocolVersion protocol() {
            return ProtocolVersion.RESP3;
        }
    }

    @Nested
    class Resp2 extends Contract {
        @Override
        ProtocolVersion protocol() {
            return ProtocolVersion.RESP2;
        }
    }

    abstract static class Contract {
        RedisClient client;
        StatefulRedisConnection<String, String> connection;
        RedisCommands<String, String> redis;

        abstract ProtocolVersion protocol();

        RedisClient client(RedisURI.Builder uri) {
            RedisClient c = RedisClient.create(uri.withHost("127.0.0.1").withPort(server.port())
                    .withTimeout(Duration.ofSeconds(10)).build());
            c.setOptions(ClientOptions.builder().protocolVersion(protocol()).build());
            return c;
        }

        @BeforeEach
        void open() {
            client = client(RedisURI.builder());
            connection = client.connect();
            redis = connection.sync();
            redis.flushall();
        }

        @AfterEach
        void close() {
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }

        @Test
        void connectionCommands() {
            assertEquals("PONG", redis.ping());
            assertEquals("echoed", redis.echo("echoed"));
            assertTrue(redis.clientId() > 0);
            assertNull(redis.clientGetname());
            assertEquals("OK", redis.clientSetname("lettuce-it"));
            assertEquals("lettuce-it", redis.clientGetname());
            assertEquals("OK", redis.clientSetinfo("lib-name", "custom"));
            RedisCommandExecutionException e = assertThrows(RedisCommandExecutionException.class,
                    () -> redis.clientSetname("bad name"));
            assertEquals("ERR Client names cannot contain spaces, newlines or special characters.", e.getMessage());
        }

        @Test
        void nameAndDatabaseFromTheUri() {
            RedisClient c = client(RedisURI.builder().withClientName("from-uri").withDatabase(4));
            try (StatefulRedisConnection<String, String> conn = c.connect()) {
                RedisCommands<String, String> r = conn.sync();
                assertEquals("from-uri", r.clientGetname());
                r.set("in4", "x");
                assertEquals(1L, r.dbsize());
                assertEquals(0L, redis.dbsize());
            } finally {
                c.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }

        @Test
        void selectDbsizeFlushdb() {
            redis.set("a", "1");
            assertEquals(1L, redis.dbsize());
            assertEquals("OK", redis.select(9));
            assertEquals(0L, redis.dbsize());
            redis.set("b", "2");
            redis.set("c", "3");
            assertEquals(2L, redis.dbsize());
            assertEquals("OK", redis.swapdb(0, 9));
            assertEquals(1L, redis.dbsize());
            assertEquals("OK", redis.flushdb());
            assertEquals(0L, redis.dbsize());
            redis.select(0);
            assertEquals(2L, redis.dbsize());
        }

        @Test
        void time() {
            List<String> t = redis.time();
            assertEquals(2, t.size());
            assertTrue(Math.abs(Long.parseLong(t.get(0)) - System.currentTimeMillis() / 1000) < 60, t.toString());
        }

        @Test
        void info() {
            redis.set("k", "v");
            String all = redis.info();
            assertTrue(all.startsWith("# Server\r\nredis_version:7.0.15\r\n"), all);
            assertTrue(all.contains("# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n"), all);
            assertEquals("# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n", redis.info("keyspace"));
            assertTrue(redis.info("clients").startsWith("# Clients\r\nconnected_clients:"));
        }

        @Test
        void strings() {
            assertEquals("OK", redis.set("s", "hello"));
            assertEquals("hello", redis.get("s"));
            assertNull(redis.get("missing"));
            assertEquals(1L, redis.incr("n"));
            assertEquals(6L, redis.incrby("n", 5));
            assertEquals("OK", redis.mset(Map.of("m1", "a", "m2", "b")));
            assertEquals(List.of(KeyValue.just("m1", "a"), KeyValue.empty("nope"), KeyValue.just("m2", "b")),
                    redis.mget("m1", "nope", "m2"));
            assertEquals(11L, redis.append("s", " world"));
            assertEquals("OK", redis.setex("tmp", 100, "t"));
            assertTrue(redis.ttl("tmp") > 90);
            assertEquals("t", redis.getdel("tmp"));
            assertNull(redis.get("tmp"));
            assertEquals(Boolean.TRUE, redis.setnx("nx", "1"));
            assertEquals(Boolean.FALSE, redis.setnx("nx", "2"));
        }

        @Test
        void keys() {
            redis.set("k1", "v");
            redis.set("k2", "v");
            assertEquals(2L, redis.exists("k1", "k2", "nope"));
            assertEquals("string", redis.type("k1"));
            assertEquals("none", redis.type("nope"));
            assertEquals("OK", redis.rename("k2", "k3"));
            assertEquals(Set.of("k1", "k3"), new HashSet<>(redis.keys("k*")));
            assertEquals(Boolean.TRUE, redis.expire("k1", 100));
            assertTrue(redis.ttl("k1") > 90);
            assertEquals(Boolean.TRUE, redis.persist("k1"));
            assertEquals(-1L, redis.ttl("k1"));
            assertEquals(-2L, redis.ttl("nope"));
            assertEquals(2L, redis.del("k1", "k3"));
        }

        @Test
        void scanVisitsEveryKey() {
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < 300; i++) {
                redis.set("key:" + i, "v");
                expected.add("key:" + i);
            }
            Set<String> seen = new HashSet<>();
            ScanCursor cursor = ScanCursor.INITIAL;
            KeyScanCursor<String> page;
            do {
                page = redis.scan(cursor, ScanArgs.Builder.limit(40).match("key:*"));
                seen.addAll(page.getKeys());
                cursor = page;
            } while (!page.isFinished());
            assertEquals(expected, seen);
        }
    }
}
