package dev.cinnabar.server.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.testing.EngineHarness;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The AOF stays whole across forkless rewrites: commands of every type run while each rewrite
 * walks the keyspace (turning the AOF on, then BGREWRITEAOF with and without the RDB preamble),
 * and the directory left at the end, loaded into a fresh server, gives the same DEBUG DIGEST as
 * the server that wrote it. The engine's turns are played by the test: a few commands, the AOF
 * flushed as the loop does before sleeping, one slice of the rewrite.
 */
class AofRewriteConsistencyTest {
    @Test
    void baseAndIncrementalFilesAlwaysAddUpToTheDataset() throws Exception {
        ServerLog.stream(OutputStream.nullOutputStream());
        try {
            for (int seed = 0; seed < 8; seed++) {
                run(seed);
            }
        } finally {
            ServerLog.stream(System.out);
        }
    }

    private void run(int seed) throws Exception {
        Random r = new Random(seed);
        LinkedBlockingQueue<Runnable> engineQueue = new LinkedBlockingQueue<>();
        ServerConfig config = new ServerConfig();
        config.enableDebugCommand = "yes";
        config.appendDirname = "aofdir-" + UUID.randomUUID();
        EngineHarness h = new EngineHarness(config);
        AofRewrite rw = AofRewrite.of(h.server);
        rw.engineExecutor(engineQueue::add);
        AppendOnlyFile aof = AppendOnlyFile.of(h.server);
        Path dir = Path.of(config.dir).resolve(config.appendDirname);
        try {
            int space = 30 + r.nextInt(300);
            for (int i = 0; i < space * 2; i++) {
                AofRewriteSnapshotTest.write(h, r, space);
            }
            h.call("CONFIG", "SET", "aof-use-rdb-preamble", r.nextBoolean() ? "yes" : "no");
            assertEquals("+OK\r\n", h.call("CONFIG", "SET", "appendonly", "yes"));
            for (int round = 0; round < 4; round++) {
                assertTrue(rw.inProgress());
                while (rw.inProgress()) {
                    for (int w = r.nextInt(15); w > 0; w--) {
                        AofRewriteSnapshotTest.write(h, r, space);
                    }
                    aof.flush(false);
                    Runnable t = engineQueue.poll(10, TimeUnit.SECONDS);
                    assertTrue(t != null, "seed " + seed + ": the rewrite stalled");
                    t.run();
                }
                assertEquals(AppendOnlyFile.State.ON, aof.state(), "seed " + seed);
                for (int w = r.nextInt(100); w > 0; w--) {
                    AofRewriteSnapshotTest.write(h, r, space);
                }
                h.call("CONFIG", "SET", "aof-use-rdb-preamble", r.nextBoolean() ? "yes" : "no");
                if (round < 3) {
                    assertEquals("+Background append only file rewriting started\r\n", h.call("BGREWRITEAOF"));
                }
            }
            aof.flushAndSync();
            h.call("SELECT", "0");
            String digest = h.call("DEBUG", "DIGEST");

            ServerConfig c2 = new ServerConfig();
            c2.enableDebugCommand = "yes";
            c2.appendDirname = config.appendDirname;
            EngineHarness fresh = new EngineHarness(c2);
            fresh.clock.advance(h.clock.millis() - fresh.clock.millis());
            AofLoader loader = new AofLoader(fresh.server);
            assertEquals(AofLoader.Status.OK, loader.loadAppendOnlyFiles(loader.loadManifestFromDisk(), null),
                    "seed " + seed);
            assertEquals(digest, fresh.call("DEBUG", "DIGEST"), "seed " + seed);
        } finally {
            rw.kill();
            aof.close();
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    for (Path p : s.toList()) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException ignored) {
                    // best effort
                }
                Files.deleteIfExists(dir);
            }
        }
    }
}
