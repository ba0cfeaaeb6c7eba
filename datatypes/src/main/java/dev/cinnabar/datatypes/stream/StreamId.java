package dev.cinnabar.datatypes.stream;

import dev.cinnabar.datatypes.Numbers;
import java.nio.charset.StandardCharsets;

/**
 * A stream entry ID: two unsigned 64-bit numbers (milliseconds, sequence), held in Java longs and
 * compared unsigned. Immutable; used as the key of the pending-entry lists, where an object per
 * entry exists anyway. The entries themselves keep their IDs delta-encoded in the nodes.
 */
public final class StreamId implements Comparable<StreamId> {
    public static final StreamId MIN = new StreamId(0, 0);
    public static final StreamId MAX = new StreamId(-1L, -1L);

    public final long ms;
    public final long seq;

    public StreamId(long ms, long seq) {
        this.ms = ms;
        this.seq = seq;
    }

    /** Unsigned comparison of (ms1, seq1) with (ms2, seq2). */
    public static int compare(long ms1, long seq1, long ms2, long seq2) {
        int c = Long.compareUnsigned(ms1, ms2);
        return c != 0 ? c : Long.compareUnsigned(seq1, seq2);
    }

    @Override
    public int compareTo(StreamId o) {
        return compare(ms, seq, o.ms, o.seq);
    }

    public int compareTo(long ms2, long seq2) {
        return compare(ms, seq, ms2, seq2);
    }

    public boolean isZero() {
        return ms == 0 && seq == 0;
    }

    /** The next ID, or null past the last possible one (Redis's streamIncrID failing). */
    public StreamId next() {
        if (seq == -1L) {
            return ms == -1L ? null : new StreamId(ms + 1, 0);
        }
        return new StreamId(ms, seq + 1);
    }

    /** The previous ID, or null before 0-0. */
    public StreamId previous() {
        if (seq == 0) {
            return ms == 0 ? null : new StreamId(ms - 1, -1L);
        }
        return new StreamId(ms, seq - 1);
    }

    /** {@code ms-seq}, both unsigned decimal. */
    public byte[] toBytes() {
        return toString().getBytes(StandardCharsets.US_ASCII);
    }

    public static byte[] toBytes(long ms, long seq) {
        if (ms < 0 || seq < 0) {
            // Above 2^63, unsigned: seldom, and as text.
            return (Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq)).getBytes(StandardCharsets.US_ASCII);
        }
        // Digits written straight into the array: XADD replies with its ID, and the strings
        // this went through were a fifth of what a stream's appends allocated.
        int a = Numbers.digits(ms);
        byte[] out = new byte[a + 1 + Numbers.digits(seq)];
        writeDigits(out, a, ms);
        out[a] = '-';
        writeDigits(out, out.length, seq);
        return out;
    }

    /** Writes {@code v} (not negative) so that its last digit is at {@code end - 1}. */
    private static void writeDigits(byte[] out, int end, long v) {
        do {
            out[--end] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamId s && s.ms == ms && s.seq == seq;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(ms) * 31 + Long.hashCode(seq);
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
    }
}
