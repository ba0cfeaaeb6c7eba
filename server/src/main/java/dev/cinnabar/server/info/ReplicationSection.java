package dev.cinnabar.server.info;

import dev.cinnabar.server.client.ServerContext;

/**
 * {@code # Replication}: a master without replicas and without a backlog, which is what this
 * server is until replication exists. The replication ids are the server's own (see ServerIds).
 */
final class ReplicationSection implements InfoSection {
    @Override
    public String name() {
        return "replication";
    }

    @Override
    public boolean isDefault() {
        return true;
    }

    @Override
    public void write(ServerContext server, InfoWriter out) {
        out.header("Replication")
                .field("role", "master")
                .field("connected_slaves", 0);
        if (server.config().minReplicasToWrite != 0 && server.config().minReplicasMaxLag != 0) {
            out.field("min_slaves_good_slaves", 0);
        }
        out.field("master_failover_state", "no-failover")
                .field("master_replid", server.ids().replicationId())
                .field("master_replid2", server.ids().replicationId2())
                .field("master_repl_offset", 0)
                .field("second_repl_offset", -1)
                .field("repl_backlog_active", 0)
                .field("repl_backlog_size", server.config().replBacklogSize)
                .field("repl_backlog_first_byte_offset", 0)
                .field("repl_backlog_histlen", 0);
    }
}
