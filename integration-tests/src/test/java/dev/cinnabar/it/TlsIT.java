package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.RedisCli;
import dev.cinnabar.it.support.ServerProcess;
import dev.cinnabar.it.support.TestCertificates;
import dev.cinnabar.it.support.TestCertificates.KeyFormat;
import dev.cinnabar.it.support.Waits;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * TLS as Redis 7.0 serves it ({@code tls-port}, {@code tls-auth-clients}, the {@code tls-*}
 * settings at start and through CONFIG SET, {@code tls-replication}), with certificates made by
 * openssl. Redis and the JAR go through the same steps and must show the same things; the
 * clients are redis-cli, Jedis, Lettuce and plain JDK sockets.
 */
class TlsIT {
    private static TestCertificates certs;

    @TempDir
    Path tmp;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCertificates.get();
    }

    /** What a TLS client sees: the reply to PING, or "refused" when the handshake or the first read fails. */
    private static String tlsPing(int port, boolean clientCert, String... protocols) {
        try (SSLSocket s = certs.connect(port, clientCert, protocols); RawConnection c = new RawConnection(s)) {
            return c.call("PING").trim();
        } catch (Exception e) {
            return "refused";
        }
    }

    /** A TLSv1.2 client offering one suite: the reply to PING, or "refused". */
    private static String suiteOnly(int port, String suite) {
        try (SSLSocket s = certs.connect(port, true, new String[] {"TLSv1.2"}, new String[] {suite});
                RawConnection c = new RawConnection(s)) {
            return c.call("PING").trim();
        } catch (Exception e) {
            return "refused";
        }
    }

    private static String ok(RawConnection c, String... args) throws IOException {
        return String.join(" ", args).replace(certs.dir.toString(), "CERTS") + " -> " + c.call(args).trim();
    }

    /** The same CONFIG SET steps on one server; what a user sees at each. */
    private static List<String> configSteps(ServerProcess s) throws Exception {
        List<String> seen = new ArrayList<>();
        int tlsPort = ServerProcess.freePort();
        String tls = Integer.toString(tlsPort);
        try (RawConnection c = new RawConnection(s.port())) {
            seen.add(ok(c, "CONFIG", "SET", "tls-port", tls));
            // Not in use yet: nothing is checked.
            seen.add(ok(c, "CONFIG", "SET", "tls-cert-file", "/nonexistent.crt"));
            seen.add(ok(c, "CONFIG", "SET", "tls-cert-file", certs.serverCert.toString(), "tls-key-file",
                    certs.serverKey.toString(), "tls-ca-cert-file", certs.caCert.toString(), "tls-port", tls));
            seen.add("with a client certificate: " + tlsPing(tlsPort, true));
            seen.add("without: " + tlsPing(tlsPort, false));
            seen.add(ok(c, "CONFIG", "SET", "tls-auth-clients", "optional"));
            seen.add("optional, without: " + tlsPing(tlsPort, false));
            seen.add(ok(c, "CONFIG", "SET", "tls-auth-clients", "no"));
            seen.add("no, without: " + tlsPing(tlsPort, false));
            seen.add(ok(c, "CONFIG", "SET", "tls-key-file", "/nonexistent.key"));
            seen.add("the old set-up still serves: " + tlsPing(tlsPort, true));
            seen.add(ok(c, "CONFIG", "SET", "tls-protocols", "TLSv1.4"));
            seen.add(ok(c, "CONFIG", "SET", "tls-protocols", "TLSv1.2  TLSv1.3"));
            seen.add(ok(c, "CONFIG", "SET", "tls-protocols", "tlsv1.3"));
            seen.add("TLSv1.2 client: " + tlsPing(tlsPort, true, "TLSv1.2"));
            seen.add("TLSv1.3 client: " + tlsPing(tlsPort, true, "TLSv1.3"));
            seen.add(ok(c, "CONFIG", "SET", "tls-ciphers", "NO-SUCH-CIPHER"));
            seen.add(ok(c, "CONFIG", "SET", "tls-protocols", "TLSv1.2", "tls-ciphers", "ECDHE-RSA-AES256-GCM-SHA384"));
            try (SSLSocket sock = certs.connect(tlsPort, true, "TLSv1.2")) {
                seen.add("negotiated: " + sock.getSession().getCipherSuite());
            }
            // Whose order picks the suite: the client's, unless tls-prefer-server-ciphers.
            seen.add(ok(c, "CONFIG", "SET", "tls-ciphers", "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384"));
            String[] clientOrder = {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"};
            try (SSLSocket sock = certs.connect(tlsPort, true, new String[] {"TLSv1.2"}, clientOrder)) {
                seen.add("client's order: " + sock.getSession().getCipherSuite());
            }
            seen.add(ok(c, "CONFIG", "SET", "tls-prefer-server-ciphers", "yes"));
            try (SSLSocket sock = certs.connect(tlsPort, true, new String[] {"TLSv1.2"}, clientOrder)) {
                seen.add("server's order: " + sock.getSession().getCipherSuite());
            }
            // '-' takes a cipher out of a list: a client offering only that one is refused.
            seen.add(ok(c, "CONFIG", "SET", "tls-ciphers", "DEFAULT:-ECDHE-RSA-AES128-GCM-SHA256"));
            seen.add("removed: " + suiteOnly(tlsPort, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
            seen.add("kept: " + suiteOnly(tlsPort, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
            seen.add(ok(c, "CONFIG", "SET", "tls-ciphersuites", "TLS_AES_256_GCM_SHA384", "tls-protocols", "TLSv1.3"));
            try (SSLSocket sock = certs.connect(tlsPort, true)) {
                seen.add("negotiated: " + sock.getSession().getProtocol() + " " + sock.getSession().getCipherSuite());
            }
            seen.add(ok(c, "CONFIG", "SET", "tls-ciphers", "", "tls-ciphersuites", "", "tls-protocols", ""));
            for (String name : new String[] {"tls-port", "tls-auth-clients", "tls-protocols", "tls-ciphers",
                "tls-session-caching", "tls-session-cache-size", "tls-replication", "tls-key-file"}) {
                seen.add(ok(c, "CONFIG", "GET", name).replace(tls, "TLSPORT"));
            }
            seen.add(ok(c, "CONFIG", "SET", "tls-replication", "yes", "tls-ca-cert-file", ""));
            seen.add(ok(c, "CONFIG", "SET", "tls-port", "0"));
            seen.add("after tls-port 0: " + tlsPing(tlsPort, true));
            seen.add(ok(c, "CONFIG", "SET", "tls-port", tls));
            seen.add("back: " + tlsPing(tlsPort, true));
        }
        for (int i = 0; i < seen.size(); i++) {
            seen.set(i, seen.get(i).replace(tls, "TLSPORT"));
        }
        return seen;
    }

    /** The TLS warnings of a log, each cut after Redis's fixed text (OpenSSL's reasons are its own). */
    private static List<String> tlsWarnings(String log) {
        List<String> out = new ArrayList<>();
        for (String line : log.split("\n")) {
            for (String fixed : new String[] {"No tls-cert-file configured!", "No tls-key-file configured!",
                "Invalid tls-protocols specified.", "Failed to configure ciphers: ", "Failed to load private key: ",
                "Either tls-ca-cert-file or tls-ca-cert-dir must be specified", "Failed to configure TLS. Check logs",
                "Error accepting a client connection: "}) {
                int at = line.indexOf(fixed);
                if (at >= 0) {
                    out.add(fixed.equals("Failed to load private key: ") ? line.substring(at, line.indexOf(".key", at) + 4)
                            : fixed.equals("Failed to configure ciphers: ") ? line.substring(at) : fixed);
                }
            }
        }
        return out;
    }

    @Test
    void configSetGoesAsRedisGoes() throws Exception {
        List<String> redis;
        String redisLog;
        try (ServerProcess r = ServerProcess.redis()) {
            redis = configSteps(r);
            redisLog = r.log();
        }
        try (ServerProcess s = ServerProcess.cinnabar("--save", "")) {
            assertEquals(String.join("\n", redis), String.join("\n", configSteps(s)));
            assertEquals(tlsWarnings(redisLog), tlsWarnings(s.log()));
        }
    }

    @Test
    void aStartWithoutACertificateEndsAsRedisDoes() throws Exception {
        int tlsPort = ServerProcess.freePort();
        String ours = ServerProcess.failedStart(tmp, "--tls-port", Integer.toString(tlsPort), "--save", "");
        Path log = tmp.resolve("redis.log");
        Process p = new ProcessBuilder(ServerProcess.redisServerBinary(), "--port", "0", "--tls-port",
                Integer.toString(tlsPort), "--save", "").directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        String theirs = Files.readString(log) + "exit " + p.exitValue();
        assertEquals(List.of("No tls-cert-file configured!", "Failed to configure TLS. Check logs"), tlsWarnings(theirs));
        assertEquals(tlsWarnings(theirs), tlsWarnings(ours));
        assertTrue(theirs.endsWith("exit 1") && ours.endsWith("exit 1"), ours);
    }

    @Test
    void clientLibrariesTalkThroughTheTlsPortOnly() throws Exception {
        int tlsPort = ServerProcess.freePort();
        List<String> args = certs.serverArgs();
        args.addAll(List.of("--tls-port", Integer.toString(tlsPort), "--save", ""));
        try (ServerProcess s = ServerProcess.cinnabar(args.toArray(new String[0]))) {
            List<String> cli = certs.cliArgs();
            cli.addAll(List.of("-p", Integer.toString(tlsPort), "SET", "k", "over tls"));
            RedisCli set = RedisCli.run(null, 20, cli.toArray(new String[0]));
            assertEquals("OK\n", set.out, set.err);

            try (Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", tlsPort), DefaultJedisClientConfig.builder()
                    .ssl(true).sslSocketFactory(certs.context(true).getSocketFactory()).timeoutMillis(10_000).build())) {
                assertEquals("over tls", jedis.get("k"));
                jedis.rpush("list", "a", "b", "c");
                assertEquals(List.of("a", "b", "c"), jedis.lrange("list", 0, -1));
            }

            RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(tlsPort).withSsl(true).build();
            RedisClient client = RedisClient.create(uri);
            client.setOptions(ClientOptions.builder().sslOptions(SslOptions.builder().jdkSslProvider()
                    .trustManager(certs.caCert.toFile())
                    .keyManager(certs.clientCert.toFile(), certs.clientKey.toFile(), null).build()).build());
            try (StatefulRedisConnection<String, String> conn = client.connect()) {
                assertEquals("over tls", conn.sync().get("k"));
                assertEquals(4L, conn.sync().rpush("list", "d"));
                // A value bigger than a TLS record (16 KB) goes out and comes back whole.
                String big = "x".repeat(300_000);
                conn.sync().set("big", big);
                assertEquals(big, conn.sync().get("big"));
            } finally {
                client.shutdown();
            }

            // A plain-text client on the TLS port is turned away, as Redis turns it away.
            try (RawConnection plain = new RawConnection(tlsPort)) {
                plain.sendRaw("PING\r\n");
                assertTrue(plain.closedByServer());
            }
            Waits.until("the refused handshake logged", 5000,
                    () -> s.log().contains("Error accepting a client connection: "));
            try (RawConnection c = new RawConnection(s.port())) {
                assertEquals("$8\r\nover tls\r\n", c.call("GET", "k"));
            }
        }
    }

    @Test
    void everyKeyEncodingOpenSslWritesIsTaken() throws Exception {
        int tlsPort = ServerProcess.freePort();
        List<String> args = certs.serverArgs();
        args.addAll(List.of("--tls-port", Integer.toString(tlsPort), "--save", ""));
        try (ServerProcess s = ServerProcess.cinnabar(args.toArray(new String[0]));
                RawConnection c = new RawConnection(s.port())) {
            for (KeyFormat format : KeyFormat.values()) {
                Path[] keyAndCert = certs.key(format);
                String pass = format.password();
                assertEquals("+OK\r\n", c.call("CONFIG", "SET", "tls-key-file-pass", pass, "tls-key-file",
                        keyAndCert[0].toString(), "tls-cert-file", keyAndCert[1].toString()), format.name() + ": " + s.log());
                try (SSLSocket sock = certs.connect(tlsPort, true); RawConnection t = new RawConnection(sock)) {
                    assertEquals("+PONG\r\n", t.call("PING"), format.name());
                    String served = ((java.security.cert.X509Certificate) sock.getSession().getPeerCertificates()[0])
                            .getSubjectX500Principal().getName();
                    assertTrue(served.contains("CN=" + format.name().toLowerCase()), served);
                }
            }
            // An encrypted key without its password is refused, and the last good set-up stays.
            Path[] encrypted = certs.key(KeyFormat.PKCS8_ENCRYPTED);
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'tls-key-file-pass') - Unable to update TLS "
                    + "configuration. Check server logs.\r\n", c.call("CONFIG", "SET", "tls-key-file-pass", "wrong",
                    "tls-key-file", encrypted[0].toString(), "tls-cert-file", encrypted[1].toString()));
            assertEquals("+PONG", tlsPing(tlsPort, true));
        }
    }

    /** A master and a replica speaking TLS to each other; {@code masterIsRedis} picks which is which. */
    private void replicateOverTls(boolean masterIsRedis, String... masterExtra) throws Exception {
        int masterTls = ServerProcess.freePort();
        int replicaTls = ServerProcess.freePort();
        List<String> m = certs.serverArgs();
        m.addAll(List.of("--tls-port", Integer.toString(masterTls), "--tls-replication", "yes"));
        m.addAll(List.of(masterExtra));
        List<String> r = certs.serverArgs();
        r.addAll(List.of("--tls-port", Integer.toString(replicaTls), "--tls-replication", "yes",
                "--replicaof", "127.0.0.1", Integer.toString(masterTls)));
        try (ServerProcess master = masterIsRedis ? ServerProcess.redis(m.toArray(new String[0]))
                : ServerProcess.cinnabar(withSave(m));
                RawConnection mc = new RawConnection(master.port())) {
            StringBuilder big = new StringBuilder();
            for (int i = 0; i < 2000; i++) {
                mc.call("SET", "key:" + i, "value " + i);
                big.append(i).append(',');
            }
            // Several TLS records and several pieces of the dump: 64 KB pieces, 16 KB records.
            mc.call("SET", "big", big.toString().repeat(40));
            // Writes go on while the replica syncs: what the master sends after the dump must
            // arrive after it, whole.
            java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.concurrent.CompletableFuture<Void> writer = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try (RawConnection w = new RawConnection(master.port())) {
                    while (writing.get()) {
                        w.call("INCR", "counter");
                        w.call("APPEND", "log", "x");
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (ServerProcess replica = masterIsRedis ? ServerProcess.cinnabar(withSave(r))
                    : ServerProcess.redis(r.toArray(new String[0]));
                    RawConnection rc = new RawConnection(replica.port())) {
                Waits.until("in sync", 20_000,
                        () -> rc.call("INFO", "replication").contains("master_link_status:up"));
                Thread.sleep(300);
                writing.set(false);
                writer.join();
                mc.call("SET", "after", "the sync");
                Waits.until("the write after the sync there", 10_000, () -> rc.call("GET", "after").contains("the sync"));
                assertEquals(mc.call("DBSIZE"), rc.call("DBSIZE"));
                assertEquals(mc.call("GET", "big"), rc.call("GET", "big"));
                assertEquals(mc.call("GET", "key:1999"), rc.call("GET", "key:1999"));
                assertEquals(mc.call("GET", "counter"), rc.call("GET", "counter"));
                assertEquals(mc.call("GET", "log"), rc.call("GET", "log"));
                // The replica says where it listens: its TLS port, since it replicates over TLS.
                String info = mc.call("INFO", "replication");
                assertTrue(info.contains("port=" + replicaTls + ","), info);
            }
        }
    }

    private static String[] withSave(List<String> args) {
        List<String> out = new ArrayList<>(args);
        out.addAll(List.of("--save", ""));
        return out.toArray(new String[0]);
    }

    @Test
    void aReplicaOfRedisSyncsOverTls() throws Exception {
        replicateOverTls(true);
    }

    @Test
    void redisReplicatesFromUsOverTlsByDisk() throws Exception {
        // The dump goes from the file through TLS, not by sendfile.
        replicateOverTls(false, "--repl-diskless-sync", "no");
    }

    @Test
    void redisReplicatesFromUsOverTlsDiskless() throws Exception {
        replicateOverTls(false, "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0");
    }
    // ------------------------------------------------------------------ tls-cluster

    /** A cluster node speaking TLS on its bus and its TLS port, the plaintext port beside. */
    private static ServerProcess tlsNode(boolean redis, int tlsPort) throws Exception {
        List<String> args = certs.serverArgs();
        args.addAll(List.of("--tls-port", Integer.toString(tlsPort), "--tls-cluster", "yes", "--tls-replication", "yes",
                "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                "--cluster-port", Integer.toString(ServerProcess.freePort()), "--cluster-node-timeout", "2000"));
        return redis ? ServerProcess.redis(args.toArray(new String[0])) : ServerProcess.cinnabar(withSave(args));
    }

    private static String tlsCall(int tlsPort, String... args) throws Exception {
        try (SSLSocket s = certs.connect(tlsPort, true); RawConnection c = new RawConnection(s)) {
            return c.call(args);
        }
    }

    private static String plainCall(ServerProcess s, String... args) throws Exception {
        try (RawConnection c = new RawConnection(s.port())) {
            return c.call(args);
        }
    }

    @Test
    void aTlsClusterOfRedisAndCinnabarNodesTellsEachClientItsOwnPorts() throws Exception {
        int[] tls = {ServerProcess.freePort(), ServerProcess.freePort(), ServerProcess.freePort(), ServerProcess.freePort()};
        List<ServerProcess> nodes = new ArrayList<>();
        try {
            nodes.add(tlsNode(true, tls[0]));
            nodes.add(tlsNode(false, tls[1]));
            nodes.add(tlsNode(false, tls[2]));
            List<String> create = certs.cliArgs();
            create.addAll(List.of("--cluster", "create", "127.0.0.1:" + tls[0], "127.0.0.1:" + tls[1],
                    "127.0.0.1:" + tls[2], "--cluster-yes"));
            RedisCli created = RedisCli.run(null, 60, create.toArray(new String[0]));
            assertEquals(0, created.exitCode, created.out + created.err);
            Waits.until("the cluster up on every node", 30_000, () -> {
                for (ServerProcess n : nodes) {
                    if (!"ok".equals(Waits.field(plainCall(n, "CLUSTER", "INFO"), "cluster_state"))) {
                        return false;
                    }
                }
                return true;
            });
            ServerProcess redis = nodes.get(0);
            ServerProcess ours = nodes.get(1);
            // The same CLUSTER SLOTS from both kinds of node: plaintext ports to a client without
            // TLS, TLS ports to one with it.
            Waits.until("the same view of the cluster", 15_000,
                    () -> plainCall(redis, "CLUSTER", "SLOTS").equals(plainCall(ours, "CLUSTER", "SLOTS"))
                            && tlsCall(tls[0], "CLUSTER", "SLOTS").equals(tlsCall(tls[1], "CLUSTER", "SLOTS")));
            String plainSlots = plainCall(ours, "CLUSTER", "SLOTS");
            String tlsSlots = tlsCall(tls[1], "CLUSTER", "SLOTS");
            for (int i = 0; i < 3; i++) {
                assertTrue(plainSlots.contains(":" + nodes.get(i).port() + "\r\n"), plainSlots);
                assertTrue(tlsSlots.contains(":" + tls[i] + "\r\n"), tlsSlots);
                assertTrue(!plainSlots.contains(":" + tls[i] + "\r\n"), plainSlots);
            }
            // CLUSTER NODES and MOVED the same way; SHARDS names both ports.
            assertTrue(plainCall(ours, "CLUSTER", "NODES").contains("127.0.0.1:" + redis.port() + "@"));
            assertTrue(tlsCall(tls[1], "CLUSTER", "NODES").contains("127.0.0.1:" + tls[0] + "@"));
            String shards = plainCall(ours, "CLUSTER", "SHARDS");
            assertTrue(shards.contains("$8\r\ntls-port\r\n:" + tls[0] + "\r\n")
                    && shards.contains("$4\r\nport\r\n:" + redis.port() + "\r\n"), shards);
            String key = keyServedBy(redis);
            String movedPlain = plainCall(ours, "GET", key);
            assertTrue(movedPlain.startsWith("-MOVED ") && movedPlain.trim().endsWith("127.0.0.1:" + redis.port()), movedPlain);
            assertEquals(movedPlain.replace(Integer.toString(redis.port()), "P"),
                    plainCall(nodes.get(2), "GET", key).replace(Integer.toString(redis.port()), "P"));
            String movedTls = tlsCall(tls[1], "GET", key);
            assertTrue(movedTls.trim().endsWith("127.0.0.1:" + tls[0]), movedTls);

            // Resharding moves keys by MIGRATE, over TLS in a TLS cluster: from us to Redis, and
            // back. redis-cli takes a source's lowest slots first; a part of them, since a master
            // left with no slot becomes a replica of the node that took its last one.
            moveKeys(tls[0], ours, 5461, redis);
            moveKeys(tls[0], redis, 0, ours);

            // A Cinnabar replica of the Redis master joins over the TLS bus and syncs over TLS.
            tlsCall(tls[0], "SET", key, "served by redis");
            ServerProcess replica = tlsNode(false, tls[3]);
            nodes.add(replica);
            List<String> add = certs.cliArgs();
            String redisId = plainCall(redis, "CLUSTER", "MYID").split("\r\n")[1];
            add.addAll(List.of("--cluster", "add-node", "127.0.0.1:" + tls[3], "127.0.0.1:" + tls[0], "--cluster-slave",
                    "--cluster-master-id", redisId));
            RedisCli added = RedisCli.run(null, 60, add.toArray(new String[0]));
            assertEquals(0, added.exitCode, added.out + added.err);
            Waits.until("the replica has the master's key", 30_000, () -> {
                try (RawConnection c = new RawConnection(replica.port())) {
                    c.call("READONLY");
                    return c.call("GET", key).contains("served by redis");
                }
            });
            String info = plainCall(redis, "INFO", "replication");
            assertTrue(info.contains("port=" + tls[3] + ","), info);
        } finally {
            for (ServerProcess n : nodes) {
                n.close();
            }
        }
    }

    /** A key whose slot {@code node} serves, found by asking it. */
    private static String keyServedBy(ServerProcess node) throws Exception {
        try (RawConnection c = new RawConnection(node.port())) {
            for (int i = 0; ; i++) {
                String key = "key" + i;
                if (!c.call("GET", key).startsWith("-MOVED")) {
                    return key;
                }
            }
        }
    }

    /**
     * Writes keys into the 1000 slots from {@code firstSlot} on {@code from}, moves those slots
     * to {@code to} by redis-cli (MIGRATE), and reads the keys there.
     */
    private static void moveKeys(int entryTls, ServerProcess from, int firstSlot, ServerProcess to) throws Exception {
        List<String> keys = keysInSlots(from, firstSlot, firstSlot + 1000, 40);
        for (String k : keys) {
            plainCall(from, "SET", k, "value of " + k);
        }
        reshard(entryTls, from, to, 1000);
        for (String k : keys) {
            assertEquals("$" + ("value of " + k).length() + "\r\nvalue of " + k + "\r\n", plainCall(to, "GET", k));
        }
    }

    /** {@code n} keys whose slots are in [{@code from}, {@code to}), by CLUSTER KEYSLOT. */
    private static List<String> keysInSlots(ServerProcess node, int from, int to, int n) throws Exception {
        List<String> out = new ArrayList<>();
        try (RawConnection c = new RawConnection(node.port())) {
            for (int i = 0; out.size() < n; i++) {
                String key = "key" + i;
                int slot = Integer.parseInt(c.call("CLUSTER", "KEYSLOT", key).substring(1).trim());
                if (slot >= from && slot < to) {
                    out.add(key);
                }
            }
        }
        return out;
    }

    /** redis-cli --tls --cluster reshard of {@code slots} slots, through the node on {@code entryTls}. */
    private static void reshard(int entryTls, ServerProcess from, ServerProcess to, int slots) throws Exception {
        List<String> args = certs.cliArgs();
        args.addAll(List.of("--cluster", "reshard", "127.0.0.1:" + entryTls,
                "--cluster-from", plainCall(from, "CLUSTER", "MYID").split("\r\n")[1],
                "--cluster-to", plainCall(to, "CLUSTER", "MYID").split("\r\n")[1],
                "--cluster-slots", Integer.toString(slots), "--cluster-yes"));
        RedisCli moved = RedisCli.run(null, 120, args.toArray(new String[0]));
        assertEquals(0, moved.exitCode, moved.out + moved.err);
        assertTrue(moved.out.contains("Moving slot"), moved.out);
    }
}
