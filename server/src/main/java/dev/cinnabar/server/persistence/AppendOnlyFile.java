package dev.cinnabar.server.persistence;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.db.Propagation;
import java.io.IOException;

/**
 * The append-only file's writer (Redis 7.0's feedAppendOnlyFile and flushAppendOnlyFile).
 * Engine thread only, except its fsync thread. API stub: the implementation follows.
 */
public final class AppendOnlyFile implements Propagation.Sink {
    /** Redis's AOF_OFF, AOF_ON and AOF_WAIT_REWRITE. */
    public enum State { OFF, ON, WAIT_REWRITE }

    private final ServerContext server;
    private State state = State.OFF;
    private AofManifest manifest = new AofManifest();
    private long baseSize;

    private AppendOnlyFile(ServerContext server) {
        this.server = server;
    }

    public static AppendOnlyFile of(ServerContext server) {
        if (server.appendOnly == null) {
            server.appendOnly = new AppendOnlyFile(server);
        }
        return (AppendOnlyFile) server.appendOnly;
    }

    public State state() {
        return state;
    }

    @Override
    public void propagate(int db, Argv command) {
    }

    /** Redis's flushAppendOnlyFile: the buffer to the file, fsynced as appendfsync says. */
    public void flush(boolean force) {
    }

    /** The current manifest (do not change it: {@link AofManifest#copy()} first). */
    public AofManifest manifest() {
        return manifest;
    }

    /** Persists {@code m} as the manifest, then makes it current. */
    public void installManifest(AofManifest m) throws IOException {
        manifest = m;
    }

    /** Redis's openNewIncrAofForAppend; returns the new file's name. */
    public String openNewIncr() throws IOException {
        throw new IOException("not yet");
    }

    /** appendonly no: flush, fsync, close; state OFF. */
    public void stop() {
        state = State.OFF;
    }

    /** appendonly yes while off: WAIT_REWRITE until {@link #rewriteDone}. */
    public void beginWaitRewrite() {
        state = State.WAIT_REWRITE;
    }

    /** A rewrite finished: installs {@code m}; WAIT_REWRITE becomes ON. */
    public void rewriteDone(AofManifest m) throws IOException {
        installManifest(m);
        state = State.ON;
    }

    /** aof_current_size: the base and incr files' sizes plus what was written since. */
    public long currentSize() {
        return 0;
    }

    public long baseSize() {
        return baseSize;
    }

    public void baseSize(long size) {
        baseSize = size;
    }
}
