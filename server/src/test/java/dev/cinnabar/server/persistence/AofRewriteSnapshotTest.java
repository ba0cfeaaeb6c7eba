package dev.cinnabar.server.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.cinnabar.persistence.rdb.RdbOutput;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The rewrite's base written as commands (aof-use-rdb-preamble no) is the dataset of the moment
 * the rewrite started, whatever commands of every type run while the snapshot walks the keyspace
 * in slices (FLUSHALL and DEBUG RELOAD included): replayed into a fresh server, it gives the
 * DEBUG DIGEST taken at the start.
 */
class AofRewriteSnapshotTest {
    private static final String[] DBS = {"0", "1", "2", "3"};

    @Test
    void commandBaseIsTheDatasetAtTheStartWhateverRunsMeanwhile() {
        for (int seed = 0; seed < 25; seed++) {
            run(seed);
        }
    }

    private void run(int seed) {
        Random r = new Random(seed);
        EngineHarness h = AofValueCommandsTest.harness();
        int space = 30 + r.nextInt(400);
        for (int i = 0; i < space * 3; i++) {
            write(h, r, space);
        }
        h.call("SELECT", "0");
        String digest = h.call("DEBUG", "DIGEST");
        Keyspace ks = h.server.keyspace();
        RdbOutput out = new RdbOutput(false);
        Snapshot snap = commandSnapshot(h, out);
        int budget = 1 + r.nextInt(20);
        boolean done = false;
        int rounds = 0;
        while (!done) {
            for (int w = r.nextInt(25); w > 0; w--) {
                write(h, r, space);
            }
            done = snap.slice(budget, Long.MAX_VALUE);
            rounds++;
        }
        ks.removeObserver(snap);
        assertEquals(null, snap.failure());
        assertReplaysTo(digest, h, out, "seed " + seed + " after " + rounds + " slices");
    }

    /**
     * Big sets, hashes, sorted sets, lists and streams go a few commands at a time
     * (AofValueParts) across slices of a few kilobytes, while commands write to them, rename,
     * expire and delete them, and everything else runs: the base still replays to the digest of
     * the start.
     */
    @Test
    void bigValuesWrittenInPartsStillGiveTheDatasetAtTheStart() {
        for (int seed = 0; seed < 8; seed++) {
            runWithBigValues(seed);
        }
    }

    private void runWithBigValues(int seed) {
        Random r = new Random(seed);
        EngineHarness h = AofValueCommandsTest.harness();
        int space = 30 + r.nextInt(100);
        for (int i = 0; i < space * 2; i++) {
            write(h, r, space);
        }
        for (int b = 0; b < 6; b++) {
            h.call("SELECT", DBS[r.nextInt(2)]);
            fillBig(h, r, "big" + b, b % 5);
            if (r.nextBoolean()) {
                h.call("PEXPIRE", "big" + b, String.valueOf(10_000_000 + r.nextInt(1000)));
            }
        }
        h.call("SELECT", "0");
        String digest = h.call("DEBUG", "DIGEST");
        Keyspace ks = h.server.keyspace();
        RdbOutput out = new RdbOutput(false);
        Snapshot snap = commandSnapshot(h, out);
        boolean done = false;
        int rounds = 0;
        while (!done) {
            for (int w = r.nextInt(6); w > 0; w--) {
                if (r.nextInt(3) == 0) {
                    bigWrite(h, r);
                } else if (r.nextInt(30) > 0) {
                    write(h, r, space);
                }
            }
            done = snap.slice(1 + r.nextInt(20), 2048 + r.nextInt(32 * 1024));
            rounds++;
        }
        ks.removeObserver(snap);
        assertEquals(null, snap.failure());
        assertReplaysTo(digest, h, out, "seed " + seed + " after " + rounds + " slices");
    }

    /** A set, hash, sorted set, list or stream past the size written in parts. */
    private static void fillBig(EngineHarness h, Random r, String key, int kind) {
        int n = 4200 + r.nextInt(2000);
        for (int from = 0; from < n; from += 500) {
            int to = Math.min(n, from + 500);
            if (kind == 4) {
                for (int i = from; i < to; i++) {
                    h.call("XADD", key, "*", "f", "m" + i, "g", v(r));
                }
                continue;
            }
            String[] a = new String[2 + (to - from) * (kind == 1 || kind == 2 ? 2 : 1)];
            a[0] = switch (kind) {
                case 0 -> "SADD";
                case 1 -> "HSET";
                case 2 -> "ZADD";
                default -> "RPUSH";
            };
            a[1] = key;
            int j = 2;
            for (int i = from; i < to; i++) {
                if (kind == 0) {
                    a[j++] = "m" + i;
                } else if (kind == 1) {
                    a[j++] = "f" + i;
                    a[j++] = v(r);
                } else if (kind == 2) {
                    a[j++] = String.valueOf(r.nextInt(1000) / 7.0);
                    a[j++] = "z" + i;
                } else {
                    a[j++] = v(r);
                }
            }
            h.call(a);
        }
        if (kind == 4) {
            h.call("XGROUP", "CREATE", key, "readers", "0");
            h.call("XREADGROUP", "GROUP", "readers", "alice", "COUNT", "30", "STREAMS", key, ">");
        }
    }

