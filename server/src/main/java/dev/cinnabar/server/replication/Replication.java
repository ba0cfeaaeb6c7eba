package dev.cinnabar.server.replication;

import dev.cinnabar.persistence.rdb.RdbFileWriter;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.client.BlockedClients;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ClientListFormat;
import dev.cinnabar.server.client.ReplicaLink;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.client.ServerIds;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.Propagation;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.persistence.AofOutput;
import dev.cinnabar.server.persistence.Persistence;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The master's side of Redis's replication: replicas synchronize with PSYNC (a full sync from a
 * snapshot, or a partial one from the backlog), then get the stream of propagated writes; they
 * acknowledge offsets with REPLCONF ACK, which WAIT and min-replicas-to-write count.
 *
 * <p>The stream is the propagated commands in RESP, with SELECT where the database changes, and
 * the PINGs and GETACKs the master adds: each byte has an offset (the server's
 * {@code master_repl_offset} counts them), which is what replicas acknowledge and resume from.
 * Commands are encoded as they propagate, and handed to the backlog and the replicas when the
 * engine flushes its replies ({@link #feed}), so a batch of commands costs one copy per replica.
 *
 * <p>A replica that cannot continue from the backlog gets a full sync ({@link FullSync}): an RDB
 * of a snapshot, streamed to it or sent from the dump, then the stream held for it since.
 */
public final class Replication implements Propagation.Sink {
    /** Lowercase, as Redis 7.0 writes it into the stream. */
    private static final Argv PING = Argv.of("ping");
    private static final Argv GETACK = Argv.of("REPLCONF", "GETACK", "*");

    private final ServerContext server;
    private final ServerConfig config;
    private final ServerIds ids;
    /** Replicas in the order they came (INFO's slave0, slave1, ...). */
    private final List<Client> replicas = new ArrayList<>();
    /** Null until the first replica; freed after repl-backlog-ttl without replicas. */
    private ReplicationBacklog backlog;
    /** The stream made since the last {@link #feed}. */
    private final AofOutput pending = new AofOutput(4096);
    /** The database the stream last selected (Redis's slaveseldb), -1 to select again. */
    private int selectedDb = -1;
    private long noReplicasSinceSeconds;
    /** A WAIT blocked: the replicas are asked for an ACK before the loop sleeps. */
    private boolean ackRequested;
    private final List<WaitForAcks> waiting = new ArrayList<>();
    /** A replica acknowledged its diskless sync: its held stream goes out at the next feed. */
    private boolean streamsToStart;
    private long cronLoops;
    private final FullSync fullSync;
    private Consumer<Runnable> engineExecutor = Runnable::run;
    /** The replica's side, made when first needed (see MasterLink.of). */
    MasterLink link;
    /** A coordinated FAILOVER's state (see Failover.of). */
    Failover failover;


    private Replication(ServerContext server) {
        this.server = server;
        this.config = server.config();
        this.ids = server.ids();
        this.fullSync = new FullSync(server, this);
        Persistence.of(server).replicationAux = this::savedHistory;
        server.clients().onLinkGone(c -> {
            if (c.master) {
                MasterLink.of(server).masterGone(c);
            } else {
                replicaGone(c);
            }
        });
    }

    public static Replication of(ServerContext server) {
        if (server.replication == null) {
            server.replication = new Replication(server);
        }
        return (Replication) server.replication;
    }

    /** How work reaches the engine thread from the transport's threads (the engine sets it up). */
    public void engineExecutor(Consumer<Runnable> executor) {
        this.engineExecutor = executor;
        MasterLink.of(server).engineExecutor(executor);
    }

    long nowSeconds() {
        return server.clock().millis() / 1000;
    }

    // ------------------------------------------------------------------ the stream

    @Override
    public int target() {
        return Propagation.TO_REPLICAS;
    }

    @Override
    public void propagate(int db, Argv command) {
        append(db, command);
    }

    /**
     * Redis's replicationFeedSlaves: {@code command} joins the stream, after a SELECT when
     * {@code db} is not the selected one (-1 keeps whatever is selected).
     */
    private void append(int db, Argv command) {
        if (backlog == null || !config.masterHost.isEmpty()) {
            // No replica ever came: nothing to keep, and the offset stays. On a replica the
            // stream is its master's, passed on as it is applied (passOn).
            return;
        }
        int before = pending.size();
        if (db >= 0 && db != selectedDb) {
            pending.select(db);
            selectedDb = db;
        }
        pending.command(command);
        ids.advanceReplicationOffset(pending.size() - before);
    }

    /**
     * Hands the stream made since the last call to the backlog and the replicas: online ones
     * get it in their output buffer (sent with the replies of this batch), those waiting for
     * their RDB keep what follows their sync's offset. Called before every flush of replies.
     */
    public void feed() {
        if (streamsToStart) {
            startHeldStreams();
        }
        int n = pending.size();
        if (n == 0) {
            return;
        }
        byte[] bytes = pending.array();
        long end = ids.replicationOffset() + 1; // the offset after the last byte
        long start = end - n;
        backlog.append(bytes, 0, n);
        for (int i = 0; i < replicas.size(); i++) {
            Client c = replicas.get(i);
            ReplicaLink r = c.replica;
            if (c.rdbOnly) {
                continue; // redis-cli --rdb: the RDB and nothing after it
            }
            if (r.state == ReplicaLink.WAIT_BGSAVE_END || r.streamOnAck) {
                long from = Math.max(start, r.initialOffset + 1);
                if (from < end) {
                    r.held.writeBytes(bytes, (int) (from - start), (int) (end - from));
                    closeIfHeldTooMuch(c);
                }
            } else if (r.state >= ReplicaLink.SEND_BULK) {
                server.control().output(c).buffer().writeBytes(bytes, 0, n);
            }
        }
        pending.clear();
        if (pending.array().length > 1024 * 1024) {
            pending.trim(4096);
        }
    }

    /** Replicas that acknowledged their diskless sync get the stream held for them since. */
    private void startHeldStreams() {
        streamsToStart = false;
        for (int i = 0; i < replicas.size(); i++) {
            Client c = replicas.get(i);
            ReplicaLink r = c.replica;
            if (r.state == ReplicaLink.ONLINE && !r.streamOnAck && r.held != null) {
                server.control().output(c).buffer().writeBytes(r.held);
                r.held.release();
                r.held = null;
            }
        }
    }

    /** The hard limit of the replica class applies to what waits for the RDB too. */
    private void closeIfHeldTooMuch(Client c) {
        long hard = config.clientOutputBufferLimits[ServerConfig.OBUF_REPLICA][0];
        if (hard != 0 && c.replica.held.readableBytes() >= hard) {
            ServerLog.warning("Client " + name(c) + " scheduled to be closed ASAP for overcoming of output buffer limits.");
            server.control().kill(c);
        }
    }

    // ------------------------------------------------------------------ SYNC and PSYNC

    /**
     * Redis's syncCommand for a replica (not for {@code redis-cli --rdb}, see RdbTransfer):
     * PSYNC continues from the backlog when it can, else (and for SYNC) a full sync begins.
     * Errors are thrown as Redis replies them; nothing else is replied.
     */
    public void sync(Client c, boolean psync, String replicationId, long offset) {
        if (ReplicaLink.isReplica(c)) {
            return; // Redis ignores SYNC from a replica
        }
        if (Failover.of(server).active()) {
            throw new CommandError("NOMASTERLINK Can't SYNC while failing over");
        }
        if (!config.masterHost.isEmpty() && !MasterLink.of(server).linkUp()) {
            throw new CommandError("NOMASTERLINK Can't SYNC while not connected with my master");
        }
        if (c.reply.buffer() != null && c.reply.buffer().isReadable()) {
            throw new CommandError("ERR SYNC and PSYNC are invalid with pending output");
        }
        if (c.replica == null) {
            c.replica = new ReplicaLink();
        }
        ReplicaLink r = c.replica;
        ServerLog.notice("Replica " + name(c) + " asks for synchronization");
        feed(); // the backlog and the replicas' buffers up to now: what this one continues from
        if (psync) {
            if (tryPartialResync(c, replicationId, offset)) {
                server.stats().syncPartialOk++;
                return;
            }
            if (!replicationId.startsWith("?")) {
                server.stats().syncPartialErr++;
            }
        } else {
            r.preSync = true;
        }
        server.stats().syncFull++;
        if (config.replDisableTcpNodelay) {
            // Fewer, bigger packets to the replica, at the price of some delay (Redis's option).
            c.channel.config().setOption(ChannelOption.TCP_NODELAY, false);
        }
        r.state = ReplicaLink.WAIT_BGSAVE_START;
        attach(c);
        if (replicas.size() == 1 && backlog == null) {
            // A backlog from scratch has no history a replica could continue: a new id.
            ids.changeReplicationId();
            createBacklog();
            ServerLog.notice("Replication backlog created, my new replication IDs are '" + ids.replicationId()
                    + "' and '" + ids.replicationId2() + "'");
        }
        fullSync.begin(c);
    }

    private void attach(Client c) {
        replicas.add(c);
        // A replica's commands (REPLCONF ACK) get no replies: its connection carries the stream.
        c.replyOff = true;
    }

    private void createBacklog() {
        if (backlog == null) {
            server.propagation().addSink(this);
        }
        backlog = new ReplicationBacklog(backlogSize(), ids.replicationOffset() + 1);
    }

    /**
     * A replica took its master's history (a full sync): a backlog of it from the offset it
     * starts at, kept even without replicas, so that replicas can continue after a promotion.
     */
    void newHistory() {
        pending.clear();
        selectedDb = -1;
        createBacklog();
    }

    /**
     * On a replica: commands of the master's stream, applied up to {@code offset}, go on to this
     * server's backlog and replicas as they came.
     */
    void passOn(byte[] bytes, int n, long offset) {
        if (backlog != null) {
            pending.raw(bytes, 0, n);
        }
        ids.replicationOffset(offset);
    }

    /** Closes every replica's connection: they sync again (Redis's disconnectSlaves). */
    void disconnectReplicas() {
        feed();
        for (Client c : new ArrayList<>(replicas)) {
            server.control().kill(c);
        }
    }

    /** This replica became a master: the stream it makes selects its database first. */
    void promoted() {
        feed();
        selectedDb = -1;
        noReplicasSinceSeconds = nowSeconds();
    }

    private int backlogSize() {
        return (int) Math.min(Integer.MAX_VALUE - 8, Math.max(1, config.replBacklogSize));
    }

    /** CONFIG SET repl-backlog-size: the backlog keeps the newest bytes that fit. */
    public void backlogSizeChanged() {
        if (backlog != null) {
            backlog.resize(backlogSize());
        }
    }

    /** Redis's masterTryPartialResynchronization: true when the replica continues from the backlog. */
    private boolean tryPartialResync(Client c, String replicationId, long offset) {
        String id = ids.replicationId();
        String id2 = ids.replicationId2();
        if (!replicationId.equalsIgnoreCase(id)
                && (!replicationId.equalsIgnoreCase(id2) || offset > ids.secondReplicationOffset())) {
            if (replicationId.startsWith("?")) {
                ServerLog.notice("Full resync requested by replica " + name(c));
            } else if (!replicationId.equalsIgnoreCase(id) && !replicationId.equalsIgnoreCase(id2)) {
                ServerLog.notice("Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '"
                        + replicationId + "', my replication IDs are '" + id + "' and '" + id2 + "')");
            } else {
                ServerLog.notice("Partial resynchronization not accepted: Requested offset for second ID was " + offset
                        + ", but I can reply up to " + ids.secondReplicationOffset());
            }
            return false;
        }
        if (backlog == null || !backlog.holdsFrom(offset)) {
            ServerLog.notice("Unable to partial resync with replica " + name(c)
                    + " for lack of backlog (Replica request was: " + offset + ").");
            if (offset > ids.replicationOffset()) {
                ServerLog.warning("Warning: replica " + name(c)
                        + " tried to PSYNC with an offset that is greater than the master replication offset.");
            }
            return false;
        }
        ReplicaLink r = c.replica;
        r.state = ReplicaLink.ONLINE;
        r.ackSeconds = nowSeconds();
        attach(c);
        byte[] reply = (r.capaPsync2 ? "+CONTINUE " + id + "\r\n" : "+CONTINUE\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuf out = Unpooled.buffer(reply.length + (int) (backlog.firstOffset() + backlog.length() - offset));
        out.writeBytes(reply);
        int header = out.readableBytes();
        backlog.copyFrom(offset, out);
        long sent = out.readableBytes() - header;
        server.stats().netReplOutputBytes += sent;
        // Before anything the stream adds from now on, which goes through the output buffer.
        c.channel.writeAndFlush(out);
        ServerLog.notice("Partial resynchronization request from " + name(c) + " accepted. Sending " + sent
                + " bytes of backlog starting from offset " + offset + ".");
        refreshGoodReplicas();
        return true;
    }

    private void replicaGone(Client c) {
        if (!replicas.contains(c)) {
            return;
        }
        ServerLog.notice("Connection with replica " + name(c) + " lost.");
        detach(c);
    }

    /** The stream selects its database again before the next command (a replica starts from it). */
    void selectAgain() {
        selectedDb = -1;
    }

    /** Runs {@code task} on the engine thread (from the transport's). */
    void onEngine(Runnable task) {
        engineExecutor.accept(task);
    }

    void detach(Client c) {
        replicas.remove(c);
        c.replica.state = ReplicaLink.HANDSHAKE;
        c.replica.release();
        if (replicas.isEmpty()) {
            noReplicasSinceSeconds = nowSeconds();
        }
        refreshGoodReplicas();
    }

    // ------------------------------------------------------------------ acknowledgements and WAIT

    /** REPLCONF ACK from a replica: the offset it processed. */
    public void acknowledged(Client c, long offset) {
        ReplicaLink r = c.replica;
        if (offset > r.ackOffset) {
            r.ackOffset = offset;
        }
        r.ackSeconds = nowSeconds();
        if (r.streamOnAck && r.state == ReplicaLink.ONLINE) {
            // Redis's replicaStartCommandStream: what was held goes out with the next flush,
            // not into this command's reply, which a replica does not get.
            r.streamOnAck = false;
            streamsToStart = true;
        }
    }

    /** Redis's replicationCountAcksByOffset. */
    public int acknowledgedBy(long offset) {
        int n = 0;
        for (Client c : replicas) {
            if (c.replica.state == ReplicaLink.ONLINE && c.replica.ackOffset >= offset) {
                n++;
            }
        }
        return n;
    }

    /**
     * WAIT numreplicas: answers at once when enough replicas acknowledged the client's last
     * write (or the client may not block), else blocks it until they do or {@code deadline}.
     */
    public void waitForAcks(Client c, long numreplicas, long deadline) {
        if (!config.masterHost.isEmpty()) {
            throw new CommandError("ERR WAIT cannot be used with replica instances. Please also "
                    + "note that since Redis 4.0 if a replica is configured to be writable (which is not the default) "
                    + "writes to replicas are just local and are not propagated.");
        }
        long offset = c.writeOffset;
        int acked = acknowledgedBy(offset);
        if (acked >= numreplicas || c.denyBlocking) {
            c.reply.integer(acked);
            return;
        }
        WaitForAcks w = new WaitForAcks(c, offset, numreplicas);
        server.clients().blocked().block(c, c.db(), new byte[0][], deadline, w);
        waiting.add(w);
        ackRequested = true;
    }

    /** A blocked WAIT; it answers the acknowledgements of its offset when its time is up. */
    private final class WaitForAcks implements BlockedClients.Waiter {
        final Client client;
        final long offset;
        final long replicas;

        WaitForAcks(Client client, long offset, long replicas) {
            this.client = client;
            this.offset = offset;
            this.replicas = replicas;
        }

        @Override
        public boolean serve(Client c, Db db, byte[] key) {
            return false;
        }

        @Override
        public void timedOut(ReplyWriter reply) {
            reply.integer(acknowledgedBy(offset));
        }
    }

    /**
     * Before the loop sleeps (Redis's beforeSleep): WAITs whose replicas acknowledged are
     * answered, then one GETACK goes to the replicas for all the WAITs that blocked.
     */
    public void beforeSleep() {
        if (failover != null) {
            failover.update();
        }
        if (!waiting.isEmpty()) {
            answerWaits();
        }
        if (ackRequested) {
            ackRequested = false;
            append(-1, GETACK);
        }
    }

    private void answerWaits() {
        BlockedClients blocked = server.clients().blocked();
        for (int i = 0; i < waiting.size(); i++) {
            WaitForAcks w = waiting.get(i);
            Client c = w.client;
            BlockedClients.Blocking b = BlockedClients.of(c);
            if (c.isClosed() || b == null || b.waiter() != w) {
                waiting.remove(i--); // answered by its timeout, unblocked, or gone
                continue;
            }
            int acked = acknowledgedBy(w.offset);
            if (acked >= w.replicas) {
                ByteBuf out = server.control().output(c).buffer();
                int mark = out.writerIndex();
                c.reply.integer(acked);
                if (c.repliesSuppressed() && c.reply.buffer() == out) {
                    out.writerIndex(mark);
                }
                blocked.unblock(c);
                waiting.remove(i--);
            }
        }
    }

    // ------------------------------------------------------------------ the cron

    /** Once a second (Redis's replicationCron, the master's part). */
    public void cron() {
        long now = nowSeconds();
        // Not at the first run: Redis's comes before any replica can have connected, ours may
        // come after replicas reconnected to a restarted master, whose offset must stay put.
        if (!replicas.isEmpty() && cronLoops > 0 && cronLoops % Math.max(1, config.replPingReplicaPeriod) == 0) {
            append(-1, PING);
        }
        fullSync.keepAlive();
        for (Client c : new ArrayList<>(replicas)) {
            ReplicaLink r = c.replica;
            if (r.state == ReplicaLink.ONLINE && !r.preSync && now - r.ackSeconds > config.replTimeout) {
                ServerLog.warning("Disconnecting timedout replica (streaming sync): " + name(c));
                server.control().kill(c);
            }
        }
        if (replicas.isEmpty() && backlog != null && config.replBacklogTtl != 0 && config.masterHost.isEmpty()
                && now - noReplicasSinceSeconds > config.replBacklogTtl) {
            // Without a backlog the offset stops; a new id keeps a later PSYNC from trusting it.
            ids.changeReplicationId();
            backlog = null;
            selectedDb = -1;
            pending.clear();
            server.propagation().removeSink(this);
            ServerLog.notice("Replication backlog freed after " + config.replBacklogTtl
                    + " seconds without connected replicas.");
        }
        fullSync.startPending();
        fullSync.removeDumpMadeForReplicas();
        refreshGoodReplicas();
        MasterLink.of(server).cron();
        cronLoops++;
    }

    // ------------------------------------------------------------------ the history across restarts

    /**
     * Redis's rdbPopulateSaveInfo: a save records where this server's replication history is, so
     * that after a restart it continues it (its replicas with PSYNC, or itself as a replica): a
     * master with a backlog, a replica with a master or a cached one.
     */
    private void savedHistory(RdbFileWriter.Aux aux) {
        int db;
        if (config.masterHost.isEmpty()) {
            if (backlog == null) {
                return;
            }
            db = selectedDb == -1 ? 0 : selectedDb; // the next write selects its own anyway
        } else {
            db = MasterLink.of(server).streamDb();
            if (db < 0) {
                return;
            }
        }
        aux.replStreamDb = db;
        aux.replId = ids.replicationId();
        aux.replOffset = ids.replicationOffset();
    }

    /** A key a master dropped as expired while it loaded at start: its DEL follows the history. */
    private record ExpiredKey(int db, byte[] key) {
    }

    private List<ExpiredKey> expiredAtStart;

    /** Before the dump loads at start: a master keeps the keys it drops as expired. */
    public void loadingAtStart() {
        if (config.masterHost.isEmpty() && !config.appendOnly) {
            List<ExpiredKey> expired = new ArrayList<>();
            expiredAtStart = expired;
            Persistence.of(server).expiredWhileLoading = (key, db) -> expired.add(new ExpiredKey(db, key));
        }
    }

    /**
     * After the load at start (Redis's loadDataFromDisk): with a history recorded in the dump, a
     * replica takes it as its cached master, to continue with PSYNC; a master keeps it as its
     * second id, with a backlog from there holding the DELs of the keys it dropped as expired.
     */
    public void loadedAtStart() {
        Persistence p = Persistence.of(server);
        p.expiredWhileLoading = null;
        List<ExpiredKey> expired = expiredAtStart;
        expiredAtStart = null;
        Persistence.ReplicationHistory h = config.appendOnly ? null : p.loadedReplicationHistory();
        if (h == null) {
            return;
        }
        if (!config.masterHost.isEmpty()) {
            ids.adoptHistory(h.id(), h.offset());
            MasterLink.of(server).cacheOwnHistory(h.streamDb());
            return;
        }
        ids.restartedFrom(h.id(), h.offset());
        createBacklog();
        noReplicasSinceSeconds = nowSeconds();
        byte[] del = (config.lazyfreeLazyExpire ? "UNLINK" : "DEL").getBytes(StandardCharsets.US_ASCII);
        for (ExpiredKey e : expired == null ? List.<ExpiredKey>of() : expired) {
            append(e.db(), Argv.of(del, e.key()));
        }
        feed();
    }

    /** DEBUG REPLICATE: {@code command} goes to the replicas as is, in the selected database. */
    public void replicate(Argv command) {
        append(-1, command);
    }

    /** Every replica acknowledged the whole stream (Redis's isReadyToShutdown). */
    public boolean caughtUp() {
        long offset = ids.replicationOffset();
        for (Client c : replicas) {
            if (c.replica.ackOffset != offset) {
                return false;
            }
        }
        return true;
    }

    /** A GETACK to the replicas now (Redis's sendGetackToReplicas). */
    public void requestAcks() {
        append(-1, GETACK);
    }

    /** What a shutdown logs of the replicas (Redis's finishShutdown). */
    public void logLaggingReplicas() {
        long offset = ids.replicationOffset();
        long now = nowSeconds();
        int lagging = 0;
        for (Client c : replicas) {
            ReplicaLink r = c.replica;
            if (r.ackOffset != offset) {
                lagging++;
                long lag = r.state == ReplicaLink.ONLINE ? now - r.ackSeconds : 0;
                ServerLog.warning("Lagging replica " + name(c) + " reported offset " + (offset - r.ackOffset)
                        + " behind master, lag=" + lag + ", state=" + r.stateName() + ".");
            }
        }
        if (!replicas.isEmpty()) {
            ServerLog.notice((replicas.size() - lagging) + " of " + replicas.size()
                    + " replicas are in sync when shutting down.");
        }
    }

    /** Redis's refreshGoodSlavesCount. */
    public void refreshGoodReplicas() {
        if (config.minReplicasToWrite == 0 || config.minReplicasMaxLag == 0) {
            return;
        }
        long now = nowSeconds();
        int good = 0;
        for (Client c : replicas) {
            if (c.replica.state == ReplicaLink.ONLINE && now - c.replica.ackSeconds <= config.minReplicasMaxLag) {
                good++;
            }
        }
        server.goodReplicas = good;
    }

    // ------------------------------------------------------------------ what INFO and ROLE show

    public List<Client> replicas() {
        return replicas;
    }

    public boolean backlogActive() {
        return backlog != null;
    }

    public long backlogFirstOffset() {
        return backlog == null ? 0 : backlog.firstOffset();
    }

    public long backlogLength() {
        return backlog == null ? 0 : backlog.length();
    }

    /**
     * The stream waiting for the replicas: held for those waiting for their RDB, unsent in the
     * others' buffers (INFO's mem_clients_slaves; Redis counts its shared buffer beyond the backlog).
     */
    public long replicaBufferBytes() {
        long n = 0;
        for (Client c : replicas) {
            ByteBuf held = c.replica.held;
            n += held == null ? 0 : held.readableBytes();
            n += ClientListFormat.pendingOutput(c);
        }
        return n;
    }

    /** The replica's address as INFO and ROLE show it: announced, or its connection's peer. */
    public static String ip(Client c) {
        if (c.replica != null && c.replica.announcedIp != null) {
            return c.replica.announcedIp;
        }
        String addr = c.remoteAddress;
        int colon = addr.lastIndexOf(':');
        String ip = colon < 0 ? addr : addr.substring(0, colon);
        return ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
    }

    /** Redis's replicationGetSlaveName: the address and the port it listens on, for the log. */
    static String name(Client c) {
        if (c.remoteAddress == null || c.remoteAddress.isEmpty()) {
            return "client id #" + c.id;
        }
        String ip = ip(c);
        int port = c.replica == null ? 0 : c.replica.listeningPort;
        if (port == 0) {
            return ip + ":<unknown-replica-port>";
        }
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + port;
    }
}
