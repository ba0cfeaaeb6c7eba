package dev.cinnabar.server.persistence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackgroundUnlinkTest {
    @TempDir
    Path dir;

    /** The name is gone on return, so a file made next under it is not the one deleted later. */
    @Test
    void theNameGoesAtOnceAndANewFileUnderItStays() throws Exception {
        Path f = dir.resolve("appendonly.aof.1.base.aof");
        for (int round = 0; round < 50; round++) {
            Files.write(f, new byte[1 << 16]);
            BackgroundUnlink.unlink(f);
            assertFalse(Files.exists(f));
            byte[] next = ("round " + round).getBytes();
            Files.write(f, next);
            Thread.sleep(round % 10 == 0 ? 20 : 0);
            assertArrayEquals(next, Files.readAllBytes(f));
            BackgroundUnlink.unlink(f);
        }
        assertFalse(Files.exists(f));
    }

    @Test
    void aMissingFileIsNothingToReport() {
        BackgroundUnlink.unlink(dir.resolve("never there"));
        BackgroundUnlink.unlink(dir.resolve("no such dir").resolve("file"));
        assertFalse(Files.exists(dir.resolve("never there")));
    }
}
