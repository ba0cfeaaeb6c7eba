package dev.cinnabar.datatypes;

/**
 * Reading Redis's ziplist, the compact list of Redis 2.6 to 6.2 (RDB types 10, 12, 13 and the
 * nodes of type 14). Redis 7.0 no longer keeps ziplists: it checks them and turns them into
 * listpacks while loading, and so do we. Nothing here writes a ziplist.
 *
 * <p>Layout (little-endian unless said): u32 total bytes, u32 offset of the last entry, u16 entry
 * count (65535: count them), the entries, then the byte 0xFF. An entry is the previous entry's
 * size (one byte below 254, else 0xFE and a u32), an encoding, and the data:
 * <pre>
 *   00llllll                 string of up to 63 bytes
 *   01llllll llllllll        string of up to 16383 bytes (length big-endian)
 *   10xxxxxx + u32 (BE)      longer string
 *   0xC0 / 0xD0 / 0xE0       int16 / int32 / int64 follows
 *   0xF0                     24-bit signed integer follows
 *   0xFE                     8-bit signed integer follows
 *   0xF1 .. 0xFD             the integer 0 .. 12 in the encoding byte itself
 * </pre>
 *
 * <p>{@link #validate} applies Redis 7.0's ziplistValidateIntegrity rules: the header against the
 * blob's size, the terminator, the tail offset, and (deep) every entry inside the blob, each
 * entry's recorded previous size, the tail offset and the count. Nothing is read outside the
 * array, whatever the bytes.
 */
public final class Ziplist {
    public static final int HEADER_SIZE = 10;
    public static final int END = 0xFF;
    /** The entry count meaning "count them". */
    public static final int COUNT_UNKNOWN = 0xFFFF;
    private static final int BIG_PREVLEN = 254;

    private Ziplist() {
    }

    /** Told about each entry while a deep validation walks them; false refuses the ziplist. */
    @FunctionalInterface
    public interface EntryCheck {
        /**
         * {@code e} holds the entry (string bytes point into the ziplist) and is reused;
         * {@code headerCount} is the count in the header (65535 when unknown).
         */
        boolean accept(Listpack.Entry e, int headerCount);
    }

    /** Redis's ziplistValidateIntegrity without an entry callback. */
    public static boolean validate(byte[] zl, boolean deep) {
        return validate(zl, deep, null);
    }

    /**
     * Redis's ziplistValidateIntegrity: true when {@code zl} is a well-formed ziplist. With
     * {@code deep} every entry is checked and, when {@code check} is given, passed to it in order.
     */
    public static boolean validate(byte[] zl, boolean deep, EntryCheck check) {
        int size = zl.length;
        if (size < HEADER_SIZE + 1) {
            return false;
        }
        if ((u32(zl, 0) & 0xFFFFFFFFL) != size) {
            return false;
        }
        if ((zl[size - 1] & 0xFF) != END) {
            return false;
        }
        if ((u32(zl, 4) & 0xFFFFFFFFL) > size - 1) {
            return false;
        }
        if (!deep) {
            return true;
        }
        int headerCount = u16(zl, 8);
        int last = size - 1; // the terminator: no entry byte may be at or past it
        Listpack.Entry e = check == null ? null : new Listpack.Entry();
        long count = 0;
        int p = HEADER_SIZE;
        int prev = -1;
        long prevRawSize = 0;
        while ((zl[p] & 0xFF) != END) {
            int prevLenSize = (zl[p] & 0xFF) < BIG_PREVLEN ? 1 : 5;
            int q = p + prevLenSize; // the encoding byte
            if (q > last) {
                return false;
            }
            long prevRawLen = prevLenSize == 1 ? zl[p] & 0xFF : u32(zl, p + 1) & 0xFFFFFFFFL;
            int first = zl[q] & 0xFF;
            int enc = first < 0xC0 ? first & 0xC0 : first;
            int lenSize;
            long len;
            switch (enc) {
                case 0x00:
                    lenSize = 1;
                    len = first & 0x3F;
                    break;
                case 0x40:
                    lenSize = 2;
                    if (q + lenSize > last) {
                        return false;
                    }
                    len = (first & 0x3F) << 8 | (zl[q + 1] & 0xFF);
                    break;
                case 0x80:
                    lenSize = 5;
                    if (q + lenSize > last) {
                        return false;
                    }
                    len = ((zl[q + 1] & 0xFFL) << 24) | (zl[q + 2] & 0xFF) << 16 | (zl[q + 3] & 0xFF) << 8
                        | (zl[q + 4] & 0xFF);
                    break;
                default:
                    lenSize = 1;
                    len = intSize(enc);
                    if (len < 0) {
                        return false;
                    }
            }
            int headerSize = prevLenSize + lenSize;
            if (p + headerSize + len > last) {
                return false;
            }
            if (p - prevRawLen < HEADER_SIZE) {
                return false;
            }
            if (prevRawLen != prevRawSize) {
                return false;
            }
            if (check != null) {
                int data = p + headerSize;
                if (enc < 0xC0) {
                    e.isInteger = false;
                    e.value = 0;
                    e.bytes = zl;
                    e.offset = data;
                    e.length = (int) len;
                } else {
                    e.isInteger = true;
                    e.value = integer(zl, data, enc);
                    e.bytes = null;
                    e.offset = 0;
                    e.length = 0;
                }
                if (!check.accept(e, headerCount)) {
                    return false;
                }
            }
            prevRawSize = headerSize + len;
            prev = p;
            p += (int) prevRawSize;
            count++;
        }
        if (p != size - 1) {
            return false;
        }
        if (prev >= 0 && prev != (u32(zl, 4) & 0xFFFFFFFFL)) {
            return false;
        }
        return headerCount == COUNT_UNKNOWN || count == headerCount;
    }

