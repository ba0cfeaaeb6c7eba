package dev.cinnabar.datatypes;

import java.util.HashSet;

/**
 * Redis 7.0's integrity checks of the blobs that arrive in RDB files and RESTORE payloads:
 * listpacks (lpValidateIntegrity, with the per-entry walk when deep), field/value listpacks with
 * the duplicate check (lpPairsValidateIntegrityAndDups), intsets (intsetValidateIntegrity) and
 * stream nodes (streamValidateListpackIntegrity). The shallow forms check only what Redis checks
 * without sanitization (sizes, terminator, header); the deep forms walk every entry. None of them
 * reads outside the array, whatever the bytes.
 *
 * <p>Where Redis would accept bytes that later crash it (a string length that wraps 32 bits, a
 * stream entry with a negative field count, a stream count written as a string), these checks
 * refuse them.
 */
public final class Integrity {
    private static final int LP_HEADER = Listpack.HEADER_SIZE;
    private static final int LP_EOF = 0xFF;

    private Integrity() {
    }

    /** Told about each listpack entry while a deep check walks them; false refuses the blob. */
    @FunctionalInterface
    public interface EntryCheck {
        /** {@code e} is reused; string bytes point into the listpack. */
        boolean accept(Listpack.Entry e, int headerCount);
    }

    // ---------------------------------------------------------------- listpack

    /** Redis's lpValidateIntegrity without a callback. */
    public static boolean listpack(byte[] lp, boolean deep) {
        return listpack(lp, deep, null);
    }

    /** Redis's lpValidateIntegrity: header, terminator, and with {@code deep} every entry. */
    public static boolean listpack(byte[] lp, boolean deep, EntryCheck check) {
        int size = lp.length;
        if (size < LP_HEADER + 1) {
            return false;
        }
        if ((u32(lp, 0) & 0xFFFFFFFFL) != size) {
            return false;
        }
        if ((lp[size - 1] & 0xFF) != LP_EOF) {
            return false;
        }
        if (!deep) {
            return true;
        }
        int headerCount = (lp[4] & 0xFF) | (lp[5] & 0xFF) << 8;
        Listpack view = check == null ? null : Listpack.wrap(lp);
        Listpack.Entry e = check == null ? null : new Listpack.Entry();
        long count = 0;
        int p = LP_HEADER;
        while ((lp[p] & 0xFF) != LP_EOF) {
            int next = validateNext(lp, p);
            if (next < 0) {
                return false;
            }
            if (check != null && !check.accept(view.get(p, e), headerCount)) {
                return false;
            }
            count++;
            p = next;
        }
        if (p != size - 1) {
            return false;
        }
        return headerCount == Listpack.COUNT_UNKNOWN || headerCount == count;
    }

    /**
     * Redis's lpValidateNext for the entry at {@code p} (not the terminator): the offset of the
     * entry after it, or -1 when the entry is malformed or reaches past the blob.
     */
    static int validateNext(byte[] lp, int p) {
        int last = lp.length - 1;
        if (p < LP_HEADER || p > last) {
            return -1;
        }
        int b = lp[p] & 0xFF;
        long encoded;
        if (b < 0x80) {
            encoded = 1;
        } else if ((b & 0xC0) == 0x80) {
            encoded = 1 + (b & 0x3F);
        } else if ((b & 0xE0) == 0xC0) {
            encoded = 2;
        } else if ((b & 0xF0) == 0xE0) {
            if (p + 2 > last) {
                return -1;
            }
            encoded = 2 + ((b & 0x0F) << 8 | (lp[p + 1] & 0xFF));
        } else {
            switch (b) {
                case 0xF1:
                    encoded = 3;
                    break;
                case 0xF2:
                    encoded = 4;
                    break;
                case 0xF3:
                    encoded = 5;
                    break;
                case 0xF4:
                    encoded = 9;
                    break;
                case 0xF0:
                    if (p + 5 > last) {
                        return -1;
                    }
                    encoded = 5 + (u32(lp, p + 1) & 0xFFFFFFFFL);
                    break;
                default:
                    return -1;
            }
        }
        int backlen = backlenSize(encoded);
        long entry = encoded + backlen;
        if (p + entry > last) {
            return -1;
        }
        int next = (int) (p + entry);
        // The backlen, read backwards from the entry's last byte, must give the encoded size.
        long val = 0;
        int shift = 0;
        int q = next - 1;
        while (true) {
            int c = lp[q] & 0xFF;
            val |= (long) (c & 127) << shift;
            if ((c & 128) == 0) {
                break;
            }
            shift += 7;
            q--;
            if (shift > 28 || q < 0) {
                return -1;
            }
        }
        return val + backlen == entry ? next : -1;
    }

