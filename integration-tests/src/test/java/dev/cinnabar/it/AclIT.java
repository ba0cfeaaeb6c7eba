package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerPair;
import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ACL SETUSER of the default user and ACL LOG, against redis-server on fresh servers (the
 * differential corpus shares its servers, and these change the user every connection starts as).
 */
class AclIT {
    /** DEBUG from a local connection, so that a refused DEBUG is the ACL's doing. */
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair("--enable-debug-command", "local");

    /** ACL LOG entries with their age and client line masked, which differ by nature. */
    static String masked(String reply) {
        return reply.replaceAll("(age-seconds\r\n)[$,][^\r]*\r\n(?:[^\r$]*\r\n)?", "$1<age>\r\n")
                .replaceAll("(client-info\r\n)\\$\\d+\r\n[^\r]*\r\n", "$1<client>\r\n");
    }

    private static List<String> session(ServerProcess s) throws IOException {
        List<String> out = new ArrayList<>();
        try (RawConnection admin = new RawConnection(s.port())) {
            out.add(admin.call("ACL", "LOG", "RESET"));
            out.add(admin.call("ACL", "SETUSER", "default", ">a", ">b", "skip-sanitize-payload"));
            out.add(admin.call("ACL", "LIST"));
            out.add(admin.call("ACL", "GETUSER", "default"));
            out.add(admin.call("ACL", "SETUSER", "default", "<a", ">b"));
            out.add(admin.call("ACL", "LIST"));
            try (RawConnection other = new RawConnection(s.port())) {
                out.add(other.call("PING"));
                out.add(other.call("AUTH", "a"));
                out.add(other.call("AUTH", "default", "a"));
                out.add(other.call("HELLO", "3", "AUTH", "nobody", "b"));
                out.add(other.call("AUTH", "b"));
                out.add(other.call("ACL", "WHOAMI"));
            }
            out.add(admin.call("ACL", "SETUSER", "default", "off"));
            try (RawConnection other = new RawConnection(s.port())) {
                out.add(other.call("PING"));
                out.add(other.call("AUTH", "b"));
            }
            out.add(admin.call("ACL", "SETUSER", "default", "on", "sanitize-payload"));
            out.add(admin.call("CONFIG", "SET", "requirepass", "c"));
            out.add(admin.call("ACL", "LIST"));
            out.add(admin.call("CONFIG", "SET", "requirepass", ""));
            out.add(admin.call("ACL", "GETUSER", "default"));
            out.add(masked(admin.call("ACL", "LOG")));
            out.add(masked(admin.call("ACL", "LOG", "1")));
            out.add(admin.call("HELLO", "3"));
            out.add(admin.call("ACL", "GETUSER", "default"));
            out.add(masked(admin.call("ACL", "LOG", "2")));
            out.add(admin.call("ACL", "SETUSER", "default", "resetpass", "nopass", "~*", "&*", "allcommands"));
            out.add(admin.call("ACL", "LIST"));
        }
        return out;
    }

    @Test
    void theDefaultUserChangesAsInRedis() throws Exception {
        List<String> redis = session(SERVERS.redis());
        List<String> ours = session(SERVERS.cinnabar());
        // HELLO's reply carries the connection's id, which differs.
        assertEquals(String.join("\n", redis).replaceAll("(\\$2\r\nid\r\n):\\d+", "$1"),
                String.join("\n", ours).replaceAll("(\\$2\r\nid\r\n):\\d+", "$1"));
        assertTrue(ours.get(2).contains("user default on skip-sanitize-payload #ca978112"), ours.get(2));
    }

    @Test
    void aNarrowedDefaultUserIsEnforcedAsInRedis() throws Exception {
        List<String> seen = new ArrayList<>();
        for (ServerProcess s : SERVERS.both()) {
            List<String> out = new ArrayList<>();
            try (RawConnection admin = new RawConnection(s.port());
                    RawConnection subscriber = new RawConnection(s.port())) {
                out.add(admin.call("ACL", "LOG", "RESET"));
                out.add(subscriber.call("SUBSCRIBE", "sports"));
                out.add(admin.call("DEBUG", "SLEEP", "0"));
                out.add(admin.call("ACL", "SETUSER", "default", "-debug"));
                out.add(admin.call("ACL", "LIST"));
                out.add(admin.call("DEBUG", "SLEEP", "0"));
                out.add(admin.call("ACL", "DRYRUN", "default", "debug", "sleep", "0"));
                try (RawConnection other = new RawConnection(s.port())) {
                    // A new connection is the same user.
                    out.add(other.call("DEBUG", "SLEEP", "0"));
                    out.add(other.call("SET", "other", "v"));
                }
                out.add(admin.call("ACL", "SETUSER", "default", "resetkeys", "~app:*", "%R~ro:*", "resetchannels",
                        "&news.*"));
                out.add(admin.call("ACL", "LIST"));
                out.add(admin.call("ACL", "GETUSER", "default"));
                // Its subscriber to a channel it may no longer use is gone.
                out.add(pingOrClosed(subscriber));
                out.add(admin.call("GET", "other"));
                out.add(admin.call("SET", "app:1", "v"));
                out.add(admin.call("GET", "ro:1"));
                out.add(admin.call("SET", "ro:1", "v"));
                out.add(admin.call("PUBLISH", "sports", "m"));
                out.add(admin.call("PUBLISH", "news.today", "m"));
                out.add(masked(admin.call("ACL", "LOG")));
                out.add(admin.call("ACL", "SETUSER", "default", "allkeys", "allchannels", "+debug"));
                out.add(admin.call("ACL", "LIST"));
                out.add(admin.call("DEBUG", "SLEEP", "0"));
                out.add(admin.call("GET", "other"));
            }
            seen.add(String.join("\n", out));
        }
        assertEquals(seen.get(0), seen.get(1));
        assertTrue(seen.get(1).contains("\n-NOPERM this user has no permissions to run the 'debug' command\r\n"),
                seen.get(1));
        assertTrue(seen.get(1).contains(" ~app:* %R~ro:* resetchannels &news.* +@all -debug\r\n"), seen.get(1));
        assertTrue(seen.get(1).contains("\n<closed>\n"), seen.get(1));
    }

    /** PING's reply, or "<closed>" when the server has closed the connection. */
    private static String pingOrClosed(RawConnection c) {
        try {
            c.send("PING");
            return c.readReply();
        } catch (IOException closed) {
            return "<closed>";
        }
    }
}
