package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerPair;
import dev.cinnabar.it.support.ServerProcess;
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
                    ctl.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
                    Thread.sleep(300);
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
}
