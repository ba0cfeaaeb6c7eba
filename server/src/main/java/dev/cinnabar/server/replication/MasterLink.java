package dev.cinnabar.server.replication;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.protocol.RespBuffer;
import dev.cinnabar.server.client.BlockedClients;
import dev.cinnabar.server.client.BusyState;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ClientListFormat;
import dev.cinnabar.server.client.LongTask;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.client.ServerIds;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.persistence.AofRewrite;
import dev.cinnabar.server.persistence.Persistence;
import dev.cinnabar.server.persistence.StagedDataset;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The replica's side of replication (Redis's replicaof, syncWithMaster, the master client): it
 * connects to the master, synchronizes (a full sync loads the master's RDB in place of the
 * dataset; a partial one continues from the offset it had), then applies the master's stream as
 * the commands of a client that is obeyed, never answered, and acknowledges what it applied
 * every second and when asked (REPLCONF GETACK). Its own replicas get the master's stream as it
 * is applied, with the master's offsets, so that any of them can later continue from any other.
 *
 * <p>Engine thread, but for the methods {@link MasterHandshake} calls from the connection's event
 * loop, which hand their news to the engine.
 */
public final class MasterLink {
    /** What the transport does for the link: connect out, and make a connection a client. */
    public interface Connector {
        /** Connects to {@code host:port} with {@code handler} as the connection's handler. */
        ChannelFuture connect(String host, int port, ChannelHandler handler);

        /**
         * Turns {@code channel}, connected with {@code handshake}, into a client connection on
         * the connection's event loop; {@code leftover} (taken there) is its first input.
         */
        void adopt(Channel channel, ChannelHandler handshake, Supplier<ByteBuf> leftover);
    }

    /** Redis's repl_state, as ROLE names them. */
    enum State {
        NONE("none"), CONNECT("connect"), CONNECTING("connecting"), HANDSHAKE("handshake"), TRANSFER("sync"),
        CONNECTED("connected");

        final String role;

        State(String role) {
            this.role = role;
        }
    }

    private final ServerContext server;
    private final ServerConfig config;
    private final ServerIds ids;
    private Connector connector;
    private Consumer<Runnable> engineExecutor = Runnable::run;
    private State state = State.NONE;
    /** The attempt under way, or null. */
    private MasterHandshake handshake;
    private Channel channel;
    /** The master's client once the stream flows. */
    private Client master;
    /** The offset of the master's stream applied here (Redis's master->reploff). */
    private long appliedOffset;
    /** {@code appliedOffset} less what the master client's decoder consumed: offsets from its bytes. */
    private long decoderBase;
    /** A full sync's history: the id and offset +FULLRESYNC gave. */
    private String syncId;
    private long syncOffset;
    /** What a lost master left to continue from with PSYNC; null when there is nothing. */
    private String cachedId;
    private long cachedOffset;
    private int cachedDb;
    private long downSinceSeconds;
    private volatile long lastIoMillis;
    private volatile long transferSize = -1;
    private volatile long transferRead;
    /** The master's commands applied but not yet passed on (a MULTI until its EXEC). */
    private final RespBuffer unpassed = new RespBuffer(256);

    private MasterLink(ServerContext server) {
        this.server = server;
        this.config = server.config();
        this.ids = server.ids();
    }

    public static MasterLink of(ServerContext server) {
        Replication replication = Replication.of(server);
        if (replication.link == null) {
            replication.link = new MasterLink(server);
        }
        return replication.link;
    }

    public void connector(Connector c) {
        this.connector = c;
    }

    public void engineExecutor(Consumer<Runnable> executor) {
        this.engineExecutor = executor;
    }

    private void state(State s) {
        state = s;
        server.masterLinkUp = s == State.CONNECTED;
    }

    private long nowSeconds() {
        return server.clock().millis() / 1000;
    }

    public boolean isReplica() {
        return !config.masterHost.isEmpty();
    }

    /** Redis's repl_state == REPL_STATE_CONNECTED: the stream flows. */
    public boolean linkUp() {
        return state == State.CONNECTED;
    }

    // ------------------------------------------------------------------ REPLICAOF

    /** The start with a replicaof line: a replica from the first cron on. */
    public void startAsReplica() {
        if (isReplica()) {
            becomeReplica(config.masterHost, config.masterPort, false);
        }
    }

