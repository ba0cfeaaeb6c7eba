package dev.cinnabar.server.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The text of CLUSTER NODES, CLUSTER REPLICAS and nodes.conf, one line per node:
 * {@code <id> <ip:port@cport[,hostname]> <flags> <master> <ping-sent> <pong-recv> <epoch>
 * <link-state> <slot> ...}, with the slots being moved appended to this node's own line.
 */
public final class NodeDescriptions {
    private static final int[] FLAG_BITS = {
        ClusterNode.MYSELF, ClusterNode.MASTER, ClusterNode.REPLICA, ClusterNode.PFAIL, ClusterNode.FAIL,
        ClusterNode.HANDSHAKE, ClusterNode.NOADDR, ClusterNode.NOFAILOVER,
    };
    private static final String[] FLAG_NAMES = {
        "myself", "master", "slave", "fail?", "fail", "handshake", "noaddr", "nofailover",
    };

    private NodeDescriptions() {
    }

    static String flags(int flags) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < FLAG_BITS.length; i++) {
            if ((flags & FLAG_BITS[i]) != 0) {
                if (b.length() > 0) {
                    b.append(',');
                }
                b.append(FLAG_NAMES[i]);
            }
        }
        return b.length() == 0 ? "noflags" : b.toString();
    }

    /**
     * Every node but those with a flag in {@code filter}, a line each; with {@code usePport}, a
     * TLS cluster's nodes by their plaintext ports (for a client without TLS, never nodes.conf).
     */
    public static String all(Cluster cluster, int filter, boolean usePport) {
        Map<ClusterNode, List<int[]>> ranges = slotRanges(cluster);
        StringBuilder b = new StringBuilder();
        for (ClusterNode n : cluster.nodes.values()) {
            if ((n.flags & filter) != 0) {
                continue;
            }
            describe(cluster, n, ranges.get(n), usePport, b);
            b.append('\n');
        }
        return b.toString();
    }

    /** One node's line, without the newline (CLUSTER REPLICAS). */
    public static String of(Cluster cluster, ClusterNode n, boolean usePport) {
        StringBuilder b = new StringBuilder();
        describe(cluster, n, slotRanges(cluster).get(n), usePport, b);
        return b.toString();
    }

    /** A run of consecutive slots one node serves. */
    record SlotRun(int start, int end, ClusterNode node) {
    }

    /** The slot table as runs of one owner, in slot order; unserved slots are in none. */
    static List<SlotRun> slotRuns(Cluster cluster) {
        List<SlotRun> runs = new ArrayList<>();
        ClusterNode current = null;
        int start = -1;
        for (int i = 0; i <= Cluster.SLOTS; i++) {
            ClusterNode n = i < Cluster.SLOTS ? cluster.slots[i] : null;
            if (n == current) {
                continue;
            }
            if (current != null) {
                runs.add(new SlotRun(start, i - 1, current));
            }
            current = n;
            start = i;
        }
        return runs;
    }

    /**
     * The runs of consecutive slots each node serves, read from the slot table (Redis's
     * clusterGenNodesSlotsInfo): what the cluster says a node serves, which is what clients act on.
     */
    static Map<ClusterNode, List<int[]>> slotRanges(Cluster cluster) {
        Map<ClusterNode, List<int[]>> out = new HashMap<>();
        for (SlotRun r : slotRuns(cluster)) {
            out.computeIfAbsent(r.node(), k -> new ArrayList<>()).add(new int[] {r.start(), r.end()});
        }
        return out;
    }

    private static void describe(Cluster cluster, ClusterNode n, List<int[]> ranges, boolean usePport, StringBuilder b) {
        b.append(n.name).append(' ').append(n.ip).append(':').append(n.port(usePport)).append('@').append(n.cport);
        if (!n.hostname.isEmpty()) {
            b.append(',').append(n.hostname);
        }
        b.append(' ').append(flags(n.flags)).append(' ');
        b.append(n.master != null ? n.master.name : "-");
        b.append(' ').append(n.pingSentMillis).append(' ').append(n.pongReceivedMillis).append(' ');
        b.append(Long.toUnsignedString(n.shardEpoch()));
        b.append(n.link != null || n.isMyself() ? " connected" : " disconnected");
        if (ranges != null) {
            for (int[] r : ranges) {
                appendRange(b, r[0], r[1]);
            }
        } else if (n.slotCount > 0) {
            // Slots in the node's own bitmap that the table gives to nobody else.
            int start = -1;
            for (int j = 0; j <= Cluster.SLOTS; j++) {
                boolean bit = j < Cluster.SLOTS && n.ownsSlot(j);
                if (bit && start == -1) {
                    start = j;
                } else if (!bit && start != -1) {
                    appendRange(b, start, j - 1);
                    start = -1;
                }
            }
        }
        if (n.isMyself()) {
            for (int j = 0; j < Cluster.SLOTS; j++) {
                if (cluster.migratingTo[j] != null) {
                    b.append(" [").append(j).append("->-").append(cluster.migratingTo[j].name).append(']');
                } else if (cluster.importingFrom[j] != null) {
                    b.append(" [").append(j).append("-<-").append(cluster.importingFrom[j].name).append(']');
                }
            }
        }
    }

    private static void appendRange(StringBuilder b, int start, int end) {
        b.append(' ').append(start);
        if (end != start) {
            b.append('-').append(end);
        }
    }
}
