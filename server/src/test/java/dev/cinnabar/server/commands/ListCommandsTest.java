package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cinnabar.datatypes.Quicklist;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The non-blocking list commands, reply bytes in RESP2 and RESP3, and what they count as changes. */
class ListCommandsTest {
    static final String WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
    static final String SYNTAX = "-ERR syntax error\r\n";

    private final EngineHarness h = new EngineHarness();
    private final Db db = h.server.keyspace().db(0);
    private final Keyspace ks = h.server.keyspace();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Quicklist list(String key) {
        var e = db.entry(b(key));
        return e == null ? null : (Quicklist) e.value();
    }

    @Test
    void pushesCountEveryElementAsAChange() {
        long dirty = ks.dirty;
        assertEquals(":3\r\n", h.call("RPUSH", "l", "a", "b", "c"));
        assertEquals(":5\r\n", h.call("LPUSH", "l", "x", "y"));
        assertEquals(dirty + 5, ks.dirty);
        assertEquals("*5\r\n$1\r\ny\r\n$1\r\nx\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", h.call("LRANGE", "l", "0", "-1"));
        assertEquals(":0\r\n", h.call("LPUSHX", "nokey", "a"));
        assertNull(list("nokey"));
        assertEquals(":6\r\n", h.call("RPUSHX", "l", "z"));
        assertEquals("$9\r\nquicklist\r\n", h.call("OBJECT", "ENCODING", "l"));
        assertEquals("+list\r\n", h.call("TYPE", "l"));
    }

    @Test
    void integersComeBackAsText() {
        h.call("RPUSH", "l", "1", "-9223372036854775808", "01", "+1", "9223372036854775808");
        assertEquals("*5\r\n$1\r\n1\r\n$20\r\n-9223372036854775808\r\n$2\r\n01\r\n$2\r\n+1\r\n$19\r\n9223372036854775808\r\n",
                h.call("LRANGE", "l", "0", "-1"));
        assertEquals("$20\r\n-9223372036854775808\r\n", h.call("LINDEX", "l", "1"));
        assertEquals(":1\r\n", h.call("LPOS", "l", "-9223372036854775808"));
        assertEquals("$-1\r\n", h.call("LPOS", "l", "2"));
    }

    @Test
    void popNullShapesDependOnCount() {
        assertEquals("$-1\r\n", h.call("LPOP", "nokey"));
        assertEquals("*-1\r\n", h.call("LPOP", "nokey", "1"));
        assertEquals("*-1\r\n", h.call("RPOP", "nokey", "0"));
        h.client.reply.protocol(3);
        assertEquals("_\r\n", h.call("LPOP", "nokey"));
        assertEquals("_\r\n", h.call("LPOP", "nokey", "2"));
        assertEquals("_\r\n", h.call("LMPOP", "1", "nokey", "LEFT"));
        h.call("RPUSH", "l", "a");
        assertEquals("*0\r\n", h.call("LPOP", "l", "0"));
        assertEquals("-ERR value is out of range, must be positive\r\n", h.call("LPOP", "l", "-1"));
        assertEquals("-ERR wrong number of arguments for 'lpop' command\r\n", h.call("LPOP", "l", "1", "2"));
    }

    @Test
    void popWithCountDeletesTheEmptiedKey() {
        h.call("RPUSH", "l", "a", "b", "c");
        long dirty = ks.dirty;
        assertEquals("*2\r\n$1\r\nc\r\n$1\r\nb\r\n", h.call("RPOP", "l", "2"));
        assertEquals(dirty + 2, ks.dirty);
        assertEquals("*1\r\n$1\r\na\r\n", h.call("LPOP", "l", "5"));
        assertNull(list("l"));
    }