    /** REPLICAOF host port (Redis's replicationSetMaster), by {@code by}. */
    public void replicaOf(String host, int port, Client by) {
        boolean wasMaster = !isReplica();
        if (master != null) {
            config.masterHost = "";
            server.control().kill(master);
        }
        disconnectBlockedClients();
        config.masterHost = host;
        config.masterPort = port;
        becomeReplica(host, port, wasMaster);
        ServerLog.notice("REPLICAOF " + host + ":" + port + " enabled (user request from '" + describe(by) + "')");
    }

    /**
     * Redis's disconnectAllBlockedClients: a client blocked on this server as a master (BLPOP,
     * WAIT) would be served by writes that are now its master's to make; it gets an error and
     * its connection closes.
     */
    private void disconnectBlockedClients() {
        BlockedClients blocked = server.clients().blocked();
        for (Client c : new ArrayList<>(server.clients().all())) {
            if (BlockedClients.of(c) == null || c.isClosed()) {
                continue;
            }
            server.control().output(c).error("UNBLOCKED force unblock from blocking operation, instance state changed "
                    + "(master -> replica?)");
            blocked.unblock(c);
            c.closeAfterReply();
        }
    }

    private void becomeReplica(String host, int port, boolean wasMaster) {
        config.masterHost = host;
        config.masterPort = port;
        server.keyspace().expiryEnabled(false);
        ServerLog.role('S');
        cancelHandshake();
        if (wasMaster) {
            // Our own history, to continue from if the new master shares it (after a failover).
            cachedId = ids.replicationId();
            cachedOffset = ids.replicationOffset();
            cachedDb = 0;
        }
        state(State.CONNECT);
        dev.cinnabar.server.config.OomScoreAdj.apply(config);
        ServerLog.notice("Connecting to MASTER " + host + ":" + port);
        connect();
    }

    /**
     * The cluster made this node a replica of {@code host:port} (CLUSTER REPLICATE, a master
     * that took its slots, a failover): Redis's replicationSetMaster, with no client to name.
     */
    public void clusterReplicaOf(String host, int port) {
        boolean wasMaster = !isReplica();
        if (!wasMaster && host.equals(config.masterHost) && port == config.masterPort) {
            return;
        }
        if (master != null) {
            config.masterHost = "";
            server.control().kill(master);
        }
        disconnectBlockedClients();
        becomeReplica(host, port, wasMaster);
    }

    /**
     * How old this replica's data may be, for a cluster replica deciding whether it may fail
     * over: since the master last wrote, or since the link went down.
     */
    public long dataAgeMillis() {
        if (master != null && state == State.CONNECTED) {
            return server.clock().millis() - master.lastInteractionMillis;
        }
        return Math.max(0, nowSeconds() - downSinceSeconds) * 1000;
    }

    /** The cluster made this replica a master (CLUSTER RESET, a failover it won). */
    public void clusterUnsetMaster() {
        unsetMaster();
    }

    /** REPLICAOF NO ONE, by {@code by}. */
    public void noOne(Client by) {
        if (!isReplica()) {
            return;
        }
        unsetMaster();
        ServerLog.notice("MASTER MODE enabled (user request from '" + describe(by) + "')");
    }

    /** PSYNC ... FAILOVER from this replica's master: it takes over, by {@code by}'s request. */
    public void takeOver(Client by) {
        unsetMaster();
        ServerLog.notice("MASTER MODE enabled (failover request from '" + describe(by) + "')");
    }

    /** FAILOVER: this master becomes a replica of {@code host:port}, whose PSYNC carries FAILOVER. */
    void failOverTo(String host, int port) {
        disconnectBlockedClients();
        becomeReplica(host, port, true);
    }

    /** Redis's replicationUnsetMaster: a master again, its history so far the second id. */
    void unsetMaster() {
        if (!isReplica()) {
            return;
        }
        config.masterHost = "";
        dev.cinnabar.server.config.OomScoreAdj.apply(config);
        if (master != null) {
            server.control().kill(master);
            master = null;
        }
        cachedId = null;
        cancelHandshake();
        // Our history so far stays valid as the second id: replicas of the old master continue.
        ids.shiftReplicationId();
        Replication.of(server).disconnectReplicas();
        Replication.of(server).promoted();
        state(State.NONE);
        downSinceSeconds = 0;
        server.keyspace().expiryEnabled(true);
        ServerLog.role('M');
    }

