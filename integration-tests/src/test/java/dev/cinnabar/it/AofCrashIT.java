package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import dev.cinnabar.it.support.Waits;
import java.io.File;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The append-only file's promise, tested by killing the server: with {@code appendfsync always}
 * every acknowledged write survives {@code kill -9} at any moment; with {@code everysec} at most
 * the last ~2 seconds; and a full disk (a file size limit: the JVM ignores SIGXFSZ and gets EFBIG)
 * refuses writes with -MISCONF, loses nothing acknowledged, and recovers when space returns.
 */
class AofCrashIT {
    private static final int WRITERS = 4;
    // Rounds of kill -9: -Daof.crash.rounds=N (default 6) runs more of them.

    /** Every server a test started: a failed test leaves none running. */
    private static final List<ServerProcess> STARTED = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterEach
    void killLeftovers() {
        for (ServerProcess s : STARTED) {
            s.process().destroyForcibly();
        }
        STARTED.clear();
    }

    /** Starts the JAR on {@code dir} with the AOF on; {@code prefix} runs before java (prlimit). */
    static ServerProcess start(Path dir, List<String> prefix, String... args) throws IOException {
        int port = ServerProcess.freePort();
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(ServerProcess.javaBinary(), "-jar", ServerProcess.jar(), "--port", Integer.toString(port),
                "--dir", dir.toString(), "--save", "", "--appendonly", "yes"));
        cmd.addAll(List.of(args));
        ServerProcess s = ServerProcess.start("cinnabar", cmd, port);
        STARTED.add(s);
        // Listening comes before loading: wait for the data. (Clients get -LOADING while it loads,
        // but a command that arrives before the load has started is served on the empty dataset.)
        long deadline = System.currentTimeMillis() + 60_000;
        while (!s.log().contains("Ready to accept connections") && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return s;
    }

    static void kill9(ServerProcess s) throws InterruptedException {
        s.process().destroyForcibly(); // SIGKILL
        s.process().waitFor(10, TimeUnit.SECONDS);
    }

    /** One writer: SET k:t:i, INCR n:t and RPUSH l:t per step, acknowledged steps counted with their time. */
    static final class Writer extends Thread {
        final int id;
        final int port;
        final AtomicBoolean stop;
        volatile int acked;
        final long[] ackTimes = new long[1_000_000];

        Writer(int id, int port, AtomicBoolean stop) {
            this.id = id;
            this.port = port;
            this.stop = stop;
        }

        @Override
        public void run() {
            try (RawConnection c = new RawConnection(port)) {
                for (int i = 0; !stop.get() && i < ackTimes.length; i++) {
                    // One step is one transaction, so that it is acknowledged whole or not at all.
                    c.send("MULTI");
                    c.send("SET", "k:" + id + ":" + i, Integer.toString(i));
                    c.send("INCR", "n:" + id);
                    c.send("RPUSH", "l:" + id, Integer.toString(i));
                    c.send("EXEC");
                    for (int r = 0; r < 4; r++) {
                        c.readReply();
                    }
                    String exec = c.readReply();
                    if (!exec.startsWith("*3\r\n")) {
                        throw new AssertionError("EXEC answered " + exec);
                    }
                    ackTimes[i] = System.currentTimeMillis();
                    acked = i + 1;
                }
            } catch (IOException killed) {
                // the server died under us: what was acknowledged is counted
            }
        }
    }

    /** What survived for writer {@code w}: every step must be whole (n, LLEN and the last key agree). */
    static int survived(RawConnection c, int w) throws IOException {
        String n = c.call("GET", "n:" + w);
        int count = n.startsWith("$-1") ? 0 : Integer.parseInt(n.split("\r\n")[1]);
        assertEquals(":" + count + "\r\n", c.call("LLEN", "l:" + w), "a step applied in part");
        if (count > 0) {
            assertEquals(":1\r\n", c.call("EXISTS", "k:" + w + ":" + (count - 1)));
        }
        assertEquals(":0\r\n", c.call("EXISTS", "k:" + w + ":" + count));
        return count;
    }

    private static Path freshDir(String name) throws IOException {
        return Files.createTempDirectory("aof-crash-" + name);
    }

