package dev.cinnabar.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReplicationBacklogTest {
    private static void append(ReplicationBacklog b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        b.append(bytes, 0, bytes.length);
    }

    private static String from(ReplicationBacklog b, long offset) {
        ByteBuf out = Unpooled.buffer();
        try {
            b.copyFrom(offset, out);
            return out.toString(StandardCharsets.US_ASCII);
        } finally {
            out.release();
        }
    }

    @Test
    void offsetsCountFromTheOneAfterTheStreamSoFar() {
        // Created when the master's offset is 100: the first byte it holds will be 101.
        ReplicationBacklog b = new ReplicationBacklog(16, 101);
        assertEquals(101, b.firstOffset());
        assertEquals(0, b.length());
        assertTrue(b.holdsFrom(101), "nothing missed yet: continue with nothing");
        assertFalse(b.holdsFrom(100));
        assertFalse(b.holdsFrom(102));
        append(b, "abcdef");
        assertEquals(101, b.firstOffset());
        assertEquals(6, b.length());
        assertEquals("abcdef", from(b, 101));
        assertEquals("def", from(b, 104));
        assertEquals("", from(b, 107));
        assertTrue(b.holdsFrom(107));
        assertFalse(b.holdsFrom(108));
    }

    @Test
    void theOldestBytesGoWhenTheRingIsFull() {
        ReplicationBacklog b = new ReplicationBacklog(8, 1);
        append(b, "0123456");
        append(b, "789AB");
        assertEquals(8, b.length());
        assertEquals(5, b.firstOffset());
        assertEquals("456789AB", from(b, 5));
        assertEquals("9AB", from(b, 10));
        assertFalse(b.holdsFrom(4), "byte 4 is gone");
        // A write larger than the ring keeps its own tail.
        append(b, "abcdefghijkl");
        assertEquals("efghijkl", from(b, b.firstOffset()));
        assertEquals(13 + 12 - 8, b.firstOffset());
    }

    @Test
    void resizingKeepsTheNewestBytesThatFit() {
        ReplicationBacklog b = new ReplicationBacklog(8, 1);
        append(b, "0123456789");
        b.resize(4);
        assertEquals(4, b.length());
        assertEquals("6789", from(b, 7));
        append(b, "ab");
        assertEquals("89ab", from(b, 9));
        b.resize(10);
        append(b, "cdef");
        assertEquals("89abcdef", from(b, 9));
        assertEquals(9, b.firstOffset());
    }
}