    /**
     * Checks {@code zl} deeply and returns its entries as a listpack (strings that are integers
     * become integer entries, as Redis's lpAppend does), or null when the ziplist is invalid.
     */
    public static Listpack toListpack(byte[] zl) {
        Listpack lp = new Listpack(zl.length);
        if (!validate(zl, true, (e, n) -> {
            append(lp, e);
            return true;
        })) {
            return null;
        }
        lp.trimToSize();
        return lp;
    }

    /**
     * Redis's ziplistPairsConvertAndValidateIntegrity (hashes and sorted sets, types 12 and 13):
     * a deep check, an even number of entries and no repeated name among the even entries.
     * Returns the listpack, with headroom, or null.
     */
    public static Listpack pairsToListpack(byte[] zl) {
        Listpack lp = new Listpack(zl.length);
        java.util.HashSet<String> names = new java.util.HashSet<>();
        long[] count = {0};
        boolean ok = validate(zl, true, (e, n) -> {
            if ((count[0] & 1) == 0 && !names.add(e.toString())) {
                return false;
            }
            append(lp, e);
            count[0]++;
            return true;
        });
        return ok && (count[0] & 1) == 0 ? lp : null;
    }

    private static void append(Listpack lp, Listpack.Entry e) {
        if (e.isInteger) {
            lp.append(e.value);
        } else {
            lp.append(e.bytes, e.offset, e.length);
        }
    }

    /** Data bytes of an integer encoding, or -1 for an encoding that does not exist. */
    private static int intSize(int enc) {
        switch (enc) {
            case 0xFE:
                return 1;
            case 0xC0:
                return 2;
            case 0xF0:
                return 3;
            case 0xD0:
                return 4;
            case 0xE0:
                return 8;
            default:
                return enc >= 0xF1 && enc <= 0xFD ? 0 : -1;
        }
    }

    private static long integer(byte[] zl, int p, int enc) {
        switch (enc) {
            case 0xFE:
                return zl[p];
            case 0xC0:
                return (short) ((zl[p] & 0xFF) | (zl[p + 1] & 0xFF) << 8);
            case 0xF0:
                return ((zl[p] & 0xFF) << 8 | (zl[p + 1] & 0xFF) << 16 | (zl[p + 2] & 0xFF) << 24) >> 8;
            case 0xD0:
                return u32(zl, p);
            case 0xE0:
                return (u32(zl, p) & 0xFFFFFFFFL) | (long) u32(zl, p + 4) << 32;
            default:
                return (enc & 0x0F) - 1;
        }
    }

    private static int u32(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
    }

    private static int u16(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
    }
}
