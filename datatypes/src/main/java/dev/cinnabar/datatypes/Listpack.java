package dev.cinnabar.datatypes;

import java.util.Arrays;

/**
 * A listpack in Redis 7.0's byte layout, in a {@code byte[]} whose first six bytes say how much of
 * it is in use.
 *
 * <p>Layout: total bytes (u32 LE), element count (u16 LE, 65535 when it must be counted), the
 * entries, then the terminator 0xFF. An entry is its encoding (a small integer in the first byte,
 * a 13/16/24/32/64-bit integer, or a string with a 6-bit, 12-bit or 32-bit length) followed by the
 * entry's length written backwards (the "backlen") so that the list can be walked from the tail.
 * A string whose bytes are an integer in canonical form is stored as that integer, so the bytes
 * are exactly those Redis writes (RDB type 16, and the nodes of a quicklist).
 *
 * <p>Entries are named by their byte offset in the array ({@code int}), -1 meaning none. Offsets
 * are valid until the next change; the changing methods return the offset to carry on from.
 * Reading goes through a reusable {@link Entry} holder, so that walking allocates nothing.
 *
 * <p>The class is not final: a node of a larger structure may extend it to save an object.
 */
public class Listpack {
    public static final int HEADER_SIZE = 6;
    public static final int EOF = 0xFF;
    /** The element count meaning "count them". */
    public static final int COUNT_UNKNOWN = 65535;

    /** Insertion places, as Redis names them. */
    public static final int BEFORE = 0;
    public static final int AFTER = 1;

    /** Below this many bytes a listpack grows without headroom. */
    private static final int SMALL = 512;

    private static final byte[] EMPTY_TEMPLATE = {7, 0, 0, 0, 0, 0, (byte) 0xFF};

    /** The bytes; {@link #totalBytes()} of them are in use. */
    protected byte[] buf;

    public Listpack() {
        this.buf = EMPTY_TEMPLATE.clone();
    }

    /** An empty listpack with room for {@code capacity} bytes. */
    public Listpack(int capacity) {
        this.buf = Arrays.copyOf(EMPTY_TEMPLATE, Math.max(capacity, EMPTY_TEMPLATE.length));
    }

    /** Wraps bytes in listpack layout (as read from an RDB file); not copied, not validated. */
    public static Listpack wrap(byte[] bytes) {
        Listpack lp = new Listpack(0);
        lp.buf = bytes;
        return lp;
    }

    /** Copies another listpack's bytes (COPY, DEBUG RELOAD), without headroom. */
    public Listpack duplicate() {
        return wrap(toByteArray());
    }

    // ------------------------------------------------------------------ header

    /** The bytes in use, header and terminator included. */
    public final int totalBytes() {
        return (buf[0] & 0xFF) | (buf[1] & 0xFF) << 8 | (buf[2] & 0xFF) << 16 | (buf[3] & 0xFF) << 24;
    }

    /** The backing array (longer than {@link #totalBytes()} when it has headroom). */
    public final byte[] array() {
        return buf;
    }

    /** The bytes in use, exactly, as a new array. */
    public final byte[] toByteArray() {
        return Arrays.copyOf(buf, totalBytes());
    }

    /**
     * Makes room for {@code extra} more bytes at once, before a command adds several entries:
     * each insert would otherwise copy the whole listpack into an array one entry longer (an
     * HSET of ten pairs made twenty arrays). {@link #trimExcess} gives back what a command
     * reserved and did not use.
     */
    public final void reserve(int extra) {
        int total = totalBytes();
        long wanted = (long) total + extra;
        if (wanted > buf.length && wanted <= Integer.MAX_VALUE - 8) {
            buf = Arrays.copyOf(buf, (int) (wanted + 7) & ~7);
        }
    }

    /** Drops headroom of more than an eighth (what {@link #reserve} took and no entry used). */
    public final void trimExcess() {
        int total = totalBytes();
        if (buf.length - total > Math.max(8, total >> 3)) {
            buf = Arrays.copyOf(buf, (total + 7) & ~7);
        }
    }

    /** Drops the headroom past {@code capacity} bytes of array (rounded up to 8). */
    public final void trimAbove(int capacity) {
        int keep = Math.max(totalBytes(), capacity);
        if (buf.length > ((keep + 7) & ~7)) {
            buf = Arrays.copyOf(buf, (keep + 7) & ~7);
        }
    }

