package dev.cinnabar.server.persistence;

import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.persistence.rdb.RdbFileException;
import dev.cinnabar.persistence.rdb.RdbFileReader;
import dev.cinnabar.persistence.rdb.RdbReadAhead;
import dev.cinnabar.persistence.rdb.RdbFileWriter;
import dev.cinnabar.persistence.rdb.RdbInput;
import dev.cinnabar.persistence.rdb.RdbLoadSettings;
import dev.cinnabar.persistence.rdb.RdbOutput;
import dev.cinnabar.server.Version;
import dev.cinnabar.server.client.BusyState;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.LongTask;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.config.ShutdownFlags;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.scripting.Functions;
import dev.cinnabar.server.scripting.LoadedFunctions;
import dev.cinnabar.server.scripting.Scripting;
import io.netty.channel.Channel;
import java.io.BufferedInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.ObjLongConsumer;

/**
 * RDB persistence for one server: SAVE, the forkless BGSAVE ({@link Snapshot} slices on the
 * engine thread, a writer thread for the file), save points, loading a dump (at start, DEBUG
 * RELOAD) and the figures of INFO persistence. Engine thread only, except the writer thread's
 * own part.
 */
public final class Persistence {
    /** Redis's CONFIG_BGSAVE_RETRY_DELAY: seconds between attempts after a failed BGSAVE. */
    static final int BGSAVE_RETRY_DELAY = 5;
    /** Keys per engine slice of a BGSAVE, and bytes. */
    static final int SLICE_KEYS = 512;
    static final long SLICE_BYTES = 256 * 1024;
    /** A background slice's time, at most: a few hundred keys take about this once compiled. */
    static final long SLICE_NANOS = 300_000;

    private final ServerContext server;
    private final ServerConfig config;
    private Consumer<Runnable> engineExecutor = Runnable::run;
    private ObjLongConsumer<Runnable> sliceScheduler = (r, pause) -> r.run();
    private final SlicePacing pacing;
    /** Run once the BGSAVE in progress ends: given null when it succeeded, else why not. */
    private final List<Consumer<String>> whenBackgroundDone = new ArrayList<>();

    // INFO persistence
    public long lastSaveSeconds;
    public boolean lastBgsaveOk = true;
    public long lastBgsaveTrySeconds;
    public long saves;
    public long saveTimeLastSeconds = -1;
    public long saveTimeStartSeconds = -1;
    public long lastExtraBytes;
    public long lastLoadKeysLoaded;
    public long lastLoadKeysExpired;
    public boolean bgsaveScheduled;
    private long dirtyBeforeBgsave;
    private Background background;
    private Snapshot running;
    /** True while another background job (an AOF rewrite) runs: Redis's other child process. */
    public java.util.function.BooleanSupplier otherChild = () -> false;

    // loading
    public boolean loading;
    /** What the start found of the AOF (manifest and sizes); see {@link AofLoader}. */
    public AofLoader.Loaded aofAtStart;
    public long loadingStartSeconds;
    public long loadingTotalBytes;
    public long loadingRdbUsedMem;
    public long loadingLoadedBytes;

    private Persistence(ServerContext server) {
        this.server = server;
        this.config = server.config();
        this.lastSaveSeconds = server.clock().millis() / 1000;
        this.lastBgsaveTrySeconds = lastSaveSeconds;
        this.pacing = new SlicePacing(server.stats());
        server.diskError = this::writesDenied;
    }

