package dev.cinnabar.server.persistence;

import dev.cinnabar.persistence.rdb.RdbFileWriter;
import dev.cinnabar.persistence.rdb.RdbOutput;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.Version;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.Propagation;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.scripting.Functions;
import dev.cinnabar.server.scripting.LoadedFunctions;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The append-only file's writer: Redis 7.0's feedAppendOnlyFile (each propagated command encoded
 * into the AOF buffer, with SELECT when the database changes and the {@code #TS:} annotations of
 * {@code aof-timestamp-enabled}) and flushAppendOnlyFile (the buffer written to the current incr
 * file at the end of the loop turn, before any reply leaves, and fsynced as {@code appendfsync}
 * says: {@code always} on the engine thread before the replies, {@code everysec} on the fsync
 * thread at most once a second, {@code no} never).
 *
 * <p>Write errors are Redis's: a short write is truncated back, the data stays in the buffer
 * and is written again by the cron every second, and write commands are refused with
 * {@code -MISCONF Errors writing to the AOF file: ...} until a write succeeds. Under
 * {@code always} Redis exits instead, since the replies of the failed turn are already in the
 * output buffers; here those replies are held back (with the replies of every command that ran
 * meanwhile and may have seen the unwritten data) until the data is on disk, so nothing is
 * acknowledged, nor observed, before it is durable, and the server recovers when space returns.
 *
 * <p>Engine thread only, except the fsync thread's jobs (Redis's bio AOF_FSYNC and CLOSE_FILE).
 */
public final class AppendOnlyFile implements Propagation.Sink {
    /** Redis's AOF_OFF, AOF_ON and AOF_WAIT_REWRITE. */
    public enum State { OFF, ON, WAIT_REWRITE }

    /** Redis's AOF_WRITE_LOG_ERROR_RATE: seconds between two logs of a write error. */
    static final int WRITE_LOG_ERROR_RATE = 30;
    /** The buffer is kept for reuse up to this size (Redis's 4000). */
    private static final int BUFFER_REUSE = 4000;

    private final ServerContext server;
    private final ServerConfig config;
    private State state;
    private AofManifest manifest = new AofManifest();
    private boolean sinkAdded;

    // the buffer and the file
    private final AofOutput buf = new AofOutput(BUFFER_REUSE);
    private int selectedDb = -1;
    private long curTimestamp;
    private FileChannel fd;
    private String fdName;
    private long lastIncrSize;
    private long lastIncrFsyncOffset;
    private long currentSize;
    private long baseSize;

    // fsync policy state
    private long lastFsyncSeconds;
    private long flushPostponedStart;
    /** DEBUG AOF-FLUSH-SLEEP: a pause before each write of the buffer, for tests of the order of replies and writes. */
    private long flushSleepMicros;
    private long delayedFsync;

    // errors
    private boolean lastWriteOk = true;
    private String lastWriteError = "";
    private long lastWriteErrorLog;
    private volatile boolean bioFsyncOk = true;
    private volatile String bioFsyncError = "";

    /** Clients whose replies wait for the buffer to reach the disk (appendfsync always after a write error). */
    private boolean failedWithNewData;
    private int failedLength;
    private final Set<Client> held = Collections.newSetFromMap(new IdentityHashMap<>());

    /** True while a BGREWRITEAOF runs (the rewrite sets it): no-appendfsync-on-rewrite. */
    public BooleanSupplier rewriteInProgress = () -> false;

    /** True while a rewrite is scheduled (the rewrite sets it): INFO's aof_pending_rewrite. */
    public BooleanSupplier rewriteScheduled = () -> false;

    private final AtomicInteger pendingFsync = new AtomicInteger();
    private ExecutorService fsyncThread;

    private AppendOnlyFile(ServerContext server) {
        this.server = server;
        this.config = server.config();
        this.state = config.appendOnly ? State.ON : State.OFF;
        this.lastFsyncSeconds = nowSeconds();
        server.aofDiskError = this::diskError;
        if (state != State.OFF) {
            addSink();
        }
    }

