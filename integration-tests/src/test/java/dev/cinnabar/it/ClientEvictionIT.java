package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerPair;
import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code maxmemory-clients} (Redis 7.0's client eviction), the same exchanges against Redis and
 * Cinnabar: a client whose half-sent request takes the clients past the limit is disconnected
 * before it can run; CLIENT NO-EVICT exempts a client, so the others go instead; a percentage
 * of an unset maxmemory is no limit.
 */
class ClientEvictionIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair();

    /** A SET of a 2 MB value, cut after its first 1.5 MB. */
    private static final byte[] HALF_SENT_SET = ("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n" + "x".repeat(1_500_000))
            .getBytes(StandardCharsets.US_ASCII);

    @AfterEach
    void reset() throws IOException {
        for (var s : SERVERS.both()) {
            try (RawConnection c = new RawConnection(s.port())) {
                c.call("CONFIG", "SET", "maxmemory-clients", "0");
                c.call("CONFIG", "SET", "maxmemory", "0");
            }
        }
        SERVERS.flushAllAndResetStats();
    }

    private static String evictedClients(RawConnection c) throws IOException {
        Matcher m = Pattern.compile("evicted_clients:(\\d+)").matcher(c.call("INFO", "stats"));
        return m.find() ? "evicted_clients " + m.group(1) : "no evicted_clients field";
    }

    /** Sends the cut SET; "closed" when the server closes the connection, during the send or after. */
    private static String sendHalfSet(RawConnection c, int millis) throws IOException {
        try {
            c.sendRaw(HALF_SENT_SET);
        } catch (IOException reset) {
            return "closed";
        }
        return closedWithin(c, millis);
    }

    private static void awaitOnlyClient(RawConnection admin) throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        while (admin.call("CLIENT", "LIST").split("\nid=").length > 1 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
    }

    private static String closedWithin(RawConnection c, int millis) throws IOException {
        c.timeout(millis);
        return c.closedByServer() ? "closed" : "open";
    }

    @Test
    void aClientWhoseRequestTakesTheClientsOverTheLimitIsEvictedBeforeItRuns() throws Exception {
        SERVERS.compare((port, t) -> {
            try (RawConnection admin = new RawConnection(port); RawConnection big = new RawConnection(port)) {
                t.add(admin.call("CONFIG", "SET", "maxmemory-clients", "1mb"));
                t.add(admin.call("CONFIG", "GET", "maxmemory-clients"));
                t.add("big: " + sendHalfSet(big, 3000));
                t.add(evictedClients(admin));
                t.add(admin.call("EXISTS", "k"));
                t.add(admin.call("PING"));
            }
        });
    }

    @Test
    void aSubscriberThatMessagesTakeOverTheLimitIsEvictedWithoutWaitingForTheCron() throws Exception {
        // With the cron paused only the memory taken as each message goes out can tell.
        List<String> seen = new ArrayList<>();
        for (ServerProcess s : List.of(ServerProcess.redis("--enable-debug-command", "yes"),
                ServerProcess.cinnabar("--enable-debug-command", "yes"))) {
            try (s; RawConnection admin = new RawConnection(s.port()); RawConnection sub = new RawConnection(s.port())) {
                List<String> t = new ArrayList<>();
                t.add(admin.call("CLIENT", "NO-EVICT", "on"));
                t.add(sub.call("SUBSCRIBE", "ch"));
                t.add(admin.call("CONFIG", "SET", "maxmemory-clients", "1mb"));
                t.add(admin.call("DEBUG", "PAUSE-CRON", "1"));
                String message = "m".repeat(100_000);
                int sent = 0;
                while (sent < 500 && admin.call("CLIENT", "LIST").contains("cmd=subscribe")) {
                    admin.call("PUBLISH", "ch", message);
                    sent++;
                }
                t.add(sent < 500 ? "subscriber evicted" : "subscriber still connected after 50 MB");
                t.add(evictedClients(admin));
                t.add(admin.call("DEBUG", "PAUSE-CRON", "0"));
                seen.add(String.join(" | ", t));
            }
        }
        assertEquals(seen.get(0), seen.get(1));
    }

    @Test
    void noEvictKeepsAClientAndTheOthersGoInstead() throws Exception {
        SERVERS.compare((port, t) -> {
            try (RawConnection admin = new RawConnection(port); RawConnection big = new RawConnection(port);
                    RawConnection observer = new RawConnection(port)) {
                t.add(observer.call("CLIENT", "NO-EVICT", "on"));
                t.add(big.call("CLIENT", "NO-EVICT", "on"));
                t.add(admin.call("CONFIG", "SET", "maxmemory-clients", "1mb"));
                big.sendRaw(HALF_SENT_SET);
                // The exempt client holds more than the limit: the evictable one goes.
                t.add("admin: " + closedWithin(admin, 3000));
                big.sendRaw("x".repeat(500_000) + "\r\n");
                t.add("big: " + big.readReply());
                t.add(observer.call("STRLEN", "k"));
                t.add(evictedClients(observer));
                t.add(observer.call("CONFIG", "SET", "maxmemory-clients", "0"));
            }
        });
    }

    @Test
    void aShareOfNoMaxmemoryIsNoLimitAndOfASetOneIsEnforced() throws Exception {
        SERVERS.compare((port, t) -> {
            try (RawConnection admin = new RawConnection(port)) {
                t.add(admin.call("CONFIG", "SET", "maxmemory-clients", "1%"));
                try (RawConnection big = new RawConnection(port)) {
                    t.add("big without maxmemory: " + sendHalfSet(big, 1000));
                    big.sendRaw("x".repeat(500_000) + "\r\n");
                    t.add(big.readReply());
                }
                // The first client's disconnect must be seen before the limit applies: until
                // then it still counts, and which client goes would depend on timing.
                awaitOnlyClient(admin);
                t.add(admin.call("CONFIG", "SET", "maxmemory", "100mb"));
                try (RawConnection big = new RawConnection(port)) {
                    t.add("big with 1% of 100mb: " + sendHalfSet(big, 3000));
                }
                t.add(evictedClients(admin));
            }
        });
    }
}
