package dev.cinnabar.server.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.datatypes.KeyTable;
import dev.cinnabar.server.db.EntrySizes;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.testing.EngineHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The running estimate of each database stays equal to a full recount after any sequence of
 * writes: the counter is only as good as the write paths that keep it.
 */
class KeyspaceMemoryTest {
    /** Walks a database and adds up what {@link Db#memory()} claims to keep incrementally. */
    static long recount(Db db) {
        KeyTable keys = db.keys();
        long total = keys.heapBytes();
        for (int id = keys.nextId(0); id != KeyTable.NONE; id = keys.nextId(id + 1)) {
            // A string inline in its record is in the table's own figure.
            if (!db.isInline(id)) {
                total += EntrySizes.value(keys.value(id));
            }
        }
        return total;
    }

    private static void assertExact(Keyspace ks, String after) {
        for (int i = 0; i < ks.count(); i++) {
            assertEquals(recount(ks.db(i)), ks.db(i).memory(), "db " + i + " after " + after);
        }
    }

    @Test
    void randomWritesKeepTheCounterExact() {
        randomWrites(null, 30_000);
    }

    /** The same with a 30-byte packed threshold: the longer list elements go into plain nodes. */
    @Test
    void randomWritesOverPlainListNodesKeepTheCounterExact() {
        randomWrites("30", 10_000);
    }

