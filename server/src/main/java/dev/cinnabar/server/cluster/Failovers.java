package dev.cinnabar.server.cluster;

import dev.cinnabar.protocol.cluster.BusMessage;
import dev.cinnabar.server.client.ClientPause;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.replication.MasterLink;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replicas taking over failed masters, by election (Redis's clusterHandleSlaveFailover and the
 * votes around it), by request (CLUSTER FAILOVER, with or without FORCE/TAKEOVER), and replicas
 * moving to masters left without one (replica migration).
 *
 * <p>An election: the replicas of a failed master wait a moment (longer for a replica further
 * behind in replication, so that the freshest usually wins), then ask every master for its vote
 * in a new epoch; a master votes once per epoch and once per failed master per two node
 * timeouts. The replica that gets a majority takes the slots with that epoch, which is greater
 * than any the old master had, so its claim wins everywhere.
 */
final class Failovers {
    private static final int MANUAL_TIMEOUT = 5000;
    /** A master pauses its writers for twice the manual failover's time limit. */
    private static final int MANUAL_PAUSE_MULT = 2;
    private static final int MIGRATION_DELAY = 5000;
    private static final int CANT_NONE = 0;
    private static final int CANT_DATA_AGE = 1;
    private static final int CANT_WAITING_DELAY = 2;
    private static final int CANT_EXPIRED = 3;
    private static final int CANT_WAITING_VOTES = 4;
    private static final int CANT_RELOG_SECONDS = 300;

    private final Cluster cluster;
    private long authTime;
    private int authCount;
    private boolean authSent;
    private int authRank;
    private long authEpoch;
    private int cantReason;
    private long cantLoggedSeconds;
    /** The time limit of a manual failover in progress; 0 when none. */
    private long manualEnd;
    /** On a master: the replica running the manual failover. */
    private ClusterNode manualReplica;
    /** On the replica: the master's offset to reach before the election; -1 until known. */
    private long manualMasterOffset = -1;
    private boolean manualCanStart;

    Failovers(Cluster cluster) {
        this.cluster = cluster;
    }

    boolean manualInProgress() {
        return manualEnd != 0;
    }

    void resetManual() {
        if (manualReplica != null) {
            cluster.server.clients().pause().unpause();
        }
        manualEnd = 0;
        manualCanStart = false;
        manualReplica = null;
        manualMasterOffset = -1;
    }

    void checkManualTimeout() {
        if (manualEnd != 0 && manualEnd < cluster.now()) {
            ServerLog.warning("Manual failover timed out.");
            resetManual();
        }
    }

    /** CLUSTER FAILOVER [FORCE|TAKEOVER] on this replica, after its checks. */
    void startManual(boolean force, boolean takeover) {
        resetManual();
        manualEnd = cluster.now() + MANUAL_TIMEOUT;
        if (takeover) {
            // No election: this replica takes a new epoch of its own and the slots with it.
            ServerLog.warning("Taking over the master (user request).");
            cluster.bumpConfigEpochWithoutConsensus();
            replaceMaster();
        } else if (force) {
            ServerLog.warning("Forced failover user request accepted.");
            manualCanStart = true;
        } else {
            ServerLog.warning("Manual failover user request accepted.");
            sendHeaderOnly(cluster.myself.master, BusMessage.MFSTART, 0);
        }
    }

    /** A master's replica asked it to stop its writers for a manual failover (MFSTART). */
    void manualStartRequested(ClusterNode replica, BusLink link) {
        resetManual();
        long now = cluster.now();
        manualEnd = now + MANUAL_TIMEOUT;
        manualReplica = replica;
        cluster.server.clients().pause().pause(now + (long) MANUAL_TIMEOUT * MANUAL_PAUSE_MULT, ClientPause.WRITE, now);
        ServerLog.warning("Manual failover requested by replica " + replica.name + ".");
        // The PING carries the paused flag and the offset the replica must reach.
        cluster.bus.sendPing(link, BusMessage.PING);
    }

