package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ConnectionCommandsTest {
    private static final String AUTH_WITHOUT_PASSWORD = "-ERR AUTH <password> called without any password "
            + "configured for the default user. Are you sure your configuration is correct?\r\n";
    private static final String WRONGPASS = "-WRONGPASS invalid username-password pair or user is disabled.\r\n";
    private static final String HELLO_NOAUTH = "-NOAUTH HELLO must be called with the client already authenticated, "
            + "otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select "
            + "the RESP protocol version at the same time\r\n";
    private static final String NOAUTH = "-NOAUTH Authentication required.\r\n";

    private final EngineHarness h = new EngineHarness();

    static String hello2(long id) {
        return "*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:2\r\n"
                + "$2\r\nid\r\n:" + id + "\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
                + "$7\r\nmodules\r\n*0\r\n";
    }

    static String hello3(long id) {
        return "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n"
                + "$2\r\nid\r\n:" + id + "\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
                + "$7\r\nmodules\r\n*0\r\n";
    }

    @Test
    void pingAndEcho() {
        assertEquals("+PONG\r\n", h.call("PING"));
        assertEquals("$5\r\nhello\r\n", h.call("ping", "hello"));
        assertEquals("$0\r\n\r\n", h.call("PING", ""));
        assertEquals("-ERR wrong number of arguments for 'ping' command\r\n", h.call("PING", "a", "b"));
        assertEquals("$3\r\na b\r\n", h.call("ECHO", "a b"));
        assertEquals("-ERR wrong number of arguments for 'echo' command\r\n", h.call("ECHO"));
        assertEquals("-ERR wrong number of arguments for 'echo' command\r\n", h.call("ECHO", "a", "b"));
    }

    @Test
    void inlinePing() {
        assertEquals("+PONG\r\n", h.send("PING\r\n"));
    }

    @Test
    void selectSwitchesDatabaseAndChecksTheIndex() {
        assertEquals("+OK\r\n", h.call("SET", "k", "v0"));
        assertEquals("+OK\r\n", h.call("SELECT", "3"));
        assertEquals("$-1\r\n", h.call("GET", "k"));
        assertEquals(3, h.client.db().id);
        assertEquals("-ERR DB index is out of range\r\n", h.call("SELECT", "16"));
        assertEquals("-ERR DB index is out of range\r\n", h.call("SELECT", "-1"));
        assertEquals("-ERR value is not an integer or out of range\r\n", h.call("SELECT", "x"));
        assertEquals("-ERR value is not an integer or out of range\r\n", h.call("SELECT", "01"));
        assertEquals("-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
                h.call("SELECT", "2147483648"));
        assertEquals(3, h.client.db().id);
        assertEquals("+OK\r\n", h.call("SELECT", "0"));
        assertEquals("$2\r\nv0\r\n", h.call("GET", "k"));
    }

    @Test
    void quitRepliesThenStopsReadingTheConnection() {
        assertEquals("+OK\r\n", h.send("*1\r\n$4\r\nQUIT\r\n*1\r\n$4\r\nPING\r\n"));
        assertTrue(h.client.has(Client.CLOSE_AFTER_REPLY));
    }

    @Test
    void quitAcceptsArguments() {
        assertEquals("+OK\r\n", h.call("quit", "a", "b"));
        assertTrue(h.client.has(Client.CLOSE_AFTER_REPLY));
    }

    @Test
    void authWithoutAConfiguredPassword() {
        assertEquals("-ERR wrong number of arguments for 'auth' command\r\n", h.call("AUTH"));
        assertEquals(AUTH_WITHOUT_PASSWORD, h.call("AUTH", "x"));
        assertEquals(AUTH_WITHOUT_PASSWORD, h.call("AUTH", "default"));
        // The default user needs no password, so any password is right for it.
        assertEquals("+OK\r\n", h.call("AUTH", "default", "anything"));
        assertEquals(WRONGPASS, h.call("AUTH", "Default", "anything"));
        assertEquals(WRONGPASS, h.call("AUTH", "bob", "anything"));
        assertEquals("-ERR syntax error\r\n", h.call("AUTH", "a", "b", "c"));
    }

    @Test
    void helloWithoutVersionReportsTheCurrentProtocol() {
        long id = h.client.id;
        assertEquals(hello2(id), h.call("HELLO"));
        assertEquals(hello3(id), h.call("HELLO", "3"));
        assertEquals(3, h.client.protocol());
        assertEquals(hello3(id), h.call("hello"));
        assertEquals("_\r\n", h.call("GET", "missing"));
        assertEquals(hello2(id), h.call("HELLO", "2"));
        assertEquals("$-1\r\n", h.call("GET", "missing"));
    }

    @Test
    void helloVersionErrors() {
        assertEquals("-NOPROTO unsupported protocol version\r\n", h.call("HELLO", "1"));
        assertEquals("-NOPROTO unsupported protocol version\r\n", h.call("HELLO", "4"));
        assertEquals("-NOPROTO unsupported protocol version\r\n", h.call("HELLO", "-3"));
        assertEquals("-NOPROTO unsupported protocol version\r\n", h.call("HELLO", "1", "SETNAME", "x"));
        assertEquals("-ERR Protocol version is not an integer or out of range\r\n", h.call("HELLO", "x"));
        assertEquals("-ERR Protocol version is not an integer or out of range\r\n", h.call("HELLO", "03"));
        assertEquals("-ERR Protocol version is not an integer or out of range\r\n",
                h.call("HELLO", "99999999999999999999"));
        assertEquals("-ERR Protocol version is not an integer or out of range\r\n", h.call("HELLO", "AUTH", "a", "b"));
        assertEquals(2, h.client.protocol());
    }

    @Test
    void helloOptionErrors() {
        assertEquals("-ERR Syntax error in HELLO option 'foo'\r\n", h.call("HELLO", "3", "foo"));
        assertEquals("-ERR Syntax error in HELLO option 'setname'\r\n", h.call("HELLO", "3", "setname"));
        assertEquals("-ERR Syntax error in HELLO option 'AUTH'\r\n", h.call("HELLO", "3", "AUTH", "default"));
        assertEquals("-ERR Syntax error in HELLO option 'a'\r\n", h.call("HELLO", "3", "a\0b"));
        assertEquals("-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
                h.call("HELLO", "3", "SETNAME", "a b"));
        assertEquals(WRONGPASS, h.call("HELLO", "3", "AUTH", "bob", "x"));
        assertEquals(2, h.client.protocol());
    }

    @Test
    void helloAppliesOptionsInOrderEvenWhenALaterOneFails() {
        assertEquals(WRONGPASS, h.call("HELLO", "3", "SETNAME", "first", "AUTH", "bob", "x"));
        assertEquals("$5\r\nfirst\r\n", h.call("CLIENT", "GETNAME"));
        assertEquals("-ERR Syntax error in HELLO option 'x'\r\n", h.call("HELLO", "3", "SETNAME", "second", "x"));
        assertEquals("$6\r\nsecond\r\n", h.call("CLIENT", "GETNAME"));
        assertEquals(2, h.client.protocol());
        assertEquals(hello3(h.client.id), h.call("HELLO", "3", "SETNAME", "a", "SETNAME", "b"));
        assertEquals("$1\r\nb\r\n", h.call("CLIENT", "GETNAME"));
        assertEquals(hello2(h.client.id), h.call("HELLO", "2", "SETNAME", ""));
        assertEquals("$-1\r\n", h.call("CLIENT", "GETNAME"));
    }

    @Test
    void resetRestoresANewConnectionsState() {
        h.call("HELLO", "3", "SETNAME", "named");
        h.call("SELECT", "4");
        h.call("CLIENT", "SETINFO", "LIB-NAME", "mylib");
        assertEquals("+RESET\r\n", h.call("RESET"));
        assertEquals(2, h.client.protocol());
        assertEquals(0, h.client.db().id);
        assertEquals("$-1\r\n", h.call("CLIENT", "GETNAME"));
        // The library is still the same one.
        assertEquals("mylib", h.client.libName);
        assertTrue(h.client.authenticated);
        assertEquals("-ERR wrong number of arguments for 'reset' command\r\n", h.call("RESET", "x"));
    }

    @Nested
    class WithPassword {
        private final EngineHarness p = new EngineHarness(config("s3cret"));

        private ServerConfig config(String pass) {
            ServerConfig c = new ServerConfig();
            c.requirePass = pass;
            return c;
        }

        @Test
        void commandsAreRefusedUntilAuth() {
            assertEquals(NOAUTH, p.call("PING"));
            assertEquals(NOAUTH, p.call("GET", "k"));
            assertEquals(NOAUTH, p.call("CLIENT", "ID"));
            assertEquals(NOAUTH, p.call("SELECT", "1"));
            // Unknown commands and bad arity are answered before the authentication check.
            assertEquals("-ERR unknown command 'nosuch', with args beginning with: \r\n", p.call("nosuch"));
            assertEquals("-ERR wrong number of arguments for 'get' command\r\n", p.call("GET"));
            assertEquals(WRONGPASS, p.call("AUTH", "wrong"));
            assertEquals(WRONGPASS, p.call("AUTH", "default"));
            assertEquals(WRONGPASS, p.call("AUTH", "bob", "s3cret"));
            assertEquals(WRONGPASS, p.call("AUTH", "default", "S3CRET"));
            assertEquals("-ERR syntax error\r\n", p.call("AUTH", "a", "b", "c"));
            assertFalse(p.client.authenticated);
            assertEquals("+OK\r\n", p.call("AUTH", "s3cret"));
            assertEquals("+PONG\r\n", p.call("PING"));
        }

        @Test
        void authWithUserName() {
            assertEquals("+OK\r\n", p.call("AUTH", "default", "s3cret"));
            assertEquals("+PONG\r\n", p.call("PING"));
        }

        @Test
        void aFailedAuthKeepsAnEarlierSuccess() {
            assertEquals("+OK\r\n", p.call("AUTH", "s3cret"));
            assertEquals(WRONGPASS, p.call("AUTH", "wrong"));
            assertEquals("+PONG\r\n", p.call("PING"));
        }

        @Test
        void helloNeedsAuthentication() {
            assertEquals(HELLO_NOAUTH, p.call("HELLO"));
            assertEquals(HELLO_NOAUTH, p.call("HELLO", "3"));
            assertEquals(2, p.client.protocol());
            assertEquals(WRONGPASS, p.call("HELLO", "3", "AUTH", "default", "nope"));
            // Errors that come before the authentication check keep their own text.
            assertEquals("-NOPROTO unsupported protocol version\r\n", p.call("HELLO", "4"));
            assertEquals("-ERR Syntax error in HELLO option 'x'\r\n", p.call("HELLO", "3", "x"));
            assertEquals(hello3(p.client.id), p.call("HELLO", "3", "AUTH", "default", "s3cret"));
            assertEquals("+PONG\r\n", p.call("PING"));
        }

        @Test
        void helloSetnameBeforeAuthenticationStillNamesTheConnection() {
            assertEquals(HELLO_NOAUTH, p.call("HELLO", "3", "SETNAME", "early"));
            assertEquals("+OK\r\n", p.call("AUTH", "s3cret"));
            assertEquals("$5\r\nearly\r\n", p.call("CLIENT", "GETNAME"));
        }

        @Test
        void resetLogsTheConnectionOut() {
            assertEquals("+OK\r\n", p.call("AUTH", "s3cret"));
            assertEquals("+RESET\r\n", p.call("RESET"));
            assertEquals(NOAUTH, p.call("PING"));
            assertFalse(p.client.authenticated);
        }

        @Test
        void quitWorksWithoutAuthentication() {
            assertEquals("+OK\r\n", p.call("QUIT"));
            assertTrue(p.client.has(Client.CLOSE_AFTER_REPLY));
        }

        @Test
        void unauthenticatedConnectionsHaveLowerProtocolLimits() {
            assertEquals("-ERR Protocol error: unauthenticated multibulk length\r\n", p.send("*11\r\n"));
            assertTrue(p.client.has(Client.CLOSE_AFTER_REPLY));

            Client bulk = p.newClient();
            assertEquals("-ERR Protocol error: unauthenticated bulk length\r\n",
                    p.send(bulk, "*2\r\n$4\r\nAUTH\r\n$16385\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));

            Client authed = p.newClient();
            assertEquals("+OK\r\n", p.call(authed, "AUTH", "s3cret"));
            String[] mget = new String[12];
            mget[0] = "ECHO";
            java.util.Arrays.fill(mget, 1, 12, "x");
            assertEquals("-ERR wrong number of arguments for 'echo' command\r\n", p.call(authed, mget));
            assertFalse(authed.has(Client.CLOSE_AFTER_REPLY));
        }
    }
}