    /**
     * A command on a big key, mostly one of its type's (adds, removals, in-place updates), else
     * an expiry, a rename or a deletion.
     */
    private static void bigWrite(EngineHarness h, Random r) {
        h.call("SELECT", DBS[r.nextInt(2)]);
        String k = "big" + r.nextInt(6);
        String type = h.call("TYPE", k).trim().substring(1);
        int op = r.nextInt(5);
        switch (op < 4 ? type : "any") {
            case "set" -> h.call(op < 2 ? "SADD" : "SREM", k, "m" + r.nextInt(9000));
            case "hash" -> {
                if (op < 2) {
                    h.call("HSET", k, "f" + r.nextInt(9000), v(r));
                } else {
                    h.call("HINCRBY", k, "f" + r.nextInt(9000), "1");
                }
            }
            case "zset" -> {
                if (op < 2) {
                    h.call("ZADD", k, String.valueOf(r.nextInt(100)), "z" + r.nextInt(9000));
                } else {
                    h.call("ZREM", k, "z" + r.nextInt(9000));
                }
            }
            case "list" -> {
                switch (op) {
                    case 0 -> h.call("RPUSH", k, v(r));
                    case 1 -> h.call("LPOP", k);
                    case 2 -> h.call("LSET", k, String.valueOf(r.nextInt(5000)), v(r));
                    default -> h.call("LTRIM", k, String.valueOf(r.nextInt(50)), "-" + (1 + r.nextInt(50)));
                }
            }
            case "stream" -> {
                switch (op) {
                    case 0 -> h.call("XADD", k, "*", "f", v(r));
                    case 1 -> h.call("XTRIM", k, "MAXLEN", String.valueOf(3000 + r.nextInt(3000)));
                    case 2 -> h.call("XREADGROUP", "GROUP", "readers", "bob", "COUNT", "5", "STREAMS", k, ">");
                    default -> h.call("XGROUP", "CREATECONSUMER", k, "readers", "c" + r.nextInt(5));
                }
            }
            default -> {
                switch (r.nextInt(3)) {
                    case 0 -> h.call("PEXPIRE", k, String.valueOf(20_000_000 + r.nextInt(1000)));
                    case 1 -> h.call("RENAME", k, "big" + r.nextInt(6));
                    default -> h.call("DEL", k);
                }
            }
        }
    }

    /** A snapshot of {@code h}'s keyspace in the command form into {@code out}, hooked into its writes. */
    private static Snapshot commandSnapshot(EngineHarness h, RdbOutput out) {
        Snapshot snap = new Snapshot(h.server.keyspace(), new Snapshot.Output() {
            @Override
            public RdbOutput out() {
                return out;
            }

            @Override
            public void handOff(int keys) {
            }
        }, false, "noeviction", AofSnapshotFormat.of(AofValueCommandsTest.libraries(h), -1));
        h.server.keyspace().addObserver(snap);
        return snap;
    }

    /** Replays {@code out} into a fresh server at {@code h}'s time: no error, and the digest taken at the start. */
    private static void assertReplaysTo(String digest, EngineHarness h, RdbOutput out, String context) {
        EngineHarness fresh = AofValueCommandsTest.harness();
        fresh.clock.advance(h.clock.millis() - fresh.clock.millis());
        String replies = fresh.send(new String(out.toByteArray(), StandardCharsets.ISO_8859_1));
        for (String line : replies.split("\r\n")) {
            assertFalse(line.startsWith("-"), context + ": " + line);
        }
        fresh.call("SELECT", "0");
        assertEquals(digest, fresh.call("DEBUG", "DIGEST"), context);
    }

    private static String k(Random r, int space) {
        return "k" + r.nextInt(space);
    }

