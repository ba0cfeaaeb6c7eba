package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
 * HyperLogLogs move between Cinnabar and redis-server as plain strings: the bytes one server
 * builds (GET) are the bytes the other builds from the same elements, and either server counts,
 * extends and merges the other's values (SET) with the same results, sparse and dense, up to
 * large cardinalities; corrupt values get the same errors.
 */
class HllInteropIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair();

    private static byte[] get(RawConnection c, String key) throws IOException {
        String r = c.call("GET", key);
        assertTrue(r.startsWith("$"), r);
        int nl = r.indexOf("\r\n");
        int len = Integer.parseInt(r.substring(1, nl));
        return r.substring(nl + 2, nl + 2 + len).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String setValue(RawConnection c, String key, byte[] value) throws IOException {
        c.send("SET".getBytes(StandardCharsets.US_ASCII), key.getBytes(StandardCharsets.US_ASCII), value);
        return c.readReply();
    }

    private static void pfadd(RawConnection c, String key, List<String> elements) throws IOException {
        for (int i = 0; i < elements.size(); i += 500) {
            List<String> cmd = new ArrayList<>(List.of("PFADD", key));
            cmd.addAll(elements.subList(i, Math.min(elements.size(), i + 500)));
            String r = c.call(cmd.toArray(new String[0]));
            assertTrue(r.equals(":0\r\n") || r.equals(":1\r\n"), r);
        }
    }

    @Test
    void bytesMoveBothWaysAtEveryCardinality() throws IOException {
        Random random = new Random(42);
        int[] cards = {0, 1, 3, 40, 300, 1000, 3000, 20_000, 150_000};
        try (RawConnection redis = new RawConnection(SERVERS.redis().port());
                RawConnection cin = new RawConnection(SERVERS.cinnabar().port())) {
            for (RawConnection c : List.of(redis, cin)) {
                c.call("FLUSHALL");
            }
            for (int card : cards) {
                List<String> elements = new ArrayList<>();
                for (int i = 0; i < card; i++) {
                    elements.add("el:" + random.nextLong());
                }
                String key = "h" + card;
                if (card == 0) {
                    assertEquals(redis.call("PFADD", key), cin.call("PFADD", key));
                }
                pfadd(redis, key, elements);
                pfadd(cin, key, elements);
                byte[] fromRedis = get(redis, key);
                byte[] fromCin = get(cin, key);
                assertArrayEquals(fromRedis, fromCin, "the same elements give the same bytes, card " + card);
                assertEquals(redis.call("PFDEBUG", "ENCODING", key), cin.call("PFDEBUG", "ENCODING", key));

                // Cinnabar's bytes into Redis, Redis's into Cinnabar: the same counts.
                assertEquals("+OK\r\n", setValue(redis, "fromcin" + card, fromCin));
                assertEquals("+OK\r\n", setValue(cin, "fromredis" + card, fromRedis));
                String count = redis.call("PFCOUNT", key);
                assertEquals(count, redis.call("PFCOUNT", "fromcin" + card));
                assertEquals(count, cin.call("PFCOUNT", "fromredis" + card));
                assertEquals(count, cin.call("PFCOUNT", key));
                // The cached estimate written by PFCOUNT is the same too.
                assertArrayEquals(get(redis, "fromcin" + card), get(cin, "fromredis" + card));

                // Extending the imported values keeps them identical.
                List<String> more = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    more.add("more:" + random.nextInt(1000));
                }
                pfadd(redis, "fromcin" + card, more);
                pfadd(cin, "fromredis" + card, more);
                assertArrayEquals(get(redis, "fromcin" + card), get(cin, "fromredis" + card));
            }
            // Merging across: the union of everything, sparse and dense mixed.
            List<String> keys = new ArrayList<>(List.of("PFMERGE", "all"));
            for (int card : cards) {
                keys.add("h" + card);
            }
            assertEquals(redis.call(keys.toArray(new String[0])), cin.call(keys.toArray(new String[0])));
            assertArrayEquals(get(redis, "all"), get(cin, "all"));
            keys.set(0, "PFCOUNT");
            keys.remove(1);
            assertEquals(redis.call(keys.toArray(new String[0])), cin.call(keys.toArray(new String[0])));
            byte[] merged = get(cin, "all");
            assertEquals("+OK\r\n", setValue(redis, "all2", merged));
            assertEquals(redis.call("PFCOUNT", "all"), redis.call("PFCOUNT", "all2"));
        }
    }

    /**
     * A sparse body whose runs cover more than the 16384 registers: full runs of zeros, then a
     * run of any kind. Redis's fix for CVE-2025-32023 rejects these in every reader.
     */
    private static byte[] overrun(Random random, byte[] base) {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(base, 0, 16);
        int xzeros = 1 + random.nextInt(3);
        for (int k = 0; k < xzeros; k++) {
            body.write(0x7f);
            body.write(0xff);
        }
        int kind = random.nextInt(3);
        body.write(kind == 0 ? random.nextInt(64) : kind == 1 ? 0x40 | random.nextInt(64) : 0x80 | random.nextInt(128));
        if (kind == 1) {
            body.write(random.nextInt(256));
        }
        return body.toByteArray();
    }

    @Test
    void corruptValuesGetTheSameErrors() throws IOException {
        Random random = new Random(9);
        try (RawConnection redis = new RawConnection(SERVERS.redis().port());
                RawConnection cin = new RawConnection(SERVERS.cinnabar().port())) {
            for (RawConnection c : List.of(redis, cin)) {
                c.call("FLUSHALL");
                c.call("PFADD", "base", "a", "b", "c", "d", "e");
            }
            byte[] base = get(cin, "base");
            for (int i = 0; i < 1500; i++) {
                byte[] v = base.clone();
                int flips = 1 + random.nextInt(3);
                for (int f = 0; f < flips; f++) {
                    int at = 16 + random.nextInt(v.length - 16);
                    v[at] = (byte) random.nextInt(256);
                }
                if (random.nextInt(4) == 0) {
                    v = java.util.Arrays.copyOf(v, 16 + random.nextInt(v.length - 15));
                }
                if (i % 10 == 0) {
                    v = overrun(random, base);
                }
                for (RawConnection c : List.of(redis, cin)) {
                    assertEquals("+OK\r\n", setValue(c, "bad", v));
                }
                for (String[] cmd : new String[][] {
                        {"PFCOUNT", "bad"}, {"PFCOUNT", "bad", "base"}, {"PFADD", "bad", "x" + i, "y", "z"},
                        {"PFMERGE", "dst", "bad"}, {"PFDEBUG", "DECODE", "bad"}, {"PFDEBUG", "TODENSE", "bad"}}) {
                    assertEquals(redis.call(cmd), cin.call(cmd), String.join(" ", cmd) + " on corrupt value #" + i);
                }
                assertArrayEquals(get(redis, "bad"), get(cin, "bad"), "value #" + i);
            }
            assertEquals("+PONG\r\n", cin.call("PING"));
        }
    }
}
