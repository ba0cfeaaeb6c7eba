package dev.cinnabar.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ArgvTest {
    /** Only A-Z fold: '@', '[', '`', '{' and bytes above 0x7F keep their place. */
    private static int asciiLower(int b) {
        return b >= 'A' && b <= 'Z' ? b + 32 : b;
    }

    @Test
    void isFoldsOnlyAsciiLettersForEveryByte() {
        for (int b = 0; b < 256; b++) {
            Argv argv = Argv.of(new byte[] {'x', (byte) b, 'y'});
            for (int want = 0; want < 256; want++) {
                byte[] name = {'x', (byte) want, 'y'};
                boolean expected = asciiLower(b) == want;
                assertEquals(expected, argv.is(0, name), "byte " + b + " against " + want);
                if (want < 128) { // the String form takes ASCII literals only
                    assertEquals(expected, argv.is(0, new String(name, StandardCharsets.US_ASCII)),
                            "byte " + b + " against " + want + " as text");
                }
            }
        }
    }

    @Test
    void isComparesLengthAndEveryByte() {
        Argv argv = Argv.of("LPUSH", "lpushx", "Get");
        assertTrue(argv.is(0, "lpush"));
        assertFalse(argv.is(0, "lpushx"));
        assertFalse(argv.is(1, "lpush"));
        assertTrue(argv.is(2, "get".getBytes()));
        assertFalse(argv.is(2, "gex".getBytes()));
    }
}
