package dev.cinnabar.server.commands;

import dev.cinnabar.datatypes.value.StringType;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.db.Db;

/**
 * LCS: the longest common subsequence of two strings, by the classic dynamic programming table,
 * walked back from the end to produce the string or the matching ranges. The walk and its
 * tie-breaking follow Redis's so that the ranges reported (last match first) are the same.
 */
final class LcsCommand {
    private static final byte[] EMPTY = new byte[0];

    private LcsCommand() {
    }

    // LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]
    static void lcs(Client c) {
        Argv a = c.argv;
        Db db = c.db();
        Object va = db.lookupRead(a, 1);
        Object vb = db.lookupRead(a, 2);
        if ((va != null && !StringType.isString(va)) || (vb != null && !StringType.isString(vb))) {
            throw new CommandError("ERR The specified keys must contain string values");
        }
        boolean getLen = false;
        boolean getIdx = false;
        boolean withMatchLen = false;
        long minMatchLen = 0;
        for (int j = 3; j < a.count(); j++) {
            if (a.is(j, "idx")) {
                getIdx = true;
            } else if (a.is(j, "len")) {
                getLen = true;
            } else if (a.is(j, "withmatchlen")) {
                withMatchLen = true;
            } else if (a.is(j, "minmatchlen") && j + 1 < a.count()) {
                minMatchLen = Math.max(0, Args.longArg(c, ++j));
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        if (getLen && getIdx) {
            throw new CommandError("ERR If you want both the length and indexes, please just use IDX.");
        }
        byte[] x = va == null ? EMPTY : StringType.view(va);
        byte[] y = vb == null ? EMPTY : StringType.view(vb);
        int xl = va == null ? 0 : StringType.length(va);
        int yl = vb == null ? 0 : StringType.length(vb);
        int[] table = table(c, x, xl, y, yl);
        int w = yl + 1;
        int lcsLength = table[xl * w + yl];
        if (getLen) {
            c.reply.integer(lcsLength);
            return;
        }
        if (!getIdx) {
            c.reply.bulk(walk(table, x, xl, y, yl, lcsLength, null, 0, false, null));
            return;
        }
        ReplyWriter r = c.reply;
        r.map(2);
        r.bulk("matches");
        int mark = r.beginDeferred();
        int[] count = new int[1];
        walk(table, x, xl, y, yl, lcsLength, r, minMatchLen, withMatchLen, count);
        r.endArray(mark, count[0]);
        r.bulk("len");
        r.integer(lcsLength);
    }

    /** The table of LCS lengths of every pair of prefixes, {@code (xl+1) * (yl+1)} entries. */
    private static int[] table(Client c, byte[] x, int xl, byte[] y, int yl) {
        long cells = (long) (xl + 1) * (yl + 1);
        if (cells * Integer.BYTES > c.server.config().protoMaxBulkLen) {
            throw new CommandError("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
        }
        int[] t;
        try {
            t = new int[(int) cells];
        } catch (OutOfMemoryError | NegativeArraySizeException e) {
            throw new CommandError("ERR Insufficient memory, failed allocating transient memory for LCS");
        }
        int w = yl + 1;
        for (int i = 1; i <= xl; i++) {
            byte xc = x[i - 1];
            int row = i * w;
            int prev = row - w;
            for (int j = 1; j <= yl; j++) {
                if (xc == y[j - 1]) {
                    t[row + j] = t[prev + j - 1] + 1;
                } else {
                    int up = t[prev + j];
                    int left = t[row + j - 1];
                    t[row + j] = up > left ? up : left;
                }
            }
        }
        return t;
    }

    /**
     * Walks the table back from the end, building the subsequence and, when {@code r} is given,
     * replying each run of consecutive matches (at least {@code minMatchLen} long) as it closes
     * and counting them in {@code emitted[0]}.
     */
    private static byte[] walk(int[] t, byte[] x, int xl, byte[] y, int yl, int lcsLength,
            ReplyWriter r, long minMatchLen, boolean withMatchLen, int[] emitted) {
        byte[] result = new byte[lcsLength];
        int idx = lcsLength;
        int w = yl + 1;
        int i = xl;
        int j = yl;
        // A run is open when aStart >= 0; it grows backwards while matches stay on the diagonal.
        int aStart = -1;
        int aEnd = 0;
        int bStart = 0;
        int bEnd = 0;
        while (i > 0 && j > 0) {
            boolean close = false;
            if (x[i - 1] == y[j - 1]) {
                result[--idx] = x[i - 1];
                if (aStart < 0) {
                    aStart = aEnd = i - 1;
                    bStart = bEnd = j - 1;
                } else if (aStart == i && bStart == j) {
                    aStart--;
                    bStart--;
                } else {
                    close = true;
                }
                if (aStart == 0 || bStart == 0) {
                    close = true;
                }
                i--;
                j--;
            } else {
                if (t[(i - 1) * w + j] > t[i * w + j - 1]) {
                    i--;
                } else {
                    j--;
                }
                if (aStart >= 0) {
                    close = true;
                }
            }
            if (close) {
                int matchLen = aEnd - aStart + 1;
                if (r != null && (minMatchLen == 0 || matchLen >= minMatchLen)) {
                    r.array(withMatchLen ? 3 : 2);
                    r.array(2);
                    r.integer(aStart);
                    r.integer(aEnd);
                    r.array(2);
                    r.integer(bStart);
                    r.integer(bEnd);
                    if (withMatchLen) {
                        r.integer(matchLen);
                    }
                    emitted[0]++;
                }
                aStart = -1;
            }
        }
        return result;
    }
}
