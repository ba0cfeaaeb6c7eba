package dev.cinnabar.server.engine;

import dev.cinnabar.server.db.Clock;
import dev.cinnabar.server.log.ServerLog;
import io.netty.util.internal.PlatformDependent;
import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine thread's loop, in one of two shapes (see HACKING.md, "Threads"): on the transport's
 * event loop ({@link #startOn}), where each turn's input batch runs where it was read, or on a
 * thread of its own ({@link #start}), fed batches by I/O threads through a lock-free queue. On its
 * own thread it parks when idle, and producers unpark it only when it has announced that it
 * sleeps. Spinning before parking was measured to cost more than it saves on a 2-core machine,
 * where the spin takes the core the clients need, so by default it does not spin.
 *
 * <p>Between batches it runs the timers: the cron at {@code hz} and, before going idle, the fast
 * expiry cycle and the flush. A shutdown a signal asked for runs between batches too. While a
 * long task holds the thread, {@link #serveWhileBusy} takes its place: input batches run (their
 * clients get the busy reply), anything else waits for the task to end.
 */
final class EngineLoop {
    /** How long the engine on its own thread polls for more work before parking (bench/RESULTS.md). */
    private static final long SPIN_NANOS = Long.getLong("cinnabar.engine.spinNanos", 0L);
    /** Bound on tasks run before flushing replies, so a flood of input cannot starve the output. */
    private static final int MAX_TASKS_PER_FLUSH = 256;
    private static final String HEAP_EXHAUSTED =
            "The Java heap ran out during a task on the engine thread; the task was abandoned. Consider a larger -Xmx or heap-reserve.";

    /** What the loop runs besides tasks; the engine provides it. */
    interface Work {
        /** After each task: clients a pause let go, a shutdown asked for while busy. */
        void afterTask();

        /** The cron, when due. */
        void cron();

        /** Before going idle, and after a batch on the event loop: fast expiry and the flush. */
        void beforeSleep();

        /** A signal's shutdown, once the work in progress is done and its replies sent. */
        void signalled(int shutdownFlags);

        /** Work to do on the engine thread when the loop stops, such as a final save. */
        void stopped();

        /** True while a long task holds the engine: only input batches run then. */
        boolean busy();
    }

    private final Engine engine;
    private final Clock clock;
    private final ServerCron cron;
    private final Work work;
    private final Queue<EngineTask> inbox = PlatformDependent.newMpscQueue();
    /**
     * On the engine's own thread: tasks that wait for a time ({@link #submitAfterIo(EngineTask,
     * long)}), earliest first, moved to the inbox when due. Engine thread only.
     */
    private final PriorityQueue<Delayed> delayed = new PriorityQueue<>();

    private record Delayed(long dueNanos, EngineTask task) implements Comparable<Delayed> {
        @Override
        public int compareTo(Delayed o) {
            return Long.compare(dueNanos, o.dueNanos);
        }
    }
    /** Tasks that came while a long task held the engine; they run once it is over. */
    private final ArrayDeque<EngineTask> deferred = new ArrayDeque<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** The transport's event loop when the engine runs on it, else null: the engine has its own thread. */
    private volatile ScheduledExecutorService eventLoop;
    /** Serves the event loop's sockets and tasks from inside a long task; null on a thread of its own. */
    private IoPoller poller;
    private volatile Thread thread;
    private volatile boolean sleeping;
    private volatile boolean running;
    /** Flags of a shutdown a signal asked for, or -1; acted on between batches, as Redis's cron does. */
    private volatile int signalShutdownFlags = -1;
    private long nextCronNanos;
    /** The task being run; a long task started by it continues it from inside (see serveWhileBusy). */
    private EngineTask current;

    EngineLoop(Engine engine, Clock clock, ServerCron cron, Work work) {
        this.engine = engine;
        this.clock = clock;
        this.cron = cron;
        this.work = work;
    }

    // ------------------------------------------------------------------ lifecycle

    void start() {
        this.running = true;
        this.nextCronNanos = clock.nanos();
        thread = new Thread(this::loop, "cinnabar-engine");
        thread.start();
    }

    /**
     * Starts on {@code loop}, the transport's single event loop: input batches then run where
     * they were read ({@link #runBatch}), with no hand-off between threads, and replies are
     * written from the same thread. {@code poller} serves the loop from inside a long task.
     */
    void startOn(ScheduledExecutorService loop, IoPoller poller) {
        this.running = true;
        this.eventLoop = loop;
        this.poller = poller;
        this.nextCronNanos = clock.nanos();
        try {
            loop.submit(() -> {
                thread = Thread.currentThread();
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        loop.execute(this::cronTick);
    }

    /**
     * On the event loop, runs what was queued before the engine started there: a connection the
     * listeners accepted while the server was still starting.
     */
    private void runQueuedBeforeStart() {
        for (EngineTask task; (task = inbox.poll()) != null; ) {
            runBatch(task);
        }
    }

    /** The cron on the event loop: at {@code hz}, read again each time as CONFIG SET may change it. */
    private void cronTick() {
        if (!running) {
            return;
        }
        try {
            runQueuedBeforeStart();
            if (!work.busy()) {
                work.cron();
                work.beforeSleep();
            }
        } catch (RuntimeException e) {
            ServerLog.warning("Cron failed on the engine thread: " + e);
            e.printStackTrace();
        } catch (OutOfMemoryError e) {
            heapExhausted();
        } finally {
            // Whatever happened to this tick, the next one comes: expiry, the heap guard and
            // the replies' flush depend on it.
            eventLoop.schedule(this::cronTick, cron.periodNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Runs one batch of input and sends what it replied. On the engine's own thread this is a
     * queued task; when the engine is the event loop, the transport calls it directly at the end
     * of the loop turn that read the input.
     */
    void runBatch(EngineTask batch) {
        if (eventLoop == null || !inEngineThread()) {
            submit(batch);
            return;
        }
        if (!running) {
            return;
        }
        if (work.busy()) {
            runWhileBusy(batch);
            return;
        }
        runTask(batch);
        work.beforeSleep();
        actOnSignal();
    }

    /** One task, then what follows each; a failure is logged and does not stop the engine. */
    private void runTask(EngineTask task) {
        current = task;
        try {
            task.run(engine);
        } catch (RuntimeException e) {
            ServerLog.warning("Task failed on the engine thread: " + e);
            e.printStackTrace();
        } catch (OutOfMemoryError e) {
            heapExhausted();
        } finally {
            current = null;
        }
        work.afterTask();
        if (!work.busy()) {
            runDeferred();
        }
    }

    /** While a long task holds the engine: input runs (and gets the busy reply), the rest waits. */
    private void runWhileBusy(EngineTask task) {
        if (!task.isInput()) {
            deferred.add(task);
            return;
        }
        try {
            task.run(engine);
        } catch (RuntimeException e) {
            ServerLog.warning("Task failed on the engine thread: " + e);
            e.printStackTrace();
        } catch (OutOfMemoryError e) {
            heapExhausted();
        }
    }

    /**
     * The heap ran out in a task outside the places that answer it themselves (a command's
     * handler, a request being read): the task is abandoned and the engine goes on, since the
     * garbage of the failed task is collectable. Nothing here may allocate much.
     */
    private static void heapExhausted() {
        ServerLog.warning(HEAP_EXHAUSTED);
    }

    private void runDeferred() {
        EngineTask t;
        while (!work.busy() && (t = deferred.poll()) != null) {
            runTask(t);
        }
    }

    /**
     * Called by a long task's poll, on the engine thread: serves the sockets and whatever waits
     * on the loop without blocking (Redis's processEventsWhileBlocked). Input batches run at once,
     * their clients answered by the dispatcher's busy check; other tasks wait for the task to end.
     * A signal's shutdown becomes a request the task sees.
     */
    void serveWhileBusy() {
        if (current != null && current.isInput()) {
            // The rest of the batch the long task came in with: other clients' input read in
            // the same turn, already out of the sockets, which no poll would find again.
            runWhileBusy(current);
        }
        if (poller != null) {
            poller.pollNow();
        } else {
            EngineTask task;
            int n = 0;
            while (n++ < MAX_TASKS_PER_FLUSH && (task = inbox.poll()) != null) {
                runWhileBusy(task);
            }
        }
    }

    /** A signal asked for a shutdown that has not run yet: a long task ends for it. */
    boolean signalPending() {
        return signalShutdownFlags >= 0;
    }

    /** The shutdown a signal asked for, once the work in progress is done and its replies sent. */
    private void actOnSignal() {
        if (signalShutdownFlags >= 0 && !work.busy()) {
            int flags = signalShutdownFlags;
            signalShutdownFlags = -1;
            work.signalled(flags);
        }
    }

    /**
     * A signal asks for a shutdown; callable from any thread. The engine runs it once the command
     * in progress has finished and its replies have gone out.
     */
    void shutdownOnSignal(int flags) {
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
    boolean isRunning() {
        return running && stopped.getCount() > 0;
    }

    /** The thread the engine runs on, once started; null before. */
    Thread thread() {
        return thread;
    }

    boolean inEngineThread() {
        return Thread.currentThread() == thread;
    }

    /** Stops the loop after the current task and waits for it; safe from any thread. */
    void stop(long timeoutMillis) {
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
                work.stopped();
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
        } catch (RejectedExecutionException e) {
            stopped.countDown(); // the loop is gone already
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Queues work for the engine thread; callable from any thread. */
    void submit(EngineTask task) {
        if (eventLoop != null) {
            eventLoop.execute(() -> runBatch(task));
            return;
        }
        inbox.offer(task);
        if (sleeping) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Queues a step of background work to run once the sockets have been served again. On the
     * event loop a task queued by a task runs in the same round of tasks, before the loop reads
     * any socket: work that queues its own next step (a BGSAVE's slices) would hold every client
     * until it ended, and did, for the whole of a 0.6 s save. A task scheduled with no delay
     * waits for the next round instead, which comes after a poll of the sockets. On the
     * engine's own thread the inbox is one queue in order, input included, so a plain submit
     * already takes its turn.
     */
    void submitAfterIo(EngineTask task) {
        submitAfterIo(task, 0);
    }

    /**
     * {@link #submitAfterIo(EngineTask)} no sooner than {@code delayNanos} from now. On the
     * engine's own thread ({@code io-threads} above 1) the task waits in {@link #delayed} and
     * joins the inbox when due: queued at once, a background walk kept the inbox from emptying,
     * and the replies to the clients' batches between its slices went out only every
     * {@link #MAX_TASKS_PER_FLUSH} tasks (PING's p99 36-47 ms during a BGSAVE).
     */
    void submitAfterIo(EngineTask task, long delayNanos) {
        if (eventLoop != null) {
            eventLoop.schedule(() -> runBatch(task), delayNanos, TimeUnit.NANOSECONDS);
            return;
        }
        if (!inEngineThread()) {
            submit(task);
            return;
        }
        delayed.add(new Delayed(clock.nanos() + delayNanos, task));
    }

    /** Moves the delayed tasks that are due to the inbox; the time until the next one, or MAX_VALUE. */
    private long releaseDelayed(long now) {
        Delayed d;
        while ((d = delayed.peek()) != null && d.dueNanos <= now) {
            delayed.poll();
            inbox.offer(d.task);
        }
        return d == null ? Long.MAX_VALUE : d.dueNanos - now;
    }

    /** Runs a task on the engine thread and waits for it; for the embedded API and shutdown. */
    void runAndWait(EngineTask task, long timeoutMillis) throws InterruptedException {
        if (inEngineThread()) {
            task.run(engine);
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

    // ------------------------------------------------------------------ the engine's own thread

    private void loop() {
        long lastWork = clock.nanos();
        try {
            while (running) {
                boolean worked;
                try {
                    worked = drain();
                } catch (OutOfMemoryError e) {
                    heapExhausted();
                    continue;
                }
                actOnSignal();
                long now = clock.nanos();
                if (now >= nextCronNanos) {
                    work.cron();
                    now = clock.nanos();
                    nextCronNanos = now + cron.periodNanos();
                }
                long untilDelayed = delayed.isEmpty() ? Long.MAX_VALUE : releaseDelayed(now);
                if (worked) {
                    lastWork = now;
                    continue;
                }
                if (now - lastWork < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                work.beforeSleep();
                sleeping = true;
                if (inbox.isEmpty() && running) {
                    LockSupport.parkNanos(Math.max(1, Math.min(untilDelayed, nextCronNanos - clock.nanos())));
                }
                sleeping = false;
                lastWork = clock.nanos();
            }
            work.stopped();
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
        work.beforeSleep();
        return true;
    }
}
