package dev.cinnabar.server.info;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.stats.MemcachedStats;

/**
 * {@code # Memcached}, Cinnabar's own section: the memcached listener and the counters its
 * {@code stats} reports. Not a default section; {@code INFO all} and {@code everything} list it
 * only while the listener is configured, so that a server without it prints Redis's sections.
 */
final class MemcachedSection implements InfoSection {
    @Override
    public String name() {
        return "memcached";
    }

    @Override
    public boolean isDefault() {
        return false;
    }

    @Override
    public boolean inAll(ServerContext server) {
        return server.config().memcachedPort != 0;
    }

    @Override
    public void write(ServerContext server, InfoWriter out) {
        MemcachedStats m = server.stats().memcached;
        long connected = 0;
        for (Client c : server.clients().all()) {
            if (c.memcached != null) {
                connected++;
            }
        }
        out.header("Memcached")
                .field("memcached_port", server.config().memcachedPort)
                .field("memcached_db", server.config().memcachedDb)
                .field("memcached_max_item_size", server.config().memcachedMaxItemSize)
                .field("memcached_connected_clients", connected)
                .field("memcached_total_connections", m.totalConnections)
                .field("memcached_rejected_connections", m.rejectedConnections)
                .field("memcached_commands_processed", m.commands)
                .field("memcached_cmd_get", m.getCmds)
                .field("memcached_cmd_set", m.setCmds)
                .field("memcached_cmd_touch", m.touchCmds)
                .field("memcached_cmd_flush", m.flushCmds)
                .field("memcached_cmd_meta", m.metaCmds)
                .field("memcached_get_hits", m.getHits)
                .field("memcached_get_misses", m.getMisses)
                .field("memcached_get_expired", m.getExpired)
                .field("memcached_get_flushed", m.getFlushed)
                .field("memcached_delete_hits", m.deleteHits)
                .field("memcached_delete_misses", m.deleteMisses)
                .field("memcached_incr_hits", m.incrHits)
                .field("memcached_incr_misses", m.incrMisses)
                .field("memcached_decr_hits", m.decrHits)
                .field("memcached_decr_misses", m.decrMisses)
                .field("memcached_cas_hits", m.casHits)
                .field("memcached_cas_misses", m.casMisses)
                .field("memcached_cas_badval", m.casBadval)
                .field("memcached_touch_hits", m.touchHits)
                .field("memcached_touch_misses", m.touchMisses)
                .field("memcached_store_too_large", m.storeTooLarge)
                .field("memcached_store_no_memory", m.storeNoMemory)
                .field("memcached_auth_cmds", m.authCmds)
                .field("memcached_auth_errors", m.authErrors)
                .field("memcached_bytes_read", m.bytesRead)
                .field("memcached_bytes_written", m.bytesWritten);
    }
}
