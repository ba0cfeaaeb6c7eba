package dev.cinnabar.it;

import static dev.cinnabar.it.support.Waits.field;
import static dev.cinnabar.it.support.Waits.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cinnabar as the replica: of a real Redis 7.0 master (full sync, disk-based and diskless; the
 * stream; acknowledgements; partial resynchronization after its link drops), as the middle of a
 * chain (its own replicas get its master's stream with the master's offsets), promoted with
 * REPLICAOF NO ONE while its replicas continue, and of another Cinnabar. Datasets are compared
 * with DEBUG DIGEST, which Cinnabar computes as Redis does.
 */
class ReplicaIT {
    private static final long SYNC_MILLIS = ReplicationIT.SYNC_MILLIS;

    private static void awaitLinkUp(RawConnection replica) throws Exception {
        ReplicationIT.awaitLinkUp(replica);
    }

    /** A redis-server master that starts a replica's sync at once (no diskless delay). */
    private static ServerProcess redisMaster() throws IOException {
        return ServerProcess.redis("--enable-debug-command", "yes", "--repl-diskless-sync-delay", "0");
    }

    private static ServerProcess cinnabarReplicaOf(ServerProcess master, String... extra) throws IOException {
        String[] args = new String[extra.length + 5];
        args[0] = "--replicaof";
        args[1] = "127.0.0.1";
        args[2] = Integer.toString(master.port());
        args[3] = "--enable-debug-command";
        args[4] = "yes";
        System.arraycopy(extra, 0, args, 5, extra.length);
        return ServerProcess.cinnabar(args);
    }

    private static void fill(RawConnection m) throws IOException {
        m.call("SET", "s", "v", "EX", "1000");
        m.call("SET", "n", "12345");
        m.call("RPUSH", "l", "a", "b", "c");
        m.call("HSET", "h", "f1", "1", "f2", "2");
        m.call("SADD", "set", "x", "y");
        m.call("ZADD", "z", "1", "one", "2.5", "two");
        m.call("XADD", "x", "1-1", "f", "v");
        m.call("PFADD", "hll", "a", "b", "c");
        m.call("SETBIT", "bits", "100", "1");
        m.call("FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function() return 1 end)");
        m.call("SELECT", "4");
        m.call("SET", "db4", "here");
        m.call("SELECT", "0");
    }

    private static void writeMore(RawConnection m) throws IOException {
        m.call("INCR", "n");
        m.call("MULTI");
        m.call("LPUSH", "l", "z");
        m.call("HDEL", "h", "f1");
        m.call("EXEC");
        m.call("EVAL", "redis.call('set', KEYS[1], ARGV[1]); return redis.call('pexpire', KEYS[1], 100)", "1", "brief", "x");
        m.call("SELECT", "4");
        m.call("APPEND", "db4", "!");
        m.call("SELECT", "0");
        m.call("SET", "big", "v".repeat(200_000));
        m.call("ZINCRBY", "z", "10", "one");
    }

    /** The replica's dataset, offset and view of its master match the master's. */
    private static void assertInStep(RawConnection m, RawConnection r) throws Exception {
        if (field(m.call("INFO", "replication"), "role").equals("master")) {
            assertEquals(":1\r\n", m.call("WAIT", "1", "5000")); // a replica cannot WAIT
        }
        until("the replica's dataset equal to the master's", 5000,
                () -> m.call("DEBUG", "DIGEST").equals(r.call("DEBUG", "DIGEST")));
        // The three figures of the replica against the master's, read together and again until
        // they agree: writeMore's key "brief" expires on the master some 100 ms later, and the DEL
        // it propagates (24 bytes) may arrive between two reads.
        until("the replica at the master's offset", 5000, () -> {
            String offset = field(m.call("INFO", "replication"), "master_repl_offset");
            String info = r.call("INFO", "replication");
            return offset.equals(field(info, "slave_repl_offset")) && offset.equals(field(info, "master_repl_offset"))
                    && offset.equals(field(info, "slave_read_repl_offset"));
        });
        assertEquals(field(m.call("INFO", "replication"), "master_replid"), field(r.call("INFO", "replication"), "master_replid"));
    }

