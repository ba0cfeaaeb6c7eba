package dev.cinnabar.server.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.testing.EngineHarness;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * BGREWRITEAOF and CONFIG SET appendonly on an engine: the AOF directory after each step (file
 * names and manifest text) is what Redis 7.0.15 leaves after the same steps (recorded from it),
 * the replies and INFO fields are Redis's, and the rewrite's work reaches the engine through a
 * queue the test runs, as the engine thread would.
 */
class AofRewriteTest {
    private final LinkedBlockingQueue<Runnable> engineQueue = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private EngineHarness h;
    private Path aofDir;

    private EngineHarness harness() {
        ServerConfig config = new ServerConfig();
        config.enableDebugCommand = "yes";
        config.appendDirname = "aofdir-" + UUID.randomUUID();
        h = new EngineHarness(config);
        aofDir = Path.of(config.dir).resolve(config.appendDirname);
        AofRewrite.of(h.server).engineExecutor(engineQueue::add);
        ServerLog.stream(log);
        return h;
    }

    @AfterEach
    void cleanUp() throws IOException {
        ServerLog.stream(System.out);
        if (h != null) {
            AofRewrite.of(h.server).kill();
            AppendOnlyFile.of(h.server).close();
        }
        if (aofDir != null && Files.isDirectory(aofDir)) {
            try (Stream<Path> s = Files.list(aofDir)) {
                for (Path p : s.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(aofDir);
        }
    }

    /** Runs what the writer thread hands to the engine until the rewrite is over. */
    private void awaitRewrite() throws InterruptedException {
        AofRewrite rw = AofRewrite.of(h.server);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (rw.inProgress()) {
            Runnable r = engineQueue.poll(100, TimeUnit.MILLISECONDS);
            if (r != null) {
                r.run();
            }
            assertTrue(System.nanoTime() < deadline, "rewrite still running");
        }
    }

    private String state() throws IOException {
        List<String> names;
        try (Stream<Path> s = Files.list(aofDir)) {
            names = s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toCollection(ArrayList::new));
        }
        String manifest = Files.readString(aofDir.resolve("appendonly.aof.manifest"), StandardCharsets.ISO_8859_1);
        return String.join(" ", names) + "\n" + manifest;
    }

    private void rewrite() throws InterruptedException {
        assertEquals("+Background append only file rewriting started\r\n", h.call("BGREWRITEAOF"));
        awaitRewrite();
    }

    @Test
    void directoryAfterEachStepIsRedisOwn() throws Exception {
        harness();
        h.call("SET", "a", "1");
        rewrite();
        assertEquals("appendonly.aof.1.base.rdb appendonly.aof.manifest\n"
                + "file appendonly.aof.1.base.rdb seq 1 type b\n", state());

        h.call("SET", "b", "2");
        rewrite();
        assertEquals("appendonly.aof.2.base.rdb appendonly.aof.manifest\n"
                + "file appendonly.aof.2.base.rdb seq 2 type b\n", state());

        assertEquals("+OK\r\n", h.call("CONFIG", "SET", "appendonly", "yes"));
        awaitRewrite();
        assertEquals("appendonly.aof.1.incr.aof appendonly.aof.3.base.rdb appendonly.aof.manifest\n"
                + "file appendonly.aof.3.base.rdb seq 3 type b\n"
                + "file appendonly.aof.1.incr.aof seq 1 type i\n", state());

        h.call("SET", "c", "3");
        rewrite();
        assertEquals("appendonly.aof.2.incr.aof appendonly.aof.4.base.rdb appendonly.aof.manifest\n"
                + "file appendonly.aof.4.base.rdb seq 4 type b\n"
                + "file appendonly.aof.2.incr.aof seq 2 type i\n", state());

        h.call("CONFIG", "SET", "aof-use-rdb-preamble", "no");
        rewrite();
        assertEquals("appendonly.aof.3.incr.aof appendonly.aof.5.base.aof appendonly.aof.manifest\n"
                + "file appendonly.aof.5.base.aof seq 5 type b\n"
                + "file appendonly.aof.3.incr.aof seq 3 type i\n", state());

        h.call("CONFIG", "SET", "aof-disable-auto-gc", "yes");
        rewrite();
        rewrite();
        assertEquals("appendonly.aof.3.incr.aof appendonly.aof.4.incr.aof appendonly.aof.5.base.aof "
                + "appendonly.aof.5.incr.aof appendonly.aof.6.base.aof appendonly.aof.7.base.aof appendonly.aof.manifest\n"
                + "file appendonly.aof.7.base.aof seq 7 type b\n"
                + "file appendonly.aof.4.incr.aof seq 4 type h\n"
                + "file appendonly.aof.6.base.aof seq 6 type h\n"
                + "file appendonly.aof.3.incr.aof seq 3 type h\n"
                + "file appendonly.aof.5.base.aof seq 5 type h\n"
                + "file appendonly.aof.5.incr.aof seq 5 type i\n", state());

        h.call("CONFIG", "SET", "aof-disable-auto-gc", "no");
        String gcOn = "appendonly.aof.5.incr.aof appendonly.aof.7.base.aof appendonly.aof.manifest\n"
                + "file appendonly.aof.7.base.aof seq 7 type b\n"
                + "file appendonly.aof.5.incr.aof seq 5 type i\n";
        assertEquals(gcOn, state());

        h.call("CONFIG", "SET", "appendonly", "no");
        assertEquals(gcOn, state());

        h.call("SET", "d", "4");
        rewrite();
        assertEquals("appendonly.aof.8.base.aof appendonly.aof.manifest\n"
                + "file appendonly.aof.8.base.aof seq 8 type b\n", state());

        h.call("CONFIG", "SET", "appendonly", "yes");
        awaitRewrite();
        assertEquals("appendonly.aof.6.incr.aof appendonly.aof.9.base.aof appendonly.aof.manifest\n"
                + "file appendonly.aof.9.base.aof seq 9 type b\n"
                + "file appendonly.aof.6.incr.aof seq 6 type i\n", state());

        String info = h.call("INFO", "persistence");
        assertTrue(info.contains("aof_enabled:1\r\n"), info);
        assertTrue(info.contains("aof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0\r\n"), info);
        assertTrue(info.contains("aof_current_rewrite_time_sec:-1\r\naof_last_bgrewrite_status:ok\r\n"
                + "aof_rewrites:9\r\naof_rewrites_consecutive_failures:0\r\n"), info);
        assertFalse(Files.exists(Path.of(h.config.dir).resolve("temp-rewriteaof-bg-" + ServerLog.pid() + ".aof")));
    }

    @Test
    void logLinesAreRedisOwn() throws Exception {
        harness();
        h.call("SET", "a", "1");
        rewrite();
        h.call("SET", "b", "2");
        h.call("CONFIG", "SET", "appendonly", "yes");
        awaitRewrite();
        String pid = String.valueOf(ServerLog.pid());
        List<String> lines = new ArrayList<>();
        for (String l : log.toString(StandardCharsets.UTF_8).split("\n")) {
            int at = l.indexOf(" * ");
            if (at >= 0) {
                lines.add(l.substring(at + 3));
            }
        }
        assertEquals(List.of(
                "Background append only file rewriting started by pid " + pid,
                "Successfully created the temporary AOF base file temp-rewriteaof-bg-" + pid + ".aof",
                "Background AOF rewrite terminated with success",
                "Successfully renamed the temporary AOF base file temp-rewriteaof-bg-" + pid
                        + ".aof into appendonly.aof.1.base.rdb",
                "Background AOF rewrite finished successfully",
                "Creating AOF incr file temp-appendonly.aof.incr on background rewrite",
                "Background append only file rewriting started by pid " + pid,
                "Successfully created the temporary AOF base file temp-rewriteaof-bg-" + pid + ".aof",
                "Background AOF rewrite terminated with success",
                "Successfully renamed the temporary AOF base file temp-rewriteaof-bg-" + pid
                        + ".aof into appendonly.aof.2.base.rdb",
                "Successfully renamed the temporary AOF incr file temp-appendonly.aof.incr into appendonly.aof.1.incr.aof",
                "Removing the history file appendonly.aof.1.base.rdb in the background",
                "Background AOF rewrite finished successfully"), lines);
    }

    @Test
    void bgsaveAndRewriteScheduleEachOtherAsRedis() throws Exception {
        harness();
        h.config.rdbKeySaveDelay = 2000;
        for (int i = 0; i < 50; i++) {
            h.call("SET", "k" + i, "v");
        }
        assertEquals("+Background append only file rewriting started\r\n", h.call("BGREWRITEAOF"));
        assertEquals("-ERR Background append only file rewriting already in progress\r\n", h.call("BGREWRITEAOF"));
        assertEquals("-ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in "
                + "order to schedule a BGSAVE whenever possible.\r\n", h.call("BGSAVE"));
        assertEquals("+Background saving scheduled\r\n", h.call("BGSAVE", "SCHEDULE"));
        String info = h.call("INFO", "persistence");
        assertTrue(info.contains("aof_rewrite_in_progress:1\r\n"), info);
        assertTrue(info.contains("aof_current_rewrite_time_sec:0\r\n"), info);
        h.config.rdbKeySaveDelay = 0;
        awaitRewrite();
        Persistence p = Persistence.of(h.server);
        assertTrue(p.bgsaveScheduled);
        h.engine.runCron();
        assertTrue(p.bgsaveInProgress());
        assertEquals("+Background append only file rewriting scheduled\r\n", h.call("BGREWRITEAOF"));
        assertTrue(h.call("INFO", "persistence").contains("aof_rewrite_scheduled:1\r\n"));
        p.cancelBackground();
        h.engine.runCron();
        assertTrue(AofRewrite.of(h.server).inProgress());
        awaitRewrite();
        assertTrue(h.call("INFO", "persistence").contains("aof_rewrite_scheduled:0\r\n"));
    }

    @Test
    void insideMultiTheRewriteIsScheduled() throws Exception {
        harness();
        h.call("MULTI");
        h.call("BGREWRITEAOF");
        assertEquals("*1\r\n+Background append only file rewriting scheduled\r\n", h.call("EXEC"));
        assertFalse(AofRewrite.of(h.server).inProgress());
        h.engine.runCron();
        assertTrue(AofRewrite.of(h.server).inProgress());
        awaitRewrite();
    }

    @Test
    void shutdownWhileTheFirstRewriteRunsFailsUnlessForced() throws Exception {
        harness();
        h.config.rdbKeySaveDelay = 100000;
        h.call("SET", "a", "1");
        h.call("CONFIG", "SET", "appendonly", "yes");
        assertTrue(AofRewrite.of(h.server).inProgress());
        assertEquals("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", h.call("SHUTDOWN", "NOSAVE"));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("# Writing initial AOF, can't exit."));
        assertTrue(AofRewrite.of(h.server).inProgress());
        h.call("CONFIG", "SET", "appendonly", "no");
        assertFalse(AofRewrite.of(h.server).inProgress());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("* Killing running AOF rewrite child: " + ServerLog.pid()));
    }

    @Test
    void aDirectoryThatCannotBeMadeFailsTheRewriteAndAppendonlyYes() throws Exception {
        harness();
        Files.writeString(aofDir, "in the way");
        try {
            assertEquals("-ERR Can't execute an AOF background rewriting. Please check the server logs for more "
                    + "information.\r\n", h.call("BGREWRITEAOF"));
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'appendonly') - Unable to turn on AOF. "
                    + "Check server logs.\r\n", h.call("CONFIG", "SET", "appendonly", "yes"));
            assertEquals("*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n", h.call("CONFIG", "GET", "appendonly"));
            String info = h.call("INFO", "persistence");
            assertTrue(info.contains("aof_enabled:0\r\n"), info);
            assertTrue(info.contains("aof_last_bgrewrite_status:err\r\naof_rewrites:0\r\n"
                    + "aof_rewrites_consecutive_failures:0\r\n"), info);
            String text = log.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("# Can't open or create append-only dir " + h.config.appendDirname
                    + ": Not a directory\n"), text);
            assertTrue(text.contains("# Redis needs to enable the AOF but can't trigger a background AOF rewrite "
                    + "operation. Check the above logs for more info about the error.\n"), text);
        } finally {
            Files.delete(aofDir);
        }
    }

    @Test
    void automaticRewriteOnGrowthAndRedisRetryLimit() throws Exception {
        harness();
        h.call("CONFIG", "SET", "appendonly", "yes");
        awaitRewrite();
        AppendOnlyFile aof = AppendOnlyFile.of(h.server);
        AofRewrite rw = AofRewrite.of(h.server);
        h.call("CONFIG", "SET", "auto-aof-rewrite-min-size", "1000");
        h.call("CONFIG", "SET", "auto-aof-rewrite-percentage", "100");
        long base = aof.baseSize();
        assertTrue(base > 0);
        while (aof.currentSize() <= Math.max(1000, base * 2)) {
            h.call("SET", "k", "x".repeat(100));
            aof.flush(true);
        }
        h.engine.runCron();
        assertTrue(rw.inProgress());
        awaitRewrite();
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("* Starting automatic rewriting of AOF on "));
        assertEquals(2, rw.rewrites);
        // Three failures in a row: the cron waits a minute before the next automatic attempt.
        rw.consecutiveFailures = 3;
        while (aof.currentSize() <= Math.max(1000, aof.baseSize() * 2)) {
            h.call("SET", "k", "x".repeat(100));
            aof.flush(true);
        }
        h.engine.runCron();
        assertFalse(rw.inProgress());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains(
                "# Background AOF rewrite has repeatedly failed and triggered the limit, will retry in 1 minutes"));
        h.engine.runCron();
        assertFalse(rw.inProgress());
        h.clock.advance(61_000);
        h.engine.runCron();
        assertTrue(rw.inProgress());
        awaitRewrite();
        assertEquals(0, rw.consecutiveFailures);
    }

    @Test
    void appendonlyYesDuringABgsaveWaitsForIt() throws Exception {
        harness();
        h.config.rdbKeySaveDelay = 2000;
        for (int i = 0; i < 20; i++) {
            h.call("SET", "k" + i, "v");
        }
        Persistence p = Persistence.of(h.server);
        assertEquals("+Background saving started\r\n", h.call("BGSAVE"));
        assertEquals("+OK\r\n", h.call("CONFIG", "SET", "appendonly", "yes"));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("# AOF was enabled but there is already another "
                + "background operation. An AOF background was scheduled to start when possible.\n"));
        AofRewrite rw = AofRewrite.of(h.server);
        assertFalse(rw.inProgress());
        String info = h.call("INFO", "persistence");
        assertTrue(info.contains("aof_enabled:1\r\n"), info);
        assertTrue(info.contains("aof_rewrite_scheduled:1\r\n"), info);
        assertTrue(info.contains("aof_pending_rewrite:1\r\n"), info);
        assertEquals(AppendOnlyFile.State.WAIT_REWRITE, AppendOnlyFile.of(h.server).state());
        h.engine.runCron();
        assertFalse(rw.inProgress());
        p.cancelBackground();
        h.config.rdbKeySaveDelay = 0;
        h.engine.runCron();
        assertTrue(rw.inProgress());
        h.call("SET", "during", "1");
        awaitRewrite();
        assertEquals(AppendOnlyFile.State.ON, AppendOnlyFile.of(h.server).state());
        assertEquals("appendonly.aof.1.base.rdb appendonly.aof.1.incr.aof appendonly.aof.manifest\n"
                + "file appendonly.aof.1.base.rdb seq 1 type b\n"
                + "file appendonly.aof.1.incr.aof seq 1 type i\n", state());
        AppendOnlyFile.of(h.server).flush(true);
        assertTrue(Files.readString(aofDir.resolve("appendonly.aof.1.incr.aof")).contains("during"));
    }
}
