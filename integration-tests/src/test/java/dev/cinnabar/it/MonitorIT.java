package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerPair;
import dev.cinnabar.it.support.ServerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** MONITOR's lines against redis-server's, and redis-cli's MONITOR mode against Cinnabar. */
class MonitorIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair();

    /** What another client sends while the monitor watches; the last line is the end marker. */
    private static final String[][] TRAFFIC = {
        {"SET", "k", "a\"b\\c\n\r\t\u0007\b\u0001 ~"},
        {"GET", "k"},
        {"GET"},
        {"NOSUCH", "x"},
        {"SELECT", "3"},
        {"SET", "n", "123"},
        {"INCR", "n"},
        {"AUTH", "secret"},
        {"AUTH", "default", "secret"},
        {"AUTH", "a", "b", "c"},
        {"HELLO", "2", "AUTH", "default", "secret", "SETNAME", "watched"},
        {"HELLO", "9", "AUTH", "default", "secret"},
        {"CONFIG", "GET", "port"},
        {"CLIENT", "LIST"},
        {"CLIENT", "GETNAME"},
        {"CLIENT", "NO-EVICT", "on"},
        {"ECHO", ""},
        // Scripts are shown before the commands they run, and when they fail before running
        {"EVAL", "return redis.call('get', KEYS[1])", "1", "n"},
        {"EVALSHA", "0000000000000000000000000000000000000000", "0"},
        {"EVALSHA", "short", "0"},
        {"EVALSHA_RO", "0000000000000000000000000000000000000000", "0"},
        {"EVAL", "return +", "0"},
        {"EVAL", "return 1", "2", "a"},
        {"EVAL", "return 1", "-1"},
        {"EVAL", "return 1", "x"},
        {"EVAL", "return 1"},
        {"EVAL_RO", "return redis.call('set', 'n', 1)", "0"},
        {"FCALL", "nosuch", "0"},
        {"FCALL", "nosuch", "x"},
        {"SELECT", "0"},
        {"DEL", "k", "n"},
        {"PING", "end-of-traffic"},
    };

    /** Runs the traffic under a monitor and returns the lines it got, times and ports masked. */
    private static List<String> monitored(ServerProcess s) throws IOException {
        try (RawConnection monitor = new RawConnection(s.port()); RawConnection client = new RawConnection(s.port())) {
            assertEquals("+OK\r\n", monitor.call("MONITOR"));
            for (String[] command : TRAFFIC) {
                client.call(command);
            }
            List<String> lines = new ArrayList<>();
            String line;
            do {
                line = monitor.readReply();
                assertTrue(line.matches("\\+\\d{10}\\.\\d{6} \\[\\d+ [^\\]]+\\] .*\r\n"), line);
                lines.add(line.replaceAll("^\\+\\d+\\.\\d{6} ", "+<time> ").replaceAll("127\\.0\\.0\\.1:\\d+", "<addr>"));
            } while (!line.contains("end-of-traffic"));
            return lines;
        }
    }

    @Test
    void linesAreRedisLines() throws IOException {
        List<String> redis = monitored(SERVERS.redis());
        List<String> ours = monitored(SERVERS.cinnabar());
        assertEquals(String.join("", redis), String.join("", ours));
        assertTrue(ours.contains("+<time> [3 <addr>] \"AUTH\" \"(redacted)\"\r\n"), String.join("", ours));
    }

    @Test
    void timestampsAreNow() throws IOException {
        try (RawConnection monitor = new RawConnection(SERVERS.cinnabar().port());
                RawConnection client = new RawConnection(SERVERS.cinnabar().port())) {
            monitor.call("MONITOR");
            long before = System.currentTimeMillis();
            client.call("PING");
            String line = monitor.readReply();
            long after = System.currentTimeMillis();
            double stamp = Double.parseDouble(line.substring(1, line.indexOf(' ')));
            assertTrue(stamp * 1000 >= before - 5 && stamp * 1000 <= after + 5, line + " not within " + before + ".." + after);
        }
    }

    @Test
    void unixSocketClientsAreShownByTheServersSocket(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        List<String> seen = new ArrayList<>();
        for (boolean ours : new boolean[] {false, true}) {
            Path socket = dir.resolve((ours ? "cinnabar" : "redis") + ".sock");
            String[] args = {"--unixsocket", socket.toString()};
            try (ServerProcess s = ours ? ServerProcess.cinnabar(args) : ServerProcess.redis(args);
                    RawConnection monitor = new RawConnection(s.port())) {
                assertEquals("+OK\r\n", monitor.call("MONITOR"));
                Process cli = new ProcessBuilder(ServerProcess.redisCliBinary(), "-s", socket.toString(), "SET", "a", "b")
                        .redirectErrorStream(true).start();
                assertTrue(cli.waitFor(20, TimeUnit.SECONDS));
                String line = monitor.readReply();
                seen.add(line.replaceAll("^\\+\\d+\\.\\d{6} ", "").replace(socket.toString(), "<socket>"));
                assertTrue(Files.exists(socket));
            }
        }
        assertEquals("[0 unix:<socket>] \"SET\" \"a\" \"b\"\r\n", seen.get(0));
        assertEquals(seen.get(0), seen.get(1));
    }

    @Test
    void redisCliMonitorShowsAnotherClientsSet() throws Exception {
        Process cli = new ProcessBuilder(ServerProcess.redisCliBinary(), "-p", Integer.toString(SERVERS.cinnabar().port()),
                "MONITOR").redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(cli.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // the process was stopped
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            assertEquals("OK", lines.poll(20, TimeUnit.SECONDS));
            try (RawConnection client = new RawConnection(SERVERS.cinnabar().port())) {
                assertEquals("+OK\r\n", client.call("SET", "greeting", "hello"));
            }
            String line = lines.poll(20, TimeUnit.SECONDS);
            assertTrue(line != null && line.matches("\\d+\\.\\d{6} \\[0 127\\.0\\.0\\.1:\\d+\\] \"SET\" \"greeting\" \"hello\""),
                    String.valueOf(line));
        } finally {
            cli.destroy();
            cli.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
