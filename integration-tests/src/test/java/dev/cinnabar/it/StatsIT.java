package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.RedisCli;
import dev.cinnabar.it.support.ServerProcess;
import dev.cinnabar.it.support.Waits;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** redis-cli's tools that read INFO, run against the JAR. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatsIT {
    private ServerProcess server;

    @BeforeAll
    void start() throws Exception {
        server = ServerProcess.cinnabar();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    /** Rows of figures for one key and one client. */
    private static long statRows(String out) {
        return out.lines().filter(l -> l.matches("1\\s+\\S+\\s+1\\s+0\\s+[0-9]+.*")).count();
    }

    @Test
    void redisCliStatPrintsRowsOfFigures() throws Exception {
        try (RawConnection c = new RawConnection(server.port())) {
            c.call("SET", "stat:k", "v");
        }
        // --stat runs until stopped: give it a little over a second at 0.2 s per row.
        java.nio.file.Path log = java.nio.file.Files.createTempFile("redis-cli-stat", ".txt");
        // Line-buffered, or the rows would still sit in redis-cli's stdio buffer when it is stopped.
        Process p = new ProcessBuilder("stdbuf", "-oL", ServerProcess.redisCliBinary(), "-p", Integer.toString(server.port()),
                "--stat", "-i", "0.2").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // Stopped once three rows are there: a busy machine may start redis-cli late or slowly.
        Waits.poll(10_000, () -> statRows(java.nio.file.Files.readString(log, StandardCharsets.ISO_8859_1)) >= 3);
        p.destroy();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        String out = new String(java.nio.file.Files.readAllBytes(log), StandardCharsets.ISO_8859_1);
        java.nio.file.Files.delete(log);
        List<String> lines = out.lines().toList();
        assertTrue(lines.get(0).startsWith("------- data ------"), out);
        assertTrue(lines.get(1).matches("keys\\s+mem\\s+clients\\s+blocked\\s+requests\\s+connections\\s*"), out);
        assertTrue(statRows(out) >= 3, out);
        assertTrue(!out.contains("ERR") && !out.contains("Error"), out);
    }

    @Test
    void redisCliInfoEverything() throws Exception {
        RedisCli cli = RedisCli.run(null, 20, "-p", Integer.toString(server.port()), "INFO", "everything");
        assertEquals(0, cli.exitCode, cli.toString());
        for (String header : List.of("# Server", "# Clients", "# Persistence", "# Stats", "# Replication", "# CPU",
                "# Modules", "# Commandstats", "# Errorstats", "# Latencystats", "# Cluster", "# Keyspace")) {
            assertTrue(cli.out.contains(header + "\r\n"), header + " in " + cli.out);
        }
        assertTrue(cli.out.contains("cmdstat_"), cli.out);
    }

    private static long ops(String info) {
        return Long.parseLong(info.replaceAll("(?s).*instantaneous_ops_per_sec:([0-9]+).*", "$1"));
    }

    private static double inKbps(String info) {
        return Double.parseDouble(info.replaceAll("(?s).*instantaneous_input_kbps:([0-9.]+).*", "$1"));
    }

    @Test
    void instantaneousFiguresFollowTheTraffic() throws Exception {
        try (RawConnection c = new RawConnection(server.port())) {
            long start = System.nanoTime();
            int n = 0;
            String info;
            // The cron samples the traffic every 100 ms, late on a busy machine: the traffic goes on until it has.
            do {
                for (long burst = System.nanoTime() + 100_000_000L; System.nanoTime() < burst; n++) {
                    c.call("PING");
                }
                info = c.call("INFO", "stats");
            } while (System.nanoTime() - start < 600_000_000L
                    || (ops(info) == 0 || inKbps(info) == 0) && System.nanoTime() - start < 10_000_000_000L);
            assertTrue(ops(info) > 0, info);
            assertTrue(inKbps(info) > 0, info);
            assertTrue(n > 0);
        }
    }
}
