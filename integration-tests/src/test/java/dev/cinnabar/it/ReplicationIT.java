package dev.cinnabar.it;

import static dev.cinnabar.it.support.Waits.field;
import static dev.cinnabar.it.support.Waits.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cinnabar as the master of real Redis 7.0 replicas: the full sync (the RDB of a snapshot, then
 * the writes made meanwhile), the stream after it, partial resynchronization from the backlog,
 * WAIT, min-replicas-to-write, and what INFO, ROLE and CLIENT LIST show. What the stream carries
 * command by command is compared with Redis's own stream in PropagationIT; here the replica's
 * dataset must end up equal to the master's (DEBUG DIGEST, which both compute the same way).
 */
class ReplicationIT {
    static final long SYNC_MILLIS = 20_000;

    /**
     * A Cinnabar master with its default diskless sync, started at once: repl-diskless-sync-delay
     * 0 instead of the default 5 s, which DisklessSyncIT covers.
     */
    static ServerProcess master(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("--repl-diskless-sync-delay", "0"));
        all.addAll(List.of(args));
        return ServerProcess.cinnabar(all.toArray(new String[0]));
    }

    static ServerProcess replicaOf(ServerProcess master, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("--replicaof", "127.0.0.1", Integer.toString(master.port()),
                "--enable-debug-command", "yes"));
        all.addAll(List.of(args));
        return ServerProcess.redis(all.toArray(new String[0]));
    }

    /** Waits for {@code replica} to report its master link up. */
    static void awaitLinkUp(RawConnection replica) throws Exception {
        until("replica linked", SYNC_MILLIS,
                () -> "up".equals(field(replica.call("INFO", "replication"), "master_link_status")));
    }

    private static String digest(RawConnection c) throws IOException {
        return c.call("DEBUG", "DIGEST");
    }

    @Test
    void aRedisReplicaGetsTheDatasetAndEveryWriteAfterIt() throws Exception {
        try (ServerProcess master = master("--enable-debug-command", "yes");
             RawConnection m = new RawConnection(master.port())) {
            m.call("SET", "s", "v", "EX", "1000");
            m.call("RPUSH", "l", "a", "b", "c");
            m.call("HSET", "h", "f1", "1", "f2", "2");
            m.call("ZADD", "z", "1", "one", "2.5", "two");
            m.call("XADD", "x", "1-1", "f", "v");
            m.call("SELECT", "3");
            m.call("SADD", "set", "m1", "m2");
            m.call("SELECT", "0");
            assertEquals("0", field(m.call("INFO", "replication"), "repl_backlog_active"));
            String idBefore = field(m.call("INFO", "replication"), "master_replid");
            try (ServerProcess replica = replicaOf(master); RawConnection r = new RawConnection(replica.port())) {
                awaitLinkUp(r);
                // The stream after the sync: commands of several kinds, in two databases.
                m.call("INCR", "counter");
                m.call("MULTI");
                m.call("LPUSH", "l", "z");
                m.call("HDEL", "h", "f1");
                m.call("EXEC");
                m.call("EVAL", "redis.call('set', KEYS[1], ARGV[1]); return redis.call('expire', KEYS[1], 500)", "1", "lua", "x");
                m.call("SELECT", "3");
                m.call("SREM", "set", "m1");
                m.call("SET", "db3", "yes");
                m.call("SELECT", "0");
                m.call("SET", "short", "lived", "PX", "50");
                m.call("DEL", "z");
                assertEquals(":1\r\n", m.call("WAIT", "1", "5000"));
                // The short-lived key expired on the master, which sent its DEL.
                until("short-lived key gone on the master", 5000, () -> m.call("EXISTS", "short").equals(":0\r\n"));
                assertEquals(":1\r\n", m.call("WAIT", "1", "5000"));
                until("the replica's dataset equal to the master's", 5000, () -> digest(m).equals(digest(r)));
                assertEquals(m.call("DBSIZE"), r.call("DBSIZE"));
                assertEquals("$1\r\nx\r\n", r.call("GET", "lua"));
                assertEquals(":1\r\n", r.call("EXISTS", "s"));
                r.call("SELECT", "3");
                assertEquals("$3\r\nyes\r\n", r.call("GET", "db3"));

                // The replica acknowledges the whole stream within a second (a GETACK's own
                // bytes are acknowledged by the next periodic ACK, as with Redis).
                until("the replica's acknowledgement of everything", 5000, () -> {
                    String now = m.call("INFO", "replication");
                    return field(now, "slave0").contains(",offset=" + field(now, "master_repl_offset") + ",");
                });
                String info = m.call("INFO", "replication");
                assertEquals("1", field(info, "connected_slaves"));
                assertEquals("1", field(info, "repl_backlog_active"));
                assertEquals("1", field(info, "repl_backlog_first_byte_offset"));
                String offset = field(info, "master_repl_offset");
                assertEquals(offset, field(info, "repl_backlog_histlen"));
                assertTrue(!field(info, "master_replid").equals(idBefore), "a new replication id with the backlog");
                assertEquals(field(info, "master_replid"), field(r.call("INFO", "replication"), "master_replid"));
                assertEquals("ip=127.0.0.1,port=" + replica.port() + ",state=online,offset=" + offset + ",lag=0",
                        field(info, "slave0").replaceAll("lag=1$", "lag=0"));
                assertEquals(offset, field(r.call("INFO", "replication"), "master_repl_offset"));
                assertEquals("*3\r\n$6\r\nmaster\r\n:" + offset + "\r\n*1\r\n*3\r\n$9\r\n127.0.0.1\r\n$"
                        + Integer.toString(replica.port()).length() + "\r\n" + replica.port() + "\r\n$"
                        + offset.length() + "\r\n" + offset + "\r\n", m.call("ROLE"));
                String clients = m.call("CLIENT", "LIST", "TYPE", "replica");
                assertTrue(clients.contains(" flags=S ") && clients.contains(" cmd=replconf "), clients);
                assertEquals("1", field(m.call("INFO", "clients"), "connected_clients"), "the replica is not counted");
                String stats = m.call("INFO", "stats");
                assertEquals("1", field(stats, "sync_full"));
                assertEquals("0", field(stats, "sync_partial_ok"));
            }
            until("the replica gone", 5000, () -> "0".equals(field(m.call("INFO", "replication"), "connected_slaves")));
            assertTrue(master.log().contains("Connection with replica 127.0.0.1:"), master.log());
        }
    }

    @Test
    void aReplicaThatReconnectsContinuesFromTheBacklog() throws Exception {
        try (ServerProcess master = master("--enable-debug-command", "yes");
             RawConnection m = new RawConnection(master.port());
             ServerProcess replica = replicaOf(master);
             RawConnection r = new RawConnection(replica.port())) {
            awaitLinkUp(r);
            m.call("SET", "before", "1");
            assertEquals(":1\r\n", m.call("CLIENT", "KILL", "TYPE", "replica"));
            m.call("SET", "while-away", "2");
            m.call("RPUSH", "list", "a");
            until("the replica back", SYNC_MILLIS, () -> "1".equals(field(m.call("INFO", "replication"), "connected_slaves"))
                    && m.call("WAIT", "1", "100").equals(":1\r\n"));
            until("the replica's dataset equal to the master's", 5000, () -> digest(m).equals(digest(r)));
            String stats = m.call("INFO", "stats");
            assertEquals("1", field(stats, "sync_full"));
            assertEquals("1", field(stats, "sync_partial_ok"));
            assertTrue(master.log().contains("Partial resynchronization request from 127.0.0.1:" + replica.port() + " accepted."),
                    master.log());
            assertTrue(replica.log().contains("Successful partial resynchronization with master."), replica.log());
        }
    }

    /** With the RDB sent from the dump once it is saved, and streamed to the replica as it is made. */
    @ParameterizedTest(name = "repl-diskless-sync {0}")
    @ValueSource(strings = {"no", "yes"})
    void writesMadeWhileTheSnapshotIsTakenArriveAfterIt(String diskless) throws Exception {
        // rdb-key-save-delay slows the save to a few seconds: the replica waits in wait_bgsave
        // while the master takes writes, which it must get after its RDB, each exactly once.
        try (ServerProcess master = master("--enable-debug-command", "yes", "--rdb-key-save-delay", "2000",
                "--repl-diskless-sync", diskless);
             RawConnection m = new RawConnection(master.port())) {
            for (int i = 0; i < 1000; i++) {
                m.send("SET", "key:" + i, "value:" + i);
            }
            for (int i = 0; i < 1000; i++) {
                m.readReply();
            }
            try (ServerProcess replica = replicaOf(master); RawConnection r = new RawConnection(replica.port())) {
                until("the replica waiting for its save", SYNC_MILLIS,
                        () -> field(m.call("INFO", "replication"), "slave0").contains("state=wait_bgsave"));
                for (int i = 0; i < 200; i++) {
                    m.call("INCR", "during");
                    m.call("APPEND", "key:" + i, "+");
                }
                m.call("DEL", "key:999");
                awaitLinkUp(r);
                assertEquals(":1\r\n", m.call("WAIT", "1", "10000"));
                assertEquals("$3\r\n200\r\n", r.call("GET", "during"));
                assertEquals("$8\r\nvalue:0+\r\n", r.call("GET", "key:0"));
                assertEquals(":1000\r\n", r.call("DBSIZE")); // key:999 gone, "during" added
                assertEquals(digest(m), digest(r));
            }
        }
    }

    @Test
    void waitAndMinReplicasCountOnlineReplicasThatAcknowledge() throws Exception {
        try (ServerProcess master = master();
             RawConnection m = new RawConnection(master.port())) {
            m.call("CONFIG", "SET", "min-replicas-to-write", "1");
            m.call("CONFIG", "SET", "min-replicas-max-lag", "10");
            assertTrue(m.call("SET", "k", "v").startsWith("-NOREPLICAS"));
            try (ServerProcess replica = replicaOf(master); RawConnection r = new RawConnection(replica.port())) {
                awaitLinkUp(r);
                until("a good replica", 5000, () -> "1".equals(field(m.call("INFO", "replication"), "min_slaves_good_slaves")));
                assertEquals("+OK\r\n", m.call("SET", "k", "v"));
                assertEquals(":1\r\n", m.call("WAIT", "1", "0"));
                long start = System.nanoTime();
                assertEquals(":1\r\n", m.call("WAIT", "2", "300"));
                assertTrue(System.nanoTime() - start >= 290_000_000L, "WAIT 2 waits for its timeout with one replica");
            }
            until("no good replica", 5000, () -> "0".equals(field(m.call("INFO", "replication"), "min_slaves_good_slaves")));
            assertTrue(m.call("SET", "k", "v").startsWith("-NOREPLICAS"));
        }
    }

    @Test
    void theBacklogIsFreedAfterItsTtlWithoutReplicas() throws Exception {
        try (ServerProcess master = master("--repl-backlog-ttl", "1");
             RawConnection m = new RawConnection(master.port())) {
            try (ServerProcess replica = replicaOf(master); RawConnection r = new RawConnection(replica.port())) {
                awaitLinkUp(r);
            }
            String id = field(m.call("INFO", "replication"), "master_replid");
            until("the backlog freed", 10_000, () -> "0".equals(field(m.call("INFO", "replication"), "repl_backlog_active")));
            assertTrue(!id.equals(field(m.call("INFO", "replication"), "master_replid")), "a new replication id");
            assertTrue(master.log().contains("Replication backlog freed after 1 seconds without connected replicas."));
        }
    }

    private static void signal(ServerProcess p, String signal) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
    }

    /**
     * SHUTDOWN with a replica behind waits for it (writes paused meanwhile) up to
     * shutdown-timeout; SHUTDOWN ABORT cancels the wait, and the blocked SHUTDOWN gets Redis's
     * error; a replica that caught up lets the shutdown finish at once.
     */
    @Test
    void shutdownWaitsForTheReplicasToCatchUp() throws Exception {
        try (ServerProcess master = master("--shutdown-timeout", "2");
             RawConnection m = new RawConnection(master.port());
             RawConnection waiting = new RawConnection(master.port());
             RawConnection writer = new RawConnection(master.port());
             ServerProcess replica = replicaOf(master);
             RawConnection r = new RawConnection(replica.port())) {
            awaitLinkUp(r);
            signal(replica, "STOP");
            try {
                m.call("SET", "a", "1");
                waiting.send("SHUTDOWN");
                until("the shutdown waiting", 5000, () -> master.log().contains("Waiting for replicas before shutting down."));
                writer.send("SET", "b", "2");
                assertTrue(dev.cinnabar.it.support.Waits.silent(writer, 300), "writes are paused while the shutdown waits");
                assertEquals("$1\r\n1\r\n", m.call("GET", "a"), "reads are served");
                assertEquals("+OK\r\n", m.call("SHUTDOWN", "ABORT"));
                assertEquals("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", waiting.readReply());
                assertEquals("+OK\r\n", writer.readReply());
                assertEquals("-ERR No shutdown in progress.\r\n", m.call("SHUTDOWN", "ABORT"));
                assertTrue(master.log().contains("Shutdown manually aborted."));
            } finally {
                signal(replica, "CONT");
            }
            until("the replica caught up", 5000, () -> m.call("WAIT", "1", "100").equals(":1\r\n"));
            m.send("SHUTDOWN");
            assertTrue(master.process().waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "the shutdown finished");
            assertTrue(master.log().contains("1 of 1 replicas are in sync when shutting down."), master.log());
        }
    }

    @Test
    void aShutdownThatWaitedInVainLogsTheLaggingReplica() throws Exception {
        try (ServerProcess master = master("--shutdown-timeout", "1");
             RawConnection m = new RawConnection(master.port());
             ServerProcess replica = replicaOf(master);
             RawConnection r = new RawConnection(replica.port())) {
            awaitLinkUp(r);
            signal(replica, "STOP");
            try {
                m.call("SET", "a", "1");
                long start = System.nanoTime();
                m.send("SHUTDOWN");
                assertTrue(master.process().waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "the shutdown finished");
                assertTrue(System.nanoTime() - start >= 900_000_000L, "it waited for shutdown-timeout");
                assertTrue(master.log().contains("Lagging replica 127.0.0.1:" + replica.port() + " reported offset "), master.log());
                assertTrue(master.log().contains("0 of 1 replicas are in sync when shutting down."), master.log());
            } finally {
                signal(replica, "CONT");
            }
        }
    }

    /** What a replica reads: the handshake's replies, then the stream, on a plain socket. */
    @Test
    void psyncContinuesWithTheExactBytesTheReplicaMissed() throws Exception {
        // No periodic PING in the stream while the test reads it; the RDB as a disk-based sync
        // sends it (DisklessSyncIT reads the diskless form).
        try (ServerProcess master = master("--repl-ping-replica-period", "3600", "--repl-diskless-sync", "no");
             RawConnection m = new RawConnection(master.port())) {
            String replid;
            long offset;
            try (Socket s = new Socket("127.0.0.1", master.port())) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                write(s, "REPLCONF", "capa", "eof", "capa", "psync2");
                assertEquals("+OK", line(in));
                write(s, "PSYNC", "?", "-1");
                String full = line(in);
                while (full.isEmpty()) {
                    full = line(in); // newlines while the save runs
                }
                Matcher fr = Pattern.compile("\\+FULLRESYNC ([0-9a-f]{40}) (\\d+)").matcher(full);
                assertTrue(fr.matches(), full);
                replid = fr.group(1);
                offset = Long.parseLong(fr.group(2));
                String bulk = line(in);
                while (bulk.isEmpty()) {
                    bulk = line(in);
                }
                assertTrue(bulk.startsWith("$"), bulk);
                in.readNBytes(Integer.parseInt(bulk.substring(1))); // the RDB
                m.call("SET", "a", "1");
                String expected = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n";
                assertEquals(expected, new String(in.readNBytes(expected.length()), StandardCharsets.US_ASCII));
                offset += expected.length();
            }
            m.call("SET", "b", "2");
            String missed = "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n";
            try (Socket s = new Socket("127.0.0.1", master.port())) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                write(s, "REPLCONF", "capa", "eof", "capa", "psync2");
                assertEquals("+OK", line(in));
                write(s, "PSYNC", replid, Long.toString(offset + 1));
                assertEquals("+CONTINUE " + replid, line(in));
                assertEquals(missed, new String(in.readNBytes(missed.length()), StandardCharsets.US_ASCII));
            }
            // An offset the backlog does not hold, or another id: a full sync, counted as failed PSYNCs.
            try (Socket s = new Socket("127.0.0.1", master.port())) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                write(s, "PSYNC", "0123456789012345678901234567890123456789", "1");
                String reply = line(in);
                while (reply.isEmpty()) {
                    reply = line(in);
                }
                assertTrue(reply.startsWith("+FULLRESYNC " + replid + " "), reply);
            }
            String stats = m.call("INFO", "stats");
            assertEquals("1", field(stats, "sync_partial_ok"));
            assertEquals("1", field(stats, "sync_partial_err"));
            assertTrue(master.log().contains("Partial resynchronization not accepted: Replication ID mismatch"), master.log());
        }
    }

    private static void write(Socket s, String... args) throws IOException {
        StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            b.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        s.getOutputStream().write(b.toString().getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    /** A line without its CRLF; a lone newline (the master's keep-alive) is an empty line. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed after " + out);
            }
            out.write(b);
        }
        String s = out.toString(StandardCharsets.US_ASCII);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    @Test
    void aRestartedMasterLetsItsReplicasContinue(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        int port = ServerProcess.freePort();
        java.util.List<String> cmd = java.util.List.of(ServerProcess.javaBinary(), "-jar", ServerProcess.jar(), "--port",
                Integer.toString(port), "--dir", dir.toString(), "--enable-debug-command", "yes");
        ServerProcess first = ServerProcess.start("cinnabar", cmd, port);
        try (ServerProcess replica = replicaOf(first); RawConnection r = new RawConnection(replica.port())) {
            String oldId;
            try (first; RawConnection m = new RawConnection(port)) {
                awaitLinkUp(r);
                m.call("SET", "a", "1");
                m.call("SET", "short", "v", "PX", "300");
                m.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
                assertEquals(":1\r\n", m.call("WAIT", "1", "5000"));
                oldId = field(m.call("INFO", "replication"), "master_replid");
                m.send("SHUTDOWN", "SAVE");
                assertTrue(first.process().waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
            }
            Thread.sleep(400); // "short" is past its time when the dump loads
            try (ServerProcess again = ServerProcess.start("cinnabar", cmd, port); RawConnection m = new RawConnection(port)) {
                m.call("SET", "b", "2");
                until("the replica back", SYNC_MILLIS, () -> m.call("WAIT", "1", "100").equals(":1\r\n"));
                String info = m.call("INFO", "replication");
                assertEquals(oldId, field(info, "master_replid2"));
                assertTrue(replica.log().contains("Successful partial resynchronization with master."), replica.log());
                assertEquals("1", field(m.call("INFO", "stats"), "sync_partial_ok"));
                assertEquals("0", field(m.call("INFO", "stats"), "sync_full"));
                // The key dropped as expired at the load: its DEL reached the replica.
                until("the DEL of the key expired at the load", 5000, () -> r.call("DBSIZE").equals(":2\r\n"));
                until("the replica's dataset equal to the master's", 5000,
                        () -> m.call("DEBUG", "DIGEST").equals(r.call("DEBUG", "DIGEST")));
            }
        }
    }
}
