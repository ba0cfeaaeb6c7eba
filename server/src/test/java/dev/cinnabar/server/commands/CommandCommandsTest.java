package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.Glob;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * COMMAND and its subcommands through the real decoder and dispatcher. Expected bytes of facts
 * (COMMAND INFO, GETKEYS) are copied from redis-server 7.0.15; COMMAND DOCS carries our texts.
 */
class CommandCommandsTest {
    private final EngineHarness h = new EngineHarness();

    private static final String[] INFO_GET_SET_NOSUCH_2 = {
        "*3", "*10", "$3", "get", ":2", "*2", "+readonly", "+fast", ":1", ":1", ":1", "*3", "+@read", "+@string",
        "+@fast", "*0", "*1", "*6", "$5", "flags", "*2", "+RO", "+access", "$12", "begin_search", "*4", "$4",
        "type", "$5", "index", "$4", "spec", "*2", "$5", "index", ":1", "$9", "find_keys", "*4", "$4", "type", "$5",
        "range", "$4", "spec", "*6", "$7", "lastkey", ":0", "$7", "keystep", ":1", "$5", "limit", ":0", "*0",
        "*10", "$3", "set", ":-3", "*2", "+write", "+denyoom", ":1", ":1", ":1", "*3", "+@write", "+@string",
        "+@slow", "*0", "*1", "*8", "$5", "notes", "$48", "RW and ACCESS due to the optional `GET` argument", "$5",
        "flags", "*4", "+RW", "+access", "+update", "+variable_flags", "$12", "begin_search", "*4", "$4", "type",
        "$5", "index", "$4", "spec", "*2", "$5", "index", ":1", "$9", "find_keys", "*4", "$4", "type", "$5",
        "range", "$4", "spec", "*6", "$7", "lastkey", ":0", "$7", "keystep", ":1", "$5", "limit", ":0", "*0",
        "$-1",
    };

    private static final String[] INFO_GET_SET_NOSUCH_3 = {
        "*3", "*10", "$3", "get", ":2", "~2", "+readonly", "+fast", ":1", ":1", ":1", "~3", "+@read", "+@string",
        "+@fast", "~0", "~1", "%3", "$5", "flags", "~2", "+RO", "+access", "$12", "begin_search", "%2", "$4",
        "type", "$5", "index", "$4", "spec", "%1", "$5", "index", ":1", "$9", "find_keys", "%2", "$4", "type", "$5",
        "range", "$4", "spec", "%3", "$7", "lastkey", ":0", "$7", "keystep", ":1", "$5", "limit", ":0", "~0",
        "*10", "$3", "set", ":-3", "~2", "+write", "+denyoom", ":1", ":1", ":1", "~3", "+@write", "+@string",
        "+@slow", "~0", "~1", "%4", "$5", "notes", "$48", "RW and ACCESS due to the optional `GET` argument", "$5",
        "flags", "~4", "+RW", "+access", "+update", "+variable_flags", "$12", "begin_search", "%2", "$4", "type",
        "$5", "index", "$4", "spec", "%1", "$5", "index", ":1", "$9", "find_keys", "%2", "$4", "type", "$5",
        "range", "$4", "spec", "%3", "$7", "lastkey", ":0", "$7", "keystep", ":1", "$5", "limit", ":0", "~0",
        "_",
    };

    @Test
    void infoMatchesRedisInResp2() {
        assertEquals(resp(INFO_GET_SET_NOSUCH_2), h.call("COMMAND", "INFO", "get", "SET", "nosuch"));
    }

    @Test
    void infoMatchesRedisInResp3() {
        h.client.reply.protocol(3);
        assertEquals(resp(INFO_GET_SET_NOSUCH_3), h.call("command", "info", "GET", "set", "nosuch"));
    }

    @Test
    void infoOfASubcommandAndOfBadNames() {
        assertEquals(resp("*1", "*10", "$12", "command|info", ":-2", "*2", "+loading", "+stale", ":0", ":0", ":0",
                "*2", "+@slow", "+@connection", "*1", "$29", "nondeterministic_output_order", "*0", "*0"),
                h.call("COMMAND", "INFO", "COMMAND|INFO"));
        h.client.reply.protocol(3);
        assertEquals(resp("*1", "*10", "$12", "command|info", ":-2", "~2", "+loading", "+stale", ":0", ":0", ":0",
                "~2", "+@slow", "+@connection", "~1", "$29", "nondeterministic_output_order", "~0", "~0"),
                h.call("COMMAND", "INFO", "command|info"));
        assertEquals(resp("*5", "_", "_", "_", "_", "_"),
                h.call("COMMAND", "INFO", "get|x", "command|", "command|info|x", "", "|"));
    }

