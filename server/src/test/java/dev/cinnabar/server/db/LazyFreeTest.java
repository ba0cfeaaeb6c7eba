package dev.cinnabar.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.server.testing.EngineHarness;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * INFO's lazyfreed_objects counts what redis-server 7.0.15 frees on its background thread: a
 * value of more than 64 allocations deleted lazily, or every key of a database flushed ASYNC.
 * The expected counts are what Redis showed for the same commands.
 */
class LazyFreeTest {
    private final EngineHarness h = new EngineHarness();

    private long freed() {
        Matcher m = Pattern.compile("lazyfreed_objects:(\\d+)").matcher(h.call("INFO", "memory"));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private void bigSet(String key) {
        for (int i = 0; i < 100; i++) {
            h.call("SADD", key, "m" + i);
        }
    }

    @Test
    void unlinkCountsOnlyValuesOverTheThreshold() {
        for (int i = 0; i < 60; i++) {
            h.call("SADD", "small", "m" + i);
        }
        bigSet("big");
        h.call("SADD", "ints", "1", "2");
        h.call("SET", "s", "v");
        assertEquals(":4\r\n", h.call("UNLINK", "small", "big", "ints", "s"));
        assertEquals(1, freed());
        h.call("CONFIG", "SET", "hash-max-listpack-entries", "10");
        for (int i = 0; i < 65; i++) {
            h.call("HSET", "hash", "f" + i, "v");
        }
        h.call("HSET", "packed", "f", "v");
        h.call("UNLINK", "hash", "packed");
        assertEquals(2, freed());
    }

    @Test
    void delIsLazyOnlyUnderLazyfreeLazyUserDel() {
        bigSet("big");
        h.call("DEL", "big");
        assertEquals(0, freed());
        h.call("CONFIG", "SET", "lazyfree-lazy-user-del", "yes");
        bigSet("big");
        h.call("DEL", "big");
        assertEquals(1, freed());
    }

    @Test
    void anOverwriteIsLazyUnderLazyfreeLazyServerDel() {
        bigSet("big");
        h.call("SET", "big", "x");
        assertEquals(0, freed());
        h.call("CONFIG", "SET", "lazyfree-lazy-server-del", "yes");
        bigSet("big2");
        h.call("SET", "big2", "x");
        assertEquals(1, freed());
    }

    @Test
    void renamingMovesTheValueAndFreesNothing() {
        h.call("CONFIG", "SET", "lazyfree-lazy-server-del", "yes");
        bigSet("a");
        h.call("RENAME", "a", "b");
        h.call("MOVE", "b", "1");
        assertEquals(0, freed());
        bigSet("c");
        h.call("SELECT", "1");
        h.call("RENAME", "b", "c"); // c in db 1 does not exist; nothing overwritten
        h.call("SELECT", "0");
        bigSet("d");
        h.call("RENAME", "c", "d"); // d's old value is dropped
        assertEquals(1, freed());
    }

    @Test
    void flushAsyncCountsEveryKeyAndResetstatClears() {
        h.call("SET", "a", "1");
        h.call("SET", "b", "2");
        h.call("SELECT", "2");
        h.call("SET", "c", "3");
        h.call("FLUSHALL", "SYNC");
        assertEquals(0, freed());
        h.call("SET", "c", "3");
        h.call("SELECT", "0");
        h.call("SET", "a", "1");
        h.call("FLUSHALL", "ASYNC");
        assertEquals(2, freed());
        h.call("SET", "a", "1");
        h.call("CONFIG", "SET", "lazyfree-lazy-user-flush", "yes");
        h.call("FLUSHDB");
        assertEquals(3, freed());
        h.call("CONFIG", "RESETSTAT");
        assertEquals(0, freed());
    }
}
