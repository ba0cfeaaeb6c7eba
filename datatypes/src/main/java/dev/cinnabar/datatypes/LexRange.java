package dev.cinnabar.datatypes;

import java.util.Arrays;

/**
 * A member interval of a sorted set whose members share one score, as ZRANGEBYLEX, ZLEXCOUNT
 * and ZREMRANGEBYLEX take it: {@code [m} (inclusive), {@code (m} (exclusive), {@code -} (below
 * every member) or {@code +} (above every member). Members compare as unsigned bytes, then by
 * length.
 */
public final class LexRange implements SkipList.Range {
    /** The kinds of an end. */
    public static final int MINUS = -1;
    public static final int VALUE = 0;
    public static final int PLUS = 1;

    public final int minKind;
    public final int maxKind;
    public final byte[] min;
    public final byte[] max;
    public final boolean minExclusive;
    public final boolean maxExclusive;

    public LexRange(int minKind, byte[] min, boolean minExclusive, int maxKind, byte[] max, boolean maxExclusive) {
        this.minKind = minKind;
        this.maxKind = maxKind;
        this.min = min;
        this.max = max;
        this.minExclusive = minExclusive;
        this.maxExclusive = maxExclusive;
    }

    /** Reads both ends as Redis's zslParseLexRange does; null when either is malformed. */
    public static LexRange parse(byte[] a, int aOff, int aLen, byte[] b, int bOff, int bLen) {
        int minKind = kind(a, aOff, aLen);
        int maxKind = kind(b, bOff, bLen);
        if (minKind == BAD || maxKind == BAD) {
            return null;
        }
        return new LexRange(minKind, minKind == VALUE ? Arrays.copyOfRange(a, aOff + 1, aOff + aLen) : null,
                minKind != VALUE || a[aOff] == '(',
                maxKind, maxKind == VALUE ? Arrays.copyOfRange(b, bOff + 1, bOff + bLen) : null,
                maxKind != VALUE || b[bOff] == '(');
    }

    public static LexRange parse(byte[] min, byte[] max) {
        return parse(min, 0, min.length, max, 0, max.length);
    }

    private static final int BAD = 2;

    private static int kind(byte[] s, int off, int len) {
        if (len == 0) {
            return BAD;
        }
        switch (s[off]) {
            case '+':
                // Redis looks at the next C character, so "+" followed by a NUL byte is "+" too.
                return len == 1 || s[off + 1] == 0 ? PLUS : BAD;
            case '-':
                return len == 1 || s[off + 1] == 0 ? MINUS : BAD;
            case '(':
            case '[':
                return VALUE;
            default:
                return BAD;
        }
    }

    /** Compares a member with an end of the given kind. */
    private static int compare(byte[] m, int off, int len, int kind, byte[] bound) {
        if (kind == MINUS) {
            return 1;
        }
        if (kind == PLUS) {
            return -1;
        }
        return Arrays.compareUnsigned(m, off, off + len, bound, 0, bound.length);
    }

    public boolean aboveMin(byte[] m, int off, int len) {
        int c = compare(m, off, len, minKind, min);
        return minExclusive ? c > 0 : c >= 0;
    }

    public boolean aboveMin(byte[] m) {
        return aboveMin(m, 0, m.length);
    }

    public boolean belowMax(byte[] m, int off, int len) {
        int c = compare(m, off, len, maxKind, max);
        return maxExclusive ? c < 0 : c <= 0;
    }

    public boolean belowMax(byte[] m) {
        return belowMax(m, 0, m.length);
    }

    @Override
    public boolean aboveMin(SkipList list, int node) {
        return aboveMin(list.member(node));
    }

    @Override
    public boolean belowMax(SkipList list, int node) {
        return belowMax(list.member(node));
    }

    public boolean contains(byte[] m, int off, int len) {
        return aboveMin(m, off, len) && belowMax(m, off, len);
    }

    /** True when no member can be in the interval. */
    @Override
    public boolean isEmpty() {
        int c;
        if (minKind == maxKind && minKind != VALUE) {
            c = 0;
        } else if (minKind == MINUS || maxKind == PLUS) {
            c = -1;
        } else if (minKind == PLUS || maxKind == MINUS) {
            c = 1;
        } else {
            c = Arrays.compareUnsigned(min, max);
        }
        return c > 0 || (c == 0 && (minExclusive || maxExclusive));
    }
}
