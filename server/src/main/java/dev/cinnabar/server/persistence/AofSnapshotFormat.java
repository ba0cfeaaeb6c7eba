package dev.cinnabar.server.persistence;

import dev.cinnabar.persistence.rdb.RdbOutput;
import java.util.List;

/**
 * A {@link Snapshot} as commands (Redis's rewriteAppendOnlyFileRio): the base of an AOF written
 * without the RDB preamble. The {@code #TS:} annotation when {@code aof-timestamp-enabled}, the
 * function libraries, then per database with keys a SELECT and each key's commands.
 */
final class AofSnapshotFormat implements Snapshot.Format {
    private final List<byte[]> libraries;
    private final long timestamp;
    private final AofOutput scratch = new AofOutput(4096);

    private AofSnapshotFormat(List<byte[]> libraries, long timestamp) {
        this.libraries = libraries;
        this.timestamp = timestamp;
    }

    /** {@code timestamp}: the unix seconds of the {@code #TS:} line, or -1 for none. */
    static AofSnapshotFormat of(List<byte[]> libraries, long timestamp) {
        return new AofSnapshotFormat(libraries, timestamp);
    }

    @Override
    public void header(RdbOutput out) {
        scratch.clear();
        if (timestamp >= 0) {
            scratch.timestamp(timestamp);
        }
        AofValueCommands.functions(scratch, libraries);
        emit(out);
    }

    @Override
    public void selectDb(RdbOutput out, int db, long size, long expires) {
        scratch.clear();
        scratch.select(db);
        emit(out);
    }

    @Override
    public void key(RdbOutput out, byte[] key, int off, int len, Object value, long expireAt, long idle, int freq) {
        AofValueCommands.key(scratch, key, off, len, value, expireAt);
        emit(out);
    }

    @Override
    public void keyString(RdbOutput out, byte[] key, int off, int len, byte[] value, int valueOff, int valueLen,
            long expireAt, long idle, int freq) {
        AofValueCommands.keyString(scratch, key, off, len, value, valueOff, valueLen, expireAt);
        emit(out);
    }

    @Override
    public boolean recordsAccess() {
        return false;
    }

    @Override
    public Snapshot.Parts parts(Object value) {
        return AofValueParts.of(value);
    }

    @Override
    public Snapshot.Parts frozenParts(Object value) {
        return AofValueParts.frozen(value);
    }

    @Override
    public void keyInParts(RdbOutput out, byte[] key, int off, int len, Snapshot.Parts parts, long expireAt, long idle,
            int freq) {
        ((AofValueParts) parts).begin(key, off, len, expireAt);
    }

    private void emit(RdbOutput out) {
        out.writeBytes(scratch.array(), 0, scratch.size());
        scratch.clear();
        scratch.trim(1 << 16);
    }
}