    private static void crashRounds(String fsync, int rounds, long maxLostMillis) throws Exception {
        Random random = new Random();
        Path dir = freshDir(fsync);
        int[] base = new int[WRITERS];
        for (int round = 0; round < rounds; round++) {
            ServerProcess s = start(dir, List.of(), "--appendfsync", fsync);
            // Every step acknowledged before is still there after the previous kill.
            try (RawConnection c = new RawConnection(s.port())) {
                for (int w = 0; w < WRITERS; w++) {
                    assertEquals(base[w], survived(c, w), "writer " + w + " after round " + round);
                }
                // The writers go on from where they are: clear their keys and start again.
                c.call("FLUSHALL");
            }
            AtomicBoolean stop = new AtomicBoolean();
            Writer[] writers = new Writer[WRITERS];
            for (int w = 0; w < WRITERS; w++) {
                writers[w] = new Writer(w, s.port(), stop);
                writers[w].start();
            }
            Thread.sleep(150 + random.nextInt(900));
            long killedAt = System.currentTimeMillis();
            kill9(s);
            stop.set(true);
            for (Writer w : writers) {
                w.join(10_000);
            }
            ServerProcess again = start(dir, List.of(), "--appendfsync", fsync);
            try (again; RawConnection c = new RawConnection(again.port())) {
                for (int w = 0; w < WRITERS; w++) {
                    int got = survived(c, w);
                    int acked = writers[w].acked;
                    // One step may have been written without its reply reaching the writer.
                    assertTrue(got <= acked + 1, "writer " + w + ": " + got + " steps found, " + acked + " acknowledged");
                    if (maxLostMillis == 0) {
                        assertTrue(got >= acked, fsync + ", round " + round + ", writer " + w + ": " + acked
                                + " steps acknowledged, " + got + " after kill -9\n" + again.log());
                    } else if (got < acked) {
                        long lostSince = writers[w].ackTimes[got];
                        assertTrue(killedAt - lostSince <= maxLostMillis, fsync + ": lost steps acknowledged "
                                + (killedAt - lostSince) + " ms before the kill");
                    }
                    base[w] = got;
                }
                // The rest of the round starts from what is there; FLUSHALL above clears it.
                c.call("FLUSHALL");
                for (int w = 0; w < WRITERS; w++) {
                    base[w] = 0;
                }
                // SIGTERM: the AOF is flushed and fsynced at shutdown.
                assertEquals(0, again.terminate(10_000), again.log());
            }
        }
        checkAof(dir);
        deleteTree(dir);
    }

    /** redis-check-aof accepts the directory Cinnabar left. */
    static void checkAof(Path dir) throws Exception {
        Path manifest = dir.resolve("appendonlydir").resolve("appendonly.aof.manifest");
        Process p = new ProcessBuilder(ServerProcess.redisServerBinary().replace("redis-server", "redis-check-aof"),
                manifest.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("All AOF files and manifest are valid"), out);
    }

    @Test
    void alwaysLosesNothingAcknowledgedUnderKill9() throws Exception {
        crashRounds("always", Integer.getInteger("aof.crash.rounds", 6), 0);
    }

    @Test
    void everysecLosesAtMostTheLastTwoSeconds() throws Exception {
        crashRounds("everysec", Math.max(1, Integer.getInteger("aof.crash.rounds", 6) * 2 / 3), 2500);
    }

    // ------------------------------------------------------------------ a full disk

    private static final String VALUE = "v".repeat(1000);

    private static void raiseFileLimit(ServerProcess s) throws Exception {
        Process p = new ProcessBuilder("prlimit", "--pid", Long.toString(s.pid()), "--fsize=unlimited")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
    }

