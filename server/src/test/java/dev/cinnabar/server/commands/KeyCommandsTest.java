package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.value.StringType;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class KeyCommandsTest {
    private final EngineHarness h = new EngineHarness();
    private final Keyspace ks = h.server.keyspace();

    /** Stores a value encoded as SET will store it, without depending on SET's handler. */
    private void set(int db, String key, String value) {
        ks.db(db).setKey(key.getBytes(StandardCharsets.UTF_8),
                StringType.fromBytes(value.getBytes(StandardCharsets.UTF_8)), false);
    }

    private void set(String key, String value) {
        set(0, key, value);
    }

    private void advance(long ms) {
        h.clock.advance(ms);
    }

    // ------------------------------------------------------------------ DEL, EXISTS, TYPE, TOUCH

    @Test
    void delAndUnlinkCountEachKeyOnce() {
        set("a", "1");
        set("b", "2");
        set("c", "3");
        long dirty = ks.dirty;
        assertEquals(":2\r\n", h.call("DEL", "a", "a", "b", "nokey"));
        assertEquals(dirty + 2, ks.dirty);
        assertEquals(":0\r\n", h.call("DEL", "a"));
        assertEquals(":1\r\n", h.call("unlink", "c", "c"));
        assertEquals(":0\r\n", h.call("DBSIZE"));
        assertEquals("-ERR wrong number of arguments for 'del' command\r\n", h.call("DEL"));
    }

    @Test
    void delOfAnExpiredKeyCountsNothing() {
        set("k", "v");
        h.call("PEXPIRE", "k", "10");
        advance(11);
        assertEquals(":0\r\n", h.call("DEL", "k"));
        assertEquals(1, ks.expiredKeys);
    }

    @Test
    void existsCountsEveryMentionAndLeavesTheIdleTime() {
        set("k", "v");
        advance(3000);
        assertEquals(":3\r\n", h.call("EXISTS", "k", "k", "nokey", "k"));
        assertEquals(":3\r\n", h.call("OBJECT", "IDLETIME", "k"));
        assertEquals(":0\r\n", h.call("EXISTS", "nokey"));
    }

    @Test
    void typeNamesTheValueOrNone() {
        set("k", "v");
        set("n", "12");
        assertEquals("+string\r\n", h.call("TYPE", "k"));
        assertEquals("+string\r\n", h.call("TYPE", "n"));
        assertEquals("+none\r\n", h.call("TYPE", "nokey"));
    }

    @Test
    void touchCountsExistingKeysAndResetsTheirIdleTime() {
        set("k", "v");
        advance(5000);
        assertEquals(":5\r\n", h.call("OBJECT", "IDLETIME", "k"));
        assertEquals(":2\r\n", h.call("TOUCH", "k", "nokey", "k"));
        assertEquals(":0\r\n", h.call("OBJECT", "IDLETIME", "k"));
    }

    // ------------------------------------------------------------------ RENAME, MOVE, COPY

    @Test
    void renameMovesValueAndTtlAndReplacesTheTarget() {
        set("src", "hello");
        set("dst", "old");
        h.call("PEXPIRE", "dst", "999999");
        h.call("PEXPIRE", "src", "50000");
        assertEquals("+OK\r\n", h.call("RENAME", "src", "dst"));
        assertEquals(":0\r\n", h.call("EXISTS", "src"));
        assertEquals("$5\r\nhello\r\n", h.call("GET", "dst"));
        assertEquals(":50000\r\n", h.call("PTTL", "dst"));
        set("plain", "x");
        assertEquals("+OK\r\n", h.call("RENAME", "dst", "plain"));
        assertEquals(":50000\r\n", h.call("PTTL", "plain"));
        set("nottl", "y");
        h.call("EXPIRE", "other", "10");
        set("other", "z");
        h.call("EXPIRE", "other", "100");
        assertEquals("+OK\r\n", h.call("RENAME", "nottl", "other"));
        assertEquals(":-1\r\n", h.call("TTL", "other"), "the target's old TTL goes with its value");
    }

    @Test
    void renameKeepsTheEncodingAndTouchesTheValue() {
        set("n", "12345");
        advance(4000);
        h.call("RENAME", "n", "m");
        assertEquals("$3\r\nint\r\n", h.call("OBJECT", "ENCODING", "m"));
        assertEquals(":0\r\n", h.call("OBJECT", "IDLETIME", "m"));
    }

    @Test
    void renameEdgeCases() {
        assertEquals("-ERR no such key\r\n", h.call("RENAME", "nokey", "x"));
        assertEquals("-ERR no such key\r\n", h.call("RENAME", "nokey", "nokey"));
        assertEquals("-ERR no such key\r\n", h.call("RENAMENX", "nokey", "x"));
        set("a", "1");
        assertEquals("+OK\r\n", h.call("RENAME", "a", "a"));
        assertEquals(":0\r\n", h.call("RENAMENX", "a", "a"));
        set("b", "2");
        assertEquals(":0\r\n", h.call("RENAMENX", "a", "b"));
        assertEquals(":1\r\n", h.call("EXISTS", "a"));
        assertEquals(":1\r\n", h.call("RENAMENX", "a", "c"));
        assertEquals(":0\r\n", h.call("EXISTS", "a"));
        h.call("PEXPIRE", "c", "10");
        advance(11);
        assertEquals("-ERR no such key\r\n", h.call("RENAME", "c", "d"));
    }

    @Test
    void renameNxOntoAnExpiredKeySucceeds() {
        set("a", "1");
        set("b", "2");
        h.call("PEXPIRE", "b", "10");
        advance(11);
        assertEquals(":1\r\n", h.call("RENAMENX", "a", "b"));
        assertEquals(":-1\r\n", h.call("TTL", "b"));
    }

    @Test
    void moveCarriesTheTtlAndRefusesExistingTargets() {
        set("k", "v");
        h.call("PEXPIRE", "k", "70000");
        assertEquals(":1\r\n", h.call("MOVE", "k", "3"));
        assertEquals(":0\r\n", h.call("EXISTS", "k"));
        h.call("SELECT", "3");
        assertEquals(":70000\r\n", h.call("PTTL", "k"));
        set(0, "k", "back");
        assertEquals(":0\r\n", h.call("MOVE", "k", "0"));
        assertEquals(":0\r\n", h.call("MOVE", "nokey", "0"));
        assertEquals(":1\r\n", h.call("DBSIZE"));
    }

    @Test
    void moveErrors() {
        set("k", "v");
        assertEquals("-ERR source and destination objects are the same\r\n", h.call("MOVE", "k", "0"));
        assertEquals("-ERR source and destination objects are the same\r\n", h.call("MOVE", "nokey", "0"));
        assertEquals("-ERR DB index is out of range\r\n", h.call("MOVE", "k", "16"));
        assertEquals("-ERR DB index is out of range\r\n", h.call("MOVE", "k", "-1"));
        assertEquals("-ERR value is not an integer or out of range\r\n", h.call("MOVE", "k", "x"));
        assertEquals("-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
                h.call("MOVE", "k", "4294967296"));
    }

    @Test
    void copyDuplicatesValueAndTtl() {
        set("s", "a string value");
        h.call("PEXPIRE", "s", "80000");
        assertEquals(":1\r\n", h.call("COPY", "s", "d"));
        assertEquals("$14\r\na string value\r\n", h.call("GET", "d"));
        assertEquals(":80000\r\n", h.call("PTTL", "d"));
        Db db = ks.db(0);
        Object a = db.entry("s".getBytes()).value();
        Object b = db.entry("d".getBytes()).value();
        assertNotEquals(System.identityHashCode(a), System.identityHashCode(b));
        assertTrue(a != b, "the copy is a separate value");
        assertEquals(":0\r\n", h.call("COPY", "s", "d"));
        set("p", "plain");
        assertEquals(":1\r\n", h.call("COPY", "p", "d", "REPLACE"));
        assertEquals(":-1\r\n", h.call("TTL", "d"));
    }

    @Test
    void copyOfASharedIntegerIsNotShared() {
        set("n", "42");
        assertEquals(":2147483647\r\n", h.call("OBJECT", "REFCOUNT", "n"));
        h.call("COPY", "n", "m");
        assertEquals(":1\r\n", h.call("OBJECT", "REFCOUNT", "m"));
        assertEquals("$3\r\nint\r\n", h.call("OBJECT", "ENCODING", "m"));
        set("big", "x".repeat(50));
        h.call("COPY", "big", "big2");
        assertEquals("$3\r\nraw\r\n", h.call("OBJECT", "ENCODING", "big2"));
    }

    @Test
    void copyStartsTheCopyWithFreshAccessDataAndTouchesTheSource() {
        set("s", "v");
        set("t", "w");
        advance(6000);
        h.call("COPY", "t", "u");
        assertEquals(":0\r\n", h.call("OBJECT", "IDLETIME", "u"));
        assertEquals(":0\r\n", h.call("OBJECT", "IDLETIME", "t"));
        assertEquals(":6\r\n", h.call("OBJECT", "IDLETIME", "s"));
    }

    @Test
    void copyToAnotherDatabase() {
        set("s", "v");
        assertEquals(":1\r\n", h.call("COPY", "s", "s", "DB", "1"));
        assertEquals(":0\r\n", h.call("COPY", "s", "s", "DB", "1"));
        assertEquals(":1\r\n", h.call("COPY", "s", "s", "db", "1", "replace"));
        assertEquals(":1\r\n", h.call("COPY", "s", "x", "DB", "1", "DB", "2"));
        h.call("SELECT", "2");
        assertEquals(":1\r\n", h.call("EXISTS", "x"));
        h.call("SELECT", "1");
        assertEquals(":0\r\n", h.call("EXISTS", "x"));
        assertEquals(":1\r\n", h.call("EXISTS", "s"));
    }

    @Test
    void copyErrors() {
        set("s", "v");
        assertEquals("-ERR source and destination objects are the same\r\n", h.call("COPY", "s", "s"));
        assertEquals("-ERR source and destination objects are the same\r\n", h.call("COPY", "s", "s", "DB", "0"));
        assertEquals("-ERR source and destination objects are the same\r\n", h.call("COPY", "nokey", "nokey"));
        assertEquals(":0\r\n", h.call("COPY", "nokey", "x"));
        assertEquals("-ERR syntax error\r\n", h.call("COPY", "s", "t", "DB"));
        assertEquals("-ERR syntax error\r\n", h.call("COPY", "s", "t", "foo"));
        assertEquals("-ERR syntax error\r\n", h.call("COPY", "s", "t", "REPLACE", "x"));
        assertEquals("-ERR DB index is out of range\r\n", h.call("COPY", "s", "t", "DB", "16"));
        assertEquals("-ERR value is not an integer or out of range\r\n", h.call("COPY", "s", "t", "DB", "x", "foo"));
        assertEquals("-ERR syntax error\r\n", h.call("COPY", "s", "t", "foo", "DB", "x"));
        assertEquals(":0\r\n", h.call("EXISTS", "t"));
    }

    // ------------------------------------------------------------------ KEYS, SCAN, RANDOMKEY

    @Test
    void keysMatchesGlobsAndHidesExpiredKeysWithoutDeletingThem() {
        for (String k : new String[] {"hello", "hallo", "hxllo", "hllo", "foo", ""}) {
            set(k, "1");
        }
        assertEquals(new TreeSet<>(List.of("hello", "hallo", "hxllo")), new TreeSet<>(bulks(h.call("KEYS", "h?llo"))));
        assertEquals(new TreeSet<>(List.of("hello", "hallo")), new TreeSet<>(bulks(h.call("KEYS", "h[ae]llo"))));
        assertEquals(6, bulks(h.call("KEYS", "*")).size(), "* lists the empty key too");
        assertEquals(5, bulks(h.call("KEYS", "**")).size(), "** does not match the empty key");
        assertEquals("*0\r\n", h.call("KEYS", "nomatch*"));
        h.call("PEXPIRE", "foo", "10");
        advance(11);
        assertFalse(bulks(h.call("KEYS", "*")).contains("foo"));
        assertEquals(":6\r\n", h.call("DBSIZE"));
        assertEquals(0, ks.expiredKeys);
    }

    @Test
    void scanRepliesWithABulkCursor() {
        assertEquals("*2\r\n$1\r\n0\r\n*0\r\n", h.call("SCAN", "0"));
        set("k", "v");
        assertEquals("*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n", h.call("SCAN", "0"));
    }

    @Test
    void scanCursorIsReadLikeStrtoul() {
        set("k", "v");
        String whole = "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n";
        assertEquals(whole, h.call("SCAN", ""));
        assertEquals(whole, h.call("SCAN", "+0"));
        assertEquals(whole, h.call("SCAN", "-0"));
        assertEquals("*2\r\n$1\r\n0\r\n", h.call("SCAN", "-1").substring(0, 11));
        assertEquals("*2\r\n$1\r\n0\r\n", h.call("SCAN", "18446744073709551615").substring(0, 11));
        assertEquals(whole, h.call("SCAN", "0\u0000junk"));
        for (String bad : new String[] {" 0", "0 ", "x", "0x0", "1.5", "+", "-", "18446744073709551616",
                "-18446744073709551616", "99999999999999999999999"}) {
            assertEquals("-ERR invalid cursor\r\n", h.call("SCAN", bad), bad);
        }
        assertEquals("-ERR invalid cursor\r\n", h.call("SCAN", "x", "COUNT", "0"), "the cursor is checked first");
    }

    @Test
    void scanOptionErrors() {
        assertEquals("-ERR syntax error\r\n", h.call("SCAN", "0", "COUNT", "0"));
        assertEquals("-ERR syntax error\r\n", h.call("SCAN", "0", "COUNT", "-5"));
        assertEquals("-ERR value is not an integer or out of range\r\n", h.call("SCAN", "0", "COUNT", "x"));
        assertEquals("-ERR syntax error\r\n", h.call("SCAN", "0", "COUNT"));
        assertEquals("-ERR syntax error\r\n", h.call("SCAN", "0", "MATCH"));
        assertEquals("-ERR syntax error\r\n", h.call("SCAN", "0", "TYPE"));
        assertEquals("-ERR syntax error\r\n", h.call("SCAN", "0", "FOO", "bar"));
    }

    @Test
    void scanFiltersByPatternAndType() {
        for (int i = 0; i < 100; i++) {
            set("user:" + i, "v");
            set("item:" + i, "v");
        }
        Set<String> users = scanAll("MATCH", "user:*", "COUNT", "7");
        assertEquals(100, users.size());
        assertTrue(users.stream().allMatch(k -> k.startsWith("user:")));
        assertEquals(200, scanAll("TYPE", "string").size());
        assertEquals(200, scanAll("TYPE", "STRING").size());
        assertEquals(0, scanAll("TYPE", "list").size());
        assertEquals(0, scanAll("TYPE", "nosuchtype").size());
        assertEquals(0, scanAll("TYPE", "none").size());
        assertEquals(20, scanAll("MATCH", "user:?0", "MATCH", "*1?", "TYPE", "string").size(),
                "the last MATCH wins: 10 to 19 of both kinds");
    }

    @Test
    void scanCountIsAHintForHowMuchWorkACallDoes() {
        for (int i = 0; i < 1000; i++) {
            set("k" + i, "v");
        }
        List<String> reply = parts(h.call("SCAN", "0", "COUNT", "5"));
        int n = bulks(reply.get(1)).size();
        assertTrue(n >= 5 && n < 30, "about 5 keys per call, got " + n);
        reply = parts(h.call("SCAN", "0", "COUNT", "100000"));
        assertEquals("0", cursorOf(reply));
        assertEquals(1000, bulks(reply.get(1)).size());
    }

    @Test
    void scanReturnsEveryKeyPresentThroughoutWhileTheKeyspaceGrows() {
        for (int i = 0; i < 1000; i++) {
            set("old" + i, "v");
        }
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        int added = 0;
        do {
            List<String> reply = parts(h.call("SCAN", cursor, "COUNT", "10"));
            cursor = cursorOf(reply);
            seen.addAll(bulks(reply.get(1)));
            // Grow by more than a call returns, so the table resizes several times mid-scan.
            for (int j = 0; j < 40; j++) {
                set("new" + added++, "v");
            }
        } while (!cursor.equals("0"));
        for (int i = 0; i < 1000; i++) {
            assertTrue(seen.contains("old" + i), "old" + i + " missed");
        }
        assertTrue(added > 1000, "the keyspace grew while scanning");
    }

    @Test
    void scanDeletesExpiredKeysItMeets() {
        set("live", "v");
        set("dead", "v");
        h.call("PEXPIRE", "dead", "10");
        advance(11);
        assertEquals(List.of("live"), new ArrayList<>(scanAll()));
        assertEquals(1, ks.expiredKeys);
        assertEquals(":1\r\n", h.call("DBSIZE"));
    }

    @Test
    void scanTypeNoneLetsAKeyThatJustExpiredThrough() {
        // Redis looks the key up for its type, which expires it: the type is then "none".
        set("dead", "v");
        h.call("PEXPIRE", "dead", "10");
        advance(11);
        assertEquals("*2\r\n$1\r\n0\r\n*1\r\n$4\r\ndead\r\n", h.call("SCAN", "0", "TYPE", "none"));
        assertEquals(":0\r\n", h.call("DBSIZE"));
    }

    @Test
    void scanWithTypeCountsKeyspaceHits() {
        set("a", "v");
        long hits = ks.hits;
        h.call("SCAN", "0", "TYPE", "string");
        assertEquals(hits + 1, ks.hits);
    }

    @Test
    void randomKey() {
        assertEquals("$-1\r\n", h.call("RANDOMKEY"));
        set("only", "v");
        assertEquals("$4\r\nonly\r\n", h.call("RANDOMKEY"));
        for (int i = 0; i < 50; i++) {
            set("k" + i, "v");
            h.call("PEXPIRE", "k" + i, "10");
        }
        advance(11);
        for (int i = 0; i < 20; i++) {
            assertEquals("$4\r\nonly\r\n", h.call("RANDOMKEY"));
        }
        h.call("DEL", "only");
        assertEquals("$-1\r\n", h.call("RANDOMKEY"));
        assertEquals(":0\r\n", h.call("DBSIZE"));
    }

    // ------------------------------------------------------------------ OBJECT

    @Test
    void objectEncodingAndRefcount() {
        set("i", "123");
        set("e", "hello");
        set("r", "x".repeat(45));
        set("neg", "-5");
        set("edge", "9999");
        set("over", "10000");
        assertEquals("$3\r\nint\r\n", h.call("OBJECT", "ENCODING", "i"));
        assertEquals("$6\r\nembstr\r\n", h.call("OBJECT", "ENCODING", "e"));
        assertEquals("$3\r\nraw\r\n", h.call("object", "encoding", "r"));
        assertEquals("$-1\r\n", h.call("OBJECT", "ENCODING", "nokey"));
        assertEquals(":2147483647\r\n", h.call("OBJECT", "REFCOUNT", "i"));
        assertEquals(":2147483647\r\n", h.call("OBJECT", "REFCOUNT", "edge"));
        assertEquals(":1\r\n", h.call("OBJECT", "REFCOUNT", "over"));
        assertEquals(":1\r\n", h.call("OBJECT", "REFCOUNT", "neg"));
        assertEquals(":1\r\n", h.call("OBJECT", "REFCOUNT", "e"));
        assertEquals("$-1\r\n", h.call("OBJECT", "REFCOUNT", "nokey"));
    }

    @Test
    void objectIdletimeFollowsTheClockAndLfuHasItsOwnErrors() {
        set("k", "v");
        advance(12_500);
        assertEquals(":12\r\n", h.call("OBJECT", "IDLETIME", "k"));
        assertEquals("$-1\r\n", h.call("OBJECT", "IDLETIME", "nokey"));
        assertEquals("-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note"
                + " that when switching between policies at runtime LRU and LFU data will take some time to"
                + " adjust.\r\n", h.call("OBJECT", "FREQ", "k"));
        assertEquals("$-1\r\n", h.call("OBJECT", "FREQ", "nokey"));
    }

    @Test
    void objectFreqUnderAnLfuPolicy() {
        ServerConfig config = new ServerConfig();
        config.maxMemoryPolicy = "allkeys-lfu";
        EngineHarness lfu = new EngineHarness(config);
        Db db = lfu.server.keyspace().db(0);
        db.setKey("k".getBytes(), StringType.fromBytes("v".getBytes()), false);
        assertEquals(":5\r\n", lfu.call("OBJECT", "FREQ", "k"));
        lfu.call("GET", "k");
        assertEquals(":6\r\n", lfu.call("OBJECT", "FREQ", "k"), "the first access from 5 always counts");
        lfu.clock.advance(3 * 60_000);
        assertEquals(":3\r\n", lfu.call("OBJECT", "FREQ", "k"), "one less per idle minute");
        assertEquals("-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when"
                + " switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n",
                lfu.call("OBJECT", "IDLETIME", "k"));
        assertEquals("$-1\r\n", lfu.call("OBJECT", "IDLETIME", "nokey"));
    }

    @Test
    void objectHelpAndArity() {
        String help = h.call("OBJECT", "HELP");
        assertTrue(help.startsWith("*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"));
        assertTrue(help.endsWith("+HELP\r\n+    Prints this help.\r\n"));
        assertEquals("-ERR wrong number of arguments for 'object|help' command\r\n", h.call("OBJECT", "HELP", "x"));
        assertEquals("-ERR wrong number of arguments for 'object|encoding' command\r\n", h.call("OBJECT", "ENCODING"));
        assertEquals("-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n", h.call("OBJECT", "foo"));
    }

    // ------------------------------------------------------------------ reply parsing

    private Set<String> scanAll(String... options) {
        Set<String> seen = new TreeSet<>();
        String cursor = "0";
        do {
            String[] args = new String[options.length + 2];
            args[0] = "SCAN";
            args[1] = cursor;
            System.arraycopy(options, 0, args, 2, options.length);
            List<String> reply = parts(h.call(args));
            cursor = cursorOf(reply);
            seen.addAll(bulks(reply.get(1)));
        } while (!cursor.equals("0"));
        return seen;
    }

    private static String cursorOf(List<String> scanReply) {
        String c = scanReply.get(0);
        return c.substring(c.indexOf("\r\n") + 2, c.length() - 2);
    }

    /** The raw elements of a top-level array reply. */
    private static List<String> parts(String reply) {
        List<String> out = new ArrayList<>();
        int[] pos = {reply.indexOf("\r\n") + 2};
        int n = Integer.parseInt(reply.substring(1, reply.indexOf("\r\n")));
        for (int i = 0; i < n; i++) {
            int start = pos[0];
            skip(reply, pos);
            out.add(reply.substring(start, pos[0]));
        }
        return out;
    }

    private static void skip(String r, int[] pos) {
        int eol = r.indexOf("\r\n", pos[0]);
        char t = r.charAt(pos[0]);
        int n = Integer.parseInt(r.substring(pos[0] + 1, eol));
        pos[0] = eol + 2;
        if (t == '$' && n >= 0) {
            pos[0] += n + 2;
        } else if (t == '*') {
            for (int i = 0; i < n; i++) {
                skip(r, pos);
            }
        }
    }

    /** The strings of an array of bulk strings. */
    private static List<String> bulks(String reply) {
        List<String> out = new ArrayList<>();
        for (String p : parts(reply)) {
            out.add(p.substring(p.indexOf("\r\n") + 2, p.length() - 2));
        }
        return out;
    }
}
