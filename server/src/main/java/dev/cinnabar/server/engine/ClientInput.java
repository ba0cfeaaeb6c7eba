package dev.cinnabar.server.engine;

import dev.cinnabar.protocol.RequestDecoder;
import dev.cinnabar.server.client.BlockedClients;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ClientEviction;
import dev.cinnabar.server.client.ClientListFormat;
import dev.cinnabar.server.client.ClientPause;
import dev.cinnabar.server.client.ClientRegistry;
import dev.cinnabar.server.client.OutputLimits;
import dev.cinnabar.server.client.ProtectedMode;
import dev.cinnabar.server.client.QueryBuffers;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.client.Tracking;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.exec.Dispatcher;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.memcached.MemcachedSession;
import dev.cinnabar.server.replication.MasterLink;
import dev.cinnabar.server.stats.ServerStats;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The way in: connections arrive, bytes are fed to each client's decoder, and every complete
 * command runs through the dispatcher, in order, as long as the client can run one (see
 * {@link Client#canRunCommand()}). Handles what Redis's readQueryFromClient and
 * processInputBuffer do around that: protocol errors, the query buffer limit, back-pressure, the
 * end of a client's input, cross-protocol attacks, and the clients a pause lets go.
 */
final class ClientInput {
    private static final byte[] MAX_CLIENTS_REACHED =
            "-ERR max number of clients reached\r\n".getBytes(StandardCharsets.US_ASCII);
    /** What memcached says to a connection over its limit, whatever protocol it speaks. */
    private static final byte[] MEMCACHED_MAX_CLIENTS_REACHED =
            "ERROR Too many open connections\r\n".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] MEMCACHED_DENIED = memcachedDenied();

    private static byte[] memcachedDenied() {
        byte[] resp = ProtectedMode.DENIED;
        byte[] prefix = "SERVER_ERROR ".getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + resp.length - 1];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(resp, 1, out, prefix.length, resp.length - 1);
        return out;
    }

    private static final long MAX_HEAP = Runtime.getRuntime().maxMemory();

    private final ServerContext server;
    private final ServerConfig config;
    private final ServerStats stats;
    private final ClientRegistry clients;
    private final Dispatcher dispatcher;
    private final ClientOutputs outputs;
    private long lastAttackLogMillis = Long.MIN_VALUE / 2;

    ClientInput(ServerContext server, Dispatcher dispatcher, ClientOutputs outputs) {
        this.server = server;
        this.config = server.config();
        this.stats = server.stats();
        this.clients = server.clients();
        this.dispatcher = dispatcher;
        this.outputs = outputs;
    }

    /** A new connection, on the engine thread. */
    void connected(Client c) {
        java.util.function.Consumer<Client> adopted = c.channel == null ? null : c.channel.attr(Client.ADOPTED).get();
        if (adopted != null) {
            // A connection this server opened (to its master): no limit or protection applies.
            clients.add(c);
            outputs.watchLimits(c);
            adopted.accept(c);
            return;
        }
        if (c.channel != null && ServerLog.enabled(ServerLog.Level.VERBOSE)) {
            ServerLog.verbose(c.channel.remoteAddress() instanceof InetSocketAddress
                    ? "Accepted " + c.remoteAddress : "Accepted connection to " + config.unixSocket);
        }
        // Turned-away connections count as rejected, not as received, as in Redis.
        if (clients.size() >= config.maxClients) {
            stats.rejectedConnections++;
            if (c.memcached != null) {
                stats.memcached.rejectedConnections++;
            }
            // Written straight to the socket in Redis, so not an error reply that INFO counts.
            outputs.output(c).raw(c.memcached != null ? MEMCACHED_MAX_CLIENTS_REACHED : MAX_CLIENTS_REACHED);
            c.closeAfterReply();
            return;
        }
        if (c.channel != null && ProtectedMode.denies(config, c.server.acl().defaultUser().noPass(), c.channel.remoteAddress())) {
            stats.rejectedConnections++;
            if (c.memcached != null) {
                // The same words as a memcached server error line.
                outputs.output(c).raw(MEMCACHED_DENIED);
                c.closeAfterReply();
                return;
            }
            outputs.output(c).raw(ProtectedMode.DENIED);
            c.closeAfterReply();
            return;
        }
        stats.connectionsReceived++;
        if (c.memcached != null) {
            stats.memcached.totalConnections++;
        }
        clients.add(c);
        outputs.watchLimits(c);
    }

    /** Bytes from a client, on the engine thread; takes ownership of {@code data}. */
    void input(Client c, ByteBuf data) {
        if (c.isClosing()) {
            data.release();
            return;
        }
        if (c.master) {
            stats.netReplInputBytes += data.readableBytes();
        } else {
            stats.netInputBytes += data.readableBytes();
        }
        stats.readsProcessed++;
        c.lastInteractionMillis = server.clock().millis();
        if (c.has(Client.RUNNING_LONG_TASK)) {
            // Its command holds the engine and its arguments live in the decoder's buffer.
            c.holdInput(data);
            return;
        }
        try {
            try {
                if (c.memcached != null) {
                    ((MemcachedSession) c.memcached).feed(data);
                } else {
                    c.decoder.feed(data);
                }
            } finally {
                data.release();
            }
            // As Redis evicts before a command runs: a request that takes the clients past
            // maxmemory-clients does not run.
            if (evictClients(c)) {
                return;
            }
            processInput(c);
        } catch (OutOfMemoryError e) {
            requestTooBigForTheHeap(c);
            return;
        }
        if (!c.isClosed()) {
            clients.queryBuffers().update(c);
            boundQueryBuffers();
            evictClients(c);
        }
    }

    /**
     * {@code maxmemory-clients}: takes {@code c}'s memory again, then disconnects the biggest
     * clients while the total is over the limit. True when {@code c} itself was disconnected.
     */
    boolean evictClients(Client c) {
        long limit = ClientEviction.limit(config);
        if (limit == 0) {
            return false;
        }
        clients.eviction().update(c, ClientListFormat.pendingOutput(c), false);
        evictClients(limit);
        return c.isClosed();
    }

    /** See {@link dev.cinnabar.server.client.ServerControl#pushed}. */
    void pushed(Client c) {
        clients.eviction().update(c, ClientListFormat.pendingOutput(c), false);
    }

    /** Takes every client's memory again, when maxmemory-clients is on. */
    void refreshClientMemory() {
        if (ClientEviction.limit(config) == 0) {
            return;
        }
        for (Client c : clients.all()) {
            clients.eviction().update(c, ClientListFormat.pendingOutput(c), false);
        }
    }

    /** Disconnects the biggest evictable clients until the clients' memory is under {@code limit}. */
    void evictClients(long limit) {
        ClientEviction eviction = clients.eviction();
        while (eviction.total() >= limit) {
            Client biggest = ClientEviction.biggestEvictable(clients.all());
            if (biggest == null) {
                ServerLog.warning("Over client maxmemory after evicting all evictable clients");
                return;
            }
            StringBuilder info = new StringBuilder();
            ClientListFormat.append(info, biggest, server.clock().millis(), ClientListFormat.pendingOutput(biggest), false);
            ServerLog.notice("Evicting client: " + info);
            stats.evictedClients++;
            outputs.free(biggest, true);
        }
    }

    /** Closes the clients holding the most until all half-read requests fit their bound (see {@link QueryBuffers}). */
    private void boundQueryBuffers() {
        QueryBuffers q = clients.queryBuffers();
        if (config.heapReserve == 0 || q.total() <= QueryBuffers.bound(MAX_HEAP, config.heapReserve, Long.MAX_VALUE / 2)) {
            return; // under the least the bound can be: used_memory need not be summed
        }
        long bound = QueryBuffers.bound(MAX_HEAP, config.heapReserve, server.memory().used());
        while (q.total() > bound) {
            Client largest = QueryBuffers.largest(clients.all());
            if (largest == null) {
                return;
            }
            ServerLog.warning("Closing the client whose unfinished request holds the most heap (" + largest.queryBufferHeld()
                    + " bytes): the requests of all clients held " + q.total() + " bytes, over the heap guard's " + bound
                    + ": " + largest);
            stats.evictedClients++;
            outputs.free(largest, true);
        }
    }

    /**
     * The heap ran out while a client's request was being read (a command's own failure is the
     * dispatcher's to answer): the client goes, and with it the buffers that filled the heap,
     * rather than the server; as Redis closes a client over its query-buffer limit.
     */
    private void requestTooBigForTheHeap(Client c) {
        ServerLog.warning("Closing client that sent more than the Java heap can hold: " + c
                + " (qbuf bytes: " + c.decoder.unparsedBytes() + ")");
        outputs.free(c, true);
    }

    /** Runs every complete command in the client's buffer, in order, while the client can run one. */
    void processInput(Client c) {
        if (c.memcached != null) {
            processMemcachedInput(c, (MemcachedSession) c.memcached);
            return;
        }
        outputs.output(c);
        RequestDecoder decoder = c.decoder;
        // What the transport holds is read once: during the loop it only shrinks, and the
        // engine's own buffer, which grows, is counted per command.
        long transport = c.channel == null ? 0 : c.output.transportPending(c.channel);
        long holdAt = OutputLimits.holdAt(config, c);
        if (c.canRunCommand()) {
            dispatcher.keyPrefetch().warm(c.db(), decoder);
        }
        while (c.canRunCommand()) {
            if (c.channel != null && transport + c.reply.buffer().readableBytes() >= holdAt) {
                // Back-pressure: the rest waits until the replies drain (see OutputLimits).
                c.set(Client.OUTPUT_HELD);
                break;
            }
            int r = decoder.next(!c.authenticated, config.protoMaxBulkLen);
            if (r == RequestDecoder.NEED_MORE) {
                break;
            }
            if (r == RequestDecoder.ERROR) {
                protocolError(c, decoder);
                break;
            }
            if (decoder.argv().count() == 0) {
                // An empty request still ends a CLIENT REPLY SKIP, as in Redis.
                commandDone(c);
                continue;
            }
            c.argv = decoder.argv();
            if (c.argv.is(0, "post") || c.argv.is(0, "host:")) {
                crossProtocolAttack(c);
                return;
            }
            execute(c);
            if (outputs.closeIfOverOutputLimit(c, true)) {
                return;
            }
            transport += outputs.flushEarlyIfLarge(c);
        }
        if (c.has(Client.INPUT_ENDED) && c.canRunCommand()) {
            c.closeAfterReply();
        }
        if (!c.isClosed() && decoder.unparsedBytes() > config.clientQueryBufferLimit) {
            // Redis drops such a client at once, unsent replies included, and says so only in the log.
            ServerLog.warning("Closing client that reached max query buffer length: " + c
                    + " (qbuf initial bytes: " + decoder.unparsedRepr(64) + ")");
            outputs.free(c, true);
        }
    }

    /**
     * {@link #processInput} for a connection of the memcached listener: its session runs the
     * requests (text, meta or binary), one at a time, under the same back-pressure, output
     * limits and query-buffer limit as RESP clients.
     */
    private void processMemcachedInput(Client c, MemcachedSession session) {
        outputs.output(c);
        long transport = c.channel == null ? 0 : c.output.transportPending(c.channel);
        long holdAt = OutputLimits.holdAt(config, c);
        while (c.canRunCommand()) {
            if (c.channel != null && transport + c.reply.buffer().readableBytes() >= holdAt) {
                c.set(Client.OUTPUT_HELD);
                break;
            }
            if (heldByPause(session)) {
                c.argv = MEMCACHED_HELD;
                clients.pause().postpone(c);
                break;
            }
            int before = c.reply.buffer().writerIndex();
            int r = session.next();
            stats.memcached.bytesWritten += Math.max(0, c.reply.buffer().writerIndex() - before);
            if (r == MemcachedSession.NEED_MORE) {
                break;
            }
            dispatcher.afterCommandSteps(c);
            if (outputs.closeIfOverOutputLimit(c, true)) {
                return;
            }
            transport += outputs.flushEarlyIfLarge(c);
        }
        if (c.has(Client.INPUT_ENDED) && c.canRunCommand()) {
            c.closeAfterReply();
        }
        if (!c.isClosed() && session.unparsedBytes() > config.clientQueryBufferLimit) {
            ServerLog.warning("Closing client that reached max query buffer length: " + c
                    + " (qbuf initial bytes: " + session.unparsedBytes() + ")");
            outputs.free(c, true);
        }
    }

    /** What a memcached client held by CLIENT PAUSE keeps as its command: its requests stay in its session. */
    private static final dev.cinnabar.protocol.Argv MEMCACHED_HELD = dev.cinnabar.protocol.Argv.of(new byte[0][]);

    /**
     * CLIENT PAUSE holds a memcached client's next request: any under ALL, any but a read
     * (get and its kind, version, stats) under WRITE.
     */
    private boolean heldByPause(MemcachedSession session) {
        ClientPause pause = clients.pause();
        if (!pause.active() || !pause.checkTimeout(server.clock().millis()) || session.available() == 0) {
            return false;
        }
        return pause.type() == ClientPause.ALL || !session.nextIsRead();
    }

    private void protocolError(Client c, RequestDecoder decoder) {
        if (!c.repliesSuppressed()) {
            c.reply.error("ERR " + decoder.error());
        } else {
            // Redis counts an error it did not send (CLIENT REPLY OFF) all the same.
            stats.errors.errorReplied("ERR " + decoder.error(), 0);
        }
        if (ServerLog.enabled(ServerLog.Level.VERBOSE)) {
            ServerLog.verbose("Protocol error (" + decoder.errorReason() + ") from client: " + c + ". "
                    + decoder.errorSample());
        }
        c.closeAfterReply();
    }

    /**
     * An HTTP request sent to the server, likely by a browser tricked into it: Redis drops the
     * connection at once, without a reply, not even to the commands before it, and logs it at
     * most once a minute.
     */
    private void crossProtocolAttack(Client c) {
        long now = server.clock().millis();
        if (Math.abs(now - lastAttackLogMillis) > 60_000) {
            ServerLog.warning("Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: "
                    + "commands to Redis. This is likely due to an attacker attempting to use Cross Protocol "
                    + "Scripting to compromise your Redis instance. Connection aborted.");
            lastAttackLogMillis = now;
        }
        outputs.free(c, true);
    }

    /**
     * Runs the client's command ({@link Client#argv}) through the dispatcher. Under CLIENT
     * REPLY OFF or SKIP whatever the command wrote to the client is taken back, as Redis never
     * queues it. A command held by CLIENT PAUSE is not over: its SKIP still applies later.
     * Input that arrived while the command held the engine is fed to the decoder afterwards.
     */
    private void execute(Client c) {
        ByteBuf out = c.reply.buffer();
        int mark = out == null ? 0 : out.writerIndex();
        c.recordSilencedPushes(true);
        if (c.master) {
            // The master's view of expiry is the one that counts (see Keyspace.fromMaster).
            server.keyspace().fromMaster(true);
            try {
                dispatcher.dispatch(c);
            } finally {
                server.keyspace().fromMaster(false);
            }
            if (!c.isPostponed()) {
                // A command CLIENT PAUSE holds is applied, and counted, when the pause lets it run.
                MasterLink.of(server).applied(c);
            }
        } else {
            dispatcher.dispatch(c);
        }
        c.recordSilencedPushes(false);
        feedHeldInput(c);
        if (c.isPostponed()) {
            return;
        }
        if (c.repliesSuppressed()) {
            ByteBuf now = c.reply.buffer();
            if (now == out && now != null && now.writerIndex() >= mark) {
                // Pub/sub frames are sent all the same, as Redis's CLIENT_PUSHING lets them through.
                now.writerIndex(c.keepSilencedPushes(now, mark));
            }
        }
        commandDone(c);
    }

    private static void feedHeldInput(Client c) {
        for (ByteBuf held; (held = c.takeHeldInput()) != null; ) {
            try {
                c.decoder.feed(held);
            } finally {
                held.release();
            }
        }
    }

    /** Redis's resetClient, for the state that lasts one command: CLIENT REPLY SKIP and redactions. */
    private static void commandDone(Client c) {
        // CLIENT CACHING lasts one command, or the transaction; any CLIENT subcommand keeps it.
        if ((c.tracking & Tracking.CACHING) != 0 && !c.has(Client.MULTI)
                && (c.lastCommand == null || !c.lastCommand.fullName.startsWith("client|"))) {
            c.tracking &= ~Tracking.CACHING;
        }
        c.replySkip = false;
        if (c.replySkipNext) {
            c.replySkip = true;
            c.replySkipNext = false;
        }
        c.clearRedactions();
    }

    /**
     * Runs the clients a pause let go, each its held command and then the rest of its input,
     * as Redis does before it sleeps. A pause that started again holds them again.
     */
    void runReleasedClients() {
        ClientPause pause = clients.pause();
        while (pause.hasReleased()) {
            for (Client c : pause.takeReleased()) {
                if (c.isClosed() || !c.isPostponed()) {
                    continue;
                }
                if (c.memcached != null) {
                    // Its requests wait in its session, not as a held command: read on.
                    c.takePostponed();
                    processInput(c);
                    continue;
                }
                c.argv = c.takePostponed();
                outputs.output(c);
                execute(c);
                if (!c.isClosed() && !c.isPostponed() && !outputs.closeIfOverOutputLimit(c, true)) {
                    processInput(c);
                }
            }
        }
    }

    /**
     * Reads on for the clients a blocking command let go (served, timed out, unblocked), as
     * Redis's processUnblockedClients does before it sleeps: the commands they sent while
     * blocked run now, and may block them again.
     */
    void runUnblockedClients() {
        BlockedClients blocked = clients.blocked();
        while (blocked.hasUnblocked()) {
            for (Client c : blocked.takeUnblocked()) {
                if (!c.isClosed() && c.canRunCommand() && !outputs.closeIfOverOutputLimit(c, true)) {
                    processInput(c);
                }
            }
        }
    }

    /**
     * Lets a client held by back-pressure go on once its replies drained to half the hold
     * threshold; the transport calls this when the connection becomes writable again, the cron
     * as a fallback.
     */
    void resumeIfDrained(Client c) {
        if (c.isClosed() || !c.has(Client.OUTPUT_HELD)) {
            return;
        }
        long pending = ClientListFormat.pendingOutput(c);
        if (pending <= OutputLimits.holdAt(config, c) / 2) {
            c.clear(Client.OUTPUT_HELD);
            processInput(c);
        }
    }

    /**
     * The client will send nothing more: once everything it sent has been answered, the
     * connection closes, as with Redis, which frees a client when its read returns 0.
     */
    void inputEnded(Client c) {
        if (c.isClosed()) {
            return;
        }
        logClosedByClient(c);
        if (c.has(Client.OUTPUT_HELD)) {
            // Commands wait for their turn behind a slow reader: close once they have run.
            c.set(Client.INPUT_ENDED);
            return;
        }
        c.closeAfterReply();
        outputs.output(c);
    }

    /** The connection is gone, on the engine thread. */
    void disconnected(Client c) {
        if (c.isClosed()) {
            return;
        }
        logClosedByClient(c);
        if (c.has(Client.RUNNING_LONG_TASK)) {
            // Its command still runs and writes into its buffers: freed once it is over.
            c.set(Client.CLOSE_ASAP);
            return;
        }
        outputs.free(c, false);
    }

    /** Redis's verbose line for a client that hung up, unless the server was closing it anyway. */
    private static void logClosedByClient(Client c) {
        if (!c.isClosing() && ServerLog.enabled(ServerLog.Level.VERBOSE)) {
            ServerLog.verbose("Client closed connection " + c);
        }
    }
}
