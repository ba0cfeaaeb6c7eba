package dev.cinnabar.server.acl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.command.AclCategories;
import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.command.CommandTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Selector rules, the checks they make, and their description written back as rules. */
class AclSelectorTest {
    private static final CommandTable TABLE = CommandTable.load();
    private final AclCheck check = new AclCheck();

    private static AclUser user(String... rules) throws AclRuleException {
        AclUser u = new AclUser("u", TABLE, false);
        for (String r : rules) {
            u.apply(r, false);
        }
        return u;
    }

    private int check(AclUser u, String... argv) {
        Argv a = Argv.of(argv);
        CommandSpec cmd = TABLE.lookup(a, 0);
        if (cmd.isContainer() && a.count() >= 2) {
            cmd = cmd.subcommand(a, 1);
        }
        return check.check(u, cmd, a, 0);
    }

    @Test
    void keyPatternsGrantReadAndWriteByTheKeySpecsFlags() throws Exception {
        AclUser u = user("+@all", "%R~r:*", "%W~w:*", "~rw:*");
        assertEquals(AclCheck.OK, check(u, "GET", "r:1"));
        assertEquals(AclCheck.DENIED_KEY, check(u, "SET", "r:1", "v"));
        assertEquals(AclCheck.OK, check(u, "SET", "w:1", "v"));
        assertEquals(AclCheck.DENIED_KEY, check(u, "GET", "w:1"));
        // INCR reads and updates its key: only a pattern with both. APPEND only inserts (its
        // key spec has no ACCESS), so writing is enough.
        assertEquals(AclCheck.DENIED_KEY, check(u, "INCR", "w:1"));
        assertEquals(AclCheck.OK, check(u, "INCR", "rw:1"));
        assertEquals(AclCheck.OK, check(u, "APPEND", "w:1", "v"));
        // The position reported is the first key refused.
        assertEquals(AclCheck.DENIED_KEY, check(u, "MGET", "r:1", "rw:2", "x"));
        assertEquals(3, check.position());
        // EXISTS neither reads nor writes a value (RO without ACCESS): any pattern will do.
        assertEquals(AclCheck.OK, check(u, "EXISTS", "w:1"));
    }

    @Test
    void channelsMatchAsGlobsButPatternsOnlyLiterally() throws Exception {
        AclUser u = user("+@all", "~*", "resetchannels", "&news.*");
        assertEquals(AclCheck.OK, check(u, "PUBLISH", "news.sport", "m"));
        assertEquals(AclCheck.DENIED_CHANNEL, check(u, "PUBLISH", "other", "m"));
        assertEquals(AclCheck.DENIED_CHANNEL, check(u, "SUBSCRIBE", "news.a", "other"));
        assertEquals(2, check.position());
        assertEquals(AclCheck.OK, check(u, "PSUBSCRIBE", "news.*"));
        assertEquals(AclCheck.DENIED_CHANNEL, check(u, "PSUBSCRIBE", "news.s*"));
        assertEquals(AclCheck.OK, check(u, "UNSUBSCRIBE", "anything"));
    }

    @Test
    void containersSubcommandsAndFirstArguments() throws Exception {
        AclUser u = user("~*", "+config|get", "+select|0", "+client");
        assertEquals(AclCheck.OK, check(u, "CONFIG", "GET", "x"));
        assertEquals(AclCheck.DENIED_COMMAND, check(u, "CONFIG", "SET", "x", "y"));
        assertEquals(AclCheck.OK, check(u, "SELECT", "0"));
        assertEquals(AclCheck.DENIED_COMMAND, check(u, "SELECT", "1"));
        assertEquals(AclCheck.OK, check(u, "CLIENT", "ID"));
        u.apply("-client|kill", false);
        assertEquals(AclCheck.DENIED_COMMAND, check(u, "CLIENT", "KILL", "ID", "1"));
        // AUTH needs no permission: a user with none can still switch user.
        assertEquals(AclCheck.OK, check(user(), "AUTH", "other", "pw"));
    }

    @Test
    void selectorsAllowWhatTheRootSelectorDoesNot() throws Exception {
        AclUser u = user("+get", "~a:*", "(+set ~b:*)");
        assertEquals(AclCheck.OK, check(u, "GET", "a:1"));
        assertEquals(AclCheck.OK, check(u, "SET", "b:1", "v"));
        // Refused by both: the key beats the command as the reason given.
        assertEquals(AclCheck.DENIED_KEY, check(u, "GET", "b:1"));
        assertEquals(AclCheck.DENIED_COMMAND, check(u, "DEL", "a:1"));
    }

