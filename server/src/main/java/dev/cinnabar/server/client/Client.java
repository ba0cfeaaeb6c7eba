package dev.cinnabar.server.client;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.protocol.RequestDecoder;
import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.Propagation;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.ArrayDeque;
import java.util.BitSet;

/**
 * One connection's state, owned by the engine thread: the request decoder, the reply writer and
 * its output buffer, the selected database, protocol version, authentication and names.
 *
 * <p>Command handlers receive the client and find everything through it: the arguments
 * ({@link #argv}), the reply ({@link #reply}), the database ({@link #db}) and the server
 * ({@link #server}).
 *
 * <p>What the client is doing is one set of {@link #state} bits, and input processing asks one
 * question of them before each command: {@link #canRunCommand()}. The bits that do not stop the
 * input ({@link #MULTI}, {@link #SUBSCRIBED}) decide what the dispatcher does with the command.
 */
public final class Client {
    /** The id of the client that replays the AOF (Redis's CLIENT_ID_AOF, UINT64_MAX). */
    public static final long AOF_CLIENT_ID = -1;

    // ------------------------------------------------------------------ state bits

    /** The connection closes once the replies written so far have been sent. */
    public static final int CLOSE_AFTER_REPLY = 1;
    /** The connection is gone; nothing more is read or written. */
    public static final int CLOSED = 1 << 1;
    /** The client shut its sending side while its commands waited for output to drain. */
    public static final int INPUT_ENDED = 1 << 2;
    /** A command is held by CLIENT PAUSE ({@link #postponed}); flag {@code b}. */
    public static final int PAUSED = 1 << 3;
    /** A blocking command waits for keys; flag {@code b}. */
    public static final int BLOCKED = 1 << 4;
    /** Its unsent replies passed the back-pressure threshold; it waits for them to drain. */
    public static final int OUTPUT_HELD = 1 << 5;
    /**
     * Its command holds the engine (a script past busy-reply-threshold): what it sends meanwhile
     * is kept for afterwards, and its half-written reply is not sent (Redis's protectClient).
     */
    public static final int RUNNING_LONG_TASK = 1 << 6;
    /** Between MULTI and EXEC: commands are queued. */
    public static final int MULTI = 1 << 7;
    /** RESP2 pub/sub context: only the subscription commands, PING, QUIT and RESET are accepted. */
    public static final int SUBSCRIBED = 1 << 8;

    /**
     * Over its output-buffer limits: its replies are dropped and it is closed once the running
     * command ends (Redis's CLOSE_ASAP).
     */
    public static final int CLOSE_ASAP = 1 << 9;
    /** ASKING: the next command may touch a slot this node is importing (cluster mode). */
    public static final int ASKING = 1 << 10;
    /** READONLY: a cluster replica serves this client's reads of its master's slots; flag {@code r}. */
    public static final int CLUSTER_READONLY = 1 << 11;
    /** SCRIPT DEBUG YES or SYNC: its EVALs run under the Lua debugger. */
    public static final int LUA_DEBUG = 1 << 12;
    /** SCRIPT DEBUG SYNC: the debugging session runs in the server itself, its changes kept. */
    public static final int LUA_DEBUG_SYNC = 1 << 13;

    /** Any of these stops the next command from running. */
    private static final int WAITS = CLOSE_AFTER_REPLY | CLOSED | CLOSE_ASAP | PAUSED | BLOCKED | OUTPUT_HELD
            | RUNNING_LONG_TASK;

    public final long id;
    /**
     * Cluster mode: the slot the running command's keys hash to, -1 when it has none (Redis's
     * c->slot); a script's commands must stay in it unless the script allows otherwise.
     */
    public int slot = -1;
    /** Cluster mode: the running command came right after ASKING (which then no longer counts). */
    public boolean asking;
    public final ServerContext server;
    /** Null for clients without a connection (scripts, tests). */
    public final Channel channel;
    public final String remoteAddress;
    public final String localAddress;
    public final long createdMillis;

