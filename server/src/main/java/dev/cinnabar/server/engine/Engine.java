package dev.cinnabar.server.engine;

import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.client.BlockedClients;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ClientEviction;
import dev.cinnabar.server.client.ClientPause;
import dev.cinnabar.server.client.LongTask;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.client.ServerControl;
import dev.cinnabar.server.cluster.Cluster;
import dev.cinnabar.server.cluster.SlotRouting;
import dev.cinnabar.server.commands.CommandFamilies;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.Clock;
import dev.cinnabar.server.exec.BlockedKeysStep;
import dev.cinnabar.server.exec.CommandHandlers;
import dev.cinnabar.server.exec.Dispatcher;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.persistence.AofRewrite;
import dev.cinnabar.server.persistence.AppendOnlyFile;
import dev.cinnabar.server.persistence.Persistence;
import dev.cinnabar.server.replication.Replication;
import dev.cinnabar.server.scripting.ScriptCommandFlags;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine: the only thread that touches data, and the parts it is made of. It builds the
 * server context handlers see, and wires the way in ({@link ClientInput}), the way out
 * ({@link ClientOutputs}), the cron ({@link ServerCron}) and the loop in its two shapes
 * ({@link EngineLoop}). The transport talks to it through the methods below; command handlers
 * reach what only the engine can do through {@link ServerControl}.
 */
public final class Engine implements ServerControl {
    private final ServerContext server;
    private final Dispatcher dispatcher;
    private final BlockedKeysStep blockedKeys;
    private final ClientOutputs outputs;
    private final ClientInput input;
    private final ServerCron cron;
    private final EngineLoop loop;
    private final Watchdog watchdog;
    private final Shutdown shutdown;
    private final AtomicLong nextClientId = new AtomicLong(1);
    private final List<Runnable> shutdownActions = new ArrayList<>();
    /** An eviction slice is queued: see {@link #continueEviction()}. */
    private boolean evictionQueued;

    public Engine(ServerConfig config, Clock clock) {
        this(config, clock, CommandFamilies.newHandlers());
    }

    /** An engine serving {@code commands}, from {@link CommandFamilies#newHandlers()}. */
    public Engine(ServerConfig config, Clock clock, CommandHandlers commands) {
        this.server = new ServerContext(config, clock, commands.table());
        ScriptCommandFlags.install(server);
        this.dispatcher = new Dispatcher(server, commands);
        this.blockedKeys = new BlockedKeysStep(server);
        dispatcher.afterCommand(blockedKeys);
        this.outputs = new ClientOutputs(server);
        this.input = new ClientInput(server, dispatcher, outputs);
        this.cron = new ServerCron(server, input, outputs);
        this.loop = new EngineLoop(this, clock, cron, new LoopWork());
        this.watchdog = new Watchdog(config, loop::thread);
        this.shutdown = new Shutdown(config, () -> stop(0));
        server.control(this);
        Persistence persistence = Persistence.of(server);
        // Snapshot slices queue their own next one: each waits for the sockets to be served,
        // and then for a pause that SlicePacing sets.
        persistence.engineExecutor(r -> loop.submitAfterIo(e -> r.run()));
        persistence.sliceScheduler((r, pause) -> loop.submitAfterIo(e -> r.run(), pause));
        shutdown.persistence(() -> {
            boolean was = persistence.bgsaveInProgress();
            persistence.cancelBackground();
            return was;
        }, persistence::save, () -> persistence.loading);
        AofRewrite rewrite = AofRewrite.of(server);
        rewrite.engineExecutor(r -> loop.submitAfterIo(e -> r.run()));
        rewrite.sliceScheduler((r, pause) -> loop.submitAfterIo(e -> r.run(), pause));
        shutdown.aofRewrite(rewrite::beforeShutdown);
        AppendOnlyFile aof = AppendOnlyFile.of(server);
        shutdown.appendOnly(aof::shutdown);
        shutdown.replicas(new ShutdownReplicas());
        Replication.of(server).engineExecutor(r -> loop.submitAfterIo(e -> r.run()));
        dispatcher.afterCommand(aof::commandRan);
    }

    /** What the loop does besides running tasks. */
    private final class LoopWork implements EngineLoop.Work {
        @Override
        public void afterTask() {
            input.runReleasedClients();
            input.runUnblockedClients();
            int stop = server.busy().takeStopFlags();
            if (stop >= 0) {
                shutdown.run(stop);
            }
        }

        @Override
        public void cron() {
            watchdog.cronRan();
            cron.run();
            shutdown.cron();
        }

