package dev.cinnabar.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.server.db.Clock;
import dev.cinnabar.server.stats.ServerStats;
import dev.cinnabar.server.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ActiveExpireCycleTest {
    private static final int HZ = 10;

    private final ManualClock clock = new ManualClock();
    private final Keyspace ks = new Keyspace(16, clock);
    private final ServerStats stats = new ServerStats();
    private final ActiveExpireCycle cycle = new ActiveExpireCycle(ks, stats);

    private static byte[] k(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void put(Db db, String key, long expireAt) {
        KeyEntry e = db.setKey(k(key), k("v"), false);
        if (expireAt >= 0) {
            db.setExpire(e, expireAt);
        }
    }

    /** Runs the cron's cycle as the engine does: time refreshed first. */
    private void cron() {
        ks.updateTime();
        cycle.slow(HZ, 1);
    }

    @Test
    void shortTtlsDisappearWithoutAnyAccessWhileLongOnesStay() {
        Db db = ks.db(0);
        long start = clock.millis();
        for (int i = 0; i < 10_000; i++) {
            put(db, "short:" + i, start + 100);
            put(db, "long:" + i, start + 3_600_000);
        }
        for (int i = 0; i < 1_000; i++) {
            put(db, "plain:" + i, -1);
        }
        cron();
        assertEquals(21_000, db.size(), "nothing is due yet");

        clock.advance(101);
        int cycles = 0;
        while (db.size() > 11_000 && cycles < 10_000) {
            cron();
            cycles++;
        }
        assertEquals(11_000, db.size());
        assertEquals(10_000, db.expiresSize());
        assertEquals(10_000, ks.expiredKeys);
        for (int i = 0; i < 10_000; i += 997) {
            assertTrue(db.find(k("long:" + i)) != null);
            assertTrue(db.find(k("short:" + i)) == null);
        }
        assertTrue(db.avgTtl > 3_000_000 && db.avgTtl <= 3_600_000, "avg_ttl " + db.avgTtl);
    }

    @Test
    void aKeyIsNotExpiredDuringItsOwnMillisecond() {
        Db db = ks.db(0);
        put(db, "k", clock.millis() + 50);
        clock.advance(50);
        cron();
        assertEquals(1, db.size());
        clock.advance(1);
        cron();
        assertEquals(0, db.size());
    }

    @Test
    void everyDatabaseIsVisited() {
        long due = clock.millis() + 10;
        for (int d = 0; d < 16; d++) {
            for (int i = 0; i < 100; i++) {
                put(ks.db(d), "k" + i, due);
            }
        }
        clock.advance(11);
        for (int i = 0; i < 100 && ks.totalKeys() > 0; i++) {
            cron();
        }
        assertEquals(0, ks.totalKeys());
        assertEquals(1600, ks.expiredKeys);
    }

    @Test
    void listenersHearOfEachExpiredKey() {
        Db db = ks.db(3);
        int[] heard = new int[1];
        ks.addObserver(new KeyspaceObserver() {
            @Override
            public void keyModified(Object client, Db d, byte[] key, int off, int len) {
                assertEquals(3, d.id);
                heard[0]++;
            }

            @Override
            public void databaseFlushed(Db d) {
            }
        });
        for (int i = 0; i < 50; i++) {
            put(db, "k" + i, clock.millis() + 5);
        }
        heard[0] = 0;
        clock.advance(6);
        for (int i = 0; i < 100 && db.size() > 0; i++) {
            cron();
        }
        assertEquals(50, heard[0]);
    }

    @Test
    void aReplicaLeavesExpiryToItsMaster() {
        Db db = ks.db(0);
        for (int i = 0; i < 100; i++) {
            put(db, "k" + i, clock.millis() + 5);
        }
        ks.expiryEnabled(false);
        clock.advance(10);
        for (int i = 0; i < 10; i++) {
            cron();
        }
        assertEquals(100, db.size());
    }

    @Test
    void theSlowCycleStopsAtItsTimeBudget() {
        // Each deletion costs 10 simulated microseconds; the budget at hz 10 is 25% of 100 ms.
        TickingClock tc = new TickingClock();
        Keyspace tks = new Keyspace(16, tc);
        ServerStats st = new ServerStats();
        ActiveExpireCycle c = new ActiveExpireCycle(tks, st);
        tks.addObserver(new KeyspaceObserver() {
            @Override
            public void keyModified(Object client, Db d, byte[] key, int off, int len) {
                tc.nanos += 10_000;
            }

            @Override
            public void databaseFlushed(Db d) {
            }
        });
        Db db = tks.db(0);
        for (int i = 0; i < 100_000; i++) {
            put(db, "k" + i, tc.millis + 1);
        }
        tc.millis += 2;
        tks.updateTime();

        long budgetMicros = 25L * 1_000_000 / HZ / 100;
        c.slow(HZ, 1);
        long deleted = tks.expiredKeys;
        assertEquals(1, st.expireCycleTimeCapReached);
        assertTrue(deleted * 10 > budgetMicros, "stopped before its budget: " + deleted);
        // The clock is read every 16 rounds of at least 20 sampled keys (a bucket may hold more).
        assertTrue(deleted * 10 <= budgetMicros + 16 * 40 * 10, "ran past its budget: " + deleted);
        assertTrue(st.expireCycleMicros >= budgetMicros);

        c.slow(HZ, 1);
        assertEquals(2, st.expireCycleTimeCapReached);
        assertTrue(tks.expiredKeys > deleted && tks.expiredKeys < 100_000);
    }

    @Test
    void theBudgetHoldsAcrossManySmallDatabases() {
        // No database needs 16 rounds on its own, so only a count kept across databases ever
        // reaches a clock check. Each deletion costs 100 us against a 25 ms budget. As in Redis,
        // a round that ends a database (it is empty, or too sparse to sample) skips the check,
        // so when a database's last round falls on a 16th one the check comes 16 rounds later:
        // where the cycle stops depends on the tables' layout (their hash seed), not whether.
        TickingClock tc = new TickingClock();
        Keyspace tks = new Keyspace(16, tc);
        ServerStats st = new ServerStats();
        ActiveExpireCycle c = new ActiveExpireCycle(tks, st);
        tks.addObserver(new KeyspaceObserver() {
            @Override
            public void keyModified(Object client, Db d, byte[] key, int off, int len) {
                tc.nanos += 100_000;
            }

            @Override
            public void databaseFlushed(Db d) {
            }
        });
        int keys = 0;
        for (int d = 0; d < 16; d++) {
            for (int i = 0; i < 100; i++) {
                put(tks.db(d), "k" + d + ":" + i, tc.millis + 1);
                keys++;
            }
        }
        tc.millis += 2;
        tks.updateTime();
        c.slow(HZ, 1);
        assertEquals(1, st.expireCycleTimeCapReached);
        assertTrue(tks.expiredKeys >= 250 && tks.expiredKeys < keys - 300, "deleted " + tks.expiredKeys);
    }

    /** Each key deleted by the fast-cycle test costs 1 simulated microsecond. */
    @Test
    void theFastCycleRunsOnlyAfterTheSlowOneRanOutOfTimeAndNotTooOften() {
        TickingClock tc = new TickingClock();
        Keyspace tks = new Keyspace(1, tc);
        ServerStats st = new ServerStats();
        ActiveExpireCycle c = new ActiveExpireCycle(tks, st);
        tks.addObserver(new KeyspaceObserver() {
            @Override
            public void keyModified(Object client, Db d, byte[] key, int off, int len) {
                tc.nanos += 1_000;
            }

            @Override
            public void databaseFlushed(Db d) {
            }
        });
        Db db = tks.db(0);
        for (int i = 0; i < 100_000; i++) {
            put(db, "k" + i, tc.millis + 1);
        }
        tc.millis += 2;
        tks.updateTime();

        c.fast(HZ, 1);
        assertEquals(0, tks.expiredKeys, "no fast cycle while the slow one keeps up");

        c.slow(HZ, 1);
        assertEquals(1, st.expireCycleTimeCapReached);
        long afterSlow = tks.expiredKeys;

        c.fast(HZ, 1);
        long afterFast = tks.expiredKeys;
        assertTrue(afterFast > afterSlow, "a fast cycle follows a slow one that hit its budget");
        // The fast cycle's budget is 1 ms: about a thousand deletions at 1 us each.
        long fastMicros = afterFast - afterSlow;
        assertTrue(fastMicros >= 1000 && fastMicros <= 1000 + 16 * 40, "fast cycle ran " + fastMicros + " us");

        c.fast(HZ, 1);
        assertEquals(afterFast, tks.expiredKeys, "not again within twice its duration");
        tc.nanos += 2_000_000;
        c.fast(HZ, 1);
        assertTrue(tks.expiredKeys > afterFast);
    }

    /**
     * Redis skips a expires table under 1% full (its samples would mostly hit empty buckets)
     * until the cron shrinks it. The keys with a TTL are a dense list here, so there is nothing
     * to skip: the one key left with a time is expired by the next cycle.
     */
    @Test
    void theOneKeyLeftWithATimeIsExpiredAtOnce() {
        Db db = ks.db(0);
        for (int i = 0; i < 1000; i++) {
            put(db, "k" + i, clock.millis() + 1_000_000);
        }
        for (int i = 1; i < 1000; i++) {
            db.removeExpire(db.entry(k("k" + i)));
        }
        db.setExpire(db.entry(k("k0")), clock.millis() + 1);
        clock.advance(5);
        cron();
        assertEquals(999, db.size());
        assertEquals(0, db.expiresSize());
    }

    /** A clock whose time moves only when a test moves it, in nanoseconds. */
    private static final class TickingClock implements Clock {
        long millis = 1_700_000_000_000L;
        long nanos = 1_000_000_000L;

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public long nanos() {
            return nanos;
        }
    }

    @Test
    void hashFieldsExpireAtMostTenThousandPerSecondAndDatabase() {
        Db db = ks.db(0);
        dev.cinnabar.datatypes.value.HashValue h = new dev.cinnabar.datatypes.value.HashValue();
        h.enableExpiries();
        for (int i = 0; i < 2500; i++) {
            byte[] f = k("f" + i);
            h.set(f, k("v"), 128, 64);
            h.setExpireTime(f, 0, f.length, clock.millis() + 10);
        }
        h.set(k("stays"), k("v"), 128, 64);
        db.add(k("h"), h);
        assertEquals(clock.millis() + 10, db.nextFieldExpiry());
        clock.advance(10);
        cron();
        // 10000 a second at hz 10: 1000 a cycle.
        assertEquals(1501, h.size());
        cron();
        cron();
        assertEquals(1, h.size());
        assertEquals(-1, db.nextFieldExpiry());
        assertTrue(db.find(k("h")) != null);
    }
}
