package dev.cinnabar.server.memcached;

/**
 * One request line of the text protocol, split into tokens as memcached splits it: on spaces
 * only, at most {@link #MAX_TOKENS} - 1 tokens, the rest of the line (if any) left as
 * {@link #restOffset()}. A NUL byte ends the line's text, as C's string functions end it. The
 * tokens are offsets into the session's input buffer: valid until the session consumes input.
 * Reused for every line of a connection (no allocation per request).
 */
public final class TextLine {
    /** memcached's MAX_TOKENS, the terminal token included. */
    public static final int MAX_TOKENS = 24;
    /** The longest key memcached accepts. */
    public static final int KEY_MAX_LENGTH = 250;
    /** A line longer than this without its newline is refused (see {@link TextProtocol}). */
    public static final int MAX_LINE = 2048;

    private byte[] buf;
    private int start;
    private int end;
    private int next;
    private int count;
    private final int[] off = new int[MAX_TOKENS];
    private final int[] len = new int[MAX_TOKENS];
    private int rest = -1;

    /**
     * Tokenizes the line {@code buf[start, end)} (without its newline, with any trailing CR
     * already dropped); {@code next} is where the following input starts.
     */
    public void split(byte[] buf, int start, int end, int next) {
        this.buf = buf;
        this.start = start;
        this.next = next;
        for (int i = start; i < end; i++) {
            if (buf[i] == 0) {
                end = i;
                break;
            }
        }
        this.end = end;
        tokenize(start, end);
    }

    /** Splits {@code [from, end)} again (a multi-key get goes on after MAX_TOKENS - 1 keys). */
    public void tokenize(int from, int to) {
        count = 0;
        rest = -1;
        int s = from;
        int e = from;
        for (; e < to; e++) {
            if (buf[e] == ' ') {
                if (s != e) {
                    off[count] = s;
                    len[count] = e - s;
                    count++;
                    if (count == MAX_TOKENS - 1) {
                        e++;
                        s = e;
                        break;
                    }
                }
                s = e + 1;
            }
        }
        if (s != e && e <= to && count < MAX_TOKENS - 1) {
            off[count] = s;
            len[count] = e - s;
            count++;
        }
        rest = e < to ? e : -1;
    }

    public byte[] buffer() {
        return buf;
    }

    /** Where the line starts in the buffer. */
    public int start() {
        return start;
    }

    /** Where the line's text ends (before CR LF, or at a NUL). */
    public int end() {
        return end;
    }

    /** Where the input after the line's newline starts (a data block, the next request). */
    public int next() {
        return next;
    }

    /** Tokens, without memcached's terminal token (memcached's {@code ntokens} is this plus one). */
    public int count() {
        return count;
    }

    public int offset(int i) {
        return off[i];
    }

    public int length(int i) {
        return len[i];
    }

    /** The first byte past the tokens taken, when the line had more than fit; -1 otherwise. */
    public int restOffset() {
        return rest;
    }

    /** Token {@code i} equals {@code word} (case-sensitive, as memcached compares). */
    public boolean is(int i, byte[] word) {
        if (i >= count || len[i] != word.length) {
            return false;
        }
        int o = off[i];
        for (int k = 0; k < word.length; k++) {
            if (buf[o + k] != word[k]) {
                return false;
            }
        }
        return true;
    }

    /** Token {@code i} equals the ASCII text {@code word}. */
    public boolean is(int i, String word) {
        if (i >= count || len[i] != word.length()) {
            return false;
        }
        int o = off[i];
        for (int k = 0; k < len[i]; k++) {
            if (buf[o + k] != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** The last token is {@code noreply} (memcached's set_noreply_maybe). */
    public boolean noreply() {
        return count > 0 && is(count - 1, NOREPLY);
    }

    private static final byte[] NOREPLY = {'n', 'o', 'r', 'e', 'p', 'l', 'y'};

    // ------------------------------------------------------------------ numbers as memcached reads them

    /** The parser behind the number helpers; {@link Numbers#ok} says whether the last parse succeeded. */
    public final Numbers numbers = new Numbers();

    /** memcached's safe_strtoull on token {@code i} (the value as an unsigned 64-bit pattern). */
    public long parseU64(int i) {
        return numbers.strtoull(buf, off[i], len[i]);
    }

    /** memcached's safe_strtoul on token {@code i}, into 32 bits. */
    public long parseU32(int i) {
        return numbers.strtoul32(buf, off[i], len[i]);
    }

    /** memcached's safe_strtol on token {@code i}, into 32 bits. */
    public int parseI32(int i) {
        return numbers.strtol32(buf, off[i], len[i]);
    }

    /** memcached's safe_strtoll on token {@code i}. */
    public long parseI64(int i) {
        return numbers.strtoll(buf, off[i], len[i]);
    }

    /** True when the last parse succeeded. */
    public boolean ok() {
        return numbers.ok;
    }
}
