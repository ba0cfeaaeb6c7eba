package dev.cinnabar.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.RequestDecoder;
import dev.cinnabar.server.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Warming the keyspace for a pipelined batch: when it reads, and that it changes nothing. */
class KeyPrefetchTest {
    private final Keyspace ks = new Keyspace(16, new ManualClock());
    private final Db db = ks.db(0);
    private final KeyPrefetch prefetch = new KeyPrefetch();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static RequestDecoder batch(String... keys) {
        StringBuilder sb = new StringBuilder();
        for (String k : keys) {
            sb.append("*2\r\n$3\r\nGET\r\n$").append(k.length()).append("\r\n").append(k).append("\r\n");
        }
        RequestDecoder d = new RequestDecoder();
        byte[] in = b(sb.toString());
        d.feed(in, 0, in.length);
        return d;
    }

    /** "key:from" .. "key:(from + n - 1)". */
    private static String[] keys(int from, int n) {
        String[] k = new String[n];
        for (int i = 0; i < n; i++) {
            k[i] = "key:" + (from + i);
        }
        return k;
    }

    private void fill(int keys) {
        for (int i = 0; i < keys; i++) {
            // Each record's length byte is the key's length: what the warm-up reads and folds.
            db.add(b("key:" + i), b("v"));
        }
    }

    @Test
    void aBatchOfKeysInALargeDatabaseIsReadAndLeftUnchanged() {
        fill(KeyPrefetch.MIN_KEYS);
        String[] keys = keys(1, 24);
        keys[5] = "absent";
        RequestDecoder d = batch(keys);
        prefetch.warm(db, d);
        // Only keys within a few slots of their home are read (which ones depends on the
        // process's hash seed): one of 23 is certain enough.
        assertNotEquals(0, prefetch.folded(), "the slots and records of the batch's keys were read");
        assertEquals(KeyPrefetch.MIN_KEYS, db.keys().size());
        for (String k : keys) {
            assertEquals(RequestDecoder.COMMAND, d.next(false, 1 << 20), "the batch is still there to run");
            assertEquals(k, d.argv().latin1(1));
        }
    }

    @Test
    void aSmallDatabaseASingleRequestAndOneHotKeyAreLeftAlone() {
        fill(KeyPrefetch.MIN_KEYS - 1);
        prefetch.warm(db, batch("key:1", "key:2", "key:3"));
        assertEquals(0, prefetch.folded(), "a database this small stays in the caches");

        db.add(b("one more"), b("v"));
        prefetch.warm(db, batch("key:1"));
        assertEquals(0, prefetch.folded(), "a single request's lookup follows at once");
        prefetch.warm(db, batch("key:7", "key:7", "key:7", "key:7"));
        assertEquals(0, prefetch.folded(), "the same key sixteen times is one lookup's worth");
        String[] distinct = keys(8, 24);
        distinct[0] = "key:7";
        prefetch.warm(db, batch(distinct));
        assertNotEquals(0, prefetch.folded(), "distinct keys after the hot one");
    }

    @Test
    void theKeysOfAMultiKeyCommandAreReadAsItStarts() {
        fill(KeyPrefetch.MIN_KEYS - 1);
        String[] mget = new String[25];
        mget[0] = "MGET";
        System.arraycopy(keys(100, 24), 0, mget, 1, 24);
        prefetch.warmKeys(db, Argv.of(mget), 1, -1, 1);
        assertEquals(0, prefetch.folded(), "a small database is left alone");

        db.add(b("one more"), b("v"));
        prefetch.warmKeys(db, Argv.of("GET", "key:1"), 1, 1, 1);
        assertEquals(0, prefetch.folded(), "one key");
        prefetch.warmKeys(db, Argv.of("EVAL", "return 1", "0"), 0, 0, 0);
        assertEquals(0, prefetch.folded(), "keys found by parsing are not the table's to give");
        prefetch.warmKeys(db, Argv.of(mget), 1, -1, 1);
        assertNotEquals(0, prefetch.folded());
        assertEquals(KeyPrefetch.MIN_KEYS, db.keys().size());
    }
}