    @Test
    void lmpopRepliesWithTheKey() {
        h.call("RPUSH", "b", "1", "2", "3");
        assertEquals("*2\r\n$1\r\nb\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n", h.call("LMPOP", "2", "a", "b", "RIGHT", "COUNT", "2"));
        assertEquals("-ERR numkeys should be greater than 0\r\n", h.call("LMPOP", "0", "a", "LEFT"));
        assertEquals("-ERR count should be greater than 0\r\n", h.call("LMPOP", "1", "a", "LEFT", "COUNT", "0"));
        assertEquals(SYNTAX, h.call("LMPOP", "2", "a", "LEFT"));
        h.call("SET", "s", "v");
        assertEquals(WRONGTYPE, h.call("LMPOP", "2", "s", "b", "LEFT"));
    }

    @Test
    void lposOptions() {
        h.call("RPUSH", "p", "a", "b", "c", "1", "2", "3", "c", "c");
        assertEquals(":2\r\n", h.call("LPOS", "p", "c"));
        assertEquals(":7\r\n", h.call("LPOS", "p", "c", "RANK", "-1"));
        assertEquals("*3\r\n:2\r\n:6\r\n:7\r\n", h.call("LPOS", "p", "c", "COUNT", "0"));
        assertEquals("*2\r\n:6\r\n:2\r\n", h.call("LPOS", "p", "c", "RANK", "-2", "COUNT", "0"));
        assertEquals("*0\r\n", h.call("LPOS", "p", "c", "MAXLEN", "2", "COUNT", "0"));
        assertEquals("-" + ListCommands.RANK_ZERO + "\r\n", h.call("LPOS", "p", "c", "RANK", "0"));
        assertEquals("-ERR COUNT can't be negative\r\n", h.call("LPOS", "p", "c", "COUNT", "x"));
        assertEquals("-ERR MAXLEN can't be negative\r\n", h.call("LPOS", "p", "c", "MAXLEN", "-1"));
        assertEquals("*0\r\n", h.call("LPOS", "nokey", "c", "COUNT", "1"));
        assertEquals(SYNTAX, h.call("LPOS", "p", "c", "RANK"));
    }

    @Test
    void insertSetTrimRem() {
        h.call("RPUSH", "l", "a", "b", "c");
        assertEquals(":4\r\n", h.call("LINSERT", "l", "AFTER", "b", "x"));
        assertEquals(":-1\r\n", h.call("LINSERT", "l", "before", "zz", "x"));
        assertEquals(":0\r\n", h.call("LINSERT", "nokey", "before", "zz", "x"));
        assertEquals(SYNTAX, h.call("LINSERT", "l", "middle", "zz", "x"));
        assertEquals("+OK\r\n", h.call("LSET", "l", "-1", "C"));
        assertEquals("-ERR index out of range\r\n", h.call("LSET", "l", "4", "C"));
        assertEquals("-ERR no such key\r\n", h.call("LSET", "nokey", "x", "C"));
        assertEquals(":1\r\n", h.call("LREM", "l", "-5", "x"));
        long dirty = ks.dirty;
        assertEquals("+OK\r\n", h.call("LTRIM", "l", "0", "-1"));
        assertEquals(dirty, ks.dirty);
        assertEquals("+OK\r\n", h.call("LTRIM", "l", "1", "1"));
        assertEquals(dirty + 2, ks.dirty);
        assertEquals("*1\r\n$1\r\nb\r\n", h.call("LRANGE", "l", "0", "-1"));
        assertEquals("+OK\r\n", h.call("LTRIM", "l", "5", "1"));
        assertNull(list("l"));
    }

    @Test
    void lmoveAcrossAndWithinOneKey() {
        h.call("RPUSH", "s", "a", "b");
        assertEquals("$1\r\na\r\n", h.call("LMOVE", "s", "d", "LEFT", "RIGHT"));
        assertEquals("$1\r\nb\r\n", h.call("LMOVE", "s", "s", "RIGHT", "LEFT"));
        assertEquals("$1\r\nb\r\n", h.call("RPOPLPUSH", "s", "d"));
        assertNull(list("s"));
        assertEquals("*2\r\n$1\r\nb\r\n$1\r\na\r\n", h.call("LRANGE", "d", "0", "-1"));
        h.call("SET", "str", "v");
        assertEquals(WRONGTYPE, h.call("LMOVE", "d", "str", "LEFT", "LEFT"));
        assertEquals(":2\r\n", h.call("LLEN", "d"));
        assertEquals("$-1\r\n", h.call("LMOVE", "nokey", "str", "LEFT", "LEFT"));
        assertEquals(SYNTAX, h.call("LMOVE", "d", "e", "UP", "LEFT"));
    }

