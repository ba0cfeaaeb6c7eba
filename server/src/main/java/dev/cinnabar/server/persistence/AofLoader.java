package dev.cinnabar.server.persistence;

import dev.cinnabar.persistence.rdb.RdbFileException;
import dev.cinnabar.persistence.rdb.RdbInput;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.BusyState;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.CommandCaller;
import dev.cinnabar.server.client.LongTask;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.log.ServerLog;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.BufferedInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * Loads the append-only file, as Redis 7.0.15's aofLoadManifestFromDisk, loadAppendOnlyFiles and
 * loadSingleAppendOnlyFile: the manifest, the pre-7.0 single file moved into the directory as
 * the base (aofUpgradePrepare), the base (RDB, commands, or an RDB preamble followed by
 * commands), then the incremental files in order. Commands run through a client of their own
 * (Redis's CLIENT_ID_AOF) and are not propagated (nothing is while loading), nothing expires
 * meanwhile, and other clients get -LOADING. A file that ends inside a command is cut back to its
 * last complete command under {@code aof-load-truncated} when it is the last file; anything
 * else wrong ends the process with Redis's log lines and exit code 1.
 *
 * <p>Engine thread only.
 */
public final class AofLoader {
    /** Redis's AOF_OK ... AOF_TRUNCATED: what loading one file, or all, came to. */
    public enum Status { OK, NOT_EXIST, EMPTY, OPEN_ERR, FAILED, TRUNCATED }

    /**
     * Commands between two looks at the clock for serving the other clients (Redis serves them
     * every 1024 commands; a poll is cheap and serves them at most every few milliseconds).
     */
    private static final int LOOPS_PER_POLL = 64;

    /** What the loading at start found: the manifest (after an upgrade) and the sizes Redis keeps. */
    public record Loaded(AofManifest manifest, long baseSize, long totalSize) {
    }

    private final ServerContext server;
    private final ServerConfig config;
    private final Persistence persistence;
    private final AofDirectory dir;
    private long baseSize;
    private long totalSize;

    public AofLoader(ServerContext server) {
        this.server = server;
        this.config = server.config();
        this.persistence = Persistence.of(server);
        this.dir = AofDirectory.of(config);
    }

    /** aof_rewrite_base_size after {@link #loadAppendOnlyFiles}: the size of the base file. */
    public long baseSize() {
        return baseSize;
    }

    /** aof_current_size after {@link #loadAppendOnlyFiles}: base and incremental files. */
    public long totalSize() {
        return totalSize;
    }

    public AofDirectory directory() {
        return dir;
    }

    // ------------------------------------------------------------------ start

    /**
     * Redis's start: the manifest is read whatever {@code appendonly} says (a broken one ends the
     * process), and with {@code appendonly yes} the AOF is loaded instead of the dump. What was
     * found is left in {@link Persistence#aofAtStart} for the writer to open the last
     * incremental file.
     */
    static void loadAtStartup(ServerContext server, boolean appendOnly) {
        AofLoader loader = new AofLoader(server);
        AofManifest m = loader.loadManifestFromDisk();
        Persistence p = Persistence.of(server);
        if (!appendOnly) {
            p.aofAtStart = new Loaded(m, 0, 0);
            return;
        }
        long start = System.nanoTime();
        Status s = loader.loadAppendOnlyFiles(m, null);
        p.aofAtStart = new Loaded(m, loader.baseSize, loader.totalSize);
        if (s == Status.FAILED || s == Status.OPEN_ERR) {
            Persistence.fatal();
            return;
        }
        if (s != Status.NOT_EXIST) {
            ServerLog.notice(String.format(Locale.ROOT, "DB loaded from append only file: %.3f seconds",
                    (System.nanoTime() - start) / 1e9));
        }
    }

    /**
     * DEBUG LOADAOF, as Redis's: the AOF written so far is flushed, the server emptied (keys and
     * libraries), the manifest read again from disk (history files deleted unless
     * {@code aof-disable-auto-gc}), and the AOF loaded. Anything but a clean load ends the
     * process (in Redis even a missing AOF or a truncated one does).
     */
    public static void debugLoadAof(Client c) {
        ServerContext server = c.server;
        AppendOnlyFile aof = AppendOnlyFile.of(server);
        if (aof.state() != AppendOnlyFile.State.OFF) {
            aof.flush(true);
        }
        Persistence.of(server).emptyData();
        AofLoader loader = new AofLoader(server);
        AofManifest m = loader.loadManifestFromDisk();
        loader.deleteHistoryFiles(m);
        // The loaded commands are not propagated (they would go back into the AOF, inside this
        // command's unit, and be applied twice at the next start).
        server.propagation().suspend(true);
        Status s;
        try {
            s = loader.loadAppendOnlyFiles(m, c);
        } finally {
            server.propagation().suspend(false);
        }
        if (s != Status.OK && s != Status.EMPTY) {
            // Redis exits without a word when there is no AOF at all
            Persistence.fatal();
        }
        // The manifest read again (after an upgrade, if one happened) is the writer's from now on.
        if (!m.isEmpty()) {
            try {
                aof.installManifest(m);
            } catch (IOException e) {
                ServerLog.warning("Can't open the AOF manifest file "
                        + AofManifest.tempManifestName(server.config().appendFilename) + ": " + SnapshotFile.reason(e));
                Persistence.fatal();
            }
        }
        if (s == Status.OK) {
            aof.baseSize(loader.baseSize);
            aof.currentSize(loader.totalSize);
        }
        // Loading is not a change of the dataset: nothing for the save points, replicas or the AOF.
        c.changes(0);
        c.preventPropagation();
        server.keyspace().dirty = 0;
        ServerLog.warning("Append Only File loaded by DEBUG LOADAOF");
        c.reply.ok();
    }

    /**
     * Redis's aofDelHistoryFiles: the history files a rewrite left are deleted and the manifest
     * without them written, unless {@code aof-disable-auto-gc}.
     */
    void deleteHistoryFiles(AofManifest m) {
        if (config.aofDisableAutoGc || m.history().isEmpty()) {
            return;
        }
        for (AofManifest.Entry e : m.takeHistory()) {
            ServerLog.notice("Removing the history file " + e.fileName() + " in the background");
            BackgroundUnlink.unlink(dir.file(e.fileName()));
        }
        try {
            dir.writeManifest(m);
        } catch (IOException e) {
            ServerLog.warning("Can't open the AOF manifest file " + AofManifest.tempManifestName(config.appendFilename)
                    + ": " + SnapshotFile.reason(e));
        }
    }

    // ------------------------------------------------------------------ manifest

    /**
     * Redis's aofLoadManifestFromDisk: an empty manifest when the directory or the manifest is
     * missing (a fresh start, or an upgrade from a single file); a manifest that cannot be read
     * ends the process with Redis's lines.
     */
    public AofManifest loadManifestFromDisk() {
        if (!Files.isDirectory(dir.dir())) {
            ServerLog.debug("The AOF directory " + config.appendDirname + " doesn't exist");
            return new AofManifest();
        }
        if (!Files.exists(dir.manifestPath())) {
            ServerLog.debug("The AOF manifest file " + AofManifest.manifestName(config.appendFilename) + " doesn't exist");
            return new AofManifest();
        }
        try {
            return dir.readManifest();
        } catch (IOException e) {
            ServerLog.warning("Fatal error: can't open the AOF manifest file "
                    + config.appendDirname + "/" + AofManifest.manifestName(config.appendFilename)
                    + " for reading: " + SnapshotFile.reason(e));
        } catch (AofManifest.FormatException e) {
            ServerLog.warning("\n*** FATAL AOF MANIFEST FILE ERROR ***\n");
            if (e.line() != null) {
                ServerLog.warning("Reading the manifest file, at line " + e.lineNumber() + "\n");
                ServerLog.warning(">>> '" + e.line() + "'\n");
            }
            ServerLog.warning(e.getMessage() + "\n");
        }
        Persistence.fatal();
        return null;
    }

    // ------------------------------------------------------------------ all files

    /**
     * Redis's loadAppendOnlyFiles: the upgrade from a single file when that is the case, then the
     * base and the incremental files, with -LOADING for others meanwhile. {@code owner}: the
     * client whose command loads (DEBUG LOADAOF), null at start.
     */
    public Status loadAppendOnlyFiles(AofManifest am, Client owner) {
        Path legacy = dir.legacyFile(Path.of(config.dir));
        if (Files.exists(legacy)) {
            boolean noDir = !Files.isDirectory(dir.dir());
            boolean noFiles = am.base() == null && am.incrs().isEmpty();
            boolean onlyLegacyBase = am.base() != null && am.incrs().isEmpty()
                    && am.base().fileName().equals(config.appendFilename)
                    && !Files.exists(dir.file(config.appendFilename));
            if (noDir || noFiles || onlyLegacyBase) {
                upgradePrepare(am, legacy);
            }
        }
        if (am.base() == null && am.incrs().isEmpty()) {
            return Status.NOT_EXIST;
        }
        int totalNum = (am.base() != null ? 1 : 0) + am.incrs().size();
        long total = 0;
        if (am.base() != null) {
            long size = fileSize(am.base().fileName());
            if (size < 0) {
                return Status.FAILED;
            }
            total += size;
        }
        for (AofManifest.Entry e : am.incrs()) {
            long size = fileSize(e.fileName());
            if (size < 0) {
                return Status.FAILED;
            }
            total += size;
        }
        if (total == 0) {
            return Status.EMPTY;
        }
        Status ret = Status.OK;
        boolean stopped = false;
        Keyspace ks = server.keyspace();
        persistence.startLoading(total);
        ks.loading(true);
        server.propagation().loading(true);
        int num = 0;
        long base = 0;
        try (LongTask task = server.control() == null ? null
                : server.control().beginLongTask(owner, BusyState.LOADING)) {
            Context cx = new Context(task);
            if (am.base() != null) {
                String name = am.base().fileName();
                base = dir.size(name);
                boolean last = ++num == totalNum;
                long start = System.nanoTime();
                ret = loadSingle(name, cx);
                if (ret == Status.OK || (ret == Status.TRUNCATED && last)) {
                    ServerLog.notice(String.format(Locale.ROOT, "DB loaded from base file %s: %.3f seconds",
                            name, (System.nanoTime() - start) / 1e9));
                }
                if (ret == Status.TRUNCATED && !last) {
                    ret = Status.FAILED;
                    ServerLog.warning("Fatal error: the truncated file is not the last file");
                }
                if (ret == Status.OPEN_ERR || ret == Status.FAILED) {
                    return ret;
                }
            }
            for (AofManifest.Entry e : am.incrs()) {
                String name = e.fileName();
                boolean last = ++num == totalNum;
                long start = System.nanoTime();
                ret = loadSingle(name, cx);
                if (ret == Status.OK || (ret == Status.TRUNCATED && last)) {
                    ServerLog.notice(String.format(Locale.ROOT, "DB loaded from incr file %s: %.3f seconds",
                            name, (System.nanoTime() - start) / 1e9));
                }
                if (ret == Status.EMPTY) {
                    ret = Status.OK;
                }
                if (ret == Status.TRUNCATED && !last) {
                    ret = Status.FAILED;
                    ServerLog.warning("Fatal error: the truncated file is not the last file");
                }
                if (ret == Status.OPEN_ERR || ret == Status.FAILED) {
                    return ret;
                }
            }
            totalSize = total;
            baseSize = base;
            return ret;
        } catch (Persistence.StopLoading e) {
            stopped = true;
            return Status.FAILED;
        } finally {
            ks.loading(false);
            server.propagation().loading(false);
            persistence.stopLoading(stopped);
        }
    }

    /** Redis's getAppendOnlyFileSize with a status: -1 (and Redis's line) when it cannot be had. */
    private long fileSize(String name) {
        try {
            return Files.size(dir.file(name));
        } catch (IOException e) {
            ServerLog.warning("Unable to obtain the AOF file " + name + " length. stat: " + SnapshotFile.reason(e));
            return -1;
        }
    }

    /**
     * Redis's aofUpgradePrepare: the single {@code appendonly.aof} of Redis before 7.0 becomes
     * the base of a new directory: the manifest first, then the file moved in.
     */
    private void upgradePrepare(AofManifest am, Path legacy) {
        try {
            dir.create();
        } catch (IOException e) {
            ServerLog.warning("Can't open or create append-only dir " + config.appendDirname + ": " + SnapshotFile.reason(e));
            Persistence.fatal();
        }
        am.upgradeBase(config.appendFilename);
        try {
            dir.writeManifest(am);
        } catch (IOException e) {
            ServerLog.warning("Can't open the AOF manifest file " + AofManifest.tempManifestName(config.appendFilename)
                    + ": " + SnapshotFile.reason(e));
            Persistence.fatal();
        }
        try {
            Files.move(legacy, dir.file(config.appendFilename));
        } catch (IOException e) {
            ServerLog.warning("Error trying to move the old AOF file " + config.appendFilename + " into dir "
                    + config.appendDirname + ": " + SnapshotFile.reason(e));
            Persistence.fatal();
        }
        ServerLog.notice("Successfully migrated an old-style AOF file (" + config.appendFilename
                + ") into the AOF directory (" + config.appendDirname + ").");
    }

    // ------------------------------------------------------------------ one file

    /** What stays the same across the files of one loading: the task and the AOF's client. */
    private final class Context {
        final LongTask task;
        final Client client;
        final ByteBuf replies = Unpooled.buffer(256);
        long progressBase;
        long loops;

        Context(LongTask task) {
            this.task = task;
            this.client = new Client(Client.AOF_CLIENT_ID, server, null, "", "");
            client.authenticated = true;
            client.denyBlocking = true;
            client.reply.buffer(replies);
        }

        void poll() {
            if (task != null) {
                task.poll();
                if (task.stopRequested()) {
                    throw new Persistence.StopLoading();
                }
            }
        }
    }

    /** Redis's loadSingleAppendOnlyFile. */
    private Status loadSingle(String name, Context cx) {
        Path path = dir.file(name);
        FileChannel ch;
        long size;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
            size = ch.size();
        } catch (NoSuchFileException e) {
            ServerLog.warning("The append log file " + name + " doesn't exist: No such file or directory");
            return Status.NOT_EXIST;
        } catch (IOException e) {
            ServerLog.warning("Fatal error: can't open the append log file " + name + " for reading: "
                    + SnapshotFile.reason(e));
            return Status.OPEN_ERR;
        }
        try (ch) {
            if (size == 0) {
                return Status.EMPTY;
            }
            return load(name, path, ch, size, cx);
        } catch (IOException e) {
            ServerLog.warning("Unrecoverable error reading the append only file " + name + ": " + SnapshotFile.reason(e));
            return Status.FAILED;
        } finally {
            cx.client.discardTransaction();
            cx.client.select(server.keyspace().db(0));
        }
    }

    private Status load(String name, Path path, FileChannel ch, long size, Context cx) throws IOException {
        long fileBase = cx.progressBase;
        long start = 0;
        byte[] sig = new byte[5];
        java.nio.ByteBuffer sb = java.nio.ByteBuffer.wrap(sig);
        while (sb.hasRemaining() && ch.read(sb) > 0) {
            // read the signature
        }
        ch.position(0);
        // Redis's valid_up_to: where the last complete command ended (see uxeof)
        long validUpTo = 0;
        if (!sb.hasRemaining() && new String(sig, StandardCharsets.ISO_8859_1).equals("REDIS")) {
            boolean oldStyle = name.equals(config.appendFilename);
            ServerLog.notice(oldStyle ? "Reading RDB preamble from AOF file..." : "Reading RDB base file on AOF loading...");
            RdbInput in = new RdbInput(Channels.newInputStream(ch));
            RdbFileException e = persistence.readRdb(in, cx.task, false, true, fileBase);
            if (e != null) {
                rdbFailed(name, e, fileBase);
                ServerLog.warning(oldStyle
                        ? "Error reading the RDB preamble of the AOF file " + name + ", AOF loading aborted"
                        : "Error reading the RDB base file " + name + ", AOF loading aborted");
                ServerLog.warning("Unrecoverable error reading the append only file " + name + ": Invalid argument");
                return Status.FAILED;
            }
            start = in.position();
            // Redis keeps 0 here, so that a tail cut inside its first command would truncate
            // the whole file, snapshot included; the snapshot's end is where the commands start.
            validUpTo = start;
            persistence.loadingLoadedBytes = fileBase + start;
            if (oldStyle) {
                ServerLog.notice("Reading the remaining AOF tail...");
            }
        }
        ch.position(start);
        AofCommandReader reader = new AofCommandReader(new BufferedInputStream(Channels.newInputStream(ch), 1 << 16), start);
        CommandCaller caller = server.caller();
        Client c = cx.client;
        long validBeforeMulti = 0;
        CommandSpec multi = server.commands().get("multi");
        CommandSpec exec = server.commands().get("exec");
        try {
            while (true) {
                if ((cx.loops++ & (LOOPS_PER_POLL - 1)) == 0) {
                    persistence.loadingLoadedBytes = fileBase + reader.position();
                    cx.poll();
                }
                Argv argv = reader.next();
                if (argv == null) {
                    break;
                }
                CommandSpec cmd = server.commands().lookup(argv, 0);
                if (cmd != null && cmd.isContainer() && argv.count() >= 2) {
                    cmd = cmd.subcommand(argv, 1);
                }
                if (cmd == null) {
                    ServerLog.warning("Unknown command '" + argv.cString(0) + "' reading the append only file " + name);
                    return Status.FAILED;
                }
                if (cmd == multi) {
                    validBeforeMulti = validUpTo;
                }
                c.argv = argv;
                if (c.has(Client.MULTI) && cmd != exec) {
                    c.queue(cmd, server.commandFlags(c, cmd));
                } else if (cmd.arityAccepts(argv.count())) {
                    caller.call(c, cmd);
                }
                cx.replies.clear();
                if (config.aofLoadTruncated) {
                    validUpTo = reader.validUpTo();
                }
                if (config.keyLoadDelay != 0) {
                    int d = config.keyLoadDelay;
                    LockSupport.parkNanos(d > 0 ? d * 1000L : -d);
                }
            }
        } catch (AofCommandReader.Truncated e) {
            cx.progressBase = fileBase + size;
            // Cut inside a transaction (a kill -9 in the middle of writing one): the cut goes
            // back before its MULTI. Redis 7.0 cuts after the last whole command, which leaves a
            // MULTI whose EXEC never comes at the end of the file; the writes appended after
            // the restart are queued into it at the next load and lost with it (Valkey fixed it
            // the same way, valkey-io/valkey#4342). redis-check-aof rejects such a file.
            return unexpectedEof(name, path, c.has(Client.MULTI) ? validBeforeMulti : validUpTo);
        } catch (AofCommandReader.BadFormat e) {
            ServerLog.warning("Bad file format reading the append only file " + name
                    + ": make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>");
            return Status.FAILED;
        }
        cx.progressBase = fileBase + size;
        if (c.has(Client.MULTI)) {
            ServerLog.warning("Revert incomplete MULTI/EXEC transaction in AOF file " + name);
            return unexpectedEof(name, path, validBeforeMulti);
        }
        persistence.loadingLoadedBytes = cx.progressBase;
        return Status.OK;
    }

    /**
     * Redis's lines for an RDB part that could not be read inside an AOF. A short read or a
     * corrupt snapshot ends the process: Redis reports it, then starts its RDB checker on the
     * file name, which it looks for in the working directory and cannot find, and exits. Returns
     * (for what Redis reports without its checker: an unknown version, a library that fails).
     */
    private void rdbFailed(String name, RdbFileException e, long fileBase) {
        String at = "Internal error in RDB reading offset " + (fileBase + e.offset()) + ", function at rdb.c:";
        switch (e.kind()) {
            case SHORT_READ -> {
                ServerLog.warning("Short read or OOM loading DB. Unrecoverable error, aborting now.");
                ServerLog.warning(at + "3241 -> Unexpected EOF reading RDB file");
            }
            case VERSION, SIGNATURE -> {
                ServerLog.warning(e.getMessage());
                return;
            }
            case FUNCTION -> {
                ServerLog.warning("Failed loading library, " + e.getMessage());
                return;
            }
            case CHECKSUM -> {
                ServerLog.warning(e.getMessage());
                ServerLog.warning(at + "3217 -> RDB CRC error");
            }
            default -> ServerLog.warning(at + "0 -> " + e.getMessage());
        }
        ServerLog.raw(ServerLog.Level.WARNING, "[offset 0] Checking RDB file " + name);
        Persistence.fatal();
    }

    /** Redis's uxeof: cut back to {@code validUpTo} under aof-load-truncated, else fail. */
    private Status unexpectedEof(String name, Path path, long validUpTo) {
        if (config.aofLoadTruncated) {
            ServerLog.warning("!!! Warning: short read while loading the AOF file " + name + "!!!");
            ServerLog.warning("!!! Truncating the AOF " + name + " at offset " + validUpTo + " !!!");
            try (FileChannel w = FileChannel.open(path, StandardOpenOption.WRITE)) {
                w.truncate(validUpTo);
                ServerLog.warning("AOF " + name + " loaded anyway because aof-load-truncated is enabled");
                return Status.TRUNCATED;
            } catch (IOException e) {
                ServerLog.warning("Error truncating the AOF file " + name + ": " + SnapshotFile.reason(e));
            }
        }
        ServerLog.warning("Unexpected end of file reading the append only file " + name + ". You can: "
                + "1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. "
                + "2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.");
        return Status.FAILED;
    }
}
