package dev.cinnabar.server.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class QuotingTest {
    @Test
    void splitsOnBlanks() {
        assertEquals(List.of("port", "6379"), Quoting.splitArgs("port 6379"));
        assertEquals(List.of("save", "900", "1"), Quoting.splitArgs("  save\t900   1  "));
        assertEquals(List.of(), Quoting.splitArgs("   "));
    }

    @Test
    void doubleQuotesTakeEscapes() {
        assertEquals(List.of("requirepass", "a b\"c"), Quoting.splitArgs("requirepass \"a b\\\"c\""));
        assertEquals(List.of("x", "\n\r\t\b\u0007\\q"), Quoting.splitArgs("x \"\\n\\r\\t\\b\\a\\\\\\q\""));
        assertEquals(List.of("x", "AB"), Quoting.splitArgs("x \"\\x41\\x42\""));
        // An incomplete hex escape is a plain escaped 'x'.
        assertEquals(List.of("x", "x4"), Quoting.splitArgs("x \"\\x4\""));
        assertEquals(List.of("x", ""), Quoting.splitArgs("x \"\""));
    }

    @Test
    void singleQuotesTakeOnlyEscapedQuote() {
        assertEquals(List.of("x", "it's \\n"), Quoting.splitArgs("x 'it\\'s \\n'"));
        assertEquals(List.of("x", ""), Quoting.splitArgs("x ''"));
    }

    @Test
    void quotesMayStartInsideAWord() {
        assertEquals(List.of("abcd"), Quoting.splitArgs("ab\"cd\""));
    }

    @Test
    void unbalancedOrGluedQuotesFail() {
        assertNull(Quoting.splitArgs("port \"6379"));
        assertNull(Quoting.splitArgs("port '6379"));
        assertNull(Quoting.splitArgs("port \"a\"b"));
        assertNull(Quoting.splitArgs("port 'a'b"));
    }

    @Test
    void nulEndsTheLine() {
        assertEquals(List.of("a"), Quoting.splitArgs("a\0 b"));
    }

    @Test
    void reprQuotesWhatSplitReadsBack() {
        String nasty = "a b\"c\\d\n\r\t\u0007\b\u0001\u00ff";
        assertEquals("\"a b\\\"c\\\\d\\n\\r\\t\\a\\b\\x01\\xff\"", Quoting.repr(nasty));
        assertEquals(List.of(nasty), Quoting.splitArgs(Quoting.repr(nasty)));
        assertEquals("\"\"", Quoting.repr(""));
    }

    @Test
    void splitOnSpacesKeepsEmptyPieces() {
        assertArrayEquals(new String[0], Quoting.splitOnSpaces(""));
        assertArrayEquals(new String[] {"a", "", "b"}, Quoting.splitOnSpaces("a  b"));
        assertArrayEquals(new String[] {"", ""}, Quoting.splitOnSpaces(" "));
    }

    @Test
    void trimsLinesLikeRedis() {
        assertEquals("port 1", Quoting.trimLine(" \t port 1 \r\n"));
        assertEquals("", Quoting.trimLine("\r"));
    }
}
