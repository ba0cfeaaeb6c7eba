package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code qbuf}, {@code qbuf-free} and {@code tot-mem} in CLIENT LIST and CLIENT INFO, through real
 * sockets, next to redis-server taken through the same steps. Each step is one Redis decides
 * the same way whatever the timing: a cron round (hz 10) either surely came or surely did not.
 */
class QueryBufferIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The query buffer's fields, and tot-mem less the reply buffer, whose resizing follows other rules. */
    private static String figures(String line) {
        Map<String, String> f = new LinkedHashMap<>();
        for (String kv : line.trim().split(" ")) {
            int eq = kv.indexOf('=');
            f.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        long totMem = Long.parseLong(f.get("tot-mem")) - Long.parseLong(f.get("rbs")) - Long.parseLong(f.get("omem"));
        return "qbuf=" + f.get("qbuf") + " qbuf-free=" + f.get("qbuf-free") + " argv-mem=" + f.get("argv-mem")
                + " tot-mem-rbs=" + totMem;
    }

    /** The body of a bulk reply (CLIENT INFO, CLIENT LIST ID). */
    private static String body(String reply) {
        assertTrue(reply.startsWith("$"), reply);
        return reply.substring(reply.indexOf("\r\n") + 2, reply.length() - 2);
    }

    private static String listed(RawConnection observer, String id) throws IOException {
        return figures(body(observer.call("CLIENT", "LIST", "ID", id)));
    }

    /**
     * CLIENT LIST once the cron has resized the query buffer, or the server has read what was
     * sent (the figures start with {@code settled}), or as it is after 4 s. Two cron rounds take
     * 200 ms at hz 10, but a busy machine delays them, Redis's as much as ours (a CI run saw
     * Redis keep a buffer past 400 ms), and its reads too.
     */
    private static String afterCron(RawConnection observer, String id, String settled) throws Exception {
        sleep(400);
        String now = listed(observer, id);
        for (long deadline = System.nanoTime() + 4_000_000_000L;
                !now.startsWith(settled) && System.nanoTime() < deadline; ) {
            sleep(100);
            now = listed(observer, id);
        }
        return now;
    }

    private static void sleep(long ms) throws InterruptedException {
        Thread.sleep(ms);
    }

    /** The steps against one server; what CLIENT LIST and CLIENT INFO showed at each. */
    private static List<String> steps(int port) throws Exception {
        List<String> seen = new ArrayList<>();
        try (RawConnection o = new RawConnection(port); RawConnection a = new RawConnection(port)) {
            String id = body(a.call("CLIENT", "INFO")).replaceAll("^id=(\\d+) .*", "$1").trim();
            try (RawConnection silent = new RawConnection(port)) {
                String silentId = Long.toString(Long.parseLong(id) + 1);
                // The server registers a connection when it accepts it, a moment after connect() returns.
                String line = "";
                for (int i = 0; i < 200 && line.isEmpty(); i++) {
                    line = body(o.call("CLIENT", "LIST", "ID", silentId));
                    if (line.isEmpty()) {
                        sleep(10);
                    }
                }
                seen.add("silent " + figures(line));
            }
            seen.add("after a command " + listed(o, id));
            seen.add("own CLIENT INFO " + figures(body(a.call("CLIENT", "INFO"))));
            a.sendRaw("CLIENT INFO\r\n");
            seen.add("inline " + figures(body(a.readReply())));
            a.sendRaw("*1\r\n$4\r\nPING\r\n*2\r\n$6\r\nCLIENT\r\n$4\r\nINFO\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nab");
            a.readReply();
            seen.add("pipelined " + figures(body(a.readReply())));
            seen.add("command still arriving " + listed(o, id));
            a.sendRaw("cde\r\n");
            a.readReply();

            // A 1 MB argument: its header and what fits in one 16 KB read, a cron round, then more.
            byte[] set = bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048576\r\n" + "y".repeat(1_048_576) + "\r\n");
            a.sendRaw(Arrays.copyOfRange(set, 0, 16_384));
            seen.add("big argument, first read " + afterCron(o, id, "qbuf=16354 "));
            a.sendRaw(Arrays.copyOfRange(set, 16_384, 600_000));
            seen.add("big argument, 600 KB " + afterCron(o, id, "qbuf=599970 "));
            byte[] rest = Arrays.copyOfRange(set, 600_000, set.length);
            byte[] info = bytes("*2\r\n$6\r\nCLIENT\r\n$4\r\nINFO\r\n");
            byte[] both = new byte[rest.length + info.length];
            System.arraycopy(rest, 0, both, 0, rest.length);
            System.arraycopy(info, 0, both, rest.length, info.length);
            a.sendRaw(both);
            assertEquals("+OK\r\n", a.readReply());
            seen.add("CLIENT INFO right after it " + figures(body(a.readReply())));
            seen.add("two cron rounds later " + afterCron(o, id, "qbuf=0 qbuf-free=0 "));

            // A 40 000 byte argument: the cron cuts the buffer to the bulk's length.
            a.sendRaw("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$40000\r\n" + "z".repeat(100));
            seen.add("40 KB argument " + afterCron(o, id, "qbuf=100 qbuf-free=39900 "));
            a.sendRaw("z".repeat(39_900) + "\r\n");
            assertEquals("+OK\r\n", a.readReply());

            sleep(400);

            // Idle: kept while the server counts the client idle for 2 s or less, then given back.
            // A machine that oversleeps past that takes the first snapshot again.
            String line;
            int tries = 0;
            do {
                assertEquals("+PONG\r\n", a.call("PING"));
                sleep(1_000);
                line = body(o.call("CLIENT", "LIST", "ID", id));
            } while (Integer.parseInt(line.replaceAll("(?s).* idle=(\\d+) .*", "$1")) > 1 && ++tries < 5);
            seen.add("idle 1 s " + figures(line));
            sleep(2_200);
            seen.add("idle 3.6 s " + afterCron(o, id, "qbuf=0 qbuf-free=0 "));
        }
        return seen;
    }

    @Test
    void queryBufferFiguresFollowRedis() throws Exception {
        List<String> redis = steps(SERVERS.redis().port());
        assertEquals(List.of(
                "silent qbuf=0 qbuf-free=4 argv-mem=0 tot-mem-rbs=776",
                "after a command qbuf=0 qbuf-free=20474 argv-mem=0 tot-mem-rbs=21248",
                "own CLIENT INFO qbuf=26 qbuf-free=20448 argv-mem=10 tot-mem-rbs=21274",
                "inline qbuf=13 qbuf-free=20461 argv-mem=10 tot-mem-rbs=21274",
                "pipelined qbuf=66 qbuf-free=20408 argv-mem=10 tot-mem-rbs=21274",
                "command still arriving qbuf=2 qbuf-free=20472 argv-mem=4 tot-mem-rbs=21268",
                "big argument, first read qbuf=16354 qbuf-free=1032222 argv-mem=4 tot-mem-rbs=1311508",
                "big argument, 600 KB qbuf=599970 qbuf-free=710740 argv-mem=4 tot-mem-rbs=1311508",
                "CLIENT INFO right after it qbuf=26 qbuf-free=1310684 argv-mem=10 tot-mem-rbs=1311514",
                "two cron rounds later qbuf=0 qbuf-free=0 argv-mem=0 tot-mem-rbs=776",
                "40 KB argument qbuf=100 qbuf-free=39900 argv-mem=4 tot-mem-rbs=41748",
                "idle 1 s qbuf=0 qbuf-free=20474 argv-mem=0 tot-mem-rbs=21248",
                "idle 3.6 s qbuf=0 qbuf-free=0 argv-mem=0 tot-mem-rbs=776"), redis);
        assertEquals(redis, steps(SERVERS.cinnabar().port()));
    }
}
