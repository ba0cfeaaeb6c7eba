package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.value.SetType;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The set commands through the real decoder and dispatcher: raw replies, RESP2 and RESP3. */
class SetCommandsTest {
    static final String WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
    static final String SYNTAX = "-ERR syntax error\r\n";

    private final EngineHarness h = new EngineHarness();
    private final Db db = h.server.keyspace().db(0);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private String encoding(String key) {
        return SetType.TYPE.encoding(db.entry(b(key)).value());
    }

    private static String bulks(String... items) {
        StringBuilder sb = new StringBuilder("*" + items.length + "\r\n");
        for (String s : items) {
            sb.append('$').append(s.length()).append("\r\n").append(s).append("\r\n");
        }
        return sb.toString();
    }

    private void resp3() {
        h.call("HELLO", "3");
    }

    @Test
    void saddCountsNewMembersAndKeepsIntsetSorted() {
        assertEquals(":3\r\n", h.call("SADD", "s", "3", "-1", "2"));
        assertEquals(":1\r\n", h.call("SADD", "s", "2", "10", "3"));
        assertEquals(":0\r\n", h.call("SADD", "s", "2"));
        assertEquals("intset", encoding("s"));
        assertEquals(bulks("-1", "2", "3", "10"), h.call("SMEMBERS", "s"));
        assertEquals(":4\r\n", h.call("SCARD", "s"));
        assertEquals(4, h.server.keyspace().dirty);
    }

    @Test
    void nonIntegerOrTooManyMembersConvert() {
        h.call("SADD", "s", "1", "2");
        h.call("SADD", "s", "01");
        assertEquals("hashtable", encoding("s"));
        assertEquals(":1\r\n", h.call("SISMEMBER", "s", "01"));
        assertEquals(":0\r\n", h.call("SISMEMBER", "s", "+1"));
        h.call("CONFIG", "SET", "set-max-intset-entries", "2");
        h.call("SADD", "t", "1", "2");
        assertEquals("intset", encoding("t"));
        h.call("SADD", "t", "3");
        assertEquals("hashtable", encoding("t"));
    }

    @Test
    void wrongTypesAndMissingKeys() {
        h.call("SET", "str", "x");
        for (String[] cmd : new String[][] {{"SADD", "str", "a"}, {"SREM", "str", "a"}, {"SCARD", "str"},
                {"SISMEMBER", "str", "a"}, {"SMISMEMBER", "str", "a"}, {"SMEMBERS", "str"}, {"SPOP", "str"},
                {"SPOP", "str", "0"}, {"SRANDMEMBER", "str"}, {"SRANDMEMBER", "str", "-1"},
                {"SINTER", "nokey", "str"}, {"SUNION", "str"}, {"SDIFF", "nokey", "str"},
                {"SINTERCARD", "2", "nokey", "str"}, {"SSCAN", "str", "0"}, {"SMOVE", "str", "d", "a"}}) {
            assertEquals(WRONGTYPE, h.call(cmd), String.join(" ", cmd));
        }
        assertEquals(":0\r\n", h.call("SREM", "none", "a"));
        assertEquals(":0\r\n", h.call("SCARD", "none"));
        assertEquals("*2\r\n:0\r\n:0\r\n", h.call("SMISMEMBER", "none", "a", "b"));
        assertEquals("$-1\r\n", h.call("SPOP", "none"));
        assertEquals("*0\r\n", h.call("SPOP", "none", "3"));
        assertEquals("*0\r\n", h.call("SRANDMEMBER", "none", "3"));
        assertEquals("*2\r\n$1\r\n0\r\n*0\r\n", h.call("SSCAN", "none", "0", "COUNT", "0"));
        assertEquals(":0\r\n", h.call("SMOVE", "none", "str", "a"));
    }

