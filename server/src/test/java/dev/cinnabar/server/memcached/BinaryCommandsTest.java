package dev.cinnabar.server.memcached;

import static dev.cinnabar.server.memcached.MemcachedTestConnection.bytes;
import static dev.cinnabar.server.memcached.MemcachedTestConnection.concat;
import static dev.cinnabar.server.memcached.MemcachedTestConnection.frame;
import static dev.cinnabar.server.memcached.MemcachedTestConnection.frames;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.server.testing.EngineHarness;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Binary commands on the item store, one connection; each exchange ends with a NOOP (opaque
 * 30583) as when it was recorded from a fresh memcached 1.6.18, whose replies these are.
 */
class BinaryCommandsTest {
    private static final byte[] NONE = new byte[0];
    private static final String NOOP = "81 0a 00 k0 e0 o30583 c0 \n";

    private final EngineHarness h = new EngineHarness();
    private final MemcachedTestConnection m = new MemcachedTestConnection(h);

    private void check(String reply, byte[]... frames) {
        assertEquals(reply + NOOP, frames(m.send(concat(concat(frames), frame(0x0a, NONE, NONE, NONE, 0x7777, 0)))));
    }

    private static byte[] set(int op, String key, String value, int flags, long cas, int opaque) {
        return frame(op, bytes(key), ByteBuffer.allocate(8).putInt(flags).putInt(0).array(), bytes(value), opaque, cas);
    }

    private static byte[] set(int op, String key, String value) {
        return set(op, key, value, 0, 0, 0);
    }

    private static byte[] get(int op, String key) {
        return frame(op, bytes(key), NONE, NONE, 0, 0);
    }

    private static byte[] incr(int op, String key, long delta, long initial, int exptime, long cas) {
        return frame(op, bytes(key), ByteBuffer.allocate(20).putLong(delta).putLong(initial).putInt(exptime).array(),
                NONE, 0, cas);
    }

    private static byte[] touch(int op, String key, int exptime) {
        return frame(op, bytes(key), ByteBuffer.allocate(4).putInt(exptime).array(), NONE, 0, 0);
    }

    @Test
    void recordedSequence() {
        check("81 01 00 k0 e0 o3 c1 \n", set(0x01, "x1", "hello", 5, 0, 3));
        check("81 00 00 k0 e4 o0 c1 \\x00\\x00\\x00\\x05hello\n81 0c 00 k2 e4 o0 c1 \\x00\\x00\\x00\\x05x1hello\n"
                + "81 09 00 k0 e4 o0 c1 \\x00\\x00\\x00\\x05hello\n81 0d 00 k2 e4 o0 c1 \\x00\\x00\\x00\\x05x1hello\n",
                get(0x00, "x1"), get(0x0c, "x1"), get(0x09, "x1"), get(0x0d, "x1"));
        check("81 00 01 k0 e0 o0 c0 Not found\n81 0c 01 k2 e0 o0 c0 nx\n",
                get(0x00, "nx"), get(0x0c, "nx"), get(0x09, "nx"), get(0x0d, "nx"));
        check("81 02 02 k0 e0 o0 c0 Data exists for key.\n81 12 02 k0 e0 o0 c0 Data exists for key.\n"
                + "81 03 01 k0 e0 o0 c0 Not found\n81 13 01 k0 e0 o0 c0 Not found\n",
                set(0x02, "x1", "1"), set(0x12, "x1", "1"), set(0x03, "nx", "1"), set(0x13, "nx", "1"),
                set(0x11, "x1", "q"));
        check("81 01 02 k0 e0 o0 c0 Data exists for key.\n81 01 02 k0 e0 o0 c0 Data exists for key.\n"
                + "81 01 01 k0 e0 o0 c0 Not found\n",
                set(0x01, "x1", "1", 0, 999, 0), set(0x01, "x1", "c", 0, 3, 0), set(0x01, "nx", "1", 0, 5, 0));
        check("81 0e 00 k0 e0 o0 c3 \n81 00 00 k0 e4 o0 c4 \\x00\\x00\\x00\\x00<q>\n81 0e 05 k0 e0 o0 c0 Not stored.\n",
                frame(0x0e, bytes("x1"), NONE, bytes(">"), 0, 0), frame(0x1a, bytes("x1"), NONE, bytes("<"), 0, 0),
                get(0x00, "x1"), frame(0x0e, bytes("nx"), NONE, bytes("a"), 0, 0));
        check("81 05 01 k0 e0 o0 c0 Not found\n81 05 00 k0 e0 o0 c5 \\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x07\n"
                + "81 05 00 k0 e0 o0 c6 \\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x0a\n"
                + "81 06 00 k0 e0 o0 c7 \\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\n81 00 00 k0 e4 o0 c8 \\x00\\x00\\x00\\x001 \n",
                incr(0x05, "c1", 1, 0, -1, 0), incr(0x05, "c1", 1, 7, 0, 0), incr(0x05, "c1", 3, 0, 0, 0),
                incr(0x06, "c1", 100, 0, 0, 0), incr(0x15, "c1", 1, 0, 0, 0), get(0x00, "c1"));
        check("81 01 00 k0 e0 o0 c9 \n81 05 06 k0 e0 o0 c0 Non-numeric server-side value for incr or decr\n"
                + "81 05 02 k0 e0 o0 c0 Data exists for key.\n",
                set(0x01, "c2", "abc"), incr(0x05, "c2", 1, 0, 0, 0), incr(0x05, "c1", 1, 0, 0, 1));
        check("81 04 01 k0 e0 o0 c0 Not found\n81 14 01 k0 e0 o0 c0 Not found\n81 04 02 k0 e0 o0 c0 Data exists for key.\n"
                + "81 04 00 k0 e0 o0 c0 \n",
                get(0x04, "nx"), get(0x14, "nx"), get(0x14, "c2"), frame(0x04, bytes("c1"), NONE, NONE, 0, 1),
                get(0x04, "c1"));
        check("81 1c 00 k0 e4 o0 c4 \\x00\\x00\\x00\\x00\n81 1d 00 k0 e4 o0 c4 \\x00\\x00\\x00\\x00<q>\n"
                + "81 23 00 k2 e4 o0 c4 \\x00\\x00\\x00\\x00x1<q>\n81 23 01 k2 e0 o0 c0 nx\n",
                touch(0x1c, "x1", 100), touch(0x1d, "x1", 0), touch(0x23, "x1", 0), touch(0x1e, "nx", 0),
                touch(0x23, "nx", 0));
        check("81 00 01 k0 e0 o0 c0 Not found\n", frame(0x18, NONE, NONE, NONE, 0, 0), get(0x00, "x1"));
        String big = "x".repeat(1048517);
        check("81 01 03 k0 e0 o0 c0 Too large.\n81 02 03 k0 e0 o0 c0 Too large.\n",
                set(0x01, "big", big), set(0x02, "ok", big));
    }

