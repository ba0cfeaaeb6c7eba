package dev.cinnabar.it;

import static dev.cinnabar.it.support.MemcachedWire.frame;
import static dev.cinnabar.it.support.MemcachedWire.frames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.MemcachedWire;
import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The binary protocol against the JAR, side by side with a real memcached 1.6.18 (-U 0 -t 1):
 * every exchange is sent to both and the reply frames compared byte for byte. SASL PLAIN is
 * checked against a second Cinnabar with requirepass (memcached's own SASL needs a Cyrus setup).
 * The side-by-side tests run first and flush last of them: CAS numbers come from one counter per
 * server, so both servers must see the same writes in the same order (a RESP write on Cinnabar
 * alone would shift them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MemcachedBinaryIT {
    private static final byte[] NONE = new byte[0];
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

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    private static byte[] setExtras(int flags, int exptime) {
        return ByteBuffer.allocate(8).putInt(flags).putInt(exptime).array();
    }

    private static byte[] incrExtras(long delta, long initial, int exptime) {
        return ByteBuffer.allocate(20).putLong(delta).putLong(initial).putInt(exptime).array();
    }

    private static byte[] f(int op, String key) {
        return frame(op, b(key), NONE, NONE, 0, 0);
    }

    private static byte[] set(int op, String key, int flags, String value) {
        return frame(op, b(key), setExtras(flags, 0), b(value), 0, 0);
    }

    private void same(byte[]... exchanges) throws IOException {
        try (MemcachedWire m = new MemcachedWire(memcached.port()); MemcachedWire c = new MemcachedWire(cinnabarPort)) {
            for (byte[] x : exchanges) {
                String want = frames(m.binary(x));
                String got = frames(c.binary(x));
                assertEquals(want, got);
            }
        }
    }

    @Test
    @Order(1)
    void getSetFamily() throws IOException {
        same(set(0x01, "b1", 5, "hello"), f(0x00, "b1"), f(0x0c, "b1"), f(0x09, "b1"), f(0x0d, "b1"),
                f(0x00, "nob1"), f(0x0c, "nob1"), cat(f(0x09, "nob1"), f(0x0d, "nob1")),
                set(0x02, "b1", 0, "x"), set(0x12, "b1", 0, "x"), set(0x03, "nob1", 0, "x"), set(0x13, "nob1", 0, "x"),
                set(0x11, "b1", 7, "quiet"), f(0x00, "b1"), set(0x03, "b1", 0, "r"), f(0x00, "b1"));
    }

    @Test
    @Order(2)
    void casOnStoresAndDeletes() throws IOException {
        same(set(0x01, "c1", 0, "v"), frame(0x01, b("c1"), setExtras(0, 0), b("w"), 0, 99999),
                frame(0x02, b("c1"), setExtras(0, 0), b("w"), 0, 99999), frame(0x02, b("noc1"), setExtras(0, 0), b("w"), 0, 5),
                frame(0x04, b("c1"), NONE, NONE, 0, 99999), f(0x04, "c1"), f(0x04, "c1"), f(0x14, "c1"),
                cat(set(0x01, "c2", 0, "v"), f(0x14, "c2")), f(0x00, "c2"));
    }

    @Test
    @Order(3)
    void appendPrepend() throws IOException {
        same(set(0x01, "a1", 3, "mid"), frame(0x0e, b("a1"), NONE, b(">"), 0, 0), frame(0x0f, b("a1"), NONE, b("<"), 0, 0),
                frame(0x19, b("a1"), NONE, b("!"), 0, 0), f(0x00, "a1"), frame(0x0e, b("noa1"), NONE, b("x"), 0, 0),
                frame(0x1a, b("noa1"), NONE, b("x"), 0, 0), frame(0x0e, b("a1"), NONE, b("x"), 0, 1));
    }

    @Test
    @Order(4)
    void incrDecr() throws IOException {
        same(frame(0x05, b("n1"), incrExtras(1, 5, 0xffffffff), NONE, 0, 0),
                frame(0x05, b("n1"), incrExtras(1, 5, 0), NONE, 0, 0),
                frame(0x05, b("n1"), incrExtras(3, 5, 0), NONE, 0, 0),
                frame(0x06, b("n1"), incrExtras(100, 5, 0), NONE, 0, 0),
                frame(0x15, b("n1"), incrExtras(2, 5, 0), NONE, 0, 0), f(0x00, "n1"),
                frame(0x05, b("n1"), incrExtras(-1L, 0, 0), NONE, 0, 0),
                frame(0x05, b("n1"), incrExtras(1, 0, 0), NONE, 0, 12345),
                set(0x01, "n2", 0, "abc"), frame(0x05, b("n2"), incrExtras(1, 0, 0), NONE, 0, 0));
    }

    @Test
    @Order(5)
    void touchAndGat() throws IOException {
        same(set(0x01, "t1", 9, "val"), frame(0x1c, b("t1"), new byte[4], NONE, 0, 0),
                frame(0x1d, b("t1"), new byte[4], NONE, 0, 0), frame(0x23, b("t1"), new byte[4], NONE, 0, 0),
                frame(0x1e, b("t1"), new byte[4], NONE, 0, 0), frame(0x24, b("t1"), new byte[4], NONE, 0, 0),
                frame(0x1c, b("not1"), new byte[4], NONE, 0, 0), frame(0x23, b("not1"), new byte[4], NONE, 0, 0),
                cat(frame(0x1e, b("not1"), new byte[4], NONE, 0, 0), frame(0x24, b("not1"), new byte[4], NONE, 0, 0)));
    }

    @Test
    @Order(6)
    void versionNoopUnknownAndQuiet() throws IOException {
        same(f(0x0b, ""), cat(f(0x0a, ""), f(0x0a, "")), cat(frame(0x1b, NONE, new byte[4], NONE, 0, 0), b("abcd")),
                frame(0x50, NONE, NONE, NONE, 3, 0), f(0x20, ""), frame(0x21, b("PLAIN"), NONE, b("\0a\0b"), 0, 0),
                f(0x10, "bogus"), f(0x10, "reset"));
    }

    @Test
    @Order(8)
    void flush() throws IOException {
        same(set(0x01, "f1", 0, "v"), frame(0x18, NONE, NONE, NONE, 0, 0), f(0x00, "f1"),
                set(0x01, "f1", 0, "v"), frame(0x08, NONE, ByteBuffer.allocate(4).putInt(100).array(), NONE, 0, 0),
                f(0x00, "f1"), f(0x08, ""), f(0x00, "f1"));
    }

    /** Exchanges that end the connection: compared on fresh connections, up to the close. */
    @Test
    @Order(7)
    void closingFrames() throws IOException {
        byte[][] cases = {f(0x07, ""), f(0x17, ""), f(0x0b, "x"), f(0x00, "k".repeat(251)),
            frame(0x08, NONE, new byte[2], NONE, 0, 0), cat(f(0x0a, ""), new byte[] {0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
                12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23})};
        for (byte[] x : cases) {
            try (MemcachedWire m = new MemcachedWire(memcached.port()); MemcachedWire c = new MemcachedWire(cinnabarPort)) {
                // the first frame decides the protocol; start binary with a NOOP
                m.binary(NONE);
                c.binary(NONE);
                assertEquals(frames(m.raw(x, 500)), frames(c.raw(x, 500)));
            }
        }
    }

    @Test
    @Order(9)
    void redisSeesBinaryWrites() throws IOException {
        try (MemcachedWire c = new MemcachedWire(cinnabarPort); RawConnection r = new RawConnection(cinnabar.port())) {
            c.binary(set(0x01, "shared1", 3, "from-binary"));
            assertEquals("$11\r\nfrom-binary\r\n", r.call("GET", "shared1"));
            r.call("SET", "shared1", "from-redis");
            String got = frames(c.binary(f(0x00, "shared1")));
            assertTrue(got.endsWith("\\x00\\x00\\x00\\x00from-redis\n"), got);
        }
    }

    @Test
    @Order(10)
    void saslPlainWithRequirepass() throws IOException {
        int port = ServerProcess.freePort();
        try (ServerProcess locked = ServerProcess.cinnabar("--memcached-port", Integer.toString(port), "--save", "",
                "--requirepass", "pw")) {
            MemcachedWire.awaitPort(port);
            try (MemcachedWire c = new MemcachedWire(port)) {
                // before authenticating even NOOP is refused, so these exchanges are read raw
                assertEquals("81 20 00 k0 e0 o0 c0 PLAIN\n", frames(c.raw(f(0x20, ""), 300)));
                // a failed attempt leaves the connection unauthenticated; the next one succeeds
                assertEquals("81 21 20 k0 e0 o0 c0 Auth failure.\n81 21 00 k0 e0 o0 c0 Authenticated\n",
                        frames(c.raw(cat(frame(0x21, b("PLAIN"), NONE, b("\0user\0bad"), 0, 0),
                                frame(0x21, b("PLAIN"), NONE, b("\0user\0pw"), 0, 0)), 300)));
                assertEquals("81 01 00 k0 e0 o0 c1 \n", frames(c.binary(set(0x01, "k", 0, "v"))));
            }
            try (MemcachedWire c = new MemcachedWire(port)) {
                assertEquals("81 00 20 k0 e0 o0 c0 Auth failure.\n<EOF>", frames(c.raw(f(0x00, "k"), 2000)));
            }
        }
    }
}
