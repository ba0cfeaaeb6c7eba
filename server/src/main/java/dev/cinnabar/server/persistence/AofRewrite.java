package dev.cinnabar.server.persistence;

import dev.cinnabar.persistence.rdb.RdbFileWriter;
import dev.cinnabar.persistence.rdb.RdbOutput;
import dev.cinnabar.server.Version;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.config.ConfigError;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.config.ShutdownFlags;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.scripting.Functions;
import dev.cinnabar.server.scripting.LoadedFunctions;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.ObjLongConsumer;

/**
 * BGREWRITEAOF without a fork (Redis 7.0's rewriteAppendOnlyFileBackground and
 * backgroundRewriteDoneHandler): the writes go to a new incremental file from the moment the
 * rewrite starts, while a {@link Snapshot} of that moment is written as the new base, in RDB form
 * ({@code aof-use-rdb-preamble}) or as commands, in engine slices handed to a writer thread. When
 * the base is on disk it is renamed into the AOF directory and the manifest that names it
 * replaces the old one in one rename; the files it replaced become history and are deleted
 * (unless {@code aof-disable-auto-gc}). A crash at any point leaves the previous manifest, whose
 * files are all still there, or the new one.
 *
 * <p>Also here: CONFIG SET appendonly (Redis's startAppendOnly and stopAppendOnly, the AOF being
 * turned on by a rewrite), the cron's scheduled and automatic rewrites, the retry limit after
 * repeated failures, and the shutdown's handling of a rewrite in progress. Engine thread only,
 * except the writer thread's own part.
 */
public final class AofRewrite {
    /** Redis's AOF_REWRITE_LIMITE_THRESHOLD: failures in a row before automatic retries slow down. */
    static final int LIMIT_THRESHOLD = 3;
    /** Redis's AOF_REWRITE_LIMITE_MAX_MINUTES. */
    static final int LIMIT_MAX_MINUTES = 60;

    private final ServerContext server;
    private final ServerConfig config;
    private Consumer<Runnable> engineExecutor = Runnable::run;
    private ObjLongConsumer<Runnable> sliceScheduler = (r, pause) -> r.run();
    private final SlicePacing pacing;

    // INFO persistence
    public boolean scheduled;
    public long timeStartSeconds = -1;
    public long timeLastSeconds = -1;
    public boolean lastOk = true;
    public long rewrites;
    public long consecutiveFailures;
    public long lastExtraBytes;

    private Job job;
    private int nextDelayMinutes;
    private long nextRewriteTime;

    private AofRewrite(ServerContext server) {
        this.server = server;
        this.pacing = new SlicePacing(server.stats());
        this.config = server.config();
        Persistence.of(server).otherChild = () -> job != null;
        AppendOnlyFile aof = AppendOnlyFile.of(server);
        aof.rewriteInProgress = () -> job != null;
    }

    public static AofRewrite of(ServerContext server) {
        if (server.aofRewrite == null) {
            server.aofRewrite = new AofRewrite(server);
        }
        return (AofRewrite) server.aofRewrite;
    }

    /** How work reaches the engine thread from the writer thread (the engine sets it up). */
    public void engineExecutor(Consumer<Runnable> executor) {
        this.engineExecutor = executor;
        // Slices too, with no pause, until sliceScheduler says otherwise (tests that play the
        // engine's turns themselves).
        this.sliceScheduler = (r, pause) -> executor.accept(r);
    }

    /**
     * Where the snapshot's next slice goes: {@code (slice, pause)} runs it on the engine once
     * the sockets were served and {@code pause} nanoseconds have passed.
     */
    public void sliceScheduler(ObjLongConsumer<Runnable> scheduler) {
        this.sliceScheduler = scheduler;
    }

    private long nowSeconds() {
        return server.clock().millis() / 1000;
    }

    private AppendOnlyFile aof() {
        return AppendOnlyFile.of(server);
    }

    public boolean inProgress() {
        return job != null;
    }

    /** INFO's aof_current_rewrite_time_sec. */
    public long currentTimeSeconds() {
        return job == null ? -1 : nowSeconds() - timeStartSeconds;
    }

    /** INFO's current_save_keys_processed and _total while a rewrite runs. */
    public long currentKeysProcessed() {
        return job == null || job.snapshot == null ? 0 : job.snapshot.keysWritten();
    }

    public long currentKeysTotal() {
        return job == null || job.snapshot == null ? 0 : job.snapshot.totalKeys();
    }

