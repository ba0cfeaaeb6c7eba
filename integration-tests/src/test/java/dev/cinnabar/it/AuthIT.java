package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerPair;
import dev.cinnabar.it.support.ServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A server started with {@code --requirepass}: the authentication flow compared byte for byte
 * with a real redis-server configured the same way, and the way Jedis and Lettuce log in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthIT {
    private static final String PASSWORD = "s3cret pass";

    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair("--requirepass", PASSWORD);


    /** Runs the commands on a fresh connection to each server and compares every reply. */
    private void sameReplies(String[]... commands) throws IOException {
        try (RawConnection r = new RawConnection(SERVERS.redis().port()); RawConnection c = new RawConnection(SERVERS.cinnabar().port())) {
            for (String[] command : commands) {
                String where = String.join(" ", command);
                assertEquals(maskId(r.call(command)), maskId(c.call(command)), where);
            }
        }
    }

    /** HELLO's client id differs between the servers; everything else must not. */
    private static String maskId(String reply) {
        return reply.replaceAll("\\$2\r\nid\r\n:[0-9]+\r\n", "\\$2\r\nid\r\n:ID\r\n");
    }

    private static String[] cmd(String... args) {
        return args;
    }

    @Test
    void unauthenticatedCommandsAreRefused() throws IOException {
        sameReplies(
                cmd("PING"), cmd("GET", "k"), cmd("SET", "k", "v"), cmd("SELECT", "1"), cmd("CLIENT", "ID"),
                cmd("CLIENT", "GETNAME"), cmd("ECHO", "x"), cmd("DBSIZE"), cmd("INFO"), cmd("TIME"),
                cmd("nosuchcommand", "a"), cmd("GET"), cmd("CLIENT"), cmd("CLIENT", "nosuch"),
                cmd("PING"));
    }

    @Test
    void authForms() throws IOException {
        sameReplies(
                cmd("AUTH"), cmd("AUTH", "wrong"), cmd("AUTH", "default"), cmd("AUTH", "default", "wrong"),
                cmd("AUTH", "nobody", PASSWORD), cmd("AUTH", "DEFAULT", PASSWORD), cmd("AUTH", "a", "b", "c"),
                cmd("PING"), cmd("AUTH", PASSWORD), cmd("PING"), cmd("AUTH", "wrong"), cmd("PING"),
                cmd("AUTH", "default", PASSWORD), cmd("PING"));
    }

    @Test
    void helloFlow() throws IOException {
        sameReplies(
                cmd("HELLO"), cmd("HELLO", "3"), cmd("HELLO", "2", "SETNAME", "early"), cmd("HELLO", "4"),
                cmd("HELLO", "x"), cmd("HELLO", "3", "foo"), cmd("HELLO", "3", "AUTH", "default"),
                cmd("HELLO", "3", "AUTH", "default", "wrong"), cmd("HELLO", "3", "AUTH", "nobody", PASSWORD),
                cmd("PING"), cmd("HELLO", "3", "AUTH", "default", PASSWORD, "SETNAME", "authed"),
                cmd("CLIENT", "GETNAME"), cmd("GET", "missing"), cmd("HELLO"), cmd("HELLO", "2"),
                cmd("GET", "missing"));
    }

    @Test
    void aNameSetByAFailedHelloSurvives() throws IOException {
        sameReplies(cmd("HELLO", "3", "SETNAME", "early"), cmd("AUTH", PASSWORD), cmd("CLIENT", "GETNAME"));
    }

    @Test
    void resetLogsOut() throws IOException {
        sameReplies(
                cmd("AUTH", PASSWORD), cmd("SELECT", "3"), cmd("HELLO", "3"), cmd("CLIENT", "SETNAME", "n"),
                cmd("RESET"), cmd("PING"), cmd("CLIENT", "GETNAME"), cmd("AUTH", PASSWORD), cmd("CLIENT", "GETNAME"),
                cmd("GET", "missing"), cmd("DBSIZE"));
    }

    @Test
    void quitNeedsNoAuthentication() throws IOException {
        for (ServerProcess s : List.of(SERVERS.redis(), SERVERS.cinnabar())) {
            try (RawConnection c = new RawConnection(s.port())) {
                assertEquals("+OK\r\n", c.call("QUIT"));
                assertTrue(c.closedByServer());
            }
        }
    }

    @Test
    void unauthenticatedClientsHaveSmallerProtocolLimits() throws IOException {
        List<String> requests = List.of("*11\r\n", "*2\r\n$4\r\nAUTH\r\n$16385\r\n", "*10\r\n$4\r\nPING\r\n");
        for (String request : requests) {
            List<String> seen = new ArrayList<>();
            for (ServerProcess s : List.of(SERVERS.redis(), SERVERS.cinnabar())) {
                try (RawConnection c = new RawConnection(s.port())) {
                    c.sendRaw(request);
                    if (request.startsWith("*10")) {
                        // Ten arguments are allowed: the server waits for the rest.
                        c.timeout(300);
                        seen.add(c.closedByServer() ? "closed" : "waiting");
                    } else {
                        seen.add(c.readReply() + (c.closedByServer() ? "closed" : "open"));
                    }
                }
            }
            assertEquals(seen.get(0), seen.get(1), request);
        }
    }

    @Test
    void authenticatedClientsGetTheNormalLimits() throws IOException {
        try (RawConnection c = new RawConnection(SERVERS.cinnabar().port())) {
            assertEquals("+OK\r\n", c.call("AUTH", PASSWORD));
            String[] big = new String[12];
            big[0] = "ECHO";
            for (int i = 1; i < big.length; i++) {
                big[i] = "k" + i;
            }
            c.send(big);
            String reply = c.readReply();
            assertTrue(!reply.contains("Protocol error"), reply);
            assertEquals("+PONG\r\n", c.call("PING"));
        }
    }

    private Jedis jedis(DefaultJedisClientConfig.Builder config) {
        return new Jedis(new HostAndPort("127.0.0.1", SERVERS.cinnabar().port()), config.timeoutMillis(10_000).build());
    }

    @Test
    void jedisLogsInWithEachProtocol() {
        for (RedisProtocol protocol : new RedisProtocol[] {null, RedisProtocol.RESP2, RedisProtocol.RESP3}) {
            DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder().password(PASSWORD)
                    .clientName("jedis-auth").database(2);
            if (protocol != null) {
                config.protocol(protocol);
            }
            try (Jedis j = jedis(config)) {
                assertEquals("PONG", j.ping(), String.valueOf(protocol));
                assertEquals("jedis-auth", j.clientGetname());
                assertEquals("OK", j.set("k", "v"));
                assertEquals(1, j.dbSize());
                j.flushDB();
            }
            try (Jedis j = jedis(DefaultJedisClientConfig.builder().user("default").password(PASSWORD))) {
                assertEquals("PONG", j.ping());
            }
        }
    }

    @Test
    void jedisSeesWrongAndMissingPasswords() {
        JedisDataException wrong = assertThrows(JedisDataException.class,
                () -> jedis(DefaultJedisClientConfig.builder().password("wrong")).ping());
        assertEquals("WRONGPASS invalid username-password pair or user is disabled.", wrong.getMessage());
        JedisDataException wrong3 = assertThrows(JedisDataException.class,
                () -> jedis(DefaultJedisClientConfig.builder().password("wrong").protocol(RedisProtocol.RESP3)).ping());
        assertEquals("WRONGPASS invalid username-password pair or user is disabled.", wrong3.getMessage());
        try (Jedis j = jedis(DefaultJedisClientConfig.builder())) {
            JedisDataException missing = assertThrows(JedisDataException.class, j::ping);
            assertEquals("NOAUTH Authentication required.", missing.getMessage());
            assertEquals("OK", j.auth(PASSWORD));
            assertEquals("PONG", j.ping());
        }
    }

    private RedisClient lettuce(RedisURI.Builder uri) {
        return RedisClient.create(uri.withHost("127.0.0.1").withPort(SERVERS.cinnabar().port())
                .withTimeout(Duration.ofSeconds(10)).build());
    }

    @Test
    void lettuceLogsInWithHello() {
        RedisClient client = lettuce(RedisURI.builder().withPassword(PASSWORD.toCharArray()).withClientName("lt"));
        try (StatefulRedisConnection<String, String> conn = client.connect()) {
            assertEquals("PONG", conn.sync().ping());
            assertEquals("lt", conn.sync().clientGetname());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void lettuceRefusesAWrongPassword() {
        RedisClient client = lettuce(RedisURI.builder().withPassword("wrong".toCharArray()));
        try {
            RedisConnectionException e = assertThrows(RedisConnectionException.class, client::connect);
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            assertTrue(root.getMessage().startsWith("WRONGPASS"), root.toString());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
