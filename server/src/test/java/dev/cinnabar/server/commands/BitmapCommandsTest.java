package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.RawString;
import dev.cinnabar.datatypes.value.StringType;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP and BITFIELD through the dispatcher: replies, encodings, growth. */
class BitmapCommandsTest {
    private final EngineHarness h = new EngineHarness();
    private final Db db = h.server.keyspace().db(0);

    /** SET with a value given as Latin-1 text, one byte per char (the harness's call sends UTF-8). */
    private void binarySet(String key, String value) {
        String req = "*3\r\n$3\r\nSET\r\n$" + key.length() + "\r\n" + key + "\r\n$" + value.length() + "\r\n" + value + "\r\n";
        assertEquals("+OK\r\n", h.send(req));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private Object value(String key) {
        return db.entry(b(key)).value();
    }

    private String encoding(String key) {
        return StringType.TYPE.encoding(value(key));
    }

    @Test
    void setbitCreatesARawStringOfTheExactSizeAndGrowsItGeometrically() {
        assertEquals(":0\r\n", h.call("SETBIT", "k", "7", "1"));
        assertEquals("raw", encoding("k"));
        RawString raw = (RawString) value("k");
        assertEquals(1, raw.capacity());
        assertEquals(":1\r\n", h.call("SETBIT", "k", "7", "0"));
        h.call("SETBIT", "k", "15", "1");
        assertEquals(2, raw.length());
        assertEquals(4, raw.capacity(), "grown as sdsMakeRoomFor grows: twice the length needed");
        assertSame(raw, value("k"), "changed in place");
        byte[] array = raw.array();
        h.call("SETBIT", "k", "31", "1");
        assertSame(array, raw.array(), "within capacity: no new array");
        assertEquals("$4\r\n\0\u0001\0\u0001\r\n", h.call("GET", "k"));
    }

    @Test
    void aBitWriteTurnsIntAndEmbstrIntoRawEvenWithoutAChange() {
        h.call("SET", "n", "12345");
        assertEquals("int", encoding("n"));
        assertEquals(":0\r\n", h.call("SETBIT", "n", "0", "0"));
        assertEquals("raw", encoding("n"));
        assertEquals("$5\r\n12345\r\n", h.call("GET", "n"));
        h.call("SET", "e", "hello");
        assertEquals("embstr", encoding("e"));
        h.call("BITFIELD", "e", "SET", "u8", "0", "104");
        assertEquals("raw", encoding("e"));
        h.call("SET", "r", "12");
        h.call("GETBIT", "r", "3");
        h.call("BITCOUNT", "r");
        h.call("BITFIELD_RO", "r", "GET", "u8", "0");
        assertEquals("int", encoding("r"), "reads leave the encoding alone");
    }

    @Test
    void aHugeOffsetIsRefusedBeforeAnythingIsAllocated() {
        long before = h.server.memory().used();
        String err = "-ERR bit offset is not an integer or out of range\r\n";
        assertEquals(err, h.call("SETBIT", "k", "4294967296", "1"));
        assertEquals(err, h.call("BITFIELD", "k", "SET", "u8", "#536870912", "1"));
        assertEquals(err, h.call("SETBIT", "k", "-1", "1"));
        assertEquals(err, h.call("GETBIT", "k", "99999999999999999999"));
        assertNull(db.entry(b("k")));
        assertEquals(before, h.server.memory().used());
        h.call("CONFIG", "SET", "proto-max-bulk-len", "1048576");
        assertEquals(err, h.call("SETBIT", "k", "8388608", "1"));
        assertEquals(":0\r\n", h.call("SETBIT", "k", "8388607", "1"));
        assertEquals(":1048576\r\n", h.call("STRLEN", "k"));
    }

    @Test
    void countsAndPositionsOverBytesAndBits() {
        binarySet("b", "\u00ff\u00f0\u0000");
        assertEquals(":12\r\n", h.call("BITCOUNT", "b"));
        assertEquals(":8\r\n", h.call("BITCOUNT", "b", "4", "11", "BIT"));
        assertEquals(":0\r\n", h.call("BITCOUNT", "b", "-1", "-2"));
        assertEquals(":12\r\n", h.call("BITPOS", "b", "0"));
        assertEquals(":-1\r\n", h.call("BITPOS", "b", "1", "2"));
        assertEquals(":-1\r\n", h.call("BITPOS", "b", "0", "0", "11", "BIT"));
        assertEquals(":0\r\n", h.call("BITPOS", "missing", "0"));
        assertEquals(":-1\r\n", h.call("BITPOS", "missing", "1"));
        binarySet("ff", "\u00ff\u00ff");
        assertEquals(":16\r\n", h.call("BITPOS", "ff", "0"), "no end given: the bit just past the string");
        assertEquals(":-1\r\n", h.call("BITPOS", "ff", "0", "0", "-1"), "an end given: not found");
        assertEquals("-ERR The bit argument must be 1 or 0.\r\n", h.call("BITPOS", "ff", "2"));
        assertEquals("-ERR syntax error\r\n", h.call("BITCOUNT", "ff", "0"));
        assertEquals(":0\r\n", h.call("BITCOUNT", "missing", "0"), "a missing key answers before the arguments are read");
    }

    @Test
    void bitopStoresARawResultOrDeletesTheDestination() {
        binarySet("a", "\u00ff\u000f");
        binarySet("b", "\u0001");
        assertEquals(":2\r\n", h.call("BITOP", "AND", "d", "a", "b"));
        assertEquals("$2\r\n\u0001\0\r\n", h.call("GET", "d"));
        assertEquals("raw", encoding("d"));
        assertEquals(":2\r\n", h.call("BITOP", "NOT", "d", "a"));
        assertEquals("$2\r\n\0\u00f0\r\n", h.call("GET", "d"));
        assertEquals(":0\r\n", h.call("BITOP", "OR", "d", "x", "y"));
        assertNull(db.entry(b("d")));
        assertEquals("-ERR BITOP NOT must be called with a single source key.\r\n", h.call("BITOP", "NOT", "d", "a", "b"));
        h.call("LPUSH", "l", "x");
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", h.call("BITOP", "OR", "d", "a", "l"));
    }

    @Test
    void bitfieldRepliesUnderBothProtocols() {
        assertEquals("*3\r\n:0\r\n:255\r\n$-1\r\n",
                h.call("BITFIELD", "k", "SET", "u8", "0", "255", "GET", "u8", "0", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1"));
        Client c3 = h.newClient();
        h.call(c3, "HELLO", "3");
        assertEquals("*2\r\n_\r\n:-1\r\n", h.call(c3, "BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1", "GET", "i8", "0"));
        assertEquals("-ERR BITFIELD_RO only supports the GET subcommand\r\n", h.call("BITFIELD_RO", "k", "SET", "u8", "0", "1"));
        assertEquals("-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n",
                h.call("BITFIELD", "k", "GET", "u64", "0"));
        assertEquals("-ERR Invalid OVERFLOW type specified\r\n", h.call("BITFIELD", "k", "OVERFLOW", "x", "GET", "u8", "0"));
        // Redis's quirk: a signed SET of a value within max of Long.MIN_VALUE saturates to the maximum.
        assertEquals("*2\r\n:-1\r\n:127\r\n",
                h.call("BITFIELD", "k", "OVERFLOW", "SAT", "SET", "i8", "0", "-9223372036854775808", "GET", "i8", "0"));
        assertTrue(h.call("BITFIELD", "k").equals("*0\r\n"));
    }
}
