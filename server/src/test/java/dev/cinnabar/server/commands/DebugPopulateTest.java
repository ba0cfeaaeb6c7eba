package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

/** DEBUG POPULATE, with redis-server 7.0.15's names, values and errors. */
class DebugPopulateTest {
    private static final String NOT_POSITIVE = "-ERR value is out of range, must be positive\r\n";
    private final EngineHarness h = DebugCommandsTest.harness("yes");

    @Test
    void keysAndValuesAreNumbered() {
        assertEquals("+OK\r\n", h.call("DEBUG", "POPULATE", "3"));
        assertEquals(":3\r\n", h.call("DBSIZE"));
        assertEquals("*3\r\n$7\r\nvalue:0\r\n$7\r\nvalue:1\r\n$7\r\nvalue:2\r\n", h.call("MGET", "key:0", "key:1", "key:2"));
        assertEquals("$6\r\nembstr\r\n", h.call("OBJECT", "ENCODING", "key:1"));
        assertEquals(":-1\r\n", h.call("TTL", "key:1"));
        assertEquals("+OK\r\n", h.call("DEBUG", "populate", "2", "p"));
        assertEquals("*2\r\n$7\r\nvalue:0\r\n$7\r\nvalue:1\r\n", h.call("MGET", "p:0", "p:1"));
        assertEquals("+OK\r\n", h.call("DEBUG", "POPULATE", "1", ""));
        assertEquals("$7\r\nvalue:0\r\n", h.call("GET", ":0"));
        assertEquals("+OK\r\n", h.call("DEBUG", "POPULATE", "0"));
        assertEquals(":6\r\n", h.call("DBSIZE"));
    }

    @Test
    void aSizeCutsOrPadsTheValue() {
        h.call("DEBUG", "POPULATE", "2", "cut", "3");
        assertEquals("*2\r\n$3\r\nval\r\n$3\r\nval\r\n", h.call("MGET", "cut:0", "cut:1"));
        h.call("DEBUG", "POPULATE", "1", "pad", "12");
        assertEquals("$12\r\nvalue:0\0\0\0\0\0\r\n", h.call("GET", "pad:0"));
        h.call("DEBUG", "POPULATE", "1", "big", "100");
        assertEquals(":100\r\n", h.call("STRLEN", "big:0"));
        assertEquals("$3\r\nraw\r\n", h.call("OBJECT", "ENCODING", "big:0"));
        h.call("DEBUG", "POPULATE", "1", "zero", "0");
        assertEquals("$7\r\nvalue:0\r\n", h.call("GET", "zero:0"), "0 is no size");
    }

    @Test
    void existingKeysStayButExpiredOnesAreReplaced() {
        h.call("SET", "key:1", "old");
        h.call("SET", "key:2", "gone", "PX", "10");
        h.clock.advance(100);
        assertEquals("+OK\r\n", h.call("DEBUG", "POPULATE", "3"));
        assertEquals("*3\r\n$7\r\nvalue:0\r\n$3\r\nold\r\n$7\r\nvalue:2\r\n", h.call("MGET", "key:0", "key:1", "key:2"));
        assertEquals(":-1\r\n", h.call("TTL", "key:2"));
        assertEquals(1, h.server.keyspace().expiredKeys);
    }

    @Test
    void itWritesTheSelectedDatabaseWithoutCountingChanges() {
        h.call("SELECT", "4");
        long dirty = h.server.keyspace().dirty;
        h.call("DEBUG", "POPULATE", "10");
        assertEquals(10, h.server.keyspace().db(4).size());
        assertEquals(0, h.server.keyspace().db(0).size());
        assertEquals(dirty, h.server.keyspace().dirty, "rdb_changes_since_last_save does not move, as in Redis");
    }

    @Test
    void keysAreCStringsInA128ByteBuffer() {
        // The prefix ends at a zero byte...
        h.call("DEBUG", "POPULATE", "1", "a\0b");
        assertEquals("$7\r\nvalue:0\r\n", h.call("GET", "a:0"));
        // ...and a key is cut to 127 bytes, so long prefixes make fewer keys.
        String p130 = "p".repeat(130);
        h.call("DEBUG", "POPULATE", "3", p130);
        assertEquals("$7\r\nvalue:0\r\n", h.call("GET", "p".repeat(127)));
        String p124 = "q".repeat(124);
        h.call("DEBUG", "POPULATE", "12", p124);
        assertEquals("$8\r\nvalue:11\r\n", h.call("GET", p124 + ":11"));
        assertEquals("$8\r\nvalue:10\r\n", h.call("GET", p124 + ":10"));
        assertEquals(":14\r\n", h.call("DBSIZE"));
        assertEquals("q".repeat(124) + ":1", new String(DebugPopulate.name("q".repeat(124).getBytes(), 1)));
        assertEquals("q".repeat(124) + ":10", new String(DebugPopulate.name("q".repeat(124).getBytes(), 100)));
    }

    @Test
    void badCountsAndSizes() {
        for (String bad : new String[] {"-1", "abc", "1.5", "01", "+2", " 2", "9223372036854775808", ""}) {
            assertEquals(NOT_POSITIVE, h.call("DEBUG", "POPULATE", bad), bad);
            assertEquals(NOT_POSITIVE, h.call("DEBUG", "POPULATE", "1", "x", bad), bad);
        }
        assertEquals(":0\r\n", h.call("DBSIZE"));
        assertEquals("-ERR value is out of range, must be at most 2147483639\r\n",
                h.call("DEBUG", "POPULATE", "1", "x", "2147483640"));
        String arity = "-ERR unknown subcommand or wrong number of arguments for 'POPULATE'. Try DEBUG HELP.\r\n";
        assertEquals(arity, h.call("DEBUG", "POPULATE"));
        assertEquals(arity, h.call("DEBUG", "POPULATE", "1", "x", "1", "y"));
    }
}
