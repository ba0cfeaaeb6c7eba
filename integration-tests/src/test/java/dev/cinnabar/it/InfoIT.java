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

    @Test
    void fieldNamesMatchRedisPerSection() throws IOException {
        for (String section : List.of("server", "clients", "memory")) {
            Map<String, List<String>> theirs = fieldNames(payload(info(SERVERS.redis(), section)));
            Map<String, List<String>> ours = fieldNames(payload(info(SERVERS.cinnabar(), section)));
            assertEquals(theirs.keySet(), ours.keySet(), section);
            for (String title : theirs.keySet()) {
                List<String> names = new ArrayList<>(ours.get(title));
                names.removeAll(OUR_FIELDS);
                assertEquals(theirs.get(title), names, title);
            }
        }
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
            // Sections not written yet are absent from ours; those we have come in Redis's order.
            List<String> expected = new ArrayList<>(theirs);
            expected.retainAll(List.of("Server", "Clients", "Memory", "Keyspace"));
            assertEquals(expected, ours, String.join(" ", request));
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
