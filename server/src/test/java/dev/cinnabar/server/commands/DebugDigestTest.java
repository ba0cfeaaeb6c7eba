package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.cinnabar.server.testing.BoxType;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** DEBUG DIGEST and DIGEST-VALUE; the expected signatures are redis-server 7.0.15's for the same data. */
class DebugDigestTest {
    private static final String ZEROS = "+" + "0".repeat(40) + "\r\n";

    private final EngineHarness h = DebugCommandsTest.harness("yes");

    private static String status(String hex) {
        return "+" + hex + "\r\n";
    }

    @Test
    void anEmptyServerIsAllZeros() {
        assertEquals(ZEROS, h.call("DEBUG", "DIGEST"));
        h.call("SET", "k", "v");
        h.call("DEL", "k");
        assertEquals(ZEROS, h.call("DEBUG", "DIGEST"));
    }

    @Test
    void valuesAsRedisSignsThem() {
        h.call("SET", "s", "hello");
        h.call("SET", "i", "12345");
        h.call("SET", "e", "");
        h.call("SET", "r", "x".repeat(50));
        h.call("SET", "t", "v", "EX", "1000");
        assertEquals("*6\r\n"
                + status("36b23a1456b2dce2c3ed252c456761301dba8060")
                + status("e1cf90774e995ae03de66e8109dc5cb9d9c2dc83")
                + status("8b3447c33a834b810e3e181b6fd6a2ee1020921c")
                + status("0bd0ba55ab9ee2bf15c3c5086e54e4cc642b2cc4")
                + status("311b17018163335616e089f6b951c82c477335ac")
                + ZEROS, h.call("DEBUG", "DIGEST-VALUE", "s", "i", "e", "r", "t", "nokey"));
        assertEquals(status("0383733d2f964f7813bf5df04af89c75f1ded0d5"), h.call("DEBUG", "DIGEST"));
        assertEquals("*0\r\n", h.call("DEBUG", "DIGEST-VALUE"));
    }

    @Test
    void theDatabaseNumberCounts() {
        h.call("SET", "s", "hello");
        assertEquals(status("a500c6b54937da22f2ac1167da1da852479c7339"), h.call("DEBUG", "DIGEST"));
        h.call("SELECT", "3");
        h.call("SET", "s", "hello");
        assertEquals(status("af3d2fd0d0efe4dff7c5b28a0b819bdcdb190e79"), h.call("DEBUG", "DIGEST"));
        h.call("FLUSHDB");
        h.call("SELECT", "0");
        h.call("MOVE", "s", "3");
        assertNotEquals(status("a500c6b54937da22f2ac1167da1da852479c7339"), h.call("DEBUG", "DIGEST"),
                "the same key in another database");
    }

    @Test
    void digestValueLooksInTheSelectedDatabase() {
        h.call("SELECT", "2");
        h.call("SET", "s", "hello");
        assertEquals("*1\r\n" + status("36b23a1456b2dce2c3ed252c456761301dba8060"), h.call("DEBUG", "DIGEST-VALUE", "s"));
        h.call("SELECT", "0");
        assertEquals("*1\r\n" + ZEROS, h.call("DEBUG", "DIGEST-VALUE", "s"));
    }

    @Test
    void onlyContentTypeAndHavingATtlCount() {
        h.call("SET", "a", "12345");
        String asInt = h.call("DEBUG", "DIGEST");
        h.call("DEL", "a");
        h.call("APPEND", "a", "123");
        h.call("APPEND", "a", "45");
        assertEquals("$3\r\nraw\r\n", h.call("OBJECT", "ENCODING", "a"));
        assertEquals(asInt, h.call("DEBUG", "DIGEST"), "int and raw encodings of the same text");

        h.call("EXPIRE", "a", "100");
        String ttl = h.call("DEBUG", "DIGEST");
        assertNotEquals(asInt, ttl);
        h.call("EXPIRE", "a", "5000");
        assertEquals(ttl, h.call("DEBUG", "DIGEST"), "when it expires does not count");
        h.call("PERSIST", "a");
        assertEquals(asInt, h.call("DEBUG", "DIGEST"));
    }

    @Test
    void theTableIsReadAsItIs() {
        h.call("SET", "k", "v", "PX", "10");
        String before = h.call("DEBUG", "DIGEST");
        String value = h.call("DEBUG", "DIGEST-VALUE", "k");
        h.clock.advance(1000);
        assertEquals(before, h.call("DEBUG", "DIGEST"), "a key past its TTL still counts");
        assertEquals(value, h.call("DEBUG", "DIGEST-VALUE", "k"));
        assertEquals(1, h.server.keyspace().db(0).size(), "and is not expired by it");
        assertEquals(0, h.server.keyspace().hits + h.server.keyspace().misses);
        assertEquals("$-1\r\n", h.call("GET", "k"));
        assertEquals(ZEROS, h.call("DEBUG", "DIGEST"));
    }

    @Test
    void keyOrderDoesNotMatter() {
        for (int i = 0; i < 200; i++) {
            h.call("SET", "k" + i, "v" + i);
        }
        String forward = h.call("DEBUG", "DIGEST");
        EngineHarness other = DebugCommandsTest.harness("yes");
        for (int i = 199; i >= 0; i--) {
            other.call("SET", "k" + i, "v" + i);
        }
        assertEquals(forward, other.call("DEBUG", "DIGEST"));
        other.call("SET", "k7", "changed");
        assertNotEquals(forward, other.call("DEBUG", "DIGEST"));
    }

    @Test
    void everyTypeAddsItsOwnPart() {
        byte[] key = "box".getBytes(StandardCharsets.US_ASCII);
        h.server.keyspace().db(0).add(key, BoxType.box(16));
        String sixteen = h.call("DEBUG", "DIGEST-VALUE", "box");
        assertNotEquals("*1\r\n" + ZEROS, sixteen);
        h.server.keyspace().db(0).delete(key);
        h.server.keyspace().db(0).add(key, BoxType.box(32));
        assertNotEquals(sixteen, h.call("DEBUG", "DIGEST-VALUE", "box"));
    }

    @Test
    void arity() {
        assertEquals("-ERR unknown subcommand or wrong number of arguments for 'DIGEST'. Try DEBUG HELP.\r\n",
                h.call("DEBUG", "DIGEST", "k"));
    }
}
