package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.value.ValueTypes;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.testing.BoxType;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The generic commands know a value only through its type, and the string commands
 * refuse any other type with WRONGTYPE: shown with a type that exists only in this test, as a
 * new collection type will plug in.
 */
class ValueTypeDispatchTest {
    private static final String WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

    private final EngineHarness h = harness();
    private final Db db = h.server.keyspace().db(0);

    private static EngineHarness harness() {
        ServerConfig config = new ServerConfig();
        config.enableDebugCommand = "yes";
        return new EngineHarness(config);
    }

    private void box(String key, int size) {
        db.add(key.getBytes(StandardCharsets.UTF_8), BoxType.box(size));
    }

    @Test
    void genericCommandsAskTheType() {
        box("b", 1000);
        assertEquals("+box\r\n", h.call("TYPE", "b"));
        assertEquals("$9\r\ncardboard\r\n", h.call("OBJECT", "ENCODING", "b"));
        assertEquals(":1\r\n", h.call("OBJECT", "REFCOUNT", "b"));
        assertTrue(h.call("DEBUG", "OBJECT", "b").contains(" encoding:cardboard serializedlength:7 "));
        assertEquals("*2\r\n$1\r\n0\r\n*1\r\n$1\r\nb\r\n", h.call("SCAN", "0", "TYPE", "box"));
        assertEquals("*2\r\n$1\r\n0\r\n*0\r\n", h.call("SCAN", "0", "TYPE", "string"));
    }

    @Test
    void copyDuplicatesThroughTheType() {
        box("b", 1000);
        assertEquals(":1\r\n", h.call("COPY", "b", "c"));
        Object original = db.entry("b".getBytes(StandardCharsets.UTF_8)).value();
        Object copy = db.entry("c".getBytes(StandardCharsets.UTF_8)).value();
        assertNotSame(original, copy);
        assertSame(BoxType.TYPE, ValueTypes.of(copy));
    }

    @Test
    void memoryCountsWhatTheTypeMeasures() {
        h.call("SET", "other", "v"); // the key table exists, so its buckets are in both figures
        long before = db.memory();
        box("b", 1000);
        assertTrue(db.memory() - before >= 1000, "the value's own size is accounted");
        long usage = Long.parseLong(h.call("MEMORY", "USAGE", "b").replaceAll("[^0-9]", ""));
        assertTrue(usage >= 1000, "MEMORY USAGE " + usage);
        h.call("DEL", "b");
        assertEquals(before, db.memory());
    }

    @Test
    void stringCommandsRefuseAnotherType() {
        box("b", 1);
        for (String[] command : new String[][] {
            {"GET", "b"}, {"STRLEN", "b"}, {"APPEND", "b", "x"}, {"INCR", "b"}, {"DECRBY", "b", "2"},
            {"INCRBYFLOAT", "b", "1.5"}, {"GETRANGE", "b", "0", "1"}, {"SETRANGE", "b", "0", "x"},
            {"GETEX", "b"}, {"GETDEL", "b"}, {"GETSET", "b", "v"}, {"SET", "b", "v", "GET"},
        }) {
            assertEquals(WRONGTYPE, h.call(command), String.join(" ", command));
        }
        assertEquals("-ERR The specified keys must contain string values\r\n", h.call("LCS", "b", "b"));
        assertEquals("*1\r\n$-1\r\n", h.call("MGET", "b"));
        assertEquals("+box\r\n", h.call("TYPE", "b"), "nothing above changed the key");
        assertEquals("+OK\r\n", h.call("SET", "b", "v"), "a plain SET replaces a value of any type");
        assertEquals("+string\r\n", h.call("TYPE", "b"));
    }
}
