package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.it.support.MemcachedWire;
import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The meta protocol (mg ms md ma mn me) against the JAR, side by side with a real memcached
 * 1.6.18 (-U 0 -t 1): each exchange goes to both on connections of their own and the raw
 * replies must be equal byte for byte (the same requests in the same order give the same CAS
 * numbers on both). Keys are distinct per test, so the tests do not see each other's items.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemcachedMetaIT {
    private ServerProcess memcached;
    private ServerProcess cinnabar;
    private int cinnabarPort;

    @BeforeAll
    void start() throws IOException {
        memcached = MemcachedWire.memcached();
        cinnabarPort = ServerProcess.freePort();
        cinnabar = ServerProcess.cinnabar("--memcached-port", Integer.toString(cinnabarPort), "--save", "");
        MemcachedWire.awaitPort(cinnabarPort);
    }

    @AfterAll
    void stop() {
        if (cinnabar != null) {
            cinnabar.close();
        }
        if (memcached != null) {
            memcached.close();
        }
    }

    /** Sends each exchange to both servers in turn and compares the replies. */
    private void same(String... exchanges) throws IOException {
        try (MemcachedWire m = new MemcachedWire(memcached.port()); MemcachedWire c = new MemcachedWire(cinnabarPort)) {
            for (String x : exchanges) {
                String want = seconds(m.text(x));
                String got = seconds(c.text(x));
                assertEquals(want, got, x);
            }
        }
    }

    /** Seconds since the last access tick over at each server's own second boundary: masked. */
    private static String seconds(String reply) {
        return reply.replaceAll(" la=[0-9]+", " la=N").replaceAll(" l[0-9]+", " lN");
    }

    @Test
    void getFlagsInRequestOrder() throws IOException {
        same("ms g1 5 F17 T0\r\nhello\r\n",
                "mg g1 v\r\n", "mg g1 s f t v\r\n", "mg g1 k O42 f\r\n", "mg g1 v k q\r\n",
                "mg g1\r\n", "mg nog1 v\r\n", "mg nog1 v q\r\nmg nog1 k O9\r\n", "mg nog1 k O9 q\r\n",
                "mg g1 O123456789012345678901234567890123\r\n", "mg g1 u h l v\r\n");
    }

    @Test
    void setModes() throws IOException {
        same("ms s1 2\r\nab\r\n", "ms s1 2 ME\r\ncd\r\n", "ms nos1 2 MR\r\ncd\r\n", "ms s1 2 MA\r\ncd\r\n",
                "ms s1 2 MP\r\nzz\r\n", "mg s1 v\r\n", "ms nos1 2 MA\r\nxy\r\n", "ms s1 2 MS q\r\n12\r\n",
                "mg s1 v\r\n", "ms s1 2 MZ\r\n12\r\n", "ms s1 2 ME q\r\n12\r\n", "ms s1 x\r\n",
                "ms s1 2\r\n123\r\n", "ms s1 2 I\r\nhiXX\r\n");
    }

    @Test
    void casReturnAndCompare() throws IOException {
        same("ms c1 1 c\r\na\r\n", "mg c1 c v\r\n", "ms c1 1 C999999 c\r\nb\r\n", "ms noc1 1 C5 c\r\nb\r\n",
                "mg c1 c\r\n");
    }

    @Test
    void base64Keys() throws IOException {
        same("ms Zm9vYmFy 3 b k c\r\nbar\r\n", "mg Zm9vYmFy b k v\r\n", "mg foobar k v\r\n",
                "me foobar\r\n", "me Zm9vYmFy b\r\n", "md Zm9vYmFy b k q\r\n", "mg Zm9vYmFy b k\r\n",
                "mg Zm9v= b\r\n", "mg ???? b\r\n");
    }

    @Test
    void deleteAndInvalidate() throws IOException {
        same("ms d1 2 T0\r\nxx\r\n", "md d1 I T30\r\n", "mg d1 v c t\r\n", "mg d1 v\r\n", "mg d1\r\n",
                "md d1 C1\r\n", "md d1 q\r\n", "md d1\r\n", "md d1 q k O7\r\n");
    }

    @Test
    void arithmetic() throws IOException {
        same("ma a1\r\n", "ma a1 N0 J10 v\r\n", "ma a1 v\r\n", "ma a1 MD D100 v\r\n", "ma a1 M- v t\r\n",
                "ma a1 D18446744073709551615 v\r\n", "ma a1 MI D2 v\r\n", "ma a1 q\r\n", "ma a1 v c\r\n",
                "ma a1 C1 v\r\n", "ms a2 3\r\nabc\r\n", "ma a2\r\n", "ma noa1 q\r\n", "ma noa1 N0 q v\r\n",
                "ma a1 MX\r\n", "ma a1 k O5 v\r\n");
    }

    @Test
    void vivifyAndRecache() throws IOException {
        same("mg v1 N30 s v c t\r\n", "mg v1 N30 v\r\n", "ms v1 3 T100\r\nnew\r\n", "mg v1 R30 v\r\n",
                "mg v1 R200 v\r\n", "mg v1 R200 v\r\n", "ms v2 3 T0\r\nold\r\n", "md v2 I\r\n", "mg v2 c v\r\n",
                "mg v2 v\r\n");
    }

    @Test
    void staleSetWithOlderCas() throws IOException {
        same("ms w1 3 T0\r\none\r\n", "mg w1 c\r\n", "md w1 I\r\n", "ms w1 3 C1 I\r\ntwo\r\n", "mg w1 v\r\n");
    }

    @Test
    void noOpAndDebug() throws IOException {
        same("mn\r\n", "me nosuch\r\n", "ms e1 10 F3\r\n0123456789\r\n", "me e1\r\n", "mg e1 v\r\n",
                "me e1\r\n", "me\r\n");
    }

    @Test
    void malformedLines() throws IOException {
        same("mg\r\n", "mg foo zz\r\n", "mg foo v v\r\n", "mg foo T\r\n", "md foo x\r\n", "ma foo Dx\r\n",
                "ms foo\r\n", "ms foo -1\r\n", "ms foo 2 MX\r\nhi\r\n", "mx foo\r\n",
                "mg foo a b c d e f g h i j k l m n o p q r\r\n", "mg " + "k".repeat(251) + " v\r\n");
    }
}
