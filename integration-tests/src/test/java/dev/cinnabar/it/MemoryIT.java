package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.RedisCli;
import dev.cinnabar.it.support.Replies;
import dev.cinnabar.it.support.ServerPair;
import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Memory figures differ between the servers by nature; what tools parse must not: INFO memory's
 * field names, MEMORY STATS's keys, the reply types of MEMORY, and redis-cli's --bigkeys and
 * --memkeys working end to end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemoryIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair();

    @BeforeEach
    void flush() throws IOException {
        for (ServerProcess s : List.of(SERVERS.redis(), SERVERS.cinnabar())) {
            try (RawConnection c = new RawConnection(s.port())) {
                c.call("FLUSHALL");
            }
        }
    }

    private static void populate(ServerProcess s) throws IOException {
        try (RawConnection c = new RawConnection(s.port())) {
            for (int i = 1; i <= 50; i++) {
                c.call("SET", "key:" + i, "x".repeat(i * 7));
            }
            c.call("SET", "counter", "12345");
            c.call("SET", "ttl", "v", "EX", "1000");
            c.call("SELECT", "2");
            c.call("SET", "other", "y");
        }
    }

    private static List<String> infoFields(ServerProcess s) throws IOException {
        try (RawConnection c = new RawConnection(s.port())) {
            String reply = c.call("INFO", "memory");
            List<String> names = new ArrayList<>();
            for (String line : reply.substring(reply.indexOf("\r\n") + 2).split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    names.add(line.substring(0, colon));
                } else if (!line.isEmpty()) {
                    names.add(line);
                }
            }
            return names;
        }
    }

    @Test
    void infoMemoryFieldNamesMatchRedis() throws IOException {
        populate(SERVERS.redis());
        populate(SERVERS.cinnabar());
        assertEquals(infoFields(SERVERS.redis()), infoFields(SERVERS.cinnabar()));
    }

    /** The names in a MEMORY STATS reply, nested maps included, in order. */
    private static List<String> statsKeys(ServerProcess s, int protocol) throws IOException {
        try (RawConnection c = new RawConnection(s.port())) {
            c.call("HELLO", Integer.toString(protocol));
            String reply = c.call("MEMORY", "STATS");
            List<String> keys = new ArrayList<>();
            Matcher m = Pattern.compile("\\$\\d+\\r\\n([a-z][a-z0-9.\\-]*)\\r\\n").matcher(reply);
            while (m.find()) {
                keys.add(m.group(1));
            }
            keys.add(0, Replies.shape(reply));
            return keys;
        }
    }

    @Test
    void memoryStatsKeysMatchRedis() throws IOException {
        assertEquals(statsKeys(SERVERS.redis(), 2), statsKeys(SERVERS.cinnabar(), 2), "empty");
        populate(SERVERS.redis());
        populate(SERVERS.cinnabar());
        assertEquals(statsKeys(SERVERS.redis(), 2), statsKeys(SERVERS.cinnabar(), 2));
        assertEquals(statsKeys(SERVERS.redis(), 3), statsKeys(SERVERS.cinnabar(), 3));
    }

    @Test
    void memoryRepliesHaveRedisTypes() throws IOException {
        populate(SERVERS.redis());
        populate(SERVERS.cinnabar());
        for (int protocol = 2; protocol <= 3; protocol++) {
            try (RawConnection r = new RawConnection(SERVERS.redis().port());
                    RawConnection c = new RawConnection(SERVERS.cinnabar().port())) {
                r.call("HELLO", Integer.toString(protocol));
                c.call("HELLO", Integer.toString(protocol));
                for (String[] cmd : new String[][] {{"MEMORY", "USAGE", "key:3"}, {"MEMORY", "USAGE", "nokey"},
                        {"MEMORY", "USAGE", "counter", "SAMPLES", "0"}, {"MEMORY", "DOCTOR"},
                        {"MEMORY", "MALLOC-STATS"}, {"MEMORY", "PURGE"}, {"MEMORY", "HELP"}}) {
                    String theirs = r.call(cmd);
                    String ours = c.call(cmd);
                    assertEquals(Replies.shape(theirs), Replies.shape(ours), String.join(" ", cmd) + "\nredis: "
                            + theirs + "\nours: " + ours);
                }
            }
        }
    }

    @Test
    void usageGrowsWithTheValue() throws IOException {
        try (RawConnection c = new RawConnection(SERVERS.cinnabar().port())) {
            c.call("SET", "small", "x");
            c.call("SET", "big", "x".repeat(10_000));
            long small = Long.parseLong(c.call("MEMORY", "USAGE", "small").substring(1).trim());
            long big = Long.parseLong(c.call("MEMORY", "USAGE", "big").substring(1).trim());
            assertTrue(big - small >= 9_990 && big - small < 10_100, small + " " + big);
        }
    }

    @Test
    void redisCliBigkeys() throws Exception {
        populate(SERVERS.cinnabar());
        RedisCli cli = RedisCli.run(null, 60, "-p", Integer.toString(SERVERS.cinnabar().port()), "--bigkeys");
        assertEquals(0, cli.exitCode, cli.toString());
        assertTrue(cli.out.contains("Biggest string found '\"key:50\"' has 350 bytes"), cli.out);
        // db 0: 50 keys, the counter and the TTL key.
        assertTrue(cli.out.contains("Sampled 52 keys in the keyspace!"), cli.out);
        assertTrue(cli.out.contains("52 strings with 8931 bytes (100.00% of keys, avg size 171.75)"), cli.out);
    }

    @Test
    void redisCliMemkeys() throws Exception {
        populate(SERVERS.cinnabar());
        long usage;
        try (RawConnection c = new RawConnection(SERVERS.cinnabar().port())) {
            usage = Long.parseLong(c.call("MEMORY", "USAGE", "key:50").substring(1).trim());
        }
        for (String[] extra : new String[][] {{}, {"--memkeys-samples", "3"}}) {
            List<String> args = new ArrayList<>(List.of("-p", Integer.toString(SERVERS.cinnabar().port()), "--memkeys"));
            args.addAll(List.of(extra));
            RedisCli cli = RedisCli.run(null, 60, args.toArray(new String[0]));
            assertEquals(0, cli.exitCode, cli.toString());
            assertTrue(cli.out.contains("Biggest string found '\"key:50\"' has " + usage + " bytes"), cli.out);
            assertTrue(cli.out.contains("Sampled 52 keys in the keyspace!"), cli.out);
            assertTrue(cli.out.matches("(?s).*\\n52 strings with \\d+ bytes \\(100\\.00% of keys, avg size [0-9.]+\\).*"),
                    cli.out);
        }
    }
}
