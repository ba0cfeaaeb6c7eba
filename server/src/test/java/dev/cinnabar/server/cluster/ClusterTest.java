package dev.cinnabar.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.HashSlot;
import dev.cinnabar.protocol.cluster.BusCodec;
import dev.cinnabar.protocol.cluster.BusMessage;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.testing.EngineHarness;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster's state machine without a network: nodes.conf as Redis writes it, the slot
 * check's answers, and the bus's handshake, gossip, failure detection and slot updates, with
 * messages handed in and taken out of in-memory channels.
 */
class ClusterTest {
    /** A nodes.conf written by redis-server 7.0.15 (node 7008 of a six-node cluster after two failovers). */
    private static final String REDIS_NODES_CONF = ""
            + "eca2f87114a9dab4f39dd5b8630a36118f08888a 127.0.0.1:7002@17002 slave c10fdc1386527d2ff98ba63ff4c4b8b7cd89a924 0 1796666912861 12 connected\n"
            + "a2c494a1ea7338282e5f74b4885c00260177ee78 127.0.0.1:7001@17001 master,fail - 1796666889104 1796666887595 1 disconnected\n"
            + "ec1745b0c64255148ad3bc49a7c5190113989aa0 127.0.0.1:7008@17008 myself,master - 0 1796666911000 10 connected 1000-5460\n"
            + "c10fdc1386527d2ff98ba63ff4c4b8b7cd89a924 127.0.0.1:7004@17004 master - 0 1796666912356 12 connected 500-999 5461-10922\n"
            + "876b812a7955605ea6c845da03077402d59387bf 127.0.0.1:7005@17005 master - 0 1796666912000 7 connected 10923-16383\n"
            + "e5703a54e1b026cbc62e99de7ffd8e599bf2af63 127.0.0.1:7009@17009 master - 0 1796666912558 11 connected 0-499\n"
            + "vars currentEpoch 12 lastVoteEpoch 12\n";
    private static final String ME = "ec1745b0c64255148ad3bc49a7c5190113989aa0";
    private static final String N7004 = "c10fdc1386527d2ff98ba63ff4c4b8b7cd89a924";
    private static final String N7009 = "e5703a54e1b026cbc62e99de7ffd8e599bf2af63";

    @TempDir
    Path dir;
    private EngineHarness h;
    private Cluster cluster;
    private final List<String> connects = new ArrayList<>();
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    private final class FakeTransport implements Cluster.Transport {
        @Override
        public void listen(int port) {
        }

        @Override
        public ChannelFuture connect(String ip, int port, BusLink link) {
            connects.add(ip + ":" + port);
            EmbeddedChannel ch = new EmbeddedChannel();
            channels.add(ch);
            return ch.newSucceededFuture();
        }

        @Override
        public void close() {
        }
    }

