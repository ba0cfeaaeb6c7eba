package dev.cinnabar.server.engine;

import dev.cinnabar.server.client.BlockedClients;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ClientEviction;
import dev.cinnabar.server.client.ClientListFormat;
import dev.cinnabar.server.client.ClientRegistry;
import dev.cinnabar.server.client.ReplicaLink;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.cluster.Cluster;
import dev.cinnabar.server.command.CommandFlags;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.exec.Dispatcher;
import dev.cinnabar.server.log.ServerLog;

/**
 * The per-client work of the cron, Redis's clientsCron: ends a pause whose time has passed,
 * closes idle clients ({@code timeout}) and clients over the soft output limit for too long,
 * resizes the reply buffer figures, drops idle query buffers, and lets clients held by
 * back-pressure go on when the cron sees their replies drained.
 */
final class ClientsCron {
    /** An idle query buffer is given back after this many seconds, as Redis does. */
    private static final long QUERY_BUFFER_IDLE_SECONDS = 2;

    private ClientsCron() {
    }

    static void run(ServerContext server, ClientInput input, ClientOutputs outputs) {
        ClientRegistry clients = server.clients();
        long now = server.clock().millis();
        clients.pause().checkTimeout(now);
        if (clients.size() == 0) {
            return;
        }
        ServerConfig config = server.config();
        long evictionLimit = ClientEviction.limit(config);
        Cluster cluster = Cluster.of(server);
        // A copy: closing a client changes the registry.
        for (Client c : clients.all().toArray(new Client[0])) {
            if (c.isClosed()) {
                continue;
            }
            if (evictionLimit != 0) {
                // Replies drained or piled up since the client's last input.
                clients.eviction().update(c, ClientListFormat.pendingOutput(c), false);
            }
            if (isIdle(config, c, now)) {
                ServerLog.verbose("Closing idle client");
                outputs.free(c, true);
                continue;
            }
            if (outputs.closeIfOverOutputLimit(c, false)) {
                continue;
            }
            if (cluster != null && c.has(Client.BLOCKED)) {
                redirectIfSlotMoved(server, cluster, outputs, c);
            }
            c.output.cron(now, clients.replyBuffers());
            long idleSeconds = now / 1000 - c.lastInteractionMillis / 1000;
            c.decoder.cron(idleSeconds);
            if (idleSeconds > QUERY_BUFFER_IDLE_SECONDS && !c.isPostponed()) {
                c.decoder.trim();
                clients.queryBuffers().update(c);
            }
            if (c.has(Client.OUTPUT_HELD)) {
                input.resumeIfDrained(c);
            }
        }
        if (evictionLimit != 0) {
            input.evictClients(evictionLimit);
        }
    }

    /** A blocked client whose key's slot moved away gets MOVED (or CLUSTERDOWN) and is unblocked. */
    private static void redirectIfSlotMoved(ServerContext server, Cluster cluster, ClientOutputs outputs, Client c) {
        BlockedClients.Blocking b = BlockedClients.of(c);
        byte[] key = b == null ? null : b.firstKey();
        if (key == null) {
            return;
        }
        String redirect = cluster.redirectBlocked(c, key, b.command().has(CommandFlags.WRITE));
        if (redirect != null) {
            outputs.output(c).error(redirect);
            server.clients().blocked().unblock(c);
            Dispatcher.statsOnUnblock(server, c, b, 0, true);
        }
    }

    /**
     * {@code timeout}: idle for more than that many whole seconds, counted on Unix seconds as
     * Redis counts them. Monitors, replicas, the master, held and pub/sub clients never time out.
     */
    static boolean isIdle(ServerConfig config, Client c, long nowMillis) {
        long timeout = config.timeoutSeconds;
        return timeout > 0 && !c.monitor && !ReplicaLink.isReplica(c) && !c.master && !c.has(Client.PAUSED | Client.BLOCKED) && !c.pubsub
                && nowMillis / 1000 - c.lastInteractionMillis / 1000 > timeout;
    }
}
