package dev.cinnabar.it;

import static dev.cinnabar.it.support.Waits.awaitBlocked;
import static dev.cinnabar.it.support.Waits.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerPair;
import dev.cinnabar.it.support.ServerProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * WAIT on a master without replicas, against redis-server: it blocks as a blocked client does
 * (flag b, blocked_clients, CLIENT UNBLOCK with either reply), answers 0 when its timeout
 * passes, and does not block inside MULTI. The answers that do not block are in the
 * differential corpus ({@code replication.txt}).
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

    @Test
    void aReplicaConfigurationStopsTheStart(@TempDir Path dir) throws Exception {
        String log = ServerProcess.failedStart(dir, "--replicaof", "127.0.0.1", "6999");
        assertTrue(log.contains("Cinnabar cannot replicate yet: it will not start as a replica of 127.0.0.1:6999")
                && log.endsWith("exit 1"), log);
        try (RawConnection c = new RawConnection(SERVERS.cinnabar().port())) {
            assertEquals("-ERR Cinnabar cannot replicate yet: it stays a master\r\n",
                    c.call("REPLICAOF", "127.0.0.1", "6999"));
            assertEquals("+OK\r\n", c.call("SET", "k", "v"));
        }
    }
}
