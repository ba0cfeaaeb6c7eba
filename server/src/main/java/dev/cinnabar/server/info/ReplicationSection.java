package dev.cinnabar.server.info;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ReplicaLink;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.replication.Replication;
import java.util.List;

/**
 * {@code # Replication} of a master: its replicas (those whose state Redis names), the
 * replication ids and offset, and the backlog.
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
        Replication replication = Replication.of(server);
        List<Client> replicas = replication.replicas();
        out.header("Replication")
                .field("role", "master")
                .field("connected_slaves", replicas.size());
        if (server.config().minReplicasToWrite != 0 && server.config().minReplicasMaxLag != 0) {
            out.field("min_slaves_good_slaves", server.goodReplicas);
        }
        long now = server.clock().millis() / 1000;
        int n = 0;
        for (Client c : replicas) {
            ReplicaLink r = c.replica;
            String state = r.stateName();
            if (state.isEmpty()) {
                continue;
            }
            long lag = r.state == ReplicaLink.ONLINE ? now - r.ackSeconds : 0;
            out.field("slave" + n++, "ip=" + Replication.ip(c) + ",port=" + r.listeningPort + ",state=" + state
                    + ",offset=" + r.ackOffset + ",lag=" + lag);
        }
        out.field("master_failover_state", "no-failover")
                .field("master_replid", server.ids().replicationId())
                .field("master_replid2", server.ids().replicationId2())
                .field("master_repl_offset", server.ids().replicationOffset())
                .field("second_repl_offset", server.ids().secondReplicationOffset())
                .field("repl_backlog_active", replication.backlogActive() ? 1 : 0)
                .field("repl_backlog_size", server.config().replBacklogSize)
                .field("repl_backlog_first_byte_offset", replication.backlogFirstOffset())
                .field("repl_backlog_histlen", replication.backlogLength());
    }
}
