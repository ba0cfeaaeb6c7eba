package dev.cinnabar.server.info;

import dev.cinnabar.datatypes.Doubles;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.stats.InstantaneousMetrics;
import dev.cinnabar.server.stats.ServerStats;

/**
 * {@code # Stats}: Redis 7.0's fields in its order. Features that do not exist here (replication,
 * pub/sub, forks, defragmentation, tracking, I/O threads doing reads) report zero, as Redis does
 * when they are idle.
 */
final class StatsSection implements InfoSection {
    @Override
    public String name() {
        return "stats";
    }

    @Override
    public boolean isDefault() {
        return true;
    }

    @Override
    public void write(ServerContext server, InfoWriter out) {
        ServerStats s = server.stats();
        Keyspace ks = server.keyspace();
        InstantaneousMetrics rates = s.instantaneous;
        out.header("Stats")
                .field("total_connections_received", s.connectionsReceived)
                .field("total_commands_processed", s.commandsProcessed)
                .field("instantaneous_ops_per_sec", rates.perSecond(InstantaneousMetrics.COMMANDS))
                .field("total_net_input_bytes", s.netInputBytes)
                .field("total_net_output_bytes", s.netOutputBytes)
                .field("total_net_repl_input_bytes", s.netReplInputBytes)
                .field("total_net_repl_output_bytes", s.netReplOutputBytes)
                .field("instantaneous_input_kbps", Doubles.fixed(rates.kbps(InstantaneousMetrics.NET_INPUT), 2))
                .field("instantaneous_output_kbps", Doubles.fixed(rates.kbps(InstantaneousMetrics.NET_OUTPUT), 2))
                .field("instantaneous_input_repl_kbps",
                        Doubles.fixed(rates.kbps(InstantaneousMetrics.NET_REPL_INPUT), 2))
                .field("instantaneous_output_repl_kbps",
                        Doubles.fixed(rates.kbps(InstantaneousMetrics.NET_REPL_OUTPUT), 2))
                .field("rejected_connections", s.rejectedConnections)
                .field("sync_full", s.syncFull)
                .field("sync_partial_ok", s.syncPartialOk)
                .field("sync_partial_err", s.syncPartialErr)
                .field("expired_keys", ks.expiredKeys)
                .field("expired_stale_perc", Doubles.fixed(s.expiredStalePercent * 100, 2))
                .field("expired_time_cap_reached_count", s.expireCycleTimeCapReached)
                .field("expire_cycle_cpu_milliseconds", s.expireCycleMicros / 1000)
                .field("evicted_keys", s.evictedKeys)
                .field("evicted_clients", s.evictedClients)
                .field("total_eviction_exceeded_time", server.eviction().exceededTotalMillis())
                .field("current_eviction_exceeded_time", server.eviction().exceededCurrentMillis())
                .field("keyspace_hits", ks.hits)
                .field("keyspace_misses", ks.misses)
                .field("pubsub_channels", server.clients().pubsub().channels())
                .field("pubsub_patterns", server.clients().pubsub().patterns())
                .field("pubsubshard_channels", server.clients().pubsub().shardChannels())
                .field("latest_fork_usec", s.latestForkMicros)
                .field("total_forks", s.totalForks)
                .field("migrate_cached_sockets", server.migrateSockets().size())
                .field("slave_expires_tracked_keys", 0)
                .field("active_defrag_hits", 0)
                .field("active_defrag_misses", 0)
                .field("active_defrag_key_hits", 0)
                .field("active_defrag_key_misses", 0)
                .field("total_active_defrag_time", 0)
                .field("current_active_defrag_time", 0)
                .field("tracking_total_keys", server.clients().tracking().keys())
                .field("tracking_total_items", server.clients().tracking().items())
                .field("tracking_total_prefixes", server.clients().tracking().prefixCount())
                .field("unexpected_error_replies", s.unexpectedErrorReplies)
                .field("total_error_replies", s.errorReplies)
                .field("dump_payload_sanitizations", s.dumpPayloadSanitizations)
                .field("total_reads_processed", s.readsProcessed)
                .field("total_writes_processed", s.writesProcessed)
                .field("io_threaded_reads_processed", 0)
                .field("io_threaded_writes_processed", 0)
                .field("reply_buffer_shrinks", 0)
                .field("reply_buffer_expands", 0);
    }
}
