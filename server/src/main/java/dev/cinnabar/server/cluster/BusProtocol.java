package dev.cinnabar.server.cluster;

import dev.cinnabar.protocol.cluster.BusMessage;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.replication.MasterLink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the bus says and how this node answers (Redis's clusterProcessPacket and the send
 * functions around it). Every PING, PONG and MEET carries the sender's view of itself (role,
 * slots, epochs, address) and a few other nodes in gossip; they are how nodes meet, learn about
 * each other, detect failures and converge on who serves which slot.
 */
final class BusProtocol {
    private final Cluster cluster;
    /** PINGs sent so far: a node goes in the gossip of one PING at most once. */
    private long pingsSent;

    BusProtocol(Cluster cluster) {
        this.cluster = cluster;
    }

    static String typeName(int type) {
        switch (type) {
            case BusMessage.PING: return "ping";
            case BusMessage.PONG: return "pong";
            case BusMessage.MEET: return "meet";
            case BusMessage.FAIL: return "fail";
            case BusMessage.PUBLISH: return "publish";
            case BusMessage.PUBLISHSHARD: return "publishshard";
            case BusMessage.FAILOVER_AUTH_REQUEST: return "auth-req";
            case BusMessage.FAILOVER_AUTH_ACK: return "auth-ack";
            case BusMessage.UPDATE: return "update";
            case BusMessage.MFSTART: return "mfstart";
            case BusMessage.MODULE: return "module";
            default: return "unknown";
        }
    }

    // ------------------------------------------------------------------ sending

    /** Redis's clusterBuildMessageHdr: this node's view of itself, as every message carries it. */
    BusMessage header(int type) {
        ClusterNode myself = cluster.myself;
        ClusterNode master = myself.isReplica() && myself.master != null ? myself.master : myself;
        BusMessage m = new BusMessage();
        m.type = type;
        m.sender = myself.name;
        m.myip = cluster.config.clusterAnnounceIp == null ? "" : cluster.config.clusterAnnounceIp;
        m.myslots = master.slots; // encoded before anything changes it: send() writes at once
        m.slaveof = myself.master != null ? myself.master.name : null;
        m.port = cluster.announcedPort();
        m.pport = cluster.announcedPlaintextPort();
        m.cport = cluster.announcedBusPort();
        m.flags = myself.flags;
        m.state = cluster.stateOk ? 0 : 1;
        m.currentEpoch = cluster.currentEpoch;
        m.configEpoch = master.configEpoch;
        m.offset = myself.isReplica() ? MasterLink.of(cluster.server).processedOffset()
                : cluster.server.ids().replicationOffset();
        if (myself.isMaster() && cluster.failovers.manualInProgress()) {
            m.mflags0 |= BusMessage.MFLAG_PAUSED;
        }
        return m;
    }

    /**
     * Redis's clusterSendPing: a PING, PONG or MEET with gossip about a tenth of the known nodes
     * (at least three, chosen at random, skipping the ones that cannot be told about usefully)
     * and every node this node thinks may be failing, so that failure reports spread fast.
     */
    void sendPing(BusLink link, int type) {
        pingsSent++;
        int known = cluster.nodes.size();
        int freshNodes = known - 2;
        int wanted = Math.max(3, known / 10);
        wanted = Math.min(wanted, freshNodes);
        if (!link.inbound && type == BusMessage.PING) {
            link.node.pingSentMillis = cluster.now();
        }
        BusMessage m = header(type);
        m.gossip = new ArrayList<>(Math.max(0, wanted) + cluster.pfailNodes);
        List<ClusterNode> all = new ArrayList<>(cluster.nodes.values());
        int maxIterations = wanted * 3;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (freshNodes > 0 && m.gossip.size() < wanted && maxIterations-- > 0) {
            ClusterNode n = all.get(random.nextInt(all.size()));
            if (n == cluster.myself || n.timedOut()) {
                continue;
            }
            if (n.has(ClusterNode.HANDSHAKE | ClusterNode.NOADDR) || (n.link == null && n.slotCount == 0)) {
                freshNodes--; // not quite right, as in Redis, but it keeps the loop short
                continue;
            }
            if (n.lastPingGossip == pingsSent) {
                continue;
            }
            m.gossip.add(gossipEntry(n));
            n.lastPingGossip = pingsSent;
            freshNodes--;
        }
        int pfailWanted = cluster.pfailNodes;
        for (ClusterNode n : all) {
            if (pfailWanted <= 0) {
                break;
            }
            if (n.has(ClusterNode.HANDSHAKE | ClusterNode.NOADDR) || !n.timedOut()) {
                continue;
            }
            m.gossip.add(gossipEntry(n));
            pfailWanted--;
        }
        if (!cluster.myself.hostname.isEmpty()) {
            m.hostname = cluster.myself.hostname;
        }
        cluster.send(link, m);
    }

