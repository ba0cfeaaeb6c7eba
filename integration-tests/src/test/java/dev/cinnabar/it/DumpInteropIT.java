package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DUMP payloads move both ways between Cinnabar and redis-server: the same commands build the
 * same value on both; each server's DUMP is RESTOREd on the other, and the copy has the
 * original's DEBUG DIGEST-VALUE and encoding. Values of every type and encoding are made at
 * random sizes across the thresholds, under several list layouts (node sizes, compression depth,
 * plain nodes), the last with sanitize-dump-payload yes.
 */
class DumpInteropIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair("--enable-debug-command", "yes");

    private static byte[] bulk(String reply) {
        assertTrue(reply.startsWith("$"), reply);
        int nl = reply.indexOf("\r\n");
        int len = Integer.parseInt(reply.substring(1, nl));
        return reply.substring(nl + 2, nl + 2 + len).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String restore(RawConnection c, String key, byte[] payload) throws IOException {
        c.send(b("RESTORE"), b(key), b("0"), payload);
        return c.readReply();
    }

    /** A Lua script building one value of {@code kind} with {@code n} elements from seed {@code seed}. */
    private static String script(String kind, int n, int seed, boolean longOnes) {
        String pad = longOnes ? "string.rep('p', (i * 7) % 90)" : "''";
        switch (kind) {
            case "string":
                return "redis.call('set', KEYS[1], string.rep('s' .. " + seed + ", " + n + " % 50)) "
                        + "if " + n + " % 3 == 0 then redis.call('set', KEYS[1], '" + (long) n * 1_000_003 + "') end "
                        + "if " + n + " % 5 == 0 then redis.call('append', KEYS[1], 'tail') end";
            case "list":
                return "for i = 1, " + n + " do redis.call(i % 3 == 0 and 'lpush' or 'rpush', KEYS[1], "
                        + "(i % 4 == 0) and i * " + seed + " or ('e' .. i .. " + pad + ")) end";
            case "set":
                return "for i = 1, " + n + " do redis.call('sadd', KEYS[1], "
                        + (longOnes ? "'m' .. i .. " + pad : "i * " + seed + " - 300") + ") end";
            case "hash":
                return "for i = 1, " + n + " do redis.call('hset', KEYS[1], 'f' .. i, (i % 2 == 0) and i or ('v' .. "
                        + pad + ")) end";
            case "zset":
                return "for i = 1, " + n + " do redis.call('zadd', KEYS[1], (i * " + seed + ") % 17 / 3, 'm' .. i .. "
                        + pad + ") end";
            default:
                return "for i = 1, " + n + " do redis.call('xadd', KEYS[1], i .. '-' .. (i % 3), 'f', i, 'g', "
                        + pad + ") if i % 7 == 0 then redis.call('xdel', KEYS[1], (i - 3) .. '-' .. ((i - 3) % 3)) end "
                        + "end if " + n + " > 2 then redis.call('xgroup', 'create', KEYS[1], 'g', '0') "
                        + "redis.call('xreadgroup', 'group', 'g', 'c1', 'count', 2, 'streams', KEYS[1], '>') end";
        }
    }

    @Test
    void payloadsMoveBothWaysForEveryTypeAndEncoding() throws IOException {
        Random r = new Random(1607);
        String[] kinds = {"string", "list", "set", "hash", "zset", "stream"};
        String[][] layouts = {
            {"list-max-listpack-size", "-2", "list-compress-depth", "0"},
            {"list-max-listpack-size", "5", "list-compress-depth", "1"},
            {"list-max-listpack-size", "-1", "list-compress-depth", "2", "sanitize-dump-payload", "yes"},
        };
        try (RawConnection redis = new RawConnection(SERVERS.redis().port());
                RawConnection cin = new RawConnection(SERVERS.cinnabar().port())) {
            List<RawConnection> both = List.of(redis, cin);
            for (RawConnection c : both) {
                assertEquals("+OK\r\n", c.call("FLUSHALL"));
            }
            int made = 0;
            for (String[] layout : layouts) {
                for (RawConnection c : both) {
                    List<String> set = new ArrayList<>(List.of("CONFIG", "SET"));
                    set.addAll(List.of(layout));
                    assertEquals("+OK\r\n", c.call(set.toArray(new String[0])));
                }
                for (int round = 0; round < 40; round++) {
                    String kind = kinds[round % kinds.length];
                    int n = 1 + (r.nextInt(4) == 0 ? r.nextInt(1500) : r.nextInt(140));
                    boolean longOnes = r.nextInt(3) == 0;
                    boolean plain = kind.equals("list") && r.nextInt(4) == 0;
                    String key = kind + made++;
                    String script = script(kind, n, 1 + r.nextInt(5), longOnes);
                    for (RawConnection c : both) {
                        if (plain) {
                            c.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "30");
                        }
                        String reply = c.call("EVAL", script, "1", key);
                        assertTrue(!reply.startsWith("-"), kind + ": " + reply);
                        if (plain) {
                            c.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0");
                        }
                    }
                    String encoding = redis.call("OBJECT", "ENCODING", key);
                    assertEquals(encoding, cin.call("OBJECT", "ENCODING", key), key);
                    String digest = redis.call("DEBUG", "DIGEST-VALUE", key);
                    assertEquals(digest, cin.call("DEBUG", "DIGEST-VALUE", key), key);
                    byte[] fromRedis = bulk(redis.call("DUMP", key));
                    byte[] fromCinnabar = bulk(cin.call("DUMP", key));
                    // Redis's payload into Cinnabar, Cinnabar's into Redis
                    assertEquals("+OK\r\n", restore(cin, key + ":r", fromRedis), key);
                    assertEquals("+OK\r\n", restore(redis, key + ":c", fromCinnabar), key);
                    assertEquals(digest, cin.call("DEBUG", "DIGEST-VALUE", key + ":r"), key);
                    assertEquals(digest, redis.call("DEBUG", "DIGEST-VALUE", key + ":c"), key);
                    String copyEncoding = redis.call("OBJECT", "ENCODING", key + ":c");
                    assertEquals(copyEncoding, cin.call("OBJECT", "ENCODING", key + ":r"), key);
                    if (!kind.equals("string")) {
                        // a string comes back as tryObjectEncoding makes it (an appended one is raw no more)
                        assertEquals(encoding, copyEncoding, key);
                    }
                    if (kind.equals("stream")) {
                        assertEquals(cin.call("XINFO", "STREAM", key, "FULL"),
                                redis.call("XINFO", "STREAM", key + ":c", "FULL").replace(key + ":c", key));
                    }
                    // Deterministic encodings give the same bytes on both servers.
                    if (!encoding.contains("hashtable") && !encoding.contains("skiplist") && !kind.equals("stream")) {
                        assertEquals(new String(fromRedis, StandardCharsets.ISO_8859_1),
                                new String(fromCinnabar, StandardCharsets.ISO_8859_1), key + " " + encoding);
                    }
                }
            }
            assertEquals(3 * 40, made);
            List<String> config = new ArrayList<>(List.of("CONFIG", "SET", "list-max-listpack-size", "-2",
                    "list-compress-depth", "0", "sanitize-dump-payload", "no"));
            for (RawConnection c : both) {
                c.call(config.toArray(new String[0]));
            }
        }
    }
}
