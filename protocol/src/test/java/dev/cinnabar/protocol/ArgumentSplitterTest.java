package dev.cinnabar.protocol;

import static dev.cinnabar.protocol.DecoderRun.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Redis's sdssplitargs rules, each case checked as an inline command on redis-server 7.0.15. */
class ArgumentSplitterTest {
    /** The arguments of {@code line}, or null for unbalanced quotes. */
    private static List<String> split(String line) {
        byte[] b = bytes("##" + line + "##");
        Argv out = new Argv();
        if (!ArgumentSplitter.split(b, 2, b.length - 2, out)) {
            return null;
        }
        List<String> args = new ArrayList<>();
        for (int i = 0; i < out.count(); i++) {
            args.add(out.latin1(i));
        }
        return args;
    }

    @Test
    void blanksSeparateArguments() {
        assertEquals(List.of("SET", "k", "v"), split("SET k v"));
        assertEquals(List.of("SET", "k", "v"), split("  SET \t k\r\nv  "));
        assertEquals(List.of(), split(""));
        assertEquals(List.of(), split(" \t\r\n\u000b\f"));
    }

    @Test
    void verticalTabAndFormFeedSeparateOnlyBetweenArguments() {
        // Blanks are skipped with isspace, but an unquoted argument ends only at space, tab, CR, LF.
        assertEquals(List.of("ECHO", "a\u000bb"), split("ECHO a\u000bb"));
        assertEquals(List.of("a\fb"), split("a\fb"));
        assertEquals(List.of("PING"), split("\u000bPING"));
    }

    @Test
    void doubleQuoteEscapes() {
        assertEquals(List.of("ECHO", "Ax4g\n\r\t\b\u0007\\\"z"), split("ECHO \"\\x41\\x4g\\n\\r\\t\\b\\a\\\\\\\"\\z\""));
        assertEquals(List.of("\u00e4\u00b8"), split("\"\\xE4\\xb8\""));
        assertEquals(List.of("x4"), split("\"\\x4\""), "an incomplete \\x escape is an escaped 'x'");
        assertEquals(List.of("\u0000"), split("\"\\x00\""), "a NUL may be written as an escape");
        assertEquals(List.of("a b"), split("\"a b\""));
        assertEquals(List.of(""), split("\"\""));
        assertEquals(List.of("it's"), split("\"it's\""));
    }

    @Test
    void singleQuotesTakeOnlyEscapedQuotes() {
        assertEquals(List.of("ECHO", "a'b\\n"), split("ECHO 'a\\'b\\n'"));
        assertEquals(List.of("\\x41 \"x\""), split("'\\x41 \"x\"'"));
        assertEquals(List.of(""), split("''"));
    }

    @Test
    void aQuoteMayOpenInTheMiddleOfAnArgument() {
        assertEquals(List.of("ab c"), split("a\"b c\""));
        assertEquals(List.of("key:a b", "v"), split("key:'a b' v"));
    }

    @Test
    void aClosingQuoteMustBeFollowedByABlankOrTheEnd() {
        assertNull(split("ECHO \"a\"b"));
        assertNull(split("ECHO 'a'b"));
        assertNull(split("a\"b c\"d"));
        assertNull(split("\"a\"\"b\""));
        assertEquals(List.of("ECHO", "a", "b"), split("ECHO \"a\" b"));
        assertEquals(List.of("ECHO", "a", "b"), split("ECHO \"a\"\u000bb"), "any isspace byte will do");
        assertEquals(List.of("a"), split("\"a\""));
    }

    @Test
    void unterminatedQuotesAreUnbalanced() {
        assertNull(split("ECHO \"abc"));
        assertNull(split("ECHO 'abc"));
        assertNull(split("ECHO \"abc\\\""), "the closing quote was escaped");
        assertNull(split("ECHO \"abc\\"), "a backslash at the end escapes nothing");
        assertNull(split("\"\"\""));
    }

    @Test
    void aNulByteEndsTheLineAsInC() {
        assertEquals(List.of("ECHO", "a"), split("ECHO a\u0000b c"));
        assertEquals(List.of("ECHO"), split("ECHO \u0000\"unclosed"));
        assertNull(split("ECHO \"a\u0000b\""), "the quote is still open where the string ends");
        assertNull(split("ECHO 'a\u0000b'"));
        assertEquals(List.of("ECHO", "a"), split("ECHO \"a\"\u0000junk"));
    }

    @Test
    void highBytesAreOrdinary() {
        assertEquals(List.of("ECHO", "\u00e4\u00b8\u00ad", "\u00a0"), split("ECHO \u00e4\u00b8\u00ad \u00a0"));
    }

    @Test
    void argumentsAreWrittenOverTheLineAndSliced() {
        byte[] line = bytes("SET \"k\\x41\" 'v v'");
        Argv out = new Argv();
        ArgumentSplitter.split(line, 0, line.length, out);
        assertEquals(3, out.count());
        for (int i = 0; i < 3; i++) {
            assertSame(line, out.array(i));
        }
        assertEquals("kA", out.string(1));
        assertEquals("v v", out.string(2));
    }

    @Test
    void theRangeIsRespected() {
        byte[] line = bytes("xxPING yy");
        Argv out = new Argv();
        ArgumentSplitter.split(line, 2, 6, out);
        assertEquals(1, out.count());
        assertEquals("PING", out.string(0));
    }
}
