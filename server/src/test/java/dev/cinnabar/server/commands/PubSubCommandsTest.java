package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PubSubCommandsTest {
    private final EngineHarness h = new EngineHarness();
    private final Client sub = h.newClient();

    private static String frame(String kind, String name, long count) {
        return "*3\r\n$" + kind.length() + "\r\n" + kind + "\r\n$" + name.length() + "\r\n" + name + "\r\n:" + count
                + "\r\n";
    }

    private static String push(String kind, String name, long count) {
        return ">3\r\n$" + kind.length() + "\r\n" + kind + "\r\n$" + name.length() + "\r\n" + name + "\r\n:" + count
                + "\r\n";
    }

    private static String bulk(String s) {
        return "$" + s.getBytes(StandardCharsets.UTF_8).length + "\r\n" + s + "\r\n";
    }

    @Test
    void subscribeConfirmsEachChannelWithTheCount() {
        assertEquals(frame("subscribe", "a", 1) + frame("subscribe", "b", 2) + frame("subscribe", "a", 2),
                h.call(sub, "SUBSCRIBE", "a", "b", "a"));
        assertEquals(frame("psubscribe", "x*", 3), h.call(sub, "PSUBSCRIBE", "x*"));
        // Shard channels are counted apart.
        assertEquals(frame("ssubscribe", "s", 1), h.call(sub, "SSUBSCRIBE", "s"));
        assertEquals(frame("unsubscribe", "b", 2) + frame("unsubscribe", "nope", 2),
                h.call(sub, "UNSUBSCRIBE", "b", "nope"));
        assertTrue(sub.pubsub);
    }

    @Test
    void unsubscribeFromNothingAnswersNull() {
        assertEquals("*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n", h.call(sub, "UNSUBSCRIBE"));
        assertEquals("*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n", h.call(sub, "PUNSUBSCRIBE"));
        assertEquals("*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n", h.call(sub, "SUNSUBSCRIBE"));
        assertFalse(sub.pubsub);
        h.call(sub, "HELLO", "3");
        assertEquals(">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n", h.call(sub, "UNSUBSCRIBE"));
    }

    @Test
    void unsubscribeWithoutArgumentsDropsEveryChannelThenLeavesTheContext() {
        h.call(sub, "SUBSCRIBE", "a", "b");
        h.call(sub, "PSUBSCRIBE", "p1", "p2");
        assertEquals(frame("unsubscribe", "a", 3) + frame("unsubscribe", "b", 2), h.call(sub, "UNSUBSCRIBE"));
        assertTrue(sub.pubsub);
        assertEquals(frame("punsubscribe", "p1", 1) + frame("punsubscribe", "p2", 0), h.call(sub, "PUNSUBSCRIBE"));
        assertFalse(sub.pubsub);
        assertEquals("+PONG\r\n", h.call(sub, "PING"));
    }

    @Test
    void resp2SubscribedContextRefusesOtherCommands() {
        h.call(sub, "SUBSCRIBE", "a");
        assertEquals("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET "
                + "are allowed in this context\r\n", h.call(sub, "GET", "k"));
        assertEquals("-ERR Can't execute 'client|list': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
                + "RESET are allowed in this context\r\n", h.call(sub, "CLIENT", "LIST"));
        assertEquals("-ERR Can't execute 'publish': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
                + "RESET are allowed in this context\r\n", h.call(sub, "PUBLISH", "a", "m"));
        // Unknown commands and wrong arity are refused first, as in Redis.
        assertTrue(h.call(sub, "NOSUCH").startsWith("-ERR unknown command 'NOSUCH'"));
        assertEquals("-ERR wrong number of arguments for 'get' command\r\n", h.call(sub, "GET"));
        assertEquals("*2\r\n$4\r\npong\r\n$0\r\n\r\n", h.call(sub, "PING"));
        assertEquals("*2\r\n$4\r\npong\r\n$2\r\nhi\r\n", h.call(sub, "PING", "hi"));
        assertEquals("+RESET\r\n", h.call(sub, "RESET"));
        assertFalse(sub.pubsub);
        assertEquals("$-1\r\n", h.call(sub, "GET", "k"));
        assertEquals(":0\r\n", h.call("PUBLISH", "a", "m"));
    }

    @Test
    void publishDeliversChannelThenPatternFramesAndCountsThem() {
        Client other = h.newClient();
        h.call(sub, "SUBSCRIBE", "news.1");
        h.call(sub, "PSUBSCRIBE", "news.*", "n?ws.[0-9]", "other");
        h.call(other, "PSUBSCRIBE", "news.*");
        assertEquals(":4\r\n", h.call("PUBLISH", "news.1", "hello"));
        assertEquals("*3\r\n$7\r\nmessage\r\n$6\r\nnews.1\r\n$5\r\nhello\r\n"
                + "*4\r\n$8\r\npmessage\r\n$6\r\nnews.*\r\n$6\r\nnews.1\r\n$5\r\nhello\r\n"
                + "*4\r\n$8\r\npmessage\r\n$10\r\nn?ws.[0-9]\r\n$6\r\nnews.1\r\n$5\r\nhello\r\n", h.drain(sub));
        assertEquals("*4\r\n$8\r\npmessage\r\n$6\r\nnews.*\r\n$6\r\nnews.1\r\n$5\r\nhello\r\n", h.drain(other));
        assertEquals(":0\r\n", h.call("PUBLISH", "nothing", "x"));
        // Shard messages reach shard subscribers only.
        h.call(other, "SSUBSCRIBE", "news.1");
        assertEquals(":1\r\n", h.call("SPUBLISH", "news.1", "s"));
        assertEquals("*3\r\n$8\r\nsmessage\r\n$6\r\nnews.1\r\n$1\r\ns\r\n", h.drain(other));
        assertEquals("", h.drain(sub));
    }

    @Test
    void resp3SubscriberMayRunAnythingAndPushesInterleave() {
        h.call(sub, "HELLO", "3");
        assertEquals(push("subscribe", "a", 1), h.call(sub, "SUBSCRIBE", "a"));
        assertEquals("_\r\n", h.call(sub, "GET", "k"));
        assertEquals("+PONG\r\n", h.call(sub, "PING"));
        // Publishing to itself: the push comes first, then the reply, as in Redis 7.0.
        assertEquals(">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n:1\r\n", h.call(sub, "PUBLISH", "a", "hi"));
        h.call("PUBLISH", "a", "from-other");
        assertEquals(">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$10\r\nfrom-other\r\n", h.drain(sub));
        // Pipelined: a message published between two of its commands lands between their replies.
        Client pub = h.client;
        h.call(sub, "SET", "k", "v");
        h.call(pub, "PUBLISH", "a", "m");
        String out = h.call(sub, "GET", "k");
        assertEquals(">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$1\r\nm\r\n$1\r\nv\r\n", out);
        assertEquals(">4\r\n$8\r\npmessage\r\n$2\r\na*\r\n$1\r\na\r\n$1\r\nz\r\n",
                afterPsubscribe("a*", "a", "z"));
    }

    @Test
    void oneMessageReachesResp2AndResp3SubscribersInTheirOwnFraming() {
        Client resp3 = h.newClient();
        h.call(resp3, "HELLO", "3");
        h.call(sub, "SUBSCRIBE", "ch");
        h.call(resp3, "SUBSCRIBE", "ch");
        h.call(resp3, "PSUBSCRIBE", "c*");
        // A message longer than the frame the server keeps between publishes, then a short one.
        for (String m : new String[] {"x".repeat(20_000), "short"}) {
            assertEquals(":3\r\n", h.call("PUBLISH", "ch", m));
            assertEquals("*3\r\n" + bulk("message") + bulk("ch") + bulk(m), h.drain(sub));
            assertEquals(">3\r\n" + bulk("message") + bulk("ch") + bulk(m)
                    + ">4\r\n" + bulk("pmessage") + bulk("c*") + bulk("ch") + bulk(m), h.drain(resp3));
        }
    }

    private String afterPsubscribe(String pattern, String channel, String message) {
        h.call(sub, "UNSUBSCRIBE", "a");
        h.call(sub, "PSUBSCRIBE", pattern);
        h.call("PUBLISH", channel, message);
        return h.drain(sub);
    }

    @Test
    void pubsubIntrospection() {
        Client other = h.newClient();
        h.call(sub, "SUBSCRIBE", "a", "b");
        h.call(other, "SUBSCRIBE", "a");
        h.call(other, "PSUBSCRIBE", "p*", "q*");
        h.call(sub, "PSUBSCRIBE", "p*");
        h.call(other, "SSUBSCRIBE", "s1", "s2");
        assertEquals("*4\r\n$1\r\na\r\n:2\r\n$1\r\nz\r\n:0\r\n", h.call("PUBSUB", "NUMSUB", "a", "z"));
        assertEquals("*0\r\n", h.call("PUBSUB", "NUMSUB"));
        assertEquals(":2\r\n", h.call("PUBSUB", "NUMPAT"));
        assertEquals("*1\r\n$1\r\nb\r\n", h.call("PUBSUB", "CHANNELS", "b*"));
        String all = h.call("PUBSUB", "CHANNELS");
        assertTrue(all.startsWith("*2\r\n") && all.contains("$1\r\na\r\n") && all.contains("$1\r\nb\r\n"), all);
        assertEquals("*2\r\n$2\r\ns1\r\n:1\r\n", h.call("PUBSUB", "SHARDNUMSUB", "s1"));
        assertEquals("*1\r\n$2\r\ns2\r\n", h.call("PUBSUB", "SHARDCHANNELS", "*2"));
        String info = h.call("INFO", "stats");
        assertTrue(info.contains("pubsub_channels:2\r\npubsub_patterns:2\r\npubsubshard_channels:2\r\n"), info);
        String list = h.call("CLIENT", "LIST", "ID", Long.toString(other.id));
        assertTrue(list.contains(" flags=P ") && list.contains(" sub=1 psub=2 ssub=2 "), list);
        assertTrue(h.call("PUBSUB", "HELP").startsWith("*14\r\n+PUBSUB <subcommand>"));
        assertEquals("-ERR unknown subcommand 'X'. Try PUBSUB HELP.\r\n", h.call("PUBSUB", "X"));
        assertEquals("-ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP.\r\n",
                h.call("PUBSUB", "channels", "a", "b"));
        assertEquals("-ERR wrong number of arguments for 'pubsub|numpat' command\r\n", h.call("PUBSUB", "NUMPAT", "x"));
        // A client that goes away leaves nothing behind.
        h.server.clients().remove(other);
        assertEquals(":1\r\n", h.call("PUBSUB", "NUMPAT"));
        assertEquals("*0\r\n", h.call("PUBSUB", "SHARDCHANNELS"));
        assertEquals("*2\r\n$1\r\na\r\n:1\r\n", h.call("PUBSUB", "NUMSUB", "a"));
        h.call(sub, "RESET");
        info = h.call("INFO", "stats");
        assertTrue(info.contains("pubsub_channels:0\r\npubsub_patterns:0\r\npubsubshard_channels:0\r\n"), info);
    }

    private long totMem(Client c) {
        String list = h.call("CLIENT", "LIST", "ID", Long.toString(c.id));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(" tot-mem=(\\d+) ").matcher(list);
        assertTrue(m.find(), list);
        return Long.parseLong(m.group(1));
    }

    @Test
    void totMemCountsTheSubscriptionsAsRedisDoes() {
        h.call(sub, "CLIENT", "SETNAME", "sub"); // its query buffer as it will be from now on
        long fresh = totMem(sub);
        h.call(sub, "SUBSCRIBE", "a");
        // An entry of 24 bytes and the table's first 4 buckets, as redis-server 7.0.15 shows.
        assertEquals(fresh + 56, totMem(sub));
        h.call(sub, "PSUBSCRIBE", "p");
        assertEquals(fresh + 80, totMem(sub));
        h.call(sub, "SSUBSCRIBE", "s");
        assertEquals(fresh + 136, totMem(sub));
        h.call(sub, "UNSUBSCRIBE");
        h.call(sub, "PUNSUBSCRIBE");
        h.call(sub, "SUNSUBSCRIBE");
        // The tables keep their buckets.
        assertEquals(fresh + 64, totMem(sub));
    }

    @Test
    void quitLeavesNoSubscription() {
        h.call(sub, "SUBSCRIBE", "a");
        assertEquals("+OK\r\n", h.call(sub, "QUIT"));
        // The connection closes once the reply is sent; freeing it drops the subscriptions.
        h.server.clients().remove(sub);
        assertEquals("*2\r\n$1\r\na\r\n:0\r\n", h.call("PUBSUB", "NUMSUB", "a"));
    }

    @Test
    void replyOffSilencesRepliesButNotPubSubFrames() {
        assertEquals("", h.call(sub, "CLIENT", "REPLY", "OFF"));
        assertEquals(frame("subscribe", "a", 1), h.call(sub, "SUBSCRIBE", "a"));
        assertEquals("", h.call(sub, "PING"));
        h.call("PUBLISH", "a", "m");
        assertEquals("*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$1\r\nm\r\n", h.drain(sub));
        h.call(sub, "RESET");
        // RESP3: publishing to itself keeps the push and drops the count, as Redis does.
        h.call(sub, "HELLO", "3");
        h.call(sub, "SUBSCRIBE", "a");
        assertEquals("", h.call(sub, "CLIENT", "REPLY", "SKIP"));
        assertEquals(">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n", h.call(sub, "PUBLISH", "a", "hi"));
        assertEquals(":0\r\n", h.call(sub, "PUBLISH", "b", "x"));
        assertEquals(push("unsubscribe", "a", 0), h.call(sub, "UNSUBSCRIBE"));
    }

    @Test
    void ssubscribeInsideMultiIsRefusedWhereSubscribeIsNot() {
        sub.denyBlocking = true;
        assertEquals("-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n", h.call(sub, "SSUBSCRIBE", "s"));
        sub.denyBlocking = false;
    }

    @Test
    void publishApiForOtherCodeDeliversWithoutTheCommand() {
        h.call(sub, "PSUBSCRIBE", "__key*__:*");
        assertTrue(!h.server.clients().pubsub().isEmpty());
        int n = h.server.clients().pubsub().publish("__keyspace@0__:k".getBytes(StandardCharsets.US_ASCII),
                "set".getBytes(StandardCharsets.US_ASCII));
        assertEquals(1, n);
        assertEquals("*4\r\n$8\r\npmessage\r\n" + bulk("__key*__:*") + bulk("__keyspace@0__:k") + bulk("set"),
                h.drain(sub));
    }
}
