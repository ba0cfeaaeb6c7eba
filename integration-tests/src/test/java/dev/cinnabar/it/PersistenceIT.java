package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import dev.cinnabar.it.support.Waits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RDB files against the JAR and a real redis-server: dumps move both ways with every type and
 * encoding (DEBUG DIGEST equal on both sides, redis-check-rdb happy with every file Cinnabar
 * writes), restarts keep everything, a BGSAVE is a point-in-time image under concurrent
 * writes, kill -9 mid-save leaves the previous dump, corrupt dumps are refused, clients get
 * -LOADING while a dump loads, and a failed BGSAVE stops writes with Redis's -MISCONF.
 */
class PersistenceIT {
    @TempDir
    Path tmp;

    /** Every type in each of the encodings Redis 7.0 writes, in two databases, plus a library. */
    static void populate(RawConnection c) throws IOException {
        List<String[]> cmds = new ArrayList<>();
        cmds.add(new String[] {"FLUSHALL"});
        cmds.add(new String[] {"SET", "s1", "hello"});
        cmds.add(new String[] {"SET", "s2", "12345"});
        cmds.add(new String[] {"SET", "s3", "x".repeat(300)});
        cmds.add(new String[] {"SET", "s4", "-99999999999"});
        cmds.add(new String[] {"SET", "ttl", "v", "PX", "100000000"});
        cmds.add(new String[] {"RPUSH", "l1", "a", "b", "c", "1", "2", "3"});
        for (int i = 0; i < 300; i++) {
            cmds.add(new String[] {"RPUSH", "l2", "elem-" + i + "-" + "0".repeat(50)});
        }
        cmds.add(new String[] {"SADD", "st1", "1", "2", "3", "4", "5"});
        cmds.add(new String[] {"SADD", "st2", "a", "b", "c", "d"});
        for (int i = 0; i < 600; i++) {
            cmds.add(new String[] {"SADD", "st3", Integer.toString(i)});
        }
        cmds.add(new String[] {"HSET", "h1", "f1", "v1", "f2", "v2", "f3", "3"});
        for (int i = 0; i < 600; i++) {
            cmds.add(new String[] {"HSET", "h2", "f" + i, "v" + i});
        }
        cmds.add(new String[] {"ZADD", "z1", "1", "a", "2", "b", "3.5", "c"});
        for (int i = 0; i < 200; i++) {
            cmds.add(new String[] {"ZADD", "z2", Integer.toString(i), "m" + i});
        }
        cmds.add(new String[] {"ZADD", "z3", "1e300", "big", "-inf", "ninf"});
        cmds.add(new String[] {"XADD", "x1", "1-1", "a", "1", "b", "2"});
        cmds.add(new String[] {"XADD", "x1", "2-1", "a", "3"});
        cmds.add(new String[] {"XGROUP", "CREATE", "x1", "g1", "0"});
        cmds.add(new String[] {"XREADGROUP", "GROUP", "g1", "c1", "COUNT", "1", "STREAMS", "x1", ">"});
        cmds.add(new String[] {"PFADD", "hll", "a", "b", "c", "d"});
        cmds.add(new String[] {"FUNCTION", "LOAD", "REPLACE",
                "#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return 1 end)"});
        cmds.add(new String[] {"SELECT", "5"});
        cmds.add(new String[] {"SET", "other", "db5"});
        cmds.add(new String[] {"HSET", "h5", "a", "b"});
        cmds.add(new String[] {"SELECT", "0"});
        for (String[] cmd : cmds) {
            String r = c.call(cmd);
            assertFalse(r.startsWith("-"), String.join(" ", cmd) + " -> " + r);
        }
    }

