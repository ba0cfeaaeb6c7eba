package dev.cinnabar.server.client;

import dev.cinnabar.datatypes.value.JvmSizes;
import io.netty.buffer.ByteBuf;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The connected clients, by id, in connection order (as CLIENT LIST shows them), with the
 * client state kept across clients: the monitors and the pause with its held clients.
 */
public final class ClientRegistry {
    /**
     * Heap of a connection beyond its buffers: the client with its decoder, reply writer and
     * argument slices (about 870 bytes, measured), and about as much again for Netty's channel,
     * pipeline, handler and outbound queue.
     */
    public static final long CLIENT_FIXED = 2048;

    private final Map<Long, Client> byId = new LinkedHashMap<>();
    private final Monitors monitors = new Monitors();
    private final ClientPause pause = new ClientPause();
    private final BlockedClients blocked = new BlockedClients();
    private final WatchedKeys watched = new WatchedKeys();
    private final PubSub pubsub = new PubSub();
    private final Tracking tracking = new Tracking(this);
    private final ReplyBufferSettings replyBuffers = new ReplyBufferSettings();
    private final QueryBuffers queryBuffers = new QueryBuffers();
    private final ClientEviction eviction = new ClientEviction();
    /** What the replication does when a replica's or the master's connection ends. */
    private java.util.function.Consumer<Client> linkGone = c -> { };

    public void add(Client c) {
        byId.put(c.id, c);
    }

    /**
     * The client is gone (the engine frees it, and only the engine): it is closed, no longer
     * monitors nor waits for the pause to end or for keys, and its buffers are given back. Per-client state
     * that later features keep across clients (subscriptions, blocked keys, watched keys) is
     * dropped here too.
     */
    public void remove(Client c) {
        c.set(Client.CLOSED);
        byId.remove(c.id);
        if (c.monitor) {
            monitors.remove(c);
        }
        pause.forget(c);
        blocked.remove(c);
        c.discardTransaction();
        pubsub.forget(c);
        tracking.forget(c);
        queryBuffers.forget(c);
        eviction.forget(c);
        if (c.replica != null || c.master) {
            linkGone.accept(c);
        }
        if (c.replica != null) {
            c.replica.release();
        }
        c.releaseBuffers();
    }

    /** Sets what {@link #remove} does for a replica (one that announced itself) or the master. */
    public void onLinkGone(java.util.function.Consumer<Client> hook) {
        linkGone = hook;
    }

    public Client get(long id) {
        return byId.get(id);
    }

    public int size() {
        return byId.size();
    }

    public Collection<Client> all() {
        return Collections.unmodifiableCollection(byId.values());
    }

    public Monitors monitors() {
        return monitors;
    }

    public ClientPause pause() {
        return pause;
    }

    /** The channel, shard channel and pattern subscriptions; the way messages are published. */
    public PubSub pubsub() {
        return pubsub;
    }

    /** Client-side caching: the tracking table, BCAST prefixes and invalidation messages. */
    public Tracking tracking() {
        return tracking;
    }

    /** The clients blocked on keys. */
    public BlockedClients blocked() {
        return blocked;
    }

    /** WATCH's registry of watched keys. */
    public WatchedKeys watched() {
        return watched;
    }

    /** How the cron sizes reply buffers (DEBUG REPLYBUFFER). */
    public ClientEviction eviction() {
        return eviction;
    }

    public QueryBuffers queryBuffers() {
        return queryBuffers;
    }

    public ReplyBufferSettings replyBuffers() {
        return replyBuffers;
    }

    /** Clients held by a pause or by a blocking command (INFO's {@code blocked_clients}). */
    public int blockedCount() {
        return pause.postponedCount() + blocked.count();
    }

    /** The heap every connected client holds: see {@link #memoryOf}. */
    public long memory() {
        long total = 0;
        for (Client c : byId.values()) {
            total += memoryOf(c);
        }
        return total;
    }

    /**
     * One client's memory: fixed part, query buffer, the reply buffer of the running batch, and
     * the replies handed to the network that the socket has not taken yet. Redis counts all of
     * its output buffers in {@code used_memory}, so replies a client does not read can make keys
     * be evicted (up to what back-pressure lets a client hold here, see {@link OutputLimits}).
     */
    public static long memoryOf(Client c) {
        long bytes = CLIENT_FIXED;
        int query = c.decoder.capacity();
        if (query > 0) {
            bytes += JvmSizes.byteArray(query);
        }
        ByteBuf out = c.reply.buffer();
        if (out != null) {
            bytes += out.capacity();
        }
        return bytes + c.output.transportPending(c.channel);
    }
}
