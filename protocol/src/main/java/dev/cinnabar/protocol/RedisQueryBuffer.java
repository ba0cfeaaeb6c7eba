package dev.cinnabar.protocol;

/**
 * The size of the query buffer Redis 7.0 would hold for a client, kept beside the decoder's own
 * buffer (which is sized for the JVM) so that CLIENT LIST can show Redis's {@code qbuf-free} and
 * {@code tot-mem}. Redis keeps the buffer as an sds string allocated by jemalloc; this follows
 * the same steps with the same numbers:
 * <ul>
 *   <li>A new client starts with an empty string: 4 bytes free in an 8-byte allocation.</li>
 *   <li>Before each read, room is made for the read: exactly 16 KB (PROTO_IOBUF_LEN) while the
 *       allocation is under 16 KB, otherwise with sds's greedy growth, the read then taking all
 *       the free space. Inside a bulk of 32 KB or more (PROTO_MBULK_BIG_ARG) the read is the rest
 *       of the bulk and its CRLF, and the room made is exactly that.</li>
 *   <li>When such a bulk's header is parsed and the buffer holds no more than the bulk, the
 *       buffer is cut to the bulk and sized for it; once complete, the buffer becomes the
 *       argument and the client gets a fresh buffer of the same size.</li>
 *   <li>The cron (clientsCronResizeQueryBuffer) gives back free space above 4 KB: all of it once
 *       the client has been idle more than 2 seconds, or down to the recent peak when a buffer
 *       above 32 KB is more than twice that peak.</li>
 * </ul>
 * Allocation sizes are jemalloc's size classes (8, 16, then multiples of 16 to 128, then four
 * classes per power of two), which is what Debian's redis-server 7.0.15 reports. The read
 * sizes are Redis's; how many bytes each read finds depends on the network, so the figures
 * can differ when a client's bytes arrive in other pieces than Redis would have read them.
 */
final class RedisQueryBuffer {
    /** PROTO_IOBUF_LEN: Redis's usual read size. */
    static final int IOBUF_LEN = 16 * 1024;
    /** PROTO_RESIZE_THRESHOLD: only a buffer above this shrinks to its peak while in use. */
    static final int RESIZE_THRESHOLD = 32 * 1024;
    /** The cron leaves a buffer alone unless it wastes more than this. */
    static final int WASTE_ALLOWED = 4 * 1024;
    /** The cron gives all free space back after this many seconds idle (strictly more). */
    static final int IDLE_SECONDS = 2;
    /** SDS_MAX_PREALLOC: greedy growth doubles below this and adds this above. */
    private static final long MAX_PREALLOC = 1024 * 1024;

    private static final int TYPE_8 = 1;
    private static final int TYPE_16 = 2;
    private static final int TYPE_32 = 3;
    private static final int TYPE_64 = 4;

    /** The sds header type of the current allocation, which sets the header size. */
    private int type;
    /** sdsalloc: the bytes the string may hold. */
    private long alloc;
    /** The allocator's usable size of the whole block, header included (sdsZmallocSize). */
    private long allocation;
    /** querybuf_peak: the longest the string got since the cron last looked. */
    private long peak;

    RedisQueryBuffer() {
        allocate(0); // sdsempty()
    }

    long alloc() {
        return alloc;
    }

    long allocation() {
        return allocation;
    }

    /**
     * Makes room for one read and returns how many bytes Redis would read at most.
     *
     * @param len the string's length now
     * @param bigRemaining inside a bulk of 32 KB or more, what is left of it and its CRLF; -1 otherwise
     */
    long beforeRead(long len, long bigRemaining) {
        if (bigRemaining >= 0) {
            long readLen = bigRemaining > 0 ? bigRemaining : IOBUF_LEN;
            makeRoom(len, readLen, false);
            return readLen;
        }
        if (alloc < IOBUF_LEN) {
            makeRoom(len, IOBUF_LEN, false);
            return IOBUF_LEN;
        }
        makeRoom(len, IOBUF_LEN, true);
        return alloc - len;
    }