        @Override
        public void beforeSleep() {
            ServerConfig config = server.config();
            // Keys made ready while a long task held the engine are served once it is over.
            blockedKeys.serveReadyKeys();
            BlockedTimeouts.run(server, outputs);
            input.runUnblockedClients();
            server.activeExpire().fast(server.hz(), config.activeExpireEffort);
            server.clients().tracking().broadcast();
            if (server.eviction().running()) {
                continueEviction();
            }
            Replication.of(server).beforeSleep();
            Cluster cluster = Cluster.of(server);
            if (cluster != null) {
                cluster.beforeSleep();
            }
            outputs.flush();
        }

        @Override
        public void signalled(int shutdownFlags) {
            shutdown.runForSignal(shutdownFlags);
        }

        @Override
        public void stopped() {
            for (Runnable r : shutdownActions) {
                r.run();
            }
        }

        @Override
        public boolean busy() {
            return server.busy().active();
        }
    }

    /** A shutdown's wait for the replicas to catch up, with Redis's pause of the writes meanwhile. */
    private final class ShutdownReplicas implements Shutdown.Replicas {
        /** The pause is the shutdown's, not a CLIENT PAUSE that was on before it. */
        private boolean pausedForShutdown;

        @Override
        public boolean caughtUp() {
            return Replication.of(server).caughtUp();
        }

        @Override
        public void waitFor() {
            ClientPause pause = server.clients().pause();
            if (!pause.active()) {
                Replication.of(server).requestAcks();
            }
            pausedForShutdown = !pause.active();
            pause.pause(Long.MAX_VALUE, ClientPause.WRITE, server.clock().millis());
        }

        @Override
        public void stopWaiting() {
            if (pausedForShutdown) {
                server.clients().pause().unpause();
                pausedForShutdown = false;
            }
            BlockedClients blocked = server.clients().blocked();
            for (Client c : new ArrayList<>(server.clients().all())) {
                BlockedClients.Blocking b = BlockedClients.of(c);
                if (b != null && b.waiter() == BlockedClients.SHUTDOWN) {
                    b.waiter().timedOut(outputs.output(c));
                    blocked.unblock(c);
                }
            }
        }

        @Override
        public void logLagging() {
            Replication.of(server).logLaggingReplicas();
        }
    }

