package dev.cinnabar.datatypes;

import java.util.Arrays;

/**
 * A string value that is modified in place (APPEND, SETRANGE, SETBIT): Redis's {@code raw}
 * encoding. It keeps spare capacity so that a run of appends costs amortised O(1) per byte, as
 * Redis's sds strings do, instead of copying the whole value each time.
 */
public final class RawString {
    private byte[] bytes;
    private int length;

    public RawString(byte[] initial) {
        this.bytes = initial;
        this.length = initial.length;
    }

    public RawString(byte[] initial, int capacity) {
        this.bytes = Arrays.copyOf(initial, Math.max(capacity, initial.length));
        this.length = initial.length;
    }

    public int length() {
        return length;
    }

    /** The backing array; only {@code [0, length())} is the value. */
    public byte[] array() {
        return bytes;
    }

    /** Bytes allocated, for memory accounting. */
    public int capacity() {
        return bytes.length;
    }

    /** A copy of exactly the value's bytes. */
    public byte[] toBytes() {
        return Arrays.copyOf(bytes, length);
    }

    public void append(byte[] src, int off, int len) {
        ensureCapacity(length + len);
        System.arraycopy(src, off, bytes, length, len);
        length += len;
    }

    /** Writes {@code src} at {@code offset}, zero-filling any gap past the current end. */
    public void setRange(int offset, byte[] src, int off, int len) {
        int end = offset + len;
        if (end > length) {
            ensureCapacity(end);
            // Bytes between the old end and offset must read as zero; the array may hold leftovers.
            if (offset > length) {
                Arrays.fill(bytes, length, offset, (byte) 0);
            }
            length = end;
        }
        System.arraycopy(src, off, bytes, offset, len);
    }

    /** Grows the value to {@code newLength} with zero bytes (SETBIT past the end). */
    public void extendTo(int newLength) {
        if (newLength > length) {
            ensureCapacity(newLength);
            Arrays.fill(bytes, length, newLength, (byte) 0);
            length = newLength;
        }
    }

    /** Makes room for {@code extra} more bytes past the end, growing as {@link #append} does (Redis's sdsMakeRoomFor). */
    public void reserve(int extra) {
        ensureCapacity(length + extra);
    }

    /** Sets the length within the capacity; bytes past the old end must have been written by the caller. */
    public void setLength(int newLength) {
        if (newLength < 0 || newLength > bytes.length) {
            throw new IllegalArgumentException("length " + newLength + " past capacity " + bytes.length);
        }
        length = newLength;
    }

    /** Takes {@code array} as the new contents, all of it the value (a representation rebuilt at its exact size). */
    public void replace(byte[] array) {
        bytes = array;
        length = array.length;
    }

    private void ensureCapacity(int needed) {
        if (needed <= bytes.length) {
            return;
        }
        // Redis's greedy growth: double below 1 MB, then add 1 MB at a time.
        int cap = needed < 1024 * 1024 ? needed * 2 : needed + 1024 * 1024;
        if (cap < 0) {
            cap = Integer.MAX_VALUE - 8;
        }
        bytes = Arrays.copyOf(bytes, cap);
    }
}