    /** The paused master's offset, from its PING: what this replica must have processed. */
    void masterOffsetReceived(ClusterNode sender, BusMessage m) {
        if (manualEnd != 0 && cluster.myself.isReplica() && cluster.myself.master == sender
                && (m.mflags0 & BusMessage.MFLAG_PAUSED) != 0 && manualMasterOffset == -1) {
            manualMasterOffset = sender.replOffset;
            cluster.todo(Cluster.TODO_HANDLE_MANUAL_FAILOVER);
            ServerLog.warning("Received replication offset for paused master manual failover: " + manualMasterOffset);
        }
    }

    /** Redis's clusterHandleManualFailover: the election may start once the replica caught up. */
    void handleManual() {
        if (manualEnd == 0 || manualCanStart || manualMasterOffset == -1) {
            return;
        }
        if (manualMasterOffset == MasterLink.of(cluster.server).processedOffset()) {
            manualCanStart = true;
            ServerLog.warning("All master replication stream processed, manual failover can start.");
            cluster.todo(Cluster.TODO_HANDLE_FAILOVER);
            return;
        }
        cluster.todo(Cluster.TODO_HANDLE_MANUAL_FAILOVER);
    }

    /** A node's replicas sorted by offset: this replica's place among those that may fail over. */
    private int rank() {
        ClusterNode master = cluster.myself.master;
        if (master == null) {
            return 0;
        }
        long mine = MasterLink.of(cluster.server).processedOffset();
        int rank = 0;
        for (ClusterNode r : master.replicas) {
            if (r != cluster.myself && !r.has(ClusterNode.NOFAILOVER) && r.replOffset > mine) {
                rank++;
            }
        }
        return rank;
    }

    private void logCantFailover(int reason) {
        long nowSeconds = cluster.now() / 1000;
        if (reason == cantReason && nowSeconds - cantLoggedSeconds < CANT_RELOG_SECONDS) {
            return;
        }
        cantReason = reason;
        ClusterNode master = cluster.myself.master;
        // Right after the master failed this is expected: no need to say it.
        if (master != null && master.failed() && cluster.now() - master.failTimeMillis < cluster.config.clusterNodeTimeout + 5000) {
            return;
        }
        String msg;
        switch (reason) {
            case CANT_DATA_AGE:
                msg = "Disconnected from master for longer than allowed. Please check the "
                        + "'cluster-replica-validity-factor' configuration option.";
                break;
            case CANT_WAITING_DELAY:
                msg = "Waiting the delay before I can start a new failover.";
                break;
            case CANT_EXPIRED:
                msg = "Failover attempt expired.";
                break;
            case CANT_WAITING_VOTES:
                msg = "Waiting for votes, but majority still not reached.";
                break;
            default:
                msg = "Unknown reason code.";
        }
        cantLoggedSeconds = nowSeconds;
        ServerLog.warning("Currently unable to failover: " + msg);
    }

