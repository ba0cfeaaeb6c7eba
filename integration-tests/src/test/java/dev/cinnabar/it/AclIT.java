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
 * differential corpus shares its servers, and these change the one user there is).
 */
class AclIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair();

    /** ACL LOG entries with their age and client line masked, which differ by nature. */
    private static String masked(String reply) {
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
    void whatCannotBeEnforcedIsRefusedAndChangesNothing() throws Exception {
        try (RawConnection c = new RawConnection(SERVERS.cinnabar().port())) {
            String before = c.call("ACL", "LIST");
            assertEquals("-ERR Cinnabar has no ACL users but the default one yet: the user named 'alice' cannot be "
                    + "created\r\n", c.call("ACL", "SETUSER", "alice", "on", ">pw"));
            assertTrue(c.call("ACL", "SETUSER", "default", ">new", "-flushall").endsWith(
                    "these rules leave it without every command\r\n"));
            assertTrue(c.call("ACL", "SETUSER", "default", "resetkeys", "~app:*").endsWith("without every key\r\n"));
            assertTrue(c.call("ACL", "SETUSER", "default", "(~x", "+get)").startsWith(
                    "-ERR Error in ACL SETUSER modifier '(~x': Cinnabar has no access control yet"));
            assertEquals(before, c.call("ACL", "LIST"), "a refused SETUSER changes nothing, not even >new");
            assertEquals("+PONG\r\n", c.call("PING"));
        }
    }
}
