package dev.cinnabar.server.info;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.testing.EngineHarness;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** INFO's statistics sections, driven through real commands; the manual clock makes every call take 0 us. */
class InfoStatsTest {
    private final EngineHarness h = new EngineHarness();

    private String text(String... sections) {
        String[] cmd = new String[sections.length + 1];
        cmd[0] = "INFO";
        System.arraycopy(sections, 0, cmd, 1, sections.length);
        String reply = h.call(cmd);
        int eol = reply.indexOf("\r\n");
        return reply.substring(eol + 2, reply.length() - 2);
    }

    private List<String> lines(String section) {
        List<String> out = new ArrayList<>(List.of(text(section).split("\r\n")));
        out.remove(0);
        return out;
    }

    private Map<String, String> fields(String section) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : lines(section)) {
            out.put(line.substring(0, line.indexOf(':')), line.substring(line.indexOf(':') + 1));
        }
        return out;
    }

    @Test
    void commandStatsCountCallsRejectionsAndFailures() {
        h.call("SET", "k", "v");
        h.call("GET", "k");
        h.call("GET");
        h.call("INCR", "k");
        h.call("CONFIG", "GET", "maxmemory");
        h.call("CONFIG", "NOPE");
        h.call("CONFIG");
        assertEquals(List.of(
                "cmdstat_config:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0",
                "cmdstat_config|get:calls=1,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=0",
                "cmdstat_get:calls=1,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0",
                "cmdstat_incr:calls=1,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=1",
                "cmdstat_set:calls=1,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=0"),
                lines("commandstats").stream().sorted().toList());
    }

    @Test
    void errorStatsCountEveryErrorReplyByCode() {
        h.call("GET");
        h.call("NOSUCH");
        h.call("SET", "k", "x");
        h.call("INCR", "k");
        h.call("CONFIG", "SET", "requirepass", "pw");
        Client other = h.newClient();
        h.call(other, "GET", "k");
        h.send(other, "*1\r\n$x\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        // arity, unknown command, not an integer, protocol error; then NOAUTH
        assertEquals(List.of("errorstat_ERR:count=4", "errorstat_NOAUTH:count=1"), lines("errorstats"));
        assertEquals("5", fields("stats").get("total_error_replies"));
    }

    @Test
    void statsFollowTheKeyspaceAndTheCommands() {
        h.call("SET", "k", "v");
        h.call("GET", "k");
        h.call("GET", "missing");
        Map<String, String> stats = fields("stats");
        assertEquals("3", stats.get("total_commands_processed"));
        assertEquals("1", stats.get("keyspace_hits"));
        assertEquals("1", stats.get("keyspace_misses"));
        assertEquals("1", stats.get("total_connections_received"));
        assertEquals("0.00", stats.get("instantaneous_input_kbps"));
        assertEquals("0.00", stats.get("expired_stale_perc"));
        assertEquals("1", fields("persistence").get("rdb_changes_since_last_save"));
        assertEquals("1700000000", fields("persistence").get("rdb_last_save_time"));
    }

    @Test
    void replicationCpuModulesAndClusterDescribeALoneMaster() {
        Map<String, String> repl = fields("replication");
        assertEquals("master", repl.get("role"));
        assertEquals("0", repl.get("connected_slaves"));
        assertTrue(repl.get("master_replid").matches("[0-9a-f]{40}"), repl.get("master_replid"));
        assertEquals("0".repeat(40), repl.get("master_replid2"));
        assertEquals("1048576", repl.get("repl_backlog_size"));
        Map<String, String> cpu = fields("cpu");
        assertEquals(List.of("used_cpu_sys", "used_cpu_user", "used_cpu_sys_children", "used_cpu_user_children",
                "used_cpu_sys_main_thread", "used_cpu_user_main_thread"), new ArrayList<>(cpu.keySet()));
        for (String v : cpu.values()) {
            assertTrue(v.matches("[0-9]+\\.[0-9]{6}"), v);
        }
        assertEquals("# Modules\r\n", text("modules"));
        assertEquals("# Cluster\r\ncluster_enabled:0\r\n", text("cluster"));
    }

    @Test
    void latencyStatsFollowTheConfiguredPercentiles() {
        h.call("SET", "k", "v");
        // 0 us is recorded as 1 ns, the histogram's floor.
        assertEquals(List.of("latency_percentiles_usec_set:p50=0.001,p99=0.001,p99.9=0.001"),
                lines("latencystats").stream().filter(l -> l.contains("_set:")).toList());
        h.call("CONFIG", "SET", "latency-tracking-info-percentiles", "0 12.5 100");
        assertTrue(lines("latencystats").contains("latency_percentiles_usec_set:p0=0.001,p12.5=0.001,p100=0.001"));
        h.call("CONFIG", "SET", "latency-tracking-info-percentiles", "");
        assertTrue(lines("latencystats").contains("latency_percentiles_usec_set:"));
        h.call("CONFIG", "SET", "latency-tracking", "no");
        assertEquals("# Latencystats\r\n", text("latencystats"));
        h.call("GET", "k");
        h.call("CONFIG", "SET", "latency-tracking", "yes");
        // GET ran while tracking was off: it has no histogram.
        assertFalse(text("latencystats").contains("_get:"));
    }

    @Test
    void percentileNamesArePrintedLikeRedis() {
        assertEquals("50", LatencyStatsSection.percentileName(50));
        assertEquals("99.9", LatencyStatsSection.percentileName(99.9));
        assertEquals("1.234568", LatencyStatsSection.percentileName(1.23456789));
        assertEquals("0", LatencyStatsSection.percentileName(0));
    }

    @Test
    void resetStatClearsCountersButNotTheSlowLog() {
        h.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
        h.call("SET", "k", "v");
        h.call("GET");
        h.call("CONFIG", "RESETSTAT");
        assertEquals(List.of("cmdstat_config|resetstat:calls=1,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=0"),
                lines("commandstats"));
        assertEquals(List.of(), lines("errorstats"));
        assertEquals(List.of("config|resetstat", "info"),
                lines("latencystats").stream().map(l -> l.substring(25, l.indexOf(':'))).sorted().toList());
        Map<String, String> stats = fields("stats");
        assertEquals("0", stats.get("total_error_replies"));
        assertEquals("0", stats.get("keyspace_hits"));
        assertTrue(h.call("SLOWLOG", "LEN").startsWith(":"));
        assertFalse(h.call("SLOWLOG", "LEN").equals(":0\r\n"));
    }

}