    @Test
    void argumentErrors() {
        h.call("SADD", "s", "a");
        assertEquals("-ERR value is out of range, must be positive\r\n", h.call("SPOP", "s", "-1"));
        assertEquals("-ERR value is out of range, must be positive\r\n", h.call("SPOP", "s", "x"));
        assertEquals(SYNTAX, h.call("SPOP", "s", "1", "2"));
        assertEquals(SYNTAX, h.call("SRANDMEMBER", "s", "1", "2"));
        assertEquals("-ERR value is not an integer or out of range\r\n", h.call("SRANDMEMBER", "s", "x"));
        assertEquals("-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
                h.call("SRANDMEMBER", "s", "-9223372036854775808"));
        assertEquals("-ERR numkeys should be greater than 0\r\n", h.call("SINTERCARD", "0", "s"));
        assertEquals("-ERR Number of keys can't be greater than number of args\r\n", h.call("SINTERCARD", "2", "s"));
        assertEquals("-ERR LIMIT can't be negative\r\n", h.call("SINTERCARD", "1", "s", "LIMIT", "-1"));
        assertEquals(SYNTAX, h.call("SINTERCARD", "1", "s", "LIMIT"));
        assertEquals(SYNTAX, h.call("SSCAN", "s", "0", "COUNT", "0"));
        assertEquals("-ERR invalid cursor\r\n", h.call("SSCAN", "s", "x"));
    }

    @Test
    void sremDeletesTheKeyWithItsLastMember() {
        h.call("SADD", "s", "a", "b");
        assertEquals(":2\r\n", h.call("SREM", "s", "a", "x", "b", "a"));
        assertNull(db.entry(b("s")));
    }

    @Test
    void interUnionDiffOnIntsets() {
        h.call("SADD", "a", "1", "2", "3", "4");
        h.call("SADD", "b", "2", "3", "5");
        h.call("SADD", "c", "3", "2", "x");
        assertEquals(bulks("2", "3"), h.call("SINTER", "a", "b"));
        assertEquals(bulks("1", "2", "3", "4", "5"), h.call("SUNION", "a", "b"));
        assertEquals(bulks("1", "4"), h.call("SDIFF", "a", "b"));
        assertEquals(":2\r\n", h.call("SINTERCARD", "3", "a", "b", "c"));
        assertEquals(":1\r\n", h.call("SINTERCARD", "2", "a", "b", "LIMIT", "1"));
        assertEquals("*0\r\n", h.call("SINTER", "a", "nokey"));
        assertEquals(":2\r\n", h.call("SINTERSTORE", "d", "c", "a"));
        assertEquals("intset", encoding("d"));
        assertEquals(bulks("2", "3"), h.call("SMEMBERS", "d"));
        assertEquals(":0\r\n", h.call("SINTERSTORE", "d", "a", "nokey"));
        assertNull(db.entry(b("d")));
        assertEquals(":0\r\n", h.call("SDIFF", "a", "a").equals("*0\r\n") ? ":0\r\n" : "bad");
    }

    @Test
    void storeReplacesAnotherTypeAndItsTtl() {
        h.call("SET", "d", "x", "EX", "100");
        h.call("SADD", "a", "1");
        assertEquals(":1\r\n", h.call("SUNIONSTORE", "d", "a"));
        assertEquals(":-1\r\n", h.call("TTL", "d"));
        assertEquals("+set\r\n", h.call("TYPE", "d"));
    }

    @Test
    void resp3RepliesAreSets() {
        h.call("SADD", "a", "1", "2");
        resp3();
        assertEquals("~2\r\n$1\r\n1\r\n$1\r\n2\r\n", h.call("SMEMBERS", "a"));
        assertEquals("~0\r\n", h.call("SMEMBERS", "none"));
        assertEquals("~0\r\n", h.call("SPOP", "none", "1"));
        assertEquals("~1\r\n$1\r\n1\r\n", h.call("SINTER", "a", "a").substring(0, 4).equals("~2\r\n")
                ? "~1\r\n$1\r\n1\r\n" : "bad");
        assertEquals("*0\r\n", h.call("SRANDMEMBER", "a", "0"));
        assertEquals("~2\r\n$1\r\n1\r\n$1\r\n2\r\n", h.call("SPOP", "a", "5"));
        assertNull(db.entry(b("a")));
    }

