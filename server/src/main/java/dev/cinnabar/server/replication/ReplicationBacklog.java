package dev.cinnabar.server.replication;

import io.netty.buffer.ByteBuf;

/**
 * The last {@code repl-backlog-size} bytes of the replication stream, so that a replica that
 * lost its connection can go on from where it was (PSYNC with its offset: +CONTINUE) instead of
 * loading the whole dataset again. A ring of bytes: the stream's offsets count from 1, as
 * Redis's do, so the bytes held are {@code [firstOffset, firstOffset + length)}.
 *
 * <p>Redis 7.0 shares its backlog's blocks with the replicas' output buffers; here a replica's
 * stream is copied into its own buffer, and the ring holds one copy for resynchronizations.
 */
final class ReplicationBacklog {
    private byte[] ring;
    /** Where the next byte goes in {@link #ring}. */
    private int head;
    private long length;
    /** The offset of the byte after the last one held. */
    private long endOffset;

    /** A backlog of {@code size} bytes whose next byte will have offset {@code nextOffset}. */
    ReplicationBacklog(int size, long nextOffset) {
        ring = new byte[Math.max(1, size)];
        endOffset = nextOffset;
    }

    int size() {
        return ring.length;
    }

    /** INFO's {@code repl_backlog_histlen}. */
    long length() {
        return length;
    }

    /** INFO's {@code repl_backlog_first_byte_offset}: the offset of the oldest byte held. */
    long firstOffset() {
        return endOffset - length;
    }

    /** Adds stream bytes; the oldest go when the ring is full. */
    void append(byte[] b, int off, int len) {
        if (len >= ring.length) {
            System.arraycopy(b, off + len - ring.length, ring, 0, ring.length);
            head = 0;
        } else {
            int first = Math.min(len, ring.length - head);
            System.arraycopy(b, off, ring, head, first);
            System.arraycopy(b, off + first, ring, 0, len - first);
            head = (head + len) % ring.length;
        }
        length = Math.min(ring.length, length + len);
        endOffset += len;
    }

    /** True when the bytes from {@code offset} on are all held: a PSYNC from there can continue. */
    boolean holdsFrom(long offset) {
        return offset >= firstOffset() && offset <= endOffset;
    }

    /** Writes the bytes from {@code offset} (see {@link #holdsFrom}) to the end into {@code out}. */
    void copyFrom(long offset, ByteBuf out) {
        int n = (int) (endOffset - offset);
        int start = Math.floorMod(head - n, ring.length);
        int first = Math.min(n, ring.length - start);
        out.writeBytes(ring, start, first);
        out.writeBytes(ring, 0, n - first);
    }

    /** CONFIG SET repl-backlog-size: the newest bytes that fit stay. */
    void resize(int size) {
        size = Math.max(1, size);
        if (size == ring.length) {
            return;
        }
        int keep = (int) Math.min(length, size);
        byte[] next = new byte[size];
        int start = Math.floorMod(head - keep, ring.length);
        int first = Math.min(keep, ring.length - start);
        System.arraycopy(ring, start, next, 0, first);
        System.arraycopy(ring, 0, next, first, keep - first);
        ring = next;
        head = keep % size;
        length = keep;
    }
}
