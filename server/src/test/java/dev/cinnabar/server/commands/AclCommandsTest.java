package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

/** ACL for the one default user: descriptions, SETUSER default, and the log of failed logins. */
class AclCommandsTest {
    private final EngineHarness h = new EngineHarness();

    private static String bulk(String s) {
        return "$" + s.length() + "\r\n" + s + "\r\n";
    }

    @Test
    void describesTheDefaultUser() {
        assertEquals("*1\r\n" + bulk("user default on nopass ~* &* +@all"), h.call("ACL", "LIST"));
        assertEquals("*1\r\n$7\r\ndefault\r\n", h.call("ACL", "USERS"));
        assertEquals("$7\r\ndefault\r\n", h.call("ACL", "WHOAMI"));
        assertEquals("*12\r\n$5\r\nflags\r\n*2\r\n$2\r\non\r\n$6\r\nnopass\r\n$9\r\npasswords\r\n*0\r\n"
                + "$8\r\ncommands\r\n$5\r\n+@all\r\n$4\r\nkeys\r\n$2\r\n~*\r\n$8\r\nchannels\r\n$2\r\n&*\r\n"
                + "$9\r\nselectors\r\n*0\r\n", h.call("ACL", "GETUSER", "default"));
        assertEquals("$-1\r\n", h.call("ACL", "GETUSER", "alice"));
        assertEquals(":0\r\n", h.call("ACL", "DELUSER", "alice"));
        assertEquals("-ERR The 'default' user cannot be removed\r\n", h.call("ACL", "DELUSER", "alice", "default"));
    }

    @Test
    void setuserDefaultChangesWhatItCanAndRefusesTheRest() {
        assertEquals("+OK\r\n", h.call("ACL", "SETUSER", "default", ">s3cret", "skip-sanitize-payload"));
        assertTrue(h.server.config().authRequired());
        assertEquals("*1\r\n" + bulk("user default on skip-sanitize-payload "
                + "#1ec1c26b50d5d3c58d9583181af8076655fe00756bf7285940ba3670f99fcba0 ~* &* +@all"), h.call("ACL", "LIST"));
        assertEquals("-ERR Error in ACL SETUSER modifier 'bogus': Syntax error\r\n",
                h.call("ACL", "SETUSER", "default", "nopass", "bogus"));
        assertTrue(h.call("ACL", "SETUSER", "default", "nopass", "-debug").endsWith("without every command\r\n"));
        assertTrue(h.server.config().authRequired(), "a refused SETUSER changes nothing, nopass included");
        assertTrue(h.call("ACL", "SETUSER", "bob", "on").startsWith("-ERR Cinnabar has no ACL users but the default"));
        assertEquals("+OK\r\n", h.call("ACL", "SETUSER", "default", "nopass"));
        assertTrue(!h.server.config().authRequired());
    }

    @Test
    void failedLoginsAreLoggedAndGrouped() {
        h.call("ACL", "SETUSER", "default", ">right");
        Client c = h.newClient();
        h.call(c, "AUTH", "wrong");
        h.call(c, "auth", "wrong");
        h.call(c, "AUTH", "bob", "wrong");
        String log = h.call("ACL", "LOG");
        assertTrue(log.startsWith("*3\r\n*14\r\n$5\r\ncount\r\n:1\r\n$6\r\nreason\r\n$4\r\nauth\r\n$7\r\ncontext\r\n"
                + "$8\r\ntoplevel\r\n$6\r\nobject\r\n$4\r\nAUTH\r\n$8\r\nusername\r\n$3\r\nbob\r\n"), log);
        // The object is the command as typed, so AUTH and auth make two entries.
        assertTrue(log.contains("$6\r\nobject\r\n$4\r\nauth\r\n$8\r\nusername\r\n$7\r\ndefault\r\n"), log);
        assertEquals("+OK\r\n", h.call("ACL", "LOG", "RESET"));
        assertEquals("*0\r\n", h.call("ACL", "LOG"));
    }

    @Test
    void argumentErrors() {
        assertEquals("-ERR ACL GENPASS argument must be the number of bits for the output password, a positive "
                + "number up to 4096\r\n", h.call("ACL", "GENPASS", "0"));
        assertEquals("$2\r\n", h.call("ACL", "GENPASS", "5").substring(0, 4));
        assertEquals("-ERR Unknown category 'nosuch'\r\n", h.call("ACL", "CAT", "nosuch"));
        assertEquals("-ERR User 'bob' not found\r\n", h.call("ACL", "DRYRUN", "bob", "get", "k"));
        assertEquals("-ERR Command 'config' not found\r\n", h.call("ACL", "DRYRUN", "default", "config", "nosuch"));
        assertEquals("-ERR wrong number of arguments for 'get' command\r\n", h.call("ACL", "DRYRUN", "default", "get"));
        assertEquals("+OK\r\n", h.call("ACL", "DRYRUN", "default", "config", "get", "x"));
        assertTrue(h.call("ACL", "SAVE").startsWith("-ERR This Redis instance is not configured to use an ACL file."));
    }
}