    @Test
    void containerInfoNestsItsSubcommands() {
        String reply = h.call("COMMAND", "INFO", "command");
        assertTrue(reply.startsWith(resp("*1", "*10", "$7", "command", ":-1")), reply);
        // Eight fields of its own then the subcommands: an array of 7 ten-element entries.
        assertTrue(reply.contains("\r\n*0\r\n*7\r\n*10\r\n$13\r\ncommand|count\r\n"), reply);
    }

    @Test
    void commandAloneIsInfoOfEverything() {
        String all = h.call("COMMAND");
        assertEquals(all, h.call("COMMAND", "INFO"));
        int count = h.server.commands().topLevel().size();
        assertEquals(":" + count + "\r\n", h.call("COMMAND", "COUNT"));
        assertTrue(all.startsWith("*" + count + "\r\n*10\r\n"), all);
    }

    @Test
    void docsInBothProtocols() {
        String summary = h.server.commands().get("command|count").docs().summary;
        String body2 = resp("*8", "$7", "summary", "$" + summary.length(), summary, "$5", "since", "$6", "2.8.13",
                "$5", "group", "$6", "server", "$10", "complexity", "$4", "O(1)");
        assertEquals("*2\r\n$13\r\ncommand|count\r\n" + body2, h.call("COMMAND", "DOCS", "nosuch", "Command|Count"));
        h.client.reply.protocol(3);
        String body3 = body2.replaceFirst("^\\*8", "%4");
        assertEquals("%1\r\n$13\r\ncommand|count\r\n" + body3, h.call("COMMAND", "DOCS", "command|count"));
        assertEquals("%0\r\n", h.call("COMMAND", "DOCS", "nosuch"));
    }

    @Test
    void docsOfArgumentsNestAndFlagSets() {
        String list = h.call("COMMAND", "DOCS", "command|list");
        assertTrue(list.contains(resp("$9", "arguments", "*1", "*10", "$4", "name", "$8", "filterby", "$4", "type",
                "$5", "oneof", "$5", "token", "$8", "FILTERBY", "$5", "flags", "*1", "+optional", "$9", "arguments",
                "*3", "*6", "$4", "name", "$11", "module-name", "$4", "type", "$6", "string", "$5", "token", "$6",
                "MODULE")), list);
        h.client.reply.protocol(3);
        String info = h.call("COMMAND", "DOCS", "command|info");
        assertTrue(info.contains(resp("$7", "history", "~1", "*2", "$5", "7.0.0")), info);
        assertTrue(info.contains(resp("%3", "$4", "name", "$12", "command-name", "$4", "type", "$6", "string",
                "$5", "flags", "~2", "+optional", "+multiple")), info);
    }

    @Test
    void docsOfAContainerMapsItsSubcommands() {
        h.client.reply.protocol(3);
        String docs = h.call("COMMAND", "DOCS", "command");
        // summary, since, group, complexity and subcommands: a container has no arguments.
        assertTrue(docs.startsWith("%1\r\n$7\r\ncommand\r\n%5\r\n"), docs);
        assertTrue(docs.contains("$11\r\nsubcommands\r\n%7\r\n$13\r\ncommand|count\r\n%4\r\n"), docs);
    }

    @Test
    void listWithAndWithoutFilters() {
        List<String> all = bulks(h.call("COMMAND", "LIST"));
        assertTrue(all.contains("command"));
        assertTrue(all.contains("command|getkeysandflags"));
        assertTrue(all.contains("get"));
        assertEquals(h.server.commands().all().size(), all.size());
        assertEquals(List.of("command|count", "command|docs", "command|getkeys", "command|getkeysandflags",
                "command|help", "command|info", "command|list"),
                sorted(bulks(h.call("COMMAND", "LIST", "FILTERBY", "PATTERN", "command|*"))));
        assertEquals(List.of("command"), bulks(h.call("COMMAND", "LIST", "filterby", "pattern", "COMMAND")));
        assertEquals(List.of("cluster|getkeysinslot", "command|getkeys", "command|getkeysandflags"),
                sorted(bulks(h.call("COMMAND", "LIST", "FILTERBY", "PATTERN", "*get[k]ey*"))));
        List<String> connection = bulks(h.call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "CONNECTION"));
        assertTrue(connection.contains("command") && connection.contains("command|list") && connection.contains("ping"));
        assertFalse(connection.contains("get"));
        assertEquals("*0\r\n", h.call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"));
        assertEquals("*0\r\n", h.call("COMMAND", "LIST", "FILTERBY", "MODULE", "x"));
    }

    @Test
    void listSyntaxErrors() {
        String syntax = "-ERR syntax error\r\n";
        assertEquals(syntax, h.call("COMMAND", "LIST", "FILTERBY"));
        assertEquals(syntax, h.call("COMMAND", "LIST", "FILTERBY", "aclcat"));
        assertEquals(syntax, h.call("COMMAND", "LIST", "FILTERBY", "x", "y"));
        assertEquals(syntax, h.call("COMMAND", "LIST", "foo"));
        assertEquals(syntax, h.call("COMMAND", "LIST", "FILTERBY", "pattern", "a", "FILTERBY", "pattern", "b"));
        assertEquals(syntax, h.call("COMMAND", "LIST", "FILTERBY", "pattern", "a", "extra"));
    }

