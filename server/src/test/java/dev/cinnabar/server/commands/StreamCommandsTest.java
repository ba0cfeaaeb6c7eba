package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.testing.EngineHarness;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stream commands through the engine: reply bytes in RESP2 and RESP3, blocking, propagation, changes. */
class StreamCommandsTest {
    private final EngineHarness h = new EngineHarness();
    private final Client a = h.newClient();
    private final Client b = h.newClient();
    private final Client c = h.newClient();
    private final List<String> stream = new ArrayList<>();

    StreamCommandsTest() {
        h.server.keyspace().propagation().addSink((db, cmd) -> stream.add(render(cmd)));
    }

    private static String render(Argv a) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < a.count(); i++) {
            sb.append(i == 0 ? "" : " ").append(a.string(i));
        }
        return sb.toString();
    }

    private static String bulk(String s) {
        return "$" + s.length() + "\r\n" + s + "\r\n";
    }

    @Test
    void xaddChoosesIdsFromTheClockAndPropagatesThem() {
        long now = h.clock.millis();
        assertEquals(bulk(now + "-0"), h.call("XADD", "s", "*", "a", "1"));
        assertEquals(bulk(now + "-1"), h.call("XADD", "s", "*", "a", "2"));
        assertEquals(bulk(now + "-2"), h.call("XADD", "s", now + "-*", "a", "3"));
        h.clock.advance(5);
        assertEquals(bulk((now + 5) + "-0"), h.call("XADD", "s", "*", "a", "4"));
        assertEquals(bulk((now + 9) + "-0"), h.call("XADD", "s", (now + 9) + "-*", "a", "5"));
        assertEquals("-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n",
                h.call("XADD", "s", now + "-*", "a", "6"));
        assertEquals(List.of("XADD s " + now + "-0 a 1", "XADD s " + now + "-1 a 2", "XADD s " + now + "-2 a 3",
                "XADD s " + (now + 5) + "-0 a 4", "XADD s " + (now + 9) + "-0 a 5"), stream);
        // the clock going back does not move IDs back
        h.clock.advance(-1000);
        assertEquals(bulk((now + 9) + "-1"), h.call("XADD", "s", "*", "a", "7"));
        assertEquals(":6\r\n", h.call("XLEN", "s"));
    }

    @Test
    void approximateTrimsPropagateAsExactOnes() {
        h.config.streamNodeMaxEntries = 2;
        for (int i = 1; i <= 5; i++) {
            h.call("XADD", "s", i + "-1", "f", "v");
        }
        stream.clear();
        long dirty = h.server.keyspace().dirty;
        assertEquals(bulk("6-1"), h.call("XADD", "s", "MAXLEN", "~", "1", "6-1", "f", "v"));
        // ~ removes whole nodes only: 5-1 and 6-1 share the last node, which ends at 6-1
        assertEquals(":0\r\n", h.call("XTRIM", "s", "MINID", "~", "6"));
        assertEquals(":2\r\n", h.call("XTRIM", "s", "MINID", "~", "7"));
        h.call("XADD", "s", "7-1", "f", "v");
        h.call("XADD", "s", "8-1", "f", "v");
        assertEquals(":1\r\n", h.call("XTRIM", "s", "MAXLEN", "=", "1"));
        assertEquals(List.of("XADD s MAXLEN = 2 6-1 f v", "XTRIM s MINID = 18446744073709551615-18446744073709551615",
                "XADD s 7-1 f v", "XADD s 8-1 f v", "XTRIM s MAXLEN = 1"), stream);
        // XADD counts one change whatever it trims; XTRIM one per entry
        assertEquals(dirty + 1 + 2 + 2 + 1, h.server.keyspace().dirty);
    }

    @Test
    void readsInResp2AndResp3() {
        h.call("XADD", "s", "1-1", "a", "1", "b", "x");
        h.call("XADD", "s", "1-2", "c", "2");
        String e1 = "*2\r\n" + bulk("1-1") + "*4\r\n" + bulk("a") + bulk("1") + bulk("b") + bulk("x");
        String e2 = "*2\r\n" + bulk("1-2") + "*2\r\n" + bulk("c") + bulk("2");
        assertEquals("*2\r\n" + e1 + e2, h.call("XRANGE", "s", "-", "+"));
        assertEquals("*1\r\n" + e2, h.call("XREVRANGE", "s", "+", "-", "COUNT", "1"));
        assertEquals("*-1\r\n", h.call("XRANGE", "s", "-", "+", "COUNT", "0"));
        assertEquals("*1\r\n*2\r\n" + bulk("s") + "*1\r\n" + e2, h.call("XREAD", "STREAMS", "s", "1-1"));
        assertEquals("*-1\r\n", h.call("XREAD", "STREAMS", "s", "$"));
        h.call("HELLO", "3");
        assertEquals("_\r\n", h.call("XRANGE", "s", "-", "+", "COUNT", "0"));
        assertEquals("%1\r\n" + bulk("s") + "*1\r\n" + e2, h.call("XREAD", "STREAMS", "s", "1-1"));
        assertEquals("_\r\n", h.call("XREAD", "STREAMS", "s", "$"));
        assertEquals("-ERR Invalid stream ID specified as stream command argument\r\n",
                h.call("XRANGE", "s", "(-", "+"));
        assertEquals("-ERR invalid start ID for the interval\r\n",
                h.call("XRANGE", "s", "(18446744073709551615-18446744073709551615", "+"));
        assertEquals("-ERR invalid end ID for the interval\r\n", h.call("XRANGE", "s", "-", "(0-0"));
    }

    @Test
    void blockedReadersAreServedInTheOrderTheyBlocked() {
        h.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
        assertEquals("", h.call(a, "XREAD", "BLOCK", "0", "STREAMS", "s", "$"));
        assertEquals("", h.call(b, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">"));
        assertEquals("", h.call(c, "XREADGROUP", "GROUP", "g", "bob", "BLOCK", "0", "STREAMS", "s", ">"));
        assertEquals(3, h.server.clients().blockedCount());
        stream.clear();
        h.call("XADD", "s", "1-1", "f", "v");
        String entry = "*1\r\n*2\r\n" + bulk("s") + "*1\r\n*2\r\n" + bulk("1-1") + "*2\r\n" + bulk("f") + bulk("v");
        assertEquals(entry, h.drain(a));
        assertEquals(entry, h.drain(b));
        assertEquals("", h.drain(c)); // the group's last ID moved past what there is
        assertEquals(1, h.server.clients().blockedCount());
        assertEquals("XADD s 1-1 f v", stream.get(0));
        assertEquals(true, stream.get(1).startsWith("XCLAIM s g alice 0 1-1 TIME "));
        assertEquals(true, stream.get(1).endsWith(" RETRYCOUNT 1 FORCE JUSTID LASTID 1-1"));
        h.call("XGROUP", "DESTROY", "s", "g");
        assertEquals("-NOGROUP the consumer group this client was blocked on no longer exists\r\n", h.drain(c));
        assertEquals(0, h.server.clients().blockedCount());
    }

    @Test
    void groupReadersAreReleasedWhenTheStreamGoes() {
        h.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
        h.call(a, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
        h.call(b, "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
        h.call("DEL", "s");
        assertEquals("-UNBLOCKED the stream key no longer exists\r\n", h.drain(a));
        assertEquals("", h.drain(b));
        h.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
        h.call(a, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
        h.call("SET", "s", "x");
        assertEquals("-UNBLOCKED the stream key no longer exists\r\n", h.drain(a));
        h.call("DEL", "s");
        h.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
        h.call(a, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
        h.call("FLUSHALL");
        assertEquals("-UNBLOCKED the stream key no longer exists\r\n", h.drain(a));
        assertEquals(1, h.server.clients().blockedCount());
        h.call("XADD", "s", "5-5", "x", "y");
        assertEquals(true, h.drain(b).contains("5-5"));
    }

    @Test
    void timeoutsAndClientsThatMayNotBlock() {
        assertEquals("", h.call(a, "XREAD", "BLOCK", "10", "STREAMS", "s", "$"));
        h.call(b, "HELLO", "3");
        h.drain(b);
        assertEquals("", h.call(b, "XREAD", "BLOCK", "10", "STREAMS", "s", "0"));
        h.clock.advance(11);
        h.engine.handleBlockedClients();
        assertEquals("*-1\r\n", h.drain(a));
        assertEquals("_\r\n", h.drain(b));
        assertEquals("-ERR timeout is negative\r\n", h.call("XREAD", "BLOCK", "-1", "STREAMS", "s", "$"));
        assertEquals("-ERR timeout is not an integer or out of range\r\n",
                h.call("XREAD", "BLOCK", "0.5", "STREAMS", "s", "$"));
        a.denyBlocking = true;
        assertEquals("*-1\r\n", h.call(a, "XREAD", "BLOCK", "0", "STREAMS", "s", "$"));
        assertEquals(0, h.server.clients().blockedCount());
    }

    @Test
    void xautoclaimReadsItsKeyBeforeCheckingItsArguments() {
        long misses = h.server.keyspace().misses;
        assertTrue(h.call("XAUTOCLAIM", "nokey", "g", "c", "0", "x").startsWith("-ERR Invalid stream ID"));
        assertEquals(misses + 1, h.server.keyspace().misses);
        h.call("XADD", "s", "1-1", "f", "v");
        h.call("XGROUP", "CREATE", "s", "g", "0");
        long hits = h.server.keyspace().hits;
        assertTrue(h.call("XAUTOCLAIM", "s", "g", "c", "x", "0").startsWith("-ERR Invalid min-idle-time"));
        assertEquals(hits + 1, h.server.keyspace().hits);
    }

    @Test
    void groupCommandsCountTheirChangesAndPropagateClaims() {
        h.call("XADD", "s", "1-1", "f", "v");
        h.call("XADD", "s", "2-1", "f", "v");
        h.call("XGROUP", "CREATE", "s", "g", "0");
        stream.clear();
        long dirty = h.server.keyspace().dirty;
        h.call("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"); // consumer + read
        assertEquals(dirty + 2, h.server.keyspace().dirty);
        assertEquals("MULTI", stream.get(0));
        assertEquals(true, stream.get(2).startsWith("XCLAIM s g alice 0 2-1 TIME "));
        assertEquals("EXEC", stream.get(3));
        stream.clear();
        assertEquals(":2\r\n", h.call("XACK", "s", "g", "1-1", "2-1", "3-1"));
        assertEquals(List.of("XACK s g 1-1 2-1 3-1"), stream);
        assertEquals(dirty + 4, h.server.keyspace().dirty);
        stream.clear();
        assertEquals("*0\r\n", h.call("XCLAIM", "s", "g", "bob", "0", "1-1", "LASTID", "9-9"));
        assertEquals(List.of("XGROUP SETID s g 9-9 ENTRIESREAD 2"), stream);
        assertEquals("*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n", h.call("XPENDING", "s", "g"));
        h.call("HELLO", "3");
        assertEquals("*4\r\n:0\r\n_\r\n_\r\n_\r\n", h.call("XPENDING", "s", "g"));
    }
}