    public final RequestDecoder decoder = new RequestDecoder();
    public final ReplyWriter reply = new ReplyWriter();
    /** The command being executed. */
    public Argv argv;
    public CommandSpec command;
    public CommandSpec lastCommand;
    private Db db;
    private int state;
    public boolean authenticated;
    public dev.cinnabar.server.acl.AclUser user;
    /** Set by CLIENT SETNAME / HELLO SETNAME; null when unnamed. */
    public String name;
    /** Set by CLIENT SETINFO; null when unset. RESET keeps them: the library has not changed. */
    public String libName;
    public String libVersion;
    public long lastInteractionMillis;
    /** The client's {@code tot-mem} when {@link ClientEviction} last looked. */
    long evictionMemory;
    /** What the client's input held when {@link QueryBuffers} last looked. */
    long queryBufferHeld;

    public long queryBufferHeld() {
        return queryBufferHeld;
    }

    /** The socket's file descriptor where the transport exposes it (native epoll); -1 otherwise. */
    public int fd = -1;
    /** Connected through the Unix socket (CLIENT LIST flag {@code U}, MONITOR's {@code unix:} origin). */
    public boolean unixSocket;
    /** Came in on the TLS port: a TLS cluster tells it of TLS ports, others of plaintext ones. */
    public boolean tls;
    /** The connection of the scripting engine (MONITOR shows its commands as {@code lua}). */
    public boolean scriptClient;
    /** On the scripting engine's connection, while a script runs: the client whose command runs it. */
    public Client scriptCaller;
    /**
     * A connection of the memcached listener: its {@code memcached.MemcachedSession} (a layer
     * above), which takes its input instead of the RESP decoder; null for RESP clients.
     */
    public Object memcached;
    /** In MONITOR mode (flag {@code O}). */
    public boolean monitor;
    /** Subscribed to channels or patterns (flag {@code P}); pub/sub sets it. */
    public boolean pubsub;
    /** Its channels, shard channels and patterns; null when it has none. See {@link PubSub}. */
    PubSub.Subscriptions subscriptions;
    /**
     * Buckets of Redis's per-client channel and shard-channel tables, which grow and never
     * shrink (they count in CLIENT LIST's tot-mem); see {@link PubSub#memoryOverhead}.
     */
    int channelBuckets;
    int shardBuckets;
    /** Client-side caching: {@link Tracking}'s flag bits, 0 while tracking is off. */
    public int tracking;
    /** CLIENT TRACKING REDIRECT: the client its invalidations go to, 0 for itself. */
    public long trackingRedirect;
    /** Its BCAST prefixes, in byte order; null when it has none. */
    java.util.TreeSet<byte[]> trackingPrefixes;
    /** The nodes Redis's radix tree of those prefixes would have (see {@link PrefixTreeSize}). */
    int trackingPrefixNodes;
    /** CLIENT NO-EVICT ON (flag {@code e}). */
    public boolean noEvict;
    /** CLIENT NO-TOUCH ON (flag {@code T}): its commands leave the keys' access data alone. */
    public boolean noTouch;
    /**
     * REPLCONF rdb-only 1: a SYNC asks for the RDB alone, as {@code redis-cli --rdb} does; with
     * rdb-filter-only functions, for the functions alone.
     */
    public boolean rdbOnly;
    public boolean functionsOnly;
    /**
     * What a replica told about itself (REPLCONF) and, once it synchronized, its place in the
     * replication (Redis's CLIENT_SLAVE); null for every other client.
     */
    public ReplicaLink replica;
    /** This server's master, whose stream this connection carries (Redis's CLIENT_MASTER). */
    public boolean master;
    /**
     * Set on a connection this server opened before it becomes a client (the link to its
     * master): called with the client on the engine thread, before any of its input.
     */
    public static final io.netty.util.AttributeKey<java.util.function.Consumer<Client>> ADOPTED =
            io.netty.util.AttributeKey.valueOf("cinnabar.adopted");
    /**
     * The replication offset once its last command ran (Redis's {@code woff}): what WAIT asks the
     * replicas to have acknowledged.
     */
    public long writeOffset;
    /** CLIENT REPLY OFF: nothing is sent to this client until REPLY ON. */
    public boolean replyOff;
    /** CLIENT REPLY SKIP was the last command: the next command's reply is dropped. */
    public boolean replySkipNext;
    /** The reply of the command being run is dropped (the one after CLIENT REPLY SKIP). */
    public boolean replySkip;
    /** What the client waits for while {@link #BLOCKED}; see {@link BlockedClients}. */
    BlockedClients.Blocking blocking;
    /**
     * Its commands may not block (Redis's CLIENT_DENY_BLOCKING): set while MULTI/EXEC or a script
     * runs them. A blocking command then answers as if its timeout had passed.
     */
    public boolean denyBlocking;
    /** The queued commands between MULTI and EXEC; null outside a transaction. */
    private Transaction transaction;
    /** The last transaction, kept to be reused by the next MULTI (see {@link Transaction}). */
    private Transaction spareTransaction;
    /** The keys it watches; see {@link WatchedKeys}. */
    java.util.ArrayList<WatchedKeys.Watch> watched;
    /** A watched key changed (Redis's CLIENT_DIRTY_CAS): the next EXEC fails with a null array. */
    public boolean dirtyCas;
    /** The command held back by CLIENT PAUSE, with arguments of its own; see {@link #postpone}. */
    private Argv postponed;
    /** Input that arrived while {@link #RUNNING_LONG_TASK}; fed to the decoder afterwards. */
    private ArrayDeque<ByteBuf> heldInput;
    /** Replies not sent yet, and the state of the output-buffer limits and back-pressure. */
    public final ClientOutput output;
    /**
     * Arguments of the running command that the slow log and MONITOR show as
     * {@code (redacted)}, such as passwords; null or empty when there are none.
     */
    private BitSet redacted;

