package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 while BGREWRITEAOF runs, again and again, under a write load with {@code appendfsync
 * always}: each restart loads the directory, and every write acknowledged before the kill is
 * there, applied once (a counter never exceeds the INCRs sent). Rewrites alternate between the
 * RDB preamble and plain commands, and are slowed so that most kills land inside one.
 */
class AofRewriteCrashIT {
    @TempDir
    Path tmp;

    private final AtomicLong acknowledgedIncrs = new AtomicLong();
    private final AtomicLong sentIncrs = new AtomicLong();
    /** Per round: the SET keys acknowledged. */
    private final List<Long> acknowledgedSets = new ArrayList<>();

    private ServerProcess start(Path dir) throws IOException {
        return ServerProcess.cinnabar("--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "always",
                "--save", "", "--enable-debug-command", "yes", "--auto-aof-rewrite-percentage", "0");
    }

    @Test
    void killDashNineDuringRewritesLosesNothingAcknowledged() throws Exception {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        Path dir = Files.createDirectories(tmp.resolve("c"));
        int rounds = 6;
        int killsInRewrite = 0;
        for (int round = 0; round <= rounds; round++) {
            ServerProcess s = start(dir);
            // Served before the load starts, a command would see an empty dataset: wait for the line.
            ServerLifecycleIT.logWhenReady(s);
            try (RawConnection c = new RawConnection(s.port())) {
                c.timeout(60_000);
                awaitLoaded(c);
                try {
                    verify(c, round > 0, "seed " + seed + " round " + round + "\n" + s.log());
                } catch (AssertionError | Exception e) {
                    s.close();
                    throw e;
                }
                if (round == rounds) {
                    // The last round only checks what the kills left: stop this server too.
                    s.close();
                    break;
                }
                if (round == 0) {
                    // Written by commands (DEBUG POPULATE is not propagated, in Redis either).
                    for (int from = 0; from < 30000; from += 500) {
                        List<String> args = new ArrayList<>();
                        args.add("MSET");
                        for (int i = from; i < from + 500; i++) {
                            args.add("filler:" + i);
                            args.add("x".repeat(50));
                        }
                        assertEquals("+OK\r\n", c.call(args.toArray(new String[0])));
                    }
                }
                // A slow rewrite (each key costs 20 microseconds on the writer) so kills land inside it.
                assertEquals("+OK\r\n", c.call("CONFIG", "SET", "rdb-key-save-delay", "20"));
            }
            AtomicBoolean stop = new AtomicBoolean();
            int roundNo = round;
            Thread writer = new Thread(() -> writeLoad(s.port(), roundNo, stop));
            AtomicLong rewritesStarted = new AtomicLong();
            Thread rewriter = new Thread(() -> rewriteLoop(s.port(), new Random(seed + roundNo), stop, rewritesStarted));
            writer.start();
            rewriter.start();
            Thread.sleep(400 + r.nextInt(1200));
            boolean inRewrite = false;
            try (RawConnection c = new RawConnection(s.port())) {
                inRewrite = c.call("INFO", "persistence").contains("aof_rewrite_in_progress:1");
            } catch (IOException ignored) {
                // the kill below is what matters
            }
            s.process().destroyForcibly();
            s.process().waitFor(10, TimeUnit.SECONDS);
            stop.set(true);
            writer.join(10_000);
            rewriter.join(10_000);
            s.close();
            if (inRewrite) {
                killsInRewrite++;
            }
            assertTrue(rewritesStarted.get() > 0, "seed " + seed + ": no rewrite started in round " + round);
        }
        assertTrue(killsInRewrite > 0, "seed " + seed + ": no kill landed during a rewrite");
        assertTrue(acknowledgedIncrs.get() > 0);
    }

