package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerPair;
import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * INFO's values differ between servers (pids, times, ids), so the differential corpus cannot
 * hold it; this compares what tools parse instead: the sections, their field names and order,
 * and the text layout, against a real redis-server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InfoIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair();

    /** Fields of our own that Redis does not have. */
    private static final List<String> OUR_FIELDS = List.of("cinnabar_version");


    private static String payload(String reply) {
        int eol = reply.indexOf("\r\n");
        String body = reply.substring(eol + 2, reply.length() - 2);
        assertEquals(Integer.parseInt(reply.substring(1, eol)), body.length(), "declared length of " + reply);
        return reply.charAt(0) == '=' ? body.substring(4) : body;
    }

    /** Title to field names, in order; checks the layout on the way. */
    private static Map<String, List<String>> fieldNames(String text) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> current = null;
        String[] lines = text.split("\r\n", -1);
        assertEquals("", lines[lines.length - 1], "the text ends with CRLF");
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            if (line.startsWith("# ")) {
                assertTrue(i == 0 || lines[i - 1].isEmpty(), "a blank line before " + line);
                current = new ArrayList<>();
                out.put(line.substring(2), current);
            } else if (line.isEmpty()) {
                assertTrue(lines[i + 1].startsWith("# "), "a blank line only between sections");
            } else {
                int colon = line.indexOf(':');
                assertTrue(colon > 0, "name:value, got " + line);
                current.add(line.substring(0, colon));
            }
        }
        return out;
    }

    private static String info(ServerProcess s, String... sections) throws IOException {
        try (RawConnection c = new RawConnection(s.port())) {
            String[] cmd = new String[sections.length + 1];
            cmd[0] = "INFO";
            System.arraycopy(sections, 0, cmd, 1, sections.length);
            return c.call(cmd);
        }
    }

    /** Sections whose lines depend on what was run; compared separately, on the same history. */
    private static final List<String> DYNAMIC = List.of("Commandstats", "Errorstats", "Latencystats", "Keyspace");

    @Test
    void fieldNamesMatchRedisPerSection() throws IOException {
        for (String section : List.of("server", "clients", "memory", "persistence", "stats", "replication", "cpu",
                "modules", "cluster", "everything")) {
            Map<String, List<String>> theirs = fieldNames(payload(info(SERVERS.redis(), section)));
            Map<String, List<String>> ours = fieldNames(payload(info(SERVERS.cinnabar(), section)));
            assertEquals(new ArrayList<>(theirs.keySet()), new ArrayList<>(ours.keySet()), section);
            for (String title : theirs.keySet()) {
                if (DYNAMIC.contains(title)) {
                    continue;
                }
                List<String> names = new ArrayList<>(ours.get(title));
                names.removeAll(OUR_FIELDS);
                assertEquals(theirs.get(title), names, title);
            }
        }
    }

    /** The same commands on both servers after CONFIG RESETSTAT: the same statistics lines. */
    @Test
    void statisticsSectionsNameTheSameCommandsAndErrors() throws IOException {
        Map<String, List<String>> theirs = null;
        for (ServerProcess s : List.of(SERVERS.redis(), SERVERS.cinnabar())) {
            Map<String, List<String>> got;
            try (RawConnection c = new RawConnection(s.port())) {
                c.call("CONFIG", "RESETSTAT");
                c.call("SET", "stat:a", "1");
                c.call("GET", "stat:a");
                c.call("GET");
                c.call("INCRBY", "stat:a", "x");
                c.call("CONFIG", "GET", "maxmemory");
                c.call("CONFIG");
                c.call("NOSUCH", "a");
                c.call("AUTH", "user", "pw");
                c.call("DEL", "stat:a");
                got = fieldNames(payload(c.call("INFO", "commandstats", "errorstats", "latencystats")));
            }
            // Redis lists commands in the order of its hash table; the names are what must match.
            for (String title : List.of("Commandstats", "Latencystats")) {
                List<String> sorted = new ArrayList<>(got.get(title));
                java.util.Collections.sort(sorted);
                got.put(title, sorted);
            }
            if (theirs == null) {
                theirs = got;
            } else {
                assertEquals(theirs, got);
            }
        }
        assertEquals(List.of("errorstat_ERR", "errorstat_WRONGPASS"), theirs.get("Errorstats"));
        try (RawConnection r = new RawConnection(SERVERS.redis().port()); RawConnection c = new RawConnection(SERVERS.cinnabar().port())) {
            // Counts are deterministic too (INFO's own calls are the only difference, and not errors).
            assertEquals(r.call("INFO", "errorstats"), c.call("INFO", "errorstats"));
        }
    }

    @Test
    void statisticsValuesHaveRedisFormats() throws IOException {
        String text;
        try (RawConnection c = new RawConnection(SERVERS.cinnabar().port())) {
            c.call("SET", "fmt", "1");
            c.call("GET", "fmt");
            text = payload(c.call("INFO", "everything"));
            c.call("DEL", "fmt");
        }
        Map<String, String> v = new LinkedHashMap<>();
        for (String line : text.split("\r\n")) {
            if (line.contains(":") && !line.startsWith("#")) {
                v.put(line.substring(0, line.indexOf(':')), line.substring(line.indexOf(':') + 1));
            }
        }
        for (String f : List.of("total_connections_received", "total_commands_processed", "instantaneous_ops_per_sec",
                "total_net_input_bytes", "total_net_output_bytes", "keyspace_hits", "total_reads_processed",
                "total_writes_processed", "rdb_changes_since_last_save", "rdb_last_save_time", "expired_keys")) {
            assertTrue(v.get(f).matches("[0-9]+"), f + "=" + v.get(f));
        }
        for (String f : List.of("instantaneous_input_kbps", "instantaneous_output_kbps", "expired_stale_perc",
                "current_fork_perc")) {
            assertTrue(v.get(f).matches("[0-9]+\\.[0-9]{2}"), f + "=" + v.get(f));
        }
        for (String f : List.of("used_cpu_sys", "used_cpu_user", "used_cpu_sys_main_thread", "used_cpu_user_main_thread")) {
            assertTrue(v.get(f).matches("[0-9]+\\.[0-9]{6}"), f + "=" + v.get(f));
        }
        assertTrue(Long.parseLong(v.get("total_commands_processed")) >= 2);
        assertTrue(v.get("master_replid").matches("[0-9a-f]{40}"), v.get("master_replid"));
        assertTrue(v.get("cmdstat_get").matches("calls=[0-9]+,usec=[0-9]+,usec_per_call=[0-9]+\\.[0-9]{2},rejected_calls=[0-9]+,failed_calls=[0-9]+"),
                v.get("cmdstat_get"));
        assertTrue(v.get("latency_percentiles_usec_get").matches("p50=[0-9]+\\.[0-9]{3},p99=[0-9]+\\.[0-9]{3},p99\\.9=[0-9]+\\.[0-9]{3}"),
                v.get("latency_percentiles_usec_get"));
    }

    @Test
    void serverSectionValuesHaveRedisFormats() throws IOException {
        String text = payload(info(SERVERS.cinnabar(), "server"));
        Map<String, String> v = new LinkedHashMap<>();
        for (String line : text.split("\r\n")) {
            if (line.contains(":")) {
                v.put(line.substring(0, line.indexOf(':')), line.substring(line.indexOf(':') + 1));
            }
        }
        assertEquals("7.0.15", v.get("redis_version"));
        assertEquals("standalone", v.get("redis_mode"));
        assertTrue(v.get("run_id").matches("[0-9a-f]{40}"), v.get("run_id"));
        assertEquals(Long.toString(SERVERS.cinnabar().pid()), v.get("process_id"));
        assertEquals(Integer.toString(SERVERS.cinnabar().port()), v.get("tcp_port"));
        assertTrue(v.get("os").matches("\\S+ \\S+ \\S+"), v.get("os"));
        assertTrue(Math.abs(Long.parseLong(v.get("server_time_usec")) / 1000 - System.currentTimeMillis()) < 60_000);
        for (String numeric : List.of("arch_bits", "uptime_in_seconds", "uptime_in_days", "hz", "configured_hz",
                "lru_clock", "io_threads_active", "redis_git_dirty")) {
            assertTrue(v.get(numeric).matches("[0-9]+"), numeric + "=" + v.get(numeric));
        }
        String otherRunId = payload(info(SERVERS.cinnabar(), "server")).replaceAll("(?s).*run_id:([0-9a-f]+).*", "$1");
        assertEquals(v.get("run_id"), otherRunId);
    }

    @Test
    void sectionSelectionMatchesRedis() throws IOException {
        for (String[] request : List.of(new String[] {}, new String[] {"default"}, new String[] {"all"},
                new String[] {"everything"}, new String[] {"keyspace", "server"}, new String[] {"CLIENTS"},
                new String[] {"nosuch"}, new String[] {"server", "server"})) {
            List<String> theirs = new ArrayList<>(fieldNames(payload(info(SERVERS.redis(), request))).keySet());
            List<String> ours = new ArrayList<>(fieldNames(payload(info(SERVERS.cinnabar(), request))).keySet());
            assertEquals(theirs, ours, String.join(" ", request));
        }
    }

    @Test
    void keyspaceAndResp3AreByteForByte() throws IOException {
        for (ServerProcess s : List.of(SERVERS.redis(), SERVERS.cinnabar())) {
            try (RawConnection c = new RawConnection(s.port())) {
                c.call("FLUSHALL");
                c.call("SET", "a", "1");
                c.call("SELECT", "4");
                c.call("SET", "b", "1");
            }
        }
        try (RawConnection r = new RawConnection(SERVERS.redis().port()); RawConnection c = new RawConnection(SERVERS.cinnabar().port())) {
            assertEquals(r.call("INFO", "keyspace"), c.call("INFO", "keyspace"));
            r.call("HELLO", "3");
            c.call("HELLO", "3");
            assertEquals(r.call("INFO", "keyspace"), c.call("INFO", "keyspace"));
            assertEquals(r.call("INFO", "nosuch"), c.call("INFO", "nosuch"));
            String ours = c.call("INFO");
            assertTrue(ours.startsWith("="), ours);
            assertEquals("txt:", ours.substring(ours.indexOf("\r\n") + 2, ours.indexOf("\r\n") + 6));
            r.call("FLUSHALL");
            c.call("FLUSHALL");
        }
    }
}
