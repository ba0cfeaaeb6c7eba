package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

/** ACL: descriptions, SETUSER, checks at dispatch, DRYRUN, and the log of refusals and failed logins. */
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
    void setuserStagesEveryRuleBeforeTakingAny() {
        assertEquals("+OK\r\n", h.call("ACL", "SETUSER", "default", ">s3cret", "skip-sanitize-payload"));
        assertTrue(h.server.acl().authRequired());
        assertEquals("*1\r\n" + bulk("user default on skip-sanitize-payload "
                + "#1ec1c26b50d5d3c58d9583181af8076655fe00756bf7285940ba3670f99fcba0 ~* &* +@all"), h.call("ACL", "LIST"));
        assertEquals("-ERR Error in ACL SETUSER modifier 'bogus': Syntax error\r\n",
                h.call("ACL", "SETUSER", "default", "nopass", "bogus"));
        assertTrue(h.server.acl().authRequired(), "a refused SETUSER changes nothing, nopass included");
        assertEquals("+OK\r\n", h.call("ACL", "SETUSER", "bob", "on", ">pw", "~app:*", "+get"));
        assertEquals("*2\r\n" + bulk("user bob on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 "
                + "~app:* resetchannels -@all +get") + bulk("user default on skip-sanitize-payload "
                + "#1ec1c26b50d5d3c58d9583181af8076655fe00756bf7285940ba3670f99fcba0 ~* &* +@all"), h.call("ACL", "LIST"));
        assertEquals("+OK\r\n", h.call("ACL", "SETUSER", "default", "nopass"));
        assertFalse(h.server.acl().authRequired());
    }

    @Test
    void aRestrictedUserIsCheckedAtDispatch() {
        h.call("ACL", "SETUSER", "app", "on", "nopass", "%R~app:*", "~tmp:*", "+@read", "+set", "&news");
        Client c = h.newClient();
        assertEquals("+OK\r\n", h.call(c, "AUTH", "app", "any"));
        assertEquals("$-1\r\n", h.call(c, "GET", "app:1"));
        assertEquals("-NOPERM this user has no permissions to access one of the keys used as arguments\r\n",
                h.call(c, "SET", "app:1", "v"), "read-only pattern");
        assertEquals("+OK\r\n", h.call(c, "SET", "tmp:1", "v"));
        assertEquals("-NOPERM this user has no permissions to run the 'del' command\r\n", h.call(c, "DEL", "tmp:1"));
        assertEquals("-NOPERM this user has no permissions to access one of the keys used as arguments\r\n",
                h.call(c, "MGET", "app:1", "other"));
        assertEquals("$2\r\nOK\r\n", h.call("ACL", "DRYRUN", "app", "get", "app:2").replace("+OK", "$2\r\nOK"));
        assertEquals(bulk("This user has no permissions to access the 'other' key"),
                h.call("ACL", "DRYRUN", "app", "mget", "app:1", "other"));
        String log = h.call("ACL", "LOG", "1");
        assertTrue(log.contains("$6\r\nreason\r\n$3\r\nkey\r\n$7\r\ncontext\r\n$8\r\ntoplevel\r\n"
                + "$6\r\nobject\r\n$5\r\nother\r\n$8\r\nusername\r\n$3\r\napp\r\n"), log);
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
