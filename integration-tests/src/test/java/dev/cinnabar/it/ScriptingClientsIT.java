package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.ServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RMapCache;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RSemaphore;
import org.redisson.api.RateIntervalUnit;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.exceptions.JedisDataException;

/** The scripting APIs of Jedis and Lettuce, and Redisson's Lua-built objects, against the JAR. */
class ScriptingClientsIT {
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

    @BeforeEach
    void flush() {
        try (Jedis j = jedis()) {
            j.flushAll();
            j.scriptFlush();
        }
    }

    static Jedis jedis() {
        return new Jedis(new HostAndPort("127.0.0.1", server.port()), DefaultJedisClientConfig.builder().timeoutMillis(10_000).build());
    }

    @Test
    void jedisScripting() {
        try (Jedis j = jedis()) {
            assertEquals(1L, j.eval("return redis.call('incr', KEYS[1])", List.of("c"), List.of()));
            assertEquals("v", j.eval("return ARGV[1]", List.of(), List.of("v")));
            assertEquals(List.of(1L, "two", List.of(3L)), j.eval("return {1, 'two', {3}}"));
            assertNull(j.eval("return nil"));
            String sha = j.scriptLoad("return redis.call('get', KEYS[1])");
            assertEquals("2aa8e7f3a2e9f4e2b3f1bd4ca0b9d6ea6a1ad8c5".length(), sha.length());
            j.set("k", "value");
            assertEquals("value", j.evalsha(sha, List.of("k"), List.of()));
            assertEquals("value", j.evalshaReadonly(sha, List.of("k"), List.of()));
            assertEquals(List.of(true, false), j.scriptExists(sha, "0000000000000000000000000000000000000000"));
            JedisDataException e = assertThrows(JedisDataException.class, () -> j.eval("error('boom')"));
            assertTrue(e.getMessage().startsWith("ERR user_script:1: boom script: "), e.getMessage());
            assertEquals("OK", j.scriptFlush());
            assertThrows(JedisNoScriptException.class, () -> j.evalsha(sha, List.of("k"), List.of()));
            assertThrows(JedisDataException.class, () -> j.evalReadonly("return redis.call('del', KEYS[1])", List.of("k"), List.of()));
            assertEquals("value", j.get("k"));
        }
    }

    @Test
    void lettuceScripting() {
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
        try (StatefulRedisConnection<String, String> conn = client.connect()) {
            RedisCommands<String, String> r = conn.sync();
            assertEquals(1L, (Long) r.eval("return redis.call('incr', KEYS[1])", ScriptOutputType.INTEGER, "c"));
            assertEquals("OK", r.eval("return redis.call('set', KEYS[1], ARGV[1])", ScriptOutputType.STATUS, new String[] {"k"}, "v"));
            assertEquals(List.of("k", "v"), r.eval("return {KEYS[1], ARGV[1]}", ScriptOutputType.MULTI, new String[] {"k"}, "v"));
            assertEquals(Boolean.TRUE, r.eval("return 1", ScriptOutputType.BOOLEAN));
            String sha = r.scriptLoad("return redis.call('get', KEYS[1])");
            assertEquals(sha, r.digest("return redis.call('get', KEYS[1])"));
            assertEquals("v", r.evalsha(sha, ScriptOutputType.VALUE, "k"));
            assertEquals(List.of(true, false), r.scriptExists(sha, "0000000000000000000000000000000000000000"));
            assertEquals("v", r.evalReadOnly("return redis.call('get', KEYS[1])".getBytes(), ScriptOutputType.VALUE, new String[] {"k"}));
            r.scriptFlush();
            assertThrows(RedisNoScriptException.class, () -> r.evalsha(sha, ScriptOutputType.VALUE, "k"));
        } finally {
            client.shutdown();
        }
    }

    static RedissonClient redisson() {
        Config config = new Config();
        config.useSingleServer().setAddress("redis://127.0.0.1:" + server.port()).setConnectionMinimumIdleSize(2)
                .setConnectionPoolSize(4).setSubscriptionConnectionMinimumIdleSize(1).setSubscriptionConnectionPoolSize(2);
        return Redisson.create(config);
    }

