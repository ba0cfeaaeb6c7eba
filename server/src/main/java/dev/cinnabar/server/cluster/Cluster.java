package dev.cinnabar.server.cluster;

import dev.cinnabar.datatypes.HashSlot;
import dev.cinnabar.protocol.cluster.BusMessage;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.replication.MasterLink;
import io.netty.channel.ChannelFuture;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * This node's view of the cluster (Redis's clusterState): the nodes it knows, who serves each of
 * the 16384 slots and by which config epoch, the slots being moved, and whether the cluster is
 * up. The bus ({@link BusProtocol}) changes it as messages arrive; the cron ({@link ClusterCron})
 * pings, reconnects and detects failures; commands read and change it. Everything runs on the
 * engine thread.
 *
 * <p>Changes that must reach nodes.conf or the cluster's state are not applied at once but
 * flagged ({@link #todo}) and done once before the engine sleeps, as Redis batches them in
 * clusterBeforeSleep: a burst of gossip rewrites the file once.
 */
public final class Cluster {
    public static final int SLOTS = HashSlot.SLOTS;
    static final int PORT_INCR = 10000;
    static final int TODO_HANDLE_FAILOVER = 1;
    static final int TODO_UPDATE_STATE = 1 << 1;
    static final int TODO_SAVE_CONFIG = 1 << 2;
    static final int TODO_FSYNC_CONFIG = 1 << 3;
    static final int TODO_HANDLE_MANUAL_FAILOVER = 1 << 4;
    /** Seconds a forgotten node stays out of gossip (Redis's CLUSTER_BLACKLIST_TTL). */
    private static final int BLACKLIST_TTL_SECONDS = 60;

    /** How the bus reaches the network: listening and connecting happen in package {@code net}. */
    public interface Transport {
        void listen(int port) throws IOException;

        /** Connects to {@code ip:port} for {@code link}; its outcome reaches the cluster as events. */
        ChannelFuture connect(String ip, int port, BusLink link);

        void close();
    }

    /**
     * DEBUG DROP-CLUSTER-PACKET-FILTER: messages of this type are dropped on arrival, for tests
     * that cut a node off; -1 drops none.
     */
    int dropPacketFilter = -1;

    final ServerContext server;
    final ServerConfig config;
    ClusterNode myself;
    long currentEpoch;
    long lastVoteEpoch;
    boolean stateOk;
    /** Masters serving at least one slot: the quorum's base. */
    int size = 1;
    final Map<String, ClusterNode> nodes = new LinkedHashMap<>();
    private final Map<String, Long> blacklist = new HashMap<>();
    final ClusterNode[] slots = new ClusterNode[SLOTS];
    final ClusterNode[] migratingTo = new ClusterNode[SLOTS];
    final ClusterNode[] importingFrom = new ClusterNode[SLOTS];
    /**
     * Slots whose owner stopped claiming them in its PINGs (it gave them away in a migration):
     * no UPDATE must then tell anyone it still has them.
     */
    final byte[] ownerNotClaiming = new byte[SLOTS / 8];
    final long[] messagesSent = new long[BusMessage.TYPE_COUNT];
    final long[] messagesReceived = new long[BusMessage.TYPE_COUNT];
    int pfailNodes;
    long linksBufferLimitExceeded;
    int todo;
    final NodesFile file;
    final BusProtocol bus;
    final ClusterCron cron;
    final Failovers failovers;
    private final ClusterAdmin admin;
    Transport transport;
    Consumer<Runnable> engineExecutor = Runnable::run;

    private Cluster(ServerContext server) {
        this.server = server;
        this.config = server.config();
        this.file = new NodesFile(this, config.resolvePath(config.clusterConfigFile));
        this.bus = new BusProtocol(this);
        this.cron = new ClusterCron(this);
        this.failovers = new Failovers(this);
        this.admin = new ClusterAdmin(this);
    }

    /** What the CLUSTER subcommands do. */
    public ClusterAdmin admin() {
        return admin;
    }

    /** The cluster of a server started with {@code cluster-enabled yes}; null otherwise. */
    public static Cluster of(ServerContext server) {
        return (Cluster) server.cluster;
    }

    /**
     * Redis's clusterInit: locks and loads nodes.conf (or makes this node up with a new random
     * name and writes the file), then listens on the bus port. Throws, after logging Redis's
     * line, when the server must not start.
     */
    public static Cluster start(ServerContext server, Transport transport, Consumer<Runnable> engineExecutor)
            throws IOException {
        Cluster c = new Cluster(server);
        server.cluster = c;
        c.transport = transport;
        c.engineExecutor = engineExecutor;
        c.file.lock();
        if (!c.file.load()) {
            c.myself = new ClusterNode(randomName(), ClusterNode.MYSELF | ClusterNode.MASTER, c.now());
            ServerLog.notice("No cluster configuration found, I'm " + c.myself.name);
            c.addNode(c.myself);
            c.file.saveOrDie(true);
        }
        int port = clusterClientPort(c.config);
        if (c.config.clusterPort == 0 && port > 65535 - PORT_INCR) {
            ServerLog.warning("Redis port number too high. Cluster communication port is 10,000 port numbers higher "
                    + "than your Redis port. Your Redis port number must be 55535 or less.");
            throw new IOException("port too high for the cluster bus");
        }
        int cport = c.config.clusterPort != 0 ? c.config.clusterPort : port + PORT_INCR;
        try {
            transport.listen(cport);
        } catch (IOException e) {
            ServerLog.warning("Failed listening on port " + cport + " (cluster), aborting.");
            throw e;
        }
        c.updateMyselfAnnounced();
        return c;
    }

    /** The server's clock, which tests move by hand. */
    long now() {
        return server.clock().millis();
    }

    static String randomName() {
        StringBuilder b = new StringBuilder(ClusterNode.NAME_LENGTH);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < ClusterNode.NAME_LENGTH; i++) {
            b.append(Character.forDigit(r.nextInt(16), 16));
        }
        return b.toString();
    }

    public ClusterNode myself() {
        return myself;
    }

    public boolean ok() {
        return stateOk;
    }

    public ClusterNode slotOwner(int slot) {
        return slots[slot];
    }

    public ClusterNode migratingTo(int slot) {
        return migratingTo[slot];
    }

    public ClusterNode importingFrom(int slot) {
        return importingFrom[slot];
    }

    public void dropPacketFilter(int type) {
        dropPacketFilter = type;
    }

    void todo(int flags) {
        todo |= flags;
    }

    // ------------------------------------------------------------------ announced address

    /**
     * Redis's deriveAnnouncedPorts: the port clients are sent to. With {@code tls-cluster} that is
     * the TLS port, and the plaintext one goes beside it ({@link #announcedPlaintextPort}) for
     * clients that do not speak TLS. As in Redis, {@code cluster-announce-port} overrides the TLS
     * port when {@code cluster-announce-tls-port} is not set.
     */
    int announcedPort() {
        if (config.tlsCluster && config.clusterAnnounceTlsPort != 0) {
            return config.clusterAnnounceTlsPort;
        }
        if (config.clusterAnnouncePort != 0) {
            return config.clusterAnnouncePort;
        }
        return clusterClientPort(config);
    }

    /** The plaintext port of a TLS cluster's node ({@code pport}); 0 without {@code tls-cluster}. */
    int announcedPlaintextPort() {
        if (!config.tlsCluster) {
            return 0;
        }
        return config.clusterAnnounceTlsPort != 0 ? config.clusterAnnouncePort : config.port;
    }

    int announcedBusPort() {
        if (config.clusterAnnounceBusPort != 0) {
            return config.clusterAnnounceBusPort;
        }
        return config.clusterPort != 0 ? config.clusterPort : clusterClientPort(config) + PORT_INCR;
    }

    /**
     * The port a client is told of for {@code n}: in a TLS cluster, its plaintext port for a
     * client that came in without TLS, when the node has one (Redis's use_pport).
     */
    public int clientPort(ClusterNode n, boolean tlsClient) {
        return n.port(usePport(tlsClient));
    }

    /** Redis's use_pport: a TLS cluster shows a client without TLS the plaintext ports. */
    boolean usePport(boolean tlsClient) {
        return config.tlsCluster && !tlsClient;
    }

    /** The port this node serves clients on in the cluster: its TLS port in a TLS cluster. */
    private static int clusterClientPort(ServerConfig config) {
        return config.tlsCluster ? config.tlsPort : config.port;
    }

    /**
     * Keeps myself's ports, IP, hostname and nofailover flag in line with the configuration,
     * which CONFIG SET may change at any time: at start, at CONFIG SET (CLUSTER NODES shows it
     * at once, the next PING tells the others) and in every cron.
     */
    public void updateMyselfAnnounced() {
        myself.port = announcedPort();
        myself.pport = announcedPlaintextPort();
        myself.cport = announcedBusPort();
        String ip = config.clusterAnnounceIp == null ? "" : config.clusterAnnounceIp;
        if (!ip.equals(announcedIp)) {
            // An announced IP replaces the detected one; without one it is detected again (the
            // next MEET or PING tells it), but the one nodes.conf gave stays until then.
            if (!ip.isEmpty() || !announcedIp.isEmpty()) {
                myself.ip = ip;
            }
            announcedIp = ip;
        }
        String host = config.clusterAnnounceHostname == null ? "" : config.clusterAnnounceHostname;
        myself.hostname = host;
        int before = myself.flags;
        myself.flags = (myself.flags & ~ClusterNode.NOFAILOVER) | (config.clusterReplicaNoFailover ? ClusterNode.NOFAILOVER : 0);
        if (myself.flags != before) {
            todo(TODO_SAVE_CONFIG | TODO_UPDATE_STATE);
        }
    }

    private String announcedIp = "";


    // ------------------------------------------------------------------ nodes

    public ClusterNode lookup(String name) {
        if (!validName(name)) {
            return null;
        }
        return nodes.get(name);
    }

    /** Redis's verifyClusterNodeId: forty characters, digits and lower-case letters. */
    static boolean validName(String name) {
        if (name == null || name.length() != ClusterNode.NAME_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))) {
                return false;
            }
        }
        return true;
    }

    void addNode(ClusterNode n) {
        nodes.put(n.name, n);
    }

    /** Redis's clusterDelNode: its slots unassigned, its reports on others gone, its links closed. */
    void deleteNode(ClusterNode gone) {
        for (int j = 0; j < SLOTS; j++) {
            if (importingFrom[j] == gone) {
                importingFrom[j] = null;
            }
            if (migratingTo[j] == gone) {
                migratingTo[j] = null;
            }
            if (slots[j] == gone) {
                deleteSlot(j);
            }
        }
        for (ClusterNode n : nodes.values()) {
            if (n != gone) {
                n.failReports.remove(gone);
            }
        }
        for (ClusterNode r : gone.replicas) {
            r.master = null;
        }
        if (gone.isReplica() && gone.master != null) {
            gone.master.removeReplica(gone);
        }
        nodes.remove(gone.name);
        if (gone.link != null) {
            freeLink(gone.link);
        }
        if (gone.inboundLink != null) {
            freeLink(gone.inboundLink);
        }
    }

    void renameNode(ClusterNode n, String newName) {
        ServerLog.debug("Renaming node " + n.name + " into " + newName);
        nodes.remove(n.name);
        n.name = newName;
        addNode(n);
    }

    /** The node named in a nodes.conf line or a gossip entry, created if unknown. */
    ClusterNode lookupOrCreate(String name) {
        ClusterNode n = nodes.get(name);
        if (n == null) {
            n = new ClusterNode(name, 0, now());
            addNode(n);
        }
        return n;
    }

    void blacklist(ClusterNode n) {
        cleanBlacklist();
        blacklist.put(n.name, now() / 1000 + BLACKLIST_TTL_SECONDS);
    }

    boolean blacklisted(String name) {
        cleanBlacklist();
        return blacklist.containsKey(name);
    }

    private void cleanBlacklist() {
        long nowSeconds = now() / 1000;
        blacklist.values().removeIf(expire -> expire < nowSeconds);
    }

    /**
     * Redis's clusterStartHandshake: a node known only by address, met under a random name that
     * its first PONG replaces. False (with why) for a bad address or one already in handshake.
     */
    boolean startHandshake(String ip, int port, int cport) {
        String normalized = BusLink.normalizeIp(ip);
        if (normalized == null || port <= 0 || port > 65535 || cport <= 0 || cport > 65535) {
            return false;
        }
        for (ClusterNode n : nodes.values()) {
            if (n.inHandshake() && n.ip.equalsIgnoreCase(normalized) && n.port == port && n.cport == cport) {
                return true;
            }
        }
        ClusterNode n = new ClusterNode(randomName(), ClusterNode.HANDSHAKE | ClusterNode.MEET, now());
        n.ip = normalized;
        n.port = port;
        n.cport = cport;
        addNode(n);
        return true;
    }

    // ------------------------------------------------------------------ links

    void freeLink(BusLink link) {
        link.close();
        ClusterNode n = link.node;
        if (n != null) {
            if (n.link == link) {
                n.link = null;
            } else if (n.inboundLink == link) {
                n.inboundLink = null;
            }
        }
    }

    /** DEBUG CLUSTERLINK KILL to|from|all node: drops links as a network fault would (the cron reconnects). */
    public void killLinks(String direction, String nodeName) {
        ClusterNode n = lookup(nodeName);
        if (n == null) {
            throw new CommandError("ERR Unknown node " + nodeName);
        }
        String d = direction.toLowerCase(java.util.Locale.ROOT);
        if (!d.equals("from") && !d.equals("to") && !d.equals("all")) {
            throw new CommandError("ERR Unknown direction " + direction);
        }
        if ((d.equals("to") || d.equals("all")) && n.link != null) {
            freeLink(n.link);
        }
        if ((d.equals("from") || d.equals("all")) && n.inboundLink != null) {
            freeLink(n.inboundLink);
        }
    }

    /** An inbound link learned its node: one inbound link per node, the newer one wins. */
    void setInboundLink(ClusterNode n, BusLink link) {
        if (n.inboundLink != null && n.inboundLink != link) {
            ServerLog.debug("Replacing inbound link from node " + n.name);
            freeLink(n.inboundLink);
        }
        n.inboundLink = link;
        link.node = n;
    }

    /** The transport accepted a connection on the bus port. */
    public void accepted(BusLink link) {
        ServerLog.verbose("Accepting cluster node connection from " + link.peerIp());
    }

    /** An outbound link is connected: it opens with MEET or PING (Redis's clusterLinkConnectHandler). */
    public void connected(BusLink link) {
        ClusterNode node = link.node;
        if (link.closed() || node == null || node.link != link) {
            link.close();
            return;
        }
        long oldPingSent = node.pingSentMillis;
        bus.sendPing(link, node.has(ClusterNode.MEET) ? BusMessage.MEET : BusMessage.PING);
        if (oldPingSent != 0) {
            // Keep the time of the first PING that went unanswered: the failure detector needs it.
            node.pingSentMillis = oldPingSent;
        }
        node.flags &= ~ClusterNode.MEET;
        ServerLog.debug("Connecting with Node " + node.name + " at " + node.ip + ":" + node.cport);
    }

    /** A link could not connect, or closed. */
    public void closed(BusLink link, String why) {
        if (link.closed()) {
            return;
        }
        if (!link.inbound && link.node != null && why != null) {
            ServerLog.verbose("Connection with Node " + link.node.name + " at " + link.node.ip + ":" + link.node.cport
                    + " failed: " + why);
        }
        freeLink(link);
    }

    /** A message arrived on a link. */
    public void received(BusLink link, BusMessage m) {
        if (link.closed()) {
            return;
        }
        bus.process(link, m);
    }

    /** A link sent bytes that are not the bus's: Redis drops the link. */
    public void badStream(BusLink link) {
        ServerLog.warning("Bad message length or signature received from Cluster bus.");
        freeLink(link);
    }

    void send(BusLink link, BusMessage m) {
        if (link == null) {
            return;
        }
        if (m.type < messagesSent.length) {
            messagesSent[m.type]++;
        }
        link.send(m);
    }

    /** To every node past its handshake, on this node's link to it. */
    void broadcast(BusMessage m) {
        for (ClusterNode n : new ArrayList<>(nodes.values())) {
            if (n.has(ClusterNode.MYSELF | ClusterNode.HANDSHAKE)) {
                continue;
            }
            send(n.link, m);
        }
    }

    /** PUBLISH and SPUBLISH reach the other nodes over the bus (Redis's clusterPropagatePublish). */
    public void propagatePublish(byte[] channel, byte[] message, boolean sharded) {
        bus.propagatePublish(channel, message, sharded);
    }

    // ------------------------------------------------------------------ slots

    boolean addSlot(ClusterNode n, int slot) {
        if (slots[slot] != null) {
            return false;
        }
        setSlotBit(n, slot);
        slots[slot] = n;
        return true;
    }

    private void setSlotBit(ClusterNode n, int slot) {
        if (n.setSlotBit(slot) && n.slotCount == 1 && mastersHaveReplicas()) {
            // A master that gets its first slot may receive a migrated replica.
            n.flags |= ClusterNode.MIGRATE_TO;
        }
    }

    private boolean mastersHaveReplicas() {
        for (ClusterNode n : nodes.values()) {
            if (!n.isReplica() && !n.replicas.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    boolean deleteSlot(int slot) {
        ClusterNode n = slots[slot];
        if (n == null) {
            return false;
        }
        ClusterNode shardMaster = myself.isMaster() ? myself : myself.master;
        if (n == shardMaster || n == myself) {
            server.clients().pubsub().dropShardChannelsInSlot(slot);
        }
        n.clearSlotBit(slot);
        slots[slot] = null;
        return true;
    }

    int deleteNodeSlots(ClusterNode n) {
        int deleted = 0;
        for (int j = 0; j < SLOTS; j++) {
            if (n.ownsSlot(j)) {
                deleteSlot(j);
                deleted++;
            }
        }
        return deleted;
    }

    void closeAllSlots() {
        java.util.Arrays.fill(migratingTo, null);
        java.util.Arrays.fill(importingFrom, null);
    }

    boolean slotUnclaimed(int slot) {
        return slots[slot] == null || (ownerNotClaiming[slot >> 3] & (1 << (slot & 7))) != 0;
    }

    void setNotClaiming(int slot, boolean notClaiming) {
        if (notClaiming) {
            ownerNotClaiming[slot >> 3] |= (byte) (1 << (slot & 7));
        } else {
            ownerNotClaiming[slot >> 3] &= (byte) ~(1 << (slot & 7));
        }
    }

    public long keysInSlot(int slot) {
        return server.keyspace().db(0).countKeysInSlot(slot);
    }

    /**
     * The keys of a slot this node lost to another master: deleted without propagation or
     * keyspace events, as Redis 7.0's delKeysInSlot does (the new owner has its own copy).
     */
    int deleteKeysInSlot(int slot) {
        return server.keyspace().db(0).deleteKeysInSlot(slot);
    }

    /**
     * Redis's clusterRedirectBlockedClientIfNeeded: a client blocked on a key whose slot this
     * node no longer serves (it moved, or the cluster went down) is told where to go instead of
     * waiting for a push that will never come here. Null when it may keep waiting.
     */
    public String redirectBlocked(Client c, byte[] key, boolean write) {
        if (!stateOk) {
            return "CLUSTERDOWN The cluster is down";
        }
        int slot = HashSlot.of(key, 0, key.length);
        ClusterNode node = slots[slot];
        if (c.has(Client.CLUSTER_READONLY) && !write && myself.isReplica() && myself.master == node) {
            node = myself;
        }
        if (node == myself || importingFrom[slot] != null) {
            return null;
        }
        if (node == null) {
            return "CLUSTERDOWN Hash slot not served";
        }
        return redirection("MOVED", slot, node, c.tls);
    }

    /**
     * A MOVED or ASK error's text (Redis's clusterRedirectClient), without the leading '-', for
     * a client that came in with TLS or not.
     */
    String redirection(String kind, int slot, ClusterNode n, boolean tlsClient) {
        return kind + " " + slot + " " + preferredEndpoint(n) + ":" + clientPort(n, tlsClient);
    }

    /** Redis's getPreferredEndpoint: what clients are told to connect to (cluster-preferred-endpoint-type). */
    String preferredEndpoint(ClusterNode n) {
        switch (config.clusterPreferredEndpointType) {
            case "hostname":
                return n.hostname.isEmpty() ? "?" : n.hostname;
            case "unknown-endpoint":
                return "";
            default:
                return n.ip;
        }
    }

    // ------------------------------------------------------------------ epochs

    long maxEpoch() {
        long max = 0;
        for (ClusterNode n : nodes.values()) {
            max = Math.max(max, n.configEpoch);
        }
        return Math.max(max, currentEpoch);
    }

    /**
     * Redis's clusterBumpConfigEpochWithoutConsensus: takes a new epoch unless this node's is
     * already the greatest and not zero. Used where a node must win a slot without an election
     * (the end of a migration, CLUSTER FAILOVER TAKEOVER).
     */
    boolean bumpConfigEpochWithoutConsensus() {
        long max = maxEpoch();
        if (myself.configEpoch == 0 || myself.configEpoch != max) {
            currentEpoch++;
            myself.configEpoch = currentEpoch;
            todo(TODO_SAVE_CONFIG | TODO_FSYNC_CONFIG);
            ServerLog.warning("New configEpoch set to " + Long.toUnsignedString(myself.configEpoch));
            return true;
        }
        return false;
    }

    /**
     * Two masters with one config epoch (CLUSTER ADDSLOTS on a new cluster gives every master
     * epoch 0): the one with the smaller name takes a new epoch, so that every master's epoch
     * ends up unique and slot conflicts have a winner.
     */
    void handleConfigEpochCollision(ClusterNode sender) {
        if (sender.configEpoch != myself.configEpoch || !sender.isMaster() || !myself.isMaster()) {
            return;
        }
        if (sender.name.compareTo(myself.name) <= 0) {
            return;
        }
        currentEpoch++;
        myself.configEpoch = currentEpoch;
        file.saveOrDie(true);
        ServerLog.verbose("WARNING: configEpoch collision with node " + sender.name + ". configEpoch set to "
                + Long.toUnsignedString(myself.configEpoch));
    }

    // ------------------------------------------------------------------ roles

    /** Redis's clusterSetNodeAsMaster, for another node seen to be a master now. */
    void setNodeAsMaster(ClusterNode n) {
        if (n.isMaster()) {
            return;
        }
        if (n.master != null) {
            n.master.removeReplica(n);
            if (n != myself) {
                n.flags |= ClusterNode.MIGRATE_TO;
            }
        }
        n.flags &= ~ClusterNode.REPLICA;
        n.flags |= ClusterNode.MASTER;
        n.master = null;
        todo(TODO_SAVE_CONFIG | TODO_UPDATE_STATE);
    }

    /** Redis's clusterSetMaster: this node, with no slots, becomes a replica of {@code n}. */
    void setMyMaster(ClusterNode n) {
        if (myself.isMaster()) {
            myself.flags &= ~(ClusterNode.MASTER | ClusterNode.MIGRATE_TO);
            myself.flags |= ClusterNode.REPLICA;
            closeAllSlots();
        } else if (myself.master != null) {
            myself.master.removeReplica(myself);
        }
        myself.master = n;
        n.addReplica(myself);
        MasterLink.of(server).clusterReplicaOf(n.ip, n.port);
        failovers.resetManual();
    }

    /**
     * Redis's clusterReset: every other node forgotten, every slot released, a replica turned
     * master with its data flushed; HARD also resets the epochs and takes a new name.
     */
    public void reset(boolean hard) {
        if (myself.isReplica()) {
            setNodeAsMaster(myself);
            MasterLink.of(server).clusterUnsetMaster();
            for (int j = 0; j < server.keyspace().count(); j++) {
                server.keyspace().db(j).flush();
            }
        }
        closeAllSlots();
        failovers.resetManual();
        for (int j = 0; j < SLOTS; j++) {
            deleteSlot(j);
        }
        for (ClusterNode n : new ArrayList<>(nodes.values())) {
            if (n != myself) {
                deleteNode(n);
            }
        }
        if (hard) {
            currentEpoch = 0;
            lastVoteEpoch = 0;
            myself.configEpoch = 0;
            ServerLog.warning("configEpoch set to 0 via CLUSTER RESET HARD");
            renameNode(myself, randomName());
            ServerLog.notice("Node hard reset, now I'm " + myself.name);
        }
        todo(TODO_SAVE_CONFIG | TODO_UPDATE_STATE | TODO_FSYNC_CONFIG);
    }

    // ------------------------------------------------------------------ failure detection

    /** Redis's markNodeAsFailingIfNeeded: PFAIL becomes FAIL once a majority of masters agree. */
    void markFailingIfNeeded(ClusterNode node) {
        int quorum = size / 2 + 1;
        if (!node.timedOut() || node.failed()) {
            return;
        }
        int failures = node.failReportCount(now(), config.clusterNodeTimeout);
        if (myself.isMaster()) {
            failures++;
        }
        if (failures < quorum) {
            return;
        }
        ServerLog.notice("Marking node " + node.name + " as failing (quorum reached).");
        node.flags &= ~ClusterNode.PFAIL;
        node.flags |= ClusterNode.FAIL;
        node.failTimeMillis = now();
        bus.sendFail(node.name);
        todo(TODO_UPDATE_STATE | TODO_SAVE_CONFIG);
    }

    /**
     * Redis's clearNodeFailureIfNeeded: a failed node that answers again is cleared at once if it
     * is a replica or a master without slots; a master with slots only after twice the node
     * timeout with nobody having taken them over.
     */
    void clearFailureIfNeeded(ClusterNode node) {
        long now = now();
        if (node.isReplica() || node.slotCount == 0) {
            ServerLog.notice("Clear FAIL state for node " + node.name + ": "
                    + (node.isReplica() ? "replica" : "master without slots") + " is reachable again.");
            node.flags &= ~ClusterNode.FAIL;
            todo(TODO_UPDATE_STATE | TODO_SAVE_CONFIG);
        }
        if (node.isMaster() && node.slotCount > 0 && now - node.failTimeMillis > config.clusterNodeTimeout * 2) {
            ServerLog.notice("Clear FAIL state for node " + node.name
                    + ": is reachable again and nobody is serving its slots after some time.");
            node.flags &= ~ClusterNode.FAIL;
            todo(TODO_UPDATE_STATE | TODO_SAVE_CONFIG);
        }
    }

    // ------------------------------------------------------------------ state

    private long firstStateUpdateMillis;
    private long amongMinoritySinceMillis;
    private static final int MAX_REJOIN_DELAY = 5000;
    private static final int MIN_REJOIN_DELAY = 500;
    /** A master that just started waits this long before saying the cluster is up. */
    private static final int WRITABLE_DELAY = 2000;

    /**
     * Redis's clusterUpdateState: the cluster is ok when every slot is served by a node not
     * failing (with cluster-require-full-coverage) and a majority of the masters with slots are
     * reachable. A master coming back from the minority side waits before accepting writes, so
     * that it learns of a failover first.
     */
    void updateState() {
        todo &= ~TODO_UPDATE_STATE;
        long now = now();
        if (firstStateUpdateMillis == 0) {
            firstStateUpdateMillis = now;
        }
        if (myself.isMaster() && !stateOk && now - firstStateUpdateMillis < WRITABLE_DELAY) {
            return;
        }
        boolean ok = true;
        if (config.clusterRequireFullCoverage) {
            for (int j = 0; j < SLOTS; j++) {
                if (slots[j] == null || slots[j].failed()) {
                    ok = false;
                    break;
                }
            }
        }
        int reachable = 0;
        size = 0;
        for (ClusterNode n : nodes.values()) {
            if (n.isMaster() && n.slotCount > 0) {
                size++;
                if (!n.has(ClusterNode.FAIL | ClusterNode.PFAIL)) {
                    reachable++;
                }
            }
        }
        if (reachable < size / 2 + 1) {
            ok = false;
            amongMinoritySinceMillis = now;
        }
        if (ok != stateOk) {
            long rejoinDelay = Math.max(MIN_REJOIN_DELAY, Math.min(MAX_REJOIN_DELAY, config.clusterNodeTimeout));
            if (ok && myself.isMaster() && now - amongMinoritySinceMillis < rejoinDelay) {
                return;
            }
            ServerLog.warning("Cluster state changed: " + (ok ? "ok" : "fail"));
            stateOk = ok;
        }
    }

    /**
     * Redis's verifyClusterConfigWithData, after the dataset loaded: keys in a slot nobody
     * serves make this node its owner, keys in another node's slot mark it importing. False
     * when a database other than 0 has keys (the server must not start).
     */
    public boolean verifyWithData() {
        if (myself.isReplica()) {
            return true;
        }
        for (int j = 1; j < server.keyspace().count(); j++) {
            if (server.keyspace().db(j).size() != 0) {
                return false;
            }
        }
        int updated = 0;
        for (int j = 0; j < SLOTS; j++) {
            if (keysInSlot(j) == 0 || slots[j] == myself || importingFrom[j] != null) {
                continue;
            }
            updated++;
            if (slots[j] == null) {
                ServerLog.warning("I have keys for unassigned slot " + j + ". Taking responsibility for it.");
                addSlot(myself, j);
            } else {
                ServerLog.warning("I have keys for slot " + j + ", but the slot is assigned to another node. "
                        + "Setting it to importing state.");
                importingFrom[j] = slots[j];
            }
        }
        if (updated > 0) {
            file.saveOrDie(true);
        }
        return true;
    }

    /** Redis's clusterBeforeSleep: the work flagged since the last one. */
    public void beforeSleep() {
        int flags = todo;
        todo = 0;
        if ((flags & TODO_HANDLE_MANUAL_FAILOVER) != 0) {
            if (myself.isReplica()) {
                failovers.handleManual();
                failovers.handleReplicaFailover();
            }
        } else if ((flags & TODO_HANDLE_FAILOVER) != 0) {
            failovers.handleReplicaFailover();
        }
        if ((flags & TODO_UPDATE_STATE) != 0) {
            updateState();
        }
        if ((flags & TODO_SAVE_CONFIG) != 0) {
            file.saveOrDie((flags & TODO_FSYNC_CONFIG) != 0);
        }
    }

    /** Redis's clusterCron, every 100 ms. */
    public void cron() {
        cron.run();
    }

    /** Closes the bus: the listener and every link (at shutdown). */
    public void close() {
        for (ClusterNode n : nodes.values()) {
            if (n.link != null) {
                n.link.close();
            }
            if (n.inboundLink != null) {
                n.inboundLink.close();
            }
        }
        if (transport != null) {
            transport.close();
        }
        file.unlock();
    }

    /** The bus connections, for INFO's and the maxclients' count (Redis's getClusterConnectionsCount). */
    public int connectionCount() {
        return (nodes.size() - 1) * 2;
    }

    /** The master of this node's shard: itself, or its master. */
    ClusterNode shardMaster() {
        return myself.isMaster() ? myself : myself.master;
    }

    List<ClusterNode> nodesServingSlotsOf(ClusterNode node) {
        List<ClusterNode> out = new ArrayList<>();
        ClusterNode primary = node.isMaster() ? node : node.master;
        if (primary == null) {
            return out;
        }
        out.add(primary);
        out.addAll(primary.replicas);
        return out;
    }
}