    /** After a read: the string is now {@code len} long. */
    void afterRead(long len) {
        peak = Math.max(peak, len);
    }

    /** A big bulk's header was parsed: the string, cut to the {@code len} bytes of it already read, is sized for it. */
    void sizeForBulk(long len, long bulkLength) {
        makeRoom(len, bulkLength + 2 - len, false);
    }

    /** The complete big bulk became the argument; a new empty string of its size replaces it. */
    void replaceAfterBulk(long bulkLength) {
        allocate(bulkLength + 2);
    }

    /**
     * The cron's look at the client (clientsCronResizeQueryBuffer).
     *
     * @param len the string's length now
     * @param idleSeconds whole seconds since the client's last interaction
     * @param bulkLength the length of the bulk being read, or -1
     */
    void cron(long len, long idleSeconds, long bulkLength) {
        long size = alloc;
        if (alloc - len > WASTE_ALLOWED) {
            if (idleSeconds > IDLE_SECONDS) {
                resize(len);
            } else if (size > RESIZE_THRESHOLD && size / 2 > peak) {
                long target = Math.max(len, peak);
                if (bulkLength != -1 && target < bulkLength) {
                    target = bulkLength;
                }
                resize(target);
            }
        }
        peak = len;
        if (bulkLength != -1 && bulkLength > peak) {
            peak = bulkLength;
        }
    }

    /** sdsMakeRoomFor (greedy) or sdsMakeRoomForNonGreedy. */
    private void makeRoom(long len, long addLen, boolean greedy) {
        if (alloc - len >= addLen) {
            return;
        }
        long newLen = len + addLen;
        if (greedy) {
            newLen = newLen < MAX_PREALLOC ? newLen * 2 : newLen + MAX_PREALLOC;
        }
        // Whether the block is reallocated or replaced, its usable size is the class of the request.
        allocate(newLen);
    }

    /** A block for {@code size} bytes; the string may use all the allocator gives (sdsnewlen, sdsMakeRoomFor). */
    private void allocate(long size) {
        type = growableType(size);
        allocation = sizeClass(header(type) + size + 1);
        alloc = Math.min(allocation - header(type) - 1, maxSize(type));
    }

    /** sdsResize with would_regrow, never below the length: the string may hold exactly {@code size} bytes afterwards. */
    private void resize(long size) {
        if (alloc == size) {
            return;
        }
        int t = growableType(size);
        // A smaller header type that is still wider than type 8 keeps the old header and reallocates.
        boolean realloc = t == type || (t < type && t > TYPE_8);
        if (realloc) {
            allocation = sizeClass(header(type) + size + 1);
        } else {
            allocation = sizeClass(header(t) + size + 1);
            type = t;
        }
        alloc = size;
    }

    /** The smallest header for {@code size}, but never type 5, which cannot record free space. */
    private static int growableType(long size) {
        if (size < 1 << 8) {
            return TYPE_8;
        }
        if (size < 1 << 16) {
            return TYPE_16;
        }
        if (size < 1L << 32) {
            return TYPE_32;
        }
        return TYPE_64;
    }

    private static int header(int type) {
        switch (type) {
            case TYPE_8: return 3;
            case TYPE_16: return 5;
            case TYPE_32: return 9;
            default: return 17;
        }
    }

    private static long maxSize(int type) {
        switch (type) {
            case TYPE_8: return (1 << 8) - 1;
            case TYPE_16: return (1 << 16) - 1;
            case TYPE_32: return (1L << 32) - 1;
            default: return Long.MAX_VALUE;
        }
    }

    /**
     * jemalloc's usable size for a request of {@code n} bytes on 64-bit Linux: 8, then steps of
     * 16 up to 128, then four equal steps between consecutive powers of two.
     */
    static long sizeClass(long n) {
        if (n <= 8) {
            return 8;
        }
        if (n <= 128) {
            return (n + 15) & ~15L;
        }
        int lg = 63 - Long.numberOfLeadingZeros(n - 1);
        long step = 1L << (lg - 2);
        return (n + step - 1) & ~(step - 1);
    }
}
