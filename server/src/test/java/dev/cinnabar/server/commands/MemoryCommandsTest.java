package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.testing.EngineHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MemoryCommandsTest {
    private final EngineHarness h = new EngineHarness();

    @Test
    void usageOfAMissingKeyIsNull() {
        assertEquals("$-1\r\n", h.call("MEMORY", "USAGE", "nokey"));
        h.call("HELLO", "3");
        assertEquals("_\r\n", h.call("MEMORY", "USAGE", "nokey"));
    }

    @Test
    void usageCountsEntryKeyValueAndExpiry() {
        h.call("SET", "b", "hello");
        // The key's share of the table 44: its record with "hello" inline 16, id slots 12, index 16.
        assertEquals(":44\r\n", h.call("MEMORY", "USAGE", "b"));
        h.call("SET", "i", "123");
        assertEquals(":36\r\n", h.call("MEMORY", "USAGE", "i"), "a shared integer costs nothing of its own");
        h.call("SET", "l", "123456789");
        assertEquals(":60\r\n", h.call("MEMORY", "USAGE", "l"), "a boxed long is 24 bytes");
        h.call("EXPIRE", "b", "100");
        assertEquals(":60\r\n", h.call("MEMORY", "USAGE", "b"), "plus 16 for the expiry");
        h.call("APPEND", "b", "!");
        // A raw string, out of the record: 36 for the key's share, 24 for the object, and its array
        // grown to twice the length (12 + 16 -> 32).
        assertEquals(":" + (36 + 24 + 32 + 16) + "\r\n", h.call("MEMORY", "USAGE", "b"));
    }

    @Test
    void usageOptions() {
        h.call("SET", "k", "v");
        assertEquals(":36\r\n", h.call("MEMORY", "USAGE", "k", "SAMPLES", "0"));
        assertEquals(":36\r\n", h.call("memory", "usage", "k", "samples", "5", "samples", "7"));
        assertEquals("-ERR syntax error\r\n", h.call("MEMORY", "USAGE", "k", "SAMPLES", "-1"));
        assertEquals("-ERR value is not an integer or out of range\r\n", h.call("MEMORY", "USAGE", "k", "SAMPLES", "x"));
        assertEquals("-ERR syntax error\r\n", h.call("MEMORY", "USAGE", "k", "SAMPLES"));
        assertEquals("-ERR syntax error\r\n", h.call("MEMORY", "USAGE", "k", "FOO", "1"));
        // Options are checked before the key is looked up.
        assertEquals("-ERR syntax error\r\n", h.call("MEMORY", "USAGE", "nokey", "FOO"));
        assertEquals("-ERR wrong number of arguments for 'memory|usage' command\r\n", h.call("MEMORY", "USAGE"));
    }

    @Test
    void usageDoesNotExpireCountOrTouch() {
        h.call("SET", "k", "v", "PX", "10");
        h.clock.advance(1000);
        String before = h.call("INFO", "stats");
        assertEquals(":52\r\n", h.call("MEMORY", "USAGE", "k"), "the table is read as it is, like Redis");
        assertEquals(":1\r\n", h.call("DBSIZE"));
        assertEquals(before.length(), h.call("INFO", "stats").length());
    }

    @Test
    void statsHasRedisKeysInOrder() {
        h.call("SET", "a", "1");
        h.call("SELECT", "3");
        h.call("SET", "b", "2", "EX", "100");
        String reply = h.call("MEMORY", "STATS");
        List<String> keys = new ArrayList<>();
        Matcher m = Pattern.compile("\\$\\d+\\r\\n([a-z][a-z0-9.\\-]*)\\r\\n").matcher(reply);
        while (m.find()) {
            keys.add(m.group(1));
        }
        assertEquals(List.of("peak.allocated", "total.allocated", "startup.allocated", "replication.backlog",
                "clients.slaves", "clients.normal", "cluster.links", "aof.buffer", "lua.caches", "functions.caches",
                "db.0", "overhead.hashtable.main", "overhead.hashtable.expires", "overhead.hashtable.slot-to-keys",
                "db.3", "overhead.hashtable.main", "overhead.hashtable.expires", "overhead.hashtable.slot-to-keys",
                "overhead.total", "keys.count", "keys.bytes-per-key", "dataset.bytes", "dataset.percentage",
                "peak.percentage", "allocator.allocated", "allocator.active", "allocator.resident",
                "allocator-fragmentation.ratio", "allocator-fragmentation.bytes", "allocator-rss.ratio",
                "allocator-rss.bytes", "rss-overhead.ratio", "rss-overhead.bytes", "fragmentation",
                "fragmentation.bytes"), keys);
        assertTrue(reply.startsWith("*58\r\n"), reply);
        // db.3, one key: a 4-slot index (48), its value, record and meta slots (12), the headers
        // of the first id page's three arrays (48), the arrays of pages (72 + 24 + 72). Its
        // expiry: the first 4 slots of the lists of ids (32) and times (48) and their arrays of
        // pages (2 x 24), a first page of 8 places (48), its array of pages and its count (2 x 24).
        assertTrue(reply.contains("$4\r\ndb.3\r\n*6\r\n$23\r\noverhead.hashtable.main\r\n:276\r\n"
                + "$26\r\noverhead.hashtable.expires\r\n:224\r\n"), reply);
        assertTrue(reply.contains("$10\r\nkeys.count\r\n:2\r\n"), reply);
        h.call("HELLO", "3");
        String resp3 = h.call("MEMORY", "STATS");
        assertTrue(resp3.startsWith("%29\r\n"), resp3);
        assertTrue(resp3.contains("$4\r\ndb.0\r\n%3\r\n"), resp3);
        assertTrue(resp3.matches("(?s).*\\$18\\r\\ndataset.percentage\\r\\n,[0-9.e+-]+\\r\\n.*"), resp3);
    }

    @Test
    void doctorOnAnEmptyServer() {
        String reply = h.call("MEMORY", "DOCTOR");
        assertTrue(reply.startsWith("$"), reply);
        assertTrue(reply.contains("less than 5 MB"), reply);
        h.call("HELLO", "3");
        assertTrue(h.call("MEMORY", "DOCTOR").matches("(?s)=\\d+\\r\\ntxt:This server .*\\n\\r\\n"));
    }

    @Test
    void doctorNamesWhatItFinds() {
        // Written by a client that then leaves, so that its 16 MB query buffer goes with it.
        Client writer = h.newClient();
        h.call(writer, "SET", "big", "x".repeat(16 << 20));
        h.engine.disconnected(writer);
        h.call("CONFIG", "SET", "maxmemory", Long.toString(Runtime.getRuntime().maxMemory() * 2));
        String reply = h.call("MEMORY", "DOCTOR");
        // The process size may or may not be reported too, depending on this JVM's resident set.
        assertTrue(reply.matches("(?s)\\$\\d+\r\n(One memory issue|\\d memory issues) found:\n\n \\* .*"), reply);
        assertTrue(reply.contains("\n * maxmemory: it is set to "), reply);
        assertTrue(!reply.contains("Peak memory"), reply);
        h.call("DEL", "big");
        h.call("SET", "small", "x".repeat(6 << 20));
        reply = h.call("MEMORY", "DOCTOR");
        assertTrue(reply.contains("\n * Peak memory: the server once used "), reply);
    }

    @Test
    void mallocStatsPurgeAndHelp() {
        String stats = h.call("MEMORY", "MALLOC-STATS");
        assertTrue(stats.contains("___ JVM memory statistics ___\nJava: "), stats);
        assertTrue(stats.contains("\nHeap: used "), stats);
        assertEquals("+OK\r\n", h.call("MEMORY", "PURGE"));
        String help = h.call("memory", "help");
        assertTrue(help.startsWith("*14\r\n+MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+DOCTOR\r\n"), help);
        assertTrue(help.endsWith("+HELP\r\n+    Prints this help.\r\n"), help);
    }

    @Test
    void containerErrors() {
        assertEquals("-ERR wrong number of arguments for 'memory' command\r\n", h.call("MEMORY"));
        assertEquals("-ERR unknown subcommand 'foo'. Try MEMORY HELP.\r\n", h.call("MEMORY", "foo"));
        assertEquals("-ERR wrong number of arguments for 'memory|stats' command\r\n", h.call("MEMORY", "STATS", "x"));
        assertEquals("-ERR wrong number of arguments for 'memory|doctor' command\r\n", h.call("MEMORY", "DOCTOR", "x"));
        assertEquals("-ERR wrong number of arguments for 'memory|purge' command\r\n", h.call("MEMORY", "PURGE", "x"));
        assertEquals("-ERR wrong number of arguments for 'memory|help' command\r\n", h.call("MEMORY", "HELP", "x"));
    }
}
