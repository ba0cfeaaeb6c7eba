package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.datatypes.value.ZSetType;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** ZUNION, ZINTER, ZDIFF, the STORE forms and ZINTERCARD, with replies checked against Redis 7.0.15. */
class ZSetAlgebraCommandsTest {
    private final EngineHarness h = new EngineHarness();
    private final Db db = h.server.keyspace().db(0);

    private String encoding(String key) {
        return ZSetType.TYPE.encoding(db.entry(key.getBytes(StandardCharsets.UTF_8)).value());
    }

    @Test
    void weightsAggregatesAndSetsAsInputs() {
        h.call("ZADD", "a", "1", "x", "2", "y");
        h.call("ZADD", "b", "10", "y", "20", "z");
        h.call("SADD", "s", "x", "w");
        assertEquals("*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n20\r\n",
                h.call("ZUNION", "2", "a", "b", "WITHSCORES"));
        assertEquals("*2\r\n$1\r\ny\r\n$2\r\n34\r\n", h.call("ZINTER", "2", "a", "b", "WEIGHTS", "2", "3", "WITHSCORES"));
        assertEquals("*2\r\n$1\r\ny\r\n$1\r\n2\r\n", h.call("ZINTER", "2", "a", "b", "AGGREGATE", "MIN", "WITHSCORES"));
        assertEquals("*2\r\n$1\r\nx\r\n$1\r\n2\r\n", h.call("ZINTER", "2", "a", "s", "WITHSCORES"));
        assertEquals("*2\r\n$1\r\nx\r\n$1\r\n1\r\n", h.call("ZDIFF", "2", "a", "b", "WITHSCORES"));
        assertEquals(":1\r\n", h.call("ZINTERCARD", "2", "a", "b"));
        h.call("HELLO", "3");
        assertEquals("*1\r\n*2\r\n$1\r\ny\r\n,34\r\n", h.call("ZINTER", "2", "a", "b", "WEIGHTS", "2", "3", "WITHSCORES"));
    }

    @Test
    void nanBecomesZero() {
        h.call("ZADD", "p", "inf", "m", "0", "o");
        h.call("ZADD", "q", "-inf", "m", "5", "o");
        // inf + -inf and 0 * inf are both 0.
        assertEquals("*4\r\n$1\r\nm\r\n$1\r\n0\r\n$1\r\no\r\n$1\r\n5\r\n", h.call("ZUNION", "2", "p", "q", "WITHSCORES"));
        assertEquals("*4\r\n$1\r\nm\r\n$1\r\n0\r\n$1\r\no\r\n$1\r\n0\r\n",
                h.call("ZINTER", "2", "p", "q", "WEIGHTS", "0", "0", "WITHSCORES"));
    }

    @Test
    void storeFormsChooseTheEncodingAndDeleteOnEmpty() {
        h.call("ZADD", "a", "1", "x", "2", "y");
        h.call("ZADD", "l", "1", "x".repeat(65));
        long dirty = h.server.keyspace().dirty;
        assertEquals(":2\r\n", h.call("ZUNIONSTORE", "d", "1", "a"));
        assertEquals("listpack", encoding("d"));
        assertEquals(":3\r\n", h.call("ZUNIONSTORE", "d", "2", "a", "l"));
        assertEquals("skiplist", encoding("d"));
        assertEquals(":2\r\n", h.call("ZDIFFSTORE", "d", "2", "a", "l"));
        assertEquals("listpack", encoding("d"));
        assertEquals(":0\r\n", h.call("ZINTERSTORE", "d", "2", "a", "nokey"));
        assertEquals(":0\r\n", h.call("EXISTS", "d"));
        assertEquals(":0\r\n", h.call("ZINTERSTORE", "d", "2", "a", "nokey"));
        assertEquals(dirty + 4, h.server.keyspace().dirty);
    }

    @Test
    void errors() {
        h.call("SET", "str", "v");
        h.call("ZADD", "a", "1", "x");
        assertEquals("-ERR at least 1 input key is needed for 'zunionstore' command\r\n", h.call("ZUNIONSTORE", "d", "0", "a"));
        assertEquals("-ERR at least 1 input key is needed for 'zintercard' command\r\n", h.call("ZINTERCARD", "0", "a"));
        assertEquals("-ERR syntax error\r\n", h.call("ZUNION", "3", "a"));
        // Every key is type-checked before the options are read.
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                h.call("ZUNION", "2", "a", "str", "FOO"));
        assertEquals("-ERR weight value is not a float\r\n", h.call("ZUNION", "1", "a", "WEIGHTS", "x"));
        assertEquals("-ERR syntax error\r\n", h.call("ZUNIONSTORE", "d", "1", "a", "WITHSCORES"));
        assertEquals("-ERR syntax error\r\n", h.call("ZDIFF", "1", "a", "WEIGHTS", "1"));
        assertEquals("-ERR LIMIT can't be negative\r\n", h.call("ZINTERCARD", "1", "a", "LIMIT", "-1"));
    }
}
