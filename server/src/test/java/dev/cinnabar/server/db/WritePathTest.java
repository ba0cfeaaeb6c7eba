package dev.cinnabar.server.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.RawString;
import dev.cinnabar.datatypes.value.StringType;
import dev.cinnabar.datatypes.value.ValueTypes;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.testing.BoxType;
import dev.cinnabar.server.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The keyspace's write path, primitive by primitive: the before-write hook sees a key's value
 * and TTL as they were, however the primitive then changes them (in place included), and the
 * key is signalled after, once per key per command, with the command's client.
 */
class WritePathTest {
    private final ManualClock clock = new ManualClock();
    private final Keyspace ks = new Keyspace(16, clock);
    private final Db db = ks.db(0);
    private final Recorder seen = new Recorder();

    /** What a snapshot does with the hook: copies what it is shown, at once. */
    private final class Recorder implements KeyspaceObserver {
        final List<String> before = new ArrayList<>();
        final List<String> modified = new ArrayList<>();
        final List<Object> clients = new ArrayList<>();
        final List<Integer> flushedBefore = new ArrayList<>();

        @Override
        public void beforeWrite(Db d, byte[] key, int off, int len, Object value) {
            String k = new String(key, off, len, StandardCharsets.UTF_8);
            Object held = d.valueBeforeWrite(key, off, len, value);
            String v = held == null ? "(none)" : new String(StringType.bytes(held), StandardCharsets.UTF_8);
            long ttl = d.expireAt(key, off, len);
            before.add(k + "=" + v + (ttl == -1 ? "" : " ttl=" + ttl));
        }

        @Override
        public void keyModified(Object client, Db d, byte[] key, int off, int len) {
            modified.add(new String(key, off, len, StandardCharsets.UTF_8));
            clients.add(client);
        }

        @Override
        public void beforeFlush(Db d) {
            flushedBefore.add(d.size());
        }

        void clear() {
            before.clear();
            modified.clear();
            clients.clear();
        }
    }

