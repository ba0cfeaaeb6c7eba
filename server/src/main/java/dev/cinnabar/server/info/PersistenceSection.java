package dev.cinnabar.server.info;

import dev.cinnabar.datatypes.Doubles;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.persistence.AofRewrite;
import dev.cinnabar.server.persistence.AppendOnlyFile;
import dev.cinnabar.server.persistence.Persistence;

/**
 * {@code # Persistence}: the RDB figures of {@link Persistence} (a BGSAVE's extra copies stand
 * for Redis's copy-on-write bytes), the loading progress while a dump loads, and the AOF's
 * fields as Redis shows them with the AOF off.
 */
final class PersistenceSection implements InfoSection {
    @Override
    public String name() {
        return "persistence";
    }

    @Override
    public boolean isDefault() {
        return true;
    }

    @Override
    public void write(ServerContext server, InfoWriter out) {
        Persistence p = Persistence.of(server);
        AofRewrite rw = AofRewrite.of(server);
        AppendOnlyFile aof = AppendOnlyFile.ifAny(server);
        long now = server.clock().millis() / 1000;
        boolean bg = p.bgsaveInProgress();
        boolean rewriting = rw.inProgress();
        long keysTotal = rewriting ? rw.currentKeysTotal() : p.currentKeysTotal();
        long keysDone = rewriting ? rw.currentKeysProcessed() : p.currentKeysProcessed();
        long extra = rewriting ? rw.currentExtraBytes() : p.currentExtraBytes();
        // Not String.format: its first use loads the locale machinery, 30 ms on the engine thread.
        String perc = keysTotal > 0 ? Doubles.fixed(keysDone * 100.0 / keysTotal, 2) : "0.00";
        boolean asyncLoading = server.keyspace().asyncLoading();
        out.header("Persistence")
                .field("loading", p.loading && !asyncLoading ? 1 : 0)
                .field("async_loading", asyncLoading ? 1 : 0)
                .field("current_cow_peak", extra)
                .field("current_cow_size", extra)
                .field("current_cow_size_age", 0)
                .field("current_fork_perc", bg || rewriting ? perc : "0.00")
                .field("current_save_keys_processed", keysDone)
                .field("current_save_keys_total", keysTotal)
                .field("rdb_changes_since_last_save", server.keyspace().dirty)
                .field("rdb_bgsave_in_progress", bg ? 1 : 0)
                .field("rdb_last_save_time", p.lastSaveSeconds)
                .field("rdb_last_bgsave_status", p.lastBgsaveOk ? "ok" : "err")
                .field("rdb_last_bgsave_time_sec", p.saveTimeLastSeconds)
                .field("rdb_current_bgsave_time_sec", bg ? now - p.saveTimeStartSeconds : -1)
                .field("rdb_saves", p.saves)
                .field("rdb_last_cow_size", p.lastExtraBytes)
                .field("rdb_last_load_keys_expired", p.lastLoadKeysExpired)
                .field("rdb_last_load_keys_loaded", p.lastLoadKeysLoaded)
                .field("aof_enabled", aof != null && aof.state() != AppendOnlyFile.State.OFF ? 1 : 0)
                .field("aof_rewrite_in_progress", rewriting ? 1 : 0)
                .field("aof_rewrite_scheduled", rw.scheduled ? 1 : 0)
                .field("aof_last_rewrite_time_sec", rw.timeLastSeconds)
                .field("aof_current_rewrite_time_sec", rw.currentTimeSeconds())
                .field("aof_last_bgrewrite_status", rw.lastOk ? "ok" : "err")
                .field("aof_rewrites", rw.rewrites)
                .field("aof_rewrites_consecutive_failures", rw.consecutiveFailures)
                .field("aof_last_write_status", aof == null || aof.lastWriteOk() ? "ok" : "err")
                .field("aof_last_cow_size", rw.lastExtraBytes)
                .field("module_fork_in_progress", 0)
                .field("module_fork_last_cow_size", 0);
        if (server.config().appendOnly) { // Redis's server.aof_enabled: the directive, not the state
            out.field("aof_current_size", aof == null ? 0 : aof.currentSize())
                    .field("aof_base_size", aof == null ? 0 : aof.baseSize())
                    .field("aof_pending_rewrite", rw.scheduled ? 1 : 0)
                    .field("aof_buffer_length", aof == null ? 0 : aof.bufferLength())
                    .field("aof_pending_bio_fsync", aof == null ? 0 : aof.pendingBioFsync())
                    .field("aof_delayed_fsync", aof == null ? 0 : aof.delayedFsync());
        }
        if (p.loading) {
            double loadedPerc = 0;
            long remaining = 1;
            if (p.loadingTotalBytes > 0) {
                loadedPerc = (double) p.loadingLoadedBytes / p.loadingTotalBytes * 100;
                remaining = p.loadingTotalBytes - p.loadingLoadedBytes;
            } else if (p.loadingRdbUsedMem > 0) {
                loadedPerc = Math.min(99.99, (double) p.loadingLoadedBytes / p.loadingRdbUsedMem * 100);
                remaining = Math.max(1, p.loadingRdbUsedMem - p.loadingLoadedBytes);
            }
            long elapsed = now - p.loadingStartSeconds;
            long eta = elapsed == 0 ? 1 : elapsed * remaining / (p.loadingLoadedBytes + 1);
            out.field("loading_start_time", p.loadingStartSeconds)
                    .field("loading_total_bytes", p.loadingTotalBytes)
                    .field("loading_rdb_used_mem", p.loadingRdbUsedMem)
                    .field("loading_loaded_bytes", p.loadingLoadedBytes)
                    .field("loading_loaded_perc", Doubles.fixed(loadedPerc, 2))
                    .field("loading_eta_seconds", eta);
        }
    }
}
