package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.config.KeyspaceEvents;
import dev.cinnabar.server.db.KeyspaceNotifications;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyspaceNotificationsTest {
    private static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static final class Recorder implements KeyspaceNotifications.Sink {
        final List<String> got = new ArrayList<>();

        @Override
        public void publish(byte[] channel, byte[] message) {
            got.add(s(channel) + " " + s(message));
        }
    }

    @Test
    void classesFilterAndChannelsAreRedis() {
        KeyspaceNotifications n = new KeyspaceNotifications();
        Recorder r = new Recorder();
        n.sink(r);
        n.flags(0);
        n.notify(KeyspaceEvents.GENERIC, "del", "k".getBytes(), 0);
        assertEquals(List.of(), r.got);
        n.flags(KeyspaceEvents.parse("Kg"));
        n.notify(KeyspaceEvents.GENERIC, "del", "k".getBytes(), 12);
        n.notify(KeyspaceEvents.STRING, "set", "k".getBytes(), 12);
        n.flags(KeyspaceEvents.parse("E$"));
        n.notify(KeyspaceEvents.STRING, "set", "xkeyx".getBytes(), 1, 3, 3);
        n.flags(KeyspaceEvents.parse("g"));
        n.notify(KeyspaceEvents.GENERIC, "del", "k".getBytes(), 0);
        assertEquals(List.of("__keyspace@12__:k del", "__keyevent@3__:set key"), r.got);
    }

    @Test
    void nothingIsBuiltWhenOffOrWhenNobodyListens() {
        KeyspaceNotifications n = new KeyspaceNotifications();
        int[] asked = new int[1];
        n.sink(new KeyspaceNotifications.Sink() {
            @Override
            public void publish(byte[] channel, byte[] message) {
                throw new AssertionError("published");
            }

            @Override
            public boolean listening() {
                asked[0]++;
                return false;
            }
        });
        n.flags(0);
        n.notify(KeyspaceEvents.GENERIC, "del", "k".getBytes(), 0);
        assertEquals(0, asked[0]);
        n.flags(KeyspaceEvents.parse("KEA"));
        n.notify(KeyspaceEvents.GENERIC, "del", "k".getBytes(), 0);
        assertEquals(1, asked[0]);
    }

    /** Through the real pub/sub: a pattern subscriber gets both messages, RESP2 and RESP3. */
    @Test
    void subscribersReceiveThem() {
        EngineHarness h = new EngineHarness();
        Client sub = h.newClient();
        h.call(sub, "psubscribe", "__key*__:*");
        Client sub3 = h.newClient();
        h.call(sub3, "hello", "3");
        h.call(sub3, "subscribe", "__keyevent@0__:lpush");
        h.call("config", "set", "notify-keyspace-events", "KEl");
        h.call("lpush", "mylist", "a");
        h.call("set", "s", "v");
        assertEquals("*4\r\n$8\r\npmessage\r\n$10\r\n__key*__:*\r\n$21\r\n__keyspace@0__:mylist\r\n$5\r\nlpush\r\n"
                + "*4\r\n$8\r\npmessage\r\n$10\r\n__key*__:*\r\n$20\r\n__keyevent@0__:lpush\r\n$6\r\nmylist\r\n",
                h.drain(sub));
        assertEquals(">3\r\n$7\r\nmessage\r\n$20\r\n__keyevent@0__:lpush\r\n$6\r\nmylist\r\n", h.drain(sub3));
    }

    /** Hash-field expiry (Redis 7.4): hexpired from lazy and active expiry, then del once the hash went. */
    @Test
    void hashFieldExpiry() {
        EngineHarness h = new EngineHarness();
        Recorder r = new Recorder();
        h.server.keyspace().notifications().sink(r);
        h.call("config", "set", "notify-keyspace-events", "Eghx");
        h.call("hset", "h", "a", "1", "b", "2", "c", "3");
        h.call("hpexpire", "h", "100", "fields", "2", "a", "b");
        h.call("hpexpire", "h", "0", "fields", "1", "c");
        h.call("hpersist", "h", "fields", "1", "b");
        h.call("hpexpire", "h", "100", "fields", "1", "b");
        h.clock.advance(200);
        h.call("hget", "h", "a");
        h.call("hget", "h", "b");
        assertEquals(List.of("__keyevent@0__:hset h", "__keyevent@0__:hexpire h", "__keyevent@0__:hdel h",
                "__keyevent@0__:hpersist h", "__keyevent@0__:hexpire h", "__keyevent@0__:hexpired h",
                "__keyevent@0__:hexpired h", "__keyevent@0__:del h"), r.got);
        r.got.clear();
        h.call("hset", "h2", "a", "1", "b", "2");
        h.call("hpexpire", "h2", "100", "fields", "1", "a");
        h.clock.advance(200);
        h.server.keyspace().updateTime();
        h.server.activeExpire().slow(10, 1);
        h.call("hpexpire", "h2", "100", "fields", "1", "b");
        h.clock.advance(200);
        h.server.keyspace().updateTime();
        h.server.activeExpire().slow(10, 1);
        assertEquals(List.of("__keyevent@0__:hset h2", "__keyevent@0__:hexpire h2", "__keyevent@0__:hexpired h2",
                "__keyevent@0__:hexpire h2", "__keyevent@0__:hexpired h2", "__keyevent@0__:del h2"), r.got);
    }

    @Test
    void offByDefault() {
        EngineHarness h = new EngineHarness();
        Recorder r = new Recorder();
        h.server.keyspace().notifications().sink(r);
        h.call("set", "k", "v");
        h.call("del", "k");
        h.call("get", "k");
        assertTrue(r.got.isEmpty());
        assertTrue(h.call("config", "get", "notify-keyspace-events").endsWith("notify-keyspace-events\r\n$0\r\n\r\n"));
    }
}
