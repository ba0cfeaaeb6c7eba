package dev.cinnabar.it;

import static dev.cinnabar.it.ReplicationIT.SYNC_MILLIS;
import static dev.cinnabar.it.ReplicationIT.awaitLinkUp;
import static dev.cinnabar.it.ReplicationIT.master;
import static dev.cinnabar.it.ReplicationIT.replicaOf;
import static dev.cinnabar.it.support.Waits.field;
import static dev.cinnabar.it.support.Waits.until;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Cinnabar master's diskless full sync (repl-diskless-sync yes, Redis 7.0's default): the RDB
 * goes from the snapshot straight to the replicas' connections, framed by a 40-character mark,
 * never through a file; one transfer serves the replicas that came within
 * repl-diskless-sync-delay; the slowest replica sets the pace, one that stops reading is dropped
 * after repl-timeout, and the transfer ends when its last replica goes. Also rdb-del-sync-files,
 * for the dump a disk-based sync leaves behind.
 */
class DisklessSyncIT {
    private static final Pattern FULLRESYNC = Pattern.compile("\\+FULLRESYNC ([0-9a-f]{40}) (\\d+)");

    /** A replica on a plain socket: REPLCONF capa eof, PSYNC, and what the master sends back. */
    private static final class RawReplica implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        long offset;

        RawReplica(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
            send("REPLCONF", "capa", "eof", "capa", "psync2");
            assertEquals("+OK", line());
            send("PSYNC", "?", "-1");
        }

