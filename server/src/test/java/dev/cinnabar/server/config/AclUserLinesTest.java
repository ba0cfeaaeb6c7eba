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

/** User lines and the rules they share with ACL SETUSER ({@link DefaultUserRules}). */
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

    private static String line(DefaultUser u) {
        return String.join(" ", u.rules());
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
        // A line starts from Redis's reset, which sets sanitize-payload.
        assertEquals("on nopass sanitize-payload ~* &* +@all", line(open));
        DefaultUser hashed = parse("default on #" + SECRET + " ~* &* +@all");
        assertTrue(hashed.passwordRequired());
        assertTrue(hashed.accepts(b("secret")));
        assertFalse(hashed.accepts(b("Secret")));
        assertEquals("on sanitize-payload #" + SECRET + " ~* &* +@all", line(hashed));
    }

    @Test
    void passwordsAddRemoveAndResetInOrder() throws Exception {
        DefaultUser u = parse("default on >a >b >a <b skip-sanitize-payload allkeys allchannels allcommands");
        assertTrue(u.accepts(b("a")));
        assertFalse(u.accepts(b("b")));
        assertEquals(List.of("on", "skip-sanitize-payload"), u.flags());
        DefaultUser none = parse("default on >a resetpass %RW~* &* +@all");
        assertTrue(none.passwordRequired(), "resetpass leaves no password that matches, not nopass");
        assertFalse(none.accepts(b("a")));
        DefaultUser again = parse("default on >a nopass ~* &* +@all", "default ON >x %R~* %w~* &* +@ALL");
        assertTrue(again.accepts(b("x")), "the last line for the user is the one that counts");
        assertFalse(again.accepts(b("a")));
        assertTrue(parse("default on >a resetkeys ~app:* ~* &* +@all").accepts(b("a")), "~* clears the patterns");
        DefaultUser off = parse("default off nopass ~* &* +@all");
        assertTrue(off.passwordRequired(), "a user that is off lets no connection in");
        assertFalse(off.accepts(b("anything")));
        assertEquals("off nopass sanitize-payload ~* &* +@all", line(off));
    }

    @Test
    void anythingNarrowerThanEveryPermissionIsRefused() {
        assertTrue(refusal("alice on >pw ~* +@all").contains("the user named 'alice'"));
        assertTrue(refusal("default on nopass ~* &* +@all", "alice on").contains("'alice'"));
        assertTrue(refusal("default on nopass ~* +@all").endsWith("without every channel"));
        assertTrue(refusal("default on nopass &* +@all").endsWith("without every key"));
        assertTrue(refusal("default on nopass ~* &*").endsWith("without every command"));
        assertTrue(refusal("default on nopass ~* &* +@all reset").endsWith("without every key, channel, command"));
        assertTrue(refusal("default on nopass ~* &* +@all -flushall").endsWith("without every command"));
        assertTrue(refusal("default on nopass resetkeys ~app:* &* +@all").endsWith("without every key"));
        assertTrue(refusal("default on nopass resetkeys %R~* &* +@all").endsWith("without every key"));
        assertTrue(refusal("default on nopass ~* &* +@all (~x +get)").contains("rule '(~x'"));
    }

    @Test
    void rulesRedisRefusesGetRedissReasons() {
        assertTrue(refusal("default on #" + SECRET.toUpperCase() + " ~* &* +@all").endsWith(
                "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters"));
        assertTrue(refusal("default on #abc ~* &* +@all").contains("rule '#abc' for the user named 'default'"));
        assertTrue(refusal("default on <nothere ~* &* +@all").endsWith(
                "The password you are trying to remove from the user does not exist"));
        assertTrue(refusal("default on ~* %R~x &* +@all").contains("Adding a pattern after the * pattern"));
        assertTrue(refusal("default on &* &x ~* +@all").contains("(or the 'allchannels' flag)"));
        assertTrue(refusal("default on bogus").endsWith("Syntax error"));
    }

    @Test
    void setuserStartsFromTheUserAsItIs() throws Exception {
        DefaultUser u = DefaultUserRules.apply(DefaultUser.NO_PASSWORD, List.of(">a", "~*", "&*", "+@all"));
        assertEquals("on #ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb ~* &* +@all", line(u));
        assertEquals("off ~* &* +@all", line(DefaultUserRules.apply(u, List.of("off", "resetpass"))));
        assertThrows(DefaultUserRules.Narrower.class, () -> DefaultUserRules.apply(u, List.of("-get")));
        assertThrows(DefaultUserRules.RuleError.class, () -> DefaultUserRules.apply(u, List.of("%RW~*")));
    }

    @Test
    void requirepassMakesOnePasswordOrNone() {
        assertFalse(DefaultUser.ofRequirePass("").passwordRequired());
        DefaultUser u = DefaultUser.ofRequirePass("secret");
        assertEquals("on #" + SECRET + " ~* &* +@all", line(u));
        assertTrue(u.accepts(b("secret")));
    }

    @Test
    void aConfigSetOfRequirepassReplacesOnlyThePasswords() throws Exception {
        ServerConfig c = new ServerConfig();
        c.defaultUserSet = parse("default off >fromfile ~* &* +@all");
        assertEquals(null, ConfigSet.set(c, List.of("requirepass", "secret"), false));
        assertFalse(c.defaultUser().accepts(b("fromfile")));
        assertEquals("off sanitize-payload #" + SECRET + " ~* &* +@all", line(c.defaultUser()));
        assertEquals(null, ConfigSet.set(c, List.of("requirepass", ""), false));
        assertEquals("off nopass sanitize-payload ~* &* +@all", line(c.defaultUser()));
    }
}
