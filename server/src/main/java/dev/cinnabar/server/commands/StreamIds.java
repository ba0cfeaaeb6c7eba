package dev.cinnabar.server.commands;

import dev.cinnabar.datatypes.stream.StreamId;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.command.CommandError;

/**
 * Stream IDs as Redis 7.0's streamGenericParseIDOrReply reads them: {@code ms-seq}, {@code ms}
 * alone (the sequence supplied), {@code -} and {@code +} where allowed, {@code ms-*} for XADD.
 * Each part is read as Redis's string2ull: a strict integer, else C's {@code strtoull} (leading
 * blanks, a sign, and a negative number wrapped around to a large one).
 */
final class StreamIds {
    static final String INVALID = "ERR Invalid stream ID specified as stream command argument";

    /** Set by {@link #parse} with a {@code seqGiven} request: whether the sequence was given. */
    static final class Parsed {
        long ms;
        long seq;
        boolean seqGiven;

        StreamId id() {
            return new StreamId(ms, seq);
        }
    }

    private StreamIds() {
    }

    /** Parses argument {@code i}; strict refuses {@code -} and {@code +}. */
    static StreamId parse(Argv a, int i, long missingSeq, boolean strict) {
        Parsed p = new Parsed();
        parse(a.array(i), a.offset(i), a.length(i), missingSeq, strict, false, p);
        return p.id();
    }

    static StreamId parse(byte[] b, int off, int len, long missingSeq, boolean strict) {
        Parsed p = new Parsed();
        parse(b, off, len, missingSeq, strict, false, p);
        return p.id();
    }

    /** The general form; throws Redis's error when the ID is not valid. */
    static void parse(byte[] b, int off, int len, long missingSeq, boolean strict, boolean allowSeqStar, Parsed out) {
        if (len > 127) {
            throw new CommandError(INVALID);
        }
        // C string functions stop at a NUL byte.
        for (int k = 0; k < len; k++) {
            if (b[off + k] == 0) {
                len = k;
                break;
            }
        }
        if (strict && len == 1 && (b[off] == '-' || b[off] == '+')) {
            throw new CommandError(INVALID);
        }
        out.seqGiven = true;
        if (len == 1 && b[off] == '-') {
            out.ms = 0;
            out.seq = 0;
            return;
        }
        if (len == 1 && b[off] == '+') {
            out.ms = -1L;
            out.seq = -1L;
            return;
        }
        int dash = -1;
        for (int k = 0; k < len; k++) {
            if (b[off + k] == '-') {
                dash = k;
                break;
            }
        }
        long[] v = new long[1];
        if (!string2ull(b, off, dash < 0 ? len : dash, v)) {
            throw new CommandError(INVALID);
        }
        out.ms = v[0];
        if (dash >= 0) {
            int so = off + dash + 1;
            int sl = len - dash - 1;
            if (allowSeqStar && sl == 1 && b[so] == '*') {
                out.seq = 0;
                out.seqGiven = false;
            } else if (!string2ull(b, so, sl, v)) {
                throw new CommandError(INVALID);
            } else {
                out.seq = v[0];
            }
        } else {
            out.seq = missingSeq;
        }
    }

    /** Redis's string2ull. */
    static boolean string2ull(byte[] b, int off, int len, long[] out) {
        if (dev.cinnabar.datatypes.Numbers.isLong(b, off, len)) {
            long v = dev.cinnabar.datatypes.Numbers.parseLong(b, off, len);
            if (v < 0) {
                return false;
            }
            out[0] = v;
            return true;
        }
        // strtoull(s, &end, 10): blanks, a sign, digits; the whole string must be used.
        int p = off;
        int end = off + len;
        while (p < end && isSpace(b[p])) {
            p++;
        }
        boolean neg = false;
        if (p < end && (b[p] == '+' || b[p] == '-')) {
            neg = b[p] == '-';
            p++;
        }
        int digits = p;
        long v = 0;
        boolean overflow = false;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            int d = b[p] - '0';
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0) {
                overflow = true;
            } else {
                long nv = v * 10 + d;
                if (Long.compareUnsigned(nv, v * 10) < 0) {
                    overflow = true;
                }
                v = nv;
            }
            p++;
        }
        if (p == digits || len == 0 || p != end || overflow) {
            return false;
        }
        out[0] = neg ? -v : v;
        return true;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }
}