    private String describe(Client c) {
        StringBuilder b = new StringBuilder();
        ClientListFormat.append(b, c, server.clock().millis(), ClientListFormat.pendingOutput(c), false);
        return b.toString();
    }

    // ------------------------------------------------------------------ connecting and the handshake

    private void connect() {
        if (connector == null) {
            return; // no transport (tests of the engine alone)
        }
        state(State.CONNECTING);
        lastIoMillis = System.currentTimeMillis();
        List<String[]> commands = new ArrayList<>();
        List<MasterHandshake.Step> steps = new ArrayList<>();
        if (!config.masterAuth.isEmpty()) {
            commands.add(config.masterUser.isEmpty() ? new String[] {"AUTH", config.masterAuth}
                    : new String[] {"AUTH", config.masterUser, config.masterAuth});
            steps.add(MasterHandshake.Step.AUTH);
        }
        // A replica that talks TLS to its master is reached on its own TLS port too.
        int port = config.replicaAnnouncePort != 0 ? config.replicaAnnouncePort
                : config.tlsReplication && config.tlsPort != 0 ? config.tlsPort : config.port;
        commands.add(new String[] {"REPLCONF", "listening-port", Integer.toString(port)});
        steps.add(MasterHandshake.Step.PORT);
        if (!config.replicaAnnounceIp.isEmpty()) {
            commands.add(new String[] {"REPLCONF", "ip-address", config.replicaAnnounceIp});
            steps.add(MasterHandshake.Step.IP);
        }
        commands.add(new String[] {"REPLCONF", "capa", "eof", "capa", "psync2"});
        steps.add(MasterHandshake.Step.CAPA);
        String id = cachedId != null ? cachedId : "?";
        long offset = cachedId != null ? cachedOffset + 1 : -1;
        MasterHandshake h = new MasterHandshake(this, commands, steps, id, offset, Failover.of(server).inProgress(),
                Path.of(config.dir));
        handshake = h;
        ServerLog.notice("MASTER <-> REPLICA sync started");
        ChannelFuture f = connector.connect(config.masterHost, config.masterPort, h);
        channel = f.channel();
        f.addListener(done -> {
            if (!done.isSuccess()) {
                engineExecutor.accept(() -> connectFailed(h, done.cause()));
            }
        });
    }

    private void connectFailed(MasterHandshake h, Throwable cause) {
        if (handshake != h) {
            return;
        }
        ServerLog.warning("Unable to connect to MASTER: " + (cause == null ? "unknown error" : cause.getMessage()));
        handshake = null;
        channel = null;
        state(State.CONNECT);
    }

    private void cancelHandshake() {
        if (handshake != null) {
            handshake.cancel();
            handshake = null;
            channel = null;
        }
        transferSize = -1;
        transferRead = 0;
        if (state != State.CONNECTED) {
            state(isReplica() ? State.CONNECT : State.NONE);
        }
    }

    /** Bytes came, or the connection is up: for the timeouts. Any thread. */
    void io(MasterHandshake h) {
        lastIoMillis = System.currentTimeMillis();
        if (h == handshake && state == State.CONNECTING) {
            engineExecutor.accept(() -> {
                if (handshake == h && state == State.CONNECTING) {
                    state(State.HANDSHAKE);
                }
            });
        }
    }

    /** The master refused our PSYNC: a failover in progress is aborted (Redis's syncWithMaster). */
    void psyncRefused(MasterHandshake h) {
        engineExecutor.accept(() -> {
            if (handshake == h && Failover.of(server).inProgress()) {
                Failover.of(server).abort("Failover target rejected psync request");
            }
        });
    }

    void handshakeFailed(MasterHandshake h) {
        engineExecutor.accept(() -> {
            if (handshake == h) {
                boolean transferring = state == State.TRANSFER;
                dropHandshake(); // the cron tries again, or at once after a transfer
                if (transferring) {
                    reconnectAfterFailure();
                }
            }
        });
    }

