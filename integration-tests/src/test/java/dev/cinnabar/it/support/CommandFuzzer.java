package dev.cinnabar.it.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random but well-formed commands of every data type, over a few keys shared by all types (so
 * that wrong types come up), with arguments drawn towards the edges: negative and huge
 * indexes, infinite and malformed scores, exclusive and lexicographic range bounds, options
 * given twice or together, members long enough to change an encoding. Each command carries how
 * its reply can be compared with Redis's: byte for byte, or, where Redis itself leaves the
 * result to chance or to its hash table's order, a looser way ({@link Compare}).
 *
 * <p>Commands whose effect depends on chance (SPOP, a stream ID of {@code *}) are left out, so
 * that the two servers' datasets stay the same command after command.
 */
public final class CommandFuzzer {
    /** How a reply is compared. */
    public enum Compare {
        /** Byte for byte. */
        EXACT,
        /** The same elements of a top-level aggregate, in any order (a hash table's order). */
        UNORDERED,
        /** Field-value pairs of a top-level aggregate (or map) in any order. */
        UNORDERED_PAIRS,
        /** The same type and element count (random members). */
        SHAPE,
        /** A TTL: the same negative code, or both positive. */
        TTL,
        /** A SCAN page: when both cursors are 0, the same elements in any order. */
        SCAN,
        /** Only whether it failed and how: a result Redis leaves to its skiplist's random levels. */
        ERRORS,
        /**
         * Byte for byte, except that Redis may fail with "One or more scores can't be converted
         * into double": its SORT reads numbers without clearing {@code errno}, so an out-of-range
         * number parsed by any earlier command can fail it.
         */
        SORT_NUMERIC
    }

