package dev.cinnabar.server.commands;

import static dev.cinnabar.server.commands.StringCommandsTest.NOT_INTEGER;
import static dev.cinnabar.server.commands.StringCommandsTest.WRONGTYPE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.cinnabar.datatypes.RawString;
import dev.cinnabar.datatypes.value.StringType;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.testing.BoxType;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** APPEND, STRLEN, GETRANGE, SUBSTR and SETRANGE. */
class RangeCommandsTest {
    private static final String TOO_BIG = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";

    private final EngineHarness h;
    private final Db db;

    RangeCommandsTest() {
        ServerConfig config = new ServerConfig();
        // A small limit so that the size checks can be tested without half a gigabyte.
        config.protoMaxBulkLen = 1024 * 1024;
        h = new EngineHarness(config);
        db = h.server.keyspace().db(0);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Object value(String key) {
        return db.entry(b(key)).value();
    }

    private static String bulk(String s) {
        return "$" + s.length() + "\r\n" + s + "\r\n";
    }

    @Test
    void appendCreatesThenGrowsInPlace() {
        assertEquals(":3\r\n", h.call("APPEND", "k", "abc"));
        assertEquals("embstr", StringType.TYPE.encoding(value("k")));
        assertEquals(":6\r\n", h.call("APPEND", "k", "def"));
        Object grown = value("k");
        assertEquals("raw", StringType.TYPE.encoding(grown));
        assertEquals(":7\r\n", h.call("APPEND", "k", "g"));
        assertSame(grown, value("k"));
        assertEquals(bulk("abcdefg"), h.call("GET", "k"));
        assertEquals(":7\r\n", h.call("STRLEN", "k"));
    }

    @Test
    void appendToAMissingKeyStoresTheArgumentAsSetWould() {
        h.call("APPEND", "n", "123");
        assertEquals("int", StringType.TYPE.encoding(value("n")));
        h.call("APPEND", "n", "4");
        assertEquals("raw", StringType.TYPE.encoding(value("n")));
        assertEquals(bulk("1234"), h.call("GET", "n"));
        h.call("APPEND", "long", "x".repeat(45));
        assertEquals("raw", StringType.TYPE.encoding(value("long")));
    }

    @Test
    void appendingNothingStillMakesTheValueRaw() {
        h.call("SET", "n", "12345");
        assertEquals(":5\r\n", h.call("APPEND", "n", ""));
        assertEquals("raw", StringType.TYPE.encoding(value("n")));
        assertEquals(bulk("12345"), h.call("GET", "n"));
    }

    @Test
    void appendKeepsTheTtlAndChecksTheType() {
        h.call("SET", "k", "v", "EX", "100");
        long when = db.expireAt(b("k"));
        h.call("APPEND", "k", "w");
        assertEquals(when, db.expireAt(b("k")));
        db.setKey(b("l"), BoxType.box(), false);
        assertEquals(WRONGTYPE, h.call("APPEND", "l", "x"));
        assertEquals(WRONGTYPE, h.call("STRLEN", "l"));
    }

    @Test
    void appendPastTheSizeLimitIsRefused() {
        h.call("SETRANGE", "k", "1048575", "x");
        assertEquals(TOO_BIG, h.call("APPEND", "k", "y"));
        assertEquals(":1048576\r\n", h.call("APPEND", "k", ""));
    }

    @Test
    void strlen() {
        assertEquals(":0\r\n", h.call("STRLEN", "missing"));
        h.call("SET", "n", "-12345");
        assertEquals(":6\r\n", h.call("STRLEN", "n"));
        h.call("SET", "e", "");
        assertEquals(":0\r\n", h.call("STRLEN", "e"));
    }

    @Test
    void getrange() {
        h.call("SET", "k", "Hello World");
        assertEquals(bulk("Hello"), h.call("GETRANGE", "k", "0", "4"));
        assertEquals(bulk("World"), h.call("GETRANGE", "k", "-5", "-1"));
        assertEquals(bulk("Hello World"), h.call("GETRANGE", "k", "0", "-1"));
        assertEquals(bulk(""), h.call("GETRANGE", "k", "5", "2"));
        assertEquals(bulk(""), h.call("GETRANGE", "k", "-1", "-5"));
        assertEquals(bulk(""), h.call("GETRANGE", "k", "100", "200"));
        assertEquals(bulk("H"), h.call("GETRANGE", "k", "-100", "-50"));
        // Both negative and in the wrong order: nothing, even though both would clamp to 0.
        assertEquals(bulk(""), h.call("GETRANGE", "k", "-100", "-200"));
        assertEquals(bulk("H"), h.call("GETRANGE", "k", "0", "-200"));
        assertEquals(bulk("Hello World"), h.call("GETRANGE", "k", "-100", "100"));
        assertEquals(bulk("d"), h.call("GETRANGE", "k", "-1", "-1"));
        assertEquals(bulk(""), h.call("GETRANGE", "k", "9223372036854775807", "9223372036854775807"));
        assertEquals(bulk("H"), h.call("GETRANGE", "k", "-9223372036854775808", "-9223372036854775808"));
        assertEquals(bulk("Hello"), h.call("SUBSTR", "k", "0", "4"));
    }

    @Test
    void getrangeOfEmptyMissingAndIntegerValues() {
        assertEquals(bulk(""), h.call("GETRANGE", "missing", "0", "-1"));
        h.call("SET", "e", "");
        assertEquals(bulk(""), h.call("GETRANGE", "e", "0", "-1"));
        assertEquals(bulk(""), h.call("GETRANGE", "e", "-1", "0"));
        h.call("SET", "n", "12345");
        assertEquals(bulk("234"), h.call("GETRANGE", "n", "1", "3"));
        assertEquals(bulk("45"), h.call("GETRANGE", "n", "-2", "-1"));
        h.call("SETRANGE", "r", "2", "ab");
        assertEquals(bulk("\0\0a"), h.call("GETRANGE", "r", "0", "2"));
    }

    @Test
    void getrangeChecksIntegersBeforeTheKey() {
        assertEquals(NOT_INTEGER, h.call("GETRANGE", "missing", "a", "1"));
        assertEquals(NOT_INTEGER, h.call("GETRANGE", "missing", "1", "b"));
        assertEquals(NOT_INTEGER, h.call("GETRANGE", "missing", "0", "9223372036854775808"));
        db.setKey(b("l"), BoxType.box(), false);
        assertEquals(NOT_INTEGER, h.call("GETRANGE", "l", "a", "1"));
        assertEquals(WRONGTYPE, h.call("GETRANGE", "l", "0", "1"));
        assertEquals("-ERR wrong number of arguments for 'substr' command\r\n", h.call("SUBSTR", "k", "0"));
    }

    @Test
    void setrangeOverwritesAndPads() {
        h.call("SET", "k", "Hello World");
        assertEquals(":11\r\n", h.call("SETRANGE", "k", "6", "Redis"));
        assertEquals(bulk("Hello Redis"), h.call("GET", "k"));
        assertEquals(":16\r\n", h.call("SETRANGE", "k", "15", "!"));
        assertEquals(bulk("Hello Redis\0\0\0\0!"), h.call("GET", "k"));
        assertEquals(":2\r\n", h.call("SETRANGE", "new", "0", "ab"));
        assertEquals("raw", StringType.TYPE.encoding(value("new")));
        assertEquals(":4\r\n", h.call("SETRANGE", "m", "2", "ab"));
        assertEquals(bulk("\0\0ab"), h.call("GET", "m"));
    }

    @Test
    void setrangeReusesGrownBytesWithoutLeakingOldOnes() {
        h.call("SET", "k", "abcdefgh");
        h.call("APPEND", "k", "ijkl");
        RawString r = (RawString) value("k");
        h.call("SETRANGE", "k", "20", "z");
        assertEquals(bulk("abcdefghijkl\0\0\0\0\0\0\0\0z"), h.call("GET", "k"));
        assertSame(r, value("k"));
    }

    @Test
    void setrangeOfNothing() {
        assertEquals(":0\r\n", h.call("SETRANGE", "m", "0", ""));
        assertEquals(":0\r\n", h.call("SETRANGE", "m", "5", ""));
        assertEquals(":0\r\n", h.call("SETRANGE", "m", "999999999999", ""));
        assertNull(db.entry(b("m")));
        h.call("SET", "n", "123");
        assertEquals(":3\r\n", h.call("SETRANGE", "n", "0", ""));
        assertEquals("int", StringType.TYPE.encoding(value("n")));
        assertEquals(":3\r\n", h.call("SETRANGE", "n", "999999999999", ""));
        assertEquals(":3\r\n", h.call("SETRANGE", "n", "0", "9"));
        assertEquals("raw", StringType.TYPE.encoding(value("n")));
        assertEquals(bulk("923"), h.call("GET", "n"));
    }

    @Test
    void setrangeErrors() {
        assertEquals("-ERR offset is out of range\r\n", h.call("SETRANGE", "k", "-1", "x"));
        assertEquals("-ERR offset is out of range\r\n", h.call("SETRANGE", "k", "-1", ""));
        assertEquals(NOT_INTEGER, h.call("SETRANGE", "k", "a", "x"));
        assertEquals(NOT_INTEGER, h.call("SETRANGE", "k", "9223372036854775808", "x"));
        assertEquals(TOO_BIG, h.call("SETRANGE", "k", "1048576", "x"));
        assertEquals(TOO_BIG, h.call("SETRANGE", "k", "1048575", "xy"));
        assertEquals(TOO_BIG, h.call("SETRANGE", "k", "9223372036854775807", "x"));
        assertNull(db.entry(b("k")));
        assertEquals(":1048576\r\n", h.call("SETRANGE", "k", "1048575", "x"));
        db.setKey(b("l"), BoxType.box(), false);
        assertEquals(WRONGTYPE, h.call("SETRANGE", "l", "0", "x"));
        assertEquals(WRONGTYPE, h.call("SETRANGE", "l", "0", ""));
        assertEquals("-ERR offset is out of range\r\n", h.call("SETRANGE", "l", "-1", "x"));
    }

    @Test
    void setrangeKeepsTheTtl() {
        h.call("SET", "k", "value", "PX", "5000");
        long when = db.expireAt(b("k"));
        h.call("SETRANGE", "k", "0", "V");
        assertEquals(when, db.expireAt(b("k")));
    }
}