    /** Heap bytes the running rewrite's snapshot holds in early copies (its "copy-on-write"). */
    public long currentExtraBytes() {
        return job == null || job.snapshot == null ? 0 : job.snapshot.extraBytes();
    }

    // ------------------------------------------------------------------ BGREWRITEAOF

    /** BGREWRITEAOF: the status reply, or an error reply starting with "ERR". */
    public String bgrewriteaofCommand(boolean inTransaction) {
        if (job != null) {
            return "ERR Background append only file rewriting already in progress";
        }
        if (Persistence.of(server).bgsaveInProgress() || inTransaction) {
            scheduled = true;
            // A rewrite asked for by hand goes ahead even after repeated failures.
            consecutiveFailures = 0;
            return "Background append only file rewriting scheduled";
        }
        if (start()) {
            return "Background append only file rewriting started";
        }
        return "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.";
    }

    /**
     * Redis's rewriteAppendOnlyFileBackground: switches the writes to a new incremental file and
     * starts the snapshot of this moment. False when it could not start (logged).
     */
    public boolean start() {
        if (job != null || Persistence.of(server).bgsaveInProgress()) {
            return false;
        }
        AofDirectory dir = AofDirectory.of(config);
        try {
            dir.create();
        } catch (IOException e) {
            // Redis's dirCreateIfMissing: a file in the way is ENOTDIR.
            String why = e instanceof java.nio.file.FileAlreadyExistsException ? "Not a directory" : SnapshotFile.reason(e);
            ServerLog.warning("Can't open or create append-only dir " + config.appendDirname + ": " + why);
            lastOk = false;
            return false;
        }
        AppendOnlyFile aof = aof();
        if (aof.state() == AppendOnlyFile.State.OFF && aof.manifest().isEmpty() && dir.hasManifest()) {
            // Redis reads the manifest at start even with the AOF off; a rewrite then continues its numbering.
            try {
                aof.installManifest(dir.readManifest());
            } catch (IOException | AofManifest.FormatException e) {
                // a fresh manifest then, as Redis with an unreadable one would not have started
            }
        }
        if (aof.state() != AppendOnlyFile.State.OFF) {
            // What the commands before this point wrote belongs to the old file: the base will hold it.
            aof.flush(true);
            try {
                aof.openNewIncr();
            } catch (IOException | RuntimeException e) {
                lastOk = false;
                return false;
            }
        }
        long asked = System.nanoTime();
        rewrites++;
        Path workDir = Path.of(config.dir);
        long pid = ServerLog.pid();
        Path temp = workDir.resolve("temp-rewriteaof-" + pid + ".aof");
        Path done = workDir.resolve("temp-rewriteaof-bg-" + pid + ".aof");
        boolean preamble = config.aofUseRdbPreamble;
        FileOutputStream file;
        try {
            file = new FileOutputStream(temp.toFile());
        } catch (IOException e) {
            // Redis's child fails here, after the fork: the rewrite has started, then fails.
            server.stats().forked(System.nanoTime() - asked);
            ServerLog.notice("Background append only file rewriting started by pid " + pid);
            ServerLog.warning("Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): "
                    + SnapshotFile.reason(e));
            scheduled = false;
            timeStartSeconds = nowSeconds();
            finished(null, preamble);
            return true;
        }
        Job j = new Job(file, temp, done, preamble);
        job = j;
        j.snapshot = new Snapshot(server.keyspace(), j.chunks, preamble && config.rdbCompression, config.maxMemoryPolicy,
                preamble ? Snapshot.rdb(aux(), libraries()) : commands());
        server.keyspace().addObserver(j.snapshot);
        server.stats().forked(System.nanoTime() - asked);
        ServerLog.notice("Background append only file rewriting started by pid " + pid);
        scheduled = false;
        timeStartSeconds = nowSeconds();
        j.thread.start();
        produce(j);
        return true;
    }

    private RdbFileWriter.Aux aux() {
        RdbFileWriter.Aux aux = new RdbFileWriter.Aux();
        aux.redisVersion = Version.REDIS;
        aux.ctimeSeconds = server.clock().millis() / 1000;
        aux.usedMemory = server.memory().used();
        aux.aofBase = true;
        return aux;
    }

    private List<byte[]> libraries() {
        List<byte[]> codes = new ArrayList<>();
        Functions f = LoadedFunctions.of(server);
        if (f != null) {
            for (Functions.Library li : f.libraries()) {
                codes.add(li.code);
            }
        }
        return codes;
    }

