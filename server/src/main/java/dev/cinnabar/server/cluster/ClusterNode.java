package dev.cinnabar.server.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node of the cluster as this node sees it (Redis's clusterNode): its name, role, address,
 * the slots it claims, what the bus last heard from it and who reported it unreachable. Owned by
 * the engine thread, as the rest of {@link Cluster}.
 */
public final class ClusterNode {
    public static final int MASTER = 1;
    public static final int REPLICA = 2;
    /** Possibly failing: this node has not heard from it within cluster-node-timeout. */
    public static final int PFAIL = 4;
    /** Failing, by a majority of the masters' reports. */
    public static final int FAIL = 8;
    public static final int MYSELF = 16;
    /** Met by address, not yet by name: the first PONG tells who it is. */
    public static final int HANDSHAKE = 32;
    public static final int NOADDR = 64;
    /** The next connection to it opens with MEET rather than PING. */
    public static final int MEET = 128;
    /** A master that may receive a migrated replica (it has or had replicas). */
    public static final int MIGRATE_TO = 256;
    public static final int NOFAILOVER = 512;

    public static final int NAME_LENGTH = 40;

    String name;
    int flags;
    long configEpoch;
    final byte[] slots = new byte[Cluster.SLOTS / 8];
    int slotCount;
    final List<ClusterNode> replicas = new ArrayList<>(0);
    /** The master of a replica; may be null when the master is not known here. */
    ClusterNode master;
    final long createdMillis;
    long pingSentMillis;
    long pongReceivedMillis;
    long dataReceivedMillis;
    long failTimeMillis;
    long votedTimeMillis;
    long replOffset;
    long replOffsetTimeMillis;
    long orphanedSinceMillis;
    /** The number of the last PING that carried this node in its gossip section. */
    long lastPingGossip;
    String ip = "";
    String hostname = "";
    int port;
    int pport;
    int cport;
    /** The connection this node opened to it; reconnected by the cron. */
    BusLink link;
    /** The connection it opened to this node. */
    BusLink inboundLink;
    /** The masters that reported it failing, with when they last did. */
    final Map<ClusterNode, Long> failReports = new LinkedHashMap<>();

    ClusterNode(String name, int flags, long nowMillis) {
        this.name = name;
        this.flags = flags;
        this.createdMillis = nowMillis;
    }

    public String name() {
        return name;
    }

    public String ip() {
        return ip;
    }

    public int port() {
        return port;
    }

    /** Its port, or with {@code plaintext} its plaintext port where it has one (a TLS cluster's pport). */
    int port(boolean plaintext) {
        return plaintext && pport != 0 ? pport : port;
    }

    public boolean isMaster() {
        return (flags & MASTER) != 0;
    }

    public boolean isReplica() {
        return (flags & REPLICA) != 0;
    }

    public boolean isMyself() {
        return (flags & MYSELF) != 0;
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    boolean inHandshake() {
        return has(HANDSHAKE);
    }

    boolean failed() {
        return has(FAIL);
    }

    boolean timedOut() {
        return has(PFAIL);
    }

    public boolean ownsSlot(int slot) {
        return (slots[slot >> 3] & (1 << (slot & 7))) != 0;
    }

    /** Sets the slot's bit; true if it was clear. */
    boolean setSlotBit(int slot) {
        if (ownsSlot(slot)) {
            return false;
        }
        slots[slot >> 3] |= (byte) (1 << (slot & 7));
        slotCount++;
        return true;
    }

    /** Clears the slot's bit; true if it was set. */
    boolean clearSlotBit(int slot) {
        if (!ownsSlot(slot)) {
            return false;
        }
        slots[slot >> 3] &= (byte) ~(1 << (slot & 7));
        slotCount--;
        return true;
    }

    boolean addReplica(ClusterNode replica) {
        if (replicas.contains(replica)) {
            return false;
        }
        replicas.add(replica);
        flags |= MIGRATE_TO;
        return true;
    }

    boolean removeReplica(ClusterNode replica) {
        boolean removed = replicas.remove(replica);
        if (removed && replicas.isEmpty()) {
            flags &= ~MIGRATE_TO;
        }
        return removed;
    }

    int nonFailingReplicas() {
        int n = 0;
        for (ClusterNode r : replicas) {
            if (!r.failed()) {
                n++;
            }
        }
        return n;
    }

    /** Drops the reports older than twice the node timeout (they no longer count). */
    int failReportCount(long nowMillis, long nodeTimeout) {
        long maxAge = nodeTimeout * 2;
        failReports.values().removeIf(t -> nowMillis - t > maxAge);
        return failReports.size();
    }

    /** The epoch this node's slots are known by: its own, or its master's for a replica. */
    long shardEpoch() {
        return isReplica() && master != null ? master.configEpoch : configEpoch;
    }

    @Override
    public String toString() {
        return name;
    }
}