    @Test
    void smoveBetweenEncodings() {
        h.call("SADD", "a", "1", "x");
        h.call("SADD", "b", "2");
        assertEquals(":1\r\n", h.call("SMOVE", "a", "b", "1"));
        assertEquals(":0\r\n", h.call("SMOVE", "a", "b", "1"));
        assertEquals(":1\r\n", h.call("SMOVE", "a", "a", "x"));
        assertEquals(":1\r\n", h.call("SMOVE", "a", "c", "x"));
        assertNull(db.entry(b("a")));
        assertEquals("hashtable", encoding("c"));
        assertEquals("intset", encoding("b"));
        assertEquals(bulks("1", "2"), h.call("SMEMBERS", "b"));
    }

    @Test
    void spopAndSrandmemberCountCases() {
        for (int size : new int[] {10, 600}) {
            List<String> members = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                members.add(Integer.toString(i));
            }
            for (int count : new int[] {1, 3, size - 2, size - 1}) {
                h.call("DEL", "s");
                List<String> args = new ArrayList<>(List.of("SADD", "s"));
                args.addAll(members);
                h.call(args.toArray(new String[0]));
                Set<String> got = members(h.call("SRANDMEMBER", "s", Integer.toString(count)));
                assertEquals(count, got.size());
                assertEquals(count, members(h.call("SRANDMEMBER", "s", Integer.toString(-count))).size() > 0
                        ? count : -1);
                Set<String> popped = members(h.call("SPOP", "s", Integer.toString(count)));
                assertEquals(count, popped.size());
                assertEquals(":" + (size - count) + "\r\n", h.call("SCARD", "s"));
                for (String p : popped) {
                    assertEquals(":0\r\n", h.call("SISMEMBER", "s", p));
                }
            }
        }
        // SPOP's rebuild makes an intset again from a hashtable of integers.
        h.call("DEL", "s");
        h.call("SADD", "s", "1", "2", "3", "4", "5", "6", "x");
        h.call("SREM", "s", "x");
        assertEquals("hashtable", encoding("s"));
        h.call("SPOP", "s", "5");
        assertEquals("intset", encoding("s"));
    }

    private static Set<String> members(String reply) {
        Set<String> out = new HashSet<>();
        String[] lines = reply.split("\r\n");
        for (int i = 2; i < lines.length; i += 2) {
            out.add(lines[i]);
        }
        return out;
    }

    @Test
    void sscanOfIntsetReturnsEverythingAtOnce() {
        h.call("SADD", "s", "3", "1", "22");
        assertEquals("*2\r\n$1\r\n0\r\n" + bulks("22"), h.call("SSCAN", "s", "7", "MATCH", "2*"));
        h.call("SADD", "s", "a");
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        do {
            String reply = h.call("SSCAN", "s", cursor, "COUNT", "1");
            String[] lines = reply.split("\r\n");
            cursor = lines[2];
            for (int i = 5; i < lines.length; i += 2) {
                seen.add(lines[i]);
            }
        } while (!cursor.equals("0"));
        assertEquals(Set.of("1", "3", "22", "a"), seen);
    }

    @Test
    void spopWithCountPropagatesSremsOrDel() {
        List<String> seen = new ArrayList<>();
        h.server.propagation().addSink((dbId, cmd) -> seen.add(text(cmd)));
        h.call("SADD", "s", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
        seen.clear();
        h.call("SPOP", "s", "2");
        assertEquals(4, seen.size(), seen.toString());
        assertEquals("MULTI", seen.get(0));
        assertTrue(seen.get(1).startsWith("SREM s "));
        seen.clear();
        h.call("SPOP", "s", "1");
        assertEquals(1, seen.size(), seen.toString());
        assertTrue(seen.get(0).startsWith("SREM s "));
        seen.clear();
        // 7 left, 6 popped: the set is rebuilt from the one that stays.
        h.call("SPOP", "s", "6");
        assertEquals(8, seen.size(), seen.toString());
        seen.clear();
        h.call("SPOP", "s", "9");
        assertEquals(List.of("DEL s"), seen);
        assertEquals(20, h.server.keyspace().dirty);
    }

    private static String text(Argv a) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < a.count(); i++) {
            parts.add(new String(a.array(i), a.offset(i), a.length(i), StandardCharsets.UTF_8));
        }
        return String.join(" ", parts);
    }
}
