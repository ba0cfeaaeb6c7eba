package dev.cinnabar.server.engine;

import dev.cinnabar.protocol.RequestDecoder;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ClientRegistry;
import dev.cinnabar.server.command.CommandTable;
import dev.cinnabar.server.command.Dispatcher;
import dev.cinnabar.server.commands.CommandFamilies;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.ActiveExpireCycle;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.net.ProtectedMode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine thread: the only thread that touches data. I/O threads hand it batches of input
 * through a lock-free queue; it decodes and runs each client's commands, writes the replies into
 * the clients' output buffers, and hands the replies back once per batch. Between batches it runs
 * the timers: the cron at {@code hz} and the fast expiry cycle.
 *
 * <p>Waking a parked thread costs tens of microseconds on these machines, more than a whole GET,
 * so after a batch the engine spins briefly before parking, and producers unpark it only when it
 * has announced that it sleeps.
 */
public final class Engine {
    /** How long the engine polls for more work before parking; tuned by measurement in bench/. */
    private static final long SPIN_NANOS = Long.getLong("cinnabar.engine.spinNanos", 50_000L);
    /** Bound on tasks run before flushing replies, so a flood of input cannot starve the output. */
    private static final int MAX_TASKS_PER_FLUSH = 256;
    /** Replies a client may pile up between commands before they are sent without waiting for the batch end. */
    private static final int EARLY_FLUSH_BYTES = 1024 * 1024;

