package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

class ClientCommandsTest {
    private static final String BAD_NAME = "-ERR Client names cannot contain spaces, newlines or special characters.\r\n";

    private final EngineHarness h = new EngineHarness();

    @Test
    void idIsTheConnectionsOwn() {
        Client other = h.newClient();
        assertEquals(":" + h.client.id + "\r\n", h.call("CLIENT", "ID"));
        assertEquals(":" + other.id + "\r\n", h.call(other, "client", "id"));
        assertTrue(other.id > h.client.id);
        assertEquals("-ERR wrong number of arguments for 'client|id' command\r\n", h.call("CLIENT", "ID", "x"));
    }

    @Test
    void containerErrors() {
        assertEquals("-ERR wrong number of arguments for 'client' command\r\n", h.call("CLIENT"));
        assertEquals("-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n", h.call("CLIENT", "foo"));
        assertEquals("-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n", h.call("client", "foo", "bar"));
    }

    @Test
    void namesAreSetReadAndCleared() {
        assertEquals("$-1\r\n", h.call("CLIENT", "GETNAME"));
        assertEquals("+OK\r\n", h.call("CLIENT", "SETNAME", "worker-1"));
        assertEquals("$8\r\nworker-1\r\n", h.call("CLIENT", "GETNAME"));
        assertEquals("+OK\r\n", h.call("CLIENT", "SETNAME", "~!#"));
        assertEquals("$3\r\n~!#\r\n", h.call("CLIENT", "GETNAME"));
        assertEquals("+OK\r\n", h.call("CLIENT", "SETNAME", ""));
        assertEquals("$-1\r\n", h.call("CLIENT", "GETNAME"));
        h.call("HELLO", "3");
        assertEquals("_\r\n", h.call("CLIENT", "GETNAME"));
    }

    @Test
    void namesMustBePrintableAsciiWithoutSpaces() {
        h.call("CLIENT", "SETNAME", "kept");
        for (String bad : new String[] {"a b", " ", "a\nb", "a\rb", "a\tb", "a\0b", "a\u007f", "\u00e9"}) {
            assertEquals(BAD_NAME, h.call("CLIENT", "SETNAME", bad), bad);
        }
        assertEquals("$4\r\nkept\r\n", h.call("CLIENT", "GETNAME"));
        assertEquals("-ERR wrong number of arguments for 'client|setname' command\r\n", h.call("CLIENT", "SETNAME"));
        assertEquals("-ERR wrong number of arguments for 'client|setname' command\r\n",
                h.call("CLIENT", "SETNAME", "a", "b"));
        assertEquals("-ERR wrong number of arguments for 'client|getname' command\r\n",
                h.call("CLIENT", "GETNAME", "x"));
    }

    @Test
    void setinfoRecordsTheLibrary() {
        assertEquals("+OK\r\n", h.call("CLIENT", "SETINFO", "LIB-NAME", "jedis"));
        assertEquals("+OK\r\n", h.call("CLIENT", "SETINFO", "lib-ver", "8.0.2"));
        assertEquals("jedis", h.client.libName);
        assertEquals("8.0.2", h.client.libVersion);
        assertEquals("+OK\r\n", h.call("CLIENT", "SETINFO", "Lib-Name", ""));
        assertNull(h.client.libName);
        assertEquals("8.0.2", h.client.libVersion);
    }

    @Test
    void setinfoErrors() {
        assertEquals("-ERR Unrecognized option 'lib'\r\n", h.call("CLIENT", "SETINFO", "lib", "x"));
        assertEquals("-ERR LIB-NAME cannot contain spaces, newlines or special characters.\r\n",
                h.call("CLIENT", "SETINFO", "LIB-NAME", "my lib"));
        assertEquals("-ERR lib-ver cannot contain spaces, newlines or special characters.\r\n",
                h.call("CLIENT", "SETINFO", "lib-ver", "1.0\n"));
        assertEquals("-ERR wrong number of arguments for 'client|setinfo' command\r\n",
                h.call("CLIENT", "SETINFO", "LIB-NAME"));
        assertEquals("-ERR wrong number of arguments for 'client|setinfo' command\r\n",
                h.call("CLIENT", "SETINFO", "LIB-NAME", "a", "b"));
        assertNull(h.client.libName);
    }

    @Test
    void helpListsSubcommandsAsStatusLines() {
        String help = h.call("client", "help");
        assertTrue(help.startsWith("*48\r\n+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
                + "+CACHING (YES|NO)\r\n"), help);
        assertTrue(help.contains("+SETNAME <name>\r\n+    Assign the name <name> to the current connection.\r\n"), help);
        assertTrue(help.endsWith("+HELP\r\n+    Prints this help.\r\n"), help);
        assertEquals(48, help.split("\r\n").length - 1);
        assertEquals("-ERR wrong number of arguments for 'client|help' command\r\n", h.call("CLIENT", "HELP", "x"));
    }
}
