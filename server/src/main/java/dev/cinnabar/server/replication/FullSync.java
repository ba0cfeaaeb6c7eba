package dev.cinnabar.server.replication;

import static dev.cinnabar.server.replication.Replication.name;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ReplicaLink;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.client.ServerIds;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.persistence.Persistence;
import dev.cinnabar.server.persistence.RdbTransfer;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A master's full syncs (Redis's syncCommand past the partial resync, startBgsaveForReplication,
 * updateSlavesWaitingBgsave): the saves made for replicas and what each replica waiting for one
 * gets. A full sync starts from a forkless snapshot, whose point in time is the moment it starts:
 * {@code +FULLRESYNC <id> <offset>} with the offset of that moment, then the RDB, then the stream
 * held since ({@link ReplicaLink#held}, filled by {@link Replication#feed}).
 *
 * <p>With repl-diskless-sync (the default) and replicas that all read an RDB ended by a mark,
 * the snapshot's RDB goes straight to their connections (the persistence package's
 * DisklessTransfer): one transfer for the replicas that came within repl-diskless-sync-delay (or
 * until repl-diskless-sync-max-replicas came), and each one's stream starts at its first ACK.
 * Otherwise a BGSAVE writes the dump and the file is sent once it is done; replicas that come
 * while it runs join it when it was started for replicas, as Redis attaches them to a disk save,
 * else wait for the next.
 */
final class FullSync {
    private final ServerContext server;
    private final ServerConfig config;
    private final ServerIds ids;
    private final Replication replication;
    /** The replication's list: replicas in the order they came. */
    private final List<Client> replicas;
    /** The save in progress was started for replicas. */
    private boolean saveForReplicas;
    /** That save streams its RDB to their connections (a diskless sync). */
    private boolean savingToSockets;
    /**
     * A BGSAVE made the dump for replicas with rdb-del-sync-files on: once no replica needs it,
     * a server without persistence deletes it (Redis's RDBGeneratedByReplication).
     */
    private boolean rdbMadeForReplicas;
    /** A callback waits for the end of the save in progress. */
    private boolean awaitingSave;

    FullSync(ServerContext server, Replication replication) {
        this.server = server;
        this.config = server.config();
        this.ids = server.ids();
        this.replication = replication;
        this.replicas = replication.replicas();
    }

    /**
     * The full sync of {@code c}, which has just become a replica waiting for its save (Redis's
     * syncCommand from "CASE 1"): it joins a disk save started for replicas, waits for the next
     * save when one runs or a diskless one is to wait for more replicas, or starts one.
     */
    void begin(Client c) {
        ReplicaLink r = c.replica;
        Persistence p = Persistence.of(server);
        if (p.bgsaveToReplicas()) {
            // Its RDB goes to the replicas it started with, from the start: the next one.
            ServerLog.notice("Current BGSAVE has socket target. Waiting for next BGSAVE for SYNC");
            awaitSave();
        } else if (p.bgsaveInProgress()) {
            Client joined = saveForReplicas ? replicaWaitingForTheSave(c) : null;
            if (joined != null) {
                r.held = Unpooled.buffer(Math.max(256, joined.replica.held.readableBytes()));
                r.held.writeBytes(joined.replica.held, joined.replica.held.readerIndex(), joined.replica.held.readableBytes());
                setUpFullResync(c, joined.replica.initialOffset);
                ServerLog.notice("Waiting for end of BGSAVE for SYNC");
            } else {
                ServerLog.notice("Can't attach the replica to the current BGSAVE. Waiting for next BGSAVE for SYNC");
            }
            awaitSave();
        } else if (config.replDisklessSync && r.capaEof && config.replDisklessSyncDelay > 0) {
            // The cron starts it once more replicas had the time to come (startPending).
            ServerLog.notice("Delay next BGSAVE for diskless SYNC");
        } else if (p.otherChild.getAsBoolean()) {
            ServerLog.notice("No BGSAVE in progress, but another BG operation is active. BGSAVE for replication delayed");
        } else {
            startSaveForReplicas();
        }
    }

    /**
     * A replica whose save {@code c} can share: one waiting for it, whose stream since the save
     * began is held, so not a {@code redis-cli --rdb} client (which holds none) unless {@code c}
     * is one too.
     */
    private Client replicaWaitingForTheSave(Client c) {
        for (Client other : replicas) {
            if (other.replica.state == ReplicaLink.WAIT_BGSAVE_END && (!other.rdbOnly || c.rdbOnly)) {
                return other;
            }
        }
        return null;
    }

    /**
     * Redis's startBgsaveForReplication: a diskless transfer to the replicas waiting when
     * repl-diskless-sync is on and they all read an RDB ended by a mark, else a BGSAVE whose
     * file is sent once it is done.
     */
    private void startSaveForReplicas() {
        List<Client> starting = new ArrayList<>();
        boolean allCapaEof = true;
        for (Client c : replicas) {
            if (c.replica.state == ReplicaLink.WAIT_BGSAVE_START) {
                starting.add(c);
                allCapaEof &= c.replica.capaEof;
            }
        }
        boolean toSockets = config.replDisklessSync && allCapaEof;
        ServerLog.notice("Starting BGSAVE for SYNC with target: " + (toSockets ? "replicas sockets" : "disk"));
        Persistence p = Persistence.of(server);
        boolean started;
        if (toSockets) {
            // +FULLRESYNC before the transfer's first bytes, which its writer thread sends.
            setUpFullResync(starting);
            List<Channel> channels = new ArrayList<>();
            for (Client c : starting) {
                channels.add(c.channel);
            }
            started = p.startBackgroundToReplicas(channels, ServerIds.randomHex(40));
            if (!started) {
                for (Client c : starting) {
                    c.replica.release();
                    c.replica.state = ReplicaLink.WAIT_BGSAVE_START;
                }
            }
        } else {
            // Not started, or started and failed at once (the temporary file could not be made).
            started = p.startBackground() && p.bgsaveInProgress();
            if (started) {
                rdbMadeForReplicas |= config.rdbDelSyncFiles;
                setUpFullResync(starting);
            }
        }
        if (!started) {
            ServerLog.warning("BGSAVE for replication failed");
            for (Client c : starting) {
                replication.detach(c);
                c.replyOff = false;
                server.control().output(c).error("ERR BGSAVE failed, replication can't continue");
                c.closeAfterReply();
            }
            return;
        }
        saveForReplicas = true;
        savingToSockets = toSockets;
        awaitSave();
    }

    /** The replicas a save starts for: their sync's offset is now, the stream after it held. */
    private void setUpFullResync(List<Client> starting) {
        long offset = ids.replicationOffset();
        for (Client c : starting) {
            c.replica.held = Unpooled.buffer(256);
            setUpFullResync(c, offset);
        }
    }

    /** Redis's replicationSetupSlaveForFullResync. */
    private void setUpFullResync(Client c, long offset) {
        ReplicaLink r = c.replica;
        r.initialOffset = offset;
        r.state = ReplicaLink.WAIT_BGSAVE_END;
        replication.selectAgain(); // the stream it gets must select its database first
        if (!r.preSync) {
            c.channel.writeAndFlush(Unpooled.wrappedBuffer(
                    ("+FULLRESYNC " + ids.replicationId() + " " + offset + "\r\n").getBytes(StandardCharsets.US_ASCII)));
        }
    }

    private void awaitSave() {
        if (!awaitingSave) {
            awaitingSave = true;
            Persistence.of(server).whenBackgroundDone(this::saveDone);
        }
    }

    /** Redis's updateSlavesWaitingBgsave, then the next save for those that came meanwhile. */
    private void saveDone(String error) {
        awaitingSave = false;
        saveForReplicas = false;
        boolean streamed = savingToSockets;
        savingToSockets = false;
        for (Client c : new ArrayList<>(replicas)) {
            ReplicaLink r = c.replica;
            if (r.state != ReplicaLink.WAIT_BGSAVE_END) {
                continue;
            }
            if (error != null) {
                ServerLog.warning("SYNC failed. BGSAVE child returned an error");
                server.control().kill(c);
                continue;
            }
            if (streamed) {
                // Its RDB ended with the mark; the stream starts after its first ACK, so that it
                // finds the mark at the end of what it read (Redis's repl_start_cmd_stream_on_ack).
                ServerLog.notice("Streamed RDB transfer with replica " + name(c)
                        + " succeeded (socket). Waiting for REPLCONF ACK from slave to enable streaming");
                r.streamOnAck = true;
                r.state = ReplicaLink.SEND_BULK;
                putOnline(c);
                continue;
            }
            ChannelFuture sent = RdbTransfer.sendFile(c, Persistence.of(server).dumpPath(), "");
            if (sent == null) {
                continue;
            }
            r.state = ReplicaLink.SEND_BULK;
            if (r.held.isReadable()) {
                server.stats().netReplOutputBytes += r.held.readableBytes();
                c.channel.writeAndFlush(r.held);
            } else {
                r.held.release();
            }
            r.held = null;
            sent.addListener(f -> replication.onEngine(() -> putOnline(c)));
        }
        startPending();
    }

    /** Redis's replicaPutOnline: the RDB went out. */
    private void putOnline(Client c) {
        if (c.isClosed() || c.replica.state != ReplicaLink.SEND_BULK) {
            return;
        }
        if (c.rdbOnly) {
            ServerLog.notice("RDB transfer completed, rdb only replica (" + name(c) + ") should be disconnected asap");
            server.control().kill(c);
            return;
        }
        c.replica.state = ReplicaLink.ONLINE;
        c.replica.ackSeconds = replication.nowSeconds();
        replication.refreshGoodReplicas();
        ServerLog.notice("Synchronization with replica " + name(c) + " succeeded");
    }

    /** Redis's replicationStartPendingFork: replicas that wait for a save get one when none runs. */
    void startPending() {
        Persistence p = Persistence.of(server);
        if (p.bgsaveInProgress()) {
            for (Client c : replicas) {
                if (c.replica.state == ReplicaLink.WAIT_BGSAVE_START) {
                    awaitSave();
                    return;
                }
            }
            return;
        }
        if (p.otherChild.getAsBoolean()) {
            return;
        }
        // Redis's shouldStartChildReplication: a diskless sync waits repl-diskless-sync-delay
        // seconds (from the PSYNC of the replica that waited longest) for others to come, so that
        // one transfer serves them all, or until repl-diskless-sync-max-replicas are there.
        int waiting = 0;
        long maxIdleSeconds = 0;
        long nowSeconds = server.clock().millis() / 1000;
        for (Client c : replicas) {
            if (c.replica.state == ReplicaLink.WAIT_BGSAVE_START) {
                waiting++;
                maxIdleSeconds = Math.max(maxIdleSeconds, nowSeconds - c.lastInteractionMillis / 1000);
            }
        }
        if (waiting > 0 && (!config.replDisklessSync
                || (config.replDisklessSyncMaxReplicas > 0 && waiting >= config.replDisklessSyncMaxReplicas)
                || maxIdleSeconds >= config.replDisklessSyncDelay)) {
            startSaveForReplicas();
        }
    }

    /**
     * Once a second: a newline to the replicas waiting for their RDB (out of band, not in the
     * stream), which keeps them from timing out, and the full-sync timeout of those a diskless
     * transfer waits on.
     */
    void keepAlive() {
        for (Client c : new ArrayList<>(replicas)) {
            ReplicaLink r = c.replica;
            if (r.state == ReplicaLink.WAIT_BGSAVE_START
                    || (r.state == ReplicaLink.WAIT_BGSAVE_END && !savingToSockets)) {
                // Not into an RDB on its way (a diskless transfer): it would be part of it.
                c.channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'\n'}));
            } else if (r.state == ReplicaLink.WAIT_BGSAVE_END) {
                // A replica that stopped reading its transfer holds back the others' and the save.
                long stalledSince = Persistence.of(server).replicaStalledSinceMillis(c.channel);
                if (stalledSince != 0 && System.currentTimeMillis() - stalledSince > config.replTimeout * 1000L) {
                    ServerLog.warning("Disconnecting timedout replica (full sync): " + name(c));
                    server.control().kill(c);
                }
            }
        }
    }

    /**
     * Redis's removeRDBUsedToSyncReplicas: with rdb-del-sync-files, a server that persists
     * nothing (no save points, no AOF) does not keep the dump it made to sync replicas once none
     * of them needs it, for setups where no data may stay on disk.
     */
    void removeDumpMadeForReplicas() {
        if (!config.rdbDelSyncFiles) {
            rdbMadeForReplicas = false;
            return;
        }
        if (!rdbMadeForReplicas || config.save.length > 0 || config.appendOnly) {
            return;
        }
        for (Client c : replicas) {
            int state = c.replica.state;
            if (state == ReplicaLink.WAIT_BGSAVE_START || state == ReplicaLink.WAIT_BGSAVE_END
                    || state == ReplicaLink.SEND_BULK) {
                return;
            }
        }
        Persistence p = Persistence.of(server);
        if (Files.exists(p.dumpPath(), LinkOption.NOFOLLOW_LINKS)) {
            rdbMadeForReplicas = false;
            ServerLog.notice("Removing the RDB file used to feed replicas in a persistence-less instance");
            p.unlinkDump();
        }
    }
}
