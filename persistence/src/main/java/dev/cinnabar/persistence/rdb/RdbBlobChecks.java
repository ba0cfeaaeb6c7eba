package dev.cinnabar.persistence.rdb;

import dev.cinnabar.datatypes.Intset;
import dev.cinnabar.datatypes.Listpack;

/**
 * The integrity checks a blob read from an RDB file or payload passes before it becomes part of
 * a value: Redis's lpValidateIntegrity, intsetValidateIntegrity, lpPairsValidateIntegrityAndDups
 * and streamValidateListpackIntegrity. Without {@code deep} only the header is checked (sizes and
 * terminator), as Redis does; {@code deep} (sanitize-dump-payload) checks every entry too.
 */
final class RdbBlobChecks {
    private RdbBlobChecks() {
    }

    /** The header: at least header and terminator, the total matching, the terminator last. */
    static boolean listpack(byte[] lp, boolean deep) {
        if (lp.length < Listpack.HEADER_SIZE + 1) {
            return false;
        }
        long total = (lp[0] & 0xFFL) | (lp[1] & 0xFFL) << 8 | (lp[2] & 0xFFL) << 16 | (lp[3] & 0xFFL) << 24;
        if (total != lp.length || (lp[lp.length - 1] & 0xFF) != Listpack.EOF) {
            return false;
        }
        return !deep || deepListpack(lp);
    }

    /**
     * A listpack of field/value (member/score) pairs; deep: no field twice. An odd number of
     * entries is refused in every mode (Redis checks it only deeply, and would then crash).
     */
    static boolean pairsListpack(byte[] lp, boolean deep) {
        if (!listpack(lp, deep)) {
            return false;
        }
        try {
            Listpack l = Listpack.wrap(lp);
            if (l.size() % 2 != 0) {
                return false;
            }
            if (deep) {
                java.util.Set<java.nio.ByteBuffer> seen = new java.util.HashSet<>();
                for (int p = l.first(); p >= 0; p = l.next(l.next(p))) {
                    if (!seen.add(java.nio.ByteBuffer.wrap(l.getBytes(p)))) {
                        return false;
                    }
                }
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A stream node's listpack. */
    static boolean streamListpack(byte[] lp, boolean deep) {
        return listpack(lp, deep);
    }

    /** Encoding 2, 4 or 8, the size matching the count, not empty; deep: strictly increasing. */
    static boolean intset(byte[] is, boolean deep) {
        if (is.length < Intset.HEADER) {
            return false;
        }
        long enc = (is[0] & 0xFFL) | (is[1] & 0xFFL) << 8 | (is[2] & 0xFFL) << 16 | (is[3] & 0xFFL) << 24;
        if (enc != Intset.INT16 && enc != Intset.INT32 && enc != Intset.INT64) {
            return false;
        }
        long count = (is[4] & 0xFFL) | (is[5] & 0xFFL) << 8 | (is[6] & 0xFFL) << 16 | (is[7] & 0xFFL) << 24;
        if (Intset.HEADER + count * enc != is.length || count == 0) {
            return false;
        }
        if (deep) {
            for (int i = 1; i < count; i++) {
                if (Intset.get(is, i) <= Intset.get(is, i - 1)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Every entry walkable up to the terminator, the count in the header right. */
    private static boolean deepListpack(byte[] lp) {
        try {
            Listpack l = Listpack.wrap(lp);
            int n = 0;
            int p = l.first();
            int last = -1;
            while (p >= 0) {
                int size = l.entrySize(p);
                if (size <= 0 || p + size > lp.length - 1) {
                    return false;
                }
                last = p + size;
                n++;
                p = l.next(p);
            }
            int header = (lp[4] & 0xFF) | (lp[5] & 0xFF) << 8;
            return (last < 0 || last == lp.length - 1) && (header == Listpack.COUNT_UNKNOWN || header == n);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
