package dev.cinnabar.server.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

class EvictionTest {
    private final EngineHarness h = new EngineHarness();

    private int exists(String prefix, int n) {
        int found = 0;
        for (int i = 0; i < n; i++) {
            found += h.call("EXISTS", prefix + i).equals(":1\r\n") ? 1 : 0;
        }
        return found;
    }

    /**
     * Sets maxmemory so that {@code keys} keys of about the given size must go (half a key of
     * slack for keys whose names are a byte shorter), with no time limit on a run.
     */
    private void squeezeOut(int keys, long bytesPerKey) {
        h.config.maxMemoryEvictionTenacity = 100;
        h.config.maxMemory = h.server.memory().used() - keys * bytesPerKey + bytesPerKey / 2;
    }

    @Test
    void atTheLimitTheKeyIndexIsNotDoubledWhenThatWouldPassMaxmemory() {
        h.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
        h.config.maxMemoryEvictionTenacity = 100;
        for (int i = 0; i < 3000; i++) {
            h.call("SET", "k" + i, "v");
        }
        dev.cinnabar.datatypes.KeyTable keys = h.server.keyspace().db(0).keys();
        while (keys.isRehashing()) {
            keys.rehash(1 << 20);
        }
        int length = keys.tableLength(0);
        // Room for the keys to come but not for an index twice the size.
        h.config.maxMemory = h.server.memory().used() + 8L * length / 2;
        int evictedBefore = (int) h.server.stats().evictedKeys;
        for (int i = 3000; i < 3000 + length; i++) {
            h.call("SET", "k" + i, "v");
        }
        assertEquals("+PONG\r\n", h.call("PING")); // evicts for the last SET, as the next command does
        assertFalse(keys.isRehashing());
        assertEquals(length, keys.tableLength(0), "the index kept its size");
        assertTrue(keys.size() > length * 80 / 100, "and filled past its usual 80%: " + keys.size());
        assertTrue(h.server.memory().used() <= h.config.maxMemory);
        assertTrue(h.server.stats().evictedKeys > evictedBefore, "the keys past the limit were evicted");
    }

    /**
     * Under allkeys-lru with 20 samples: keys old0..old49, then, 10 s later, new0..new49.
     * Returns what a key costs.
     */
    private long oldAndNewKeysUnderLru() {
        h.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
        h.call("CONFIG", "SET", "maxmemory-samples", "20");
        long before = h.server.memory().used();
        for (int i = 0; i < 50; i++) {
            h.call("SET", "old" + i, "x".repeat(100));
        }
        long perKey = (h.server.memory().used() - before) / 50;
        h.clock.advance(10_000);
        for (int i = 0; i < 50; i++) {
            h.call("SET", "new" + i, "x".repeat(100));
        }
        return perKey;
    }

    @Test
    void lruEvictsTheKeysIdleLongest() {
        long perKey = oldAndNewKeysUnderLru();
        squeezeOut(30, perKey);
        assertEquals("+PONG\r\n", h.call("PING"));
        assertTrue(h.server.memory().used() <= h.config.maxMemory);
        // Twenty samples of a hundred keys find the old ones: only old keys go.
        assertEquals(50, exists("new", 50));
        assertTrue(exists("old", 50) <= 21, "old keys left: " + exists("old", 50));
        assertEquals(h.server.stats().evictedKeys, 100 - Long.parseLong(h.call("DBSIZE").substring(1).strip()));
    }

