package dev.cinnabar.server.memcached;

/**
 * One meta command line (mg ms md ma me), split into tokens and its flags read, the way
 * memcached 1.6.18 reads them: tokens are separated by single spaces only, at most 23 are
 * looked at, a flag is its token's first character with the rest of the token as its argument,
 * a flag may appear once, and the numbers are read with C's strtol/strtoul/strtoull rules.
 * One instance per connection, reused for every line (nothing is allocated per command).
 */
final class MetaRequest {
    /** memcached's tokenizer limit: the last slot is the unsplit rest of the line. */
    static final int MAX_TOKENS = 24;
    /** Lines with more tokens than this (counting the terminal one) are refused. */
    static final int MAX_OPT_TOKENS = 20;
    static final int MAX_OPAQUE_LENGTH = 32;
    static final int KEY_MAX_LENGTH = 250;

    static final String BAD_FORMAT = "CLIENT_ERROR bad command line format";
    static final String BAD_TOKEN = "CLIENT_ERROR bad token in command line format";

    byte[] line;
    /** Token starts and lengths; {@link #ntokens} counts memcached's way (real tokens plus the terminal one). */
    final int[] start = new int[MAX_TOKENS];
    final int[] len = new int[MAX_TOKENS];
    int ntokens;

    /** The key as looked up: the token itself, or its base64 decoding in {@link #keyScratch}. */
    byte[] key;
    int keyOff;
    int keyLen;
    private final byte[] keyScratch = new byte[KEY_MAX_LENGTH];

    // Flags, as memcached's preparse records them.
    boolean hasError;
    String errstr;
    boolean noUpdate;
    boolean locked;
    boolean vivify;
    boolean la;
    boolean value;
    boolean setStale;
    boolean noReply;
    boolean hasCas;
    boolean newTtl;
    boolean keyBinary;
    byte mode;
    /** Raw signed seconds as given (memcached's exptime token; negative means expired). */
    long exptime;
    long autovivExptime;
    long recacheTime;
    long clientFlags;
    long reqCas;
    long delta;
    long initial;

    private final boolean[] seen = new boolean[127];

    /** Takes the tokens of a split line (memcached's ntokens counts one more, the terminal token). */
    void load(TextLine tl) {
        line = tl.buffer();
        numbers = tl.numbers;
        int n = Math.min(tl.count(), MAX_TOKENS - 1);
        for (int i = 0; i < n; i++) {
            start[i] = tl.offset(i);
            len[i] = tl.length(i);
        }
        start[n] = tl.end();
        len[n] = 0;
        ntokens = n + 1;
        key = line;
        keyOff = n > 1 ? start[1] : 0;
        keyLen = n > 1 ? len[1] : 0;
    }

    /** True when token i is exactly the single byte b. */
    boolean tokenIs(int i, char b) {
        return len[i] == 1 && line[start[i]] == b;
    }

    byte flagAt(int i) {
        return line[start[i]];
    }

    private void reset() {
        hasError = false;
        errstr = BAD_FORMAT;
        noUpdate = locked = vivify = la = value = setStale = noReply = hasCas = newTtl = keyBinary = false;
        mode = 0;
        exptime = autovivExptime = recacheTime = 0;
        clientFlags = 0;
        reqCas = 0;
        delta = 1;
        initial = 0;
        java.util.Arrays.fill(seen, false);
    }

    /**
     * Reads the flags from token {@code first} on. Returns false on an error, with
     * {@link #errstr} set to memcached's message (a duplicate or unknown flag stops at once;
     * other bad tokens are noted and the rest still read, the last message winning).
     */
    boolean preparse(int first) {
        reset();
        for (int i = first; i < ntokens - 1; i++) {
            int o = line[start[i]] & 0xff;
            if (o >= 127 || seen[o]) {
                errstr = "CLIENT_ERROR duplicate flag";
                return false;
            }
            seen[o] = true;
            int vs = start[i] + 1;
            int ve = start[i] + len[i];
            switch (o) {
                case 'b' -> {
                    int n = Base64Keys.decode(key, keyOff, keyLen, keyScratch, 0);
                    if (n == 0) {
                        errstr = "CLIENT_ERROR error decoding key";
                        hasError = true;
                    }
                    key = keyScratch;
                    keyOff = 0;
                    keyLen = n;
                    keyBinary = true;
                }
                case 'N' -> {
                    locked = true;
                    vivify = true;
                    long v = strtol32(line, vs, ve);
                    if (v == BAD) {
                        errstr = BAD_TOKEN;
                        hasError = true;
                    } else {
                        autovivExptime = v;
                    }
                }
                case 'T' -> {
                    locked = true;
                    long v = strtol32(line, vs, ve);
                    if (v == BAD) {
                        errstr = BAD_TOKEN;
                        hasError = true;
                    } else {
                        exptime = v;
                        newTtl = true;
                    }
                }
                case 'R' -> {
                    locked = true;
                    long v = strtol32(line, vs, ve);
                    if (v == BAD) {
                        errstr = BAD_TOKEN;
                        hasError = true;
                    } else {
                        recacheTime = v;
                    }
                }
                case 'l' -> {
                    la = true;
                    locked = true;
                }
                case 'O', 'P', 'L', 'k', 's', 't', 'c', 'f' -> {
                }
                case 'v' -> value = true;
                case 'h' -> locked = true;
                case 'u' -> noUpdate = true;
                case 'q' -> noReply = true;
                case 'F' -> {
                    long v = strtoul32(line, vs, ve);
                    if (v == BAD) {
                        hasError = true;
                    } else {
                        clientFlags = v;
                    }
                }
                case 'C' -> {
                    if (!strtoull(line, vs, ve)) {
                        errstr = BAD_TOKEN;
                        hasError = true;
                    } else {
                        reqCas = parsedU64;
                        hasCas = true;
                    }
                }
                case 'M' -> {
                    if (len[i] != 2) {
                        errstr = "CLIENT_ERROR incorrect length for M token";
                        hasError = true;
                    } else {
                        mode = line[vs];
                    }
                }
                case 'J' -> {
                    if (!strtoull(line, vs, ve)) {
                        initial = 0;
                        errstr = "CLIENT_ERROR invalid numeric initial value";
                        hasError = true;
                    } else {
                        initial = parsedU64;
                    }
                }
                case 'D' -> {
                    if (!strtoull(line, vs, ve)) {
                        delta = 0;
                        errstr = "CLIENT_ERROR invalid numeric delta value";
                        hasError = true;
                    } else {
                        delta = parsedU64;
                    }
                }
                case 'I' -> setStale = true;
                default -> {
                    errstr = "CLIENT_ERROR invalid flag";
                    return false;
                }
            }
        }
        return !hasError;
    }

    // ---- numbers, read with memcached's safe_strto* rules (mc-core's Numbers) ----

    /** Returned by the 32-bit parsers for a token memcached refuses. */
    static final long BAD = Long.MIN_VALUE;
    /** The value of the last successful {@link #strtoull}. */
    long parsedU64;
    private Numbers numbers = new Numbers();

    boolean strtoull(byte[] b, int s, int e) {
        long v = numbers.strtoull(b, s, e - s);
        if (!numbers.ok) {
            return false;
        }
        parsedU64 = v;
        return true;
    }

    long strtoul32(byte[] b, int s, int e) {
        long v = numbers.strtoul32(b, s, e - s);
        return numbers.ok ? v : BAD;
    }

    long strtol32(byte[] b, int s, int e) {
        int v = numbers.strtol32(b, s, e - s);
        return numbers.ok ? v : BAD;
    }
}
