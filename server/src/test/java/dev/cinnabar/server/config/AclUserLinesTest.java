package dev.cinnabar.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AclUserLinesTest {
    /** SHA-256 of "secret", as CONFIG REWRITE writes it. */
    private static final String SECRET = "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b";

    private static DefaultUser parse(String... lines) throws AclUserLines.Unsupported {
        return AclUserLines.defaultUser(Arrays.stream(lines).map(l -> List.of(l.split(" "))).toList());
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String refusal(String... lines) {
        return assertThrows(AclUserLines.Unsupported.class, () -> parse(lines)).getMessage();
    }

    @Test
    void noLineLeavesTheDefaultUserToRequirepass() throws Exception {
        assertNull(parse());
    }

    @Test
    void whatConfigRewriteWritesIsServed() throws Exception {
        DefaultUser open = parse("default on nopass ~* &* +@all");
        assertFalse(open.passwordRequired());
        assertTrue(open.accepts(b("anything")));
        assertEquals("nopass", open.passwordRules());
        DefaultUser hashed = parse("default on #" + SECRET + " ~* &* +@all");
        assertTrue(hashed.passwordRequired());
        assertTrue(hashed.accepts(b("secret")));
        assertFalse(hashed.accepts(b("Secret")));
        assertEquals("#" + SECRET, hashed.passwordRules());
    }

    @Test
    void passwordsAddRemoveAndResetInOrder() throws Exception {
        DefaultUser u = parse("default on >a >b >a <b sanitize-payload allkeys allchannels allcommands");
        assertTrue(u.accepts(b("a")));
        assertFalse(u.accepts(b("b")));
        assertEquals(1, u.digests().size());
        DefaultUser none = parse("default on >a resetpass %RW~* &* +@all");
        assertTrue(none.passwordRequired(), "resetpass leaves no password that matches, not nopass");
        assertFalse(none.accepts(b("a")));
        assertEquals("", none.passwordRules());
        DefaultUser again = parse("default on >a nopass ~* &* +@all", "default ON >x ~* &* +@ALL");
        assertTrue(again.accepts(b("x")), "the last line for the user is the one that counts");
        assertFalse(again.accepts(b("a")));
        assertTrue(parse("default reset on >a ~* &* +@all").accepts(b("a")));
    }

    @Test
    void anythingNarrowerThanEveryPermissionIsRefused() {
        assertTrue(refusal("alice on >pw ~* +@all").contains("the user named 'alice'"));
        assertTrue(refusal("default on nopass ~* &* +@all", "alice on").contains("'alice'"));
        String narrower = "the default user can only be served on and with every key, channel and command";
        assertTrue(refusal("default off nopass ~* &* +@all").contains(narrower));
        assertTrue(refusal("default on nopass ~* +@all").contains(narrower), "no channels");
        assertTrue(refusal("default on nopass &* +@all").contains(narrower), "no keys");
        assertTrue(refusal("default on nopass ~* &*").contains(narrower), "no commands");
        assertTrue(refusal("default on nopass ~* &* +@all reset").contains(narrower));
        assertTrue(refusal("default on nopass ~* &* +@all -flushall").contains("rule '-flushall'"));
        assertTrue(refusal("default on nopass ~app:* &* +@all").contains("rule '~app:*'"));
        assertTrue(refusal("default on nopass ~* &* +@all (~x +get)").contains("rule '(~x'"));
        assertTrue(refusal("default on #" + SECRET.toUpperCase() + " ~* &* +@all").contains("64 characters"));
        assertTrue(refusal("default on #abc ~* &* +@all").contains("64 characters"));
        assertTrue(refusal("default on <nothere ~* &* +@all").contains("does not exist"));
    }

    @Test
    void requirepassMakesOnePasswordOrNone() {
        assertFalse(DefaultUser.withRequirePass("").passwordRequired());
        DefaultUser u = DefaultUser.withRequirePass("secret");
        assertEquals("#" + SECRET, u.passwordRules());
        assertTrue(u.accepts(b("secret")));
    }

    @Test
    void aConfigSetOfRequirepassReplacesTheFilesDefaultUser() throws Exception {
        ServerConfig c = new ServerConfig();
        c.defaultUserFromConfigFile = parse("default on >fromfile ~* &* +@all");
        assertTrue(c.defaultUser().accepts(b("fromfile")));
        assertEquals(null, ConfigSet.set(c, List.of("requirepass", "secret"), false));
        assertFalse(c.defaultUser().accepts(b("fromfile")));
        assertTrue(c.defaultUser().accepts(b("secret")));
        assertEquals(null, ConfigSet.set(c, List.of("requirepass", ""), false));
        assertFalse(c.authRequired());
    }
}