    @Test
    void valuesMayArriveInPieces() {
        byte[] f = set(0x01, "p", "0123456789");
        byte[] head = java.util.Arrays.copyOf(f, 30);
        byte[] tail = java.util.Arrays.copyOfRange(f, 30, f.length);
        assertEquals("", frames(m.send(head)));
        assertEquals("81 01 00 k0 e0 o0 c1 \n", frames(m.send(tail)));
    }

    @Test
    void tooLargeValuesAreSwallowedAsTheyArrive() {
        byte[] f = set(0x01, "big", "x".repeat(2_000_000));
        byte[] head = java.util.Arrays.copyOf(f, 100);
        assertEquals("81 01 03 k0 e0 o0 c0 Too large.\n", frames(m.send(head)));
        assertEquals("", frames(m.send(java.util.Arrays.copyOfRange(f, 100, f.length))));
        assertEquals("81 0b 00 k0 e0 o0 c0 1.6.18\n", frames(m.send(get(0x0b, ""))));
    }

    @Test
    void statGroups() {
        String general = frames(m.send(get(0x10, "")));
        assertEquals(true, general.startsWith("81 10 00 k3 e0 o0 c0 pid"), general);
        assertEquals(true, general.endsWith("81 10 00 k0 e0 o0 c0 \n"), general);
        assertEquals("81 10 00 k0 e0 o0 c0 \n", frames(m.send(get(0x10, "resetx"))));
        assertEquals("81 10 00 k12 e0 o0 c0 sizes_statusdisabled\n81 10 00 k0 e0 o0 c0 \n",
                frames(m.send(get(0x10, "sizes"))));
        assertEquals("81 10 00 k8 e0 o0 c0 detailedEND\\x0d\\x0a\n81 10 00 k0 e0 o0 c0 \n",
                frames(m.send(get(0x10, "detail dump"))));
        assertEquals("81 10 01 k0 e0 o0 c0 Not found\n", frames(m.send(get(0x10, "conns"))));
    }

    @Test
    void overMaxmemoryStoresAnswerOutOfMemory() {
        check("81 01 00 k0 e0 o0 c1 \n", set(0x01, "a", "5"));
        h.call("CONFIG", "SET", "maxmemory", "1");
        check("81 01 82 k0 e0 o0 c0 Out of memory\n81 11 82 k0 e0 o0 c0 Out of memory\n"
                + "81 05 82 k0 e0 o0 c0 Out of memory\n81 05 82 k0 e0 o0 c0 Out of memory\n",
                set(0x01, "b", "x"), set(0x11, "b", "x"), incr(0x05, "a", 1, 0, 0, 0), incr(0x05, "nob", 1, 0, 0, 0));
        check("81 00 00 k0 e4 o0 c1 \\x00\\x00\\x00\\x005\n81 04 00 k0 e0 o0 c0 \n", get(0x00, "a"), get(0x04, "a"));
    }

    @Test
    void aBusyServerRefusesBinaryReadsAndWrites() {
        check("81 01 00 k0 e0 o0 c1 \n", set(0x01, "a", "x"));
        h.server.busy().begin(h.client, dev.cinnabar.server.client.BusyState.SCRIPT);
        try {
            String busy = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
            check("81 00 82 k0 e0 o0 c0 " + busy + "\n81 09 82 k0 e0 o0 c0 " + busy + "\n81 01 82 k0 e0 o0 c0 " + busy
                    + "\n81 0b 00 k0 e0 o0 c0 1.6.18\n", get(0x00, "a"), get(0x09, "nokey"), set(0x01, "a", "y"), get(0x0b, ""));
        } finally {
            h.server.busy().end();
        }
        check("81 00 00 k0 e4 o0 c1 \\x00\\x00\\x00\\x00x\n", get(0x00, "a"));
    }
}
