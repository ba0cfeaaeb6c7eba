package dev.cinnabar.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.protocol.Argv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The shipped metadata: it loads, it is complete, it matches the handlers, and it is ours. */
class CommandTableTest {
    private static final Path DIR = Path.of("src/main/resources/commands");

    @Test
    void everyGroupFileIsListedAndParses() throws IOException {
        List<String> listed = groupFiles();
        assertFalse(listed.isEmpty());
        assertEquals(listed.size(), new TreeSet<>(listed).size(), "a file is listed twice");
        try (Stream<Path> s = Files.list(DIR)) {
            List<String> present = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .sorted().collect(Collectors.toList());
            assertEquals(present, listed.stream().sorted().collect(Collectors.toList()),
                    "groups.txt and the JSON files in " + DIR + " differ");
        }
        for (String file : listed) {
            String json = Files.readString(DIR.resolve(file));
            CommandTable t = CommandTable.fromJson(json);
            assertNotNull(t, file);
        }
    }

    @Test
    void noTodoIsLeftInAnyText() throws IOException {
        List<String> todos = new ArrayList<>();
        for (String file : groupFiles()) {
            collectTodos(Json.parse(Files.readString(DIR.resolve(file))), file, todos);
        }
        assertEquals(List.of(), todos, "describe these in our own words");
    }

    @Test
    void docsAreCompleteAndUseRedisGroups() {
        CommandTable t = CommandTable.load();
        for (CommandSpec c : t.all()) {
            CommandDocs d = c.docs();
            assertTrue(CommandDocs.GROUPS.contains(d.group), c.fullName + ": group " + d.group);
            assertNotNull(d.summary, c.fullName + " has no summary");
            assertNotNull(d.since, c.fullName + " has no since");
            if (c.parent != null) {
                assertEquals(c.parent.docs().group, d.group, c.fullName + " is in another group than its container");
            }
            if (d.arguments != null) {
                checkKeyArguments(c, d.arguments);
            }
        }
    }

    /**
     * Our COMMAND INFO entries equal those of the Redis 7.0 fixture, command by command, so stale
     * or hand-edited facts show up without a redis-server at hand (CommandInfoIT compares with a
     * live one). Containers are compared without their subcommands, which are compared alone.
     */
    @Test
    void factsMatchRedis70() {
        CommandTable redis = CommandKeysTest.REDIS;
        List<String> differ = new ArrayList<>();
        for (CommandSpec ours : CommandTable.load().all()) {
            CommandSpec theirs = redis.get(ours.fullName);
            if (theirs == null) {
                continue; // not a Redis 7.0 command; CommandInfoIT keeps the list of those
            }
            for (int protocol = 2; protocol <= 3; protocol++) {
                String a = ownInfo(theirs, protocol);
                String b = ownInfo(ours, protocol);
                if (!a.equals(b)) {
                    differ.add(ours.fullName + " (RESP" + protocol + ")\n  redis: " + a + "\n  ours:  " + b);
                }
            }
            // Subcommands from later Redis versions (CLIENT SETINFO, 7.2) have nothing to match.
            List<String> subs = ours.subcommands().stream().filter(c -> !newerThanRedis70(c))
                    .map(c -> c.fullName).sorted().collect(Collectors.toList());
            List<String> redisSubs = theirs.subcommands().stream().map(c -> c.fullName).sorted().collect(Collectors.toList());
            if (!redisSubs.containsAll(subs)) {
                differ.add(ours.fullName + ": subcommands " + subs + " are not all in Redis's " + redisSubs);
            }
        }
        assertEquals(List.of(), differ);
    }

    private static boolean newerThanRedis70(CommandSpec c) {
        String[] v = c.docs().since.split("\\.");
        int major = Integer.parseInt(v[0]);
        return major > 7 || (major == 7 && Integer.parseInt(v[1]) > 0);
    }

    /** The COMMAND INFO entry up to, not including, its subcommands. */
    private static String ownInfo(CommandSpec c, int protocol) {
        io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.buffer();
        dev.cinnabar.protocol.ReplyWriter w = new dev.cinnabar.protocol.ReplyWriter(buf);
        w.protocol(protocol);
        CommandReplies.info(w, c);
        String s = buf.toString(java.nio.charset.StandardCharsets.ISO_8859_1).replace("\r\n", " ");
        int subs = c.subcommands().isEmpty() ? s.length() : s.indexOf(" *" + c.subcommands().size() + " *10 ");
        return s.substring(0, subs);
    }

    @Test
    void commandsWithoutKeySpecsHaveNoLegacyKeyRange() {
        for (CommandSpec c : CommandTable.load().all()) {
            if (c.keySpecs.isEmpty()) {
                assertEquals(List.of(0, 0, 0), List.of(c.firstKey, c.lastKey, c.keyStep), c.fullName);
            }
        }
    }