    private static String v(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> String.valueOf(r.nextInt(1000) - 500);
            case 1 -> "v" + r.nextInt(100);
            case 2 -> "x".repeat(1 + r.nextInt(80));
            default -> Long.toString(r.nextLong(), 36);
        };
    }

    /** One random command: every type, in-place changes, TTLs, renames, moves, swaps, flushes. */
    static void write(EngineHarness h, Random r, int space) {
        String k = k(r, space);
        String k2 = k(r, space);
        int op = r.nextInt(1000);
        if (op < 40) {
            h.call("SELECT", DBS[r.nextInt(4)]);
        } else if (op < 120) {
            h.call("SET", k, v(r));
        } else if (op < 150) {
            h.call("APPEND", k, v(r));
        } else if (op < 180) {
            h.call("INCRBY", k, String.valueOf(r.nextInt(100)));
        } else if (op < 250) {
            String[] a = new String[2 + 1 + r.nextInt(90)];
            a[0] = "RPUSH";
            a[1] = k;
            for (int i = 2; i < a.length; i++) {
                a[i] = v(r);
            }
            h.call(a);
        } else if (op < 280) {
            h.call("LPOP", k, String.valueOf(1 + r.nextInt(5)));
        } else if (op < 300) {
            h.call("LSET", k, String.valueOf(r.nextInt(10) - 5), v(r));
        } else if (op < 360) {
            String[] a = new String[2 + 1 + r.nextInt(150)];
            a[0] = "SADD";
            a[1] = k;
            for (int i = 2; i < a.length; i++) {
                a[i] = r.nextBoolean() ? String.valueOf(r.nextInt(1000)) : v(r);
            }
            h.call(a);
        } else if (op < 390) {
            h.call("SREM", k, String.valueOf(r.nextInt(1000)), v(r));
        } else if (op < 450) {
            String[] a = new String[2 + 2 * (1 + r.nextInt(80))];
            a[0] = "ZADD";
            a[1] = k;
            for (int i = 2; i < a.length; i += 2) {
                a[i] = r.nextInt(8) == 0 ? "inf" : String.valueOf(r.nextDouble() * 1000 - 500);
                a[i + 1] = "m" + r.nextInt(200);
            }
            h.call(a);
        } else if (op < 480) {
            h.call("ZINCRBY", k, "1.5", "m" + r.nextInt(200));
        } else if (op < 540) {
            String[] a = new String[2 + 2 * (1 + r.nextInt(80))];
            a[0] = "HSET";
            a[1] = k;
            for (int i = 2; i < a.length; i += 2) {
                a[i] = "f" + r.nextInt(300);
                a[i + 1] = v(r);
            }
            h.call(a);
        } else if (op < 560) {
            h.call("HDEL", k, "f" + r.nextInt(300));
        } else if (op < 580) {
            h.call("HINCRBY", k, "f" + r.nextInt(300), "3");
        } else if (op < 640) {
            h.call("XADD", k, "*", "a", v(r), "b", v(r));
        } else if (op < 650) {
            h.call("XGROUP", "CREATE", k, "g" + r.nextInt(3), "0");
        } else if (op < 660) {
            h.call("XREADGROUP", "GROUP", "g" + r.nextInt(3), "c" + r.nextInt(3), "COUNT", "2", "STREAMS", k, ">");
        } else if (op < 670) {
            h.call("XTRIM", k, "MAXLEN", String.valueOf(r.nextInt(5)));
        } else if (op < 720) {
            h.call("PEXPIRE", k, String.valueOf(10_000_000 + r.nextInt(1000)));
        } else if (op < 740) {
            h.call("PERSIST", k);
        } else if (op < 800) {
            h.call("DEL", k, k2);
        } else if (op < 830) {
            h.call("RENAME", k, k2);
        } else if (op < 850) {
            h.call("MOVE", k, DBS[r.nextInt(4)]);
        } else if (op < 870) {
            h.call("COPY", k, k2, "DB", DBS[r.nextInt(4)], "REPLACE");
        } else if (op < 885) {
            h.call("SUNIONSTORE", k2, k, k(r, space));
        } else if (op < 900) {
            h.call("SWAPDB", DBS[r.nextInt(4)], DBS[r.nextInt(4)]);
        } else if (op < 903) {
            h.call("FLUSHDB");
        } else if (op < 904) {
            h.call("FLUSHALL");
        } else if (op < 905) {
            h.call("DEBUG", "RELOAD");
        } else if (op < 950) {
            // A burst of new keys grows the table while the walk is under way.
            for (int i = 0; i < 20 + r.nextInt(200); i++) {
                h.call("SET", "new" + r.nextInt(100000), v(r));
            }
        } else if (op < 960) {
            h.call("FUNCTION", "LOAD", "REPLACE", "#!lua name=lib" + r.nextInt(3)
                    + "\nredis.register_function('f" + r.nextInt(3) + "', function() return 1 end)");
        } else {
            h.call("GETDEL", k);
        }
    }

    @Test
    void timestampAnnotationAndFunctionsComeFirst() {
        EngineHarness h = AofValueCommandsTest.harness();
        h.call("FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function() return 1 end)");
        h.call("SELECT", "2");
        h.call("SET", "a", "1");
        RdbOutput out = new RdbOutput(false);
        Snapshot snap = new Snapshot(h.server.keyspace(), new Snapshot.Output() {
            @Override
            public RdbOutput out() {
                return out;
            }

            @Override
            public void handOff(int keys) {
            }
        }, false, "noeviction", AofSnapshotFormat.of(AofValueCommandsTest.libraries(h), 1700000000));
        while (!snap.slice(100, Long.MAX_VALUE)) {
            // all at once
        }
        String code = "#!lua name=lib\nredis.register_function('f', function() return 1 end)";
        assertEquals("#TS:1700000000\r\n*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n$" + code.length() + "\r\n" + code + "\r\n"
                + "*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n",
                new String(out.toByteArray(), StandardCharsets.ISO_8859_1));
    }
}
