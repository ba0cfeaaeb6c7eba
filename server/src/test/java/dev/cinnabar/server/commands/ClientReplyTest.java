package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** CLIENT REPLY, with the sequences checked byte for byte against redis-server 7.0. */
class ClientReplyTest {
    private final EngineHarness h = new EngineHarness();

    private static String resp(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString();
    }

    private String pipeline(String... requests) {
        return h.send(h.client, String.join("", requests).getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void offSilencesEverythingUntilOn() {
        assertEquals("+OK\r\n$5\r\nafter\r\n", pipeline(resp("CLIENT", "REPLY", "OFF"), resp("PING"), resp("GET"),
                resp("NOSUCH"), resp("CLIENT", "REPLY", "SKIP"), resp("CLIENT", "REPLY", "ON"), resp("PING", "after")));
    }

    @Test
    void skipDropsOnlyTheNextReply() {
        assertEquals("$1\r\nb\r\n", pipeline(resp("CLIENT", "REPLY", "SKIP"), resp("PING", "a"), resp("PING", "b")));
        assertEquals("$1\r\nb\r\n", pipeline(resp("CLIENT", "REPLY", "SKIP"), resp("CLIENT", "REPLY", "SKIP"),
                resp("PING", "a"), resp("PING", "b")));
        assertEquals("$1\r\nb\r\n", pipeline(resp("CLIENT", "REPLY", "SKIP"), resp("NOSUCH"), resp("PING", "b")));
        assertEquals("$1\r\nb\r\n", pipeline(resp("CLIENT", "REPLY", "SKIP"), resp("GET"), resp("PING", "b")));
    }

    @Test
    void anEmptyRequestUsesUpTheSkip() {
        assertEquals("$1\r\na\r\n$1\r\nb\r\n",
                pipeline(resp("CLIENT", "REPLY", "SKIP"), "\r\n", resp("PING", "a"), resp("PING", "b")));
    }

    @Test
    void resetTurnsRepliesBackOnButNotTheCurrentSkip() {
        assertEquals("+RESET\r\n$1\r\nb\r\n", pipeline(resp("CLIENT", "REPLY", "OFF"), resp("RESET"), resp("PING", "b")));
        assertEquals("$1\r\nb\r\n", pipeline(resp("CLIENT", "REPLY", "SKIP"), resp("RESET"), resp("PING", "b")));
    }

    @Test
    void skipWhileOffAndOffAfterSkip() {
        assertEquals("+OK\r\n", pipeline(resp("CLIENT", "REPLY", "OFF"), resp("CLIENT", "REPLY", "BAD"),
                resp("CLIENT", "REPLY", "ON")));
        assertEquals("+OK\r\n", pipeline(resp("CLIENT", "REPLY", "OFF"), resp("CLIENT", "REPLY", "SKIP"), resp("PING"),
                resp("CLIENT", "REPLY", "ON")));
        assertEquals("+OK\r\n", pipeline(resp("CLIENT", "REPLY", "SKIP"), resp("CLIENT", "REPLY", "OFF"), resp("PING"),
                resp("CLIENT", "REPLY", "ON")));
    }

    @Test
    void errors() {
        assertEquals("-ERR syntax error\r\n", h.call("CLIENT", "REPLY", "foo"));
        assertEquals("-ERR wrong number of arguments for 'client|reply' command\r\n", h.call("CLIENT", "REPLY"));
        assertEquals("-ERR wrong number of arguments for 'client|reply' command\r\n", h.call("CLIENT", "REPLY", "on", "x"));
    }
}
