package dev.cinnabar.server.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.testing.EngineHarness;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AppendOnlyFileTest {
    private Path dir;
    private EngineHarness h;

    private EngineHarness start(String... directives) throws IOException {
        dir = Files.createTempDirectory("aof-write-test");
        ServerConfig config = new ServerConfig();
        config.appendOnly = true;
        for (int i = 0; i < directives.length; i += 2) {
            switch (directives[i]) {
                case "appendfsync" -> config.appendFsync = directives[i + 1];
                case "aof-use-rdb-preamble" -> config.aofUseRdbPreamble = directives[i + 1].equals("yes");
                case "aof-timestamp-enabled" -> config.aofTimestampEnabled = directives[i + 1].equals("yes");
                case "enable-debug-command" -> config.enableDebugCommand = directives[i + 1];
                default -> throw new IllegalArgumentException(directives[i]);
            }
        }
        h = new EngineHarness(config);
        config.dir = dir.toString();
        AppendOnlyFile.of(h.server).openOnServerStart();
        return h;
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (h != null) {
            AppendOnlyFile.of(h.server).close();
        }
        if (dir != null) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private AppendOnlyFile aof() {
        return AppendOnlyFile.of(h.server);
    }

    private String file(String name) throws IOException {
        return Files.readString(dir.resolve("appendonlydir").resolve(name), StandardCharsets.ISO_8859_1);
    }

    @Test
    void startCreatesBaseIncrAndManifestAsRedis() throws IOException {
        start();
        assertEquals("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
                file("appendonly.aof.manifest"));
        String base = file("appendonly.aof.1.base.rdb");
        assertTrue(base.startsWith("REDIS0010"), base);
        assertTrue(base.contains("aof-base"), base);
        assertEquals("", file("appendonly.aof.1.incr.aof"));
        assertEquals(AppendOnlyFile.State.ON, aof().state());
        assertEquals("appendonly.aof.1.incr.aof", aof().currentIncrName());
        // Redis counts neither the fresh base nor the empty incr.
        assertEquals(0, aof().currentSize());
        assertEquals(0, aof().baseSize());
    }

    @Test
    void plainBaseWithoutPreambleIsEmpty() throws IOException {
        start("aof-use-rdb-preamble", "no");
        assertEquals("file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
                file("appendonly.aof.manifest"));
        assertEquals("", file("appendonly.aof.1.base.aof"));
    }

    @Test
    void commandsGoToTheIncrWithSelectWhenTheDatabaseChanges() throws IOException {
        start();
        assertEquals("+OK\r\n", h.call("SET", "a", "1"));
        assertEquals("+OK\r\n", h.call("SELECT", "2"));
        assertEquals("+OK\r\n", h.call("SET", "b", "2"));
        assertEquals(":1\r\n", h.call("INCR", "c"));
        assertEquals("$1\r\n2\r\n", h.call("GET", "b")); // reads are not written
        h.engine.flush();
        String expected = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
                + "*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n"
                + "*2\r\n$4\r\nINCR\r\n$1\r\nc\r\n";
        assertEquals(expected, file("appendonly.aof.1.incr.aof"));
        assertEquals(expected.length(), aof().currentSize());
        assertEquals(0, aof().bufferLength());
    }

    @Test
    void expiringSetIsWrittenWithAnAbsoluteTime() throws IOException {
        start();
        long at = h.clock.millis() + 100_000;
        h.call("SET", "k", "v", "EX", "100");
        h.engine.flush();
        assertEquals("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n$4\r\nPXAT\r\n$"
                + Long.toString(at).length() + "\r\n" + at + "\r\n", file("appendonly.aof.1.incr.aof"));
    }

    @Test
    void timestampAnnotationsWhenTheSecondChanges() throws IOException {
        start("aof-timestamp-enabled", "yes");
        long t0 = h.clock.millis() / 1000;
        h.call("SET", "a", "1");
        h.call("SET", "a", "2");
        h.clock.advance(1000);
        h.call("SET", "a", "3");
        h.engine.flush();
        String set = "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n";
        assertEquals("#TS:" + t0 + "\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n" + set + "1\r\n" + set + "2\r\n#TS:" + (t0 + 1)
                + "\r\n" + set + "3\r\n", file("appendonly.aof.1.incr.aof"));
    }

    @Test
    void transactionsAreWrappedInMultiExec() throws IOException {
        start();
        h.call("MULTI");
        h.call("SET", "a", "1");
        h.call("INCR", "b");
        h.call("EXEC");
        h.engine.flush();
        assertEquals("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
                + "*2\r\n$4\r\nINCR\r\n$1\r\nb\r\n*1\r\n$4\r\nEXEC\r\n", file("appendonly.aof.1.incr.aof"));
    }

    @Test
    void publishGoesToReplicasAloneNotToTheAof() throws IOException {
        // Redis 7.0 propagates PUBLISH with PROPAGATE_REPL only: loading the AOF publishes nothing.
        start();
        h.call("PUBLISH", "ch", "m");
        h.call("SET", "a", "1");
        h.call("MULTI");
        h.call("PUBLISH", "ch", "m1");
        h.call("PUBLISH", "ch", "m2");
        h.call("EXEC");
        h.engine.flush();
        // Without replicas not even the transaction's MULTI/EXEC, as redis-server 7.0.15 writes it.
        assertEquals("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n",
                file("appendonly.aof.1.incr.aof"));
    }

    @Test
    void infoShowsTheAofFields() throws IOException {
        start();
        h.call("SET", "a", "1");
        h.engine.flush();
        String info = h.call("INFO", "persistence");
        assertTrue(info.contains("aof_enabled:1\r\n"), info);
        assertTrue(info.contains("aof_last_write_status:ok\r\n"), info);
        assertTrue(info.contains("aof_current_size:" + aof().currentSize() + "\r\n"), info);
        assertTrue(info.contains("aof_base_size:0\r\naof_pending_rewrite:0\r\naof_buffer_length:0\r\n"
                + "aof_pending_bio_fsync:0\r\naof_delayed_fsync:0\r\n"), info);
        assertTrue(h.call("INFO", "memory").contains("mem_aof_buffer:8\r\n"));
    }

    @Test
    void offShowsNoSizes() {
        h = new EngineHarness();
        String info = h.call("INFO", "persistence");
        assertTrue(info.contains("aof_enabled:0\r\n"), info);
        assertFalse(info.contains("aof_current_size"), info);
        assertTrue(h.call("INFO", "memory").contains("mem_aof_buffer:0\r\n"));
    }

    @Test
    void restartOpensTheLastIncrForAppending() throws IOException {
        start("appendfsync", "always");
        h.call("SET", "a", "1");
        h.engine.flush();
        String first = file("appendonly.aof.1.incr.aof");
        aof().shutdown();
        aof().close();
        // A second server on the same directory (the loader is not run here: sizes come from the files).
        ServerConfig config = new ServerConfig();
        config.appendOnly = true;
        EngineHarness h2 = new EngineHarness(config);
        config.dir = dir.toString();
        AppendOnlyFile aof2 = AppendOnlyFile.of(h2.server);
        try {
            aof2.openOnServerStart();
            assertEquals("appendonly.aof.1.incr.aof", aof2.currentIncrName());
            h2.call("SET", "b", "2");
            h2.engine.flush();
            assertEquals(first + "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n",
                    file("appendonly.aof.1.incr.aof"));
            assertEquals("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
                    file("appendonly.aof.manifest"));
        } finally {
            aof2.close();
        }
    }

    @Test
    void debugLoadAofWritesNothingBackIntoTheAof() throws IOException {
        start("enable-debug-command", "yes");
        h.call("SET", "a", "1");
        h.call("INCR", "n");
        h.engine.flush();
        String before = file("appendonly.aof.1.incr.aof");
        assertEquals("+OK\r\n", h.call("DEBUG", "LOADAOF"));
        h.engine.flush();
        assertEquals(before, file("appendonly.aof.1.incr.aof"), "the loaded commands are not written again");
        assertEquals(":2\r\n", h.call("INCR", "n"));
        h.engine.flush();
        assertEquals(before + "*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n", file("appendonly.aof.1.incr.aof"));
        // Redis's figures after the load: the files' sizes, then what is written.
        long base = Files.size(dir.resolve("appendonlydir").resolve("appendonly.aof.1.base.rdb"));
        assertEquals(base + before.length() + 21, aof().currentSize());
    }

    @Test
    void withTheAofOffTheManifestFoundAtStartIsKept() throws IOException {
        start();
        aof().shutdown();
        aof().close();
        ServerConfig config = new ServerConfig();
        EngineHarness h2 = new EngineHarness(config);
        config.dir = dir.toString();
        Persistence.of(h2.server).loadAtStart();
        AppendOnlyFile aof2 = AppendOnlyFile.of(h2.server);
        aof2.openOnServerStart();
        assertEquals(AppendOnlyFile.State.OFF, aof2.state());
        assertEquals("appendonly.aof.1.base.rdb", aof2.manifest().base().fileName());
        assertEquals("appendonly.aof.1.incr.aof", aof2.manifest().lastIncr().fileName());
        assertEquals(null, aof2.currentIncrName());
    }

    @Test
    void openNewIncrSwitchesFilesThroughTheManifest() throws IOException {
        start("appendfsync", "no");
        h.call("SET", "a", "1");
        // The rewrite switches files in the middle of a loop turn: what was buffered goes to the old file.
        assertEquals("appendonly.aof.2.incr.aof", aof().openNewIncr());
        h.call("SET", "b", "2");
        h.engine.flush();
        assertEquals("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
                + "file appendonly.aof.2.incr.aof seq 2 type i\n", file("appendonly.aof.manifest"));
        assertEquals("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n",
                file("appendonly.aof.1.incr.aof"));
        assertEquals("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n",
                file("appendonly.aof.2.incr.aof"));
    }

    @Test
    void stopClosesAndStopsRecording() throws IOException {
        start();
        h.call("SET", "a", "1");
        aof().stop();
        h.call("SET", "b", "2");
        h.engine.flush();
        assertEquals(AppendOnlyFile.State.OFF, aof().state());
        assertEquals("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n",
                file("appendonly.aof.1.incr.aof"));
    }

    @Test
    void everysecPostponesTheWriteWhileAnFsyncRunsForAtMostTwoSeconds() throws Exception {
        start("appendfsync", "everysec");
        h.call("SET", "a", "1");
        h.engine.flush();
        String first = file("appendonly.aof.1.incr.aof");
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try {
            aof().slowFsyncForTest(release);
            h.call("SET", "b", "2");
            h.engine.flush();
            assertEquals(first, file("appendonly.aof.1.incr.aof"), "postponed while the fsync runs");
            h.clock.advance(1000);
            h.call("SET", "c", "3");
            h.engine.runCron();
            h.engine.flush();
            assertEquals(first, file("appendonly.aof.1.incr.aof"), "still under two seconds");
            String info = h.call("INFO", "persistence");
            assertTrue(info.contains("aof_buffer_length:" + aof().bufferLength() + "\r\n"), info);
            assertTrue(aof().bufferLength() > 0);
            assertTrue(info.contains("aof_pending_bio_fsync:1\r\naof_delayed_fsync:0\r\n"), info);
            h.clock.advance(1000);
            h.engine.runCron();
            assertEquals(first + "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1\r\n3\r\n",
                    file("appendonly.aof.1.incr.aof"), "written anyway after two seconds");
            assertEquals(1, aof().delayedFsync());
            assertTrue(h.call("INFO", "persistence").contains("aof_buffer_length:0\r\n"));
            h.call("CONFIG", "RESETSTAT");
            assertTrue(h.call("INFO", "persistence").contains("aof_delayed_fsync:0\r\n"));
        } finally {
            release.countDown();
        }
    }

    @Test
    void forcedFlushDoesNotWaitForTheFsync() throws Exception {
        start("appendfsync", "everysec");
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try {
            aof().slowFsyncForTest(release);
            h.call("SET", "a", "1");
            aof().flush(true);
            assertEquals("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n",
                    file("appendonly.aof.1.incr.aof"));
            assertEquals(0, aof().delayedFsync());
        } finally {
            release.countDown();
        }
    }

    /** A server whose incr file is /dev/full: every write fails with ENOSPC. */
    private boolean startOnAFullDisk(String fsync) throws IOException {
        Path full = Path.of("/dev/full");
        if (!Files.exists(full)) {
            return false;
        }
        dir = Files.createTempDirectory("aof-write-test");
        Path d = dir.resolve("appendonlydir");
        Files.createDirectories(d);
        Files.writeString(d.resolve("appendonly.aof.manifest"), "file appendonly.aof.1.incr.aof seq 1 type i\n");
        Files.createSymbolicLink(d.resolve("appendonly.aof.1.incr.aof"), full);
        ServerConfig config = new ServerConfig();
        config.appendOnly = true;
        config.appendFsync = fsync;
        h = new EngineHarness(config);
        config.dir = dir.toString();
        aof().openOnServerStart();
        return true;
    }

    @Test
    void underAlwaysAFailedWriteHoldsTheRepliesOfWhoMayHaveSeenIt() throws IOException {
        if (!startOnAFullDisk("always")) {
            return;
        }
        dev.cinnabar.server.client.Client a = h.client;
        dev.cinnabar.server.client.Client b = h.newClient();
        dev.cinnabar.server.client.Client c = h.newClient();
        assertEquals("+OK\r\n", h.call(a, "SET", "a", "1"));
        h.engine.flush();
        assertTrue(aof().holds(a), "the write is not on disk: its reply waits");
        assertFalse(aof().holds(b));
        String misconf = "-MISCONF Errors writing to the AOF file: No space left on device\r\n";
        assertEquals(misconf, h.call(b, "SET", "b", "2"));
        h.engine.flush();
        assertFalse(aof().holds(b), "a refused write shows nothing: its error goes out");
        assertEquals("$1\r\n1\r\n", h.call(c, "GET", "a"));
        h.engine.flush();
        assertTrue(aof().holds(c), "a read may have seen the unwritten write: its reply waits");
    }

    @Test
    void writeErrorRefusesWritesWithMisconfAndKeepsTheData() throws IOException {
        if (!startOnAFullDisk("everysec")) {
            return;
        }
        assertEquals("+OK\r\n", h.call("SET", "a", "1"));
        h.engine.flush();
        String misconf = "-MISCONF Errors writing to the AOF file: No space left on device\r\n";
        assertEquals(misconf, h.call("SET", "b", "2"));
        assertEquals(misconf, h.call("PING"));
        assertEquals("$1\r\n1\r\n", h.call("GET", "a"));
        assertNotNull(aof().diskError());
        assertTrue(aof().bufferLength() > 0, "the failed data stays in the buffer");
        String info = h.call("INFO", "persistence");
        assertTrue(info.contains("aof_last_write_status:err\r\n"), info);
        assertTrue(info.contains("aof_buffer_length:" + aof().bufferLength() + "\r\n"), info);
        // The cron tries again every second.
        h.clock.advance(1100);
        h.engine.runCron();
        assertEquals(misconf, h.call("SET", "b", "2"));
    }
}