    private static void randomWrites(String packedThreshold, int steps) {
        ServerConfig config = new ServerConfig();
        config.enableDebugCommand = "yes"; // for DEBUG POPULATE and QUICKLIST-PACKED-THRESHOLD
        config.hashMaxListpackEntries = 16; // hashes cross to a hashtable now and then
        config.streamNodeMaxEntries = 3; // streams spread over several nodes
        EngineHarness h = new EngineHarness(config);
        h.client.denyBlocking = true;
        if (packedThreshold != null) {
            assertEquals("+OK\r\n", h.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", packedThreshold));
        }
        try {
            writeRandomly(h, steps);
        } finally {
            h.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0");
        }
    }

    private static void writeRandomly(EngineHarness h, int steps) {
        Keyspace ks = h.server.keyspace();
        Random r = new Random(42);
        Random tx = new Random(7);
        Random dump = new Random(16);
        for (int step = 0; step < steps; step++) {
            List<String> cmd = randomCommand(r);
            if (dump.nextInt(25) == 0) {
                // RESTORE of another key's DUMP (through a script: payloads are binary), over the
                // destination or beside it, sometimes with a TTL
                String src = dump.nextInt(3) == 0 ? "st" + dump.nextInt(4) : key(dump);
                cmd = List.of("EVAL", "local p = redis.call('dump', KEYS[1]) if not p then return 0 end "
                        + "return redis.pcall('restore', KEYS[2], ARGV[1], p, 'REPLACE')", "2", src, key(dump),
                        Integer.toString(dump.nextBoolean() ? 0 : 1 + dump.nextInt(3000)));
            }
            if (tx.nextInt(30) == 0) {
                // A transaction: the command and a few more queued and run by EXEC, sometimes
                // under a WATCH that one of them breaks.
                if (tx.nextBoolean()) {
                    h.call("WATCH", key(tx));
                }
                h.call("MULTI");
                h.call(cmd.toArray(new String[0]));
                for (int i = tx.nextInt(4); i > 0; i--) {
                    h.call(randomCommand(r).toArray(new String[0]));
                }
                h.call("EXEC");
            } else {
                h.call(cmd.toArray(new String[0]));
            }
            if (r.nextInt(50) == 0) {
                h.clock.advance(r.nextInt(3000));
            }
            if (r.nextInt(200) == 0) {
                ks.updateTime();
                h.server.activeExpire().slow(10, 1);
            }
            if (r.nextInt(100) == 0) {
                for (int i = 0; i < ks.count(); i++) {
                    ks.db(i).cron(true);
                }
            }
            assertExact(ks, step + ": " + cmd);
        }
        assertTrue(ks.totalKeys() > 0, "the run ended with some keys, so it measured something");
    }

    private static String key(Random r) {
        // Now and then one of the names DEBUG POPULATE gives.
        return r.nextInt(8) == 0 ? "k:" + r.nextInt(6) : "k" + r.nextInt(40);
    }

    private static String value(Random r) {
        switch (r.nextInt(7)) {
            case 0:
                return Integer.toString(r.nextInt(20_000) - 200); // shared, cached and boxed integers
            case 1:
                return Long.toString(r.nextLong());
            case 2:
                return "";
            case 3:
                return "x".repeat(r.nextInt(44) + 1);
            case 4:
                return "y".repeat(45 + r.nextInt(300));
            case 5:
                return "1.5";
            default:
                return "v" + r.nextInt(1000);
        }
    }

    private static String field(Random r) {
        return r.nextInt(10) == 0 ? "f".repeat(70) : "f" + r.nextInt(30);
    }

    private static List<String> randomCommand(Random r) {
        List<String> c = new ArrayList<>();
        switch (r.nextInt(64)) {
            case 0: case 1: case 2:
                c.addAll(List.of("SET", key(r), value(r)));
                if (r.nextBoolean()) {
                    c.addAll(List.of(r.nextBoolean() ? "EX" : "PX", Integer.toString(1 + r.nextInt(5))));
                } else if (r.nextInt(4) == 0) {
                    c.add("KEEPTTL");
                }
                if (r.nextInt(4) == 0) {
                    c.add(r.nextBoolean() ? "NX" : "XX");
                }
                break;
            case 3:
                c.addAll(List.of("DEL", key(r), key(r)));
                break;
            case 4: case 5:
                c.addAll(List.of("APPEND", key(r), value(r)));
                break;
            case 6:
                c.addAll(List.of("SETRANGE", key(r), Integer.toString(r.nextInt(100)), value(r)));
                break;
            case 7:
                c.addAll(List.of("INCR", key(r)));
                break;
            case 8:
                c.addAll(List.of("INCRBY", key(r), Integer.toString(r.nextInt(20_000) - 10_000)));
                break;
            case 9:
                c.addAll(List.of("INCRBYFLOAT", key(r), "0.5"));
                break;
            case 10:
                c.addAll(List.of("EXPIRE", key(r), Integer.toString(r.nextInt(4) - 1)));
                break;
            case 11:
                c.addAll(List.of("PERSIST", key(r)));
                break;
            case 12:
                c.addAll(List.of("GETEX", key(r), r.nextBoolean() ? "PERSIST" : "PX", "1500"));
                if (c.get(2).equals("PERSIST")) {
                    c.remove(3);
                }
                break;
            case 13:
                c.addAll(List.of("GETDEL", key(r)));
                break;
            case 14:
                c.addAll(List.of("GETSET", key(r), value(r)));
                break;
            case 15:
                c.addAll(List.of("MSET", key(r), value(r), key(r), value(r)));
                break;
            case 16:
                c.addAll(List.of("RENAME", key(r), key(r)));
                break;
            case 17:
                c.addAll(List.of("COPY", key(r), key(r)));
                if (r.nextBoolean()) {
                    c.addAll(List.of("DB", Integer.toString(r.nextInt(3))));
                }
                if (r.nextBoolean()) {
                    c.add("REPLACE");
                }
                break;
            case 18:
                c.addAll(List.of("MOVE", key(r), Integer.toString(r.nextInt(3))));
                break;
            case 19:
                c.addAll(List.of("SELECT", Integer.toString(r.nextInt(3))));
                break;
            case 20:
                c.addAll(List.of("SWAPDB", Integer.toString(r.nextInt(3)), Integer.toString(r.nextInt(3))));
                break;
            case 21:
                c.add(r.nextInt(20) == 0 ? "FLUSHALL" : "FLUSHDB");
                if (r.nextInt(5) != 0) {
                    c.set(0, "GET");
                    c.add(key(r));
                }
                break;
            case 22:
                c.addAll(List.of("SETNX", key(r), value(r)));
                break;
            case 23:
                c.addAll(List.of("DECRBY", key(r), "3"));
                break;
            case 24:
                c.addAll(List.of("RENAMENX", key(r), key(r)));
                break;
            case 25:
                c.addAll(List.of("DEBUG", "POPULATE", Integer.toString(r.nextInt(8)), "k"));
                if (r.nextBoolean()) {
                    c.add(Integer.toString(r.nextInt(60)));
                }
                break;
            case 27: case 28:
                c.addAll(List.of("HSET", key(r), field(r), value(r)));
                if (r.nextBoolean()) {
                    c.addAll(List.of(field(r), value(r)));
                }
                break;
            case 29:
                c.addAll(List.of("HDEL", key(r), field(r), field(r)));
                break;
            case 30:
                c.addAll(List.of(r.nextBoolean() ? "HINCRBY" : "HINCRBYFLOAT", key(r), field(r), "7"));
                break;
            case 31:
                c.addAll(List.of("HSETNX", key(r), field(r), value(r)));
                break;
            case 32:
                c.addAll(List.of("HMSET", key(r), field(r), value(r), field(r), value(r), field(r), value(r)));
                break;
            case 33:
                c.addAll(List.of(r.nextBoolean() ? "HGET" : "HRANDFIELD", key(r), field(r)));
                if (c.get(0).equals("HRANDFIELD")) {
                    c.set(2, Integer.toString(r.nextInt(9) - 4));
                }
                break;
            case 35: case 36:
                c.addAll(List.of(r.nextBoolean() ? "LPUSH" : "RPUSH", key(r)));
                for (int i = r.nextInt(8); i >= 0; i--) {
                    c.add(element(r));
                }
                break;
            case 37:
                c.addAll(List.of(r.nextBoolean() ? "LPOP" : "RPOP", key(r)));
                if (r.nextBoolean()) {
                    c.add(Integer.toString(r.nextInt(6)));
                }
                break;
            case 38:
                c.addAll(List.of("LINSERT", key(r), r.nextBoolean() ? "BEFORE" : "AFTER", element(r), element(r)));
                break;
            case 39:
                c.addAll(List.of("LREM", key(r), Integer.toString(r.nextInt(5) - 2), element(r)));
                break;
            case 40:
                c.addAll(List.of("LTRIM", key(r), Integer.toString(r.nextInt(6) - 2), Integer.toString(r.nextInt(30) - 5)));
                break;
            case 41:
                c.addAll(List.of("LSET", key(r), Integer.toString(r.nextInt(20) - 10), element(r)));
                break;
            case 42:
                if (r.nextBoolean()) {
                    c.addAll(List.of("LMOVE", key(r), key(r), r.nextBoolean() ? "LEFT" : "RIGHT", r.nextBoolean() ? "LEFT" : "RIGHT"));
                } else {
                    c.addAll(List.of("RPOPLPUSH", key(r), key(r)));
                }
                break;
            case 43:
                c.addAll(List.of("LMPOP", "2", key(r), key(r), r.nextBoolean() ? "LEFT" : "RIGHT", "COUNT", Integer.toString(1 + r.nextInt(4))));
                break;
            case 44:
                if (r.nextBoolean()) {
                    c.addAll(List.of("CONFIG", "SET", "list-max-listpack-size", Integer.toString(r.nextInt(8) - 3)));
                } else {
                    c.addAll(List.of("CONFIG", "SET", "list-compress-depth", Integer.toString(r.nextInt(3))));
                }
                break;
            case 52:
                // The blocking list commands, served at once (the client may not block).
                switch (r.nextInt(4)) {
                    case 0:
                        c.addAll(List.of(r.nextBoolean() ? "BLPOP" : "BRPOP", key(r), key(r), "0"));
                        break;
                    case 1:
                        c.addAll(List.of("BLMPOP", "0", "2", key(r), key(r), "LEFT", "COUNT", Integer.toString(1 + r.nextInt(4))));
                        break;
                    case 2:
                        c.addAll(List.of("BLMOVE", key(r), key(r), r.nextBoolean() ? "LEFT" : "RIGHT", "RIGHT", "0"));
                        break;
                    default:
                        c.addAll(List.of("BRPOPLPUSH", key(r), key(r), "0"));
                        break;
                }
                break;
            case 45:
                switch (r.nextInt(3)) {
                    case 0:
                        c.addAll(List.of("LRANGE", key(r), Integer.toString(r.nextInt(10) - 5), "-1"));
                        break;
                    case 1:
                        c.addAll(List.of("LINDEX", key(r), Integer.toString(r.nextInt(20) - 10)));
                        break;
                    default:
                        c.addAll(List.of("LPOS", key(r), element(r), "RANK", "-1", "COUNT", "0"));
                        break;
                }
                break;
            case 46: case 47: case 48:
                setCommand(r, c);
                break;
            case 49: case 50: case 51:
                hashTtlCommand(r, c);
                break;
            case 53: case 54: case 55:
                zsetCommand(r, c);
                break;
            case 56: case 57: case 58: case 59:
                bitCommand(r, c);
                break;
            case 60: case 61: case 62: case 63:
                streamCommand(r, c);
                break;
            default:
                c.addAll(List.of("PSETEX", key(r), Integer.toString(1 + r.nextInt(3000)), value(r)));
                break;
        }
        return c;
    }

    /** Stream writes: entries in and out (nodes of 3 entries at most), groups, consumers, PELs. */
    private static void streamCommand(Random r, List<String> c) {
        String k = "st" + r.nextInt(4);
        String g = "g" + r.nextInt(2);
        String consumer = "c" + r.nextInt(3);
        switch (r.nextInt(12)) {
            case 0: case 1: case 2:
                c.addAll(List.of("XADD", k));
                if (r.nextInt(4) == 0) {
                    c.addAll(List.of("MAXLEN", r.nextBoolean() ? "~" : "=", Integer.toString(r.nextInt(8))));
                }
                c.add(r.nextBoolean() ? "*" : (1 + r.nextInt(1000)) + "-*");
                for (int i = 1 + r.nextInt(3); i > 0; i--) {
                    c.addAll(List.of(r.nextBoolean() ? "f" : field(r), value(r)));
                }
                break;
            case 3:
                c.addAll(List.of("XDEL", k, "0-1", "0-0"));
                break;
            case 4:
                c.addAll(List.of("XTRIM", k, "MAXLEN", r.nextBoolean() ? "~" : "=", Integer.toString(r.nextInt(6))));
                break;
            case 5:
                c.addAll(List.of("XGROUP", "CREATE", k, g, r.nextBoolean() ? "$" : "0", "MKSTREAM"));
                break;
            case 6: case 7:
                c.addAll(List.of("XREADGROUP", "GROUP", g, consumer, "COUNT", Integer.toString(1 + r.nextInt(4)),
                        "STREAMS", k, r.nextInt(4) == 0 ? "0" : ">"));
                break;
            case 8:
                c.addAll(List.of("XAUTOCLAIM", k, g, consumer, "0", "0", "COUNT", Integer.toString(1 + r.nextInt(3))));
                break;
            case 9:
                c.addAll(List.of("XGROUP", r.nextBoolean() ? "DELCONSUMER" : "CREATECONSUMER", k, g, consumer));
                break;
            case 10:
                c.addAll(List.of("XGROUP", "DESTROY", k, g));
                break;
            default:
                c.addAll(List.of("XSETID", k, (2000 + r.nextInt(10)) + "-0"));
                break;
        }
    }

    private static String score(Random r) {
        switch (r.nextInt(6)) {
            case 0:
                return Integer.toString(r.nextInt(100) - 50);
            case 1:
                return r.nextBoolean() ? "inf" : "-inf";
            case 2:
                return "0." + r.nextInt(1000);
            default:
                return Integer.toString(r.nextInt(5));
        }
    }

    /** A sorted-set command, crossing the listpack thresholds both ways (CONFIG SET). */
    private static void zsetCommand(Random r, List<String> c) {
        switch (r.nextInt(9)) {
            case 0: case 1: case 2:
                c.addAll(List.of("ZADD", key(r)));
                if (r.nextInt(4) == 0) {
                    c.add(List.of("NX", "XX", "GT", "LT", "CH").get(r.nextInt(5)));
                }
                for (int i = r.nextInt(6); i >= 0; i--) {
                    c.add(score(r));
                    c.add(field(r));
                }
                break;
            case 3:
                c.addAll(List.of("ZINCRBY", key(r), score(r), field(r)));
                break;
            case 4:
                c.addAll(r.nextBoolean() ? List.of("ZREM", key(r), field(r), field(r)) : zsetPopOrStore(r));
                break;
            case 5:
                switch (r.nextInt(3)) {
                    case 0:
                        c.addAll(List.of("ZREMRANGEBYRANK", key(r), Integer.toString(r.nextInt(6) - 3), Integer.toString(r.nextInt(6) - 3)));
                        break;
                    case 1:
                        c.addAll(List.of("ZREMRANGEBYSCORE", key(r), "(" + r.nextInt(5), Integer.toString(r.nextInt(5))));
                        break;
                    default:
                        c.addAll(List.of("ZREMRANGEBYLEX", key(r), "[f1", "(f3"));
                        break;
                }
                break;
            case 6:
                c.addAll(List.of("ZRANGESTORE", key(r), key(r), Integer.toString(r.nextInt(4)), "-1"));
                if (r.nextBoolean()) {
                    c.set(3, "-inf");
                    c.set(4, "+inf");
                    c.add("BYSCORE");
                }
                break;
            case 7:
                if (r.nextBoolean()) {
                    c.addAll(List.of("CONFIG", "SET", "zset-max-listpack-entries", Integer.toString(r.nextInt(8))));
                } else {
                    c.addAll(List.of("CONFIG", "SET", "zset-max-listpack-value", Integer.toString(r.nextInt(80))));
                }
                break;
            default:
                c.addAll(List.of(List.of("ZRANGE", "ZSCAN", "ZRANDMEMBER", "ZCOUNT").get(r.nextInt(4)), key(r)));
                switch (c.get(0)) {
                    case "ZRANGE":
                        c.addAll(List.of("0", "-1", "WITHSCORES"));
                        break;
                    case "ZSCAN":
                        c.add("0");
                        break;
                    case "ZRANDMEMBER":
                        c.add(Integer.toString(r.nextInt(9) - 4));
                        break;
                    default:
                        c.addAll(List.of("-inf", "+inf"));
                        break;
                }
                break;
        }
    }

    /** A hash field expiry command (Redis 7.4/8.0), times short enough to pass during the run. */
    private static void hashTtlCommand(Random r, List<String> c) {
        String ms = Integer.toString(r.nextInt(4000));
        switch (r.nextInt(7)) {
            case 0: case 1:
                c.addAll(List.of("HPEXPIRE", key(r), ms));
                if (r.nextInt(3) == 0) {
                    c.add(List.of("NX", "XX", "GT", "LT").get(r.nextInt(4)));
                }
                c.addAll(List.of("FIELDS", "2", field(r), field(r)));
                break;
            case 2:
                c.addAll(List.of("HPERSIST", key(r), "FIELDS", "1", field(r)));
                break;
            case 3:
                c.addAll(List.of("HGETEX", key(r), "PX", ms, "FIELDS", "1", field(r)));
                if (r.nextBoolean()) {
                    c.set(2, "PERSIST");
                    c.remove(3);
                }
                break;
            case 4:
                c.addAll(List.of("HSETEX", key(r), "PX", ms, "FIELDS", "2", field(r), value(r), field(r), value(r)));
                if (r.nextBoolean()) {
                    c.set(2, "KEEPTTL");
                    c.remove(3);
                }
                break;
            case 5:
                c.addAll(List.of("HGETDEL", key(r), "FIELDS", "2", field(r), field(r)));
                break;
            default:
                c.addAll(List.of(r.nextBoolean() ? "HGETALL" : "HSTRLEN", key(r)));
                if (c.get(0).equals("HSTRLEN")) {
                    c.add(field(r));
                }
                break;
        }
    }

    private static String member(Random r) {
        int x = r.nextInt(10);
        return x == 0 ? "m" + r.nextInt(20) : x == 1 ? Long.toString(r.nextLong()) : Integer.toString(r.nextInt(60) - 10);
    }

    /** A set command; members are mostly small integers, so sets cross intset to hashtable. */
    private static void setCommand(Random r, List<String> c) {
        switch (r.nextInt(10)) {
            case 0: case 1: case 2:
                c.addAll(List.of("SADD", key(r)));
                for (int i = r.nextInt(8); i >= 0; i--) {
                    c.add(member(r));
                }
                break;
            case 3:
                c.addAll(List.of("SREM", key(r), member(r), member(r)));
                break;
            case 4:
                c.addAll(List.of("SPOP", key(r)));
                if (r.nextBoolean()) {
                    c.add(Integer.toString(r.nextInt(12)));
                }
                break;
            case 5:
                c.addAll(List.of("SMOVE", key(r), key(r), member(r)));
                break;
            case 6:
                c.addAll(List.of(r.nextBoolean() ? "SINTERSTORE" : "SUNIONSTORE", key(r), key(r), key(r)));
                break;
            case 7:
                c.addAll(r.nextBoolean() ? List.of("SDIFFSTORE", key(r), key(r), key(r))
                        : List.of("SORT", key(r), "ALPHA", "LIMIT", "0", Integer.toString(r.nextInt(10)), "STORE", key(r)));
                break;
            case 8:
                c.addAll(List.of("SISMEMBER", key(r), member(r)));
                break;
            default:
                c.addAll(List.of("CONFIG", "SET", "set-max-intset-entries", Integer.toString(r.nextInt(12))));
                break;
        }
    }

    /** List elements: a few that repeat (pivots, LREM targets), integers, and compressible long ones. */
    private static String element(Random r) {
        switch (r.nextInt(4)) {
            case 0:
                return "e" + r.nextInt(4);
            case 1:
                return Integer.toString(r.nextInt(300) - 100);
            case 2:
                return "z".repeat(20 + r.nextInt(50));
            default:
                return "padded-element-" + r.nextInt(10) + "-padding-padding";
        }
    }

    /** A sorted-set pop, or a STORE form of the sorted-set algebra (sets as inputs too). */
    private static List<String> zsetPopOrStore(Random r) {
        String n = Integer.toString(r.nextInt(4));
        switch (r.nextInt(6)) {
            case 0:
                return List.of(r.nextBoolean() ? "ZPOPMIN" : "ZPOPMAX", key(r), n);
            case 1:
                return List.of("ZMPOP", "2", key(r), key(r), r.nextBoolean() ? "MIN" : "MAX", "COUNT", "1" + n);
            case 2:
                return List.of("BZPOPMIN", key(r), key(r), "0");
            case 3:
                return List.of("ZUNIONSTORE", key(r), "2", key(r), key(r), "WEIGHTS", "2", "0.5");
            case 4:
                return List.of("ZINTERSTORE", key(r), "2", key(r), key(r), "AGGREGATE", "MAX");
            default:
                return List.of("ZDIFFSTORE", key(r), "2", key(r), key(r));
        }
    }

    /** Bitmap, BITFIELD and HyperLogLog writes: strings made raw and grown in place, HLLs promoted. */
    private static void bitCommand(Random r, List<String> c) {
        String k = key(r);
        switch (r.nextInt(9)) {
            case 0: case 1:
                c.addAll(List.of("SETBIT", k, Integer.toString(r.nextInt(r.nextBoolean() ? 64 : 5000)), Integer.toString(r.nextInt(2))));
                break;
            case 2:
                c.addAll(List.of("BITFIELD", k, "OVERFLOW", r.nextBoolean() ? "FAIL" : "WRAP", "INCRBY", "u8", "#" + r.nextInt(300),
                        Integer.toString(r.nextInt(400)), "SET", "i5", Integer.toString(r.nextInt(100)), "3"));
                break;
            case 3:
                c.addAll(List.of("BITOP", r.nextBoolean() ? "OR" : "NOT", key(r), key(r)));
                break;
            case 4: case 5: {
                c.addAll(List.of("PFADD", k));
                int n = r.nextInt(r.nextInt(10) == 0 ? 600 : 20);
                for (int i = 0; i < n; i++) {
                    c.add("e" + r.nextInt(100_000));
                }
                break;
            }
            case 6:
                c.addAll(List.of("PFCOUNT", k));
                break;
            case 7:
                c.addAll(List.of("PFMERGE", k, key(r), key(r)));
                break;
            default:
                c.addAll(r.nextBoolean() ? List.of("PFDEBUG", "TODENSE", k)
                        : List.of("CONFIG", "SET", "hll-sparse-max-bytes", Integer.toString(r.nextInt(400))));
                break;
        }
    }
}
