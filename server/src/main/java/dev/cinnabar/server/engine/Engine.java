package dev.cinnabar.server.engine;

import dev.cinnabar.protocol.RequestDecoder;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ClientListFormat;
import dev.cinnabar.server.client.ClientPause;
import dev.cinnabar.server.client.ClientRegistry;
import dev.cinnabar.server.client.ClientsCron;
import dev.cinnabar.server.client.OutputLimits;
import dev.cinnabar.server.command.CommandTable;
import dev.cinnabar.server.command.Dispatcher;
import dev.cinnabar.server.commands.CommandFamilies;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.ActiveExpireCycle;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.memory.MemoryAccounting;
import dev.cinnabar.server.net.ProtectedMode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine: the only thread that touches data. It decodes and runs each client's commands,
 * writes the replies into the clients' output buffers and sends them once per batch of input;
 * between batches it runs the timers: the cron at {@code hz} and the fast expiry cycle.
 *
 * <p>It runs in one of two shapes (see HACKING.md, "Threads"): on the transport's event loop
 * ({@link #startOn}), where batches run where they were read, or on a thread of its own
 * ({@link #start}), fed batches by I/O threads through a lock-free queue. On its own thread it
 * parks when idle, and producers unpark it only when it has announced that it sleeps. Spinning
 * before parking was measured to cost more than it saves on a 2-core machine, where the spin
 * takes the core the clients need, so by default it does not spin.
 */
public final class Engine {
    /** How long the engine on its own thread polls for more work before parking (bench/RESULTS.md). */
    private static final long SPIN_NANOS = Long.getLong("cinnabar.engine.spinNanos", 0L);
    /** Bound on tasks run before flushing replies, so a flood of input cannot starve the output. */
    private static final int MAX_TASKS_PER_FLUSH = 256;
    /** Replies a client may pile up between commands before they are sent without waiting for the batch end. */
    private static final int EARLY_FLUSH_BYTES = 1024 * 1024;

    private static final byte[] MAX_CLIENTS_REACHED =
            "-ERR max number of clients reached\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final ServerConfig config;
    private final Clock clock;
    private final Keyspace keyspace;
    private final CommandTable commands;
    private final Dispatcher dispatcher;
    private final ServerStats stats = new ServerStats();
    private final ClientRegistry clients = new ClientRegistry();
    private final ActiveExpireCycle activeExpire;
    private final MemoryAccounting memory;
    private final Shutdown shutdown = new Shutdown(this);
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
    /** The transport's event loop when the engine runs on it, else null: the engine has its own thread. */
    private ScheduledExecutorService eventLoop;
    private volatile Thread thread;
    private volatile boolean sleeping;
    private volatile boolean running;
    /** Flags of a shutdown a signal asked for, or -1; acted on between batches, as Redis's cron does. */
    private volatile int signalShutdownFlags = -1;
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
        this.memory = new MemoryAccounting(keyspace, clients);
        this.stats.startMillis = clock.millis();
        // A pause keeps the dataset still: nothing expires until it ends (Redis's expireIfNeeded).
        keyspace.expiryPauseCheck(() -> clients.pause().checkTimeout(keyspace.now()));
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

    /** used_memory and the rest of the memory figures. */
    public MemoryAccounting memory() {
        return memory;
    }

    /** The shutdown sequence SHUTDOWN and the signals share. */
    public Shutdown shutdown() {
        return shutdown;
    }

    /**
     * A signal asks for a shutdown; callable from any thread. The engine runs it once the command
     * in progress has finished and its replies have gone out.
     */
    public void shutdownOnSignal(int flags) {
        signalShutdownFlags = flags;
        if (eventLoop != null) {
            eventLoop.execute(() -> runBatch(e -> { }));
            return;
        }
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    /** True from start until the loop has ended. */
    public boolean isRunning() {
        return running && stopped.getCount() > 0;
    }

    /** The active expiry cycle, which DEBUG SET-ACTIVE-EXPIRE turns off and on. */
    public ActiveExpireCycle activeExpire() {
        return activeExpire;
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

    /**
     * Starts the engine on {@code loop}, the transport's single event loop, instead of a thread
     * of its own: input batches then run where they were read ({@link #runBatch}), with no
     * hand-off between threads, and replies are written from the same thread.
     */
    public void startOn(ReplyFlusher flusher, ScheduledExecutorService loop) {
        this.flusher = flusher;
        this.running = true;
        this.eventLoop = loop;
        this.nextCronNanos = clock.nanos();
        try {
            loop.submit(() -> {
                thread = Thread.currentThread();
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
        loop.execute(this::cronTick);
    }

    /** The cron on the event loop: at {@code hz}, read again each time as CONFIG SET may change it. */
    private void cronTick() {
        if (!running) {
            return;
        }
        try {
            cron();
            beforeSleep();
        } catch (RuntimeException e) {
            ServerLog.warning("Cron failed on the engine thread: " + e);
            e.printStackTrace();
        }
        eventLoop.schedule(this::cronTick, 1_000_000_000L / Math.max(1, config.hz), TimeUnit.NANOSECONDS);
    }

    /**
     * Runs one batch of input and sends what it replied. On the engine's own thread this is a
     * queued task; when the engine is the event loop, the transport calls it directly at the end
     * of the loop turn that read the input.
     */
    public void runBatch(EngineTask batch) {
        if (eventLoop == null || !inEngineThread()) {
            submit(batch);
            return;
        }
        if (!running) {
            return;
        }
        runTask(batch);
        activeExpire.fast(config.hz, config.activeExpireEffort);
        flushReplies();
        actOnSignal();
    }

    /** One task, then the clients a pause let go; a failure is logged and does not stop the engine. */
    private void runTask(EngineTask task) {
        try {
            task.run(this);
        } catch (RuntimeException e) {
            ServerLog.warning("Task failed on the engine thread: " + e);
            e.printStackTrace();
        }
        runReleasedClients();
    }

    /** The shutdown a signal asked for, once the work in progress is done and its replies sent. */
    private void actOnSignal() {
        if (signalShutdownFlags >= 0) {
            int flags = signalShutdownFlags;
            signalShutdownFlags = -1;
            shutdown.runForSignal(flags);
        }
    }

    /** Stops the loop after the current task and waits for it; safe from any thread. */
    public void stop(long timeoutMillis) {
        if (thread == null) {
            return;
        }
        running = false;
        if (eventLoop != null) {
            stopOnEventLoop(timeoutMillis);
            return;
        }
        LockSupport.unpark(thread);
        if (Thread.currentThread() != thread) {
            try {
                stopped.await(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void stopOnEventLoop(long timeoutMillis) {
        Runnable finish = () -> {
            if (stopped.getCount() == 0) {
                return;
            }
            try {
                runShutdownActions();
            } finally {
                stopped.countDown();
            }
        };
        if (inEngineThread()) {
            finish.run();
            return;
        }
        try {
            eventLoop.execute(finish);
            stopped.await(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            stopped.countDown(); // the loop is gone already
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runShutdownActions() {
        for (Runnable r : shutdownActions) {
            r.run();
        }
    }

    /** Queues work for the engine thread; callable from any thread. */
    public void submit(EngineTask task) {
        if (eventLoop != null) {
            eventLoop.execute(() -> runBatch(task));
            return;
        }
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
                actOnSignal();
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
            runShutdownActions();
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
            runTask(task);
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
        memory.cron(clock.nanos());
        ClientsCron.run(this);
        sampleInstantaneousMetrics();
        runReleasedClients();
        cronLog.run(this, clock.millis());
        flushReplies();
    }

    /** Every 100 ms of cron, as Redis's run_with_period(100): the samples behind INFO's rates. */
    private void sampleInstantaneousMetrics() {
        int cronMillis = 1000 / Math.max(1, config.hz);
        int period = dev.cinnabar.server.stats.InstantaneousMetrics.PERIOD_MILLIS;
        if (cronMillis >= period || cronLoops % (period / cronMillis) == 0) {
            stats.instantaneous.sample(clock.millis(), stats.commandsProcessed, stats.netInputBytes, stats.netOutputBytes);
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
            // Refused before it counts as a connection, as in Redis.
            stats.rejectedConnections++;
            // Written straight to the socket in Redis, so not an error reply that INFO counts.
            output(c).raw(MAX_CLIENTS_REACHED);
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
            stats.readsProcessed++;
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
        // What the transport holds is read once: during the loop it only shrinks, and the
        // engine's own buffer, which grows, is counted per command.
        long transport = c.channel == null ? 0 : c.output.transportPending(c.channel);
        long holdAt = OutputLimits.holdAt(config, c);
        while (!c.closeAfterReply && !c.closed && !c.isPostponed() && !c.output.held) {
            if (c.channel != null && transport + c.reply.buffer().readableBytes() >= holdAt) {
                // Back-pressure: the rest waits until the replies drain (see OutputLimits).
                c.output.held = true;
                break;
            }
            int r = decoder.next(!c.authenticated, config.protoMaxBulkLen);
            if (r == RequestDecoder.NEED_MORE) {
                break;
            }
            if (r == RequestDecoder.ERROR) {
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
                c.closeAfterReply = true;
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
            if (closeIfOverOutputLimit(c, true)) {
                return;
            }
            transport += flushEarlyIfLarge(c);
        }
        if (c.inputEnded && !c.closed && !c.output.held && !c.isPostponed()) {
            c.closeAfterReply = true;
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
     * Runs the client's command ({@link Client#argv}) through the dispatcher. Under CLIENT
     * REPLY OFF or SKIP whatever the command wrote to the client is taken back, as Redis never
     * queues it. A command held by CLIENT PAUSE is not over: its SKIP still applies later.
     */
    private void execute(Client c) {
        ByteBuf out = c.reply.buffer();
        int mark = out == null ? 0 : out.writerIndex();
        dispatcher.dispatch(c);
        if (c.isPostponed()) {
            return;
        }
        if (c.repliesSuppressed()) {
            ByteBuf now = c.reply.buffer();
            if (now == out && now != null && now.writerIndex() >= mark) {
                now.writerIndex(mark);
            }
        }
        commandDone(c);
    }

    /** Redis's resetClient, for the state that lasts one command: CLIENT REPLY SKIP and redactions. */
    private static void commandDone(Client c) {
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
    public void runReleasedClients() {
        ClientPause pause = clients.pause();
        while (pause.hasReleased()) {
            for (Client c : pause.takeReleased()) {
                if (c.closed || c.postponed == null) {
                    continue;
                }
                c.argv = c.postponed;
                c.postponed = null;
                output(c);
                execute(c);
                if (!c.closed && !c.isPostponed() && !closeIfOverOutputLimit(c, true)) {
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
    public void resumeIfDrained(Client c) {
        if (c.closed || !c.output.held) {
            return;
        }
        long pending = ClientListFormat.pendingOutput(c);
        if (pending <= OutputLimits.holdAt(config, c) / 2) {
            c.output.held = false;
            processInput(c);
        }
    }

    /**
     * {@code client-output-buffer-limit}: closes the client, dropping its unsent replies, when
     * they passed a limit; with Redis's log line. {@code async} picks Redis's wording for a
     * check made as replies are added (the client is closed "ASAP") rather than by the cron.
     */
    public boolean closeIfOverOutputLimit(Client c, boolean async) {
        if (c.channel == null || c.closed) {
            return false;
        }
        long[] limit = config.clientOutputBufferLimits[OutputLimits.limitClass(c)];
        if (limit[0] == 0 && limit[1] == 0) {
            return false;
        }
        long pending = ClientListFormat.pendingOutput(c);
        long measured = OutputLimits.measured(c, pending);
        long now = clock.millis();
        if (!OutputLimits.exceeded(config, c, measured, now / 1000)) {
            return false;
        }
        StringBuilder info = new StringBuilder();
        ClientListFormat.append(info, c, now, pending, false);
        ServerLog.warning("Client " + info + (async ? " scheduled to be closed ASAP" : " closed")
                + " for overcoming of output buffer limits.");
        kill(c);
        return true;
    }

    /**
     * Hands a client's replies to the transport before the batch ends once they pass
     * {@link #EARLY_FLUSH_BYTES}: a deep pipeline then streams out while it runs instead of
     * piling up into one giant buffer. Returns how many bytes it handed over.
     */
    private long flushEarlyIfLarge(Client c) {
        ByteBuf out = c.reply.buffer();
        if (out != null && out.readableBytes() >= EARLY_FLUSH_BYTES && flusher != null && c.channel != null && !c.closed) {
            long n = out.readableBytes();
            stats.netOutputBytes += n;
            stats.writesProcessed++;
            c.output.wrote(n);
            earlyFlush.set(0, c);
            flusher.flush(earlyFlush);
            output(c); // a fresh buffer for the commands still to run
            return n;
        }
        return 0;
    }

    /**
     * The client will send nothing more: once everything it sent has been answered, the
     * connection closes, as with Redis, which frees a client when its read returns 0.
     */
    public void inputEnded(Client c) {
        if (c.closed) {
            return;
        }
        logClosedByClient(c);
        if (c.output.held) {
            // Commands wait for their turn behind a slow reader: close once they have run.
            c.inputEnded = true;
            return;
        }
        c.closeAfterReply = true;
        output(c);
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
        long now = clock.millis();
        for (Client c : flushList) {
            c.pendingFlush = false;
            if (closeIfOverOutputLimit(c, true)) {
                continue;
            }
            ByteBuf out = c.reply.buffer();
            if (out != null && out.isReadable()) {
                stats.netOutputBytes += out.readableBytes();
                stats.writesProcessed++;
                c.output.wrote(out.readableBytes());
                // Redis counts a write as an interaction too (a MONITOR client is never idle).
                c.lastInteractionMillis = now;
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
