package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RandomBytesTest {
    @Test
    void givesTheBytesAskedForAndNotTheSameTwice() {
        byte[] a = RandomBytes.of(40);
        byte[] b = RandomBytes.of(40);
        assertEquals(40, a.length);
        assertFalse(Arrays.equals(a, b), "two draws of 320 bits were equal");
        assertFalse(RandomBytes.nextLong() == RandomBytes.nextLong() && RandomBytes.nextLong() == RandomBytes.nextLong());
    }
}
