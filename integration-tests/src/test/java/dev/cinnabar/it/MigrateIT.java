package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.CinnabarPropagation;
import dev.cinnabar.it.support.PropagationDiff;
import dev.cinnabar.it.support.PropagationScenario;
import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.RedisPropagation;
import dev.cinnabar.it.support.ServerPair;
import dev.cinnabar.it.support.ServerProcess;
import dev.cinnabar.it.support.Waits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MIGRATE between real servers. Values of every type and encoding move from Cinnabar into a
 * redis-server and from a redis-server into Cinnabar with equal DEBUG DIGEST-VALUE on both sides;
 * and the same MIGRATE commands sent to Redis and to Cinnabar as sources, against the same
 * targets (a plain redis-server, one with a password and an ACL user, a port where nothing
 * listens, a server that never answers), give the same replies and leave the same keys on both
 * sides. What a MIGRATE propagates is compared with Redis's replication stream.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrateIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair("--enable-debug-command", "yes");

    private ServerProcess target;
    private ServerProcess secured;
    private ServerProcess cinnabarTarget;

    @BeforeAll
    void start() throws IOException {
        target = ServerProcess.redis("--enable-debug-command", "yes");
        secured = ServerProcess.redis("--requirepass", "pw");
        try (RawConnection c = new RawConnection(secured.port())) {
            c.call("AUTH", "pw");
            c.call("ACL", "SETUSER", "mover", "on", ">moverpw", "~*", "+@all");
        }
        cinnabarTarget = ServerProcess.cinnabar("--enable-debug-command", "yes");
    }

    @AfterAll
    void stop() {
        for (ServerProcess p : new ServerProcess[] {target, secured, cinnabarTarget}) {
            if (p != null) {
                p.close();
            }
        }
    }

    // ------------------------------------------------------------------ values

    /** Keys of each type, in each encoding Redis 7.0 has for it, built by the same commands on either server. */
    static Map<String, List<String[]>> dataset() {
        Map<String, List<String[]>> d = new LinkedHashMap<>();
        List<String[]> strings = new ArrayList<>();
        strings.add(new String[] {"SET", "s:int", "123456789"});
        strings.add(new String[] {"SET", "s:neg", "-9223372036854775808"});
        strings.add(new String[] {"SET", "s:emb", "hello world"});
        strings.add(new String[] {"SET", "s:raw", "x".repeat(100) + "y".repeat(60)});
        strings.add(new String[] {"SET", "s:bin", "\u0000\u0001\u00ff"});
        strings.add(new String[] {"SET", "s:empty", ""});
        strings.add(new String[] {"SET", "s:ttl", "v", "PX", "100000"});
        strings.add(new String[] {"SETRANGE", "s:grown", "30", "abc"});
        StringBuilder random = new StringBuilder();
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 3000; i++) {
            random.append((char) ('a' + r.nextInt(26)));
        }
        strings.add(new String[] {"SET", "s:random", random.toString()});
        d.put("string", strings);

        List<String[]> lists = new ArrayList<>();
        lists.add(new String[] {"RPUSH", "l:small", "a", "1", "-5", "b".repeat(70)});
        for (int i = 0; i < 600; i += 100) {
            List<String> cmd = new ArrayList<>(List.of("RPUSH", "l:big"));
            for (int j = i; j < i + 100; j++) {
                cmd.add(j % 3 == 0 ? Integer.toString(j) : "element-" + j);
            }
            lists.add(cmd.toArray(new String[0]));
        }
        lists.add(new String[] {"RPUSH", "l:plainish", "x".repeat(9000), "y"});
        d.put("list", lists);

        List<String[]> hashes = new ArrayList<>();
        hashes.add(new String[] {"HSET", "h:small", "f", "v", "n", "12", "e", ""});
        List<String> big = new ArrayList<>(List.of("HSET", "h:big"));
        for (int i = 0; i < 200; i++) {
            big.add("field" + i);
            big.add(i % 2 == 0 ? Integer.toString(i * 7) : "value" + i);
        }
        hashes.add(big.toArray(new String[0]));
        hashes.add(new String[] {"HSET", "h:long", "f", "z".repeat(100)});
        d.put("hash", hashes);

        List<String[]> sets = new ArrayList<>();
        sets.add(new String[] {"SADD", "set:int", "1", "2", "3", "-100", "70000", "5000000000"});
        sets.add(new String[] {"SADD", "set:str", "a", "b", "c"});
        List<String> bigSet = new ArrayList<>(List.of("SADD", "set:bigint"));
        for (int i = 0; i < 600; i++) {
            bigSet.add(Integer.toString(i * 3));
        }
        sets.add(bigSet.toArray(new String[0]));
        d.put("set", sets);

        List<String[]> zsets = new ArrayList<>();
        zsets.add(new String[] {"ZADD", "z:small", "1", "a", "2.5", "b", "-inf", "c", "1e300", "d"});
        List<String> bigZ = new ArrayList<>(List.of("ZADD", "z:big"));
        for (int i = 0; i < 200; i++) {
            bigZ.add(Double.toString(i / 3.0));
            bigZ.add("member" + i);
        }
        zsets.add(bigZ.toArray(new String[0]));
        zsets.add(new String[] {"ZADD", "z:long", "1", "m".repeat(80)});
        d.put("zset", zsets);

        List<String[]> streams = new ArrayList<>();
        for (int i = 1; i <= 150; i++) {
            streams.add(new String[] {"XADD", "x:s", i + "-1", "f", "v" + i, "n", Integer.toString(i)});
        }
        streams.add(new String[] {"XDEL", "x:s", "5-1"});
        streams.add(new String[] {"XGROUP", "CREATE", "x:s", "g1", "0"});
        streams.add(new String[] {"XGROUP", "CREATE", "x:s", "g2", "$"});
        streams.add(new String[] {"XREADGROUP", "GROUP", "g1", "alice", "COUNT", "3", "STREAMS", "x:s", ">"});
        streams.add(new String[] {"XREADGROUP", "GROUP", "g1", "bob", "COUNT", "2", "STREAMS", "x:s", ">"});
        streams.add(new String[] {"XACK", "x:s", "g1", "1-1"});
        streams.add(new String[] {"XADD", "x:empty", "1-1", "a", "b"});
        streams.add(new String[] {"XDEL", "x:empty", "1-1"});
        d.put("stream", streams);
        return d;
    }

    static final List<String> TYPES = List.of("string", "list", "hash", "set", "zset", "stream");

    private static List<String> build(RawConnection c, String type) throws IOException {
        List<String> keys = new ArrayList<>();
        for (String[] cmd : dataset().get(type)) {
            String reply = c.call(cmd);
            assertTrue(!reply.startsWith("-"), String.join(" ", cmd) + " -> " + reply);
            String key = cmd[0].equals("XGROUP") ? cmd[2] : cmd[0].equals("XREADGROUP") ? cmd[cmd.length - 2] : cmd[1];
            if (!keys.contains(key)) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static Map<String, String> digests(RawConnection c, List<String> keys) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : keys) {
            // Not OBJECT ENCODING: a RESTORE-d value takes the encoding loading gives it (a raw 33-byte string becomes embstr).
            out.put(k, c.call("DEBUG", "DIGEST-VALUE", k) + " " + c.call("TYPE", k));
        }
        return out;
    }

    private void moveEveryType(ServerProcess from, ServerProcess to) throws IOException {
        try (RawConnection src = new RawConnection(from.port()); RawConnection dst = new RawConnection(to.port())) {
            src.call("FLUSHALL");
            dst.call("FLUSHALL");
            for (String type : TYPES) {
                List<String> keys = build(src, type);
                Map<String, String> before = digests(src, keys);
                List<String> cmd = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", Integer.toString(to.port()), "", "0", "5000", "KEYS"));
                cmd.addAll(keys);
                assertEquals("+OK\r\n", src.call(cmd.toArray(new String[0])), type);
                assertEquals(":0\r\n", src.call("EXISTS", keys.get(0)), type);
                assertEquals(before, digests(dst, keys), type);
                // And back again, key by key, as the single-key form.
                for (String k : keys) {
                    assertEquals("+OK\r\n", dst.call("MIGRATE", "127.0.0.1", Integer.toString(from.port()), k, "0", "5000"), k);
                }
                assertEquals(before, digests(src, keys), type);
            }
            String ttl = src.call("PTTL", "s:ttl");
            long left = Long.parseLong(ttl.substring(1).strip());
            assertTrue(left > 90_000 && left <= 100_000, ttl);
        }
    }

    @Test
    void everyTypeMovesFromCinnabarToRedisAndBack() throws IOException {
        moveEveryType(SERVERS.cinnabar(), target);
    }

    @Test
    void everyTypeMovesFromRedisToCinnabarAndBack() throws IOException {
        moveEveryType(SERVERS.redis(), cinnabarTarget);
    }

    @Test
    void everyTypeMovesFromCinnabarToCinnabarAndBack() throws IOException {
        moveEveryType(SERVERS.cinnabar(), cinnabarTarget);
    }

    // ------------------------------------------------------------------ the same commands on both sources

    /** Runs {@code steps} on each source (Redis, then Cinnabar) against a flushed target, comparing transcripts. */
    private void compare(ServerProcess to, String password, Steps steps) throws Exception {
        SERVERS.compare((port, transcript) -> {
            try (RawConnection src = new RawConnection(port); RawConnection dst = new RawConnection(to.port())) {
                if (password != null) {
                    dst.call("AUTH", password);
                }
                src.call("FLUSHALL");
                dst.call("FLUSHALL");
                steps.run(src, dst, transcript);
            }
        });
    }

    private interface Steps {
        void run(RawConnection src, RawConnection dst, List<String> transcript) throws Exception;
    }

    private static void say(List<String> transcript, RawConnection c, String... cmd) throws IOException {
        transcript.add(String.join(" ", cmd) + " -> " + c.call(cmd));
    }

    private String[] migrate(ServerProcess to, String... rest) {
        List<String> cmd = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", Integer.toString(to.port())));
        cmd.addAll(List.of(rest));
        return cmd.toArray(new String[0]);
    }

    @Test
    void copyReplaceBusykeyKeysAndDatabases() throws Exception {
        compare(target, null, (src, dst, t) -> {
            say(t, src, "SET", "a", "1");
            say(t, src, "SET", "b", "2");
            say(t, src, "SET", "c", "3");
            say(t, src, migrate(target, "a", "0", "1000"));
            say(t, src, migrate(target, "a", "0", "1000"));
            say(t, src, "SET", "a", "new");
            say(t, src, migrate(target, "a", "0", "1000"));
            say(t, src, migrate(target, "a", "0", "1000", "COPY"));
            say(t, src, migrate(target, "a", "0", "1000", "COPY", "REPLACE"));
            say(t, dst, "GET", "a");
            say(t, src, "EXISTS", "a");
            // One key the target refuses: the others still move, and the first error is the reply.
            say(t, src, migrate(target, "", "0", "1000", "KEYS", "b", "a", "nosuch", "c"));
            say(t, src, "EXISTS", "a", "b", "c");
            say(t, dst, "MGET", "a", "b", "c");
            say(t, src, migrate(target, "", "0", "1000", "REPLACE", "KEYS", "a"));
            say(t, src, "SET", "d", "4");
            say(t, src, migrate(target, "d", "3", "1000"));
            say(t, dst, "SELECT", "3");
            say(t, dst, "GET", "d");
            say(t, src, "SET", "d", "5");
            say(t, src, migrate(target, "d", "99", "1000"));
            say(t, src, migrate(target, "d", "-1", "1000"));
            say(t, dst, "SELECT", "0");
            say(t, dst, "GET", "d");
            say(t, src, "SET", "e", "v", "PX", "100000");
            say(t, src, migrate(target, "e", "0", "0", "REPLACE"));
            String pttl = dst.call("PTTL", "e");
            long left = Long.parseLong(pttl.substring(1).strip());
            t.add("ttl kept: " + (left > 90_000 && left <= 100_000));
            say(t, src, migrate(target, "e", "0", "1000", "AUTH", "x"));
            say(t, src, migrate(target, "x", "0", "1000", "KEYS", "e"));
            say(t, src, migrate(target, "e", "0", "1000", "AUTH"));
            say(t, src, migrate(target, "e", "zero", "1000"));
            say(t, src, migrate(target, "e", "0", "1s"));
            say(t, src, migrate(target, "", "0", "1000", "KEYS"));
        });
    }

    @Test
    void authAndAuth2() throws Exception {
        compare(secured, "pw", (src, dst, t) -> {
            say(t, src, "SET", "a", "1");
            say(t, src, migrate(secured, "a", "0", "1000", "COPY"));
            say(t, src, migrate(secured, "a", "0", "1000", "COPY", "AUTH", "wrong"));
            say(t, src, migrate(secured, "a", "0", "1000", "COPY", "AUTH", "pw"));
            say(t, src, migrate(secured, "a", "0", "1000", "COPY", "REPLACE", "AUTH2", "mover", "nope"));
            say(t, src, migrate(secured, "a", "0", "1000", "REPLACE", "AUTH2", "mover", "moverpw"));
            say(t, dst, "GET", "a");
            say(t, src, "EXISTS", "a");
        });
    }

    @Test
    void nobodyListeningAndASilentTarget() throws Exception {
        int free = ServerProcess.freePort();
        List<java.nio.channels.SocketChannel> queued = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 4; i++) {
                java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open();
                ch.configureBlocking(false);
                ch.connect(full.getLocalSocketAddress());
                queued.add(ch);
            }
            Thread.sleep(200);
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String silentPort = Integer.toString(silent.getLocalPort());
            SERVERS.compare((port, t) -> {
                try (RawConnection src = new RawConnection(port)) {
                    src.call("FLUSHALL");
                    src.call("CONFIG", "RESETSTAT");
                    say(t, src, "SET", "a", "1");
                    say(t, src, "MIGRATE", "127.0.0.1", Integer.toString(free), "a", "0", "1000");
                    say(t, src, "MIGRATE", "", Integer.toString(free), "a", "0", "1000");
                    say(t, src, "MIGRATE", "127.0.0.1", "-1", "a", "0", "1000");
                    // Never before the timeout; the upper bounds leave room for a stalled machine
                    // and still catch a server that ignores the timeout and waits on.
                    long start = System.nanoTime();
                    say(t, src, "MIGRATE", "127.0.0.1", silentPort, "a", "0", "300");
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    t.add("waited its timeout: " + (millis >= 290 && millis < 5000));
                    say(t, src, "EXISTS", "a");
                    // A target whose accept queue is full: the connect never completes. Redis
                    // waits the timeout for it, goes on as if connected, and the write waits the
                    // timeout again: IOERR writing after twice the timeout, no retry.
                    start = System.nanoTime();
                    say(t, src, "MIGRATE", "127.0.0.1", Integer.toString(full.getLocalPort()), "a", "0", "300");
                    millis = (System.nanoTime() - start) / 1_000_000;
                    t.add("waited twice its timeout: " + (millis >= 590 && millis < 5000));
                    String errors = src.call("INFO", "errorstats");
                    int at = errors.indexOf("errorstat_IOERR");
                    t.add(errors.substring(at, errors.indexOf("\r\n", at)));
                }
            });
            for (Socket s : accepted) {
                s.close();
            }
        } finally {
            for (java.nio.channels.SocketChannel ch : queued) {
                ch.close();
            }
        }
    }

    private static long cachedSockets(RawConnection c) throws IOException {
        String info = c.call("INFO", "stats");
        int at = info.indexOf("migrate_cached_sockets:") + "migrate_cached_sockets:".length();
        return Long.parseLong(info.substring(at, info.indexOf("\r\n", at)));
    }

    @Test
    void cachedConnectionsAreReusedAndCloseWhenIdle() throws Exception {
        List<RawConnection> sources = new ArrayList<>();
        try (ServerProcess fresh = ServerProcess.redis(); RawConnection dst = new RawConnection(fresh.port())) {
            for (ServerProcess s : SERVERS.both()) {
                RawConnection c = new RawConnection(s.port());
                sources.add(c);
                long before = cachedSockets(c);
                c.call("SET", "idle", "1");
                for (int i = 0; i < 3; i++) {
                    assertEquals("+OK\r\n", c.call(migrate(fresh, "idle", "9", "1000", "COPY", "REPLACE")));
                }
                // The same target spelled another way is another connection.
                assertEquals("+OK\r\n", c.call("MIGRATE", "localhost", Integer.toString(fresh.port()), "idle", "9", "1000", "COPY", "REPLACE"));
                assertEquals(before + 2, cachedSockets(c));
            }
            String clients = dst.call("CLIENT", "LIST");
            assertEquals(5, clients.split("id=", -1).length - 1, clients); // two per source, and this one
            // Idle for 10 s, they go at the next cron run, which a busy machine may delay.
            for (RawConnection c : sources) {
                Waits.poll(20_000, () -> cachedSockets(c) == 0);
                assertEquals(0, cachedSockets(c));
            }
        } finally {
            for (RawConnection c : sources) {
                c.close();
            }
        }
    }

    // ------------------------------------------------------------------ propagation

    @Test
    void propagatesTheDelOfTheKeysTheTargetTook() throws Exception {
        String port = Integer.toString(target.port());
        PropagationScenario s = PropagationScenario.of("migrate",
                "SET a 1", "SET b 2", "SET c 3", "SET d 4",
                "MIGRATE 127.0.0.1 " + port + " b 0 1000 COPY",
                "MIGRATE 127.0.0.1 " + port + " \"\" 0 1000 KEYS a b c",
                "MIGRATE 127.0.0.1 " + port + " c 0 1000 COPY",
                "MIGRATE 127.0.0.1 " + port + " d 0 1000 COPY AUTH nopassword",
                "MIGRATE 127.0.0.1 " + port + " \"\" 0 1000 REPLACE KEYS b b",
                "MULTI",
                "MIGRATE 127.0.0.1 " + port + " d 0 1000",
                "SET e 5",
                "EXEC",
                "MIGRATE 127.0.0.1 " + port + " nosuch 0 1000",
                "SET f 6 PX 100000",
                "MIGRATE 127.0.0.1 " + port + " f 2 1000 REPLACE",
                "SET g 7",
                "EVAL \"redis.call('migrate', '127.0.0.1', ARGV[1], KEYS[1], '0', '1000') return redis.call('set', 'h', '1')\" 1 g " + port);
        try (ServerProcess reference = ServerProcess.redis("--enable-debug-command", "yes");
                RedisPropagation redis = new RedisPropagation(reference.port());
                RawConnection dst = new RawConnection(target.port())) {
            dst.call("FLUSHALL");
            List<List<byte[]>> expected = redis.run(s);
            dst.call("FLUSHALL");
            CinnabarPropagation cinnabar = new CinnabarPropagation();
            List<List<byte[]>> actual = cinnabar.run(s);
            assertEquals(redis.lastReplies(), cinnabar.lastReplies());
            PropagationDiff.now().assertSame(s, "redis", expected, "cinnabar", actual);
            assertEquals(redis.lastChanges(), cinnabar.lastChanges(), "rdb_changes_since_last_save");
        }
    }
}
