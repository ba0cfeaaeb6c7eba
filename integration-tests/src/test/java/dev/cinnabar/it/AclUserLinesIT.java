package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerPair;
import dev.cinnabar.it.support.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code user} lines: the default user with every permission and its passwords is served as
 * Redis serves it; any user line that asks for access control stops the start, as does an
 * {@code aclfile}, since running without it would let in what the file keeps out.
 */
class AclUserLinesIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair("--user", "default", "on", ">s3cret", "#"
            + "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b", "~*", "&*", "+@all");

    @TempDir
    Path dir;

    @Test
    void theDefaultUsersPasswordsAreWhatTheLineGives() throws Exception {
        List<String> seen = new ArrayList<>();
        for (ServerProcess s : SERVERS.both()) {
            List<String> out = new ArrayList<>();
            try (RawConnection c = new RawConnection(s.port())) {
                out.add(c.call("PING"));
                out.add(c.call("AUTH", "wrong"));
                out.add(c.call("AUTH", "default", "wrong"));
                out.add(c.call("HELLO", "3", "AUTH", "default", "wrong"));
                out.add(c.call("GET", "k"));
                out.add(c.call("AUTH", "s3cret"));
                out.add(c.call("AUTH", "secret"));
                out.add(c.call("AUTH", "default", "s3cret"));
                out.add(c.call("AUTH", "alice", "s3cret"));
                out.add(c.call("SET", "k", "v"));
                out.add(c.call("CONFIG", "SET", "requirepass", "other"));
            }
            try (RawConnection c = new RawConnection(s.port())) {
                out.add(c.call("AUTH", "s3cret"));
                out.add(c.call("AUTH", "other"));
                out.add(c.call("GET", "k"));
                out.add(c.call("CONFIG", "SET", "requirepass", ""));
            }
            try (RawConnection c = new RawConnection(s.port())) {
                out.add(c.call("GET", "k"));
                out.add(c.call("AUTH", "anything"));
            }
            seen.add(String.join("", out));
        }
        assertEquals(seen.get(0), seen.get(1));
        assertTrue(seen.get(1).startsWith("-NOAUTH Authentication required.\r\n-WRONGPASS"), seen.get(1));
    }

    @Test
    void usersThatNeedAccessControlStopTheStart() throws Exception {
        String other = ServerProcess.failedStart(dir, "--user", "alice", "on", ">pw", "~*", "+@all");
        assertTrue(other.contains("the user named 'alice' cannot be served"), other);
        assertTrue(other.contains("Critical error while loading ACLs. Exiting.") && other.endsWith("exit 1"), other);
        String narrower = ServerProcess.failedStart(dir, "--user", "default", "on", "nopass", "~*", "&*", "+@all",
                "-flushall");
        assertTrue(narrower.contains("these rules leave it without every command"), narrower);
        assertTrue(narrower.endsWith("exit 1"), narrower);
        Path acl = Files.writeString(dir.resolve("users.acl"), "user default on nopass ~* &* +@all\n");
        String file = ServerProcess.failedStart(dir, "--aclfile", acl.toString());
        assertTrue(file.contains("Aborting Redis startup because of ACL errors") && file.endsWith("exit 1"), file);
    }
}