    public static AppendOnlyFile of(ServerContext server) {
        if (server.appendOnly == null) {
            server.appendOnly = new AppendOnlyFile(server);
        }
        return (AppendOnlyFile) server.appendOnly;
    }

    /** The instance if one was made (INFO does not make one). */
    public static AppendOnlyFile ifAny(ServerContext server) {
        return (AppendOnlyFile) server.appendOnly;
    }

    public State state() {
        return state;
    }

    /** The directory as the configuration names it now (dir may change by CONFIG SET). */
    public AofDirectory directory() {
        return AofDirectory.of(config);
    }

    private long nowSeconds() {
        return server.clock().millis() / 1000;
    }

    private boolean always() {
        return "always".equals(config.appendFsync);
    }

    private boolean everysec() {
        return "everysec".equals(config.appendFsync);
    }

    private void addSink() {
        if (!sinkAdded) {
            server.propagation().addSink(this);
            sinkAdded = true;
        }
    }

    private void removeSink() {
        if (sinkAdded) {
            server.propagation().removeSink(this);
            sinkAdded = false;
        }
    }

    // ------------------------------------------------------------------ feeding

    @Override
    public int target() {
        return Propagation.TO_AOF;
    }

    /** Redis's feedAppendOnlyFile. */
    @Override
    public void propagate(int db, Argv command) {
        if (state == State.OFF) {
            return;
        }
        if (fd == null) {
            return; // loading at start, or WAIT_REWRITE before the rewrite opened its temp incr
        }
        if (state == State.WAIT_REWRITE && !rewriteInProgress.getAsBoolean()) {
            // As Redis: waiting for the first rewrite, commands are kept only while one runs (a
            // failed one deleted the temporary incr; the next opens a new one).
            return;
        }
        if (config.aofTimestampEnabled) {
            long now = nowSeconds();
            if (curTimestamp < now) {
                curTimestamp = now;
                buf.timestamp(now);
            }
        }
        if (db != selectedDb) {
            buf.select(db);
            selectedDb = db;
        }
        buf.command(command);
    }

    // ------------------------------------------------------------------ flushing

    /** True while an fsync runs or waits on the fsync thread (Redis's aofFsyncInProgress). */
    private boolean fsyncInProgress() {
        return pendingFsync.get() != 0;
    }

    /** DEBUG AOF-FLUSH-SLEEP: microseconds to wait before each write of a non-empty buffer; 0 for none. */
    public void flushSleep(long micros) {
        flushSleepMicros = micros;
    }

