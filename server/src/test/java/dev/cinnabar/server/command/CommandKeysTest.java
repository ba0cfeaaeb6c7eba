package dev.cinnabar.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.protocol.Argv;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Key extraction over the key specs of every Redis 7.0 command (commands-facts.json, generated
 * from redis-server by tools/command-metadata.py --facts-only --all), checked against the
 * answers redis-server gave to COMMAND GETKEYSANDFLAGS (getkeys-cases.txt, filled in by
 * tools/getkeys-cases.py).
 */
class CommandKeysTest {
    static final CommandTable REDIS = CommandTable.fromJson(resource("/redis-7.0/commands-facts.json"));

    @TestFactory
    Stream<DynamicTest> answersAsRedisDoes() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String line : resource("/redis-7.0/getkeys-cases.txt").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int arrow = line.indexOf(" => ");
            String commandLine = line.substring(0, arrow);
            String expected = line.substring(arrow + 4);
            tests.add(DynamicTest.dynamicTest(commandLine, () -> assertEquals(expected, answer(commandLine))));
        }
        assertTrue(tests.size() > 200, "the case file lost its cases");
        return tests.stream();
    }

    /** Runs the line through COMMAND GETKEYSANDFLAGS's logic and writes the answer as the case file does. */
    static String answer(String commandLine) {
        List<String> args = new ArrayList<>(List.of("COMMAND", "GETKEYSANDFLAGS"));
        for (String t : commandLine.split(" ")) {
            args.add(t.equals("\"\"") ? "" : t);
        }
        Argv argv = Argv.of(args.toArray(new String[0]));
        KeyResult keys = new KeyResult();
        int n;
        try {
            n = CommandKeys.forGetKeys(REDIS, argv, 2, keys);
        } catch (CommandError e) {
            return e.getMessage();
        }
        if (n == 0) {
            return "(none)";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(argv.string(2 + keys.position(i))).append('[')
                    .append(String.join(",", KeyFlags.names(keys.flags(i)))).append(']');
        }
        return sb.toString();
    }

    @Test
    void everyRedisKeySpecParsesAndTheFindersMatchRealCommands() {
        int specs = 0;
        for (CommandSpec c : REDIS.all()) {
            specs += c.keySpecs.size();
        }
        assertTrue(specs > 200, "expected the key specs of all Redis 7.0 commands, got " + specs);
        for (String name : NativeKeyFinders.commands()) {
            CommandSpec c = REDIS.get(name);
            assertNotNull(c, name + " has a key finder but is no Redis command");
            assertFalse(c.keySpecs.isEmpty(), name);
        }
    }

    @Test
    void movableKeysMeansTheSpecsCannotSayItAlone() {
        // Redis marks a command movablekeys when it has its own key finder or a spec other than
        // index+range; SET and BITFIELD have finders only for their variable flags.
        for (CommandSpec c : REDIS.all()) {
            boolean nonRange = c.keySpecs.stream().anyMatch(k -> k.beginSearch != KeySpec.BeginSearch.INDEX
                    || k.findKeys != KeySpec.FindKeys.RANGE);
            boolean finder = c.keyFinder != null && !c.hasVariableFlags;
            assertEquals(c.has(CommandFlags.MOVABLE_KEYS), nonRange || finder, c.fullName);
        }
    }

    @Test
    void keywordsCompareLikeCStrings() {
        Argv a = Argv.of("get", "GET\0trailing", "ge", "gets", "G\0T");
        byte[] get = "get".getBytes(StandardCharsets.US_ASCII);
        assertTrue(CommandKeys.cStringIs(a, 0, get));
        assertTrue(CommandKeys.cStringIs(a, 1, get));
        assertFalse(CommandKeys.cStringIs(a, 2, get));
        assertFalse(CommandKeys.cStringIs(a, 3, get));
        assertFalse(CommandKeys.cStringIs(a, 4, get));
    }

    @Test
    void setWithGetAfterANulByteStillReads() {
        assertEquals("k[RW,access,update]", answer("SET k v get\0x"));
        assertEquals("k[OW,update]", answer("SET k v g\0t"));
        assertEquals("a[RO,access]", answer("XREAD STREAMS\0z a 1"));
    }

    @Test
    void keyCountsParseLikeAtoi() {
        Argv a = Argv.of("12", " \t7", "-3", "+4", "5x", "x", "", "99999999999999999999", "-99999999999999999999",
                "4294967297", "2147483648");
        int[] expected = {12, 7, -3, 4, 5, 0, 0, -1, 0, 1, Integer.MIN_VALUE};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], NativeKeyFinders.atoi(a, i), "argument " + i);
        }
    }

    @Test
    void aPartialSearchKeepsTheKeysOfValidSpecs() {
        // MIGRATE's KEYS spec is incomplete: a full search gives up, a partial one keeps its keys.
        CommandSpec migrate = REDIS.get("migrate");
        Argv argv = Argv.of("MIGRATE", "h", "1", "", "0", "5", "KEYS", "a", "b");
        KeyResult out = new KeyResult();
        assertEquals(-1, CommandKeys.fromSpecs(migrate, argv, 0, argv.count(), false, false, out));
        assertEquals(3, CommandKeys.fromSpecs(migrate, argv, 0, argv.count(), false, true, out));
        assertEquals(List.of(3, 7, 8), List.of(out.position(0), out.position(1), out.position(2)));
    }

    @Test
    void shardChannelsCountOnlyWhenAsked() {
        CommandSpec spublish = REDIS.get("spublish");
        Argv argv = Argv.of("SPUBLISH", "ch", "msg");
        KeyResult out = new KeyResult();
        assertEquals(0, CommandKeys.fromSpecs(spublish, argv, 0, 3, false, false, out));
        assertEquals(1, CommandKeys.fromSpecs(spublish, argv, 0, 3, true, false, out));
        assertEquals(1, out.position(0));
        assertTrue((out.flags(0) & KeyFlags.NOT_KEY) != 0);
    }

    @Test
    void manyKeysGrowTheResult() {
        List<String> args = new ArrayList<>(List.of("DEL"));
        for (int i = 0; i < 100; i++) {
            args.add("k" + i);
        }
        Argv argv = Argv.of(args.toArray(new String[0]));
        KeyResult out = new KeyResult();
        assertEquals(100, CommandKeys.find(REDIS.get("del"), argv, 0, argv.count(), out));
        assertEquals(100, out.position(99));
    }

    static String resource(String path) {
        try (InputStream in = CommandKeysTest.class.getResourceAsStream(path)) {
            assertNotNull(in, path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