    @Test
    void newListsTakeTheConfigInForceAtCreation() {
        h.call("CONFIG", "SET", "list-max-listpack-size", "2");
        h.call("RPUSH", "a", "1", "2", "3", "4", "5");
        h.call("CONFIG", "SET", "list-max-listpack-size", "3");
        h.call("RPUSH", "a", "6");
        h.call("RPUSH", "b", "1", "2", "3", "4", "5");
        assertEquals("2 2 2", list("a").layout());
        assertEquals("3 2", list("b").layout());
    }

    @Test
    void wrongTypeEverywhere() {
        h.call("SET", "s", "v");
        for (String[] cmd : new String[][] {{"LPUSH", "s", "a"}, {"RPUSHX", "s", "a"}, {"LLEN", "s"}, {"LINDEX", "s", "0"},
                {"LRANGE", "s", "0", "1"}, {"LPOP", "s"}, {"RPOP", "s", "0"}, {"LREM", "s", "0", "a"},
                {"LTRIM", "s", "0", "1"}, {"LPOS", "s", "a"}, {"LSET", "s", "0", "a"}, {"RPOPLPUSH", "s", "x"}}) {
            assertEquals(WRONGTYPE, h.call(cmd), String.join(" ", cmd));
        }
    }

    /** DEBUG figures taken from redis-server 7.0.15 for the same commands. */
    @Test
    void debugFiguresMatchRedis() {
        dev.cinnabar.server.config.ServerConfig config = new dev.cinnabar.server.config.ServerConfig();
        config.enableDebugCommand = "yes";
        EngineHarness d = new EngineHarness(config);
        d.call("RPUSH", "l", "a", "b", "c", "1", "2", "3", "-5", "100000", "9223372036854775807", "x");
        assertEquals("*1\r\n+d70be28ba44ca96a594b7172ed9f087b3d1ee4e2\r\n", d.call("DEBUG", "DIGEST-VALUE", "l"));
        String object = d.call("DEBUG", "OBJECT", "l");
        assertEquals(true, object.contains(" encoding:quicklist serializedlength:46 "), object);
        assertEquals(true, object.endsWith(" ql_nodes:1 ql_avg_node:10.00 ql_listpack_max:-2 ql_compressed:0"
                + " ql_uncompressed_size:43\r\n"), object);
        d.call("CONFIG", "SET", "list-max-listpack-size", "2");
        d.call("CONFIG", "SET", "list-compress-depth", "1");
        String[] push = new String[14];
        push[0] = "RPUSH";
        push[1] = "z";
        for (int i = 1; i <= 12; i++) {
            push[i + 1] = "compressible-compressible-compressible-" + i;
        }
        d.call(push);
        object = d.call("DEBUG", "OBJECT", "z");
        assertEquals(true, object.contains(" serializedlength:241 "), object);
        assertEquals(true, object.endsWith(" ql_nodes:6 ql_avg_node:2.00 ql_listpack_max:2 ql_compressed:1"
                + " ql_uncompressed_size:549\r\n"), object);
        d.call("CONFIG", "SET", "rdbcompression", "no");
        assertEquals(true, d.call("DEBUG", "OBJECT", "z").contains(" serializedlength:352 "));
        assertEquals("*1\r\n+1498577a5ec37e51861033e6038cfa73942e7587\r\n", d.call("DEBUG", "DIGEST-VALUE", "z"));
    }
}
