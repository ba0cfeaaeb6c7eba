package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.RawString;
import dev.cinnabar.datatypes.value.StringType;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST through the dispatcher. */
class HyperLogLogCommandsTest {
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

    @Test
    void pfaddKeepsTheBytesInPlace() {
        assertEquals(":1\r\n", h.call("PFADD", "h", "a"));
        RawString raw = (RawString) value("h");
        assertEquals(":1\r\n", h.call("PFADD", "h", "b", "c"));
        assertEquals(":0\r\n", h.call("PFADD", "h", "a", "b"));
        assertSame(raw, value("h"));
        assertEquals(":3\r\n", h.call("PFCOUNT", "h"));
        assertEquals("+sparse\r\n", h.call("PFDEBUG", "ENCODING", "h"));
        h.call("CONFIG", "SET", "hll-sparse-max-bytes", "30");
        for (int i = 0; i < 20; i++) {
            h.call("PFADD", "h", "e" + i);
        }
        assertEquals("+dense\r\n", h.call("PFDEBUG", "ENCODING", "h"));
        assertEquals(12304, raw.length());
        assertSame(raw, value("h"), "promoted in the same value object");
        byte[] dense = raw.array();
        h.call("PFADD", "h", "more", "and", "more");
        assertSame(dense, raw.array(), "a dense HLL is updated where it is");
    }

    @Test
    void pfcountStoresItsEstimateAsAWrite() {
        h.call("PFADD", "h", "a", "b", "c");
        Client watcher = h.newClient();
        h.call(watcher, "WATCH", "h");
        h.call("PFCOUNT", "h");
        h.call(watcher, "MULTI");
        h.call(watcher, "PING");
        assertEquals("*-1\r\n", h.call(watcher, "EXEC"), "storing the estimate touched the key");
        h.call(watcher, "WATCH", "h");
        h.call("PFCOUNT", "h");
        h.call(watcher, "MULTI");
        h.call(watcher, "PING");
        assertEquals("*1\r\n+PONG\r\n", h.call(watcher, "EXEC"), "a cached estimate is a plain read");
        h.call("PFADD", "g", "x");
        h.call(watcher, "WATCH", "g");
        h.call("PFCOUNT", "h", "g");
        h.call(watcher, "MULTI");
        h.call(watcher, "PING");
        assertEquals("*1\r\n+PONG\r\n", h.call(watcher, "EXEC"), "several keys are only read");
    }

    @Test
    void anEmbstrHllBecomesRawOnPfcount() {
        binarySet("h", "HYLL\u0001\0\0\0\u0003\0\0\0\0\0\0\0\u007f\u00ff");
        assertEquals("embstr", StringType.TYPE.encoding(value("h")));
        assertEquals(":3\r\n", h.call("PFCOUNT", "h"), "the cached figure, whatever the registers say");
        assertEquals("raw", StringType.TYPE.encoding(value("h")));
    }

    @Test
    void errorsForWhatIsNoHll() {
        h.call("SET", "s", "hello");
        assertEquals("-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n", h.call("PFADD", "s", "a"));
        h.call("SET", "i", "5");
        assertEquals("-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n", h.call("PFCOUNT", "i"));
        h.call("LPUSH", "l", "a");
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", h.call("PFCOUNT", "l"));
        // A valid cached figure is answered without looking at the registers.
        binarySet("c", "HYLL\u0001\0\0\0\0\0\0\u0080\0\0\0\0\u0040\0");
        assertEquals(":2147483648\r\n", h.call("PFCOUNT", "c"));
        binarySet("c", "HYLL\u0001\0\0\0\0\0\0\0\0\0\0\u0080\u0040\0");
        assertEquals("-INVALIDOBJ Corrupted HLL object detected\r\n", h.call("PFCOUNT", "c"));
        assertEquals("-INVALIDOBJ Corrupted HLL object detected\r\n", h.call("PFCOUNT", "c", "s2"));
        assertEquals("-INVALIDOBJ Corrupted HLL object detected\r\n", h.call("PFADD", "c", "a", "b"));
        assertEquals("-ERR The specified key does not exist\r\n", h.call("PFDEBUG", "GETREG", "nosuch"));
        h.call("PFADD", "h", "a");
        assertEquals("-ERR Unknown PFDEBUG subcommand 'Foo'\r\n", h.call("PFDEBUG", "Foo", "h"));
        assertEquals("-ERR wrong number of arguments for 'pfdebug' command\r\n", h.call("PFDEBUG", "Encoding", "h", "x"));
    }

    @Test
    void pfdebugAndSelfTest() {
        h.call("PFADD", "h", "a", "b", "c");
        assertEquals("$44\r\nZ:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603\r\n", h.call("PFDEBUG", "DECODE", "h"));
        String regs = h.call("PFDEBUG", "GETREG", "h");
        assertTrue(regs.startsWith("*16384\r\n"));
        assertEquals("+dense\r\n", h.call("PFDEBUG", "ENCODING", "h"));
        assertEquals(":0\r\n", h.call("PFDEBUG", "TODENSE", "h"));
        assertEquals("-ERR HLL encoding is not sparse\r\n", h.call("PFDEBUG", "DECODE", "h"));
        assertEquals("+OK\r\n", h.call("PFSELFTEST"));
        h.call("PFADD", "s1", "x", "y");
        h.call("PFADD", "s2", "y", "z");
        assertEquals("+OK\r\n", h.call("PFMERGE", "m", "s1", "s2", "h"));
        assertEquals("+dense\r\n", h.call("PFDEBUG", "ENCODING", "m"), "a dense source makes the destination dense");
        assertEquals(":6\r\n", h.call("PFCOUNT", "m"));
    }
}