    private static boolean prlimitAvailable() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(d, "prlimit").canExecute()) {
                return true;
            }
        }
        return false;
    }

    @Test
    void fullDiskUnderAlwaysHoldsTheReplyRefusesWritesAndRecovers() throws Exception {
        if (!prlimitAvailable()) {
            return;
        }
        Path dir = freshDir("full-always");
        ServerProcess s = start(dir, List.of("prlimit", "--fsize=65536:unlimited"), "--appendfsync", "always");
        int acked = 0;
        try (RawConnection a = new RawConnection(s.port()); RawConnection b = new RawConnection(s.port())) {
            a.timeout(3000);
            boolean held = false;
            for (int i = 0; i < 200 && !held; i++) {
                a.send("SET", "a:" + i, VALUE);
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (true) {
                    try {
                        String r = a.readReply();
                        assertEquals("+OK\r\n", r, "write " + i);
                        acked++;
                        break;
                    } catch (SocketTimeoutException waiting) {
                        // Not acknowledged: held if its write failed (not on disk), else only slow.
                        // The log says which; the server holds every read's reply meanwhile.
                        if (s.log().contains(" writing to the AOF file")) {
                            held = true;
                            break;
                        }
                        assertTrue(System.nanoTime() < deadline, "write " + i + " neither answered nor failed");
                    }
                }
            }
            assertTrue(held, "the file size limit was never reached");
            String misconf = b.call("SET", "b", "1");
            assertTrue(misconf.startsWith("-MISCONF Errors writing to the AOF file: "), misconf);
            assertEquals(misconf, b.call("PING"));
            raiseFileLimit(s);
            a.timeout(10_000);
            assertEquals("+OK\r\n", a.readReply(), "the held write is acknowledged once it is on disk");
            acked++;
            assertEquals("+OK\r\n", b.call("SET", "b", "1"));
            assertTrue(s.log().contains("AOF write error looks solved, Redis can write again."), s.log());
        }
        kill9(s);
        ServerProcess again = start(dir, List.of(), "--appendfsync", "always");
        try (RawConnection c = new RawConnection(again.port())) {
            for (int i = 0; i < acked; i++) {
                assertEquals("$1000\r\n" + VALUE + "\r\n", c.call("GET", "a:" + i), "a:" + i);
            }
            assertEquals(":0\r\n", c.call("EXISTS", "a:" + acked));
            assertEquals("$1\r\n1\r\n", c.call("GET", "b"));
        } finally {
            again.close();
        }
        checkAof(dir);
        deleteTree(dir);
    }

    @Test
    void fullDiskUnderEverysecRefusesWritesKeepsTheBufferAndRecovers() throws Exception {
        if (!prlimitAvailable()) {
            return;
        }
        Path dir = freshDir("full-everysec");
        ServerProcess s = start(dir, List.of("prlimit", "--fsize=65536:unlimited"), "--appendfsync", "everysec");
        int acked = 0;
        String misconf = null;
        try (RawConnection a = new RawConnection(s.port())) {
            for (int i = 0; i < 200 && misconf == null; i++) {
                String r = a.call("SET", "a:" + i, VALUE);
                if (r.equals("+OK\r\n")) {
                    acked++;
                } else {
                    misconf = r;
                }
            }
            assertTrue(misconf != null && misconf.startsWith("-MISCONF Errors writing to the AOF file: "), misconf);
            String info = a.call("INFO", "persistence");
            assertTrue(info.contains("aof_last_write_status:err\r\n"), info);
            assertTrue(!info.contains("aof_buffer_length:0\r\n"), "the failed write stays in the buffer: " + info);
            raiseFileLimit(s);
            long deadline = System.currentTimeMillis() + 5000;
            String r;
            do {
                Thread.sleep(100);
                r = a.call("SET", "b", "1");
            } while (!r.equals("+OK\r\n") && System.currentTimeMillis() < deadline);
            assertEquals("+OK\r\n", r);
            info = a.call("INFO", "persistence");
            assertTrue(info.contains("aof_last_write_status:ok\r\n"), info);
            // everysec postpones a write while an fsync is in progress: wait until the buffer is in the file.
            Waits.until("the AOF buffer written and synced", 10_000, () -> {
                String now = a.call("INFO", "persistence");
                return now.contains("aof_buffer_length:0\r\n") && now.contains("aof_pending_bio_fsync:0\r\n");
            });
        }
        kill9(s);
        ServerProcess again = start(dir, List.of(), "--appendfsync", "everysec");
        try (RawConnection c = new RawConnection(again.port())) {
            for (int i = 0; i < acked; i++) {
                assertEquals("$1000\r\n" + VALUE + "\r\n", c.call("GET", "a:" + i), "a:" + i);
            }
            assertEquals("$1\r\n1\r\n", c.call("GET", "b"));
        } finally {
            again.close();
        }
        checkAof(dir);
        deleteTree(dir);
    }

    static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
