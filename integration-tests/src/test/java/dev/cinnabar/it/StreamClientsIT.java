package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.ServerProcess;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessages;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;
import redis.clients.jedis.resps.StreamInfo;
import redis.clients.jedis.resps.StreamPendingSummary;

/**
 * Jedis's and Lettuce's stream APIs against the built server, in RESP2 and RESP3: producing,
 * ranges, trimming, groups, and a consumer-group worker loop where several workers block in
 * XREADGROUP, acknowledge what they process, and a crashed worker's entries are taken over with
 * XAUTOCLAIM. Every message must be processed exactly once.
 */
class StreamClientsIT {
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
        return new Jedis(new HostAndPort("127.0.0.1", server.port()),
                DefaultJedisClientConfig.builder().protocol(protocol).timeoutMillis(10_000).build());
    }

    @Test
    void jedisStreamApiInBothProtocols() {
        for (RedisProtocol p : new RedisProtocol[] {RedisProtocol.RESP2, RedisProtocol.RESP3}) {
            try (Jedis j = jedis(p)) {
                j.flushAll();
                StreamEntryID first = j.xadd("s", XAddParams.xAddParams().id("1-1"), Map.of("a", "1"));
                assertEquals(new StreamEntryID(1, 1), first);
                StreamEntryID auto = j.xadd("s", StreamEntryID.NEW_ENTRY, Map.of("b", "2"));
                assertTrue(auto.getTime() > 1);
                j.xadd("s", XAddParams.xAddParams().maxLen(10).approximateTrimming(), Map.of("c", "3"));
                assertEquals(3, j.xlen("s"));
                List<StreamEntry> all = j.xrange("s", "-", "+");
                assertEquals(3, all.size());
                assertEquals(Map.of("a", "1"), all.get(0).getFields());
                assertEquals(1, j.xrevrange("s", "+", "-", 1).size());
                List<Map.Entry<String, List<StreamEntry>>> read = j.xread(XReadParams.xReadParams().count(2),
                        Map.of("s", new StreamEntryID(0, 0)));
                assertEquals("s", read.get(0).getKey());
                assertEquals(2, read.get(0).getValue().size());
                assertEquals("OK", j.xgroupCreate("s", "g", new StreamEntryID(0, 0), false));
                List<Map.Entry<String, List<StreamEntry>>> got = j.xreadGroup("g", "alice",
                        XReadGroupParams.xReadGroupParams().count(2),
                        Map.of("s", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
                assertEquals(2, got.get(0).getValue().size());
                StreamPendingSummary summary = j.xpending("s", "g");
                assertEquals(2, summary.getTotal());
                assertEquals(Map.of("alice", 2L), summary.getConsumerMessageCount());
                assertEquals(1, j.xack("s", "g", first));
                Map.Entry<StreamEntryID, List<StreamEntry>> claimed = j.xautoclaim("s", "g", "bob", 0,
                        new StreamEntryID(0, 0), XAutoClaimParams.xAutoClaimParams().count(10));
                assertEquals(1, claimed.getValue().size());
                StreamInfo info = j.xinfoStream("s");
                assertEquals(3, info.getLength());
                assertEquals(1, info.getGroups());
                assertEquals(first, info.getFirstEntry().getID());
                List<StreamGroupInfo> groups = j.xinfoGroups("s");
                assertEquals("g", groups.get(0).getName());
                assertEquals(2, groups.get(0).getConsumers());
                assertEquals(1, j.xdel("s", first));
                assertEquals(1, j.xtrim("s", 1, false));
                assertEquals(1, j.xlen("s"));
            }
        }
    }

    @Test
    void lettuceStreamApiInBothProtocols() {
        for (ProtocolVersion p : new ProtocolVersion[] {ProtocolVersion.RESP2, ProtocolVersion.RESP3}) {
            RedisClient client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(server.port())
                    .withTimeout(Duration.ofSeconds(10)).build());
            client.setOptions(ClientOptions.builder().protocolVersion(p).build());
            try (StatefulRedisConnection<String, String> conn = client.connect()) {
                RedisCommands<String, String> r = conn.sync();
                r.flushall();
                String id = r.xadd("s", new XAddArgs().id("5-1"), Map.of("f", "v"));
                assertEquals("5-1", id);
                r.xadd("s", new XAddArgs().id("6-1"), Map.of("f", "w", "g", "x"));
                assertEquals(2, r.xlen("s"));
                List<StreamMessage<String, String>> range = r.xrange("s", io.lettuce.core.Range.create("-", "+"));
                assertEquals(Map.of("f", "w", "g", "x"), range.get(1).getBody());
                assertEquals("OK", r.xgroupCreate(XReadArgs.StreamOffset.from("s", "0"), "g"));
                assertEquals("OK", r.xgroupCreate(XReadArgs.StreamOffset.from("t", "$"), "g",
                        XGroupCreateArgs.Builder.mkstream()));
                List<StreamMessage<String, String>> msgs = r.xreadgroup(Consumer.from("g", "alice"),
                        XReadArgs.StreamOffset.lastConsumed("s"));
                assertEquals(2, msgs.size());
                assertEquals("5-1", msgs.get(0).getId());
                PendingMessages pending = r.xpending("s", "g");
                assertEquals(2, pending.getCount());
                List<StreamMessage<String, String>> claimed = r.xclaim("s", Consumer.from("g", "bob"), 0, "5-1");
                assertEquals(1, claimed.size());
                ClaimedMessages<String, String> auto = r.xautoclaim("s",
                        XAutoClaimArgs.Builder.xautoclaim(Consumer.from("g", "carol"), 0, "0-0").count(10));
                assertEquals(2, auto.getMessages().size());
                assertEquals(2, r.xack("s", "g", "5-1", "6-1"));
                assertEquals(0, r.xpending("s", "g").getCount());
                assertTrue(r.xinfoStream("s").size() >= 20);
                assertEquals(1, r.xinfoGroups("s").size());
                assertEquals(3, r.xinfoConsumers("s", "g").size());
                assertEquals(1L, r.xgroupDestroy("s", "g") ? 1L : 0L);
                assertTrue(r.xread(XReadArgs.Builder.block(20), XReadArgs.StreamOffset.latest("s")).isEmpty());
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }

    /**
     * Three Jedis workers (one in RESP3) block in XREADGROUP and acknowledge; a Lettuce producer
     * adds messages; a fourth worker reads some messages and dies without acknowledging, and
     * the survivors take them over with XAUTOCLAIM. Each message is processed exactly once and
     * nothing stays pending.
     */
    @Test
    void consumerGroupWorkerLoopWithBlockingReads() throws Exception {
        int messages = 600;
        try (Jedis admin = jedis(RedisProtocol.RESP2)) {
            admin.flushAll();
            admin.xgroupCreate("jobs", "workers", StreamEntryID.XGROUP_LAST_ENTRY, true);
        }
        // the worker that dies: takes up to 10 messages and never acknowledges them
        Set<String> orphaned = Collections.synchronizedSet(new HashSet<>());
        Map<String, String> processed = new ConcurrentHashMap<>();
        List<String> duplicates = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(3);
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            String name = "worker-" + w;
            RedisProtocol protocol = w == 2 ? RedisProtocol.RESP3 : RedisProtocol.RESP2;
            Thread t = new Thread(() -> {
                try (Jedis j = jedis(protocol)) {
                    while (!stop.get()) {
                        List<Map.Entry<String, List<StreamEntry>>> got = j.xreadGroup("workers", name,
                                XReadGroupParams.xReadGroupParams().count(7).block(100),
                                Map.of("jobs", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
                        List<StreamEntry> batch = new ArrayList<>();
                        if (got != null) {
                            for (Map.Entry<String, List<StreamEntry>> e : got) {
                                batch.addAll(e.getValue());
                            }
                        }
                        Map.Entry<StreamEntryID, List<StreamEntry>> reclaimed = j.xautoclaim("jobs", "workers", name,
                                200, new StreamEntryID(0, 0), XAutoClaimParams.xAutoClaimParams().count(5));
                        batch.addAll(reclaimed.getValue());
                        for (StreamEntry e : batch) {
                            if (processed.put(e.getFields().get("n"), name) != null) {
                                duplicates.add(e.getFields().get("n"));
                            }
                            j.xack("jobs", "workers", e.getID());
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
            workers.add(t);
        }
        RedisClient client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(server.port())
                .withTimeout(Duration.ofSeconds(10)).build());
        try (StatefulRedisConnection<String, String> conn = client.connect();
             Jedis dying = jedis(RedisProtocol.RESP2)) {
            RedisCommands<String, String> r = conn.sync();
            for (int i = 0; i < 10; i++) {
                r.xadd("jobs", Map.of("n", Integer.toString(i)));
            }
            List<Map.Entry<String, List<StreamEntry>>> taken = dying.xreadGroup("workers", "doomed",
                    XReadGroupParams.xReadGroupParams().count(10),
                    Map.of("jobs", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
            for (StreamEntry e : taken.get(0).getValue()) {
                orphaned.add(e.getFields().get("n"));
            }
            assertEquals(10, orphaned.size());
            workers.forEach(Thread::start);
            for (int i = 10; i < messages; i++) {
                r.xadd("jobs", XAddArgs.Builder.maxlen(5000).approximateTrimming(), Map.of("n", Integer.toString(i)));
                if (i % 50 == 0) {
                    Thread.sleep(5);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (processed.size() < messages && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            stop.set(true);
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals(List.of(), duplicates);
            assertEquals(messages, processed.size());
            for (String n : orphaned) {
                assertTrue(!"doomed".equals(processed.get(n)));
            }
            assertEquals(0, r.xpending("jobs", "workers").getCount());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
