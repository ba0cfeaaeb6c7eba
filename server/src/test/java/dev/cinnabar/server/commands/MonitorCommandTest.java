package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

class MonitorCommandTest {
    private final EngineHarness h = new EngineHarness();
    private final Client m = h.newClient();

    /** The manual clock's time as MONITOR prints it. */
    private String stamp() {
        long micros = h.clock.millis() * 1000;
        return String.format("+%d.%06d", micros / 1_000_000, micros % 1_000_000);
    }

    @Test
    void showsOtherClientsCommandsAfterTheyRan() {
        assertEquals("+OK\r\n", h.call(m, "MONITOR"));
        h.call("SET", "k", "v");
        h.call("SELECT", "3");
        assertEquals(stamp() + " [0 127.0.0.1:40000] \"SET\" \"k\" \"v\"\r\n"
                + stamp() + " [3 127.0.0.1:40000] \"SELECT\" \"3\"\r\n", h.drain(m));
    }

    @Test
    void argumentsAreQuotedLikeSdscatrepr() {
        h.call(m, "MONITOR");
        h.call("ECHO", "a\"b\\c\n\r\t\u0007\b\u0001\u007f ~");
        h.call("ECHO", "");
        String out = h.drain(m);
        assertTrue(out.endsWith(" \"ECHO\" \"a\\\"b\\\\c\\n\\r\\t\\a\\b\\x01\\x7f ~\"\r\n"
                + stamp() + " [0 127.0.0.1:40000] \"ECHO\" \"\"\r\n"), out);
        h.call("ECHO", "\u00e9");
        assertTrue(h.drain(m).endsWith(" \"ECHO\" \"\\xc3\\xa9\"\r\n"));
    }

    @Test
    void refusedAndAdministrativeCommandsAreNotShown() {
        h.call(m, "MONITOR");
        h.call("GET");
        h.call("NOSUCH");
        h.call("CONFIG", "GET", "port");
        h.call("CLIENT", "LIST");
        h.call("CLIENT", "ID");
        String out = h.drain(m);
        assertEquals(stamp() + " [0 127.0.0.1:40000] \"CLIENT\" \"ID\"\r\n", out);
    }

    @Test
    void credentialsAreRedacted() {
        h.call(m, "MONITOR");
        h.call("AUTH", "secret");
        h.call("AUTH", "default", "secret");
        h.call("HELLO", "2", "AUTH", "default", "secret", "SETNAME", "n");
        h.call("AUTH", "a", "b", "c");
        String out = h.drain(m);
        assertTrue(out.contains("\"AUTH\" \"(redacted)\"\r\n"), out);
        assertTrue(out.contains("\"AUTH\" \"(redacted)\" \"(redacted)\"\r\n"), out);
        assertTrue(out.contains("\"HELLO\" \"2\" \"AUTH\" \"(redacted)\" \"(redacted)\" \"SETNAME\" \"n\"\r\n"), out);
        // A syntax error comes before the redaction, as in Redis.
        assertTrue(out.contains("\"AUTH\" \"a\" \"b\" \"c\"\r\n"), out);
    }

    @Test
    void aMonitorMayNotTouchTheKeyspace() {
        h.call(m, "MONITOR");
        assertEquals("-ERR Replica can't interact with the keyspace\r\n", h.call(m, "GET", "x"));
        assertEquals("-ERR Replica can't interact with the keyspace\r\n", h.call(m, "SET", "x", "1"));
        assertEquals("+PONG\r\n" + stamp() + " [0 127.0.0.1:40000] \"PING\"\r\n", h.call(m, "PING"));
        // Asking again changes nothing and answers nothing.
        assertEquals("", h.call(m, "MONITOR"));
        assertEquals("+RESET\r\n", h.call(m, "RESET"));
        assertEquals("$-1\r\n", h.call(m, "GET", "x"));
        h.call("PING");
        assertEquals("", h.drain(m));
    }

    @Test
    void listedWithFlagO() {
        h.call(m, "MONITOR");
        String list = h.call("CLIENT", "LIST", "ID", Long.toString(m.id));
        assertTrue(list.contains(" flags=O "), list);
        assertTrue(list.contains(" cmd=monitor "), list);
        assertEquals("-ERR wrong number of arguments for 'monitor' command\r\n", h.call("MONITOR", "x"));
    }
}
