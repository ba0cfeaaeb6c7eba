package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerPair;
import dev.cinnabar.it.support.ServerProcess;
import dev.cinnabar.it.support.Waits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Keyspace notifications over real sockets, against redis-server 7.0 and the JAR side by side: a
 * client subscribed to {@code __key*__:*} (RESP2, and RESP3 in a second run) receives the same
 * messages, in the same order, while another connection runs the corpus the server module's
 * KeyspaceNotificationsCorpusTest uses (every type, lazy and active expiry, RENAME, MOVE, COPY,
 * the STORE forms, FLUSHALL). After each line a PUBLISH on a sentinel channel marks where that
 * line's messages end.
 */
class KeyspaceNotificationsIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair("--enable-debug-command", "yes");

    private static final Pattern WORD = Pattern.compile("\"([^\"]*)\"|(\\S+)");
    private static final String SENTINEL = "corpus-sentinel";

    private static List<String> corpus() throws IOException {
        Path p = Path.of("..", "server", "src", "test", "resources", "notifications", "corpus.txt");
        return Files.readAllLines(p, StandardCharsets.ISO_8859_1);
    }

    private static String[] words(String line) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(line);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return out.toArray(new String[0]);
    }

    /** A pmessage frame's channel and message, or the sentinel's channel name. */
    private static String[] pmessage(String frame) {
        String[] parts = frame.split("\r\n");
        // *4 / >4, $8, pmessage, $n, pattern, $n, channel, $n, message
        return new String[] {parts[6], parts[8]};
    }

    private static String transcript(ServerProcess s, boolean resp3) throws Exception {
        StringBuilder out = new StringBuilder();
        try (RawConnection sub = new RawConnection(s.port());
             RawConnection cmd = new RawConnection(s.port());
             RawConnection ctl = new RawConnection(s.port())) {
            if (resp3) {
                sub.call("HELLO", "3");
            }
            sub.send("PSUBSCRIBE", "__key*__:*", SENTINEL);
            sub.readReply();
            sub.readReply();
            for (String line : corpus()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                out.append("> ").append(line).append('\n');
                if (line.startsWith("!sleep")) {
                    Thread.sleep(Long.parseLong(line.substring(7).trim()));
                } else if (line.equals("!active")) {
                    // The one key due goes at the cron's next expiry cycle, which a busy machine may run late.
                    String before = Waits.field(ctl.call("INFO", "stats"), "expired_keys");
                    ctl.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
                    Waits.until("an active expiry", 15_000,
                            () -> !before.equals(Waits.field(ctl.call("INFO", "stats"), "expired_keys")));
                    ctl.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
                } else {
                    cmd.call(words(line));
                }
                ctl.call("PUBLISH", SENTINEL, "x");
                while (true) {
                    String frame = sub.readReply();
                    assertTrue(frame.startsWith(resp3 ? ">4\r\n$8\r\npmessage" : "*4\r\n$8\r\npmessage"), frame);
                    String[] m = pmessage(frame);
                    if (m[0].equals(SENTINEL)) {
                        break;
                    }
                    out.append(m[0]).append('\t').append(m[1]).append('\n');
                }
            }
            cmd.call("CONFIG", "SET", "notify-keyspace-events", "");
            cmd.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
        }
        return out.toString();
    }

    @Test
    void subscribersSeeTheSameMessagesAsFromRedis() throws Exception {
        String redis = transcript(SERVERS.redis(), false);
        assertTrue(redis.split("\n").length > 700, "the corpus fires hundreds of messages");
        assertEquals(redis, transcript(SERVERS.cinnabar(), false));
    }

    @Test
    void resp3SubscribersGetPushFrames() throws Exception {
        assertEquals(transcript(SERVERS.redis(), true), transcript(SERVERS.cinnabar(), true));
    }

    /** Events while a blocked client is served: the push's, then the pop's (and del) for the waiter's db. */
    private static String blockedTranscript(ServerProcess s) throws Exception {
        StringBuilder out = new StringBuilder();
        try (RawConnection sub = new RawConnection(s.port());
             RawConnection cmd = new RawConnection(s.port());
             RawConnection waiter = new RawConnection(s.port())) {
            sub.send("PSUBSCRIBE", "__key*__:*", SENTINEL);
            sub.readReply();
            sub.readReply();
            cmd.call("FLUSHALL");
            cmd.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
            String[][] cases = {
                {"2", "BLPOP", "bl", "0"}, {"RPUSH", "bl", "a"},
                {"2", "BLMOVE", "bm", "dst", "RIGHT", "LEFT", "0"}, {"RPUSH", "bm", "a"},
                {"2", "BRPOPLPUSH", "bm", "bm", "0"}, {"LPUSH", "bm", "x"},
                {"2", "BZPOPMIN", "bz", "0"}, {"ZADD", "bz", "1", "a", "2", "b"},
                {"2", "BLMPOP", "0", "1", "bl2", "LEFT", "COUNT", "5"}, {"RPUSH", "bl2", "a", "b"},
                {"3", "BZMPOP", "0", "1", "bz2", "MAX", "COUNT", "5"}, {"ZADD", "bz2", "1", "a"},
            };
            for (int k = 0; k < cases.length; k += 2) {
                String[] block = cases[k];
                waiter.call("SELECT", block[0]);
                waiter.send(java.util.Arrays.copyOfRange(block, 1, block.length));
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (!cmd.call("INFO", "clients").contains("blocked_clients:1")) {
                    assertTrue(System.nanoTime() < deadline, "never blocked");
                    Thread.sleep(2);
                }
                cmd.call("SELECT", block[0]);
                out.append("> ").append(String.join(" ", cases[k + 1])).append('\n');
                cmd.call(cases[k + 1]);
                out.append("  ").append(waiter.readReply().replace("\r\n", " ")).append('\n');
                cmd.call("PUBLISH", SENTINEL, "x");
                while (true) {
                    String[] m = pmessage(sub.readReply());
                    if (m[0].equals(SENTINEL)) {
                        break;
                    }
                    out.append(m[0]).append('\t').append(m[1]).append('\n');
                }
            }
            cmd.call("CONFIG", "SET", "notify-keyspace-events", "");
        }
        return out.toString();
    }

    @Test
    void servingBlockedClientsFiresThePopsEvents() throws Exception {
        String redis = blockedTranscript(SERVERS.redis());
        assertTrue(redis.contains("lpop"), redis);
        assertEquals(redis, blockedTranscript(SERVERS.cinnabar()));
    }
}
