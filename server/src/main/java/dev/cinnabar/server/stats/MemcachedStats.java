package dev.cinnabar.server.stats;

/**
 * The memcached front end's counters, named as memcached's {@code stats} names them; written by
 * the engine thread only, read by {@code stats} and by INFO's {@code # Memcached} section.
 * CONFIG RESETSTAT and memcached's {@code stats reset} clear them (the connection gauges stay).
 */
public final class MemcachedStats {
    /** Connections open now on the memcached listener (a gauge; never reset). */
    public long currConnections;
    public long totalConnections;
    public long rejectedConnections;

    public long getCmds;
    public long setCmds;
    public long flushCmds;
    public long touchCmds;
    public long metaCmds;
    public long getHits;
    public long getMisses;
    public long getExpired;
    public long getFlushed;
    public long deleteMisses;
    public long deleteHits;
    public long incrMisses;
    public long incrHits;
    public long decrMisses;
    public long decrHits;
    public long casMisses;
    public long casHits;
    public long casBadval;
    public long touchHits;
    public long touchMisses;
    public long storeTooLarge;
    public long storeNoMemory;
    public long authCmds;
    public long authErrors;
    public long bytesRead;
    public long bytesWritten;
    /** Items stored through memcached (memcached's {@code total_items}). */
    public long totalItems;
    /** Every request line or frame handled, for INFO. */
    public long commands;
    /**
     * An item has been stored through memcached since the start (never reset): memcached's
     * {@code stats items} and {@code stats slabs} show a slab class from its first use on.
     */
    public boolean everStored;

    /** {@code stats reset} and CONFIG RESETSTAT. */
    public void reset() {
        totalConnections = 0;
        rejectedConnections = 0;
        getCmds = 0;
        setCmds = 0;
        flushCmds = 0;
        touchCmds = 0;
        metaCmds = 0;
        getHits = 0;
        getMisses = 0;
        getExpired = 0;
        getFlushed = 0;
        deleteMisses = 0;
        deleteHits = 0;
        incrMisses = 0;
        incrHits = 0;
        decrMisses = 0;
        decrHits = 0;
        casMisses = 0;
        casHits = 0;
        casBadval = 0;
        touchHits = 0;
        touchMisses = 0;
        storeTooLarge = 0;
        storeNoMemory = 0;
        authCmds = 0;
        authErrors = 0;
        bytesRead = 0;
        bytesWritten = 0;
        totalItems = 0;
        commands = 0;
    }
}
