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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Blocking XREAD and XREADGROUP across clients, against redis-server 7.0 and the JAR side by
 * side: the order clients are served in, replies in both protocols, the group's last ID moving
 * while several consumers wait, and the errors that release XREADGROUP clients when their group
 * or stream goes (XGROUP DESTROY, DEL, an overwrite, FLUSHALL, SWAPDB).
 */
class StreamBlockingIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair();

    @BeforeEach
    void flush() throws IOException {
        SERVERS.flushAllAndResetStats();
    }

    @Test
    void readersAreServedInTheOrderTheyBlockedInBothProtocols() throws Exception {
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
                out.add(control.call("XADD", "s", "1-1", "f", "v"));
                out.add(control.call("XGROUP", "CREATE", "s", "g", "$"));
                a.send("XREAD", "BLOCK", "0", "STREAMS", "s", "other", "$", "0");
                awaitBlocked(control, 1);
                b.send("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
                awaitBlocked(control, 2);
                c.send("XREADGROUP", "GROUP", "g", "bob", "COUNT", "1", "BLOCK", "0", "STREAMS", "s", ">");
                awaitBlocked(control, 3);
                d.send("XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "s", "0");
                out.add(d.readReply()); // served at once: there is an entry after 0
                out.add(control.call("MULTI"));
                out.add(control.call("XADD", "s", "2-1", "f", "v2"));
                out.add(control.call("XADD", "s", "3-1", "f", "v3"));
                out.add(control.call("EXEC"));
                out.add(a.readReply());
                out.add(b.readReply());
                out.add(field(control.call("INFO", "clients"), "blocked_clients"));
                out.add(control.call("XADD", "s", "4-1", "f", "v4"));
                out.add(c.readReply());
                out.add(control.call("XINFO", "GROUPS", "s"));
                out.add(field(control.call("INFO", "persistence"), "rdb_changes_since_last_save"));
                out.add(field(control.call("INFO", "clients"), "blocked_clients"));
            }
            seen.add(String.join("|", out));
        }
        assertEquals(seen.get(0), seen.get(1));
    }

    @Test
    void groupReadersAreReleasedWhenTheGroupOrTheStreamGoes() throws Exception {
        List<String> seen = new ArrayList<>();
        for (ServerProcess s : SERVERS.both()) {
            List<String> out = new ArrayList<>();
            try (RawConnection control = new RawConnection(s.port());
                 RawConnection a = new RawConnection(s.port());
                 RawConnection b = new RawConnection(s.port())) {
                b.call("HELLO", "3");
                String[] kill = {"XGROUP DESTROY s g", "DEL s", "SET s x", "FLUSHALL", "SWAPDB 0 1", "UNLINK s"};
                for (String k : kill) {
                    control.call("FLUSHALL");
                    control.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
                    a.send("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
                    awaitBlocked(control, 1);
                    b.send("XREADGROUP", "GROUP", "g", "bob", "NOACK", "BLOCK", "0", "STREAMS", "s", ">");
                    awaitBlocked(control, 2);
                    out.add(control.call(k.split(" ")));
                    out.add(a.readReply());
                    out.add(b.readReply());
                }
                control.call("SWAPDB", "0", "1");
                control.call("FLUSHALL");
                // An XREAD waiter outlives the stream and is served by the next one.
                control.call("XADD", "s", "1-1", "f", "v");
                a.send("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
                awaitBlocked(control, 1);
                out.add(control.call("DEL", "s"));
                out.add(field(control.call("INFO", "clients"), "blocked_clients"));
                out.add(control.call("XADD", "s", "0-5", "f", "v")); // not after the ID it waits for
                out.add(field(control.call("INFO", "clients"), "blocked_clients"));
                out.add(control.call("XADD", "s", "2-5", "f", "v"));
                out.add(a.readReply());
                out.add(field(control.call("INFO", "stats"), "total_error_replies"));
            }
            seen.add(String.join("|", out));
        }
        assertEquals(seen.get(0), seen.get(1));
    }
    /**
     * Only XADD, XDEL and XTRIM (when they change something) and XGROUP CREATE MKSTREAM touch a
     * watched stream: the group commands and XSETID change it without signalling the key.
     */
    @Test
    void groupCommandsLeaveWatchedStreamsAlone() throws Exception {
        List<String> seen = new ArrayList<>();
        String[][] steps = {
            {"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"},
            {"XACK", "s", "g", "1-1"},
            {"XGROUP", "SETID", "s", "g", "0"},
            {"XSETID", "s", "5-5"},
            {"XGROUP", "CREATECONSUMER", "s", "g", "z"},
            {"XCLAIM", "s", "g", "z", "0", "1-1", "FORCE"},
            {"XAUTOCLAIM", "s", "g", "y", "0", "0"},
            {"XGROUP", "DELCONSUMER", "s", "g", "y"},
            {"XGROUP", "CREATE", "s", "g2", "0"},
            {"XGROUP", "DESTROY", "s", "g2"},
            {"XDEL", "s", "9-9"},
            {"XTRIM", "s", "MAXLEN", "10"},
            {"XADD", "s", "6-1", "f", "v"},
            {"XDEL", "s", "6-1"},
        };
        for (ServerProcess s : SERVERS.both()) {
            List<String> out = new ArrayList<>();
            try (RawConnection a = new RawConnection(s.port());
                 RawConnection b = new RawConnection(s.port())) {
                out.add(a.call("XADD", "s", "1-1", "f", "v"));
                out.add(a.call("XGROUP", "CREATE", "s", "g", "0"));
                for (String[] step : steps) {
                    a.call("WATCH", "s");
                    out.add(b.call(step));
                    a.call("MULTI");
                    a.call("PING");
                    out.add(String.join(" ", step) + " -> " + a.call("EXEC"));
                }
            }
            seen.add(String.join("|", out));
        }
        assertEquals(seen.get(0), seen.get(1));
    }
}
