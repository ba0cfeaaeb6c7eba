package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.testing.EngineHarness;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH: raw replies, blocking and serving, propagation. */
class ListBlockingCommandsTest {
    private final EngineHarness h = new EngineHarness();
    private final Client a = h.newClient();
    private final Client b = h.newClient();
    private final List<String> stream = new ArrayList<>();

    ListBlockingCommandsTest() {
        h.server.keyspace().propagation().addSink((db, cmd) -> stream.add(render(cmd)));
    }

    private static String render(Argv a) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < a.count(); i++) {
            sb.append(i == 0 ? "" : " ").append(a.string(i));
        }
        return sb.toString();
    }

    @Test
    void servedAtOnceLikeTheirNonBlockingForms() {
        h.call("RPUSH", "k", "a", "b", "c", "d", "e");
        assertEquals("*2\r\n$1\r\nk\r\n$1\r\na\r\n", h.call("BLPOP", "nokey", "k", "0"));
        assertEquals("*2\r\n$1\r\nk\r\n$1\r\ne\r\n", h.call("BRPOP", "k", "1.5"));
        assertEquals("*2\r\n$1\r\nk\r\n*2\r\n$1\r\nb\r\n$1\r\nc\r\n", h.call("BLMPOP", "0", "1", "k", "LEFT", "COUNT", "2"));
        assertEquals("$1\r\nd\r\n", h.call("BLMOVE", "k", "dst", "left", "RIGHT", "0"));
        h.call("RPUSH", "k", "x");
        assertEquals("$1\r\nx\r\n", h.call("BRPOPLPUSH", "k", "dst", "0"));
        assertEquals(List.of("RPUSH k a b c d e", "LPOP k", "RPOP k", "LPOP k 2", "LMOVE k dst left RIGHT",
                "RPUSH k x", "RPOPLPUSH k dst"), stream);
    }

    @Test
    void errors() {
        h.call("SET", "s", "str");
        String wrong = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
        assertEquals(wrong, h.call("BLPOP", "nokey", "s", "0"));
        assertEquals("-ERR timeout is negative\r\n", h.call("BLPOP", "k", "-1"));
        assertEquals("-ERR timeout is not a float or out of range\r\n", h.call("BLPOP", "k", "abc"));
        assertEquals("-ERR timeout is not a float or out of range\r\n", h.call("BLPOP", "k", "nan"));
        assertEquals("-ERR timeout is negative\r\n", h.call("BLPOP", "k", "inf"));
        assertEquals("-ERR timeout is negative\r\n", h.call("BLPOP", "k", "1e16"));
        assertEquals("-ERR numkeys should be greater than 0\r\n", h.call("BLMPOP", "abc", "0", "k", "LEFT"));
        assertEquals("-ERR timeout is not a float or out of range\r\n", h.call("BLMPOP", "abc", "1", "k", "LEFT"));
        assertEquals("-ERR syntax error\r\n", h.call("BLMPOP", "0", "2", "k", "LEFT"));
        assertEquals("-ERR count should be greater than 0\r\n", h.call("BLMPOP", "-1", "1", "k", "LEFT", "COUNT", "0"));
        assertEquals("-ERR syntax error\r\n", h.call("BLMOVE", "a", "b", "up", "LEFT", "-1"));
        assertEquals("-ERR timeout is negative\r\n", h.call("BLMOVE", "a", "b", "LEFT", "LEFT", "-1"));
        assertEquals(wrong, h.call("BLMOVE", "s", "b", "LEFT", "LEFT", "1"));
        h.call("RPUSH", "l", "1");
        assertEquals(wrong, h.call("BLMOVE", "l", "s", "LEFT", "LEFT", "1"));
        assertEquals(":1\r\n", h.call("LLEN", "l"));
        assertEquals(0, h.server.clients().blockedCount());
    }

    @Test
    void timeouts() {
        assertEquals("", h.call(a, "BLMOVE", "k", "d", "LEFT", "LEFT", "0.01"));
        h.call(b, "HELLO", "3");
        h.drain(b);
        assertEquals("", h.call(b, "BLMPOP", "0.0001", "1", "k", "LEFT"));
        h.clock.advance(11);
        h.engine.handleBlockedClients();
        assertEquals("*-1\r\n", h.drain(a));
        assertEquals("_\r\n", h.drain(b));
        // -0.0001 rounds up to 0: forever.
        assertEquals("", h.call(a, "BLPOP", "k", "-0.0001"));
        h.clock.advance(1_000_000);
        h.engine.handleBlockedClients();
        assertEquals("", h.drain(a));
    }

    @Test
    void servedLaterPropagatesThePopAloneAfterThePush() {
        h.call(a, "BLPOP", "k", "0");
        h.call(b, "BLMPOP", "0", "2", "x", "k", "RIGHT", "COUNT", "5");
        long dirty = h.server.keyspace().dirty;
        assertEquals(":3\r\n", h.call("RPUSH", "k", "1", "2", "3"));
        assertEquals("*2\r\n$1\r\nk\r\n$1\r\n1\r\n", h.drain(a));
        assertEquals("*2\r\n$1\r\nk\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n", h.drain(b));
        assertEquals(List.of("RPUSH k 1 2 3", "LPOP k", "RPOP k 2"), stream);
        assertEquals(dirty + 3 + 2, h.server.keyspace().dirty, "BLPOP's serve counts no change, BLMPOP's its elements");
        assertEquals(":0\r\n", h.call("EXISTS", "k"));
    }

    @Test
    void blmoveServedLaterChainsAndPropagatesLmove() {
        h.call(a, "BLMOVE", "s", "d", "left", "right", "0");
        h.call(b, "BRPOPLPUSH", "d", "e", "0");
        h.call("LPUSH", "s", "v");
        assertEquals("$1\r\nv\r\n", h.drain(a));
        assertEquals("$1\r\nv\r\n", h.drain(b));
        assertEquals(List.of("LPUSH s v", "LMOVE s d left right", "RPOPLPUSH d e"), stream);
        assertEquals("*1\r\n$1\r\nv\r\n", h.call("LRANGE", "e", "0", "-1"));
    }

    @Test
    void blmoveToAWrongTypeEndsWithAnError() {
        h.call("SET", "d", "str");
        h.call(a, "BLMOVE", "s", "d", "LEFT", "LEFT", "0");
        h.call("RPUSH", "s", "v");
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", h.drain(a));
        assertEquals(":1\r\n", h.call("LLEN", "s"));
        assertEquals(0, h.server.clients().blockedCount());
    }

    @Test
    void aKeyOfAnotherTypeKeepsWaitingDelAndFlushChangeNothing() {
        h.call(a, "BLPOP", "k", "0");
        h.call("SET", "k", "str");
        h.call("DEL", "k");
        h.call("FLUSHALL");
        assertEquals("", h.drain(a));
        h.call("RPUSH", "k", "v");
        assertEquals("*2\r\n$1\r\nk\r\n$1\r\nv\r\n", h.drain(a));
    }

    @Test
    void swapdbBringsTheKey() {
        h.call(a, "BLPOP", "k", "0");
        h.call("SELECT", "1");
        h.call("RPUSH", "k", "v");
        h.call("SWAPDB", "0", "1");
        assertEquals("*2\r\n$1\r\nk\r\n$1\r\nv\r\n", h.drain(a));
        assertTrue(stream.contains("LPOP k"), stream.toString());
    }

    @Test
    void aClientThatMayNotBlockGetsTheEmptyAnswer() {
        a.denyBlocking = true;
        assertEquals("*-1\r\n", h.call(a, "BLPOP", "k", "0"));
        assertEquals("*-1\r\n", h.call(a, "BRPOP", "k", "0"));
        assertEquals("*-1\r\n", h.call(a, "BLMPOP", "0", "1", "k", "LEFT"));
        assertEquals("$-1\r\n", h.call(a, "BLMOVE", "k", "d", "LEFT", "LEFT", "0"));
        assertEquals("$-1\r\n", h.call(a, "BRPOPLPUSH", "k", "d", "0"));
        assertEquals(0, h.server.clients().blockedCount());
    }
}
