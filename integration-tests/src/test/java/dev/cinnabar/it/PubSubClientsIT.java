package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.ServerProcess;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.sync.RedisPubSubCommands;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisProtocol;

/** Jedis's and Lettuce's pub/sub against the built server: channels, patterns, RESP2 and RESP3. */
class PubSubClientsIT {
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

    private static Jedis jedis(RedisProtocol protocol) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder().timeoutMillis(10_000);
        if (protocol != null) {
            config.protocol(protocol);
        }
        return new Jedis(new HostAndPort("127.0.0.1", server.port()), config.build());
    }

    private static void waitForSubscribers(Jedis j, String channel, long n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (j.pubsubNumSub(channel).get(channel) < n) {
            assertTrue(System.currentTimeMillis() < deadline, "no subscriber on " + channel);
            Thread.sleep(10);
        }
    }

    private static void waitForPatterns(Jedis j, long n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (j.pubsubNumPat() < n) {
            assertTrue(System.currentTimeMillis() < deadline, "no pattern subscriber");
            Thread.sleep(10);
        }
    }

    private void jedisChannelsAndPatterns(RedisProtocol protocol) throws Exception {
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread t;
        try (Jedis sub = jedis(protocol); Jedis pub = jedis(protocol)) {
            t = new Thread(() -> {
                sub.psubscribe(new JedisPubSub() {
                    @Override
                    public void onPSubscribe(String pattern, int count) {
                        // Now a plain subscription on the same connection, as Jedis allows.
                        subscribe("jedis.news");
                    }

                    @Override
                    public void onMessage(String channel, String message) {
                        got.add("message " + channel + " " + message);
                        if (message.equals("bye")) {
                            unsubscribe();
                            punsubscribe();
                        }
                    }

                    @Override
                    public void onPMessage(String pattern, String channel, String message) {
                        got.add("pmessage " + pattern + " " + channel + " " + message);
                    }
                }, "jedis.*.sport");
                done.countDown();
            });
            t.start();
            waitForPatterns(pub, 1);
            waitForSubscribers(pub, "jedis.news", 1);
            assertEquals(1, pub.publish("jedis.news", "hello"));
            assertEquals(1, pub.publish("jedis.eu.sport", "goal"));
            assertEquals(0, pub.publish("jedis.eu.weather", "rain"));
            assertEquals(1, pub.publish("jedis.news", "bye"));
            assertTrue(done.await(10, TimeUnit.SECONDS), "the subscriber did not return");
            assertEquals("message jedis.news hello", got.poll(5, TimeUnit.SECONDS));
            assertEquals("pmessage jedis.*.sport jedis.eu.sport goal", got.poll(5, TimeUnit.SECONDS));
            assertEquals("message jedis.news bye", got.poll(5, TimeUnit.SECONDS));
            // The connection is usable again once every subscription is gone.
            assertEquals("PONG", sub.ping());
            assertEquals(0L, pub.pubsubNumPat());
        }
        t.join(10_000);
    }

    @Test
    void jedisResp2ChannelsAndPatterns() throws Exception {
        jedisChannelsAndPatterns(null);
    }

    @Test
    void jedisResp3ChannelsAndPatterns() throws Exception {
        jedisChannelsAndPatterns(RedisProtocol.RESP3);
    }

    @Test
    void jedisPubsubIntrospection() throws Exception {
        CountDownLatch subscribed = new CountDownLatch(1);
        JedisPubSub l = new JedisPubSub() {
            @Override
            public void onSubscribe(String channel, int count) {
                if (count == 2) {
                    subscribed.countDown();
                }
            }
        };
        try (Jedis sub = jedis(null); Jedis j = jedis(null)) {
            Thread t = new Thread(() -> sub.subscribe(l, "intro.a", "intro.b"));
            t.start();
            assertTrue(subscribed.await(10, TimeUnit.SECONDS));
            Map<String, Long> n = j.pubsubNumSub("intro.a", "intro.z");
            assertEquals(1L, n.get("intro.a"));
            assertEquals(0L, n.get("intro.z"));
            List<String> channels = j.pubsubChannels("intro.*");
            assertEquals(2, channels.size());
            assertTrue(j.clientList().contains(" flags=P "));
            l.unsubscribe();
            t.join(10_000);
            assertEquals(List.of(), j.pubsubChannels("intro.*"));
        }
    }

    private void lettuce(ProtocolVersion protocol) throws Exception {
        lettuce(protocol, server.port());
    }

    private void lettuce(ProtocolVersion protocol, int port) throws Exception {
        RedisClient client = RedisClient.create(
                RedisURI.Builder.redis("127.0.0.1", port).withTimeout(Duration.ofSeconds(10)).build());
        client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
                StatefulRedisPubSubConnection<String, String> pub = client.connectPubSub()) {
            sub.addListener(new RedisPubSubAdapter<String, String>() {
                @Override
                public void message(String channel, String message) {
                    got.add("message " + channel + " " + message);
                }

                @Override
                public void message(String pattern, String channel, String message) {
                    got.add("pmessage " + pattern + " " + channel + " " + message);
                }
            });
            RedisPubSubCommands<String, String> s = sub.sync();
            s.subscribe("lettuce.news");
            s.psubscribe("lettuce.*.sport");
            RedisPubSubCommands<String, String> p = pub.sync();
            assertEquals(1L, p.publish("lettuce.news", "hello"));
            assertEquals(1L, p.publish("lettuce.eu.sport", "goal"));
            assertEquals("message lettuce.news hello", got.poll(5, TimeUnit.SECONDS));
            assertEquals("pmessage lettuce.*.sport lettuce.eu.sport goal", got.poll(5, TimeUnit.SECONDS));
            if (protocol == ProtocolVersion.RESP3) {
                // RESP3: the subscribed connection runs ordinary commands, messages in between.
                assertEquals("OK", s.set("lettuce.k", "v"));
                assertEquals(1L, p.publish("lettuce.news", "between"));
                assertEquals("v", s.get("lettuce.k"));
                assertEquals("message lettuce.news between", got.poll(5, TimeUnit.SECONDS));
                // Publishing to itself: the message and the count both arrive.
                assertEquals(1L, s.publish("lettuce.news", "self"));
                assertEquals("message lettuce.news self", got.poll(5, TimeUnit.SECONDS));
                s.del("lettuce.k");
            }
            assertEquals(Map.of("lettuce.news", 1L), p.pubsubNumsub("lettuce.news"));
            assertEquals(1L, p.pubsubNumpat());
            s.unsubscribe("lettuce.news");
            s.punsubscribe("lettuce.*.sport");
            assertEquals(0L, p.publish("lettuce.news", "nobody"));
            assertEquals(0L, p.pubsubNumpat());
        } finally {
            client.shutdown();
        }
    }

    @Test
    void lettuceResp3() throws Exception {
        lettuce(ProtocolVersion.RESP3);
    }

    @Test
    void lettuceResp2() throws Exception {
        lettuce(ProtocolVersion.RESP2);
    }

    /** The other threading shape: replies to other clients cross from the engine to the I/O threads. */
    @Test
    void withSeparateIoThreads() throws Exception {
        try (ServerProcess s = ServerProcess.cinnabar("--io-threads", "3")) {
            lettuce(ProtocolVersion.RESP3, s.port());
            lettuce(ProtocolVersion.RESP2, s.port());
            // Fan-out: every subscriber gets every message, in order.
            int subscribers = 8;
            int messages = 500;
            List<BlockingQueue<String>> queues = new java.util.ArrayList<>();
            List<Thread> threads = new java.util.ArrayList<>();
            List<Jedis> conns = new java.util.ArrayList<>();
            try (Jedis pub = new Jedis(new HostAndPort("127.0.0.1", s.port()),
                    DefaultJedisClientConfig.builder().timeoutMillis(10_000).build())) {
                for (int i = 0; i < subscribers; i++) {
                    BlockingQueue<String> q = new LinkedBlockingQueue<>();
                    queues.add(q);
                    Jedis j = new Jedis(new HostAndPort("127.0.0.1", s.port()),
                            DefaultJedisClientConfig.builder().timeoutMillis(10_000).build());
                    conns.add(j);
                    JedisPubSub l = new JedisPubSub() {
                        @Override
                        public void onMessage(String channel, String message) {
                            q.add(message);
                            if (message.equals("end")) {
                                unsubscribe();
                            }
                        }
                    };
                    Thread t = new Thread(() -> j.subscribe(l, "fan"));
                    t.start();
                    threads.add(t);
                }
                waitForSubscribers(pub, "fan", subscribers);
                for (int m = 0; m < messages; m++) {
                    assertEquals(subscribers, pub.publish("fan", Integer.toString(m)));
                }
                pub.publish("fan", "end");
                for (BlockingQueue<String> q : queues) {
                    for (int m = 0; m < messages; m++) {
                        assertEquals(Integer.toString(m), q.poll(10, TimeUnit.SECONDS));
                    }
                    assertEquals("end", q.poll(10, TimeUnit.SECONDS));
                }
                for (Thread t : threads) {
                    t.join(10_000);
                }
            } finally {
                for (Jedis j : conns) {
                    j.close();
                }
            }
        }
    }
}
