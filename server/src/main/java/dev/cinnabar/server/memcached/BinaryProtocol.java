package dev.cinnabar.server.memcached;

/**
 * memcached's binary protocol, for connections whose first byte is {@code 0x80}. Owned by
 * mc-meta-bin; this is the hook's shape.
 */
public final class BinaryProtocol {
    private BinaryProtocol() {
    }

    /**
     * Runs at most one request frame from {@code s}'s input: {@link MemcachedSession#NEED_MORE}
     * (nothing consumed) until the 24-byte header and its body have arrived, then handles it,
     * consumes it and returns {@link MemcachedSession#DONE}.
     */
    public static int next(MemcachedSession s) {
        // Not built yet: the connection is closed, as memcached closes one it cannot parse.
        s.consume(s.available());
        s.close();
        return MemcachedSession.DONE;
    }
}
