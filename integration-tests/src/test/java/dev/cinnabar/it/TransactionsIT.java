package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerPair;
import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;

/**
 * Transactions as clients use them (Jedis, optimistic locking under contention), and what
 * MONITOR, INFO and the slow log show of them, against redis-server's.
 */
class TransactionsIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair();

    private static Jedis jedis(ServerProcess s, RedisProtocol protocol) {
        return new Jedis(new HostAndPort("127.0.0.1", s.port()),
                DefaultJedisClientConfig.builder().protocol(protocol).timeoutMillis(10_000).build());
    }

    @Test
    void jedisTransactionsInBothProtocols() {
        for (RedisProtocol protocol : new RedisProtocol[] {RedisProtocol.RESP2, RedisProtocol.RESP3}) {
            try (Jedis j = jedis(SERVERS.cinnabar(), protocol)) {
                j.flushAll();
                Transaction t = j.multi();
                Response<String> set = t.set("k", "1");
                Response<Long> incr = t.incr("k");
                Response<java.util.Map<String, String>> all = t.hgetAll("h");
                Response<Double> score = t.zincrby("z", 1.5, "m");
                List<Object> replies = t.exec();
                assertEquals(4, replies.size());
                assertEquals("OK", set.get());
                assertEquals(2L, incr.get());
                assertTrue(all.get().isEmpty());
                assertEquals(1.5, score.get());

                j.watch("k");
                try (Jedis other = jedis(SERVERS.cinnabar(), protocol)) {
                    other.set("k", "changed");
                }
                Transaction failed = j.multi();
                failed.set("k", "mine");
                assertNull(failed.exec());
                assertEquals("changed", j.get("k"));

                Transaction discarded = j.multi();
                discarded.set("k", "dropped");
                discarded.discard();
                assertEquals("changed", j.get("k"));
            }
        }
    }

    /** Every thread adds 1 with WATCH/GET/MULTI/SET/EXEC, retrying when EXEC fails: none is lost. */
    @Test
    void watchUnderContentionLosesNoUpdate() throws Exception {
        int threads = 4;
        int perThread = 150;
        try (Jedis j = jedis(SERVERS.cinnabar(), RedisProtocol.RESP2)) {
            j.flushAll();
            j.set("counter", "0");
        }
        AtomicInteger retries = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                RedisProtocol protocol = t % 2 == 0 ? RedisProtocol.RESP2 : RedisProtocol.RESP3;
                done.add(pool.submit(() -> {
                    try (Jedis j = jedis(SERVERS.cinnabar(), protocol)) {
                        for (int i = 0; i < perThread; i++) {
                            while (true) {
                                j.watch("counter");
                                long value = Long.parseLong(j.get("counter"));
                                Transaction tx = j.multi();
                                tx.set("counter", Long.toString(value + 1));
                                tx.rpush("log", Long.toString(value + 1));
                                if (tx.exec() != null) {
                                    break;
                                }
                                retries.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        try (Jedis j = jedis(SERVERS.cinnabar(), RedisProtocol.RESP2)) {
            assertEquals(Integer.toString(threads * perThread), j.get("counter"));
            // Each committed value appears once, in order: no two transactions saw the same value.
            List<String> log = j.lrange("log", 0, -1);
            assertEquals(threads * perThread, log.size());
            for (int i = 0; i < log.size(); i++) {
                assertEquals(Integer.toString(i + 1), log.get(i));
            }
        }
    }

    /** The transactions another client runs while a monitor watches, as both servers show them. */
    private static final String[][] TRAFFIC = {
        {"MULTI"},
        {"SET", "k", "1"},
        {"INCR", "k"},
        {"GET", "k"},
        {"EXEC"},
        {"MULTI"},
        {"SET", "k", "2"},
        {"NOSUCH"},
        {"EXEC"},
        {"MULTI"},
        {"GET", "k"},
        {"EXEC", "extra"},
        {"MULTI"},
        {"SET", "k", "3"},
        {"DISCARD"},
        {"WATCH", "k"},
        {"SET", "k", "4"},
        {"MULTI"},
        {"GET", "k"},
        {"EXEC"},
        {"MULTI"},
        {"CONFIG", "GET", "port"},
        {"INCR", "k"},
        {"LPUSH", "k", "x"},
        {"EXEC"},
        {"PING", "end-of-traffic"},
    };

    private static List<String> monitored(ServerProcess s) throws IOException {
        try (RawConnection monitor = new RawConnection(s.port()); RawConnection client = new RawConnection(s.port())) {
            client.call("FLUSHALL");
            assertEquals("+OK\r\n", monitor.call("MONITOR"));
            for (String[] command : TRAFFIC) {
                client.call(command);
            }
            List<String> lines = new ArrayList<>();
            String line;
            do {
                line = monitor.readReply();
                lines.add(line.replaceAll("^\\+\\d+\\.\\d{6} ", "+<time> ").replaceAll("127\\.0\\.0\\.1:\\d+", "<addr>"));
            } while (!line.contains("end-of-traffic"));
            return lines;
        }
    }

    @Test
    void monitorShowsMultiTheCommandsAndExecAsRedisDoes() throws IOException {
        List<String> redis = monitored(SERVERS.redis());
        List<String> ours = monitored(SERVERS.cinnabar());
        assertEquals(String.join("", redis), String.join("", ours));
    }

    /** INFO commandstats and errorstats after the same transactions, times masked. */
    private static String stats(ServerProcess s) throws IOException {
        try (RawConnection c = new RawConnection(s.port())) {
            c.call("FLUSHALL");
            c.call("CONFIG", "RESETSTAT");
            for (String[] command : TRAFFIC) {
                c.call(command);
            }
            String info = c.call("INFO", "commandstats") + c.call("INFO", "errorstats");
            // Redis lists the commands in its table's hash order: compared sorted.
            List<String> out = new ArrayList<>();
            for (String l : info.split("\r\n")) {
                if (l.startsWith("cmdstat_") || l.startsWith("errorstat_")) {
                    out.add(l.replaceAll("usec=\\d+,usec_per_call=[\\d.]+", "usec=<t>"));
                }
            }
            out.sort(null);
            return String.join("\n", out);
        }
    }

    @Test
    void commandAndErrorStatsCountAsRedisDoes() throws IOException {
        assertEquals(stats(SERVERS.redis()), stats(SERVERS.cinnabar()));
    }

    /** The slow log's entries (arguments only) when every command is logged. */
    private static String slowlog(ServerProcess s) throws IOException {
        try (RawConnection c = new RawConnection(s.port())) {
            c.call("FLUSHALL");
            c.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
            c.call("SLOWLOG", "RESET");
            try {
                for (String[] command : TRAFFIC) {
                    c.call(command);
                }
            } finally {
                c.call("CONFIG", "SET", "slowlog-log-slower-than", "10000");
            }
            String log = c.call("SLOWLOG", "GET", "100");
            c.call("SLOWLOG", "RESET");
            // Keep the argument arrays: drop ids, times, durations, addresses and names.
            return log.replaceAll(":\\d+\r\n", ":<n>\r\n").replaceAll("127\\.0\\.0\\.1:\\d+", "<addr>");
        }
    }

    @Test
    void slowLogShowsTheCommandsInsideExecNotExec() throws IOException {
        assertEquals(slowlog(SERVERS.redis()), slowlog(SERVERS.cinnabar()));
    }

    /** CLIENT PAUSE WRITE holds an EXEC whose queue writes, and lets a read-only one through. */
    @Test
    void pauseWriteHoldsAWritingExecOnly() throws Exception {
        for (ServerProcess s : new ServerProcess[] {SERVERS.redis(), SERVERS.cinnabar()}) {
            try (RawConnection admin = new RawConnection(s.port()); RawConnection reader = new RawConnection(s.port());
                    RawConnection writer = new RawConnection(s.port())) {
                admin.call("FLUSHALL");
                assertEquals("+OK\r\n", reader.call("MULTI"));
                assertEquals("+QUEUED\r\n", reader.call("GET", "k"));
                assertEquals("+OK\r\n", writer.call("MULTI"));
                assertEquals("+QUEUED\r\n", writer.call("SET", "k", "v"));
                assertEquals("+OK\r\n", admin.call("CLIENT", "PAUSE", "100000", "WRITE"));
                assertEquals("*1\r\n$-1\r\n", reader.call("EXEC"), s.toString());
                writer.send("EXEC");
                writer.timeout(300);
                try {
                    writer.readReply();
                    throw new AssertionError("EXEC with a write was not held by " + s);
                } catch (java.net.SocketTimeoutException expected) {
                    // held
                }
                writer.timeout(10_000);
                assertEquals("+OK\r\n", admin.call("CLIENT", "UNPAUSE"));
                assertEquals("*1\r\n+OK\r\n", writer.readReply());
            }
        }
    }
}
