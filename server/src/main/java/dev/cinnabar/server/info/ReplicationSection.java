package dev.cinnabar.server.info;

import dev.cinnabar.datatypes.Doubles;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ReplicaLink;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.replication.Failover;
import dev.cinnabar.server.replication.MasterLink;
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
        String masterHost = server.config().masterHost;
        out.header("Replication").field("role", masterHost.isEmpty() ? "master" : "slave");
        if (!masterHost.isEmpty()) {
            writeReplica(server, out);
        }
        out.field("connected_slaves", replicas.size());
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
        out.field("master_failover_state", Failover.of(server).stateName())
                .field("master_replid", server.ids().replicationId())
                .field("master_replid2", server.ids().replicationId2())
                .field("master_repl_offset", server.ids().replicationOffset())
                .field("second_repl_offset", server.ids().secondReplicationOffset())
                .field("repl_backlog_active", replication.backlogActive() ? 1 : 0)
                .field("repl_backlog_size", server.config().replBacklogSize)
                .field("repl_backlog_first_byte_offset", replication.backlogFirstOffset())
                .field("repl_backlog_histlen", replication.backlogLength());
    }

    /** What a replica adds about its master, as Redis 7.0 writes it. */
    private static void writeReplica(ServerContext server, InfoWriter out) {
        MasterLink link = MasterLink.of(server);
        out.field("master_host", server.config().masterHost)
                .field("master_port", server.config().masterPort)
                .field("master_link_status", link.linkUp() ? "up" : "down")
                .field("master_last_io_seconds_ago", link.lastIoSecondsAgo())
                .field("master_sync_in_progress", link.transferring() ? 1 : 0)
                .field("slave_read_repl_offset", link.readOffset())
                .field("slave_repl_offset", link.appliedOffset());
        if (link.transferring()) {
            long size = link.transferSize();
            long read = link.transferRead();
            double perc = size > 0 ? (double) read / size * 100 : 0;
            out.field("master_sync_total_bytes", size)
                    .field("master_sync_read_bytes", read)
                    .field("master_sync_left_bytes", size - read)
                    .field("master_sync_perc", Doubles.fixed(perc, 2))
                    .field("master_sync_last_io_seconds_ago", link.transferLastIoSecondsAgo());
        }
        if (!link.linkUp()) {
            out.field("master_link_down_since_seconds", link.linkDownSinceSeconds());
        }
        out.field("slave_priority", server.config().replicaPriority)
                .field("slave_read_only", server.config().replicaReadOnly ? 1 : 0)
                .field("replica_announced", server.config().replicaAnnounced ? 1 : 0);
    }
}