    /** Drops the headroom. */
    public final void trimToSize() {
        int total = totalBytes();
        if (buf.length != total) buf = Arrays.copyOf(buf, total);
    }

    /** The array's length: what this listpack holds on the heap, apart from its object. */
    public final int capacity() {
        return buf.length;
    }

    private void setTotalBytes(int n) {
        buf[0] = (byte) n;
        buf[1] = (byte) (n >>> 8);
        buf[2] = (byte) (n >>> 16);
        buf[3] = (byte) (n >>> 24);
    }

    private int headerCount() {
        return (buf[4] & 0xFF) | (buf[5] & 0xFF) << 8;
    }

    private void setHeaderCount(int n) {
        buf[4] = (byte) n;
        buf[5] = (byte) (n >>> 8);
    }

    /** The number of entries (counted, and the count stored, when the header cannot hold it). */
    public final int size() {
        int n = headerCount();
        if (n != COUNT_UNKNOWN) return n;
        int count = 0;
        for (int p = first(); p >= 0; p = next(p)) count++;
        if (count < COUNT_UNKNOWN) setHeaderCount(count);
        return count;
    }

    public final boolean isEmpty() {
        return (buf[HEADER_SIZE] & 0xFF) == EOF;
    }

    private void countAdded(int n) {
        int c = headerCount();
        if (c != COUNT_UNKNOWN) setHeaderCount(Math.min(c + n, COUNT_UNKNOWN));
    }

    private void countRemoved(int n) {
        int c = headerCount();
        if (c != COUNT_UNKNOWN) setHeaderCount(c - n);
    }

    // ------------------------------------------------------------------ walking

    /** The first entry, or -1. */
    public final int first() {
        return (buf[HEADER_SIZE] & 0xFF) == EOF ? -1 : HEADER_SIZE;
    }

    /** The last entry, or -1. */
    public final int last() {
        int eof = totalBytes() - 1;
        return eof == HEADER_SIZE ? -1 : prevStart(eof);
    }

    /** The entry after {@code p}, or -1. */
    public final int next(int p) {
        int q = p + entrySize(p);
        return (buf[q] & 0xFF) == EOF ? -1 : q;
    }

    /** The entry before {@code p}, or -1. */
    public final int prev(int p) {
        return p == HEADER_SIZE ? -1 : prevStart(p);
    }

    /** The start of the entry whose backlen ends just before {@code p}. */
    private int prevStart(int p) {
        int q = p - 1;
        long len = 0;
        int shift = 0;
        int b;
        do {
            b = buf[q] & 0xFF;
            len |= (long) (b & 127) << shift;
            shift += 7;
            q--;
        } while ((b & 128) != 0);
        // From the decoded size, as Redis's lpPrev: not from the bytes read, which a loaded
        // listpack may make differ (a backlen byte with a stray continuation bit).
        return (int) (p - len - backlenSize(len));
    }

    /**
     * The entry at {@code index} (negative counts from the tail, -1 the last), or -1 when out of
     * range. Walks from the nearer end.
     */
    public final int seek(long index) {
        int n = size();
        if (index < 0) index += n;
        if (index < 0 || index >= n) return -1;
        if (index <= n / 2) {
            int p = HEADER_SIZE;
            for (long i = 0; i < index; i++) p += entrySize(p);
            return p;
        }
        int p = last();
        for (long i = n - 1; i > index; i--) p = prevStart(p);
        return p;
    }

    // ------------------------------------------------------------------ decoding

    /** Bytes of the encoding and data of the entry at {@code p} (without the backlen). */
    private int encodedSize(int p) {
        int b = buf[p] & 0xFF;
        if (b < 0x80) return 1;
        if ((b & 0xC0) == 0x80) return 1 + (b & 0x3F);
        if ((b & 0xE0) == 0xC0) return 2;
        if ((b & 0xF0) == 0xE0) return 2 + ((b & 0x0F) << 8 | (buf[p + 1] & 0xFF));
        switch (b) {
            case 0xF1: return 3;
            case 0xF2: return 4;
            case 0xF3: return 5;
            case 0xF4: return 9;
            case 0xF0: return 5 + u32(p + 1);
            default: throw new IllegalStateException("bad listpack encoding " + b + " at " + p);
        }
    }

