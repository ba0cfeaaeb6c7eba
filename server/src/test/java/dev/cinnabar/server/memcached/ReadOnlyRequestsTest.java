package dev.cinnabar.server.memcached;

import static dev.cinnabar.server.memcached.MemcachedTestConnection.bytes;
import static dev.cinnabar.server.memcached.MemcachedTestConnection.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which meta lines and binary frames only read (what CLIENT PAUSE WRITE may let through). */
class ReadOnlyRequestsTest {
    private static boolean meta(String line) {
        byte[] b = bytes(line);
        return MetaCommands.readOnly(b, 0, b.length);
    }

    private static boolean binary(int opcode) {
        byte[] f = frame(opcode, "k");
        return BinaryProtocol.readOnly(f, 0, f.length);
    }

    @Test
    void metaLines() {
        assertTrue(meta("mn\r\n"));
        assertTrue(meta("me foo\r\n"));
        assertTrue(meta("mg foo v c t k\r\n"));
        assertTrue(meta("mg Nfoo v\r\n")); // the key may start with N
        assertFalse(meta("mg foo v N30\r\n"));
        assertFalse(meta("mg foo T30\r\n"));
        assertFalse(meta("ms foo 2\r\n"));
        assertFalse(meta("md foo\r\n"));
        assertFalse(meta("ma foo\r\n"));
        assertFalse(meta("mgx foo\r\n"));
    }

    @Test
    void binaryFrames() {
        for (int op : new int[] {0x00, 0x09, 0x0c, 0x0d, 0x0a, 0x0b, 0x10, 0x07, 0x17, 0x20, 0x21, 0x22}) {
            assertTrue(binary(op), Integer.toHexString(op));
        }
        for (int op : new int[] {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x08, 0x0e, 0x0f, 0x11, 0x1c, 0x1d, 0x1e, 0x23, 0x24}) {
            assertFalse(binary(op), Integer.toHexString(op));
        }
        assertFalse(BinaryProtocol.readOnly(new byte[] {(byte) 0x80}, 0, 1));
    }

    @Test
    void clientPauseWriteLetsMetaAndBinaryReadsThrough() {
        dev.cinnabar.server.testing.EngineHarness h = new dev.cinnabar.server.testing.EngineHarness();
        dev.cinnabar.server.client.Client meta = h.memcachedClient();
        dev.cinnabar.server.client.Client bin = h.memcachedClient();
        assertEquals("HD\r\n", h.memcached(meta, "ms a 1\r\nx\r\n"));
        h.call("CLIENT", "PAUSE", "100000", "WRITE");
        assertEquals("VA 1\r\nx\r\nMN\r\n", h.memcached(meta, "mg a v\r\nmn\r\n"));
        // mg with N may write: held, and what follows with it
        assertEquals("", h.memcached(meta, "mg b N30 v\r\nmn\r\n"));
        String get = new String(frame(0x0c, "a"), java.nio.charset.StandardCharsets.ISO_8859_1);
        String touch = new String(frame(0x1c, bytes("a"), new byte[4], new byte[0], 0, 0),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(true, h.memcached(bin, get).endsWith("ax"));
        assertEquals("", h.memcached(bin, touch));
        h.call("CLIENT", "UNPAUSE");
        h.engine.runReleasedClients();
        assertEquals("VA 0 W\r\n\r\nMN\r\n", h.drain(meta));
        assertEquals(true, h.drain(bin).length() > 0);
    }
}