    /** +FULLRESYNC: the transfer begins (its size unknown until the payload's header), as Redis's. */
    void fullResync(MasterHandshake h, String id, long offset) {
        transferRead = 0;
        transferSize = -1;
        engineExecutor.accept(() -> {
            if (handshake == h) {
                syncId = id;
                syncOffset = offset;
                cachedId = null; // Redis's replicationDiscardCachedMaster
                state(State.TRANSFER);
                if (Failover.of(server).inProgress()) {
                    Failover.of(server).succeeded(); // a full sync is unexpected but no failure
                }
            }
        });
    }

    void transferStarted(MasterHandshake h, long size) {
        transferRead = 0;
        transferSize = size;
    }

    void transferProgress(MasterHandshake h, long read) {
        transferRead = read;
    }

    /** The RDB is all in {@code temp}: Redis's readSyncBulkPayload from "Flushing old data" on. */
    void transferDone(MasterHandshake h, Path temp, long bytes) {
        engineExecutor.accept(() -> {
            if (handshake != h) {
                return;
            }
            server.stats().netReplInputBytes += bytes;
            loadSync(h, temp);
        });
    }

    private void loadSync(MasterHandshake h, Path temp) {
        Persistence p = Persistence.of(server);
        dropOldData();
        Path dump = p.dumpPath();
        try {
            Files.move(temp, dump, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            ServerLog.warning("Failed trying to rename the temp DB into " + dump.getFileName()
                    + " in MASTER <-> REPLICA synchronization: " + e.getMessage());
            failSync(h);
            return;
        }
        ServerLog.notice("MASTER <-> REPLICA sync: Loading DB in memory");
        if (p.loadFromMaster(dump) != Persistence.LoadOutcome.LOADED) {
            ServerLog.warning("Failed trying to load the MASTER synchronization DB from disk, check server logs.");
            failSync(h);
            return;
        }
        synced(h);
    }

    /** Before a full sync's load: no save, rewrite or replica of the old data goes on, and it goes. */
    private void dropOldData() {
        Persistence.of(server).cancelBackground();
        AofRewrite.of(server).kill();
        Replication.of(server).disconnectReplicas();
        ServerLog.notice("MASTER <-> REPLICA sync: Flushing old data");
        // replica-lazy-flush: Redis empties the old data in the background (INFO's lazyfreed_objects).
        Persistence.of(server).emptyData(config.replicaLazyFlush);
    }

    /** The master's dataset is loaded: its history is ours, and the stream follows. */
    private void synced(MasterHandshake h) {
        ids.adoptHistory(syncId, syncOffset);
        Replication.of(server).newHistory();
        streamFrom(h, syncOffset, 0);
        ServerLog.notice("MASTER <-> REPLICA sync: Finished with success");
        if (config.appendOnly) {
            // The AOF must hold the dataset just loaded: a rewrite, as Redis's restartAOFAfterSYNC.
            AofRewrite.of(server).bgrewriteaofCommand(false);
        }
    }

    /**
     * Redis's useDisklessLoad: repl-diskless-load swapdb, or on-empty-db with no keys. Asked on
     * the connection's thread when the payload begins.
     */
    boolean loadsWithoutDisk() {
        return swapDb() || ("on-empty-db".equals(config.replDisklessLoad) && server.keyspace().totalKeys() == 0);
    }

    /**
     * repl-diskless-load swapdb: the master's RDB loads into databases aside and replaces the
     * old data only once whole; a failed load leaves the old data as it was.
     */
    private boolean swapDb() {
        return "swapdb".equals(config.replDisklessLoad);
    }

    /** How long a diskless load waits for the master's next bytes (repl-timeout). */
    long transferTimeoutMillis() {
        return config.replTimeout * 1000L;
    }

    /** A diskless load begins: the engine parses {@code stream} as the connection fills it. */
    void streamStarted(MasterHandshake h, PayloadStream stream) {
        engineExecutor.accept(() -> {
            if (handshake != h) {
                stream.fail(new IOException("the handshake was abandoned"));
                return;
            }
            loadStreaming(h, stream);
        });
    }

    /**
     * Redis's readSyncBulkPayload with a diskless load. Without swapdb the old data is flushed
     * and the RDB loaded in its place, clients answered -LOADING meanwhile; a failure leaves the
     * server empty and the link to retry. With swapdb it loads aside and is swapped in at the
     * end; when the master's replication id is the one this replica had (a full sync of the same
     * history, after the backlog ran out), that is Redis 7.0's async loading: the old data is
     * served meanwhile, as the point in time of the same dataset it is.
     */
    private void loadStreaming(MasterHandshake h, PayloadStream stream) {
        Persistence p = Persistence.of(server);
        StagedDataset staged = null;
        boolean async = false;
        if (swapDb()) {
            p.cancelBackground();
            AofRewrite.of(server).kill();
            staged = new StagedDataset(server);
            async = ids.replicationId().equals(syncId);
        } else {
            dropOldData();
        }
        ServerLog.notice("MASTER <-> REPLICA sync: Loading DB in memory");
        boolean loaded = p.loadFromMaster(stream, transferSize, staged, async) == Persistence.LoadOutcome.LOADED;
        if (loaded && !awaitPayloadEnd(h, async)) {
            ServerLog.warning("Replication stream EOF marker is broken");
            loaded = false;
        }
        if (!loaded) {
            ServerLog.warning("Failed trying to load the MASTER synchronization DB from socket");
            if (staged != null) {
                staged.discard();
                ServerLog.notice("MASTER <-> REPLICA sync: Discarding temporary DB in background");
            } else {
                p.emptyData();
            }
            failSync(h);
            return;
        }
        if (staged != null) {
            // Redis's replicationAttachToNewMaster, which the swapdb load defers to its success.
            Replication.of(server).disconnectReplicas();
            ServerLog.notice("MASTER <-> REPLICA sync: Swapping active DB with loaded DB");
            staged.swapIn();
            ServerLog.notice("MASTER <-> REPLICA sync: Discarding old DB in background");
        }
        // The dataset changed without a save (Redis counts it as one change).
        server.keyspace().dirty++;
        server.stats().netReplInputBytes += transferRead;
        synced(h);
    }

    /**
     * After the loader found the RDB's end: true once the connection has seen the payload's end
     * too (its mark), which a well-formed transfer sends at once; false after repl-timeout.
     */
    private boolean awaitPayloadEnd(MasterHandshake h, boolean async) {
        long deadline = System.currentTimeMillis() + transferTimeoutMillis();
        try (LongTask waiting = server.control().beginLongTask(null, async ? BusyState.ASYNC_LOADING : BusyState.LOADING)) {
            while (!h.payloadDone()) {
                if (System.currentTimeMillis() > deadline || h.isCancelled()) {
                    return false;
                }
                waiting.poll(); // reads the connection too, when it is on this thread
                LockSupport.parkNanos(1_000_000);
            }
        }
        return true;
    }

    private void failSync(MasterHandshake h) {
        h.cancel();
        dropHandshake();
        reconnectAfterFailure();
    }

    /** The attempt in progress is over: the link waits to connect again. */
    private void dropHandshake() {
        handshake = null;
        channel = null;
        transferSize = -1;
        state(State.CONNECT);
    }

    /**
     * A transfer or its load failed, or the handshake or transfer timed out: the next attempt
     * starts now rather than at the next cron, as Redis's cancelReplicationHandshake(1), so that
     * the backlog has a second less to outrun.
     */
    private void reconnectAfterFailure() {
        if (isReplica()) {
            ServerLog.notice("Reconnecting to MASTER " + config.masterHost + ":" + config.masterPort + " after failure");
            connect();
        }
    }

    /** +CONTINUE: the stream goes on from the cached offset, in the cached database. */
    void continued(MasterHandshake h, String newId) {
        engineExecutor.accept(() -> {
            if (handshake != h || cachedId == null) {
                return;
            }
            if (Failover.of(server).inProgress()) {
                Failover.of(server).succeeded();
            }
            if (newId != null && !newId.equals(cachedId)) {
                // The master's history has a new id from here: ours too, the old one as the second.
                ids.continueAs(newId, cachedOffset + 1);
                ServerLog.notice("Master replication ID changed to " + newId);
                Replication.of(server).disconnectReplicas();
            }
            long offset = cachedOffset;
            int db = cachedDb;
            cachedId = null;
            streamFrom(h, offset, db);
            ServerLog.notice("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
        });
    }

    /** The connection becomes the master's client, whose stream starts after {@code offset}. */
    private void streamFrom(MasterHandshake h, long offset, int db) {
        Channel ch = channel;
        handshake = null;
        transferSize = -1;
        appliedOffset = offset;
        ch.attr(Client.ADOPTED).set(c -> masterConnected(c, offset, db));
        connector.adopt(ch, h, h::takeLeftover);
    }

    /** The master's client exists (on the engine, before any of its input). */
    private void masterConnected(Client c, long offset, int db) {
        if (!isReplica()) {
            server.control().kill(c);
            return;
        }
        master = c;
        c.master = true;
        c.authenticated = true;
        // Nothing is answered to the master (Redis's CLIENT_MASTER), but the ACKs it asks for.
        c.replyOff = true;
        c.reply.errorObserver(new MasterErrors(c));
        c.select(server.keyspace().db(db));
        appliedOffset = offset;
        decoderBase = offset;
        unpassed.clear();
        state(State.CONNECTED);
        downSinceSeconds = 0;
        sendAck(); // a diskless master starts the stream at the first ACK
    }

    /**
     * What a replica does when a command of its master fails here (Redis's afterErrorReply for
     * the master's client): the data may have diverged, so it says so loudly, and with
     * propagation-error-behavior panic (or panic-on-replicas) on a read-only replica it stops.
     */
    private final class MasterErrors implements ReplyWriter.ErrorObserver {
        private final Client client;
        private final ReplyWriter.ErrorObserver stats = server.stats().errors;

        MasterErrors(Client client) {
            this.client = client;
        }

        @Override
        public void errorReplied(String message, int from) {
            stats.errorReplied(message, from);
            String command = client.lastCommand == null ? "<unknown>" : client.lastCommand.fullName;
            ServerLog.warning("== CRITICAL == This replica is sending an error to its master: '" + message.substring(from)
                    + "' after processing the command '" + command + "'");
            server.stats().unexpectedErrorReplies++;
            String behavior = config.propagationErrorBehavior;
            if (config.replicaReadOnly && (behavior.equals("panic") || behavior.equals("panic-on-replicas"))) {
                ServerLog.warning("------------------------------------------------");
                ServerLog.warning("!!! Software Failure. Press left mouse button to continue");
                ServerLog.warning("Guru Meditation: This replica panicked sending an error to its master after processing "
                        + "the command '" + command + "' #MasterLink.java");
                Runtime.getRuntime().halt(134);
            }
        }

        @Override
        public void errorPassedOn() {
            stats.errorPassedOn();
        }
    }

    /**
     * After each command of the master's client: the applied offset moves on (but inside MULTI,
     * which moves at EXEC, as Redis's), and the command goes on to our own replicas.
     */
    public void applied(Client c) {
        if (c != master) {
            return;
        }
        Replication replication = Replication.of(server);
        unpassed.command(c.argv);
        if (c.has(Client.MULTI)) {
            return;
        }
        appliedOffset = decoderBase + c.decoder.totalFed() - c.decoder.unparsedBytes();
        if (!unpassed.isEmpty()) {
            replication.passOn(unpassed.array(), unpassed.size(), appliedOffset);
            unpassed.clear();
        }
    }

    /** REPLCONF ACK with the offset applied (Redis's replicationSendAck). */
    public void sendAck() {
        Client m = master;
        if (m == null || m.isClosed()) {
            return;
        }
        m.channel.writeAndFlush(Unpooled.wrappedBuffer(encode("REPLCONF", "ACK", Long.toString(appliedOffset))));
    }

    /** A command in RESP, as this replica sends it to its master. */
    static byte[] encode(String... args) {
        RespBuffer b = new RespBuffer(64);
        b.command(Argv.of(args));
        return b.toByteArray();
    }

    /** The master's connection ended (Redis's replicationCacheMaster, then a reconnection). */
    void masterGone(Client c) {
        if (c != master) {
            return;
        }
        master = null;
        ServerLog.notice("Connection with master lost.");
        ServerLog.notice("Caching the disconnected master state.");
        cachedId = ids.replicationId();
        cachedOffset = appliedOffset;
        cachedDb = c.db().id;
        state(State.CONNECT);
        downSinceSeconds = nowSeconds();
        if (isReplica()) {
            ServerLog.notice("Reconnecting to MASTER " + config.masterHost + ":" + config.masterPort);
            connect();
        }
    }

    /**
     * A replica restarted with its history in its dump: that history is its cached master
     * (Redis's replicationCacheMasterUsingMyself), in the database its stream was in.
     */
    void cacheOwnHistory(int db) {
        ServerLog.notice("Before turning into a replica, using my own master parameters to synthesize a cached "
                + "master: I may be able to synchronize with the new master with just a partial transfer.");
        cachedId = ids.replicationId();
        cachedOffset = ids.replicationOffset();
        cachedDb = db;
        appliedOffset = cachedOffset;
    }

    /** The database the master's stream is in, for a save's history; -1 without a master, live or cached. */
    int streamDb() {
        if (master != null) {
            return master.db().id;
        }
        return cachedId != null ? cachedDb : -1;
    }

    // ------------------------------------------------------------------ the cron

    /** Once a second: connect, time out, acknowledge (Redis's replicationCron, the replica's part). */
    public void cron() {
        if (!isReplica()) {
            return;
        }
        long idleMillis = System.currentTimeMillis() - lastIoMillis;
        long timeoutMillis = config.replTimeout * 1000L;
        if ((state == State.CONNECTING || state == State.HANDSHAKE) && idleMillis > timeoutMillis) {
            ServerLog.warning("Timeout connecting to the MASTER...");
            cancelHandshake();
            reconnectAfterFailure();
        }
        if (state == State.TRANSFER && idleMillis > timeoutMillis) {
            ServerLog.warning("Timeout receiving bulk data from MASTER... If the problem persists try to set the "
                    + "'repl-timeout' parameter in redis.conf to a larger value.");
            cancelHandshake();
            reconnectAfterFailure();
        }
        if (state == State.CONNECTED && master != null
                && server.clock().millis() - master.lastInteractionMillis > timeoutMillis) {
            ServerLog.warning("MASTER timeout: no data nor PING received...");
            server.control().kill(master);
        }
        if (state == State.CONNECT) {
            ServerLog.notice("Connecting to MASTER " + config.masterHost + ":" + config.masterPort);
            connect();
        }
        if (state == State.CONNECTED) {
            sendAck();
        }
    }

    // ------------------------------------------------------------------ what INFO and ROLE show

    public String roleState() {
        return state.role;
    }

    /** The offset applied, for ROLE: -1 without a master client. */
    public long roleOffset() {
        return master != null ? appliedOffset : -1;
    }

    /** INFO's slave_repl_offset: applied, or what a lost master left, or 1. */
    public long appliedOffset() {
        if (master != null) {
            return appliedOffset;
        }
        return cachedId != null ? cachedOffset : 1;
    }

    /**
     * Redis's replicationGetSlaveOffset, which the cluster bus carries: the offset applied from
     * the master, or the one a lost master left; 0 while a full sync replaces the data (the
     * cluster shows such a replica as "loading").
     */
    public long processedOffset() {
        if (!isReplica()) {
            return 0;
        }
        if (master != null) {
            return appliedOffset;
        }
        return cachedId != null ? cachedOffset : 0;
    }

    /** INFO's slave_read_repl_offset: read from the master, applied or not. */
    public long readOffset() {
        if (master != null) {
            return decoderBase + master.decoder.totalFed();
        }
        return appliedOffset();
    }

    /** INFO's master_last_io_seconds_ago: -1 without a master client. */
    public long lastIoSecondsAgo() {
        return master == null ? -1 : (server.clock().millis() - master.lastInteractionMillis) / 1000;
    }

    public boolean transferring() {
        return state == State.TRANSFER;
    }

    public long transferSize() {
        return transferSize;
    }

    public long transferRead() {
        return transferRead;
    }

    public long transferLastIoSecondsAgo() {
        return (System.currentTimeMillis() - lastIoMillis) / 1000;
    }

    /** INFO's master_link_down_since_seconds: -1 when the link was never up. */
    public long linkDownSinceSeconds() {
        return downSinceSeconds == 0 ? -1 : nowSeconds() - downSinceSeconds;
    }
}