    /** The base as commands (aof-use-rdb-preamble no): Redis's rewriteAppendOnlyFileRio. */
    private Snapshot.Format commands() {
        return AofSnapshotFormat.of(libraries(), config.aofTimestampEnabled ? nowSeconds() : -1);
    }

    /** One engine slice of the snapshot; schedules the next while the writer keeps up. */
    private void produce(Job j) {
        if (job != j || j.chunks.cancelled()) {
            return;
        }
        Snapshot s = j.snapshot;
        boolean finished = false;
        RuntimeException failed;
        try {
            finished = s.failure() == null
                    && s.slice(Persistence.SLICE_KEYS, Persistence.SLICE_BYTES, Persistence.SLICE_NANOS);
            failed = s.failure();
        } catch (RuntimeException e) {
            failed = e;
        }
        if (failed != null) {
            server.keyspace().removeObserver(s);
            j.fail("Write error writing append only file on disk: " + SnapshotFile.reason(failed));
            return;
        }
        if (finished) {
            server.keyspace().removeObserver(s);
            j.finishProducing();
            return;
        }
        if (!j.chunks.full()) {
            sliceScheduler.accept(() -> produce(j), pacing.pauseAfter(s.lastSliceNanos()));
        }
    }

    /** The writer is done: Redis's backgroundRewriteDoneHandler. {@code error} null means success. */
    private void writerDone(Job j, String error) {
        if (job != j) {
            return;
        }
        server.keyspace().removeObserver(j.snapshot);
        lastExtraBytes = j.snapshot.extraBytes();
        job = null;
        if (error != null) {
            ServerLog.warning(error);
        }
        finished(error == null ? j.done : null, j.preamble);
    }

    /**
     * The end of a rewrite, as Redis's parent handles its child's exit: {@code base} is the
     * finished temporary base, or null when the rewrite failed. The new base is named after the
     * format it was written in (Redis names it after aof-use-rdb-preamble as it is at the end).
     */
    private void finished(Path base, boolean rdbPreamble) {
        AppendOnlyFile aof = aof();
        if (base == null) {
            lastOk = false;
            consecutiveFailures++;
            ServerLog.warning("Background AOF rewrite terminated with error");
        } else {
            ServerLog.notice("Background AOF rewrite terminated with success");
            install(aof, base, rdbPreamble);
        }
        deleteQuietly(base);
        if (aof.state() == AppendOnlyFile.State.WAIT_REWRITE) {
            String name = AofManifest.tempIncrName(config.appendFilename);
            ServerLog.notice("Removing the temp incr aof file " + name + " in the background");
            deleteQuietly(AofDirectory.of(config).file(name));
        }
        timeLastSeconds = nowSeconds() - timeStartSeconds;
        timeStartSeconds = -1;
        if (aof.state() == AppendOnlyFile.State.WAIT_REWRITE) {
            scheduled = true;
        }
    }

