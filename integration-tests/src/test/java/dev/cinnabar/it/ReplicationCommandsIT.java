package dev.cinnabar.it;

import static dev.cinnabar.it.support.Waits.awaitBlocked;
import static dev.cinnabar.it.support.Waits.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerPair;
import dev.cinnabar.it.support.ServerProcess;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * WAIT on a master without replicas, against redis-server: it blocks as a blocked client does
 * (flag b, blocked_clients, CLIENT UNBLOCK with either reply), answers 0 when its timeout
 * passes, and does not block inside MULTI. The answers that do not block are in the
 * differential corpus ({@code replication.txt}). A replica whose master is down, compared with
 * Redis's; replicas that sync are in ReplicationIT and ReplicaIT.
 */
class ReplicationCommandsIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair();

    @Test
    void waitBlocksUntilItsTimeoutOrAnUnblock() throws Exception {
        List<String> seen = new ArrayList<>();
        for (ServerProcess s : SERVERS.both()) {
            List<String> out = new ArrayList<>();
            try (RawConnection control = new RawConnection(s.port()); RawConnection a = new RawConnection(s.port())) {
                String id = a.call("CLIENT", "ID").substring(1).strip();
                out.add(a.call("SET", "k", "v"));
                a.send("WAIT", "1", "0");
                awaitBlocked(control, 1);
                String list = control.call("CLIENT", "LIST", "ID", id);
                out.add(list.contains(" flags=b ") + " " + list.contains(" cmd=wait "));
                out.add(field(control.call("INFO", "clients"), "clients_in_timeout_table"));
                out.add(control.call("CLIENT", "UNBLOCK", id));
                out.add(a.readReply());
                a.send("WAIT", "3", "0");
                awaitBlocked(control, 1);
                out.add(control.call("CLIENT", "UNBLOCK", id, "ERROR"));
                out.add(a.readReply());
                a.send("WAIT", "1", "100000");
                awaitBlocked(control, 1);
                out.add(field(control.call("INFO", "clients"), "clients_in_timeout_table"));
                out.add(control.call("CLIENT", "UNBLOCK", id, "TIMEOUT"));
                out.add(a.readReply());
                long start = System.nanoTime();
                out.add(a.call("WAIT", "1", "200"));
                long took = (System.nanoTime() - start) / 1_000_000;
                assertTrue(took >= 190 && took < 5000, "WAIT 1 200 answered after " + took + " ms on " + s);
                out.add(a.call("MULTI"));
                out.add(a.call("WAIT", "1", "0"));
                out.add(a.call("EXEC"));
                out.add(field(control.call("INFO", "clients"), "blocked_clients"));
                String stats = control.call("INFO", "commandstats");
                out.add(field(stats, "cmdstat_wait").replaceAll("usec=\\d+,usec_per_call=[\\d.]+,", ""));
                out.add(field(control.call("INFO", "errorstats"), "errorstat_UNBLOCKED"));
                out.add(a.call("PING"));
            }
            seen.add(String.join("|", out));
        }
        assertEquals(seen.get(0), seen.get(1));
        assertTrue(seen.get(1).contains("|true true|0|:1\r\n|:0\r\n|"), seen.get(1));
    }

    /**
     * A replicaof line whose master does not answer: a replica that keeps trying, as Redis's,
     * field for field (the port is one nothing listens on).
     */
    /** Makes the server on {@code r} a replica of {@code master} and waits for the link to be up. */
    private static void replicate(RawConnection r, ServerProcess master) throws Exception {
        r.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port()));
        dev.cinnabar.it.support.Waits.until("in sync", 10_000,
                () -> "up".equals(field(r.call("INFO", "replication"), "master_link_status")));
    }

    /** replica-lazy-flush: the replica's old keys are freed in the background at a full sync, and INFO counts them. */
    @Test
    void replicaLazyFlushCountsTheOldKeysAsLazilyFreed() throws Exception {
        List<String> seen = new ArrayList<>();
        try (ServerProcess master = ServerProcess.redis()) {
            for (String lazy : List.of("no", "yes")) {
                for (ServerProcess replica : List.of(ServerProcess.redis("--replica-lazy-flush", lazy),
                        ServerProcess.cinnabar("--save", "", "--replica-lazy-flush", lazy))) {
                    try (replica; RawConnection r = new RawConnection(replica.port())) {
                        for (int i = 0; i < 100; i++) {
                            r.call("SET", "old:" + i, "v");
                        }
                        replicate(r, master);
                        seen.add("replica-lazy-flush " + lazy + ": lazyfreed_objects "
                                + field(r.call("INFO", "memory"), "lazyfreed_objects") + ", keys " + r.call("DBSIZE").trim());
                    }
                }
            }
        }
        assertEquals(List.of("replica-lazy-flush no: lazyfreed_objects 0, keys :0", "replica-lazy-flush no: lazyfreed_objects 0, keys :0",
                "replica-lazy-flush yes: lazyfreed_objects 100, keys :0", "replica-lazy-flush yes: lazyfreed_objects 100, keys :0"), seen);
    }

    /**
     * A replica that cannot persist (its last BGSAVE failed, with save points set) and gets a
     * write from its master: it panics, or with replica-ignore-disk-write-errors applies it and
     * says so in its log. Redis and Cinnabar replicas of the same Redis master.
     */
    @Test
    void aReplicaThatCannotPersistPanicsUnlessToldToIgnoreIt() throws Exception {
        List<String> seen = new ArrayList<>();
        try (ServerProcess master = ServerProcess.redis(); RawConnection m = new RawConnection(master.port())) {
            for (String ignore : List.of("no", "yes")) {
                for (boolean redis : new boolean[] {true, false}) {
                    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("replica-dir");
                    String[] args = {"--save", "3600 1", "--dir", dir.toString(), "--replica-ignore-disk-write-errors", ignore};
                    try (ServerProcess replica = redis ? ServerProcess.redis(args) : ServerProcess.cinnabar(args);
                            RawConnection r = new RawConnection(replica.port())) {
                        replicate(r, master);
                        // No directory left to save into: the next BGSAVE fails.
                        try (var files = java.nio.file.Files.walk(dir)) {
                            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                        }
                        r.call("BGSAVE");
                        dev.cinnabar.it.support.Waits.until("the BGSAVE failed", 10_000,
                                () -> "err".equals(field(r.call("INFO", "persistence"), "rdb_last_bgsave_status")));
                        // Its own clients are refused before anything else, PING too (Redis 7.0).
                        seen.add("client: " + r.call("PING").trim() + " / " + r.call("SET", "x", "y").trim());
                        m.call("SET", "written", "while the replica cannot persist " + ignore);
                        boolean ended = replica.process().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
                        String log = replica.log();
                        seen.add("ignore " + ignore + ": " + (ended ? "exited" : "running, GET " + r.call("GET", "written").trim())
                                + (log.contains("Guru Meditation: Replica was unable to write command to disk.") ? ", panic logged" : "")
                                + (log.contains("Replica is applying a command even though it is unable to write to disk.")
                                        ? ", warning logged" : ""));
                    }
                }
            }
        }
        String misconf = "client: -MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist "
                + "to disk. Commands that may modify the data set are disabled, because this instance is configured to "
                + "report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please "
                + "check the Redis logs for details about the RDB error.";
        String refused = misconf + " / " + misconf.substring("client: ".length());
        assertEquals(List.of(refused, "ignore no: exited, panic logged", refused, "ignore no: exited, panic logged",
                refused, "ignore yes: running, GET $36\r\nwhile the replica cannot persist yes, warning logged",
                refused, "ignore yes: running, GET $36\r\nwhile the replica cannot persist yes, warning logged"), seen);
    }

    /** bind-source-addr: the replica's connection to its master leaves from that address (Redis's networking test). */
    @Test
    void bindSourceAddrIsWhereTheReplicaConnectsFrom() throws Exception {
        try (ServerProcess master = ServerProcess.redis("--protected-mode", "no");
                ServerProcess replica = ServerProcess.cinnabar("--save", "");
                RawConnection m = new RawConnection(master.port());
                RawConnection r = new RawConnection(replica.port())) {
            assertEquals("+OK\r\n", r.call("CONFIG", "SET", "bind-source-addr", "127.0.0.2"));
            replicate(r, master);
            String slave0 = field(m.call("INFO", "replication"), "slave0");
            assertTrue(slave0.startsWith("ip=127.0.0.2,"), slave0);
        }
    }

    @Test
    void aReplicaWhoseMasterIsDownAnswersAsRedisDoes() throws Exception {
        int nobody = ServerProcess.freePort();
        List<String> seen = new ArrayList<>();
        for (ServerProcess s : List.of(ServerProcess.redis("--replicaof", "127.0.0.1", Integer.toString(nobody)),
                ServerProcess.cinnabar("--replicaof", "127.0.0.1", Integer.toString(nobody)))) {
            try (s; RawConnection c = new RawConnection(s.port())) {
                List<String> out = new ArrayList<>();
                dev.cinnabar.it.support.Waits.until("state connect", 5000, () -> c.call("ROLE").contains("connect\r\n"));
                out.add(c.call("ROLE"));
                String info = c.call("INFO", "replication");
                for (String f : List.of("role", "master_host", "master_port", "master_link_status",
                        "master_last_io_seconds_ago", "master_sync_in_progress", "slave_read_repl_offset",
                        "slave_repl_offset", "master_link_down_since_seconds", "slave_priority", "slave_read_only",
                        "replica_announced", "connected_slaves", "master_repl_offset", "repl_backlog_active")) {
                    out.add(f + ":" + field(info, f));
                }
                out.add(c.call("SET", "k", "v"));
                out.add(c.call("GET", "k"));
                out.add(c.call("EVAL", "return redis.call('set', 'k', 'v')", "0"));
                out.add(c.call("EVAL", "return redis.pcall('set', 'k', 'v')", "0"));
                out.add(c.call("EVAL", "#!lua\nreturn redis.call('set', 'k', 'v')", "0"));
                out.add(c.call("EVAL", "#!lua flags=no-writes\nreturn redis.call('get', 'k')", "0"));
                out.add(c.call("WAIT", "0", "0"));
                out.add(c.call("FAILOVER"));
                out.add(c.call("PSYNC", "?", "-1"));
                out.add(c.call("REPLICAOF", "127.0.0.1", Integer.toString(nobody)));
                out.add(c.call("REPLICAOF", "NO", "ONE"));
                out.add(c.call("SET", "k", "v"));
                out.add(c.call("ROLE"));
                out.add(field(c.call("INFO", "replication"), "role"));
                seen.add(String.join("|", out));
            }
        }
        assertEquals(seen.get(0), seen.get(1));
        assertTrue(seen.get(1).contains("-READONLY You can't write against a read only replica."), seen.get(1));
    }
}