    /** A command and how its reply compares. */
    public record Command(String[] args, Compare compare) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            for (String a : args) {
                if (b.length() > 0) {
                    b.append(' ');
                }
                boolean plain = !a.isEmpty() && a.chars().allMatch(c -> c > ' ' && c < 127 && c != '"' && c != '\'');
                b.append(plain ? a : '"' + a.replace("\\", "\\\\").replace("\"", "\\\"") + '"');
            }
            return b.toString();
        }
    }

    /** Keys each family mostly uses; any family sometimes takes another's (WRONGTYPE). */
    private static final String[][] KEYS = {
            {"list:a", "list:b", "list:c"},
            {"hash:a", "hash:b"},
            {"set:a", "set:b", "set:c"},
            {"zset:a", "zset:b", "zset:c"},
            {"str:a", "str:b", "str:n"},
            {"stream:a", "stream:b"},
            {"geo:a"},
            {"hll:a", "hll:b"},
            {"missing"},
    };
    private static final String LONG = "x".repeat(70);
    /**
     * The sorted set the lexicographic commands use, whose members all score 0: Redis answers a
     * lexicographic range over mixed scores by where its skiplist's random levels lead.
     */
    private static final String LEX = "zset:lex";
    private static final String[] MEMBERS = {"a", "b", "c", "d", "e", "f", "g", "hello", "1", "2", "10", "-5", "007",
            "3.5", "", LONG, "a" + LONG, "\u00e9t\u00e9", "9223372036854775807", "9223372036854775808"};
    private static final String[] SCORES = {"0", "1", "2", "2.5", "-1", "-3.75", "10", "1e3", "inf", "-inf", "+inf",
            "1.0000000000000002", "0.1", "-0", "100000000000000000000"};
    private static final String[] BAD_NUMBERS = {"x", "nan", "1.5", "", " 1", "1e400", "0x10", "9223372036854775808"};

    private final Random random;

    public CommandFuzzer(Random random) {
        this.random = random;
    }

    /**
     * The next command; now and then run by a script instead (through {@code redis.pcall}, so
     * that its reply goes to Lua and back, errors included).
     */
    public Command next() {
        Command c = command();
        if (random.nextInt(10) == 0) {
            String script = random.nextInt(3) == 0
                    ? "redis.setresp(3); return redis.pcall(unpack(ARGV))" : "return redis.pcall(unpack(ARGV))";
            return new Command(args("EVAL", script, "0", c.args()), c.compare());
        }
        return c;
    }

    /** A command to queue in a transaction. */
    public Command queued() {
        return command();
    }

    private Command command() {
        switch (random.nextInt(20)) {
            case 0: case 1: case 2: return list();
            case 3: case 4: return hash();
            case 5: case 6: case 7: return set();
            case 8: case 9: case 10: return zset();
            case 11: case 12: return string();
            case 13: case 14: return stream();
            case 15: return geo();
            case 16: return hll();
            case 17: return keys();
            case 18: return sort();
            default: return bits();
        }
    }

    // ------------------------------------------------------------------ lists

    private Command list() {
        String k = key(0);
        switch (random.nextInt(26)) {
            case 0: case 1: return exact(pick("LPUSH", "RPUSH"), k, members(1, 6));
            case 2: return exact(pick("LPUSHX", "RPUSHX"), k, members(1, 3));
            case 3: return exact("RPUSH", k, members(20, 140));
            case 4: return exact(opt(new String[] {pick("LPOP", "RPOP"), k}, 2, count()));
            case 5: return exact("LRANGE", k, index(), index());
            case 6: return exact("LINDEX", k, index());
            case 7: return exact("LSET", k, index(), member());
            case 8: return exact("LINSERT", k, pick("BEFORE", "AFTER", "MIDDLE"), member(), member());
            case 9: return exact("LREM", k, Integer.toString(random.nextInt(7) - 3), member());
            case 10: return exact("LTRIM", k, index(), index());
            case 11: return exact("LLEN", k);
            case 12: return exact(lpos(k));
            case 13: return exact("LMOVE", k, key(0), pick("LEFT", "RIGHT", "UP"), pick("LEFT", "RIGHT"));
            case 14: return exact("RPOPLPUSH", k, key(0));
            case 15: return exact(lmpop());
            case 16: return exact(pick("BLPOP", "BRPOP"), k, key(0), "0.01");
            case 17: return exact("BLMOVE", k, key(0), pick("LEFT", "RIGHT"), pick("LEFT", "RIGHT"), "0.01");
            case 18: return exact("OBJECT", "ENCODING", k);
            case 19: return exact("LPUSH", k, numbers(1, 5));
            case 20: return exact("LRANGE", k, "0", "-1");
            case 21: return exact("LINDEX", k, pick("x", "1.5", "-0", "99999999999999999999"));
            case 22: return exact("LPOP", k, pick("0", "-1", "x", "99999999999"));
            case 23: return exact("LRANGE", k, pick("0", "x", "-1"), pick("-1", "1.0", "9223372036854775807"));
            case 24: return exact("BLMPOP", "0.01", "2", k, key(0), pick("LEFT", "RIGHT"), "COUNT", count());
            default: return exact("LREM", k, pick("0", "x", "-9223372036854775808"), member());
        }
    }

    private String[] lpos(String k) {
        List<String> a = new ArrayList<>(List.of("LPOS", k, member()));
        int opts = random.nextInt(4);
        for (int i = 0; i < opts; i++) {
            switch (random.nextInt(3)) {
                case 0: a.add("RANK"); a.add(pick("1", "-1", "2", "-2", "0", "x", "-9223372036854775808")); break;
                case 1: a.add("COUNT"); a.add(pick("0", "1", "2", "-1")); break;
                default: a.add("MAXLEN"); a.add(pick("0", "1", "3", "-1")); break;
            }
        }
        return a.toArray(new String[0]);
    }

    private String[] lmpop() {
        List<String> a = new ArrayList<>(List.of("LMPOP"));
        int n = random.nextInt(4);
        a.add(random.nextInt(10) == 0 ? pick("0", "-1", "x") : Integer.toString(Math.max(n, 1)));
        for (int i = 0; i < Math.max(n, 1); i++) {
            a.add(key(0));
        }
        a.add(pick("LEFT", "RIGHT", "MIDDLE"));
        if (random.nextBoolean()) {
            a.add("COUNT");
            a.add(count());
        }
        return a.toArray(new String[0]);
    }

    // ------------------------------------------------------------------ hashes

    private Command hash() {
        String k = key(1);
        switch (random.nextInt(22)) {
            case 0: case 1: return exact("HSET", k, pairs(1, 4));
            case 2: return exact("HSET", k, pairs(20, 140));
            case 3: return exact("HSETNX", k, member(), member());
            case 4: return exact("HGET", k, member());
            case 5: return exact("HMGET", k, members(1, 4));
            case 6: return exact("HDEL", k, members(1, 4));
            case 7: return exact("HLEN", k);
            case 8: return exact("HSTRLEN", k, member());
            case 9: return exact("HINCRBY", k, member(), pick("1", "-7", "100", "9223372036854775807", "x", "1.5"));
            case 10: return exact("HINCRBYFLOAT", k, member(), pick("1.5", "-0.25", "1e3", "inf", "x", "5.0e3", "3"));
            case 11: return exact("HEXISTS", k, member());
            case 12: return cmd(Compare.UNORDERED, "HKEYS", k);
            case 13: return cmd(Compare.UNORDERED, "HVALS", k);
            case 14: return cmd(Compare.UNORDERED_PAIRS, "HGETALL", k);
            case 15: return cmd(Compare.SHAPE, "HRANDFIELD", k, pick("1", "3", "-3", "0", "100"));
            case 16: return cmd(Compare.SCAN, "HSCAN", k, "0", "COUNT", "1000");
            case 17: return exact("HMSET", k, pairs(1, 3));
            case 18: return exact("OBJECT", "ENCODING", k);
            case 19: return exact("HSET", k, member());
            case 20: return exact("HRANDFIELD", k, pick("x", "-9223372036854775808"));
            default: return exact("HGET", k, LONG + "y");
        }
    }

    // ------------------------------------------------------------------ sets

    private Command set() {
        String k = key(2);
        switch (random.nextInt(24)) {
            case 0: case 1: return exact("SADD", k, members(1, 5));
            case 2: return exact("SADD", k, numbers(1, 6));
            case 3: return exact("SADD", k, members(20, 140));
            case 4: return exact("SREM", k, members(1, 4));
            case 5: return exact("SISMEMBER", k, member());
            case 6: return exact("SMISMEMBER", k, members(1, 4));
            case 7: return exact("SCARD", k);
            case 8: return cmd(Compare.UNORDERED, "SMEMBERS", k);
            case 9: return cmd(Compare.UNORDERED, pick("SINTER", "SUNION", "SDIFF"), k, keys(2, 1, 3));
            case 10: return exact(pick("SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"), key(2), k, keys(2, 0, 2));
            case 11: return exact(sintercard(k));
            case 12: return exact("SMOVE", k, key(2), member());
            case 13: return cmd(Compare.SHAPE, "SRANDMEMBER", k, pick("1", "2", "-5", "0", "100"));
            case 14: return cmd(Compare.SCAN, "SSCAN", k, "0", "COUNT", "1000");
            case 15: return exact("OBJECT", "ENCODING", k);
            case 16: return exact("SRANDMEMBER", k, pick("x", "-9223372036854775808"));
            case 17: return exact("SPOP", k, pick("x", "-1"));
            case 18: return exact("SADD", k, numbers(3, 8));
            case 19: return cmd(Compare.UNORDERED, "SINTER", k);
            case 20: return exact("SMISMEMBER", k);
            default: return exact("SREM", k, member());
        }
    }

    private String[] sintercard(String k) {
        List<String> a = new ArrayList<>(List.of("SINTERCARD"));
        int n = 1 + random.nextInt(3);
        a.add(random.nextInt(8) == 0 ? pick("0", "x", "5") : Integer.toString(n));
        a.add(k);
        for (int i = 1; i < n; i++) {
            a.add(key(2));
        }
        if (random.nextBoolean()) {
            a.add("LIMIT");
            a.add(pick("0", "1", "2", "-1", "x"));
        }
        return a.toArray(new String[0]);
    }

    // ------------------------------------------------------------------ sorted sets

    private Command zset() {
        String k = key(3);
        switch (random.nextInt(35)) {
            case 0: case 1: case 2: return exact(zadd(k));
            case 3: return exact("ZADD", k, scoreMembers(20, 140));
            case 4: return exact("ZINCRBY", k, score(), member());
            case 5: return exact("ZREM", k, members(1, 3));
            case 6: return exact("ZCARD", k);
            case 7: return exact("ZSCORE", k, member());
            case 8: return exact("ZMSCORE", k, members(1, 3));
            case 9: return exact(pick("ZRANK", "ZREVRANK"), k, member());
            case 10: case 11: return exact(zrange(k));
            case 12: return exact(opt(new String[] {pick("ZRANGEBYSCORE", "ZREVRANGEBYSCORE"), k, bound(), bound()}, 2,
                    "WITHSCORES"));
            case 13: return lex(opt(new String[] {pick("ZRANGEBYLEX", "ZREVRANGEBYLEX"), lexKey(), lexBound(), lexBound()},
                    2, "LIMIT", Integer.toString(random.nextInt(3) - 1), Integer.toString(random.nextInt(4) - 1)));
            case 14: return exact("ZCOUNT", k, bound(), bound());
            case 15: return lex(args("ZLEXCOUNT", lexKey(), lexBound(), lexBound()));
            case 16: return exact("ZREMRANGEBYRANK", k, index(), index());
            case 17: return exact("ZREMRANGEBYSCORE", k, bound(), bound());
            case 18: return exact("ZREMRANGEBYLEX", LEX, lexBound(), lexBound());
            case 19: return exact(opt(new String[] {pick("ZPOPMIN", "ZPOPMAX"), k}, 2, count()));
            case 20: return exact(zstore(pick("ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"), true));
            case 21: return exact(zstore(pick("ZUNION", "ZINTER", "ZDIFF"), false));
            case 22: return exact("ZRANGESTORE", key(3), zrangeArgs(k, false));
            case 23: return exact(zmpop());
            case 24: return cmd(Compare.SHAPE, "ZRANDMEMBER", k, pick("1", "2", "-4", "0", "100"),
                    pick("WITHSCORES", "WITHSCORES", null));
            case 25: return cmd(Compare.SCAN, "ZSCAN", k, "0", "COUNT", "1000");
            case 26: return exact("OBJECT", "ENCODING", k);
            case 27: return exact(pick("BZPOPMIN", "BZPOPMAX"), k, key(3), "0.01");
            case 28: return exact("ZINTERCARD", "2", k, key(3), "LIMIT", pick("0", "1", "-1"));
            case 29: return exact("ZADD", k, pick("nan", "x", "(1", "1e400", ""), member());
            case 30: return exact(args("ZADD", LEX, pick("NX", "XX", "CH", null), lexMembers()));
            case 34: return exact("ZINCRBY", k, pick("inf", "-inf"), member());
            case 31: return exact("ZRANGE", k, "0", "-1", "WITHSCORES");
            case 32: return exact("ZRANDMEMBER", k, pick("x", "-9223372036854775808", "0"), pick("WITHSCORES", "X"));
            default: return exact("BZMPOP", "0.01", "1", k, pick("MIN", "MAX"), "COUNT", count());
        }
    }

    private String[] zadd(String k) {
        List<String> a = new ArrayList<>(List.of("ZADD", k));
        int opts = random.nextInt(3);
        for (int i = 0; i < opts; i++) {
            a.add(pick("NX", "XX", "GT", "LT", "CH", "INCR"));
        }
        int n = 1 + random.nextInt(random.nextInt(5) == 0 ? 4 : 2);
        for (int i = 0; i < n; i++) {
            a.add(score());
            a.add(member());
        }
        return a.toArray(new String[0]);
    }

    private String[] zrange(String k) {
        return args("ZRANGE", zrangeArgs(k, true));
    }

    private String[] zrangeArgs(String k, boolean withScores) {
        List<String> a = new ArrayList<>();
        a.add(k);
        int kind = random.nextInt(3);
        if (kind == 0) {
            a.add(index());
            a.add(index());
        } else if (kind == 1) {
            a.add(bound());
            a.add(bound());
            a.add("BYSCORE");
        } else {
            a.set(0, LEX);
            a.add(lexBound());
            a.add(lexBound());
            a.add("BYLEX");
        }
        if (random.nextInt(3) == 0) {
            a.add("REV");
        }
        if (random.nextInt(3) == 0) {
            a.add("LIMIT");
            a.add(Integer.toString(random.nextInt(4) - 1));
            a.add(Integer.toString(random.nextInt(5) - 1));
        }
        if (withScores && random.nextBoolean()) {
            a.add("WITHSCORES");
        }
        return a.toArray(new String[0]);
    }

    private String[] zstore(String name, boolean store) {
        List<String> a = new ArrayList<>(List.of(name));
        if (store) {
            a.add(key(3));
        }
        int n = 1 + random.nextInt(3);
        a.add(random.nextInt(10) == 0 ? pick("0", "x", "-1") : Integer.toString(n));
        for (int i = 0; i < n; i++) {
            a.add(random.nextInt(4) == 0 ? key(2) : key(3)); // sets take part with a score of 1
        }
        if (!name.startsWith("ZDIFF")) {
            if (random.nextInt(3) == 0) {
                a.add("WEIGHTS");
                for (int i = 0; i < n; i++) {
                    a.add(pick("1", "2", "-1", "0.5", "inf", "x"));
                }
            }
            if (random.nextInt(3) == 0) {
                a.add("AGGREGATE");
                a.add(pick("SUM", "MIN", "MAX", "AVG"));
            }
        }
        if (!store && random.nextBoolean()) {
            a.add("WITHSCORES");
        }
        return a.toArray(new String[0]);
    }

    private String[] zmpop() {
        List<String> a = new ArrayList<>(List.of("ZMPOP"));
        int n = 1 + random.nextInt(2);
        a.add(Integer.toString(n));
        for (int i = 0; i < n; i++) {
            a.add(key(3));
        }
        a.add(pick("MIN", "MAX", "MID"));
        if (random.nextBoolean()) {
            a.add("COUNT");
            a.add(count());
        }
        return a.toArray(new String[0]);
    }

    // ------------------------------------------------------------------ strings

    private Command string() {
        String k = key(4);
        switch (random.nextInt(24)) {
            case 0: case 1: return exact("SET", k, member());
            case 2: return exact(setWithOptions(k));
            case 3: return exact("GET", k);
            case 4: return exact("APPEND", k, member());
            case 5: return exact("SETRANGE", k, pick("0", "3", "10", "-1", "x"), member());
            case 6: return exact("GETRANGE", k, index(), index());
            case 7: return exact(pick("INCR", "DECR"), k);
            case 8: return exact(pick("INCRBY", "DECRBY"), k, pick("1", "-3", "100", "9223372036854775807", "x", "1.5"));
            case 9: return exact("INCRBYFLOAT", k, pick("1.5", "-0.5", "1e2", "inf", "x", "3", "5.0e3"));
            case 10: return exact("STRLEN", k);
            case 11: return exact("GETSET", k, member());
            case 12: return exact("GETDEL", k);
            case 13: return exact("MSET", k, member(), key(4), member());
            case 14: return exact("MSETNX", k, member(), key(4), member());
            case 15: return exact("MGET", k, key(4), key(4));
            case 16: return exact("OBJECT", "ENCODING", k);
            case 17: return exact("LCS", k, key(4), pick("LEN", "IDX", "IDX", "MINMATCHLEN"), pick("WITHMATCHLEN", "1", "LEN"));
            case 18: return exact("SETNX", k, member());
            case 19: return exact("SET", k, pick("0", "-1", "12345", "1.5", "9223372036854775807"));
            case 20: return exact("SUBSTR", k, index(), index());
            case 21: return exact("GETEX", k, pick("PERSIST", "EX", "PX"), pick("100000", "0", "-1", "x"));
            case 22: return exact("SETEX", k, pick("100", "0", "-5", "x"), member());
            default: return exact("INCR", "str:n");
        }
    }

    private String[] setWithOptions(String k) {
        List<String> a = new ArrayList<>(List.of("SET", k, member()));
        int opts = random.nextInt(3);
        for (int i = 0; i < opts; i++) {
            switch (random.nextInt(6)) {
                case 0: a.add("NX"); break;
                case 1: a.add("XX"); break;
                case 2: a.add("GET"); break;
                case 3: a.add("KEEPTTL"); break;
                case 4: a.add(pick("EX", "PX")); a.add(pick("100000", "0", "-1", "x")); break;
                default: a.add(pick("EXAT", "PXAT")); a.add(pick("1", "99999999999", "0")); break;
            }
        }
        return a.toArray(new String[0]);
    }

    // ------------------------------------------------------------------ bitmaps

    private Command bits() {
        String k = random.nextBoolean() ? "str:a" : key(4);
        switch (random.nextInt(12)) {
            case 0: case 1: return exact("SETBIT", k, pick("0", "1", "7", "8", "100", "-1", "4294967296", "x"),
                    pick("0", "1", "2"));
            case 2: return exact("GETBIT", k, pick("0", "1", "7", "100", "x"));
            case 3: return exact(opt(new String[] {"BITCOUNT", k}, 2, index(), index(), pick("BYTE", "BIT", "WORD")));
            case 4: return exact(opt(new String[] {"BITPOS", k, pick("0", "1", "2")}, 2, index(), index(),
                    pick("BYTE", "BIT")));
            case 5: return exact("BITOP", pick("AND", "OR", "XOR", "NOT", "NAND"), key(4), keys(4, 1, 2));
            case 6: case 7: return exact(bitfield(k));
            case 8: return exact("BITFIELD_RO", k, "GET", pick("u8", "i5", "u63", "i64"), pick("0", "#1", "7"));
            default: return exact("GET", k);
        }
    }

    private String[] bitfield(String k) {
        List<String> a = new ArrayList<>(List.of("BITFIELD", k));
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(4)) {
                case 0: a.add("GET"); a.add(type()); a.add(offset()); break;
                case 1: a.add("SET"); a.add(type()); a.add(offset()); a.add(pick("1", "-1", "255", "1000", "x")); break;
                case 2: a.add("INCRBY"); a.add(type()); a.add(offset()); a.add(pick("1", "-1", "100", "x")); break;
                default: a.add("OVERFLOW"); a.add(pick("WRAP", "SAT", "FAIL", "NONE")); break;
            }
        }
        return a.toArray(new String[0]);
    }

    private String type() {
        return pick("u8", "i8", "u1", "i1", "u16", "i64", "u63", "u64", "i0", "x8");
    }

    private String offset() {
        return pick("0", "1", "#0", "#2", "100", "-1", "x");
    }

    // ------------------------------------------------------------------ streams

    private Command stream() {
        String k = key(5);
        switch (random.nextInt(24)) {
            case 0: case 1: case 2: return exact(xadd(k));
            case 3: return exact("XLEN", k);
            case 4: return exact(opt(new String[] {"XRANGE", k, xbound(), xbound()}, 2, "COUNT", count()));
            case 5: return exact(opt(new String[] {"XREVRANGE", k, xbound(), xbound()}, 2, "COUNT", count()));
            case 6: return exact("XDEL", k, ids(1, 3));
            case 7: return exact("XTRIM", k, pick("MAXLEN", "MINID"), pick("=", "~", "="), pick("0", "2", "5", "3-0", "x"));
            case 8: return exact("XGROUP", "CREATE", k, group(), pick("0", "$", "3-0", "x"), pick("MKSTREAM", "ENTRIESREAD",
                    "MKSTREAM"), "2");
            case 9: return exact("XGROUP", "SETID", k, group(), pick("0", "$", "5-0"));
            case 10: return exact("XGROUP", pick("CREATECONSUMER", "DELCONSUMER"), k, group(), consumer());
            case 11: case 12: return exact("XREADGROUP", "GROUP", group(), consumer(), "COUNT", count(), "STREAMS", k,
                    pick(">", ">", "0", "2-0"));
            case 13: return exact("XACK", k, group(), ids(1, 3));
            case 14: return exact("XPENDING", k, group());
            case 15: return exact("XCLAIM", k, group(), consumer(), "0", id(), pick("JUSTID", "FORCE", "RETRYCOUNT"),
                    pick("5", "JUSTID"));
            case 16: return exact("XAUTOCLAIM", k, group(), consumer(), "0", pick("0", "0-0", "3-0"), "COUNT", count());
            case 17: return exact("XINFO", "STREAM", k);
            case 18: return exact("XINFO", "GROUPS", k);
            case 19: return exact("XREAD", "COUNT", count(), "STREAMS", k, key(5), pick("0", "2-0", "$"), "0");
            case 20: return exact("XSETID", k, pick("100-0", "1-0", "0-0", "x"));
            case 21: return exact("XGROUP", "DESTROY", k, group());
            case 22: return exact(args("XADD", k, "NOMKSTREAM", pick("MAXLEN", "MINID"), pick("=", "~"), "3",
                    new String[] {nextId(), "f", member()}));
            default: return exact("OBJECT", "ENCODING", k);
        }
    }

    private int streamMillis = 1;

    /** An ID past most of what came before, sometimes one already used or below the top. */
    private String nextId() {
        int r = random.nextInt(10);
        if (r < 6) {
            streamMillis += random.nextInt(3);
            return streamMillis + "-" + random.nextInt(3);
        }
        if (r < 8) {
            return streamMillis + "-*";
        }
        return pick("0-0", "1-1", "0-1", streamMillis + "-0", "x-1", "18446744073709551615-18446744073709551615");
    }

    private String[] xadd(String k) {
        List<String> a = new ArrayList<>(List.of("XADD", k));
        if (random.nextInt(4) == 0) {
            a.add(pick("MAXLEN", "MINID"));
            a.add(pick("=", "~", "="));
            a.add(pick("2", "5", "0", "3-0"));
            if (random.nextInt(3) == 0) {
                a.add("LIMIT");
                a.add(pick("0", "10", "x"));
            }
        }
        a.add(nextId());
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            a.add(pick("f", "g", "h", "field"));
            a.add(member());
        }
        return a.toArray(new String[0]);
    }

    private String id() {
        return random.nextInt(4) == 0 ? pick("0-0", "x", "1") : random.nextInt(streamMillis + 1) + "-" + random.nextInt(3);
    }

    private String[] ids(int min, int max) {
        int n = min + random.nextInt(max - min + 1);
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = id();
        }
        return out;
    }

    private String xbound() {
        return random.nextInt(3) == 0 ? pick("-", "+", "(1-0", "(-", "x") : id();
    }

    private String group() {
        return pick("g1", "g2");
    }

    private String consumer() {
        return pick("alice", "bob");
    }

    // ------------------------------------------------------------------ geo and HyperLogLog

    private Command geo() {
        String k = key(6);
        switch (random.nextInt(11)) {
            case 0: case 1: return exact("GEOADD", k, pick(null, "NX", "XX", "CH"), pick("13.361389", "15.087269", "-200",
                    "0", "180"), pick("38.115556", "37.502669", "85.06", "90", "0"), member());
            case 2: return exact("GEODIST", k, member(), member(), pick("m", "km", "mi", "ft", "parsecs"));
            case 3: return exact("GEOPOS", k, members(1, 3));
            case 4: return exact("GEOHASH", k, members(1, 3));
            case 5: return exact("GEOSEARCH", k, "FROMLONLAT", "15", "37", "BYRADIUS", pick("200", "1000", "0"), "km",
                    pick("ASC", "DESC"), "WITHCOORD", "WITHDIST", "WITHHASH");
            case 6: return exact("GEOSEARCH", k, "FROMMEMBER", member(), "BYBOX", "400", "400", "km", "ASC", "COUNT",
                    pick("1", "2", "0"));
            case 7: return exact("GEOSEARCHSTORE", key(6), k, "FROMLONLAT", pick("15", "13.5", "-190"), "37", "BYRADIUS",
                    pick("300", "1"), pick("km", "m", "mi"), pick(null, "STOREDIST"), pick(null, "ASC", "DESC"));
            case 8: return exact("GEORADIUS", k, "15", "37", pick("200", "0"), pick("km", "m"), pick(null, "WITHDIST"),
                    pick(null, "WITHCOORD"), pick(null, "ASC", "DESC"), pick(null, "COUNT"), pick(null, "2"));
            case 9: return exact("GEORADIUSBYMEMBER", k, member(), pick("500", "0"), "km", pick(null, "WITHDIST"),
                    pick(null, "ASC"), pick(null, "ANY"));
            default: return exact("ZRANGE", k, "0", "-1", "WITHSCORES");
        }
    }

    private Command hll() {
        String k = key(7);
        switch (random.nextInt(8)) {
            case 0: case 1: return exact("PFADD", k, members(0, 5));
            case 2: return exact("PFCOUNT", k, keys(7, 0, 1));
            case 3: return exact("PFMERGE", k, keys(7, 0, 2));
            case 4: return exact("PFADD", k, numbers(10, 60));
            case 5: return exact("PFADD", k, numbers(200, 1500));
            default: return exact("GETRANGE", k, "0", "15");
        }
    }

    // ------------------------------------------------------------------ keys

    private Command keys() {
        String k = anyKey();
        switch (random.nextInt(19)) {
            case 0: return exact("TYPE", k);
            case 1: return exact("DEL", k);
            case 2: return exact("EXISTS", k, anyKey(), k);
            case 3: return exact("RENAME", k, anyKey());
            case 4: return exact("RENAMENX", k, anyKey());
            case 5: return exact(opt(new String[] {"COPY", k, anyKey()}, 2, "REPLACE"));
            case 6: return exact("EXPIRE", k, pick("100", "1000"), pick("NX", "XX", "GT", "LT", "NX"));
            case 7: return exact("EXPIRE", k, pick("0", "-1"));
            case 8: return exact("PERSIST", k);
            case 9: return cmd(Compare.TTL, "TTL", k);
            case 10: return exact("UNLINK", k, anyKey());
            case 11: return exact("EXPIRE", k, pick("x", "9223372036854775807", "1.5"));
            case 12: return exact("OBJECT", "ENCODING", k);
            case 13: return exact("MOVE", k, pick("1", "0", "16", "x"));
            case 14: return exact("SWAPDB", pick("0", "1"), pick("1", "0", "x"));
            case 15: return exact(opt(new String[] {"COPY", k, anyKey(), "DB", pick("1", "0", "16")}, 2, "REPLACE"));
            case 16: return exact("EXPIREAT", k, pick("1", "99999999999", "-5"), pick(null, "NX", "XX", "GT", "LT"));
            case 17: return exact(pick("PEXPIRE", "EXPIRE"), k, pick("100000", "1000000"), pick(null, "GT", "LT"));
            default: return cmd(Compare.SCAN, "SCAN", "0", "COUNT", "1000", "TYPE", pick("list", "zset", "hash",
                    "set", "string", "stream"));
        }
    }

    /**
     * SORT and SORT_RO. Redis leaves some orders to chance, and those are compared as sets of
     * elements (or only by count, under a LIMIT): a set's members BY nosort (unless stored,
     * which Redis sorts ALPHA for the sake of replicas), and ties under ALPHA BY a pattern
     * (numeric ties fall back to comparing the elements).
     */
    private Command sort() {
        String k = random.nextBoolean() ? key(0) : random.nextBoolean() ? key(2) : key(3);
        List<String> a = new ArrayList<>(List.of(pick("SORT", "SORT", "SORT_RO"), k));
        boolean alpha = random.nextBoolean();
        if (alpha) {
            a.add("ALPHA");
        }
        if (random.nextInt(3) == 0) {
            a.add(pick("ASC", "DESC"));
        }
        boolean limit = random.nextInt(3) == 0;
        if (limit) {
            a.add("LIMIT");
            a.add(pick("0", "1", "-1", "x"));
            a.add(pick("2", "-1", "10"));
        }
        String by = random.nextInt(3) == 0 ? pick("nosort", "str:*", "hash:a->*") : null;
        if (by != null) {
            a.add("BY");
            a.add(by);
        }
        if (random.nextInt(4) == 0) {
            a.add("GET");
            a.add(pick("#", "str:*", "hash:a->*"));
        }
        boolean nosort = "nosort".equals(by);
        boolean chance = by != null && (nosort || alpha);
        boolean numeric = !alpha && !nosort;
        // Stored only where Redis cannot fail at random (see SORT_NUMERIC) or choose the order.
        boolean store = a.get(0).equals("SORT") && random.nextInt(4) == 0 && (nosort || (alpha && by == null));
        if (store) {
            a.add("STORE");
            a.add(key(0));
        }
        if (store || !chance) {
            return cmd(numeric ? Compare.SORT_NUMERIC : Compare.EXACT, a.toArray(new String[0]));
        }
        return cmd(limit ? Compare.SHAPE : Compare.UNORDERED, a.toArray(new String[0]));
    }

    // ------------------------------------------------------------------ arguments

    private String key(int family) {
        if (random.nextInt(8) == 0) {
            return anyKey();
        }
        String[] ks = KEYS[family];
        return ks[random.nextInt(ks.length)];
    }

    private String anyKey() {
        String[] ks = KEYS[random.nextInt(KEYS.length)];
        return ks[random.nextInt(ks.length)];
    }

    private String[] keys(int family, int min, int max) {
        int n = min + random.nextInt(max - min + 1);
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = key(family);
        }
        return out;
    }

    private String member() {
        return MEMBERS[random.nextInt(random.nextInt(4) == 0 ? MEMBERS.length : 8)];
    }

    private String[] members(int min, int max) {
        int n = min + random.nextInt(max - min + 1);
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = n > 12 ? "m" + random.nextInt(n * 2) : member();
        }
        return out;
    }

    private String[] numbers(int min, int max) {
        int n = min + random.nextInt(max - min + 1);
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = Long.toString(random.nextInt(5) == 0 ? random.nextLong() : random.nextInt(200) - 20);
        }
        return out;
    }

    private String[] pairs(int min, int max) {
        int n = min + random.nextInt(max - min + 1);
        String[] out = new String[n * 2];
        for (int i = 0; i < n; i++) {
            out[2 * i] = n > 12 ? "f" + random.nextInt(n * 2) : member();
            out[2 * i + 1] = random.nextBoolean() ? member() : Integer.toString(random.nextInt(100));
        }
        return out;
    }

    private String[] scoreMembers(int min, int max) {
        int n = min + random.nextInt(max - min + 1);
        String[] out = new String[n * 2];
        for (int i = 0; i < n; i++) {
            out[2 * i] = Integer.toString(random.nextInt(50));
            out[2 * i + 1] = "m" + random.nextInt(n * 2);
        }
        return out;
    }

    private String score() {
        return random.nextInt(25) == 0 ? pick(BAD_NUMBERS) : pick(SCORES);
    }

    private String bound() {
        if (random.nextInt(20) == 0) {
            return pick("x", "((1", "[1", "nan", "");
        }
        String s = pick(SCORES);
        return random.nextInt(3) == 0 ? "(" + s : s;
    }

    /** Mostly {@link #LEX}; now and then another key, where only errors can be compared. */
    private String lexKey() {
        return random.nextInt(6) == 0 ? key(3) : LEX;
    }

    private Command lex(String[] args) {
        return new Command(args, args[1].equals(LEX) ? Compare.EXACT : Compare.ERRORS);
    }

    private String[] lexMembers() {
        int n = 1 + random.nextInt(random.nextInt(6) == 0 ? 40 : 3);
        String[] out = new String[n * 2];
        for (int i = 0; i < n; i++) {
            out[2 * i] = "0";
            out[2 * i + 1] = n > 3 ? "w" + random.nextInt(n * 2) : member();
        }
        return out;
    }

    private String lexBound() {
        if (random.nextInt(20) == 0) {
            return pick("a", "", "x", "(");
        }
        if (random.nextInt(5) == 0) {
            return pick("-", "+");
        }
        return (random.nextBoolean() ? "[" : "(") + member();
    }

    private String index() {
        return Integer.toString(random.nextInt(10) == 0 ? random.nextInt(400) - 200 : random.nextInt(9) - 4);
    }

    private String count() {
        return pick("1", "2", "3", "10", "0", "-1", "x", "1000");
    }

    private String pick(String... options) {
        return options[random.nextInt(options.length)];
    }

    private String[] opt(String[] base, int odds, String... more) {
        return random.nextInt(odds) == 0 ? base : args(base, more);
    }

    /** A command compared byte for byte; see {@link #args}. */
    private static Command exact(Object... parts) {
        return new Command(args(parts), Compare.EXACT);
    }

    private static Command cmd(Compare compare, Object... parts) {
        return new Command(args(parts), compare);
    }

    /** Strings and arrays of them, flattened; a null is an option left out. */
    private static String[] args(Object... parts) {
        List<String> out = new ArrayList<>();
        for (Object p : parts) {
            if (p instanceof String[] many) {
                for (String s : many) {
                    if (s != null) {
                        out.add(s);
                    }
                }
            } else if (p != null) {
                out.add((String) p);
            }
        }
        return out.toArray(new String[0]);
    }
}
