package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

/** DEBUG HTSTATS, HTSTATS-KEY and LISTPACK; the fixed texts are redis-server 7.0.15's. */
class DebugEncodingsTest {
    private final EngineHarness h = DebugCommandsTest.harness("yes");

    @Test
    void anEmptyDatabaseHasNoStats() {
        String empty = "Hash table 0 stats (main hash table):\nNo stats available for empty dictionaries\n";
        String text = "[Dictionary HT]\n" + empty + "[Expires HT]\n" + empty;
        assertEquals("$" + text.length() + "\r\n" + text + "\r\n", h.call("DEBUG", "HTSTATS", "3"));
        assertEquals("-ERR Out of range database\r\n", h.call("DEBUG", "HTSTATS", "16"));
    }

    @Test
    void aFullerTableShowsItsChains() {
        for (int i = 0; i < 100; i++) {
            h.call("SADD", "s", "m" + i);
        }
        // As on redis-server 7.0.15: each addition moves one bucket of the resize the 65th
        // started (skipping empty ones), so after 100 the old table mostly still holds some
        // members. Whether 35 steps finish it depends on how many of its 64 buckets the
        // process's random hash seed filled (about 41 on average; 35 or fewer now and then).
        String reply = h.call("DEBUG", "HTSTATS-KEY", "s");
        if (reply.contains("rehashing target")) {
            assertTrue(reply.contains("Hash table 0 stats (main hash table):\n table size: 64\n"), reply);
            assertTrue(reply.contains("Hash table 1 stats (rehashing target):\n table size: 128\n"), reply);
        } else {
            assertTrue(reply.contains("Hash table 0 stats (main hash table):\n table size: 128\n"), reply);
        }
        java.util.regex.Matcher used = java.util.regex.Pattern.compile("number of elements: (\\d+)").matcher(reply);
        int total = 0;
        while (used.find()) {
            total += Integer.parseInt(used.group(1));
        }
        assertEquals(100, total, reply);
        assertTrue(reply.contains(" Chain length distribution:\n   0: "), reply);
        h.call("HELLO", "3");
        assertTrue(h.call("DEBUG", "HTSTATS-KEY", "s").startsWith("="), "a verbatim string in RESP3");
    }

    @Test
    void listpacksOnly() {
        h.call("HSET", "h", "f", "v");
        assertEquals("+Listpack structure printed on stdout\r\n", h.call("DEBUG", "LISTPACK", "h"));
        h.call("RPUSH", "l", "a");
        assertEquals("-ERR Not a listpack encoded object.\r\n", h.call("DEBUG", "LISTPACK", "l"));
        assertEquals("-ERR The value stored at the specified key is not represented using an hash table\r\n",
                h.call("DEBUG", "HTSTATS-KEY", "h"));
        assertEquals("-ERR no such key\r\n", h.call("DEBUG", "LISTPACK", "nokey"));
    }
}