    /** Lookups in turn: repeats, case variants, near misses, prefixes and extensions of names. */
    @Test
    void lookupsInTurnFindEachCommandAndNoPrefixOrExtension() {
        CommandTable t = CommandTable.load();
        String[] names = {"get", "GET", "gEt", "ge", "gets", "getex", "set", "SET", "get", "", "lpush", "lpushx",
            "LPUSH", "nosuch", "getrange", "get"};
        for (int round = 0; round < 3; round++) {
            for (String name : names) {
                CommandSpec found = t.lookup(Argv.of(name), 0);
                CommandSpec expected = name.isEmpty() ? null : t.get(name);
                assertSame(expected, found, name);
                if (List.of("ge", "gets", "nosuch", "").contains(name)) {
                    assertEquals(null, found, name);
                }
            }
        }
    }

    @Test
    void lookupIsCaseInsensitiveAndFindsSubcommands() {
        CommandTable t = CommandTable.load();
        Argv a = Argv.of("CoMmAnD", "InFo", "nosuch");
        CommandSpec command = t.lookup(a, 0);
        assertSame(t.get("command"), command);
        assertSame(t.get("command|info"), command.subcommand(a, 1));
        assertSame(t.get("COMMAND|INFO"), command.subcommand(a, 1));
        assertEquals(null, command.subcommand(a, 2));
        assertEquals(null, t.get("get|x"));
        assertEquals(null, t.get("command|info|x"));
    }

    @Test
    void badMetadataFailsTheLoadWithItsPlace() {
        String base = "[{\"name\":\"x\",\"arity\":1,\"flags\":[],\"acl_categories\":[],\"first_key\":0,"
                + "\"last_key\":0,\"step\":0,\"tips\":[],\"key_specs\":%s,\"docs\":%s}]";
        String docs = "{\"summary\":\"s\",\"since\":\"1.0.0\",\"group\":\"generic\"}";
        CommandTable.fromJson(String.format(base, "[]", docs));
        String badGroup = docs.replace("generic", "strings");
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> CommandTable.fromJson(String.format(base, "[]", badGroup))).getMessage().contains("command x"));
        String badDocField = docs.replace("\"since\"", "\"sinse\"");
        assertThrows(IllegalArgumentException.class, () -> CommandTable.fromJson(String.format(base, "[]", badDocField)));
        String badSpec = "[{\"flags\":[\"RO\"],\"begin_search\":{\"type\":\"index\",\"spec\":{\"index\":1}},"
                + "\"find_keys\":{\"type\":\"ranges\",\"spec\":{}}}]";
        assertThrows(IllegalArgumentException.class, () -> CommandTable.fromJson(String.format(base, badSpec, docs)));
        String badFlag = "[{\"flags\":[\"RX\"],\"begin_search\":{\"type\":\"index\",\"spec\":{\"index\":1}},"
                + "\"find_keys\":{\"type\":\"range\",\"spec\":{\"lastkey\":0,\"keystep\":1,\"limit\":0}}}]";
        assertThrows(IllegalArgumentException.class, () -> CommandTable.fromJson(String.format(base, badFlag, docs)));
        String blockWithoutArgs = docs.replace("}", ",\"arguments\":[{\"name\":\"b\",\"type\":\"block\"}]}");
        assertThrows(IllegalArgumentException.class,
                () -> CommandTable.fromJson(String.format(base, "[]", blockWithoutArgs)));
    }

    private static void checkKeyArguments(CommandSpec c, List<DocArgument> args) {
        for (DocArgument a : args) {
            // SORT's BY/GET patterns name a key spec too, as Redis's docs give them.
            if (a.type.equals("key") || a.type.equals("pattern") && a.keySpecIndex >= 0) {
                assertTrue(a.keySpecIndex >= 0 && a.keySpecIndex < c.keySpecs.size(),
                        c.fullName + ": key argument " + a.name + " names no key spec");
            } else {
                assertEquals(-1, a.keySpecIndex, c.fullName + ": " + a.name + " is no key");
            }
            if (a.arguments != null) {
                checkKeyArguments(c, a.arguments);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void collectTodos(Object v, String where, List<String> out) {
        if (v instanceof String) {
            if (((String) v).contains("TODO")) {
                out.add(where + ": " + v);
            }
        } else if (v instanceof List) {
            List<Object> l = (List<Object>) v;
            for (int i = 0; i < l.size(); i++) {
                collectTodos(l.get(i), where + "[" + i + "]", out);
            }
        } else if (v instanceof Map) {
            Map<String, Object> m = (Map<String, Object>) v;
            Object name = m.get("name");
            for (Map.Entry<String, Object> e : m.entrySet()) {
                collectTodos(e.getValue(), where + (name == null ? "" : " " + name) + "." + e.getKey(), out);
            }
        }
    }

    private static List<String> groupFiles() throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(DIR.resolve("groups.txt"))) {
            if (!line.isBlank()) {
                out.add(line.trim());
            }
        }
        return out;
    }
}