    /** Offsets of pub/sub frames written while replies were silenced; see {@link #pushWritten}. */
    private int[] silencedPushes;
    private int silencedPushCount;
    private boolean recordingPushes;

    /** Queued for the end-of-batch flush. */
    public boolean pendingFlush;

    // What the running command asked of its propagation; reset before each command.
    private Argv propagateAs;
    /** Where the command propagates even when it changed nothing: Propagation's targets, 0 for nowhere. */
    private int forcedTargets;
    /** See {@link #allowPropagationTo}; kept across commands, unlike the effects above. */
    private int allowedTargets = Propagation.TO_ALL;
    private boolean preventPropagation;
    private long changes = -1;

    public Client(long id, ServerContext server, Channel channel, String remoteAddress, String localAddress) {
        this.id = id;
        this.server = server;
        this.channel = channel;
        this.remoteAddress = remoteAddress;
        this.localAddress = localAddress;
        this.createdMillis = server.clock().millis();
        this.lastInteractionMillis = createdMillis;
        this.output = new ClientOutput(createdMillis);
        this.db = server.keyspace().db(0);
        this.user = server.acl().defaultUser();
        this.authenticated = user.noPass() && user.enabled();
        this.reply.errorObserver(server.stats().errors);
    }

    // ------------------------------------------------------------------ state

    /**
     * The question input processing asks before it runs this client's next command: false while
     * the client is closing, holds a command back for CLIENT PAUSE, waits for keys, waits for its
     * replies to drain, or runs the command that holds the engine.
     */
    public boolean canRunCommand() {
        return (state & WAITS) == 0;
    }

    public boolean has(int bits) {
        return (state & bits) != 0;
    }

    public void set(int bits) {
        state |= bits;
    }

    public void clear(int bits) {
        state &= ~bits;
    }

    public boolean isClosed() {
        return (state & CLOSED) != 0;
    }

    /**
     * Redis's mustObeyClient: the master's stream and the AOF being loaded are applied whatever
     * the server's state (read-only replica, disk errors, ACLs) would refuse a client.
     */
    public boolean mustObey() {
        return master || id == AOF_CLIENT_ID;
    }

    /** Closing or closed: nothing more is run for this client. */
    public boolean isClosing() {
        return (state & (CLOSED | CLOSE_AFTER_REPLY | CLOSE_ASAP)) != 0;
    }

    /** The connection closes once what has been replied so far is sent (QUIT, protocol errors). */
    public void closeAfterReply() {
        state |= CLOSE_AFTER_REPLY;
    }

    /** Held by CLIENT PAUSE. */
    public boolean isPostponed() {
        return postponed != null;
    }

    /** The held command, for CLIENT LIST; null when none is held. */
    public Argv postponed() {
        return postponed;
    }

    /** CLIENT PAUSE holds the running command: it keeps a copy of its arguments to run later. */
    void postpone() {
        postponed = argv.detach();
        state |= PAUSED;
    }

    /** The pause is over for this client: the held command, now to be run, or null. */
    public Argv takePostponed() {
        Argv a = postponed;
        postponed = null;
        state &= ~PAUSED;
        return a;
    }

    /** Keeps input that arrived while the client's own command holds the engine. */
    public void holdInput(ByteBuf data) {
        if (heldInput == null) {
            heldInput = new ArrayDeque<>();
        }
        heldInput.add(data);
    }

