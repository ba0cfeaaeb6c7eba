package dev.cinnabar.server.info;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.cluster.Cluster;
import dev.cinnabar.server.replication.Replication;
import io.netty.buffer.ByteBuf;

/** {@code # Clients}: connection counts and buffer peaks. */
final class ClientsSection implements InfoSection {
    @Override
    public String name() {
        return "clients";
    }

    @Override
    public boolean isDefault() {
        return true;
    }

    @Override
    public void write(ServerContext server, InfoWriter out) {
        long maxInput = 0;
        long maxOutput = 0;
        // Redis keeps these peaks over the last few seconds from its client cron; the largest
        // buffers held right now are the same figure for a server that is not under a burst.
        for (Client c : server.clients().all()) {
            maxInput = Math.max(maxInput, c.decoder.capacity());
            ByteBuf reply = c.reply.buffer();
            if (reply != null) {
                maxOutput = Math.max(maxOutput, reply.readableBytes());
            }
        }
        out.header("Clients")
                // Replicas are not clients here, as in Redis.
                .field("connected_clients", server.clients().size() - Replication.of(server).replicas().size())
                .field("cluster_connections", Cluster.of(server) == null ? 0 : Cluster.of(server).connectionCount())
                .field("maxclients", server.config().maxClients)
                .field("client_recent_max_input_buffer", maxInput)
                .field("client_recent_max_output_buffer", maxOutput)
                // Clients held by CLIENT PAUSE count as blocked, as in Redis.
                .field("blocked_clients", server.clients().blockedCount())
                .field("tracking_clients", server.clients().tracking().clients())
                .field("clients_in_timeout_table", server.clients().blocked().withDeadline());
    }
}
