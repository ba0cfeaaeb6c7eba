package dev.cinnabar.server.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.testing.EngineHarness;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The item store on the keyspace: propagation, events, WATCH, dirty, the side table. */
class MemcachedItemsTest {
    private EngineHarness h;
    private Client mc;
    private final List<String> propagated = new ArrayList<>();

    @BeforeEach
    void setUp() {
        h = new EngineHarness();
        mc = h.memcachedClient();
        h.server.propagation().addSink((db, cmd) -> propagated.add(db + " " + render(cmd)));
    }

    private static String render(Argv a) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < a.count(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(a.latin1(i));
        }
        return sb.toString();
    }

    private String send(String request) {
        return h.memcached(mc, request);
    }

    @Test
    void exptimeRules() {
        long now = 1_800_000_000_000L;
        assertEquals(MemcachedItems.NO_EXPIRY, MemcachedItems.expireAtMillis(0, now));
        assertEquals(MemcachedItems.EXPIRED, MemcachedItems.expireAtMillis(-1, now));
        assertEquals(now + 2_592_000_000L, MemcachedItems.expireAtMillis(2_592_000, now));
        assertEquals(MemcachedItems.EXPIRED, MemcachedItems.expireAtMillis(2_592_001, now));
        assertEquals(1_800_000_100_000L, MemcachedItems.expireAtMillis(1_800_000_100L, now));
    }

    @Test
    void writesPropagateAsRedisCommands() {
        long now = h.clock.millis();
        send("set a 5 0 3\r\nabc\r\n");
        send("set b 0 100 1\r\nx\r\n");
        send("append a 0 0 2\r\nde\r\n");
        send("prepend a 0 0 1\r\nz\r\n");
        send("set n 0 0 2\r\n10\r\nincr n 5\r\n");
        send("touch n 10\r\ntouch n 0\r\n");
        send("delete a\r\n");
        send("get b\r\n");
        send("flush_all\r\n");
        List<String> expected = List.of(
                "0 SET a abc",
                "0 SET b x PXAT " + (now + 100_000),
                "0 APPEND a de",
                "0 SET a zabcde",
                "0 SET n 10",
                "0 SET n 15",
                "0 PEXPIREAT n " + (now + 10_000),
                "0 PERSIST n",
                "0 DEL a",
                "0 FLUSHDB");
        assertEquals(expected, propagated);
    }

    @Test
    void incrKeepsTheTtlOnReplicas() {
        send("set n 0 100 2\r\n10\r\n");
        propagated.clear();
        send("decr n 1\r\n");
        assertEquals(List.of("0 SET n 9  KEEPTTL"), propagated);
    }

    @Test
    void refusedWritesPropagateNothing() {
        send("add a 0 0 1\r\nx\r\n");
        propagated.clear();
        send("add a 0 0 1\r\ny\r\nreplace b 0 0 1\r\nx\r\ncas a 0 0 1 99\r\nx\r\ndelete b\r\nincr a 1\r\ntouch b 1\r\n");
        assertEquals(List.of(), propagated);
        long dirty = h.server.keyspace().dirty;
        send("get a\r\n");
        assertEquals(dirty, h.server.keyspace().dirty);
        send("set a 0 0 1\r\nz\r\n");
        assertEquals(dirty + 1, h.server.keyspace().dirty);
    }

    @Test
    void keyspaceEvents() {
        h.call("CONFIG", "SET", "notify-keyspace-events", "KEAm");
        Client sub = h.newClient();
        h.call(sub, "PSUBSCRIBE", "__keyevent@0__:*");
        h.drain(sub);
        send("set a 0 100 1\r\nx\r\nappend a 0 0 1\r\ny\r\ndelete a\r\nget a\r\n");
        String events = h.drain(sub);
        String[] names = {"set", "expire", "append", "del", "keymiss"};
        int at = 0;
        for (String name : names) {
            int i = events.indexOf("__keyevent@0__:" + name + "\r\n", at);
            assertTrue(i >= at, name + " in order in " + events.replace("\r\n", " "));
            at = i;
        }
    }

    @Test
    void watchSeesMemcachedWrites() {
        send("set a 0 0 1\r\nx\r\n");
        h.call("WATCH", "a");
        h.call("MULTI");
        h.call("GET", "a");
        send("set a 0 0 1\r\ny\r\n");
        assertEquals("*-1\r\n", h.call("EXEC"));
    }

    @Test
    void clientSideCachingIsToldOfMemcachedWrites() {
        send("set a 0 0 1\r\nx\r\n");
        Client tracker = h.newClient();
        h.call(tracker, "HELLO", "3");
        h.call(tracker, "CLIENT", "TRACKING", "ON");
        h.call(tracker, "GET", "a");
        h.drain(tracker);
        send("set a 0 0 1\r\ny\r\n");
        assertEquals(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\na\r\n", h.drain(tracker));
    }

    @Test
    void theSideTableFollowsTheKeyspace() {
        MemcachedItems items = MemcachedItems.of(h.server);
        send("set a 1 0 1\r\nx\r\nset b 2 0 1\r\ny\r\n");
        assertEquals(2, items.metaCount());
        h.call("DEL", "a");
        assertEquals(1, items.metaCount());
        h.call("EXPIRE", "b", "1");
        assertEquals(0, items.metaCount());
        send("set c 3 0 1\r\nz\r\n");
        h.call("FLUSHALL");
        assertEquals(0, items.metaCount());
        send("set c 3 0 1\r\nz\r\n");
        h.call("SWAPDB", "0", "1");
        assertEquals(0, items.metaCount());
        assertEquals("END\r\n", send("get c\r\n"));
        // An expired item's flags go with it.
        send("set d 9 1 1\r\nz\r\n");
        h.clock.advance(1_001);
        h.call("SET", "d", "w");
        assertEquals("VALUE d 0 1\r\nw\r\nEND\r\n", send("get d\r\n"));
    }

    @Test
    void theSideTableCountsInUsedMemory() {
        long before = h.server.memory().used();
        send("set a 1 0 1\r\nx\r\n");
        long withItem = h.server.memory().used();
        h.call("SET", "b", "x");
        long withString = h.server.memory().used() - withItem;
        assertTrue(withItem - before > withString, "an item costs its flags and CAS on top of the string");
        long onePage = h.server.memory().besideKeyspace;
        send("set c 2 0 1\r\nx\r\n");
        assertEquals(onePage + 16, h.server.memory().besideKeyspace, "two longs an item");
        h.call("DEL", "a", "c");
        assertEquals(onePage - 16, h.server.memory().besideKeyspace, "the page stays, the items' words go");
        send("set a 1 0 1\r\nx\r\n");
        h.call("FLUSHALL");
        assertEquals(0, h.server.memory().besideKeyspace);
    }

    /** The key's id in database 0's table (ids of deleted keys go to the next keys once a command ends). */
    private int idOf(String key) {
        return h.server.keyspace().db(0).keys().find(key.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void aKeyReusingADeletedItemsIdHasNoFlagsOrCasOfIt() {
        send("set a 7 0 1\r\nx\r\n");
        assertEquals("VALUE a 7 1 1\r\nx\r\nEND\r\n", send("gets a\r\n"));
        int id = idOf("a");
        h.call("DEL", "a");
        h.call("SET", "b", "y");
        assertEquals(id, idOf("b"), "the premise: b took a's id");
        assertEquals("VALUE b 0 1 2\r\ny\r\nEND\r\n", send("gets b\r\n"));
        // Deleted by memcached, reused by memcached: add makes a new item with its own CAS.
        send("delete b\r\n");
        send("add c 0 0 1\r\nz\r\n");
        assertEquals(id, idOf("c"));
        assertEquals("VALUE c 0 1 3\r\nz\r\nEND\r\n", send("gets c\r\n"));
    }

    @Test
    void anExpiredItemsIdReusedByAnotherKeyHasNoFlags() {
        send("set a 5 1 1\r\nx\r\n");
        int id = idOf("a");
        h.clock.advance(1_001);
        // The set finds a past its time: a goes as expired and comes back under a new id.
        send("set a 6 0 1\r\ny\r\n");
        assertTrue(idOf("a") != id);
        h.call("SET", "b", "z");
        assertEquals(id, idOf("b"), "the premise: b took the expired a's id");
        assertEquals("VALUE b 0 1\r\nz\r\nEND\r\n", send("get b\r\n"));
        assertEquals("VALUE a 6 1\r\ny\r\nEND\r\n", send("get a\r\n"));
    }

    @Test
    void touchAndGatKeepTheFlagsAndCas() {
        send("set a 9 0 1\r\nx\r\n");
        send("touch a 100\r\n");
        assertEquals("VALUE a 9 1 1\r\nx\r\nEND\r\n", send("gats 200 a\r\n"));
        h.call("PERSIST", "a");
        assertEquals("VALUE a 0 1 2\r\nx\r\nEND\r\n", send("gets a\r\n"));
    }

    /**
     * Random memcached and RESP writes over a few keys, so that ids are deleted and reused all
     * the time: every item reads back the flags memcached stored last (0 after any other write),
     * and its CAS changes exactly when its meta was made anew.
     */
    @Test
    void flagsAndCasFollowTheWritesAsIdsAreReused() {
        java.util.Random r = new java.util.Random(18);
        java.util.Map<String, Integer> flags = new java.util.HashMap<>();
        java.util.Map<String, Long> cas = new java.util.HashMap<>();
        java.util.Map<String, Long> expiry = new java.util.HashMap<>();
        long maxCas = 0;
        String[] keys = {"k0", "k1", "k2", "k3", "k4", "k5"};
        for (int step = 0; step < 3_000; step++) {
            String k = keys[r.nextInt(keys.length)];
            String k2 = keys[r.nextInt(keys.length)];
            boolean live = flags.containsKey(k);
            switch (r.nextInt(11)) {
                case 0, 1, 2 -> {
                    int f = r.nextInt(1000) + 1;
                    send("set " + k + " " + f + " 0 1\r\nv\r\n");
                    flags.put(k, f);
                    cas.remove(k);
                    expiry.remove(k);
                }
                case 3 -> {
                    h.call("SET", k, "r");
                    flags.put(k, 0);
                    cas.remove(k);
                    expiry.remove(k);
                }
                case 4 -> {
                    if (r.nextBoolean()) {
                        h.call("DEL", k);
                    } else {
                        send("delete " + k + "\r\n");
                    }
                    flags.remove(k);
                }
                case 5 -> {
                    if (live && !k.equals(k2)) {
                        h.call("RENAME", k, k2);
                        flags.remove(k);
                        flags.put(k2, 0);
                        cas.remove(k2);
                        Long at = expiry.remove(k);
                        expiry.remove(k2);
                        if (at != null) {
                            expiry.put(k2, at);
                        }
                    }
                }
                case 6 -> {
                    if (live && !flags.containsKey(k2)) {
                        h.call("COPY", k, k2);
                        flags.put(k2, 0);
                        cas.remove(k2);
                        if (expiry.containsKey(k)) {
                            expiry.put(k2, expiry.get(k));
                        }
                    }
                }
                case 7 -> {
                    if (live) {
                        send("touch " + k + " 1\r\n");
                        expiry.put(k, h.clock.millis() + 1_000);
                    }
                }
                case 8 -> {
                    if (live) {
                        h.call("EXPIRE", k, "1");
                        flags.put(k, 0);
                        cas.remove(k);
                        expiry.put(k, h.clock.millis() + 1_000);
                    }
                }
                case 9 -> {
                    if (live) {
                        h.call("MOVE", k, "1");
                        flags.remove(k);
                    }
                }
                default -> {
                    h.clock.advance(r.nextInt(700));
                    long now = h.clock.millis();
                    expiry.entrySet().removeIf(x -> {
                        if (now > x.getValue()) {
                            flags.remove(x.getKey());
                            return true;
                        }
                        return false;
                    });
                }
            }
            if (r.nextInt(200) == 0) {
                h.call("FLUSHDB");
                flags.clear();
                expiry.clear();
            }
            h.call("SELECT", "1");
            h.call("FLUSHDB");
            h.call("SELECT", "0");
            for (String key : keys) {
                String got = send("gets " + key + "\r\n");
                if (!flags.containsKey(key)) {
                    assertEquals("END\r\n", got, "step " + step + ", " + key);
                    cas.remove(key);
                    continue;
                }
                String[] head = got.substring(0, got.indexOf("\r\n")).split(" ");
                assertEquals(String.valueOf(flags.get(key)), head[2], "flags at step " + step + ", " + key + ": " + got);
                long c = Long.parseLong(head[4]);
                Long before = cas.get(key);
                if (before == null) {
                    assertTrue(c > maxCas, "a new CAS at step " + step + ", " + key + ": " + got);
                } else {
                    assertEquals((long) before, c, "the same CAS at step " + step + ", " + key);
                }
                cas.put(key, c);
                maxCas = Math.max(maxCas, c);
            }
        }
    }

    @Test
    void getAndSetDoNotAllocatePerRequest() {
        h = new EngineHarness(); // no propagation sink: nothing to build for one
        mc = h.memcachedClient();
        send("set key 0 0 10\r\n0123456789\r\n");
        for (int i = 0; i < 20_000; i++) {
            send("get key\r\n");
        }
        com.sun.management.ThreadMXBean bean =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        byte[] request = "get key\r\nset key 0 0 10\r\n9876543210\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        MemcachedSession s = (MemcachedSession) mc.memcached;
        long before = bean.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            s.feed(request, 0, request.length);
            h.engine.processInput(mc);
            mc.reply.buffer().clear();
        }
        long perRequest = (bean.getCurrentThreadAllocatedBytes() - before) / 20_000;
        assertTrue(perRequest < 16, "bytes allocated per request: " + perRequest);
    }
}
