package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerPair;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A sorted set's layout follows Redis's: after random sorted-set commands under several
 * listpack thresholds, DEBUG OBJECT (encoding and serializedlength, with rdbcompression on and
 * off: the listpack's own bytes, or the members and binary scores of the skiplist form) and
 * DEBUG DIGEST-VALUE agree with redis-server's for every key, as do the replies. Lex commands
 * only go to a key whose members share one score (elsewhere their result depends on Redis's
 * random skiplist levels).
 */
class ZSetLayoutIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair("--enable-debug-command", "yes");

    private static String strip(String debugObject) {
        return debugObject.replaceAll("Value at:0x[0-9a-f]+ ", "").replaceAll(" lru:\\d+ lru_seconds_idle:\\d+", "");
    }

    @Test
    void randomCommandsGiveTheSameLayout() throws IOException {
        int[][] thresholds = {{128, 64}, {4, 64}, {16, 10}, {0, 64}, {64, 3}};
        try (RawConnection redis = new RawConnection(SERVERS.redis().port());
                RawConnection cin = new RawConnection(SERVERS.cinnabar().port())) {
            try {
                for (int round = 0; round < thresholds.length * 2; round++) {
                    Random r = new Random(round);
                    int[] t = thresholds[round % thresholds.length];
                    for (RawConnection c : List.of(redis, cin)) {
                        c.call("FLUSHALL");
                        c.call("CONFIG", "SET", "zset-max-listpack-entries", Integer.toString(t[0]),
                                "zset-max-listpack-value", Integer.toString(t[1]));
                    }
                    for (int step = 0; step < 300; step++) {
                        String[] args = command(r).toArray(new String[0]);
                        assertEquals(redis.call(args), cin.call(args), "round " + round + " step " + step + ": "
                                + String.join(" ", args));
                        if (step % 10 == 9) {
                            for (String key : List.of("a", "b", "c", "l")) {
                                for (String compression : List.of("no", "yes")) {
                                    redis.call("CONFIG", "SET", "rdbcompression", compression);
                                    cin.call("CONFIG", "SET", "rdbcompression", compression);
                                    assertEquals(strip(redis.call("DEBUG", "OBJECT", key)),
                                            strip(cin.call("DEBUG", "OBJECT", key)), "round " + round + " step " + step
                                                    + " key " + key);
                                }
                                assertEquals(redis.call("DEBUG", "DIGEST-VALUE", key), cin.call("DEBUG", "DIGEST-VALUE", key));
                            }
                        }
                    }
                    assertEquals(redis.call("DEBUG", "DIGEST"), cin.call("DEBUG", "DIGEST"));
                }
            } finally {
                for (RawConnection c : List.of(redis, cin)) {
                    c.call("CONFIG", "SET", "zset-max-listpack-entries", "128", "zset-max-listpack-value", "64");
                    c.call("CONFIG", "SET", "rdbcompression", "yes");
                }
            }
        }
    }

    private static String member(Random r) {
        switch (r.nextInt(6)) {
            case 0:
                return Integer.toString(r.nextInt(300) - 50);
            case 1:
                return "long-member-" + "x".repeat(r.nextInt(30)) + r.nextInt(5);
            default:
                return (char) ('a' + r.nextInt(10)) + Integer.toString(r.nextInt(6));
        }
    }

    private static String score(Random r) {
        switch (r.nextInt(8)) {
            case 0:
                return List.of("inf", "-inf", "-0", "1e17", "4611686018427387904", "1e300").get(r.nextInt(6));
            case 1: case 2:
                return String.format("%.3f", r.nextDouble() * 10 - 5);
            default:
                return Integer.toString(r.nextInt(7) - 3);
        }
    }

    private static String bound(Random r) {
        return (r.nextInt(3) == 0 ? "(" : "") + score(r);
    }

    private static List<String> command(Random r) {
        String key = "abc".substring(r.nextInt(3)).substring(0, 1);
        List<String> c = new ArrayList<>();
        switch (r.nextInt(12)) {
            case 0: case 1: case 2: case 3:
                c.addAll(List.of("ZADD", key));
                if (r.nextInt(5) == 0) {
                    c.add(List.of("NX", "XX", "GT", "LT", "CH").get(r.nextInt(5)));
                }
                for (int i = r.nextInt(5); i >= 0; i--) {
                    c.add(score(r));
                    c.add(member(r));
                }
                break;
            case 4:
                c.addAll(List.of("ZINCRBY", key, score(r), member(r)));
                break;
            case 5:
                c.addAll(List.of("ZREM", key, member(r), member(r)));
                break;
            case 6:
                c.addAll(List.of("ZREMRANGEBYRANK", key, Integer.toString(r.nextInt(6) - 3), Integer.toString(r.nextInt(6) - 3)));
                break;
            case 7:
                c.addAll(List.of("ZREMRANGEBYSCORE", key, bound(r), bound(r)));
                break;
            case 8:
                c.addAll(List.of("ZADD", "l", "0", member(r), "0", member(r), "0", member(r)));
                break;
            case 9:
                c.addAll(List.of(r.nextBoolean() ? "ZREMRANGEBYLEX" : "ZLEXCOUNT", "l", "[" + member(r), r.nextBoolean() ? "+" : "(" + member(r)));
                break;
            case 10:
                c.addAll(List.of("ZRANGESTORE", "abc".substring(r.nextInt(3)).substring(0, 1), key, bound(r), bound(r), "BYSCORE"));
                break;
            default:
                c.addAll(List.of("ZRANGE", key, "0", "-1", "WITHSCORES"));
                break;
        }
        return c;
    }
}
