package dev.cinnabar.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The databases a swapdb load fills aside ({@link Keyspace#newStaged}) and swaps in. */
class StagedDatabasesTest {
    private final ManualClock clock = new ManualClock();
    private final Keyspace ks = new Keyspace(4, clock);
    private final List<String> events = new ArrayList<>();

    StagedDatabasesTest() {
        ks.addObserver(new KeyspaceObserver() {
            @Override
            public void beforeWrite(Db db, byte[] key, int off, int len, Object value) {
                events.add("write " + db.id + " " + new String(key, off, len, StandardCharsets.UTF_8));
            }

            @Override
            public void keyModified(Object client, Db db, byte[] key, int off, int len) {
                events.add("modified " + db.id + " " + new String(key, off, len, StandardCharsets.UTF_8));
            }

            @Override
            public void keyAdded(Db db, byte[] key, int off, int len) {
                events.add("added " + db.id + " " + new String(key, off, len, StandardCharsets.UTF_8));
            }

            @Override
            public void beforeFlush(Db db, Db replacedWith) {
                events.add("flush " + db.id);
            }

            @Override
            public void databaseFlushed(Db db) {
            }
        });
    }

    private static byte[] k(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aStagedLoadTellsNoObserverAndLeavesTheLiveDataUntilTheSwap() {
        ks.db(0).add(k("old"), k("v"));
        ks.db(2).add(k("other"), k("v"));
        events.clear();
        Db[] staged = ks.newStaged();
        staged[0].add(k("new"), k("v"));
        KeyEntry e = staged[1].add(k("timed"), k("v"));
        staged[1].setExpire(e, clock.millis() + 1000);
        staged[0].delete(k("new"));
        staged[0].add(k("new"), k("w"));
        assertEquals(List.of(), events, "a staged database signals nothing");
        assertNotNull(ks.db(0).find(k("old")));
        assertNull(ks.db(0).find(k("new")));
        assertEquals(2, ks.totalKeys());

        ks.swapInStaged(staged);
        assertEquals(List.of("flush 0", "flush 1", "flush 2", "flush 3"), events);
        assertNull(ks.db(0).find(k("old")));
        assertNotNull(ks.db(0).find(k("new")));
        assertEquals(clock.millis() + 1000, ks.db(1).expireAt(k("timed")));
        assertEquals(1, ks.db(1).expiresSize());
        assertNull(ks.db(2).find(k("other")), "a database the load left empty is emptied");
        assertEquals(2, ks.totalKeys());
        events.clear();
        ks.db(0).add(k("after"), k("v"));
        assertEquals(List.of("write 0 after", "added 0 after", "modified 0 after"), events,
                "the live databases signal as before");
    }

    @Test
    void aDiscardedLoadLeavesTheLiveDataAsItWas() {
        ks.db(0).add(k("old"), k("v"));
        long before = ks.memory();
        Db[] staged = ks.newStaged();
        staged[0].add(k("new"), new byte[10_000]);
        assertTrue(ks.memory() >= before + 10_000, "used_memory counts what the load holds so far");
        ks.discardStaged(staged);
        assertEquals(before, ks.memory());
        assertNotNull(ks.db(0).find(k("old")));
        assertNull(ks.db(0).find(k("new")));
        assertEquals(1, ks.totalKeys());
    }
}
