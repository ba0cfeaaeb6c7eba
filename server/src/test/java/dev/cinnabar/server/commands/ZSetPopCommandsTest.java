package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.testing.EngineHarness;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ZPOPMIN, ZPOPMAX, ZMPOP and the blocking forms: reply shapes, blocking and serving, propagation. */
class ZSetPopCommandsTest {
    static final String WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

    private final EngineHarness h = new EngineHarness();
    private final Client a = h.newClient();
    private final Client b = h.newClient();
    private final List<String> stream = new ArrayList<>();

    ZSetPopCommandsTest() {
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
    void zpopShapesInResp2AndResp3() {
        h.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "0.1", "d", "inf", "e");
        assertEquals("*2\r\n$1\r\nd\r\n$19\r\n0.10000000000000001\r\n", h.call("ZPOPMIN", "z"));
        assertEquals("*4\r\n$1\r\ne\r\n$3\r\ninf\r\n$1\r\nc\r\n$1\r\n3\r\n", h.call("ZPOPMAX", "z", "2"));
        assertEquals("*0\r\n", h.call("ZPOPMIN", "z", "0"));
        assertEquals("*0\r\n", h.call("ZPOPMIN", "nokey"));
        h.call("HELLO", "3");
        assertEquals("*2\r\n$1\r\na\r\n,1\r\n", h.call("ZPOPMIN", "z"));
        assertEquals("*1\r\n*2\r\n$1\r\nb\r\n,2\r\n", h.call("ZPOPMIN", "z", "5"));
        assertEquals(":0\r\n", h.call("EXISTS", "z"));
        assertEquals("_\r\n", h.call("ZMPOP", "1", "z", "MIN"));
        h.call("ZADD", "z", "1", "a", "2", "b");
        assertEquals("*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n,2\r\n", h.call("ZMPOP", "2", "nokey", "z", "MAX"));
        assertEquals("*3\r\n$1\r\nz\r\n$1\r\na\r\n,1\r\n", h.call("BZPOPMIN", "z", "0"));
    }

    @Test
    void aStreamOverwrittenByAZsetWakesAZsetWaiterOnlyWhileSomeoneWaitsOnStreams() {
        h.call("ZADD", "src", "1", "a");
        // Nobody waits on streams: the stream's going is not a signal, so b keeps waiting.
        assertEquals("", h.call(b, "BZPOPMAX", "k", "0"));
        h.call("XADD", "k", "1-1", "f", "v");
        assertEquals(":1\r\n", h.call("ZUNIONSTORE", "k", "1", "src"));
        h.engine.handleBlockedClients();
        assertEquals("", h.drain(b));
        assertEquals(1, h.server.clients().blocked().count());
        // With an XREAD waiting elsewhere it is, and the zset now there serves the waiter.
        Client c = h.newClient();
        assertEquals("", h.call(c, "XREAD", "BLOCK", "0", "STREAMS", "elsewhere", "$"));
        assertEquals("", h.call(a, "BZPOPMAX", "k2", "0"));
        h.call("XADD", "k2", "1-1", "f", "v");
        h.call("ZUNIONSTORE", "k2", "1", "src");
        assertEquals("*3\r\n$2\r\nk2\r\n$1\r\na\r\n$1\r\n1\r\n", h.drain(a));
    }

    @Test
    void propagationAndChangesOfTheImmediateForms() {
        h.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f");
        long dirty = h.server.keyspace().dirty;
        h.call("ZPOPMIN", "z", "2");
        h.call("zmpop", "1", "z", "max", "COUNT", "2");
        h.call("BZPOPMIN", "nokey", "z", "0");
        h.call("BZMPOP", "0", "1", "z", "MAX", "COUNT", "10");
        h.call("ZPOPMIN", "z", "0");
        h.call("ZMPOP", "1", "z", "MIN");
        assertEquals(dirty + 6, h.server.keyspace().dirty);
        assertEquals(List.of("ZADD z 1 a 2 b 3 c 4 d 5 e 6 f", "ZPOPMIN z 2", "ZPOPMAX z 2", "ZPOPMIN z",
                "ZPOPMAX z 1"), stream);
    }

