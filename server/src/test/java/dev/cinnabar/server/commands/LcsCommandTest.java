package dev.cinnabar.server.commands;

import static dev.cinnabar.server.commands.StringCommandsTest.SYNTAX;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.testing.BoxType;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** LCS, with the reply shapes Redis 7.0.15 gives in RESP2 and RESP3. */
class LcsCommandTest {
    private static final String MATCHES_BODY = "*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n";
    private final EngineHarness h = new EngineHarness();

    LcsCommandTest() {
        h.call("MSET", "key1", "ohmytext", "key2", "mynewtext");
    }

    @Test
    void subsequenceAndLength() {
        assertEquals("$6\r\nmytext\r\n", h.call("LCS", "key1", "key2"));
        assertEquals(":6\r\n", h.call("LCS", "key1", "key2", "LEN"));
        assertEquals(":6\r\n", h.call("LCS", "key1", "key2", "len", "LEN", "withmatchlen"));
        assertEquals("$6\r\nmytext\r\n", h.call("LCS", "key1", "key2", "WITHMATCHLEN"));
        assertEquals("$6\r\nmytext\r\n", h.call("LCS", "key1", "key2", "MINMATCHLEN", "2"));
        assertEquals("$8\r\nohmytext\r\n", h.call("LCS", "key1", "key1"));
        assertEquals("$0\r\n\r\n", h.call("LCS", "key1", "missing"));
        assertEquals(":0\r\n", h.call("LCS", "missing", "other", "LEN"));
    }

    @Test
    void indexesInResp2() {
        assertEquals("*4\r\n$7\r\nmatches\r\n" + MATCHES_BODY + "$3\r\nlen\r\n:6\r\n", h.call("LCS", "key1", "key2", "IDX"));
        assertEquals("*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n",
                h.call("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4"));
        assertEquals("*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n"
                + "*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n",
                h.call("LCS", "key1", "key2", "IDX", "WITHMATCHLEN"));
        // A negative minimum counts as none; the last of repeated options wins.
        assertEquals("*4\r\n$7\r\nmatches\r\n" + MATCHES_BODY + "$3\r\nlen\r\n:6\r\n",
                h.call("LCS", "key1", "key2", "MINMATCHLEN", "-5", "IDX"));
        assertEquals("*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n",
                h.call("LCS", "key1", "key2", "idx", "idx", "withmatchlen", "minmatchlen", "1", "minmatchlen", "3"));
        assertEquals("*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n", h.call("LCS", "missing", "other", "IDX"));
    }

    @Test
    void indexesInResp3AreAMap() {
        h.client.reply.protocol(3);
        assertEquals("%2\r\n$7\r\nmatches\r\n" + MATCHES_BODY + "$3\r\nlen\r\n:6\r\n", h.call("LCS", "key1", "key2", "IDX"));
        assertEquals("%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n", h.call("LCS", "missing", "other", "IDX"));
    }

    @Test
    void integerValuesAreComparedAsText() {
        h.call("SET", "n1", "12345");
        h.call("SET", "n2", "2345");
        assertEquals("*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:1\r\n:4\r\n*2\r\n:0\r\n:3\r\n:4\r\n$3\r\nlen\r\n:4\r\n",
                h.call("LCS", "n1", "n2", "IDX", "WITHMATCHLEN"));
    }

    @Test
    void errors() {
        assertEquals("-ERR If you want both the length and indexes, please just use IDX.\r\n",
                h.call("LCS", "key1", "key2", "LEN", "IDX"));
        assertEquals(SYNTAX, h.call("LCS", "key1", "key2", "MINMATCHLEN"));
        assertEquals(SYNTAX, h.call("LCS", "key1", "key2", "foo"));
        assertEquals("-ERR value is not an integer or out of range\r\n", h.call("LCS", "key1", "key2", "MINMATCHLEN", "abc"));
        assertEquals("-ERR wrong number of arguments for 'lcs' command\r\n", h.call("LCS", "key1"));
        h.server.keyspace().db(0).setKey("l".getBytes(StandardCharsets.UTF_8), BoxType.box(), false);
        String notStrings = "-ERR The specified keys must contain string values\r\n";
        assertEquals(notStrings, h.call("LCS", "key1", "l"));
        assertEquals(notStrings, h.call("LCS", "l", "key1"));
        // The types are checked before the options.
        assertEquals(notStrings, h.call("LCS", "l", "key1", "foo"));
        assertEquals(notStrings, h.call("LCS", "key1", "l", "LEN", "IDX"));
    }

    @Test
    void theTableMayNotExceedProtoMaxBulkLen() {
        ServerConfig config = new ServerConfig();
        config.protoMaxBulkLen = 1024 * 1024;
        EngineHarness small = new EngineHarness(config);
        small.call("SET", "a", "a".repeat(600));
        small.call("SET", "b", "b".repeat(600));
        assertEquals("-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n",
                small.call("LCS", "a", "b", "LEN"));
        assertEquals(":0\r\n", small.call("LCS", "a", "missing", "LEN"));
    }
}
