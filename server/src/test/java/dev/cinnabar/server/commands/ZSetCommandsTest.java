package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.value.ZSetType;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sorted-set commands through the real decoder and dispatcher: raw replies, RESP2 and RESP3. */
class ZSetCommandsTest {
    static final String WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
    static final String SYNTAX = "-ERR syntax error\r\n";

    private final EngineHarness h = new EngineHarness();
    private final Db db = h.server.keyspace().db(0);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private String encoding(String key) {
        return ZSetType.TYPE.encoding(db.entry(b(key)).value());
    }

    private static String bulks(String... items) {
        StringBuilder sb = new StringBuilder("*" + items.length + "\r\n");
        for (String s : items) {
            sb.append('$').append(s.length()).append("\r\n").append(s).append("\r\n");
        }
        return sb.toString();
    }

    private List<String> record() {
        List<String> out = new ArrayList<>();
        h.server.propagation().addSink((db, cmd) -> {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cmd.count(); i++) {
                sb.append(i == 0 ? "" : " ").append(cmd.latin1(i));
            }
            out.add(sb.toString());
        });
        return out;
    }

    @Test
    void zaddCountsAddedOrChangedAndScoresPrintAsPercent17g() {
        assertEquals(":3\r\n", h.call("ZADD", "z", "1", "a", "0.1", "b", "1e20", "c"));
        assertEquals(":0\r\n", h.call("ZADD", "z", "2", "a"));
        assertEquals(":1\r\n", h.call("ZADD", "z", "CH", "3", "a"));
        assertEquals(bulks("b", "0.10000000000000001", "a", "3", "c", "1e+20"), h.call("ZRANGE", "z", "0", "-1", "WITHSCORES"));
        assertEquals("$3\r\ninf\r\n", h.call("ZINCRBY", "z", "inf", "a"));
        assertEquals("-ERR resulting score is not a number (NaN)\r\n", h.call("ZINCRBY", "z", "-inf", "a"));
        assertEquals("-ERR value is not a valid float\r\n", h.call("ZADD", "z", "nan", "a"));
        assertEquals("-ERR XX and NX options at the same time are not compatible\r\n", h.call("ZADD", "z", "NX", "XX", "1", "a"));
        assertEquals("-ERR GT, LT, and/or NX options at the same time are not compatible\r\n",
                h.call("ZADD", "z", "GT", "LT", "1", "a"));
        assertEquals("-ERR INCR option supports a single increment-element pair\r\n",
                h.call("ZADD", "z", "INCR", "1", "a", "2", "b"));
        assertEquals(SYNTAX, h.call("ZADD", "z", "1", "a", "2"));
        assertEquals("$-1\r\n", h.call("ZADD", "z", "INCR", "NX", "1", "a"));
        assertEquals(":0\r\n", h.call("ZADD", "none", "XX", "1", "a"));
        assertNull(db.entry(b("none")));
        h.call("SET", "s", "x");
        assertEquals(WRONGTYPE, h.call("ZADD", "s", "1", "a"));
        // Argument errors come before the type check.
        assertEquals("-ERR value is not a valid float\r\n", h.call("ZADD", "s", "x", "a"));
    }

    @Test
    void resp3RepliesDoublesAndNestedPairs() {
        h.call("ZADD", "z", "1", "a", "2.5", "b");
        h.call("HELLO", "3");
        assertEquals(",2.5\r\n", h.call("ZSCORE", "z", "b"));
        assertEquals("_\r\n", h.call("ZSCORE", "z", "x"));
        assertEquals("*2\r\n,1\r\n_\r\n", h.call("ZMSCORE", "z", "a", "x"));
        assertEquals("*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n", h.call("ZRANGE", "z", "0", "-1", "WITHSCORES"));
        assertEquals("*1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n", h.call("ZRANGEBYSCORE", "z", "(1", "+inf", "WITHSCORES"));
        assertEquals(",3.5\r\n", h.call("ZINCRBY", "z", "1", "b"));
        assertEquals(",inf\r\n", h.call("ZADD", "z", "INCR", "+inf", "c"));
        assertEquals("*2\r\n*2\r\n$1\r\nc\r\n,inf\r\n*2\r\n$1\r\nb\r\n,3.5\r\n",
                h.call("ZREVRANGE", "z", "0", "1", "WITHSCORES"));
    }

    @Test
    void rangesByRankScoreAndLex() {
        h.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d");
        assertEquals(bulks("c", "d"), h.call("ZRANGE", "z", "-2", "-1"));
        assertEquals(bulks("d", "c"), h.call("ZRANGE", "z", "0", "1", "REV"));
        assertEquals("*0\r\n", h.call("ZRANGE", "z", "3", "1"));
        assertEquals(bulks("b", "c"), h.call("ZRANGE", "z", "(1", "3", "BYSCORE"));
        assertEquals(bulks("c", "b"), h.call("ZRANGE", "z", "3", "(1", "BYSCORE", "REV"));
        assertEquals(bulks("b"), h.call("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "1"));
        assertEquals("*0\r\n", h.call("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "1"));
        assertEquals("-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n",
                h.call("ZRANGE", "z", "0", "1", "LIMIT", "0", "1"));
        assertEquals(bulks("a", "b", "c", "d"), h.call("ZRANGE", "z", "0", "-1", "LIMIT", "0", "-1"));
        assertEquals("-ERR min or max is not a float\r\n", h.call("ZRANGEBYSCORE", "z", "x", "1"));
        assertEquals(":2\r\n", h.call("ZCOUNT", "z", "(1", "3"));
        h.call("ZADD", "l", "0", "a", "0", "b", "0", "c");
        assertEquals(bulks("b", "c"), h.call("ZRANGE", "l", "(a", "+", "BYLEX"));
        assertEquals(bulks("b", "a"), h.call("ZREVRANGEBYLEX", "l", "[b", "-"));
        assertEquals("-ERR min or max not valid string range item\r\n", h.call("ZRANGEBYLEX", "l", "a", "+"));
        assertEquals("-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n",
                h.call("ZRANGEBYLEX", "l", "-", "+", "WITHSCORES"));
        assertEquals(":3\r\n", h.call("ZLEXCOUNT", "l", "-", "+"));
        assertEquals(":0\r\n", h.call("ZRANK", "z", "a"));
        assertEquals(":3\r\n", h.call("ZREVRANK", "z", "a"));
        assertEquals("$-1\r\n", h.call("ZRANK", "z", "x"));
    }

    @Test
    void encodingConvertsAtTheThresholds() {
        h.config.zsetMaxListpackEntries = 2;
        h.config.zsetMaxListpackValue = 3;
        h.call("ZADD", "z", "1", "a", "2", "b");
        assertEquals("listpack", encoding("z"));
        h.call("ZADD", "z", "3", "c");
        assertEquals("skiplist", encoding("z"));
        h.call("ZADD", "v", "1", "abcd");
        assertEquals("skiplist", encoding("v"));
        h.call("ZADD", "w", "1", "abc");
        assertEquals("listpack", encoding("w"));
        assertEquals(":2\r\n", h.call("ZRANGESTORE", "d", "z", "0", "1"));
        assertEquals("listpack", encoding("d"));
        assertEquals(":3\r\n", h.call("ZRANGESTORE", "d", "z", "0", "-1"));
        assertEquals("skiplist", encoding("d"));
        assertEquals(":0\r\n", h.call("ZRANGESTORE", "d", "z", "5", "6"));
        assertNull(db.entry(b("d")));
    }

    @Test
    void removalDeletesTheEmptyKeyAndCountsChanges() {
        h.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d");
        long dirty = h.server.keyspace().dirty;
        assertEquals(":1\r\n", h.call("ZREM", "z", "a", "x"));
        assertEquals(":1\r\n", h.call("ZREMRANGEBYRANK", "z", "0", "0"));
        assertEquals(":1\r\n", h.call("ZREMRANGEBYSCORE", "z", "(3", "+inf"));
        assertEquals(":1\r\n", h.call("ZREMRANGEBYLEX", "z", "-", "+"));
        assertNull(db.entry(b("z")));
        assertEquals(dirty + 4, h.server.keyspace().dirty);
        assertEquals(":0\r\n", h.call("ZREM", "z", "a"));
    }

    @Test
    void writesPropagateAsTheyCameAndNoopsNotAtAll() {
        List<String> out = record();
        h.call("ZADD", "z", "1", "a");
        h.call("ZADD", "z", "1", "a");
        h.call("ZADD", "z", "NX", "2", "a");
        h.call("ZINCRBY", "z", "2", "a");
        h.call("ZADD", "z", "INCR", "1", "a");
        h.call("ZREM", "z", "x");
        h.call("ZRANGESTORE", "d", "z", "0", "-1");
        h.call("ZREMRANGEBYSCORE", "z", "10", "20");
        h.call("ZREMRANGEBYSCORE", "z", "-inf", "+inf");
        out.removeIf(cmd -> cmd.startsWith("SELECT"));
        assertEquals(List.of("ZADD z 1 a", "ZINCRBY z 2 a", "ZADD z INCR 1 a", "ZRANGESTORE d z 0 -1",
                "ZREMRANGEBYSCORE z -inf +inf"), out);
    }

    @Test
    void zscanAndZrandmember() {
        h.call("ZADD", "z", "1", "a", "2", "b", "100000000000000000", "c");
        assertEquals("*2\r\n$1\r\n0\r\n" + bulks("a", "1", "b", "2", "c", "100000000000000000"), h.call("ZSCAN", "z", "0"));
        assertEquals("*2\r\n$1\r\n0\r\n" + bulks("b", "2"), h.call("ZSCAN", "z", "0", "MATCH", "b"));
        assertEquals(bulks("c", "b", "a"), h.call("ZRANDMEMBER", "z", "5"));
        assertEquals("*0\r\n", h.call("ZRANDMEMBER", "z", "0"));
        assertEquals("-ERR value is out of range\r\n", h.call("ZRANDMEMBER", "z", "9223372036854775807", "WITHSCORES"));
        String one = h.call("ZRANDMEMBER", "z");
        assertTrue(one.equals("$1\r\na\r\n") || one.equals("$1\r\nb\r\n") || one.equals("$1\r\nc\r\n"));
        assertTrue(h.call("ZRANDMEMBER", "z", "-5").startsWith("*5\r\n"));
        assertEquals("$-1\r\n", h.call("ZRANDMEMBER", "nokey"));
    }
}