    static void awaitBgsave(RawConnection c) throws Exception {
        for (int i = 0; i < 1000; i++) {
            if (c.call("INFO", "persistence").contains("rdb_bgsave_in_progress:0")) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("BGSAVE did not finish");
    }

    /**
     * redis-cli --rdb, the usual way to take a backup from a running server, asks for the RDB
     * alone (REPLCONF rdb-only 1, then SYNC): the file it writes passes redis-check-rdb and
     * loads into Redis with the same dataset; --functions-rdb's holds the libraries alone. A SYNC
     * without rdb-only is still refused (no replicas yet).
     */
    @Test
    void redisCliRdbTakesABackup() throws Exception {
        Path cdir = dir("cli-ours");
        Path backup = dir("cli-backup").resolve("backup.rdb");
        Path functionsBackup = dir("cli-functions").resolve("functions.rdb");
        Path diskBackup = dir("cli-disk").resolve("disk.rdb");
        String digest;
        try (ServerProcess ours = ServerProcess.cinnabar("--dir", cdir.toString(), "--enable-debug-command", "yes");
                RawConnection c = new RawConnection(ours.port())) {
            for (int i = 0; i < 2000; i++) {
                c.call("SET", "s:" + i, "v" + i);
                c.call("HSET", "h:" + (i % 50), "f" + i, Integer.toString(i));
                c.call("ZADD", "z", Integer.toString(i), "m" + i);
            }
            c.call("FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function() return 1 end)");
            digest = c.call("DEBUG", "DIGEST");
            Process cli = new ProcessBuilder(ServerProcess.redisServerBinary().replace("redis-server", "redis-cli"),
                    "-p", Integer.toString(ours.port()), "--rdb", backup.toString()).redirectErrorStream(true).start();
            String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(cli.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, cli.exitValue(), out);
            assertTrue(out.contains("Transfer finished with success"), out);
            assertEquals("+PONG\r\n", c.call("PING"), "the server goes on");
            // As Redis 7.0's default (repl-diskless-sync yes): the RDB went to the client alone,
            // as to any replica, after repl-diskless-sync-delay, and no dump was written.
            assertFalse(Files.exists(cdir.resolve("dump.rdb")), "no dump written for the backup");
            assertTrue(ours.log().contains("Starting BGSAVE for SYNC with target: replicas sockets"), ours.log());
            assertEquals("1", dev.cinnabar.it.support.Waits.field(c.call("INFO", "stats"), "sync_full"));
            // Disk-based: a BGSAVE, then its file.
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "repl-diskless-sync", "no"));
            Process diskCli = new ProcessBuilder(ServerProcess.redisServerBinary().replace("redis-server", "redis-cli"),
                    "-p", Integer.toString(ours.port()), "--rdb", diskBackup.toString()).redirectErrorStream(true).start();
            String diskOut = new String(diskCli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(diskCli.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, diskCli.exitValue(), diskOut);
            assertTrue(Files.exists(cdir.resolve("dump.rdb")), "the BGSAVE's dump");
            Process functionsCli = new ProcessBuilder(
                    ServerProcess.redisServerBinary().replace("redis-server", "redis-cli"), "-p",
                    Integer.toString(ours.port()), "--functions-rdb", functionsBackup.toString())
                    .redirectErrorStream(true).start();
            String fout = new String(functionsCli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(functionsCli.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, functionsCli.exitValue(), fout);
        }
        assertEquals(0, checkRdb(backup));
        assertEquals(0, checkRdb(diskBackup));
        try (ServerProcess redis = ServerProcess.redis("--dir", backup.getParent().toString(), "--dbfilename",
                "backup.rdb", "--enable-debug-command", "yes");
                RawConnection r = new RawConnection(redis.port())) {
            assertEquals(digest, r.call("DEBUG", "DIGEST"), "the backup loaded into Redis");
            String functions = r.call("FUNCTION", "LIST");
            assertTrue(functions.contains("$3\r\nlib\r\n"), "the functions came too: " + functions);
        }
        assertEquals(0, checkRdb(functionsBackup));
        try (ServerProcess redis = ServerProcess.redis("--dir", functionsBackup.getParent().toString(), "--dbfilename",
                "functions.rdb");
                RawConnection r = new RawConnection(redis.port())) {
            assertEquals(":0\r\n", r.call("DBSIZE"), "--functions-rdb: no keys");
            assertTrue(r.call("FUNCTION", "LIST").contains("$3\r\nlib\r\n"));
        }
    }

    private static int checkRdb(Path file) throws Exception {
        Process p = new ProcessBuilder(ServerProcess.redisServerBinary().replace("redis-server", "redis-check-rdb"),
                file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertTrue(out.contains("RDB looks OK!"), out);
        return p.exitValue();
    }

    private Path dir(String name) throws IOException {
        return Files.createDirectories(tmp.resolve(name));
    }

    @Test
    void dumpsMoveBothWaysWithEveryType() throws Exception {
        Path rdir = dir("redis");
        Path cdir = dir("cinnabar");
        String digest;
        String functions;
        try (ServerProcess redis = ServerProcess.redis("--dir", rdir.toString(), "--enable-debug-command", "yes");
                RawConnection r = new RawConnection(redis.port())) {
            populate(r);
            digest = r.call("DEBUG", "DIGEST");
            functions = r.call("FUNCTION", "DUMP").length() > 0 ? r.call("FUNCTION", "LIST") : "";
            assertEquals("+OK\r\n", r.call("SAVE"));
        }
        Files.copy(rdir.resolve("dump.rdb"), cdir.resolve("dump.rdb"));
        try (ServerProcess ours = ServerProcess.cinnabar("--dir", cdir.toString(), "--enable-debug-command", "yes",
                "--save", ""); RawConnection c = new RawConnection(ours.port())) {
            ServerLifecycleIT.logWhenReady(ours);
            assertEquals(digest, c.call("DEBUG", "DIGEST"), "a Redis dump loaded into Cinnabar");
            assertEquals(functions, c.call("FUNCTION", "LIST"));
            assertTrue(ours.log().contains("* Loading RDB produced by version 7.0.15\n"), ours.log());
            assertTrue(ours.log().contains("* Done loading RDB, keys loaded: 19, keys expired: 0.\n"), ours.log());
            assertTrue(c.call("INFO", "persistence").contains("rdb_last_load_keys_loaded:19\r\n"));
            // SAVE and BGSAVE write the same image, which redis-check-rdb accepts.
            assertEquals("+OK\r\n", c.call("SAVE"));
            Path saved = Files.copy(cdir.resolve("dump.rdb"), cdir.resolve("save.rdb"));
            assertEquals("+Background saving started\r\n", c.call("BGSAVE"));
            awaitBgsave(c);
            assertTrue(c.call("INFO", "persistence").contains("rdb_last_bgsave_status:ok\r\n"));
            assertEquals(0, checkRdb(saved));
            assertEquals(0, checkRdb(cdir.resolve("dump.rdb")));
            // and DEBUG RELOAD reads it back
            assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD"));
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
        }
        // Cinnabar's dump into Redis
        Path rdir2 = dir("redis2");
        Files.copy(cdir.resolve("dump.rdb"), rdir2.resolve("dump.rdb"));
        try (ServerProcess redis = ServerProcess.redis("--dir", rdir2.toString(), "--enable-debug-command", "yes");
                RawConnection r = new RawConnection(redis.port())) {
            assertEquals(digest, r.call("DEBUG", "DIGEST"), "a Cinnabar dump loaded into Redis");
            assertEquals(functions, r.call("FUNCTION", "LIST"));
        }
        // and into Cinnabar again, after a restart
        try (ServerProcess ours = ServerProcess.cinnabar("--dir", cdir.toString(), "--enable-debug-command", "yes",
                "--save", ""); RawConnection c = new RawConnection(ours.port())) {
            ServerLifecycleIT.logWhenReady(ours);
            assertEquals(digest, c.call("DEBUG", "DIGEST"), "Cinnabar's own dump after a restart");
        }
    }

    /** Each background save or rewrite counts as the fork Redis would have made (INFO's total_forks). */
    @Test
    void backgroundJobsCountAsForks() throws Exception {
        Path cdir = dir("c");
        try (ServerProcess ours = ServerProcess.cinnabar("--dir", cdir.toString(), "--save", "");
                RawConnection c = new RawConnection(ours.port())) {
            assertTrue(c.call("INFO", "stats").contains("\r\ntotal_forks:0\r\n"));
            assertEquals("+OK\r\n", c.call("SET", "k", "v"));
            assertEquals("+Background saving started\r\n", c.call("BGSAVE"));
            awaitBgsave(c);
            assertTrue(c.call("INFO", "stats").contains("\r\ntotal_forks:1\r\n"));
            assertEquals("+Background append only file rewriting started\r\n", c.call("BGREWRITEAOF"));
            for (int i = 0; i < 500 && !c.call("INFO", "persistence").contains("aof_rewrite_in_progress:0"); i++) {
                Thread.sleep(10);
            }
            String stats = c.call("INFO", "stats");
            assertTrue(stats.contains("\r\ntotal_forks:2\r\n") && stats.contains("\r\nlatest_fork_usec:"), stats);
            assertEquals("+OK\r\n", c.call("CONFIG", "RESETSTAT"));
            assertTrue(c.call("INFO", "stats").contains("\r\ntotal_forks:0\r\n"));
        }
    }

    @Test
    void bgsaveIsThePointInTimeOfItsStart() throws Exception {
        Path cdir = dir("c");
        try (ServerProcess ours = ServerProcess.cinnabar("--dir", cdir.toString(), "--enable-debug-command", "yes",
                "--save", ""); RawConnection c = new RawConnection(ours.port())) {
            populate(c);
            assertEquals("+OK\r\n", c.call("DEBUG", "POPULATE", "20000", "key", "20"));
            for (int i = 0; i < 300; i++) {
                c.call("HSET", "hh" + (i % 30), "f" + i, "v" + i);
            }
            String before = c.call("DEBUG", "DIGEST");
            // 50 µs per key: the snapshot takes about a second, the writes below run meanwhile.
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "rdb-key-save-delay", "50"));
            assertEquals("+Background saving started\r\n", c.call("BGSAVE"));
            assertEquals("-ERR Background save already in progress\r\n", c.call("BGSAVE"));
            assertEquals("-ERR Background save already in progress\r\n", c.call("SAVE"));
            Random rnd = new Random(7);
            int writes = 0;
            while (c.call("INFO", "persistence").contains("rdb_bgsave_in_progress:1")) {
                for (int i = 0; i < 50; i++) {
                    String k = "key:" + rnd.nextInt(25000);
                    switch (rnd.nextInt(6)) {
                        case 0 -> c.call("SET", k, "new" + rnd.nextInt());
                        case 1 -> c.call("DEL", k);
                        case 2 -> c.call("APPEND", k, "more");
                        case 3 -> c.call("EXPIRE", k, "1000");
                        case 4 -> c.call("HSET", "hh" + rnd.nextInt(40), "f" + rnd.nextInt(500), "x");
                        default -> c.call("RPUSH", "l2", "tail");
                    }
                    writes++;
                }
            }
            assertTrue(writes > 100, "writes happened during the snapshot: " + writes);
            assertTrue(c.call("INFO", "persistence").contains("rdb_last_bgsave_status:ok\r\n"));
            assertNotEquals(before, c.call("DEBUG", "DIGEST"));
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "rdb-key-save-delay", "0"));
            assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD", "NOSAVE"));
            assertEquals(before, c.call("DEBUG", "DIGEST"), "the dump is the dataset as BGSAVE started");
            assertEquals(0, checkRdb(cdir.resolve("dump.rdb")));
        }
    }

    /**
     * A BGSAVE whose writer keeps up (no rdb-key-save-delay, which the test above needs for its
     * writes) leaves the engine answering between its slices. Each slice once queued the next
     * right behind itself, and the event loop ran them all before it read a socket again: every
     * client waited for the whole save. With an engine thread of its own, the replies then went
     * out only every 256 tasks.
     */
    @Test
    void clientsAreAnsweredWhileABgsaveRunsFlatOut() throws Exception {
        // Both shapes: the engine on the event loop, and on a thread of its own beside an I/O thread.
        for (String ioThreads : new String[] {"1", "2"}) {
            Path cdir = dir("flat-" + ioThreads);
            try (ServerProcess ours = ServerProcess.cinnabar("--dir", cdir.toString(), "--enable-debug-command", "yes",
                    "--save", "", "--io-threads", ioThreads); RawConnection c = new RawConnection(ours.port())) {
                assertEquals("+OK\r\n", c.call("DEBUG", "POPULATE", "1000000", "key", "10"));
                assertEquals("+Background saving started\r\n", c.call("BGSAVE"));
                int answeredDuring = 0;
                while (c.call("INFO", "persistence").contains("rdb_bgsave_in_progress:1")) {
                    answeredDuring++;
                }
                String shape = "io-threads " + ioThreads + ": ";
                assertTrue(answeredDuring >= 100, shape + "INFO answered " + answeredDuring + " times while the save ran");
                assertTrue(c.call("INFO", "persistence").contains("rdb_last_bgsave_status:ok\r\n"), shape);
                // The same for an AOF rewrite, which turning the AOF on starts.
                assertEquals("+OK\r\n", c.call("CONFIG", "SET", "appendonly", "yes"));
                answeredDuring = 0;
                while (c.call("INFO", "persistence").contains("aof_rewrite_in_progress:1")) {
                    answeredDuring++;
                }
                assertTrue(answeredDuring >= 100, shape + "INFO answered " + answeredDuring + " times while the rewrite ran");
                assertTrue(c.call("INFO", "persistence").contains("aof_last_bgrewrite_status:ok\r\n"), shape);
                assertEquals(":1000000\r\n", c.call("DBSIZE"));
            }
        }
    }

    @Test
    void killDashNineMidSaveLeavesThePreviousDump() throws Exception {
        Path cdir = dir("c");
        String saved;
        ServerProcess ours = ServerProcess.cinnabar("--dir", cdir.toString(), "--enable-debug-command", "yes",
                "--save", "");
        try (RawConnection c = new RawConnection(ours.port())) {
            c.call("SET", "a", "1");
            c.call("HSET", "h", "f", "v");
            assertEquals("+OK\r\n", c.call("SAVE"));
            saved = c.call("DEBUG", "DIGEST");
            assertEquals("+OK\r\n", c.call("DEBUG", "POPULATE", "50000"));
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "rdb-key-save-delay", "100"));
            assertEquals("+Background saving started\r\n", c.call("BGSAVE"));
            Thread.sleep(500);
            assertTrue(c.call("INFO", "persistence").contains("rdb_bgsave_in_progress:1"));
        }
        ours.process().destroyForcibly();
        ours.process().waitFor(10, TimeUnit.SECONDS);
        ours.close();
        try (ServerProcess again = ServerProcess.cinnabar("--dir", cdir.toString(), "--enable-debug-command", "yes",
                "--save", ""); RawConnection c = new RawConnection(again.port())) {
            ServerLifecycleIT.logWhenReady(again);
            assertEquals(saved, c.call("DEBUG", "DIGEST"));
        }
    }

    /** Starts the JAR on a dump and expects it to refuse and exit with 1; returns its output. */
    private String refused(Path cdir) throws Exception {
        List<String> cmd = ConfigFileIT.cinnabar("--port", Integer.toString(ServerProcess.freePort()), "--dir",
                cdir.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), out);
        assertFalse(out.contains("Ready to accept connections"), out);
        return out;
    }

    @Test
    void corruptDumpsAreRefused() throws Exception {
        Path cdir = dir("c");
        try (ServerProcess ours = ServerProcess.cinnabar("--dir", cdir.toString(), "--save", "");
                RawConnection c = new RawConnection(ours.port())) {
            populate(c);
            assertEquals("+OK\r\n", c.call("SAVE"));
        }
        byte[] good = Files.readAllBytes(cdir.resolve("dump.rdb"));
        byte[] crc = good.clone();
        crc[crc.length - 3] ^= 1;
        Files.write(cdir.resolve("dump.rdb"), crc);
        String out = refused(cdir);
        assertTrue(out.contains("# Wrong RDB checksum expected: ("), out);
        assertTrue(out.contains("-> RDB CRC error\n"), out);
        Files.write(cdir.resolve("dump.rdb"), java.util.Arrays.copyOf(good, good.length / 2));
        out = refused(cdir);
        assertTrue(out.contains("# Short read or OOM loading DB. Unrecoverable error, aborting now.\n"), out);
        byte[] sig = good.clone();
        sig[0] = 'X';
        Files.write(cdir.resolve("dump.rdb"), sig);
        out = refused(cdir);
        assertTrue(out.contains("# Wrong signature trying to load DB from file\n"), out);
        assertTrue(out.contains("# Fatal error loading the DB: Invalid argument. Exiting.\n"), out);
    }

    @Test
    void clientsAreToldItIsLoading() throws Exception {
        Path cdir = dir("c");
        String digest;
        try (ServerProcess ours = ServerProcess.cinnabar("--dir", cdir.toString(), "--enable-debug-command", "yes",
                "--save", ""); RawConnection c = new RawConnection(ours.port())) {
            assertEquals("+OK\r\n", c.call("DEBUG", "POPULATE", "20000"));
            digest = c.call("DEBUG", "DIGEST");
            assertEquals("+OK\r\n", c.call("SAVE"));
        }
        try (ServerProcess ours = ServerProcess.cinnabar("--dir", cdir.toString(), "--enable-debug-command", "yes",
                "--save", "", "--key-load-delay", "100", "--loading-process-events-interval-bytes", "1024",
                "--enable-protected-configs", "yes");
                RawConnection c = new RawConnection(ours.port())) {
            assertEquals("-LOADING Redis is loading the dataset in memory\r\n", c.call("GET", "key:1"));
            String info = c.call("INFO", "persistence");
            assertTrue(info.contains("loading:1\r\n") && info.contains("loading_loaded_perc:"), info);
            // Some directives may change while loading, not dir or appendonly (Redis's
            // DENY_LOADING_CONFIG, which wins over the other errors); tests/unit/introspection.tcl
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "loglevel", "debug"));
            assertEquals("-LOADING Redis is loading the dataset in memory\r\n", c.call("CONFIG", "SET", "dir", "asdf"));
            assertEquals("-LOADING Redis is loading the dataset in memory\r\n",
                    c.call("CONFIG", "SET", "maxmemory", "x", "appendonly", "yes"));
            assertEquals("-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'\r\n",
                    c.call("CONFIG", "SET", "nosuch", "1", "dir", "asdf"));
            assertTrue(c.call("INFO", "persistence").contains("loading:1\r\n"));
            for (int i = 0; i < 1000 && c.call("PING").startsWith("-LOADING"); i++) {
                Thread.sleep(20);
            }
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
            assertTrue(c.call("INFO", "persistence").contains("loading:0\r\n"));
        }
    }

    /** Saves 20000 keys into {@code cdir} and returns the dump's bytes. */
    private static byte[] dumpOfManyKeys(Path cdir) throws Exception {
        try (ServerProcess ours = ServerProcess.cinnabar("--dir", cdir.toString(), "--enable-debug-command", "yes",
                "--save", ""); RawConnection c = new RawConnection(ours.port())) {
            assertEquals("+OK\r\n", c.call("DEBUG", "POPULATE", "20000"));
            assertEquals("+OK\r\n", c.call("SAVE"));
        }
        return Files.readAllBytes(cdir.resolve("dump.rdb"));
    }

    /** A server loading that dump at 200 µs a key (four seconds), with the default save points. */
    private static ServerProcess slowLoad(Path cdir) throws Exception {
        return ServerProcess.cinnabar("--dir", cdir.toString(), "--key-load-delay", "200",
                "--loading-process-events-interval-bytes", "1024");
    }

    @Test
    void shutdownWhileLoadingNeverSavesThePartialDataset() throws Exception {
        Path cdir = dir("c");
        byte[] dump = dumpOfManyKeys(cdir);
        // Default save points: a SHUTDOWN would save, but not while loading.
        ServerProcess ours = slowLoad(cdir);
        try (RawConnection c = new RawConnection(ours.port())) {
            assertEquals("-LOADING Redis is loading the dataset in memory\r\n", c.call("PING"));
            c.send("SHUTDOWN", "SAVE");
            assertTrue(c.closedByServer());
        }
        assertEndedWithoutSaving(ours, 20, dump, cdir);
    }

    /** The server ended within {@code seconds}, with status 0, and left the dump as it was. */
    private static void assertEndedWithoutSaving(ServerProcess ours, int seconds, byte[] dump, Path cdir)
            throws Exception {
        assertTrue(ours.process().waitFor(seconds, TimeUnit.SECONDS), ours.log());
        assertEquals(0, ours.process().exitValue(), ours.log());
        assertFalse(ours.log().contains("Saving the final RDB snapshot"), ours.log());
        assertTrue(java.util.Arrays.equals(dump, Files.readAllBytes(cdir.resolve("dump.rdb"))), "dump untouched");
    }

    /**
     * SIGTERM during the load at start stops the server there, without saving, as Redis's
     * whileBlockedCron does: it waited for the whole load (the signal was only acted on once
     * the server was up), then saved, since save points were set.
     */
    @Test
    void sigtermWhileLoadingStopsThereWithoutSaving() throws Exception {
        Path cdir = dir("c");
        byte[] dump = dumpOfManyKeys(cdir);
        ServerProcess ours = slowLoad(cdir);
        try (RawConnection c = new RawConnection(ours.port())) {
            assertEquals("-LOADING Redis is loading the dataset in memory\r\n", c.call("PING"));
            ours.process().destroy();
            assertEndedWithoutSaving(ours, 2, dump, cdir);
        }
        assertTrue(ours.log().contains("Received SIGTERM scheduling shutdown..."), ours.log());
        assertFalse(ours.log().contains("DB loaded from disk"), ours.log());
    }

    @Test
    void savePointsStartABgsaveFromTheCron() throws Exception {
        Path cdir = dir("c");
        try (ServerProcess ours = ServerProcess.cinnabar("--dir", cdir.toString(), "--save", "1 2");
                RawConnection c = new RawConnection(ours.port())) {
            String before = c.call("LASTSAVE");
            c.call("SET", "a", "1");
            Thread.sleep(2500);
            assertFalse(Files.exists(cdir.resolve("dump.rdb")), "one change is not enough");
            c.call("SET", "b", "1");
            // A busy machine may run the cron, and finish the save, late.
            Waits.poll(10_000, () -> Files.exists(cdir.resolve("dump.rdb")));
            awaitBgsave(c);
            Waits.poll(15_000, () -> ours.log().contains("* Background saving terminated with success\n"));
            assertTrue(ours.log().contains("* 2 changes in 1 seconds. Saving...\n"), ours.log());
            assertTrue(ours.log().contains("* Background saving terminated with success\n"), ours.log());
            assertNotEquals(before, c.call("LASTSAVE"));
            assertTrue(c.call("INFO", "persistence").contains("rdb_changes_since_last_save:0\r\n"));
            // Inside a transaction BGSAVE is only scheduled; the cron starts it.
            c.call("MULTI");
            c.call("BGSAVE");
            assertEquals("*1\r\n+Background saving scheduled\r\n", c.call("EXEC"));
            Waits.poll(10_000, () -> c.call("INFO", "persistence").contains("rdb_saves:2\r\n"));
            assertTrue(c.call("INFO", "persistence").contains("rdb_saves:2\r\n"));
        }
    }

    @Test
    void aFailedBgsaveStopsWritesAsInRedis() throws Exception {
        Path rdir = dir("r");
        Path cdir = dir("c");
        try (ServerProcess redis = ServerProcess.redis("--dir", rdir.toString(), "--save", "3600 1");
                ServerProcess ours = ServerProcess.cinnabar("--dir", cdir.toString(), "--save", "3600 1");
                RawConnection r = new RawConnection(redis.port());
                RawConnection c = new RawConnection(ours.port())) {
            Files.delete(rdir);
            Files.delete(cdir);
            assertEquals(r.call("BGSAVE"), c.call("BGSAVE"));
            awaitBgsave(r);
            awaitBgsave(c);
            for (String[] cmd : new String[][] {{"SET", "k", "v"}, {"PING"}, {"GET", "k"}, {"LASTSAVE"}}) {
                String theirs = r.call(cmd);
                String mine = c.call(cmd);
                if (!cmd[0].equals("LASTSAVE")) {
                    assertEquals(theirs, mine, String.join(" ", cmd));
                }
            }
            assertTrue(c.call("INFO", "persistence").contains("rdb_last_bgsave_status:err\r\n"));
            assertEquals(r.call("CONFIG", "SET", "stop-writes-on-bgsave-error", "no"),
                    c.call("CONFIG", "SET", "stop-writes-on-bgsave-error", "no"));
            assertEquals(r.call("SET", "k", "v"), c.call("SET", "k", "v"));
            r.send("SHUTDOWN", "NOSAVE");
            c.send("SHUTDOWN", "NOSAVE");
        }
    }

    @SuppressWarnings("unused")
    private static void copy(Path from, Path to) throws IOException {
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
}