    /**
     * Redis's flushAppendOnlyFile: the buffer to the file, fsynced as appendfsync says.
     * {@code force}: write even while an everysec fsync is still running.
     */
    public void flush(boolean force) {
        if (state == State.OFF || fd == null) {
            return;
        }
        long now = nowSeconds();
        boolean syncInProgress = false;
        if (buf.isEmpty()) {
            if (everysec() && lastIncrFsyncOffset != lastIncrSize && now > lastFsyncSeconds
                    && !(syncInProgress = fsyncInProgress())) {
                tryFsync(now, syncInProgress);
            } else if (always() && lastIncrFsyncOffset != lastIncrSize) {
                tryFsync(now, syncInProgress);
            }
            return;
        }
        if (everysec()) {
            syncInProgress = fsyncInProgress();
        }
        if (everysec() && !force && syncInProgress) {
            if (flushPostponedStart == 0) {
                flushPostponedStart = now;
                return;
            } else if (now - flushPostponedStart < 2) {
                return;
            }
            delayedFsync++;
            ServerLog.notice("Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer "
                    + "without waiting for fsync to complete, this may slow down Redis.");
        }
        flushPostponedStart = 0;
        if (flushSleepMicros > 0) {
            LockSupport.parkNanos(flushSleepMicros * 1000);
        }
        int len = buf.size();
        long written = 0;
        IOException error = null;
        ByteBuffer bb = ByteBuffer.wrap(buf.array(), 0, len);
        long started = System.nanoTime();
        try {
            while (bb.hasRemaining()) {
                fd.write(bb);
            }
        } catch (IOException e) {
            error = e;
        }
        written = bb.position();
        if (config.latencyMonitorThreshold > 0) {
            long ms = (System.nanoTime() - started) / 1_000_000;
            String event = syncInProgress ? "aof-write-pending-fsync"
                    : Persistence.of(server).bgsaveInProgress() || rewriteInProgress.getAsBoolean() ? "aof-write-active-child"
                    : "aof-write-alone";
            latency(event, ms, now);
            latency("aof-write", ms, now);
        }
        if (written != len) {
            boolean canLog = now - lastWriteErrorLog > WRITE_LOG_ERROR_RATE;
            if (canLog) {
                lastWriteErrorLog = now;
            }
            if (written == 0) {
                if (canLog) {
                    ServerLog.warning("Error writing to the AOF file: " + reason(error));
                }
                lastWriteError = reason(error);
            } else {
                if (canLog) {
                    ServerLog.warning("Short write while writing to the AOF file: (nwritten=" + written + ", expected="
                            + len + ")");
                }
                try {
                    fd.truncate(lastIncrSize);
                    fd.position(lastIncrSize);
                    written = 0;
                } catch (IOException e) {
                    if (canLog) {
                        ServerLog.warning("Could not remove short write from the append-only file.  Redis may refuse to "
                                + "load the AOF the next time it starts.  ftruncate: " + reason(e));
                    }
                }
                lastWriteError = "No space left on device";
            }
            lastWriteOk = false;
            if (len > failedLength && always()) {
                failedWithNewData = true; // commands of this turn are in it: their replies must wait
            }
            if (written > 0) {
                currentSize += written;
                lastIncrSize += written;
                byte[] rest = java.util.Arrays.copyOfRange(buf.array(), (int) written, len);
                buf.clear();
                buf.raw(rest, 0, rest.length);
            }
            failedLength = buf.size();
            return;
        }
        if (!lastWriteOk) {
            ServerLog.warning("AOF write error looks solved, Redis can write again.");
            lastWriteOk = true;
        }
        failedLength = 0;
        currentSize += written;
        lastIncrSize += written;
        buf.clear();
        buf.trim(BUFFER_REUSE);
        tryFsync(now, syncInProgress);
        if (!held.isEmpty() && buf.isEmpty()) {
            held.clear();
        }
    }

    private void tryFsync(long now, boolean syncInProgress) {
        if (config.noAppendfsyncOnRewrite && (Persistence.of(server).bgsaveInProgress() || rewriteInProgress.getAsBoolean())) {
            return;
        }
        if (always()) {
            long started = System.nanoTime();
            try {
                fd.force(false);
            } catch (IOException e) {
                ServerLog.warning("Can't persist AOF for fsync error when the AOF fsync policy is 'always': "
                        + reason(e) + ". Exiting...");
                Persistence.fatal();
            }
            latency("aof-fsync-always", (System.nanoTime() - started) / 1_000_000, now);
            lastIncrFsyncOffset = lastIncrSize;
            lastFsyncSeconds = now;
        } else if (everysec() && now > lastFsyncSeconds) {
            if (!syncInProgress) {
                backgroundFsync(fd, false);
                lastIncrFsyncOffset = lastIncrSize;
            }
            lastFsyncSeconds = now;
        }
    }

    /** Redis's latencyAddSampleIfNeeded. */
    private void latency(String event, long millis, long now) {
        server.stats().latency.maybeAdd(config.latencyMonitorThreshold, event, millis, now);
    }