    WritePathTest() {
        ks.addObserver(seen);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private KeyEntry entry(String key) {
        return db.entry(b(key));
    }

    private void set(String key, String value) {
        db.setKey(b(key), StringType.fromBytes(b(value)), false);
        seen.clear();
    }

    @Test
    void setKeyShowsTheOldValueEvenWhenItOverwritesItsArrayInPlace() {
        // Longer than Db.INLINE_LIMIT, so that the value is an array of its own.
        String a = "a".repeat(200);
        String bs = "b".repeat(200);
        set("k", a);
        byte[] stored = (byte[]) entry("k").value();
        db.setStringKey(Argv.of("SET", "k", bs), 1, 2, false);
        assertSame(stored, entry("k").value(), "the same-length overwrite reused the array");
        assertArrayEquals(b(bs), stored);
        assertEquals(List.of("k=" + a), seen.before);
        assertEquals(List.of("k"), seen.modified);
    }

    @Test
    void creatingAKeyShowsItAbsent() {
        db.setKey(b("new"), b("v"), false);
        db.add(b("added"), b("w"));
        assertEquals(List.of("new=(none)", "added=(none)"), seen.before);
        assertEquals(List.of("new", "added"), seen.modified);
    }

    @Test
    void deleteShowsTheValueAndTtl() {
        set("k", "v");
        db.setExpire(entry("k"), clock.millis() + 5000);
        seen.clear();
        db.delete(b("k"));
        assertEquals(List.of("k=v ttl=" + (clock.millis() + 5000)), seen.before);
        assertEquals(List.of("k"), seen.modified);
        seen.clear();
        db.delete(b("k"));
        assertEquals(List.of(), seen.before, "deleting nothing writes nothing");
    }

    @Test
    void replaceValueShowsTheOldObject() {
        set("n", "12");
        db.replaceValue(entry("n"), StringType.fromLong(13));
        assertEquals(List.of("n=12"), seen.before);
        assertEquals(List.of("n"), seen.modified);
    }

    @Test
    void aChangeInPlaceIsAnnouncedBeforeTheBytesChange() {
        db.setKey(b("r"), new RawString(b("abc"), 16), false);
        seen.clear();
        KeyEntry e = entry("r");
        long before = db.beforeChange(e);
        ((RawString) e.value()).append(b("def"), 0, 3);
        db.changed(e, before);
        assertEquals(List.of("r=abc"), seen.before);
        assertEquals(List.of("r"), seen.modified);
        seen.clear();
        before = db.beforeChange(e);
        db.changedTo(e, new RawString(b("xyz")), before);
        assertEquals(List.of("r=abcdef"), seen.before);
    }

    @Test
    void ttlChangesShowTheOldTtl() {
        set("k", "v");
        db.setExpire(entry("k"), clock.millis() + 1000);
        db.setExpire(entry("k"), clock.millis() + 2000);
        db.removeExpire(entry("k"));
        db.removeExpire(entry("k"));
        assertEquals(List.of("k=v", "k=v ttl=" + (clock.millis() + 1000), "k=v ttl=" + (clock.millis() + 2000)),
                seen.before, "removing a TTL that is not there writes nothing");
        assertEquals(List.of("k", "k", "k"), seen.modified);
    }

    @Test
    void expiryShowsTheExpiredValueAndSignalsWithoutAClient() {
        set("k", "v");
        db.setExpire(entry("k"), clock.millis() + 10);
        seen.clear();
        clock.advance(11);
        ks.updateTime();
        assertNull(db.lookupRead(Argv.of("k"), 0));
        assertEquals(List.of("k=v ttl=" + (clock.millis() - 1)), seen.before);
        assertEquals(List.of("k"), seen.modified);
        assertNull(seen.clients.get(0));
    }

    @Test
    void flushAndSwapAnnounceTheWholeDatabaseFirst() {
        set("a", "1");
        set("b", "2");
        db.flush();
        ks.db(1).setKey(b("c"), b("3"), false);
        ks.swap(0, 1);
        assertEquals(List.of(2, 0, 1), seen.flushedBefore, "sizes seen before each flush");
    }

    @Test
    void deleteIfEmptyAsksTheType() {
        set("s", "");
        assertEquals(false, db.deleteIfEmpty(entry("s")), "an empty string is still a value");
        db.add(b("box"), BoxType.box());
        assertEquals(false, db.deleteIfEmpty(entry("box")));
        assertTrue(ValueTypes.of(entry("box").value()) == BoxType.TYPE);
    }

    @Test
    void aCommandSignalsEachKeyOnceWithItsClient() {
        Object client = new Object();
        ks.beginCommand(client);
        KeyEntry e = db.setKey(b("k"), b("v"), false);
        db.setExpire(e, clock.millis() + 1000);
        db.replaceValue(e, b("w"));
        db.setKey(b("other"), b("x"), false);
        assertEquals(2, ks.commandChanges());
        ks.endCommand();
        assertEquals(List.of("k", "other"), seen.modified);
        assertEquals(List.of(client, client), seen.clients);
        // The next command signals the same key again.
        ks.beginCommand(client);
        db.delete(b("k"));
        ks.endCommand();
        assertEquals(List.of("k", "other", "k"), seen.modified);
    }

    @Test
    void overwritingAnExpiredKeySignalsTheExpiryAndTheWriteAndCountsOneChange() {
        set("k", "v");
        db.setExpire(entry("k"), clock.millis() + 10);
        seen.clear();
        clock.advance(11);
        ks.updateTime();
        Object client = new Object();
        ks.beginCommand(client);
        db.setKey(b("k"), b("new"), false);
        assertEquals(1, ks.commandChanges(), "the expiry is not the command's change");
        ks.endCommand();
        // Redis signals the expiry's deletion and then the write (WATCH tells them apart).
        assertEquals(List.of("k", "k"), seen.modified);
        assertEquals(List.of("k=v ttl=" + (clock.millis() - 1), "k=(none)"), seen.before);
    }

    @Test
    void manyKeysInOneCommandAreEachSignalledOnce() {
        ks.beginCommand(null);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 100; i++) {
                db.setKey(b("key:" + i), b("v" + round), false);
            }
        }
        assertEquals(100, ks.commandChanges());
        ks.endCommand();
        assertEquals(100, seen.modified.size());
        assertEquals(100, seen.modified.stream().distinct().count());
        // The next command starts from an empty set, its index reused.
        ks.beginCommand(null);
        for (int i = 0; i < 100; i++) {
            db.setKey(b("key:" + i), b("v"), false);
            db.setKey(b("key:" + i), b("w"), false);
        }
        assertEquals(100, ks.commandChanges());
        ks.endCommand();
        assertEquals(200, seen.modified.size());
    }

    @Test
    void theSameKeyInAnotherDatabaseIsAnotherKey() {
        ks.beginCommand(null);
        db.setKey(b("k"), b("v"), false);
        ks.db(1).setKey(b("k"), b("v"), false);
        ks.endCommand();
        assertEquals(List.of("k", "k"), seen.modified);
    }
}
