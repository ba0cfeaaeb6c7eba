package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The expected slots are what {@code CLUSTER KEYSLOT} answered on redis-server 7.0.15 started
 * with {@code --cluster-enabled yes}.
 */
class HashSlotTest {
    private static int slot(String key) {
        return HashSlot.of(key.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void slotsAsRedisComputesThem() {
        assertEquals(12182, slot("foo"));
        assertEquals(5061, slot("bar"));
        assertEquals(0, slot(""));
        assertEquals(15495, slot("a"));
        assertEquals(12739, slot("123456789"));
        assertEquals(15332, slot("hello world"));
        assertEquals(13273, slot("\\xff\\x00")); // the eight characters, as redis-cli passed them
        assertEquals(5201, slot("\u00ff\u0000\u0080abc"));
    }

    @Test
    void aNonEmptyTagIsHashedAlone() {
        assertEquals(3443, slot("{user1000}.following"));
        assertEquals(3443, slot("{user1000}.followers"));
        assertEquals(15495, slot("{a}b"));
        assertEquals(3793, slot("{\u00fe}x"));
        assertEquals(5061, slot("foo{bar}{zap}"), "the first tag");
        assertEquals(4015, slot("foo{{bar}}zap"), "from the first '{' to the first '}' after it: \"{bar\"");
        assertEquals(slot("{bar"), slot("foo{{bar}}zap"));
    }

    @Test
    void anEmptyOrUnclosedTagLeavesTheWholeKeyHashed() {
        assertEquals(8363, slot("foo{}{bar}"));
        assertEquals(15257, slot("{}"));
        assertEquals(12793, slot("}{"));
        assertEquals(4015, slot("{bar"));
    }

    @Test
    void theCrcIsXmodem() {
        // The check value of CRC-16/XMODEM.
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0x31C3, HashSlot.crc16(check, 0, check.length));
        Random r = new Random(7);
        for (int n = 0; n < 1000; n++) {
            byte[] b = new byte[r.nextInt(40)];
            r.nextBytes(b);
            assertEquals(bitwise(b), HashSlot.crc16(b, 0, b.length));
        }
    }

    @Test
    void aSliceIsHashedAsTheKeyItHolds() {
        byte[] b = "xx{user1000}.followingyy".getBytes(StandardCharsets.US_ASCII);
        assertEquals(3443, HashSlot.of(b, 2, b.length - 4));
        byte[] c = "{foo}".getBytes(StandardCharsets.US_ASCII);
        assertEquals(12182, HashSlot.of(c, 1, 3), "the braces outside the slice do not count");
    }

    /** The CRC one bit at a time, from its definition. */
    private static int bitwise(byte[] b) {
        int crc = 0;
        for (byte x : b) {
            crc ^= (x & 0xff) << 8;
            for (int i = 0; i < 8; i++) {
                crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
            }
        }
        return crc;
    }
}
