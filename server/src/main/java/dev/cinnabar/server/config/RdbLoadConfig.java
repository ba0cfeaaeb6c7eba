package dev.cinnabar.server.config;

import dev.cinnabar.persistence.rdb.RdbLoadSettings;

/**
 * The {@link RdbLoadSettings} a value read from an RDB file or a RESTORE payload must respect,
 * from the current config: the encoding thresholds, and whether blobs are sanitized deeply
 * (every entry walked, duplicates refused), as Redis 7.0's rdbLoadObject decides it from
 * {@code sanitize-dump-payload}:
 * <ul>
 *   <li>{@code yes}: always, loading included;</li>
 *   <li>{@code clients}: for RESTORE from a client, not while loading a file (Redis also skips it
 *       for its master's RESTORE and for ACL users with {@code skip-sanitize-payload}; there is
 *       neither here yet);</li>
 *   <li>{@code no}: never.</li>
 * </ul>
 * Whatever the setting, the blobs the value classes walk are checked enough that a corrupt one
 * is refused rather than served: the setting decides the extra checks Redis makes only when
 * sanitizing (duplicates in listpacks and intsets, order in intsets).
 */
public final class RdbLoadConfig {
    private RdbLoadConfig() {
    }

    /** For loading an RDB file (start-up, DEBUG RELOAD). */
    public static RdbLoadSettings forLoading(ServerConfig c) {
        return settings(c, "yes".equals(c.sanitizeDumpPayload));
    }

    /** For RESTORE (and MIGRATE's far end) from a client. */
    public static RdbLoadSettings forRestore(ServerConfig c) {
        return settings(c, !"no".equals(c.sanitizeDumpPayload));
    }

    private static RdbLoadSettings settings(ServerConfig c, boolean deep) {
        return new RdbLoadSettings(c.listMaxListpackSize, c.listCompressDepth, c.hashMaxListpackEntries,
                c.hashMaxListpackValue, c.setMaxIntsetEntries, c.zsetMaxListpackEntries, c.zsetMaxListpackValue, deep);
    }
}