    @Test
    void rulesRefusedWithRedissReasons() {
        assertEquals("Syntax error", assertThrows(AclRuleException.class, () -> user("%X~a")).getMessage());
        assertEquals("Syntax error", assertThrows(AclRuleException.class, () -> user("%~a")).getMessage());
        assertEquals("Syntax error", assertThrows(AclRuleException.class, () -> user("+get|")).getMessage());
        assertTrue(assertThrows(AclRuleException.class, () -> user("+nosuch")).unknown());
        assertTrue(assertThrows(AclRuleException.class, () -> user("-@nosuch")).unknown());
        assertEquals("Allowing first-arg of a subcommand is not supported",
                assertThrows(AclRuleException.class, () -> user("+config|get|x")).getMessage());
        assertTrue(assertThrows(AclRuleException.class, () -> user("~*", "~a")).getMessage().contains("'allkeys'"));
        assertTrue(assertThrows(AclRuleException.class, () -> user("&*", "&a")).getMessage().contains("'allchannels'"));
        assertTrue(assertThrows(AclRuleException.class, () -> user("<nosuch")).getMessage().contains("does not exist"));
        assertTrue(assertThrows(AclRuleException.class, () -> user("#ABC")).getMessage().contains("64 characters"));
    }

    @Test
    void describesCommandRulesAsRedisDoes() throws Exception {
        assertEquals("+@all", describe("+@all"));
        assertEquals("-@all", describe("-@all"));
        assertEquals("+@all -get", describe("+@all", "-get"));
        assertEquals("-@all +@read -get", describe("+@read", "-get"));
        assertEquals("-@all +select|0", describe("+select|0"));
        assertEquals("-@all +config|get", describe("+config|get"));
        assertEquals("+@all -@dangerous", describe("+@all", "-@dangerous"));
    }

    private static String describe(String... rules) throws AclRuleException {
        return AclCommandRules.describe(user(rules).root());
    }

    /**
     * Redis checks every description it writes against the bits it describes; here, random rule
     * sets: the description replayed on a new selector must give the same commands and first
     * arguments.
     */
    @Test
    void aDescriptionReplayedGivesTheSamePermissions() throws Exception {
        Random random = new Random(42);
        List<String> commands = new ArrayList<>();
        for (CommandSpec c : TABLE.all()) {
            commands.add(c.fullName);
        }
        List<String> categories = AclCategories.all();
        for (int round = 0; round < 300; round++) {
            AclUser u = user(random.nextBoolean() ? "+@all" : "-@all");
            for (int i = 0; i < 1 + random.nextInt(12); i++) {
                String sign = random.nextBoolean() ? "+" : "-";
                switch (random.nextInt(3)) {
                    case 0 -> u.apply(sign + "@" + categories.get(random.nextInt(categories.size())), false);
                    case 1 -> u.apply(sign + commands.get(random.nextInt(commands.size())), false);
                    default -> u.apply("+select|" + random.nextInt(3), false);
                }
            }
            String rules = AclCommandRules.describe(u.root());
            AclUser again = user();
            for (String r : rules.split(" ")) {
                again.apply(r, false);
            }
            assertArrayEquals(u.root().commands, again.root().commands, rules);
            assertEquals(u.root().allowsFutureCommands, again.root().allowsFutureCommands, rules);
            assertEquals(firstArgs(u.root()), firstArgs(again.root()), rules);
        }
    }

    private static List<String> firstArgs(AclSelector s) {
        List<String> out = new ArrayList<>();
        if (s.firstArgs != null) {
            for (int id = 0; id < s.firstArgs.length; id++) {
                if (s.firstArgs[id] != null && !s.bit(id)) {
                    for (String a : s.firstArgs[id]) {
                        out.add(id + "|" + a);
                    }
                }
            }
        }
        return out;
    }

    @Test
    void theDefaultUserNeedsNoCheck() throws Exception {
        AclUser u = user("+@all", "~*", "&*");
        assertTrue(u.unrestricted());
        u.apply("-debug", false);
        assertFalse(u.unrestricted());
        u.apply("(~* &* +@all)", false);
        assertTrue(u.unrestricted(), "one selector with every permission is enough");
    }
}
