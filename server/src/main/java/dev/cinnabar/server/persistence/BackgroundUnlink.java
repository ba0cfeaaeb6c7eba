package dev.cinnabar.server.persistence;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Deletes a file without waiting for the file system to free its blocks, as Redis's bg_unlink:
 * removing the last name of a file of hundreds of megabytes takes the kernel tens of
 * milliseconds (80 ms for a 300 MB AOF base here), a stop of every client when the engine
 * thread does it. The name goes at once, while the file is held open; the last close, which
 * frees the blocks, happens on a thread of its own. The name being gone at once means a file
 * made next under the same name is never the one deleted. One thread for the JVM, started when
 * needed and ended after a quiet minute.
 */
final class BackgroundUnlink {
    private static final Executor CLOSER = new ThreadPoolExecutor(0, 1, 60, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "cinnabar-unlink");
                t.setDaemon(true);
                return t;
            });

    private BackgroundUnlink() {
    }

    /** Removes {@code file}'s name now and frees its blocks later; nothing reported, as Redis's. */
    static void unlink(Path file) {
        FileChannel open;
        try {
            open = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException | UnsupportedOperationException e) {
            open = null;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // as Redis's bg_unlink: nothing to report
        }
        if (open != null) {
            FileChannel last = open;
            CLOSER.execute(() -> close(last));
        }
    }

    private static void close(FileChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // the name is gone already
        }
    }
}