    private static BusMessage.Gossip gossipEntry(ClusterNode n) {
        BusMessage.Gossip g = new BusMessage.Gossip();
        g.nodename = n.name;
        g.pingSent = (n.pingSentMillis / 1000) & 0xffffffffL;
        g.pongReceived = (n.pongReceivedMillis / 1000) & 0xffffffffL;
        g.ip = n.ip;
        g.port = n.port;
        g.cport = n.cport;
        g.flags = n.flags & 0xffff;
        g.pport = n.pport;
        return g;
    }

    /** A PONG to every connected node, or only to the replicas of this node's shard. */
    void broadcastPong(boolean localReplicasOnly) {
        ClusterNode myself = cluster.myself;
        for (ClusterNode n : new ArrayList<>(cluster.nodes.values())) {
            if (n.link == null || n == myself || n.inHandshake()) {
                continue;
            }
            if (localReplicasOnly) {
                boolean local = n.isReplica() && n.master != null && (n.master == myself || n.master == myself.master);
                if (!local) {
                    continue;
                }
            }
            sendPing(n.link, BusMessage.PONG);
        }
    }

    void sendFail(String nodeName) {
        BusMessage m = header(BusMessage.FAIL);
        m.failNode = nodeName;
        cluster.broadcast(m);
    }

    /** Tells a node with an old view of the slots who serves them now (Redis's clusterSendUpdate). */
    void sendUpdate(BusLink link, ClusterNode node) {
        if (link == null) {
            return;
        }
        BusMessage m = header(BusMessage.UPDATE);
        m.updateNode = node.name;
        m.updateConfigEpoch = node.configEpoch;
        byte[] s = node.slots.clone();
        for (int i = 0; i < s.length; i++) {
            s[i] &= (byte) ~cluster.ownerNotClaiming[i];
        }
        m.updateSlots = s;
        cluster.send(link, m);
    }

    /**
     * PUBLISH goes to every node; SPUBLISH only to the nodes of this node's shard (Redis's
     * clusterPropagatePublish).
     */
    void propagatePublish(byte[] channel, byte[] message, boolean sharded) {
        BusMessage m = header(sharded ? BusMessage.PUBLISHSHARD : BusMessage.PUBLISH);
        m.channel = channel;
        m.message = message;
        if (!sharded) {
            cluster.broadcast(m);
            return;
        }
        for (ClusterNode n : cluster.nodesServingSlotsOf(cluster.myself)) {
            if (n.has(ClusterNode.MYSELF | ClusterNode.HANDSHAKE)) {
                continue;
            }
            cluster.send(n.link, m);
        }
    }

    // ------------------------------------------------------------------ receiving

    /** The sender as far as the link and the message tell (Redis's getNodeFromLinkAndMsg). */
    private ClusterNode senderOf(BusLink link, BusMessage m) {
        if (link.node != null && !link.node.inHandshake()) {
            return link.node;
        }
        ClusterNode sender = cluster.lookup(m.sender);
        if (sender != null && link.node == null) {
            cluster.setInboundLink(sender, link);
        }
        return sender;
    }

