package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class HashingTest {
    @Test
    void lowerAsciiFoldsExactlyTheUpperCaseLetters() {
        for (int b = -128; b < 128; b++) {
            int expected = b >= 'A' && b <= 'Z' ? b + 32 : b;
            assertEquals(expected, Hashing.lowerAscii(b), "byte " + b);
        }
    }

    @Test
    void hashIgnoreCaseIsTheHashOfTheLowerCaseName() {
        byte[] upper = "xCONFIG[@]".getBytes();
        byte[] lower = "xconfig[@]".getBytes();
        assertEquals(Hashing.hashIgnoreCase(lower, 1, 6), Hashing.hashIgnoreCase(upper, 1, 6));
        assertEquals(Hashing.hashIgnoreCase(lower, 0, lower.length), Hashing.hashIgnoreCase(upper, 0, upper.length));
        // '[' and '{' differ by the case bit but are not letters.
        assertNotEquals(Hashing.hashIgnoreCase("a[".getBytes(), 0, 2), Hashing.hashIgnoreCase("a{".getBytes(), 0, 2));
    }
}
