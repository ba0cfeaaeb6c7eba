package dev.cinnabar.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.HashSlot;
import dev.cinnabar.datatypes.KeyTable;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The keys by cluster hash slot ({@link Db#countKeysInSlot}, {@link Db#keysInSlot}), checked
 * against the keys each database holds after every way a key comes or goes. These tests turn the
 * index on by hand on a server without cluster mode: the keys then stay reachable from every
 * database and no command is refused or redirected, so that MOVE, SWAPDB and COPY to another
 * database, which cluster mode refuses, are covered too.
 */
class SlotIndexTest {
    private static EngineHarness indexed() {
        ServerConfig config = new ServerConfig();
        config.enableDebugCommand = "yes";
        EngineHarness h = new EngineHarness(config);
        h.server.keyspace().indexSlots();
        return h;
    }

    private static byte[] k(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Every database's counts and lists are those of the keys it holds, slot by slot. */
    private static void check(EngineHarness h, String after) {
        Keyspace ks = h.server.keyspace();
        for (int d = 0; d < ks.count(); d++) {
            Db db = ks.db(d);
            assertTrue(db.slotsIndexed(), "db " + d + " after " + after);
            KeyTable keys = db.keys();
            Map<Integer, Set<String>> want = new HashMap<>();
            for (int id = keys.nextId(0); id != KeyTable.NONE; id = keys.nextId(id + 1)) {
                byte[] key = keys.copyKey(id);
                want.computeIfAbsent(HashSlot.of(key), s -> new HashSet<>()).add(new String(key, StandardCharsets.ISO_8859_1));
            }
            long total = 0;
            for (int slot = 0; slot < HashSlot.SLOTS; slot++) {
                long n = db.countKeysInSlot(slot);
                Set<String> names = want.getOrDefault(slot, Set.of());
                assertEquals(names.size(), n, "db " + d + " slot " + slot + " after " + after);
                assertEquals(n != 0, db.hasKeysInSlot(slot));
                if (n != 0) {
                    Set<String> got = new HashSet<>();
                    for (byte[] key : db.keysInSlot(slot, Integer.MAX_VALUE)) {
                        got.add(new String(key, StandardCharsets.ISO_8859_1));
                    }
                    assertEquals(names, got, "db " + d + " slot " + slot + " after " + after);
                }
                total += n;
            }
            assertEquals(db.size(), total, "db " + d + " after " + after);
        }
    }

    private static void run(EngineHarness h, String... command) {
        h.call(command);
        check(h, String.join(" ", command));
    }

    @Test
    void withoutClusterModeNothingIsIndexed() {
        EngineHarness h = new EngineHarness();
        assertFalse(h.server.keyspace().slotsIndexed());
        h.call("SET", "foo", "bar");
        Db db = h.server.keyspace().db(0);
        assertFalse(db.slotsIndexed());
        assertEquals(0, db.countKeysInSlot(12182));
        assertEquals(0, db.slotIndexOverhead());
        assertEquals(0, db.keys().slotIndexBytes());
    }

    @Test
    void clusterModeIndexesEveryDatabaseFromTheStart() {
        ServerConfig config = new ServerConfig();
        config.clusterEnabled = true;
        EngineHarness h = new EngineHarness(config);
        Keyspace ks = h.server.keyspace();
        assertTrue(ks.slotsIndexed());
        for (int d = 0; d < ks.count(); d++) {
            assertTrue(ks.db(d).slotsIndexed());
            assertEquals(0, ks.db(d).slotIndexOverhead(), "an empty database's index has no arrays");
        }
        ks.db(0).setKey(k("foo"), k("bar"), false);
        assertEquals(1, ks.db(0).countKeysInSlot(12182));
        assertTrue(ks.db(0).slotIndexOverhead() > 0);
        assertEquals(ks.db(0).slotIndexOverhead(),
                ks.db(0).keys().heapBytes() - ks.db(0).keys().expiryBytes() - ks.db(0).keys().recordBytes()
                        - ks.db(0).keyTableOverhead(), "counted in used_memory, apart from the table's own overhead");
    }

    @Test
    void writesDeletionsAndExpiryKeepTheIndex() {
        EngineHarness h = indexed();
        run(h, "SET", "foo", "bar");
        run(h, "MSET", "{u}a", "1", "{u}b", "2", "{u}c", "3", "x", "y");
        run(h, "SET", "foo", "baz"); // an overwrite is no new key
        run(h, "APPEND", "new", "abc");
        run(h, "INCR", "counter");
        run(h, "LPUSH", "{u}list", "a", "b");
        run(h, "HSET", "{u}hash", "f", "v");
        run(h, "SADD", "set", "m");
        run(h, "ZADD", "zset", "1", "m");
        run(h, "XADD", "stream", "*", "f", "v");
        run(h, "BITFIELD", "bits", "SET", "u8", "0", "255");
        run(h, "PFADD", "hll", "a");
        run(h, "SETNX", "foo", "x");
        run(h, "GETSET", "gs", "v");
        run(h, "DEL", "foo", "nosuch");
        run(h, "UNLINK", "{u}a");
        run(h, "GETDEL", "{u}b");
        run(h, "LPOP", "{u}list", "2"); // the last element goes, and the key
        run(h, "SREM", "set", "m");
        run(h, "ZPOPMIN", "zset");
        run(h, "HDEL", "{u}hash", "f");
        run(h, "SUNIONSTORE", "dest", "set", "nosuch"); // an empty result: no key
        run(h, "SADD", "s1", "a", "b");
        run(h, "SUNIONSTORE", "dest", "s1");
        run(h, "SINTERSTORE", "dest", "s1", "nosuch"); // deletes the destination
        run(h, "RPUSH", "sortme", "3", "1", "2");
        run(h, "SORT", "sortme", "STORE", "{u}sorted");
        // Lazy expiry, by a read and by a write.
        run(h, "SET", "e1", "v", "PX", "10");
        run(h, "SET", "e2", "v", "PX", "10");
        run(h, "SET", "e3", "v", "PX", "10");
        h.clock.advance(100);
        run(h, "GET", "e1");
        run(h, "SET", "e2", "again");
        run(h, "EXPIRE", "{u}c", "0"); // a time already passed deletes at once
        // Active expiry.
        h.server.keyspace().updateTime();
        h.server.activeExpire().slow(10, 1);
        check(h, "the active cycle");
        assertEquals(0, h.server.keyspace().db(0).countKeysInSlot(HashSlot.of(k("e3"))));
        // Hash fields' expiry deleting the last field, and so the key.
        run(h, "HSET", "hf", "f", "v");
        run(h, "HPEXPIRE", "hf", "10", "FIELDS", "1", "f");
        h.clock.advance(100);
        run(h, "HGETALL", "hf");
    }

    @Test
    void keysMovedBetweenNamesAndDatabasesKeepTheIndex() throws Exception {
        EngineHarness h = indexed();
        run(h, "MSET", "a", "1", "b", "2", "{t}c", "3");
        run(h, "RENAME", "a", "{t}a");
        run(h, "RENAME", "{t}a", "b"); // over another key
        run(h, "RENAMENX", "b", "{t}c");
        run(h, "RENAMENX", "b", "fresh");
        run(h, "COPY", "fresh", "{t}copy");
        run(h, "COPY", "fresh", "{t}copy", "REPLACE");
        run(h, "COPY", "fresh", "elsewhere", "DB", "3");
        run(h, "MOVE", "fresh", "5");
        run(h, "SELECT", "5");
        run(h, "SET", "in5", "x");
        run(h, "SELECT", "0");
        run(h, "SWAPDB", "0", "5");
        run(h, "SWAPDB", "3", "5");
        run(h, "SET", "after-swap", "x");
        String dump = h.call("DUMP", "after-swap");
        byte[] payload = bulk(dump);
        String restoreCommand = "*4\r\n$7\r\nRESTORE\r\n$8\r\nrestored\r\n$1\r\n0\r\n$" + payload.length + "\r\n";
        h.send(h.client, concat(restoreCommand.getBytes(StandardCharsets.ISO_8859_1), payload, k("\r\n")));
        check(h, "RESTORE");
        assertEquals(1, h.server.keyspace().db(0).countKeysInSlot(HashSlot.of(k("restored"))));
        String replace = "*5\r\n$7\r\nRESTORE\r\n$8\r\nrestored\r\n$1\r\n0\r\n$" + payload.length + "\r\n";
        h.send(h.client, concat(replace.getBytes(StandardCharsets.ISO_8859_1), payload, k("\r\n$7\r\nREPLACE\r\n")));
        check(h, "RESTORE REPLACE");
    }

    @Test
    void flushesAndLoadsKeepTheIndex() {
        EngineHarness h = indexed();
        for (int i = 0; i < 500; i++) {
            h.call("SET", "k" + i, "v");
            h.call("SET", "{t}" + i, "v", "EX", "1000");
        }
        run(h, "SELECT", "2");
        run(h, "SET", "two", "2");
        run(h, "SELECT", "0");
        run(h, "DEBUG", "RELOAD");
        assertEquals(1000, h.server.keyspace().db(0).size());
        assertEquals(500, h.server.keyspace().db(0).countKeysInSlot(HashSlot.of(k("t"))));
        run(h, "FLUSHDB");
        assertEquals(0, h.server.keyspace().db(0).countKeysInSlot(HashSlot.of(k("t"))));
        assertEquals(1, h.server.keyspace().db(2).countKeysInSlot(HashSlot.of(k("two"))));
        run(h, "SET", "{t}x", "v");
        run(h, "FLUSHALL", "ASYNC");
        run(h, "SET", "{t}y", "v");
        run(h, "FLUSHDB", "ASYNC");
        run(h, "SET", "{t}z", "v");
        run(h, "FLUSHALL");
        run(h, "SET", "{t}w", "v");
        run(h, "DEBUG", "RELOAD");
        run(h, "DEBUG", "RELOAD", "NOSAVE");
        run(h, "DEBUG", "RELOAD", "MERGE"); // each key loaded over itself: deleted, then added
        assertEquals(1, h.server.keyspace().db(0).countKeysInSlot(HashSlot.of(k("t"))));
    }

    @Test
    void evictionKeepsTheIndex() {
        EngineHarness h = indexed();
        h.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
        h.config.maxMemoryEvictionTenacity = 100;
        for (int i = 0; i < 2000; i++) {
            h.call("SET", (i % 3 == 0 ? "{t}" : "k") + i, "value" + i);
        }
        h.config.maxMemory = h.server.memory().used() * 2 / 3;
        long evicted = h.server.stats().evictedKeys;
        run(h, "SET", "one-more", "v");
        assertTrue(h.server.stats().evictedKeys > evicted);
        for (int i = 0; i < 500; i++) {
            h.call("SET", "more" + i, "v" + i);
        }
        check(h, "eviction");
    }

    @Test
    void theMemcachedFrontEndKeepsTheIndex() {
        EngineHarness h = indexed();
        Client mc = h.memcachedClient();
        h.memcached(mc, "set a 0 0 1\r\nx\r\nset {t}b 0 0 1\r\ny\r\nadd {t}c 0 0 1\r\nz\r\n");
        check(h, "memcached sets");
        assertEquals(2, h.server.keyspace().db(0).countKeysInSlot(HashSlot.of(k("t"))));
        h.memcached(mc, "delete a\r\nset {t}d 0 -1 1\r\nw\r\nget {t}d\r\n");
        check(h, "memcached delete and an expired set");
        h.memcached(mc, "flush_all\r\n");
        check(h, "flush_all");
    }

    @Test
    void randomCommandsWithRecycledIdsKeepTheIndex() {
        EngineHarness h = indexed();
        Random r = new Random(5);
        String[] tags = {"{a}", "{b}", "", "", ""};
        for (int op = 0; op < 6000; op++) {
            String key = tags[r.nextInt(tags.length)] + r.nextInt(300);
            String other = tags[r.nextInt(tags.length)] + r.nextInt(300);
            switch (r.nextInt(12)) {
                case 0, 1, 2 -> h.call("SET", key, "v" + op);
                case 3 -> h.call("DEL", key, other);
                case 4 -> h.call("SET", key, "v", "PX", String.valueOf(1 + r.nextInt(50)));
                case 5 -> h.call("RENAME", key, other);
                case 6 -> h.call("COPY", key, other, "REPLACE");
                case 7 -> h.call("LPUSH", key + "l", "x");
                case 8 -> h.call("LPOP", key + "l");
                case 9 -> h.call("GET", key);
                case 10 -> h.clock.advance(r.nextInt(20));
                default -> {
                    h.server.keyspace().updateTime();
                    h.server.activeExpire().slow(10, 1);
                }
            }
            if (op % 500 == 0) {
                check(h, "op " + op);
            }
        }
        check(h, "the random commands");
    }

    @Test
    void keysInSlotListsKeysPastTheirTimeAndAtMostMax() {
        EngineHarness h = indexed();
        Db db = h.server.keyspace().db(0);
        int slot = HashSlot.of(k("t"));
        h.call("SET", "{t}1", "v");
        h.call("SET", "{t}2", "v", "PX", "5");
        h.call("SET", "{t}3", "v");
        h.clock.advance(100);
        assertEquals(3, db.countKeysInSlot(slot), "a key past its time counts until someone deletes it");
        List<String> names = new ArrayList<>();
        for (byte[] key : db.keysInSlot(slot, 10)) {
            names.add(new String(key, StandardCharsets.UTF_8));
        }
        assertEquals(List.of("{t}3", "{t}2", "{t}1"), names, "the latest added first, as Redis lists them");
        assertEquals(2, db.keysInSlot(slot, 2).size());
        assertEquals(0, db.keysInSlot(slot, 0).size());
        assertEquals(0, db.keysInSlot(slot, -1).size());
        assertEquals(0, db.keysInSlot(slot + 1, 10).size());
        assertEquals(3, db.countKeysInSlot(slot), "listing expired nothing");
        h.call("GET", "{t}2");
        assertEquals(2, db.countKeysInSlot(slot));
    }

    @Test
    void deleteKeysInSlotDeletesOnlyThatSlotAndTellsNoOne() {
        EngineHarness h = indexed();
        List<String> propagated = new ArrayList<>();
        h.server.propagation().addSink((db, cmd) -> propagated.add(cmd.latin1(0)));
        h.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
        Client subscriber = h.newClient();
        h.call(subscriber, "PSUBSCRIBE", "__key*__:*");
        Client watcher = h.newClient();
        h.call(watcher, "WATCH", "{t}1");
        for (int i = 0; i < 100; i++) {
            h.call("SET", "{t}" + i, "v");
            h.call("SET", "k" + i, "v");
        }
        h.call("XADD", "{t}stream", "*", "f", "v");
        h.call("SET", "{t}old", "v", "PX", "5");
        h.clock.advance(100);
        h.drain(subscriber);
        propagated.clear();
        Keyspace ks = h.server.keyspace();
        long dirty = ks.dirty;
        Db db = ks.db(0);
        int slot = HashSlot.of(k("t"));
        int others = db.size() - (int) db.countKeysInSlot(slot);

        assertEquals(102, db.deleteKeysInSlot(slot), "the key past its time too");
        assertEquals(0, db.countKeysInSlot(slot));
        assertFalse(db.hasKeysInSlot(slot));
        assertEquals(others, db.size());
        assertEquals(dirty, ks.dirty, "no change counted");
        assertEquals(List.of(), propagated, "no DEL propagated");
        assertEquals("", h.drain(subscriber), "no keyspace event");
        assertEquals(0, db.deleteKeysInSlot(slot));
        check(h, "deleteKeysInSlot");
        // The write path signalled the deletions: a transaction watching one of the keys fails.
        h.call(watcher, "MULTI");
        h.call(watcher, "PING");
        assertEquals("*-1\r\n", h.call(watcher, "EXEC"));
        // The ids go back at the next recycle and serve new keys; the index follows.
        for (int i = 0; i < 150; i++) {
            h.call("SET", "{t}new" + i, "v");
        }
        check(h, "new keys after deleteKeysInSlot");
        assertEquals(150, db.countKeysInSlot(slot));
    }

    private static byte[] bulk(String reply) {
        int nl = reply.indexOf("\r\n");
        int len = Integer.parseInt(reply.substring(1, nl));
        return reply.substring(nl + 2, nl + 2 + len).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