    private void start(String nodesConf) throws IOException {
        Path file = dir.resolve("nodes.conf");
        if (nodesConf != null) {
            Files.writeString(file, nodesConf);
        }
        ServerConfig config = new ServerConfig();
        config.clusterEnabled = true;
        config.clusterConfigFile = file.toString();
        config.port = 7008;
        config.clusterNodeTimeout = 1000;
        h = new EngineHarness(config);
        cluster = h.engine.startCluster(toEngine -> new FakeTransport());
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** CLUSTER NODES sorted (Redis's order is its hash table's), without the ping and pong times. */
    private String nodesWithoutTimes() {
        StringBuilder b = new StringBuilder();
        String[] lines = new ClusterAdmin(cluster).nodes(false).split("\n");
        java.util.Arrays.sort(lines);
        for (String line : lines) {
            String[] f = line.split(" ");
            f[4] = "_";
            f[5] = "_";
            b.append(String.join(" ", f)).append('\n');
        }
        return b.toString();
    }

    private static String key(int slot) {
        for (int i = 0; ; i++) {
            String k = "k" + i;
            byte[] b = k.getBytes(StandardCharsets.US_ASCII);
            if (HashSlot.of(b, 0, b.length) == slot) {
                return k;
            }
        }
    }

    @Test
    void loadsAndRewritesRedisNodesConf() throws IOException {
        start(REDIS_NODES_CONF);
        assertEquals(ME, cluster.myself().name());
        String expected = ""
                + "876b812a7955605ea6c845da03077402d59387bf 127.0.0.1:7005@17005 master - _ _ 7 disconnected 10923-16383\n"
                + "a2c494a1ea7338282e5f74b4885c00260177ee78 127.0.0.1:7001@17001 master,fail - _ _ 1 disconnected\n"
                + "c10fdc1386527d2ff98ba63ff4c4b8b7cd89a924 127.0.0.1:7004@17004 master - _ _ 12 disconnected 500-999 5461-10922\n"
                + "e5703a54e1b026cbc62e99de7ffd8e599bf2af63 127.0.0.1:7009@17009 master - _ _ 11 disconnected 0-499\n"
                + "ec1745b0c64255148ad3bc49a7c5190113989aa0 127.0.0.1:7008@17008 myself,master - _ _ 10 connected 1000-5460\n"
                + "eca2f87114a9dab4f39dd5b8630a36118f08888a 127.0.0.1:7002@17002 slave c10fdc1386527d2ff98ba63ff4c4b8b7cd89a924 _ _ 12 disconnected\n";
        assertEquals(expected, nodesWithoutTimes());
        String info = new ClusterAdmin(cluster).info();
        assertTrue(info.contains("cluster_current_epoch:12\r\n"), info);
        assertTrue(info.contains("cluster_my_epoch:10\r\n"), info);
        assertTrue(info.contains("cluster_known_nodes:6\r\n"), info);
        assertTrue(cluster.file.save(true));
        String saved = Files.readString(dir.resolve("nodes.conf"));
        assertTrue(saved.endsWith("\nvars currentEpoch 12 lastVoteEpoch 12\n"), saved);
        assertTrue(saved.contains(ME + " 127.0.0.1:7008@17008 myself,master - 0 "), saved);
    }

    @Test
    void aFreshNodeWritesItsNameAndVars() throws IOException {
        start(null);
        String saved = Files.readString(dir.resolve("nodes.conf"));
        assertEquals(cluster.myself().name() + " :0@0 myself,master - 0 0 0 connected\nvars currentEpoch 0 lastVoteEpoch 0\n",
                saved);
        assertEquals(7008, cluster.myself().port());
    }

    @Test
    void slotCheckRedirectsAsRedisDoes() throws IOException {
        start(REDIS_NODES_CONF);
        cluster.stateOk = true;
        assertEquals("-MOVED 0 127.0.0.1:7009\r\n", h.call("GET", key(0)));
        assertEquals("$-1\r\n", h.call("GET", key(1000)));
        assertEquals("-CROSSSLOT Keys in request don't hash to the same slot\r\n", h.call("MGET", key(1000), key(1001)));
        // A slot being moved away: a key that is not here any more is asked for at its new node.
        assertEquals("+OK\r\n", h.call("CLUSTER", "SETSLOT", "1000", "MIGRATING", N7009));
        assertEquals("-ASK 1000 127.0.0.1:7009\r\n", h.call("GET", key(1000)));
        assertEquals("+OK\r\n", h.call("SET", key(1001), "here"));
        assertEquals("$4\r\nhere\r\n", h.call("GET", key(1001)));
        // A slot being moved in: only an ASKING client is served, and only for its next command.
        assertEquals("+OK\r\n", h.call("CLUSTER", "SETSLOT", "600", "IMPORTING", N7004));
        assertEquals("-MOVED 600 127.0.0.1:7004\r\n", h.call("GET", key(600)));
        assertEquals("+OK\r\n", h.call("ASKING"));
        assertEquals("$-1\r\n", h.call("GET", key(600)));
        assertEquals("-MOVED 600 127.0.0.1:7004\r\n", h.call("GET", key(600)));
        // A cluster that is down refuses keys, reads included unless allowed.
        cluster.stateOk = false;
        assertEquals("-CLUSTERDOWN The cluster is down\r\n", h.call("GET", key(1001)));
        h.config.clusterAllowReadsWhenDown = true;
        assertEquals("$4\r\nhere\r\n", h.call("GET", key(1001)));
        assertEquals("-CLUSTERDOWN The cluster is down and only accepts read commands\r\n", h.call("SET", key(1001), "x"));
        // Commands without keys are not routed at all.
        assertEquals("+PONG\r\n", h.call("PING"));
    }

    @Test
    void aTransactionIsRoutedAsAWhole() throws IOException {
        start(REDIS_NODES_CONF);
        cluster.stateOk = true;
        assertEquals("+OK\r\n", h.call("MULTI"));
        assertEquals("+QUEUED\r\n", h.call("SET", key(1001), "x"));
        assertEquals("-MOVED 0 127.0.0.1:7009\r\n", h.call("SET", key(0), "x"));
        assertEquals("-EXECABORT Transaction discarded because of previous errors.\r\n", h.call("EXEC"));
    }

    private BusLink outboundLink(ClusterNode n) {
        BusLink link = new BusLink(n, false, cluster.now());
        n.link = link;
        EmbeddedChannel ch = new EmbeddedChannel();
        channels.add(ch);
        link.channel(ch);
        return link;
    }

    private static List<BusMessage> sent(EmbeddedChannel ch) {
        List<BusMessage> out = new ArrayList<>();
        for (ByteBuf b = ch.readOutbound(); b != null; b = ch.readOutbound()) {
            out.add(BusCodec.decode(b));
            b.release();
        }
        return out;
    }

    private BusMessage pong(String sender, int flags, byte[] slots, long configEpoch) {
        BusMessage m = new BusMessage(BusMessage.PONG);
        m.sender = sender;
        m.flags = flags;
        m.myslots = slots;
        m.configEpoch = configEpoch;
        m.currentEpoch = configEpoch;
        m.port = 7777;
        m.cport = 17777;
        m.myip = "127.0.0.1";
        m.gossip = new ArrayList<>();
        return m;
    }

    @Test
    void meetHandshakeLearnsTheNodesName() throws IOException {
        start(null);
        assertEquals("+OK\r\n", h.call("CLUSTER", "MEET", "127.0.0.1", "7777", "17777"));
        ClusterNode met = null;
        for (ClusterNode n : cluster.nodes.values()) {
            if (n != cluster.myself()) {
                met = n;
            }
        }
        assertNotNull(met);
        assertTrue(met.inHandshake());
        cluster.cron();
        assertEquals(List.of("127.0.0.1:17777"), connects);
        met.link.channel(channels.get(0));
        cluster.connected(met.link);
        List<BusMessage> out = sent(channels.get(0));
        assertEquals(BusMessage.MEET, out.get(0).type);
        assertEquals(cluster.myself().name(), out.get(0).sender);
        String name = "0123456789abcdef0123456789abcdef01234567";
        byte[] slots = new byte[Cluster.SLOTS / 8];
        BusMessage.setSlot(slots, 42);
        cluster.received(met.link, pong(name, BusMessage.NODE_MASTER, slots, 3));
        assertEquals(met, cluster.lookup(name));
        assertFalse(met.inHandshake());
        // As in Redis, the reply that names a node is not yet taken as its word on slots and epochs.
        assertNull(cluster.slotOwner(42));
        cluster.received(met.link, pong(name, BusMessage.NODE_MASTER, slots, 3));
        assertEquals(met, cluster.slotOwner(42));
        assertEquals(3, cluster.currentEpoch);
        assertTrue(new ClusterAdmin(cluster).nodes(false).contains(name + " 127.0.0.1:7777@17777 master - 0 "));
    }

    @Test
    void aNodeSilentPastTheTimeoutFailsWhenTheMastersAgree() throws IOException {
        start(REDIS_NODES_CONF);
        ClusterNode n7005 = cluster.lookup("876b812a7955605ea6c845da03077402d59387bf");
        ClusterNode n7004 = cluster.lookup(N7004);
        // The state (and the number of masters the quorum counts) is worked out once a master
        // has been up for two seconds.
        cluster.updateState();
        h.clock.advance(2500);
        cluster.updateState();
        assertEquals(4, cluster.size);
        BusLink link = outboundLink(n7005);
        n7005.pingSentMillis = cluster.now();
        h.clock.advance(1500);
        cluster.cron();
        assertTrue(n7005.timedOut(), "PFAIL after the node timeout");
        assertFalse(n7005.failed());
        // Four masters serve slots (7001 is failing and holds none): a quorum of three, myself and two reports.
        BusLink from7004 = outboundLink(n7004);
        BusMessage report = pong(N7004, BusMessage.NODE_MASTER, n7004.slots.clone(), 12);
        report.gossip.add(new BusMessage.Gossip(n7005.name, 0, 0, "127.0.0.1", 7005, 17005,
                BusMessage.NODE_MASTER | BusMessage.NODE_PFAIL, 0));
        cluster.received(from7004, report);
        assertFalse(n7005.failed(), "two of three votes");
        ClusterNode n7009 = cluster.lookup(N7009);
        BusLink from7009 = outboundLink(n7009);
        BusMessage second = pong(N7009, BusMessage.NODE_MASTER, n7009.slots.clone(), 11);
        second.gossip.add(new BusMessage.Gossip(n7005.name, 0, 0, "127.0.0.1", 7005, 17005,
                BusMessage.NODE_MASTER | BusMessage.NODE_PFAIL, 0));
        cluster.received(from7009, second);
        assertTrue(n7005.failed(), "quorum reached");
        boolean failSent = false;
        for (BusMessage m : sent(channels.get(channels.size() - 1))) {
            failSent |= m.type == BusMessage.FAIL && m.failNode.equals(n7005.name);
        }
        assertTrue(failSent, "FAIL broadcast");
        assertEquals(n7005, link.node);
    }

    @Test
    void aGreaterEpochTakesMySlotsAndTheirKeys() throws IOException {
        start(REDIS_NODES_CONF);
        cluster.stateOk = true;
        assertEquals("+OK\r\n", h.call("SET", key(1000), "v"));
        assertEquals(1, cluster.keysInSlot(1000));
        ClusterNode n7009 = cluster.lookup(N7009);
        BusLink link = outboundLink(n7009);
        byte[] claim = n7009.slots.clone();
        BusMessage.setSlot(claim, 1000);
        cluster.received(link, pong(N7009, BusMessage.NODE_MASTER, claim, 20));
        assertEquals(n7009, cluster.slotOwner(1000));
        assertEquals(0, cluster.keysInSlot(1000));
        assertEquals("-MOVED 1000 127.0.0.1:7009\r\n", h.call("GET", key(1000)));
    }
}