    @Test
    void getkeysThroughTheDispatcher() {
        assertEquals(resp("*1", "$1", "k"), h.call("COMMAND", "GETKEYS", "GET", "k"));
        assertEquals(resp("*1", "*2", "$1", "k", "*3", "+RW", "+access", "+update"),
                h.call("COMMAND", "GETKEYSANDFLAGS", "set", "k", "v", "get"));
        h.client.reply.protocol(3);
        assertEquals(resp("*1", "*2", "$1", "k", "~3", "+RW", "+access", "+update"),
                h.call("COMMAND", "GETKEYSANDFLAGS", "set", "k", "v", "get"));
        assertEquals("-ERR wrong number of arguments for 'command|getkeys' command\r\n",
                h.call("COMMAND", "GETKEYS", "get"));
        assertEquals("-ERR Invalid number of arguments specified for command\r\n",
                h.call("COMMAND", "GETKEYS", "get", "a", "b"));
        assertEquals("-ERR Invalid command specified\r\n", h.call("COMMAND", "GETKEYS", "nosuch", "a"));
        assertEquals("-ERR Invalid command specified\r\n", h.call("COMMAND", "GETKEYS", "command", "nosuch"));
        assertEquals("-ERR The command has no key arguments\r\n", h.call("COMMAND", "GETKEYS", "ping", "x"));
        assertEquals("-ERR The command has no key arguments\r\n", h.call("COMMAND", "GETKEYS", "command", "info"));
    }

    @Test
    void helpAndArityAndUnknownSubcommands() {
        String help = h.call("COMMAND", "HELP");
        assertTrue(help.startsWith("*21\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"), help);
        assertTrue(help.endsWith("+HELP\r\n+    Prints this help.\r\n"), help);
        assertEquals("-ERR wrong number of arguments for 'command|count' command\r\n", h.call("COMMAND", "COUNT", "x"));
        assertEquals("-ERR wrong number of arguments for 'command|help' command\r\n", h.call("command", "help", "x"));
        assertEquals("-ERR unknown subcommand 'foo'. Try COMMAND HELP.\r\n", h.call("command", "foo"));
    }

    /** Each case checked with KEYS on redis-server 7.0.15, which matches keys the same way. */
    @Test
    void globMatchesAsRedisDoes() {
        String[][] yes = {
            {"*", "anything"}, {"get", "GET"}, {"g?t", "get"}, {"g[a-f]t", "get"}, {"g[f-a]t", "get"},
            {"g[^x]t", "get"}, {"g[ex]t", "get"}, {"g\\et", "get"}, {"**et", "get"}, {"g*", "g"},
            {"*|*", "config|get"}, {"g[\\e]t", "get"}, {"get\\", "get\\"}, {"[^", "g"}, {"ge[t", "get"}, {"g[e", "ge"}, {"a[b-", "ab"}, {"a[^", "ab"},
            {"G[E-E]T", "get"}, {"a*b*c", "abbbc"},
        };
        String[][] no = {
            {"g?t", "gt"}, {"g[^e]t", "get"}, {"get", "gets"}, {"gets", "get"}, {"g[a-d]t", "get"},
            {"g[", "ge"}, {"[", "["}, {"a\\", "a"}, {"a*b*c", "abbb"}, {"", "a"}, {"?", ""},
        };
        for (String[] c : yes) {
            assertTrue(Glob.matchesIgnoreCase(b(c[0]), b(c[1])), c[0] + " ~ " + c[1]);
        }
        for (String[] c : no) {
            assertFalse(Glob.matchesIgnoreCase(b(c[0]), b(c[1])), c[0] + " !~ " + c[1]);
        }
        assertTrue(Glob.matchesIgnoreCase(b(""), b("")));
        // Thousands of stars are cut short, not a stack overflow.
        assertFalse(Glob.matchesIgnoreCase(b("a" + "*".repeat(5000) + "b"), b("a".repeat(3000))));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String resp(String... lines) {
        return String.join("\r\n", lines) + "\r\n";
    }

    /** The bulk strings of a flat array reply. */
    private static List<String> bulks(String reply) {
        String[] parts = reply.split("\r\n");
        List<String> out = new ArrayList<>();
        for (int i = 1; i < parts.length; i += 2) {
            out.add(parts[i + 1]);
        }
        return out;
    }

    private static List<String> sorted(List<String> l) {
        List<String> s = new ArrayList<>(l);
        s.sort(null);
        return s;
    }
}
