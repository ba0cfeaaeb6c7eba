package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerPair;
import dev.cinnabar.it.support.Waits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Client-side caching across connections: the same exchanges run against redis-server and
 * Cinnabar, and their transcripts (replies and invalidation messages, in the order each
 * connection receives them) are compared byte for byte. Client ids differ between the servers,
 * so they are written into the transcript by name.
 */
class ClientTrackingIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair();

    private interface Scenario {
        void run(int port, Transcript t) throws Exception;
    }

    /** Replies as they arrive, with the ids of named connections replaced by their names. */
    private static final class Transcript {
        final List<String> lines = new ArrayList<>();
        final List<String[]> ids = new ArrayList<>();

        String id(String name, RawConnection c) throws IOException {
            String id = c.call("CLIENT", "ID").substring(1).strip();
            ids.add(new String[] {id, name});
            return id;
        }

        void add(String reply) {
            for (String[] id : ids) {
                reply = reply.replace(":" + id[0] + "\r\n", ":<" + id[1] + ">\r\n")
                        .replaceAll("redir=" + id[0] + "\\b", "redir=<" + id[1] + ">");
            }
            lines.add(reply);
        }

        /** Reads {@code n} frames (replies or pushes) from {@code c}. */
        void read(RawConnection c, int n) throws IOException {
            for (int i = 0; i < n; i++) {
                add(c.readReply());
            }
        }
    }

    private static void compare(Scenario s) throws Exception {
        Transcript redis = new Transcript();
        Transcript ours = new Transcript();
        s.run(SERVERS.redis().port(), redis);
        s.run(SERVERS.cinnabar().port(), ours);
        assertEquals(show(redis.lines), show(ours.lines));
    }

    private static String show(List<String> t) {
        return String.join("\n", t).replace("\r", "\\r");
    }

    private static RawConnection resp3(int port) throws IOException {
        RawConnection c = new RawConnection(port);
        c.call("HELLO", "3");
        return c;
    }

    /** CLIENT INFO's tot-mem less {@code base}. */
    private static String totMemOver(RawConnection c, long base) throws IOException {
        Matcher m = Pattern.compile(" tot-mem=(\\d+) ").matcher(c.call("CLIENT", "INFO"));
        assertTrue(m.find());
        return "tot-mem +" + (Long.parseLong(m.group(1)) - base);
    }

    @Test
    void bcastPrefixesCountInTheClientsMemoryAsRedisCountsItsRadixTree() throws Exception {
        // 32 bytes a node of the radix tree Redis keeps the prefixes in: runs of bytes no prefix
        // parts in are one node, each parting and each end are nodes, whatever the order added.
        java.util.Random random = new java.util.Random(11);
        List<String> prefixes = new ArrayList<>();
        while (prefixes.size() < 60) {
            StringBuilder p = new StringBuilder();
            for (int i = 1 + random.nextInt(8); i > 0; i--) {
                p.append("abc".charAt(random.nextInt(3)));
            }
            String s = p.toString();
            if (prefixes.stream().noneMatch(q -> q.startsWith(s) || s.startsWith(q))) {
                prefixes.add(s);
            }
            if (random.nextInt(50) == 0) {
                prefixes.add("x".repeat(1 + random.nextInt(300)) + prefixes.size());
            }
        }
        compare((port, t) -> {
            try (RawConnection a = new RawConnection(port)) {
                Matcher m = Pattern.compile(" tot-mem=(\\d+) ").matcher(a.call("CLIENT", "INFO"));
                assertTrue(m.find());
                long base = Long.parseLong(m.group(1));
                for (int i = 0; i < prefixes.size(); i += 7) {
                    List<String> command = new ArrayList<>(List.of("CLIENT", "TRACKING", "on", "BCAST"));
                    for (String p : prefixes.subList(i, Math.min(prefixes.size(), i + 7))) {
                        command.add("PREFIX");
                        command.add(p);
                    }
                    t.add(a.call(command.toArray(new String[0])));
                    t.add(totMemOver(a, base));
                }
                // BCAST without a prefix adds the empty one beside them.
                t.add(a.call("CLIENT", "TRACKING", "on", "BCAST"));
                t.add(totMemOver(a, base));
                t.add(a.call("CLIENT", "TRACKING", "off"));
                t.add(totMemOver(a, base));
                t.add(a.call("CLIENT", "TRACKING", "on", "BCAST"));
                t.add(totMemOver(a, base));
                t.add(a.call("CLIENT", "TRACKING", "off"));
            }
        });
    }

    @Test
    void defaultModeInvalidatesEachKeyReadOnce() throws Exception {
        compare((port, t) -> {
            try (RawConnection a = resp3(port); RawConnection b = new RawConnection(port)) {
                t.add(b.call("FLUSHALL"));
                t.add(a.call("CLIENT", "TRACKING", "on"));
                t.add(a.call("CLIENT", "TRACKINGINFO"));
                t.add(a.call("GET", "k1"));
                t.add(a.call("MGET", "k2", "k3"));
                t.add(a.call("HGET", "h", "f"));
                // Another client's writes: one message per key, after which the key is forgotten.
                t.add(b.call("SET", "k1", "v"));
                t.read(a, 1);
                t.add(b.call("MSET", "k2", "1", "k3", "2", "k1", "x"));
                t.read(a, 2);
                t.add(b.call("HSET", "h", "f", "v"));
                t.read(a, 1);
                // Keys are names, whatever the database.
                t.add(a.call("GET", "k1"));
                t.add(b.call("SELECT", "5"));
                t.add(b.call("SET", "k1", "db5"));
                t.read(a, 1);
                // Its own write: the message follows the reply.
                t.add(a.call("GET", "k2"));
                a.send("SET", "k2", "self");
                t.read(a, 2);
                // NOLOOP: its own writes are not reported, others' are.
                t.add(a.call("CLIENT", "TRACKING", "on", "NOLOOP"));
                t.add(a.call("GET", "k2"));
                t.add(a.call("SET", "k2", "self2"));
                t.add(a.call("GET", "k2"));
                t.add(b.call("SELECT", "0"));
                t.add(b.call("DEL", "k2"));
                t.read(a, 1);
                t.add(a.call("CLIENT", "TRACKINGINFO"));
                // Inside a transaction the messages wait for EXEC's reply.
                t.add(a.call("GET", "m1"));
                t.add(a.call("CLIENT", "TRACKING", "on"));
                t.add(a.call("MULTI"));
                t.add(a.call("GET", "m2"));
                t.add(a.call("SET", "m1", "x"));
                t.add(a.call("SET", "m2", "y"));
                a.send("EXEC");
                t.read(a, 3);
                // Flushes invalidate everything with a null.
                t.add(a.call("GET", "f"));
                t.add(b.call("FLUSHDB"));
                t.read(a, 1);
                a.send("FLUSHALL");
                t.read(a, 2);
                t.add(a.call("CLIENT", "TRACKING", "off"));
                t.add(b.call("SET", "k1", "after-off"));
                t.add(a.call("PING"));
                t.add(a.call("CLIENT", "TRACKINGINFO"));
            }
        });
    }

    /**
     * A blocked client served by another's push writes as the current client: the invalidation
     * of a key it tracks comes after its own reply, and NOLOOP drops it (Redis's
     * tests/unit/tracking.tcl, "Unblocked BLMOVE gets notification after response").
     */
    @Test
    void aServedBlockedClientGetsItsInvalidationAfterItsReply() throws Exception {
        compare((port, t) -> {
            for (String mode : new String[] {"on", "noloop"}) {
                try (RawConnection a = resp3(port); RawConnection b = new RawConnection(port)) {
                    t.add(b.call("FLUSHALL"));
                    t.add(b.call("RPUSH", "list2", "a"));
                    t.add(mode.equals("on") ? a.call("CLIENT", "TRACKING", "on")
                            : a.call("CLIENT", "TRACKING", "on", "NOLOOP"));
                    t.add(a.call("LRANGE", "list2", "0", "-1"));
                    a.send("BLMOVE", "list1", "list2", "LEFT", "LEFT", "0");
                    while (!b.call("INFO", "clients").contains("blocked_clients:1\r\n")) {
                        Thread.sleep(5);
                    }
                    t.add(b.call("RPUSH", "list1", "foo"));
                    t.read(a, 1);
                    t.add(a.call("PING"));
                }
            }
        });
    }

    @Test
    void expiryInvalidates() throws Exception {
        compare((port, t) -> {
            try (RawConnection a = resp3(port); RawConnection b = new RawConnection(port)) {
                t.add(b.call("FLUSHALL"));
                t.add(a.call("CLIENT", "TRACKING", "on"));
                // A second: the GET must find the key even on a machine that stalls between the two.
                t.add(b.call("SET", "e", "v", "PX", "1000"));
                t.add(a.call("GET", "e"));
                Thread.sleep(1300);
                // Deleted by active expiry or by this lookup: either way one message.
                t.add(b.call("GET", "e"));
                t.read(a, 1);
                t.add(a.call("PING"));
            }
        });
    }

    @Test
    void optInAndOptOutFollowClientCaching() throws Exception {
        compare((port, t) -> {
            try (RawConnection a = resp3(port); RawConnection b = new RawConnection(port)) {
                t.add(b.call("FLUSHALL"));
                t.add(a.call("CLIENT", "TRACKING", "on", "OPTIN"));
                t.add(a.call("GET", "o1"));
                t.add(b.call("SET", "o1", "1"));
                t.add(a.call("PING"));
                t.add(a.call("CLIENT", "CACHING", "yes"));
                t.add(a.call("CLIENT", "TRACKINGINFO"));
                t.add(a.call("GET", "o1"));
                t.add(a.call("CLIENT", "TRACKINGINFO"));
                t.add(b.call("SET", "o1", "2"));
                t.read(a, 1);
                // CACHING lasts through other CLIENT subcommands and a whole transaction.
                t.add(a.call("CLIENT", "CACHING", "yes"));
                t.add(a.call("CLIENT", "GETNAME"));
                t.add(a.call("MULTI"));
                t.add(a.call("GET", "o2"));
                t.add(a.call("GET", "o3"));
                t.add(a.call("EXEC"));
                t.add(b.call("MSET", "o2", "1", "o3", "1"));
                t.read(a, 2);
                // Any other command ends it, even one that fails.
                t.add(a.call("CLIENT", "CACHING", "yes"));
                t.add(a.call("NOSUCHCOMMAND"));
                t.add(a.call("GET", "o4"));
                t.add(b.call("SET", "o4", "1"));
                t.add(a.call("PING"));
                t.add(a.call("CLIENT", "TRACKING", "off"));
                t.add(a.call("CLIENT", "TRACKING", "on", "OPTOUT"));
                t.add(a.call("CLIENT", "CACHING", "no"));
                t.add(a.call("GET", "o5"));
                t.add(a.call("GET", "o6"));
                t.add(b.call("MSET", "o5", "1", "o6", "1"));
                t.read(a, 1);
                t.add(a.call("CLIENT", "TRACKINGINFO"));
            }
        });
    }

    @Test
    void broadcastSendsEveryChangedKeyUnderThePrefixes() throws Exception {
        compare((port, t) -> {
            try (RawConnection a = resp3(port); RawConnection n = resp3(port); RawConnection b = new RawConnection(port)) {
                t.add(b.call("FLUSHALL"));
                t.add(a.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:", "PREFIX", "obj"));
                t.add(n.call("CLIENT", "TRACKING", "on", "BCAST", "NOLOOP"));
                t.add(a.call("CLIENT", "TRACKINGINFO"));
                // One command, one loop turn: a message per prefix, its keys in byte order.
                t.add(b.call("MSET", "user:2", "a", "obj9", "b", "zzz", "c", "user:1", "d", "other", "e"));
                t.read(a, 2);
                t.read(n, 1);
                // NOLOOP leaves out the keys the client changed itself, and a message that would be empty.
                t.add(n.call("SET", "mine", "1"));
                t.add(n.call("PING"));
                t.add(n.call("MSET", "mine", "2", "user:3", "x"));
                t.add(b.call("SET", "theirs", "1"));
                t.read(n, 1);
                t.read(a, 1);
                t.add(a.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "u"));
                t.add(a.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "x", "PREFIX", "xy"));
                t.add(a.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "new"));
                t.add(a.call("CLIENT", "TRACKING", "on"));
                t.add(a.call("CLIENT", "TRACKINGINFO"));
                t.add(b.call("CLIENT", "LIST", "TYPE", "normal").lines().filter(l -> l.contains("flags=tB"))
                        .map(l -> l.replaceAll(".*(flags=\\S+).*(redir=\\S+).*", "$1 $2")).sorted().toList().toString());
                String stats = b.call("INFO", "stats");
                Matcher m = Pattern.compile("tracking_total_keys:\\d+\r\ntracking_total_items:\\d+\r\ntracking_total_prefixes:\\d+")
                        .matcher(stats);
                assertTrue(m.find(), stats);
                t.add(m.group());
                t.add(a.call("CLIENT", "TRACKING", "off"));
                t.add(b.call("INFO", "clients").lines().filter(l -> l.startsWith("tracking")).toList().toString());
            }
        });
    }

    @Test
    void redirectionToAResp2SubscriberAndWhenItBreaks() throws Exception {
        compare((port, t) -> {
            try (RawConnection r = new RawConnection(port); RawConnection b = new RawConnection(port);
                    RawConnection a = resp3(port)) {
                String rid = t.id("r", r);
                t.id("b", b);
                t.add(a.call("FLUSHALL"));
                r.send("SUBSCRIBE", "__redis__:invalidate");
                t.read(r, 1);
                t.add(b.call("CLIENT", "TRACKING", "on", "REDIRECT", rid));
                t.add(b.call("CLIENT", "GETREDIR"));
                t.add(b.call("GET", "rk"));
                t.add(a.call("SET", "rk", "1"));
                t.read(r, 1);
                t.add(b.call("GET", "rk"));
                t.add(b.call("FLUSHALL"));
                t.read(r, 1);
                t.add(b.call("CLIENT", "LIST", "ID", t.ids.get(1)[0]).replaceAll("(?s).*(flags=\\S+).*(redir=\\S+).*", "$1 $2"));
                // The RESP3 client redirects to the subscriber too.
                t.add(a.call("CLIENT", "TRACKING", "on", "REDIRECT", rid));
                t.add(a.call("GET", "both"));
                t.add(b.call("GET", "both"));
                t.add(a.call("SET", "both", "1"));
                t.read(r, 2);
                t.add(a.call("FLUSHDB"));
                t.read(r, 2);
                r.close();
                Waits.awaitGone(b, rid);
                t.add(b.call("GET", "rk"));
                t.add(a.call("GET", "rk"));
                t.add(a.call("SET", "rk", "2"));
                // Only the RESP3 client hears that its redirection broke.
                t.read(a, 1);
                t.add(b.call("CLIENT", "TRACKINGINFO"));
                t.add(a.call("CLIENT", "TRACKINGINFO"));
                t.add(b.call("CLIENT", "LIST", "ID", t.ids.get(1)[0]).replaceAll("(?s).*(flags=\\S+).*(redir=\\S+).*", "$1 $2"));
            }
        });
    }

    @Test
    void resp2WithoutRedirectionGetsNoMessages() throws Exception {
        compare((port, t) -> {
            try (RawConnection a = new RawConnection(port); RawConnection b = new RawConnection(port)) {
                t.add(b.call("FLUSHALL"));
                t.add(a.call("CLIENT", "TRACKING", "on"));
                t.add(a.call("GET", "k"));
                t.add(b.call("SET", "k", "1"));
                t.add(a.call("SET", "k", "2"));
                t.add(a.call("GET", "k"));
                t.add(a.call("CLIENT", "TRACKINGINFO"));
            }
        });
    }

    @Test
    void repliesOffStillDeliversInvalidations() throws Exception {
        compare((port, t) -> {
            try (RawConnection a = resp3(port); RawConnection b = new RawConnection(port)) {
                t.add(b.call("FLUSHALL"));
                t.add(a.call("CLIENT", "TRACKING", "on"));
                a.send("CLIENT", "REPLY", "OFF");
                a.send("GET", "ro");
                a.send("SET", "ro", "1");
                t.read(a, 1);
                t.add(a.call("CLIENT", "REPLY", "ON"));
            }
        });
    }

    /**
     * Past {@code tracking-table-max-keys}, random keys are dropped from the table and their
     * clients told, as if the keys had changed. Which keys go is random on both servers, so
     * only the counts are compared.
     */
    @Test
    void theTableIsBoundedByTrackingTableMaxKeys() throws Exception {
        compare((port, t) -> {
            try (RawConnection a = resp3(port); RawConnection b = new RawConnection(port)) {
                t.add(b.call("FLUSHALL"));
                t.add(b.call("CONFIG", "SET", "tracking-table-max-keys", "3"));
                try {
                    t.add(a.call("CLIENT", "TRACKING", "on"));
                    t.add(a.call("MGET", "t1", "t2", "t3", "t4", "t5"));
                    // Trimmed before the next command runs: two messages, then the reply.
                    a.send("PING");
                    for (int i = 0; i < 2; i++) {
                        t.add(a.readReply().replaceAll("\\$2\r\nt\\d\r\n", "<key>"));
                    }
                    t.read(a, 1);
                    t.add(b.call("INFO", "stats").lines().filter(l -> l.startsWith("tracking_total_keys")).toList().toString());
                    t.add(b.call("CONFIG", "SET", "tracking-table-max-keys", "1"));
                    // On an idle server the cron trims it.
                    Waits.poll(15_000, () -> b.call("INFO", "stats").contains("tracking_total_keys:1\r\n"));
                    t.add(b.call("INFO", "stats").lines().filter(l -> l.startsWith("tracking_total_keys")).toList().toString());
                    for (int i = 0; i < 2; i++) {
                        t.add(a.readReply().replaceAll("\\$2\r\nt\\d\r\n", "<key>"));
                    }
                } finally {
                    b.call("CONFIG", "SET", "tracking-table-max-keys", "1000000");
                }
            }
        });
    }

    @Test
    void resetAndDisconnectEndTracking() throws Exception {
        compare((port, t) -> {
            try (RawConnection a = resp3(port); RawConnection b = new RawConnection(port)) {
                t.add(b.call("FLUSHALL"));
                t.add(a.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p"));
                t.add(b.call("INFO", "everything").lines().filter(l -> l.startsWith("tracking")).toList().toString());
                t.add(a.call("RESET"));
                t.add(b.call("SET", "p1", "1"));
                t.add(a.call("PING"));
                t.add(b.call("INFO", "everything").lines().filter(l -> l.startsWith("tracking")).toList().toString());
                String cid;
                try (RawConnection c = resp3(port)) {
                    t.add(c.call("CLIENT", "TRACKING", "on"));
                    t.add(c.call("GET", "gone"));
                    cid = c.call("CLIENT", "ID").substring(1).strip();
                }
                Waits.awaitGone(b, cid);
                t.add(b.call("SET", "gone", "1"));
                t.add(b.call("INFO", "everything").lines().filter(l -> l.startsWith("tracking")).toList().toString());
            }
        });
    }
}