    /** The server as handlers see it. */
    public ServerContext server() {
        return server;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    /** The shutdown sequence SHUTDOWN and the signals share. */
    public Shutdown shutdown() {
        return shutdown;
    }

    public long nextClientId() {
        return nextClientId.getAndIncrement();
    }

    public boolean inEngineThread() {
        return loop.inEngineThread();
    }

    /**
     * CONFIG SET maxmemory-clients: every client's memory is taken again (Redis's
     * applyClientMaxMemoryUsage), so the next check, after the CONFIG SET, sees them all.
     */
    public void clientEvictionChanged() {
        input.refreshClientMemory();
    }

    /**
     * CONFIG SET maxmemory: a limit under what is used starts evicting now, as Redis's
     * updateMaxmemory does, without waiting for the next write. Engine thread.
     */
    public void maxMemoryChanged() {
        ServerConfig config = server.config();
        long used = server.memory().used();
        if (config.maxMemory != 0 && config.maxMemory < used) {
            ServerLog.warning("WARNING: the new maxmemory value set via CONFIG SET (" + Long.toUnsignedString(config.maxMemory)
                    + ") is smaller than the current memory usage (" + used + "). This will result in key eviction and/or the"
                    + " inability to accept new write commands depending on the maxmemory-policy.");
        }
        input.refreshClientMemory(); // maxmemory-clients may be a share of it
        continueEviction();
    }

    /**
     * Runs one eviction slice as a task of its own, again and again while a slice ends with
     * memory still over the limit, as Redis's eviction time proc does: clients are served in
     * between, and an idle server gets back under the limit too.
     */
    private void continueEviction() {
        if (evictionQueued) {
            return;
        }
        evictionQueued = true;
        submit(s -> {
            evictionQueued = false;
            server.evictIfNeeded();
            if (server.eviction().running()) {
                continueEviction();
            }
            outputs.flush(); // messages to tracking clients
        });
    }

    /** Work to do on the engine thread when it stops, such as a final save. */
    public void onShutdown(Runnable action) {
        shutdownActions.add(action);
    }

    // ------------------------------------------------------------------ the loop

    /**
     * Cluster mode (cluster-enabled yes): loads or creates nodes.conf, listens on the bus port
     * through {@code transport}, and puts the slot check in the dispatcher. Before the engine
     * starts; what the bus hears waits for the engine thread.
     */
    public Cluster startCluster(java.util.function.Function<java.util.function.Consumer<Runnable>, Cluster.Transport> transport)
            throws java.io.IOException {
        // What the bus hears is input, as a client's is: served while a load or a busy script
        // holds the engine (Redis's processEventsWhileBlocked reads the bus too), so that the
        // other nodes keep hearing from this one and see it loading instead of failing.
        java.util.function.Consumer<Runnable> toEngine = r -> loop.submitAfterIo(new EngineTask() {
            @Override
            public void run(Engine engine) {
                r.run();
            }

            @Override
            public boolean isInput() {
                return true;
            }
        });
        Cluster cluster = Cluster.start(server, transport.apply(toEngine), toEngine);
        server.router = SlotRouting.of(cluster);
        return cluster;
    }

    /** Starts the engine on a thread of its own, sending replies through {@code flusher}. */
    public void start(ReplyFlusher flusher) {
        outputs.flusher(flusher);
        loop.start();
    }

    /**
     * Starts the engine on {@code eventLoop}, the transport's single event loop; {@code poller}
     * serves that loop from inside a long task.
     */
    public void startOn(ReplyFlusher flusher, ScheduledExecutorService eventLoop, IoPoller poller) {
        outputs.flusher(flusher);
        loop.startOn(eventLoop, poller);
    }

    /** Runs a batch of input; see {@link EngineLoop#runBatch}. */
    public void runBatch(EngineTask batch) {
        loop.runBatch(batch);
    }

    /** Queues work for the engine thread; callable from any thread. */
    public void submit(EngineTask task) {
        loop.submit(task);
    }

    /** Runs a task on the engine thread and waits for it; for the embedded API and shutdown. */
    public void runAndWait(EngineTask task, long timeoutMillis) throws InterruptedException {
        loop.runAndWait(task, timeoutMillis);
    }

    /** A signal asks for a shutdown; callable from any thread. */
    public void shutdownOnSignal(int flags) {
        loop.shutdownOnSignal(flags);
    }

    /** True from start until the loop has ended. */
    public boolean isRunning() {
        return loop.isRunning();
    }

    /** Stops the loop after the current task and waits for it; safe from any thread. */
    public void stop(long timeoutMillis) {
        loop.stop(timeoutMillis);
    }

    /** The cron's runs so far. */
    public long cronLoops() {
        return cron.loops();
    }

    // ------------------------------------------------------------------ from the transport

    /** A new connection, on the engine thread. */
    public void connected(Client c) {
        input.connected(c);
    }

    /** Bytes from a client, on the engine thread; takes ownership of {@code data}. */
    public void input(Client c, ByteBuf data) {
        input.input(c, data);
    }

    /** Runs every complete command in the client's buffer; for tests that feed the decoder. */
    public void processInput(Client c) {
        input.processInput(c);
    }

    /** The client shut its sending side. */
    public void inputEnded(Client c) {
        input.inputEnded(c);
    }

    /** The connection is gone. */
    public void disconnected(Client c) {
        input.disconnected(c);
    }

    /** The connection can take more replies: a client held by back-pressure may go on. */
    public void resumeIfDrained(Client c) {
        input.resumeIfDrained(c);
    }

    /** The clients a pause let go run their held commands; the cron and each batch call it. */
    public void runReleasedClients() {
        input.runReleasedClients();
    }

    /**
     * What the loop does about blocked clients before it sleeps: the timeouts due, then the
     * input of the clients let go; for tests with a manual clock.
     */
    public void handleBlockedClients() {
        BlockedTimeouts.run(server, outputs);
        input.runUnblockedClients();
    }

    /** Runs the cron once now; for tests with a manual clock. */
    public void runCron() {
        cron.run();
    }

    /** Sends what has been replied; for tests. */
    public void flush() {
        outputs.flush();
    }

    // ------------------------------------------------------------------ ServerControl

    @Override
    public void kill(Client c) {
        outputs.free(c, true);
    }

    @Override
    public boolean shutdown(int flags) {
        return shutdown.run(flags);
    }

    @Override
    public boolean shutdownInProgress() {
        return shutdown.inProgress();
    }

    @Override
    public boolean abortShutdown() {
        return shutdown.abort();
    }

    @Override
    public void pauseCron(boolean paused) {
        cron.paused(paused);
    }

    @Override
    public LongTask beginLongTask(Client owner, String rejection) {
        return new LongTaskRun(server.busy(), owner, rejection, loop, outputs, server.clock());
    }

    @Override
    public ReplyWriter output(Client c) {
        return outputs.output(c);
    }

    @Override
    public boolean measuresPushes() {
        return ClientEviction.limit(server.config()) != 0;
    }

    @Override
    public void pushed(Client c) {
        input.pushed(c);
    }
}