    private final ServerConfig config;
    private final Clock clock;
    private final Keyspace keyspace;
    private final CommandTable commands;
    private final Dispatcher dispatcher;
    private final ServerStats stats = new ServerStats();
    private final ClientRegistry clients = new ClientRegistry();
    private final ActiveExpireCycle activeExpire;
    private final Queue<EngineTask> inbox = PlatformDependent.newMpscQueue();
    private final ArrayList<Client> flushList = new ArrayList<>();
    private final List<Client> earlyFlush = java.util.Arrays.asList(new Client[1]);
    private final ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
    private final AtomicLong nextClientId = new AtomicLong(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** 40 random hex digits, new at every start, so tools can tell a restart apart (INFO run_id). */
    private final String runId = randomHex(40);
    private final List<Runnable> shutdownActions = new ArrayList<>();
    private final CronLog cronLog = new CronLog();
    private ReplyFlusher flusher;
    private Thread thread;
    private volatile boolean sleeping;
    private volatile boolean running;
    private long nextCronNanos;
    private long cronLoops;
    private long lastAttackLogMillis = Long.MIN_VALUE / 2;

    public Engine(ServerConfig config, Clock clock) {
        this(config, clock, CommandFamilies.newTable());
    }

    /** An engine serving {@code commands}, a table from {@link CommandFamilies#newTable()}. */
    public Engine(ServerConfig config, Clock clock, CommandTable commands) {
        this.config = config;
        this.clock = clock;
        this.keyspace = new Keyspace(config.databases, clock);
        applyAccessTracking();
        this.commands = commands;
        this.dispatcher = new Dispatcher(this, commands);
        this.activeExpire = new ActiveExpireCycle(keyspace, stats);
        this.stats.startMillis = clock.millis();
    }

    /**
     * Keys carry LFU counters instead of LRU times under an LFU policy. Read from the config at
     * start and again whenever CONFIG SET changes one of the settings involved.
     */
    public void applyAccessTracking() {
        keyspace.access().lfu(config.maxMemoryPolicy.endsWith("-lfu"));
        keyspace.access().lfuLogFactor(config.lfuLogFactor);
        keyspace.access().lfuDecayTime(config.lfuDecayTime);
    }

    public ServerConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    public Keyspace keyspace() {
        return keyspace;
    }

    public CommandTable commands() {
        return commands;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public ServerStats stats() {
        return stats;
    }

    public ClientRegistry clients() {
        return clients;
    }

    public String runId() {
        return runId;
    }

    private static String randomHex(int digits) {
        java.security.SecureRandom random = new java.security.SecureRandom();
        StringBuilder sb = new StringBuilder(digits);
        for (int i = 0; i < digits; i++) {
            sb.append(Character.forDigit(random.nextInt(16), 16));
        }
        return sb.toString();
    }

    public long nextClientId() {
        return nextClientId.getAndIncrement();
    }

    public boolean inEngineThread() {
        return Thread.currentThread() == thread;
    }

    /** Work to do on the engine thread when it stops, such as a final save. */
    public void onShutdown(Runnable action) {
        shutdownActions.add(action);
    }

    // ------------------------------------------------------------------ lifecycle

    public void start(ReplyFlusher flusher) {
        this.flusher = flusher;
        this.running = true;
        this.nextCronNanos = clock.nanos();
        thread = new Thread(this::loop, "cinnabar-engine");
        thread.start();
    }

    /** Stops the loop after the current task and waits for it; safe from any thread. */
    public void stop(long timeoutMillis) {
        if (thread == null) {
            return;
        }
        running = false;
        LockSupport.unpark(thread);
        if (Thread.currentThread() != thread) {
            try {
                stopped.await(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Queues work for the engine thread; callable from any thread. */
    public void submit(EngineTask task) {
        inbox.offer(task);
        if (sleeping) {
            LockSupport.unpark(thread);
        }
    }

    private void loop() {
        long lastWork = clock.nanos();
        try {
            while (running) {
                boolean worked = drain();
                long now = clock.nanos();
                if (now >= nextCronNanos) {
                    cron();
                    now = clock.nanos();
                    nextCronNanos = now + 1_000_000_000L / Math.max(1, config.hz);
                }
                if (worked) {
                    lastWork = now;
                    continue;
                }
                if (now - lastWork < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                beforeSleep();
                sleeping = true;
                if (inbox.isEmpty() && running) {
                    LockSupport.parkNanos(Math.max(1, nextCronNanos - clock.nanos()));
                }
                sleeping = false;
                lastWork = clock.nanos();
            }
            for (Runnable r : shutdownActions) {
                r.run();
            }
        } catch (Throwable t) {
            ServerLog.warning("Engine thread failed: " + t);
            t.printStackTrace();
        } finally {
            stopped.countDown();
        }
    }

    /** Runs queued tasks, then sends what they replied. True when there was anything. */
    private boolean drain() {
        EngineTask task = inbox.poll();
        if (task == null) {
            return false;
        }
        int n = 0;
        do {
            try {
                task.run(this);
            } catch (RuntimeException e) {
                ServerLog.warning("Task failed on the engine thread: " + e);
                e.printStackTrace();
            }
        } while (++n < MAX_TASKS_PER_FLUSH && (task = inbox.poll()) != null);
        flushReplies();
        return true;
    }

    private void beforeSleep() {
        activeExpire.fast(config.hz, config.activeExpireEffort);
        flushReplies();
    }

    private void cron() {
        cronLoops++;
        keyspace.updateTime();
        activeExpire.slow(config.hz, config.activeExpireEffort);
        for (int i = 0; i < keyspace.count(); i++) {
            keyspace.db(i).cron(config.activeRehashing);
        }
        closeIdleClients();
        cronLog.run(this, clock.millis());
        flushReplies();
    }

    /**
     * The {@code timeout} directive: closes clients idle for longer than that many seconds.
     * (Redis spares replicas, masters, blocked and pub/sub clients; none exist here yet.)
     */
    private void closeIdleClients() {
        long timeout = config.timeoutSeconds;
        if (timeout <= 0 || clients.size() == 0) {
            return;
        }
        long now = clock.millis();
        List<Client> idle = null;
        for (Client c : clients.all()) {
            if ((now - c.lastInteractionMillis) / 1000 > timeout) {
                if (idle == null) {
                    idle = new ArrayList<>();
                }
                idle.add(c);
            }
        }
        if (idle != null) {
            for (Client c : idle) {
                ServerLog.verbose("Closing idle client");
                kill(c);
            }
        }
    }

    // ------------------------------------------------------------------ clients

    /** A new connection, on the engine thread. */
    public void connected(Client c) {
        if (c.channel != null && ServerLog.enabled(ServerLog.Level.VERBOSE)) {
            ServerLog.verbose(c.channel.remoteAddress() instanceof java.net.InetSocketAddress
                    ? "Accepted " + c.remoteAddress : "Accepted connection to " + config.unixSocket);
        }
        // Turned-away connections count as rejected, not as received, as in Redis.
        if (clients.size() >= config.maxClients) {
            stats.rejectedConnections++;
            output(c).error("ERR max number of clients reached");
            c.closeAfterReply = true;
            return;
        }
        if (c.channel != null && ProtectedMode.denies(config, c.channel.remoteAddress())) {
            stats.rejectedConnections++;
            output(c).raw(ProtectedMode.DENIED);
            c.closeAfterReply = true;
            return;
        }
        stats.connectionsReceived++;
        clients.add(c);
    }

    /** Bytes from a client, on the engine thread; releases {@code data}. */
    public void input(Client c, ByteBuf data) {
        try {
            if (c.closed || c.closeAfterReply) {
                return;
            }
            stats.netInputBytes += data.readableBytes();
            c.decoder.feed(data);
        } finally {
            data.release();
        }
        c.lastInteractionMillis = clock.millis();
        processInput(c);
    }

    /** Runs every complete command in the client's buffer, in order. */
    public void processInput(Client c) {
        output(c);
        RequestDecoder decoder = c.decoder;
        while (!c.closeAfterReply && !c.closed) {
            int r = decoder.next(!c.authenticated, config.protoMaxBulkLen);
            if (r == RequestDecoder.NEED_MORE) {
                break;
            }
            if (r == RequestDecoder.ERROR) {
                c.reply.error("ERR " + decoder.error());
                stats.errorReplies++;
                if (ServerLog.enabled(ServerLog.Level.VERBOSE)) {
                    ServerLog.verbose("Protocol error (" + decoder.errorReason() + ") from client: " + c + ". "
                            + decoder.errorSample());
                }
                c.closeAfterReply = true;
                break;
            }
            if (decoder.argv().count() == 0) {
                continue;
            }
            c.argv = decoder.argv();
            if (c.argv.is(0, "post") || c.argv.is(0, "host:")) {
                crossProtocolAttack(c);
                return;
            }
            dispatcher.dispatch(c);
            flushEarlyIfLarge(c);
        }
        if (!c.closed && decoder.unparsedBytes() > config.clientQueryBufferLimit) {
            // Redis drops such a client at once, unsent replies included, and says so only in the log.
            ServerLog.warning("Closing client that reached max query buffer length: " + c
                    + " (qbuf initial bytes: " + decoder.unparsedRepr(64) + ")");
            kill(c);
        }
    }

    /**
     * An HTTP request sent to the server, likely by a browser tricked into it: Redis drops the
     * connection at once, without a reply, not even to the commands before it, and logs it at
     * most once a minute.
     */
    private void crossProtocolAttack(Client c) {
        long now = clock.millis();
        if (Math.abs(now - lastAttackLogMillis) > 60_000) {
            ServerLog.warning("Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: "
                    + "commands to Redis. This is likely due to an attacker attempting to use Cross Protocol "
                    + "Scripting to compromise your Redis instance. Connection aborted.");
            lastAttackLogMillis = now;
        }
        kill(c);
    }

    /**
     * Hands a client's replies to the transport before the batch ends once they pass
     * {@link #EARLY_FLUSH_BYTES}: a deep pipeline then streams out while it runs instead of
     * piling up into one giant buffer.
     */
    private void flushEarlyIfLarge(Client c) {
        ByteBuf out = c.reply.buffer();
        if (out != null && out.readableBytes() >= EARLY_FLUSH_BYTES && flusher != null && c.channel != null && !c.closed) {
            stats.netOutputBytes += out.readableBytes();
            earlyFlush.set(0, c);
            flusher.flush(earlyFlush);
            output(c); // a fresh buffer for the commands still to run
        }
    }

    /**
     * The client will send nothing more: once everything it sent has been answered, the
     * connection closes, as with Redis, which frees a client when its read returns 0.
     */
    public void inputEnded(Client c) {
        if (!c.closed) {
            logClosedByClient(c);
            c.closeAfterReply = true;
            output(c);
        }
    }

    /** The connection is gone, on the engine thread. */
    public void disconnected(Client c) {
        if (c.closed) {
            return;
        }
        logClosedByClient(c);
        release(c);
    }

    /** Redis's verbose line for a client that hung up, unless the server was closing it anyway. */
    private static void logClosedByClient(Client c) {
        if (!c.closeAfterReply && ServerLog.enabled(ServerLog.Level.VERBOSE)) {
            ServerLog.verbose("Client closed connection " + c);
        }
    }

    private void release(Client c) {
        c.closed = true;
        clients.remove(c);
        ByteBuf out = c.takeOutput();
        if (out != null) {
            out.release();
        }
    }

    /**
     * The reply writer of {@code c}, with an output buffer ready and the client queued for the
     * end-of-batch flush. Any code that replies to a client other than the one whose command is
     * running (pub/sub, unblocking) goes through here.
     */
    public dev.cinnabar.protocol.ReplyWriter output(Client c) {
        if (c.reply.buffer() == null) {
            c.reply.buffer(allocator.ioBuffer(256));
        }
        if (!c.pendingFlush) {
            c.pendingFlush = true;
            flushList.add(c);
        }
        return c.reply;
    }

    /** Closes a client right away, dropping unsent replies (CLIENT KILL). */
    public void kill(Client c) {
        if (c.closed) {
            return;
        }
        release(c);
        if (flusher != null) {
            flusher.close(c);
        }
    }

    private void flushReplies() {
        if (flushList.isEmpty()) {
            return;
        }
        for (Client c : flushList) {
            c.pendingFlush = false;
            ByteBuf out = c.reply.buffer();
            if (out != null) {
                stats.netOutputBytes += out.readableBytes();
            }
        }
        if (flusher != null) {
            flusher.flush(flushList);
        }
        for (Client c : flushList) {
            if (c.closeAfterReply && !c.closed) {
                c.closed = true;
                clients.remove(c);
            }
        }
        flushList.clear();
    }

    /** Runs a task on the engine thread and waits for it; for the embedded API and shutdown. */
    public void runAndWait(EngineTask task, long timeoutMillis) throws InterruptedException {
        if (inEngineThread()) {
            task.run(this);
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        submit(e -> {
            try {
                task.run(e);
            } finally {
                done.countDown();
            }
        });
        done.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    public long cronLoops() {
        return cronLoops;
    }
}
