package dev.cinnabar.server.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

/**
 * Meta commands on the item store, one connection, replies (CAS numbers included) as a fresh
 * memcached 1.6.18 gave them for the same sequence.
 */
class MetaCommandsTest {
    private final EngineHarness h = new EngineHarness();
    private final MemcachedTestConnection m = new MemcachedTestConnection(h);

    private void check(String request, String reply) {
        assertEquals(reply, m.sendText(request), request);
    }

    @Test
    void recordedSequence() {
        check("ms k1 3 T0 F5\r\nabc\r\n", "HD\r\n");
        check("mg k1 s v f t c k O1\r\n", "VA 3 s3 f5 t-1 c1 kk1 O1\r\nabc\r\n");
        // vivify: a stub, the win to the first, Z to the next
        check("mg nok N30 s v c t f\r\n", "VA 0 s0 c2 t30 f0 W\r\n\r\n");
        check("mg nok v c t\r\n", "VA 0 c2 t30 Z\r\n\r\n");
        // invalidation: stale with a new CAS, a win for the first reader, then a stale set
        check("ms s1 3 T0\r\nold\r\n", "HD\r\n");
        check("md s1 I T30\r\n", "HD\r\n");
        check("mg s1 c v t\r\n", "VA 3 c4 t30 X W\r\nold\r\n");
        check("mg s1 v\r\n", "VA 3 Z X\r\nold\r\n");
        check("ms s1 3 C1 I\r\nnew\r\n", "HD\r\n");
        check("mg s1 v c\r\n", "VA 3 c5 Z X\r\nnew\r\n");
        // arithmetic with autovivify, modes, quiet, key and opaque
        check("ma m1 N0 J10 v c\r\n", "VA 2 c6\r\n10\r\n");
        check("ma m1 MD D100 v\r\n", "VA 1\r\n0\r\n");
        check("ma m1 q\r\n", "");
        check("ma m1 v k O7\r\n", "VA 1 km1 O7\r\n2\r\n");
        check("ma nom q\r\n", "NF\r\n");
        // base64 keys: the item remembers its key was binary
        check("ms Zm9vYmFy 3 b k c\r\nbar\r\n", "HD kZm9vYmFy b c10\r\n");
        check("mg Zm9vYmFy b k v\r\n", "VA 3 kZm9vYmFy b\r\nbar\r\n");
        check("mg foobar k\r\n", "HD kZm9vYmFy b\r\n");
        check("me foobar\r\n", "ME Zm9vYmFy exp=-1 la=0 cas=10 fetch=yes cls=1 size=68\r\n");
        check("md foobar q\r\n", "");
        check("md foobar k\r\n", "NF kfoobar\r\n");
        // set modes
        check("ms a1 2 MA\r\nxx\r\n", "NS\r\n");
        check("ms a1 2 ME c\r\nxx\r\n", "HD c11\r\n");
        check("ms a1 2 MP\r\n<<\r\n", "HD\r\n");
        check("mg a1 v\r\n", "VA 4\r\n<<xx\r\n");
    }

    @Test
    void ttlFlagsApplyWhereTheyStand() {
        check("mg nok9 t N30 T60\r\n", "HD t-1 W\r\n");
        check("mg nok9 t\r\n", "HD t60 Z\r\n");
        check("ms tt 2 T100\r\nhi\r\n", "HD\r\n");
        check("mg tt t v\r\n", "VA 2 t100\r\nhi\r\n");
        h.clock.advance(1000);
        check("mg tt t v\r\n", "VA 2 t99\r\nhi\r\n");
        check("mg tt T0 t\r\n", "HD t-1\r\n");
    }

    @Test
    void aStubDueAlreadyExpiredIsHandedOutOnce() {
        check("mg q22 N-1 v\r\n", "VA 0 W\r\n\r\n");
        check("mg q22 v\r\n", "EN\r\n");
    }

    @Test
    void dataBlocksMayArriveInPieces() {
        check("ms p1 10 c\r\n01234", "");
        check("56789\r", "");
        check("\nmg p1 v\r\n", "HD c1\r\nVA 10\r\n0123456789\r\n");
    }

    @Test
    void redisWritesAreSeenByMeta() {
        h.call("SET", "shared", "from-redis");
        check("mg shared v f c\r\n", "VA 10 f0 c1\r\nfrom-redis\r\n");
        check("ms shared 2 F9\r\nmc\r\n", "HD\r\n");
        assertEquals("$2\r\nmc\r\n", h.call("GET", "shared"));
    }

    @Test
    void overMaxmemoryStoresAnswerMemcachedsOutOfMemory() {
        check("ms a 1\r\n5\r\n", "HD\r\n");
        h.call("CONFIG", "SET", "maxmemory", "1");
        check("ms b 1 c\r\nx\r\n", "SERVER_ERROR out of memory storing object\r\n");
        check("ma a v\r\n", "SERVER_ERROR out of memory\r\n");
        check("ma nob N0 v\r\n", "SERVER_ERROR Out of memory allocating new item\r\n");
        check("mg noc N30 v\r\n", "EN\r\n");
        check("mg a v\r\n", "VA 1\r\n5\r\n");
        check("md a\r\n", "HD\r\n");
        h.call("CONFIG", "SET", "maxmemory", "0");
        check("ms b 1\r\nx\r\n", "HD\r\n");
    }

    @Test
    void aBusyServerRefusesMetaCommands() {
        check("ms a 1\r\nx\r\n", "HD\r\n");
        h.server.busy().begin(h.client, dev.cinnabar.server.client.BusyState.SCRIPT);
        try {
            String busy = "SERVER_ERROR BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n";
            check("mg a v\r\n", busy);
            check("ms a 1\r\ny\r\n", busy);
            check("md a I\r\n", busy);
            check("ma a\r\n", busy);
            check("me a\r\n", busy);
            check("mg a zz\r\n", "CLIENT_ERROR invalid flag\r\n");
            check("mn\r\n", "MN\r\n");
        } finally {
            h.server.busy().end();
        }
        check("mg a v\r\n", "VA 1\r\nx\r\n");
    }
}
