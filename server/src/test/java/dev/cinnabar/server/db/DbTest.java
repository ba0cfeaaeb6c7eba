package dev.cinnabar.server.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Lazy expiry and lookups, with the clock moved by hand. */
class DbTest {
    private final ManualClock clock = new ManualClock();
    private final Keyspace ks = new Keyspace(16, clock);
    private final Db db = ks.db(0);
    private final List<String> modified = new ArrayList<>();

    DbTest() {
        ks.addObserver(new KeyspaceObserver() {
            @Override
            public void keyModified(Object client, Db d, byte[] key, int off, int len) {
                modified.add(new String(key, off, len, StandardCharsets.UTF_8));
            }

            @Override
            public void databaseFlushed(Db d) {
            }
        });
    }

    private static byte[] k(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private KeyEntry put(String key, long ttlMillis) {
        KeyEntry e = db.setKey(k(key), k("v"), false);
        if (ttlMillis >= 0) {
            db.setExpire(e, clock.millis() + ttlMillis);
        }
        return e;
    }

    /** Moves the clock and freezes the new time, as the engine does before each command. */
    private void advance(long ms) {
        clock.advance(ms);
        ks.updateTime();
    }

    private Object read(String key) {
        return db.lookupRead(Argv.of(key), 0);
    }

    @Test
    void aKeyLivesThroughItsExpiryMillisecondAndIsGoneAfter() {
        put("k", 100);
        advance(100);
        assertNotNull(read("k"));
        assertEquals(0, ks.expiredKeys);
        advance(1);
        modified.clear();
        assertNull(read("k"));
        assertEquals(1, ks.expiredKeys);
        assertEquals(List.of("k"), modified);
        assertEquals(0, db.size());
        assertEquals(0, db.expiresSize());
    }

    @Test
    void timeIsFrozenUntilTheNextCommand() {
        put("k", 10);
        clock.advance(50);
        assertNotNull(read("k"), "the running command still sees its start time");
        ks.updateTime();
        assertNull(read("k"));
    }

    @Test
    void everyKindOfLookupExpiresTheKey() {
        for (int i = 0; i < 6; i++) {
            put("k" + i, 10);
        }
        advance(11);
        assertNull(db.lookupRead(Argv.of("k0"), 0));
        assertNull(db.lookupWrite(Argv.of("k1"), 0));
        assertNull(db.peek(Argv.of("k2"), 0));
        assertNull(db.entry(k("k3")));
        assertFalse(db.delete(k("k4")));
        assertTrue(db.expireIfNeeded(k("k5")));
        assertEquals(6, ks.expiredKeys);
        assertEquals(0, db.size());
    }

    @Test
    void isExpiredReportsWithoutDeleting() {
        put("k", 10);
        put("p", -1);
        advance(11);
        assertTrue(db.isExpired(k("k")));
        assertFalse(db.isExpired(k("p")));
        assertFalse(db.isExpired(k("missing")));
        assertEquals(2, db.size());
        assertEquals(0, ks.expiredKeys);
    }

    @Test
    void expireIfNeededIsFalseForMissingAndLiveKeys() {
        put("live", 1000);
        assertFalse(db.expireIfNeeded(k("live")));
        assertFalse(db.expireIfNeeded(k("missing")));
    }

    @Test
    void aReplicaHidesExpiredKeysButKeepsThem() {
        put("k", 10);
        ks.expiryEnabled(false);
        advance(11);
        assertNull(read("k"));
        assertTrue(db.expireIfNeeded(k("k")));
        assertEquals(1, db.size());
        assertEquals(0, ks.expiredKeys);
        ks.expiryEnabled(true);
        assertNull(read("k"));
        assertEquals(0, db.size());
    }

    @Test
    void aNegativeExpiryTimeNeverExpiresByItself() {
        // Only a replica can hold one: it keeps the key until the master deletes it.
        KeyEntry e = put("k", -1);
        db.setExpire(e, -5);
        advance(1000);
        assertNotNull(read("k"));
        assertFalse(db.isExpired(k("k")));
    }

    @Test
    void setKeyOnAnExpiredKeyStartsFromScratchEvenWithKeepTtl() {
        put("k", 10);
        advance(11);
        db.setKey(k("k"), k("new"), true);
        assertEquals(-1, db.expireAt(k("k")));
        assertEquals(1, ks.expiredKeys);
    }

    @Test
    void setKeyKeepsOrDropsALiveTtl() {
        put("k", 1000);
        long when = db.expireAt(k("k"));
        db.setKey(k("k"), k("w"), true);
        assertEquals(when, db.expireAt(k("k")));
        db.setKey(k("k"), k("x"), false);
        assertEquals(-1, db.expireAt(k("k")));
    }

    @Test
    void readLookupsCountHitsAndMissesWriteLookupsDoNot() {
        put("k", -1);
        read("k");
        read("nope");
        db.peek(Argv.of("k"), 0);
        db.peek(Argv.of("nope"), 0);
        db.peekEntry(Argv.of("nope"), 0);
        assertEquals(2, ks.hits);
        assertEquals(3, ks.misses);
        db.lookupWrite(Argv.of("k"), 0);
        db.lookupWrite(Argv.of("nope"), 0);
        db.writeEntry(Argv.of("k"), 0);
        assertEquals(2, ks.hits);
        assertEquals(3, ks.misses);
    }

    @Test
    void readsAndWritesRecordTheAccessButPeeksDoNot() {
        KeyEntry e = put("k", -1);
        int created = e.meta();
        advance(5000);
        db.peek(Argv.of("k"), 0);
        db.peekEntry(Argv.of("k"), 0);
        assertEquals(created, e.meta());
        assertEquals(5000, ks.access().idleMillis(e.meta()));
        db.lookupWrite(Argv.of("k"), 0);
        assertEquals(0, ks.access().idleMillis(e.meta()));
        advance(3000);
        read("k");
        assertEquals(0, ks.access().idleMillis(e.meta()));
    }

    @Test
    void expireAtReadsSlicesAndWholeKeys() {
        put("key", 1234);
        byte[] buf = k("xxkeyxx");
        assertEquals(clock.millis() + 1234, db.expireAt(buf, 2, 3));
        assertEquals(clock.millis() + 1234, db.expireAt(k("key")));
        assertEquals(-1, db.expireAt(k("nokey")));
        assertTrue(db.removeExpire(db.entry(k("key"))));
        assertFalse(db.removeExpire(db.entry(k("key"))));
        assertEquals(-1, db.expireAt(buf, 2, 3));
    }

    @Test
    void randomKeyDeletesExpiredKeysAndEndsWithNullWhenAllHavePassed() {
        for (int i = 0; i < 200; i++) {
            put("k" + i, 10);
        }
        advance(11);
        assertNull(db.randomKey(new Random(1)));
        assertEquals(0, db.size());
        assertEquals(200, ks.expiredKeys);
    }

    @Test
    void randomKeySkipsExpiredKeysForLiveOnes() {
        for (int i = 0; i < 100; i++) {
            put("dead" + i, 10);
        }
        put("alive", -1);
        advance(11);
        Random r = new Random(2);
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(k("alive"), db.randomKey(r));
        }
        assertTrue(db.size() < 101, "expired picks were deleted on the way");
    }

    @Test
    void randomKeyOnAReplicaWhereEverythingHasPassedStillAnswers() {
        for (int i = 0; i < 20; i++) {
            put("k" + i, 10);
        }
        ks.expiryEnabled(false);
        advance(11);
        byte[] key = db.randomKey(new Random(3));
        assertNotNull(key, "gives up after 100 expired picks instead of looping");
        assertEquals(20, db.size());
    }

    @Test
    void randomKeyOfAnEmptyDatabaseIsNull() {
        assertNull(db.randomKey(new Random(4)));
    }
}