    /** Bytes of the whole entry at {@code p}, backlen included. */
    public final int entrySize(int p) {
        int e = encodedSize(p);
        return e + backlenSize(e);
    }

    private int u32(int p) {
        return (buf[p] & 0xFF) | (buf[p + 1] & 0xFF) << 8 | (buf[p + 2] & 0xFF) << 16 | (buf[p + 3] & 0xFF) << 24;
    }

    private static int backlenSize(long l) {
        if (l <= 127) return 1;
        if (l < 16383) return 2;
        if (l < 2097151) return 3;
        if (l < 268435455) return 4;
        return 5;
    }

    /** Whether the entry at {@code p} is stored as an integer. */
    public final boolean isInteger(int p) {
        int b = buf[p] & 0xFF;
        return b < 0x80 || (b & 0xE0) == 0xC0 || (b >= 0xF1 && b <= 0xF4);
    }

    /** The integer stored at {@code p}; only for {@link #isInteger} entries. */
    public final long integerAt(int p) {
        int b = buf[p] & 0xFF;
        if (b < 0x80) return b;
        if ((b & 0xE0) == 0xC0) {
            int uv = (b & 0x1F) << 8 | (buf[p + 1] & 0xFF);
            return (uv << 19) >> 19;
        }
        switch (b) {
            case 0xF1: return (short) ((buf[p + 1] & 0xFF) | (buf[p + 2] & 0xFF) << 8);
            case 0xF2: return (((buf[p + 1] & 0xFF) | (buf[p + 2] & 0xFF) << 8 | (buf[p + 3] & 0xFF) << 16) << 8) >> 8;
            case 0xF3: return u32(p + 1);
            case 0xF4: return (u32(p + 1) & 0xFFFFFFFFL) | (long) u32(p + 5) << 32;
            default: throw new IllegalStateException("not an integer entry at " + p);
        }
    }

    /** Offset of the string bytes of a string entry. */
    private int stringOffset(int p) {
        int b = buf[p] & 0xFF;
        if ((b & 0xC0) == 0x80) return p + 1;
        if ((b & 0xF0) == 0xE0) return p + 2;
        return p + 5;
    }

    private int stringLength(int p) {
        int b = buf[p] & 0xFF;
        if ((b & 0xC0) == 0x80) return b & 0x3F;
        if ((b & 0xF0) == 0xE0) return (b & 0x0F) << 8 | (buf[p + 1] & 0xFF);
        return u32(p + 1);
    }

    /** Reads the entry at {@code p} into {@code e} (string entries point into this listpack). */
    public final Entry get(int p, Entry e) {
        if (isInteger(p)) {
            e.isInteger = true;
            e.value = integerAt(p);
            e.bytes = null;
            e.offset = 0;
            e.length = 0;
        } else {
            e.isInteger = false;
            e.value = 0;
            e.bytes = buf;
            e.offset = stringOffset(p);
            e.length = stringLength(p);
        }
        return e;
    }

    /** The entry at {@code p} as a new array (integers in decimal). */
    public final byte[] getBytes(int p) {
        if (isInteger(p)) return Numbers.toBytes(integerAt(p));
        int off = stringOffset(p);
        return Arrays.copyOfRange(buf, off, off + stringLength(p));
    }

    /** The length of the entry's value as a string (HSTRLEN). */
    public final int valueLength(int p) {
        return isInteger(p) ? Numbers.digits(integerAt(p)) : stringLength(p);
    }

    /** Whether the entry at {@code p} is the string {@code s[off, off+len)}; allocates nothing. */
    public final boolean equalsAt(int p, byte[] s, int off, int len) {
        if (isInteger(p)) {
            long v = integerAt(p);
            return Numbers.digits(v) == len && stringToLong(s, off, len) == v && isCanonicalLong(s, off, len);
        }
        if (stringLength(p) != len) return false;
        int o = stringOffset(p);
        return Arrays.equals(buf, o, o + len, s, off, off + len);
    }

    public final boolean equalsAt(int p, byte[] s) {
        return equalsAt(p, s, 0, s.length);
    }