    /** Redis's clusterHandleSlaveFailover, from the cron and before sleeping. */
    void handleReplicaFailover() {
        ClusterNode myself = cluster.myself;
        long now = cluster.now();
        long authAge = now - authTime;
        int quorum = cluster.size / 2 + 1;
        boolean manual = manualEnd != 0 && manualCanStart;
        cluster.todo &= ~Cluster.TODO_HANDLE_FAILOVER;
        long authTimeout = Math.max(2000, cluster.config.clusterNodeTimeout * 2);
        long authRetry = authTimeout * 2;
        ClusterNode master = myself.master;
        if (myself.isMaster() || master == null || (!master.failed() && !manual)
                || (cluster.config.clusterReplicaNoFailover && !manual) || master.slotCount == 0) {
            cantReason = CANT_NONE;
            return;
        }
        long dataAge = MasterLink.of(cluster.server).dataAgeMillis();
        if (dataAge > cluster.config.clusterNodeTimeout) {
            dataAge -= cluster.config.clusterNodeTimeout;
        }
        int validity = cluster.config.clusterReplicaValidityFactor;
        if (validity != 0 && dataAge > cluster.config.replPingReplicaPeriod * 1000L
                + cluster.config.clusterNodeTimeout * validity) {
            if (!manual) {
                logCantFailover(CANT_DATA_AGE);
                return;
            }
        }
        if (authAge > authRetry) {
            authTime = now + 500 + ThreadLocalRandom.current().nextInt(500);
            authCount = 0;
            authSent = false;
            authRank = rank();
            authTime += authRank * 1000L;
            if (manualEnd != 0) {
                authTime = now;
                authRank = 0;
                cluster.todo(Cluster.TODO_HANDLE_FAILOVER);
            }
            ServerLog.warning("Start of election delayed for " + (authTime - now) + " milliseconds (rank #" + authRank
                    + ", offset " + MasterLink.of(cluster.server).processedOffset() + ").");
            // The other replicas learn this one's offset, for their own ranks.
            cluster.bus.broadcastPong(true);
            return;
        }
        if (!authSent && manualEnd == 0) {
            int newRank = rank();
            if (newRank > authRank) {
                long added = (newRank - authRank) * 1000L;
                authTime += added;
                authRank = newRank;
                ServerLog.warning("Replica rank updated to #" + newRank + ", added " + added + " milliseconds of delay.");
            }
        }
        if (now < authTime) {
            logCantFailover(CANT_WAITING_DELAY);
            return;
        }
        if (authAge > authTimeout) {
            logCantFailover(CANT_EXPIRED);
            return;
        }
        if (!authSent) {
            cluster.currentEpoch++;
            authEpoch = cluster.currentEpoch;
            ServerLog.warning("Starting a failover election for epoch " + Long.toUnsignedString(cluster.currentEpoch) + ".");
            BusMessage m = cluster.bus.header(BusMessage.FAILOVER_AUTH_REQUEST);
            if (manualEnd != 0) {
                m.mflags0 |= BusMessage.MFLAG_FORCEACK;
            }
            cluster.broadcast(m);
            authSent = true;
            cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_UPDATE_STATE | Cluster.TODO_FSYNC_CONFIG);
            return;
        }
        if (authCount >= quorum) {
            ServerLog.warning("Failover election won: I'm the new master.");
            if (Long.compareUnsigned(myself.configEpoch, authEpoch) < 0) {
                myself.configEpoch = authEpoch;
                ServerLog.warning("configEpoch set to " + Long.toUnsignedString(myself.configEpoch)
                        + " after successful failover");
            }
            replaceMaster();
        } else {
            logCantFailover(CANT_WAITING_VOTES);
        }
    }

    /** Redis's clusterFailoverReplaceYourMaster: this replica becomes master of its master's slots. */
    void replaceMaster() {
        ClusterNode myself = cluster.myself;
        ClusterNode old = myself.master;
        if (myself.isMaster() || old == null) {
            return;
        }
        cluster.setNodeAsMaster(myself);
        MasterLink.of(cluster.server).clusterUnsetMaster();
        for (int j = 0; j < Cluster.SLOTS; j++) {
            if (old.ownsSlot(j)) {
                cluster.deleteSlot(j);
                cluster.addSlot(myself, j);
            }
        }
        cluster.updateState();
        cluster.file.saveOrDie(true);
        cluster.bus.broadcastPong(false);
        resetManual();
    }

    /** A vote came: counted if from a master with slots, for this election's epoch. */
    void voteReceived(ClusterNode sender, long senderCurrentEpoch) {
        if (sender.isMaster() && sender.slotCount > 0 && Long.compareUnsigned(senderCurrentEpoch, authEpoch) >= 0) {
            authCount++;
            cluster.todo(Cluster.TODO_HANDLE_FAILOVER);
        }
    }

    /** Redis's clusterSendFailoverAuthIfNeeded: this master's vote, if the request deserves it. */
    void voteIfNeeded(ClusterNode node, BusMessage request) {
        ClusterNode myself = cluster.myself;
        ClusterNode master = node.master;
        long requestCurrentEpoch = request.currentEpoch;
        long requestConfigEpoch = request.configEpoch;
        boolean forceAck = (request.mflags0 & BusMessage.MFLAG_FORCEACK) != 0;
        if (myself.isReplica() || myself.slotCount == 0) {
            return;
        }
        if (Long.compareUnsigned(requestCurrentEpoch, cluster.currentEpoch) < 0) {
            ServerLog.warning("Failover auth denied to " + node.name + ": reqEpoch (" + Long.toUnsignedString(requestCurrentEpoch)
                    + ") < curEpoch(" + Long.toUnsignedString(cluster.currentEpoch) + ")");
            return;
        }
        if (cluster.lastVoteEpoch == cluster.currentEpoch) {
            ServerLog.warning("Failover auth denied to " + node.name + ": already voted for epoch "
                    + Long.toUnsignedString(cluster.currentEpoch));
            return;
        }
        if (node.isMaster() || master == null || (!master.failed() && !forceAck)) {
            if (node.isMaster()) {
                ServerLog.warning("Failover auth denied to " + node.name + ": it is a master node");
            } else if (master == null) {
                ServerLog.warning("Failover auth denied to " + node.name + ": I don't know its master");
            } else {
                ServerLog.warning("Failover auth denied to " + node.name + ": its master is up");
            }
            return;
        }
        long now = cluster.now();
        long wait = cluster.config.clusterNodeTimeout * 2;
        if (now - master.votedTimeMillis < wait) {
            ServerLog.warning("Failover auth denied to " + node.name + ": can't vote about this master before "
                    + (wait - (now - master.votedTimeMillis)) + " milliseconds");
            return;
        }
        for (int j = 0; j < Cluster.SLOTS; j++) {
            if (!BusMessage.slotSet(request.myslots, j)) {
                continue;
            }
            if (cluster.slotUnclaimed(j) || Long.compareUnsigned(cluster.slots[j].configEpoch, requestConfigEpoch) <= 0) {
                continue;
            }
            ServerLog.warning("Failover auth denied to " + node.name + ": slot " + j + " epoch ("
                    + Long.toUnsignedString(cluster.slots[j].configEpoch) + ") > reqEpoch ("
                    + Long.toUnsignedString(requestConfigEpoch) + ")");
            return;
        }
        cluster.lastVoteEpoch = cluster.currentEpoch;
        master.votedTimeMillis = now;
        cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_FSYNC_CONFIG);
        sendHeaderOnly(node, BusMessage.FAILOVER_AUTH_ACK, 0);
        ServerLog.warning("Failover auth granted to " + node.name + " for epoch " + Long.toUnsignedString(cluster.currentEpoch));
    }

    private void sendHeaderOnly(ClusterNode to, int type, int mflags) {
        if (to == null || to.link == null) {
            return;
        }
        BusMessage m = cluster.bus.header(type);
        m.mflags0 |= mflags;
        cluster.send(to.link, m);
    }

    /**
     * Redis's clusterHandleSlaveMigration: a replica of the master with the most replicas moves
     * to a master left with none (after a delay, and only the replica with the smallest name).
     */
    void handleReplicaMigration(int maxReplicas) {
        ClusterNode myself = cluster.myself;
        ClusterNode myMaster = myself.master;
        if (!cluster.stateOk || myMaster == null) {
            return;
        }
        int ok = 0;
        for (ClusterNode r : myMaster.replicas) {
            if (!r.failed() && !r.timedOut()) {
                ok++;
            }
        }
        if (ok <= cluster.config.clusterMigrationBarrier) {
            return;
        }
        ClusterNode candidate = myself;
        ClusterNode target = null;
        long now = cluster.now();
        for (ClusterNode node : cluster.nodes.values()) {
            int okReplicas = 0;
            boolean orphaned = !node.isReplica() && !node.failed() && node.has(ClusterNode.MIGRATE_TO);
            if (node.isMaster()) {
                okReplicas = node.nonFailingReplicas();
            }
            if (okReplicas > 0) {
                orphaned = false;
            }
            if (orphaned) {
                if (target == null && node.slotCount > 0) {
                    target = node;
                }
                if (node.orphanedSinceMillis == 0) {
                    node.orphanedSinceMillis = now;
                }
            } else {
                node.orphanedSinceMillis = 0;
            }
            if (okReplicas == maxReplicas) {
                for (ClusterNode r : node.replicas) {
                    if (r.name.compareTo(candidate.name) < 0) {
                        candidate = r;
                    }
                }
            }
        }
        if (target != null && candidate == myself && now - target.orphanedSinceMillis > MIGRATION_DELAY) {
            ServerLog.warning("Migrating to orphaned master " + target.name);
            cluster.setMyMaster(target);
        }
    }
}