    @Test
    void aReplicaOfRedisWithADisklessSync() throws Exception {
        try (ServerProcess master = ServerProcess.redis("--enable-debug-command", "yes", "--repl-diskless-sync", "yes",
                "--repl-diskless-sync-delay", "0");
             RawConnection m = new RawConnection(master.port())) {
            fill(m);
            try (ServerProcess replica = cinnabarReplicaOf(master); RawConnection r = new RawConnection(replica.port())) {
                awaitLinkUp(r);
                writeMore(m);
                assertInStep(m, r);
                assertTrue(replica.log().contains("MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk"),
                        replica.log());
                assertTrue(replica.log().contains("MASTER <-> REPLICA sync: Finished with success"), replica.log());
                // The short-lived key expired on the master, whose DEL removed it here.
                until("brief gone", 5000, () -> r.call("EXISTS", "brief").equals(":0\r\n"));
                assertEquals("$5\r\nhere!\r\n", r.call("SELECT", "4").equals("+OK\r\n") ? r.call("GET", "db4") : "");
                r.call("SELECT", "0");
                assertTrue(r.call("FUNCTION", "LIST").contains("$3\r\nlib\r\n"), "the functions came with the RDB");
                String info = r.call("INFO", "replication");
                assertEquals("slave", field(info, "role"));
                assertEquals(Integer.toString(master.port()), field(info, "master_port"));
                assertEquals("0", field(info, "master_sync_in_progress"));
                String offset = field(info, "slave_repl_offset");
                assertEquals("*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:" + master.port() + "\r\n$9\r\nconnected\r\n:" + offset
                        + "\r\n", r.call("ROLE"));
                assertEquals("-READONLY You can't write against a read only replica.\r\n", r.call("SET", "k", "v"));
                assertEquals("-READONLY You can't write against a read only replica. script: "
                        + "2d991be581da74a0c0c441c4beb92ae41c2e1eb9, on @user_script:1.\r\n",
                        r.call("EVAL", "return redis.call('set', 'k', 'v')", "0"));
                assertTrue(r.call("WAIT", "1", "10").startsWith("-ERR WAIT cannot be used with replica instances."));
                String clients = r.call("CLIENT", "LIST", "TYPE", "master");
                assertTrue(clients.contains(" flags=M ") && clients.contains(" user=(superuser) "), clients);
                String slave0 = field(m.call("INFO", "replication"), "slave0");
                assertTrue(slave0.startsWith("ip=127.0.0.1,port=" + replica.port() + ",state=online,"), slave0);
            }
        }
    }