    /**
     * From the entry {@code p} on, the first entry equal to {@code s} among every
     * {@code skip+1}-th entry (skip 1 looks at fields only in a field/value listpack), or -1.
     */
    public final int find(int p, byte[] s, int off, int len, int skip) {
        boolean canonical = isCanonicalLong(s, off, len);
        long sv = canonical ? stringToLong(s, off, len) : 0;
        int skipped = 0;
        while (p >= 0 && (buf[p] & 0xFF) != EOF) {
            if (skipped == 0) {
                if (isInteger(p)) {
                    if (canonical && integerAt(p) == sv) return p;
                } else if (stringLength(p) == len) {
                    int o = stringOffset(p);
                    if (Arrays.equals(buf, o, o + len, s, off, off + len)) return p;
                }
                skipped = skip;
            } else {
                skipped--;
            }
            p += entrySize(p);
        }
        return -1;
    }

    public final int find(int p, byte[] s, int skip) {
        return find(p, s, 0, s.length, skip);
    }

    // ------------------------------------------------------------------ integers in strings

    private static final int LONG_STR_SIZE = 21;

    /** Whether {@code s} is an integer as listpacks store one (Redis's lpStringToInt64). */
    public static boolean isCanonicalLong(byte[] s, int off, int len) {
        if (len == 0 || len >= LONG_STR_SIZE) return false;
        if (len == 1 && s[off] == '0') return true;
        int i = off, end = off + len;
        boolean neg = false;
        if (s[i] == '-') {
            neg = true;
            i++;
            if (i == end) return false;
        }
        if (s[i] < '1' || s[i] > '9') return false;
        long v = 0; // accumulate negatively so that Long.MIN_VALUE fits
        for (; i < end; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) return false;
            if (v < Long.MIN_VALUE / 10) return false;
            v *= 10;
            if (v < Long.MIN_VALUE + d) return false;
            v -= d;
        }
        return neg || v != Long.MIN_VALUE;
    }

    /** The value of a string for which {@link #isCanonicalLong} holds. */
    private static long stringToLong(byte[] s, int off, int len) {
        int i = off, end = off + len;
        boolean neg = s[i] == '-';
        if (neg) i++;
        long v = 0;
        for (; i < end; i++) v = v * 10 - (s[i] - '0');
        return neg ? v : -v;
    }

    // ------------------------------------------------------------------ encoding

    private static int intEncodedSize(long v) {
        if (v >= 0 && v <= 127) return 1;
        if (v >= -4096 && v <= 4095) return 2;
        if (v >= -32768 && v <= 32767) return 3;
        if (v >= -8388608 && v <= 8388607) return 4;
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) return 5;
        return 9;
    }

    private static int strEncodedSize(int len) {
        if (len < 64) return 1 + len;
        if (len < 4096) return 2 + len;
        return 5 + len;
    }

    private void writeInt(int p, long v, int enc) {
        switch (enc) {
            case 1 -> buf[p] = (byte) v;
            case 2 -> {
                long uv = v < 0 ? (1L << 13) + v : v;
                buf[p] = (byte) ((uv >> 8) | 0xC0);
                buf[p + 1] = (byte) uv;
            }
            default -> {
                buf[p] = (byte) (enc == 3 ? 0xF1 : enc == 4 ? 0xF2 : enc == 5 ? 0xF3 : 0xF4);
                for (int i = 1; i < enc; i++) buf[p + i] = (byte) (v >>> (8 * (i - 1)));
            }
        }
        writeBacklen(p + enc, enc);
    }

    private void writeString(int p, byte[] s, int off, int len, int enc) {
        int hdr;
        if (len < 64) {
            buf[p] = (byte) (0x80 | len);
            hdr = 1;
        } else if (len < 4096) {
            buf[p] = (byte) (0xE0 | (len >> 8));
            buf[p + 1] = (byte) len;
            hdr = 2;
        } else {
            buf[p] = (byte) 0xF0;
            buf[p + 1] = (byte) len;
            buf[p + 2] = (byte) (len >>> 8);
            buf[p + 3] = (byte) (len >>> 16);
            buf[p + 4] = (byte) (len >>> 24);
            hdr = 5;
        }
        System.arraycopy(s, off, buf, p + hdr, len);
        writeBacklen(p + enc, enc);
    }

    private void writeBacklen(int p, long l) {
        switch (backlenSize(l)) {
            case 1 -> buf[p] = (byte) l;
            case 2 -> {
                buf[p] = (byte) (l >> 7);
                buf[p + 1] = (byte) ((l & 127) | 128);
            }
            case 3 -> {
                buf[p] = (byte) (l >> 14);
                buf[p + 1] = (byte) (((l >> 7) & 127) | 128);
                buf[p + 2] = (byte) ((l & 127) | 128);
            }
            case 4 -> {
                buf[p] = (byte) (l >> 21);
                buf[p + 1] = (byte) (((l >> 14) & 127) | 128);
                buf[p + 2] = (byte) (((l >> 7) & 127) | 128);
                buf[p + 3] = (byte) ((l & 127) | 128);
            }
            default -> {
                buf[p] = (byte) (l >> 28);
                buf[p + 1] = (byte) (((l >> 21) & 127) | 128);
                buf[p + 2] = (byte) (((l >> 14) & 127) | 128);
                buf[p + 3] = (byte) (((l >> 7) & 127) | 128);
                buf[p + 4] = (byte) ((l & 127) | 128);
            }
        }
    }

    /** The bytes the string {@code s} takes as an entry, backlen included. */
    public static int entrySizeOf(byte[] s, int off, int len) {
        int enc = isCanonicalLong(s, off, len) ? intEncodedSize(stringToLong(s, off, len)) : strEncodedSize(len);
        return enc + backlenSize(enc);
    }

    /** The bytes the integer {@code v} takes as an entry, backlen included. */
    public static int entrySizeOf(long v) {
        int enc = intEncodedSize(v);
        return enc + backlenSize(enc);
    }

    // ------------------------------------------------------------------ changing

    /**
     * Replaces the {@code oldLen} bytes at {@code p} with room for {@code newLen} bytes, moving the
     * rest and growing the array (with some headroom) when needed.
     */
    private void resize(int p, int oldLen, int newLen) {
        int total = totalBytes();
        int newTotal = total - oldLen + newLen;
        if (newTotal < 0) throw new IllegalStateException("listpack over 2GB");
        if (newTotal > buf.length) {
            // Small listpacks grow to the next 8 bytes only (the JVM's own rounding), as most
            // stay small; larger ones get an eighth more, up to 4 KB, so that appends amortise.
            int cap = newTotal < SMALL ? (newTotal + 7) & ~7 : newTotal + Math.min(newTotal >> 3, 4096);
            byte[] nb = new byte[Math.max(cap, newTotal)];
            System.arraycopy(buf, 0, nb, 0, p);
            System.arraycopy(buf, p + oldLen, nb, p + newLen, total - p - oldLen);
            buf = nb;
        } else {
            System.arraycopy(buf, p + oldLen, buf, p + newLen, total - p - oldLen);
            // A listpack that shrank to under half its array gives the rest back (one that grows
            // into room reserved for it keeps the room).
            if (newLen < oldLen && newTotal < (buf.length >> 1) && buf.length > 64) buf = Arrays.copyOf(buf, newTotal);
        }
        setTotalBytes(newTotal);
    }

    private int insertAt(int p, byte[] s, int off, int len) {
        if (isCanonicalLong(s, off, len)) return insertAt(p, stringToLong(s, off, len));
        int enc = strEncodedSize(len);
        resize(p, 0, enc + backlenSize(enc));
        writeString(p, s, off, len, enc);
        countAdded(1);
        return p;
    }

    private int insertAt(int p, long v) {
        int enc = intEncodedSize(v);
        resize(p, 0, enc + backlenSize(enc));
        writeInt(p, v, enc);
        countAdded(1);
        return p;
    }

    /** Adds {@code s} at the tail; returns its offset. */
    public final int append(byte[] s, int off, int len) {
        return insertAt(totalBytes() - 1, s, off, len);
    }

    public final int append(byte[] s) {
        return append(s, 0, s.length);
    }

    public final int append(long v) {
        return insertAt(totalBytes() - 1, v);
    }

    /** Adds {@code s} at the head; returns its offset. */
    public final int prepend(byte[] s, int off, int len) {
        return insertAt(HEADER_SIZE, s, off, len);
    }

    public final int prepend(byte[] s) {
        return prepend(s, 0, s.length);
    }

    public final int prepend(long v) {
        return insertAt(HEADER_SIZE, v);
    }

    /** Inserts {@code s} {@link #BEFORE} or {@link #AFTER} the entry {@code p}; returns its offset. */
    public final int insert(int p, int where, byte[] s, int off, int len) {
        return insertAt(where == AFTER ? p + entrySize(p) : p, s, off, len);
    }

    public final int insert(int p, int where, byte[] s) {
        return insert(p, where, s, 0, s.length);
    }

    /** Inserts the integer {@code v} {@link #BEFORE} or {@link #AFTER} the entry {@code p}; returns its offset. */
    public final int insert(int p, int where, long v) {
        return insertAt(where == AFTER ? p + entrySize(p) : p, v);
    }

    /**
     * Adds every entry of {@code other} after this one's last (or before its first, with
     * {@code atHead}), copying the entries' bytes as they are: Redis's lpMerge for quicklist
     * nodes. {@code other} is left unchanged.
     */
    public final void addAll(Listpack other, boolean atHead) {
        int from = HEADER_SIZE;
        int len = other.totalBytes() - 1 - HEADER_SIZE;
        if (len == 0) {
            return;
        }
        int p = atHead ? HEADER_SIZE : totalBytes() - 1;
        resize(p, 0, len);
        System.arraycopy(other.buf, from, buf, p, len);
        int mine = headerCount();
        int theirs = other.headerCount();
        if (mine == COUNT_UNKNOWN || theirs == COUNT_UNKNOWN) {
            setHeaderCount(COUNT_UNKNOWN);
        } else {
            setHeaderCount(Math.min(mine + theirs, COUNT_UNKNOWN));
        }
    }

    /** Replaces the entry at {@code p} with {@code s}; returns the offset (still {@code p}). */
    public final int replace(int p, byte[] s, int off, int len) {
        int old = entrySize(p);
        if (isCanonicalLong(s, off, len)) return replace(p, stringToLong(s, off, len));
        int enc = strEncodedSize(len);
        resize(p, old, enc + backlenSize(enc));
        writeString(p, s, off, len, enc);
        return p;
    }

    public final int replace(int p, byte[] s) {
        return replace(p, s, 0, s.length);
    }

    public final int replace(int p, long v) {
        int old = entrySize(p);
        int enc = intEncodedSize(v);
        resize(p, old, enc + backlenSize(enc));
        writeInt(p, v, enc);
        return p;
    }

    /** Deletes the entry at {@code p}; returns the entry that followed it, or -1. */
    public final int delete(int p) {
        resize(p, entrySize(p), 0);
        countRemoved(1);
        return (buf[p] & 0xFF) == EOF ? -1 : p;
    }

    /**
     * Deletes up to {@code count} entries from {@code p} on; returns the entry that followed the
     * last one deleted, or -1.
     */
    public final int deleteRange(int p, int count) {
        int q = p;
        int n = 0;
        while (n < count && (buf[q] & 0xFF) != EOF) {
            q += entrySize(q);
            n++;
        }
        if (n == 0) return (buf[p] & 0xFF) == EOF ? -1 : p;
        resize(p, q - p, 0);
        countRemoved(n);
        return (buf[p] & 0xFF) == EOF ? -1 : p;
    }

    /** Deletes {@code count} entries from {@code index} on (negative from the tail). */
    public final void deleteRange(long index, int count) {
        int p = seek(index);
        if (p >= 0) deleteRange(p, count);
    }

    /** Deletes every entry. */
    public final void clear() {
        buf = EMPTY_TEMPLATE.clone();
    }

    /** A reusable holder for one entry: an integer, or a slice of bytes. */
    public static final class Entry {
        public boolean isInteger;
        public long value;
        public byte[] bytes;
        public int offset;
        public int length;

        /** The entry as a new array (integers in decimal). */
        public byte[] toBytes() {
            return isInteger ? Numbers.toBytes(value) : Arrays.copyOfRange(bytes, offset, offset + length);
        }

        /** Its length as a string. */
        public int stringLength() {
            return isInteger ? Numbers.digits(value) : length;
        }

        @Override
        public String toString() {
            return isInteger ? Long.toString(value) : new String(bytes, offset, length, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }
}
