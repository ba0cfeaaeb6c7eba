package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static dev.cinnabar.it.support.Waits.awaitBlocked;
import static dev.cinnabar.it.support.Waits.field;
import static dev.cinnabar.it.support.Waits.silent;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerPair;
import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * BZPOPMIN, BZPOPMAX and BZMPOP across clients, against redis-server 7.0 and the JAR side by side:
 * what each connection was answered must be the same. The order clients are served in, replies in
 * both protocols, keys that change type or come from other commands (RENAME, ZUNIONSTORE, SORT
 * STORE for a list waiter), timeouts and CLIENT UNBLOCK.
 */
class ZSetBlockingIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair();

    @BeforeEach
    void flush() throws IOException {
        SERVERS.flushAllAndResetStats();
    }

    @Test
    void clientsAreServedInTheOrderTheyBlockedInBothProtocols() throws Exception {
        List<String> seen = new ArrayList<>();
        for (ServerProcess s : SERVERS.both()) {
            List<String> out = new ArrayList<>();
            try (RawConnection control = new RawConnection(s.port());
                 RawConnection a = new RawConnection(s.port());
                 RawConnection b = new RawConnection(s.port());
                 RawConnection c = new RawConnection(s.port());
                 RawConnection d = new RawConnection(s.port())) {
                b.call("HELLO", "3");
                d.call("HELLO", "3");
                a.send("BZPOPMIN", "k1", "k2", "0");
                awaitBlocked(control, 1);
                b.send("BZPOPMAX", "k2", "0");
                awaitBlocked(control, 2);
                c.send("BZMPOP", "0", "2", "k1", "k2", "MIN", "COUNT", "2");
                awaitBlocked(control, 3);
                d.send("BZMPOP", "0", "1", "k2", "MAX", "COUNT", "5");
                awaitBlocked(control, 4);
                a.send("PING");
                out.add(control.call("ZADD", "k2", "1", "a", "2", "b", "3", "c", "4.5", "d", "0.1", "e", "inf", "f"));
                out.add(a.readReply());
                out.add(a.readReply());
                out.add(b.readReply());
                out.add(c.readReply());
                out.add(d.readReply());
                out.add(control.call("EXISTS", "k2"));
                out.add(field(control.call("INFO", "clients"), "blocked_clients"));
                out.add(field(control.call("INFO", "persistence"), "rdb_changes_since_last_save"));
            }
            seen.add(String.join("|", out));
        }
        assertEquals(seen.get(0), seen.get(1));
    }

    @Test
    void keysThatChangeTypeOrComeFromOtherCommands() throws Exception {
        List<String> seen = new ArrayList<>();
        for (ServerProcess s : SERVERS.both()) {
            List<String> out = new ArrayList<>();
            try (RawConnection control = new RawConnection(s.port());
                 RawConnection a = new RawConnection(s.port());
                 RawConnection b = new RawConnection(s.port())) {
                a.send("BZPOPMIN", "k", "0");
                awaitBlocked(control, 1);
                b.send("BLPOP", "k", "0");
                awaitBlocked(control, 2);
                // A list created on the key serves the list waiter only.
                out.add(control.call("RPUSH", "k", "v"));
                out.add(b.readReply());
                out.add(control.call("SET", "k", "str"));
                out.add(silent(a, 100) ? "(waiting)" : "(served)");
                out.add(control.call("DEL", "k"));
                out.add(control.call("ZADD", "other", "7", "m"));
                out.add(control.call("RENAME", "other", "k"));
                out.add(a.readReply());
                a.send("BZMPOP", "0", "1", "u", "MAX", "COUNT", "3");
                awaitBlocked(control, 1);
                out.add(control.call("ZADD", "x", "1", "p", "2", "q"));
                out.add(control.call("SADD", "y", "r"));
                out.add(control.call("ZUNIONSTORE", "u", "2", "x", "y", "WEIGHTS", "1", "10"));
                out.add(a.readReply());
                b.send("BLPOP", "l", "0");
                awaitBlocked(control, 1);
                out.add(control.call("SORT", "x", "BY", "nosort", "STORE", "l"));
                out.add(b.readReply());
                out.add(control.call("OBJECT", "ENCODING", "x"));
            }
            seen.add(String.join("|", out));
        }
        assertEquals(seen.get(0), seen.get(1));
    }

    @Test
    void timeoutsAndUnblocking() throws Exception {
        List<String> seen = new ArrayList<>();
        for (ServerProcess s : SERVERS.both()) {
            List<String> out = new ArrayList<>();
            long earliestLate = Long.MAX_VALUE;
            try (RawConnection control = new RawConnection(s.port()); RawConnection a = new RawConnection(s.port())) {
                for (String resp : List.of("2", "3")) {
                    a.call("HELLO", resp);
                    for (List<String> cmd : List.of(List.of("BZPOPMIN", "k", "0.05"), List.of("BZPOPMAX", "k", "j", "0.05"),
                            List.of("BZMPOP", "0.05", "1", "k", "MIN"))) {
                        long start = System.nanoTime();
                        out.add(a.call(cmd.toArray(new String[0])));
                        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                        // Never early; late by a cron period at most, but a loaded machine can
                        // stall any one call for seconds (as in BlockingIT).
                        assertTrue(took >= 50, cmd + " answered after " + took + " ms on " + s);
                        assertTrue(took < 5050, cmd + " took " + took + " ms on " + s);
                        earliestLate = Math.min(earliestLate, took - 50);
                    }
                }
                assertTrue(earliestLate < 500, "every timeout at least " + earliestLate + " ms late on " + s);
                a.call("HELLO", "2");
                String id = a.call("CLIENT", "ID").substring(1).strip();
                a.send("BZPOPMIN", "k", "0");
                awaitBlocked(control, 1);
                String list = control.call("CLIENT", "LIST", "ID", id);
                out.add(list.contains(" flags=b ") + " " + list.contains(" cmd=bzpopmin "));
                out.add(control.call("CLIENT", "UNBLOCK", id, "ERROR"));
                out.add(a.readReply());
                a.send("BZMPOP", "100", "1", "k", "MAX");
                awaitBlocked(control, 1);
                out.add(control.call("CLIENT", "UNBLOCK", id, "TIMEOUT"));
                out.add(a.readReply());
                String stats = control.call("INFO", "commandstats");
                for (String cmd : List.of("bzpopmin", "bzpopmax", "bzmpop")) {
                    String line = field(stats, "cmdstat_" + cmd);
                    out.add(cmd + " " + line.replaceAll("usec=\\d+,usec_per_call=[\\d.]+,", ""));
                }
            }
            seen.add(String.join("|", out));
        }
        assertEquals(seen.get(0), seen.get(1));
    }
}