    /** The next piece of held input, or null. */
    public ByteBuf takeHeldInput() {
        return heldInput == null ? null : heldInput.poll();
    }

    /**
     * Returns the connection to the state of a new one, as RESET does: database 0, RESP2, the
     * default user (authenticated only when it needs no password), no name, not monitoring,
     * replies on (a SKIP of the RESET itself still applies) and NO-TOUCH off; NO-EVICT stays,
     * as in Redis 7.0. State that other features keep per connection (MULTI, subscriptions,
     * tracking) must be cleared here as well when it is added.
     */
    public void clearConnectionState() {
        db = server.keyspace().db(0);
        reply.protocol(2);
        user = server.acl().defaultUser();
        authenticated = user.noPass() && user.enabled();
        name = null;
        if (monitor) {
            server.clients().monitors().remove(this);
            monitor = false;
        }
        server.clients().pubsub().forget(this);
        server.clients().tracking().disable(this);
        replyOff = false;
        replySkipNext = false;
        // Redis 7.2 resets NO-TOUCH with the connection; NO-EVICT stays, as in 7.0.
        noTouch = false;
        discardTransaction();
    }

    // ------------------------------------------------------------------ transactions

    /** The transaction being queued, or null outside MULTI. */
    public Transaction transaction() {
        return transaction;
    }

    /** MULTI: from now on commands are queued. */
    public void beginTransaction() {
        Transaction t = spareTransaction;
        spareTransaction = null;
        if (t == null) {
            t = new Transaction();
        } else {
            t.reset();
        }
        transaction = t;
        state |= MULTI;
    }

    /** Queues the current command after MULTI. Nothing is kept once the transaction is doomed. */
    public void queue(CommandSpec cmd, long flags) {
        if (!transaction.aborted && !dirtyCas) {
            transaction.queue(argv, cmd, flags);
        }
    }

    /** A command was refused inside MULTI (Redis's flagTransaction): EXEC will abort. */
    public void flagTransaction() {
        if (transaction != null) {
            transaction.aborted = true;
        }
    }

    /**
     * Ends the transaction, run or not, and forgets the watched keys (Redis's
     * discardTransaction): EXEC, DISCARD, RESET, and a client freed.
     */
    public void discardTransaction() {
        if (transaction != null && transaction.worthKeeping()) {
            spareTransaction = transaction;
        }
        transaction = null;
        state &= ~MULTI;
        dirtyCas = false;
        server.clients().watched().unwatchAll(this);
    }

    /**
     * A pub/sub frame (a confirmation, a message) went into the reply buffer between offsets
     * {@code from} and {@code to} while replies are silenced: Redis sends those anyway, so the
     * silenced command's output keeps them ({@link #keepSilencedPushes}).
     */
    public void pushWritten(int from, int to) {
        if (!recordingPushes) {
            return; // not its own command: nothing of its output will be taken back
        }
        if (silencedPushes == null) {
            silencedPushes = new int[8];
        } else if (silencedPushCount + 2 > silencedPushes.length) {
            silencedPushes = java.util.Arrays.copyOf(silencedPushes, silencedPushes.length * 2);
        }
        silencedPushes[silencedPushCount++] = from;
        silencedPushes[silencedPushCount++] = to;
    }

    /**
     * True while the client's own command runs (whose output a silenced client takes back),
     * false once it returned; starting forgets frames recorded for an earlier command.
     */
    public void recordSilencedPushes(boolean on) {
        if (on) {
            silencedPushCount = 0;
        }
        recordingPushes = on;
    }

    /**
     * After a silenced command: moves the pub/sub frames it wrote from offset {@code mark} on
     * down to {@code mark}, in order, dropping everything else it wrote; returns the new end.
     */
    public int keepSilencedPushes(ByteBuf buf, int mark) {
        int end = mark;
        for (int i = 0; i < silencedPushCount; i += 2) {
            int from = silencedPushes[i];
            int len = silencedPushes[i + 1] - from;
            if (from < mark || len <= 0 || from + len > buf.writerIndex()) {
                continue;
            }
            if (from != end) {
                byte[] frame = new byte[len];
                buf.getBytes(from, frame);
                buf.setBytes(end, frame);
            }
            end += len;
        }
        silencedPushCount = 0;
        return end;
    }