    void process(BusLink link, BusMessage m) {
        int type = m.type;
        long now = cluster.now();
        if (type < cluster.messagesReceived.length) {
            cluster.messagesReceived[type]++;
        }
        if (type == cluster.dropPacketFilter) {
            ServerLog.warning("Dropping packet that matches debug drop filter");
            return;
        }
        ClusterNode sender = senderOf(link, m);
        if (sender != null) {
            sender.dataReceivedMillis = now;
        }
        ClusterNode myself = cluster.myself;
        long senderConfigEpoch = 0;
        long senderCurrentEpoch = 0;
        if (sender != null && !sender.inHandshake()) {
            senderCurrentEpoch = m.currentEpoch;
            senderConfigEpoch = m.configEpoch;
            if (Long.compareUnsigned(senderCurrentEpoch, cluster.currentEpoch) > 0) {
                cluster.currentEpoch = senderCurrentEpoch;
            }
            if (Long.compareUnsigned(senderConfigEpoch, sender.configEpoch) > 0) {
                sender.configEpoch = senderConfigEpoch;
                cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_FSYNC_CONFIG);
            }
            sender.replOffset = m.offset;
            sender.replOffsetTimeMillis = now;
            cluster.failovers.masterOffsetReceived(sender, m);
        }
        if (type == BusMessage.PING || type == BusMessage.MEET) {
            // The address others reach this node at is learned from the first MEET (or PING
            // while unknown), unless announced.
            String announced = cluster.config.clusterAnnounceIp;
            if ((type == BusMessage.MEET || myself.ip.isEmpty()) && (announced == null || announced.isEmpty())) {
                String ip = link.localIp();
                if (ip != null && !ip.equals(myself.ip)) {
                    myself.ip = ip;
                    ServerLog.warning("IP address for this node updated to " + myself.ip);
                    cluster.todo(Cluster.TODO_SAVE_CONFIG);
                }
            }
            if (sender == null && type == BusMessage.MEET) {
                // Met by an unknown node: add it, in handshake, and let gossip bring the rest.
                ClusterNode n = new ClusterNode(Cluster.randomName(), ClusterNode.HANDSHAKE, now);
                n.ip = ipOf(link, m);
                n.port = m.port;
                n.pport = m.pport;
                n.cport = m.cport;
                cluster.addNode(n);
                cluster.todo(Cluster.TODO_SAVE_CONFIG);
                processGossip(m, link);
            }
            sendPing(link, BusMessage.PONG);
        }
        if (type == BusMessage.PING || type == BusMessage.PONG || type == BusMessage.MEET) {
            if (!processPingLike(link, m, sender, senderConfigEpoch, now)) {
                return;
            }
        } else if (type == BusMessage.FAIL) {
            processFail(m, sender, now);
        } else if (type == BusMessage.PUBLISH || type == BusMessage.PUBLISHSHARD) {
            if (sender == null) {
                return;
            }
            if (type == BusMessage.PUBLISH) {
                cluster.server.clients().pubsub().publish(m.channel, m.message);
            } else {
                cluster.server.clients().pubsub().publishShard(m.channel, m.message, 0, m.message.length);
            }
        } else if (type == BusMessage.FAILOVER_AUTH_REQUEST) {
            if (sender != null) {
                cluster.failovers.voteIfNeeded(sender, m);
            }
        } else if (type == BusMessage.FAILOVER_AUTH_ACK) {
            if (sender != null) {
                cluster.failovers.voteReceived(sender, senderCurrentEpoch);
            }
        } else if (type == BusMessage.MFSTART) {
            if (sender != null && sender.master == myself) {
                cluster.failovers.manualStartRequested(sender, link);
            }
        } else if (type == BusMessage.UPDATE) {
            processUpdate(m, sender);
        } else if (type != BusMessage.MODULE) {
            ServerLog.warning("Received unknown packet type: " + type);
        }
    }

    /** The common part of PING, PONG and MEET; false when the link is gone. */
    private boolean processPingLike(BusLink link, BusMessage m, ClusterNode sender, long senderConfigEpoch, long now) {
        ClusterNode myself = cluster.myself;
        int type = m.type;
        if (!link.inbound) {
            ClusterNode node = link.node;
            if (node.inHandshake()) {
                // The first reply on a link opened by address: now the node has a name.
                if (sender != null) {
                    ServerLog.verbose("Handshake: we already know node " + sender.name
                            + ", updating the address if needed.");
                    if (updateAddressIfNeeded(sender, link, m)) {
                        cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_UPDATE_STATE);
                    }
                    cluster.deleteNode(node);
                    return false;
                }
                cluster.renameNode(node, m.sender);
                ServerLog.debug("Handshake with node " + node.name + " completed.");
                node.flags &= ~ClusterNode.HANDSHAKE;
                node.flags |= m.flags & (ClusterNode.MASTER | ClusterNode.REPLICA);
                cluster.todo(Cluster.TODO_SAVE_CONFIG);
            } else if (!node.name.equals(m.sender)) {
                // Another node answers at this address now: the one known there has no address.
                ServerLog.debug("PONG contains mismatching sender ID. About node " + node.name + " added "
                        + (now - node.createdMillis) + " ms ago, having flags " + node.flags);
                node.flags |= ClusterNode.NOADDR;
                node.ip = "";
                node.port = 0;
                node.pport = 0;
                node.cport = 0;
                cluster.freeLink(link);
                cluster.todo(Cluster.TODO_SAVE_CONFIG);
                return false;
            }
        }
        if (sender != null) {
            sender.flags = (sender.flags & ~ClusterNode.NOFAILOVER) | (m.flags & ClusterNode.NOFAILOVER);
        }
        if (sender != null && type == BusMessage.PING && !sender.inHandshake() && updateAddressIfNeeded(sender, link, m)) {
            cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_UPDATE_STATE);
        }
        if (!link.inbound && type == BusMessage.PONG) {
            ClusterNode node = link.node;
            node.pongReceivedMillis = now;
            node.pingSentMillis = 0;
            if (node.timedOut()) {
                node.flags &= ~ClusterNode.PFAIL;
                cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_UPDATE_STATE);
            } else if (node.failed()) {
                cluster.clearFailureIfNeeded(node);
            }
        }
        if (sender != null) {
            updateRole(sender, m);
        }
        ClusterNode senderMaster = null;
        boolean dirtySlots = false;
        if (sender != null) {
            senderMaster = sender.isMaster() ? sender : sender.master;
            if (senderMaster != null) {
                dirtySlots = !Arrays.equals(senderMaster.slots, m.myslots);
            }
        }
        if (sender != null && sender.isMaster() && dirtySlots) {
            updateSlotsConfigWith(sender, senderConfigEpoch, m.myslots);
        }
        if (sender != null && dirtySlots) {
            // The sender claims slots someone with a greater epoch serves: tell it.
            for (int j = 0; j < Cluster.SLOTS; j++) {
                if (!BusMessage.slotSet(m.myslots, j)) {
                    continue;
                }
                if (cluster.slots[j] == sender || cluster.slotUnclaimed(j)) {
                    continue;
                }
                if (Long.compareUnsigned(cluster.slots[j].configEpoch, senderConfigEpoch) > 0) {
                    ServerLog.verbose("Node " + sender.name + " has old slots configuration, sending an UPDATE "
                            + "message about " + cluster.slots[j].name);
                    sendUpdate(sender.link, cluster.slots[j]);
                    break;
                }
            }
        }
        if (sender != null && myself.isMaster() && sender.isMaster() && senderConfigEpoch == myself.configEpoch) {
            cluster.handleConfigEpochCollision(sender);
        }
        if (sender != null) {
            processGossip(m, link);
            sender.hostname = m.hostname == null ? "" : m.hostname;
        }
        return true;
    }

    /** The sender says whether it is a master or whose replica it is. */
    private void updateRole(ClusterNode sender, BusMessage m) {
        if (m.slaveof == null) {
            cluster.setNodeAsMaster(sender);
            return;
        }
        ClusterNode master = cluster.lookup(m.slaveof);
        if (sender.isMaster()) {
            // A master turned replica: its slots are no longer its own.
            cluster.deleteNodeSlots(sender);
            sender.flags &= ~(ClusterNode.MASTER | ClusterNode.MIGRATE_TO);
            sender.flags |= ClusterNode.REPLICA;
            cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_UPDATE_STATE);
        }
        if (master != null && sender.master != master) {
            if (sender.master != null) {
                sender.master.removeReplica(sender);
            }
            master.addReplica(sender);
            sender.master = master;
            cluster.todo(Cluster.TODO_SAVE_CONFIG);
        }
    }

    private void processFail(BusMessage m, ClusterNode sender, long now) {
        if (sender == null) {
            ServerLog.notice("Ignoring FAIL message from unknown node " + m.sender + " about " + m.failNode);
            return;
        }
        ClusterNode failing = cluster.lookup(m.failNode);
        if (failing != null && !failing.has(ClusterNode.FAIL | ClusterNode.MYSELF)) {
            ServerLog.notice("FAIL message received from " + m.sender + " about " + m.failNode);
            failing.flags |= ClusterNode.FAIL;
            failing.failTimeMillis = now;
            failing.flags &= ~ClusterNode.PFAIL;
            cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_UPDATE_STATE);
        }
    }

    private void processUpdate(BusMessage m, ClusterNode sender) {
        if (sender == null) {
            return;
        }
        ClusterNode n = cluster.lookup(m.updateNode);
        if (n == null || Long.compareUnsigned(n.configEpoch, m.updateConfigEpoch) >= 0) {
            return;
        }
        if (n.isReplica()) {
            cluster.setNodeAsMaster(n);
        }
        n.configEpoch = m.updateConfigEpoch;
        cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_FSYNC_CONFIG);
        updateSlotsConfigWith(n, m.updateConfigEpoch, m.updateSlots);
    }

    /** The IP a message's sender is at: the one it announces, else the link's peer. */
    private static String ipOf(BusLink link, BusMessage m) {
        if (m.myip != null && !m.myip.isEmpty()) {
            return m.myip;
        }
        String peer = link.peerIp();
        return peer == null ? "" : peer;
    }

    /**
     * Redis's nodeUpdateAddressIfNeeded: a known node that writes from another address has
     * moved (a restart with another IP); the link to the old address goes.
     */
    private boolean updateAddressIfNeeded(ClusterNode node, BusLink link, BusMessage m) {
        if (link == node.link) {
            return false;
        }
        String ip = ipOf(link, m);
        if (node.port == m.port && node.cport == m.cport && node.pport == m.pport && ip.equals(node.ip)) {
            return false;
        }
        node.ip = ip;
        node.port = m.port;
        node.pport = m.pport;
        node.cport = m.cport;
        if (node.link != null) {
            cluster.freeLink(node.link);
        }
        node.flags &= ~ClusterNode.NOADDR;
        ServerLog.warning("Address updated for node " + node.name + ", now " + node.ip + ":" + node.port);
        if (cluster.myself.isReplica() && cluster.myself.master == node) {
            MasterLink.of(cluster.server).clusterReplicaOf(node.ip, node.port);
        }
        return true;
    }

    /**
     * Redis's clusterProcessGossipSection: failure reports from masters, fresher PONG times, new
     * addresses of failing nodes, and nodes this one has not met yet (started in handshake).
     */
    private void processGossip(BusMessage m, BusLink link) {
        ClusterNode sender = link.node != null ? link.node : cluster.lookup(m.sender);
        ClusterNode myself = cluster.myself;
        long now = cluster.now();
        if (m.gossip == null) {
            return;
        }
        for (BusMessage.Gossip g : m.gossip) {
            int flags = g.flags;
            ClusterNode node = cluster.lookup(g.nodename);
            if (node != null) {
                if (sender != null && sender.isMaster() && node != myself) {
                    if ((flags & (ClusterNode.FAIL | ClusterNode.PFAIL)) != 0) {
                        if (node.failReports.put(sender, now) == null) {
                            ServerLog.verbose("Node " + sender.name + " reported node " + node.name
                                    + " as not reachable.");
                        }
                        cluster.markFailingIfNeeded(node);
                    } else if (node.failReports.remove(sender) != null) {
                        ServerLog.verbose("Node " + sender.name + " reported node " + node.name + " is back online.");
                        node.failReportCount(now, cluster.config.clusterNodeTimeout);
                    }
                }
                // A PONG time others saw is news only for a node this one is not pinging itself.
                if ((flags & (ClusterNode.FAIL | ClusterNode.PFAIL)) == 0 && node.pingSentMillis == 0
                        && node.failReportCount(now, cluster.config.clusterNodeTimeout) == 0) {
                    long pongTime = g.pongReceived * 1000;
                    if (pongTime <= now + 500 && pongTime > node.pongReceivedMillis) {
                        node.pongReceivedMillis = pongTime;
                    }
                }
                // A node this one cannot reach, seen healthy at another address: try that one.
                if (node.has(ClusterNode.FAIL | ClusterNode.PFAIL) && (flags & ClusterNode.NOADDR) == 0
                        && (flags & (ClusterNode.FAIL | ClusterNode.PFAIL)) == 0
                        && (!node.ip.equalsIgnoreCase(g.ip) || node.port != g.port || node.cport != g.cport)) {
                    if (node.link != null) {
                        cluster.freeLink(node.link);
                    }
                    node.ip = g.ip;
                    node.port = g.port;
                    node.pport = g.pport;
                    node.cport = g.cport;
                    node.flags &= ~ClusterNode.NOADDR;
                }
            } else if (sender != null && (flags & ClusterNode.NOADDR) == 0 && !cluster.blacklisted(g.nodename)
                    && Cluster.validName(g.nodename)) {
                ClusterNode n = new ClusterNode(g.nodename, flags, now);
                n.ip = g.ip;
                n.port = g.port;
                n.pport = g.pport;
                n.cport = g.cport;
                cluster.addNode(n);
            }
        }
    }

    /**
     * Redis's clusterUpdateSlotsConfigWith: the slots a master claims with a config epoch
     * greater than their owner's become its own. If that takes every slot of this node's shard,
     * this node follows the new owner as its replica; slots this node lost while holding keys
     * in them have those keys deleted.
     */
    void updateSlotsConfigWith(ClusterNode sender, long senderConfigEpoch, byte[] claimed) {
        ClusterNode myself = cluster.myself;
        ClusterNode currentMaster = myself.isMaster() ? myself : myself.master;
        if (sender == myself) {
            ServerLog.warning("Discarding UPDATE message about myself.");
            return;
        }
        ClusterNode newMaster = null;
        int[] dirty = new int[16];
        int dirtyCount = 0;
        int senderSlots = 0;
        int migratedOurSlots = 0;
        for (int j = 0; j < Cluster.SLOTS; j++) {
            if (BusMessage.slotSet(claimed, j)) {
                senderSlots++;
                if (cluster.slots[j] == sender) {
                    cluster.setNotClaiming(j, false);
                    continue;
                }
                // A slot being imported is this node's business: the migration decides.
                if (cluster.importingFrom[j] != null) {
                    continue;
                }
                if (cluster.slotUnclaimed(j) || Long.compareUnsigned(cluster.slots[j].configEpoch, senderConfigEpoch) < 0) {
                    if (cluster.slots[j] == myself && cluster.keysInSlot(j) > 0) {
                        if (dirtyCount == dirty.length) {
                            dirty = Arrays.copyOf(dirty, dirtyCount * 2);
                        }
                        dirty[dirtyCount++] = j;
                    }
                    if (cluster.slots[j] == currentMaster) {
                        newMaster = sender;
                        migratedOurSlots++;
                    }
                    cluster.deleteSlot(j);
                    cluster.addSlot(sender, j);
                    cluster.setNotClaiming(j, false);
                    cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_UPDATE_STATE | Cluster.TODO_FSYNC_CONFIG);
                }
            } else if (cluster.slots[j] == sender) {
                cluster.setNotClaiming(j, true);
            }
        }
        if (newMaster != null && currentMaster.slotCount == 0
                && (cluster.config.clusterAllowReplicaMigration || senderSlots == migratedOurSlots)) {
            ServerLog.warning("Configuration change detected. Reconfiguring myself as a replica of " + sender.name);
            cluster.setMyMaster(sender);
            cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_UPDATE_STATE | Cluster.TODO_FSYNC_CONFIG);
        } else if (myself.master != null && myself.master.master != null && myself.master.master != myself) {
            ServerLog.warning("I'm a sub-replica! Reconfiguring myself as a replica of grandmaster "
                    + myself.master.master.name);
            cluster.setMyMaster(myself.master.master);
            cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_UPDATE_STATE | Cluster.TODO_FSYNC_CONFIG);
        } else {
            for (int i = 0; i < dirtyCount; i++) {
                cluster.deleteKeysInSlot(dirty[i]);
            }
        }
    }
}
