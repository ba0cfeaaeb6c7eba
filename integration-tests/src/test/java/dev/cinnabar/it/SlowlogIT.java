package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.RedisCli;
import dev.cinnabar.it.support.ServerPair;
import dev.cinnabar.it.support.ServerProcess;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SLOWLOG and LATENCY HISTOGRAM replies carry times, durations and client ports, so the corpus
 * can only check their shape; this compares them with redis-server once those values are masked,
 * both servers logging every command.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowlogIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair("--slowlog-log-slower-than", "0");

    /** Runs the same commands on a fresh connection and returns the last reply. */
    private static String run(ServerProcess s, List<String[]> commands) throws Exception {
        try (RawConnection c = new RawConnection(s.port())) {
            String last = null;
            for (String[] cmd : commands) {
                last = c.call(cmd);
            }
            return last;
        }
    }

    /** Masks the integers (ids, times, durations, counts) and the client's port. */
    private static String masked(String reply) {
        return reply.replaceAll(":[0-9]+\r\n", ":N\r\n").replaceAll("127\\.0\\.0\\.1:[0-9]+", "127.0.0.1:PORT");
    }

    @Test
    void slowlogEntriesHaveRedisLayout() throws Exception {
        List<String[]> commands = new ArrayList<>();
        commands.add(new String[] {"SLOWLOG", "RESET"});
        commands.add(new String[] {"CLIENT", "SETNAME", "tester"});
        commands.add(new String[] {"SET", "slow:k", "v".repeat(200)});
        String[] many = new String[40];
        many[0] = "DEL";
        for (int i = 1; i < many.length; i++) {
            many[i] = "slow:" + i;
        }
        commands.add(many);
        commands.add(new String[] {"AUTH", "someone", "secret"});
        commands.add(new String[] {"GET"});
        commands.add(new String[] {"CONFIG", "SET", "requirepass", ""});
        commands.add(new String[] {"SLOWLOG", "GET", "-1"});
        String theirs = run(SERVERS.redis(), commands);
        String ours = run(SERVERS.cinnabar(), commands);
        assertEquals(masked(theirs), masked(ours));
        assertTrue(ours.contains("... (9 more arguments)") && ours.contains("... (72 more bytes)")
                && ours.contains("(redacted)") && ours.contains("$6\r\ntester\r\n"), ours);
    }

    @Test
    void latencyHistogramHasRedisLayout() throws Exception {
        List<String[]> commands = new ArrayList<>();
        commands.add(new String[] {"CONFIG", "RESETSTAT"});
        commands.add(new String[] {"SET", "lat:k", "v"});
        commands.add(new String[] {"LATENCY", "HISTOGRAM", "set", "nosuch", "config|resetstat"});
        String theirs = run(SERVERS.redis(), commands);
        String ours = run(SERVERS.cinnabar(), commands);
        // One call each: one row each, whose bucket depends on the speed of the machine.
        assertEquals(masked(theirs), masked(ours));
        commands.add(0, new String[] {"HELLO", "3"});
        assertEquals(masked(run(SERVERS.redis(), commands)), masked(run(SERVERS.cinnabar(), commands)));
    }

    @Test
    void redisCliPrintsTheSlowLog() throws Exception {
        try (RawConnection c = new RawConnection(SERVERS.cinnabar().port())) {
            c.call("SLOWLOG", "RESET");
            c.call("SET", "cli:k", "value");
        }
        RedisCli cli = RedisCli.run(null, 20, "-p", Integer.toString(SERVERS.cinnabar().port()), "SLOWLOG", "GET");
        assertEquals(0, cli.exitCode, cli.toString());
        // Newest first: SLOWLOG RESET is older than the SET; one argument per line in the raw output.
        assertTrue(cli.out.contains("SET\ncli:k\nvalue\n127.0.0.1:"), cli.out);
        assertTrue(cli.out.indexOf("cli:k") < cli.out.indexOf("RESET"), cli.out);
        RedisCli len = RedisCli.run(null, 20, "-p", Integer.toString(SERVERS.cinnabar().port()), "SLOWLOG", "LEN");
        assertEquals("3\n", len.out, len.toString());
    }
}
