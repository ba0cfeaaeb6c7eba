package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * The two shapes {@code io-threads} chooses between: 1, the engine doing its own I/O on the
 * event loop (the default), and more, I/O threads handing input to an engine thread. Each gets
 * the same workout: concurrent pipelines, a reply far larger than a socket buffer, CONFIG SET
 * port (which opens a listener from the engine) and SHUTDOWN.
 */
class ThreadingShapesIT {
    private static final int CLIENTS = 6;
    private static final int COMMANDS = 3000;

    @ParameterizedTest(name = "io-threads {0}")
    @ValueSource(strings = {"1", "3"})
    void concurrentPipelinesGetTheirOwnRepliesInOrder(String ioThreads) throws Exception {
        try (ServerProcess s = ServerProcess.cinnabar("--io-threads", ioThreads)) {
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int n = 0; n < CLIENTS; n++) {
                    int client = n;
                    done.add(pool.submit(() -> {
                        try (Jedis j = new Jedis("127.0.0.1", s.port())) {
                            Pipeline p = j.pipelined();
                            List<Response<Long>> counts = new ArrayList<>();
                            List<Response<String>> values = new ArrayList<>();
                            for (int i = 0; i < COMMANDS; i++) {
                                p.set("k" + client + ":" + i, "v" + client + ":" + i);
                                counts.add(p.incr("counter:" + client));
                                values.add(p.get("k" + client + ":" + i));
                            }
                            p.sync();
                            for (int i = 0; i < COMMANDS; i++) {
                                assertEquals(i + 1, (long) counts.get(i).get());
                                assertEquals("v" + client + ":" + i, values.get(i).get());
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            try (Jedis j = new Jedis("127.0.0.1", s.port())) {
                assertEquals(CLIENTS * (COMMANDS + 1L), j.dbSize());
            }
        }
    }

    @ParameterizedTest(name = "io-threads {0}")
    @ValueSource(strings = {"1", "3"})
    void aLargeReplyArrivesWhole(String ioThreads) throws Exception {
        try (ServerProcess s = ServerProcess.cinnabar("--io-threads", ioThreads);
                Jedis j = new Jedis("127.0.0.1", s.port())) {
            String big = "x".repeat(1 << 20);
            for (int i = 0; i < 20; i++) {
                j.set("big" + i, big);
            }
            String[] keys = new String[20];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = "big" + i;
            }
            List<String> all = j.mget(keys);
            assertEquals(20, all.size());
            for (String v : all) {
                assertEquals(big, v);
            }
        }
    }

    @ParameterizedTest(name = "io-threads {0}")
    @ValueSource(strings = {"1", "3"})
    void theEngineMovesTheListenerAndShutsDown(String ioThreads) throws Exception {
        ServerProcess s = ServerProcess.cinnabar("--io-threads", ioThreads, "--bind", "127.0.0.1");
        try {
            int next = ServerProcess.freePort();
            try (RawConnection c = new RawConnection(s.port())) {
                assertEquals("+OK\r\n", c.call("CONFIG", "SET", "port", Integer.toString(next)));
                assertEquals("+PONG\r\n", c.call("PING"));
            }
            try (RawConnection c = new RawConnection(next)) {
                c.send("SHUTDOWN", "NOSAVE");
                assertTrue(c.closedByServer());
            }
            assertTrue(s.process().waitFor(10, TimeUnit.SECONDS), "the server did not exit:\n" + s.log());
            assertEquals(0, s.process().exitValue(), s.log());
            assertTrue(s.log().contains("ready to exit, bye bye"), s.log());
        } finally {
            s.close();
        }
    }
}