    public static Persistence of(ServerContext server) {
        if (server.persistence == null) {
            server.persistence = new Persistence(server);
        }
        return (Persistence) server.persistence;
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

    public Path dumpPath() {
        return Path.of(config.dir).resolve(config.dbFilename);
    }

    /** Deletes the dump without waiting for the file system (rdb-del-sync-files). */
    public void unlinkDump() {
        BackgroundUnlink.unlink(dumpPath());
    }

    public boolean bgsaveInProgress() {
        return background != null;
    }

    /** INFO's current_save_keys_processed and _total. */
    public long currentKeysProcessed() {
        return running == null ? 0 : running.keysWritten();
    }

    public long currentKeysTotal() {
        return running == null ? 0 : running.totalKeys();
    }

    public long currentExtraBytes() {
        return running == null ? 0 : running.extraBytes();
    }

    /** True when writes are refused for a failed BGSAVE (stop-writes-on-bgsave-error). */
    public boolean writesDenied() {
        // Replicas too, since Redis 7.0: their clients get -MISCONF, their master's writes a panic
        // or a warning (replica-ignore-disk-write-errors).
        return !lastBgsaveOk && config.stopWritesOnBgsaveError && config.save.length > 0;
    }

    private RdbFileWriter.Aux aux() {
        RdbFileWriter.Aux aux = new RdbFileWriter.Aux();
        aux.redisVersion = Version.REDIS;
        aux.ctimeSeconds = server.clock().millis() / 1000;
        aux.usedMemory = server.memory().used();
        replicationAux.accept(aux);
        return aux;
    }

    /**
     * Fills a save's replication fields (repl-stream-db, repl-id, repl-offset), when this server
     * has a replication history to continue from after a restart (Redis's rdbPopulateSaveInfo);
     * the replication package sets it.
     */
    public Consumer<RdbFileWriter.Aux> replicationAux = aux -> { };

    /** The replication fields of the last dump loaded, or null when it had none (or not all). */
    public record ReplicationHistory(String id, long offset, int streamDb) {
    }

    private String loadedReplId;
    private long loadedReplOffset = -1;
    private int loadedReplStreamDb = -1;

    public ReplicationHistory loadedReplicationHistory() {
        if (loadedReplId == null || loadedReplOffset == -1 || loadedReplStreamDb == -1) {
            return null;
        }
        return new ReplicationHistory(loadedReplId, loadedReplOffset, loadedReplStreamDb);
    }

    /**
     * Keys a master drops while it loads because their time has passed (db, key): given, the
     * replication sends their DELs once it continues the history the dump recorded.
     */
    public java.util.function.ObjIntConsumer<byte[]> expiredWhileLoading;

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

    /**
     * An RDB of the functions alone (REPLCONF rdb-filter-only functions, {@code redis-cli
     * --functions-rdb}): the header, the libraries and the end, no database. Small: made at once.
     */
    byte[] functionsOnly() {
        dev.cinnabar.persistence.rdb.RdbOutput out = new dev.cinnabar.persistence.rdb.RdbOutput(config.rdbCompression);
        RdbFileWriter.header(out, aux());
        for (byte[] code : libraries()) {
            RdbFileWriter.function(out, code);
        }
        RdbFileWriter.end(out, config.rdbChecksum);
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ SAVE

    /** SAVE, and the saves of SHUTDOWN, FLUSHALL and DEBUG RELOAD: null when done, else the reason logged. */
    public String save() {
        SnapshotFile f;
        try {
            f = SnapshotFile.open(Path.of(config.dir), false, config.rdbCompression, config.rdbSaveIncrementalFsync);
        } catch (SnapshotFile.SaveError e) {
            ServerLog.warning(e.getMessage());
            return e.getMessage();
        }
        SaveWriter writer = new SaveWriter(f.out(), config.rdbCompression);
        try {
            RdbOutput chunk = RdbOutput.deferringCompression(config.rdbCompression);
            Snapshot s = new Snapshot(server.keyspace(), new Snapshot.Output() {
                @Override
                public RdbOutput out() {
                    return chunk;
                }

                @Override
                public void handOff(int keys) {
                    keyDelay(keys);
                    writer.put(chunk.takeChunk());
                }
            }, config.rdbCompression, config.maxMemoryPolicy, aux(), libraries());
            while (!s.slice(SLICE_KEYS, SLICE_BYTES)) {
                writer.checkFailed();
            }
            writer.put(chunk.takeChunk());
            writer.finish();
            f.finish(config.rdbChecksum, dumpPath());
        } catch (SnapshotFile.SaveError e) {
            ServerLog.warning(e.getMessage());
            return e.getMessage();
        } catch (RuntimeException e) {
            writer.stop();
            f.abandon();
            String msg = "Write error saving DB on disk(rdbSaveRio): " + SnapshotFile.reason(e);
            ServerLog.warning(msg);
            return msg;
        }
        ServerLog.notice("DB saved on disk");
        server.keyspace().dirty = 0;
        lastSaveSeconds = nowSeconds();
        lastBgsaveOk = true;
        return null;
    }

    /** rdb-key-save-delay: microseconds per key (negative: nanoseconds), for tests. */
    private void keyDelay(int keys) {
        int d = config.rdbKeySaveDelay;
        if (d == 0 || keys == 0) {
            return;
        }
        long nanos = d > 0 ? (long) d * 1000 * keys : (long) -d * keys;
        LockSupport.parkNanos(nanos);
    }

    /** SAVE: counts the save, refuses while a BGSAVE runs. Returns the error reply or null. */
    public String saveCommand() {
        if (background != null) {
            return "ERR Background save already in progress";
        }
        saves++;
        return save() == null ? null : "ERR";
    }

    // ------------------------------------------------------------------ BGSAVE

    /** BGSAVE [SCHEDULE]: the status reply, or an error reply starting with "ERR". */
    public String bgsaveCommand(boolean schedule, boolean inTransaction) {
        if (background != null) {
            return "ERR Background save already in progress";
        }
        if (otherChild.getAsBoolean() || inTransaction) {
            if (schedule || inTransaction) {
                bgsaveScheduled = true;
                return "Background saving scheduled";
            }
            return "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order "
                    + "to schedule a BGSAVE whenever possible.";
        }
        return startBackground() ? "Background saving started" : "ERR";
    }

    /** Redis's rdbSaveBackground: starts the snapshot and its writer; false when it could not. */
    public boolean startBackground() {
        if (background != null || otherChild.getAsBoolean()) {
            return false;
        }
        long asked = System.nanoTime();
        saves++;
        dirtyBeforeBgsave = server.keyspace().dirty;
        lastBgsaveTrySeconds = nowSeconds();
        SnapshotFile f;
        try {
            f = SnapshotFile.open(Path.of(config.dir), true, config.rdbCompression, config.rdbSaveIncrementalFsync);
        } catch (SnapshotFile.SaveError e) {
            // Redis's child fails here after the fork succeeded: BGSAVE has started, then failed.
            server.stats().forked(System.nanoTime() - asked);
            ServerLog.notice("Background saving started by pid " + ServerLog.pid());
            ServerLog.warning(e.getMessage());
            ServerLog.warning("Background saving error");
            lastBgsaveOk = false;
            saveTimeLastSeconds = 0;
            return true;
        }
        Background bg = new Background(fileTarget(f, dumpPath()), false, config.rdbChecksum, config.rdbKeySaveDelay);
        begin(bg);
        server.stats().forked(System.nanoTime() - asked);
        ServerLog.notice("Background saving started by pid " + ServerLog.pid());
        produce(bg);
        return true;
    }

    /**
     * Redis's rdbSaveToSlavesSockets: a background save whose RDB goes to {@code replicas}'
     * connections ({@link DisklessTransfer}) instead of a file, framed by {@code eofMark}. Not a
     * BGSAVE for the statistics (rdb_saves, lastsave, the dirty count stay), but it is the one
     * background save there can be. False when another one runs.
     */
    public boolean startBackgroundToReplicas(List<Channel> replicas, String eofMark) {
        if (background != null || otherChild.getAsBoolean()) {
            return false;
        }
        long asked = System.nanoTime();
        Background[] self = new Background[1];
        DisklessTransfer transfer = new DisklessTransfer(replicas, eofMark, config.rdbCompression,
                () -> self[0].chunks.cancelled());
        self[0] = new Background(transfer, true, config.rdbChecksum, config.rdbKeySaveDelay);
        begin(self[0]);
        server.stats().forked(System.nanoTime() - asked);
        ServerLog.notice("Background RDB transfer started by pid " + ServerLog.pid());
        produce(self[0]);
        return true;
    }

    /** True while a background save streams to replicas (Redis's RDB_CHILD_TYPE_SOCKET). */
    public boolean bgsaveToReplicas() {
        return background != null && background.toReplicas;
    }

    /**
     * For a replica's connection in a diskless transfer: since when (epoch ms) the transfer has
     * waited for it to take more, 0 when it has not or there is no such transfer.
     */
    public long replicaStalledSinceMillis(Channel channel) {
        Background bg = background;
        return bg != null && bg.target instanceof DisklessTransfer t ? t.stalledSinceMillis(channel) : 0;
    }

    private void begin(Background bg) {
        background = bg;
        running = new Snapshot(server.keyspace(), bg.chunks, config.rdbCompression, config.maxMemoryPolicy, aux(), libraries());
        server.keyspace().addObserver(running);
        saveTimeStartSeconds = nowSeconds();
        bg.thread.start();
    }

    private static SaveTarget fileTarget(SnapshotFile file, Path dump) {
        return new SaveTarget() {
            @Override
            public RdbOutput out() {
                return file.out();
            }

            @Override
            public void finish(boolean checksum) throws SnapshotFile.SaveError {
                file.finish(checksum, dump);
            }

            @Override
            public void abandon() {
                file.abandon();
            }

            @Override
            public String failure(Exception e) {
                return "Write error saving DB on disk(rdbSaveRio): " + SnapshotFile.reason(e);
            }
        };
    }

    /** One engine slice of the snapshot; schedules the next while the writer keeps up. */
    private void produce(Background bg) {
        if (background != bg || bg.chunks.cancelled()) {
            return;
        }
        Snapshot s = running;
        boolean done = false;
        RuntimeException failed;
        try {
            done = s.failure() == null && s.slice(SLICE_KEYS, SLICE_BYTES, SLICE_NANOS);
            failed = s.failure();
        } catch (RuntimeException e) {
            failed = e;
        }
        if (failed != null) {
            abortBackground(bg, failed);
            return;
        }
        if (done) {
            server.keyspace().removeObserver(s);
            bg.finishProducing();
            return;
        }
        if (!bg.chunks.full()) {
            sliceScheduler.accept(() -> produce(bg), pacing.pauseAfter(s.lastSliceNanos()));
        }
    }

    /**
     * Runs {@code then} on the engine when the BGSAVE in progress ends: with null when it
     * succeeded, else its error ("cancelled" when it was stopped on purpose).
     */
    public void whenBackgroundDone(Consumer<String> then) {
        whenBackgroundDone.add(then);
    }

    /** Runs {@code task} on the engine after {@code delayNanos}, between the clients' turns. */
    public void later(Runnable task, long delayNanos) {
        sliceScheduler.accept(task, delayNanos);
    }

    /** The writer thread is done: Redis's backgroundSaveDoneHandlerDisk. */
    private void backgroundDone(Background bg, String error) {
        if (background != bg) {
            return;
        }
        if (running != null) {
            server.keyspace().removeObserver(running);
            lastExtraBytes = running.extraBytes();
        }
        background = null;
        running = null;
        if (bg.chunks.cancelled()) {
            // Killed on purpose (shutdown, FLUSHALL): Redis's SIGUSR1 case, no error recorded.
        } else if (bg.toReplicas) {
            // Redis's backgroundSaveDoneHandlerSocket: the dump and its statistics are not involved.
            server.stats().netReplOutputBytes += ((DisklessTransfer) bg.target).sent();
            if (error == null) {
                ServerLog.notice("Background RDB transfer terminated with success");
            } else {
                ServerLog.warning(error);
                ServerLog.warning("Background transfer error");
            }
        } else if (error == null) {
            ServerLog.notice("DB saved on disk");
            ServerLog.notice("Background saving terminated with success");
            server.keyspace().dirty -= dirtyBeforeBgsave;
            lastSaveSeconds = nowSeconds();
            lastBgsaveOk = true;
        } else {
            ServerLog.warning(error);
            ServerLog.warning("Background saving error");
            lastBgsaveOk = false;
        }
        saveTimeLastSeconds = nowSeconds() - saveTimeStartSeconds;
        saveTimeStartSeconds = -1;
        notifyWaiting(bg.chunks.cancelled() ? "cancelled" : error);
    }

    private void notifyWaiting(String outcome) {
        List<Consumer<String>> waiting = new ArrayList<>(whenBackgroundDone);
        whenBackgroundDone.clear();
        for (Consumer<String> w : waiting) {
            w.accept(outcome);
        }
    }

    /** The snapshot could not encode something: the BGSAVE fails as a child's would. */
    private void abortBackground(Background bg, RuntimeException why) {
        cancelBackground();
        ServerLog.warning("Write error saving DB on disk(rdbSaveRio): " + why);
        ServerLog.warning("Background saving error");
        lastBgsaveOk = false;
    }

    /** Stops a BGSAVE in progress and deletes its temporary file (Redis's killRDBChild). */
    public void cancelBackground() {
        Background bg = background;
        if (bg == null) {
            return;
        }
        bg.cancel();
        try {
            bg.thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (running != null) {
            server.keyspace().removeObserver(running);
            lastExtraBytes = running.extraBytes();
        }
        background = null;
        running = null;
        saveTimeLastSeconds = nowSeconds() - saveTimeStartSeconds;
        saveTimeStartSeconds = -1;
        notifyWaiting("cancelled");
    }

    /** The writer thread of a background save and its queue of encoded slices. */
    private final class Background {
        final ChunkQueue chunks;
        final Thread thread;
        final SaveTarget target;
        /** A diskless transfer to replicas, not a BGSAVE to the dump. */
        final boolean toReplicas;
        private final boolean checksum;

        Background(SaveTarget target, boolean toReplicas, boolean checksum, int keyDelay) {
            this.target = target;
            this.toReplicas = toReplicas;
            this.checksum = checksum;
            this.chunks = new ChunkQueue(config.rdbCompression, keyDelay, () -> engineExecutor.accept(() -> produce(this)));
            this.thread = new Thread(this::write, toReplicas ? "cinnabar-rdb-to-replicas" : "cinnabar-bgsave");
            thread.setDaemon(true);
        }

        void finishProducing() {
            chunks.finish();
        }

        void cancel() {
            chunks.cancel();
        }

        private void write() {
            String error = null;
            try {
                if (!chunks.drainInto(target.out())) {
                    target.abandon();
                    return;
                }
                target.finish(checksum);
            } catch (SnapshotFile.SaveError e) {
                error = e.getMessage();
            } catch (RuntimeException e) {
                target.abandon();
                error = target.failure(e);
            } catch (InterruptedException e) {
                target.abandon();
                return;
            }
            String err = error;
            engineExecutor.accept(() -> backgroundDone(this, err));
        }
    }

    // ------------------------------------------------------------------ cron

    /** serverCron's share: save points, a scheduled BGSAVE. */
    public void cron() {
        if (background != null || loading || otherChild.getAsBoolean()) {
            return;
        }
        long now = nowSeconds();
        long dirty = server.keyspace().dirty;
        boolean retryOk = now - lastBgsaveTrySeconds > BGSAVE_RETRY_DELAY || lastBgsaveOk;
        long[] sp = config.save;
        for (int i = 0; i + 1 < sp.length; i += 2) {
            if (dirty >= sp[i + 1] && now - lastSaveSeconds > sp[i] && retryOk) {
                ServerLog.notice(sp[i + 1] + " changes in " + sp[i] + " seconds. Saving...");
                startBackground();
                return;
            }
        }
        if (bgsaveScheduled && retryOk && startBackground()) {
            bgsaveScheduled = false;
        }
    }

    // ------------------------------------------------------------------ loading

    /** Why a load did not happen: no file (not an error at start), or Redis's exit. */
    public enum LoadOutcome { LOADED, NO_FILE, FAILED }

    /**
     * Loads the data at start, as Redis's loadDataFromDisk: with {@code appendonly yes} the AOF
     * (see {@link AofLoader}) and never the dump; otherwise the dump. Absent is fine, anything
     * wrong ends the process with Redis's log lines. Clients get -LOADING meanwhile.
     */
    public void loadAtStart() {
        long start = System.nanoTime();
        AofLoader.loadAtStartup(server, config.appendOnly);
        if (config.appendOnly) {
            return;
        }
        LoadOutcome o = load(null, false);
        if (o == LoadOutcome.LOADED) {
            ServerLog.notice(String.format(Locale.ROOT, "DB loaded from disk: %.3f seconds",
                    (System.nanoTime() - start) / 1e9));
        }
    }

    /**
     * Loads the dump into the keyspace ({@code allowDup}: a key already there is replaced, as
     * DEBUG RELOAD MERGE). A format error ends the process as in Redis when loading at start
     * ({@code owner} null); for a client it is {@link LoadOutcome#FAILED}, with what was read
     * before it kept, as Redis does. A missing file is {@link LoadOutcome#NO_FILE}.
     */
    public LoadOutcome load(Client owner, boolean allowDup) {
        return load(dumpPath(), owner, allowDup);
    }

    /** {@link #load(Client, boolean)} of the dump at {@code path}. */
    public LoadOutcome load(Path path, Client owner, boolean allowDup) {
        return load(path, owner, allowDup, owner == null);
    }

    /**
     * A replica's load of what its master sent ({@code path}): an error is logged and the sync
     * fails, the server goes on (it syncs again).
     */
    public LoadOutcome loadFromMaster(Path path) {
        return load(path, null, false, false);
    }

    /**
     * A master's RDB read from the connection as it arrives (a diskless load), {@code size}
     * bytes long or of unknown length (0), into the live databases, or into {@code staged} when
     * not null (repl-diskless-load swapdb). With {@code async}, Redis 7.0's async loading:
     * clients go on being served from the live data meanwhile, all but the commands flagged
     * {@code no_async_loading}; nothing expires, is evicted or is propagated until the load
     * ends, as while any load. A failure is logged and leaves what was loaded so far.
     */
    public LoadOutcome loadFromMaster(InputStream in, long size, StagedDataset staged, boolean async) {
        return load(in, Math.max(0, size), null, false, false, new Target(staged, async, true));
    }

    /**
     * Where a load goes and what it reads: the live databases or {@code staged}; async loading
     * or not; from the master's connection (read by the engine's event loop) or from a file.
     */
    private record Target(StagedDataset staged, boolean async, boolean fromConnection) {
        static final Target FILE = new Target(null, false, false);
    }

    private LoadOutcome load(Path path, Client owner, boolean allowDup, boolean fatal) {
        InputStream in;
        long size;
        try {
            size = Files.size(path);
            in = new BufferedInputStream(new FileInputStream(path.toFile()), 1 << 16);
        } catch (NoSuchFileException e) {
            return LoadOutcome.NO_FILE;
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("No such file")) {
                return LoadOutcome.NO_FILE;
            }
            if (!fatal) {
                return LoadOutcome.FAILED;
            }
            ServerLog.warning("Fatal error loading the DB: " + SnapshotFile.reason(e) + ". Exiting.");
            fatal();
            return LoadOutcome.FAILED;
        }
        try (in) {
            return load(in, size, owner, allowDup, fatal, Target.FILE);
        } catch (IOException e) {
            return LoadOutcome.LOADED; // closing a file read to its end
        }
    }

    /**
     * Loads the RDB {@code in} holds ({@code size} bytes, 0 when unknown) into the live
     * databases or the target's staged ones, serving -LOADING meanwhile (or, with async loading,
     * the live data).
     */
    private LoadOutcome load(InputStream in, long size, Client owner, boolean allowDup, boolean fatal, Target target) {
        boolean async = target.async;
        boolean stopped = false;
        startLoading(size);
        if (async) {
            asyncLoading(true);
        }
        try (LongTask task = server.control() == null ? null
                : server.control().beginLongTask(owner, async ? BusyState.ASYNC_LOADING : BusyState.LOADING)) {
            RdbFileException e = readRdb(new RdbInput(in), task, allowDup, false, 0, target);
            if (e != null) {
                loadFailed(e, fatal);
                return LoadOutcome.FAILED;
            }
            return LoadOutcome.LOADED;
        } catch (StopLoading e) {
            stopped = true;
            return LoadOutcome.FAILED;
        } finally {
            if (async) {
                asyncLoading(false);
            }
            stopLoading(stopped);
        }
    }

    /**
     * While commands run during a load (Redis's server.loading with async_loading), keys past
     * their time are still served and nothing the commands write is propagated.
     */
    private void asyncLoading(boolean on) {
        server.keyspace().asyncLoading(on);
        server.propagation().loading(on);
    }

    /**
     * Redis's emptyData before a load that replaces the dataset (DEBUG RELOAD, DEBUG LOADAOF, a
     * replica's full sync): every database flushed, and the functions gone.
     */
    public void emptyData() {
        emptyData(false);
    }

    /** {@link #emptyData()}; {@code lazily} counts the keys as freed in the background, as FLUSHALL ASYNC does. */
    public void emptyData(boolean lazily) {
        Keyspace ks = server.keyspace();
        for (int i = 0; i < ks.count(); i++) {
            ks.db(i).flush(lazily);
        }
        Functions f = LoadedFunctions.of(server);
        if (f != null) {
            f.reset();
        }
    }

    /** Redis's startLoading: INFO's loading fields from now on. */
    void startLoading(long totalBytes) {
        loading = true;
        loadedReplId = null;
        loadedReplOffset = -1;
        loadedReplStreamDb = -1;
        loadingStartSeconds = nowSeconds();
        loadingTotalBytes = totalBytes;
        loadingLoadedBytes = 0;
        loadingRdbUsedMem = 0;
        lastLoadKeysLoaded = 0;
        lastLoadKeysExpired = 0;
    }

    /** Redis's stopLoading; {@code stopped}: SHUTDOWN or a signal came meanwhile, the server ends now. */
    void stopLoading(boolean stopped) {
        if (stopped) {
            // SHUTDOWN or a signal while loading: Redis exits without saving the partial dataset.
            server.busy().takeStopFlags();
            server.control().shutdown(ShutdownFlags.NOSAVE);
        }
        loading = false;
    }

    /**
     * Reads one RDB stream into the keyspace (the dump, or an AOF's RDB base or preamble when
     * {@code aofBase}: keys whose time has passed are loaded then, as Redis's
     * RDBFLAGS_AOF_PREAMBLE). Logs Redis's lines of a successful read and returns null, or
     * returns the error (logged by the caller, whose context decides the lines). Progress is
     * reported as {@code progressBase} plus the bytes read. Throws {@link StopLoading}.
     */
    RdbFileException readRdb(RdbInput in, LongTask task, boolean allowDup, boolean aofBase, long progressBase) {
        return readRdb(in, task, allowDup, aofBase, progressBase, Target.FILE);
    }

    /** {@link #readRdb(RdbInput, LongTask, boolean, boolean, long)} as {@code target} says. */
    private RdbFileException readRdb(RdbInput in, LongTask task, boolean allowDup, boolean aofBase, long progressBase,
            Target target) {
        Loader loader = new Loader(task, allowDup, aofBase, progressBase, target);
        RdbLoadSettings settings = loadSettings();
        boolean checksumDisabled;
        try {
            checksumDisabled = RdbReadAhead.read(in, settings, loader, config.rdbChecksum,
                    config.loadingProcessEventsIntervalBytes, loader::awaitingInput);
        } catch (RdbFileException e) {
            return e;
        } finally {
            server.stats().dumpPayloadSanitizations += settings.sanitizedBlobs();
        }
        if (checksumDisabled) {
            ServerLog.warning("RDB file was saved with checksum disabled: no check performed.");
        }
        if (loader.emptyKeysSkipped > 0) {
            ServerLog.warning("Done loading RDB, keys loaded: " + lastLoadKeysLoaded + ", keys expired: "
                    + lastLoadKeysExpired + ", empty keys skipped: " + loader.emptyKeysSkipped + ".");
        } else {
            ServerLog.notice("Done loading RDB, keys loaded: " + lastLoadKeysLoaded + ", keys expired: "
                    + lastLoadKeysExpired + ".");
        }
        return null;
    }

    /** SHUTDOWN or a signal arrived while loading. */
    static final class StopLoading extends RuntimeException {
        StopLoading() {
            super(null, null, false, false);
        }
    }

    private RdbLoadSettings loadSettings() {
        return new RdbLoadSettings(config.listMaxListpackSize, config.listCompressDepth,
                config.hashMaxListpackEntries, config.hashMaxListpackValue, config.setMaxIntsetEntries,
                config.zsetMaxListpackEntries, config.zsetMaxListpackValue,
                "yes".equals(config.sanitizeDumpPayload));
    }

    /**
     * Redis's log lines for a dump it cannot load, then, loading at start, the exit. Loading for
     * a client (DEBUG RELOAD) Redis reports the read error only at verbose level and carries on
     * with what it loaded (rdbReportError in a client's context), and the client gets an error.
     */
    private void loadFailed(RdbFileException e, boolean atStart) {
        java.util.function.Consumer<String> report = atStart ? ServerLog::warning : ServerLog::verbose;
        switch (e.kind()) {
            case SIGNATURE:
            case VERSION:
                ServerLog.warning(e.getMessage());
                if (atStart) {
                    ServerLog.warning("Fatal error loading the DB: Invalid argument. Exiting.");
                }
                break;
            case SHORT_READ:
                // rdb.c's line numbers as Debian's redis-server 7.0.15 (1~deb12u7) prints them:
                // its security patches moved them (upstream's tag says 3240 and 3216).
                ServerLog.warning("Short read or OOM loading DB. Unrecoverable error, aborting now.");
                report.accept("Internal error in RDB reading offset " + e.offset() + ", function at rdb.c:3241 -> "
                        + e.getMessage());
                break;
            case CHECKSUM:
                ServerLog.warning(e.getMessage());
                report.accept("Internal error in RDB reading offset " + e.offset()
                        + ", function at rdb.c:3217 -> RDB CRC error");
                break;
            case FUNCTION:
                ServerLog.warning("Failed loading library, " + e.getMessage());
                ServerLog.warning("Short read or OOM loading DB. Unrecoverable error, aborting now.");
                report.accept("Internal error in RDB reading offset " + e.offset()
                        + ", function at rdb.c:3241 -> Unexpected EOF reading RDB file");
                break;
            case CORRUPT:
                report.accept("Internal error in RDB reading offset " + e.offset() + ", function at rdb.c:0 -> "
                        + e.getMessage());
                break;
            default:
                ServerLog.warning(e.getMessage());
                break;
        }
        if (!atStart) {
            return;
        }
        if (e.kind() != RdbFileException.Kind.SIGNATURE && e.kind() != RdbFileException.Kind.VERSION) {
            ServerLog.warning("Terminating server after rdb file reading failure.");
        }
        fatal();
    }

    /** Ends the process at once, as Redis's exit(1) while loading: nothing half-loaded is served. */
    static void fatal() {
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(1);
    }

    /** Puts what the reader finds into the keyspace. */
    private final class Loader implements RdbFileReader.Handler {
        private final LongTask task;
        private final boolean allowDup;
        private final boolean aofBase;
        private final long progressBase;
        private final Keyspace keyspace = server.keyspace();
        private final long now = server.clock().millis();
        private final boolean master = config.masterHost.isEmpty();
        /** Where the keys and libraries go instead of the live data; null for the live data. */
        private final StagedDataset staged;
        private final boolean fromConnection;
        private Db db;
        private int sinceDelay;
        long emptyKeysSkipped;

        Loader(LongTask task, boolean allowDup, boolean aofBase, long progressBase, Target target) {
            this.task = task;
            this.allowDup = allowDup;
            this.aofBase = aofBase;
            this.progressBase = progressBase;
            this.staged = target.staged;
            this.fromConnection = target.fromConnection;
            this.db = database(0);
        }

        private Db database(int index) {
            return staged != null ? staged.db(index) : keyspace.db(index);
        }

        private final long startNanos = System.nanoTime();

        @Override
        public void aux(byte[] k, byte[] v) {
            String key = new String(k, StandardCharsets.UTF_8);
            String val = new String(v, StandardCharsets.UTF_8);
            if (key.startsWith("%")) {
                ServerLog.notice("RDB '" + key + "': " + val);
            } else if (key.equalsIgnoreCase("redis-ver")) {
                ServerLog.notice("Loading RDB produced by version " + val);
            } else if (key.equalsIgnoreCase("ctime")) {
                long age = nowSeconds() - parseLong(val);
                ServerLog.notice("RDB age " + Math.max(0, age) + " seconds");
            } else if (key.equalsIgnoreCase("used-mem")) {
                long used = parseLong(val);
                ServerLog.notice(String.format(Locale.ROOT, "RDB memory usage when created %.2f Mb", used / (1024.0 * 1024)));
                loadingRdbUsedMem = used;
            } else if (key.equalsIgnoreCase("aof-preamble")) {
                if (parseLong(val) != 0) {
                    ServerLog.notice("RDB has an AOF tail");
                }
            } else if (key.equalsIgnoreCase("aof-base")) {
                if (parseLong(val) != 0) {
                    ServerLog.notice("RDB is base AOF");
                }
            } else if (key.equalsIgnoreCase("repl-stream-db")) {
                loadedReplStreamDb = (int) parseLong(val);
            } else if (key.equalsIgnoreCase("repl-id")) {
                if (val.length() == 40) {
                    loadedReplId = val;
                }
            } else if (key.equalsIgnoreCase("repl-offset")) {
                loadedReplOffset = parseLong(val);
            }
        }

        @Override
        public void selectDb(long id) throws RdbFileException {
            if (id >= keyspace.count()) {
                ServerLog.warning("FATAL: Data file was created with a Redis server configured to handle more than "
                        + keyspace.count() + " databases. Exiting\n");
                fatal();
            }
            db = database((int) id);
        }

        @Override
        public void resizeDb(long size, long expiresSize) {
            // Redis's dictExpand on both tables; a key takes at least a few bytes of the file, so
            // a hint beyond that is a lie and is not allowed to allocate.
            long plausible = Math.max(1024, loadingTotalBytes / 3);
            db.keys().expand(Math.min(size, plausible));
        }

        @Override
        public void function(byte[] code) throws RdbFileException {
            try {
                if (staged != null) {
                    staged.loadFunction(code);
                } else {
                    Scripting.of(server).functions().load(code, allowDup);
                }
            } catch (Functions.LoadError e) {
                String m = e.getMessage();
                throw new RdbFileException(RdbFileException.Kind.FUNCTION, m.startsWith("ERR ") ? m.substring(4) : m, 0);
            }
        }

        @Override
        public void key(byte[] key, Object value, long expireAt, long idle, int freq) throws RdbFileException {
            if (master && !aofBase && expireAt != -1 && expireAt < now) {
                lastLoadKeysExpired++;
                if (expiredWhileLoading != null) {
                    expiredWhileLoading.accept(key, db.id);
                }
            } else {
                KeyEntry old = db.find(key);
                if (old != null) {
                    if (!allowDup) {
                        ServerLog.warning("RDB has duplicated key '" + new String(key, StandardCharsets.ISO_8859_1)
                                + "' in DB " + db.id);
                        ServerLog.warning("Guru Meditation: Duplicated key found in RDB file");
                        fatal();
                    }
                    db.delete(key);
                }
                KeyEntry e = db.add(key, value);
                if (expireAt != -1) {
                    db.setExpire(e, expireAt);
                }
                AccessData.set(keyspace, e, idle, freq, config.maxMemoryPolicy);
                lastLoadKeysLoaded++;
            }
            if (config.keyLoadDelay != 0) {
                int d = config.keyLoadDelay;
                LockSupport.parkNanos(d > 0 ? d * 1000L : -d);
            }
            if (task != null && (++sinceDelay & 63) == 0 && mayServe()) {
                task.poll();
                if (task.stopRequested()) {
                    throw new StopLoading();
                }
            }
        }

        @Override
        public void emptyKey(byte[] key) {
            if (emptyKeysSkipped++ < 10) {
                ServerLog.warning("rdbLoadObject skipping empty key: " + new String(key, StandardCharsets.ISO_8859_1));
            }
        }

        @Override
        public void progress(long bytes) {
            loadingLoadedBytes = progressBase + bytes;
            keepServing();
        }

        /**
         * Redis serves clients during a load only every loading-process-events-interval-bytes,
         * so a small dataset loads without a single -LOADING reply (cluster tests poll a
         * replica that loads a few keys and take -LOADING as a failure). Here a load that has
         * read less than that serves them once it has taken a second (a cold JVM, a slow disk)
         * or with key-load-delay; past it, the time between polls is what bounds a wait.
         */
        private boolean mayServe() {
            return loadingLoadedBytes - progressBase >= config.loadingProcessEventsIntervalBytes || config.keyLoadDelay != 0
                    || System.nanoTime() - startNanos > 1_000_000_000L;
        }

        /**
         * The loader waits for the reader, which waits for bytes. A file's come without the
         * engine; the master's connection is read by the engine's event loop, only when it is
         * polled: a diskless load that left that to {@link #mayServe} read nothing for its
         * first second.
         */
        void awaitingInput() {
            if (fromConnection && task != null) {
                task.poll();
                if (task.stopRequested()) {
                    throw new StopLoading();
                }
                return;
            }
            keepServing();
        }

        /** Serves the clients (-LOADING) while the load holds the engine, and stops on SHUTDOWN. */
        void keepServing() {
            if (task != null && mayServe()) {
                task.poll();
                if (task.stopRequested()) {
                    throw new StopLoading();
                }
            }
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