    /** The successful half of backgroundRewriteDoneHandler: the new base and manifest. */
    private void install(AppendOnlyFile aof, Path temp, boolean rdbPreamble) {
        AofDirectory dir = AofDirectory.of(config);
        AofManifest m = aof.manifest().copy();
        String baseName = m.newBase(config.appendFilename, rdbPreamble);
        Path basePath = dir.file(baseName);
        try {
            Files.move(temp, basePath, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            ServerLog.warning("Error trying to rename the temporary AOF base file " + temp.getFileName() + " into "
                    + basePath + ": " + SnapshotFile.reason(e));
            lastOk = false;
            consecutiveFailures++;
            return;
        }
        ServerLog.notice("Successfully renamed the temporary AOF base file " + temp.getFileName() + " into " + baseName);
        boolean waiting = aof.state() == AppendOnlyFile.State.WAIT_REWRITE;
        Path incrPath = null;
        if (waiting) {
            String tempIncr = AofManifest.tempIncrName(config.appendFilename);
            String incrName = m.newIncr(config.appendFilename);
            incrPath = dir.file(incrName);
            try {
                Files.move(dir.file(tempIncr), incrPath, StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                ServerLog.warning("Error trying to rename the temporary AOF incr file " + dir.file(tempIncr) + " into "
                        + incrPath + ": " + SnapshotFile.reason(e));
                deleteQuietly(basePath);
                lastOk = false;
                consecutiveFailures++;
                return;
            }
            ServerLog.notice("Successfully renamed the temporary AOF incr file " + tempIncr + " into " + incrName);
        }
        m.markIncrsAsHistory(aof.state() != AppendOnlyFile.State.OFF);
        try {
            if (waiting) {
                aof.rewriteDone(m);
            } else {
                aof.installManifest(m);
            }
        } catch (IOException | RuntimeException e) {
            ServerLog.warning("Can't persist the AOF manifest: " + SnapshotFile.reason(e));
            deleteQuietly(basePath);
            deleteQuietly(incrPath);
            lastOk = false;
            consecutiveFailures++;
            return;
        }
        if (aof.state() != AppendOnlyFile.State.OFF) {
            AofManifest.Entry last = m.lastIncr();
            long size = dir.size(baseName) + (last == null ? 0 : dir.size(last.fileName()));
            aof.currentSize(size);
            aof.baseSize(size);
        }
        aof.deleteHistory();
        lastOk = true;
        consecutiveFailures = 0;
        ServerLog.notice("Background AOF rewrite finished successfully");
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            BackgroundUnlink.unlink(p);
        }
    }

    /** Redis's killAppendOnlyChild: stops a rewrite in progress and deletes its temporary files. */
    public void kill() {
        Job j = job;
        if (j == null) {
            return;
        }
        ServerLog.notice("Killing running AOF rewrite child: " + ServerLog.pid());
        j.cancel();
        // The writer may be sleeping out rdb-key-save-delay: wake it.
        j.thread.interrupt();
        try {
            j.thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.keyspace().removeObserver(j.snapshot);
        lastExtraBytes = j.snapshot.extraBytes();
        job = null;
        deleteQuietly(j.temp);
        deleteQuietly(j.done);
        timeStartSeconds = -1;
    }

    // ------------------------------------------------------------------ appendonly yes|no

    /** CONFIG SET appendonly: Redis's updateAppendonly. */
    public void appendOnlyChanged() throws ConfigError {
        AppendOnlyFile aof = aof();
        if (!config.appendOnly && aof.state() != AppendOnlyFile.State.OFF) {
            aof.stop();
            scheduled = false;
            kill();
        } else if (config.appendOnly && aof.state() == AppendOnlyFile.State.OFF) {
            if (!startAppendOnly(server.keyspace().commandDepth() > 1)) {
                throw new ConfigError("Unable to turn on AOF. Check server logs.");
            }
        }
    }

    /** Redis's startAppendOnly: the AOF waits for a rewrite, started now or scheduled. */
    private boolean startAppendOnly(boolean inExec) {
        AppendOnlyFile aof = aof();
        aof.beginWaitRewrite();
        if (Persistence.of(server).bgsaveInProgress()) {
            scheduled = true;
            ServerLog.warning("AOF was enabled but there is already another background operation. An AOF background "
                    + "was scheduled to start when possible.");
        } else if (inExec) {
            scheduled = true;
            ServerLog.warning("AOF was enabled during a transaction. An AOF background was scheduled to start when "
                    + "possible.");
        } else {
            if (job != null) {
                ServerLog.warning("AOF was enabled but there is already an AOF rewriting in background. Stopping "
                        + "background AOF and starting a rewrite now.");
                kill();
            }
            if (!start()) {
                aof.stop();
                ServerLog.warning("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. "
                        + "Check the above logs for more info about the error.");
                return false;
            }
        }
        return true;
    }

    /** CONFIG SET aof-disable-auto-gc no: the history goes now. */
    public void autoGcChanged() {
        if (!config.aofDisableAutoGc) {
            aof().deleteHistory();
        }
    }

    // ------------------------------------------------------------------ cron

    /** serverCron's first share: a rewrite scheduled while a BGSAVE ran (or to turn the AOF on). */
    public void cronScheduled() {
        if (job == null && scheduled && !Persistence.of(server).bgsaveInProgress() && !limited()) {
            start();
        }
    }

    /** serverCron's later share: the automatic rewrite on growth (auto-aof-rewrite-percentage). */
    public void cronAuto() {
        AppendOnlyFile aof = aof();
        if (aof.state() != AppendOnlyFile.State.ON || job != null || Persistence.of(server).bgsaveInProgress()
                || config.autoAofRewritePercentage == 0) {
            return;
        }
        long current = aof.currentSize();
        if (current <= config.autoAofRewriteMinSize) {
            return;
        }
        long base = aof.baseSize() != 0 ? aof.baseSize() : 1;
        long growth = current * 100 / base - 100;
        if (growth >= config.autoAofRewritePercentage && !limited()) {
            ServerLog.notice("Starting automatic rewriting of AOF on " + growth + "% growth");
            start();
        }
    }

    /** Redis's aofRewriteLimited: after repeated failures, automatic attempts wait 1, 2, 4 ... 60 minutes. */
    boolean limited() {
        if (consecutiveFailures < LIMIT_THRESHOLD) {
            nextDelayMinutes = 0;
            nextRewriteTime = 0;
            return false;
        }
        long now = nowSeconds();
        if (nextRewriteTime != 0) {
            if (now < nextRewriteTime) {
                return true;
            }
            nextRewriteTime = 0;
            return false;
        }
        nextDelayMinutes = nextDelayMinutes == 0 ? 1 : Math.min(LIMIT_MAX_MINUTES, nextDelayMinutes * 2);
        nextRewriteTime = now + nextDelayMinutes * 60L;
        ServerLog.warning("Background AOF rewrite has repeatedly failed and triggered the limit, will retry in "
                + nextDelayMinutes + " minutes");
        return true;
    }

    // ------------------------------------------------------------------ shutdown

    /**
     * The shutdown's share (Redis's prepareForShutdown): a rewrite that would turn the AOF on
     * holds the shutdown unless FORCE; any other rewrite is stopped. False: the shutdown fails.
     */
    public boolean beforeShutdown(int flags) {
        if (job == null) {
            return true;
        }
        if (aof().state() == AppendOnlyFile.State.WAIT_REWRITE) {
            if ((flags & ShutdownFlags.FORCE) != 0) {
                ServerLog.warning("Writing initial AOF. Exit anyway.");
            } else {
                ServerLog.warning("Writing initial AOF, can't exit.");
                return false;
            }
        }
        ServerLog.warning("There is a child rewriting the AOF. Killing it!");
        kill();
        return true;
    }

    // ------------------------------------------------------------------ the writer

    /** The writer thread of a rewrite and its queue of encoded slices. */
    private final class Job {
        final ChunkQueue chunks;
        final Thread thread;
        final Path temp;
        final Path done;
        final boolean preamble;
        private final FileOutputStream file;
        private final boolean checksum = config.rdbChecksum;
        private final boolean compression;
        Snapshot snapshot;
        private volatile String failure;

        Job(FileOutputStream file, Path temp, Path done, boolean preamble) {
            this.file = file;
            this.temp = temp;
            this.done = done;
            this.preamble = preamble;
            this.compression = preamble && config.rdbCompression;
            this.chunks = new ChunkQueue(compression, config.rdbKeySaveDelay,
                    () -> engineExecutor.accept(() -> produce(this)));
            this.thread = new Thread(this::write, "cinnabar-aof-rewrite");
            thread.setDaemon(true);
        }

        void finishProducing() {
            chunks.finish();
        }

        void fail(String why) {
            failure = why;
            chunks.end();
        }

        void cancel() {
            chunks.cancel();
        }

        private void write() {
            String error = null;
            try (FileOutputStream f = file) {
                OutputStream sink = config.aofRewriteIncrementalFsync ? new SnapshotFile.SyncingStream(f) : f;
                RdbOutput out = new RdbOutput(sink, compression);
                if (!chunks.drainInto(out)) {
                    return;
                }
                if (failure != null) {
                    throw new IOException(failure);
                }
                if (preamble) {
                    RdbFileWriter.end(out, checksum);
                }
                out.flush();
                f.getFD().sync();
            } catch (IOException | UncheckedIOException e) {
                error = e.getMessage() != null && e.getMessage().startsWith("Write error") ? e.getMessage()
                        : "Write error writing append only file on disk: " + SnapshotFile.reason(e);
            } catch (InterruptedException e) {
                return;
            } finally {
                if (chunks.cancelled()) {
                    deleteQuietly(temp);
                }
            }
            if (error == null) {
                try {
                    Files.move(temp, done, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    ServerLog.notice("Successfully created the temporary AOF base file " + done.getFileName());
                } catch (IOException e) {
                    error = "Error moving temp append only file on the final destination: " + SnapshotFile.reason(e);
                }
            }
            if (error != null) {
                deleteQuietly(temp);
            }
            String err = error;
            engineExecutor.accept(() -> writerDone(this, err));
        }
    }
}