    private static int backlenSize(long l) {
        if (l <= 127) {
            return 1;
        }
        if (l < 16383) {
            return 2;
        }
        if (l < 2097151) {
            return 3;
        }
        if (l < 268435455) {
            return 4;
        }
        return 5;
    }

    /**
     * Redis's lpPairsValidateIntegrityAndDups (hashes and sorted sets, types 16 and 17): shallow
     * is the header check; deep walks every entry, wants an even count and no repeated name among
     * the even entries.
     */
    public static boolean listpackPairs(byte[] lp, boolean deep) {
        if (!deep) {
            return listpack(lp, false, null);
        }
        HashSet<String> names = new HashSet<>();
        long[] count = {0};
        boolean ok = listpack(lp, true, (e, n) -> {
            if ((count[0] & 1) == 0 && !names.add(e.toString())) {
                return false;
            }
            count[0]++;
            return true;
        });
        return ok && (count[0] & 1) == 0;
    }

    // ---------------------------------------------------------------- intset

    /**
     * Redis's intsetValidateIntegrity: a known encoding, a size matching the count, not empty;
     * with {@code deep}, elements strictly increasing.
     */
    public static boolean intset(byte[] is, boolean deep) {
        if (is.length < Intset.HEADER) {
            return false;
        }
        long enc = u32(is, 0) & 0xFFFFFFFFL;
        if (enc != Intset.INT16 && enc != Intset.INT32 && enc != Intset.INT64) {
            return false;
        }
        long count = u32(is, 4) & 0xFFFFFFFFL;
        if (Intset.HEADER + count * enc != is.length) {
            return false;
        }
        if (count == 0) {
            return false;
        }
        if (!deep) {
            return true;
        }
        long prev = Intset.get(is, 0);
        for (int i = 1; i < count; i++) {
            long cur = Intset.get(is, i);
            if (cur <= prev) {
                return false;
            }
            prev = cur;
        }
        return true;
    }

    // ---------------------------------------------------------------- stream nodes

    /**
     * Redis's streamValidateListpackIntegrity: the listpack header and, with {@code deep}, the
     * stream-node layout (master entry, then each entry's flags, ID, fields, values and
     * lp-count) entry by entry, ending exactly at the terminator. Field counts must not be
     * negative (Redis lets a negative one through and fails later).
     */
    public static boolean streamListpack(byte[] lp, boolean deep) {
        if (!listpack(lp, false, null)) {
            return false;
        }
        if (!deep) {
            return true;
        }
        StreamWalk w = new StreamWalk(lp);
        if (w.atEnd()) {
            return false;
        }
        Long entries = w.integer();
        Long deleted = w.integer();
        Long masterFields = w.integer();
        if (entries == null || deleted == null || masterFields == null || masterFields < 0) {
            return false;
        }
        for (long j = 0; j < masterFields; j++) {
            if (!w.skip()) {
                return false;
            }
        }
        Long zero = w.integer();
        if (zero == null || zero != 0) {
            return false;
        }
        long n = entries + deleted;
        while (n-- != 0) {
            Long flags = w.integer();
            if (flags == null || w.integer() == null || w.integer() == null) {
                return false;
            }
            long fields = masterFields;
            long extra = 3;
            if ((flags & 2) == 0) { // not SAMEFIELDS: the entry lists its own fields
                Long own = w.integer();
                if (own == null || own < 0) {
                    return false;
                }
                fields = own;
                for (long j = 0; j < fields; j++) {
                    if (!w.skip()) {
                        return false;
                    }
                }
                extra += fields + 1;
            }
            for (long j = 0; j < fields; j++) {
                if (!w.skip()) {
                    return false;
                }
            }
            Long lpCount = w.integer();
            if (lpCount == null || lpCount != fields + extra) {
                return false;
            }
        }
        return w.atEnd();
    }

    /** A checked walk over a listpack whose header is valid. */
    private static final class StreamWalk {
        private final byte[] lp;
        private final Listpack view;
        private final Listpack.Entry e = new Listpack.Entry();
        private int p = LP_HEADER;

        StreamWalk(byte[] lp) {
            this.lp = lp;
            this.view = Listpack.wrap(lp);
        }

        boolean atEnd() {
            return (lp[p] & 0xFF) == LP_EOF;
        }

        /** Steps over one valid entry; false at the end or on a malformed one. */
        boolean skip() {
            if (atEnd()) {
                return false;
            }
            int next = validateNext(lp, p);
            if (next < 0) {
                return false;
            }
            p = next;
            return true;
        }

        /**
         * The next entry as an integer, or null. Redis also takes a string of digits here; the
         * stream code reads these entries as integer entries, which is all Redis writes.
         */
        Long integer() {
            if (atEnd()) {
                return null;
            }
            int next = validateNext(lp, p);
            if (next < 0) {
                return null;
            }
            view.get(p, e);
            p = next;
            return e.isInteger ? e.value : null;
        }
    }

    private static int u32(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
    }
}
