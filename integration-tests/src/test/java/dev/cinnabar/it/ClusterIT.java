package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.RedisCli;
import dev.cinnabar.it.support.ServerProcess;
import dev.cinnabar.it.support.Waits;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;

/**
 * Cluster mode from outside: clusters built by {@code redis-cli --cluster create} as an operator
 * builds them, of Cinnabar nodes alone and of Cinnabar and redis-server 7.0.15 nodes together
 * (the bus is Redis's, byte for byte, so a Redis node must not see a difference), used by Jedis's
 * and Lettuce's cluster clients; resharding with keys, failover of a killed master, a manual
 * failover, and nodes.conf across a restart.
 */
class ClusterIT {
    private final List<ServerProcess> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        for (ServerProcess s : nodes) {
            s.close();
        }
    }

    /** A node with its own bus port (not port + 10000, which may be taken) and a short node timeout. */
    private ServerProcess node(boolean redis, String... extra) throws Exception {
        String bus = Integer.toString(ServerProcess.freePort());
        String[] cluster = {"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-port", bus,
            "--cluster-node-timeout", "2000"};
        ServerProcess s;
        if (redis) {
            s = ServerProcess.redis(cluster);
        } else {
            List<String> args = new ArrayList<>(List.of("--save", ""));
            args.addAll(List.of(cluster));
            args.addAll(List.of(extra));
            s = ServerProcess.cinnabar(args.toArray(new String[0]));
        }
        nodes.add(s);
        return s;
    }

    private static String address(ServerProcess s) {
        return "127.0.0.1:" + s.port();
    }

    private static String call(ServerProcess s, String... args) throws Exception {
        try (RawConnection c = new RawConnection(s.port())) {
            return c.call(args);
        }
    }

    private static String myId(ServerProcess s) throws Exception {
        String reply = call(s, "CLUSTER", "MYID");
        return reply.substring(reply.indexOf('\n') + 1).trim();
    }

    /** redis-cli --cluster create, then every node agreeing and up. */
    private void create(List<ServerProcess> masters) throws Exception {
        List<String> args = new ArrayList<>(List.of("--cluster", "create"));
        for (ServerProcess s : masters) {
            args.add(address(s));
        }
        args.add("--cluster-yes");
        RedisCli created = RedisCli.run(null, 60, args.toArray(new String[0]));
        assertEquals(0, created.exitCode, created.out + created.err);
        assertTrue(created.out.contains("[OK] All 16384 slots covered."), created.out);
        awaitHealthy(masters.get(0));
    }

    private void awaitHealthy(ServerProcess entry) throws Exception {
        Waits.until("every node up and agreeing", 30_000, () -> {
            for (ServerProcess s : nodes) {
                if (s.process().isAlive() && !"ok".equals(Waits.field(call(s, "CLUSTER", "INFO"), "cluster_state"))) {
                    return false;
                }
            }
            RedisCli check = RedisCli.run(null, 30, "--cluster", "check", address(entry));
            return check.exitCode == 0 && check.out.contains("[OK] All nodes agree about slots configuration.")
                    && !check.out.contains("[WARNING]");
        });
    }

    /** redis-cli --cluster add-node, as a replica of {@code master}, through {@code entry}. */
    private static void addReplica(ServerProcess replica, ServerProcess entry, ServerProcess master) throws Exception {
        RedisCli added = RedisCli.run(null, 60, "--cluster", "add-node", address(replica), address(entry),
                "--cluster-slave", "--cluster-master-id", myId(master));
        assertEquals(0, added.exitCode, added.out + added.err);
    }

    /** Sends each command to both servers on one connection each; returns the two transcripts. */
    private static String[] transcripts(ServerProcess redis, ServerProcess cinnabar, String[][] script) throws Exception {
        StringBuilder expected = new StringBuilder();
        StringBuilder actual = new StringBuilder();
        try (RawConnection r = new RawConnection(redis.port()); RawConnection c = new RawConnection(cinnabar.port())) {
            for (String[] command : script) {
                expected.append(String.join(" ", command)).append(" -> ").append(r.call(command)).append('\n');
                actual.append(String.join(" ", command)).append(" -> ").append(c.call(command)).append('\n');
            }
        }
        return new String[] {expected.toString(), actual.toString()};
    }

    private static JedisCluster jedis(ServerProcess entry) {
        return new JedisCluster(Set.of(new HostAndPort("127.0.0.1", entry.port())));
    }

    private static void writeKeys(ServerProcess entry, int n) {
        try (JedisCluster j = jedis(entry)) {
            for (int i = 0; i < n; i++) {
                j.set("key:" + i, "value:" + i);
            }
        }
    }

    private static void assertKeys(ServerProcess entry, int n) {
        try (JedisCluster j = jedis(entry)) {
            for (int i = 0; i < n; i++) {
                assertEquals("value:" + i, j.get("key:" + i), "key:" + i);
            }
        }
    }

    private long dbsize(ServerProcess s) throws Exception {
        return Long.parseLong(call(s, "DBSIZE").substring(1).trim());
    }

    @Test
    void redisCliBuildsAClusterThatClusterClientsUse() throws Exception {
        // One node in the other threading shape: its bus events reach the engine from I/O threads.
        List<ServerProcess> masters = List.of(node(false), node(false), node(false, "--io-threads", "2"));
        create(masters);
        writeKeys(masters.get(0), 300);
        long total = 0;
        for (ServerProcess s : masters) {
            long n = dbsize(s);
            assertTrue(n > 0, "every master holds some of the keys");
            total += n;
        }
        assertEquals(300, total);
        // Lettuce finds the topology by itself (CLUSTER SLOTS or NODES) and reads what Jedis wrote.
        RedisClusterClient lettuce = RedisClusterClient.create(RedisURI.create("127.0.0.1", masters.get(1).port()));
        try (StatefulRedisClusterConnection<String, String> conn = lettuce.connect()) {
            for (int i = 0; i < 300; i += 7) {
                assertEquals("value:" + i, conn.sync().get("key:" + i));
            }
            assertEquals(300L, conn.sync().dbsize());
        } finally {
            lettuce.shutdown();
        }
        // A node that does not own the key's slot redirects, with the owner's address.
        String slot = call(masters.get(0), "CLUSTER", "KEYSLOT", "key:1").substring(1).trim();
        ServerProcess owner = null;
        for (ServerProcess s : masters) {
            if (call(s, "EXISTS", "key:1").startsWith(":1")) {
                owner = s;
            }
        }
        for (ServerProcess s : masters) {
            if (s != owner) {
                assertEquals("-MOVED " + slot + " " + address(owner) + "\r\n", call(s, "GET", "key:1"));
            }
        }
        assertEquals("-CROSSSLOT Keys in request don't hash to the same slot\r\n",
                call(owner, "MSET", "key:1", "a", "key:2", "b"));
        assertEquals(":1\r\n", call(owner, "CLUSTER", "COUNTKEYSINSLOT", slot));
        assertTrue(call(owner, "CLUSTER", "GETKEYSINSLOT", slot, "10").contains("key:1"));
        assertPublishCrossesTheBus(masters.get(0), masters.get(2));
    }

    /** A message published on one node reaches a subscriber connected to another. */
    private static void assertPublishCrossesTheBus(ServerProcess publisher, ServerProcess subscriberNode) throws Exception {
        try (RawConnection sub = new RawConnection(subscriberNode.port())) {
            assertEquals("*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n", sub.call("SUBSCRIBE", "news"));
            assertEquals(":0\r\n", call(publisher, "PUBLISH", "news", "hello"));
            assertEquals("*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n", sub.readReply());
        }
    }

    @Test
    void aReplicaTakesOverItsKilledMasterAndClientsFollow() throws Exception {
        List<ServerProcess> masters = List.of(node(false), node(false), node(false));
        create(masters);
        ServerProcess replica = node(false);
        ServerProcess victim = masters.get(1);
        addReplica(replica, masters.get(0), victim);
        writeKeys(masters.get(0), 200);
        long victimKeys = dbsize(victim);
        Waits.until("the replica has its master's keys", 20_000, () -> dbsize(replica) == victimKeys);
        victim.process().destroyForcibly().waitFor();
        Waits.until("the replica took over", 30_000, () -> call(replica, "ROLE").contains("master")
                && "ok".equals(Waits.field(call(masters.get(0), "CLUSTER", "INFO"), "cluster_state")));
        assertTrue(call(masters.get(0), "CLUSTER", "NODES").contains("master,fail"));
        assertKeys(masters.get(0), 200);
    }

    @Test
    void manualFailoverSwapsMasterAndReplicaWithoutLosingWrites() throws Exception {
        List<ServerProcess> masters = List.of(node(false), node(false), node(false));
        create(masters);
        ServerProcess replica = node(false);
        ServerProcess master = masters.get(2);
        addReplica(replica, masters.get(0), master);
        writeKeys(masters.get(0), 100);
        Waits.until("the replica is in sync", 20_000, () -> dbsize(replica) == dbsize(master));
        assertEquals("+OK\r\n", call(replica, "CLUSTER", "FAILOVER"));
        Waits.until("the roles swapped", 20_000,
                () -> call(replica, "ROLE").contains("master") && call(master, "ROLE").contains("slave"));
        assertKeys(masters.get(0), 100);
    }

    /**
     * Redis nodes and Cinnabar nodes in one cluster: created together, slots moved with their
     * keys both ways by redis-cli, and a failover won by a Redis replica of a Cinnabar master
     * with the votes of both kinds of master.
     */
    @Test
    void cinnabarAndRedisNodesFormOneCluster() throws Exception {
        ServerProcess redisMaster = node(true);
        ServerProcess cinnabarA = node(false);
        ServerProcess cinnabarB = node(false);
        create(List.of(redisMaster, cinnabarA, cinnabarB));
        writeKeys(cinnabarA, 300);
        reshard(cinnabarA, redisMaster, cinnabarA, 200);
        reshard(cinnabarA, cinnabarB, redisMaster, 300);
        awaitHealthy(cinnabarA);
        assertKeys(redisMaster, 300);
        assertPublishCrossesTheBus(redisMaster, cinnabarB);
        assertPublishCrossesTheBus(cinnabarA, redisMaster);
        // Both kinds of node see the same cluster: the same CLUSTER SLOTS reply, byte for byte,
        // and the same CLUSTER NODES lines but for the times and which one is "myself".
        Waits.until("the same view of the cluster", 15_000,
                () -> call(redisMaster, "CLUSTER", "SLOTS").equals(call(cinnabarA, "CLUSTER", "SLOTS"))
                        && comparableNodes(redisMaster).equals(comparableNodes(cinnabarA)));
        assertEquals(3, comparableNodes(cinnabarA).size(), comparableNodes(cinnabarA).toString());
        long total = dbsize(redisMaster) + dbsize(cinnabarA) + dbsize(cinnabarB);
        assertEquals(300, total);
        ServerProcess redisReplica = node(true);
        addReplica(redisReplica, redisMaster, cinnabarB);
        Waits.until("the Redis replica has the Cinnabar master's keys", 30_000,
                () -> dbsize(redisReplica) == dbsize(cinnabarB));
        cinnabarB.process().destroyForcibly().waitFor();
        Waits.until("the Redis replica took over", 30_000, () -> call(redisReplica, "ROLE").contains("master")
                && "ok".equals(Waits.field(call(cinnabarA, "CLUSTER", "INFO"), "cluster_state"))
                && "ok".equals(Waits.field(call(redisMaster, "CLUSTER", "INFO"), "cluster_state")));
        assertKeys(cinnabarA, 300);
    }

    /** CLUSTER NODES sorted, without the ping and pong times, the link states and the myself flag. */
    private static List<String> comparableNodes(ServerProcess s) throws Exception {
        String reply = call(s, "CLUSTER", "NODES");
        List<String> lines = new ArrayList<>();
        for (String line : reply.substring(reply.indexOf('\n') + 1).split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 8) {
                continue;
            }
            f[2] = f[2].replace("myself,", "");
            f[4] = "_";
            f[5] = "_";
            f[7] = "_";
            lines.add(String.join(" ", f));
        }
        java.util.Collections.sort(lines);
        return lines;
    }

    private static void reshard(ServerProcess entry, ServerProcess from, ServerProcess to, int slots) throws Exception {
        RedisCli moved = RedisCli.run(null, 120, "--cluster", "reshard", address(entry), "--cluster-from", myId(from),
                "--cluster-to", myId(to), "--cluster-slots", Integer.toString(slots), "--cluster-yes");
        assertEquals(0, moved.exitCode, moved.out + moved.err);
        assertTrue(moved.out.contains("Moving slot"), moved.out);
    }

    @Test
    void nodesConfKeepsTheNodeAcrossARestart() throws Exception {
        Path dir = Files.createTempDirectory("cluster-restart");
        String conf = dir.resolve("nodes.conf").toString();
        String[] args = {"--save", "", "--dir", dir.toString(), "--cluster-enabled", "yes", "--cluster-config-file", conf,
            "--cluster-port", Integer.toString(ServerProcess.freePort())};
        ServerProcess first = ServerProcess.cinnabar(args);
        String id;
        try {
            id = myId(first);
            assertEquals("+OK\r\n", call(first, "CLUSTER", "ADDSLOTSRANGE", "0", "99", "200", "200"));
            assertEquals("+OK\r\n", call(first, "CLUSTER", "SET-CONFIG-EPOCH", "5"));
            assertEquals("+OK\r\n", call(first, "CLUSTER", "SAVECONFIG"));
        } finally {
            first.close();
        }
        String saved = Files.readString(dir.resolve("nodes.conf"));
        assertTrue(saved.startsWith(id + " 127.0.0.1:") || saved.startsWith(id + " :"), saved);
        assertTrue(saved.contains("myself,master - 0 0 5 connected 0-99 200\n"), saved);
        assertTrue(saved.endsWith("vars currentEpoch 5 lastVoteEpoch 0\n"), saved);
        ServerProcess second = ServerProcess.cinnabar(args);
        nodes.add(second);
        assertEquals(id, myId(second));
        String info = call(second, "CLUSTER", "INFO");
        assertEquals("101", Waits.field(info, "cluster_slots_assigned"));
        assertEquals("5", Waits.field(info, "cluster_my_epoch"));
        assertTrue(second.log().contains("Node configuration loaded, I'm " + id), second.log());
    }

    /** The same CLUSTER commands on a lone Redis node and a lone Cinnabar node answer alike. */
    @Test
    void clusterCommandsAnswerAsRedisDoes() throws Exception {
        ServerProcess redis = node(true);
        ServerProcess cinnabar = node(false);
        String[][] script = {
            {"CLUSTER", "KEYSLOT", "{user1000}.following"},
            {"CLUSTER", "ADDSLOTS", "16384"},
            {"CLUSTER", "ADDSLOTS", "abc"},
            {"CLUSTER", "ADDSLOTS", "1", "1"},
            {"CLUSTER", "ADDSLOTSRANGE", "10", "5"},
            {"CLUSTER", "ADDSLOTSRANGE", "1", "2", "3"},
            {"CLUSTER", "ADDSLOTSRANGE", "0", "1000"},
            {"CLUSTER", "ADDSLOTS", "5"},
            {"CLUSTER", "DELSLOTS", "2000"},
            {"CLUSTER", "DELSLOTSRANGE", "900", "1000"},
            {"CLUSTER", "COUNTKEYSINSLOT", "-1"},
            {"CLUSTER", "COUNTKEYSINSLOT", "x"},
            {"CLUSTER", "GETKEYSINSLOT", "1", "-1"},
            {"CLUSTER", "GETKEYSINSLOT", "1", "10"},
            {"CLUSTER", "SETSLOT", "1", "BOGUS"},
            {"CLUSTER", "SETSLOT", "1", "MIGRATING", "0000000000000000000000000000000000000000"},
            {"CLUSTER", "SETSLOT", "5000", "MIGRATING", "0000000000000000000000000000000000000000"},
            {"CLUSTER", "SETSLOT", "1", "IMPORTING", "0000000000000000000000000000000000000000"},
            {"CLUSTER", "SETSLOT", "1", "NODE", "nope"},
            {"CLUSTER", "SETSLOT", "1", "STABLE"},
            {"CLUSTER", "FORGET", "nope"},
            {"CLUSTER", "REPLICATE", "nope"},
            {"CLUSTER", "REPLICAS", "nope"},
            {"CLUSTER", "COUNT-FAILURE-REPORTS", "nope"},
            {"CLUSTER", "FAILOVER"},
            {"CLUSTER", "FAILOVER", "soon"},
            {"CLUSTER", "MEET", "not-an-ip", "7000"},
            {"CLUSTER", "MEET", "127.0.0.1", "x"},
            {"CLUSTER", "MEET", "127.0.0.1", "70000"},
            {"CLUSTER", "RESET", "maybe"},
            {"CLUSTER", "SET-CONFIG-EPOCH", "-1"},
            {"CLUSTER", "BUMPEPOCH"},
            {"CLUSTER", "BUMPEPOCH"},
            {"CLUSTER", "SET-CONFIG-EPOCH", "3"},
            {"CLUSTER", "FLUSHSLOTS"},
            {"CLUSTER", "NOPE"},
            {"CLUSTER", "HELP"},
            {"READONLY"},
            {"READWRITE"},
            {"ASKING"},
            {"SET", "a", "1"},
            {"SET", "{a}b", "2"},
            {"MGET", "a", "{a}b"},
            {"MGET", "a", "b"},
            {"CLUSTER", "RESET"},
            {"FLUSHALL"},
            {"CLUSTER", "RESET", "SOFT"},
            {"GET", "a"},
        };
        String[] t = transcripts(redis, cinnabar, script);
        assertEquals(t[0], t[1]);
    }

    /**
     * Scripts and functions on a node that serves half the slots: keys it does not serve, keys of
     * two slots (allowed without a shebang or with allow-cross-slot-keys), the declared keys' slot.
     */
    @Test
    void scriptsKeepToTheirSlotAsInRedis() throws Exception {
        ServerProcess redis = node(true);
        ServerProcess cinnabar = node(false);
        for (ServerProcess s : List.of(redis, cinnabar)) {
            assertEquals("+OK\r\n", call(s, "CONFIG", "SET", "cluster-require-full-coverage", "no"));
            assertEquals("+OK\r\n", call(s, "CLUSTER", "ADDSLOTSRANGE", "0", "8000"));
            Waits.until("cluster_state:ok", 15_000, () -> "ok".equals(Waits.field(call(s, "CLUSTER", "INFO"), "cluster_state")));
        }
        String[][] script = {
            {"EVAL", "return redis.call('get', 'a')", "0"},
            {"EVAL", "#!lua\nreturn redis.call('get', 'a')", "0"},
            {"EVAL", "#!lua\nredis.call('set', 'b', 1); return redis.call('set', 'c', 1)", "0"},
            {"EVAL", "#!lua flags=allow-cross-slot-keys\nredis.call('set', 'b', 1); return redis.call('set', 'c', 1)", "0"},
            {"EVAL", "redis.call('set', 'b', 1); return redis.call('set', 'c', 1)", "0"},
            {"EVAL", "#!lua\nreturn redis.call('set', KEYS[1], 1)", "1", "c"},
            {"EVAL", "#!lua\nreturn redis.call('set', 'b', 1)", "1", "c"},
            {"EVAL", "return 1", "2", "b", "c"},
            {"EVAL", "#!lua flags=no-cluster\nreturn 1", "0"},
            {"FUNCTION", "LOAD", "#!lua name=lib\n"
                + "redis.register_function('f1', function(keys, args) redis.call('set','b',1); return redis.call('set','c',1) end)\n"
                + "redis.register_function{function_name='f2', callback=function(keys, args) redis.call('set','b',1); "
                + "return redis.call('set','c',1) end, flags={'allow-cross-slot-keys'}}\n"
                + "redis.register_function{function_name='f3', callback=function(keys, args) return 1 end, flags={'no-cluster'}}\n"
                + "redis.register_function('f4', function(keys, args) return redis.call('get', keys[1]) end)"},
            {"FCALL", "f1", "0"},
            {"FCALL", "f2", "0"},
            {"FCALL", "f3", "0"},
            {"FCALL", "f4", "1", "a"},
            {"FCALL", "f4", "1", "c"},
            {"FCALL", "f4", "2", "b", "c"},
        };
        String[] t = transcripts(redis, cinnabar, script);
        assertEquals(t[0], t[1]);
        assertTrue(t[0].contains("Script attempted to access keys that do not hash to the same slot"), t[0]);
    }

    /** CLUSTER INFO and INFO's cluster section name the same fields as Redis's, in its order. */
    @Test
    void infoFieldsAreRedisFields() throws Exception {
        ServerProcess redis = node(true);
        ServerProcess cinnabar = node(false);
        assertEquals(fieldNames(call(redis, "CLUSTER", "INFO")), fieldNames(call(cinnabar, "CLUSTER", "INFO")));
        assertEquals("1", Waits.field(call(cinnabar, "INFO", "cluster"), "cluster_enabled"));
        Set<String> nodesLine = new HashSet<>(List.of(call(cinnabar, "CLUSTER", "NODES").split(" ")));
        assertTrue(nodesLine.contains("myself,master"), nodesLine.toString());
    }

    private static List<String> fieldNames(String info) {
        List<String> names = new ArrayList<>();
        for (String line : info.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("$") && !line.startsWith("=")) {
                names.add(line.substring(0, colon));
            }
        }
        return names;
    }
}
