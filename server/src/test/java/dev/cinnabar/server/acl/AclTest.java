package dev.cinnabar.server.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.command.CommandTable;
import dev.cinnabar.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The users: staging, user lines, the ACL file, requirepass and passwords. */
class AclTest {
    private static final CommandTable TABLE = CommandTable.load();
    private final ServerConfig config = new ServerConfig();
    private final Acl acl = new Acl(config, TABLE);

    private static List<String> words(String line) {
        return List.of(line.split(" "));
    }

    @Test
    void aRefusedRuleChangesNothing() throws Exception {
        acl.take(acl.stage("bob", words("on >pw ~a:* +get")));
        AclUser bob = acl.user("bob");
        assertThrows(Acl.AclError.class, () -> acl.stage("bob", words("off nopass bogus")));
        assertTrue(bob.enabled());
        assertFalse(bob.noPass());
        assertTrue(bob.accepts("pw".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(bob.accepts("other".getBytes(StandardCharsets.US_ASCII)));
        // A change is copied into the user that clients hold.
        acl.take(acl.stage("bob", words("off")));
        assertSame(bob, acl.user("bob"));
        assertFalse(bob.enabled());
        assertFalse(bob.accepts("pw".getBytes(StandardCharsets.US_ASCII)), "a user that is off opens to nothing");
    }

    @Test
    void selectorsSpreadOverArgumentsAreJoined() throws Exception {
        assertEquals(List.of("on", "(~a +get)", "(+set)"), Acl.mergeSelectors(words("on (~a +get) (+set)")));
        assertEquals("Unmatched parenthesis in acl selector starting at '(~a'.",
                assertThrows(Acl.AclError.class, () -> Acl.mergeSelectors(words("on (~a +get"))).getMessage());
    }

    @Test
    void requirepassSetsTheDefaultUsersOnePassword() {
        assertFalse(acl.authRequired());
        acl.applyRequirePass("secret");
        assertTrue(acl.authRequired());
        assertEquals("on #2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b ~* &* +@all",
                acl.defaultUser().describe());
        acl.applyRequirePass("");
        assertEquals("on nopass ~* &* +@all", acl.defaultUser().describe());
    }

    @Test
    void userLinesAreCheckedAsRedisReadsThem() throws Exception {
        assertNull(acl.checkUserLine(words("app on >pw +nosuch ~*"), List.of()), "unknown commands wait for the load");
        // Redis names the line's j-th word for the j-th rule, counting from "user" itself.
        assertEquals("Error in user declaration 'user': Syntax error", acl.checkUserLine(words("app bogus"), List.of()));
        assertEquals("Error in user declaration 'app': Syntax error", acl.checkUserLine(words("app on bogus"), List.of()));
        assertEquals("Error in user declaration 'app': Duplicate user found. A user can only be defined once in "
                + "config files", acl.checkUserLine(words("app on"), List.of("app")));
        Acl.AclError e = assertThrows(Acl.AclError.class, () -> acl.loadConfigured(List.of(words("app on +nosuch"))));
        assertEquals("Error loading ACL rule '+nosuch' for the user named 'app': Unknown command or category name "
                + "in ACL", e.getMessage());
    }

    @Test
    void theDefaultUserDeclaredAgainStartsFromReset() throws Exception {
        acl.loadConfigured(List.of(words("default on >pw ~* +@all"), words("ro on nopass %R~* +@read")));
        assertEquals("on sanitize-payload #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 ~* "
                + "resetchannels +@all", acl.defaultUser().describe());
        assertEquals(List.of("default", "ro"), acl.users().stream().map(u -> u.name).toList());
    }

    @Test
    void anAclFileLoadsWholeOrNotAtAll(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("users.acl");
        config.aclFile = file.toString();
        Files.writeString(file, "user bob on >x ~b:* +get\n\nuser default on nopass ~* &* +@all\n");
        List<AclUser> removed = new ArrayList<>();
        assertNull(acl.loadFile(file.toString(), removed));
        AclUser bob = acl.user("bob");
        assertEquals("on #2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881 ~b:* resetchannels -@all "
                + "+get", bob.describe());
        Files.writeString(file, "user bob on\nuser carol bogus\nfoo\nuser bob off\n");
        String errors = acl.loadFile(file.toString(), removed);
        assertEquals(file + ":2: Syntax error. " + file + ":3 should start with user keyword followed by the "
                + "username. WARNING: Duplicate user 'bob' found on line 4. WARNING: ACL errors detected, no change "
                + "to the previously active ACL rules was performed", errors);
        assertSame(bob, acl.user("bob"));
        // A load replaces every user but the default one: their clients go.
        Files.writeString(file, "user bob on\n");
        assertNull(acl.loadFile(file.toString(), removed));
        assertEquals(List.of(bob), removed);
        assertEquals("user bob on resetchannels -@all\nuser default on nopass ~* &* +@all\n", acl.fileText());
        assertTrue(AclFiles.save(acl, file.toString()));
        assertEquals(acl.fileText(), Files.readString(file));
    }
}