    @Test
    void redissonLockWithLeaseAndUnlock() throws Exception {
        RedissonClient r = redisson();
        try {
            RLock lock = r.getLock("lock");
            lock.lock(10, TimeUnit.SECONDS);
            assertTrue(lock.isLocked());
            assertTrue(lock.isHeldByCurrentThread());
            long ttl = lock.remainTimeToLive();
            assertTrue(ttl > 0 && ttl <= 10_000, "ttl " + ttl);
            // Reentrant.
            lock.lock(10, TimeUnit.SECONDS);
            assertEquals(2, lock.getHoldCount());
            lock.unlock();
            assertTrue(lock.isLocked());
            // Another thread waits until the lock is released.
            AtomicBoolean got = new AtomicBoolean();
            CountDownLatch done = new CountDownLatch(1);
            Thread t = new Thread(() -> {
                try {
                    got.set(lock.tryLock(5, 5, TimeUnit.SECONDS));
                    if (got.get()) {
                        lock.unlock();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
            t.start();
            Thread.sleep(200);
            assertFalse(got.get());
            lock.unlock();
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertTrue(got.get());
            assertFalse(lock.isLocked());
            // A lease that runs out frees the lock.
            assertTrue(lock.tryLock(0, 300, TimeUnit.MILLISECONDS));
            Thread.sleep(600);
            assertFalse(lock.isLocked());
        } finally {
            r.shutdown();
        }
    }

    @Test
    void redissonSemaphore() throws Exception {
        RedissonClient r = redisson();
        try {
            RSemaphore s = r.getSemaphore("sem");
            assertTrue(s.trySetPermits(2));
            assertFalse(s.trySetPermits(5));
            assertTrue(s.tryAcquire());
            assertTrue(s.tryAcquire());
            assertFalse(s.tryAcquire());
            assertEquals(0, s.availablePermits());
            s.release();
            assertEquals(1, s.availablePermits());
            assertTrue(s.tryAcquire(1, 1, TimeUnit.SECONDS));
            CountDownLatch acquired = new CountDownLatch(1);
            Thread t = new Thread(() -> {
                try {
                    s.acquire();
                    acquired.countDown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            Thread.sleep(200);
            assertEquals(1, acquired.getCount());
            s.release();
            assertTrue(acquired.await(10, TimeUnit.SECONDS));
        } finally {
            r.shutdown();
        }
    }

    /** Redisson's rate limiter and map cache pack their entries with Lua's struct library. */
    static void assumeStruct() {
        try (Jedis j = jedis()) {
            org.junit.jupiter.api.Assumptions.assumeTrue("table".equals(j.eval("return type(rawget(_G, 'struct'))")),
                    "the struct library (branch luaenv) is not in the environment yet");
        }
    }

    @Test
    void redissonRateLimiter() {
        assumeStruct();
        RedissonClient r = redisson();
        try {
            RRateLimiter limiter = r.getRateLimiter("limiter");
            assertTrue(limiter.trySetRate(RateType.OVERALL, 3, 1, RateIntervalUnit.SECONDS));
            assertTrue(limiter.tryAcquire());
            assertTrue(limiter.tryAcquire());
            assertTrue(limiter.tryAcquire());
            assertFalse(limiter.tryAcquire());
            assertEquals(0, limiter.availablePermits());
            assertTrue(limiter.tryAcquire(1, 3, TimeUnit.SECONDS));
        } finally {
            r.shutdown();
        }
    }

    @Test
    void redissonMapCacheWithTtls() throws Exception {
        assumeStruct();
        RedissonClient r = redisson();
        try {
            RMapCache<String, String> map = r.getMapCache("cache");
            map.put("forever", "a");
            // Two seconds, not less: the reads below must find both even on a machine that stalls.
            map.put("short", "b", 2, TimeUnit.SECONDS);
            map.put("idle", "c", 0, TimeUnit.SECONDS, 2, TimeUnit.SECONDS);
            assertEquals("a", map.get("forever"));
            assertEquals("b", map.get("short"));
            assertEquals("c", map.get("idle"));
            assertEquals(3, map.size());
            assertEquals("a", map.putIfAbsent("forever", "x"));
            assertTrue(map.remainTimeToLive("short") > 0);
            Thread.sleep(2500);
            assertEquals("a", map.get("forever"));
            assertNull(map.get("short"));
            assertNull(map.get("idle"));
            assertFalse(map.containsKey("short"));
            assertEquals("a", map.remove("forever"));
            // Expired entries stay in the hash until Redisson's eviction task runs; reading filters them.
            assertEquals(java.util.Map.of(), map.readAllMap());
        } finally {
            r.shutdown();
        }
    }
}
