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
 * A list's node layout follows Redis's quicklist exactly: after random list commands under
 * several node sizes and compress depths, DEBUG OBJECT (serializedlength, with rdbcompression on
 * and off, and the ql_ fields: nodes, average fill, raw size) and DEBUG DIGEST-VALUE agree with
 * redis-server's for every key, as do the replies. The same with a 100-byte DEBUG
 * QUICKLIST-PACKED-THRESHOLD, elements around it going into plain nodes or listpacks, and with a
 * 3-byte one, where nearly every element is plain.
 */
class ListLayoutIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair("--enable-debug-command", "yes");

    private static String strip(String debugObject) {
        return debugObject.replaceAll("Value at:0x[0-9a-f]+ ", "").replaceAll(" lru:\\d+ lru_seconds_idle:\\d+", "");
    }

    @Test
    void randomCommandsGiveTheSameNodes() throws IOException {
        run(new int[] {-2, -1, 2, 3, 5, 1}, 12, 1);
    }

    /** Large elements: the byte limits of -1..-5 and the 8 KB safety limit of count fills. */
    @Test
    void largeElementsMeetTheByteLimits() throws IOException {
        run(new int[] {-1, 100, -3, 1000, -5, 20}, 6, 25);
    }

    /** Elements a few bytes either side of a 100-byte packed threshold: plain nodes among packed ones. */
    @Test
    void plainNodesPastThePackedThreshold() throws IOException {
        try (RawConnection redis = new RawConnection(SERVERS.redis().port());
                RawConnection cin = new RawConnection(SERVERS.cinnabar().port())) {
            for (RawConnection c : List.of(redis, cin)) {
                assertEquals("+OK\r\n", c.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100"));
            }
            try {
                run(new int[] {-2, 3, -1, 1, 16, -5}, 12, PLAIN);
                // 3 bytes: all but the shortest elements plain, numbers among them stored as text.
                for (RawConnection c : List.of(redis, cin)) {
                    assertEquals("+OK\r\n", c.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "3b"));
                }
                run(new int[] {-2, 2, 1}, 6, 1);
            } finally {
                for (RawConnection c : List.of(redis, cin)) {
                    c.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0");
                }
            }
        }
    }

    /** The scale that asks {@link #element} for elements around a 100-byte packed threshold. */
    private static final int PLAIN = -1;

    private void run(int[] fills, int rounds, int scale) throws IOException {
        try (RawConnection redis = new RawConnection(SERVERS.redis().port());
                RawConnection cin = new RawConnection(SERVERS.cinnabar().port())) {
            for (int round = 0; round < rounds; round++) {
                Random r = new Random(round);
                String fill = Integer.toString(fills[round % fills.length]);
                String depth = Integer.toString(round % 4);
                for (RawConnection c : List.of(redis, cin)) {
                    c.call("FLUSHALL");
                    c.call("CONFIG", "SET", "list-max-listpack-size", fill, "list-compress-depth", depth);
                }
                for (int step = 0; step < 400; step++) {
                    List<String> cmd = command(r, scale);
                    String[] args = cmd.toArray(new String[0]);
                    assertEquals(redis.call(args), cin.call(args), "round " + round + " step " + step + ": " + cmd);
                    if (step % 10 == 9) {
                        for (String key : List.of("a", "b", "c")) {
                            for (String compression : List.of("no", "yes")) {
                                redis.call("CONFIG", "SET", "rdbcompression", compression);
                                cin.call("CONFIG", "SET", "rdbcompression", compression);
                                assertEquals(strip(redis.call("DEBUG", "OBJECT", key)), strip(cin.call("DEBUG", "OBJECT", key)),
                                        "round " + round + " step " + step + " key " + key + " after " + cmd);
                            }
                            assertEquals(redis.call("DEBUG", "DIGEST-VALUE", key), cin.call("DEBUG", "DIGEST-VALUE", key));
                        }
                    }
                }
                assertEquals(redis.call("DEBUG", "DIGEST"), cin.call("DEBUG", "DIGEST"));
            }
        }
    }

    private static String key(Random r) {
        return "abc".substring(r.nextInt(3)).substring(0, 1);
    }

    private static String element(Random r, int scale) {
        if (scale == PLAIN && r.nextInt(2) == 0) {
            // Few distinct ones, so that LINSERT, LREM and LPOS find them; some compress well.
            int len = 96 + r.nextInt(8);
            String head = "p" + r.nextInt(4);
            return head + (r.nextBoolean() ? "q".repeat(len - head.length())
                    : Long.toHexString(r.nextLong()).repeat(8).substring(0, len - head.length()));
        }
        if (scale > 1 && r.nextInt(3) == 0) {
            return "w" + r.nextInt(8) + "v".repeat(r.nextInt(100 * scale));
        }
        switch (r.nextInt(5)) {
            case 0:
                return "e" + r.nextInt(5);
            case 1:
                return Integer.toString(r.nextInt(100000) - 500);
            case 2:
                return "z".repeat(10 + r.nextInt(120));
            case 3:
                return "element-" + r.nextInt(30) + "-padding-padding-padding";
            default:
                return "x" + Long.toHexString(r.nextLong()) + "y".repeat(r.nextInt(40));
        }
    }

    private static List<String> command(Random r, int scale) {
        List<String> c = new ArrayList<>();
        int op = r.nextInt(100);
        String k = key(r);
        if (op < 35) {
            c.add(r.nextBoolean() ? "RPUSH" : "LPUSH");
            c.add(k);
            for (int i = r.nextInt(12); i >= 0; i--) {
                c.add(element(r, scale));
            }
        } else if (op < 45) {
            c.addAll(List.of(r.nextBoolean() ? "LPOP" : "RPOP", k, Integer.toString(r.nextInt(6))));
        } else if (op < 58) {
            c.addAll(List.of("LINSERT", k, r.nextBoolean() ? "BEFORE" : "AFTER", element(r, scale), element(r, scale)));
        } else if (op < 66) {
            c.addAll(List.of("LSET", k, Integer.toString(r.nextInt(60) - 30), element(r, scale)));
        } else if (op < 72) {
            c.addAll(List.of("LREM", k, Integer.toString(r.nextInt(5) - 2), element(r, scale)));
        } else if (op < 76) {
            c.addAll(List.of("LTRIM", k, Integer.toString(r.nextInt(4)), Integer.toString(-1 - r.nextInt(4))));
        } else if (op < 82) {
            c.addAll(List.of("LMOVE", k, key(r), r.nextBoolean() ? "LEFT" : "RIGHT", r.nextBoolean() ? "LEFT" : "RIGHT"));
        } else if (op < 86) {
            c.addAll(List.of("LMPOP", "2", k, key(r), r.nextBoolean() ? "LEFT" : "RIGHT", "COUNT", Integer.toString(1 + r.nextInt(5))));
        } else if (op < 92) {
            c.addAll(List.of("LRANGE", k, Integer.toString(r.nextInt(40) - 20), Integer.toString(r.nextInt(40) - 20)));
        } else if (op < 96) {
            c.addAll(List.of("LINDEX", k, Integer.toString(r.nextInt(60) - 30)));
        } else {
            c.addAll(List.of("LPOS", k, element(r, scale), "RANK", Integer.toString(r.nextBoolean() ? 1 : -1), "COUNT", "0"));
        }
        return c;
    }
}