    /**
     * repl-diskless-load on-empty-db: an empty replica parses the RDB as it comes off the
     * connection, whether the master streams it (an end mark) or sends its dump (a length), and
     * writes no file; one with keys loads through a file, as Redis decides.
     */
    @ParameterizedTest(name = "master repl-diskless-sync {0}")
    @ValueSource(strings = {"yes", "no"})
    void aDisklessLoadParsesTheRdbFromTheConnection(String masterDiskless) throws Exception {
        try (ServerProcess master = ServerProcess.redis("--enable-debug-command", "yes", "--repl-diskless-sync",
                masterDiskless, "--repl-diskless-sync-delay", "0");
             RawConnection m = new RawConnection(master.port())) {
            fill(m);
            m.call("DEBUG", "POPULATE", "20000", "bulk", "100");
            try (ServerProcess replica = cinnabarReplicaOf(master, "--repl-diskless-load", "on-empty-db");
                 RawConnection r = new RawConnection(replica.port())) {
                awaitLinkUp(r);
                writeMore(m);
                assertInStep(m, r);
                String framing = masterDiskless.equals("yes") ? "streamed RDB from master with EOF" : "bytes from master";
                assertTrue(replica.log().matches("(?s).*MASTER <-> REPLICA sync: receiving .*" + framing + " to parser.*"),
                        replica.log());
                assertTrue(r.call("FUNCTION", "LIST").contains("$3\r\nlib\r\n"), "the functions came with the RDB");
                try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(replica.dir())) {
                    assertEquals(List.of(), files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".rdb")).toList(),
                            "no file written");
                }
                assertTrue(Long.parseLong(field(r.call("INFO", "stats"), "total_net_repl_input_bytes")) > 200_000, "the 20k keys came in");
            }
            // A server with keys loads through a file.
            try (ServerProcess other = ServerProcess.cinnabar("--repl-diskless-load", "on-empty-db",
                    "--enable-debug-command", "yes");
                 RawConnection o = new RawConnection(other.port())) {
                o.call("SET", "mine", "1");
                assertEquals("+OK\r\n", o.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port())));
                awaitLinkUp(o);
                assertInStep(m, o);
                assertTrue(other.log().matches("(?s).*MASTER <-> REPLICA sync: receiving .* to disk.*"), other.log());
            }
        }
    }

    @Test
    void aDisklessLoadCutShortLeavesNothingAndTheReplicaSyncsAgain() throws Exception {
        // About 10 s of transfer (50 us a key), cut after one.
        try (ServerProcess master = ServerProcess.redis("--enable-debug-command", "yes", "--repl-diskless-sync", "yes",
                "--repl-diskless-sync-delay", "0", "--rdb-key-save-delay", "50");
             RawConnection m = new RawConnection(master.port())) {
            m.call("DEBUG", "POPULATE", "200000", "key", "100");
            try (ServerProcess replica = cinnabarReplicaOf(master, "--repl-diskless-load", "on-empty-db");
                 RawConnection r = new RawConnection(replica.port())) {
                until("the load under way", SYNC_MILLIS,
                        () -> "1".equals(field(r.call("INFO", "persistence"), "loading")));
                assertTrue(r.call("GET", "key:1").startsWith("-LOADING"));
                m.call("CONFIG", "SET", "rdb-key-save-delay", "0");
                assertEquals(":1\r\n", m.call("CLIENT", "KILL", "TYPE", "replica"));
                until("the load abandoned", SYNC_MILLIS, () -> replica.log().contains(
                        "Failed trying to load the MASTER synchronization DB from socket"));
                awaitLinkUp(r);
                assertInStep(m, r);
                assertEquals(":200000\r\n", r.call("DBSIZE"));
            }
        }
    }

    /**
     * repl-diskless-load swapdb: a replica with data loads its master's RDB from the connection
     * and keeps its old data until the new is whole; a load cut short gives the old data back
     * (Redis's "Main db not affected when fail to diskless load"), a whole one replaces it.
     */
    @Test
    void aSwapdbLoadKeepsTheOldDataUntilTheNewIsWhole() throws Exception {
        try (ServerProcess master = ServerProcess.redis("--enable-debug-command", "yes", "--repl-diskless-sync", "yes",
                "--repl-diskless-sync-delay", "0", "--rdb-key-save-delay", "50");
             RawConnection m = new RawConnection(master.port());
             ServerProcess replica = ServerProcess.cinnabar("--repl-diskless-load", "swapdb", "--enable-debug-command", "yes");
             RawConnection r = new RawConnection(replica.port())) {
            m.call("DEBUG", "POPULATE", "200000", "key", "100");
            r.call("SET", "old", "data");
            r.call("SET", "key:1", "mine");
            assertEquals("+OK\r\n", r.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port())));
            until("the load under way", SYNC_MILLIS, () -> "1".equals(field(r.call("INFO", "persistence"), "loading")));
            // The replica reconnects at once after a failed load, as Redis's does: the master's
            // next sync must wait until its save is fast again, or it takes 10 s more.
            m.call("CONFIG", "SET", "repl-diskless-sync-delay", "5");
            assertEquals(":1\r\n", m.call("CLIENT", "KILL", "TYPE", "replica"));
            until("the load abandoned", SYNC_MILLIS, () -> replica.log().contains(
                    "MASTER <-> REPLICA sync: Discarding temporary DB in background"));
            assertEquals("$4\r\ndata\r\n", r.call("GET", "old"));
            assertEquals("$4\r\nmine\r\n", r.call("GET", "key:1"));
            assertEquals(":2\r\n", r.call("DBSIZE"));
            m.call("CONFIG", "SET", "rdb-key-save-delay", "0");
            m.call("CONFIG", "SET", "repl-diskless-sync-delay", "0");
            awaitLinkUp(r);
            assertInStep(m, r);
            assertEquals(":200000\r\n", r.call("DBSIZE"));
            assertEquals("$-1\r\n", r.call("GET", "old"));
            assertTrue(replica.log().contains("MASTER <-> REPLICA sync: Swapping active DB with loaded DB"), replica.log());
            assertTrue(replica.log().matches("(?s).*MASTER <-> REPLICA sync: receiving .* to parser.*"), replica.log());
        }
    }

    /**
     * SIGTERM during a diskless load: the replica exits at once, as redis-server does. The
     * loader's reader waited for the master's next bytes, which only the engine (then waiting
     * for the reader) would have read, until repl-timeout: a minute.
     */
    @Test
    void aReplicaSignalledDuringADisklessLoadExitsPromptly() throws Exception {
        try (ServerProcess master = ServerProcess.redis("--enable-debug-command", "yes", "--repl-diskless-sync", "yes",
                "--repl-diskless-sync-delay", "0", "--rdb-key-save-delay", "100", "--rdbcompression", "no");
             RawConnection m = new RawConnection(master.port())) {
            m.call("DEBUG", "POPULATE", "20000", "key", "10000");
            for (String mode : new String[] {"swapdb", "on-empty-db"}) {
                try (ServerProcess replica = ServerProcess.cinnabar("--repl-diskless-load", mode,
                        "--key-load-delay", "100", "--save", "");
                     RawConnection r = new RawConnection(replica.port())) {
                    r.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port()));
                    until("the load under way", SYNC_MILLIS, () -> replica.log().contains("RDB memory usage when created"));
                    Thread.sleep(300);
                    long start = System.nanoTime();
                    assertEquals(0, replica.terminate(30_000), replica.log());
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    assertTrue(millis < 5_000, mode + ": exited after " + millis + " ms\n" + replica.log());
                }
            }
        }
    }

    /**
     * A master that accepts the connection and never answers: after repl-timeout the replica
     * gives up on the handshake and tries again at once, with Redis's lines.
     */
    @Test
    void aSilentMasterTimesOutAndTheReplicaTriesAgainAtOnce() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress());
             ServerProcess replica = ServerProcess.cinnabar("--repl-timeout", "1");
             RawConnection r = new RawConnection(replica.port())) {
            List<java.net.Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.start();
            try {
                r.call("REPLICAOF", "127.0.0.1", Integer.toString(silent.getLocalPort()));
                until("a second attempt", SYNC_MILLIS, () -> accepted.size() >= 2);
                String log = replica.log();
                assertTrue(log.matches("(?s).*Timeout connecting to the MASTER\\.\\.\\.\n[^\n]*Reconnecting to MASTER 127\\.0\\.0\\.1:"
                        + silent.getLocalPort() + " after failure\n[^\n]*MASTER <-> REPLICA sync started.*"), log);
            } finally {
                silent.close();
                for (java.net.Socket s : accepted) {
                    s.close();
                }
                acceptor.join(5000);
            }
        }
    }

    @Test
    void aReplicaContinuesFromItsOffsetWhenItsLinkDrops() throws Exception {
        try (ServerProcess master = ServerProcess.redis("--enable-debug-command", "yes", "--repl-diskless-sync", "no");
             RawConnection m = new RawConnection(master.port());
             ServerProcess replica = cinnabarReplicaOf(master);
             RawConnection r = new RawConnection(replica.port())) {
            fill(m);
            awaitLinkUp(r);
            assertTrue(replica.log().contains("MASTER <-> REPLICA sync: receiving "), replica.log());
            assertEquals(":1\r\n", m.call("CLIENT", "KILL", "TYPE", "replica"));
            writeMore(m);
            until("the replica back", SYNC_MILLIS, () -> m.call("WAIT", "1", "100").equals(":1\r\n"));
            assertInStep(m, r);
            assertTrue(replica.log().contains("Successful partial resynchronization with master."), replica.log());
            assertEquals("1", field(m.call("INFO", "stats"), "sync_partial_ok"));
            assertEquals("1", field(m.call("INFO", "stats"), "sync_full"));
        }
    }

    @Test
    void theMiddleOfAChainPassesTheStreamOnAndIsPromotedWithoutAFullSync() throws Exception {
        try (ServerProcess top = redisMaster();
             RawConnection t = new RawConnection(top.port());
             ServerProcess middle = cinnabarReplicaOf(top);
             RawConnection m = new RawConnection(middle.port())) {
            fill(t);
            awaitLinkUp(m);
            try (ServerProcess bottom = ServerProcess.redis("--replicaof", "127.0.0.1", Integer.toString(middle.port()),
                    "--enable-debug-command", "yes");
                 RawConnection b = new RawConnection(bottom.port())) {
                awaitLinkUp(b);
                writeMore(t);
                assertInStep(t, m);
                assertInStep(m, b);
                assertEquals(field(t.call("INFO", "replication"), "master_repl_offset"),
                        field(b.call("INFO", "replication"), "master_repl_offset"), "one offset down the chain");
                // The failover: the middle becomes a master, the bottom continues from it.
                String fullSyncs = field(m.call("INFO", "stats"), "sync_full");
                assertEquals("+OK\r\n", m.call("REPLICAOF", "NO", "ONE"));
                assertEquals("+OK\r\n", m.call("SET", "after", "promotion"));
                until("the bottom back", SYNC_MILLIS, () -> m.call("WAIT", "1", "100").equals(":1\r\n"));
                assertEquals("$9\r\npromotion\r\n", b.call("GET", "after"));
                assertTrue(bottom.log().contains("Successful partial resynchronization with master."), bottom.log());
                assertEquals(fullSyncs, field(m.call("INFO", "stats"), "sync_full"), "no full sync after the promotion");
                assertEquals("1", field(m.call("INFO", "stats"), "sync_partial_ok"));
                String info = m.call("INFO", "replication");
                assertEquals("master", field(info, "role"));
                assertEquals(field(t.call("INFO", "replication"), "master_replid"), field(info, "master_replid2"));
                assertTrue(middle.log().contains("MASTER MODE enabled (user request from 'id="), middle.log());
            }
        }
    }

    @Test
    void aCinnabarReplicaOfCinnabarAndReplicaofAtRunTime() throws Exception {
        try (ServerProcess master = ReplicationIT.master("--enable-debug-command", "yes");
             RawConnection m = new RawConnection(master.port());
             ServerProcess other = ServerProcess.cinnabar("--enable-debug-command", "yes");
             RawConnection o = new RawConnection(other.port())) {
            fill(m);
            o.call("SET", "mine", "1");
            assertEquals("+OK\r\n", o.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port())));
            assertEquals("+OK Already connected to specified master\r\n",
                    o.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port())));
            awaitLinkUp(o);
            assertEquals(":0\r\n", o.call("EXISTS", "mine"), "a full sync replaces the dataset");
            writeMore(m);
            assertInStep(m, o);
            assertTrue(other.log().contains("REPLICAOF 127.0.0.1:" + master.port() + " enabled (user request from 'id="),
                    other.log());
            assertEquals("+OK\r\n", o.call("REPLICAOF", "NO", "ONE"));
            assertEquals("+OK\r\n", o.call("SET", "mine", "2"));
            assertEquals("$1\r\n2\r\n", o.call("GET", "mine"));
            assertEquals(":0\r\n", m.call("EXISTS", "mine"), "a promoted replica's writes stay its own");
        }
    }

    /** Starts the JAR in {@code dir} on {@code port} (a restart keeps both). */
    private static ServerProcess cinnabarAt(java.nio.file.Path dir, int port, String... extra) throws IOException {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(ServerProcess.javaBinary(), "-jar",
                ServerProcess.jar(), "--port", Integer.toString(port), "--dir", dir.toString(), "--enable-debug-command", "yes"));
        cmd.addAll(java.util.List.of(extra));
        return ServerProcess.start("cinnabar", cmd, port);
    }

    @Test
    void aRestartedReplicaContinuesFromTheHistoryInItsDump(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        try (ServerProcess master = redisMaster();
             RawConnection m = new RawConnection(master.port())) {
            fill(m);
            int port = ServerProcess.freePort();
            String[] asReplica = {"--replicaof", "127.0.0.1", Integer.toString(master.port())};
            try (ServerProcess replica = cinnabarAt(dir, port, asReplica); RawConnection r = new RawConnection(port)) {
                awaitLinkUp(r);
                writeMore(m);
                assertInStep(m, r);
                r.send("SHUTDOWN", "SAVE");
                assertTrue(replica.process().waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
            }
            m.call("SET", "while-down", "1");
            try (ServerProcess replica = cinnabarAt(dir, port, asReplica); RawConnection r = new RawConnection(port)) {
                awaitLinkUp(r);
                assertInStep(m, r);
                assertTrue(replica.log().contains("Before turning into a replica, using my own master parameters"),
                        replica.log());
                assertTrue(replica.log().contains("Successful partial resynchronization with master."), replica.log());
                assertEquals("1", field(m.call("INFO", "stats"), "sync_partial_ok"));
                assertEquals("1", field(m.call("INFO", "stats"), "sync_full"));
            }
        }
    }

    @Test
    void aWritableReplicaExpiresTheKeysItsClientsGaveATtl() throws Exception {
        try (ServerProcess master = redisMaster();
             RawConnection m = new RawConnection(master.port());
             ServerProcess replica = cinnabarReplicaOf(master);
             RawConnection r = new RawConnection(replica.port())) {
            awaitLinkUp(r);
            m.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
            m.call("SET", "masters", "v", "PX", "10");
            assertEquals("+OK\r\n", r.call("CONFIG", "SET", "replica-read-only", "no"));
            assertEquals("+OK\r\n", r.call("SET", "own", "v", "PX", "100"));
            until("the replica's own key expired by the replica", 5000, () -> r.call("DBSIZE").equals(":1\r\n"));
            // The master's key is past its time: hidden, but kept until the master's DEL.
            assertEquals(":0\r\n", r.call("EXISTS", "masters"));
            // A write of the replica's own deletes it, as Redis's lookupKeyWrite on a replica.
            assertEquals(":1\r\n", r.call("INCR", "masters"));
            assertEquals(":-1\r\n", r.call("TTL", "masters"));
        }
    }

    /** As Redis 7.0: a paused replica reads its master's writes but applies them, and counts them applied, after. */
    @Test
    void aPausedReplicaHoldsItsMastersWritesAndTheirOffset() throws Exception {
        try (ServerProcess master = redisMaster();
             RawConnection m = new RawConnection(master.port());
             ServerProcess replica = cinnabarReplicaOf(master);
             RawConnection r = new RawConnection(replica.port())) {
            awaitLinkUp(r);
            m.call("SET", "foo", "bar");
            String before = field(m.call("INFO", "replication"), "master_repl_offset");
            until("the first write applied", 5000, () -> before.equals(field(r.call("INFO", "replication"), "slave_repl_offset")));
            assertEquals("+OK\r\n", r.call("CLIENT", "PAUSE", "100000", "WRITE"));
            m.call("SET", "foo2", "bar2");
            String after = field(m.call("INFO", "replication"), "master_repl_offset");
            until("the second write read", 5000, () -> after.equals(field(r.call("INFO", "replication"), "slave_read_repl_offset")));
            assertEquals(before, field(r.call("INFO", "replication"), "slave_repl_offset"));
            assertEquals("$-1\r\n", r.call("GET", "foo2"));
            assertEquals("+OK\r\n", r.call("CLIENT", "UNPAUSE"));
            until("the second write applied", 5000, () -> after.equals(field(r.call("INFO", "replication"), "slave_repl_offset")));
            assertEquals("$4\r\nbar2\r\n", r.call("GET", "foo2"));
        }
    }

    @Test
    void aCommandOfTheMasterThatFailsHereIsLoggedAsCritical() throws Exception {
        try (ServerProcess master = redisMaster();
             RawConnection m = new RawConnection(master.port());
             ServerProcess replica = cinnabarReplicaOf(master);
             RawConnection r = new RawConnection(replica.port())) {
            awaitLinkUp(r);
            assertEquals("+OK\r\n", m.call("DEBUG", "REPLICATE", "fake-command-1"));
            m.call("SET", "after", "1");
            assertEquals(":1\r\n", m.call("WAIT", "1", "5000"));
            assertTrue(replica.log().contains("== CRITICAL == This replica is sending an error to its master: "
                    + "'ERR unknown command 'fake-command-1', with args beginning with: ' after processing the command "
                    + "'<unknown>'"), replica.log());
            assertEquals("1", field(r.call("INFO", "stats"), "unexpected_error_replies"));
            assertEquals("$1\r\n1\r\n", r.call("GET", "after"), "the stream goes on");
        }
    }

    private static String role(RawConnection c) throws IOException {
        String r = c.call("ROLE");
        return r.substring(r.indexOf("$") + 1).split("\r\n")[1];
    }

    /** FAILOVER both ways between a Redis 7.0 master and a Cinnabar replica: the roles swap and writes follow. */
    @Test
    void failoverHandsTheMasterRoleOverAndBack() throws Exception {
        try (ServerProcess redis = redisMaster();
             RawConnection r = new RawConnection(redis.port());
             ServerProcess cinnabar = cinnabarReplicaOf(redis, "--repl-diskless-sync", "no");
             RawConnection c = new RawConnection(cinnabar.port())) {
            awaitLinkUp(c);
            r.call("SET", "a", "1");
            assertEquals("+OK\r\n", r.call("FAILOVER"));
            until("Cinnabar the master", SYNC_MILLIS, () -> role(c).equals("master") && role(r).equals("slave"));
            assertTrue(cinnabar.log().contains("MASTER MODE enabled (failover request from 'id="), cinnabar.log());
            awaitLinkUp(r);
            assertEquals("+OK\r\n", c.call("SET", "b", "2"));
            assertEquals(":1\r\n", c.call("WAIT", "1", "5000"));
            assertEquals("$1\r\n2\r\n", r.call("GET", "b"));
            assertEquals("$1\r\n1\r\n", c.call("GET", "a"));
            // And back, naming the target: Cinnabar waits for it to catch up, then hands over.
            assertEquals("+OK\r\n", c.call("FAILOVER", "TO", "127.0.0.1", Integer.toString(redis.port()), "TIMEOUT", "5000"));
            until("Redis the master again", SYNC_MILLIS, () -> role(r).equals("master") && role(c).equals("slave"));
            assertTrue(cinnabar.log().contains("Failover target 127.0.0.1:" + redis.port() + " is synced, failing over."),
                    cinnabar.log());
            awaitLinkUp(c);
            assertEquals("no-failover", field(c.call("INFO", "replication"), "master_failover_state"));
            assertEquals("+OK\r\n", r.call("SET", "c", "3"));
            assertEquals(":1\r\n", r.call("WAIT", "1", "5000"));
            assertEquals("$1\r\n3\r\n", c.call("GET", "c"));
            assertEquals("-ERR No failover in progress.\r\n", c.call("FAILOVER", "ABORT"));
        }
    }
}
