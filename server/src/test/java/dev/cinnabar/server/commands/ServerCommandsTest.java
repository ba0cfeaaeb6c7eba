package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.testing.EngineHarness;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerCommandsTest {
    private final EngineHarness h = new EngineHarness();

    /** The payload of a bulk or verbatim reply. */
    private static String payload(String reply) {
        int eol = reply.indexOf("\r\n");
        String body = reply.substring(eol + 2, reply.length() - 2);
        assertEquals(Integer.parseInt(reply.substring(1, eol)), body.length(), "declared length");
        return reply.charAt(0) == '=' ? body.substring(4) : body;
    }

    /** Section title to its fields, in order. */
    private static Map<String, Map<String, String>> sections(String text) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        Map<String, String> current = null;
        for (String line : text.split("\r\n", -1)) {
            if (line.startsWith("# ")) {
                current = new LinkedHashMap<>();
                out.put(line.substring(2), current);
            } else if (!line.isEmpty()) {
                int colon = line.indexOf(':');
                current.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return out;
    }

    @Test
    void dbsizeCountsTheSelectedDatabase() {
        assertEquals(":0\r\n", h.call("DBSIZE"));
        h.call("SET", "a", "1");
        h.call("SET", "b", "1");
        assertEquals(":2\r\n", h.call("DBSIZE"));
        h.call("SELECT", "1");
        assertEquals(":0\r\n", h.call("DBSIZE"));
        assertEquals("-ERR wrong number of arguments for 'dbsize' command\r\n", h.call("DBSIZE", "x"));
    }

    @Test
    void flushdbEmptiesOnlyTheSelectedDatabase() {
        h.call("SET", "a", "1");
        h.call("SELECT", "1");
        h.call("SET", "b", "1");
        assertEquals("+OK\r\n", h.call("FLUSHDB"));
        assertEquals(":0\r\n", h.call("DBSIZE"));
        h.call("SELECT", "0");
        assertEquals(":1\r\n", h.call("DBSIZE"));
        assertEquals("+OK\r\n", h.call("FLUSHDB", "ASYNC"));
        assertEquals("+OK\r\n", h.call("flushdb", "sync"));
        assertEquals("-ERR syntax error\r\n", h.call("FLUSHDB", "x"));
        assertEquals("-ERR syntax error\r\n", h.call("FLUSHDB", "SYNC", "ASYNC"));
    }

    @Test
    void flushallEmptiesEveryDatabaseAndCountsTheKeysItRemoved() {
        h.call("CONFIG", "SET", "save", "");
        h.call("SET", "a", "1");
        h.call("SELECT", "7");
        h.call("SET", "b", "1");
        long dirty = h.server.keyspace().dirty;
        assertEquals("+OK\r\n", h.call("FLUSHALL"));
        // Redis 7.0.15 with no save points: rdb_changes_since_last_save grows by the keys removed.
        assertEquals(dirty + 2, h.server.keyspace().dirty);
        assertEquals(0, h.server.keyspace().totalKeys());
        assertEquals("+OK\r\n", h.call("FLUSHALL", "SYNC"));
        assertEquals(dirty + 2, h.server.keyspace().dirty);
        assertEquals("-ERR syntax error\r\n", h.call("FLUSHALL", "now"));
    }

    @Test
    void flushallWithSavePointsSavesTheEmptyDatasetAsRedisDoes() {
        h.call("CONFIG", "SET", "save", "3600 1");
        h.call("SET", "a", "1");
        assertEquals("+OK\r\n", h.call("FLUSHALL"));
        assertEquals(0, h.server.keyspace().dirty, "the save leaves no change to count");
        assertTrue(java.nio.file.Files.exists(java.nio.file.Path.of(h.config.dir, "dump.rdb")));
    }

    @Test
    void swapdbExchangesContentsWhileClientsStayOnTheirIndex() {
        Client other = h.newClient();
        h.call(other, "SELECT", "1");
        h.call("SET", "k", "from0");
        h.call(other, "SET", "k", "from1");
        h.call(other, "SET", "only1", "x");
        long dirty = h.server.keyspace().dirty;
        assertEquals("+OK\r\n", h.call("SWAPDB", "0", "1"));
        assertEquals(dirty + 1, h.server.keyspace().dirty);
        assertEquals("$5\r\nfrom1\r\n", h.call("GET", "k"));
        assertEquals(":2\r\n", h.call("DBSIZE"));
        assertEquals("$5\r\nfrom0\r\n", h.call(other, "GET", "k"));
        assertEquals(1, other.db().id);
    }

    @Test
    void swapdbWithItselfIsAccepted() {
        h.call("SET", "k", "v");
        assertEquals("+OK\r\n", h.call("SWAPDB", "0", "0"));
        assertEquals("$1\r\nv\r\n", h.call("GET", "k"));
    }

    @Test
    void swapdbIndexErrors() {
        assertEquals("-ERR invalid first DB index\r\n", h.call("SWAPDB", "x", "0"));
        assertEquals("-ERR invalid first DB index\r\n", h.call("SWAPDB", "x", "y"));
        assertEquals("-ERR invalid second DB index\r\n", h.call("SWAPDB", "0", "y"));
        assertEquals("-ERR invalid second DB index\r\n", h.call("SWAPDB", "0", "01"));
        assertEquals("-ERR invalid first DB index\r\n", h.call("SWAPDB", "2147483648", "0"));
        assertEquals("-ERR invalid second DB index\r\n", h.call("SWAPDB", "0", "-2147483649"));
        assertEquals("-ERR DB index is out of range\r\n", h.call("SWAPDB", "0", "16"));
        assertEquals("-ERR DB index is out of range\r\n", h.call("SWAPDB", "-1", "0"));
        assertEquals("-ERR DB index is out of range\r\n", h.call("SWAPDB", "16", "16"));
        assertEquals("-ERR wrong number of arguments for 'swapdb' command\r\n", h.call("SWAPDB", "0"));
    }

    @Test
    void timeIsSecondsAndMicrosecondsAsBulkStrings() {
        assertEquals("*2\r\n$10\r\n1700000000\r\n$1\r\n0\r\n", h.call("TIME"));
        h.clock.advance(1_234);
        assertEquals("*2\r\n$10\r\n1700000001\r\n$6\r\n234000\r\n", h.call("TIME"));
        h.call("HELLO", "3");
        assertEquals("*2\r\n$10\r\n1700000001\r\n$6\r\n234000\r\n", h.call("TIME"));
        assertEquals("-ERR wrong number of arguments for 'time' command\r\n", h.call("TIME", "x"));
    }

    @Test
    void infoDefaultHasItsSectionsInRedisOrder() {
        String reply = h.call("INFO");
        assertTrue(reply.startsWith("$"), reply);
        List<String> defaults = List.of("Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
                "Modules", "Errorstats", "Cluster", "Keyspace");
        assertEquals(defaults, new ArrayList<>(sections(payload(reply)).keySet()));
        assertEquals(defaults, new ArrayList<>(sections(payload(h.call("INFO", "default"))).keySet()));
        List<String> all = List.of("Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
                "Modules", "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace");
        assertEquals(all, new ArrayList<>(sections(payload(h.call("INFO", "all"))).keySet()));
        assertEquals(all, new ArrayList<>(sections(payload(h.call("INFO", "everything"))).keySet()));
        assertEquals(all, new ArrayList<>(sections(payload(h.call("INFO", "default", "commandstats", "latencystats"))).keySet()));
        // Asked out of order, sections still come in Redis's order, each once.
        assertEquals(List.of("Server", "Keyspace"),
                new ArrayList<>(sections(payload(h.call("INFO", "keyspace", "SERVER", "Keyspace"))).keySet()));
        assertEquals(List.of("CPU", "Modules", "Commandstats"),
                new ArrayList<>(sections(payload(h.call("INFO", "commandstats", "MODULES", "Cpu"))).keySet()));
    }

    @Test
    void infoSectionLayout() {
        String text = payload(h.call("INFO", "server", "clients"));
        assertTrue(text.startsWith("# Server\r\nredis_version:7.0.15\r\ncinnabar_version:"), text);
        assertTrue(text.contains("\r\nio_threads_active:0\r\n\r\n# Clients\r\nconnected_clients:1\r\n"), text);
        assertTrue(text.endsWith("clients_in_timeout_table:0\r\n"), text);
    }

    @Test
    void infoServerFields() {
        Map<String, String> server = sections(payload(h.call("INFO", "server"))).get("Server");
        assertEquals(List.of("redis_version", "cinnabar_version", "redis_git_sha1", "redis_git_dirty",
                "redis_build_id", "redis_mode", "os", "arch_bits", "monotonic_clock", "multiplexing_api",
                "atomicvar_api", "gcc_version", "process_id", "process_supervised", "run_id", "tcp_port",
                "server_time_usec", "uptime_in_seconds", "uptime_in_days", "hz", "configured_hz", "lru_clock",
                "executable", "config_file", "io_threads_active"), new ArrayList<>(server.keySet()));
        assertEquals("standalone", server.get("redis_mode"));
        assertTrue(server.get("run_id").matches("[0-9a-f]{40}"), server.get("run_id"));
        assertEquals("6379", server.get("tcp_port"));
        assertEquals("1700000000000000", server.get("server_time_usec"));
        assertEquals("0", server.get("uptime_in_seconds"));
        assertEquals("10", server.get("hz"));
        assertEquals(Long.toString(ProcessHandle.current().pid()), server.get("process_id"));
        assertEquals(Long.toString((1_700_000_000L) & ((1 << 24) - 1)), server.get("lru_clock"));

        h.clock.advance(2 * 86_400_000L + 5_000);
        server = sections(payload(h.call("INFO", "server"))).get("Server");
        assertEquals(Long.toString(2 * 86_400 + 5), server.get("uptime_in_seconds"));
        assertEquals("2", server.get("uptime_in_days"));
    }

    @Test
    void runIdDiffersBetweenServers() {
        String a = sections(payload(h.call("INFO", "server"))).get("Server").get("run_id");
        EngineHarness other = new EngineHarness();
        String b = sections(payload(other.call("INFO", "server"))).get("Server").get("run_id");
        assertNotEquals(a, b);
        assertEquals(a, sections(payload(h.call("INFO", "server"))).get("Server").get("run_id"));
    }

    @Test
    void infoClientsCountsConnections() {
        ServerConfig config = new ServerConfig();
        config.maxClients = 123;
        EngineHarness e = new EngineHarness(config);
        e.newClient();
        e.newClient();
        Map<String, String> clients = sections(payload(e.call("INFO", "clients"))).get("Clients");
        assertEquals(List.of("connected_clients", "cluster_connections", "maxclients",
                "client_recent_max_input_buffer", "client_recent_max_output_buffer", "blocked_clients",
                "tracking_clients", "clients_in_timeout_table"), new ArrayList<>(clients.keySet()));
        assertEquals("3", clients.get("connected_clients"));
        assertEquals("123", clients.get("maxclients"));
    }

    @Test
    void infoKeyspaceListsDatabasesWithKeys() {
        assertEquals("$12\r\n# Keyspace\r\n\r\n", h.call("INFO", "keyspace"));
        h.call("SET", "a", "1");
        h.call("SET", "b", "1");
        h.call("SELECT", "12");
        h.call("SET", "c", "1");
        assertEquals("$77\r\n# Keyspace\r\ndb0:keys=2,expires=0,avg_ttl=0\r\ndb12:keys=1,expires=0,avg_ttl=0\r\n\r\n",
                h.call("INFO", "KEYSPACE"));
    }

    @Test
    void infoIsVerbatimTextInResp3() {
        h.call("HELLO", "3");
        assertEquals("=16\r\ntxt:# Keyspace\r\n\r\n", h.call("INFO", "keyspace"));
        assertEquals("=4\r\ntxt:\r\n", h.call("INFO", "nosuch"));
    }

    @Test
    void unknownSectionsAreEmpty() {
        assertEquals("$0\r\n\r\n", h.call("INFO", "nosuch"));
        assertEquals("$0\r\n\r\n", h.call("INFO", "nosuch", "other"));
        assertEquals("$12\r\n# Keyspace\r\n\r\n", h.call("INFO", "nosuch", "keyspace"));
    }
}
