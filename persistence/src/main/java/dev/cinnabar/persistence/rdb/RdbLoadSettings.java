package dev.cinnabar.persistence.rdb;

/**
 * The configuration a value read from an RDB file or a DUMP payload must respect: the encoding
 * thresholds that decide whether a loaded value keeps its compact form or is converted (as
 * Redis 7.0's rdbLoadObject does), and whether blobs are validated entry by entry
 * (sanitize-dump-payload). The server builds one from its current config for each load or RESTORE.
 */
public final class RdbLoadSettings {
    /** list-max-listpack-size: positive = entries per node, -1..-5 = 4 KB .. 64 KB per node. */
    public final int listMaxListpackSize;
    /** list-compress-depth: nodes at each end left uncompressed (0 = no compression). */
    public final int listCompressDepth;
    public final long hashMaxListpackEntries;
    public final long hashMaxListpackValue;
    public final long setMaxIntsetEntries;
    public final long zsetMaxListpackEntries;
    public final long zsetMaxListpackValue;
    /** Validate every entry of a blob (listpack, intset, ziplist) and check for duplicates. */
    public final boolean deepSanitize;
    /** Blobs checked deeply so far with these settings (INFO's dump_payload_sanitizations). */
    private long sanitizedBlobs;

    public RdbLoadSettings(int listMaxListpackSize, int listCompressDepth, long hashMaxListpackEntries,
            long hashMaxListpackValue, long setMaxIntsetEntries, long zsetMaxListpackEntries,
            long zsetMaxListpackValue, boolean deepSanitize) {
        this.listMaxListpackSize = listMaxListpackSize;
        this.listCompressDepth = listCompressDepth;
        this.hashMaxListpackEntries = hashMaxListpackEntries;
        this.hashMaxListpackValue = hashMaxListpackValue;
        this.setMaxIntsetEntries = setMaxIntsetEntries;
        this.zsetMaxListpackEntries = zsetMaxListpackEntries;
        this.zsetMaxListpackValue = zsetMaxListpackValue;
        this.deepSanitize = deepSanitize;
    }

    /**
     * Whether the blob about to be read (a quicklist node, an intset, a hash or zset listpack, a
     * stream node) is checked entry by entry; when it is, it is counted, where Redis counts
     * {@code stat_dump_payload_sanitizations}: before the check, so a blob that fails counts too.
     */
    public boolean sanitizeBlob() {
        if (deepSanitize) {
            sanitizedBlobs++;
        }
        return deepSanitize;
    }

    /** How many blobs {@link #sanitizeBlob} counted. */
    public long sanitizedBlobs() {
        return sanitizedBlobs;
    }

    /** Redis 7.0's defaults, sanitize-dump-payload no. */
    public static final RdbLoadSettings DEFAULTS = new RdbLoadSettings(-2, 0, 512, 64, 512, 128, 64, false);

    public RdbLoadSettings withDeepSanitize(boolean deep) {
        return new RdbLoadSettings(listMaxListpackSize, listCompressDepth, hashMaxListpackEntries,
                hashMaxListpackValue, setMaxIntsetEntries, zsetMaxListpackEntries, zsetMaxListpackValue, deep);
    }

    @Override
    public String toString() {
        return "RdbLoadSettings[list " + listMaxListpackSize + "/" + listCompressDepth + ", hash "
                + hashMaxListpackEntries + "/" + hashMaxListpackValue + ", set " + setMaxIntsetEntries + ", zset "
                + zsetMaxListpackEntries + "/" + zsetMaxListpackValue + ", deep " + deepSanitize + "]";
    }
}
