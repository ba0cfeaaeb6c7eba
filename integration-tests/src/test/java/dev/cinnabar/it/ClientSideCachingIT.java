package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.ServerProcess;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.support.caching.CacheAccessor;
import io.lettuce.core.support.caching.CacheFrontend;
import io.lettuce.core.support.caching.ClientSideCaching;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.csc.DefaultCache;

/**
 * The client libraries' own client-side caches over Cinnabar: each keeps what it read, and drops
 * it when the server's invalidation message says another client changed the key.
 */
class ClientSideCachingIT {
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

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void lettuceDropsWhatAnotherClientChanges() throws Exception {
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
        client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP3).build());
        try (StatefulRedisConnection<String, String> cached = client.connect();
                StatefulRedisConnection<String, String> other = client.connect()) {
            other.sync().set("lettuce:k", "v1");
            Map<String, String> local = new ConcurrentHashMap<>();
            CacheFrontend<String, String> frontend =
                    ClientSideCaching.enable(CacheAccessor.forMap(local), cached, TrackingArgs.Builder.enabled());
            try {
                assertEquals("v1", frontend.get("lettuce:k"));
                assertEquals("v1", local.get("lettuce:k"));
                // Served from the local map: the server is not asked again.
                other.sync().set("unrelated", "x");
                assertEquals("v1", frontend.get("lettuce:k"));
                other.sync().set("lettuce:k", "v2");
                await(() -> !local.containsKey("lettuce:k"), "the cached entry is invalidated");
                assertEquals("v2", frontend.get("lettuce:k"));
                // Not tried: a flush, whose null message (Redis sends the same) Lettuce 7.7's
                // ClientSideCaching cannot take (its listener throws on the missing key list).
            } finally {
                frontend.close();
            }
        } finally {
            client.shutdown();
        }
    }

    /** Jedis checks the server's version before it caches unless the cache says it is compatible. */
    private static final class CompatibleCache extends DefaultCache {
        CompatibleCache() {
            super(1000);
        }

        @Override
        public boolean compatibilityMode() {
            return true;
        }
    }

    @Test
    void jedisDropsWhatAnotherClientChanges() throws Exception {
        CompatibleCache cache = new CompatibleCache();
        HostAndPort at = new HostAndPort("127.0.0.1", server.port());
        try (redis.clients.jedis.RedisClient cached = redis.clients.jedis.RedisClient.builder().hostAndPort(at)
                .clientConfig(DefaultJedisClientConfig.builder().protocol(RedisProtocol.RESP3).build()).cache(cache).build();
                Jedis other = new Jedis(at)) {
            other.set("jedis:k", "v1");
            assertEquals("v1", cached.get("jedis:k"));
            assertEquals("v1", cached.get("jedis:k"));
            assertEquals(1, cache.getStats().getHitCount());
            assertEquals(1, cache.getSize());
            other.set("jedis:k", "v2");
            // Jedis reads the pushes waiting on a connection before it uses it again.
            await(() -> {
                cached.ping();
                return cache.getSize() == 0;
            }, "the cached entry is invalidated");
            assertEquals("v2", cached.get("jedis:k"));
            assertTrue(cache.getStats().getInvalidationCount() >= 1);
            assertFalse(cache.getCacheEntries().isEmpty());
        }
    }
}