    /** True while whatever is written to this client must be dropped (CLIENT REPLY OFF / SKIP). */
    public boolean repliesSuppressed() {
        return replyOff || replySkip;
    }

    /**
     * Marks argument {@code i} of the running command as secret, as AUTH and HELLO do with
     * passwords: the slow log and MONITOR show it as {@code (redacted)}.
     */
    public void redactArgument(int i) {
        if (redacted == null) {
            redacted = new BitSet();
        }
        redacted.set(i);
    }

    public boolean isRedacted(int i) {
        return redacted != null && redacted.get(i);
    }

    /** The redacted arguments of the running command, or null; for the slow log. */
    public BitSet redactedArguments() {
        return redacted;
    }

    /** A new command starts: the previous one's redactions no longer apply. */
    public void clearRedactions() {
        if (redacted != null) {
            redacted.clear();
        }
    }

    // ------------------------------------------------------------------ the running command's effects

    /**
     * Replicas and the AOF are to see {@code command} instead of the running command's own
     * arguments (Redis's rewriteClientCommandVector): SET EX becomes SET PXAT, GETDEL a DEL.
     * Build it only when {@code server.propagation().active()}; it must stay unchanged until the
     * command ends.
     */
    public void propagateAs(Argv command) {
        propagateAs = command;
    }

    /** The command propagates even when it changed nothing (FLUSHALL on an empty server). */
    public void forcePropagation() {
        forcedTargets = Propagation.TO_ALL;
    }

    /** The command goes to the replicas alone, changed or not (PUBLISH, as Redis 7.0 outside a cluster). */
    public void forcePropagationToReplicas() {
        forcedTargets = Propagation.TO_REPLICAS;
    }

    /** The command does not propagate itself; what it propagates it adds on its own. */
    public void preventPropagation() {
        preventPropagation = true;
    }

    /**
     * The command counts as {@code n} changes towards the save points, where Redis counts other
     * than one per key changed (RENAME counts one, not two).
     */
    public void changes(long n) {
        changes = n;
    }

    /** Forgets the previous command's requests; the dispatcher calls it before each command. */
    public void clearEffects() {
        propagateAs = null;
        forcedTargets = 0;
        preventPropagation = false;
        changes = -1;
    }

    /** The rewrite asked for, or null. */
    public Argv propagatedAs() {
        return propagateAs;
    }

    public boolean propagationForced() {
        return forcedTargets != 0;
    }

    /**
     * Which sinks the command goes to: those it was forced to, else all, less those a script's
     * {@code redis.set_repl} keeps its commands from (0: none).
     */
    public int propagationTargets() {
        return (forcedTargets == 0 ? Propagation.TO_ALL : forcedTargets) & allowedTargets;
    }

    /**
     * A script's {@code redis.set_repl}: the sinks its commands' own propagation may reach, a
     * mask of {@link Propagation#TO_AOF} and {@link Propagation#TO_REPLICAS}. As in Redis's
     * call(), what a command propagates besides itself (the DEL of a key that expired as it was
     * read, the SREMs of SPOP) is not restricted.
     */
    public void allowPropagationTo(int targets) {
        allowedTargets = targets;
    }

    public boolean propagationPrevented() {
        return preventPropagation;
    }

    /** The changes the command declared, or -1 when it left them to the write path's count. */
    public long declaredChanges() {
        return changes;
    }

    public Db db() {
        return db;
    }

    public void select(Db db) {
        this.db = db;
    }

    public int protocol() {
        return reply.protocol();
    }

    /** Takes the replies written so far, leaving the writer without a buffer. */
    public ByteBuf takeOutput() {
        ByteBuf out = reply.buffer();
        reply.buffer(null);
        return out;
    }

    /**
     * Gives back what the client holds outside the heap's reach: its output buffer and any
     * input kept while it ran a long task. Called once, when the client is freed.
     */
    void releaseBuffers() {
        ByteBuf out = takeOutput();
        if (out != null) {
            out.release();
        }
        if (heldInput != null) {
            for (ByteBuf b; (b = heldInput.poll()) != null; ) {
                b.release();
            }
        }
    }

    /**
     * The start of the client's CLIENT LIST line, which is how Redis names a client in its log
     * ("Client closed connection id=7 addr=...").
     */
    @Override
    public String toString() {
        return "id=" + id + " addr=" + remoteAddress + " laddr=" + localAddress;
    }
}
