package dev.cinnabar.datatypes;

/**
 * Glob-style pattern matching with the exact semantics of Redis 7.0's {@code stringmatchlen},
 * which KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET and ACL key patterns all share. Users' patterns
 * rely on its quirks as much as on its rules, so they are reproduced, not tidied:
 * <ul>
 *   <li>{@code *} any run of bytes, {@code ?} one byte, {@code \x} the byte {@code x};</li>
 *   <li>{@code [abc]}, {@code [^abc]}, {@code [a-z]} (a reversed range {@code [z-a]} is the same
 *       range), {@code \]} inside a class; bytes compare as signed C chars, so a range that
 *       spans 0x7f/0x80 behaves as it does in Redis;</li>
 *   <li>an unterminated {@code [} class ends at the end of the pattern: {@code "[a"} matches
 *       {@code "a"}, {@code "["} matches nothing, and {@code "[^"} matches any one byte;</li>
 *   <li>{@code "a-]"} inside a class is a range ending at {@code ]}, as in Redis;</li>
 *   <li>a pattern never matches the empty string unless the pattern is empty too (callers
 *       special-case {@code "*"} as Redis does);</li>
 *   <li>matching gives up (no match) past 1000 nested stars, and once the part after a star
 *       failed everywhere in the rest of the string, earlier stars are not retried: this keeps
 *       hostile patterns polynomial.</li>
 * </ul>
 * Nothing here allocates, so SCAN MATCH can test every key it visits for free.
 */
public final class Glob {
    /** Recursion depth (stars entered) past which a pattern counts as not matching. */
    public static final int MAX_NESTING = 1000;

    private static final int MATCH = 1;
    private static final int NO_MATCH = 0;
    /** No match, and no star further out needs to try a longer run: stop everything. */
    private static final int GIVE_UP = -1;

    private Glob() {
    }

    public static boolean matches(byte[] pattern, byte[] string) {
        return matches(pattern, 0, pattern.length, string, 0, string.length, false);
    }

    /** Case-insensitive for ASCII letters, as CONFIG GET and friends match. */
    public static boolean matchesIgnoreCase(byte[] pattern, byte[] string) {
        return matches(pattern, 0, pattern.length, string, 0, string.length, true);
    }

    public static boolean matches(byte[] pat, int patOff, int patLen, byte[] str, int strOff, int strLen,
            boolean nocase) {
        return match(pat, patOff, patOff + patLen, str, strOff, strOff + strLen, nocase, 0) == MATCH;
    }

    /** True for the pattern {@code "*"}, which callers treat as "everything" without matching. */
    public static boolean matchesAll(byte[] pat, int off, int len) {
        return len == 1 && pat[off] == '*';
    }

    /**
     * One level of matching; {@code p} and {@code s} advance through the pattern and the string.
     * Reads at {@code pend} see 0, as C sees the terminator after the pattern; the recursion only
     * ever passes suffixes of the pattern, so {@code pend} is always the true end.
     */
    private static int match(byte[] pat, int p, int pend, byte[] str, int s, int send, boolean nocase, int nesting) {
        if (nesting > MAX_NESTING) {
            return NO_MATCH;
        }
        while (p < pend && s < send) {
            switch (pat[p]) {
                case '*': {
                    while (p + 1 < pend && pat[p + 1] == '*') {
                        p++;
                    }
                    if (p + 1 == pend) {
                        return MATCH;
                    }
                    for (; s < send; s++) {
                        int r = match(pat, p + 1, pend, str, s, send, nocase, nesting + 1);
                        if (r != NO_MATCH) {
                            return r;
                        }
                    }
                    // The rest of the pattern matches nowhere in the rest of the string, so a
                    // longer run for any enclosing star cannot help either.
                    return GIVE_UP;
                }
                case '?':
                    s++;
                    break;
                case '[':
                    p = matchClass(pat, p + 1, pend, str[s], nocase);
                    if (p < 0) {
                        return NO_MATCH;
                    }
                    s++;
                    break;
                case '\\':
                    if (pend - p >= 2) {
                        p++;
                    }
                    if (!same(pat[p], str[s], nocase)) {
                        return NO_MATCH;
                    }
                    s++;
                    break;
                default:
                    if (!same(pat[p], str[s], nocase)) {
                        return NO_MATCH;
                    }
                    s++;
                    break;
            }
            p++;
            if (s == send) {
                while (p < pend && pat[p] == '*') {
                    p++;
                }
                break;
            }
        }
        return p == pend && s == send ? MATCH : NO_MATCH;
    }

    /**
     * Matches one byte against the class starting at {@code p} (just after the {@code [}).
     * Returns the index of the class's last byte (its {@code ]}, or the last byte of an
     * unterminated class), or -1 when the byte is not in the class.
     */
    private static int matchClass(byte[] pat, int p, int pend, byte c, boolean nocase) {
        boolean negate = p < pend && pat[p] == '^';
        if (negate) {
            p++;
        }
        boolean found = false;
        while (true) {
            int left = pend - p;
            if (left >= 2 && pat[p] == '\\') {
                p++;
                if (pat[p] == c) {
                    found = true;
                }
            } else if (left == 0) {
                // Unterminated: step back so that the caller's advance lands on the end.
                p--;
                break;
            } else if (pat[p] == ']') {
                break;
            } else if (left >= 3 && pat[p + 1] == '-') {
                // Signed bytes, like C's char: 0x80..0xff sort below 0x00.
                int lo = pat[p];
                int hi = pat[p + 2];
                int x = c;
                if (lo > hi) {
                    int t = lo;
                    lo = hi;
                    hi = t;
                }
                if (nocase) {
                    lo = lower(lo);
                    hi = lower(hi);
                    x = lower(x);
                }
                p += 2;
                if (x >= lo && x <= hi) {
                    found = true;
                }
            } else if (same(pat[p], c, nocase)) {
                found = true;
            }
            p++;
        }
        return found != negate ? p : -1;
    }

    private static boolean same(byte a, byte b, boolean nocase) {
        return a == b || (nocase && lower(a) == lower(b));
    }

    /** ASCII-only lowering, as tolower() in the C locale Redis runs its matching in. */
    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }
}
