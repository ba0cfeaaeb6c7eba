package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.db.KeyspaceObserver;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpireCommandsTest {
    private final EngineHarness h = new EngineHarness();
    private final Keyspace ks = h.server.keyspace();
    private final long t0 = h.clock.millis();

    private void set(String key) {
        ks.db(0).setKey(key.getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8), false);
    }

    @Test
    void expireSetsARelativeTtlInEachUnit() {
        set("k");
        assertEquals(":1\r\n", h.call("EXPIRE", "k", "100"));
        assertEquals(":100\r\n", h.call("TTL", "k"));
        assertEquals(":100000\r\n", h.call("PTTL", "k"));
        assertEquals(":" + (t0 + 100_000) + "\r\n", h.call("PEXPIRETIME", "k"));
        assertEquals(":1\r\n", h.call("PEXPIRE", "k", "2500"));
        assertEquals(":2500\r\n", h.call("PTTL", "k"));
        h.clock.advance(1000);
        assertEquals(":1500\r\n", h.call("PTTL", "k"));
        assertEquals(":2\r\n", h.call("TTL", "k"), "1.5 s rounds up");
        h.clock.advance(1);
        assertEquals(":1\r\n", h.call("TTL", "k"), "1.499 s rounds down");
    }

    @Test
    void expireAtTakesAbsoluteTimes() {
        set("k");
        long at = t0 / 1000 + 500;
        assertEquals(":1\r\n", h.call("EXPIREAT", "k", Long.toString(at)));
        assertEquals(":" + at + "\r\n", h.call("EXPIRETIME", "k"));
        assertEquals(":" + at * 1000 + "\r\n", h.call("PEXPIRETIME", "k"));
        assertEquals(":1\r\n", h.call("PEXPIREAT", "k", "99999999999500"));
        assertEquals(":100000000000\r\n", h.call("EXPIRETIME", "k"), "rounded to the nearest second");
        assertEquals(":1\r\n", h.call("PEXPIREAT", "k", "99999999999499"));
        assertEquals(":99999999999\r\n", h.call("EXPIRETIME", "k"));
    }

    @Test
    void theLargestTimesStillReadBackAsRedisPrintsThem() {
        set("k");
        assertEquals(":1\r\n", h.call("PEXPIREAT", "k", "9223372036854775807"));
        assertEquals(":9223372036854775807\r\n", h.call("PEXPIRETIME", "k"));
        assertEquals(":9223372036854776\r\n", h.call("EXPIRETIME", "k"));
        assertEquals(":" + ((Long.MAX_VALUE - t0 + 500) / 1000) + "\r\n", h.call("TTL", "k"));
    }

    @Test
    void missingKeysAndKeysWithoutTtl() {
        assertEquals(":0\r\n", h.call("EXPIRE", "nokey", "100"));
        assertEquals(":0\r\n", h.call("PEXPIREAT", "nokey", "1"));
        for (String cmd : new String[] {"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"}) {
            assertEquals(":-2\r\n", h.call(cmd, "nokey"), cmd);
        }
        set("k");
        for (String cmd : new String[] {"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"}) {
            assertEquals(":-1\r\n", h.call(cmd, "k"), cmd);
        }
    }

    @Test
    void optionErrorsComeBeforeTheNumberAndTheKey() {
        set("k");
        assertEquals("-ERR Unsupported option foo\r\n", h.call("EXPIRE", "nokey", "x", "foo"));
        assertEquals("-ERR Unsupported option n\r\n", h.call("EXPIRE", "k", "1", "n\u0000x"));
        assertEquals("-ERR value is not an integer or out of range\r\n", h.call("EXPIRE", "k", "x", "nx"));
        String nx = "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n";
        assertEquals(nx, h.call("EXPIRE", "k", "1", "nx", "xx"));
        assertEquals(nx, h.call("EXPIRE", "k", "1", "GT", "NX"));
        assertEquals(nx, h.call("PEXPIRE", "k", "1", "nx", "lt"));
        assertEquals(nx, h.call("EXPIRE", "k", "1", "nx", "gt", "lt"));
        assertEquals("-ERR GT and LT options at the same time are not compatible\r\n",
                h.call("EXPIREAT", "k", "1", "gt", "lt"));
        assertEquals("-ERR GT and LT options at the same time are not compatible\r\n",
                h.call("EXPIRE", "k", "1", "xx", "lt", "gt"));
        assertEquals(":-1\r\n", h.call("TTL", "k"));
    }

    @Test
    void overflowIsAnErrorNamingTheCommand() {
        set("k");
        assertEquals("-ERR invalid expire time in 'expire' command\r\n", h.call("EXPIRE", "k", "9223372036854776"));
        assertEquals("-ERR invalid expire time in 'expire' command\r\n", h.call("EXPIRE", "k", "-9223372036854776"));
        assertEquals("-ERR invalid expire time in 'pexpire' command\r\n",
                h.call("PEXPIRE", "k", "9223372036854775807"));
        assertEquals("-ERR invalid expire time in 'expireat' command\r\n",
                h.call("EXPIREAT", "k", "9223372036854776"));
        assertEquals("-ERR invalid expire time in 'expire' command\r\n",
                h.call("EXPIRE", "k", Long.toString((Long.MAX_VALUE - t0) / 1000 + 1)));
        assertEquals(":1\r\n", h.call("EXPIREAT", "k", "9223372036854775"));
        assertEquals(":1\r\n", h.call("PEXPIRE", "k", Long.toString(Long.MAX_VALUE - t0)));
    }

    @Test
    void timesNotInTheFutureDeleteTheKey() {
        for (String[] cmd : new String[][] {
                {"EXPIRE", "k", "0"}, {"EXPIRE", "k", "-10"}, {"PEXPIRE", "k", "0"},
                {"PEXPIREAT", "k", Long.toString(t0)}, {"EXPIREAT", "k", "1"},
                {"EXPIREAT", "k", "-9223372036854775"}, {"PEXPIRE", "k", "-9223372036854775808"}}) {
            set("k");
            long dirty = ks.dirty;
            assertEquals(":1\r\n", h.call(cmd), String.join(" ", cmd));
            assertEquals(":0\r\n", h.call("EXISTS", "k"), String.join(" ", cmd));
            assertEquals(dirty + 1, ks.dirty);
        }
        assertEquals(0, ks.expiredKeys, "deleted, not expired");
    }

    @Test
    void aReplicaKeepsAKeyGivenAPastTimeUntilItsMasterDeletesIt() {
        set("k");
        ks.expiryEnabled(false);
        assertEquals(":1\r\n", h.call("EXPIRE", "k", "-10"));
        assertEquals(1, ks.db(0).size());
        assertEquals(":0\r\n", h.call("EXISTS", "k"), "but nobody sees it");
    }

    @Test
    void conditionsTreatNoTtlAsInfinite() {
        set("k");
        assertEquals(":0\r\n", h.call("EXPIRE", "k", "100", "xx"));
        assertEquals(":0\r\n", h.call("EXPIRE", "k", "100", "gt"));
        assertEquals(":1\r\n", h.call("EXPIRE", "k", "100", "lt"));
        assertEquals(":0\r\n", h.call("EXPIRE", "k", "200", "nx"));
        assertEquals(":0\r\n", h.call("EXPIRE", "k", "100", "gt"), "equal is not greater");
        assertEquals(":0\r\n", h.call("EXPIRE", "k", "100", "lt"), "equal is not less");
        assertEquals(":1\r\n", h.call("EXPIRE", "k", "200", "gt"));
        assertEquals(":1\r\n", h.call("EXPIRE", "k", "150", "LT"));
        assertEquals(":1\r\n", h.call("EXPIRE", "k", "300", "xx", "gt"));
        assertEquals(":0\r\n", h.call("EXPIRE", "k", "400", "xx", "lt"));
        assertEquals(":300\r\n", h.call("TTL", "k"));
        h.call("PERSIST", "k");
        assertEquals(":1\r\n", h.call("EXPIRE", "k", "100", "nx"));
        assertEquals(":1\r\n", h.call("EXPIRE", "k", "0", "lt"), "a past time still deletes");
        assertEquals(":0\r\n", h.call("EXISTS", "k"));
    }

    @Test
    void persistRemovesTheTtl() {
        set("k");
        assertEquals(":0\r\n", h.call("PERSIST", "k"));
        assertEquals(":0\r\n", h.call("PERSIST", "nokey"));
        h.call("EXPIRE", "k", "100");
        long dirty = ks.dirty;
        assertEquals(":1\r\n", h.call("PERSIST", "k"));
        assertEquals(dirty + 1, ks.dirty);
        assertEquals(":-1\r\n", h.call("TTL", "k"));
        assertEquals(":0\r\n", h.call("PERSIST", "k"));
    }

    @Test
    void keysExpireLazilyOnceTheirMillisecondHasPassed() {
        set("k");
        h.call("PEXPIRE", "k", "100");
        h.clock.advance(100);
        assertEquals(":0\r\n", h.call("PTTL", "k"));
        assertEquals(":1\r\n", h.call("EXISTS", "k"));
        h.clock.advance(1);
        assertEquals(":-2\r\n", h.call("TTL", "k"));
        assertEquals(":0\r\n", h.call("EXPIRE", "k", "100"));
        assertEquals(":0\r\n", h.call("PERSIST", "k"));
        assertEquals(1, ks.expiredKeys);
        assertEquals(":0\r\n", h.call("DBSIZE"));
    }

    @Test
    void eachSuccessfulChangeSignalsTheKeyOnce() {
        set("k");
        List<String> heard = new ArrayList<>();
        ks.addObserver(new KeyspaceObserver() {
            @Override
            public void keyModified(Object client, Db db, byte[] key, int off, int len) {
                heard.add(new String(key, off, len, StandardCharsets.UTF_8));
            }

            @Override
            public void databaseFlushed(Db db) {
            }
        });
        h.call("EXPIRE", "k", "100");
        h.call("EXPIRE", "k", "100", "nx");
        h.call("PERSIST", "k");
        h.call("PERSIST", "k");
        h.call("EXPIRE", "k", "-1");
        assertEquals(List.of("k", "k", "k"), heard);
    }

    @Test
    void readingTheTtlDoesNotTouchTheKey() {
        set("k");
        h.call("EXPIRE", "k", "100");
        h.clock.advance(7000);
        h.call("TTL", "k");
        h.call("PEXPIRETIME", "k");
        assertEquals(":7\r\n", h.call("OBJECT", "IDLETIME", "k"));
        h.call("EXPIRE", "k", "100");
        assertEquals(":0\r\n", h.call("OBJECT", "IDLETIME", "k"), "a write lookup does");
    }
}