    private static void awaitLoaded(RawConnection c) throws Exception {
        for (int i = 0; i < 1500; i++) {
            String pong = c.call("PING");
            if (pong.equals("+PONG\r\n")) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("still loading");
    }

    private void verify(RawConnection c, boolean populated, String context) throws Exception {
        long counter = parseInt(c.call("GET", "counter"));
        assertTrue(counter >= acknowledgedIncrs.get(), "lost INCRs: " + counter + " < " + acknowledgedIncrs.get()
                + "\n" + context);
        assertTrue(counter <= sentIncrs.get(), "INCRs applied twice: " + counter + " > " + sentIncrs.get() + "\n"
                + context);
        // After a restart only what the file holds counts from now on.
        acknowledgedIncrs.set(counter);
        sentIncrs.set(counter);
        for (int round = 0; round < acknowledgedSets.size(); round++) {
            long n = acknowledgedSets.get(round);
            for (long from = 0; from < n; from += 500) {
                List<String> args = new ArrayList<>();
                args.add("MGET");
                for (long i = from; i < Math.min(n, from + 500); i++) {
                    args.add("w" + round + ":" + i);
                }
                String reply = c.call(args.toArray(new String[0]));
                for (long i = from; i < Math.min(n, from + 500); i++) {
                    String v = "v" + i;
                    assertTrue(reply.contains("\r\n$" + v.length() + "\r\n" + v + "\r\n"),
                            "w" + round + ":" + i + " lost\n" + context);
                }
                assertFalse(reply.contains("$-1"), "a key acknowledged in round " + round + " is missing\n" + context);
            }
        }
        if (populated) {
            assertEquals(":30000\r\n", c.call("EVAL", "return #redis.call('keys','filler:*')", "0"), context);
        }
    }

    private static long parseInt(String bulk) {
        if (bulk.startsWith("$-1")) {
            return 0;
        }
        String[] parts = bulk.split("\r\n");
        return Long.parseLong(parts[1]);
    }

    private void writeLoad(int port, int round, AtomicBoolean stop) {
        long acked = 0;
        try (RawConnection c = new RawConnection(port)) {
            c.timeout(30_000);
            while (!stop.get()) {
                String set = c.call("SET", "w" + round + ":" + acked, "v" + acked);
                if (!set.equals("+OK\r\n")) {
                    break;
                }
                acked++;
                sentIncrs.incrementAndGet();
                String incr = c.call("INCR", "counter");
                if (!incr.startsWith(":")) {
                    break;
                }
                acknowledgedIncrs.incrementAndGet();
            }
        } catch (IOException killed) {
            // the server is gone: what was acknowledged so far is what must survive
        } finally {
            synchronized (acknowledgedSets) {
                acknowledgedSets.add(acked);
            }
        }
    }

    private static void rewriteLoop(int port, Random r, AtomicBoolean stop, AtomicLong started) {
        try (RawConnection c = new RawConnection(port)) {
            c.timeout(30_000);
            while (!stop.get()) {
                c.call("CONFIG", "SET", "aof-use-rdb-preamble", r.nextBoolean() ? "yes" : "no");
                String reply = c.call("BGREWRITEAOF");
                if (reply.startsWith("+Background append only file rewriting started")) {
                    started.incrementAndGet();
                }
                while (!stop.get() && c.call("INFO", "persistence").contains("aof_rewrite_in_progress:1")) {
                    Thread.sleep(10);
                }
                Thread.sleep(r.nextInt(50));
            }
        } catch (IOException | InterruptedException killed) {
            // the server is gone
        }
    }

    @Test
    void shutdownStopsARewriteAndKeepsEverything() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("s"));
        String digest;
        ServerProcess s = start(dir);
        try (RawConnection c = new RawConnection(s.port())) {
            ServerLifecycleIT.logWhenReady(s);
            for (int i = 0; i < 2000; i++) {
                c.call("RPUSH", "l" + (i % 50), "e" + i);
                c.call("SET", "k" + i, "v" + i);
            }
            digest = c.call("DEBUG", "DIGEST");
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "rdb-key-save-delay", "100000"));
            assertEquals("+Background append only file rewriting started\r\n", c.call("BGREWRITEAOF"));
            c.call("SET", "after", "1");
            c.send("SHUTDOWN", "NOSAVE");
            assertTrue(c.closedByServer());
        }
        assertTrue(s.process().waitFor(20, TimeUnit.SECONDS), s.log());
        assertEquals(0, s.process().exitValue(), s.log());
        String log = s.log();
        s.close();
        int killing = log.indexOf("# There is a child rewriting the AOF. Killing it!");
        int killed = log.indexOf("* Killing running AOF rewrite child: ");
        int fsync = log.indexOf("* Calling fsync() on the AOF file.");
        assertTrue(killing > 0 && killed > killing && fsync > killed, log);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("temp-")).toList());
        }
        ServerProcess again = start(dir);
        try (RawConnection c = new RawConnection(again.port())) {
            ServerLifecycleIT.logWhenReady(again);
            assertEquals("$1\r\n1\r\n", c.call("GET", "after"));
            c.call("DEL", "after");
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
        } finally {
            again.close();
        }
    }
}