    /**
     * The pool keeps candidates between runs by id. Candidates deleted meanwhile are ghosts even
     * when their ids went to new keys, which must not be evicted in their place.
     */
    @Test
    void poolCandidatesDeletedMeanwhileAreSkippedEvenWhenTheirIdsAreReused() {
        long perKey = oldAndNewKeysUnderLru();
        squeezeOut(5, perKey);
        assertEquals("+PONG\r\n", h.call("PING"));
        int oldLeft = exists("old", 50);
        assertTrue(oldLeft >= 40 && oldLeft < 50, "about five old keys went; the pool keeps more old ones: " + oldLeft);
        for (int i = 0; i < 50; i++) {
            h.call("DEL", "old" + i);
        }
        h.clock.advance(10_000);
        for (int i = 0; i < 45; i++) {
            h.call("SET", "fresh" + i, "x".repeat(100)); // the old keys' ids, reused
        }
        squeezeOut(5, perKey);
        assertEquals("+PONG\r\n", h.call("PING"));
        assertEquals(45, exists("fresh", 45), "no fresh key went in place of a ghost");
        assertTrue(exists("new", 50) < 50, "the idlest keys now went");
    }

    @Test
    void volatileTtlEvictsTheNearestExpiry() {
        h.call("CONFIG", "SET", "maxmemory-policy", "volatile-ttl");
        h.call("CONFIG", "SET", "maxmemory-samples", "20");
        for (int i = 0; i < 20; i++) {
            h.call("SET", "k" + i, "x".repeat(100), "EX", Integer.toString(1000 + i));
        }
        // What a key costs, measured by deleting five like them: the table's arrays do not
        // shrink for that, so the figure is the key's own, not a share of an array's doubling.
        for (int i = 0; i < 5; i++) {
            h.call("SET", "probe" + i, "x".repeat(100), "EX", "999999");
        }
        long before = h.server.memory().used();
        for (int i = 0; i < 5; i++) {
            h.call("DEL", "probe" + i);
        }
        long perKey = (before - h.server.memory().used()) / 5;
        squeezeOut(5, perKey);
        h.call("PING");
        for (int i = 0; i < 20; i++) {
            String exists = h.call("EXISTS", "k" + i);
            assertEquals(i < 5 ? ":0\r\n" : ":1\r\n", exists, "k" + i);
        }
    }

    @Test
    void noevictionRefusesWritesButServesReadsAndDeletes() {
        h.call("SET", "a", "1");
        h.config.maxMemory = 1;
        assertEquals("-OOM command not allowed when used memory > 'maxmemory'.\r\n", h.call("SET", "b", "1"));
        assertEquals("$1\r\n1\r\n", h.call("GET", "a"));
        assertEquals(":1\r\n", h.call("DEL", "a"));
        assertEquals("+OK\r\n", h.call("MULTI"));
        assertEquals("-OOM command not allowed when used memory > 'maxmemory'.\r\n", h.call("GET", "a"));
        assertEquals("-EXECABORT Transaction discarded because of previous errors.\r\n", h.call("EXEC"));
        assertEquals(0, h.server.stats().evictedKeys);
    }

    @Test
    void aRunStopsAtItsTimeLimitAndIsContinued() {
        h.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
        h.call("CONFIG", "SET", "maxmemory-eviction-tenacity", "0");
        for (int i = 0; i < 200; i++) {
            h.call("SET", "k" + i, "v");
        }
        h.config.maxMemory = 1;
        // No time allowed: each run evicts its sixteen keys and reports that it is not done.
        assertEquals(Eviction.Result.RUNNING, h.server.eviction().perform());
        assertEquals(16, h.server.stats().evictedKeys);
        assertTrue(h.server.eviction().running());
        while (h.server.eviction().perform() == Eviction.Result.RUNNING) {
            // continued, as the engine does between other work
        }
        assertEquals(200, h.server.stats().evictedKeys);
        assertEquals(Eviction.Result.FAIL, h.server.eviction().perform());
    }

    @Test
    void tenacityGivesEachRunMoreTime() {
        Eviction e = h.server.eviction();
        h.config.maxMemoryEvictionTenacity = 0;
        assertEquals(0, e.timeLimitMicros());
        h.config.maxMemoryEvictionTenacity = 10;
        assertEquals(500, e.timeLimitMicros());
        h.config.maxMemoryEvictionTenacity = 11;
        assertEquals(575, e.timeLimitMicros());
        h.config.maxMemoryEvictionTenacity = 99;
        assertTrue(e.timeLimitMicros() > 100_000_000L);
    }
}