    @Test
    void errors() {
        h.call("SET", "s", "x");
        h.call("ZADD", "z", "1", "a");
        assertEquals(WRONGTYPE, h.call("ZPOPMIN", "s"));
        assertEquals("-ERR value is out of range, must be positive\r\n", h.call("ZPOPMIN", "z", "-1"));
        assertEquals("-ERR value is out of range, must be positive\r\n", h.call("ZPOPMIN", "z", "x"));
        assertEquals("-ERR syntax error\r\n", h.call("ZPOPMIN", "z", "1", "2"));
        assertEquals("-ERR numkeys should be greater than 0\r\n", h.call("ZMPOP", "0", "z", "MIN"));
        assertEquals("-ERR syntax error\r\n", h.call("ZMPOP", "2", "z", "MIN"));
        assertEquals("-ERR count should be greater than 0\r\n", h.call("ZMPOP", "1", "z", "MIN", "COUNT", "0"));
        assertEquals(WRONGTYPE, h.call("ZMPOP", "2", "nokey", "s", "MIN"));
        assertEquals(WRONGTYPE, h.call("BZPOPMIN", "s", "z", "0"));
        assertEquals("-ERR timeout is negative\r\n", h.call("BZPOPMAX", "z", "-1"));
        assertEquals("-ERR numkeys should be greater than 0\r\n", h.call("BZMPOP", "x", "0", "z", "MIN"));
        assertEquals("-ERR timeout is not a float or out of range\r\n", h.call("BZMPOP", "x", "1", "z", "MIN"));
        assertEquals(0, h.server.clients().blockedCount());
    }

    @Test
    void servedLaterFirstBlockedFirstServedAndPropagatedAsZpop() {
        Client c = h.newClient();
        h.call(a, "BZPOPMIN", "k", "0");
        h.call(b, "BZMPOP", "0", "2", "x", "k", "MAX", "COUNT", "2");
        h.call(c, "BZPOPMAX", "k", "0");
        long dirty = h.server.keyspace().dirty;
        assertEquals(":4\r\n", h.call("ZADD", "k", "1", "a", "2", "b", "3", "c", "4", "d"));
        assertEquals("*3\r\n$1\r\nk\r\n$1\r\na\r\n$1\r\n1\r\n", h.drain(a));
        assertEquals("*2\r\n$1\r\nk\r\n*2\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n", h.drain(b));
        assertEquals("*3\r\n$1\r\nk\r\n$1\r\nb\r\n$1\r\n2\r\n", h.drain(c));
        assertEquals(List.of("ZADD k 1 a 2 b 3 c 4 d", "ZPOPMIN k", "ZPOPMAX k 2", "ZPOPMAX k"), stream);
        assertEquals(dirty + 4 + 4, h.server.keyspace().dirty, "each member popped by a serve counts");
        assertEquals(":0\r\n", h.call("EXISTS", "k"));
        assertEquals(0, h.server.clients().blockedCount());
    }

    @Test
    void anEmptiedKeyLeavesTheOthersWaiting() {
        h.call(a, "BZPOPMIN", "k", "0");
        h.call(b, "BZPOPMIN", "k", "0");
        h.call("ZADD", "k", "1", "a");
        assertEquals("*3\r\n$1\r\nk\r\n$1\r\na\r\n$1\r\n1\r\n", h.drain(a));
        assertEquals("", h.drain(b));
        assertEquals(1, h.server.clients().blockedCount());
        h.call("ZADD", "k", "2", "b");
        assertEquals("*3\r\n$1\r\nk\r\n$1\r\nb\r\n$1\r\n2\r\n", h.drain(b));
    }

    @Test
    void otherTypesKeepWaitingAndListWaitersAreNotServedByZadd() {
        h.call(a, "BZPOPMIN", "k", "0");
        h.call(b, "BLPOP", "k", "0");
        h.call("RPUSH", "k", "v");
        assertEquals("", h.drain(a));
        assertEquals("*2\r\n$1\r\nk\r\n$1\r\nv\r\n", h.drain(b));
        h.call(b, "BLPOP", "k", "0");
        h.call("SET", "k", "s");
        h.call("DEL", "k");
        h.call("ZADD", "k", "5", "m");
        assertEquals("*3\r\n$1\r\nk\r\n$1\r\nm\r\n$1\r\n5\r\n", h.drain(a));
        assertEquals("", h.drain(b));
    }

    @Test
    void timeoutsAndClientsThatMayNotBlock() {
        assertEquals("", h.call(a, "BZPOPMIN", "k", "0.01"));
        h.call(b, "HELLO", "3");
        h.drain(b);
        assertEquals("", h.call(b, "BZMPOP", "0.01", "1", "k", "MIN"));
        h.clock.advance(11);
        h.engine.handleBlockedClients();
        assertEquals("*-1\r\n", h.drain(a));
        assertEquals("_\r\n", h.drain(b));
        a.denyBlocking = true;
        assertEquals("*-1\r\n", h.call(a, "BZPOPMIN", "k", "0"));
        assertEquals("*-1\r\n", h.call(a, "BZPOPMAX", "k", "0"));
        assertEquals("*-1\r\n", h.call(a, "BZMPOP", "0", "1", "k", "MIN"));
        assertEquals(0, h.server.clients().blockedCount());
    }
}