    private synchronized ExecutorService fsyncThread() {
        if (fsyncThread == null) {
            fsyncThread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "aof-fsync");
                t.setDaemon(true);
                return t;
            });
        }
        return fsyncThread;
    }

    /** Redis's bio AOF_FSYNC job, or CLOSE_FILE with fsync when {@code close}. */
    private void backgroundFsync(FileChannel ch, boolean close) {
        if (!close) {
            pendingFsync.incrementAndGet();
        }
        fsyncThread().execute(() -> {
            try {
                ch.force(false);
                if (!close) {
                    bioFsyncOk = true;
                }
            } catch (ClosedChannelException e) {
                // closed meanwhile (Redis ignores EBADF the same way)
            } catch (IOException e) {
                if (!close) {
                    boolean was = bioFsyncOk;
                    bioFsyncError = reason(e);
                    bioFsyncOk = false;
                    if (was) {
                        ServerLog.warning("Fail to fsync the AOF file: " + reason(e));
                    }
                }
            } finally {
                if (close) {
                    closeQuietly(ch);
                } else {
                    pendingFsync.decrementAndGet();
                }
            }
        });
    }

    /** Tests: an fsync that lasts until {@code release} counts down (a slow disk). */
    void slowFsyncForTest(java.util.concurrent.CountDownLatch release) {
        pendingFsync.incrementAndGet();
        fsyncThread().execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                pendingFsync.decrementAndGet();
            }
        });
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    static String reason(Throwable e) {
        if (e == null) {
            return "Unknown error";
        }
        String m = e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        // FileChannel's messages may carry the path first ("/x/y: No space left on device").
        int colon = m.lastIndexOf(": ");
        return colon >= 0 && m.startsWith("/") ? m.substring(colon + 2) : m;
    }

    /** The cron's part (Redis's serverCron): a postponed flush, and a failed write retried every second. */
    public void cron() {
        if (state == State.OFF) {
            return;
        }
        if (flushPostponedStart != 0) {
            flush(false);
        }
        long now = server.clock().millis();
        if (!lastWriteOk && now - lastErrorRetryMillis >= 1000) {
            lastErrorRetryMillis = now;
            flush(false);
        }
    }

    private long lastErrorRetryMillis;

    // ------------------------------------------------------------------ held replies

    /**
     * True when replies must not leave now: under appendfsync always, commands already ran whose
     * writes are not on disk (a write failed). The engine then holds the replies it has.
     */
    public boolean unwrittenUnderAlways() {
        return !lastWriteOk && state != State.OFF && always() && !buf.isEmpty();
    }

    /**
     * True once after a write failed under appendfsync always with commands in the buffer that
     * were not in it at the previous failure: every client answered since then must wait.
     */
    public boolean takeFailedWithNewData() {
        boolean f = failedWithNewData;
        failedWithNewData = false;
        return f;
    }

    /** {@code c}'s replies wait until the buffer is on disk. */
    public void hold(Client c) {
        held.add(c);
    }

    /**
     * True when {@code c}'s replies must wait: it was answered in a turn whose writes are not on
     * disk yet, or it ran a command while they were not.
     */
    public boolean holds(Client c) {
        return !held.isEmpty() && held.contains(c);
    }

    /** After a command ran (not refused): while data waits under always, its client waits too. */
    public void commandRan(Client c) {
        if (unwrittenUnderAlways()) {
            held.add(c);
        }
    }

    /** True while replies are held back. */
    public boolean holding() {
        return !held.isEmpty();
    }

    // ------------------------------------------------------------------ errors

    /** Redis's writeCommandsDeniedByDiskError for the AOF: the MISCONF text, or null. */
    public String diskError() {
        if (state == State.OFF) {
            return null;
        }
        if (!lastWriteOk) {
            return "MISCONF Errors writing to the AOF file: " + lastWriteError;
        }
        if (!bioFsyncOk) {
            return "MISCONF Errors writing to the AOF file: " + bioFsyncError;
        }
        return null;
    }

    /** INFO's aof_last_write_status. */
    public boolean lastWriteOk() {
        return lastWriteOk && bioFsyncOk;
    }

    // ------------------------------------------------------------------ start-up

    /**
     * Redis's aofOpenIfNeededOnServerStart and aofDelHistoryFiles, after the data was loaded:
     * with the AOF on, the directory is created, an empty base written when there is none and
     * no incr either, the last incr opened for appending (or a new one), the manifest persisted.
     * Any failure ends the process, as in Redis.
     */
    public void openOnServerStart() {
        AofLoader.Loaded found = Persistence.of(server).aofAtStart;
        if (state != State.ON) {
            // Redis reads the manifest whatever appendonly says: turning the AOF on later goes on
            // from its numbers (and makes the old files history).
            if (found != null && found.manifest() != null) {
                manifest = found.manifest();
            }
            return;
        }
        AofDirectory dir = directory();
        try {
            dir.create();
        } catch (IOException e) {
            ServerLog.warning("Can't open or create append-only dir " + config.appendDirname + ": " + reason(e));
            Persistence.fatal();
            return;
        }
        boolean loaded = false;
        if (found != null && found.manifest() != null) {
            manifest = found.manifest();
            currentSize = found.totalSize();
            baseSize = found.baseSize();
        } else if (dir.hasManifest()) { // started without the loader (tests)
            try {
                manifest = dir.readManifest();
                loaded = true;
            } catch (IOException | AofManifest.FormatException e) {
                ServerLog.warning("Can't read the AOF manifest: " + e.getMessage());
                Persistence.fatal();
                return;
            }
        }
        boolean hadIncr = !manifest.incrs().isEmpty();
        if (manifest.base() == null && !hadIncr) {
            String baseName = manifest.newBase(config.appendFilename, config.aofUseRdbPreamble);
            try {
                writeStartBase(dir.file(baseName));
            } catch (IOException e) {
                ServerLog.warning("Write error writing append only file on disk: " + reason(e));
                Persistence.fatal();
                return;
            }
            ServerLog.notice("Creating AOF base file " + baseName + " on server start");
        }
        String name = hadIncr ? manifest.lastIncr().fileName() : manifest.newIncr(config.appendFilename);
        try {
            fd = FileChannel.open(dir.file(name), StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            fdName = name;
        } catch (IOException e) {
            ServerLog.warning("Can't open the append-only file " + name + ": " + reason(e));
            Persistence.fatal();
            return;
        }
        try {
            dir.writeManifest(manifest);
        } catch (IOException e) {
            ServerLog.warning("Can't persist the AOF manifest: " + reason(e));
            Persistence.fatal();
            return;
        }
        lastIncrSize = dir.size(name);
        lastIncrFsyncOffset = lastIncrSize;
        if (loaded && !sizesSetByLoader) {
            long total = manifest.base() == null ? 0 : dir.size(manifest.base().fileName());
            baseSize = total;
            for (AofManifest.Entry e : manifest.incrs()) {
                total += dir.size(e.fileName());
            }
            currentSize = total;
        }
        ServerLog.notice((hadIncr ? "Opening" : "Creating") + " AOF incr file " + name + " on server start");
        deleteHistory();
    }

    private boolean sizesSetByLoader;

    /** The loader's figures after it loaded the files (Redis's aof_current_size and base size). */
    public void loadedSizes(long current, long base) {
        currentSize = current;
        baseSize = base;
        sizesSetByLoader = true;
    }

    /** Redis's rewriteAppendOnlyFile at start: the dataset (empty, normally) as the first base. */
    private void writeStartBase(Path target) throws IOException {
        Path temp = Path.of(config.dir).resolve("temp-rewriteaof-" + ProcessHandle.current().pid() + ".aof");
        try (FileOutputStream file = new FileOutputStream(temp.toFile())) {
            if (config.aofUseRdbPreamble) {
                RdbOutput out = new RdbOutput(file, config.rdbCompression);
                RdbFileWriter.Aux aux = new RdbFileWriter.Aux();
                aux.redisVersion = Version.REDIS;
                aux.ctimeSeconds = nowSeconds();
                aux.usedMemory = server.memory().used();
                aux.aofBase = true;
                Snapshot s = new Snapshot(server.keyspace(), new Snapshot.Output() {
                    @Override
                    public RdbOutput out() {
                        return out;
                    }

                    @Override
                    public void handOff(int keys) {
                    }
                }, config.rdbCompression, config.maxMemoryPolicy, aux, libraries());
                while (!s.slice(Integer.MAX_VALUE, Long.MAX_VALUE)) {
                    // one slice does it all
                }
                RdbFileWriter.end(out, config.rdbChecksum);
                out.flush();
            } else if (config.aofTimestampEnabled) {
                AofOutput o = new AofOutput(64);
                curTimestamp = System.currentTimeMillis() / 1000;
                o.timestamp(curTimestamp);
                o.writeTo((OutputStream) file);
            }
            file.getFD().sync();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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

    /** Redis's aofDelHistoryFiles: history files deleted (unless aof-disable-auto-gc), manifest persisted. */
    public void deleteHistory() {
        AofDirectory dir = directory();
        if (config.aofDisableAutoGc || manifest.history().isEmpty()) {
            return;
        }
        AofManifest m = manifest.copy();
        for (AofManifest.Entry e : m.takeHistory()) {
            ServerLog.notice("Removing the history file " + e.fileName() + " in the background");
            BackgroundUnlink.unlink(dir.file(e.fileName()));
        }
        try {
            installManifest(m);
        } catch (IOException e) {
            ServerLog.warning("Can't persist the AOF manifest: " + reason(e));
        }
    }

    // ------------------------------------------------------------------ the rewrite's API

    /** The current manifest (do not change it: {@link AofManifest#copy()} first). */
    public AofManifest manifest() {
        return manifest;
    }

    /** Persists {@code m} as the manifest, then makes it current. */
    public void installManifest(AofManifest m) throws IOException {
        directory().writeManifest(m);
        manifest = m;
    }

    /**
     * Redis's openNewIncrAofForAppend: ON: a new incr added to a copy of the manifest, which is
     * persisted, and written from now on (the buffer is written to the old file first, which is
     * then fsynced and closed on the fsync thread);
     * WAIT_REWRITE: {@code temp-<appendfilename>.incr}, not in the manifest. Returns the name
     * (null when the AOF is off). On failure nothing changes.
     */
    public String openNewIncr() throws IOException {
        if (state == State.OFF) {
            return null;
        }
        // What was buffered ran before the rewrite's snapshot: it belongs to the old file (the new
        // base has it), as Redis's flushAppendOnlyFile(1) before the switch; SELECT again after it.
        selectedDb = -1;
        flush(true);
        AofManifest temp = null;
        String name;
        if (state == State.WAIT_REWRITE) {
            name = AofManifest.tempIncrName(config.appendFilename);
        } else {
            temp = manifest.copy();
            name = temp.newIncr(config.appendFilename);
        }
        AofDirectory dir = directory();
        dir.create();
        FileChannel ch;
        try {
            ch = FileChannel.open(dir.file(name), StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            ServerLog.warning("Can't open the append-only file " + name + ": " + reason(e));
            throw e;
        }
        if (temp != null) {
            try {
                dir.writeManifest(temp);
            } catch (IOException e) {
                closeQuietly(ch);
                throw e;
            }
        }
        ServerLog.notice("Creating AOF incr file " + name + " on background rewrite");
        if (fd != null) {
            backgroundFsync(fd, true);
            lastFsyncSeconds = nowSeconds();
        }
        fd = ch;
        fdName = name;
        lastIncrSize = 0;
        lastIncrFsyncOffset = 0;
        selectedDb = -1;
        if (temp != null) {
            manifest = temp;
        }
        return name;
    }

    /** The file commands are appended to now, or null. */
    public String currentIncrName() {
        return fdName;
    }

    /** Redis's stopAppendOnly (appendonly no): flush, fsync, close; state OFF. */
    public void stop() {
        if (state == State.OFF) {
            return;
        }
        flush(true);
        if (fd != null) {
            try {
                fd.force(false);
                lastFsyncSeconds = nowSeconds();
            } catch (IOException e) {
                ServerLog.warning("Fail to fsync the AOF file: " + reason(e));
            }
            closeQuietly(fd);
        }
        fd = null;
        fdName = null;
        selectedDb = -1;
        state = State.OFF;
        lastIncrSize = 0;
        lastIncrFsyncOffset = 0;
        buf.clear();
        buf.trim(BUFFER_REUSE);
        held.clear();
        removeSink();
    }

    /**
     * Redis's startAppendOnly's part here (appendonly yes while off): WAIT_REWRITE, until
     * {@link #rewriteDone}; commands reach the temp incr once {@link #openNewIncr()} opened it.
     * Clears a previous write error, with Redis's log lines.
     */
    public void beginWaitRewrite() {
        state = State.WAIT_REWRITE;
        addSink();
        lastFsyncSeconds = nowSeconds();
        if (!bioFsyncOk) {
            ServerLog.warning("AOF reopen, just ignore the AOF fsync error in bio job");
            bioFsyncOk = true;
        }
        if (!lastWriteOk) {
            ServerLog.warning("AOF reopen, just ignore the last error.");
            lastWriteOk = true;
        }
    }

    /**
     * A rewrite finished: installs {@code m}. In WAIT_REWRITE the temporary incr, renamed by the
     * rewrite to {@code m.lastIncr()}'s name, stays the file appended to; the state becomes ON.
     */
    public void rewriteDone(AofManifest m) throws IOException {
        installManifest(m);
        if (state == State.WAIT_REWRITE) {
            AofManifest.Entry last = m.lastIncr();
            if (last != null) {
                fdName = last.fileName();
            }
            state = State.ON;
        }
    }

    /** Flushes and fsyncs (Redis's prepareForShutdown part; also before DEBUG LOADAOF). */
    public void flushAndSync() {
        if (state == State.OFF || fd == null) {
            return;
        }
        flush(true);
        try {
            fd.force(false);
        } catch (IOException e) {
            ServerLog.warning("Fail to fsync the AOF file: " + reason(e) + ".");
        }
    }

    /** Shutdown: Redis's "Calling fsync() on the AOF file." then the flush and fsync. */
    public void shutdown() {
        if (state == State.OFF) {
            return;
        }
        ServerLog.notice("Calling fsync() on the AOF file.");
        flushAndSync();
    }

    // ------------------------------------------------------------------ figures

    /** aof_current_size: the base and incr files' sizes at load plus what was written since. */
    public long currentSize() {
        return currentSize;
    }

    public void currentSize(long size) {
        currentSize = size;
    }

    public long baseSize() {
        return baseSize;
    }

    public void baseSize(long size) {
        baseSize = size;
    }

    /** aof_buffer_length and mem_aof_buffer. */
    public int bufferLength() {
        return buf.size();
    }

    /**
     * INFO memory's mem_aof_buffer and MEMORY STATS aof.buffer: what Redis's allocator reports for
     * its AOF buffer (8 bytes for the empty one) while the AOF is on, else 0.
     */
    public static long memAofBuffer(ServerContext server) {
        AppendOnlyFile aof = ifAny(server);
        if (aof == null || aof.state == State.OFF) {
            return 0;
        }
        return (aof.buf.size() + 4 + 7) & ~7L;
    }

    public int pendingBioFsync() {
        return pendingFsync.get();
    }

    public long delayedFsync() {
        return delayedFsync;
    }

    /** CONFIG RESETSTAT (Redis's resetServerStats): aof_delayed_fsync starts again from 0. */
    public static void resetStats(ServerContext server) {
        AppendOnlyFile aof = ifAny(server);
        if (aof != null) {
            aof.delayedFsync = 0;
        }
    }

    /** Stops the fsync thread (tests). */
    public void close() {
        if (fd != null) {
            closeQuietly(fd);
            fd = null;
        }
        ExecutorService t = fsyncThread;
        if (t != null) {
            t.shutdown();
        }
    }
}
