package dev.cinnabar.server.cluster;

import dev.cinnabar.protocol.cluster.BusMessage;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.replication.MasterLink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Redis's clusterCron, ten times a second: connects to every node it has no link to, pings a
 * node that has waited long for one (and any whose last PONG is older than half the node
 * timeout), drops links that stopped answering, marks silent nodes PFAIL, and runs the
 * replica's failover and migration checks.
 */
final class ClusterCron {
    private final Cluster cluster;
    private long iteration;

    ClusterCron(Cluster cluster) {
        this.cluster = cluster;
    }

    void run() {
        iteration++;
        cluster.updateMyselfAnnounced();
        long now = cluster.now();
        long nodeTimeout = cluster.config.clusterNodeTimeout;
        long handshakeTimeout = Math.max(1000, nodeTimeout);
        cluster.pfailNodes = 0;
        List<ClusterNode> all = new ArrayList<>(cluster.nodes.values());
        for (ClusterNode node : all) {
            freeLinkOverLimit(node.link);
            freeLinkOverLimit(node.inboundLink);
            reconnect(node, handshakeTimeout, now);
        }
        // Every second, a PING to the node (of five at random) whose PONG is the oldest.
        if (iteration % 10 == 0 && !all.isEmpty()) {
            ClusterNode oldest = null;
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int j = 0; j < 5; j++) {
                ClusterNode n = all.get(random.nextInt(all.size()));
                if (n.link == null || n.pingSentMillis != 0 || n.has(ClusterNode.MYSELF | ClusterNode.HANDSHAKE)) {
                    continue;
                }
                if (oldest == null || oldest.pongReceivedMillis > n.pongReceivedMillis) {
                    oldest = n;
                }
            }
            if (oldest != null) {
                ServerLog.debug("Pinging node " + oldest.name);
                cluster.bus.sendPing(oldest.link, BusMessage.PING);
            }
        }
        boolean updateState = false;
        int orphanedMasters = 0;
        int maxReplicas = 0;
        int myMastersReplicas = 0;
        ClusterNode myself = cluster.myself;
        for (ClusterNode node : new ArrayList<>(cluster.nodes.values())) {
            now = cluster.now();
            if (node.has(ClusterNode.MYSELF | ClusterNode.NOADDR | ClusterNode.HANDSHAKE)) {
                continue;
            }
            if (myself.isReplica() && node.isMaster() && !node.failed()) {
                int ok = node.nonFailingReplicas();
                if (ok == 0 && node.slotCount > 0 && node.has(ClusterNode.MIGRATE_TO)) {
                    orphanedMasters++;
                }
                maxReplicas = Math.max(maxReplicas, ok);
                if (myself.master == node) {
                    myMastersReplicas = ok;
                }
            }
            long pingDelay = now - node.pingSentMillis;
            long dataDelay = now - node.dataReceivedMillis;
            // A link that took the PING and said nothing for half the timeout is reopened,
            // long before the node counts as failing: the fault may be the connection's.
            if (node.link != null && now - node.link.createdMillis > nodeTimeout && node.pingSentMillis != 0
                    && pingDelay > nodeTimeout / 2 && dataDelay > nodeTimeout / 2) {
                cluster.freeLink(node.link);
            }
            if (node.link != null && node.pingSentMillis == 0 && now - node.pongReceivedMillis > nodeTimeout / 2) {
                cluster.bus.sendPing(node.link, BusMessage.PING);
                continue;
            }
            if (cluster.failovers.manualInProgress() && myself.isMaster() && node.link != null
                    && node.master == myself) {
                // The replica running a manual failover needs the paused master's offset.
                cluster.bus.sendPing(node.link, BusMessage.PING);
                continue;
            }
            if (node.pingSentMillis == 0) {
                continue;
            }
            long delay = Math.min(pingDelay, dataDelay);
            if (delay > nodeTimeout && !node.has(ClusterNode.PFAIL | ClusterNode.FAIL)) {
                ServerLog.debug("*** NODE " + node.name + " possibly failing");
                node.flags |= ClusterNode.PFAIL;
                updateState = true;
            }
        }
        if (myself.isReplica() && !MasterLink.of(cluster.server).isReplica() && myself.master != null
                && !myself.master.has(ClusterNode.NOADDR)) {
            MasterLink.of(cluster.server).clusterReplicaOf(myself.master.ip, myself.master.port);
        }
        cluster.failovers.checkManualTimeout();
        if (myself.isReplica()) {
            cluster.failovers.handleManual();
            cluster.failovers.handleReplicaFailover();
            if (orphanedMasters > 0 && maxReplicas >= 2 && myMastersReplicas == maxReplicas
                    && cluster.config.clusterAllowReplicaMigration) {
                cluster.failovers.handleReplicaMigration(maxReplicas);
            }
        }
        if (updateState || !cluster.stateOk) {
            cluster.updateState();
        }
    }

    /**
     * Redis's clusterNodeCronHandleReconnect: a node in handshake for too long is dropped; one
     * with no link gets a connection attempt.
     */
    private void reconnect(ClusterNode node, long handshakeTimeout, long now) {
        if (node.has(ClusterNode.MYSELF | ClusterNode.NOADDR)) {
            return;
        }
        if (node.timedOut()) {
            cluster.pfailNodes++;
        }
        if (node.inHandshake() && now - node.createdMillis > handshakeTimeout) {
            cluster.deleteNode(node);
            return;
        }
        if (node.link == null && cluster.transport != null) {
            BusLink link = new BusLink(node, false, now);
            node.link = link;
            try {
                link.channel(cluster.transport.connect(node.ip, node.cport, link).channel());
            } catch (RuntimeException e) {
                // An address that cannot even be tried: counted as a PING without answer.
                if (node.pingSentMillis == 0) {
                    node.pingSentMillis = now;
                }
                ServerLog.debug("Unable to connect to Cluster Node [" + node.ip + "]:" + node.cport + " -> " + e.getMessage());
                cluster.freeLink(link);
            }
        }
    }

    /** cluster-link-sendbuf-limit: a link whose peer does not read is dropped, not buffered forever. */
    private void freeLinkOverLimit(BusLink link) {
        long limit = cluster.config.clusterLinkSendbufLimit;
        if (link == null || limit == 0) {
            return;
        }
        long used = link.pendingBytes();
        if (used > limit) {
            ServerLog.warning("Freeing cluster link(" + (link.inbound ? "from" : "to") + " node "
                    + (link.node != null ? link.node.name : "") + ", used memory: " + used
                    + ") due to exceeding send buffer memory limit.");
            cluster.freeLink(link);
            cluster.linksBufferLimitExceeded++;
        }
    }
}