        void send(String... args) throws IOException {
            StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
            for (String a : args) {
                b.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(b.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        /** A line without its CRLF; the master's keep-alive newlines are skipped. */
        String line() throws IOException {
            while (true) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                int c;
                while ((c = in.read()) != '\n') {
                    if (c < 0) {
                        throw new IOException("closed after " + b);
                    }
                    b.write(c);
                }
                String s = b.toString(StandardCharsets.US_ASCII);
                if (s.endsWith("\r")) {
                    return s.substring(0, s.length() - 1);
                }
                if (!s.isEmpty()) {
                    return s;
                }
            }
        }

        /** +FULLRESYNC, then the payload's header: the mark it ends with. */
        byte[] fullResyncMark() throws IOException {
            Matcher m = FULLRESYNC.matcher(line());
            assertTrue(m.matches(), m.toString());
            offset = Long.parseLong(m.group(2));
            String header = line();
            assertTrue(header.matches("\\$EOF:[0-9a-f]{40}"), header);
            return header.substring(5).getBytes(StandardCharsets.US_ASCII);
        }

        /** Everything up to and without the mark. */
        byte[] payload(byte[] mark) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            byte[] chunk = new byte[65536];
            while (true) {
                int n = in.read(chunk);
                if (n < 0) {
                    throw new IOException("closed after " + b.size() + " bytes");
                }
                b.write(chunk, 0, n);
                byte[] all = b.toByteArray();
                if (all.length >= mark.length
                        && Arrays.equals(all, all.length - mark.length, all.length, mark, 0, mark.length)) {
                    return Arrays.copyOf(all, all.length - mark.length);
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static String digest(RawConnection c) throws IOException {
        return c.call("DEBUG", "DIGEST");
    }

    private static int count(String log, String line) {
        return log.split(Pattern.quote(line), -1).length - 1;
    }

    private static boolean rdbFilesIn(ServerProcess p) throws IOException {
        try (Stream<java.nio.file.Path> files = Files.list(p.dir())) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".rdb"));
        }
    }

    @Test
    void theRdbIsStreamedBetweenMarksAndTheCommandStreamWaitsForTheFirstAck() throws Exception {
        try (ServerProcess master = master("--save", "", "--repl-ping-replica-period", "3600");
             RawConnection m = new RawConnection(master.port())) {
            m.call("SET", "k", "v");
            m.call("RPUSH", "l", "a", "b");
            String dirty = field(m.call("INFO", "persistence"), "rdb_changes_since_last_save");
            try (RawReplica replica = new RawReplica(master.port())) {
                byte[] mark = replica.fullResyncMark();
                byte[] rdb = replica.payload(mark);
                assertEquals("REDIS0010", new String(rdb, 0, 9, StandardCharsets.US_ASCII));
                assertEquals((byte) 0xFF, rdb[rdb.length - 9], "the RDB's EOF opcode, then its checksum");

                m.call("SET", "a", "1");
                replica.socket.setSoTimeout(300);
                assertThrows(SocketTimeoutException.class, () -> replica.in.read(), "nothing before the first ACK");
                replica.socket.setSoTimeout(10_000);
                replica.send("REPLCONF", "ACK", Long.toString(replica.offset));
                String expected = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n";
                assertArrayEquals(expected.getBytes(StandardCharsets.US_ASCII), replica.in.readNBytes(expected.length()));

                String info = m.call("INFO", "replication");
                assertTrue(field(info, "slave0").contains("state=online"), info);
                // Replication traffic is counted apart: the framed RDB and the stream, not +FULLRESYNC.
                String stats = m.call("INFO", "stats");
                long framed = "$EOF:\r\n".length() + 2L * mark.length + rdb.length;
                assertEquals(framed + expected.length(), Long.parseLong(field(stats, "total_net_repl_output_bytes")), stats);
                assertEquals("0", field(stats, "total_net_repl_input_bytes"));
                String persistence = m.call("INFO", "persistence");
                assertEquals("0", field(persistence, "rdb_saves"), "a transfer is not a save");
                assertEquals("0", field(persistence, "rdb_bgsave_in_progress"));
                assertEquals(Long.parseLong(dirty) + 1, Long.parseLong(field(persistence, "rdb_changes_since_last_save")),
                        "the changes since the last save, the SET after the transfer included");
                assertFalse(rdbFilesIn(master), "nothing written to disk");
                String log = master.log();
                assertTrue(log.contains("Starting BGSAVE for SYNC with target: replicas sockets"), log);
                assertTrue(log.contains("Background RDB transfer started by pid "), log);
                assertTrue(log.contains("Background RDB transfer terminated with success"), log);
                assertTrue(log.contains("succeeded (socket). Waiting for REPLCONF ACK from slave to enable streaming"), log);
            }
        }
    }

    @Test
    void oneTransferServesTheReplicasThatCameWithinTheDelay() throws Exception {
        // A delay long enough that only the replica count can start the transfer.
        try (ServerProcess master = master("--enable-debug-command", "yes", "--repl-diskless-sync-delay", "60",
                "--repl-diskless-sync-max-replicas", "2");
             RawConnection m = new RawConnection(master.port())) {
            m.call("DEBUG", "POPULATE", "10000");
            try (ServerProcess first = replicaOf(master); RawConnection r1 = new RawConnection(first.port())) {
                until("the first replica waiting", SYNC_MILLIS,
                        () -> field(m.call("INFO", "replication"), "slave0").contains("state=wait_bgsave"));
                Thread.sleep(1500);
                assertEquals("0", field(m.call("INFO", "persistence"), "rdb_bgsave_in_progress"),
                        "one replica of two waits for the delay");
                try (ServerProcess second = replicaOf(master); RawConnection r2 = new RawConnection(second.port())) {
                    awaitLinkUp(r1);
                    awaitLinkUp(r2);
                    assertEquals(digest(m), digest(r1));
                    assertEquals(digest(m), digest(r2));
                }
            }
            String log = master.log();
            assertEquals(2, count(log, "Delay next BGSAVE for diskless SYNC"), log);
            assertEquals(1, count(log, "Starting BGSAVE for SYNC with target: replicas sockets"), log);
            assertEquals("2", field(m.call("INFO", "stats"), "sync_full"));
        }
    }

    @Test
    void aReplicaThatComesDuringATransferWaitsForTheNextOne() throws Exception {
        // 2 ms a key: the first transfer takes about two seconds.
        try (ServerProcess master = master("--enable-debug-command", "yes", "--rdb-key-save-delay", "2000");
             RawConnection m = new RawConnection(master.port())) {
            m.call("DEBUG", "POPULATE", "1000");
            try (ServerProcess first = replicaOf(master); RawConnection r1 = new RawConnection(first.port())) {
                until("the transfer running", SYNC_MILLIS,
                        () -> "1".equals(field(m.call("INFO", "persistence"), "rdb_bgsave_in_progress")));
                assertEquals("-ERR Background save already in progress\r\n", m.call("BGSAVE"));
                try (ServerProcess second = replicaOf(master); RawConnection r2 = new RawConnection(second.port())) {
                    until("the second replica told to wait", SYNC_MILLIS, () -> master.log()
                            .contains("Current BGSAVE has socket target. Waiting for next BGSAVE for SYNC"));
                    m.call("SET", "during", "1");
                    awaitLinkUp(r1);
                    awaitLinkUp(r2);
                    assertEquals(":2\r\n", m.call("WAIT", "2", "10000"));
                    assertEquals(digest(m), digest(r1));
                    assertEquals(digest(m), digest(r2));
                }
            }
            assertEquals(2, count(master.log(), "Starting BGSAVE for SYNC with target: replicas sockets"), master.log());
        }
    }

    @Test
    void aReplicaThatStopsReadingIsDroppedAfterReplTimeoutAndTheOtherGetsItsRdb() throws Exception {
        // An RDB of some 35 MB (uncompressed), more than the sockets' buffers hold; both replicas
        // in one transfer.
        try (ServerProcess master = master("--enable-debug-command", "yes", "--repl-timeout", "2", "--rdbcompression", "no",
                "--repl-diskless-sync-delay", "60", "--repl-diskless-sync-max-replicas", "2");
             RawConnection m = new RawConnection(master.port())) {
            m.call("DEBUG", "POPULATE", "300000", "key", "100");
            try (RawReplica stuck = new RawReplica(master.port())) {
                until("the stuck replica waiting", SYNC_MILLIS,
                        () -> field(m.call("INFO", "replication"), "slave0").contains("state=wait_bgsave"));
                try (ServerProcess good = replicaOf(master); RawConnection r = new RawConnection(good.port())) {
                    awaitLinkUp(r);
                    assertEquals(digest(m), digest(r));
                    String log = master.log();
                    assertTrue(log.contains("Disconnecting timedout replica (full sync): 127.0.0.1:<unknown-replica-port>"),
                            log);
                    assertTrue(log.contains("Diskless rdb transfer, done reading from pipe, 1 replicas still up."), log);
                    assertEquals("1", field(m.call("INFO", "replication"), "connected_slaves"));
                }
            }
        }
    }

    @Test
    void theTransferEndsWhenItsLastReplicaGoes() throws Exception {
        // 1 KB values, which DEBUG POPULATE pads with zeros, left uncompressed, at 2 ms a key:
        // the transfer's 1 MB go out in slices for two seconds.
        try (ServerProcess master = master("--enable-debug-command", "yes", "--save", "", "--rdb-key-save-delay", "2000",
                "--rdbcompression", "no");
             RawConnection m = new RawConnection(master.port())) {
            m.call("DEBUG", "POPULATE", "1000", "key", "1000");
            try (RawReplica replica = new RawReplica(master.port())) {
                replica.fullResyncMark();
                replica.in.readNBytes(1000);
            }
            until("the transfer stopped", 5000,
                    () -> "0".equals(field(m.call("INFO", "persistence"), "rdb_bgsave_in_progress")));
            String log = master.log();
            assertTrue(log.contains("Diskless rdb transfer, last replica dropped, killing fork child."), log);
            assertTrue(log.contains("Background transfer error"), log);
            assertEquals("ok", field(m.call("INFO", "persistence"), "rdb_last_bgsave_status"),
                    "a transfer cut short is not a failed save");
            assertFalse(rdbFilesIn(master));
            assertEquals("0", field(m.call("INFO", "replication"), "connected_slaves"));
        }
    }

    /** Redis deletes the dump a disk-based sync made when nothing else asks for persistence. */
    @ParameterizedTest(name = "rdb-del-sync-files {0}")
    @ValueSource(strings = {"yes", "no"})
    void rdbDelSyncFilesRemovesTheDumpMadeForReplicas(String delete) throws Exception {
        try (ServerProcess master = master("--save", "", "--repl-diskless-sync", "no", "--rdb-del-sync-files", delete);
             RawConnection m = new RawConnection(master.port())) {
            m.call("SET", "k", "v");
            try (ServerProcess replica = replicaOf(master); RawConnection r = new RawConnection(replica.port())) {
                awaitLinkUp(r);
                String removed = "Removing the RDB file used to feed replicas in a persistence-less instance";
                if (delete.equals("yes")) {
                    until("the dump removed", 5000, () -> !Files.exists(master.dir().resolve("dump.rdb")));
                    assertTrue(master.log().contains(removed), master.log());
                } else {
                    Thread.sleep(1500); // a cron run or more
                    assertTrue(Files.exists(master.dir().resolve("dump.rdb")));
                    assertFalse(master.log().contains(removed), master.log());
                }
            }
        }
    }
}
