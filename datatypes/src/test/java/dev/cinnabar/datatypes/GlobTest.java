package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GlobTest {
    private static byte[] b(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static boolean m(String pattern, String s) {
        return Glob.matches(b(pattern), b(s));
    }

    /**
     * Each row was checked against redis-server 7.0.15 with {@code SET string 1} followed by
     * {@code KEYS pattern} in an otherwise empty database (strings are Latin-1, one char per byte).
     */
    private static final Object[][] CHECKED_AGAINST_REDIS = {
                {"h?llo", "hello", true},
                {"h?llo", "hllo", false},
                {"h*llo", "hllo", true},
                {"h*llo", "heeeello", true},
                {"h[ae]llo", "hello", true},
                {"h[ae]llo", "hillo", false},
                {"h[^e]llo", "hallo", true},
                {"h[^e]llo", "hello", false},
                {"h[a-b]llo", "hbllo", true},
                {"h[a-b]llo", "hcllo", false},
                {"h[b-a]llo", "hallo", true},
                {"\\*", "*", true},
                {"\\*", "a", false},
                {"a\\", "a\\", true},
                {"a\\", "a", false},
                {"\\", "\\", true},
                {"[\\]]", "]", true},
                {"[\\]", "\\", false},
                {"[\\]", "]", true},
                {"[]", "]", false},
                {"[]]", "]", false},
                {"[", "[", false},
                {"[", "a", false},
                {"[a", "a", true},
                {"[a", "[", false},
                {"[^", "x", true},
                {"[^", "xy", false},
                {"[^a", "b", true},
                {"[^a", "a", false},
                {"[a-]", "-", false},
                {"[a-]", "^", true},
                {"[a-]", "b", false},
                {"[a-]", "]", true},
                {"[-a]", "-", true},
                {"[a-", "a", true},
                {"[a-", "-", true},
                {"[a-c", "b", true},
                {"**", "", false},
                {"?", "", false},
                {"a*", "a", true},
                {"*a", "a", true},
                {"*a*", "bab", true},
                {"*?", "a", true},
                {"*?", "", false},
                {"a*b*c", "abc", true},
                {"a*b*c", "aXbXc", true},
                {"a*b*c", "acb", false},
                {"Hello", "hello", false},
                {"[A-Z]", "a", false},
                {"[a-z]", "A", false},
                {"*\\", "a\\", true},
                {"[\\a-z]", "q", false},
                {"[\\a-z]", "-", true},
                {"[[]", "[", true},
                {"[*]", "a", false},
                {"[?]", "?", true},
                {"[\u0080-\u00ff]", "\u0090", true},
                {"[a-\u00ff]", "b", false},
                {"[a-\u00ff]", "0", true},
                {"[a-\u00ff]", "\u0090", false},
                {"[\u0001-\u007f]", "\u0080", false},
                {"[^\u0080-\u00ff]", "a", true},
                {"abc*", "ab", false},
                {"*abc", "abcabc", true},
                {"a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
                {"a?c", "ac", false},
                {"a\\?c", "abc", false},
                {"a\\?c", "a?c", true},
    };

    @Test
    void agreesWithRedisOnEveryCheckedCase() {
        for (Object[] row : CHECKED_AGAINST_REDIS) {
            String p = (String) row[0];
            String s = (String) row[1];
            assertEquals(row[2], m(p, s), () -> "pattern '" + p + "' against '" + s + "'");
        }
    }

    @Test
    void emptyStringMatchesOnlyTheEmptyPattern() {
        // KEYS * and SCAN MATCH * find the key "" only because they skip matching for "*".
        assertTrue(m("", ""));
        assertFalse(m("*", ""));
        assertFalse(m("**", ""));
        assertFalse(m("", "a"));
        assertTrue(Glob.matchesAll(b("*"), 0, 1));
        assertFalse(Glob.matchesAll(b("**"), 0, 2));
    }

    @Test
    void slicesAreMatchedWithoutLookingPastTheirEnds() {
        byte[] buf = b("xx[a*yy");
        // The pattern "[a" ends before '*': an unterminated class, matching "a" only.
        assertTrue(Glob.matches(buf, 2, 2, b("a"), 0, 1, false));
        assertFalse(Glob.matches(buf, 2, 2, b("ab"), 0, 2, false));
        byte[] s = b("--abc--");
        assertTrue(Glob.matches(b("a?c"), 0, 3, s, 2, 3, false));
        assertFalse(Glob.matches(b("a?c"), 0, 3, s, 1, 3, false));
    }

    @Test
    void ignoringCaseAffectsAsciiLettersOnly() {
        assertTrue(Glob.matchesIgnoreCase(b("Hello*"), b("hELLO world")));
        assertTrue(Glob.matchesIgnoreCase(b("[A-C]x"), b("bX")));
        assertTrue(Glob.matchesIgnoreCase(b("[a-c]"), b("B")));
        assertTrue(Glob.matchesIgnoreCase(b("[Q]"), b("q")));
        assertFalse(Glob.matchesIgnoreCase(b("\u00c0"), b("\u00e0")));
        // An escaped byte inside a class is compared exactly, as in Redis.
        assertFalse(Glob.matchesIgnoreCase(b("[\\Q]"), b("q")));
        assertFalse(Glob.matches(b("hello"), b("HELLO")));
    }

    @Test
    void nestingPastOneThousandStarsNeverMatches() {
        String key = "a".repeat(3000);
        // Checked against Redis: 1000 stars that each need a recursion match, 1001 do not;
        // a trailing star needs no recursion, so "a*" repeated 1001 times still matches.
        assertTrue(m("*a".repeat(1000), key));
        assertFalse(m("*a".repeat(1001), key));
        assertTrue(m("a*".repeat(1001), key));
        assertFalse(m("a*".repeat(1002), key));
    }

    @Test
    void hostilePatternsFinishQuickly() {
        // Not a performance assertion: without the give-up rule these would run for ages, and
        // the timeout turns that hang into a failure.
        String key = "a".repeat(5000);
        String pattern = "*a".repeat(500) + "b";
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertFalse(m(pattern, key)));
        assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertFalse(m("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", key)));
    }
}
