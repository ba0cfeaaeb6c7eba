package dev.cinnabar.server.persistence;

import dev.cinnabar.persistence.rdb.RdbFileWriter;
import dev.cinnabar.persistence.rdb.RdbOutput;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The temporary file a save writes (Redis's {@code temp-<pid>.rdb} in {@code dir}), with
 * {@code rdb-save-incremental-fsync}'s fsync every 4 MB, and the end of a save: EOF and
 * trailer, fsync, close, rename over the dump, fsync of the directory. A crash at any point
 * leaves the previous dump whole.
 */
final class SnapshotFile implements AutoCloseable {
    static final long AUTOSYNC_BYTES = 4L << 20;

    /** Why a save failed, in the words of Redis's log line. */
    static final class SaveError extends Exception {
        SaveError(String message) {
            super(message, null, false, false);
        }
    }

    private final Path dir;
    private final Path temp;
    private final FileOutputStream file;
    private final RdbOutput out;

    private SnapshotFile(Path dir, Path temp, FileOutputStream file, boolean compression, boolean incrementalFsync) {
        this.dir = dir;
        this.temp = temp;
        this.file = file;
        OutputStream sink = incrementalFsync ? new SyncingStream(file) : file;
        this.out = new RdbOutput(sink, compression);
    }

    /**
     * SAVE's {@code temp-<pid>.rdb}, as Redis's; a BGSAVE, which Redis's child writes as
     * {@code temp-<childpid>.rdb}, gets {@code temp-<pid>-bg.rdb}, so that a SAVE while it runs
     * (DEBUG RELOAD) does not write into the same file.
     */
    static Path tempPath(Path dir, boolean background) {
        return dir.resolve("temp-" + ProcessHandle.current().pid() + (background ? "-bg" : "") + ".rdb");
    }

    /** Opens the temporary file, or fails with Redis's "Failed opening the temp RDB file" line. */
    static SnapshotFile open(Path dir, boolean background, boolean compression, boolean incrementalFsync)
            throws SaveError {
        Path temp = tempPath(dir, background);
        try {
            return new SnapshotFile(dir, temp, new FileOutputStream(temp.toFile()), compression, incrementalFsync);
        } catch (IOException e) {
            throw new SaveError("Failed opening the temp RDB file " + temp.getFileName() + " (in server root dir " + dir
                    + ") for saving: " + reason(e));
        }
    }

    RdbOutput out() {
        return out;
    }

    /** Writes EOF and the trailer, syncs, and renames the file over {@code target}. */
    void finish(boolean checksum, Path target) throws SaveError {
        String op = "rdbSaveRio";
        try {
            RdbFileWriter.end(out, checksum);
            op = "fsync";
            file.getFD().sync();
            op = "fclose";
            file.close();
        } catch (IOException | UncheckedIOException e) {
            abandon();
            throw new SaveError("Write error saving DB on disk(" + op + "): " + reason(e));
        }
        try {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            abandon();
            throw new SaveError("Error moving temp DB file " + temp.getFileName() + " on the final destination "
                    + target.getFileName() + " (in server root dir " + dir + "): " + reason(e));
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            throw new SaveError("Write error saving DB on disk(fsyncFileDir): " + reason(e));
        }
    }

    /** Closes and deletes the temporary file (a failed or cancelled save). */
    void abandon() {
        try {
            file.close();
        } catch (IOException ignored) {
            // going anyway
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    @Override
    public void close() {
        abandon();
    }

    static String reason(Exception e) {
        Throwable t = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof NoSuchFileException || (t.getMessage() != null && t.getMessage().contains("No such file"))) {
            return "No such file or directory";
        }
        if (t instanceof AccessDeniedException || (t.getMessage() != null && t.getMessage().contains("Permission denied"))) {
            return "Permission denied";
        }
        if (t.getMessage() != null && t.getMessage().contains("No space left")) {
            return "No space left on device";
        }
        return String.valueOf(t.getMessage());
    }

    /**
     * Redis's rioSetAutoSync: an fsync every {@link #AUTOSYNC_BYTES} written (rdb-save- and
     * aof-rewrite-incremental-fsync), so a big save does not leave gigabytes for one last fsync.
     */
    static final class SyncingStream extends OutputStream {
        private final FileOutputStream file;
        private long sinceSync;

        SyncingStream(FileOutputStream file) {
            this.file = file;
        }

        @Override
        public void write(int b) throws IOException {
            file.write(b);
            count(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            file.write(b, off, len);
            count(len);
        }

        private void count(int n) throws IOException {
            sinceSync += n;
            if (sinceSync >= AUTOSYNC_BYTES) {
                file.getFD().sync();
                sinceSync = 0;
            }
        }
    }
}
