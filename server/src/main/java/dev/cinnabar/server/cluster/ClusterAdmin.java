package dev.cinnabar.server.cluster;

import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.replication.MasterLink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the CLUSTER subcommands do to the cluster's state, with Redis 7.0's checks and error
 * texts (the command family parses arguments and writes replies). Engine thread only.
 */
public final class ClusterAdmin {
    private final Cluster cluster;

    public ClusterAdmin(Cluster cluster) {
        this.cluster = cluster;
    }

    private ClusterNode known(String name) {
        ClusterNode n = cluster.lookup(name);
        if (n == null) {
            throw new CommandError("ERR Unknown node " + name);
        }
        return n;
    }

    // ------------------------------------------------------------------ slots

    /**
     * CLUSTER ADDSLOTS/DELSLOTS and their RANGE forms: {@code ranges} holds start, end pairs.
     * All are checked (busy or unassigned, named twice) before any changes.
     */
    public void updateSlots(int[] ranges, boolean delete) {
        byte[] seen = new byte[Cluster.SLOTS];
        for (int i = 0; i < ranges.length; i += 2) {
            for (int slot = ranges[i]; slot <= ranges[i + 1]; slot++) {
                if (delete && cluster.slots[slot] == null) {
                    throw new CommandError("ERR Slot " + slot + " is already unassigned");
                } else if (!delete && cluster.slots[slot] != null) {
                    throw new CommandError("ERR Slot " + slot + " is already busy");
                }
                if (seen[slot]++ == 1) {
                    throw new CommandError("ERR Slot " + slot + " specified multiple times");
                }
            }
        }
        for (int j = 0; j < Cluster.SLOTS; j++) {
            if (seen[j] != 0) {
                // A slot assigned by hand is no longer being imported.
                cluster.importingFrom[j] = null;
                if (delete) {
                    cluster.deleteSlot(j);
                } else {
                    cluster.addSlot(cluster.myself, j);
                }
            }
        }
        cluster.todo(Cluster.TODO_UPDATE_STATE | Cluster.TODO_SAVE_CONFIG);
    }

    public void flushSlots() {
        if (cluster.server.keyspace().db(0).size() != 0) {
            throw new CommandError("ERR DB must be empty to perform CLUSTER FLUSHSLOTS.");
        }
        cluster.deleteNodeSlots(cluster.myself);
        cluster.todo(Cluster.TODO_UPDATE_STATE | Cluster.TODO_SAVE_CONFIG);
    }

    public long keysInSlot(int slot) {
        return cluster.keysInSlot(slot);
    }

    public List<byte[]> keysInSlot(int slot, int max) {
        return cluster.server.keyspace().db(0).keysInSlot(slot, max);
    }

    public void checkSetSlotAllowed() {
        if (cluster.myself.isReplica()) {
            throw new CommandError("ERR Please use SETSLOT only with masters.");
        }
    }

    private ClusterNode masterNamed(String name, String unknownPrefix) {
        ClusterNode n = cluster.lookup(name);
        if (n == null) {
            throw new CommandError("ERR " + unknownPrefix + name);
        }
        if (n.isReplica()) {
            throw new CommandError("ERR Target node is not a master");
        }
        return n;
    }

    public void setSlotMigrating(int slot, String name) {
        if (cluster.slots[slot] != cluster.myself) {
            throw new CommandError("ERR I'm not the owner of hash slot " + slot);
        }
        cluster.migratingTo[slot] = masterNamed(name, "I don't know about node ");
        slotStateChanged();
    }

    public void setSlotImporting(int slot, String name) {
        if (cluster.slots[slot] == cluster.myself) {
            throw new CommandError("ERR I'm already the owner of hash slot " + slot);
        }
        cluster.importingFrom[slot] = masterNamed(name, "I don't know about node ");
        slotStateChanged();
    }

    public void setSlotStable(int slot) {
        cluster.importingFrom[slot] = null;
        cluster.migratingTo[slot] = null;
        slotStateChanged();
    }

