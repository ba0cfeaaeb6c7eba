package dev.cinnabar.server.memcached;

import static dev.cinnabar.server.memcached.MemcachedTestConnection.bytes;
import static dev.cinnabar.server.memcached.MemcachedTestConnection.concat;
import static dev.cinnabar.server.memcached.MemcachedTestConnection.frame;
import static dev.cinnabar.server.memcached.MemcachedTestConnection.frames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.testing.EngineHarness;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Binary frames that need no item store: framing, checks, errors, SASL; replies as memcached 1.6.18 sends them. */
class BinaryFramingTest {
    private static final byte[] NONE = new byte[0];

    private final EngineHarness h = new EngineHarness();
    private final MemcachedTestConnection m = new MemcachedTestConnection(h);

    @Test
    void versionAndNoopEchoTheOpaque() {
        byte[] out = m.send(concat(frame(0x0b, NONE, NONE, NONE, 0x01020304, 0), frame(0x0a, NONE, NONE, NONE, 9, 0)));
        assertEquals("81 0b 00 k0 e0 o16909060 c0 1.6.18\n81 0a 00 k0 e0 o9 c0 \n", frames(out));
    }

    @Test
    void partialFramesWaitWithoutConsuming() {
        byte[] f = frame(0x0b, NONE, NONE, NONE, 5, 0);
        assertEquals(0, m.send(Arrays.copyOf(f, 10)).length);
        assertEquals(0, m.send(Arrays.copyOfRange(f, 10, 23)).length);
        assertEquals("81 0b 00 k0 e0 o5 c0 1.6.18\n", frames(m.send(Arrays.copyOfRange(f, 23, 24))));
    }

    @Test
    void unknownOpcodeSwallowsItsBodyLengthAfterKeyAndExtras() {
        // verbosity is not served by memcached 1.6.18: unknown, and 4 more bytes are dropped
        byte[] out = m.send(concat(frame(0x1b, NONE, new byte[] {0, 0, 0, 1}, NONE, 0, 0), bytes("abcd"),
                frame(0x0a, "")));
        assertEquals("81 1b 81 k0 e0 o0 c0 Unknown command\n81 0a 00 k0 e0 o0 c0 \n", frames(out));
    }

    @Test
    void malformedFramesGetInvalidArgumentsAndClose() {
        assertEquals("81 0b 04 k0 e0 o0 c0 Invalid arguments\n", frames(m.send(frame(0x0b, "a"))));
        assertTrue(m.client.isClosing());
    }

    @Test
    void longKeysAreInvalid() {
        assertEquals("81 00 04 k0 e0 o0 c0 Invalid arguments\n", frames(m.send(frame(0x00, "k".repeat(251)))));
        assertTrue(m.client.isClosing());
    }

    @Test
    void keyAndExtrasBeyondTheBodyAreAnUnknownCommand() {
        byte[] f = frame(0x80, 0x00, bytes("ab"), NONE, NONE, 0, 0, 1);
        assertEquals("81 00 81 k0 e0 o0 c0 Unknown command\n", frames(m.send(f)));
        assertTrue(m.client.isClosing());
    }

    @Test
    void badMagicClosesSilently() {
        byte[] first = frame(0x0a, "");
        byte[] bad = frame(0x81, 0x0a, NONE, NONE, NONE, 0, 0, 0);
        assertEquals("81 0a 00 k0 e0 o0 c0 \n", frames(m.send(concat(first, bad))));
        assertTrue(m.client.isClosing());
    }

    @Test
    void quitAnswersAndQuietQuitDoesNot() {
        assertEquals("81 07 00 k0 e0 o0 c0 \n", frames(m.send(frame(0x07, ""))));
        assertTrue(m.client.isClosing());
        MemcachedTestConnection q = new MemcachedTestConnection(h);
        assertEquals("", frames(q.send(frame(0x17, ""))));
        assertTrue(q.client.isClosing());
    }

    @Test
    void flushWithBadExtrasIsInvalid() {
        assertEquals("81 08 04 k0 e0 o0 c0 Invalid arguments\n",
                frames(m.send(frame(0x08, NONE, new byte[2], NONE, 0, 0))));
    }

    @Test
    void saslIsUnknownWithoutRequirepass() {
        byte[] out = m.send(concat(frame(0x20, ""), frame(0x21, bytes("PLAIN"), NONE, bytes("\0a\0b"), 0, 0),
                frame(0x0a, "")));
        assertEquals("81 20 81 k0 e0 o0 c0 Unknown command\n81 21 81 k0 e0 o0 c0 Unknown command\n"
                + "81 0a 00 k0 e0 o0 c0 \n", frames(out));
    }

    @Test
    void saslPlainWithRequirepass() {
        h.config.requirePass = "secret";
        h.server.acl().applyRequirePass("secret");
        MemcachedTestConnection a = new MemcachedTestConnection(h);
        assertFalse(a.client.authenticated);
        assertEquals("81 0b 00 k0 e0 o0 c0 1.6.18\n81 20 00 k0 e0 o0 c0 PLAIN\n",
                frames(a.send(concat(frame(0x0b, ""), frame(0x20, "")))));
        assertEquals("81 21 20 k0 e0 o0 c0 Auth failure.\n",
                frames(a.send(frame(0x21, bytes("PLAIN"), NONE, bytes("\0default\0wrong"), 0, 0))));
        assertEquals("81 21 20 k0 e0 o0 c0 Auth failure.\n",
                frames(a.send(frame(0x21, bytes("CRAM-MD5"), NONE, bytes("x"), 0, 0))));
        assertEquals("81 21 00 k0 e0 o0 c0 Authenticated\n",
                frames(a.send(frame(0x21, bytes("PLAIN"), NONE, bytes("\0anyone\0secret"), 0, 0))));
        assertTrue(a.client.authenticated);
        assertEquals(3, h.server.stats().memcached.authCmds);
        assertEquals(2, h.server.stats().memcached.authErrors);

        // PLAIN without an initial response continues, and the step carries it
        MemcachedTestConnection b = new MemcachedTestConnection(h);
        assertEquals("81 21 21 k0 e0 o0 c0 \n", frames(b.send(frame(0x21, bytes("PLAIN"), NONE, NONE, 0, 0))));
        assertEquals("81 22 00 k0 e0 o0 c0 Authenticated\n",
                frames(b.send(frame(0x22, bytes("PLAIN"), NONE, bytes("\0default\0secret"), 0, 0))));

        // anything else before authenticating: Auth failure, and the connection closes
        MemcachedTestConnection c = new MemcachedTestConnection(h);
        assertEquals("81 0a 20 k0 e0 o0 c0 Auth failure.\n", frames(c.send(frame(0x0a, ""))));
        assertTrue(c.client.isClosing());
    }
}