    /**
     * CLUSTER SETSLOT slot NODE id: the end of a migration. The node that gave its last slot away
     * becomes a replica of the taker (with replica migration allowed); the importing node takes a
     * new epoch without an election so that its claim wins, and tells everyone at once.
     */
    public void setSlotNode(int slot, String name) {
        ClusterNode n = masterNamed(name, "Unknown node ");
        ClusterNode myself = cluster.myself;
        if (cluster.slots[slot] == myself && n != myself && cluster.keysInSlot(slot) != 0) {
            throw new CommandError("ERR Can't assign hashslot " + slot
                    + " to a different node while I still hold keys for this hash slot.");
        }
        if (cluster.keysInSlot(slot) == 0 && cluster.migratingTo[slot] != null) {
            cluster.migratingTo[slot] = null;
        }
        boolean wasMine = cluster.slots[slot] == myself;
        cluster.deleteSlot(slot);
        cluster.addSlot(n, slot);
        if (wasMine && n != myself && myself.slotCount == 0 && cluster.config.clusterAllowReplicaMigration) {
            ServerLog.warning("Configuration change detected. Reconfiguring myself as a replica of " + n.name);
            cluster.setMyMaster(n);
            cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_UPDATE_STATE | Cluster.TODO_FSYNC_CONFIG);
        }
        if (n == myself && cluster.importingFrom[slot] != null) {
            if (cluster.bumpConfigEpochWithoutConsensus()) {
                ServerLog.warning("configEpoch updated after importing slot " + slot);
            }
            cluster.importingFrom[slot] = null;
            cluster.bus.broadcastPong(false);
        }
        slotStateChanged();
    }

    private void slotStateChanged() {
        cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_UPDATE_STATE);
    }

    // ------------------------------------------------------------------ nodes

    /** CLUSTER MEET; false for an address that is not one. */
    public boolean meet(String ip, long port, long cport) {
        if (port <= 0 || port > 65535 || cport <= 0 || cport > 65535) {
            return false;
        }
        return cluster.startHandshake(ip, (int) port, (int) cport);
    }

    public void forget(String name) {
        ClusterNode n = known(name);
        if (n == cluster.myself) {
            throw new CommandError("ERR I tried hard but I can't forget myself...");
        }
        if (cluster.myself.isReplica() && cluster.myself.master == n) {
            throw new CommandError("ERR Can't forget my master!");
        }
        cluster.blacklist(n);
        cluster.deleteNode(n);
        cluster.todo(Cluster.TODO_UPDATE_STATE | Cluster.TODO_SAVE_CONFIG);
    }

    public void replicate(String name) {
        ClusterNode n = known(name);
        ClusterNode myself = cluster.myself;
        if (n == myself) {
            throw new CommandError("ERR Can't replicate myself");
        }
        if (n.isReplica()) {
            throw new CommandError("ERR I can only replicate a master, not a replica.");
        }
        if (myself.isMaster() && (myself.slotCount != 0 || cluster.server.keyspace().db(0).size() != 0)) {
            throw new CommandError("ERR To set a master the node must be empty and without assigned slots.");
        }
        cluster.setMyMaster(n);
        cluster.todo(Cluster.TODO_UPDATE_STATE | Cluster.TODO_SAVE_CONFIG);
    }

    public List<String> replicas(String name, boolean tlsClient) {
        ClusterNode n = known(name);
        if (n.isReplica()) {
            throw new CommandError("ERR The specified node is not a master");
        }
        List<String> out = new ArrayList<>();
        for (ClusterNode r : n.replicas) {
            out.add(NodeDescriptions.of(cluster, r, cluster.usePport(tlsClient)));
        }
        return out;
    }

    public long failureReports(String name) {
        return known(name).failReportCount(cluster.now(), cluster.config.clusterNodeTimeout);
    }

    public void failover(boolean force, boolean takeover) {
        ClusterNode myself = cluster.myself;
        if (myself.isMaster()) {
            throw new CommandError("ERR You should send CLUSTER FAILOVER to a replica");
        }
        if (myself.master == null) {
            throw new CommandError("ERR I'm a replica but my master is unknown to me");
        }
        if (!force && (myself.master.failed() || myself.master.link == null)) {
            throw new CommandError("ERR Master is down or failed, please use CLUSTER FAILOVER FORCE");
        }
        cluster.failovers.startManual(force, takeover);
    }

    public void setConfigEpoch(long epoch) {
        if (epoch < 0) {
            throw new CommandError("ERR Invalid config epoch specified: " + epoch);
        }
        if (cluster.nodes.size() > 1) {
            throw new CommandError("ERR The user can assign a config epoch only when the node does not know any other node.");
        }
        if (cluster.myself.configEpoch != 0) {
            throw new CommandError("ERR Node config epoch is already non-zero");
        }
        cluster.myself.configEpoch = epoch;
        ServerLog.warning("configEpoch set to " + epoch + " via CLUSTER SET-CONFIG-EPOCH");
        if (Long.compareUnsigned(cluster.currentEpoch, epoch) < 0) {
            cluster.currentEpoch = epoch;
        }
        cluster.todo(Cluster.TODO_UPDATE_STATE | Cluster.TODO_SAVE_CONFIG);
    }

    /** CLUSTER BUMPEPOCH's status line: {@code BUMPED <epoch>} or {@code STILL <epoch>}. */
    public String bumpEpoch() {
        boolean bumped = cluster.bumpConfigEpochWithoutConsensus();
        return (bumped ? "BUMPED " : "STILL ") + Long.toUnsignedString(cluster.myself.configEpoch);
    }

    public void reset(Db db, boolean hard) {
        if (cluster.myself.isMaster() && db.size() != 0) {
            throw new CommandError("ERR CLUSTER RESET can't be called with master nodes containing keys");
        }
        cluster.reset(hard);
    }

    public void saveConfig() {
        if (!cluster.file.save(true)) {
            throw new CommandError("ERR error saving the cluster node config: " + cluster.file.lastError);
        }
    }

    // ------------------------------------------------------------------ reports

    public String nodes(boolean tlsClient) {
        return NodeDescriptions.all(cluster, 0, cluster.usePport(tlsClient));
    }

    /** CLUSTER INFO's text. */
    public String info() {
        int assigned = 0;
        int ok = 0;
        int pfail = 0;
        int fail = 0;
        for (ClusterNode n : cluster.slots) {
            if (n == null) {
                continue;
            }
            assigned++;
            if (n.failed()) {
                fail++;
            } else if (n.timedOut()) {
                pfail++;
            } else {
                ok++;
            }
        }
        ClusterNode myself = cluster.myself;
        long myEpoch = myself.isReplica() && myself.master != null ? myself.master.configEpoch : myself.configEpoch;
        StringBuilder b = new StringBuilder();
        b.append("cluster_state:").append(cluster.stateOk ? "ok" : "fail").append("\r\n");
        b.append("cluster_slots_assigned:").append(assigned).append("\r\n");
        b.append("cluster_slots_ok:").append(ok).append("\r\n");
        b.append("cluster_slots_pfail:").append(pfail).append("\r\n");
        b.append("cluster_slots_fail:").append(fail).append("\r\n");
        b.append("cluster_known_nodes:").append(cluster.nodes.size()).append("\r\n");
        b.append("cluster_size:").append(cluster.size).append("\r\n");
        b.append("cluster_current_epoch:").append(Long.toUnsignedString(cluster.currentEpoch)).append("\r\n");
        b.append("cluster_my_epoch:").append(Long.toUnsignedString(myEpoch)).append("\r\n");
        long sent = 0;
        for (int i = 0; i < cluster.messagesSent.length; i++) {
            if (cluster.messagesSent[i] != 0) {
                sent += cluster.messagesSent[i];
                b.append("cluster_stats_messages_").append(BusProtocol.typeName(i)).append("_sent:")
                        .append(cluster.messagesSent[i]).append("\r\n");
            }
        }
        b.append("cluster_stats_messages_sent:").append(sent).append("\r\n");
        long received = 0;
        for (int i = 0; i < cluster.messagesReceived.length; i++) {
            if (cluster.messagesReceived[i] != 0) {
                received += cluster.messagesReceived[i];
                b.append("cluster_stats_messages_").append(BusProtocol.typeName(i)).append("_received:")
                        .append(cluster.messagesReceived[i]).append("\r\n");
            }
        }
        b.append("cluster_stats_messages_received:").append(received).append("\r\n");
        b.append("total_cluster_links_buffer_limit_exceeded:").append(cluster.linksBufferLimitExceeded).append("\r\n");
        return b.toString();
    }

    /**
     * CLUSTER SLOTS: each run of slots one master serves, with the master and its replicas that
     * have data (Redis's isReplicaAvailable), each as endpoint, port, id and extra fields.
     */
    public void slots(ReplyWriter w, boolean tlsClient) {
        List<NodeDescriptions.SlotRun> runs = NodeDescriptions.slotRuns(cluster);
        w.array(runs.size());
        for (NodeDescriptions.SlotRun run : runs) {
            ClusterNode n = run.node();
            List<ClusterNode> available = new ArrayList<>();
            for (ClusterNode replica : n.replicas) {
                if (replicaAvailable(replica)) {
                    available.add(replica);
                }
            }
            w.array(3 + available.size());
            w.integer(run.start());
            w.integer(run.end());
            nodeEntry(w, n, tlsClient);
            for (ClusterNode replica : available) {
                nodeEntry(w, replica, tlsClient);
            }
        }
    }

    private boolean replicaAvailable(ClusterNode n) {
        if (n.failed()) {
            return false;
        }
        long offset = n.isMyself() ? MasterLink.of(cluster.server).processedOffset() : n.replOffset;
        return offset != 0;
    }

    private void nodeEntry(ReplyWriter w, ClusterNode n, boolean tlsClient) {
        String type = cluster.config.clusterPreferredEndpointType;
        w.array(4);
        if (type.equals("unknown-endpoint")) {
            w.nullBulk(); // a null here, where MOVED and SHARDS print an empty endpoint
        } else {
            w.bulk(cluster.preferredEndpoint(n));
        }
        w.integer(cluster.clientPort(n, tlsClient));
        w.bulk(n.name);
        boolean ip = !type.equals("ip");
        boolean hostname = !type.equals("hostname") && !n.hostname.isEmpty();
        w.map((ip ? 1 : 0) + (hostname ? 1 : 0));
        if (ip) {
            w.bulk("ip");
            w.bulk(n.ip);
        }
        if (hostname) {
            w.bulk("hostname");
            w.bulk(n.hostname);
        }
    }

    /** CLUSTER SHARDS: per master, its slot ranges and the nodes of its shard. */
    public void shards(ReplyWriter w) {
        Map<ClusterNode, List<int[]>> ranges = NodeDescriptions.slotRanges(cluster);
        List<ClusterNode> masters = new ArrayList<>();
        for (ClusterNode n : cluster.nodes.values()) {
            if (n.isMaster()) {
                masters.add(n);
            }
        }
        w.array(masters.size());
        for (ClusterNode m : masters) {
            w.map(2);
            w.bulk("slots");
            List<int[]> r = ranges.get(m);
            w.array(r == null ? 0 : r.size() * 2);
            if (r != null) {
                for (int[] range : r) {
                    w.integer(range[0]);
                    w.integer(range[1]);
                }
            }
            w.bulk("nodes");
            List<ClusterNode> shard = cluster.nodesServingSlotsOf(m);
            w.array(shard.size());
            for (ClusterNode n : shard) {
                shardNode(w, n);
            }
        }
    }

    private void shardNode(ReplyWriter w, ClusterNode n) {
        boolean hostname = !n.hostname.isEmpty();
        // Which port is which, a TLS cluster being taken for one whose nodes' ports are TLS ports.
        int plaintextPort = cluster.config.tlsCluster ? n.pport : n.port;
        int tlsPort = cluster.config.tlsCluster ? n.port : 0;
        w.map(6 + (hostname ? 1 : 0) + (plaintextPort != 0 ? 1 : 0) + (tlsPort != 0 ? 1 : 0));
        w.bulk("id");
        w.bulk(n.name);
        if (plaintextPort != 0) {
            w.bulk("port");
            w.integer(plaintextPort);
        }
        if (tlsPort != 0) {
            w.bulk("tls-port");
            w.integer(tlsPort);
        }
        w.bulk("ip");
        w.bulk(n.ip);
        w.bulk("endpoint");
        w.bulk(cluster.preferredEndpoint(n));
        if (hostname) {
            w.bulk("hostname");
            w.bulk(n.hostname);
        }
        long offset;
        if (n.isMyself()) {
            offset = n.isReplica() ? MasterLink.of(cluster.server).processedOffset() : cluster.server.ids().replicationOffset();
        } else {
            offset = n.replOffset;
        }
        w.bulk("role");
        w.bulk(n.isReplica() ? "replica" : "master");
        w.bulk("replication-offset");
        w.integer(offset);
        w.bulk("health");
        w.bulk(n.failed() ? "fail" : n.isReplica() && offset == 0 ? "loading" : "online");
    }

    /** CLUSTER LINKS: each link, outbound and inbound, as a map. */
    public void links(ReplyWriter w) {
        List<BusLink> links = new ArrayList<>();
        for (ClusterNode n : cluster.nodes.values()) {
            if (n.link != null) {
                links.add(n.link);
            }
            if (n.inboundLink != null) {
                links.add(n.inboundLink);
            }
        }
        w.array(links.size());
        for (BusLink l : links) {
            w.map(6);
            w.bulk("direction");
            w.bulk(l.inbound ? "from" : "to");
            w.bulk("node");
            w.bulk(l.node.name);
            w.bulk("create-time");
            w.integer(l.createdMillis);
            w.bulk("events");
            long pending = l.pendingBytes();
            w.bulk(l.channel() == null ? "" : pending > 0 ? "rw" : "r");
            w.bulk("send-buffer-allocated");
            w.integer(pending);
            w.bulk("send-buffer-used");
            w.integer(pending);
        }
    }
}
